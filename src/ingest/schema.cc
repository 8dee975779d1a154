#include "segcast/schema.h"

#include <algorithm>

#include "ingest/text_util.h"
#include "segcast/error.h"

namespace segcast {
namespace {

struct PresetEntry {
  SchemaPreset preset;
  std::string_view name;
};

constexpr PresetEntry kPresets[] = {
    {SchemaPreset::kAuto, "auto"},
    {SchemaPreset::kOnlineRetailII, "online-retail-ii"},
    {SchemaPreset::kOnlineRetail, "online-retail"},
    {SchemaPreset::kKpmg, "kpmg"},
    {SchemaPreset::kGeneric, "generic"},
};

constexpr SchemaPreset kDetectable[] = {SchemaPreset::kOnlineRetailII, SchemaPreset::kOnlineRetail,
                                        SchemaPreset::kKpmg};

// The columns a preset cannot work without; detection needs all of them.
std::vector<std::string> RequiredColumns(const ColumnMapping& mapping) {
  std::vector<std::string> columns;
  for (const std::string* name : {&mapping.customer, &mapping.date, &mapping.invoice,
                                  &mapping.quantity, &mapping.price, &mapping.amount,
                                  &mapping.status}) {
    if (!name->empty()) columns.push_back(*name);
  }
  return columns;
}

bool HeaderHas(const std::vector<std::string>& header, const std::string& name) {
  return std::any_of(header.begin(), header.end(), [&](const std::string& column) {
    return internal::TrimSpaces(column) == name;
  });
}

}  // namespace

void ColumnMapping::Validate() const {
  if (customer.empty()) {
    throw InvalidArgument("the generic schema needs a customer column",
                          {.field = "customer", .expected = "customer=<header name>"});
  }
  if (date.empty()) {
    throw InvalidArgument("the generic schema needs a date column",
                          {.field = "date", .expected = "date=<header name>"});
  }
  if (price.empty() == amount.empty()) {
    throw InvalidArgument("give exactly one of price (with optional quantity) or amount",
                          {.field = price.empty() ? "amount" : "price",
                           .expected = "price=<column> or amount=<column>, not both"});
  }
  if (!amount.empty() && !quantity.empty()) {
    throw InvalidArgument("quantity goes with price, not with amount",
                          {.field = "quantity", .expected = "price=<column> with quantity"});
  }
}

ColumnMapping PresetMapping(SchemaPreset preset) {
  ColumnMapping mapping;
  switch (preset) {
    case SchemaPreset::kOnlineRetailII:
      mapping.customer = "Customer ID";
      mapping.date = "InvoiceDate";
      mapping.invoice = "Invoice";
      mapping.quantity = "Quantity";
      mapping.price = "Price";
      mapping.country = "Country";
      mapping.product = "StockCode";
      mapping.cancel_prefix.assign(1, 'C');  // not = "C": GCC 12 false -Wrestrict (PR 105329)
      return mapping;
    case SchemaPreset::kOnlineRetail:
      mapping.customer = "CustomerID";
      mapping.date = "InvoiceDate";
      mapping.invoice = "InvoiceNo";
      mapping.quantity = "Quantity";
      mapping.price = "UnitPrice";
      mapping.country = "Country";
      mapping.product = "StockCode";
      mapping.cancel_prefix.assign(1, 'C');  // not = "C": GCC 12 false -Wrestrict (PR 105329)
      return mapping;
    case SchemaPreset::kKpmg:
      mapping.customer = "customer_id";
      mapping.date = "transaction_date";
      mapping.invoice = "transaction_id";
      mapping.amount = "list_price";
      mapping.status = "order_status";
      mapping.accepted_status = "Approved";
      return mapping;
    case SchemaPreset::kAuto:
    case SchemaPreset::kGeneric:
      break;
  }
  throw InvalidArgument("the preset '" + std::string(PresetName(preset)) +
                            "' has no fixed column mapping",
                        {.field = "schema", .expected = "online-retail-ii, online-retail or kpmg"});
}

std::string_view PresetName(SchemaPreset preset) {
  for (const PresetEntry& entry : kPresets) {
    if (entry.preset == preset) return entry.name;
  }
  return "unknown";
}

std::optional<SchemaPreset> ParsePresetName(std::string_view name) {
  for (const PresetEntry& entry : kPresets) {
    if (entry.name == name) return entry.preset;
  }
  return std::nullopt;
}

std::string PresetNames() {
  std::string names;
  for (const PresetEntry& entry : kPresets) {
    if (!names.empty()) names += ", ";
    names += entry.name;
  }
  return names;
}

ColumnMapping ParseColumnMapping(std::string_view spec) {
  ColumnMapping mapping;
  size_t position = 0;
  while (position <= spec.size()) {
    size_t comma = spec.find(',', position);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = internal::TrimSpaces(spec.substr(position, comma - position));
    position = comma + 1;
    if (item.empty()) continue;
    size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      throw InvalidArgument("'" + std::string(item) + "' is not role=Column",
                            {.field = "columns", .expected = "role=Column pairs separated by commas"});
    }
    std::string_view role = internal::TrimSpaces(item.substr(0, equals));
    std::string column(internal::TrimSpaces(item.substr(equals + 1)));
    std::string* target = nullptr;
    if (role == "customer") target = &mapping.customer;
    else if (role == "date") target = &mapping.date;
    else if (role == "invoice") target = &mapping.invoice;
    else if (role == "quantity") target = &mapping.quantity;
    else if (role == "price") target = &mapping.price;
    else if (role == "amount") target = &mapping.amount;
    else if (role == "status") target = &mapping.status;
    else if (role == "country") target = &mapping.country;
    else if (role == "product") target = &mapping.product;
    else if (role == "cancel_prefix") target = &mapping.cancel_prefix;
    else if (role == "accepted_status") target = &mapping.accepted_status;
    if (target == nullptr) {
      throw InvalidArgument("unknown role '" + std::string(role) + "'",
                            {.field = "columns",
                             .expected = "customer, date, invoice, quantity, price, amount, status, "
                                         "country, product, cancel_prefix or accepted_status"});
    }
    *target = std::move(column);
    if (position > spec.size()) break;
  }
  return mapping;
}

