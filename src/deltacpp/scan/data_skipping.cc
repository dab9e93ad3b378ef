#include "deltacpp/scan/data_skipping.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <arrow/scalar.h>
#include <arrow/type.h>

#include "deltacpp/kernel/json_internal.h"
#include "deltacpp/kernel/schema/column_mapping.h"
#include "deltacpp/kernel/table_configuration.h"
#include "deltacpp/scan/bind_predicate.h"
#include "deltacpp/scan/partition_values.h"
#include "deltacpp/scan/typed_value.h"

namespace deltacpp {

namespace {

using internal::FindMember;

const rapidjson::Value* FindPath(const rapidjson::Value& root, std::string_view section,
                                 const std::vector<std::string>& path) {
  if (!root.IsObject()) return nullptr;
  const rapidjson::Value* node = FindMember(root, section);
  for (const auto& name : path) {
    if (node == nullptr || !node->IsObject()) return nullptr;
    node = FindMember(*node, name);
  }
  return node;
}

// Statistics are parsed with numbers kept as their text, so decimals and 64-bit
// integers keep every digit.
std::shared_ptr<arrow::Scalar> StatValue(const rapidjson::Value* value,
                                         const std::shared_ptr<arrow::DataType>& type) {
  if (value == nullptr) return nullptr;
  std::string_view text;
  if (value->IsString()) {
    text = internal::StringOf(*value);
  } else if (value->IsBool()) {
    text = value->GetBool() ? "true" : "false";
  } else {
    return nullptr;
  }
  auto scalar = ParseTypedValue(text, type);
  return scalar.ok() ? *std::move(scalar) : nullptr;
}

std::optional<int64_t> CountOf(const rapidjson::Value* value) {
  if (value == nullptr || !value->IsString()) return std::nullopt;
  int64_t count = 0;
  const auto text = internal::StringOf(*value);
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return count;
}

// Writers truncate timestamp statistics to milliseconds: the true maximum may be up to
// one millisecond (less one unit) above the written one.
std::shared_ptr<arrow::Scalar> WidenTimestampMax(std::shared_ptr<arrow::Scalar> max) {
  if (max == nullptr || max->type->id() != arrow::Type::TIMESTAMP) return max;
  const auto unit = static_cast<const arrow::TimestampType&>(*max->type).unit();
  int64_t slack = 0;
  if (unit == arrow::TimeUnit::MICRO) slack = 999;
  if (unit == arrow::TimeUnit::NANO) slack = 999'999;
  const auto value = static_cast<const arrow::TimestampScalar&>(*max).value;
  if (slack == 0 || value > std::numeric_limits<int64_t>::max() - slack) return max;
  return std::make_shared<arrow::TimestampScalar>(value + slack, max->type);
}

std::optional<int> CompareWith(const std::shared_ptr<arrow::Scalar>& bound,
                               const arrow::Scalar& value) {
  if (bound == nullptr) return std::nullopt;
  return CompareScalars(*bound, value);
}

}  // namespace

Result<std::shared_ptr<const DataSkipping>> DataSkipping::Make(PredicatePtr bound,
                                                               const Snapshot& snapshot) {
  auto skipping = std::shared_ptr<DataSkipping>(new DataSkipping());
  DELTACPP_ASSIGN_OR_RAISE(auto mode,
                           TableConfiguration(snapshot.metadata()).column_mapping_mode());
  const auto& partitions = snapshot.partition_columns();
  for (const auto& node : ReferencedColumns(bound)) {
    Column column;
    column.logical_path = node->column;
    column.type = node->type;
    column.is_partition =
        node->column.size() == 1 && std::find(partitions.begin(), partitions.end(),
                                              node->column[0]) != partitions.end();
    const arrow::FieldVector* fields = &snapshot.schema()->fields();
    for (const auto& name : node->column) {
      auto field = std::find_if(fields->begin(), fields->end(),
                                [&](const auto& f) { return f->name() == name; });
      if (field == fields->end()) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "predicate column '",
                          node->ToString(), "' is not in the table; bind it first");
      }
      DELTACPP_ASSIGN_OR_RAISE(auto physical, GetPhysicalColumn(**field, mode));
      column.physical_path.push_back(std::move(physical.name));
      fields = &(*field)->type()->fields();
    }
    skipping->columns_.push_back(std::move(column));
  }
  skipping->predicate_ = std::move(bound);
  return skipping;
}

