// Fuzz target: date parsing (the ingest DateParser with its one-entry cache, ParseIsoDay,
// ParseIsoMonth) and the column-mapping and schema-name parsers of the command line.
//
// The input is split into lines; each line is parsed by a fresh DateParser and by one parser
// that has seen every earlier line (its cache is warm), and the two must agree. A parsed day must
// lie in 1400-01-01 .. 9999-12-31 and ISO forms must survive FormatDay / FormatMonth unchanged.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "ingest/date_parser.h"
#include "segcast/calendar.h"
#include "segcast/error.h"
#include "segcast/schema.h"

namespace {

void CheckLine(std::string_view line, segcast::internal::DateParser& warm) {
  segcast::internal::DateParser cold;
  const std::optional<segcast::Day> fresh = cold.Parse(line);
  const std::optional<segcast::Day> cached = warm.Parse(line);
  if (fresh != cached) segcast::fuzz::Fail("DateParser gives a different day with a warm cache");
  static const segcast::Day kFirst = segcast::DayFromCivil(1400, 1, 1);
  static const segcast::Day kLast = segcast::DayFromCivil(9999, 12, 31);
  if (fresh && (*fresh < kFirst || *fresh > kLast)) segcast::fuzz::Fail("DateParser day out of range");

  // Every explicit order: a warm cache reads as a cold parser, and an ambiguous reading only
  // under kAuto, for a slash date real both ways.
  for (segcast::DateOrder order : {segcast::DateOrder::kAuto, segcast::DateOrder::kDayFirst,
                                   segcast::DateOrder::kMonthFirst, segcast::DateOrder::kYearFirst}) {
    segcast::internal::DateParser cold_order(order);
    const segcast::internal::DateReading a = cold_order.Read(line);
    const segcast::internal::DateReading b = cold_order.Read(line);
    if (a.ok != b.ok || a.day != b.day || a.ambiguous != b.ambiguous || a.day_first != b.day_first ||
        a.slash != b.slash) {
      segcast::fuzz::Fail("DateParser reads a text differently from its cache");
    }
    if (a.ok && (a.day < kFirst || a.day > kLast)) segcast::fuzz::Fail("DateParser day out of range");
    if (a.ambiguous && (order != segcast::DateOrder::kAuto || a.slash != segcast::internal::SlashDate::kEither ||
                        a.day_first < kFirst || a.day_first > kLast || a.day_first == a.day)) {
      segcast::fuzz::Fail("an ambiguous reading that is not two real days of one slash date");
    }
  }

  if (const std::optional<segcast::Day> iso = segcast::ParseIsoDay(line)) {
    if (segcast::FormatDay(*iso) != line) segcast::fuzz::Fail("ParseIsoDay/FormatDay round trip");
    if (fresh != iso) segcast::fuzz::Fail("DateParser and ParseIsoDay disagree on an ISO date");
  }
  if (const std::optional<segcast::MonthIndex> month = segcast::ParseIsoMonth(line)) {
    if (segcast::FormatMonth(*month) != line) segcast::fuzz::Fail("ParseIsoMonth/FormatMonth round trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = segcast::fuzz::AsText(data, size);
  segcast::internal::DateParser warm;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    CheckLine(text.substr(start, end - start), warm);
    start = end + 1;
  }
  try {
    segcast::ColumnMapping mapping = segcast::ParseColumnMapping(text);
    mapping.Validate();
  } catch (const segcast::InvalidArgument&) {
    // Unknown role, missing '=', or an incomplete mapping: documented refusals.
  }
  if (auto preset = segcast::ParsePresetName(text)) {
    if (segcast::PresetName(*preset) != text) segcast::fuzz::Fail("ParsePresetName/PresetName round trip");
  }
  return 0;
}
