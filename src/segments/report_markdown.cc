// Markdown for the segment part of report.md. Plain GitHub-flavoured tables, numbers formatted
// like the evidence so the report and the names read the same.
#include <algorithm>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/error.h"
#include "segcast/panel.h"
#include "segcast/segment_report.h"
#include "segments/text_format.h"

namespace segcast {
namespace {

using internal::FormatFeature;
using internal::FormatGrouped;
using internal::FormatShare;

// Pipes and line breaks would break a table row.
std::string Cell(const std::string& text) {
  std::string cell;
  for (char character : text) {
    if (character == '|') {
      cell += "\\|";
    } else if (character == '\n') {
      cell += ' ';
    } else {
      cell += character;
    }
  }
  return cell;
}

using NameOf = std::function<std::string(int32_t)>;

void RenderSegmentTable(std::ostringstream& out, const SegmentReport& report, const NameOf& name_of) {
  out << "## Segments\n\n"
      << FormatGrouped(static_cast<double>(report.customers), 0) << " customers, revenue "
      << FormatGrouped(report.revenue, 2) << ".\n\n"
      << "| id | segment | customers | % customers | % revenue | mean L (days) | mean R (days) "
         "| mean F (invoices/month) | mean M (revenue/month) |\n"
      << "|---:|---|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const SegmentSummary& segment : report.segments) {
    out << "| " << segment.segment_id << " | " << Cell(name_of(segment.segment_id)) << " | "
        << FormatGrouped(static_cast<double>(segment.customers), 0) << " | "
        << FormatShare(segment.customer_share) << " | " << FormatShare(segment.revenue_share);
    for (int feature = 0; feature < kLrfmFeatures; ++feature)
      out << " | " << FormatFeature(feature, segment.mean[feature]);
    out << " |\n";
  }
  out << "| | all customers | " << FormatGrouped(static_cast<double>(report.customers), 0)
      << " | 100.0% | 100.0%";
  for (int feature = 0; feature < kLrfmFeatures; ++feature)
    out << " | " << FormatFeature(feature, report.population_mean[feature]);
  out << " |\n";
}

void RenderPersona(std::ostringstream& out, const Persona& persona) {
  if (!persona.description.empty()) out << persona.description << "\n\n";
  out << "Evidence: " << persona.evidence << "\n\n";
  if (!persona.action.name.empty()) {
    out << "Recommended action: **" << persona.action.name << "**"
        << (persona.action.why.empty() ? "" : ". " + persona.action.why) << "\n\n";
  }
}

void RenderTrajectory(std::ostringstream& out, const SegmentSummary& segment) {
  if (segment.trajectory.empty()) return;
  out << "\nCentroid trajectory (original units):\n\n| month | L (days) | R (days) | F | M |\n"
      << "|---|---:|---:|---:|---:|\n";
  for (size_t month = 0; month < segment.trajectory.size(); ++month) {
    out << "| "
        << (segment.first_month ? FormatMonth(*segment.first_month + static_cast<int>(month))
                                : std::to_string(month + 1));
    for (int feature = 0; feature < kLrfmFeatures; ++feature)
      out << " | " << FormatFeature(feature, segment.trajectory[month][feature]);
    out << " |\n";
  }
}

void RenderMixes(std::ostringstream& out, const SegmentSummary& segment, int max_mix_shown) {
  if (!segment.mixes.empty()) out << "\n";
  for (const AttributeMix& mix : segment.mixes) {
    out << "- " << mix.column << ": ";
    const int shown = std::min<int>(max_mix_shown, static_cast<int>(mix.entries.size()));
    for (int index = 0; index < shown; ++index) {
      out << (index ? ", " : "") << mix.entries[index].value << " "
          << FormatShare(mix.entries[index].share);
    }
    if (shown < static_cast<int>(mix.entries.size())) out << ", ...";
    out << "\n";
  }
}

void RenderConcentration(std::ostringstream& out, const SegmentReport& report, const NameOf& name_of) {
  out << "\n## Revenue concentration\n\n"
      << "| segment | % customers | % revenue | lift | cumulative % customers | cumulative % "
         "revenue |\n|---|---:|---:|---:|---:|---:|\n";
  for (const ConcentrationRow& row : report.concentration) {
    out << "| " << Cell(name_of(row.segment_id)) << " | " << FormatShare(row.customer_share)
        << " | " << FormatShare(row.revenue_share) << " | " << FormatGrouped(row.lift, 2) << " | "
        << FormatShare(row.cumulative_customer_share) << " | "
        << FormatShare(row.cumulative_revenue_share) << " |\n";
  }
  if (!report.concentration.empty()) {
    const ConcentrationRow& top = report.concentration.front();
    out << "\n" << name_of(top.segment_id) << ": " << top.statement << ".\n";
  }
  if (!report.pareto_statement.empty()) {
    out << "\nAcross customers: " << report.pareto_statement << ".\n";
  }
}

}  // namespace

std::string RenderSegmentReportMarkdown(const SegmentReport& report,
                                        const std::vector<Persona>& personas, int max_mix_shown) {
  if (max_mix_shown < 1)
    throw InvalidArgument("out of range", {.field = "max_mix_shown", .expected = ">= 1"});
  std::map<int32_t, const Persona*> persona_of;
  for (const Persona& persona : personas) persona_of[persona.segment_id] = &persona;
  const NameOf name_of = [&](int32_t id) {
    auto found = persona_of.find(id);
    return found != persona_of.end() ? found->second->name : "Segment " + std::to_string(id);
  };

  std::ostringstream out;
  RenderSegmentTable(out, report, name_of);
  for (const SegmentSummary& segment : report.segments) {
    out << "\n### " << segment.segment_id << ". " << name_of(segment.segment_id) << "\n\n";
    if (auto found = persona_of.find(segment.segment_id); found != persona_of.end())
      RenderPersona(out, *found->second);
    out << FormatGrouped(static_cast<double>(segment.customers), 0) << " customers ("
        << FormatShare(segment.customer_share) << "), " << FormatShare(segment.revenue_share)
        << " of revenue.\n";
    RenderTrajectory(out, segment);
    RenderMixes(out, segment, max_mix_shown);
  }
  if (!report.mix_statement.empty()) out << "\n### Mixes\n\n" << report.mix_statement << "\n";
  RenderConcentration(out, report, name_of);
  return out.str();
}

}  // namespace segcast
