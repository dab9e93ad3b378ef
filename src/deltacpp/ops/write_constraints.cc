#include "deltacpp/ops/write_constraints.h"

#include <algorithm>
#include <cctype>

#include <arrow/array.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/exec.h>
#include <arrow/scalar.h>
#include <arrow/type.h>
#include <arrow/util/key_value_metadata.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/json_internal.h"
#include "deltacpp/kernel/schema/field_metadata.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/row_filter.h"

namespace deltacpp {

namespace cp = arrow::compute;

namespace {

Status Invalid(const std::string& message) {
  return DeltaError(DeltaErrorCode::kInvalidArgument, message);
}

// `status` with `context` in front of its message, keeping its code; an error of
// Arrow's own (an overflow while evaluating) becomes kInvalidArgument.
Status WithContext(const Status& status, const std::string& context) {
  if (!GetDeltaErrorCode(status).has_value()) {
    return Invalid(context + ": " + status.message());
  }
  return status.WithMessage(context, ": ", status.message());
}

const std::string* MetadataValue(const arrow::Field& field, std::string_view key) {
  const auto& metadata = field.metadata();
  if (metadata == nullptr) return nullptr;
  const int index = metadata->FindKey(std::string(key));
  return index < 0 ? nullptr : &metadata->value(index);
}

// Field metadata values are JSON text (schema_json.h): a string's characters, or the
// text itself when it is not a JSON string (a schema built by hand).
std::string JsonString(const std::string& text) {
  rapidjson::Document document;
  if (!internal::ParseJsonBounded(document, text, DeltaErrorCode::kInvalidArgument, "")
           .ok() ||
      document.HasParseError() || !document.IsString()) {
    return text;
  }
  return std::string(internal::StringOf(document));
}

// An invariant's SQL: {"expression": {"expression": "<SQL>"}}, kept as a JSON string.
Result<std::string> InvariantSql(const std::string& metadata_value,
                                 const std::string& column) {
  const std::string json = JsonString(metadata_value);
  rapidjson::Document document;
  DELTACPP_RETURN_NOT_OK(internal::ParseJsonBounded(document, json,
                                                    DeltaErrorCode::kInvalidArgument,
                                                    "the invariant of column ", column));
  const rapidjson::Value* outer = !document.HasParseError() && document.IsObject()
                                      ? internal::FindMember(document, "expression")
                                      : nullptr;
  const rapidjson::Value* sql = outer != nullptr && outer->IsObject()
                                    ? internal::FindMember(*outer, "expression")
                                    : nullptr;
  if (sql == nullptr || !sql->IsString()) {
    return Invalid("the invariant of column " + column + " is not " +
                   R"({"expression": {"expression": "<SQL>"}}: )" + metadata_value);
  }
  return std::string(internal::StringOf(*sql));
}

std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c;
    if (c == '\'') out += c;
  }
  return out + "'";
}

// A value as a message shows it: strings quoted, NULL, structs as {a: 1}, long values
// cut.
std::string ShowValue(const arrow::Scalar& scalar) {
  constexpr size_t kMaxLength = 64;
  if (!scalar.is_valid) return "NULL";
  std::string text;
  if (scalar.type->id() == arrow::Type::STRING) {
    text = Quoted(static_cast<const arrow::StringScalar&>(scalar).ToString());
  } else if (scalar.type->id() == arrow::Type::STRUCT) {
    const auto& fields = scalar.type->fields();
    const auto& values = static_cast<const arrow::StructScalar&>(scalar).value;
    text = "{";
    for (size_t i = 0; i < fields.size() && i < values.size(); ++i) {
      text += (i == 0 ? "" : ", ") + fields[i]->name() + ": " + ShowValue(*values[i]);
    }
    text += "}";
  } else {
    text = scalar.ToString();
  }
  if (text.size() > kMaxLength) text = text.substr(0, kMaxLength) + "...";
  return text;
}

