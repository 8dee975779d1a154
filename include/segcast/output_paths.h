// Outputs never overwrite inputs. Every command lists what it reads and what it will write and
// calls RefuseOutputsOverInputs before it opens any output: a rejects file, an output folder's
// files, a store file that is (or links to) an input is a usage error naming both paths.
//
//   segcast::RefuseOutputsOverInputs(
//       {{"FILE", "orders.csv"}},
//       {.files = {{"--rejects", "orders.csv"}}});   // throws InvalidArgument (exit code 2)
#pragma once

#include <string>
#include <vector>

namespace segcast {

//! A path the command reads or writes, with the flag or argument that named it (for messages).
struct NamedPath {
  std::string flag;  //!< e.g. "FILE", "--rejects", "-o": how the user gave the path
  std::string path;  //!< as given, or as the command composed it (e.g. OUT/lrfm.csv)
};

//! What a command will write.
struct PlannedOutputs {
  //! Files created or truncated. Also refused: a file whose folder is an input file.
  std::vector<NamedPath> files;
  //! Folders whose whole content is replaced (a run folder swapped in): refused when an input
  //! lies anywhere inside them.
  std::vector<NamedPath> replaced_folders;
};

//! Whether `a` and `b` name the same existing file or folder: the same device and inode, so the
//! same path spelled differently, a symbolic link to it or a hard link all count. False when
//! either does not exist (a file not yet written cannot be an input).
bool SameFile(const std::string& a, const std::string& b);

//! Whether `path` exists and lies inside `folder` (after resolving symbolic links) or is it.
bool InsideFolder(const std::string& path, const std::string& folder);

//! Throws InvalidArgument (exit code 2) when writing `outputs` would overwrite or delete one of
//! `inputs`: an output file that is the same file as an input, an output file whose folder is an
//! input file, or an input inside a replaced folder. The message names both paths and flags.
//! Empty paths in either list are skipped. Call it before opening any output.
void RefuseOutputsOverInputs(const std::vector<NamedPath>& inputs, const PlannedOutputs& outputs);

}  // namespace segcast
