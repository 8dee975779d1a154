// Loadable modules: parts of segcast whose libraries are costly to map at start-up (PostgreSQL's
// libpqxx/libpq, cpp-httplib with libssl and brotli) live in shared objects loaded on first use,
// so every command that does not need them starts without them.
//
// A module `name` is the file lib<name>.so, looked for in the folder of the running executable,
// then in the folder the build put modules into (SEGCAST_MODULE_DIR, fixed at configure time).
// Each exports its extern "C" entry points (one, or a few for one library); everything else in
// it is hidden.
//
//   using Factory = Thing* (*)(const Options&);
//   auto factory = segcast::internal::LoadModuleEntry<segcast::DatabaseError, Factory>(
//       "segcast_store_postgres", "segcast_store_postgres_open",
//       "build the segcast_store_postgres target, or install libpqxx-dev and rebuild");
#pragma once

#include <string>
#include <vector>

#include "segcast/error.h"

namespace segcast::internal {

//! What a search for a module's entry point found.
struct ModuleLookup {
  //! Address of the entry point; null when no candidate file provided it.
  void* entry = nullptr;
  //! The file that provided `entry` ("" when not found).
  std::string path;
  //! Every candidate tried, in order, each as "PATH (reason it was not used)".
  std::vector<std::string> tried;
};

//! The folders searched for modules, in order: the running executable's folder (from
//! /proc/self/exe; left out when that cannot be read), then SEGCAST_MODULE_DIR. Duplicates removed.
std::vector<std::string> ModuleSearchDirs();

//! Tries lib<module>.so in each of `dirs` in turn: dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE),
//! then dlsym(`entry`). Stops at the first file that provides the entry point. Never throws for a
//! missing module: the caller raises the error type of its own boundary (see LoadModuleEntry).
//! The loaded object stays mapped until the process ends (RTLD_NODELETE), so the returned address
//! remains valid.
ModuleLookup FindModuleEntry(const std::string& module, const std::string& entry,
                             const std::vector<std::string>& dirs);

//! One line naming the module, the entry point and every path tried with dlerror()'s reason.
std::string DescribeMissingModule(const std::string& module, const std::string& entry,
                                  const ModuleLookup& lookup);

//! Finds `entry` of `module` in ModuleSearchDirs() and returns it as a `Function` (a function
//! pointer type). Throws `ErrorType` (a segcast::Error subclass taking (message, location)) with
//! DescribeMissingModule as message and `expected` = `expected` (what to build or install) when
//! no candidate provides it.
template <typename ErrorType, typename Function>
Function LoadModuleEntry(const std::string& module, const std::string& entry,
                         const std::string& expected) {
  const ModuleLookup lookup = FindModuleEntry(module, entry, ModuleSearchDirs());
  if (lookup.entry == nullptr) {
    throw ErrorType(DescribeMissingModule(module, entry, lookup), {.expected = expected});
  }
  return reinterpret_cast<Function>(lookup.entry);
}

}  // namespace segcast::internal
