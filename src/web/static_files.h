// The front end's files: which request paths map to which file of the asset folder, refusing
// anything that could reach outside it.
#pragma once

#include <string>

namespace segcast::internal {

struct StaticFile {
  int status = 200;          //!< 200, or 400 / 404 / 503 with `message`
  std::string path;          //!< the file to send (status 200)
  std::string content_type;  //!< from the extension
  std::string message;       //!< why it was refused
};

//! Maps a decoded request path ("/", "/index.html", "/assets/app.js") to a file of `assets_dir`.
//! Refused with 400: "..", backslashes, NUL or other control bytes, "//" or an absolute path after
//! /assets/, and (checked on `raw_target`, the undecoded request line target) encoded dots or
//! slashes. Refused with 404: missing files, folders, and files whose real path (symbolic links
//! resolved) lies outside the real asset folder. "/" without index.html answers 503 with how to
//! install the front end.
StaticFile ResolveStaticFile(const std::string& assets_dir, const std::string& path,
                             const std::string& raw_target);

//! Media type of a file name by its extension ("application/octet-stream" when unknown).
std::string ContentTypeOf(const std::string& name);

}  // namespace segcast::internal
