#include "segcast/rfm.h"

#include <limits>
#include <unordered_map>

#include "features/distinct_counter.h"
#include "segcast/error.h"

namespace segcast {

RfmTable ComputeRfm(const Transactions& transactions, const RfmOptions& options) {
  const Day as_of = options.as_of ? *options.as_of : DefaultAsOf(transactions);
  const size_t customers = transactions.customer_count();
  std::vector<Day> first(customers, std::numeric_limits<Day>::max());
  std::vector<Day> last(customers, std::numeric_limits<Day>::min());
  std::vector<int32_t> frequency(customers, 0);
  std::vector<double> monetary(customers, 0.0);
  // Country of most rows: the first country seen per customer is counted in place, any other
  // (rare) pair in a map.
  std::vector<int32_t> main_country(customers, -1);
  std::vector<int64_t> main_count(customers, 0);
  std::unordered_map<uint64_t, int64_t> other_countries;
  internal::DistinctInvoiceCounter invoices(transactions.invoice_ids.size());

  for (size_t row = 0; row < transactions.size(); ++row) {
    const Day day = transactions.day[row];
    if (day >= as_of) continue;
    const int32_t customer = transactions.customer[row];
    first[customer] = std::min(first[customer], day);
    last[customer] = std::max(last[customer], day);
    monetary[customer] += transactions.revenue[row];
    if (invoices.FirstTime(transactions.invoice[row], customer)) ++frequency[customer];
    const int32_t country = transactions.country[row];
    if (country < 0) continue;
    if (main_country[customer] == -1) main_country[customer] = country;
    if (main_country[customer] == country) {
      ++main_count[customer];
    } else {
      ++other_countries[(static_cast<uint64_t>(customer) << 32) | static_cast<uint32_t>(country)];
    }
  }
  for (const auto& [key, count] : other_countries) {
    const auto customer = static_cast<int32_t>(key >> 32);
    const auto country = static_cast<int32_t>(key & 0xffffffffu);
    const std::string& name = transactions.countries[country];
    const int64_t best = main_count[customer];
    if (count > best || (count == best && name < transactions.countries[main_country[customer]])) {
      main_country[customer] = country;
      main_count[customer] = count;
    }
  }

  RfmTable table;
  table.as_of = as_of;
  for (size_t customer = 0; customer < customers; ++customer) {
    if (frequency[customer] == 0) continue;
    table.customer_index.push_back(static_cast<int32_t>(customer));
    table.customer_ids.push_back(transactions.customer_ids[customer]);
    table.recency.push_back(as_of - last[customer]);
    table.frequency.push_back(frequency[customer]);
    table.monetary.push_back(monetary[customer]);
    table.first_purchase.push_back(first[customer]);
    table.last_purchase.push_back(last[customer]);
    table.country.push_back(main_country[customer] >= 0 ? transactions.countries[main_country[customer]]
                                                        : std::string());
  }
  return table;
}

}  // namespace segcast
