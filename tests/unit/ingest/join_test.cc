#include <catch2/catch.hpp>

#include "segcast/error.h"
#include "segcast/ingest.h"
#include "support/shared_data.h"

using namespace segcast;
using segcast::testing::FixturePath;

TEST_CASE("KPMG demographics and addresses are left-joined on customer_id", "[ingest][join]") {
  IngestOptions options;
  options.path = FixturePath("ingest/kpmg_transactions_small.csv").string();
  options.demographics_path = FixturePath("ingest/kpmg_demographic_small.csv").string();
  options.addresses_path = FixturePath("ingest/kpmg_address_small.csv").string();
  IngestResult result = Ingest(options);
  const Transactions& table = result.transactions;
  REQUIRE(table.customer_ids == std::vector<std::string>{"1", "2", "9"});
  const CustomerAttributes& attributes = table.attributes;
  CHECK(attributes.columns == std::vector<std::string>{"first_name", "gender", "default", "wealth_segment",
                                                       "address", "postcode", "state", "country"});
  REQUIRE(attributes.values.size() == 3);
  CHECK(attributes.values[0] == std::vector<std::string>{"Laraine", "F", "\"'", "Mass Customer",
                                                         "060 Morning Avenue", "2016", "NSW", "Australia"});
  CHECK(attributes.values[1][2] == "<script>alert('hi')</script>");
  CHECK(attributes.values[1][6] == "New South Wales");
  // Customer 9 is in neither table: empty strings, not a dropped customer.
  CHECK(attributes.values[2] == std::vector<std::string>(8, ""));
  REQUIRE(result.report.joins.size() == 2);
  CHECK(result.report.joins[0].rows == 3);
  CHECK(result.report.joins[0].matched_customers == 2);
  CHECK(result.report.joins[1].matched_customers == 2);
}

TEST_CASE("a joined table without the key column is an input error", "[ingest][join]") {
  IngestOptions options;
  options.path = FixturePath("ingest/kpmg_transactions_small.csv").string();
  options.demographics_path = FixturePath("ingest/kpmg_demographic_small.csv").string();
  options.join_key = "client";
  try {
    Ingest(options);
    FAIL("no error");
  } catch (const InputError& error) {
    CHECK(error.location().field == "client");
    CHECK(error.location().file == options.demographics_path);
  }
}
