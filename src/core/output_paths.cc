#include "segcast/output_paths.h"

#include <filesystem>
#include <system_error>

#include "segcast/error.h"

namespace segcast {
namespace fs = std::filesystem;

bool SameFile(const std::string& a, const std::string& b) {
  // equivalent() compares st_dev and st_ino after following links: the only comparison that sees
  // a hard link, and the path spelling ("./x", "../dir/x") does not matter.
  std::error_code error;
  const bool same = fs::equivalent(a, b, error);
  return !error && same;
}

bool InsideFolder(const std::string& path, const std::string& folder) {
  std::error_code error;
  const fs::path resolved = fs::canonical(path, error);
  if (error) return false;
  const fs::path root = fs::canonical(folder, error);
  if (error) return false;
  for (fs::path at = resolved; !at.empty(); at = at.parent_path()) {
    if (at == root) return true;
    if (at == at.parent_path()) break;
  }
  return false;
}

namespace {

[[noreturn]] void Refuse(const NamedPath& input, const NamedPath& output, const std::string& how) {
  throw InvalidArgument(output.path + " " + how + " the input " + input.path +
                            " (" + input.flag + "); segcast never writes over its inputs",
                        {.field = output.flag, .expected = "an output path apart from every input"});
}

}  // namespace

void RefuseOutputsOverInputs(const std::vector<NamedPath>& inputs, const PlannedOutputs& outputs) {
  for (const NamedPath& input : inputs) {
    if (input.path.empty()) continue;
    for (const NamedPath& file : outputs.files) {
      if (file.path.empty()) continue;
      if (SameFile(file.path, input.path)) Refuse(input, file, "is");
      const fs::path folder = fs::path(file.path).parent_path();
      if (!folder.empty() && SameFile(folder.string(), input.path)) {
        Refuse(input, file, "would be written into a folder that is");
      }
    }
    for (const NamedPath& folder : outputs.replaced_folders) {
      if (folder.path.empty()) continue;
      if (InsideFolder(input.path, folder.path)) Refuse(input, folder, "would replace a folder holding");
    }
  }
}

}  // namespace segcast
