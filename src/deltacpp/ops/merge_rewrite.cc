#include "deltacpp/ops/merge_rewrite.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>
#include <vector>

#include <arrow/array.h>
#include <arrow/array/builder_primitive.h>
#include <arrow/array/concatenate.h>
#include <arrow/compute/api_vector.h>
#include <arrow/table.h>
#include <arrow/type.h>
#include <arrow/util/string.h>

#include "deltacpp/common/ids.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/ops/change_data_writer.h"
#include "deltacpp/ops/commit_parts.h"
#include "deltacpp/ops/merge_join.h"
#include "deltacpp/ops/merge_plan.h"
#include "deltacpp/ops/write_constraints.h"
#include "deltacpp/ops/write_schema.h"
#include "deltacpp/scan/change_data.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/row_filter.h"
#include "deltacpp/scan/scan.h"

namespace deltacpp::internal {

namespace cp = arrow::compute;
using arrow::internal::AsciiEqualsCaseInsensitive;

namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start)
      .count();
}

// The rows of `batch` as one struct array of fields `fields` (the batch's columns).
Result<std::shared_ptr<arrow::Array>> StructOf(const arrow::RecordBatch& batch,
                                               const arrow::FieldVector& fields) {
  if (fields.empty()) {
    // No child to take the length from (an UPDATE's source has no columns).
    return std::make_shared<arrow::StructArray>(arrow::struct_({}), batch.num_rows(),
                                                arrow::ArrayVector{});
  }
  DELTACPP_ASSIGN_OR_RAISE(auto rows, arrow::StructArray::Make(batch.columns(), fields));
  return rows;
}

Result<std::shared_ptr<arrow::Array>> TakeRows(const std::shared_ptr<arrow::Array>& rows,
                                               const std::vector<int64_t>& indices) {
  arrow::Int64Builder builder;
  DELTACPP_RETURN_NOT_OK(builder.AppendValues(indices));
  DELTACPP_ASSIGN_OR_RAISE(auto index_array, builder.Finish());
  DELTACPP_ASSIGN_OR_RAISE(auto taken, cp::Take(rows, index_array));
  return taken.make_array();
}

Result<std::shared_ptr<arrow::RecordBatch>> TakeBatchRows(
    const std::shared_ptr<arrow::RecordBatch>& batch,
    const std::vector<int64_t>& indices) {
  arrow::Int64Builder builder;
  DELTACPP_RETURN_NOT_OK(builder.AppendValues(indices));
  DELTACPP_ASSIGN_OR_RAISE(auto index_array, builder.Finish());
  DELTACPP_ASSIGN_OR_RAISE(auto taken, cp::Take(arrow::Datum(batch), index_array));
  return taken.record_batch();
}

std::vector<int64_t> TrueIndices(const arrow::BooleanArray& mask) {
  std::vector<int64_t> indices;
  indices.reserve(mask.true_count());
  for (int64_t i = 0; i < mask.length(); ++i) {
    if (mask.IsValid(i) && mask.Value(i)) indices.push_back(i);
  }
  return indices;
}

// The rows a clause makes from joined rows, as `rules` want them (table order,
// generated columns computed, constraints checked).
Result<std::shared_ptr<arrow::RecordBatch>> MakeRows(const RowMaker& maker,
                                                     const arrow::RecordBatch& joined,
                                                     const WriteConstraints& rules,
                                                     const std::string& when) {
  arrow::ArrayVector columns;
  for (size_t i = 0; i < maker.values.size(); ++i) {
    auto values = EvaluateRows(maker.values[i], joined);
    if (!values.ok()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, when, " clause: the value of ",
                        maker.schema->field(static_cast<int>(i))->name(), ": ",
                        values.status().message());
    }
    columns.push_back(*std::move(values));
  }
  auto batch =
      arrow::RecordBatch::Make(maker.schema, joined.num_rows(), std::move(columns));
  auto checked = rules.Apply(batch);
  if (!checked.ok()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, when,
                      " clause: ", checked.status().message(), "; nothing was committed");
  }
  return checked;
}