// Row `row` of `batch` as {a: 1, b: 'x'}.
std::string ShowRow(const arrow::RecordBatch& batch, int64_t row) {
  constexpr int kMaxColumns = 20;
  std::string out = "{";
  for (int i = 0; i < batch.num_columns(); ++i) {
    if (i == kMaxColumns) {
      out += ", ...";
      break;
    }
    auto scalar = batch.column(i)->GetScalar(row);
    out += (i == 0 ? "" : ", ") + batch.schema()->field(i)->name() + ": " +
           (scalar.ok() ? ShowValue(**scalar) : "?");
  }
  return out + "}";
}

// Every non-nullable field, through structs (not into arrays or maps, as Delta Spark).
void CollectNotNull(const arrow::FieldVector& fields, std::vector<int> path,
                    const std::string& prefix, std::vector<std::vector<int>>* paths,
                    std::vector<std::string>* names) {
  for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
    const auto& field = fields[i];
    auto here = path;
    here.push_back(i);
    const std::string name =
        prefix.empty() ? field->name() : prefix + "." + field->name();
    if (!field->nullable()) {
      paths->push_back(here);
      names->push_back(name);
    }
    if (field->type()->id() == arrow::Type::STRUCT) {
      CollectNotNull(field->type()->fields(), here, name, paths, names);
    }
  }
}

// Every struct or top-level field with an invariant, as (dotted name, SQL).
Status CollectInvariants(const arrow::FieldVector& fields, const std::string& prefix,
                         std::vector<std::pair<std::string, std::string>>* invariants) {
  for (const auto& field : fields) {
    const std::string name =
        prefix.empty() ? field->name() : prefix + "." + field->name();
    if (const std::string* value = MetadataValue(*field, field_metadata::kInvariants)) {
      DELTACPP_ASSIGN_OR_RAISE(auto sql, InvariantSql(*value, name));
      invariants->emplace_back(name, std::move(sql));
    }
    if (field->type()->id() == arrow::Type::STRUCT) {
      DELTACPP_RETURN_NOT_OK(
          CollectInvariants(field->type()->fields(), name, invariants));
    }
  }
  return Status::OK();
}

Status RefuseNestedGenerated(const arrow::FieldVector& fields,
                             const std::string& prefix) {
  for (const auto& field : fields) {
    const std::string name = prefix + "." + field->name();
    if (MetadataValue(*field, field_metadata::kGenerationExpression) != nullptr) {
      return DeltaError(DeltaErrorCode::kUnsupportedFeature, "field ", name,
                        " is generated; delta-cpp generates top-level columns only");
    }
    if (field->type()->id() == arrow::Type::STRUCT) {
      DELTACPP_RETURN_NOT_OK(RefuseNestedGenerated(field->type()->fields(), name));
    }
  }
  return Status::OK();
}

Result<PredicatePtr> BoundCondition(const std::string& sql, const arrow::Schema& schema) {
  DELTACPP_ASSIGN_OR_RAISE(auto parsed, ParsePredicate(sql));
  return BindPredicate(parsed, schema);
}

}  // namespace

