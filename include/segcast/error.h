// Typed exceptions for errors that end an operation.
//
// Expected data problems (a bad row, a date that does not exist) are not exceptions: they are
// counted by reason in the ingest report. Exceptions are for what stops the operation: an option
// out of range, an unreadable file, a missing column, a database failure. Each carries enough for
// one clear message: the file, the line, the field and what was expected there.
//
//   try {
//     auto result = segcast::Ingest(options);
//   } catch (const segcast::Error& error) {
//     std::cerr << "segcast: " << error.what() << "\n";
//     return segcast::ExitCodeFor(error);
//   }
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace segcast {

//! What kind of boundary the error was raised at; each maps to a documented exit code.
enum class ErrorKind {
  kInvalidArgument,  //!< an option or argument out of its allowed range (exit code 2)
  kInput,            //!< input data: unreadable, malformed beyond row level (exit code 3)
  kConfig,           //!< a configuration file (exit code 4)
  kDatabase,         //!< the SQLite or PostgreSQL store (exit code 5)
  kBusy,             //!< another run holds the store's lock (exit code 6)
  kNoSpace,          //!< the disk or the user's quota is full while writing (exit code 7)
  kInternal,         //!< a broken invariant inside segcast: a bug (exit code 70)
};

//! Where in an input the problem is. Every field is optional; empty / 0 means unknown.
struct ErrorLocation {
  std::string file;      //!< path as given by the user
  int64_t line = 0;      //!< 1-based physical line number in the file, 0 if not applicable
  std::string field;     //!< column, option or key name
  std::string expected;  //!< what was expected there, in words
};

//! Base of every exception segcast throws. what() is the full human-readable message.
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message, ErrorLocation location = {});

  ErrorKind kind() const { return kind_; }
  const ErrorLocation& location() const { return location_; }
  //! The message without the location prefix.
  const std::string& message() const { return message_; }

 private:
  ErrorKind kind_;
  std::string message_;
  ErrorLocation location_;
};

//! An option or argument outside its documented range. `field` names the option.
class InvalidArgument : public Error {
 public:
  explicit InvalidArgument(const std::string& message, ErrorLocation location = {})
      : Error(ErrorKind::kInvalidArgument, message, std::move(location)) {}
};

//! Input that cannot be read as a whole (missing file, missing column, truncated gzip, ...).
class InputError : public Error {
 public:
  explicit InputError(const std::string& message, ErrorLocation location = {})
      : Error(ErrorKind::kInput, message, std::move(location)) {}
};

//! A configuration file that cannot be parsed or holds an unknown key or bad value.
class ConfigError : public Error {
 public:
  explicit ConfigError(const std::string& message, ErrorLocation location = {})
      : Error(ErrorKind::kConfig, message, std::move(location)) {}
};

//! A failure of the result store (connection, schema, transaction).
class DatabaseError : public Error {
 public:
  explicit DatabaseError(const std::string& message, ErrorLocation location = {})
      : Error(ErrorKind::kDatabase, message, std::move(location)) {}
};

//! Another process holds the lock of the store or output directory.
class BusyError : public Error {
 public:
  explicit BusyError(const std::string& message, ErrorLocation location = {})
      : Error(ErrorKind::kBusy, message, std::move(location)) {}
};

//! A write failed because the disk or the user's quota is full (ENOSPC, EDQUOT). `file` names
//! what was being written; nothing was published.
class NoSpaceError : public Error {
 public:
  explicit NoSpaceError(const std::string& message, ErrorLocation location = {})
      : Error(ErrorKind::kNoSpace, message, std::move(location)) {}
};

//! Whether an errno value means the disk or the quota is full: ENOSPC or EDQUOT.
bool IsNoSpaceErrno(int errnum);

//! Throws the error of a failed write of `path`: NoSpaceError when `errnum` is ENOSPC or EDQUOT
//! (the message says to free space), else InputError with strerror(errnum) when it is non-zero.
//! `what` says what was being written, e.g. "writing the rejects file".
[[noreturn]] void ThrowWriteFailure(const std::string& what, const std::string& path, int errnum);

//! `text` safe to print in a message: bytes that are control characters or not part of valid
//! UTF-8 (as a corrupt file or database may hold) become "\xNN"; at most `limit` bytes of
//! `text` are kept, then "...".
std::string PrintableText(const std::string& text, size_t limit = 200);

//! The process exit code documented for an error kind (docs/errors.md).
int ExitCodeFor(ErrorKind kind);
inline int ExitCodeFor(const Error& error) { return ExitCodeFor(error.kind()); }

//! Formats "file:line: field 'x': message (expected ...)" leaving out the unknown parts.
std::string FormatError(const std::string& message, const ErrorLocation& location);

}  // namespace segcast
