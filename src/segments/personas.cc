// Persona matching: every rule's conditions are checked against each segment, each satisfied
// condition contributes the margin by which it holds (in log-ratio units, so a level and a trend
// weigh alike), and names are handed out rule by rule to the best-fitting segment.
#include "segcast/personas.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "segcast/error.h"
#include "segcast/panel.h"
#include "segments/text_format.h"

namespace segcast {
namespace {

using internal::FormatFeature;
using internal::FormatGrouped;

constexpr double kTinyRatio = 1e-9;

struct ConditionOutcome {
  bool holds = false;
  double margin = 0.0;
  std::string evidence;
};

struct RuleMatch {
  int rule = 0;
  double score = 0.0;
  std::vector<std::string> evidence;
};

double TrendFloor(int feature, const PopulationProfile& population, const PersonaRules& rules) {
  return std::max(rules.trend_floor * std::fabs(population.mean[feature]), 1e-9);
}

std::string FeatureUnit(int feature) { return feature <= kRecency ? " days" : ""; }

// A segment's level in words a marketer reads: "last bought 14 days ago", "0.63 purchases a
// month", "spend 697 a month".
std::string LevelPhrase(int feature, double value) {
  const std::string number = FormatFeature(feature, value);
  switch (feature) {
    case kLength:
      return "first bought " + number + " days ago";
    case kRecency:
      return "last bought " + number + " days ago";
    case kFrequency:
      return number + " purchases a month";
    default:
      return "spend " + number + " a month";
  }
}

// "last bought 14 days ago on average, against 62 days for all customers".
std::string CompareWithPopulation(int feature, double value, double reference) {
  return LevelPhrase(feature, value) + " on average, against " +
         FormatFeature(feature, reference) + FeatureUnit(feature) + " for all customers";
}

// "last bought 481 days ago on average (over 180 days)".
std::string CompareWithBounds(const LevelCondition& condition, double value) {
  const int feature = condition.feature;
  auto bound = [&](double limit) { return FormatFeature(feature, limit) + FeatureUnit(feature); };
  std::string range;
  if (condition.min_ratio > 0.0 && condition.max_ratio > 0.0) {
    range = "between " + bound(condition.min_ratio) + " and " + bound(condition.max_ratio);
  } else if (condition.min_ratio > 0.0) {
    range = "over " + bound(condition.min_ratio);
  } else {
    range = "under " + bound(condition.max_ratio);
  }
  return LevelPhrase(feature, value) + " on average (" + range + ")";
}

ConditionOutcome CheckLevel(const LevelCondition& condition, const SegmentProfile& profile,
                            const PopulationProfile& population) {
  ConditionOutcome outcome;
  const int feature = condition.feature;
  // Absolute bounds compare the value itself: the reference is one unit.
  const double reference = condition.absolute ? 1.0 : population.mean[feature];
  if (!(reference > 0.0)) return outcome;  // no meaningful ratio against a zero population mean
  const double ratio = profile.mean[feature] / reference;
  const double positive_ratio = std::max(ratio, kTinyRatio);
  double margin = std::numeric_limits<double>::infinity();
  if (condition.min_ratio > 0.0)
    margin = std::min(margin, std::log(positive_ratio / condition.min_ratio));
  if (condition.max_ratio > 0.0)
    margin = std::min(margin, std::log(condition.max_ratio / positive_ratio));
  if (!(margin >= 0.0)) return outcome;
  outcome.holds = true;
  // A one-sided bound far exceeded should not swamp every other condition.
  outcome.margin = std::min(margin, 3.0);
  outcome.evidence =
      condition.absolute
          ? CompareWithBounds(condition, profile.mean[feature])
          : CompareWithPopulation(feature, profile.mean[feature], population.mean[feature]);
  return outcome;
}

bool IsRising(const TrendMeasure& measure, const PersonaRules& rules) {
  return measure.available && measure.relative_change >= rules.min_change && measure.monotone_up;
}
bool IsFalling(const TrendMeasure& measure, const PersonaRules& rules) {
  return measure.available && measure.relative_change <= -rules.min_change && measure.monotone_down;
}
bool IsSteady(const TrendMeasure& measure, const PersonaRules& rules) {
  return measure.available && std::fabs(measure.relative_change) < rules.steady_tolerance;
}

std::string MonthsText(const TrendMeasure& measure) {
  return "over the last " + std::to_string(measure.months) + " months";
}

// What a trend is of, in words: the trajectory's L is the time since the first purchase.
std::string TrendNoun(int feature) {
  constexpr const char* kNouns[] = {"time since first purchase", "time since last purchase",
                                    "purchases a month", "monthly spend"};
  return kNouns[feature];
}

// "time since last purchase rose from 24 to 131 days over the last 4 months" for days; "monthly
// spend fell 80% (from 512 to 102) over the last 4 months" for counts and money, where the
// percentage is what readers look for.
std::string DescribeTrend(int feature, const TrendMeasure& measure, double floor,
                          bool with_period) {
  const std::string name = TrendNoun(feature);
  const double change = measure.relative_change;
  const std::string verb = change > 0 ? "rose" : change < 0 ? "fell" : "held";
  std::string text;
  const std::string from_to = "from " + FormatFeature(feature, measure.first) + " to " +
                              FormatFeature(feature, measure.last) + FeatureUnit(feature);
  // A percentage of a value below the floor would overstate the change: give the values only.
  if (feature <= kRecency || std::fabs(measure.first) < floor) {
    text = name + " " + verb + " " + from_to;
  } else {
    text = name + " " + verb + " " + FormatGrouped(std::fabs(change) * 100.0, 0) + "% (" + from_to +
           ")";
  }
  if (with_period) {
    text += ' ';
    text += MonthsText(measure);
  }
  return text;
}

ConditionOutcome CheckTrend(const TrendCondition& condition, const SegmentProfile& profile,
                            const PopulationProfile& population, const PersonaRules& rules) {
  ConditionOutcome outcome;
  const int feature = condition.feature;
  const double floor = TrendFloor(feature, population, rules);
  const TrendMeasure measure =
      MeasureTrend(profile.trajectory, feature, rules.trend_months, floor, rules.monotone_slack);
  if (!measure.available) return outcome;
  const double change = measure.relative_change;
  const double log_change = std::log(std::max(1.0 + change, kTinyRatio));
  switch (condition.trend) {
    case Trend::kRising:
      outcome.holds = IsRising(measure, rules);
      outcome.margin = log_change - std::log1p(rules.min_change);
      break;
    case Trend::kFalling:
      outcome.holds = IsFalling(measure, rules);
      outcome.margin = std::log(1.0 - std::min(rules.min_change, 0.999)) - log_change;
      break;
    case Trend::kSteady:
      outcome.holds = IsSteady(measure, rules);
      outcome.margin = rules.steady_tolerance - std::fabs(change);
      break;
    case Trend::kNotRising:
      outcome.holds = !IsRising(measure, rules);
      outcome.margin = 0.0;
      break;
    case Trend::kNotFalling:
      outcome.holds = !IsFalling(measure, rules);
      outcome.margin = 0.0;
      break;
  }
  if (!outcome.holds) return outcome;
  outcome.margin = std::clamp(outcome.margin, 0.0, 3.0);
  if (condition.trend == Trend::kSteady) {
    outcome.evidence = TrendNoun(feature) + " held steady (" +
                       FormatFeature(feature, measure.first) + " to " +
                       FormatFeature(feature, measure.last) + FeatureUnit(feature) + ") " +
                       MonthsText(measure);
  } else {
    outcome.evidence = DescribeTrend(feature, measure, floor, true);
  }
  return outcome;
}

std::optional<RuleMatch> Match(const PersonaRule& rule, int rule_index,
                               const SegmentProfile& profile, const PopulationProfile& population,
                               const PersonaRules& rules) {
  RuleMatch match;
  match.rule = rule_index;
  // Trends first: they are the news; levels give the context.
  for (const TrendCondition& condition : rule.trends) {
    ConditionOutcome outcome = CheckTrend(condition, profile, population, rules);
    if (!outcome.holds) return std::nullopt;
    match.score += outcome.margin;
    match.evidence.push_back(std::move(outcome.evidence));
  }
  for (const LevelCondition& condition : rule.levels) {
    ConditionOutcome outcome = CheckLevel(condition, profile, population);
    if (!outcome.holds) return std::nullopt;
    match.score += outcome.margin;
    match.evidence.push_back(std::move(outcome.evidence));
  }
  return match;
}

// Notable trends the matched rule did not mention, in short form: "M fell 80% (from 512 to 102)".
std::vector<std::string> OtherTrends(const PersonaRule* rule, const SegmentProfile& profile,
                                     const PopulationProfile& population,
                                     const PersonaRules& rules) {
  std::vector<std::string> notes;
  for (int feature = 0; feature < kLrfmFeatures; ++feature) {
    bool mentioned = false;
    if (rule) {
      for (const TrendCondition& condition : rule->trends)
        mentioned = mentioned || condition.feature == feature;
    }
    // L grows by one month per month for everyone: its trend says nothing.
    if (mentioned || feature == kLength) continue;
    const double floor = TrendFloor(feature, population, rules);
    const TrendMeasure measure =
        MeasureTrend(profile.trajectory, feature, rules.trend_months, floor, rules.monotone_slack);
    if (IsRising(measure, rules) || IsFalling(measure, rules))
      notes.push_back(DescribeTrend(feature, measure, floor, false));
  }
  return notes;
}

// Without a condition to explain (a catch-all rule, or none matched), evidence lists every level.
std::string DescribeLevels(const SegmentProfile& profile, const PopulationProfile& population) {
  std::string text;
  for (int feature = 0; feature < kLrfmFeatures; ++feature) {
    if (!(population.mean[feature] > 0.0)) continue;
    if (!text.empty()) text += "; ";
    text += CompareWithPopulation(feature, profile.mean[feature], population.mean[feature]);
  }
  return text;
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

std::string ScoreText(double score) { return FormatGrouped(score, 2); }

// Evidence reads as one sentence: capital first letter, full stop at the end.
std::string Sentence(std::string text) {
  if (text.empty()) return text;
  if (text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  if (text.back() != '.') text += '.';
  return text;
}

// `base`, or `base (2)`, `base (3)`... the first not taken; the last resort for a unique name.
std::string UniqueName(const std::string& base, std::set<std::string>& taken) {
  std::string name = base;
  for (int ordinal = 2; taken.count(name); ++ordinal)
    name = base + " (" + std::to_string(ordinal) + ")";
  taken.insert(name);
  return name;
}

struct Qualifier {
  std::string name;      // "Occasional buyers, higher spend"
  std::string evidence;  // "spend 714 a month on average, against 697 in "Occasional buyers""
};

// Smallest difference between two segments' levels that a qualifier may state (5%): below it the
// words "higher spend" would not be supported by the numbers.
constexpr double kMinQualifierRatio = 1.05;

// What sets `segment` apart from `holder`, the segment that kept the name `base`: the feature
// whose levels differ most (as a ratio), worded as the segment's side of the difference. Returns
// nullopt when no feature differs by kMinQualifierRatio or every such name is taken.
std::optional<Qualifier> Distinguish(const SegmentProfile& segment, const SegmentProfile& holder,
                                     const std::string& base,
                                     const std::set<std::string>& taken) {
  // Index 0: the segment's value is higher; 1: lower.
  constexpr const char* kWords[kLrfmFeatures][2] = {{"long-standing", "newer"},
                                                    {"less recent", "more recent"},
                                                    {"more frequent", "less frequent"},
                                                    {"higher spend", "lower spend"}};
  std::vector<std::pair<double, int>> differences;
  for (int feature = 0; feature < kLrfmFeatures; ++feature) {
    const double mine = segment.mean[feature], theirs = holder.mean[feature];
    if (!(mine > 0.0 && theirs > 0.0)) continue;
    const double log_ratio = std::log(mine / theirs);
    if (std::fabs(log_ratio) >= std::log(kMinQualifierRatio))
      differences.emplace_back(-std::fabs(log_ratio), feature);
  }
  std::sort(differences.begin(), differences.end());
  for (const auto& [negative_size, feature] : differences) {
    const bool higher = segment.mean[feature] > holder.mean[feature];
    const std::string name = base + ", " + kWords[feature][higher ? 0 : 1];
    if (taken.count(name)) continue;
    return Qualifier{name, LevelPhrase(feature, segment.mean[feature]) + " on average, against " +
                               FormatFeature(feature, holder.mean[feature]) +
                               FeatureUnit(feature) + " in \"" + base + "\""};
  }
  return std::nullopt;
}

}  // namespace

TrendMeasure MeasureTrend(const std::vector<LrfmValues>& trajectory, int feature, int months,
                          double floor, double monotone_slack) {
  TrendMeasure measure;
  const int available = static_cast<int>(trajectory.size());
  const int used = std::min(available, months);
  if (used < 2 || feature < 0 || feature >= kLrfmFeatures) return measure;
  measure.available = true;
  measure.months = used;
  const int start = available - used;
  measure.first = trajectory[start][feature];
  measure.last = trajectory[available - 1][feature];
  const double total = measure.last - measure.first;
  measure.relative_change = total / std::max(std::fabs(measure.first), floor);
  const double slack = monotone_slack * std::fabs(total);
  measure.monotone_up = true;
  measure.monotone_down = true;
  for (int month = start + 1; month < available; ++month) {
    const double step = trajectory[month][feature] - trajectory[month - 1][feature];
    if (step < -slack) measure.monotone_up = false;
    if (step > slack) measure.monotone_down = false;
  }
  return measure;
}

namespace {

void ValidateProfiles(const std::vector<SegmentProfile>& profiles) {
  std::set<int32_t> ids;
  for (size_t index = 0; index < profiles.size(); ++index) {
    const std::string field = "profiles[" + std::to_string(index) + "]";
    if (!ids.insert(profiles[index].segment_id).second) {
      throw InvalidArgument("duplicate segment id " + std::to_string(profiles[index].segment_id),
                            {.field = field + ".segment_id", .expected = "unique ids"});
    }
    if (profiles[index].customers < 1) {
      throw InvalidArgument("a segment without customers",
                            {.field = field + ".customers", .expected = ">= 1"});
    }
  }
}

// Naming in three passes over plain state: every rule goes to the segment it fits best; segments
// left without a rule take their first rule's name with a qualifier; then each persona is written.
class PersonaNaming {
 public:
  PersonaNaming(const std::vector<SegmentProfile>& profiles, const PopulationProfile& population,
                const PersonaRules& rules)
      : profiles_(profiles),
        population_(population),
        rules_(rules),
        count_(profiles.size()),
        matches_(count_),
        chosen_(count_, nullptr),
        contest_notes_(count_),
        leftover_name_(count_),
        leftover_evidence_(count_) {
    for (size_t segment = 0; segment < count_; ++segment)
      for (size_t rule = 0; rule < rules_.personas.size(); ++rule)
        if (auto match = Match(rules_.personas[rule], static_cast<int>(rule), profiles_[segment],
                               population_, rules_))
          matches_[segment].push_back(std::move(*match));
  }

  void AwardRules() {
    for (size_t rule = 0; rule < rules_.personas.size(); ++rule) AwardRule(rule);
  }

  // Segments whose every matching rule went elsewhere keep their first rule's name with what sets
  // them apart from the segment holding it, handed out in order of rule priority and then fit.
  void NameLeftovers() {
    std::vector<int> holder_of_rule(rules_.personas.size(), -1);
    std::set<std::string> taken;
    for (size_t segment = 0; segment < count_; ++segment) {
      if (!chosen_[segment]) continue;
      holder_of_rule[chosen_[segment]->rule] = static_cast<int>(segment);
      taken.insert(rules_.personas[chosen_[segment]->rule].name);
    }
    for (size_t segment : LeftoversInOrder()) {
      chosen_[segment] = matches_[segment].empty() ? nullptr : &matches_[segment].front();
      if (!chosen_[segment]) {
        leftover_name_[segment] =
            UniqueName("Segment " + std::to_string(profiles_[segment].segment_id), taken);
        continue;
      }
      const std::string& base = rules_.personas[chosen_[segment]->rule].name;
      const int holder = holder_of_rule[chosen_[segment]->rule];
      std::optional<Qualifier> qualifier;
      if (holder >= 0) qualifier = Distinguish(profiles_[segment], profiles_[holder], base, taken);
      if (qualifier) {
        leftover_name_[segment] = qualifier->name;
        leftover_evidence_[segment] = qualifier->evidence;
        taken.insert(qualifier->name);
      } else {
        leftover_name_[segment] = UniqueName(base, taken);
      }
    }
  }

  std::vector<Persona> Personas() const {
    std::vector<Persona> personas(count_);
    for (size_t segment = 0; segment < count_; ++segment) personas[segment] = Compose(segment);
    return personas;
  }

 private:
  // Better fit first; equal fits go to the larger segment, then to the lower id, so the result
  // never depends on input order.
  bool Better(size_t a, double score_a, size_t b, double score_b) const {
    if (score_a != score_b) return score_a > score_b;
    if (profiles_[a].customers != profiles_[b].customers)
      return profiles_[a].customers > profiles_[b].customers;
    return profiles_[a].segment_id < profiles_[b].segment_id;
  }

  // A catch-all says nothing about a segment: one that matched a rule with conditions keeps that
  // rule's name with a qualifier rather than fall back to it (a recent, above-average segment is
  // not "Occasional buyers" just because another segment was more so).
  bool HasSpecificMatch(size_t segment) const {
    return std::any_of(matches_[segment].begin(), matches_[segment].end(), [&](const RuleMatch& match) {
      return !rules_.personas[match.rule].IsFallback();
    });
  }

  // The rule goes to the best-fitting segment still without a name; the others note the contest.
  void AwardRule(size_t rule) {
    const bool fallback = rules_.personas[rule].IsFallback();
    std::vector<std::pair<size_t, const RuleMatch*>> candidates;
    for (size_t segment = 0; segment < count_; ++segment) {
      if (chosen_[segment] || (fallback && HasSpecificMatch(segment))) continue;
      for (const RuleMatch& match : matches_[segment])
        if (match.rule == static_cast<int>(rule)) candidates.emplace_back(segment, &match);
    }
    if (candidates.empty()) return;
    std::sort(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
      return Better(a.first, a.second->score, b.first, b.second->score);
    });
    const auto& [winner, winning_match] = candidates.front();
    chosen_[winner] = winning_match;
    for (size_t loser = 1; loser < candidates.size(); ++loser) {
      const auto& [segment, match] = candidates[loser];
      const bool exact_tie = match->score == winning_match->score;
      contest_notes_[segment].push_back(
          "'" + rules_.personas[rule].name + "' went to segment " +
          std::to_string(profiles_[winner].segment_id) + " (fit " + ScoreText(winning_match->score) +
          " vs " + ScoreText(match->score) +
          (exact_tie ? ", equal fit: larger segment or lower id wins" : "") + ")");
    }
  }

  std::vector<size_t> LeftoversInOrder() const {
    std::vector<size_t> leftover;
    for (size_t segment = 0; segment < count_; ++segment)
      if (!chosen_[segment]) leftover.push_back(segment);
    auto first_score = [&](size_t segment) {
      return matches_[segment].empty() ? 0.0 : matches_[segment].front().score;
    };
    auto first_rule = [&](size_t segment) {
      return matches_[segment].empty() ? static_cast<int>(rules_.personas.size())
                                       : matches_[segment].front().rule;
    };
    std::sort(leftover.begin(), leftover.end(), [&](size_t a, size_t b) {
      if (first_rule(a) != first_rule(b)) return first_rule(a) < first_rule(b);
      return Better(a, first_score(a), b, first_score(b));
    });
    return leftover;
  }

  Persona Compose(size_t segment) const {
    Persona persona;
    const SegmentProfile& profile = profiles_[segment];
    persona.segment_id = profile.segment_id;
    const RuleMatch* match = chosen_[segment];
    const PersonaRule* rule = match ? &rules_.personas[match->rule] : nullptr;
    persona.rule = rule ? rule->name : "";
    persona.description = rule ? rule->description : "";
    persona.action = rule ? rule->action : PersonaAction{};
    persona.name = leftover_name_[segment].empty() ? persona.rule : leftover_name_[segment];
    persona.score = match ? match->score : 0.0;
    std::vector<std::string> parts;
    if (match) {
      parts = match->evidence;
      if (rule->IsFallback()) parts.push_back(DescribeLevels(profile, population_));
    } else {
      parts.push_back(DescribeLevels(profile, population_));
    }
    parts.push_back(leftover_evidence_[segment]);
    std::vector<std::string> others = OtherTrends(rule, profile, population_, rules_);
    parts.insert(parts.end(), others.begin(), others.end());
    persona.tie_broken = !contest_notes_[segment].empty();
    persona.tie_note = Join(contest_notes_[segment], "; ");
    persona.evidence = Sentence(Join(parts, "; "));
    return persona;
  }

  const std::vector<SegmentProfile>& profiles_;
  const PopulationProfile& population_;
  const PersonaRules& rules_;
  size_t count_;
  std::vector<std::vector<RuleMatch>> matches_;
  std::vector<const RuleMatch*> chosen_;
  std::vector<std::vector<std::string>> contest_notes_;
  std::vector<std::string> leftover_name_, leftover_evidence_;
};

}  // namespace

std::vector<Persona> AssignPersonas(const std::vector<SegmentProfile>& profiles,
                                    const PopulationProfile& population,
                                    const PersonaRules& rules) {
  rules.Validate();
  ValidateProfiles(profiles);
  PersonaNaming naming(profiles, population, rules);
  naming.AwardRules();
  naming.NameLeftovers();
  return naming.Personas();
}

}  // namespace segcast
