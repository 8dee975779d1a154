// Small text helpers shared by the ingest sources.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace segcast::internal {

//! The view without leading and trailing spaces and tabs.
inline std::string_view TrimSpaces(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return text.substr(begin, end - begin);
}

//! IngestOptions::normalise_customer_ids on a trimmed id: digits with an optional '.' and zeros
//! after them ("00017850", "17850.0") give the integer's digits without leading zeros ("17850",
//! "0" for zero); any other id is returned as it is. The result is a view into `id`.
inline std::string_view NormaliseCustomerId(std::string_view id) {
  size_t digits = 0;
  while (digits < id.size() && id[digits] >= '0' && id[digits] <= '9') ++digits;
  if (digits == 0) return id;
  if (digits < id.size()) {
    if (id[digits] != '.') return id;
    for (size_t rest = digits + 1; rest < id.size(); ++rest) {
      if (id[rest] != '0') return id;
    }
  }
  size_t first = 0;
  while (first + 1 < digits && id[first] == '0') ++first;
  return id.substr(first, digits - first);
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t index = 0; index < a.size(); ++index) {
    char x = a[index];
    char y = b[index];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

//! Text safe to print in one message line: control and non-ASCII bytes as \xNN, cut after
//! `limit` bytes with "...".
inline std::string Printable(std::string_view text, size_t limit = 40) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t index = 0; index < text.size(); ++index) {
    if (index == limit) {
      out += "...";
      break;
    }
    auto byte = static_cast<unsigned char>(text[index]);
    if (byte < 0x20 || byte >= 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

//! "header: a, b, c" listing at most 20 columns, each made printable.
inline std::string DescribeHeader(const std::vector<std::string>& header) {
  std::string text = "header: ";
  for (size_t column = 0; column < header.size(); ++column) {
    if (column == 20) {
      text += ", ... (" + std::to_string(header.size()) + " columns)";
      break;
    }
    if (column > 0) text += ", ";
    text += Printable(header[column]);
  }
  if (header.size() == 1) {
    std::string_view only = header.front();
    if (only.find(';') != std::string_view::npos) text += " (one column: is the delimiter ';'?)";
    else if (only.find('\t') != std::string_view::npos) text += " (one column: is the delimiter a tab?)";
    else if (only.find('|') != std::string_view::npos) text += " (one column: is the delimiter '|'?)";
  }
  return text;
}

}  // namespace segcast::internal
