#pragma once

// Change data files: what an operation that changes existing rows (delete, update,
// merge) writes on a table with the change data feed (delta.enableChangeDataFeed), so
// that readers of the feed see each changed row once: the table's columns plus
// `_change_type` (insert, delete, update_preimage, update_postimage), in Parquet files
// under `_change_data/` partitioned as the table, committed as `cdc` actions. A commit
// with change data files must hold every change it makes in them: readers take the
// version's changes from its change data files alone (PROTOCOL.md, "Change Data
// Files").
//
// Tested by: ops/merge_test.cc (ChangeDataFeedTablesGetEveryChange) and the change data
// tests of ops/write_table_test.cc and tests/interop.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"
#include "deltacpp/ops/partitioned_writer.h"

namespace deltacpp {

class DELTACPP_EXPORT ChangeDataWriter {
 public:
  /// Files go under `store`'s `_change_data/`; rows have `table_schema`'s columns and
  /// `partition_columns` are the table's.
  ChangeDataWriter(std::shared_ptr<ObjectStore> store,
                   const std::shared_ptr<arrow::Schema>& table_schema,
                   std::vector<std::string> partition_columns, DataFileOptions options);

  /// Records the rows of `batch` (the table's columns, in its order) as changes of
  /// kind `change_type`.
  Status Write(const std::shared_ptr<arrow::RecordBatch>& batch,
               std::string_view change_type);

  /// Finishes the files; their cdc actions (dataChange false).
  Result<std::vector<AddCdcFile>> Close();

  /// True when no row was written.
  bool empty() const { return rows_ == 0; }

 private:
  std::shared_ptr<arrow::Schema> schema_;  // the table's and _change_type
  PartitionedWriter writer_;
  int64_t rows_ = 0;
};

}  // namespace deltacpp