Result<WriteConstraints> WriteConstraints::Make(
    std::shared_ptr<arrow::Schema> table_schema, const StringMap& configuration) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  WriteConstraints constraints;
  const arrow::Schema& schema = *table_schema;
  auto bind = [&](const cp::Expression& expression) -> Result<cp::Expression> {
    return expression.Bind(schema);
  };

  std::vector<std::vector<int>> paths;
  std::vector<std::string> names;
  CollectNotNull(schema.fields(), {}, "", &paths, &names);
  for (size_t i = 0; i < paths.size(); ++i) {
    constraints.not_null_.push_back(NotNull{std::move(paths[i]), std::move(names[i])});
  }

  std::vector<std::pair<std::string, std::string>> invariants;
  DELTACPP_RETURN_NOT_OK(CollectInvariants(schema.fields(), "", &invariants));
  for (const auto& [column, sql] : invariants) {
    const std::string description = "invariant of column " + column + " (" + sql + ")";
    auto bound = BoundCondition(sql, schema);
    if (!bound.ok()) return WithContext(bound.status(), description);
    DELTACPP_ASSIGN_OR_RAISE(auto condition, bind(ToArrowExpression(**bound)));
    constraints.checks_.push_back(Check{description, std::move(condition)});
  }

  for (const auto& [name, sql] : TableConfiguration(configuration).check_constraints()) {
    const std::string description = "CHECK constraint " + name + " (" + sql + ")";
    auto bound = BoundCondition(sql, schema);
    if (!bound.ok()) return WithContext(bound.status(), description);
    DELTACPP_ASSIGN_OR_RAISE(auto condition, bind(ToArrowExpression(**bound)));
    constraints.checks_.push_back(Check{description, std::move(condition)});
  }

  std::vector<std::string> generated_names;
  for (const auto& field : schema.fields()) {
    if (MetadataValue(*field, field_metadata::kGenerationExpression) != nullptr) {
      generated_names.push_back(field->name());
    }
    if (field->type()->id() == arrow::Type::STRUCT) {
      DELTACPP_RETURN_NOT_OK(
          RefuseNestedGenerated(field->type()->fields(), field->name()));
    }
  }
  for (int i = 0; i < schema.num_fields(); ++i) {
    const auto& field = schema.field(i);
    const std::string* value =
        MetadataValue(*field, field_metadata::kGenerationExpression);
    if (value == nullptr) continue;
    Generated generated;
    generated.index = i;
    generated.text = JsonString(*value);
    const std::string description =
        "generated column " + field->name() + " (" + generated.text + ")";
    auto parsed = ParseExpression(generated.text);
    if (!parsed.ok()) return WithContext(parsed.status(), description);
    auto bound = BindExpression(*parsed, schema);
    if (!bound.ok()) return WithContext(bound.status(), description);
    for (const auto& column : ReferencedColumns(*bound)) {
      const auto& top = column->column[0];
      if (std::find(generated_names.begin(), generated_names.end(), top) !=
          generated_names.end()) {
        return Invalid(description + " refers to " +
                       (top == field->name() ? "itself" : "generated column " + top) +
                       ", which a generation expression may not");
      }
    }
    auto value_expression = ToArrowExpression(**bound);
    const auto& type = (*bound)->type;
    if (!type->Equals(*field->type())) {
      // Delta Spark requires the expression's type to be the column's. Where delta-cpp
      // types a number otherwise (a decimal of another precision), the value is
      // converted without loss, or the write fails; other types must match.
      auto is_number = [](const arrow::DataType& t) {
        return arrow::is_integer(t.id()) || arrow::is_floating(t.id()) ||
               arrow::is_decimal(t.id());
      };
      if (!is_number(*type) || !is_number(*field->type())) {
        return Invalid(description + " gives a " + DeltaTypeString(*type) +
                       ", which column " + field->name() + " (" +
                       DeltaTypeString(*field->type()) + ") cannot hold");
      }
      value_expression = cp::call("cast", {std::move(value_expression)},
                                  cp::CastOptions::Safe(field->type()));
    }
    // (column <=> expression): equal values, or both null.
    auto column = cp::field_ref(field->name());
    auto unchanged = cp::call(
        "coalesce", {cp::equal(column, value_expression),
                     cp::and_(cp::is_null(column), cp::is_null(value_expression))});
    DELTACPP_ASSIGN_OR_RAISE(generated.value, bind(value_expression));
    DELTACPP_ASSIGN_OR_RAISE(generated.unchanged, bind(unchanged));
    constraints.generated_.push_back(std::move(generated));
  }
  constraints.schema_ = std::move(table_schema);
  return constraints;
}

bool WriteConstraints::IsGenerated(const std::string& name) const {
  for (const auto& generated : generated_) {
    if (schema_->field(generated.index)->name() == name) return true;
  }
  return false;
}

