// Optimizing: DeltaTable.optimize (TableOptimizer.compact and z_order) over
// ops/optimize.h.

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/ops/optimize.h"
#include "deltacpp/python/bindings.h"
#include "deltacpp/python/errors.h"

namespace nb = nanobind;

namespace deltacpp::python {
namespace {

// (app id, version, last updated ms or None), as WriteRequest.app_transactions holds
// them.
using AppTransactions =
    std::vector<std::tuple<std::string, int64_t, std::optional<int64_t>>>;

nb::dict SizesDict(const FileSizeMetrics& sizes) {
  nb::dict out;
  out["min"] = sizes.min;
  out["max"] = sizes.max;
  out["avg"] = sizes.avg;
  out["total_files"] = sizes.total_files;
  out["total_size"] = sizes.total_size;
  return out;
}

nb::dict ResultDict(const OptimizeResult& result) {
  nb::dict out;
  out["version"] = result.version;
  out["committed"] = result.committed;
  out["versions"] = result.versions;
  out["target_size"] = result.target_file_size;
  out["z_order"] = result.z_order;
  out["num_files_added"] = result.num_files_added;
  out["num_files_removed"] = result.num_files_removed;
  out["files_added"] = SizesDict(result.files_added);
  out["files_removed"] = SizesDict(result.files_removed);
  out["partitions_optimized"] = result.partitions_optimized;
  out["num_batches"] = result.num_batches;
  out["total_considered_files"] = result.total_considered_files;
  out["total_files_skipped"] = result.total_files_skipped;
  out["preserve_insertion_order"] = result.preserve_insertion_order;
  out["max_bin_files"] = result.max_bin_files;
  out["num_deletion_vectors_removed"] = result.num_deletion_vectors_removed;
  return out;
}

}  // namespace

void BindOptimize(nb::module_& module) {
  module.def(
      "optimize",
      [](const std::string& uri, std::optional<std::string> partition_filter,
         std::optional<int64_t> target_size, std::vector<std::string> z_order,
         std::optional<int64_t> min_commit_interval_ms, const DataFileOptions& data_files,
         const CommitOptions& commit, const AppTransactions& app_transactions) {
        OptimizeResult result;
        {
          nb::gil_scoped_release released;
          OptimizeOptions options;
          if (partition_filter && !partition_filter->empty()) {
            options.partition_filter = ValueOrThrow(ParsePredicate(*partition_filter));
          }
          options.target_file_size = target_size;
          options.z_order_columns = std::move(z_order);
          options.min_commit_interval_ms = min_commit_interval_ms;
          options.data_files = data_files;
          options.commit = commit;
          for (const auto& [app_id, version, last_updated] : app_transactions) {
            options.app_transactions.push_back({app_id, version, last_updated});
          }
          result = ValueOrThrow(OptimizeTable(uri, options));
        }
        return ResultDict(result);
      },
      nb::arg("uri"), nb::arg("partition_filter").none(), nb::arg("target_size").none(),
      nb::arg("z_order"), nb::arg("min_commit_interval_ms").none(), nb::arg("data_files"),
      nb::arg("commit"), nb::arg("app_transactions"),
      "Compacts the table at `uri` (or, with `z_order` columns, Z-orders its "
      "partitions); "
      "returns the metrics.");
}

}  // namespace deltacpp::python
