#pragma once

// Per-file statistics as writers record them in add.stats (PROTOCOL.md, "Per-file
// Statistics"): numRecords, and for the first N leaf columns minValues, maxValues and
// nullCount, so that readers can skip the file.

#include <memory>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

class DELTACPP_EXPORT FileStatsCollector {
 public:
  /// Collects for the first `indexed_columns` leaf columns of `schema` (depth first,
  /// into structs; lists and maps count as leaves with a null count only).
  FileStatsCollector(std::shared_ptr<arrow::Schema> schema, int indexed_columns = 32);
  ~FileStatsCollector();
  FileStatsCollector(FileStatsCollector&&) noexcept;
  FileStatsCollector& operator=(FileStatsCollector&&) noexcept;

  /// Takes the rows of one batch of `schema`.
  Status Update(const arrow::RecordBatch& batch);

  /// The stats JSON. Strings longer than 32 characters keep a 32-character prefix as
  /// minimum and no maximum; timestamps are written in milliseconds (truncated down, as
  /// readers expect); a float column that held NaN gets no minimum or maximum.
  std::string ToJson() const;

  int64_t num_records() const { return num_records_; }

 private:
  struct Leaf;
  Status UpdateLeaf(Leaf& leaf, const std::shared_ptr<arrow::Array>& array);

  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::unique_ptr<Leaf>> leaves_;
  int64_t num_records_ = 0;
};

}  // namespace deltacpp
