#include "deltacpp/ops/merge_join.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

#include <arrow/array/builder_primitive.h>
#include <arrow/compute/api_aggregate.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/exec.h>
#include <arrow/scalar.h>

#include "deltacpp/scan/row_filter.h"

namespace deltacpp::internal {

namespace cp = arrow::compute;

namespace {

// Key values as the join compares them: the hash grouper compares bits, but SQL's =
// holds for 0.0 and -0.0, and Spark's (as deltalake's join) for NaN and NaN, so floating
// keys have -0.0 made 0.0 and every NaN made one NaN.
Result<std::shared_ptr<arrow::Array>> JoinableKey(std::shared_ptr<arrow::Array> values) {
  const auto id = values->type_id();
  if (id != arrow::Type::FLOAT && id != arrow::Type::DOUBLE) return values;
  const bool is_float = id == arrow::Type::FLOAT;
  std::shared_ptr<arrow::Scalar> zero, nan;
  if (is_float) {
    zero = std::make_shared<arrow::FloatScalar>(0.0f);
    nan = std::make_shared<arrow::FloatScalar>(std::numeric_limits<float>::quiet_NaN());
  } else {
    zero = std::make_shared<arrow::DoubleScalar>(0.0);
    nan = std::make_shared<arrow::DoubleScalar>(std::numeric_limits<double>::quiet_NaN());
  }
  // x + 0.0 is 0.0 for -0.0 and x otherwise.
  DELTACPP_ASSIGN_OR_RAISE(auto positive, cp::Add(values, zero));
  DELTACPP_ASSIGN_OR_RAISE(auto is_nan, cp::IsNan(values));
  DELTACPP_ASSIGN_OR_RAISE(auto canonical, cp::IfElse(is_nan, nan, positive));
  return canonical.make_array();
}

}  // namespace

Result<SourceIndex> SourceIndex::Make(const MergePlan& plan,
                                      const arrow::RecordBatch& joined_source) {
  SourceIndex index;
  const int64_t rows = joined_source.num_rows();
  if (plan.keys().empty()) {
    // No equality to join on: every target row meets every source row.
    index.offsets_ = {0, rows};
    index.rows_.resize(rows);
    for (int64_t i = 0; i < rows; ++i) index.rows_[i] = i;
    return index;
  }
  std::vector<arrow::Datum> keys;
  std::vector<arrow::TypeHolder> types;
  for (const auto& key : plan.keys()) {
    DELTACPP_ASSIGN_OR_RAISE(auto evaluated,
                             EvaluateRows(key.source_value, joined_source));
    DELTACPP_ASSIGN_OR_RAISE(auto values, JoinableKey(std::move(evaluated)));
    types.emplace_back(values->type());
    index.key_values_.push_back(values);
    keys.emplace_back(std::move(values));
  }
  DELTACPP_ASSIGN_OR_RAISE(index.grouper_, cp::Grouper::Make(types));
  cp::ExecBatch batch(std::move(keys), rows);
  DELTACPP_ASSIGN_OR_RAISE(auto ids, index.grouper_->Consume(cp::ExecSpan(batch)));
  // The array must outlive the reference: array_as makes a new one each call.
  const auto group_array = ids.array_as<arrow::UInt32Array>();
  const auto& group_ids = *group_array;
  const uint32_t groups = index.grouper_->num_groups();
  std::vector<int64_t> counts(groups + 1, 0);
  auto has_null_key = [&](int64_t row) {
    return std::any_of(index.key_values_.begin(), index.key_values_.end(),
                       [&](const auto& values) { return values->IsNull(row); });
  };
  std::vector<bool> usable(rows);
  for (int64_t i = 0; i < rows; ++i) {
    // SQL's = never holds for a null: such rows match nothing.
    usable[i] = !has_null_key(i);
    if (usable[i]) ++counts[group_ids.Value(i) + 1];
  }
  for (uint32_t g = 0; g < groups; ++g) counts[g + 1] += counts[g];
  index.offsets_ = counts;
  index.rows_.resize(counts[groups]);
  std::vector<int64_t> next(counts.begin(), counts.end() - 1);
  for (int64_t i = 0; i < rows; ++i) {
    if (usable[i]) index.rows_[next[group_ids.Value(i)]++] = i;
  }
  return index;
}

Result<std::vector<int64_t>> SourceIndex::Lookup(
    const MergePlan& plan, const arrow::RecordBatch& joined_target) const {
  const int64_t rows = joined_target.num_rows();
  std::vector<int64_t> groups(rows, -1);
  if (plan.keys().empty()) {
    if (!rows_.empty()) std::fill(groups.begin(), groups.end(), 0);
    return groups;
  }
  std::vector<arrow::Datum> keys;
  arrow::ArrayVector arrays;
  for (size_t k = 0; k < plan.keys().size(); ++k) {
    DELTACPP_ASSIGN_OR_RAISE(auto values,
                             EvaluateRows(plan.keys()[k].target_value, joined_target));
    if (!values->type()->Equals(*key_values_[k]->type())) {
      DELTACPP_ASSIGN_OR_RAISE(auto cast, cp::Cast(values, key_values_[k]->type()));
      values = cast.make_array();
    }
    DELTACPP_ASSIGN_OR_RAISE(values, JoinableKey(std::move(values)));
    arrays.push_back(values);
    keys.emplace_back(std::move(values));
  }
  cp::ExecBatch batch(std::move(keys), rows);
  DELTACPP_ASSIGN_OR_RAISE(auto ids, grouper_->Lookup(cp::ExecSpan(batch)));
  // The array must outlive the reference: array_as makes a new one each call.
  const auto group_array = ids.array_as<arrow::UInt32Array>();
  const auto& group_ids = *group_array;
  for (int64_t i = 0; i < rows; ++i) {
    if (group_ids.IsNull(i)) continue;
    if (std::any_of(arrays.begin(), arrays.end(),
                    [&](const auto& values) { return values->IsNull(i); })) {
      continue;
    }
    groups[i] = group_ids.Value(i);
  }
  return groups;
}

namespace {

// A literal of the scalar's value that binding gives the scalar's type back, for the
// types file skipping compares well; nullopt for others.
std::optional<PredicatePtr> LiteralOf(const arrow::Scalar& value) {
  const auto id = value.type->id();
  if (!value.is_valid) return std::nullopt;
  if (id == arrow::Type::STRING) {
    return Literal(std::string(static_cast<const arrow::StringScalar&>(value).view()));
  }
  const bool number = arrow::is_integer(id) || arrow::is_decimal(id);
  if (!number && id != arrow::Type::DATE32) return std::nullopt;
  auto text = arrow::compute::Cast(arrow::Datum(value.GetSharedPtr()), arrow::utf8());
  if (!text.ok()) return std::nullopt;
  const auto& string = text->scalar_as<arrow::StringScalar>();
  LiteralValue literal;
  literal.kind = number ? LiteralValue::Kind::kNumber : LiteralValue::Kind::kString;
  literal.text = std::string(string.view());
  return Literal(std::move(literal));
}

// A filter of the target's files that no row matching a source row fails: the
// condition's target-only terms, and for keys on a target column the source's key
// values (a list when few, else their range). Null when nothing narrows the files.
PredicatePtr MatchFilter(const MergePlan& plan, const SourceIndex& index) {
  constexpr int64_t kMaxListed = 32;
  std::vector<PredicatePtr> terms = plan.target_terms();
  for (size_t k = 0; k < plan.keys().size(); ++k) {
    const auto& key = plan.keys()[k];
    if (key.target_column == nullptr) continue;
    const auto& values = index.key_values(k);
    auto distinct = cp::Unique(values);
    if (!distinct.ok()) continue;
    auto non_null = cp::DropNull(*distinct);
    if (!non_null.ok()) continue;
    const auto keys = non_null->make_array();
    if (keys->length() == 0) return Literal(false);  // no source row can match
    if (keys->length() <= kMaxListed) {
      std::vector<PredicatePtr> literals;
      for (int64_t i = 0; i < keys->length(); ++i) {
        auto scalar = keys->GetScalar(i);
        if (!scalar.ok()) break;
        auto literal = LiteralOf(**scalar);
        if (!literal) break;
        literals.push_back(*literal);
      }
      if (static_cast<int64_t>(literals.size()) == keys->length()) {
        terms.push_back(In(key.target_column, std::move(literals)));
        continue;
      }
    }
    auto min_max = cp::MinMax(keys);
    if (!min_max.ok()) continue;
    const auto& pair = min_max->scalar_as<arrow::StructScalar>();
    auto low = LiteralOf(*pair.value[0]);
    auto high = LiteralOf(*pair.value[1]);
    if (!low || !high) continue;
    terms.push_back(GreaterEqual(key.target_column, *low));
    terms.push_back(LessEqual(key.target_column, *high));
  }
  if (terms.empty()) return nullptr;
  return AndAll(std::move(terms));
}

}  // namespace

PredicatePtr FileFilter(const MergePlan& plan, const SourceIndex& index,
                        int64_t source_rows) {
  PredicatePtr filter = source_rows == 0 ? Literal(false) : MatchFilter(plan, index);
  if (filter == nullptr || plan.by_source_everywhere()) return nullptr;
  std::vector<PredicatePtr> any = {std::move(filter)};
  for (const auto& term : plan.by_source_terms()) any.push_back(term);
  return OrAll(std::move(any));
}

}  // namespace deltacpp::internal
