#include "deltacpp/storage/local_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <arrow/io/file.h>

namespace deltacpp::internal {

namespace {

Status ErrnoError(int error_number, const char* what, const std::string& path) {
  if (error_number == ENOENT || error_number == ENOTDIR) {
    return DeltaError(DeltaErrorCode::kFileNotFound, "file not found: ", path);
  }
  return DeltaError(DeltaErrorCode::kIOError, what, " ", path, ": ",
                    std::strerror(error_number));
}

const char* KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  return "not a regular file";
}

std::string ParentOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Writes go straight to the descriptor (as arrow's FileOutputStream does; Parquet's
// writer buffers pages itself); Close is where durability is bought.
class DurableFileOutputStream : public arrow::io::OutputStream {
 public:
  DurableFileOutputStream(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~DurableFileOutputStream() override {
    if (fd_ >= 0) ::close(fd_);
  }

  arrow::Status Write(const void* data, int64_t nbytes) override {
    if (fd_ < 0) return arrow::Status::Invalid("write to closed file ", path_);
    const char* bytes = static_cast<const char*>(data);
    while (nbytes > 0) {
      const ssize_t n = ::write(fd_, bytes, static_cast<size_t>(nbytes));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(errno, "cannot write", path_);
      }
      bytes += n;
      nbytes -= n;
      position_ += n;
    }
    return arrow::Status::OK();
  }

  arrow::Status Close() override {
    if (fd_ < 0) return arrow::Status::OK();
    const int fd = fd_;
    fd_ = -1;
    if (::fsync(fd) != 0) {
      const int error_number = errno;
      ::close(fd);
      return ErrnoError(error_number, "cannot flush", path_);
    }
    if (::close(fd) != 0) return ErrnoError(errno, "cannot close", path_);
    // The file's name must be as durable as its bytes.
    return SyncDirectory(ParentOf(path_));
  }

  arrow::Result<int64_t> Tell() const override { return position_; }
  bool closed() const override { return fd_ < 0; }

 private:
  int fd_;
  std::string path_;
  int64_t position_ = 0;
};

}  // namespace

Result<std::shared_ptr<arrow::io::RandomAccessFile>> OpenRegularFile(
    const std::string& path, int64_t expected_size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot open", path);
  struct stat info;
  if (::fstat(fd, &info) != 0) {
    const int error_number = errno;
    ::close(fd);
    return ErrnoError(error_number, "cannot stat", path);
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return DeltaError(DeltaErrorCode::kCorruptLog, path, " is ", KindOf(info.st_mode),
                      ", not a regular file: refusing to read it");
  }
  if (expected_size >= 0 && info.st_size != expected_size) {
    ::close(fd);
    return DeltaError(DeltaErrorCode::kCorruptLog, "file ", path, " has ", info.st_size,
                      " bytes, but the log records ", expected_size,
                      ": it was truncated or replaced after it was committed");
  }
  // Reads of a regular file never block anyway; clear the flag for clarity.
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  auto file = arrow::io::ReadableFile::Open(fd);
  if (!file.ok()) {
    ::close(fd);
    return file.status().WithMessage(file.status().message(), " (", path, ")");
  }
  return std::static_pointer_cast<arrow::io::RandomAccessFile>(*std::move(file));
}

Result<std::shared_ptr<arrow::io::OutputStream>> OpenDurableFile(
    const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(errno, "cannot create", path);
  return std::make_shared<DurableFileOutputStream>(fd, path);
}

Status SyncDirectory(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, "cannot open folder", path);
  const int synced = ::fsync(fd);
  const int error_number = errno;
  ::close(fd);
  // Some filesystems cannot sync a folder (EINVAL); their names are durable otherwise.
  if (synced != 0 && error_number != EINVAL) {
    return ErrnoError(error_number, "cannot flush folder", path);
  }
  return Status::OK();
}

Status CreateDirectories(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) == 0) {
    if (S_ISDIR(info.st_mode)) return Status::OK();
    return DeltaError(DeltaErrorCode::kIOError, "cannot create folder ", path,
                      ": a file of that name exists");
  }
  const std::string parent = ParentOf(path);
  if (parent != path) DELTACPP_RETURN_NOT_OK(CreateDirectories(parent));
  if (::mkdir(path.c_str(), 0755) != 0) {
    if (errno == EEXIST) return Status::OK();  // a concurrent writer made it
    return ErrnoError(errno, "cannot create folder", path);
  }
  return SyncDirectory(parent);
}

Result<std::string> RealPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return ErrnoError(errno, "cannot resolve", path);
  std::string result(resolved);
  std::free(resolved);
  return result;
}

bool IsWithin(const std::string& path, const std::string& root) {
  if (root == "/") return !path.empty() && path[0] == '/';
  return path.size() >= root.size() && path.compare(0, root.size(), root) == 0 &&
         (path.size() == root.size() || path[root.size()] == '/');
}

Status DeleteWithin(const std::string& path, const std::string& root) {
  struct stat info;
  if (::lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Status::OK();
    return ErrnoError(errno, "cannot stat", path);
  }
  if (S_ISDIR(info.st_mode)) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "refusing to delete ", path,
                      ": it is a folder");
  }
  DELTACPP_ASSIGN_OR_RAISE(const std::string real_root, RealPath(root));
  auto real_folder = RealPath(ParentOf(path));
  if (!real_folder.ok()) return real_folder.status();
  if (!IsWithin(*real_folder, real_root)) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "refusing to delete ", path,
                      ": its folder is ", *real_folder,
                      " (through a symbolic link), outside the table root ", real_root);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoError(errno, "cannot delete", path);
  }
  return Status::OK();
}

bool IsSymlink(const std::string& path) {
  struct stat info;
  return ::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode);
}

}  // namespace deltacpp::internal
