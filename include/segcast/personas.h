// Personas: a readable name for each segment, with the evidence behind it.
//
// A segment is named from its profile: the levels of L, R, F and M of its members against the
// whole population, and the trend of its centroid trajectory over the last months. The rules live
// in a TOML file users can edit (models/personas.toml; docs/personas.md explains the format):
//
//   [settings]
//   trend_months = 4          # trailing centroid months examined for trends
//   [[persona]]
//   name = "At risk"
//   action = "win back"
//   why = "They used to spend well; an offer now costs less than winning them back later."
//   level = { M = { above = 1.0 } }      # relative to the mean of all customers
//   value = { R = { above = 30 } }       # absolute, in the feature's own unit (days here)
//   trend = { R = "rising" }
//
// Rules are tried in file order. When several segments match the same rule, the one that fits
// it best keeps the name and the others fall through to their next matching rule (and are marked
// `tie_broken`). A segment whose every matching rule is taken keeps its first rule's name with a
// qualifier its own numbers support against the segment holding that name ("Occasional buyers,
// higher spend"); an ordinal is the last resort. Names are therefore unique and the result depends
// only on the inputs. Evidence is plain words ("last bought 14 days ago on average, against 62
// days for all customers"); scores and tie-breaks stay in the diagnostic `tie_note`.
//
//   segcast::PersonaRules rules = segcast::LoadPersonaRules("models/personas.toml");
//   std::vector<segcast::Persona> personas = segcast::AssignPersonas(profiles, population, rules);
//   for (const auto& persona : personas)
//     std::cout << persona.segment_id << " " << persona.name << ": " << persona.evidence << "\n";
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/panel.h"  // LrfmFeature: kLength, kRecency, kFrequency, kMonetary

namespace segcast {

//! Four values in L, R, F, M order (see LrfmFeature in panel.h), in original units:
//! L and R in days, F in invoices per month, M in revenue per month (the log's currency).
using LrfmValues = std::array<double, 4>;

//! What personas need to know about one segment. Every stage's results map into this directly:
//! the clustering gives the members and centroid, the panel gives original units.
struct SegmentProfile {
  //! Stable segment id (after alignment across runs), >= 0.
  int32_t segment_id = 0;
  //! Number of member customers, >= 1.
  int64_t customers = 0;
  //! Total revenue of the members over the analysed period, in the log's currency.
  double revenue = 0.0;
  //! Mean over members of each customer's level: L and R at the last panel month (as of the run
  //! date); F and M as the customer's average per month over its series, so that a customer who
  //! used to spend and stopped still counts as valuable (see SegmentReportInput::lrfm).
  LrfmValues mean{};
  //! Centroid trajectory in original units, oldest month first; may be empty (then no trends).
  std::vector<LrfmValues> trajectory;
  //! Calendar month of trajectory[0]; only used to print months in evidence. nullopt: unknown.
  std::optional<MonthIndex> first_month;
};

//! The population the levels are compared against.
struct PopulationProfile {
  //! Mean over all customers of the same levels as SegmentProfile::mean; each must be > 0 for
  //! the feature to be used in a level condition (otherwise the condition does not hold).
  LrfmValues mean{};
  //! Number of customers in all segments.
  int64_t customers = 0;
  //! Revenue of all customers.
  double revenue = 0.0;
};

//! A level condition: the segment mean divided by the population mean lies in [min_ratio,
//! max_ratio). Written in the rules file under `level` as "low", "moderate", "high", "not_low",
//! "not_high" or as a table { above = 1.5, below = 3.0 }. Under `value` the bounds are absolute
//! values in the feature's unit instead (`absolute`), e.g. { R = { above = 180 } }: "no purchase
//! in 180 days" holds even when most customers have churned and the mean moved with them.
struct LevelCondition {
  int feature = 0;         //!< LrfmFeature, 0..3
  double min_ratio = 0.0;  //!< inclusive lower bound (ratio, or value when absolute); 0 = none
  double max_ratio = 0.0;  //!< exclusive upper bound (ratio, or value when absolute); 0 = none
  bool absolute = false;   //!< bounds are values in days, purchases a month or spend a month
  std::string text;        //!< as written in the file, for errors
};

//! Direction of a trend over the last `trend_months` centroid months.
enum class Trend {
  kRising,      //!< rose by at least min_change, month after month (no real dip)
  kFalling,     //!< fell by at least min_change, month after month
  kSteady,      //!< changed by less than steady_tolerance overall
  kNotRising,   //!< anything but rising
  kNotFalling,  //!< anything but falling
};

struct TrendCondition {
  int feature = 0;  //!< LrfmFeature, 0..3
  Trend trend = Trend::kSteady;
};

//! What to do about a segment: a verb a marketer acts on and the reason, one sentence.
struct PersonaAction {
  std::string name;  //!< e.g. "retain", "win back", "upsell", "nurture", "reactivate"; may be empty
  std::string why;   //!< one sentence; may be empty
};

//! One named persona: its conditions all have to hold.
struct PersonaRule {
  std::string name;         //!< unique, non-empty
  std::string description;  //!< one sentence for reports; may be empty
  PersonaAction action;     //!< recommended action (keys `action` and `why` in the file)
  std::vector<LevelCondition> levels;  //!< relative (`level`) and absolute (`value`) conditions
  std::vector<TrendCondition> trends;
  int64_t line = 0;  //!< line of the [[persona]] header in the rules file, 0 if unknown
  //! True when the rule has no conditions: it matches every segment (a catch-all).
  bool IsFallback() const { return levels.empty() && trends.empty(); }
};

//! How joined attribute columns are cleaned and chosen for the segments' mixes; the `[mix]`
//! section of the rules file:
//!
//!   [mix]
//!   exclude = ["deceased_indicator", "first_name"]   # never a mix
//!   similar_distance = 0.1
//!   [mix.values.gender]                              # column, then value = "canonical value"
//!   F = "Female"
//!   Femal = "Female"
struct MixRules {
  //! Per column, raw value -> canonical value. Columns and values match case-insensitively after
  //! trimming spaces; values not listed are kept as they are.
  std::map<std::string, std::map<std::string, std::string>> values;
  //! Columns never reported as mixes when they are chosen automatically (identifiers, names,
  //! flags that describe the record rather than the customer). Matched case-insensitively.
  std::vector<std::string> exclude;
  //! A column's mix "does not differ between segments" when no segment's mix is further than this
  //! from all customers' mix, as a total variation distance (the share of the segment that would
  //! have to change value to match); in [0, 1]. Default 0.1.
  double similar_distance = 0.1;