Result<std::shared_ptr<arrow::RecordBatch>> WriteConstraints::Apply(
    const std::shared_ptr<arrow::RecordBatch>& batch) const {
  const auto& input = *batch->schema();
  for (const auto& field : input.fields()) {
    if (schema_->GetFieldIndex(field->name()) < 0) {
      return Invalid("column " + field->name() + " of the data is not in the table");
    }
  }
  const int64_t rows = batch->num_rows();
  arrow::ArrayVector columns(schema_->num_fields());
  std::vector<const Generated*> omitted;
  for (int i = 0; i < schema_->num_fields(); ++i) {
    const auto& field = schema_->field(i);
    const int index = input.GetFieldIndex(field->name());
    if (index < 0) {
      const Generated* generated = nullptr;
      for (const auto& candidate : generated_) {
        if (candidate.index == i) generated = &candidate;
      }
      if (generated == nullptr) {
        return Invalid("the data lacks column " + field->name() + " (" +
                       DeltaTypeString(*field->type()) + ")");
      }
      omitted.push_back(generated);
      // A placeholder: generation expressions never read generated columns.
      DELTACPP_ASSIGN_OR_RAISE(columns[i], arrow::MakeArrayOfNull(field->type(), rows));
      continue;
    }
    const auto& column = batch->column(index);
    if (!column->type()->Equals(*field->type())) {
      return Invalid("column " + field->name() + " of the data is a " +
                     DeltaTypeString(*column->type()) + ", the table's a " +
                     DeltaTypeString(*field->type()));
    }
    columns[i] = column;
  }
  auto full = arrow::RecordBatch::Make(schema_, rows, columns);
  for (const Generated* generated : omitted) {
    auto value = EvaluateRows(generated->value, *full);
    if (!value.ok()) {
      return WithContext(value.status(), "generated column " +
                                             schema_->field(generated->index)->name() +
                                             " (" + generated->text + ")");
    }
    columns[generated->index] = *std::move(value);
  }
  if (!omitted.empty()) full = arrow::RecordBatch::Make(schema_, rows, columns);
  for (const auto& generated : generated_) {
    if (std::find(omitted.begin(), omitted.end(), &generated) != omitted.end()) continue;
    const std::string description = "generated column " +
                                    schema_->field(generated.index)->name() + " (" +
                                    generated.text + ")";
    DELTACPP_RETURN_NOT_OK(
        CheckRows(*full, generated.unchanged, description, &generated));
  }
  for (const auto& rule : not_null_) DELTACPP_RETURN_NOT_OK(CheckNotNull(*full, rule));
  for (const auto& check : checks_) {
    DELTACPP_RETURN_NOT_OK(CheckRows(*full, check.condition, check.description, nullptr));
  }
  return full;
}

Status WriteConstraints::CheckNotNull(const arrow::RecordBatch& batch,
                                      const NotNull& rule) const {
  // A struct's flattened field is null where the struct is: a null parent violates
  // its NOT NULL fields, as in Delta Spark.
  std::shared_ptr<arrow::Array> values = batch.column(rule.path[0]);
  for (size_t depth = 1; depth < rule.path.size(); ++depth) {
    const auto& parent = static_cast<const arrow::StructArray&>(*values);
    DELTACPP_ASSIGN_OR_RAISE(values, parent.GetFlattenedField(rule.path[depth]));
  }
  if (values->null_count() == 0) return Status::OK();
  int64_t row = 0;
  while (row < values->length() && values->IsValid(row)) ++row;
  return Invalid("NOT NULL constraint on column " + rule.name + " violated by row " +
                 ShowRow(batch, row));
}

Status WriteConstraints::CheckRows(const arrow::RecordBatch& batch,
                                   const cp::Expression& condition,
                                   const std::string& description,
                                   const Generated* generated) const {
  auto result = EvaluateRows(condition, batch);
  if (!result.ok()) return WithContext(result.status(), description);
  const auto& holds = static_cast<const arrow::BooleanArray&>(**result);
  if (holds.true_count() == holds.length()) return Status::OK();
  // False or null: the first such row.
  int64_t row = 0;
  while (row < holds.length() && holds.IsValid(row) && holds.Value(row)) ++row;
  if (generated == nullptr) {
    return Invalid(description + " violated by row " + ShowRow(batch, row));
  }
  std::string expected = "?";
  auto value = EvaluateRows(generated->value, *batch.Slice(row, 1));
  if (value.ok()) {
    auto scalar = (*value)->GetScalar(0);
    if (scalar.ok()) expected = ShowValue(**scalar);
  }
  return Invalid(description + " does not match the value the data gives it in row " +
                 ShowRow(batch, row) + ": the expression gives " + expected);
}

}  // namespace deltacpp
