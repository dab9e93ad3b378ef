#include "deltacpp/storage/object_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include <arrow/filesystem/localfs.h>
#include <arrow/filesystem/path_util.h>
#include <arrow/util/io_util.h>
#include <arrow/util/uri.h>

#include "deltacpp/storage/local_file.h"

namespace deltacpp {

namespace {

bool HasScheme(std::string_view uri) {
  auto colon = uri.find("://");
  return colon != std::string_view::npos && colon > 0;
}

int64_t ToMillis(arrow::fs::TimePoint time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch())
      .count();
}

// arrow::fs reports a missing path as an IOError carrying errno ENOENT; callers branch on
// our code instead.
Status NotFoundOr(const Status& status, const std::string& full_path) {
  const int error_number = arrow::internal::ErrnoFromStatus(status);
  if (error_number == ENOENT || error_number == ENOTDIR) {
    return DeltaError(DeltaErrorCode::kFileNotFound, "file not found: ", full_path);
  }
  return status.WithMessage(status.message(), " (", full_path, ")");
}

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// The scheme of an absolute URI ("s3" of "s3://b/k", "file" of "file:/tmp/x"), or
// nullopt for a relative reference.
std::optional<std::string> UriScheme(std::string_view uri) {
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  if (!std::isalpha(static_cast<unsigned char>(uri[0]))) return std::nullopt;
  for (size_t i = 1; i < colon; ++i) {
    const char c = uri[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' &&
        c != '.') {
      return std::nullopt;
    }
  }
  return Lower(uri.substr(0, colon));
}

// `path` (decoded) with empty and "." segments dropped; nullopt when a segment is ".."
// or a NUL byte hides in it, or nothing is left. A ".." that would stay under the root
// ("a/../b") is refused too: no writer produces one, and only a hostile log needs it.
std::optional<std::string> NormalizeRelative(std::string_view path) {
  if (path.find('\0') != std::string_view::npos) return std::nullopt;
  std::string normalized;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") return std::nullopt;
    if (!normalized.empty()) normalized += '/';
    normalized += segment;
  }
  if (normalized.empty()) return std::nullopt;
  return normalized;
}

Status EscapingPath(std::string_view logged, std::string_view table_uri) {
  return DeltaError(DeltaErrorCode::kCorruptLog, "the log of table ", table_uri,
                    " names the path '", logged,
                    "', which is empty or climbs out of the table root ('..'): refusing "
                    "to read or delete it");
}

}  // namespace

ObjectStore::ObjectStore(std::shared_ptr<arrow::fs::FileSystem> fs, std::string root,
                         std::string table_uri, StoreOptions options)
    : fs_(std::move(fs)),
      root_(std::move(root)),
      table_uri_(std::move(table_uri)),
      options_(options) {}

Result<std::shared_ptr<ObjectStore>> ObjectStore::Make(std::string_view table_uri,
                                                       StoreOptions options) {
  if (table_uri.empty()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "empty table URI");
  }
  std::string uri(table_uri);
  std::shared_ptr<arrow::fs::FileSystem> fs;
  std::string root;
  if (!HasScheme(uri)) {
    // A plain local path; relative ones are taken from the working folder.
    std::error_code error;
    auto absolute = std::filesystem::absolute(uri, error);
    if (error) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "bad table path '", uri,
                        "': ", error.message());
    }
    root = absolute.lexically_normal().string();
    fs = std::make_shared<arrow::fs::LocalFileSystem>();
    uri = root;
  } else {
    auto maybe_fs = arrow::fs::FileSystemFromUri(uri, &root);
    if (!maybe_fs.ok()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot resolve table URI '",
                        uri, "': ", maybe_fs.status().message());
    }
    fs = *std::move(maybe_fs);
  }
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return std::shared_ptr<ObjectStore>(
      new ObjectStore(std::move(fs), std::move(root), std::move(uri), options));
}

std::string ObjectStore::FullPath(std::string_view relative_path) const {
  if (relative_path.empty()) return root_;
  return arrow::fs::internal::ConcatAbstractPath(root_, relative_path);
}

Result<std::string> ObjectStore::Resolve(std::string_view relative_path) const {
  if (relative_path.empty()) return root_;
  if (relative_path.front() == '/' ||
      relative_path.find('\0') != std::string_view::npos || relative_path == ".." ||
      relative_path.starts_with("../") || relative_path.ends_with("/..") ||
      relative_path.find("/../") != std::string_view::npos) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "path '", relative_path,
                      "' leaves the root of table ", table_uri_);
  }
  return FullPath(relative_path);
}

Status ObjectStore::CheckConfined(const std::string& full_path) const {
  if (options_.allow_paths_outside_root || !is_local()) return Status::OK();
  DELTACPP_ASSIGN_OR_RAISE(const std::string real_root, internal::RealPath(root_));
  DELTACPP_ASSIGN_OR_RAISE(const std::string real_path, internal::RealPath(full_path));
  if (!internal::IsWithin(real_path, real_root)) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "file ", full_path,
                      " leads out of the root of table ", table_uri_, " (to ", real_path,
                      ") through a symbolic link, and paths outside the root are not "
                      "allowed");
  }
  return Status::OK();
}

