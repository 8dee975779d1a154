// A set of multivariate time series of possibly different lengths, and its readers.
//
// Storage is one contiguous array of doubles, step-major: step t of series s, dimension d is
// values[(offsets[s] + t) * dims + d]. Every series has the same number of dimensions; lengths may
// differ (UCR/UEA unequal-length sets, customers acquired in different months).
//
//   segcast::TimeSeriesSet set = segcast::ReadSeriesFile("GunPoint_TRAIN.ts.gz");
//   for (int series = 0; series < set.size(); ++series) {
//     const double* steps = set.Data(series);   // Length(series) x dims doubles
//     ...
//   }
//
// (MonthlySeriesSet in monthly_series.h is the forecast stage's container of monthly series.)
//
// File formats (docs/clustering.md has examples):
//   - sktime/UCR/UEA `.ts` text, plain or gzip (by the `.gz` suffix or the gzip magic bytes):
//     `@` header lines, then one case per line after `@data`, dimensions separated by `:`, values
//     by `,`, the class label last when `@classLabel true`. Unequal lengths across cases are
//     allowed; the dimensions of one case must have equal length. Missing values (`?`, `NaN`) are
//     rejected: DTW is undefined on them.
//   - long CSV (plain or gzip): a header `id,step,<dim 1>,...,<dim d>`, one row per (series,
//     step). Series keep the order of their first row; steps are sorted numerically inside a series
//     and must be distinct integers (gaps are closed up: the series is the sequence of its rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace segcast {

struct TimeSeriesSet {
  //! Dimensions per step (>= 1), the same for every series.
  int dims = 1;
  //! Series identifiers: the CSV id, or the 0-based case number for `.ts` files.
  std::vector<std::string> ids;
  //! Class labels from a labelled `.ts` file; empty when the input carries none.
  std::vector<std::string> labels;
  //! First step of each series in `values` (in steps, not doubles); size() + 1 entries.
  std::vector<int64_t> offsets{0};
  //! All steps of all series, step-major (see the file comment).
  std::vector<double> values;
  //! Names of the dimensions (CSV header or "dim_0".."dim_{d-1}").
  std::vector<std::string> dim_names;

  int size() const { return static_cast<int>(ids.size()); }
  //! Number of steps of a series (>= 1).
  int Length(int series) const { return static_cast<int>(offsets[series + 1] - offsets[series]); }
  //! First value of a series: Length(series) x dims contiguous doubles.
  const double* Data(int series) const { return values.data() + offsets[series] * dims; }
  double* MutableData(int series) { return values.data() + offsets[series] * dims; }
  int MaxLength() const;
  int MinLength() const;
  bool EqualLength() const { return MaxLength() == MinLength(); }
  //! Appends a series of `length` steps (>= 1) read from `data` (length x dims doubles).
  void Add(const std::string& id, const double* data, int length);
};

//! Reads a `.ts` (UCR/UEA) file, plain or gzip. Throws InputError naming the file and line.
TimeSeriesSet ReadUcrTsFile(const std::string& path);
//! Reads a long CSV file (id, step, one column per dimension), plain or gzip.
TimeSeriesSet ReadLongCsvFile(const std::string& path);
//! Dispatches on the name: `*.ts` / `*.ts.gz` to ReadUcrTsFile, anything else to ReadLongCsvFile.
TimeSeriesSet ReadSeriesFile(const std::string& path);

//! Concatenates two sets with the same dims (e.g. a UCR TRAIN and TEST split).
TimeSeriesSet Concatenate(const TimeSeriesSet& first, const TimeSeriesSet& second);

//! Integer class codes 0..C-1 of `labels` in order of first appearance (for ARI / NMI).
std::vector<int> EncodeLabels(const std::vector<std::string>& labels, int* class_count);

}  // namespace segcast
