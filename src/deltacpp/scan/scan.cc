#include "deltacpp/scan/scan.h"

#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/data_file_reader.h"
#include "deltacpp/scan/data_skipping.h"
#include "deltacpp/scan/row_filter.h"

namespace deltacpp {

Result<std::shared_ptr<Scan>> ScanBuilder::Build() const {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  const auto& table_schema = snapshot_->schema();
  if (limit_.has_value() && *limit_ < 0) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "scan limit ", *limit_,
                      " is negative");
  }
  if (batch_size_ < 1) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "scan batch size ", batch_size_,
                      " must be at least 1");
  }
  DELTACPP_ASSIGN_OR_RAISE(auto schema, internal::SelectFields(table_schema, columns_,
                                                               snapshot_->table_uri()));
  PredicatePtr filter;
  std::shared_ptr<const DataSkipping> skipping;
  auto read_schema = schema;
  if (filter_ != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(filter, BindPredicate(filter_, *table_schema));
    DELTACPP_ASSIGN_OR_RAISE(skipping, DataSkipping::Make(filter, *snapshot_));
    arrow::FieldVector read_fields = schema->fields();
    for (const auto& column : ReferencedColumns(filter)) {
      const auto& top_level = column->column[0];
      if (read_schema->GetFieldByName(top_level) != nullptr) continue;
      read_fields.push_back(table_schema->GetFieldByName(top_level));
      read_schema = arrow::schema(read_fields);
    }
  }
  if (parallelism_ < 1) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "scan parallelism ", parallelism_,
                      " must be at least 1");
  }
  auto context = std::make_shared<internal::ScanContext>();
  context->snapshot = snapshot_;
  context->read_schema = std::move(read_schema);
  context->output_schema = schema;
  context->output_columns = schema->num_fields();
  if (filter != nullptr) {
    DELTACPP_ASSIGN_OR_RAISE(context->row_filter,
                             ToArrowExpression(*filter).Bind(*context->read_schema));
  }
  DELTACPP_ASSIGN_OR_RAISE(
      context->mode, TableConfiguration(snapshot_->metadata()).column_mapping_mode());
  DELTACPP_RETURN_NOT_OK(context->Prepare(batch_size_));
  auto scan = std::shared_ptr<Scan>(new Scan());
  scan->snapshot_ = snapshot_;
  scan->schema_ = std::move(schema);
  scan->filter_ = std::move(filter);
  scan->skipping_ = std::move(skipping);
  scan->context_ = std::move(context);
  scan->limit_ = limit_;
  scan->parallelism_ = parallelism_;
  return scan;
}

Result<std::shared_ptr<arrow::RecordBatchReader>> Scan::Execute() const {
  return ExecuteFiles(Files());
}

Result<std::shared_ptr<arrow::RecordBatchReader>> Scan::ExecuteFiles(
    const std::vector<const AddFile*>& to_read) const {
  std::vector<internal::FileToRead> files;
  for (const AddFile* file : to_read) files.push_back(internal::FileToRead::Of(*file));
  // A small limit is served by the first file or two: no need to decode ahead.
  const bool small_limit = limit_.has_value() && *limit_ <= context_->parquet.batch_size;
  return internal::MakeFilesReader(context_, std::move(files), limit_,
                                   small_limit ? 1 : parallelism_);
}

Result<std::shared_ptr<arrow::Table>> Scan::ToTable() const {
  DELTACPP_ASSIGN_OR_RAISE(auto reader, Execute());
  return reader->ToTable();
}

std::vector<const AddFile*> Scan::Files() const {
  std::vector<const AddFile*> files;
  files.reserve(snapshot_->files().size());
  for (const auto& file : snapshot_->files()) {
    if (skipping_ == nullptr || skipping_->MayMatch(file)) files.push_back(&file);
  }
  return files;
}

}  // namespace deltacpp
