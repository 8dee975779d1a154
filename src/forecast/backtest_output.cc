// backtest.csv and backtest_by_origin.csv.
#include <filesystem>
#include <fstream>

#include "internal/text_output.h"
#include "segcast/backtest.h"
#include "segcast/error.h"

namespace segcast {
namespace {

constexpr char kColumns[] = "method,mae,rmse,smape,mase,coverage,width,points";

std::string RowText(const BacktestRow& row) {
  using internal::FormatNumber;
  return internal::CsvField(row.method) + ',' + FormatNumber(row.mae) + ',' + FormatNumber(row.rmse) +
         ',' + FormatNumber(row.smape) + ',' + FormatNumber(row.mase) + ',' +
         FormatNumber(row.coverage) + ',' + FormatNumber(row.width) + ',' + std::to_string(row.points);
}

void Finish(std::ofstream& out, const std::filesystem::path& path) {
  out.flush();
  if (!out) throw InputError("could not write output file (disk full?)", {.file = path.string()});
}

}  // namespace

void WriteBacktestCsv(const std::string& directory, const BacktestResult& result) {
  const std::filesystem::path pooled_path = std::filesystem::path(directory) / "backtest.csv";
  const std::filesystem::path origin_path = std::filesystem::path(directory) / "backtest_by_origin.csv";
  std::ofstream pooled(pooled_path, std::ios::binary);
  if (!pooled) throw InputError("cannot create output file", {.file = pooled_path.string()});
  pooled << kColumns << '\n';
  for (const BacktestRow& row : result.rows) pooled << RowText(row) << '\n';
  Finish(pooled, pooled_path);

  std::ofstream by_origin(origin_path, std::ios::binary);
  if (!by_origin) throw InputError("cannot create output file", {.file = origin_path.string()});
  by_origin << "months_before_end," << kColumns << '\n';
  for (const BacktestOriginResult& origin : result.by_origin)
    for (const BacktestRow& row : origin.rows)
      by_origin << origin.months_before_end << ',' << RowText(row) << '\n';
  Finish(by_origin, origin_path);
}

}  // namespace segcast
