// backtest.csv and backtest_by_origin.csv.
#include <cerrno>
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
  if (!out) ThrowWriteFailure("writing the output file", path.string(), errno);
}

}  // namespace

void WriteBacktestCsv(const std::string& directory, const BacktestResult& result) {
  const std::filesystem::path pooled_path = std::filesystem::path(directory) / "backtest.csv";
  const std::filesystem::path origin_path = std::filesystem::path(directory) / "backtest_by_origin.csv";
  errno = 0;
  std::ofstream pooled(pooled_path, std::ios::binary);
  if (!pooled) ThrowWriteFailure("creating the output file", pooled_path.string(), errno);
  pooled << kColumns << '\n';
  for (const BacktestRow& row : result.rows) pooled << RowText(row) << '\n';
  Finish(pooled, pooled_path);

  std::ofstream by_origin(origin_path, std::ios::binary);
  if (!by_origin) ThrowWriteFailure("creating the output file", origin_path.string(), errno);
  by_origin << "months_before_end," << kColumns << '\n';
  for (const BacktestOriginResult& origin : result.by_origin)
    for (const BacktestRow& row : origin.rows)
      by_origin << origin.months_before_end << ',' << RowText(row) << '\n';
  Finish(by_origin, origin_path);
}

}  // namespace segcast
