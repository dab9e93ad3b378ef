#include "deltacpp/ops/optimize.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <set>
#include <unordered_set>

#include <arrow/array.h>
#include <arrow/array/builder_base.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/exec.h>
#include <arrow/compute/expression.h>
#include <arrow/table.h>

#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/ops/commit_parts.h"
#include "deltacpp/ops/write_schema.h"
#include "deltacpp/ops/z_order.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/partition_values.h"
#include "deltacpp/scan/row_filter.h"
#include "deltacpp/scan/scan.h"

namespace deltacpp {

namespace {

using internal::JsonStringArray;

// Rows handed to the writer at once when a sorted partition is written out.
constexpr int64_t kWriteSliceRows = 64 * 1024;

Result<int64_t> TargetFileSize(const OptimizeOptions& options, const Metadata& metadata,
                               const std::string& table_uri) {
  int64_t target = kDefaultOptimizeTargetFileSize;
  if (options.target_file_size.has_value()) {
    target = *options.target_file_size;
  } else {
    auto property = TableConfiguration(metadata).target_file_size();
    if (!property.ok()) {
      return property.status().WithMessage("table ", table_uri, ": ",
                                           property.status().message());
    }
    target = property->value_or(target);
  }
  if (target < 1) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "the target file size must be at "
                      "least 1 byte, not ",
                      target);
  }
  return target;
}

// A top-level column of `schema` by name: exact, else the one differing only in case (as
// Spark resolves names); nullptr when there is none.
std::shared_ptr<arrow::Field> FindColumn(const arrow::Schema& schema,
                                         const std::string& name) {
  if (auto field = schema.GetFieldByName(name)) return field;
  std::shared_ptr<arrow::Field> found;
  auto lower = [](std::string text) {
    for (char& c : text)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  const std::string wanted = lower(name);
  for (const auto& field : schema.fields()) {
    if (lower(field->name()) != wanted) continue;
    if (found != nullptr) return nullptr;  // ambiguous
    found = field;
  }
  return found;
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string list;
  for (const auto& column : columns) list += (list.empty() ? "" : ", ") + column;
  return list.empty() ? "none" : list;
}

// The Z-order columns by their names in the table. Fails with kInvalidArgument for a
// column that is missing, a partition column or nested.
Result<std::vector<std::string>> ResolveZOrderColumns(
    const Snapshot& snapshot, const std::vector<std::string>& asked) {
  std::vector<std::string> columns;
  const auto& partitions = snapshot.partition_columns();
  for (const auto& name : asked) {
    auto field = FindColumn(*snapshot.schema(), name);
    if (field == nullptr) {
      std::vector<std::string> names;
      for (const auto& f : snapshot.schema()->fields()) names.push_back(f->name());
      return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot Z-order table ",
                        snapshot.table_uri(), " by '", name, "': no such column (it has ",
                        ColumnList(names), ")");
    }
    if (std::find(partitions.begin(), partitions.end(), field->name()) !=
        partitions.end()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot Z-order table ",
                        snapshot.table_uri(), " by '", field->name(),
                        "': it is a partition column, constant within each partition");
    }
    if (arrow::is_nested(field->type()->id())) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot Z-order table ",
                        snapshot.table_uri(), " by '", field->name(), "': it is a ",
                        DeltaTypeString(*field->type()), ", whose values have no order");
    }
    if (std::find(columns.begin(), columns.end(), field->name()) != columns.end()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "Z-order column '",
                        field->name(), "' is given twice");
    }
    columns.push_back(field->name());
  }
  return columns;
}

