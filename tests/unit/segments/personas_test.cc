#include "segcast/personas.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "segcast/error.h"

using namespace segcast;

namespace {

PersonaRules ShippedRules() {
  return LoadPersonaRules(std::string(SEGCAST_SOURCE_DIR) + "/models/personas.toml");
}

// Population levels every constructed segment is compared with.
PopulationProfile Population() { return {{400.0, 90.0, 1.0, 300.0}, 1000, 300000.0}; }

// A trajectory whose features follow the given columns month by month.
std::vector<LrfmValues> Trajectory(const std::vector<double>& length,
                                   const std::vector<double>& recency,
                                   const std::vector<double>& frequency,
                                   const std::vector<double>& monetary) {
  std::vector<LrfmValues> months;
  for (size_t month = 0; month < length.size(); ++month)
    months.push_back({length[month], recency[month], frequency[month], monetary[month]});
  return months;
}

SegmentProfile Profile(int32_t id, int64_t customers, LrfmValues mean,
                       std::vector<LrfmValues> trajectory) {
  SegmentProfile profile;
  profile.segment_id = id;
  profile.customers = customers;
  profile.revenue = mean[kMonetary] * customers;
  profile.mean = mean;
  profile.trajectory = std::move(trajectory);
  return profile;
}

SegmentProfile AtRisk(int32_t id) {
  return Profile(id, 120, {650, 131, 0.9, 350},
                 Trajectory({540, 570, 600, 630, 660, 690}, {10, 15, 24, 55, 92, 131},
                            {1, 1, 1, 1, 1, 1}, {600, 550, 500, 300, 200, 100}));
}
SegmentProfile NewCustomers(int32_t id) {
  return Profile(id, 80, {60, 20, 1.2, 280},
                 Trajectory({0, 0, 0, 30, 60, 90}, {0, 0, 0, 15, 18, 20}, {0, 0, 0, 1, 1.2, 1.3},
                            {0, 0, 0, 250, 280, 290}));
}
SegmentProfile Champions(int32_t id) {
  return Profile(id, 50, {700, 10, 3.0, 900},
                 Trajectory({550, 580, 610, 640, 670, 700}, {9, 11, 10, 9, 11, 10},
                            {3, 3, 3.1, 2.9, 3, 3}, {900, 880, 910, 905, 890, 900}));
}
SegmentProfile Lost(int32_t id) {
  return Profile(id, 300, {800, 300, 0.1, 40},
                 Trajectory({650, 680, 710, 740, 770, 800}, {150, 180, 210, 240, 270, 300},
                            {0.1, 0.1, 0.1, 0.1, 0.1, 0.1}, {40, 40, 40, 40, 40, 40}));
}
SegmentProfile Hibernating(int32_t id) {
  return Profile(id, 200, {700, 150, 0.3, 100},
                 Trajectory({550, 580, 610, 640, 670, 700}, {20, 30, 60, 90, 120, 150},
                            {0.3, 0.3, 0.3, 0.3, 0.3, 0.3}, {100, 100, 100, 100, 100, 100}));
}
SegmentProfile Steady(int32_t id) {
  return Profile(id, 250, {500, 30, 1.0, 300},
                 Trajectory({350, 380, 410, 440, 470, 500}, {28, 31, 30, 29, 31, 30},
                            {1.0, 1.05, 0.98, 1.0, 1.02, 1.0}, {300, 310, 295, 300, 305, 300}));
}

std::map<int32_t, Persona> ById(const std::vector<Persona>& personas) {
  std::map<int32_t, Persona> by_id;
  for (const Persona& persona : personas) by_id[persona.segment_id] = persona;
  return by_id;
}

}  // namespace

