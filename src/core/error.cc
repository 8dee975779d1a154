#include "segcast/error.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

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
    case ErrorKind::kNoSpace: return 7;
    case ErrorKind::kInternal: return 70;
  }
  return 1;
}

bool IsNoSpaceErrno(int errnum) { return errnum == ENOSPC || errnum == EDQUOT; }

void ThrowWriteFailure(const std::string& what, const std::string& path, int errnum) {
  if (IsNoSpaceErrno(errnum)) {
    throw NoSpaceError(what + " failed: " + std::strerror(errnum) +
                           "; free disk space (or raise the quota) and run again",
                       {.file = path});
  }
  throw InputError(errnum != 0 ? what + " failed: " + std::strerror(errnum) : what + " failed",
                   {.file = path, .expected = "a writable path"});
}

namespace {

// Length of the valid UTF-8 sequence starting at `at` (1-4), or 0 when the bytes there are not
// one (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut short).
size_t Utf8SequenceLength(const std::string& text, size_t at) {
  const auto byte = [&](size_t index) { return static_cast<unsigned char>(text[index]); };
  const unsigned char lead = byte(at);
  size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (size_t index = at + 2; index < at + length; ++index) {
    if (byte(index) < 0x80 || byte(index) > 0xBF) return 0;
  }
  return length;
}

}  // namespace

std::string PrintableText(const std::string& text, size_t limit) {
  std::string out;
  const size_t end = std::min(text.size(), limit);
  for (size_t at = 0; at < end;) {
    const unsigned char byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte < 0x7F) {
      out += text[at++];
      continue;
    }
    const size_t length = byte >= 0x80 ? Utf8SequenceLength(text, at) : 0;
    if (length > 0 && at + length <= end) {
      out.append(text, at, length);
      at += length;
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
    out += escaped;
    ++at;
  }
  if (text.size() > limit) out += "...";
  return out;
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