// Which of the partitions `partitions` a partition filter selects. Fails with
// kInvalidArgument for a filter that does not bind to the table or that reads a column
// that is no partition column.
Result<std::vector<bool>> SelectPartitions(
    const Snapshot& snapshot, const PredicatePtr& filter,
    const std::vector<PartitionValues>& partitions) {
  std::vector<bool> selected(partitions.size(), true);
  if (filter == nullptr) return selected;
  DELTACPP_ASSIGN_OR_RAISE(auto bound, BindPredicate(filter, *snapshot.schema()));
  const auto& partition_columns = snapshot.partition_columns();
  for (const auto& column : ReferencedColumns(bound)) {
    if (std::find(partition_columns.begin(), partition_columns.end(),
                  column->column[0]) == partition_columns.end()) {
      return DeltaError(
          DeltaErrorCode::kInvalidArgument, "the partition filter of OPTIMIZE on table ",
          snapshot.table_uri(), " may use partition columns only (",
          ColumnList(partition_columns), "), and '", column->column[0], "' is not one");
    }
  }
  // One row per partition, of its typed partition values.
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (const auto& name : partition_columns) {
    auto field = snapshot.schema()->GetFieldByName(name);
    if (field == nullptr) {
      return DeltaError(DeltaErrorCode::kCorruptLog, "table ", snapshot.table_uri(),
                        " has partition column '", name, "' missing from its schema");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto builder, arrow::MakeBuilder(field->type()));
    for (const auto& values : partitions) {
      auto value = values.find(name);
      std::optional<std::string> text;
      if (value != values.end()) text = value->second;
      DELTACPP_ASSIGN_OR_RAISE(auto scalar, ParsePartitionValue(text, field->type()));
      DELTACPP_RETURN_NOT_OK(builder->AppendScalar(*scalar));
    }
    DELTACPP_ASSIGN_OR_RAISE(auto array, builder->Finish());
    fields.push_back(field);
    arrays.push_back(std::move(array));
  }
  auto schema = arrow::schema(fields);
  auto batch =
      arrow::RecordBatch::Make(schema, static_cast<int64_t>(partitions.size()), arrays);
  DELTACPP_ASSIGN_OR_RAISE(auto expression, ToArrowExpression(*bound).Bind(*schema));
  DELTACPP_ASSIGN_OR_RAISE(auto holds, TrueRows(expression, *batch));
  for (size_t i = 0; i < partitions.size(); ++i) {
    selected[i] = holds->Value(static_cast<int64_t>(i));
  }
  return selected;
}

// Files rewritten together: into one file (compaction), or sorted into files of the
// target size (Z-order).
struct Bin {
  std::vector<const AddFile*> files;
  int64_t bytes = 0;
  bool has_deletion_vector = false;

  void Add(const AddFile* file) {
    files.push_back(file);
    bytes += file->size;
    has_deletion_vector |= file->deletion_vector.has_value();
  }
};

struct Plan {
  std::vector<Bin> bins;
  int64_t considered = 0;
  int64_t skipped = 0;
  int64_t partitions = 0;
};

// The live files of the selected partitions, by partition in order of first appearance,
// each in the snapshot's order (newest commit first).
Result<std::vector<std::vector<const AddFile*>>> FilesByPartition(
    const Snapshot& snapshot, const PredicatePtr& filter) {
  std::map<PartitionValues, size_t> index;
  std::vector<PartitionValues> partitions;
  std::vector<std::vector<const AddFile*>> files;
  for (const auto& file : snapshot.files()) {
    auto [entry, inserted] = index.try_emplace(file.partition_values, partitions.size());
    if (inserted) {
      partitions.push_back(file.partition_values);
      files.emplace_back();
    }
    files[entry->second].push_back(&file);
  }
  DELTACPP_ASSIGN_OR_RAISE(auto selected, SelectPartitions(snapshot, filter, partitions));
  std::vector<std::vector<const AddFile*>> chosen;
  for (size_t i = 0; i < files.size(); ++i) {
    if (selected[i]) chosen.push_back(std::move(files[i]));
  }
  return chosen;
}

Plan PlanCompaction(const std::vector<std::vector<const AddFile*>>& partitions,
                    int64_t target) {
  Plan plan;
  for (const auto& files : partitions) {
    plan.considered += static_cast<int64_t>(files.size());
    const size_t before = plan.bins.size();
    Bin current;
    auto close = [&] {
      if (current.files.empty()) return;
      // A lone file gains nothing from being rewritten, unless rows it deleted go.
      if (current.files.size() == 1 && !current.has_deletion_vector) {
        ++plan.skipped;
      } else {
        plan.bins.push_back(std::move(current));
      }
      current = Bin();
    };
    for (const AddFile* file : files) {
      const bool candidate = file->size < target || file->deletion_vector.has_value();
      if (!candidate) {
        // Large files stay, and groups do not reach across them: rows that were
        // written together stay together.
        close();
        ++plan.skipped;
        continue;
      }
      if (!current.files.empty() && current.bytes + file->size > target) close();
      current.Add(file);
    }
    close();
    if (plan.bins.size() > before) ++plan.partitions;
  }
  return plan;
}

Plan PlanZOrder(const std::vector<std::vector<const AddFile*>>& partitions) {
  Plan plan;
  for (const auto& files : partitions) {
    plan.considered += static_cast<int64_t>(files.size());
    Bin bin;
    for (const AddFile* file : files) bin.Add(file);
    plan.bins.push_back(std::move(bin));
    ++plan.partitions;
  }
  return plan;
}

