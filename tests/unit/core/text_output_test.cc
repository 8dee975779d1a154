// Number formatting shared by the reports and CSV writers (src/internal/text_output.h).
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "internal/text_output.h"

using segcast::internal::WithThousands;

TEST_CASE("thousands separators every three digits from the right and the sign first", "[core]") {
  CHECK(WithThousands(0) == "0");
  CHECK(WithThousands(999) == "999");
  CHECK(WithThousands(1000) == "1,000");
  CHECK(WithThousands(541909) == "541,909");
  CHECK(WithThousands(1234567) == "1,234,567");
  CHECK(WithThousands(-1000) == "-1,000");
  CHECK(WithThousands(-12) == "-12");
  CHECK(WithThousands(std::numeric_limits<int64_t>::max()) == "9,223,372,036,854,775,807");
  CHECK(WithThousands(std::numeric_limits<int64_t>::min()) == "-9,223,372,036,854,775,808");
}
