#include <catch2/catch.hpp>

#include "segcast/calendar.h"
#include "segcast/error.h"

using namespace segcast;

TEST_CASE("day numbers count from 1970-01-01", "[core][calendar]") {
  CHECK(DayFromCivil(1970, 1, 1) == 0);
  CHECK(DayFromCivil(1970, 1, 2) == 1);
  CHECK(DayFromCivil(1969, 12, 31) == -1);
  CHECK(DayFromCivil(2011, 12, 10) == 15318);
  CHECK(DayFromCivil(2000, 3, 1) - DayFromCivil(2000, 2, 28) == 2);  // leap year
  CHECK(DayFromCivil(1900, 3, 1) - DayFromCivil(1900, 2, 28) == 1);  // century, not leap
}

TEST_CASE("civil dates round-trip through day numbers", "[core][calendar]") {
  for (Day day = DayFromCivil(1999, 1, 1); day < DayFromCivil(2031, 1, 1); day += 7) {
    CivilDate civil = CivilFromDay(day);
    CHECK(DayFromCivil(civil.year, civil.month, civil.day) == day);
  }
  CivilDate leap = CivilFromDay(DayFromCivil(2012, 2, 29));
  CHECK(leap.year == 2012);
  CHECK(leap.month == 2);
  CHECK(leap.day == 29);
}

TEST_CASE("dates that do not exist are refused", "[core][calendar]") {
  CHECK_FALSE(TryDayFromCivil(2011, 2, 29).has_value());
  CHECK_FALSE(TryDayFromCivil(2011, 2, 30).has_value());
  CHECK_FALSE(TryDayFromCivil(2011, 13, 1).has_value());
  CHECK_FALSE(TryDayFromCivil(2011, 4, 31).has_value());
  CHECK(TryDayFromCivil(2012, 2, 29).has_value());
  CHECK_THROWS_AS(DayFromCivil(2011, 2, 30), InvalidArgument);
}

TEST_CASE("months index and bound days", "[core][calendar]") {
  MonthIndex december = MakeMonth(2011, 12);
  CHECK(YearOf(december) == 2011);
  CHECK(MonthOf(december) == 12);
  CHECK(MonthOfDay(DayFromCivil(2011, 12, 31)) == december);
  CHECK(FirstDayOfMonth(december + 1) == DayFromCivil(2012, 1, 1));
  CHECK(FormatMonth(december) == "2011-12");
  CHECK(FormatDay(DayFromCivil(2012, 2, 29)) == "2012-02-29");
}

TEST_CASE("ISO text parses strictly", "[core][calendar]") {
  CHECK(ParseIsoDay("2011-12-09") == DayFromCivil(2011, 12, 9));
  CHECK_FALSE(ParseIsoDay("2011-02-30").has_value());
  CHECK_FALSE(ParseIsoDay("2011-2-3").has_value());
  CHECK_FALSE(ParseIsoDay("2011-12-09x").has_value());
  CHECK(ParseIsoMonth("2011-06") == MakeMonth(2011, 6));
  CHECK_FALSE(ParseIsoMonth("2011-00").has_value());
}

TEST_CASE("errors format file, line, field and expectation", "[core][error]") {
  InputError error("no such column", {.file = "a.csv", .line = 1, .field = "CustomerID",
                                      .expected = "one of the header's columns"});
  CHECK(std::string(error.what()) ==
        "a.csv:1: field 'CustomerID': no such column (expected one of the header's columns)");
  CHECK(ExitCodeFor(error) == 3);
  CHECK(ExitCodeFor(ErrorKind::kInvalidArgument) == 2);
}
