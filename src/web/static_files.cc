#include "web/static_files.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace segcast::internal {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallHint =
    "the dashboard's front end is not installed: run scripts/setup.sh (npm installs ECharts) and "
    "rebuild, which copies src/web/assets to BUILD/web; or pass --assets DIR";

StaticFile Refuse(int status, std::string message) {
  StaticFile file;
  file.status = status;
  file.message = std::move(message);
  return file;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::string ContentTypeOf(const std::string& name) {
  const std::string extension = Lower(fs::path(name).extension().string());
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json" || extension == ".map") return "application/json; charset=utf-8";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticFile ResolveStaticFile(const std::string& assets_dir, const std::string& path,
                             const std::string& raw_target) {
  // The raw target is checked too: a client can hide dots and slashes from a decoded-path check
  // by encoding them (%2e%2e, %2f, %5c), and double encoding (%252e) is refused the same way.
  const std::string raw = Lower(raw_target.substr(0, raw_target.find('?')));
  for (const char* encoded : {"%2e", "%2f", "%5c", "%00", "%25"}) {
    if (raw.find(encoded) != std::string::npos) return Refuse(400, "encoded dots, slashes or percent signs are not allowed in file paths");
  }
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '\\') return Refuse(400, "control bytes and backslashes are not allowed in file paths");
  }
  std::string relative;
  if (path == "/" || path == "/index.html") {
    relative = "index.html";
  } else if (path.rfind("/assets/", 0) == 0) {
    relative = path.substr(8);
  } else {
    return Refuse(404, "no such page");
  }
  if (relative.empty() || relative.front() == '/' || relative.find("//") != std::string::npos) {
    return Refuse(400, "absolute or empty file paths are not allowed");
  }
  for (const fs::path& part : fs::path(relative)) {
    if (part == ".." || part == ".") return Refuse(400, "'..' and '.' are not allowed in file paths");
  }
  std::error_code error;
  const fs::path root = assets_dir.empty() ? fs::path() : fs::canonical(assets_dir, error);
  if (assets_dir.empty() || error) {
    return relative == "index.html" ? Refuse(503, kInstallHint) : Refuse(404, "no such file");
  }
  const fs::path candidate = root / relative;
  const fs::path real = fs::canonical(candidate, error);
  if (error || !fs::is_regular_file(real, error)) {
    return relative == "index.html" ? Refuse(503, kInstallHint) : Refuse(404, "no such file");
  }
  // Symbolic links may point anywhere: the resolved file must still lie inside the asset folder.
  const auto [root_end, real_position] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
  if (root_end != root.end()) return Refuse(404, "no such file");
  StaticFile file;
  file.path = real.string();
  file.content_type = ContentTypeOf(real.filename().string());
  return file;
}

}  // namespace segcast::internal