void Count(FileSizeMetrics& metrics, int64_t size) {
  metrics.min = metrics.total_files == 0 ? size : std::min(metrics.min, size);
  metrics.max = std::max(metrics.max, size);
  ++metrics.total_files;
  metrics.total_size += size;
  metrics.avg =
      static_cast<double>(metrics.total_size) / static_cast<double>(metrics.total_files);
}

// (path, deletion vector) identifies a live file (PROTOCOL.md, "Action Reconciliation").
std::string FileKey(const std::string& path,
                    const std::optional<DeletionVectorDescriptor>& dv) {
  return dv.has_value() ? path + '\n' + dv->UniqueId() : path;
}

// Runs a plan: rewrites its bins and commits what they wrote.
class Optimizer {
 public:
  Optimizer(Table table, Transaction txn, const OptimizeOptions& options,
            std::vector<std::string> z_order, int64_t target, DataFileOptions files,
            std::shared_ptr<Scan> scan)
      : table_(std::move(table)),
        txn_(std::move(txn)),
        options_(options),
        z_order_(std::move(z_order)),
        target_(target),
        files_(std::move(files)),
        scan_(std::move(scan)),
        snapshot_(txn_->read_snapshot()),
        last_commit_(std::chrono::steady_clock::now()) {}

  Status Run(const Plan& plan, OptimizeResult& result) {
    result_ = &result;
    for (size_t i = 0; i < plan.bins.size(); ++i) {
      const Bin& bin = plan.bins[i];
      DELTACPP_RETURN_NOT_OK(z_order_.empty() ? Compact(bin) : Sort(bin));
      result.max_bin_files =
          std::max(result.max_bin_files, static_cast<int64_t>(bin.files.size()));
      progress_.groups_done = static_cast<int64_t>(i) + 1;
      progress_.groups = static_cast<int64_t>(plan.bins.size());
      if (options_.on_progress) options_.on_progress(progress_);
      const bool last = i + 1 == plan.bins.size();
      if (last || CommitDue()) DELTACPP_RETURN_NOT_OK(CommitPending(last));
    }
    return Status::OK();
  }

 private:
  bool CommitDue() const {
    if (!options_.min_commit_interval_ms.has_value()) return false;
    const auto elapsed = std::chrono::steady_clock::now() - last_commit_;
    return elapsed >= std::chrono::milliseconds(*options_.min_commit_interval_ms);
  }

  PartitionedWriter MakeWriter(int64_t target_file_size) const {
    DataFileOptions files = files_;
    files.target_file_size = target_file_size;
    return PartitionedWriter(table_.store(), snapshot_->schema(),
                             snapshot_->partition_columns(), std::move(files));
  }

