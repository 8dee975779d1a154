#include "segcast/error.h"

namespace segcast {

Error::Error(ErrorKind kind, const std::string& message, ErrorLocation location)
    : std::runtime_error(FormatError(message, location)),
      kind_(kind),
      message_(message),
      location_(std::move(location)) {}

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument: return 2;
    case ErrorKind::kInput: return 3;
    case ErrorKind::kConfig: return 4;
    case ErrorKind::kDatabase: return 5;
    case ErrorKind::kBusy: return 6;
    case ErrorKind::kInternal: return 70;
  }
  return 1;
}

std::string FormatError(const std::string& message, const ErrorLocation& location) {
  // Appends piece by piece: GCC 12 reports a false -Wrestrict on `text += "a" + b` chains.
  std::string text;
  if (!location.file.empty()) {
    text.append(location.file);
    if (location.line > 0) text.append(":").append(std::to_string(location.line));
    text.append(": ");
  } else if (location.line > 0) {
    text.append("line ").append(std::to_string(location.line)).append(": ");
  }
  if (!location.field.empty()) text.append("field '").append(location.field).append("': ");
  text.append(message);
  if (!location.expected.empty()) text.append(" (expected ").append(location.expected).append(")");
  return text;
}

}  // namespace segcast