Result<std::optional<std::string>> ObjectStore::TableRelativePath(
    std::string_view logged) const {
  const std::optional<std::string> scheme = UriScheme(logged);
  std::string_view absolute;
  if (scheme.has_value()) {
    const bool same_store =
        is_local() ? *scheme == "file" : *scheme == UriScheme(table_uri_);
    if (!same_store) return std::nullopt;
    std::string_view rest = logged.substr(scheme->size() + 1);
    if (rest.starts_with("//")) {
      rest.remove_prefix(2);
      if (is_local()) {
        // file://host/path: only an empty host or localhost is this machine.
        const size_t slash = rest.find('/');
        if (slash == std::string_view::npos) return std::nullopt;
        const std::string_view host = rest.substr(0, slash);
        if (!host.empty() && Lower(host) != "localhost") return std::nullopt;
        rest.remove_prefix(slash);
      }
    }
    absolute = rest;
  } else if (!logged.empty() && logged.front() == '/') {
    absolute = logged;
  } else {
    std::optional<std::string> relative =
        NormalizeRelative(arrow::util::UriUnescape(logged));
    if (!relative.has_value()) return EscapingPath(logged, table_uri_);
    return relative;
  }
  // An absolute path (or bucket/key): under the root, or elsewhere.
  std::optional<std::string> path = NormalizeRelative(arrow::util::UriUnescape(absolute));
  std::optional<std::string> root = NormalizeRelative(root_);
  if (!path.has_value()) return EscapingPath(logged, table_uri_);
  if (!root.has_value() || path->size() <= root->size() + 1 ||
      path->compare(0, root->size(), *root) != 0 || (*path)[root->size()] != '/') {
    return std::nullopt;
  }
  return path->substr(root->size() + 1);
}

Result<LogFileLocation> ObjectStore::ResolveLogPath(std::string_view logged) const {
  DELTACPP_ASSIGN_OR_RAISE(std::optional<std::string> relative,
                           TableRelativePath(logged));
  if (relative.has_value()) {
    return LogFileLocation{shared_from_this(), std::move(*relative), false};
  }
  if (!options_.allow_paths_outside_root) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "the log of table ", table_uri_,
                      " names '", logged,
                      "', outside the table root, and paths outside the root are not "
                      "allowed");
  }
  // Its folder is a store of its own; the file's name is decoded once, as a relative
  // path is.
  const size_t slash = logged.rfind('/');
  if (slash == std::string_view::npos || slash + 1 == logged.size()) {
    return EscapingPath(logged, table_uri_);
  }
  std::string name = arrow::util::UriUnescape(logged.substr(slash + 1));
  if (name == "." || name == ".." || name.find('/') != std::string::npos) {
    return EscapingPath(logged, table_uri_);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto store, ObjectStore::Make(logged.substr(0, slash)));
  return LogFileLocation{std::move(store), std::move(name), true};
}

Result<std::vector<ObjectMeta>> ObjectStore::List(std::string_view relative_dir,
                                                  std::string_view start_after) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string dir, Resolve(relative_dir));
  arrow::fs::FileSelector selector;
  selector.base_dir = dir;
  selector.recursive = false;
  selector.allow_not_found = false;
  auto infos = fs_->GetFileInfo(selector);
  if (!infos.ok()) return NotFoundOr(infos.status(), dir);

  std::vector<ObjectMeta> entries;
  entries.reserve(infos->size());
  const bool local = is_local();
  for (const auto& info : *infos) {
    std::string name = info.base_name();
    if (!start_after.empty() && name <= start_after) continue;
    ObjectMeta entry{std::move(name), info.size(), ToMillis(info.mtime()),
                     info.IsDirectory()};
    // arrow::fs follows links; whoever walks folders to delete must not.
    if (local && entry.is_directory) entry.is_symlink = internal::IsSymlink(info.path());
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(),
            [](const ObjectMeta& a, const ObjectMeta& b) { return a.name < b.name; });
  return entries;
}

Result<ObjectMeta> ObjectStore::GetInfo(std::string_view relative_path) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string path, Resolve(relative_path));
  auto info = fs_->GetFileInfo(path);
  if (!info.ok()) return NotFoundOr(info.status(), path);
  if (info->type() == arrow::fs::FileType::NotFound) {
    return DeltaError(DeltaErrorCode::kFileNotFound, "file not found: ", path);
  }
  ObjectMeta meta{info->base_name(), info->size(), ToMillis(info->mtime()),
                  info->IsDirectory()};
  if (is_local() && meta.is_directory) meta.is_symlink = internal::IsSymlink(path);
  return meta;
}

