#pragma once

// Tested by: the tests that use it.

#include <filesystem>

#include "deltacpp/common/status.h"

namespace deltacpp::testing {

/// A fresh folder under the system temp folder, removed with everything in it when the
/// object goes away.
class TempDir {
 public:
  static Result<TempDir> Make();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace deltacpp::testing
