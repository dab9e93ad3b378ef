#pragma once

// The local disk, spoken in POSIX where arrow::fs cannot say what a table that strangers
// write needs: open only regular files (a FIFO named like a commit must not hang a
// reader), never follow a symlink out of the table when deleting, and make a commit
// durable in the order LevelDB and SQLite use (data synced before the commit that names
// it, the folder synced after a file appears in it). Internal to storage/.
//
// Tested by: storage/object_store_test.cc, and tests/safety/test_durability.py (the order
// of fsyncs, with strace).

#include <memory>
#include <string>

#include <arrow/io/interfaces.h>

#include "deltacpp/common/status.h"

namespace deltacpp::internal {

/// Opens the regular file at `path` for random access. A FIFO, socket, device or folder
/// fails with kCorruptLog (opening is non-blocking, so a FIFO never waits for a writer);
/// a missing file fails with kFileNotFound. When `expected_size` >= 0 (the size the log
/// recorded), a file of another size fails with kCorruptLog: it was truncated or replaced
/// after the commit, and reading it would return other rows than the table holds.
Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenRegularFile(
    const std::string& path, int64_t expected_size);

/// A new file at `path` (replacing any), whose Close() flushes it to stable storage
/// (fsync) and then syncs its folder, so that a commit naming it never outlives it.
Result<std::shared_ptr<arrow::io::OutputStream>> OpenDurableFile(const std::string& path);

/// fsync of folder `path`, making the names created, linked or renamed in it durable.
Status SyncDirectory(const std::string& path);

/// Creates folder `path` and its missing parents, syncing each parent in which a folder
/// was created.
Status CreateDirectories(const std::string& path);

/// The canonical path of `path` (symlinks resolved), or kFileNotFound.
Result<std::string> RealPath(const std::string& path);

/// True when `path` equals `root` or lies below it (both canonical, no trailing '/').
bool IsWithin(const std::string& path, const std::string& root);

/// Removes the file at `path` (a missing one is not an error) only if it is neither a
/// folder nor behind a symlink that leaves `root`: the real path of its folder must lie
/// within the real path of `root`. Fails with kInvalidArgument otherwise, deleting
/// nothing.
Status DeleteWithin(const std::string& path, const std::string& root);

/// Whether `path` is itself a symbolic link (not followed).
bool IsSymlink(const std::string& path);

}  // namespace deltacpp::internal
