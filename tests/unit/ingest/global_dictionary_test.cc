// The merge's dictionary (open addressing over ids tagged with half of each name's hash) against a
// std::unordered_map doing the same job: ids in order of first appearance, whatever the reserve
// and however many rehashes.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "ingest/row_merger.h"

using segcast::internal::GlobalDictionary;

namespace {

// Names drawn with repeats from `distinct` candidates, some sharing long prefixes, one empty.
std::vector<std::string> Names(size_t count, size_t distinct, uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::string> names;
  names.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const size_t pick = random() % distinct;
    names.push_back(pick == 0 ? std::string() : (pick % 3 == 0 ? std::string(40, 'c') : "") + std::to_string(pick));
  }
  return names;
}

void RequireSameIds(const std::vector<std::string>& names, size_t reserve) {
  GlobalDictionary dictionary;
  std::unordered_map<std::string, int32_t> reference;
  std::vector<std::string> first_seen;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i == names.size() / 10 && reserve > 0) dictionary.Reserve(reserve);
    auto [found, inserted] = reference.try_emplace(names[i], static_cast<int32_t>(reference.size()));
    if (inserted) first_seen.push_back(names[i]);
    std::string copy = names[i];
    REQUIRE(dictionary.Id(std::move(copy)) == found->second);
  }
  REQUIRE(dictionary.size() == reference.size());
  REQUIRE(dictionary.names() == first_seen);
}

}  // namespace

TEST_CASE("dictionary ids follow first appearance, as a hash map's do", "[ingest][dictionary]") {
  const std::vector<std::string> names = Names(200000, 30000, 7);
  SECTION("no reserve: grows by rehashing") { RequireSameIds(names, 0); }
  SECTION("reserved too small") { RequireSameIds(names, 1000); }
  SECTION("reserved far too large") { RequireSameIds(names, 1000000); }
}

TEST_CASE("dictionary with few names: countries", "[ingest][dictionary]") {
  GlobalDictionary dictionary;
  CHECK(dictionary.Id("United Kingdom") == 0);
  CHECK(dictionary.Id("France") == 1);
  CHECK(dictionary.Id("United Kingdom") == 0);
  CHECK(dictionary.Id("") == 2);
  CHECK(dictionary.Id("France") == 1);
  CHECK(dictionary.Id("") == 2);
  CHECK(dictionary.names() == std::vector<std::string>{"United Kingdom", "France", ""});
}
