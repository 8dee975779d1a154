// Which columns of a transaction log hold the customer, the date, the invoice and the money.
//
// Three presets cover the real logs segcast was built on; `generic` maps any other log explicitly:
//   online-retail-ii  Invoice, StockCode, Description, Quantity, InvoiceDate, Price, Customer ID,
//                     Country (UCI "Online Retail II"); cancellations are invoices starting "C".
//   online-retail     InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
//                     CustomerID, Country (UCI "Online Retail"); same cancellation rule.
//   kpmg              transaction_id, customer_id, transaction_date, order_status, list_price, ...
//                     (KPMG virtual-internship Transactions sheet); one item per row, revenue is
//                     list_price, rows whose order_status is not "Approved" are cancellations.
//   generic           a ColumnMapping given by the user.
// With SchemaPreset::kAuto the preset is chosen from the header when exactly one preset's
// required columns are all present.
//
//   segcast::ColumnMapping mapping =
//       segcast::ParseColumnMapping("customer=client,date=day,amount=total");
//   segcast::SchemaPreset preset = segcast::DetectSchema(header, "orders.csv");
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace segcast {

enum class SchemaPreset {
  kAuto,            //!< detect from the header (DetectSchema)
  kOnlineRetailII,  //!< "online-retail-ii"
  kOnlineRetail,    //!< "online-retail"
  kKpmg,            //!< "kpmg"
  kGeneric,         //!< "generic": IngestOptions::mapping names the columns
};

//! Header names of the columns that carry each role; "" means the log has no such column.
//! Names are matched exactly against the header after trimming surrounding spaces.
struct ColumnMapping {
  //! Customer id column. Required.
  std::string customer;
  //! Purchase date column (ISO date or date-time, M/D/YYYY [H:MM], or Excel serial days). Required.
  std::string date;
  //! Invoice / order id column. Optional: without it every row is its own invoice.
  std::string invoice;
  //! Units per row. Optional: without it every row is one unit.
  std::string quantity;
  //! Unit price. Used with `quantity` (revenue = quantity x price); exclusive with `amount`.
  std::string price;
  //! Revenue of the row. Exclusive with `price`; one of the two is required.
  std::string amount;
  //! Order status column. Optional: rows whose status is not `accepted_status` are cancelled.
  std::string status;
  //! Country column. Optional.
  std::string country;
  //! Product (stock code) column. Optional: used only to match cancellations with the purchases
  //! they cancel (IngestOptions::net_cancellations).
  std::string product;
  //! Invoices starting with this prefix are cancellations; "" disables the rule. Default "".
  std::string cancel_prefix;
  //! The one status value (compared case-insensitively) that is not a cancellation.
  std::string accepted_status = "Approved";

  //! Throws InvalidArgument naming the field when a required role is empty or price and amount
  //! are both or neither set.
  void Validate() const;
};

//! The mapping of a preset. kAuto and kGeneric throw InvalidArgument.
ColumnMapping PresetMapping(SchemaPreset preset);
//! "online-retail-ii", "online-retail", "kpmg", "generic", "auto".
std::string_view PresetName(SchemaPreset preset);
//! Inverse of PresetName; nullopt for an unknown name.
std::optional<SchemaPreset> ParsePresetName(std::string_view name);
//! Every preset name, for help texts: "auto, online-retail-ii, online-retail, kpmg, generic".
std::string PresetNames();

//! Parses "role=Column,role=Column,..." with roles customer, date, invoice, quantity, price,
//! amount, status, country, product, cancel_prefix, accepted_status. Throws InvalidArgument (field
//! "columns") on an unknown role or a missing '='. The result is not validated.
ColumnMapping ParseColumnMapping(std::string_view spec);
//! The mapping as ParseColumnMapping reads it back: "customer=client,date=day,amount=total" (set
//! roles only; accepted_status when not the default).
std::string FormatColumnMapping(const ColumnMapping& mapping);

//! The preset whose required columns all appear in `header`. Throws InputError naming `file`,
//! line 1 and the header found when no preset matches or more than one does.
SchemaPreset DetectSchema(const std::vector<std::string>& header, const std::string& file);

}  // namespace segcast
