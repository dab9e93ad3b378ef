#pragma once

// The change data feed (PROTOCOL.md, "Add CDC File" and "Change Data Files"): the rows
// inserted, deleted and updated between two versions of a table.
//
//   DELTACPP_ASSIGN_OR_RAISE(auto changes,
//                            ChangeDataScanBuilder(table, 2).EndVersion(5).Build());
//   DELTACPP_ASSIGN_OR_RAISE(auto reader, changes->Execute());

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <arrow/record_batch.h>
#include <arrow/table.h>
#include <arrow/util/thread_pool.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/expressions/predicate.h"
#include "deltacpp/kernel/table.h"

namespace deltacpp {

inline constexpr std::string_view kChangeTypeColumn = "_change_type";
inline constexpr std::string_view kCommitVersionColumn = "_commit_version";
inline constexpr std::string_view kCommitTimestampColumn = "_commit_timestamp";

namespace internal {
struct FileToRead;
struct ScanContext;
}  // namespace internal

class DELTACPP_EXPORT ChangeDataScan {
 public:
  /// The selected table columns, then _change_type (string: insert, delete,
  /// update_preimage, update_postimage), _commit_version (long) and _commit_timestamp
  /// (timestamp, UTC).
  const std::shared_ptr<arrow::Schema>& schema() const { return schema_; }
  int64_t start_version() const { return start_version_; }
  int64_t end_version() const { return end_version_; }

  /// Streams the changes, version by version. A version with cdc actions is read from
  /// its change data files only; a version without is read from its add actions
  /// (inserts) and remove actions (deletes) that change data, where a file re-added with
  /// a new deletion vector yields just the rows the vector newly deletes (or restores).
  Result<std::shared_ptr<arrow::RecordBatchReader>> Execute() const;

  /// All changes at once.
  Result<std::shared_ptr<arrow::Table>> ToTable() const;

 private:
  friend class ChangeDataScanBuilder;
  ChangeDataScan() = default;

  std::shared_ptr<arrow::Schema> schema_;
  int64_t start_version_ = 0;
  int64_t end_version_ = 0;
  std::optional<int64_t> limit_;
  int parallelism_ = 1;
  PredicatePtr filter_;  // bound to schema_
  std::shared_ptr<const internal::ScanContext> data_context_;
  std::shared_ptr<const internal::ScanContext> change_file_context_;
  std::shared_ptr<const std::vector<internal::FileToRead>> files_;
};

class DELTACPP_EXPORT ChangeDataScanBuilder {
 public:
  /// Changes made by versions `start_version` through the end version (the newest
  /// unless EndVersion says otherwise).
  ChangeDataScanBuilder(Table table, int64_t start_version)
      : table_(std::move(table)), start_version_(start_version) {}

  ChangeDataScanBuilder& EndVersion(int64_t version) {
    end_version_ = version;
    return *this;
  }

  /// Only these table columns (the three change columns always come last).
  ChangeDataScanBuilder& Select(std::vector<std::string> columns) {
    columns_ = std::move(columns);
    return *this;
  }

  /// Keeps the changed rows where `predicate` holds; it may name the table's columns
  /// and _change_type, _commit_version, _commit_timestamp.
  ChangeDataScanBuilder& Filter(PredicatePtr predicate) {
    filter_ = std::move(predicate);
    return *this;
  }
  ChangeDataScanBuilder& Limit(int64_t max_rows) {
    limit_ = max_rows;
    return *this;
  }

  /// As ScanBuilder::Parallelism.
  ChangeDataScanBuilder& Parallelism(int files_at_once) {
    parallelism_ = files_at_once;
    return *this;
  }

  /// Reads the commits of the range. The columns are those of the end version's schema.
  /// Fails with kInvalidArgument for a start after the end, a column not in the table,
  /// or a version of the range at which delta.enableChangeDataFeed was not on (naming
  /// it); kVersionNotFound for a version whose commit is gone; kUnsupportedFeature when
  /// the schema changes within the range; and the errors of SnapshotBuilder::Build.
  Result<std::shared_ptr<ChangeDataScan>> Build() const;

 private:
  Table table_;
  int64_t start_version_;
  std::optional<int64_t> end_version_;
  std::optional<std::vector<std::string>> columns_;
  PredicatePtr filter_;
  std::optional<int64_t> limit_;
  int parallelism_ = arrow::GetCpuThreadPoolCapacity();
};

}  // namespace deltacpp