Status MultipleMatches(const arrow::RecordBatch& target, int64_t row, int64_t matches) {
  std::string sample = "{";
  for (int i = 0; i < target.num_columns() && i < 8; ++i) {
    auto scalar = target.column(i)->GetScalar(row);
    sample += (i == 0 ? "" : ", ") + target.schema()->field(i)->name() + ": " +
              (scalar.ok() ? (*scalar)->ToString() : "?");
  }
  sample += target.num_columns() > 8 ? ", ...}" : "}";
  return DeltaError(DeltaErrorCode::kInvalidArgument, matches,
                    " source rows match the same target row ", sample,
                    ": with WHEN MATCHED clauses (but a lone unconditional DELETE) a "
                    "target row may match at most one source row (make the merge "
                    "condition or the source unique); nothing was committed");
}

// Runs the merge over the target's files, one at a time.
class Merger {
 public:
  // `by_source_label` names the WHEN NOT MATCHED BY SOURCE clauses in errors.
  Merger(const Sides& sides, const MergePlan& plan, const SourceIndex& index,
         const std::shared_ptr<arrow::RecordBatch>& joined_source,
         const WriteConstraints& rules, PartitionedWriter& writer,
         ChangeDataWriter* changes, MergeResult& result, std::string by_source_label)
      : sides_(sides),
        plan_(plan),
        index_(index),
        joined_source_(joined_source),
        source_struct_(joined_source->column(1)),
        rules_(rules),
        writer_(writer),
        changes_(changes),
        result_(result),
        by_source_label_(std::move(by_source_label)),
        source_matched_(joined_source->num_rows(), false) {}

  // Merges the rows of one target file; true when it is written again (and must go).
  Result<bool> MergeFile(arrow::RecordBatchReader& rows) {
    std::vector<std::shared_ptr<arrow::RecordBatch>> output;
    bool changed = false;
    FileCounts counts;
    while (true) {
      std::shared_ptr<arrow::RecordBatch> batch;
      DELTACPP_RETURN_NOT_OK(rows.ReadNext(&batch));
      if (batch == nullptr) break;
      if (batch->num_columns() != sides_.target->num_fields()) {
        // Schema evolution: the columns the merge adds are null in existing rows.
        DELTACPP_ASSIGN_OR_RAISE(batch, ConformBatch(*batch, *sides_.target, {}));
      }
      DELTACPP_ASSIGN_OR_RAISE(auto merged, MergeBatch(batch, counts));
      changed = changed || merged.second;
      if (plan_.RewritesTarget()) output.push_back(std::move(merged.first));
    }
    if (!changed) return false;
    result_.num_target_rows_copied += counts.copied;
    for (const auto& batch : output) {
      if (batch->num_rows() > 0) DELTACPP_RETURN_NOT_OK(writer_.Write(batch));
    }
    return true;
  }

  // The source rows no target row matched, through the WHEN NOT MATCHED clauses.
  Status InsertUnmatched() {
    if (plan_.not_matched().empty()) return Status::OK();
    std::vector<int64_t> unmatched;
    for (int64_t i = 0; i < static_cast<int64_t>(source_matched_.size()); ++i) {
      if (!source_matched_[i]) unmatched.push_back(i);
    }
    if (unmatched.empty()) return Status::OK();
    DELTACPP_ASSIGN_OR_RAISE(auto source_rows, TakeRows(source_struct_, unmatched));
    DELTACPP_ASSIGN_OR_RAISE(auto joined,
                             sides_.Join(nullptr, source_rows, source_rows->length()));
    std::vector<int64_t> ignored(joined->num_rows());
    DELTACPP_ASSIGN_OR_RAISE(
        auto made, ApplyClauses(plan_.not_matched(), "WHEN NOT MATCHED", joined, ignored,
                                nullptr, &result_.num_target_rows_inserted, nullptr));
    for (const auto& batch : made) {
      DELTACPP_RETURN_NOT_OK(writer_.Write(batch.rows));
      if (changes_ != nullptr)
        DELTACPP_RETURN_NOT_OK(changes_->Write(batch.rows, "insert"));
    }
    return Status::OK();
  }

 private:
  struct FileCounts {
    int64_t copied = 0;
  };

