#pragma once

// storage/: the one way the rest of delta-cpp touches bytes. An ObjectStore is bound to a
// table root; every path it takes is relative to that root ("_delta_log/0...0.json",
// "part=1/file.parquet"), so kernel/ and scan/ never build filesystem paths themselves.

#include <memory>
#include <optional>
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
  /// A folder entry that is a symbolic link (local disk only; size and type are its
  /// target's). Nothing that deletes walks into one. Links to files are not flagged:
  /// deleting a link never touches its target.
  bool is_symlink = false;
};

/// How a store treats the paths a table's log names.
struct StoreOptions {
  /// Whether readers may open data and deletion-vector files that the log names by an
  /// absolute URI outside the table root (shallow clones do this). Relative paths never
  /// leave the root, whatever this says; with it off, symbolic links inside the table
  /// that lead out of it are refused too. A server publishing tables turns it off.
  bool allow_paths_outside_root = true;
};

class ObjectStore;

/// Where a path that the log names lives: a path relative to `store`'s root.
struct LogFileLocation {
  std::shared_ptr<const ObjectStore> store;
  std::string path;
  /// The file is outside the table root (an absolute URI elsewhere).
  bool outside_root = false;
};

/// Every path an ObjectStore method takes is relative to the table root and is checked:
/// an absolute path or a ".." segment fails with kInvalidArgument, so nothing reached
/// through a store leaves its root.
class DELTACPP_EXPORT ObjectStore : public std::enable_shared_from_this<ObjectStore> {
 public:
  /// Resolves `table_uri`: an absolute or relative local path, or a `file://` URI (other
  /// schemes that arrow::fs knows, such as s3://, resolve too but are not yet supported
  /// for commits). Fails with Invalid for a URI that cannot be parsed. The root need not
  /// exist yet.
  static Result<std::shared_ptr<ObjectStore>> Make(std::string_view table_uri,
                                                   StoreOptions options = {});

  const StoreOptions& options() const { return options_; }

  /// The file that `logged` names, a path as the log stores it: a percent-encoded
  /// relative URI (resolved under the root), or an absolute URI or path. Fails with
  /// kCorruptLog for a path that climbs out of the root ("../x", also percent-encoded)
  /// or is empty, and for an absolute one outside the root when the options do not
  /// allow those.
  Result<LogFileLocation> ResolveLogPath(std::string_view logged) const;

  /// The path relative to the root of the file `logged` names (as ResolveLogPath
  /// reads it), or nullopt for an absolute URI outside the root. Fails with
  /// kCorruptLog for a path that climbs out of the root or is empty.
  Result<std::optional<std::string>> TableRelativePath(std::string_view logged) const;

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
  /// exist, and with kCorruptLog when it is not a regular file (a FIFO would block).
  Result<std::shared_ptr<arrow::Buffer>> ReadAll(std::string_view relative_path) const;

  /// A random-access reader of file `relative_path` (for Parquet). `size`, when known
  /// from the log, saves a metadata request, and a file of another size fails with
  /// kCorruptLog (truncated or replaced after the commit). Fails with kFileNotFound
  /// when it is missing and kCorruptLog when it is not a regular file.
  Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenForRead(
      std::string_view relative_path, int64_t size = -1) const;

  /// A new file at `relative_path` (parent folders created), replacing any there; for
  /// data files and checkpoints, whose names are unique or rewritten whole. On the
  /// local disk, Close() syncs the file and its folder: a commit must never name a file
  /// that a power loss could take back.
  Result<std::shared_ptr<arrow::io::OutputStream>> OpenForWrite(
      std::string_view relative_path) const;

  /// Creates `relative_path` holding `contents` only if nothing is there, atomically:
  /// of writers racing for one path exactly one succeeds, and readers never see a
  /// partial file. The others fail with kConflict. On the local disk the contents go
  /// to a hidden temporary file that is then hard-linked into place (link(2) never
  /// replaces), and the folder is synced after the link. A local file that cannot be
  /// created, written, flushed or linked fails with kIOError, and so does a folder that
  /// cannot be synced after the link, though the file is then in place (the message
  /// says so). Other filesystems fail with kUnsupportedFeature until their own
  /// conditional writes exist.
  Status PutIfAbsent(std::string_view relative_path, std::string_view contents) const;

  /// Moves file `from` to `to`, replacing it (atomic on the local disk, and durable: the
  /// folder is synced after the rename).
  Status Rename(std::string_view from, std::string_view to) const;

  /// Removes file `relative_path`; a missing file is not an error. On the local disk a
  /// folder, or a file whose folder is reached through a symbolic link leading out of
  /// the table root, is never deleted: that fails with kInvalidArgument.
  Status Delete(std::string_view relative_path) const;

  /// True for the local filesystem.
  bool is_local() const;

  /// The full filesystem path of `relative_path` (for messages and for arrow::fs users).
  std::string FullPath(std::string_view relative_path) const;

 private:
  ObjectStore(std::shared_ptr<arrow::fs::FileSystem> fs, std::string root,
              std::string table_uri, StoreOptions options);

  // The full path of `relative_path` after checking that it stays under the root.
  Result<std::string> Resolve(std::string_view relative_path) const;
  // With paths outside the root refused: fails unless the real path of `full_path`
  // (symbolic links followed) is under the root's.
  Status CheckConfined(const std::string& full_path) const;

  std::shared_ptr<arrow::fs::FileSystem> fs_;
  std::string root_;  // filesystem path of the table root, without a trailing '/'
  std::string table_uri_;
  StoreOptions options_;
};

}  // namespace deltacpp
