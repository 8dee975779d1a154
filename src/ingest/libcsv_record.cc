#include "ingest/libcsv_record.h"

#include "segcast/error.h"

namespace segcast::internal {
namespace {

// libcsv trims spaces and tabs around unquoted fields by default; segcast keeps every byte, so
// that "every field equal" means byte-equal and fields round-trip to the rejects file.
int NeverSpace(unsigned char) { return 0; }

}  // namespace

LibcsvRecord::LibcsvRecord() {
  if (csv_init(&parser_, 0) != 0) throw Error(ErrorKind::kInternal, "libcsv could not be initialised");
  csv_set_space_func(&parser_, NeverSpace);
}

LibcsvRecord::~LibcsvRecord() { csv_free(&parser_); }

void LibcsvRecord::OnField(void* data, size_t size, void* self) {
  auto* record = static_cast<LibcsvRecord*>(self);
  if (record->field_count_ == record->fields_.size()) record->fields_.emplace_back();
  std::string& field = record->fields_[record->field_count_++];
  if (data == nullptr) field.clear();
  else field.assign(static_cast<const char*>(data), size);
}

void LibcsvRecord::OnRecordEnd(int, void*) {}

const std::vector<std::string>& LibcsvRecord::Split(std::string_view record) {
  field_count_ = 0;
  if (csv_parse(&parser_, record.data(), record.size(), OnField, OnRecordEnd, this) != record.size()) {
    throw Error(ErrorKind::kInternal, std::string("libcsv: ") + csv_strerror(csv_error(&parser_)));
  }
  csv_fini(&parser_, OnField, OnRecordEnd, this);
  fields_.resize(field_count_);
  return fields_;
}

void AppendCanonicalRecord(const std::vector<std::string>& fields, std::string& out) {
  for (size_t column = 0; column < fields.size(); ++column) {
    if (column > 0) out += ',';
    const std::string& field = fields[column];
    bool quote = (!field.empty() && field[0] == '"') ||
                 field.find_first_of(",\r\n") != std::string::npos;
    if (!quote) {
      out += field;
      continue;
    }
    out += '"';
    for (char c : field) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
}

}  // namespace segcast::internal