  // Rows a clause made for some target rows (row i of `rows` replaces target row
  // target_rows[i]).
  struct MadeRows {
    std::shared_ptr<arrow::RecordBatch> rows;
    std::vector<int64_t> target_rows;
  };

  // Tries `clauses` in order on the joined rows; each row takes the first whose
  // condition holds. Rows of updates and inserts are returned; deleted rows get true
  // in `deleted` (by target_row_of). Counts go to *updated, *inserted and *deleted.
  Result<std::vector<MadeRows>> ApplyClauses(
      const std::vector<BoundClause>& clauses, const std::string& when,
      const std::shared_ptr<arrow::RecordBatch>& joined_rows,
      const std::vector<int64_t>& target_row_of, std::vector<bool>* deleted,
      int64_t* made, int64_t* removed) {
    const arrow::RecordBatch& joined = *joined_rows;
    std::vector<MadeRows> out;
    std::vector<bool> taken(joined.num_rows(), false);
    int64_t left = joined.num_rows();
    for (const auto& bound : clauses) {
      if (left == 0) break;
      std::shared_ptr<arrow::BooleanArray> holds;
      if (bound.condition) {
        DELTACPP_ASSIGN_OR_RAISE(holds, TrueRows(*bound.condition, joined));
      }
      std::vector<int64_t> applies;
      for (int64_t i = 0; i < joined.num_rows(); ++i) {
        if (taken[i] || (holds != nullptr && !holds->Value(i))) continue;
        taken[i] = true;
        applies.push_back(i);
      }
      left -= static_cast<int64_t>(applies.size());
      if (applies.empty()) continue;
      if (bound.clause.action == MergeAction::kDelete) {
        for (int64_t i : applies) (*deleted)[target_row_of[i]] = true;
        *removed += static_cast<int64_t>(applies.size());
        continue;
      }
      std::shared_ptr<arrow::RecordBatch> subset;
      if (static_cast<int64_t>(applies.size()) == joined.num_rows()) {
        subset = joined_rows;
      } else {
        DELTACPP_ASSIGN_OR_RAISE(auto target_rows, TakeRows(joined.column(0), applies));
        DELTACPP_ASSIGN_OR_RAISE(auto source_rows, TakeRows(joined.column(1), applies));
        DELTACPP_ASSIGN_OR_RAISE(
            subset,
            sides_.Join(target_rows, source_rows, static_cast<int64_t>(applies.size())));
      }
      DELTACPP_ASSIGN_OR_RAISE(auto rows, MakeRows(*bound.row, *subset, rules_, when));
      MadeRows result{std::move(rows), {}};
      for (int64_t i : applies) result.target_rows.push_back(target_row_of[i]);
      *made += static_cast<int64_t>(applies.size());
      out.push_back(std::move(result));
    }
    return out;
  }

  // The change data of one batch: each updated row before and after, each deleted one.
  Status RecordChanges(const std::shared_ptr<arrow::RecordBatch>& batch,
                       const std::vector<MadeRows>& updates,
                       const std::vector<bool>& deleted) {
    for (const auto& made : updates) {
      DELTACPP_ASSIGN_OR_RAISE(auto before, TakeBatchRows(batch, made.target_rows));
      DELTACPP_RETURN_NOT_OK(changes_->Write(before, "update_preimage"));
      DELTACPP_RETURN_NOT_OK(changes_->Write(made.rows, "update_postimage"));
    }
    std::vector<int64_t> gone;
    for (int64_t i = 0; i < static_cast<int64_t>(deleted.size()); ++i) {
      if (deleted[i]) gone.push_back(i);
    }
    if (gone.empty()) return Status::OK();
    DELTACPP_ASSIGN_OR_RAISE(auto rows, TakeBatchRows(batch, gone));
    return changes_->Write(rows, "delete");
  }

