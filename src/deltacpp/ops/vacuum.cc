#include "deltacpp/ops/vacuum.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <limits>
#include <map>
#include <unordered_set>
#include <utility>

#include <arrow/util/uri.h>

#include "deltacpp/kernel/deletion_vectors/dv_reader.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/kernel/table_features/feature_gate.h"
#include "deltacpp/txn/log_cleanup.h"
#include "deltacpp/txn/transaction.h"

namespace deltacpp {

namespace {

constexpr int64_t kMillisPerHour = 3600 * 1000;

// "168 hours", "0.5 hours": retentions are talked about in hours (Spark's RETAIN n
// HOURS, deltalake's retention_hours).
std::string FormatHours(int64_t millis) {
  if (millis % kMillisPerHour == 0) {
    const int64_t hours = millis / kMillisPerHour;
    return std::to_string(hours) + (hours == 1 ? " hour" : " hours");
  }
  char text[64];
  std::snprintf(text, sizeof(text), "%.6f", static_cast<double>(millis) / kMillisPerHour);
  std::string hours(text);
  while (hours.back() == '0') hours.pop_back();
  if (hours.back() == '.') hours.pop_back();
  return hours + " hours";
}

// The files a version needs, relative to the table root: the store's one rule for the
// paths a log names (files elsewhere, as shallow clones have, are not ours to keep or
// delete; a path climbing out of the root fails vacuum, deleting nothing).
class TablePaths {
 public:
  explicit TablePaths(const ObjectStore& store) : store_(store) {}

  Result<std::optional<std::string>> Resolve(std::string_view logged) const {
    return store_.TableRelativePath(logged);
  }

  // Resolve for the file of a deletion vector; nullopt for inline vectors. Fails with
  // kCorruptLog for a malformed descriptor.
  Result<std::optional<std::string>> ResolveVector(
      const std::optional<DeletionVectorDescriptor>& dv) const {
    if (!dv.has_value() || dv->storage_type == "i") return std::nullopt;
    DELTACPP_ASSIGN_OR_RAISE(std::string path, DeletionVectorPath(*dv));
    return Resolve(path);
  }

 private:
  const ObjectStore& store_;
};

// Whether vacuum leaves a file or folder of this name alone, wherever it is: Delta
// Spark's DeltaTableUtils.isHiddenDirectory.
class HiddenNames {
 public:
  explicit HiddenNames(const Metadata& metadata)
      : partition_columns_(metadata.partition_columns) {
    // UniForm keeps Iceberg metadata in a top-level `metadata/` folder, which vacuum
    // leaves alone as Delta Spark does.
    iceberg_ = TableConfiguration(metadata).iceberg_enabled();
  }

  bool IsHidden(std::string_view name) const {
    if (iceberg_ && name == "metadata") return true;
    if (name.empty() || (name[0] != '_' && name[0] != '.')) return false;
    // Change data and Delta indexes go with the data they describe; partition folders
    // of columns named _x are data.
    if (name.starts_with("_change_data") || name.starts_with("_delta_index")) {
      return false;
    }
    for (const auto& column : partition_columns_) {
      if (name.size() > column.size() && name.starts_with(column) &&
          name[column.size()] == '=') {
        return false;
      }
    }
    return true;
  }

  // True when any segment of relative path `path` is hidden.
  bool IsHiddenPath(std::string_view path) const {
    while (!path.empty()) {
      const size_t slash = path.find('/');
      if (IsHidden(path.substr(0, slash))) return true;
      if (slash == std::string_view::npos) break;
      path.remove_prefix(slash + 1);
    }
    return false;
  }

