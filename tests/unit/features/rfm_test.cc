#include <catch2/catch.hpp>

#include "features_test_util.h"
#include "segcast/error.h"
#include "segcast/rfm.h"

using namespace segcast;
using segcast::testing::WorkedExample;

TEST_CASE("static RFM of the worked example", "[features][rfm]") {
  Transactions table = WorkedExample();
  CHECK(DefaultAsOf(table) == DayFromCivil(2012, 6, 10));
  RfmTable rfm = ComputeRfm(table, {});
  CHECK(rfm.as_of == DayFromCivil(2012, 6, 10));
  REQUIRE(rfm.customer_ids == std::vector<std::string>{"A", "B", "C"});
  CHECK(rfm.recency == std::vector<int32_t>{26, 101, 1});  // a purchase on the last day: R = 1
  CHECK(rfm.frequency == std::vector<int32_t>{3, 1, 1});   // a2's two rows are one invoice
  CHECK(rfm.monetary == std::vector<double>{24, 100, 1});
  CHECK(rfm.first_purchase[0] == DayFromCivil(2012, 1, 31));
  CHECK(rfm.last_purchase[0] == DayFromCivil(2012, 5, 15));
  // A has 2 UK rows and 2 France rows: ties go to the name first in byte order.
  CHECK(rfm.country == std::vector<std::string>{"France", "Germany", ""});
}

TEST_CASE("purchases on or after as_of are ignored", "[features][rfm]") {
  RfmOptions options;
  options.as_of = DayFromCivil(2012, 3, 1);
  RfmTable rfm = ComputeRfm(WorkedExample(), options);
  REQUIRE(rfm.customer_ids == std::vector<std::string>{"A"});  // B buys on as_of itself
  CHECK(rfm.customer_index == std::vector<int32_t>{0});
  CHECK(rfm.recency[0] == 1);
  CHECK(rfm.frequency[0] == 2);
  CHECK(rfm.monetary[0] == 17);
}

TEST_CASE("an empty table has no default as-of date", "[features][rfm]") {
  CHECK_THROWS_AS(DefaultAsOf(Transactions{}), InvalidArgument);
}
