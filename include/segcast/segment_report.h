// Segment report data: who is in each segment, what they bring, and how revenue concentrates.
//
// Input is one row per customer (segment label, revenue, current L/R/F/M, country, joined
// attributes) plus each segment's centroid trajectory in original units. Output is plain data
// that the report writers (Markdown, CSV, JSON, database) print, and the SegmentProfile list that
// AssignPersonas names.
//
//   segcast::SegmentReportInput input;
//   input.segment = labels;  input.revenue = revenue;  input.lrfm = current_lrfm;
//   input.country = country;  input.attributes = transactions.attributes;  // optional
//   input.centroids = centroids_in_original_units;
//   segcast::SegmentReport report = segcast::BuildSegmentReport(input, {});
//   auto personas = segcast::AssignPersonas(report.Profiles(), report.Population(), rules);
//   std::cout << report.pareto_statement << "\n";  // "20.0% of customers bring 74.1% of revenue"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "segcast/calendar.h"
#include "segcast/personas.h"
#include "segcast/transactions.h"

namespace segcast {

//! A segment's centroid trajectory in original units (L, R in days; F invoices; M revenue).
struct SegmentCentroid {
  int32_t segment_id = 0;                 //!< id used in SegmentReportInput::segment
  std::optional<MonthIndex> first_month;  //!< calendar month of trajectory[0], if known
  std::vector<LrfmValues> trajectory;     //!< oldest month first
};

//! One row per customer; every vector has the same length (the number of customers), except the
//! optional ones, which are either empty or of that length.
struct SegmentReportInput {
  std::vector<int32_t> segment;  //!< segment id of each customer, >= 0
  std::vector<double> revenue;   //!< each customer's revenue over the analysed period
  //! Each customer's levels: L and R at the last panel month (days); F and M averaged per month
  //! over the customer's series (invoices per month, revenue per month).
  std::vector<LrfmValues> lrfm;
  std::vector<std::string> country;  //!< optional; "" is counted as "(missing)"
  //! Optional joined attributes: `values` empty or one row per customer.
  CustomerAttributes attributes;
  //! Optional centroid trajectories, at most one per segment id.
  std::vector<SegmentCentroid> centroids;
};

struct SegmentReportOptions {
  //! The share of customers (top by revenue) in the first Pareto statement; in (0, 1). Default 0.2.
  double pareto_customer_share = 0.2;
  //! The revenue share for the second statement ("X% of customers bring 80% of revenue");
  //! in (0, 1). Default 0.8.
  double pareto_revenue_share = 0.8;
  //! Keep at most this many values per attribute or country mix, the rest summed as "(other)";
  //! >= 1. Default 12.
  int max_mix_values = 12;
  //! Canonical spellings of attribute values and the "mixes do not differ" threshold (usually
  //! PersonaRules::mix, from the rules file).
  MixRules mix;

  void Validate() const;  // throws InvalidArgument naming the field
};

//! One value of a categorical column within a segment.
struct MixEntry {
  std::string value;      //!< "(missing)" for empty, "(other)" for the folded tail
  int64_t customers = 0;  //!< members of the segment with this value
  double share = 0.0;     //!< customers / segment customers, in [0, 1]
};

//! The distribution of one categorical column within a segment.
struct AttributeMix {
  std::string column;             //!< "country" or an attribute column name
  std::vector<MixEntry> entries;  //!< by customers descending, then value ascending
};

//! One segment of the report.
struct SegmentSummary {
  int32_t segment_id = 0;       //!< as in SegmentReportInput::segment
  int64_t customers = 0;        //!< members, >= 1
  double customer_share = 0.0;  //!< customers / all customers, in [0, 1]
  double revenue = 0.0;         //!< sum of the members' revenue
  double revenue_share = 0.0;   //!< revenue / all revenue (0 when total revenue is 0)
  LrfmValues mean{};            //!< mean L, R, F, M of members
  //! Centroid trajectory in original units (empty when none was given).
  std::vector<LrfmValues> trajectory;
  std::optional<MonthIndex> first_month;  //!< calendar month of trajectory[0], if known
  //! Country mix first (when countries were given), then one per attribute column.
  std::vector<AttributeMix> mixes;
};

//! A row of the revenue concentration table.
struct ConcentrationRow {
  int32_t segment_id = 0;
  double customer_share = 0.0;  //!< as in SegmentSummary
  double revenue_share = 0.0;   //!< as in SegmentSummary
  //! revenue_share / customer_share: how many times its headcount share a segment earns.
  double lift = 0.0;
  //! Running totals over the rows so far (rows sorted by revenue share descending).
  double cumulative_customer_share = 0.0;
  double cumulative_revenue_share = 0.0;
  //! "13.4% of customers bring 61.8% of revenue".
  std::string statement;
};

//! How far the segments' mixes of one column are from all customers' mix.
struct MixDifference {
  std::string column;
  //! Largest total variation distance of a segment's mix from all customers' (0 = identical, 1 =
  //! no value in common): the share of that segment that would have to change value to match.
  double max_distance = 0.0;
  int32_t segment_id = 0;  //!< the segment where it is largest
  bool differs = false;    //!< max_distance > MixRules::similar_distance
};

struct SegmentReport {
  int64_t customers = 0;                 //!< all customers of the input
  double revenue = 0.0;                  //!< their total revenue (returns included)
  LrfmValues population_mean{};          //!< mean of SegmentReportInput::lrfm over all customers
  std::vector<SegmentSummary> segments;  //!< by segment id ascending
  std::vector<ConcentrationRow> concentration;  //!< by revenue share descending, then id
  //! Share of revenue brought by the top pareto_customer_share of customers by revenue.
  double top_customers_revenue_share = 0.0;
  //! Smallest share of customers (top by revenue) bringing pareto_revenue_share of revenue.
  double customers_for_revenue_share = 0.0;
  //! The two Pareto statements in words, joined by "; ".
  std::string pareto_statement;
  //! One per mix column, in the segments' mix order; empty without mixes.
  std::vector<MixDifference> mix_differences;
  //! Which mixes differ between segments, in words; "" without mixes.
  std::string mix_statement;

  //! The profiles AssignPersonas expects, in segment order.
  std::vector<SegmentProfile> Profiles() const;
  PopulationProfile Population() const;
};

//! Throws InvalidArgument when vector lengths disagree or a segment id is negative.
SegmentReport BuildSegmentReport(const SegmentReportInput& input,
                                 const SegmentReportOptions& options);

//! "13.4%": a share in [0, 1] as a percentage with one decimal.
std::string FormatPercent(double share);

//! The segment sections of report.md: a summary table (names from `personas`, matched by segment
//! id; segments without a persona are listed by id), each segment's evidence, centroid trajectory
//! and mixes (the `max_mix_shown` largest values per column), then the revenue concentration
//! table and the Pareto statements. `max_mix_shown` >= 1.
std::string RenderSegmentReportMarkdown(const SegmentReport& report,
                                        const std::vector<Persona>& personas,
                                        int max_mix_shown = 5);

}  // namespace segcast
