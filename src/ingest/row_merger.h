// Merges parsed blocks, in input order, into one Transactions table: applies the exact-duplicate
// rule (when duplicates are dropped, a row whose every field equals an earlier accepted row's is
// rejected; the first is kept), maps block-local dictionary ids to global ones, and at the end
// matches cancellations with purchases (and nets them if asked) and sorts customer ids.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ingest/block_parser.h"
#include "ingest/zeroed_array.h"
#include "segcast/ingest.h"

namespace segcast::internal {

// Multiply-shift maps a hash onto [0, range) without a power-of-two mask (Lemire 2019): the high
// 64 bits of a 128-bit product. __extension__ keeps -Wpedantic quiet about the GCC type.
inline size_t ScaleToRange(uint64_t hash, size_t range) {
  __extension__ typedef unsigned __int128 Wide;
  return static_cast<size_t>((static_cast<Wide>(hash) * range) >> 64);
}

//! Open-addressing set of row keys (linear probing, load <= 3/4). The all-zero key marks an empty
//! slot, so keys are stored with their lowest bit set (one bit of the 128 is given up).
class RowKeySet {
 public:
  //! True when the key was not there (and is now).
  bool Insert(RowKey key);
  //! Makes room for `keys` keys without rehashing.
  void Reserve(size_t keys);
  //! Hints the cache about the slot a later Insert(key) reads first.
  void Prefetch(const RowKey& key) const {
    if (!slots_.empty()) {
      __builtin_prefetch(&slots_[ScaleToRange(key.high, slots_.size())]);
    }
  }
  size_t size() const { return size_; }

 private:
  void Rehash(size_t capacity);
  ZeroedArray<RowKey> slots_;
  size_t size_ = 0;
};

//! Strings to dense ids, in order of first appearance. Each name is stored once, in names();
//! the index is an open-addressing table of ids (linear probing, load <= 1/2) tagged with the
//! low half of the name's hash, so a lookup compares a name only when the tags match. (A
//! std::unordered_map<std::string, int> held a second copy of every name in its own node: half of
//! the merge's page faults on Online Retail.)
class GlobalDictionary {
 public:
  int32_t Id(std::string&& text);
  //! The id of `text`, or -1 when it has none (nothing is added).
  int32_t Find(std::string_view text) const;
  //! Makes room for `names` names without rehashing or moving them.
  void Reserve(size_t names);
  size_t size() const { return names_.size(); }
  std::vector<std::string>& names() { return names_; }

 private:
  void Rehash(size_t capacity);
  ZeroedArray<uint64_t> slots_;  // hash << 32 | (id + 1); 0 = empty
  std::vector<std::string> names_;
};

//! How the merge treats rows beyond mapping them.
struct MergeSettings {
  bool collect_rejects = false;
  //! Reject exact duplicates (DuplicateRule resolved); the blocks then carry ParsedBlock::key.
  bool drop_duplicates = true;
  //! The blocks carry products and cancellation rows (ColumnLayout::match_cancellations).
  bool match_cancellations = false;
  //! Net the matches (IngestOptions::net_cancellations), not only report them.
  bool net_cancellations = false;
  //! Revenue is quantity x price (else the amount column, scaled when units are netted).
  bool revenue_is_quantity_times_price = true;
};

class RowMerger {
 public:
  explicit RowMerger(const MergeSettings& settings) : settings_(settings), collect_(settings.collect_rejects) {}

  //! Appends one block's rows; `text` is the block's text (for duplicate rows' rejects);
  //! `line_offset` is added to the block's line numbers (of rows and rejects) to make them absolute.
  void Merge(ParsedBlock& block, std::string_view text, int64_t line_offset);
  //! Reserves the columns for `rows` rows, faults in their pages for `keys` rows and sizes the
  //! duplicate set for `keys` rows (the rows expected to be accepted).
  void Reserve(size_t rows, size_t keys);
  //! The date evidence of the blocks merged so far.
  const DateTally& dates() const { return dates_; }
  //! Gives the accepted rows whose slash date reads as two days (DateOrder::kAuto) their day-first
  //! reading; before Finish, once the order is decided to be day first.
  void UseDayFirstReadings();
  //! Matches (and nets) cancellations, sorts customer ids and fills the table, the report's counts
  //! and the rejects (by line).
  void Finish(Transactions& table, IngestReport& report, std::vector<RejectedRow>& rejects);

 private:
  void MatchAndNetCancellations(IngestReport::Cancellations& report);
  void RemoveRows(const std::vector<bool>& removed);

  MergeSettings settings_;
  bool collect_;
  std::vector<uint64_t> product_;        // ProductKey per accepted row, with match_cancellations
  std::vector<CancellationRow> cancellations_;
  std::string row_text_;                 // accepted rows' text, for the rejects of netted rows
  std::vector<size_t> row_text_end_;
  Transactions table_;
  GlobalDictionary customers_;
  GlobalDictionary invoices_;
  GlobalDictionary countries_;
  RowKeySet seen_;
  int64_t rows_read_ = 0;
  std::array<int64_t, kRejectReasonCount> rejected_{};
  std::vector<RejectedRow> rejects_;
  DateTally dates_;
  std::vector<std::pair<size_t, Day>> day_first_;  // (table row, day-first reading)
};

//! Order of customer ids: numeric when every id is an integer, else byte-wise.
std::vector<int32_t> CustomerOrder(const std::vector<std::string>& ids);

}  // namespace segcast::internal
