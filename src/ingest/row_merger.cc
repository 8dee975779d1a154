#include "ingest/row_merger.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <numeric>
#include <string_view>

#include "ingest/cancellation_netting.h"
#include "internal/huge_pages.h"

namespace segcast::internal {

bool RowKeySet::Insert(RowKey key) {
  key.low |= 1;
  // Grow at 3/4 load by half again, so memory stays proportional to the rows (no powers of two).
  if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(std::max<size_t>(1024, slots_.size() * 3 / 2));
  const size_t capacity = slots_.size();
  size_t slot = ScaleToRange(key.high, capacity);
  while (true) {
    RowKey& entry = slots_[slot];
    if (entry.low == 0) {
      entry = key;
      ++size_;
      return true;
    }
    if (entry == key) return false;
    if (++slot == capacity) slot = 0;
  }
}

void RowKeySet::Reserve(size_t keys) {
  const size_t capacity = std::max<size_t>(1024, keys * 10 / 7);  // load 0.7 when the estimate holds
  if (capacity > slots_.size()) Rehash(capacity);
}

void RowKeySet::Rehash(size_t capacity) {
  ZeroedArray<RowKey> old_slots = std::move(slots_);
  slots_ = ZeroedArray<RowKey>(capacity);
  size_ = 0;
  for (const RowKey& key : old_slots) {
    if (key.low != 0) Insert(key);
  }
}

int32_t GlobalDictionary::Id(std::string&& text) {
  if ((names_.size() + 1) * 2 > slots_.size()) Rehash(std::max<size_t>(64, slots_.size() * 2));
  const uint64_t hash = std::hash<std::string_view>()(text);
  // The slot comes from the hash's high bits (ScaleToRange), the tag from its low half, so that
  // neighbouring entries do not share tags more often than chance.
  const uint64_t tag = hash << 32;
  const size_t capacity = slots_.size();
  for (size_t slot = ScaleToRange(hash, capacity);; slot = slot + 1 == capacity ? 0 : slot + 1) {
    const uint64_t entry = slots_[slot];
    if (entry == 0) {
      const auto id = static_cast<int32_t>(names_.size());
      slots_[slot] = tag | static_cast<uint32_t>(id + 1);
      names_.push_back(std::move(text));
      return id;
    }
    const auto id = static_cast<int32_t>(static_cast<uint32_t>(entry) - 1);
    if ((entry & ~uint64_t{0xFFFFFFFF}) == tag && names_[id] == text) return id;
  }
}

int32_t GlobalDictionary::Find(std::string_view text) const {
  if (slots_.empty()) return -1;
  const uint64_t hash = std::hash<std::string_view>()(text);
  const uint64_t tag = hash << 32;
  const size_t capacity = slots_.size();
  for (size_t slot = ScaleToRange(hash, capacity);; slot = slot + 1 == capacity ? 0 : slot + 1) {
    const uint64_t entry = slots_[slot];
    if (entry == 0) return -1;
    const auto id = static_cast<int32_t>(static_cast<uint32_t>(entry) - 1);
    if ((entry & ~uint64_t{0xFFFFFFFF}) == tag && names_[id] == text) return id;
  }
}

void GlobalDictionary::Reserve(size_t names) {
  if (names * 2 > slots_.size()) Rehash(names * 2);
  names_.reserve(names);
}

void GlobalDictionary::Rehash(size_t capacity) {
  slots_ = ZeroedArray<uint64_t>(capacity);
  for (size_t id = 0; id < names_.size(); ++id) {
    const uint64_t hash = std::hash<std::string_view>()(names_[id]);
    size_t slot = ScaleToRange(hash, capacity);
    while (slots_[slot] != 0) slot = slot + 1 == capacity ? 0 : slot + 1;
    slots_[slot] = hash << 32 | static_cast<uint32_t>(id + 1);
  }
}

void RowMerger::Reserve(size_t rows, size_t keys) {
  if (settings_.drop_duplicates) seen_.Reserve(keys);
  // Names seen so far, scaled like the rows: an overestimate for customers (who come back), but
  // reserved names cost address space only, and the index a few bytes per name.
  const double growth = table_.size() > 0 ? static_cast<double>(keys) / static_cast<double>(table_.size()) : 1.0;
  for (GlobalDictionary* dictionary : {&customers_, &invoices_, &countries_}) {
    dictionary->Reserve(static_cast<size_t>(static_cast<double>(dictionary->size()) * growth));
  }
  // Room for every row read, but only the pages of the rows expected to be accepted are faulted
  // in ahead: zeroing pages that are never written was 8% of the CPU samples on Online Retail.
  ReserveHuge(table_.customer, rows, keys);
  ReserveHuge(table_.invoice, rows, keys);
  ReserveHuge(table_.country, rows, keys);
  ReserveHuge(table_.day, rows, keys);
  ReserveHuge(table_.quantity, rows, keys);
  ReserveHuge(table_.price, rows, keys);
  ReserveHuge(table_.revenue, rows, keys);
  ReserveHuge(table_.line, rows, keys);
}

void RowMerger::Merge(ParsedBlock& block, std::string_view text, int64_t line_offset) {
  rows_read_ += block.rows_read;
  for (int reason = 0; reason < kRejectReasonCount; ++reason) rejected_[reason] += block.rejected[reason];
  if (collect_) {
    for (RejectedRow& reject : block.rejects) {
      reject.line += line_offset;
      rejects_.push_back(std::move(reject));
    }
  }
  std::vector<int32_t> customer_map(block.customer_names.size());
  for (size_t local = 0; local < customer_map.size(); ++local) {
    customer_map[local] = customers_.Id(std::move(block.customer_names[local]));
  }
  std::vector<int32_t> invoice_map(block.invoice_names.size());
  for (size_t local = 0; local < invoice_map.size(); ++local) {
    invoice_map[local] = invoices_.Id(std::move(block.invoice_names[local]));
  }
  std::vector<int32_t> country_map(block.country_names.size());
  for (size_t local = 0; local < country_map.size(); ++local) {
    country_map[local] = countries_.Id(std::move(block.country_names[local]));
  }
  for (CancellationRow& cancellation : block.cancellations) {
    cancellation.line += line_offset;
    cancellations_.push_back(std::move(cancellation));
  }
  const bool keep_text = collect_ && settings_.net_cancellations;
  dates_.Add(block.dates, line_offset);
  auto day_first = block.day_first.begin();
  size_t rows = block.day.size();
  // Slots are random in a table far larger than the cache: ask for them a few rows ahead.
  constexpr size_t kPrefetchDistance = 8;
  for (size_t row = 0; row < rows; ++row) {
    const int64_t line = block.line[row] + line_offset;
    const bool two_readings =
        day_first != block.day_first.end() && day_first->first == static_cast<int32_t>(row);
    const Day day_first_reading = two_readings ? (day_first++)->second : 0;
    if (settings_.drop_duplicates) {
      if (row + kPrefetchDistance < rows) seen_.Prefetch(block.key[row + kPrefetchDistance]);
      if (!seen_.Insert(block.key[row])) {
        ++rejected_[static_cast<int>(RejectReason::kDuplicate)];
        if (collect_) {
          rejects_.push_back(RejectedRow{line, RejectReason::kDuplicate, std::string(),
                                         std::string(text.substr(block.text_begin[row], block.text_size[row]))});
        }
        continue;
      }
    }
    // Without an invoice column each row is its own invoice, named by its line, and only once it
    // is accepted: naming rejected duplicates had counted invoices that no accepted row has.
    const int32_t invoice = block.invoice[row] >= 0 ? invoice_map[block.invoice[row]]
                                                    : invoices_.Id("line " + std::to_string(line));
    if (settings_.match_cancellations) product_.push_back(block.product[row]);
    if (keep_text) {
      row_text_.append(text.substr(block.text_begin[row], block.text_size[row]));
      row_text_end_.push_back(row_text_.size());
    }
    if (two_readings) day_first_.emplace_back(table_.size(), day_first_reading);
    table_.customer.push_back(customer_map[block.customer[row]]);
    table_.invoice.push_back(invoice);
    table_.country.push_back(block.country[row] >= 0 ? country_map[block.country[row]] : -1);
    table_.day.push_back(block.day[row]);
    table_.quantity.push_back(block.quantity[row]);
    table_.price.push_back(block.price[row]);
    table_.revenue.push_back(block.revenue[row]);
    table_.line.push_back(line);
  }
}

std::vector<int32_t> CustomerOrder(const std::vector<std::string>& ids) {
  std::vector<int64_t> numbers(ids.size());
  bool numeric = true;
  for (size_t index = 0; index < ids.size() && numeric; ++index) {
    const std::string& id = ids[index];
    auto [end, error] = std::from_chars(id.data(), id.data() + id.size(), numbers[index]);
    numeric = error == std::errc() && end == id.data() + id.size();
  }
  std::vector<int32_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    if (numeric && numbers[a] != numbers[b]) return numbers[a] < numbers[b];
    return ids[a] < ids[b];
  });
  return order;
}