  // One batch of a target file: (its rows after the merge, whether any changed).
  Result<std::pair<std::shared_ptr<arrow::RecordBatch>, bool>> MergeBatch(
      const std::shared_ptr<arrow::RecordBatch>& batch, FileCounts& counts) {
    const int64_t rows = batch->num_rows();
    DELTACPP_ASSIGN_OR_RAISE(auto target_struct,
                             StructOf(*batch, sides_.target->fields()));
    DELTACPP_ASSIGN_OR_RAISE(auto joined_target,
                             sides_.Join(target_struct, nullptr, rows));
    DELTACPP_ASSIGN_OR_RAISE(auto groups, index_.Lookup(plan_, *joined_target));

    // Candidate pairs, cut down by the rest of the condition in chunks.
    constexpr size_t kChunk = size_t{1} << 16;
    std::vector<int64_t> pair_target, pair_source, chunk_target, chunk_source;
    auto flush = [&]() -> Status {
      if (chunk_target.empty()) return Status::OK();
      if (!plan_.residual()) {
        pair_target.insert(pair_target.end(), chunk_target.begin(), chunk_target.end());
        pair_source.insert(pair_source.end(), chunk_source.begin(), chunk_source.end());
      } else {
        DELTACPP_ASSIGN_OR_RAISE(auto t, TakeRows(target_struct, chunk_target));
        DELTACPP_ASSIGN_OR_RAISE(auto s, TakeRows(source_struct_, chunk_source));
        DELTACPP_ASSIGN_OR_RAISE(
            auto pairs, sides_.Join(t, s, static_cast<int64_t>(chunk_target.size())));
        DELTACPP_ASSIGN_OR_RAISE(auto holds, TrueRows(*plan_.residual(), *pairs));
        for (int64_t i : TrueIndices(*holds)) {
          pair_target.push_back(chunk_target[i]);
          pair_source.push_back(chunk_source[i]);
        }
      }
      chunk_target.clear();
      chunk_source.clear();
      return Status::OK();
    };
    for (int64_t i = 0; i < rows; ++i) {
      if (groups[i] < 0) continue;
      auto [begin, end] = index_.Rows(groups[i]);
      for (const int64_t* s = begin; s != end; ++s) {
        chunk_target.push_back(i);
        chunk_source.push_back(*s);
        if (chunk_target.size() >= kChunk) DELTACPP_RETURN_NOT_OK(flush());
      }
    }
    DELTACPP_RETURN_NOT_OK(flush());

    std::vector<int32_t> matches(rows, 0);
    bool multiple = false;
    for (size_t p = 0; p < pair_target.size(); ++p) {
      const int64_t t = pair_target[p];
      if (++matches[t] > 1) {
        multiple = true;
        if (!plan_.AllowsMultipleMatches()) {
          int64_t count = 0;
          for (int64_t other : pair_target) count += other == t ? 1 : 0;
          return MultipleMatches(*batch, t, count);
        }
      }
      source_matched_[pair_source[p]] = true;
    }
    if (!plan_.RewritesTarget()) return std::make_pair(batch, false);
    if (multiple && !plan_.matched().empty()) {
      // One unconditional DELETE: each target row is deleted (and counted) once.
      std::vector<bool> seen(rows, false);
      size_t kept = 0;
      for (size_t p = 0; p < pair_target.size(); ++p) {
        if (seen[pair_target[p]]) continue;
        seen[pair_target[p]] = true;
        pair_target[kept] = pair_target[p];
        pair_source[kept] = pair_source[p];
        ++kept;
      }
      pair_target.resize(kept);
      pair_source.resize(kept);
    }

    std::vector<bool> deleted(rows, false);
    std::vector<MadeRows> updates;
    if (!pair_target.empty() && !plan_.matched().empty()) {
      DELTACPP_ASSIGN_OR_RAISE(auto t, TakeRows(target_struct, pair_target));
      DELTACPP_ASSIGN_OR_RAISE(auto s, TakeRows(source_struct_, pair_source));
      DELTACPP_ASSIGN_OR_RAISE(
          auto pairs, sides_.Join(t, s, static_cast<int64_t>(pair_target.size())));
      DELTACPP_ASSIGN_OR_RAISE(
          updates, ApplyClauses(plan_.matched(), "WHEN MATCHED", pairs, pair_target,
                                &deleted, &result_.num_target_rows_matched_updated,
                                &result_.num_target_rows_matched_deleted));
    }
    if (!plan_.not_matched_by_source().empty()) {
      std::vector<int64_t> unmatched;
      for (int64_t i = 0; i < rows; ++i) {
        if (matches[i] == 0) unmatched.push_back(i);
      }
      if (!unmatched.empty()) {
        DELTACPP_ASSIGN_OR_RAISE(auto t, TakeRows(target_struct, unmatched));
        DELTACPP_ASSIGN_OR_RAISE(auto lone, sides_.Join(t, nullptr, t->length()));
        DELTACPP_ASSIGN_OR_RAISE(
            auto more,
            ApplyClauses(plan_.not_matched_by_source(), by_source_label_, lone, unmatched,
                         &deleted, &result_.num_target_rows_not_matched_by_source_updated,
                         &result_.num_target_rows_not_matched_by_source_deleted));
        for (auto& made : more) updates.push_back(std::move(made));
      }
    }
    const bool any_deleted =
        std::find(deleted.begin(), deleted.end(), true) != deleted.end();
    if (updates.empty() && !any_deleted) {
      counts.copied += rows;
      return std::make_pair(batch, false);
    }
    if (changes_ != nullptr)
      DELTACPP_RETURN_NOT_OK(RecordChanges(batch, updates, deleted));
    // The batch's rows in their order: deleted ones left out, updated ones replaced.
    std::vector<int64_t> replacement(rows, -1);
    arrow::RecordBatchVector parts = {batch};
    int64_t offset = rows;
    for (const auto& made : updates) {
      for (size_t i = 0; i < made.target_rows.size(); ++i) {
        replacement[made.target_rows[i]] = offset + static_cast<int64_t>(i);
      }
      offset += made.rows->num_rows();
      parts.push_back(made.rows);
    }
    std::vector<int64_t> order;
    order.reserve(rows);
    for (int64_t i = 0; i < rows; ++i) {
      if (deleted[i]) continue;
      if (replacement[i] >= 0) {
        order.push_back(replacement[i]);
      } else {
        order.push_back(i);
        ++counts.copied;
      }
    }
    arrow::ArrayVector columns;
    for (int c = 0; c < batch->num_columns(); ++c) {
      arrow::ArrayVector pieces;
      for (const auto& part : parts) pieces.push_back(part->column(c));
      DELTACPP_ASSIGN_OR_RAISE(auto combined, arrow::Concatenate(pieces));
      DELTACPP_ASSIGN_OR_RAISE(auto taken, TakeRows(combined, order));
      columns.push_back(std::move(taken));
    }
    return std::make_pair(
        arrow::RecordBatch::Make(batch->schema(), static_cast<int64_t>(order.size()),
                                 std::move(columns)),
        true);
  }

