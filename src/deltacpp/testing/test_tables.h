#pragma once

// Access to the shared, read-only test tables (../shared/testdata, see its SOURCES.md)
// and helpers that lay out small tables of a test's own.
//
// Tested by: the tests that use it.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"

namespace deltacpp::testing {

/// The absolute path of `relative` (e.g. "delta-rs/simple_table") under the test data
/// folder named by the DELTACPP_TESTDATA_DIR environment variable (CTest sets it).
std::filesystem::path TestdataPath(std::string_view relative);

/// The absolute path of `relative` in this project's source tree, e.g. an input the
/// fuzzers found under "fuzz/regressions/".
std::filesystem::path SourcePath(std::string_view relative);

/// Copies a whole table folder to `destination`, so a test may change it.
Status CopyTable(const std::filesystem::path& source,
                 const std::filesystem::path& destination);

/// Writes `lines` as one newline-delimited commit file `_delta_log/<version>.json` under
/// `table_root`, creating the folders.
Status WriteCommit(const std::filesystem::path& table_root, int64_t version,
                   const std::vector<std::string>& lines);

/// Writes `contents` to `path`, creating parent folders.
Status WriteFile(const std::filesystem::path& path, std::string_view contents);

}  // namespace deltacpp::testing
