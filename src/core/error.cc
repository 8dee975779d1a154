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
  std::string text;
  if (!location.file.empty()) {
    text += location.file;
    if (location.line > 0) text += ":" + std::to_string(location.line);
    text += ": ";
  } else if (location.line > 0) {
    text += "line " + std::to_string(location.line) + ": ";
  }
  if (!location.field.empty()) text += "field '" + location.field + "': ";
  text += message;
  if (!location.expected.empty()) text += " (expected " + location.expected + ")";
  return text;
}

}  // namespace segcast