 private:
  std::vector<std::string> partition_columns_;
  bool iceberg_ = false;
};

struct Candidate {
  std::string path;
  int64_t size = 0;
};

// Adds what `file` needs (itself and its deletion vector file) to `kept`.
template <typename FileAction>
Status Keep(const TablePaths& paths, const FileAction& file,
            std::unordered_set<std::string>& kept) {
  DELTACPP_ASSIGN_OR_RAISE(std::optional<std::string> path, paths.Resolve(file.path));
  if (path.has_value()) kept.insert(std::move(*path));
  auto vector = paths.ResolveVector(file.deletion_vector);
  if (!vector.ok()) {
    return vector.status().WithMessage("data file ", file.path, ": ",
                                       vector.status().message());
  }
  if (vector->has_value()) kept.insert(std::move(**vector));
  return Status::OK();
}

// Every file under the table root that `kept` lacks, whose path is not hidden and that
// was last modified before `cutoff_ms`; folders are walked depth first.
Result<std::vector<Candidate>> ListUnreferenced(
    const ObjectStore& store, const HiddenNames& hidden,
    const std::unordered_set<std::string>& kept, int64_t cutoff_ms,
    int64_t& directories_listed) {
  std::vector<Candidate> candidates;
  std::vector<std::string> folders = {""};
  while (!folders.empty()) {
    const std::string folder = std::move(folders.back());
    folders.pop_back();
    auto entries = store.List(folder);
    if (!entries.ok()) {
      // A folder deleted since its parent was listed holds nothing to delete.
      if (!folder.empty() &&
          GetDeltaErrorCode(entries.status()) == DeltaErrorCode::kFileNotFound) {
        continue;
      }
      return entries.status();
    }
    ++directories_listed;
    for (auto& entry : *entries) {
      if (hidden.IsHidden(entry.name)) continue;
      // A linked folder may lead anywhere, the table itself included: never walked.
      if (entry.is_symlink) continue;
      std::string path = folder.empty() ? entry.name : folder + "/" + entry.name;
      if (entry.is_directory) {
        folders.push_back(std::move(path));
      } else if (entry.modification_time_ms < cutoff_ms && kept.count(path) == 0) {
        candidates.push_back(Candidate{std::move(path), entry.size});
      }
    }
  }
  return candidates;
}

// Whether a folder on the way to `path` is a symbolic link (vacuum deletes nothing
// behind one, even when it leads back into the table).
Result<bool> ReachedThroughLink(const ObjectStore& store, std::string_view path) {
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    auto info = store.GetInfo(path.substr(0, slash));
    if (!info.ok()) {
      if (GetDeltaErrorCode(info.status()) == DeltaErrorCode::kFileNotFound) return false;
      return info.status();
    }
    if (info->is_symlink) return true;
  }
  return false;
}

// The files of the expired tombstones and their deletion vectors that `kept` lacks,
// that are not hidden, and that still exist.
Result<std::vector<Candidate>> ExpiredTombstoneFiles(
    const ObjectStore& store, const TablePaths& paths, const HiddenNames& hidden,
    const std::vector<const RemoveFile*>& expired,
    const std::unordered_set<std::string>& kept) {
  std::unordered_set<std::string> seen;
  std::vector<Candidate> candidates;
  for (const RemoveFile* remove : expired) {
    std::vector<std::string> files;
    // A tombstone naming a path outside the root names nothing vacuum may delete.
    auto path = paths.Resolve(remove->path);
    if (path.ok() && path->has_value()) files.push_back(std::move(**path));
    // A malformed descriptor names no file we could delete.
    auto vector = paths.ResolveVector(remove->deletion_vector);
    if (vector.ok() && vector->has_value()) files.push_back(std::move(**vector));
    for (auto& file : files) {
      if (kept.count(file) != 0 || hidden.IsHiddenPath(file)) continue;
      if (!seen.insert(file).second) continue;
      DELTACPP_ASSIGN_OR_RAISE(const bool linked, ReachedThroughLink(store, file));
      if (linked) continue;
      auto info = store.GetInfo(file);
      if (!info.ok()) {
        // Vacuumed already: tombstones outlive their files until a checkpoint drops them.
        if (GetDeltaErrorCode(info.status()) == DeltaErrorCode::kFileNotFound) continue;
        return info.status();
      }
      if (info->is_directory) continue;
      candidates.push_back(Candidate{std::move(file), info->size});
    }
  }
  return candidates;
}

// Commits `name`, an operation with no actions, to record vacuum in the table's history.
Result<int64_t> CommitVacuumOperation(const Table& table, std::string_view name,
                                      StringMap parameters, StringMap metrics,
                                      const CommitOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table));
  return txn.Commit(
      Operation{std::string(name), std::move(parameters), std::move(metrics)}, options);
}

}  // namespace

