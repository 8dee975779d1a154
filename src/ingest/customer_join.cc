#include "ingest/customer_join.h"

#include <algorithm>
#include <unordered_map>

#include "ingest/csv_table.h"
#include "ingest/text_util.h"
#include "segcast/error.h"

namespace segcast::internal {

IngestReport::Join JoinCustomerTable(const std::string& path, const std::string& key, bool normalise_ids,
                                     Transactions& table) {
  CsvTable joined = ReadCsvTable(path);
  int key_column = -1;
  for (size_t column = 0; column < joined.header.size(); ++column) {
    if (TrimSpaces(joined.header[column]) == key) key_column = static_cast<int>(column);
  }
  if (key_column < 0) {
    throw InputError("join key column '" + key + "' not found (" + DescribeHeader(joined.header) + ")",
                     {.file = path, .line = 1, .field = key, .expected = "the customer id column"});
  }
  std::unordered_map<std::string, size_t> row_of;
  for (size_t row = 0; row < joined.rows.size(); ++row) {
    std::string_view id = TrimSpaces(joined.rows[row][key_column]);
    // The log's ids were normalised: the table's must be too, or "017850" would never match.
    if (normalise_ids) id = NormaliseCustomerId(id);
    row_of.try_emplace(std::string(id), row);
  }
  CustomerAttributes& attributes = table.attributes;
  attributes.values.resize(table.customer_ids.size());
  std::vector<size_t> columns;
  for (size_t column = 0; column < joined.header.size(); ++column) {
    if (static_cast<int>(column) == key_column) continue;
    std::string base(TrimSpaces(joined.header[column]));
    std::string name = base;
    for (int suffix = 2; std::find(attributes.columns.begin(), attributes.columns.end(), name) !=
                         attributes.columns.end();
         ++suffix) {
      name = base + "_" + std::to_string(suffix);
    }
    attributes.columns.push_back(name);
    columns.push_back(column);
  }
  IngestReport::Join report{path, static_cast<int64_t>(joined.rows.size()), 0};
  for (size_t customer = 0; customer < table.customer_ids.size(); ++customer) {
    auto found = row_of.find(table.customer_ids[customer]);
    std::vector<std::string>& values = attributes.values[customer];
    if (found != row_of.end()) ++report.matched_customers;
    for (size_t column : columns) {
      values.push_back(found != row_of.end() ? joined.rows[found->second][column] : std::string());
    }
  }
  return report;
}

}  // namespace segcast::internal