TEST_CASE("the shipped rules file parses", "[segments][personas]") {
  PersonaRules rules = ShippedRules();
  CHECK(rules.trend_months == 4);
  CHECK(rules.low == Approx(0.75));
  CHECK(rules.high == Approx(1.33));
  REQUIRE(rules.personas.size() == 17);
  CHECK(rules.personas.front().name == "Promising newcomers");
  CHECK(rules.personas.back().name == "Occasional buyers");
  CHECK(rules.personas.back().IsFallback());
  for (const PersonaRule& rule : rules.personas) {
    INFO(rule.name);
    CHECK_FALSE(rule.action.name.empty());
    CHECK_FALSE(rule.action.why.empty());
  }
  const PersonaRule& at_risk = rules.personas[5];
  CHECK(at_risk.name == "At risk");
  CHECK(at_risk.action.name == "win back");
  REQUIRE(at_risk.trends.size() == 1);
  CHECK(at_risk.trends[0].feature == kRecency);
  CHECK(at_risk.trends[0].trend == Trend::kRising);
  REQUIRE(at_risk.levels.size() == 1);
  // "Valuable" means at least the average spend, not merely "not low".
  CHECK(at_risk.levels[0].min_ratio == Approx(1.0));
  CHECK(at_risk.levels[0].max_ratio == 0.0);
  CHECK_FALSE(at_risk.levels[0].absolute);
  const PersonaRule& lapsed = rules.personas[8];
  CHECK(lapsed.name == "Lapsed");
  REQUIRE(lapsed.levels.size() == 1);
  CHECK(lapsed.levels[0].absolute);
  CHECK(lapsed.levels[0].feature == kRecency);
  CHECK(lapsed.levels[0].min_ratio == 180.0);
  // The line of its [[persona]] header: the line before `name = "At risk"`.
  std::ifstream file(std::string(SEGCAST_SOURCE_DIR) + "/models/personas.toml");
  int line_number = 0, name_line = 0;
  for (std::string line; std::getline(file, line) && name_line == 0;) {
    ++line_number;
    if (line == "name = \"At risk\"") name_line = line_number;
  }
  CHECK(at_risk.line == name_line - 1);
}

TEST_CASE("each shipped rule names the segment built for it", "[segments][personas]") {
  std::vector<SegmentProfile> profiles = {AtRisk(0), NewCustomers(1), Champions(2),
                                          Lost(3),   Hibernating(4),  Steady(5)};
  auto personas = ById(AssignPersonas(profiles, Population(), ShippedRules()));
  CHECK(personas[0].name == "At risk");
  CHECK(personas[1].name == "New customers");
  CHECK(personas[2].name == "Champions");
  CHECK(personas[3].name == "Lost");
  CHECK(personas[4].name == "Hibernating");
  CHECK(personas[5].name == "Steady supporters");
  for (auto& [id, persona] : personas) {
    INFO(persona.name << ": " << persona.evidence);
    CHECK_FALSE(persona.tie_broken);
    CHECK(persona.rule == persona.name);
    CHECK_FALSE(persona.description.empty());
    CHECK(persona.score >= 0.0);
  }
}

TEST_CASE("evidence states the measured trends and levels in words", "[segments][personas]") {
  auto personas = AssignPersonas({AtRisk(3)}, Population(), ShippedRules());
  REQUIRE(personas.size() == 1);
  CHECK(personas[0].name == "At risk");
  CHECK(personas[0].evidence ==
        "Time since last purchase rose from 24 to 131 days over the last 4 months; "
        "spend 350 a month on average, against 300 for all customers; "
        "monthly spend fell 80% (from 500 to 100).");
  CHECK(personas[0].action.name == "win back");
  CHECK(personas[0].action.why ==
        "They used to spend well; a personal offer now costs less than replacing them later.");

  auto champions = AssignPersonas({Champions(1)}, Population(), ShippedRules());
  CHECK(champions[0].evidence ==
        "3.0 purchases a month on average, against 1.0 for all customers; "
        "spend 900 a month on average, against 300 for all customers; "
        "last bought 10 days ago on average, against 90 days for all customers.");
  CHECK(champions[0].action.name == "retain");
}

TEST_CASE("MeasureTrend measures the trailing months", "[segments][personas]") {
  auto trajectory =
      Trajectory({0, 0, 0, 0, 0}, {50, 10, 20, 40, 80}, {1, 1, 1, 1, 1}, {0, 0, 0, 0, 0});
  TrendMeasure measure = MeasureTrend(trajectory, kRecency, 4, 1.0, 0.1);
  REQUIRE(measure.available);
  CHECK(measure.months == 4);
  CHECK(measure.first == 10);
  CHECK(measure.last == 80);
  CHECK(measure.relative_change == Approx(7.0));
  CHECK(measure.monotone_up);
  CHECK_FALSE(measure.monotone_down);
  // A dip of 10 against an overall change of 70 exceeds a 10% slack (7) but not a 15% one.
  auto dipped = Trajectory({0, 0, 0, 0}, {10, 50, 40, 80}, {1, 1, 1, 1}, {0, 0, 0, 0});
  CHECK_FALSE(MeasureTrend(dipped, kRecency, 4, 1.0, 0.1).monotone_up);
  CHECK(MeasureTrend(dipped, kRecency, 4, 1.0, 0.15).monotone_up);
  // The floor keeps the relative change finite from zero.
  auto from_zero = Trajectory({0, 0}, {0, 0}, {0, 2}, {0, 0});
  CHECK(MeasureTrend(from_zero, kFrequency, 4, 0.5, 0.1).relative_change == Approx(4.0));
  CHECK(MeasureTrend(from_zero, kFrequency, 4, 20.0, 0.1).relative_change == Approx(0.1));
  CHECK_FALSE(MeasureTrend({{1, 2, 3, 4}}, kRecency, 4, 1.0, 0.1).available);
}