Result<VacuumResult> Vacuum(const Table& table, int64_t now_ms,
                            const VacuumOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, table.LatestSnapshot());
  const ObjectStore& store = *table.store();
  const std::string& uri = table.uri();
  if (auto supported = CheckWriteSupported(snapshot->protocol(), snapshot->metadata());
      !supported.ok()) {
    return supported.WithMessage("cannot vacuum table ", uri, ": ", supported.message());
  }

  auto table_retention =
      TableConfiguration(snapshot->metadata()).deleted_file_retention_millis();
  if (!table_retention.ok()) {
    return table_retention.status().WithMessage("cannot vacuum table ", uri, ": ",
                                                table_retention.status().message());
  }
  VacuumResult result;
  result.version = snapshot->version();
  result.retention_ms = options.retention_ms.value_or(*table_retention);
  if (result.retention_ms < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot vacuum table ", uri,
                      ": the retention cannot be negative (", result.retention_ms,
                      " ms)");
  }
  if (options.enforce_retention && result.retention_ms < *table_retention) {
    return DeltaError(
        DeltaErrorCode::kInvalidArgument, "cannot vacuum table ", uri,
        " with a retention of ", FormatHours(result.retention_ms),
        ": the table's retention (", table_property::kDeletedFileRetentionDuration,
        ") is ", FormatHours(*table_retention),
        ", and deleting files younger than that may break readers of older versions and "
        "writers still in progress; use a retention of at least ",
        FormatHours(*table_retention), ", or turn the retention check off");
  }
  // A retention reaching back before the epoch's range expires nothing.
  if (__builtin_sub_overflow(now_ms, result.retention_ms, &result.cutoff_timestamp_ms)) {
    result.cutoff_timestamp_ms = std::numeric_limits<int64_t>::min();
  }

  // What readers of the snapshot, of the kept versions and of versions within the
  // retention need.
  const TablePaths paths(store);
  const HiddenNames hidden(snapshot->metadata());
  std::unordered_set<std::string> kept;
  for (const auto& add : snapshot->files()) {
    DELTACPP_RETURN_NOT_OK(Keep(paths, add, kept));
  }
  std::vector<const RemoveFile*> expired;
  for (const auto& remove : snapshot->tombstones()) {
    if (remove.deletion_timestamp.value_or(0) < result.cutoff_timestamp_ms) {
      expired.push_back(&remove);
    } else {
      DELTACPP_RETURN_NOT_OK(Keep(paths, remove, kept));
    }
  }
  for (int64_t version : options.keep_versions) {
    if (version == snapshot->version()) continue;
    DELTACPP_ASSIGN_OR_RAISE(auto old, table.SnapshotAt(version));
    for (const auto& add : old->files()) DELTACPP_RETURN_NOT_OK(Keep(paths, add, kept));
  }

  std::vector<Candidate> candidates;
  if (options.mode == VacuumMode::kFull) {
    DELTACPP_ASSIGN_OR_RAISE(
        candidates, ListUnreferenced(store, hidden, kept, result.cutoff_timestamp_ms,
                                     result.directories_listed));
  } else {
    DELTACPP_ASSIGN_OR_RAISE(candidates,
                             ExpiredTombstoneFiles(store, paths, hidden, expired, kept));
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.path < b.path; });
  for (const auto& candidate : candidates) {
    result.deleted.push_back(candidate.path);
    result.bytes += candidate.size;
  }
  if (options.dry_run || candidates.empty()) return result;

  StringMap parameters = {
      {"retentionCheckEnabled", options.enforce_retention ? "true" : "false"},
      {"defaultRetentionMillis", std::to_string(*table_retention)}};
  if (options.retention_ms.has_value()) {
    parameters["specifiedRetentionMillis"] = std::to_string(*options.retention_ms);
  }
  auto start =
      CommitVacuumOperation(table, kVacuumStartOperation, std::move(parameters),
                            {{"numFilesToDelete", std::to_string(candidates.size())},
                             {"sizeOfDataToDelete", std::to_string(result.bytes)}},
                            options.commit);
  if (!start.ok()) {
    return start.status().WithMessage("cannot vacuum table ", uri,
                                      ": committing VACUUM START failed, nothing was "
                                      "deleted: ",
                                      start.status().message());
  }
  result.start_version = *start;

  for (size_t i = 0; i < candidates.size(); ++i) {
    const Status deleted = store.Delete(candidates[i].path);
    if (deleted.ok()) continue;
    // Record the failure as Spark does; the deletion error is what the caller needs.
    (void)CommitVacuumOperation(table, kVacuumEndOperation, {{"status", "FAILED"}}, {},
                                options.commit);
    return deleted.WithMessage("vacuum of table ", uri, " failed after deleting ", i,
                               " of ", candidates.size(), " files: cannot delete ",
                               candidates[i].path, ": ", deleted.message());
  }

  auto end = CommitVacuumOperation(
      table, kVacuumEndOperation, {{"status", "COMPLETED"}},
      {{"numDeletedFiles", std::to_string(candidates.size())},
       {"numVacuumedDirectories", std::to_string(result.directories_listed)}},
      options.commit);
  if (!end.ok()) {
    return end.status().WithMessage("table ", uri, ": ", candidates.size(),
                                    " files were vacuumed, but committing VACUUM END "
                                    "failed: ",
                                    end.status().message());
  }
  result.end_version = *end;
  return result;
}

}  // namespace deltacpp
