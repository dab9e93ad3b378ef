#include "deltacpp/cli/table_printer.h"

#include <algorithm>
#include <string>
#include <vector>

#include <arrow/array.h>
#include <arrow/scalar.h>

namespace deltacpp::cli {

namespace {

Result<std::string> CellText(const arrow::Array& column, int64_t row) {
  if (column.IsNull(row)) return std::string("null");
  DELTACPP_ASSIGN_OR_RAISE(auto scalar, column.GetScalar(row));
  if (scalar->type->id() == arrow::Type::STRING) {
    return std::string(static_cast<const arrow::StringScalar&>(*scalar).view());
  }
  return scalar->ToString();
}

}  // namespace

Status PrintTable(arrow::RecordBatchReader& reader, std::ostream& out) {
  const auto schema = reader.schema();
  const int num_columns = schema->num_fields();
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> widths(num_columns);
  for (int i = 0; i < num_columns; ++i) widths[i] = schema->field(i)->name().size();

  while (true) {
    std::shared_ptr<arrow::RecordBatch> batch;
    DELTACPP_RETURN_NOT_OK(reader.ReadNext(&batch));
    if (batch == nullptr) break;
    for (int64_t row = 0; row < batch->num_rows(); ++row) {
      std::vector<std::string> cells(num_columns);
      for (int i = 0; i < num_columns; ++i) {
        DELTACPP_ASSIGN_OR_RAISE(cells[i], CellText(*batch->column(i), row));
        widths[i] = std::max(widths[i], cells[i].size());
      }
      rows.push_back(std::move(cells));
    }
  }

  auto print_row = [&](const std::vector<std::string>& cells) {
    for (int i = 0; i < num_columns; ++i) {
      out << cells[i];
      if (i + 1 < num_columns) out << std::string(widths[i] - cells[i].size() + 2, ' ');
    }
    out << '\n';
  };
  print_row(schema->field_names());
  size_t rule = 0;
  for (int i = 0; i < num_columns; ++i) rule += widths[i] + (i + 1 < num_columns ? 2 : 0);
  out << std::string(rule, '-') << '\n';
  for (const auto& cells : rows) print_row(cells);
  out << "(" << rows.size() << (rows.size() == 1 ? " row)" : " rows)") << '\n';
  return Status::OK();
}

Status PrintColumns(
    const std::vector<std::pair<std::string, arrow::ArrayBuilder*>>& columns,
    std::ostream& out) {
  arrow::FieldVector fields;
  arrow::ArrayVector arrays;
  for (const auto& [name, builder] : columns) {
    DELTACPP_ASSIGN_OR_RAISE(auto array, builder->Finish());
    fields.push_back(arrow::field(name, array->type()));
    arrays.push_back(std::move(array));
  }
  auto schema = arrow::schema(std::move(fields));
  const int64_t rows = arrays.empty() ? 0 : arrays.front()->length();
  auto batch = arrow::RecordBatch::Make(schema, rows, std::move(arrays));
  DELTACPP_ASSIGN_OR_RAISE(auto reader, arrow::RecordBatchReader::Make({batch}, schema));
  return PrintTable(*reader, out);
}

}  // namespace deltacpp::cli