TEST_CASE("two segments never share a name: the weaker falls through, marked",
          "[segments][personas]") {
  // Both have R rising with valuable spend; segment 8's rise is far stronger.
  SegmentProfile strong = AtRisk(8);
  SegmentProfile weak = Profile(
      2, 500, {500, 60, 1.0, 320},
      Trajectory({500, 530, 560, 590}, {30, 40, 50, 60}, {1, 1, 1, 1}, {320, 320, 320, 320}));
  auto personas = ById(AssignPersonas({weak, strong}, Population(), ShippedRules()));
  CHECK(personas[8].name == "At risk");
  CHECK_FALSE(personas[8].tie_broken);
  CHECK(personas[2].name == "Drifting away");
  CHECK(personas[2].tie_broken);
  CHECK(personas[2].tie_note.find("'At risk' went to segment 8") != std::string::npos);
  // The contest is a diagnostic: users read evidence without scores or tie-break jargon.
  CHECK(personas[2].evidence.find("tie") == std::string::npos);
  CHECK(personas[2].evidence.find("fit") == std::string::npos);
}

TEST_CASE("exact ties go to the larger segment, then the lower id, with ordinals",
          "[segments][personas]") {
  PersonaRules rules = ParsePersonaRules(
      "[[persona]]\nname = \"Champions\"\nlevel = { M = \"high\" }\n", "inline.toml");
  SegmentProfile base = Champions(0);
  std::vector<SegmentProfile> profiles;
  for (int32_t id : {7, 2, 4}) {
    SegmentProfile profile = base;
    profile.segment_id = id;
    profile.customers = id == 7 ? 50 : 10;
    profiles.push_back(profile);
  }
  std::vector<Persona> first = AssignPersonas(profiles, Population(), rules);
  auto personas = ById(first);
  CHECK(personas[7].name == "Champions");
  CHECK_FALSE(personas[7].tie_broken);
  CHECK(personas[2].name == "Champions (2)");
  CHECK(personas[4].name == "Champions (3)");
  CHECK(personas[2].tie_broken);
  CHECK(personas[4].tie_broken);
  CHECK(personas[2].rule == "Champions");
  CHECK(personas[4].tie_note.find("equal fit") != std::string::npos);

  // The same inputs in any order give the same names.
  std::reverse(profiles.begin(), profiles.end());
  auto reordered = ById(AssignPersonas(profiles, Population(), rules));
  for (auto& [id, persona] : personas) CHECK(reordered[id].name == persona.name);
}

TEST_CASE("names stay unique over many similar segments", "[segments][personas]") {
  std::vector<SegmentProfile> profiles;
  for (int32_t id = 0; id < 12; ++id) {
    SegmentProfile profile = id % 2 ? Lost(id) : Steady(id);
    profile.mean[kMonetary] *= 1.0 + 0.01 * id;  // distinct fits
    profiles.push_back(profile);
  }
  auto personas = AssignPersonas(profiles, Population(), ShippedRules());
  std::set<std::string> names;
  for (const Persona& persona : personas) names.insert(persona.name);
  CHECK(names.size() == profiles.size());
}

TEST_CASE("a segment no rule describes is named by its id", "[segments][personas]") {
  PersonaRules rules = ParsePersonaRules(
      "[[persona]]\nname = \"Big\"\nlevel = { M = { above = 10.0 } }\n", "inline.toml");
  auto personas = AssignPersonas({Steady(4)}, Population(), rules);
  CHECK(personas[0].name == "Segment 4");
  CHECK(personas[0].rule.empty());
  CHECK(personas[0].evidence ==
        "First bought 500 days ago on average, against 400 days for all customers; "
        "last bought 30 days ago on average, against 90 days for all customers; "
        "1.0 purchases a month on average, against 1.0 for all customers; "
        "spend 300 a month on average, against 300 for all customers.");
  CHECK(personas[0].action.name.empty());
}

