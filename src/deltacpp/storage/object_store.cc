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

}  // namespace

ObjectStore::ObjectStore(std::shared_ptr<arrow::fs::FileSystem> fs, std::string root,
                         std::string table_uri)
    : fs_(std::move(fs)), root_(std::move(root)), table_uri_(std::move(table_uri)) {}

Result<std::shared_ptr<ObjectStore>> ObjectStore::Make(std::string_view table_uri) {
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
      new ObjectStore(std::move(fs), std::move(root), std::move(uri)));
}

std::string ObjectStore::FullPath(std::string_view relative_path) const {
  if (relative_path.empty()) return root_;
  return arrow::fs::internal::ConcatAbstractPath(root_, relative_path);
}

Result<std::vector<ObjectMeta>> ObjectStore::List(std::string_view relative_dir,
                                                  std::string_view start_after) const {
  const std::string dir = FullPath(relative_dir);
  arrow::fs::FileSelector selector;
  selector.base_dir = dir;
  selector.recursive = false;
  selector.allow_not_found = false;
  auto infos = fs_->GetFileInfo(selector);
  if (!infos.ok()) return NotFoundOr(infos.status(), dir);

  std::vector<ObjectMeta> entries;
  entries.reserve(infos->size());
  for (const auto& info : *infos) {
    std::string name = info.base_name();
    if (!start_after.empty() && name <= start_after) continue;
    entries.push_back(ObjectMeta{std::move(name), info.size(), ToMillis(info.mtime()),
                                 info.IsDirectory()});
  }
  std::sort(entries.begin(), entries.end(),
            [](const ObjectMeta& a, const ObjectMeta& b) { return a.name < b.name; });
  return entries;
}

Result<ObjectMeta> ObjectStore::GetInfo(std::string_view relative_path) const {
  const std::string path = FullPath(relative_path);
  auto info = fs_->GetFileInfo(path);
  if (!info.ok()) return NotFoundOr(info.status(), path);
  if (info->type() == arrow::fs::FileType::NotFound) {
    return DeltaError(DeltaErrorCode::kFileNotFound, "file not found: ", path);
  }
  return ObjectMeta{info->base_name(), info->size(), ToMillis(info->mtime()),
                    info->IsDirectory()};
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
  const std::string path = FullPath(relative_path);
  arrow::fs::FileInfo info(path, arrow::fs::FileType::File);
  if (size >= 0) info.set_size(size);
  auto file = size >= 0 ? fs_->OpenInputFile(info) : fs_->OpenInputFile(path);
  if (!file.ok()) return NotFoundOr(file.status(), path);
  return *std::move(file);
}

bool ObjectStore::is_local() const { return fs_->type_name() == "local"; }

Result<std::shared_ptr<arrow::io::OutputStream>> ObjectStore::OpenForWrite(
    std::string_view relative_path) const {
  const std::string path = FullPath(relative_path);
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    DELTACPP_RETURN_NOT_OK(fs_->CreateDir(path.substr(0, slash), /*recursive=*/true));
  }
  auto stream = fs_->OpenOutputStream(path);
  if (!stream.ok()) return NotFoundOr(stream.status(), path);
  return *std::move(stream);
}

Status ObjectStore::Rename(std::string_view from, std::string_view to) const {
  auto status = fs_->Move(FullPath(from), FullPath(to));
  if (status.ok()) return status;
  return NotFoundOr(status, FullPath(from));
}

Status ObjectStore::Delete(std::string_view relative_path) const {
  const std::string path = FullPath(relative_path);
  auto status = fs_->DeleteFile(path);
  if (status.ok()) return status;
  const int error_number = arrow::internal::ErrnoFromStatus(status);
  if (error_number == ENOENT) return Status::OK();
  return status.WithMessage(status.message(), " (", path, ")");
}

Status ObjectStore::PutIfAbsent(std::string_view relative_path,
                                std::string_view contents) const {
  const std::string path = FullPath(relative_path);
  if (!is_local()) {
    return DeltaError(DeltaErrorCode::kUnsupportedFeature, "atomic create of ", path,
                      " on a ", fs_->type_name(),
                      " filesystem is not supported yet (local tables only)");
  }
  const auto slash = path.rfind('/');
  const std::string dir = path.substr(0, slash);
  DELTACPP_RETURN_NOT_OK(fs_->CreateDir(dir, /*recursive=*/true));
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
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
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
  return Status::OK();
}

}  // namespace deltacpp
