#pragma once

// What the fuzz targets share: their input as text, and the check that turns a broken
// invariant into a finding (libFuzzer saves the input that aborted).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace deltacpp::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// A finding, like a crash: prints `what` and `detail`, then aborts.
[[noreturn]] inline void Fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  if (!detail.empty()) {
    std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
  }
  std::abort();
}

/// Fails, naming `what`, when `condition` is false.
inline void Check(bool condition, const char* what) {
  if (!condition) Fail(what);
}

}  // namespace deltacpp::fuzz
