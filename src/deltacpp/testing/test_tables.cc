#include "deltacpp/testing/test_tables.h"

#include <cstdlib>
#include <fstream>
#include <system_error>

#include "deltacpp/kernel/log/log_path.h"

namespace deltacpp::testing {

std::filesystem::path TestdataPath(std::string_view relative) {
  const char* root = std::getenv("DELTACPP_TESTDATA_DIR");
  std::filesystem::path base = root != nullptr ? root : "../shared/testdata";
  return std::filesystem::absolute(base / relative).lexically_normal();
}

std::filesystem::path SourcePath(std::string_view relative) {
  return (std::filesystem::path(DELTACPP_SOURCE_DIR) / relative).lexically_normal();
}

Status CopyTable(const std::filesystem::path& source,
                 const std::filesystem::path& destination) {
  std::error_code error;
  std::filesystem::copy(source, destination, std::filesystem::copy_options::recursive,
                        error);
  if (error) {
    return Status::IOError("cannot copy ", source.string(), " to ", destination.string(),
                           ": ", error.message());
  }
  // The shared tables are read-only; the copy must be writable.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(destination)) {
    std::filesystem::permissions(entry.path(), std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::add, error);
  }
  return Status::OK();
}

Status WriteFile(const std::filesystem::path& path, std::string_view contents) {
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  if (error) {
    return Status::IOError("cannot create ", path.parent_path().string(), ": ",
                           error.message());
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  out.close();
  if (!out) return Status::IOError("cannot write ", path.string());
  return Status::OK();
}

Status WriteCommit(const std::filesystem::path& table_root, int64_t version,
                   const std::vector<std::string>& lines) {
  std::string contents;
  for (const auto& line : lines) {
    contents += line;
    contents += '\n';
  }
  return WriteFile(table_root / CommitFilePath(version), contents);
}

}  // namespace deltacpp::testing
