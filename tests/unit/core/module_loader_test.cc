#include "core/module_loader.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "segcast/error.h"

using namespace segcast;
using namespace segcast::internal;

namespace {

using WeightedFunction = std::int64_t (*)(std::int64_t, std::int64_t);

// A fresh folder under the system temporary folder, removed at the end of the test case.
struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("segcast_module_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::filesystem::path path;
  inline static int counter = 0;
};

std::string ExecutableDir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().string();
}

}  // namespace

TEST_CASE("module search dirs: the executable's folder first, then the build's", "[core][module]") {
  const std::vector<std::string> dirs = ModuleSearchDirs();
  REQUIRE(!dirs.empty());
  CHECK(dirs.front() == ExecutableDir());
  CHECK(dirs.back() == SEGCAST_BUILD_MODULE_DIR);
  CHECK(dirs.size() == (ExecutableDir() == SEGCAST_BUILD_MODULE_DIR ? 1u : 2u));
}

TEST_CASE("a module beside the executable loads and its entry point answers", "[core][module]") {
  const ModuleLookup lookup =
      FindModuleEntry("segcast_test_module", "segcast_test_module_weighted", ModuleSearchDirs());
  REQUIRE(lookup.entry != nullptr);
  CHECK(lookup.path == ExecutableDir() + "/libsegcast_test_module.so");
  CHECK(lookup.tried.empty());
  const auto weighted = reinterpret_cast<WeightedFunction>(lookup.entry);
  CHECK(weighted(5, 4) == 19);
  CHECK(weighted(-2, 1) == -5);

  // Loading again hands back the same code (the object stays mapped, RTLD_NODELETE).
  const auto again = LoadModuleEntry<DatabaseError, WeightedFunction>(
      "segcast_test_module", "segcast_test_module_weighted", "the test module");
  CHECK(reinterpret_cast<void*>(again) == lookup.entry);
}

TEST_CASE("a missing module throws the caller's error type naming every path tried",
          "[core][module]") {
  const std::vector<std::string> dirs = ModuleSearchDirs();
  try {
    LoadModuleEntry<DatabaseError, WeightedFunction>("segcast_no_such_module", "entry",
                                                     "build the no_such_module target");
    FAIL("no exception");
  } catch (const DatabaseError& error) {
    CHECK(error.kind() == ErrorKind::kDatabase);
    CHECK(error.location().field.empty());
    CHECK(error.location().expected == "build the no_such_module target");
    const std::string message = error.message();
    CHECK(message.find("libsegcast_no_such_module.so") != std::string::npos);
    for (const std::string& dir : dirs)
      CHECK(message.find(dir + "/libsegcast_no_such_module.so (no such file)") != std::string::npos);
  }
  CHECK_THROWS_AS((LoadModuleEntry<ConfigError, WeightedFunction>("segcast_no_such_module", "entry",
                                                                 "x")),
                  ConfigError);
}

TEST_CASE("each candidate's failure is recorded and the search goes on", "[core][module]") {
  TempDir empty;
  TempDir broken;
  {
    std::ofstream out(broken.path / "libsegcast_test_module.so");
    out << "not an ELF object\n";
  }
  const std::vector<std::string> dirs = {empty.path.string(), broken.path.string(),
                                         ExecutableDir()};
  const ModuleLookup found =
      FindModuleEntry("segcast_test_module", "segcast_test_module_weighted", dirs);
  REQUIRE(found.entry != nullptr);
  CHECK(found.path == ExecutableDir() + "/libsegcast_test_module.so");
  REQUIRE(found.tried.size() == 2);
  CHECK(found.tried[0] == (empty.path / "libsegcast_test_module.so").string() + " (no such file)");
  // dlerror() names the file and why it is not a shared object.
  CHECK(found.tried[1].rfind((broken.path / "libsegcast_test_module.so").string() + " (", 0) == 0);
  CHECK(found.tried[1].find("libsegcast_test_module.so:") != std::string::npos);

  // A present module without the entry point: the undefined symbol is reported, hidden ones
  // stay hidden.
  const ModuleLookup hidden =
      FindModuleEntry("segcast_test_module", "segcast_test_module_hidden", {ExecutableDir()});
  CHECK(hidden.entry == nullptr);
  REQUIRE(hidden.tried.size() == 1);
  CHECK(hidden.tried[0].find("undefined symbol: segcast_test_module_hidden") != std::string::npos);
  const std::string described =
      DescribeMissingModule("segcast_test_module", "segcast_test_module_hidden", hidden);
  CHECK(described.rfind("cannot load module libsegcast_test_module.so (entry point "
                        "segcast_test_module_hidden): tried " + ExecutableDir(), 0) == 0);

  CHECK(DescribeMissingModule("m", "e", ModuleLookup{}) ==
        "cannot load module libm.so (entry point e): no folder to look in");
}

TEST_CASE("the build's own modules are found through the configured folder", "[core][module]") {
  // Test executables live in BUILD/tests; the modules in BUILD (SEGCAST_MODULE_DIR).
#ifdef SEGCAST_TEST_HAVE_POSTGRES_MODULE
  const ModuleLookup store =
      FindModuleEntry("segcast_store_postgres", "segcast_store_postgres_open", ModuleSearchDirs());
  CHECK(store.entry != nullptr);
  CHECK(store.path == std::string(SEGCAST_BUILD_MODULE_DIR) + "/libsegcast_store_postgres.so");
#endif
#ifdef SEGCAST_TEST_HAVE_WEB_MODULE
  const ModuleLookup web =
      FindModuleEntry("segcast_web_server", "segcast_web_server_create", ModuleSearchDirs());
  CHECK(web.entry != nullptr);
  CHECK(web.path == std::string(SEGCAST_BUILD_MODULE_DIR) + "/libsegcast_web_server.so");
#endif
#ifdef SEGCAST_TEST_HAVE_FILE_HASH_MODULE
  const ModuleLookup hash =
      FindModuleEntry("segcast_file_hash", "segcast_file_hash_sha256", ModuleSearchDirs());
  REQUIRE(hash.entry != nullptr);
  CHECK(hash.path == std::string(SEGCAST_BUILD_MODULE_DIR) + "/libsegcast_file_hash.so");
  using Sha256Function = std::string (*)(const std::string&);
  const auto sha256 = reinterpret_cast<Sha256Function>(hash.entry);
  TempDir dir;
  const std::string file = (dir.path / "abc.txt").string();
  std::ofstream(file) << "abc";
  // FIPS 180-2, appendix B.1: SHA-256("abc").
  CHECK(sha256(file) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // An exception thrown inside the module is caught here by its type.
  CHECK_THROWS_AS(sha256((dir.path / "missing").string()), InputError);
#endif
  CHECK(std::filesystem::exists(std::string(SEGCAST_BUILD_MODULE_DIR)));
}