std::string FormatColumnMapping(const ColumnMapping& mapping) {
  const std::pair<const char*, const std::string*> roles[] = {
      {"customer", &mapping.customer}, {"date", &mapping.date},       {"invoice", &mapping.invoice},
      {"quantity", &mapping.quantity}, {"price", &mapping.price},     {"amount", &mapping.amount},
      {"status", &mapping.status},     {"country", &mapping.country}, {"product", &mapping.product},
      {"cancel_prefix", &mapping.cancel_prefix}};
  std::string text;
  for (const auto& [role, column] : roles)
    if (!column->empty()) text += (text.empty() ? "" : ",") + std::string(role) + "=" + *column;
  if (mapping.accepted_status != ColumnMapping{}.accepted_status)
    text += (text.empty() ? "" : ",") + std::string("accepted_status=") + mapping.accepted_status;
  return text;
}

SchemaPreset DetectSchema(const std::vector<std::string>& header, const std::string& file) {
  std::vector<SchemaPreset> matches;
  for (SchemaPreset preset : kDetectable) {
    std::vector<std::string> required = RequiredColumns(PresetMapping(preset));
    bool all = std::all_of(required.begin(), required.end(),
                           [&](const std::string& name) { return HeaderHas(header, name); });
    if (all) matches.push_back(preset);
  }
  if (matches.size() == 1) return matches.front();
  std::string found = internal::DescribeHeader(header);
  if (matches.empty()) {
    throw InputError("cannot tell the schema from the header (" + found +
                         "); choose one with --schema, or --schema generic with --columns",
                     {.file = file, .line = 1, .expected = "a header of one of " + PresetNames()});
  }
  std::string names;
  for (SchemaPreset preset : matches) {
    if (!names.empty()) names += ", ";
    names += PresetName(preset);
  }
  throw InputError("the header fits several schemas (" + names + "); choose one with --schema",
                   {.file = file, .line = 1, .expected = "an unambiguous header (" + found + ")"});
}

}  // namespace segcast