namespace {

// Keeps the ids a column still uses, in their order, and renumbers the column.
void DropUnusedNames(std::vector<int32_t>& column, std::vector<std::string>& names) {
  std::vector<int32_t> renumbered(names.size(), -1);
  for (int32_t id : column) {
    if (id >= 0) renumbered[id] = 0;
  }
  int32_t next = 0;
  for (size_t id = 0; id < names.size(); ++id) {
    if (renumbered[id] < 0) continue;
    renumbered[id] = next;
    if (static_cast<size_t>(next) != id) names[next] = std::move(names[id]);  // a self-move empties it
    ++next;
  }
  names.resize(next);
  for (int32_t& id : column) {
    if (id >= 0) id = renumbered[id];
  }
}

template <typename Value>
void EraseRows(std::vector<Value>& column, const std::vector<bool>& removed) {
  size_t kept = 0;
  for (size_t row = 0; row < column.size(); ++row) {
    if (!removed[row]) column[kept++] = column[row];
  }
  column.resize(kept);
}

}  // namespace

void RowMerger::RemoveRows(const std::vector<bool>& removed) {
  EraseRows(table_.customer, removed);
  EraseRows(table_.invoice, removed);
  EraseRows(table_.country, removed);
  EraseRows(table_.day, removed);
  EraseRows(table_.quantity, removed);
  EraseRows(table_.price, removed);
  EraseRows(table_.revenue, removed);
  EraseRows(table_.line, removed);
  // A customer, invoice or country whose every row was netted away is no longer in the log.
  DropUnusedNames(table_.customer, customers_.names());
  DropUnusedNames(table_.invoice, invoices_.names());
  DropUnusedNames(table_.country, countries_.names());
}

