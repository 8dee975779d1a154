// Series readers: .ts (plain, gzip, multivariate, unequal lengths) and long CSV.
#include <catch2/catch.hpp>

#include <vector>

#include "segcast/error.h"
#include "segcast/series.h"
#include "support/shared_data.h"

using segcast::testing::FixturePath;

TEST_CASE("A .ts file with unequal lengths and two dimensions reads step-major", "[cluster][series]") {
  for (const char* name : {"cluster/tiny_unequal.ts", "cluster/tiny_unequal.ts.gz"}) {
    const segcast::TimeSeriesSet set = segcast::ReadSeriesFile(FixturePath(name).string());
    REQUIRE(set.size() == 3);
    CHECK(set.dims == 2);
    CHECK(set.Length(0) == 3);
    CHECK(set.Length(1) == 2);
    CHECK(set.Length(2) == 4);
    CHECK(set.MaxLength() == 4);
    CHECK_FALSE(set.EqualLength());
    const std::vector<double> first(set.Data(0), set.Data(0) + 6);
    CHECK(first == std::vector<double>{1, 10, 2, 20, 3, 30});
    CHECK(set.Data(1)[0] == 3.5);
    CHECK(set.Data(2)[6] == 1000.0);
    CHECK(set.labels == std::vector<std::string>{"up", "down", "up"});
    int classes = 0;
    CHECK(segcast::EncodeLabels(set.labels, &classes) == std::vector<int>{0, 1, 0});
    CHECK(classes == 2);
  }
}

TEST_CASE("A long CSV groups rows by id and sorts steps", "[cluster][series]") {
  for (const char* name : {"cluster/tiny_long.csv", "cluster/tiny_long.csv.gz"}) {
    const segcast::TimeSeriesSet set = segcast::ReadSeriesFile(FixturePath(name).string());
    REQUIRE(set.size() == 3);
    CHECK(set.ids == std::vector<std::string>{"b", "a", "c"});
    CHECK(set.dim_names == std::vector<std::string>{"L", "R"});
    CHECK(std::vector<double>(set.Data(0), set.Data(0) + 4) == std::vector<double>{3, 4, 5, 6});
    CHECK(std::vector<double>(set.Data(1), set.Data(1) + 4) == std::vector<double>{0, 0.5, 1, 2});
    CHECK(set.Length(2) == 1);
  }
}

TEST_CASE("Series readers reject missing values and absent files with the location",
          "[cluster][series]") {
  try {
    segcast::ReadSeriesFile(FixturePath("cluster/bad_missing.ts").string());
    FAIL("a missing value was accepted");
  } catch (const segcast::InputError& error) {
    CHECK(error.location().line == 4);
    CHECK(std::string(error.what()).find("'?'") != std::string::npos);
  }
  CHECK_THROWS_AS(segcast::ReadSeriesFile("/nonexistent/file.csv"), segcast::InputError);
}

TEST_CASE("UCR sets of the shared data read with their documented shapes", "[cluster][series][shared]") {
  const auto gun = segcast::Concatenate(
      segcast::ReadSeriesFile(segcast::testing::SharedDataPath("ucr/GunPoint_TRAIN.ts.gz").string()),
      segcast::ReadSeriesFile(segcast::testing::SharedDataPath("ucr/GunPoint_TEST.ts.gz").string()));
  CHECK(gun.size() == 200);
  CHECK(gun.dims == 1);
  CHECK(gun.MinLength() == 150);
  CHECK(gun.MaxLength() == 150);
  CHECK(gun.labels.size() == 200);
  const auto motions = segcast::ReadSeriesFile(
      segcast::testing::SharedDataPath("ucr/BasicMotions_TRAIN.ts.gz").string());
  CHECK(motions.size() == 40);
  CHECK(motions.dims == 6);
  CHECK(motions.MaxLength() == 100);
  int classes = 0;
  segcast::EncodeLabels(motions.labels, &classes);
  CHECK(classes == 4);
}
