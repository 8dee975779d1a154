#include "core/module_loader.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#ifndef SEGCAST_MODULE_DIR
#define SEGCAST_MODULE_DIR ""
#endif

namespace segcast::internal {
namespace {

std::string ExecutableDir() {
  std::string buffer(4096, '\0');
  const ssize_t length = readlink("/proc/self/exe", buffer.data(), buffer.size());
  // A truncated link (length == size) would name the wrong folder: better none.
  if (length <= 0 || static_cast<size_t>(length) >= buffer.size()) return "";
  buffer.resize(static_cast<size_t>(length));
  const size_t slash = buffer.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : buffer.substr(0, slash);
}

std::string LastDlError() {
  const char* reason = dlerror();
  return reason != nullptr ? reason : "unknown dlopen failure";
}

}  // namespace

std::vector<std::string> ModuleSearchDirs() {
  std::vector<std::string> dirs;
  for (std::string dir : {ExecutableDir(), std::string(SEGCAST_MODULE_DIR)}) {
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    if (!dir.empty() && std::find(dirs.begin(), dirs.end(), dir) == dirs.end())
      dirs.push_back(dir);
  }
  return dirs;
}

ModuleLookup FindModuleEntry(const std::string& module, const std::string& entry,
                             const std::vector<std::string>& dirs) {
  ModuleLookup lookup;
  const std::string file = "lib" + module + ".so";
  for (const std::string& dir : dirs) {
    const std::string path = (dir.empty() || dir.back() == '/' ? dir : dir + "/") + file;
    // A path with a slash: dlopen takes it as is and never searches LD_LIBRARY_PATH or the cache,
    // so a stale copy elsewhere on the system cannot be picked up by accident.
    if (access(path.c_str(), F_OK) != 0) {
      lookup.tried.push_back(path + " (no such file)");
      continue;
    }
    dlerror();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (handle == nullptr) {
      lookup.tried.push_back(path + " (" + LastDlError() + ")");
      continue;
    }
    dlerror();
    void* address = dlsym(handle, entry.c_str());
    if (address == nullptr) {
      lookup.tried.push_back(path + " (" + LastDlError() + ")");
      continue;
    }
    // The handle is not closed: RTLD_NODELETE keeps the object mapped anyway, and a later load of
    // the same file only raises dlopen's own reference count.
    lookup.entry = address;
    lookup.path = path;
    return lookup;
  }
  return lookup;
}

std::string DescribeMissingModule(const std::string& module, const std::string& entry,
                                  const ModuleLookup& lookup) {
  std::string text = "cannot load module lib" + module + ".so (entry point " + entry + "): ";
  if (lookup.tried.empty()) return text + "no folder to look in";
  text += "tried ";
  for (size_t index = 0; index < lookup.tried.size(); ++index) {
    if (index > 0) text += "; ";
    text += lookup.tried[index];
  }
  return text;
}

}  // namespace segcast::internal