void RowMerger::MatchAndNetCancellations(IngestReport::Cancellations& report) {
  std::vector<Cancellation> resolved;
  resolved.reserve(cancellations_.size());
  for (const CancellationRow& row : cancellations_) {
    resolved.push_back(Cancellation{row.line, customers_.Find(row.customer), row.product, row.quantity});
  }
  const MatchPlan plan = MatchCancellations(
      PurchaseColumns{table_.customer, product_, table_.line, table_.quantity, table_.revenue}, resolved);
  for (const CancellationMatch& match : plan.matches) {
    ++report.rows;
    report.quantity += match.quantity;
    report.revenue += match.revenue;
  }
  std::vector<CancellationMatch> largest = plan.matches;
  const size_t shown = std::min<size_t>(3, largest.size());
  std::partial_sort(largest.begin(), largest.begin() + static_cast<std::ptrdiff_t>(shown), largest.end(),
                    [](const CancellationMatch& a, const CancellationMatch& b) {
                      return a.revenue != b.revenue ? a.revenue > b.revenue : a.cancellation < b.cancellation;
                    });
  for (size_t index = 0; index < shown; ++index) {
    const CancellationMatch& match = largest[index];
    const CancellationRow& row = cancellations_[match.cancellation];
    report.largest.push_back(CancelledAmount{row.line, row.invoice, row.customer,
                                             invoices_.names()[table_.invoice[match.latest_row]],
                                             match.quantity, match.revenue});
  }
  if (!settings_.net_cancellations) return;
  report.netted = true;
  std::vector<bool> removed(table_.size(), false);
  bool any_removed = false;
  for (size_t row = 0; row < table_.size(); ++row) {
    const double kept = plan.quantity[row];
    if (kept == table_.quantity[row]) continue;
    if (kept > 0) {
      table_.revenue[row] = settings_.revenue_is_quantity_times_price
                                ? kept * table_.price[row]
                                : table_.revenue[row] / table_.quantity[row] * kept;
      table_.quantity[row] = kept;
      continue;
    }
    removed[row] = any_removed = true;
    ++rejected_[static_cast<int>(RejectReason::kCancelledByLaterInvoice)];
    if (collect_) {
      const size_t begin = row == 0 ? 0 : row_text_end_[row - 1];
      rejects_.push_back(RejectedRow{table_.line[row], RejectReason::kCancelledByLaterInvoice, std::string(),
                                     row_text_.substr(begin, row_text_end_[row] - begin)});
    }
  }
  if (any_removed) RemoveRows(removed);
  }

