#include <catch2/catch.hpp>

#include "ingest/date_parser.h"
#include "segcast/calendar.h"

using segcast::DateOrder;
using segcast::DayFromCivil;
using segcast::internal::DateParser;
using segcast::internal::DateReading;
using segcast::internal::SlashDate;

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
  CHECK_FALSE(parser.Parse("2011/13/01").has_value());
  CHECK_FALSE(parser.Parse("1/1/11").has_value());  // two-digit years are not read
  CHECK_FALSE(parser.Parse("13/13/2011").has_value());
  CHECK_FALSE(parser.Parse("31/02/2011").has_value());
}

TEST_CASE("the cache never returns a stale day", "[ingest][dates]") {
  DateParser parser;
  CHECK(parser.Parse("2011-03-01 08:00") == DayFromCivil(2011, 3, 1));
  CHECK(parser.Parse("2011-03-01 09:00") == DayFromCivil(2011, 3, 1));
  CHECK_FALSE(parser.Parse("2011-03-01 99:00").has_value());  // cached date, bad time
  CHECK(parser.Parse("2011-03-02") == DayFromCivil(2011, 3, 2));
  CHECK(parser.Parse("3/2/2011") == DayFromCivil(2011, 3, 2));
}

TEST_CASE("slash dates: what the text says about the order", "[ingest][dates]") {
  DateParser parser;
  DateReading reading = parser.Read("13/01/2011 08:26");
  CHECK(reading.ok);
  CHECK(reading.slash == SlashDate::kDayFirstOnly);
  CHECK(reading.day == DayFromCivil(2011, 1, 13));
  CHECK_FALSE(reading.ambiguous);

  reading = parser.Read("01/13/2011");
  CHECK(reading.slash == SlashDate::kMonthFirstOnly);
  CHECK(reading.day == DayFromCivil(2011, 1, 13));

  // Both fields <= 12: both readings, month first in `day` until the file decides.
  reading = parser.Read("01/12/2010 08:26");
  CHECK(reading.ok);
  CHECK(reading.slash == SlashDate::kEither);
  CHECK(reading.ambiguous);
  CHECK(reading.day == DayFromCivil(2010, 1, 12));
  CHECK(reading.day_first == DayFromCivil(2010, 12, 1));

  // The same day either way is not ambiguous.
  reading = parser.Read("5/5/2011");
  CHECK(reading.slash == SlashDate::kEither);
  CHECK_FALSE(reading.ambiguous);
  CHECK(reading.day == DayFromCivil(2011, 5, 5));

  // Real in neither order: no date, but still a slash date.
  reading = parser.Read("31/02/2011");
  CHECK_FALSE(reading.ok);
  CHECK(reading.slash == SlashDate::kNeither);
  // 30 February month first, 2 June day first... no: 02/30 is real in neither order either.
  CHECK(parser.Read("02/30/2011").slash == SlashDate::kNeither);
  // Day first, 31/04 is 31 April: not real; month first, month 31: not real.
  CHECK(parser.Read("31/04/2011").slash == SlashDate::kNeither);

  reading = parser.Read("2010/12/01");
  CHECK(reading.ok);
  CHECK(reading.slash == SlashDate::kYearFirst);
  CHECK(reading.day == DayFromCivil(2010, 12, 1));

  CHECK(parser.Read("2010-12-01").slash == SlashDate::kNone);
  CHECK(parser.Read("41245").slash == SlashDate::kNone);
  // A bad time makes the text no date and no evidence.
  reading = parser.Read("13/01/2011 25:00");
  CHECK_FALSE(reading.ok);
  CHECK(reading.slash == SlashDate::kNone);
}