  const Sides& sides_;
  const MergePlan& plan_;
  const SourceIndex& index_;
  std::shared_ptr<arrow::RecordBatch> joined_source_;
  std::shared_ptr<arrow::Array> source_struct_;
  const WriteConstraints& rules_;
  PartitionedWriter& writer_;
  ChangeDataWriter* changes_;  // null without the change data feed
  MergeResult& result_;
  std::string by_source_label_;
  std::vector<bool> source_matched_;
};

// The source's rows as one batch, with Delta's types; a column named as a target column
// and of a narrower type (that a write would widen) takes the target's type, but for a
// struct that lacks some of the column's fields when `allow_missing` is false (a merge
// sets such a value only with schema evolution: MakeRow says why).
Result<std::shared_ptr<arrow::RecordBatch>> ReadSource(arrow::RecordBatchReader& source,
                                                       const arrow::Schema& target,
                                                       const std::string& table_uri,
                                                       bool allow_missing) {
  DELTACPP_ASSIGN_OR_RAISE(auto storage, StorageSchema(*source.schema()));
  arrow::FieldVector fields;
  for (const auto& field : storage->fields()) {
    auto in_target = Sides::Find(target, field->name());
    if (in_target != nullptr && !in_target->type()->Equals(*field->type())) {
      auto widened = ResolveWriteSchema(
          arrow::schema({in_target}), arrow::schema({field->WithName(in_target->name())}),
          SchemaMode::kReject, {}, table_uri);
      const bool fields_agree = NestedFieldMismatch(*field->type(), *in_target->type(),
                                                    allow_missing, in_target->name())
                                    .empty();
      if (widened.ok() && fields_agree) {
        fields.push_back(field->WithType(in_target->type()));
        continue;
      }
    }
    fields.push_back(field);
  }
  auto schema = arrow::schema(std::move(fields));
  arrow::RecordBatchVector batches;
  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DELTACPP_RETURN_NOT_OK(source.ReadNext(&batch));
    if (batch == nullptr) break;
    DELTACPP_ASSIGN_OR_RAISE(auto conformed, ConformBatch(*batch, *schema, {}));
    batches.push_back(std::move(conformed));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto table, arrow::Table::FromRecordBatches(schema, batches));
  DELTACPP_ASSIGN_OR_RAISE(auto combined, table->CombineChunksToBatch());
  return combined;
}