  //! The canonical spelling of `value` in `column`.
  std::string Canonical(const std::string& column, const std::string& value) const;
  //! True when `column` is listed in `exclude`.
  bool Excluded(const std::string& column) const;
};

struct PersonaRules {
  //! Trailing centroid months examined for trends; 2..60. Default 4.
  int trend_months = 4;
  //! Ratio to the population mean below which a level is "low"; in (0, high). Default 0.75.
  double low = 0.75;
  //! Ratio above which a level is "high"; > low. Default 1.33.
  double high = 1.33;
  //! Smallest relative change (first to last trend month) that counts as rising or falling;
  //! > 0. Default 0.2 (20%).
  double min_change = 0.2;
  //! Largest relative change that still counts as steady; in [0, min_change]. Default 0.15.
  double steady_tolerance = 0.15;
  //! A step against the trend direction larger than this fraction of the overall change breaks
  //! "month after month"; in [0, 1]. Default 0.1.
  double monotone_slack = 0.1;
  //! Changes are measured relative to max(|first value|, trend_floor x population mean), so a
  //! feature moving from 0.00 to 0.03 invoices is not "rising 300%"; in [0, 10]. Default 0.5.
  double trend_floor = 0.5;
  //! Rules in priority order; at least one. Put a fallback (no conditions) last.
  std::vector<PersonaRule> personas;
  //! Cleaning of the demographic mixes reported beside the personas.
  MixRules mix;
  //! The file the rules came from, for messages ("" when parsed from text).
  std::string source;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! Reads and checks a rules file. Throws ConfigError naming the file, line and key of the first
//! problem (syntax error, unknown key, bad value, duplicate name).
PersonaRules LoadPersonaRules(const std::string& path);
//! As LoadPersonaRules, from text; `source_name` is used in messages.
PersonaRules ParsePersonaRules(const std::string& text, const std::string& source_name);
//! The rules compiled into segcast: models/personas.toml as it was at build time.
PersonaRules DefaultPersonaRules();
//! The text of those rules, e.g. to write a copy users can start editing from.
const char* DefaultPersonaRulesText();

//! The name given to one segment.
struct Persona {
  int32_t segment_id = 0;
  std::string name;         //!< unique among the segments of one call
  std::string rule;         //!< the rule the name comes from (name without ordinal)
  std::string description;  //!< the rule's description
  PersonaAction action;     //!< the rule's recommended action
  //! Evidence in plain words, one sentence, e.g. "Time since last purchase grew from 24 to 131
  //! days over the last 4 months; spend 350 a month on average, against 300 for all customers."
  std::string evidence;
  //! How well the segment fits its rule: sum of the margins by which conditions hold (>= 0).
  double score = 0.0;
  //! True when the segment did not get the first rule it matched because another segment fitted
  //! that rule better (it fell through to a later rule, or received an ordinal).
  bool tie_broken = false;
  //! Diagnostic only, not for end users: which segment kept a contested name, with fit scores.
  std::string tie_note;
};

//! Names every profile. Output is in the order of `profiles`. Profiles must have distinct
//! segment ids and customers >= 1; throws InvalidArgument otherwise.
std::vector<Persona> AssignPersonas(const std::vector<SegmentProfile>& profiles,
                                    const PopulationProfile& population, const PersonaRules& rules);

//! Measured trend of one feature over the last `months` points of a trajectory.
struct TrendMeasure {
  bool available = false;        //!< false when the trajectory is shorter than 2 months
  int months = 0;                //!< points used (<= requested)
  double first = 0.0;            //!< value at the first of those months
  double last = 0.0;             //!< value at the last
  double relative_change = 0.0;  //!< (last - first) / max(|first|, floor)
  bool monotone_up = false;      //!< no step down larger than the slack
  bool monotone_down = false;    //!< no step up larger than the slack
};

//! Measures the trend of `feature` over the trailing `months` points. `floor` keeps the relative
//! change finite and meaningful when the first value is near zero (AssignPersonas passes
//! trend_floor x the population mean).
TrendMeasure MeasureTrend(const std::vector<LrfmValues>& trajectory, int feature, int months,
                          double floor, double monotone_slack);

}  // namespace segcast