  // The rows of `bin`'s files, in order, without deleted rows, in the table's schema.
  Result<std::vector<std::shared_ptr<arrow::RecordBatch>>> ReadBin(const Bin& bin) {
    DELTACPP_ASSIGN_OR_RAISE(auto reader, scan_->ExecuteFiles(bin.files));
    std::vector<std::shared_ptr<arrow::RecordBatch>> batches;
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      DELTACPP_RETURN_NOT_OK(reader->ReadNext(&batch));
      if (batch == nullptr) break;
      ++result_->num_batches;
      if (batch->num_rows() == 0) continue;
      DELTACPP_ASSIGN_OR_RAISE(batch, ConformBatch(*batch, *snapshot_->schema(), {}));
      batches.push_back(std::move(batch));
    }
    return batches;
  }

  // Compaction: the bin's rows, in order, into one file; a single file larger than the
  // target (rewritten for its deletion vector) into files of the target size.
  Status Compact(const Bin& bin) {
    PartitionedWriter writer = MakeWriter(bin.bytes > target_ ? target_ : 0);
    DELTACPP_ASSIGN_OR_RAISE(auto reader, scan_->ExecuteFiles(bin.files));
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      DELTACPP_RETURN_NOT_OK(reader->ReadNext(&batch));
      if (batch == nullptr) break;
      ++result_->num_batches;
      if (batch->num_rows() == 0) continue;
      DELTACPP_ASSIGN_OR_RAISE(batch, ConformBatch(*batch, *snapshot_->schema(), {}));
      DELTACPP_RETURN_NOT_OK(writer.Write(batch));
    }
    return Finish(bin, writer);
  }

  // Z-order: the bin's rows sorted by their Z-order key, in files of the target size.
  Status Sort(const Bin& bin) {
    DELTACPP_ASSIGN_OR_RAISE(auto batches, ReadBin(bin));
    PartitionedWriter writer = MakeWriter(target_);
    if (!batches.empty()) {
      DELTACPP_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(
                                               batches[0]->schema(), std::move(batches)));
      DELTACPP_ASSIGN_OR_RAISE(auto rows, table->CombineChunksToBatch());
      table.reset();
      std::vector<std::shared_ptr<arrow::Array>> keys;
      for (const auto& name : z_order_) keys.push_back(rows->GetColumnByName(name));
      DELTACPP_ASSIGN_OR_RAISE(auto order, ZOrderSortIndices(keys));
      for (int64_t offset = 0; offset < order->length(); offset += kWriteSliceRows) {
        DELTACPP_ASSIGN_OR_RAISE(
            auto taken,
            arrow::compute::Take(arrow::Datum(rows),
                                 arrow::Datum(order->Slice(offset, kWriteSliceRows))));
        DELTACPP_RETURN_NOT_OK(writer.Write(taken.record_batch()));
      }
    }
    return Finish(bin, writer);
  }

  // Records the bin's files as removed and what `writer` wrote as added.
  Status Finish(const Bin& bin, PartitionedWriter& writer) {
    DELTACPP_ASSIGN_OR_RAISE(auto added, writer.Close());
    const int64_t now = NowMillis();
    for (const AddFile* file : bin.files) {
      pending_removes_.push_back(internal::RemovalOf(*file, now, /*data_change=*/false));
    }
    progress_.files_removed += static_cast<int64_t>(bin.files.size());
    progress_.files_added += static_cast<int64_t>(added.size());
    for (auto& add : added) {
      add.data_change = false;
      pending_adds_.push_back(std::move(add));
    }
    return Status::OK();
  }

  // The transaction the next commit goes through: the one that planned, for the first;
  // a new one for later ones, on which the files to remove must still be live.
  Result<Transaction*> NextTransaction() {
    if (txn_.has_value()) return &*txn_;
    DELTACPP_ASSIGN_OR_RAISE(auto txn, Transaction::Begin(table_));
    const auto& current = txn.read_snapshot();
    if (current == nullptr) {
      return DeltaError(DeltaErrorCode::kConflict, "table ", table_.uri(),
                        " vanished while it was being optimized");
    }
    if (current->metadata().schema_string != snapshot_->metadata().schema_string ||
        current->partition_columns() != snapshot_->partition_columns() ||
        !(current->protocol() == snapshot_->protocol())) {
      return DeltaError(DeltaErrorCode::kConflict, "table ", table_.uri(),
                        " changed its schema, partitioning or protocol (version ",
                        current->version(), ") while it was being optimized");
    }
    std::unordered_set<std::string> live;
    for (const auto& file : current->files()) {
      live.insert(FileKey(file.path, file.deletion_vector));
    }
    for (const auto& remove : pending_removes_) {
      if (live.count(FileKey(remove.path, remove.deletion_vector)) == 0) {
        return DeltaError(DeltaErrorCode::kConflict, "file ", remove.path, " of table ",
                          table_.uri(), " was removed concurrently (before version ",
                          current->version(), ") while it was being optimized");
      }
    }
    txn_.emplace(std::move(txn));
    return &*txn_;
  }

  Status CommitPending(bool last) {
    if (pending_removes_.empty() && pending_adds_.empty()) return Status::OK();
    DELTACPP_ASSIGN_OR_RAISE(Transaction * txn, NextTransaction());
    Operation operation;
    operation.name = std::string(kOptimizeOperation);
    std::vector<std::string> predicate;
    if (options_.partition_filter != nullptr) {
      predicate.push_back(options_.partition_filter->ToString());
    }
    operation.parameters["predicate"] = JsonStringArray(predicate);
    operation.parameters["zOrderBy"] = JsonStringArray(z_order_);
    operation.parameters["clusterBy"] = "[]";
    operation.parameters["auto"] = "false";

    std::vector<int64_t> sizes;
    int64_t added_bytes = 0, removed_bytes = 0, dvs = 0;
    for (const auto& add : pending_adds_) {
      sizes.push_back(add.size);
      added_bytes += add.size;
      Count(result_->files_added, add.size);
    }
    for (const auto& remove : pending_removes_) {
      removed_bytes += remove.size.value_or(0);
      Count(result_->files_removed, remove.size.value_or(0));
      if (remove.deletion_vector.has_value()) {
        ++dvs;
        result_->num_deletion_vector_rows_removed += remove.deletion_vector->cardinality;
      }
    }
    std::sort(sizes.begin(), sizes.end());
    auto percentile = [&](size_t index) {
      return std::to_string(sizes.empty() ? 0 : sizes[index]);
    };
    const size_t count = sizes.size();
    operation.metrics = {
        {"numAddedFiles", std::to_string(pending_adds_.size())},
        {"numRemovedFiles", std::to_string(pending_removes_.size())},
        {"numAddedBytes", std::to_string(added_bytes)},
        {"numRemovedBytes", std::to_string(removed_bytes)},
        {"minFileSize", percentile(0)},
        {"p25FileSize", percentile(count / 4)},
        {"p50FileSize", percentile(count / 2)},
        {"p75FileSize", percentile(count * 3 / 4)},
        {"maxFileSize", percentile(count == 0 ? 0 : count - 1)},
        {"numDeletionVectorsRemoved", std::to_string(dvs)},
    };
    for (auto& remove : pending_removes_) txn->Remove(std::move(remove));
    for (auto& add : pending_adds_) txn->Add(std::move(add));
    if (last) {
      for (SetTransaction app : options_.app_transactions) {
        if (!app.last_updated) app.last_updated = NowMillis();
        txn->SetAppTransaction(std::move(app));
      }
    }
    DELTACPP_ASSIGN_OR_RAISE(const int64_t version,
                             txn->Commit(operation, options_.commit));
    result_->num_files_added += static_cast<int64_t>(count);
    result_->num_files_removed += static_cast<int64_t>(pending_removes_.size());
    result_->num_deletion_vectors_removed += dvs;
    result_->versions.push_back(version);
    result_->version = version;
    result_->committed = true;
    pending_removes_.clear();
    pending_adds_.clear();
    txn_.reset();
    last_commit_ = std::chrono::steady_clock::now();
    return Status::OK();
  }

  Table table_;
  std::optional<Transaction> txn_;
  const OptimizeOptions& options_;
  std::vector<std::string> z_order_;
  int64_t target_;
  DataFileOptions files_;
  std::shared_ptr<Scan> scan_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::chrono::steady_clock::time_point last_commit_;
  OptimizeResult* result_ = nullptr;
  OptimizeProgress progress_;
  std::vector<RemoveFile> pending_removes_;
  std::vector<AddFile> pending_adds_;
};

}  // namespace

