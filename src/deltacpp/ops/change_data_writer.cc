#include "deltacpp/ops/change_data_writer.h"

#include <arrow/array/util.h>
#include <arrow/scalar.h>

#include "deltacpp/scan/change_data.h"

namespace deltacpp {

namespace {

std::shared_ptr<arrow::Schema> WithChangeType(const arrow::Schema& table_schema) {
  arrow::FieldVector fields = table_schema.fields();
  fields.push_back(arrow::field(std::string(kChangeTypeColumn), arrow::utf8()));
  return arrow::schema(std::move(fields));
}

}  // namespace

ChangeDataWriter::ChangeDataWriter(std::shared_ptr<ObjectStore> store,
                                   const std::shared_ptr<arrow::Schema>& table_schema,
                                   std::vector<std::string> partition_columns,
                                   DataFileOptions options)
    : schema_(WithChangeType(*table_schema)),
      writer_(std::move(store), schema_, std::move(partition_columns), [&] {
        // Change data files are read whole by feed readers: no statistics (the cdc
        // action has no place for them).
        options.stats_columns.first_leaves = 0;
        options.stats_columns.named.reset();
        return std::move(options);
      }()) {
  writer_.set_location("_change_data/", "cdc");
}

Status ChangeDataWriter::Write(const std::shared_ptr<arrow::RecordBatch>& batch,
                               std::string_view change_type) {
  if (batch->num_rows() == 0) return Status::OK();
  DELTACPP_ASSIGN_OR_RAISE(
      auto kinds, arrow::MakeArrayFromScalar(
                      arrow::StringScalar(std::string(change_type)), batch->num_rows()));
  arrow::ArrayVector columns = batch->columns();
  columns.push_back(std::move(kinds));
  rows_ += batch->num_rows();
  return writer_.Write(arrow::RecordBatch::Make(schema_, batch->num_rows(), columns));
}

Result<std::vector<AddCdcFile>> ChangeDataWriter::Close() {
  DELTACPP_ASSIGN_OR_RAISE(auto files, writer_.Close());
  std::vector<AddCdcFile> changes;
  for (auto& file : files) {
    AddCdcFile change;
    change.path = std::move(file.path);
    change.partition_values = std::move(file.partition_values);
    change.size = file.size;
    change.data_change = false;
    changes.push_back(std::move(change));
  }
  return changes;
}

}  // namespace deltacpp
