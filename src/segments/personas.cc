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

std::string RatioText(double ratio) { return FormatGrouped(ratio, ratio < 10.0 ? 1 : 0) + "x"; }

ConditionOutcome CheckLevel(const LevelCondition& condition, const SegmentProfile& profile,
                            const PopulationProfile& population) {
  ConditionOutcome outcome;
  const int feature = condition.feature;
  const double reference = population.mean[feature];
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
  outcome.evidence = std::string(kLrfmFeatureNames[feature]) + " is " + condition.text + ": " +
                     FormatFeature(feature, profile.mean[feature]) + FeatureUnit(feature) + " vs " +
                     FormatFeature(feature, reference) + FeatureUnit(feature) +
                     " for all customers (" + RatioText(ratio) + ")";
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

// "R rose from 24 to 131 days over the last 4 months" for days; "M fell 80% (from 512 to 102)
// over the last 4 months" for counts and money, where the percentage is what readers look for.
std::string DescribeTrend(int feature, const TrendMeasure& measure, double floor,
                          bool with_period) {
  const std::string name = kLrfmFeatureNames[feature];
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
    outcome.evidence = std::string(kLrfmFeatureNames[feature]) + " held steady (" +
                       (change >= 0 ? "+" : "-") + FormatGrouped(std::fabs(change) * 100.0, 0) +
                       "%, " + FormatFeature(feature, measure.first) + " to " +
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

// Without a matching rule (no catch-all in the file), evidence lists every level.
std::string DescribeLevels(const SegmentProfile& profile, const PopulationProfile& population) {
  std::string text;
  for (int feature = 0; feature < kLrfmFeatures; ++feature) {
    if (!(population.mean[feature] > 0.0)) continue;
    if (!text.empty()) text += "; ";
    text += std::string(kLrfmFeatureNames[feature]) + " " +
            FormatFeature(feature, profile.mean[feature]) + FeatureUnit(feature) + " (" +
            RatioText(profile.mean[feature] / population.mean[feature]) + " the population mean)";
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

std::vector<Persona> AssignPersonas(const std::vector<SegmentProfile>& profiles,
                                    const PopulationProfile& population,
                                    const PersonaRules& rules) {
  rules.Validate();
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

  const size_t count = profiles.size();
  std::vector<std::vector<RuleMatch>> matches(count);
  for (size_t segment = 0; segment < count; ++segment) {
    for (size_t rule = 0; rule < rules.personas.size(); ++rule) {
      if (auto match = Match(rules.personas[rule], static_cast<int>(rule), profiles[segment],
                             population, rules)) {
        matches[segment].push_back(std::move(*match));
      }
    }
  }

  // Better fit first; equal fits go to the larger segment, then to the lower id, so the result
  // never depends on input order.
  auto better = [&](size_t a, double score_a, size_t b, double score_b) {
    if (score_a != score_b) return score_a > score_b;
    if (profiles[a].customers != profiles[b].customers)
      return profiles[a].customers > profiles[b].customers;
    return profiles[a].segment_id < profiles[b].segment_id;
  };

  std::vector<Persona> personas(count);
  std::vector<const RuleMatch*> chosen(count, nullptr);
  std::vector<std::vector<std::string>> contest_notes(count);
  for (size_t rule = 0; rule < rules.personas.size(); ++rule) {
    std::vector<std::pair<size_t, const RuleMatch*>> candidates;
    for (size_t segment = 0; segment < count; ++segment) {
      if (chosen[segment]) continue;
      for (const RuleMatch& match : matches[segment])
        if (match.rule == static_cast<int>(rule)) candidates.emplace_back(segment, &match);
    }
    if (candidates.empty()) continue;
    std::sort(candidates.begin(), candidates.end(), [&](const auto& a, const auto& b) {
      return better(a.first, a.second->score, b.first, b.second->score);
    });
    const auto& [winner, winning_match] = candidates.front();
    chosen[winner] = winning_match;
    for (size_t loser = 1; loser < candidates.size(); ++loser) {
      const auto& [segment, match] = candidates[loser];
      const bool exact_tie = match->score == winning_match->score;
      contest_notes[segment].push_back(
          "'" + rules.personas[rule].name + "' went to segment " +
          std::to_string(profiles[winner].segment_id) + " (fit " + ScoreText(winning_match->score) +
          " vs " + ScoreText(match->score) +
          (exact_tie ? ", equal fit: larger segment or lower id wins" : "") + ")");
    }
  }

  std::set<std::string> taken;
  for (size_t segment = 0; segment < count; ++segment) {
    if (chosen[segment]) taken.insert(rules.personas[chosen[segment]->rule].name);
  }

  // Segments whose every matching rule went elsewhere: their first rule's name with an ordinal,
  // handed out in order of rule priority and then fit.
  std::vector<size_t> leftover;
  for (size_t segment = 0; segment < count; ++segment)
    if (!chosen[segment]) leftover.push_back(segment);
  auto first_score = [&](size_t segment) {
    return matches[segment].empty() ? 0.0 : matches[segment].front().score;
  };
  auto first_rule = [&](size_t segment) {
    return matches[segment].empty() ? static_cast<int>(rules.personas.size())
                                    : matches[segment].front().rule;
  };
  std::sort(leftover.begin(), leftover.end(), [&](size_t a, size_t b) {
    if (first_rule(a) != first_rule(b)) return first_rule(a) < first_rule(b);
    return better(a, first_score(a), b, first_score(b));
  });
  std::vector<std::string> ordinal_name(count);
  for (size_t segment : leftover) {
    const std::string base = matches[segment].empty()
                                 ? "Segment " + std::to_string(profiles[segment].segment_id)
                                 : rules.personas[matches[segment].front().rule].name;
    std::string name = base;
    for (int ordinal = 2; taken.count(name); ++ordinal)
      name = base + " (" + std::to_string(ordinal) + ")";
    taken.insert(name);
    ordinal_name[segment] = name;
    chosen[segment] = matches[segment].empty() ? nullptr : &matches[segment].front();
  }

  for (size_t segment = 0; segment < count; ++segment) {
    Persona& persona = personas[segment];
    const SegmentProfile& profile = profiles[segment];
    persona.segment_id = profile.segment_id;
    const RuleMatch* match = chosen[segment];
    const PersonaRule* rule = match ? &rules.personas[match->rule] : nullptr;
    persona.rule = rule ? rule->name : "";
    persona.description = rule ? rule->description : "";
    persona.name = ordinal_name[segment].empty() ? persona.rule : ordinal_name[segment];
    persona.score = match ? match->score : 0.0;
    std::vector<std::string> parts;
    if (match) {
      parts = match->evidence;
      if (rule->IsFallback()) parts.push_back(DescribeLevels(profile, population));
    } else {
      parts.push_back("no rule matched; " + DescribeLevels(profile, population));
    }
    std::vector<std::string> others = OtherTrends(rule, profile, population, rules);
    parts.insert(parts.end(), others.begin(), others.end());
    persona.tie_broken = !contest_notes[segment].empty();
    persona.tie_note = Join(contest_notes[segment], "; ");
    if (persona.tie_broken) parts.push_back("tie broken: " + persona.tie_note);
    persona.evidence = Join(parts, "; ");
  }
  return personas;
}

}  // namespace segcast