std::vector<DataSkipping::ColumnStats> DataSkipping::ReadStats(
    const AddFile& file) const {
  std::vector<ColumnStats> stats(columns_.size());
  rapidjson::Document document;
  bool parsed = false;
  std::optional<int64_t> num_records;
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Column& column = columns_[i];
    ColumnStats& out = stats[i];
    if (column.is_partition) {
      // With column mapping, partition values are keyed by physical name.
      auto entry = file.partition_values.find(column.physical_path[0]);
      std::optional<std::string> text;
      if (entry != file.partition_values.end()) text = entry->second;
      auto value = ParsePartitionValue(text, column.type);
      if (!value.ok()) continue;  // the scan reports it when it reads the file
      if ((*value)->is_valid) {
        out.min = out.max = *value;
        out.none_null = true;
      } else {
        out.all_null = true;
      }
      continue;
    }
    if (!file.stats.has_value()) continue;
    if (!parsed) {
      parsed = true;
      // Statistics too deep to read are no statistics: the file is read, not skipped.
      if (!internal::ParseJsonBounded<rapidjson::kParseNumbersAsStringsFlag>(
               document, *file.stats, DeltaErrorCode::kCorruptLog, "statistics")
               .ok() ||
          document.HasParseError() || !document.IsObject()) {
        return stats;
      }
      num_records = CountOf(FindMember(document, "numRecords"));
    }
    if (document.HasParseError() || !document.IsObject()) continue;
    auto null_count = CountOf(FindPath(document, "nullCount", column.physical_path));
    if (null_count.has_value()) {
      out.none_null = *null_count == 0;
      out.all_null = num_records.has_value() && *null_count == *num_records;
    }
    if (out.all_null) continue;
    out.min =
        StatValue(FindPath(document, "minValues", column.physical_path), column.type);
    out.max = WidenTimestampMax(
        StatValue(FindPath(document, "maxValues", column.physical_path), column.type));
  }
  return stats;
}

const DataSkipping::ColumnStats& DataSkipping::StatsOf(
    const Predicate& column, const std::vector<ColumnStats>& stats) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].logical_path == column.column) return stats[i];
  }
  static const ColumnStats kUnknown;
  return kUnknown;
}

bool DataSkipping::MayMatch(const AddFile& file) const {
  return MayMatch(*predicate_, ReadStats(file));
}

bool DataSkipping::MayMatch(const Predicate& node,
                            const std::vector<ColumnStats>& stats) const {
  // Only the shapes below are judged by statistics; any other condition (arithmetic,
  // functions, casts, LIKE, <=>, NOT of those) might hold for any file.
  auto is_column = [](const PredicatePtr& child) {
    return child->op == PredicateOp::kColumn;
  };
  switch (node.op) {
    case PredicateOp::kAnd:
      return MayMatch(*node.children[0], stats) && MayMatch(*node.children[1], stats);
    case PredicateOp::kOr:
      return MayMatch(*node.children[0], stats) || MayMatch(*node.children[1], stats);
    case PredicateOp::kLiteral:
      if (node.value == nullptr || node.value->type->id() != arrow::Type::BOOL) {
        return true;
      }
      return node.value->is_valid &&
             static_cast<const arrow::BooleanScalar&>(*node.value).value;
    case PredicateOp::kIsNull:
      if (!is_column(node.children[0])) return true;
      return !StatsOf(*node.children[0], stats).none_null;
    case PredicateOp::kIsNotNull:
      if (!is_column(node.children[0])) return true;
      return !StatsOf(*node.children[0], stats).all_null;
    default:
      break;
  }
  if (!IsComparison(node.op) && node.op != PredicateOp::kIn) return true;
  if (!is_column(node.children[0])) return true;
  for (size_t i = 1; i < node.children.size(); ++i) {
    const auto op = node.children[i]->op;
    if (op != PredicateOp::kColumn && op != PredicateOp::kLiteral) return true;
  }
  const Predicate& column = *node.children[0];
  const ColumnStats& column_stats = StatsOf(column, stats);
  auto may_compare = [&](PredicateOp op, const Predicate& other) {
    if (other.op != PredicateOp::kLiteral) return !column_stats.all_null;
    const arrow::Scalar& value = *other.value;
    // Comparing with NULL, or a column of nulls, is never true.
    if (!value.is_valid || column_stats.all_null) return false;
    // An unknown minimum is below every value, an unknown maximum above.
    const int min_order = CompareWith(column_stats.min, value).value_or(-1);
    const int max_order = CompareWith(column_stats.max, value).value_or(1);
    switch (op) {
      case PredicateOp::kEqual:
        return min_order <= 0 && max_order >= 0;
      case PredicateOp::kNotEqual:
        return !(min_order == 0 && max_order == 0);
      case PredicateOp::kLess:
        return min_order < 0;
      case PredicateOp::kLessEqual:
        return min_order <= 0;
      case PredicateOp::kGreater:
        return max_order > 0;
      case PredicateOp::kGreaterEqual:
        return max_order >= 0;
      default:
        return true;
    }
  };
  if (node.op == PredicateOp::kIn) {
    for (size_t i = 1; i < node.children.size(); ++i) {
      if (may_compare(PredicateOp::kEqual, *node.children[i])) return true;
    }
    return false;
  }
  return may_compare(node.op, *node.children[1]);
}

}  // namespace deltacpp
