// RefuseOutputsOverInputs and the helpers of the error messages: write failures told apart by
// errno (a full disk is NoSpaceError, exit code 7) and bytes made printable.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>

#include "segcast/error.h"
#include "segcast/output_paths.h"

using namespace segcast;
namespace fs = std::filesystem;

namespace {

fs::path FreshDirectory(const std::string& name) {
  fs::path path = fs::temp_directory_path() / ("segcast_paths_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(path);
  fs::create_directories(path);
  return path;
}

void Touch(const fs::path& path) { std::ofstream(path) << "x\n"; }

// The message of the refusal, "" when there was none.
std::string Refusal(const std::vector<NamedPath>& inputs, const PlannedOutputs& outputs) {
  try {
    RefuseOutputsOverInputs(inputs, outputs);
  } catch (const InvalidArgument& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the same file is found through other spellings and links", "[core][paths]") {
  const fs::path directory = FreshDirectory("same");
  const fs::path log = directory / "log.csv";
  Touch(log);
  fs::create_symlink(log, directory / "symbolic.csv");
  fs::create_hard_link(log, directory / "hard.csv");
  Touch(directory / "other.csv");
  fs::create_directories(directory / "sub");
  CHECK(SameFile(log.string(), (directory / "sub" / ".." / "log.csv").string()));
  CHECK(SameFile(log.string(), (directory / "symbolic.csv").string()));
  CHECK(SameFile(log.string(), (directory / "hard.csv").string()));
  CHECK_FALSE(SameFile(log.string(), (directory / "other.csv").string()));
  CHECK_FALSE(SameFile(log.string(), (directory / "not_yet.csv").string()));
  CHECK(InsideFolder(log.string(), directory.string()));
  CHECK_FALSE(InsideFolder(log.string(), (directory / "sub").string()));
  fs::remove_all(directory);
}

TEST_CASE("outputs over inputs are refused naming both paths", "[core][paths]") {
  const fs::path directory = FreshDirectory("refuse");
  const std::string log = (directory / "log.csv").string();
  Touch(log);
  fs::create_symlink(log, directory / "link.csv");
  const std::vector<NamedPath> inputs = {{"FILE", log}, {"--demographics", ""}};

  CHECK(Refusal(inputs, {.files = {{"--rejects", log}}}) ==
        "field '--rejects': " + log + " is the input " + log +
            " (FILE); segcast never writes over its inputs (expected an output path apart from every "
            "input)");
  const std::string link = (directory / "link.csv").string();
  CHECK(Refusal(inputs, {.files = {{"--rejects", link}}}).find(link + " is the input " + log) !=
        std::string::npos);
  // -o given the log itself: the files would go into a "folder" that is the input.
  const std::string into = (fs::path(log) / "rfm.csv").string();
  CHECK(Refusal(inputs, {.files = {{"-o", into}}}).find(into + " would be written into a folder that is the input") !=
        std::string::npos);
  // A run folder that publishing replaces whole, with the input inside.
  CHECK(Refusal(inputs, {.replaced_folders = {{"output_dir", directory.string()}}})
            .find("would replace a folder holding the input " + log) != std::string::npos);

  // Outputs apart from the inputs, and empty paths, pass.
  CHECK(Refusal(inputs, {.files = {{"--rejects", (directory / "rejects.csv").string()}, {"-o", ""}},
                         .replaced_folders = {{"output_dir", (directory / "runs" / "r1").string()}}})
            .empty());
  fs::remove_all(directory);
}

TEST_CASE("a full disk or quota is NoSpaceError with exit code 7", "[core][errors]") {
  CHECK(IsNoSpaceErrno(ENOSPC));
  CHECK(IsNoSpaceErrno(EDQUOT));
  CHECK_FALSE(IsNoSpaceErrno(EACCES));
  CHECK_FALSE(IsNoSpaceErrno(0));
  try {
    ThrowWriteFailure("writing the rejects file", "out/rejects.csv", ENOSPC);
    FAIL("no exception");
  } catch (const NoSpaceError& error) {
    CHECK(ExitCodeFor(error) == 7);
    CHECK(std::string(error.what()) ==
          "out/rejects.csv: writing the rejects file failed: No space left on device; free disk "
          "space (or raise the quota) and run again");
  }
  CHECK_THROWS_AS(ThrowWriteFailure("writing", "x", EDQUOT), NoSpaceError);
  try {
    ThrowWriteFailure("writing", "/x/y.csv", EACCES);
    FAIL("no exception");
  } catch (const NoSpaceError&) {
    FAIL("permission denied taken for a full disk");
  } catch (const InputError& error) {
    CHECK(ExitCodeFor(error) == 3);
    CHECK(error.message() == "writing failed: Permission denied");
  }
}

TEST_CASE("messages show control bytes and broken UTF-8 as \\xNN", "[core][errors]") {
  CHECK(PrintableText("plain text 1-2") == "plain text 1-2");
  CHECK(PrintableText("3\x1b[2J\x07") == "3\\x1B[2J\\x07");
  CHECK(PrintableText(std::string("a\0b", 3)) == "a\\x00b");
  CHECK(PrintableText("caf\xc3\xa9 \xe2\x82\xac") == "caf\xc3\xa9 \xe2\x82\xac");  // valid UTF-8 stays
  CHECK(PrintableText("\xff\xc3(\xed\xa0\x80") == "\\xFF\\xC3(\\xED\\xA0\\x80");  // invalid, surrogate
  CHECK(PrintableText("\xe2\x82") == "\\xE2\\x82");                               // cut short
  CHECK(PrintableText("abcdef", 3) == "abc...");
}