TEST_CASE("bad inputs to AssignPersonas are refused", "[segments][personas]") {
  CHECK_THROWS_AS(AssignPersonas({Steady(1), Lost(1)}, Population(), ShippedRules()),
                  InvalidArgument);
  SegmentProfile empty = Steady(2);
  empty.customers = 0;
  CHECK_THROWS_AS(AssignPersonas({empty}, Population(), ShippedRules()), InvalidArgument);
}

namespace {
ConfigError ParseError(const std::string& text) {
  try {
    ParsePersonaRules(text, "rules.toml");
  } catch (const ConfigError& error) {
    return error;
  }
  FAIL("no ConfigError for:\n" << text);
  throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("a bad rule is reported with file, line and key", "[segments][personas]") {
  ConfigError feature = ParseError(
      "[[persona]]\nname = \"A\"\n\n[[persona]]\nname = \"B\"\nlevel = { X = \"high\" }\n");
  CHECK(feature.location().file == "rules.toml");
  CHECK(feature.location().line == 6);
  CHECK(feature.location().field == "persona[2].level.X");
  CHECK(std::string(feature.what()) ==
        "rules.toml:6: field 'persona[2].level.X': unknown feature 'X' (expected one of L, R, F, "
        "M)");

  ConfigError level = ParseError("[[persona]]\nname = \"A\"\nlevel = { R = \"huge\" }\n");
  CHECK(level.location().line == 3);
  CHECK(level.location().field == "persona[1].level.R");

  ConfigError trend = ParseError("[[persona]]\nname = \"A\"\ntrend = { R = \"up\" }\n");
  CHECK(trend.location().field == "persona[1].trend.R");

  ConfigError duplicate = ParseError("[[persona]]\nname = \"A\"\n[[persona]]\nname = \"A\"\n");
  CHECK(duplicate.location().field == "persona[2].name");
  CHECK(duplicate.location().line == 3);

  ConfigError unknown = ParseError("[settings]\ntrend_month = 3\n[[persona]]\nname = \"A\"\n");
  CHECK(unknown.location().field == "settings.trend_month");
  CHECK(unknown.location().line == 2);

  ConfigError range = ParseError("[settings]\nlow = 2.0\nhigh = 1.5\n[[persona]]\nname = \"A\"\n");
  CHECK(range.location().field == "settings.high");

  ConfigError syntax = ParseError("[[persona]]\nname = \"A\n");
  CHECK(syntax.location().line == 2);

  ConfigError none = ParseError("[settings]\ntrend_months = 3\n");
  CHECK(none.location().field == "persona");

  ConfigError bounds =
      ParseError("[[persona]]\nname = \"A\"\nlevel = { M = { above = 2.0, below = 1.0 } }\n");
  CHECK(bounds.location().field == "persona[1].level.M");

  CHECK_THROWS_AS(LoadPersonaRules("/nonexistent/personas.toml"), ConfigError);
}

TEST_CASE("custom ratio bounds and settings are honoured", "[segments][personas]") {
  PersonaRules rules = ParsePersonaRules(
      "[settings]\ntrend_months = 3\nmin_change = 0.5\nsteady_tolerance = 0.1\n"
      "[[persona]]\nname = \"Middle\"\nlevel = { M = { above = 0.9, below = 1.1 } }\n"
      "[[persona]]\nname = \"Rising fast\"\ntrend = { R = \"rising\" }\n"
      "[[persona]]\nname = \"Other\"\n",
      "inline.toml");
  REQUIRE(rules.personas[0].levels.size() == 1);
  CHECK(rules.personas[0].levels[0].text == "above 0.9x and below 1.1x");
  // R over the last 3 months: 50 -> 70 (+40%) is not "rising" with min_change 0.5.
  SegmentProfile slow =
      Profile(1, 10, {400, 70, 1, 600},
              Trajectory({1, 1, 1, 1}, {10, 50, 60, 70}, {1, 1, 1, 1}, {600, 600, 600, 600}));
  SegmentProfile middle =
      Profile(2, 10, {400, 55, 1, 310}, Trajectory({1, 1, 1}, {10, 40, 50}, {1, 1, 1}, {1, 1, 1}));
  auto personas = ById(AssignPersonas({slow, middle}, Population(), rules));
  CHECK(personas[1].name == "Other");
  CHECK(personas[2].name == "Middle");
  slow.trajectory.back()[kRecency] = 76;  // 50 -> 76: +52%
  CHECK(AssignPersonas({slow}, Population(), rules)[0].name == "Rising fast");
}

TEST_CASE("the built-in rules are the shipped file", "[segments][personas]") {
  std::ifstream file(std::string(SEGCAST_SOURCE_DIR) + "/models/personas.toml");
  std::stringstream text;
  text << file.rdbuf();
  CHECK(std::string(DefaultPersonaRulesText()) == text.str());
  PersonaRules built_in = DefaultPersonaRules();
  PersonaRules shipped = ShippedRules();
  REQUIRE(built_in.personas.size() == shipped.personas.size());
  for (size_t index = 0; index < shipped.personas.size(); ++index)
    CHECK(built_in.personas[index].name == shipped.personas[index].name);
}

TEST_CASE("tiny values do not make trends", "[segments][personas]") {
  // F creeps from 0.00 to 0.03 invoices a month: +300% of almost nothing. With the population
  // mean at 1.0 and trend_floor 0.5 that is a 6% change: not a trend, and not in the evidence.
  SegmentProfile quiet = Profile(
      6, 40, {400, 200, 0.1, 50},
      Trajectory({1, 1, 1, 1}, {200, 200, 200, 200}, {0.0, 0.01, 0.02, 0.03}, {50, 50, 50, 50}));
  auto personas = AssignPersonas({quiet}, Population(), ShippedRules());
  CHECK(personas[0].evidence.find("purchases a month rose") == std::string::npos);
  // Below the floor a real change is still reported, as values rather than a percentage.
  quiet.trajectory =
      Trajectory({1, 1, 1, 1}, {200, 200, 200, 200}, {0.0, 0.2, 0.4, 0.6}, {50, 50, 50, 50});
  personas = AssignPersonas({quiet}, Population(), ShippedRules());
  CHECK(personas[0].evidence.find("purchases a month rose from 0.00 to 0.60") != std::string::npos);
}

namespace {

// Four trailing months of R, F and M (L grows by 30 days a month and never makes a trend).
std::vector<LrfmValues> LastMonths(const std::vector<double>& recency,
                                   const std::vector<double>& frequency,
                                   const std::vector<double>& monetary) {
  return Trajectory({200, 230, 260, 290}, recency, frequency, monetary);
}

}  // namespace

TEST_CASE("every segment of a run gets a distinct name its own numbers support",
          "[segments][personas]") {
  // The seven segments of the KPMG run (k = 7) that used to be named "Occasional buyers", "(2)",
  // "(3)", "(4)" and two "Steady supporters", with their means; F and M jump about in segments
  // 2, 4 and 6 (neither steady nor a trend).
  const PopulationProfile population{{300.0, 62.0, 0.55, 611.0}, 3493, 2.1e6};
  const std::vector<double> jumpy_f = {0.5, 0.8, 0.5, 0.8}, jumpy_m = {500, 900, 500, 900};
  std::vector<SegmentProfile> profiles = {
      Profile(0, 477, {335, 55, 0.59, 651},
              LastMonths({55, 55, 55, 55}, {0.62, 0.63, 0.60, 0.64}, {652, 700, 690, 711})),
      Profile(1, 394, {226, 148, 0.43, 466},
              LastMonths({62, 80, 100, 119}, {0.48, 0.4, 0.3, 0.18}, {506, 400, 300, 195})),
      Profile(2, 498, {326, 14, 0.63, 697}, LastMonths({14, 14, 14, 14}, jumpy_f, jumpy_m)),
      Profile(3, 248, {251, 14, 0.60, 655},
              LastMonths({115, 100, 90, 78}, {0.24, 0.4, 0.55, 0.68}, {261, 400, 560, 707})),
      Profile(4, 458, {308, 91, 0.48, 523}, LastMonths({91, 91, 91, 91}, jumpy_f, jumpy_m)),
      Profile(5, 936, {318, 78, 0.53, 584},
              LastMonths({78, 78, 78, 78}, {0.51, 0.52, 0.50, 0.51}, {585, 580, 575, 569})),
      Profile(6, 482, {299, 15, 0.63, 714}, LastMonths({15, 15, 15, 15}, jumpy_f, jumpy_m)),
  };
  auto personas = ById(AssignPersonas(profiles, population, ShippedRules()));
  // Fits of "Steady supporters" (level and steady-trend margins): segment 5 0.77, segment 0 0.61.
  // Segment 0 keeps the name with its largest difference from segment 5: R 55 vs 78 days.
  CHECK(personas[0].name == "Steady supporters, more recent");
  // M is 0.76x the mean: not "valuable", so not "At risk"; its R rises month after month.
  CHECK(personas[1].name == "Drifting away");
  // R 14 days (0.23x), F and M 1.1x: recent, above-average buyers. Fits 1.64 vs 1.59 for segment
  // 6, whose largest difference from segment 2 is L: 299 vs 326 days (-8%).
  CHECK(personas[2].name == "Active customers");
  CHECK(personas[6].name == "Active customers, newer");
  // F rose from 0.24 to 0.68 and M from 261 to 707 month after month.
  CHECK(personas[3].name == "Growing customers");
  // R 91 days is 1.5x the mean, but F (0.87x) is not low enough for "Hibernating".
  CHECK(personas[4].name == "Cooling off");
  CHECK(personas[5].name == "Steady supporters");

  std::set<std::string> names;
  for (auto& [id, persona] : personas) {
    INFO(id << " " << persona.name << ": " << persona.evidence);
    names.insert(persona.name);
    CHECK(persona.name.find('(') == std::string::npos);
    CHECK(persona.name != "Occasional buyers");
    CHECK_FALSE(persona.action.name.empty());
    CHECK(persona.evidence.find("fit") == std::string::npos);
    CHECK(persona.evidence.find("0.5x") == std::string::npos);
  }
  CHECK(names.size() == profiles.size());

  CHECK(personas[3].action.name == "upsell");
  // Both start below half the population mean (trend_floor), so values, not percentages.
  CHECK(personas[3].evidence ==
        "Purchases a month rose from 0.24 to 0.68 over the last 4 months; "
        "monthly spend rose from 261 to 707 over the last 4 months; "
        "last bought 14 days ago on average, against 62 days for all customers; "
        "time since last purchase fell from 115 to 78 days.");
  CHECK(personas[6].evidence ==
        "0.63 purchases a month on average, against 0.55 for all customers; "
        "spend 714 a month on average, against 611 for all customers; "
        "last bought 15 days ago on average, against 62 days for all customers; "
        "first bought 299 days ago on average, against 326 days in \"Active customers\".");
  CHECK(personas[6].action.name == personas[2].action.name);
  CHECK(personas[6].rule == "Active customers");
  CHECK(personas[6].tie_broken);
}

TEST_CASE("an absolute anchor names a churned majority the mean has moved with",
          "[segments][personas]") {
  // An acquisition cohort: most customers bought once and never came back, so the mean R (368
  // days) is close to theirs (481 days, 1.31x) and no relative rule says "long gone".
  const PopulationProfile population{{420.0, 368.0, 0.3, 50.0}, 1000, 50000.0};
  SegmentProfile once = Profile(0, 800, {500, 481, 0.05, 20},
                                LastMonths({391, 421, 451, 481}, {0, 0, 0, 0}, {0, 0, 0, 0}));
  SegmentProfile repeat = Profile(1, 200, {600, 100, 1.5, 200},
                                  LastMonths({100, 100, 100, 100}, {1.5, 1.5, 1.5, 1.5},
                                             {200, 200, 200, 200}));
  auto personas = ById(AssignPersonas({once, repeat}, population, ShippedRules()));
  CHECK(personas[0].name == "Lapsed");
  CHECK(personas[0].action.name == "reactivate");
  CHECK(personas[0].evidence ==
        "Last bought 481 days ago on average (over 180 days); "
        "time since last purchase rose from 391 to 481 days.");
  CHECK(personas[1].name == "Champions");

  // The same bound written by hand, with both ends.
  PersonaRules rules = ParsePersonaRules(
      "[[persona]]\nname = \"Gone a while\"\naction = \"reactivate\"\n"
      "value = { R = { above = 180, below = 400 } }\n"
      "[[persona]]\nname = \"Other\"\n",
      "inline.toml");
  REQUIRE(rules.personas[0].levels.size() == 1);
  CHECK(rules.personas[0].levels[0].absolute);
  CHECK(rules.personas[0].levels[0].text == "above 180 and below 400");
  auto bounded = ById(AssignPersonas({once, repeat}, population, rules));
  CHECK(bounded[0].name == "Other");  // 481 days is beyond 400
  CHECK_THROWS_AS(ParsePersonaRules("[[persona]]\nname = \"X\"\nvalue = { R = \"high\" }\n",
                                    "inline.toml"),
                  ConfigError);
}