void RowMerger::UseDayFirstReadings() {
  for (const auto& [row, day] : day_first_) table_.day[row] = day;
  day_first_.clear();
}

void RowMerger::Finish(Transactions& table, IngestReport& report, std::vector<RejectedRow>& rejects) {
  report.duplicates = settings_.drop_duplicates ? "drop" : "keep";
  if (settings_.match_cancellations) MatchAndNetCancellations(report.cancellations);
  std::vector<std::string>& ids = customers_.names();
  std::vector<int32_t> order = CustomerOrder(ids);
  std::vector<int32_t> rank(ids.size());
  for (size_t position = 0; position < order.size(); ++position) rank[order[position]] = static_cast<int32_t>(position);
  for (int32_t& customer : table_.customer) customer = rank[customer];
  table_.customer_ids.resize(ids.size());
  for (size_t position = 0; position < order.size(); ++position) {
    table_.customer_ids[position] = std::move(ids[order[position]]);
  }
  table_.invoice_ids = std::move(invoices_.names());
  table_.countries = std::move(countries_.names());

  report.rows_read = rows_read_;
  report.rejected = rejected_;
  report.rows_accepted = static_cast<int64_t>(table_.size());
  report.customers = static_cast<int64_t>(table_.customer_ids.size());
  report.invoices = static_cast<int64_t>(table_.invoice_ids.size());
  if (!table_.day.empty()) {
    auto [low, high] = std::minmax_element(table_.day.begin(), table_.day.end());
    report.first_day = *low;
    report.last_day = *high;
  }
  std::vector<int64_t> per_country(table_.countries.size(), 0);
  for (int32_t country : table_.country) {
    if (country >= 0) ++per_country[country];
  }
  report.countries.clear();
  for (size_t country = 0; country < per_country.size(); ++country) {
    report.countries.emplace_back(table_.countries[country], per_country[country]);
  }
  std::sort(report.countries.begin(), report.countries.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  std::stable_sort(rejects_.begin(), rejects_.end(),
                   [](const RejectedRow& a, const RejectedRow& b) { return a.line < b.line; });
  rejects = std::move(rejects_);
  table = std::move(table_);
}

}  // namespace segcast::internal