Result<std::shared_ptr<arrow::Buffer>> ObjectStore::ReadAll(
    std::string_view relative_path) const {
  DELTACPP_ASSIGN_OR_RAISE(auto file, OpenForRead(relative_path));
  const std::string path = FullPath(relative_path);
  auto size = file->GetSize();
  if (!size.ok()) return NotFoundOr(size.status(), path);
  auto buffer = file->ReadAt(0, *size);
  if (!buffer.ok()) return NotFoundOr(buffer.status(), path);
  return *std::move(buffer);
}

Result<std::shared_ptr<arrow::io::RandomAccessFile>> ObjectStore::OpenForRead(
    std::string_view relative_path, int64_t size) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string path, Resolve(relative_path));
  if (is_local()) {
    DELTACPP_RETURN_NOT_OK(CheckConfined(path));
    return internal::OpenRegularFile(path, size);
  }
  arrow::fs::FileInfo info(path, arrow::fs::FileType::File);
  if (size >= 0) info.set_size(size);
  auto file = size >= 0 ? fs_->OpenInputFile(info) : fs_->OpenInputFile(path);
  if (!file.ok()) return NotFoundOr(file.status(), path);
  return *std::move(file);
}

bool ObjectStore::is_local() const { return fs_->type_name() == "local"; }

Result<std::shared_ptr<arrow::io::OutputStream>> ObjectStore::OpenForWrite(
    std::string_view relative_path) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string path, Resolve(relative_path));
  const auto slash = path.rfind('/');
  if (is_local()) {
    if (slash != std::string::npos && slash > 0) {
      DELTACPP_RETURN_NOT_OK(internal::CreateDirectories(path.substr(0, slash)));
    }
    return internal::OpenDurableFile(path);
  }
  if (slash != std::string::npos && slash > 0) {
    DELTACPP_RETURN_NOT_OK(fs_->CreateDir(path.substr(0, slash), /*recursive=*/true));
  }
  auto stream = fs_->OpenOutputStream(path);
  if (!stream.ok()) return NotFoundOr(stream.status(), path);
  return *std::move(stream);
}

Status ObjectStore::Rename(std::string_view from, std::string_view to) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string source, Resolve(from));
  DELTACPP_ASSIGN_OR_RAISE(const std::string target, Resolve(to));
  auto status = fs_->Move(source, target);
  if (!status.ok()) return NotFoundOr(status, source);
  if (!is_local()) return status;
  const auto slash = target.rfind('/');
  return internal::SyncDirectory(slash == 0 ? "/" : target.substr(0, slash));
}

Status ObjectStore::Delete(std::string_view relative_path) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string path, Resolve(relative_path));
  if (is_local()) return internal::DeleteWithin(path, root_);
  auto status = fs_->DeleteFile(path);
  if (status.ok()) return status;
  const int error_number = arrow::internal::ErrnoFromStatus(status);
  if (error_number == ENOENT) return Status::OK();
  return status.WithMessage(status.message(), " (", path, ")");
}

Status ObjectStore::PutIfAbsent(std::string_view relative_path,
                                std::string_view contents) const {
  DELTACPP_ASSIGN_OR_RAISE(const std::string path, Resolve(relative_path));
  if (!is_local()) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature, "atomic create of ", path,
                      " on a ", fs_->type_name(),
                      " filesystem is not supported yet (local tables only)");
  }
  const auto slash = path.rfind('/');
  const std::string dir = path.substr(0, slash);
  DELTACPP_RETURN_NOT_OK(internal::CreateDirectories(dir));
  static std::atomic<uint64_t> counter{0};
  static const uint64_t process_salt = std::random_device{}();
  const std::string temp =
      dir + "/." + path.substr(slash + 1) + "." + std::to_string(::getpid()) + "." +
      std::to_string(process_salt) + "." + std::to_string(counter++) + ".tmp";
  auto io_error = [&](const char* what, const std::string& where) {
    return DeltaError(DeltaErrorCode::kIOError, what, " ", where, ": ",
                      std::strerror(errno));
  };
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", temp);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const Status error = io_error("cannot write", temp);
      ::close(fd);
      ::unlink(temp.c_str());
      return error;
    }
    written += static_cast<size_t>(n);
  }
  // Durable before it becomes visible: a reader must never find a torn commit.
  const bool synced = ::fsync(fd) == 0;
  const int sync_errno = errno;
  const bool closed = ::close(fd) == 0;
  if (!synced || !closed) {
    if (!synced) errno = sync_errno;
    const Status error = io_error("cannot flush", temp);
    ::unlink(temp.c_str());
    return error;
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) {
      return DeltaError(DeltaErrorCode::kConflict, path, " already exists");
    }
    errno = link_errno;
    return io_error("cannot link", path);
  }
  // The commit is reported done only once its name survives a power loss. If the
  // folder cannot be synced, the file is already visible: say so, lest a caller take
  // the error for "nothing was written" and write the same change again.
  if (auto synced_dir = internal::SyncDirectory(dir); !synced_dir.ok()) {
    return synced_dir.WithMessage(path, " was written and is visible to readers, but ",
                                  synced_dir.message(),
                                  ", so it may not survive a power loss");
  }
  return Status::OK();
}

}  // namespace deltacpp
