#pragma once

// storage/: the one way the rest of delta-cpp touches bytes. An ObjectStore is bound to a
// table root; every path it takes is relative to that root ("_delta_log/0...0.json",
// "part=1/file.parquet"), so kernel/ and scan/ never build filesystem paths themselves.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/buffer.h>
#include <arrow/filesystem/filesystem.h>
#include <arrow/io/interfaces.h>

#include "deltacpp/common/status.h"
#include "deltacpp/common/visibility.h"

namespace deltacpp {

/// One entry of a listing: its name relative to the listed folder, and its metadata.
struct ObjectMeta {
  std::string name;
  int64_t size = 0;
  /// Milliseconds since the Unix epoch.
  int64_t modification_time_ms = 0;
  bool is_directory = false;
};

class DELTACPP_EXPORT ObjectStore {
 public:
  /// Resolves `table_uri`: an absolute or relative local path, or a `file://` URI (other
  /// schemes that arrow::fs knows, such as s3://, resolve too but are not yet supported
  /// for commits). Fails with Invalid for a URI that cannot be parsed. The root need not
  /// exist yet.
  static Result<std::shared_ptr<ObjectStore>> Make(std::string_view table_uri);

  /// The table root as given, normalised (absolute for local paths).
  const std::string& table_uri() const { return table_uri_; }

  /// The direct children of folder `relative_dir`, sorted by name, keeping only those
  /// whose name sorts after `start_after` (all when empty). Fails with
  /// DeltaErrorCode::kFileNotFound when the folder does not exist.
  Result<std::vector<ObjectMeta>> List(std::string_view relative_dir,
                                       std::string_view start_after = {}) const;

  /// The size and modification time of file `relative_path` (its name: the last part of
  /// the path). Fails with kFileNotFound when nothing is there.
  Result<ObjectMeta> GetInfo(std::string_view relative_path) const;

  /// The whole content of file `relative_path`. Fails with kFileNotFound when it does not
  /// exist.
  Result<std::shared_ptr<arrow::Buffer>> ReadAll(std::string_view relative_path) const;

  /// A random-access reader of file `relative_path` (for Parquet). `size`, when known
  /// from the log, saves a metadata request. Fails with kFileNotFound when it is missing.
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenForRead(
      std::string_view relative_path, int64_t size = -1) const;

  /// A new file at `relative_path` (parent folders created), replacing any there; for
  /// data files and checkpoints, whose names are unique or rewritten whole.
  Result<std::shared_ptr<arrow::io::OutputStream>> OpenForWrite(
      std::string_view relative_path) const;

  /// Creates `relative_path` holding `contents` only if nothing is there, atomically:
  /// of writers racing for one path exactly one succeeds, and readers never see a
  /// partial file. The others fail with kConflict. On the local disk the contents go
  /// to a hidden temporary file that is then hard-linked into place (link(2) never
  /// replaces). A local file that cannot be created, written, flushed or linked fails
  /// with kIOError. Other filesystems fail with kUnsupportedFeature until their own
  /// conditional writes exist.
  Status PutIfAbsent(std::string_view relative_path, std::string_view contents) const;

  /// Moves file `from` to `to`, replacing it (atomic on the local disk).
  Status Rename(std::string_view from, std::string_view to) const;

  /// Removes file `relative_path`; a missing file is not an error.
  Status Delete(std::string_view relative_path) const;

  /// True for the local filesystem.
  bool is_local() const;

  /// The full filesystem path of `relative_path` (for messages and for arrow::fs users).
  std::string FullPath(std::string_view relative_path) const;

 private:
  ObjectStore(std::shared_ptr<arrow::fs::FileSystem> fs, std::string root,
              std::string table_uri);

  std::shared_ptr<arrow::fs::FileSystem> fs_;
  std::string root_;  // filesystem path of the table root, without a trailing '/'
  std::string table_uri_;
};

}  // namespace deltacpp
