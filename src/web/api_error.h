// The one exception the dashboard's request handlers throw for an answer other than 200: it carries
// the HTTP status and the parameter at fault, and Dashboard::Get turns it into a JSON error.
#pragma once

#include <stdexcept>
#include <string>

namespace segcast::internal {

struct ApiError : std::runtime_error {
  ApiError(int status_code, const std::string& message, std::string field_name = "")
      : std::runtime_error(message), status(status_code), field(std::move(field_name)) {}
  int status;         //!< HTTP status: 400, 404, 500, ...
  std::string field;  //!< query parameter or path part at fault, "" if none
};

}  // namespace segcast::internal
