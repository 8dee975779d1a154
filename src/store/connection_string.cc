// Connection strings carry passwords; these helpers keep them out of every message and log line.
#include <cctype>
#include <regex>
#include <string>

#include "segcast/store.h"
#include "store/store_tables.h"

namespace segcast {
namespace {

bool IsUri(const std::string& connection) {
  return connection.rfind("postgresql://", 0) == 0 || connection.rfind("postgres://", 0) == 0;
}

// Byte range of the password inside a URI's user:password@ part, or npos.
std::pair<size_t, size_t> UriPasswordRange(const std::string& connection) {
  const size_t authority = connection.find("://") + 3;
  size_t authority_end = connection.find_first_of("/?#", authority);
  if (authority_end == std::string::npos) authority_end = connection.size();
  const size_t at = connection.rfind('@', authority_end - 1);
  if (at == std::string::npos || at < authority) return {std::string::npos, 0};
  const size_t colon = connection.find(':', authority);
  if (colon == std::string::npos || colon > at) return {std::string::npos, 0};
  return {colon + 1, at - colon - 1};
}

std::string PercentDecode(const std::string& text) {
  std::string decoded;
  for (size_t index = 0; index < text.size(); ++index) {
    if (text[index] == '%' && index + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[index + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[index + 2]))) {
      decoded += static_cast<char>(std::stoi(text.substr(index + 1, 2), nullptr, 16));
      index += 2;
    } else {
      decoded += text[index];
    }
  }
  return decoded;
}

// password=secret or password='se cret' in keyword form and in URI query strings.
const std::regex& PasswordPairPattern() {
  static const std::regex kPattern(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&#]+))",
                                   std::regex::icase);
  return kPattern;
}

}  // namespace

std::string RedactConnectionString(const std::string& connection) {
  std::string redacted = connection;
  if (IsUri(redacted)) {
    const auto [start, length] = UriPasswordRange(redacted);
    if (start != std::string::npos) redacted.replace(start, length, "***");
  }
  return std::regex_replace(redacted, PasswordPairPattern(), "$1***");
}

namespace internal {

std::string ExtractPassword(const std::string& connection) {
  if (IsUri(connection)) {
    const auto [start, length] = UriPasswordRange(connection);
    if (start != std::string::npos) return connection.substr(start, length);
  }
  std::smatch match;
  if (std::regex_search(connection, match, PasswordPairPattern())) {
    std::string value = match[2].str();
    if (value.size() >= 2 && value.front() == '\'') value = value.substr(1, value.size() - 2);
    return value;
  }
  return "";
}

std::string ScrubSecrets(std::string message, const std::string& connection) {
  auto replace_all = [&message](const std::string& secret, const std::string& replacement) {
    if (secret.empty()) return;
    for (size_t at = message.find(secret); at != std::string::npos;
         at = message.find(secret, at + replacement.size())) {
      message.replace(at, secret.size(), replacement);
    }
  };
  replace_all(connection, RedactConnectionString(connection));
  const std::string password = ExtractPassword(connection);
  replace_all(password, "***");
  replace_all(PercentDecode(password), "***");
  return message;
}

}  // namespace internal
}  // namespace segcast