TEST_CASE("slash dates under an explicit order", "[ingest][dates]") {
  DateParser day_first(DateOrder::kDayFirst);
  CHECK(day_first.Parse("01/12/2010 08:26") == DayFromCivil(2010, 12, 1));
  CHECK(day_first.Parse("13/01/2011") == DayFromCivil(2011, 1, 13));
  CHECK(day_first.Parse("5/5/2011") == DayFromCivil(2011, 5, 5));
  CHECK_FALSE(day_first.Parse("01/13/2011").has_value());  // only real month first
  CHECK_FALSE(day_first.Parse("2010/12/01").has_value());  // year first is another order
  CHECK(day_first.Read("01/13/2011").slash == SlashDate::kMonthFirstOnly);
  CHECK_FALSE(day_first.Read("01/12/2010").ambiguous);
  CHECK(day_first.Parse("2010-12-01") == DayFromCivil(2010, 12, 1));  // ISO is not affected
  CHECK(day_first.Parse("41245") == DayFromCivil(2012, 12, 2));       // nor Excel serials

  DateParser month_first(DateOrder::kMonthFirst);
  CHECK(month_first.Parse("12/1/2010 8:26") == DayFromCivil(2010, 12, 1));
  CHECK(month_first.Parse("01/12/2010") == DayFromCivil(2010, 1, 12));
  CHECK_FALSE(month_first.Parse("13/01/2011").has_value());
  CHECK_FALSE(month_first.Parse("2010/12/01").has_value());

  DateParser year_first(DateOrder::kYearFirst);
  CHECK(year_first.Parse("2010/12/01") == DayFromCivil(2010, 12, 1));
  CHECK(year_first.Parse("2010/1/9 10:00") == DayFromCivil(2010, 1, 9));
  CHECK_FALSE(year_first.Parse("12/1/2010").has_value());
  CHECK_FALSE(year_first.Parse("2010/13/01").has_value());
}

TEST_CASE("times on the 12-hour clock with AM or PM", "[ingest][dates]") {
  DateParser parser;
  CHECK(parser.Parse("12/1/2010 8:26 PM") == DayFromCivil(2010, 12, 1));
  CHECK(parser.Parse("12/1/2010 8:26 AM") == DayFromCivil(2010, 12, 1));
  CHECK(parser.Parse("12/1/2010 12:05:59 am") == DayFromCivil(2010, 12, 1));
  CHECK(parser.Parse("12/1/2010 08:26:00PM") == DayFromCivil(2010, 12, 1));
  CHECK(parser.Parse("13/1/2011 11:59 pm") == DayFromCivil(2011, 1, 13));
  CHECK(parser.Parse("2011-01-13 11:59 PM") == DayFromCivil(2011, 1, 13));
  CHECK_FALSE(parser.Parse("12/1/2010 13:26 PM").has_value());  // no hour 13 on a 12-hour clock
  CHECK_FALSE(parser.Parse("12/1/2010 0:26 AM").has_value());   // nor hour 0
  CHECK_FALSE(parser.Parse("12/1/2010 8:26 XM").has_value());
  CHECK_FALSE(parser.Parse("12/1/2010 PM").has_value());
  CHECK_FALSE(parser.Parse("12/1/2010 8:26 P M").has_value());
  CHECK(segcast::internal::IsValidTimeOfDay("8:26 PM"));
  CHECK(segcast::internal::IsValidTimeOfDay("23:59"));
  CHECK_FALSE(segcast::internal::IsValidTimeOfDay("23:59 PM"));
}

TEST_CASE("a warm cache gives what a cold parser gives, in every order", "[ingest][dates]") {
  const char* texts[] = {"01/12/2010 08:26", "01/12/2010 08:26", "13/01/2011", "13/01/2011 25:00",
                         "01/13/2011",       "2010/12/01",       "5/5/2011",   "12/1/2010 8:26 PM",
                         "2010-12-01",       "41245.5",          "31/02/2011", "01/12/2010"};
  for (DateOrder order : {DateOrder::kAuto, DateOrder::kDayFirst, DateOrder::kMonthFirst, DateOrder::kYearFirst}) {
    DateParser warm(order);
    for (const char* text : texts) {
      DateParser cold(order);
      const DateReading a = warm.Read(text);
      const DateReading b = cold.Read(text);
      INFO(text << " in order " << segcast::DateOrderName(order));
      CHECK(a.ok == b.ok);
      CHECK(a.day == b.day);
      CHECK(a.ambiguous == b.ambiguous);
      CHECK(a.day_first == b.day_first);
      CHECK(a.slash == b.slash);
    }
  }
}
