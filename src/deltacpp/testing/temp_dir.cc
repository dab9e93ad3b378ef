#include "deltacpp/testing/temp_dir.h"

#include <cstdlib>
#include <string>
#include <system_error>

namespace deltacpp::testing {

Result<TempDir> TempDir::Make() {
  std::string pattern = (std::filesystem::temp_directory_path() / "deltacpp-test-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError("cannot create a temporary folder from ", pattern);
  }
  return TempDir(std::filesystem::path(pattern));
}

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

TempDir::~TempDir() {
  if (!path_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
}

}  // namespace deltacpp::testing