Result<OptimizeResult> OptimizeTable(const std::string& table_uri,
                                     const OptimizeOptions& options) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_RETURN_NOT_OK(ValidateDataFileOptions(options.data_files));
  if (options.min_commit_interval_ms.has_value() && *options.min_commit_interval_ms < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "the minimum commit interval must not be negative");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto rewrite, internal::BeginRewrite(table_uri, "optimize"));
  auto& [table, txn] = rewrite;
  const auto snapshot = txn.read_snapshot();
  const Metadata& metadata = snapshot->metadata();
  DELTACPP_ASSIGN_OR_RAISE(const int64_t target,
                           TargetFileSize(options, metadata, table.uri()));
  DELTACPP_ASSIGN_OR_RAISE(auto z_order,
                           ResolveZOrderColumns(*snapshot, options.z_order_columns));
  DELTACPP_ASSIGN_OR_RAISE(auto partitions,
                           FilesByPartition(*snapshot, options.partition_filter));
  const Plan plan =
      z_order.empty() ? PlanCompaction(partitions, target) : PlanZOrder(partitions);

  OptimizeResult result;
  result.version = snapshot->version();
  result.target_file_size = target;
  result.z_order = !z_order.empty();
  result.preserve_insertion_order = z_order.empty();
  result.partitions_optimized = plan.partitions;
  result.total_considered_files = plan.considered;
  result.total_files_skipped = plan.skipped;
  if (plan.bins.empty()) return result;

  DataFileOptions files = options.data_files;
  DELTACPP_ASSIGN_OR_RAISE(files.stats_columns,
                           StatsColumns::FromConfiguration(metadata.configuration));
  DELTACPP_ASSIGN_OR_RAISE(auto scan, ScanBuilder(snapshot).Build());
  Optimizer optimizer(std::move(table), std::move(txn), options, std::move(z_order),
                      target, std::move(files), std::move(scan));
  DELTACPP_RETURN_NOT_OK(optimizer.Run(plan, result));
  return result;
}

}  // namespace deltacpp
