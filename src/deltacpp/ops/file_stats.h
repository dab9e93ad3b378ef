#pragma once

// Per-file statistics as writers record them in add.stats (PROTOCOL.md, "Per-file
// Statistics"): numRecords, and for the first N leaf columns minValues, maxValues and
// nullCount, so that readers can skip the file.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <arrow/record_batch.h>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

/// The leaf columns that get minValues, maxValues and nullCount. Leaves are counted
/// depth first, into structs; lists and maps are leaves with a null count only.
struct DELTACPP_EXPORT StatsColumns {
  /// The first this many leaves (delta.dataSkippingNumIndexedCols); -1 for all.
  int first_leaves = 32;
  /// When set, exactly these columns (delta.dataSkippingStatsColumns), each a path of
  /// names from a top-level column down; naming a struct names all its leaves.
  std::optional<std::vector<std::vector<std::string>>> named;

  /// From a table's configuration: delta.dataSkippingStatsColumns (comma-separated,
  /// dotted for nested fields, `backquoted` for names with dots or commas) wins over
  /// delta.dataSkippingNumIndexedCols (an integer >= -1). Fails with kInvalidArgument
  /// naming the property whose value is malformed.
  static Result<StatsColumns> FromConfiguration(const StringMap& configuration);
};

class DELTACPP_EXPORT FileStatsCollector {
 public:
  /// Collects for the leaves of `schema` that `columns` selects.
  explicit FileStatsCollector(std::shared_ptr<arrow::Schema> schema,
                              const StatsColumns& columns = {});
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

  struct Leaf;  // one leaf column's statistics so far (opaque)

 private:
  Status UpdateLeaf(Leaf& leaf, const std::shared_ptr<arrow::Array>& array);

  std::shared_ptr<arrow::Schema> schema_;
  std::vector<std::unique_ptr<Leaf>> leaves_;  // depth-first order
  // Paths (child indices) of the structs that hold a selected leaf.
  std::set<std::vector<int>> struct_paths_;
  int64_t num_records_ = 0;
};

}  // namespace deltacpp