// The table's schema with the source's columns it lacks that an UPDATE SET * or INSERT *
// clause takes (but its except columns) appended, nullable (schema evolution).
std::shared_ptr<arrow::Schema> EvolvedSchema(const std::shared_ptr<arrow::Schema>& table,
                                             const arrow::Schema& source,
                                             const MergeOptions& options) {
  arrow::FieldVector fields = table->fields();
  auto add_from = [&](const MergeClause& clause) {
    if (!clause.all_columns) return;
    for (const auto& field : source.fields()) {
      const bool excepted =
          std::any_of(clause.except_columns.begin(), clause.except_columns.end(),
                      [&](const std::string& name) {
                        return AsciiEqualsCaseInsensitive(name, field->name());
                      });
      const bool known = std::any_of(fields.begin(), fields.end(), [&](const auto& have) {
        return AsciiEqualsCaseInsensitive(have->name(), field->name());
      });
      if (!excepted && !known) fields.push_back(field->WithNullable(true));
    }
  };
  for (const auto& clause : options.when_matched) add_from(clause);
  for (const auto& clause : options.when_not_matched) add_from(clause);
  return arrow::schema(std::move(fields));
}

}  // namespace

Result<MergeResult> RunMerge(const std::string& table_uri,
                             arrow::RecordBatchReader& source, const PredicatePtr& on,
                             const MergeOptions& options, const OperationKind& kind) {
  const auto started = Clock::now();
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_RETURN_NOT_OK(ValidateDataFileOptions(options.data_files));
  DELTACPP_ASSIGN_OR_RAISE(
      auto rewrite,
      BeginRewrite(table_uri, kind.name == "MERGE" ? "merge into" : "update"));
  auto& [table, txn] = rewrite;
  const auto& snapshot = txn.read_snapshot();
  const Metadata& metadata = snapshot->metadata();
  DELTACPP_ASSIGN_OR_RAISE(
      auto source_batch,
      ReadSource(source, *snapshot->schema(), table.uri(), options.merge_schema));
  std::shared_ptr<arrow::Schema> schema = snapshot->schema();
  if (options.merge_schema) {
    schema = EvolvedSchema(schema, *source_batch->schema(), options);
    if (schema->num_fields() > snapshot->schema()->num_fields()) {
      Metadata evolved = metadata;
      DELTACPP_ASSIGN_OR_RAISE(evolved.schema_string, SchemaToJson(*schema));
      DELTACPP_RETURN_NOT_OK(CheckProtocolCovers(snapshot->protocol(), *schema, evolved));
      txn.SetMetadata(std::move(evolved));
    }
  }
  DELTACPP_ASSIGN_OR_RAISE(auto rules,
                           WriteConstraints::Make(schema, metadata.configuration));
  const Sides sides = Sides::Make(options, schema, source_batch->schema());
  DELTACPP_ASSIGN_OR_RAISE(auto plan,
                           MergePlan::Make(sides, on, options, rules, kind.by_source));
  DELTACPP_ASSIGN_OR_RAISE(auto source_struct,
                           StructOf(*source_batch, sides.source->fields()));
  DELTACPP_ASSIGN_OR_RAISE(auto joined_source,
                           sides.Join(nullptr, source_struct, source_batch->num_rows()));
  DELTACPP_ASSIGN_OR_RAISE(auto index, SourceIndex::Make(plan, *joined_source));

  MergeResult result;
  result.num_source_rows = source_batch->num_rows();
  const PredicatePtr file_filter = FileFilter(plan, index, result.num_source_rows);
  DELTACPP_ASSIGN_OR_RAISE(auto all_files, ScanBuilder(snapshot).Build());
  std::shared_ptr<Scan> candidates = all_files;
  if (file_filter != nullptr) {
    // A filter that does not bind (a literal of the source's type that the target's
    // column cannot take) only costs reading more files.
    auto filtered = ScanBuilder(snapshot).Filter(file_filter).Build();
    if (filtered.ok()) candidates = *std::move(filtered);
  }
  const auto files = candidates->Files();
  result.num_target_files_scanned = static_cast<int64_t>(files.size());
  result.num_target_files_skipped =
      static_cast<int64_t>(snapshot->files().size()) - result.num_target_files_scanned;

  DataFileOptions file_options = options.data_files;
  DELTACPP_ASSIGN_OR_RAISE(file_options.stats_columns,
                           StatsColumns::FromConfiguration(metadata.configuration));
  PartitionedWriter writer(table.store(), schema, snapshot->partition_columns(),
                           std::move(file_options));
  std::optional<ChangeDataWriter> changes;
  if (TableConfiguration(metadata).change_data_feed_enabled()) {
    changes.emplace(table.store(), schema, snapshot->partition_columns(),
                    options.data_files);
  }
  Merger merger(sides, plan, index, joined_source, rules, writer,
                changes ? &*changes : nullptr, result, kind.by_source);
  // Every row of a file is needed to write it again; only matching it needs the rest.
  DELTACPP_ASSIGN_OR_RAISE(auto reader_scan,
                           ScanBuilder(snapshot).Parallelism(1).Build());
  const int64_t now = NowMillis();
  std::vector<RemoveFile> removed;
  for (const AddFile* file : files) {
    DELTACPP_ASSIGN_OR_RAISE(auto rows, reader_scan->ExecuteFiles({file}));
    DELTACPP_ASSIGN_OR_RAISE(bool rewritten, merger.MergeFile(*rows));
    if (!rewritten) continue;
    removed.push_back(RemovalOf(*file, now));
    result.num_target_bytes_removed += file->size;
  }
  result.scan_time_ms = MillisSince(started);
  const auto rewrite_started = Clock::now();
  DELTACPP_RETURN_NOT_OK(merger.InsertUnmatched());
  DELTACPP_ASSIGN_OR_RAISE(auto added, writer.Close());
  std::vector<AddCdcFile> change_files;
  if (changes) {
    DELTACPP_ASSIGN_OR_RAISE(change_files, changes->Close());
  }
  result.rewrite_time_ms = MillisSince(rewrite_started);
  result.num_target_change_files_added = static_cast<int64_t>(change_files.size());
  result.num_target_rows_updated = result.num_target_rows_matched_updated +
                                   result.num_target_rows_not_matched_by_source_updated;
  result.num_target_rows_deleted = result.num_target_rows_matched_deleted +
                                   result.num_target_rows_not_matched_by_source_deleted;
  result.num_output_rows = result.num_target_rows_copied +
                           result.num_target_rows_updated +
                           result.num_target_rows_inserted;
  result.num_target_files_added = static_cast<int64_t>(added.size());
  result.num_target_files_removed = static_cast<int64_t>(removed.size());
  for (const auto& add : added) result.num_target_bytes_added += add.size;
  if (added.empty() && removed.empty()) {
    result.version = snapshot->version();
    result.execution_time_ms = MillisSince(started);
    return result;
  }
  // What it rewrote was decided from what it read: concurrent changes conflict.
  txn.SetReadsData(true);
  for (auto& remove : removed) txn.Remove(std::move(remove));
  for (auto& add : added) txn.Add(std::move(add));
  for (auto& change : change_files) txn.AddChangeFile(std::move(change));
  for (SetTransaction app : options.app_transactions) {
    if (!app.last_updated) app.last_updated = NowMillis();
    txn.SetAppTransaction(std::move(app));
  }
  result.execution_time_ms = MillisSince(started);
  const Operation operation = kind.operation(result);
  DELTACPP_ASSIGN_OR_RAISE(result.version, txn.Commit(operation, options.commit));
  result.committed = true;
  return result;
}

}  // namespace deltacpp::internal
