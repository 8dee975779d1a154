#include <catch2/catch.hpp>

#include "ingest/date_parser.h"
#include "segcast/calendar.h"

using segcast::DayFromCivil;
using segcast::internal::DateParser;

TEST_CASE("dates in every supported format", "[ingest][dates]") {
  DateParser parser;
  CHECK(parser.Parse("2009-12-01 07:45:00") == DayFromCivil(2009, 12, 1));
  CHECK(parser.Parse("2009-12-01T07:45") == DayFromCivil(2009, 12, 1));
  CHECK(parser.Parse("2017-02-25") == DayFromCivil(2017, 2, 25));
  CHECK(parser.Parse("12/1/2010 8:26") == DayFromCivil(2010, 12, 1));
  CHECK(parser.Parse("2/29/2012") == DayFromCivil(2012, 2, 29));
  CHECK(parser.Parse("  2011-12-09 12:50:00 ") == DayFromCivil(2011, 12, 9));
  // Excel serial days: day 0 is 1899-12-30, so 41245 is 2012-12-02 (shared README).
  CHECK(parser.Parse("41245") == DayFromCivil(2012, 12, 2));
  CHECK(parser.Parse("41245.75") == DayFromCivil(2012, 12, 2));
}

TEST_CASE("impossible dates and times are refused", "[ingest][dates]") {
  DateParser parser;
  CHECK_FALSE(parser.Parse("2011-02-30").has_value());
  CHECK_FALSE(parser.Parse("2011-02-29 10:00").has_value());
  CHECK(parser.Parse("2012-02-29 10:00").has_value());  // leap day
  CHECK_FALSE(parser.Parse("2011-13-01").has_value());
  CHECK_FALSE(parser.Parse("2/30/2011").has_value());
  CHECK_FALSE(parser.Parse("2011-01-01 24:00").has_value());
  CHECK_FALSE(parser.Parse("2011-01-01 10:60").has_value());
  CHECK_FALSE(parser.Parse("").has_value());
  CHECK_FALSE(parser.Parse("yesterday").has_value());
  CHECK_FALSE(parser.Parse("0").has_value());
  CHECK_FALSE(parser.Parse("2011/01/01").has_value());
}

TEST_CASE("the cache never returns a stale day", "[ingest][dates]") {
  DateParser parser;
  CHECK(parser.Parse("2011-03-01 08:00") == DayFromCivil(2011, 3, 1));
  CHECK(parser.Parse("2011-03-01 09:00") == DayFromCivil(2011, 3, 1));
  CHECK_FALSE(parser.Parse("2011-03-01 99:00").has_value());  // cached date, bad time
  CHECK(parser.Parse("2011-03-02") == DayFromCivil(2011, 3, 2));
  CHECK(parser.Parse("3/2/2011") == DayFromCivil(2011, 3, 2));
}
