#include "deltacpp/scan/row_filter.h"

#include <limits>
#include <memory>
#include <optional>

#include <arrow/array.h>
#include <arrow/array/builder_base.h>
#include <arrow/array/util.h>
#include <arrow/compute/api_scalar.h>
#include <arrow/compute/api_vector.h>
#include <arrow/compute/cast.h>
#include <arrow/compute/exec.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

namespace deltacpp {

namespace cp = arrow::compute;

namespace {

const char* ComparisonFunction(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEqual:
      return "equal";
    case PredicateOp::kNotEqual:
      return "not_equal";
    case PredicateOp::kLess:
      return "less";
    case PredicateOp::kLessEqual:
      return "less_equal";
    case PredicateOp::kGreater:
      return "greater";
    default:
      return "greater_equal";
  }
}

const char* ArithmeticFunction(PredicateOp op) {
  switch (op) {
    case PredicateOp::kAdd:
      return "add_checked";
    case PredicateOp::kSubtract:
      return "subtract_checked";
    case PredicateOp::kMultiply:
      return "multiply_checked";
    default:
      return "divide_checked";
  }
}

cp::Expression CastExpression(cp::Expression value,
                              const std::shared_ptr<arrow::DataType>& type) {
  // Spark truncates a fraction cast to an integer; every other loss fails.
  auto options = cp::CastOptions::Safe(type);
  options.allow_float_truncate = true;
  return cp::call("cast", {std::move(value)}, std::move(options));
}

int64_t IntegerValue(const Predicate& literal) {
  const auto& scalar = *literal.value;
  if (!scalar.is_valid) return 0;
  return static_cast<const arrow::Int64Scalar&>(scalar).value;
}

std::string StringValue(const Predicate& literal) {
  return static_cast<const arrow::StringScalar&>(*literal.value).ToString();
}

cp::CalendarUnit UnitOf(const std::string& unit) {
  if (unit == "year") return cp::CalendarUnit::YEAR;
  if (unit == "quarter") return cp::CalendarUnit::QUARTER;
  if (unit == "month") return cp::CalendarUnit::MONTH;
  if (unit == "week") return cp::CalendarUnit::WEEK;
  if (unit == "hour") return cp::CalendarUnit::HOUR;
  if (unit == "minute") return cp::CalendarUnit::MINUTE;
  if (unit == "second") return cp::CalendarUnit::SECOND;
  if (unit == "millisecond") return cp::CalendarUnit::MILLISECOND;
  if (unit == "microsecond") return cp::CalendarUnit::MICROSECOND;
  return cp::CalendarUnit::DAY;
}

// Spark's substring(s, pos, len): 1-based, 0 read as 1, a negative position counts from
// the end; as a slice of code points.
cp::SliceOptions SubstringSlice(int64_t position, std::optional<int64_t> length) {
  constexpr int64_t kEnd = std::numeric_limits<int64_t>::max();
  if (length.has_value() && *length <= 0) return cp::SliceOptions(0, 0);
  if (position > 0) {
    const int64_t start = position - 1;
    return cp::SliceOptions(start, length.has_value() ? start + *length : kEnd);
  }
  if (position == 0) return cp::SliceOptions(0, length.value_or(kEnd));
  // From the end: the slice ends `length` code points later, or at the end.
  if (!length.has_value() || position + *length >= 0) {
    return cp::SliceOptions(position, kEnd);
  }
  return cp::SliceOptions(position, position + *length);
}

cp::Expression FunctionExpression(const Predicate& bound) {
  const std::string& name = bound.name;
  std::vector<cp::Expression> args;
  for (const auto& child : bound.children) args.push_back(ToArrowExpression(*child));
  auto to_int32 = [](cp::Expression value) {
    return CastExpression(std::move(value), arrow::int32());
  };
  if (name == "year" || name == "month" || name == "day" || name == "quarter" ||
      name == "hour" || name == "minute" || name == "second") {
    return to_int32(cp::call(name, std::move(args)));
  }
  if (name == "dayofyear") return to_int32(cp::call("day_of_year", std::move(args)));
  if (name == "weekofyear") return to_int32(cp::call("iso_week", std::move(args)));
  if (name == "dayofweek") {
    // Sunday is 1, Saturday 7.
    return to_int32(cp::call("day_of_week", std::move(args),
                             cp::DayOfWeekOptions(/*count_from_zero=*/false,
                                                  /*week_start=*/7)));
  }
  if (name == "date_format") {
    // Whole seconds: strftime writes a fraction after %S for finer units.
    const auto& timestamp =
        static_cast<const arrow::TimestampType&>(*bound.children[0]->type);
    auto seconds =
        CastExpression(cp::call("floor_temporal", {args[0]},
                                cp::RoundTemporalOptions(1, cp::CalendarUnit::SECOND)),
                       arrow::timestamp(arrow::TimeUnit::SECOND, timestamp.timezone()));
    return cp::call("strftime", {std::move(seconds)},
                    cp::StrftimeOptions(StringValue(*bound.children[1])));
  }
  if (name == "date_trunc") {
    return cp::call("floor_temporal", {args[1]},
                    cp::RoundTemporalOptions(1, UnitOf(StringValue(*bound.children[0]))));
  }
  if (name == "trunc") {
    return cp::call("floor_temporal", {args[0]},
                    cp::RoundTemporalOptions(1, UnitOf(StringValue(*bound.children[1]))));
  }
  if (name == "substring") {
    std::optional<int64_t> length;
    if (bound.children.size() > 2) length = IntegerValue(*bound.children[2]);
    return cp::call("utf8_slice_codeunits", {args[0]},
                    SubstringSlice(IntegerValue(*bound.children[1]), length));
  }
  if (name == "concat") {
    if (args.size() == 1) return args[0];
    args.push_back(cp::literal(""));
    return cp::call("binary_join_element_wise", std::move(args),
                    cp::JoinOptions(cp::JoinOptions::EMIT_NULL));
  }
  if (name == "concat_ws") {
    // Arrow takes the separator last; Spark skips null values.
    auto separator = args[0];
    args.erase(args.begin());
    args.push_back(std::move(separator));
    return cp::call("binary_join_element_wise", std::move(args),
                    cp::JoinOptions(cp::JoinOptions::SKIP));
  }
  if (name == "lower") return cp::call("utf8_lower", std::move(args));
  if (name == "upper") return cp::call("utf8_upper", std::move(args));
  if (name == "trim" || name == "ltrim" || name == "rtrim") {
    // Spark trims spaces only.
    const std::string function = name == "trim" ? "utf8_trim" : "utf8_" + name;
    return cp::call(function, std::move(args), cp::TrimOptions(" "));
  }
  if (name == "length") {
    const bool binary = bound.children[0]->type->id() == arrow::Type::BINARY;
    return cp::call(binary ? "binary_length" : "utf8_length", std::move(args));
  }
  if (name == "abs") return cp::call("abs_checked", std::move(args));
  if (name == "coalesce") return cp::call("coalesce", std::move(args));
  // if(c, a, b): a null condition takes b.
  return cp::call(
      "if_else", {cp::call("coalesce", {args[0], cp::literal(false)}), args[1], args[2]});
}

// x IN (literals...) as one hash lookup (SQL's null semantics are Arrow's INCONCLUSIVE
// matching), which costs a row the same for 3 values or 30,000; nullopt where a value is
// not a literal of x's type, or x is a float (a hash lookup finds NaN, where equal does
// not, as in every other comparison).
std::optional<cp::Expression> SetLookup(const Predicate& in) {
  const auto& type = in.children[0]->type;
  if (in.children.size() < 2 || arrow::is_nested(type->id()) ||
      arrow::is_floating(type->id())) {
    return std::nullopt;
  }
  std::unique_ptr<arrow::ArrayBuilder> builder;
  if (!arrow::MakeBuilder(arrow::default_memory_pool(), type, &builder).ok()) {
    return std::nullopt;
  }
  for (size_t i = 1; i < in.children.size(); ++i) {
    const Predicate& value = *in.children[i];
    if (value.op != PredicateOp::kLiteral || !value.value->type->Equals(*type) ||
        !builder->AppendScalar(*value.value).ok()) {
      return std::nullopt;
    }
  }
  std::shared_ptr<arrow::Array> values;
  if (!builder->Finish(&values).ok()) return std::nullopt;
  return cp::call(
      "is_in", {ToArrowExpression(*in.children[0])},
      cp::SetLookupOptions(std::move(values), cp::SetLookupOptions::INCONCLUSIVE));
}

}  // namespace

cp::Expression ToArrowExpression(const Predicate& bound) {
  switch (bound.op) {
    case PredicateOp::kColumn: {
      std::vector<arrow::FieldRef> path(bound.column.begin(), bound.column.end());
      return cp::field_ref(path.size() == 1 ? path[0] : arrow::FieldRef(std::move(path)));
    }
    case PredicateOp::kLiteral:
      return cp::literal(bound.value);
    case PredicateOp::kIsNull:
      return cp::is_null(ToArrowExpression(*bound.children[0]));
    case PredicateOp::kIsNotNull:
      return cp::is_valid(ToArrowExpression(*bound.children[0]));
    case PredicateOp::kAnd:
      return cp::and_(ToArrowExpression(*bound.children[0]),
                      ToArrowExpression(*bound.children[1]));
    case PredicateOp::kOr:
      return cp::or_(ToArrowExpression(*bound.children[0]),
                     ToArrowExpression(*bound.children[1]));
    case PredicateOp::kNot:
      return cp::not_(ToArrowExpression(*bound.children[0]));
    case PredicateOp::kIn: {
      if (auto lookup = SetLookup(bound)) return *std::move(lookup);
      // An OR of equalities keeps SQL's null semantics (x IN (1, NULL) is never false).
      // Grouped as a balanced tree: Arrow's or_ of a list nests one level per value, and
      // Arrow recurses through the levels (a list of 20,000 values overflowed the stack).
      auto column = ToArrowExpression(*bound.children[0]);
      std::vector<cp::Expression> equalities;
      for (size_t i = 1; i < bound.children.size(); ++i) {
        equalities.push_back(cp::equal(column, ToArrowExpression(*bound.children[i])));
      }
      if (equalities.empty()) return cp::literal(false);
      while (equalities.size() > 1) {
        std::vector<cp::Expression> paired;
        for (size_t i = 0; i + 1 < equalities.size(); i += 2) {
          paired.push_back(cp::or_(equalities[i], equalities[i + 1]));
        }
        if (equalities.size() % 2 == 1) paired.push_back(equalities.back());
        equalities = std::move(paired);
      }
      return equalities[0];
    }
    case PredicateOp::kNullSafeEqual: {
      // Equal when both are values; else true exactly when both are null.
      auto left = ToArrowExpression(*bound.children[0]);
      auto right = ToArrowExpression(*bound.children[1]);
      return cp::call("coalesce", {cp::equal(left, right),
                                   cp::and_(cp::is_null(left), cp::is_null(right))});
    }
    case PredicateOp::kLike:
      return cp::call("match_like", {ToArrowExpression(*bound.children[0])},
                      cp::MatchSubstringOptions(StringValue(*bound.children[1])));
    case PredicateOp::kAdd:
    case PredicateOp::kSubtract:
    case PredicateOp::kMultiply:
    case PredicateOp::kDivide:
      return cp::call(
          ArithmeticFunction(bound.op),
          {ToArrowExpression(*bound.children[0]), ToArrowExpression(*bound.children[1])});
    case PredicateOp::kModulo:
      // Arrow's remainder takes the sign of the dividend, as Spark's (Java's) does. (Its
      // modulo takes the divisor's; adjusting that used each operand five times, so a
      // % b % c ... took time exponential in the chain's length.)
      return cp::call("remainder_checked", {ToArrowExpression(*bound.children[0]),
                                            ToArrowExpression(*bound.children[1])});
    case PredicateOp::kNegate:
      return cp::call("negate_checked", {ToArrowExpression(*bound.children[0])});
    case PredicateOp::kCast:
      return CastExpression(ToArrowExpression(*bound.children[0]), bound.type);
    case PredicateOp::kFunction:
      return FunctionExpression(bound);
    default:
      return cp::call(
          ComparisonFunction(bound.op),
          {ToArrowExpression(*bound.children[0]), ToArrowExpression(*bound.children[1])});
  }
}

namespace {

class FilteringReader : public arrow::RecordBatchReader {
 public:
  FilteringReader(std::shared_ptr<arrow::RecordBatchReader> input, cp::Expression filter,
                  std::optional<int64_t> limit)
      : input_(std::move(input)), filter_(std::move(filter)), remaining_(limit) {}

  std::shared_ptr<arrow::Schema> schema() const override { return input_->schema(); }

  Status ReadNext(std::shared_ptr<arrow::RecordBatch>* out) override {
    *out = nullptr;
    while (!remaining_.has_value() || *remaining_ > 0) {
      std::shared_ptr<arrow::RecordBatch> batch;
      DELTACPP_RETURN_NOT_OK(input_->ReadNext(&batch));
      if (batch == nullptr) return Status::OK();
      DELTACPP_ASSIGN_OR_RAISE(
          auto mask, cp::ExecuteScalarExpression(filter_, cp::ExecBatch(*batch)));
      DELTACPP_ASSIGN_OR_RAISE(auto kept, cp::Filter(arrow::Datum(batch), mask));
      batch = kept.record_batch();
      if (batch->num_rows() == 0) continue;
      if (remaining_.has_value()) {
        if (batch->num_rows() > *remaining_) batch = batch->Slice(0, *remaining_);
        *remaining_ -= batch->num_rows();
      }
      *out = std::move(batch);
      return Status::OK();
    }
    return Status::OK();
  }

  Status Close() override { return input_->Close(); }

 private:
  std::shared_ptr<arrow::RecordBatchReader> input_;
  cp::Expression filter_;
  std::optional<int64_t> remaining_;
};

}  // namespace

Result<std::shared_ptr<arrow::Array>> EvaluateRows(const cp::Expression& expression,
                                                   const arrow::RecordBatch& batch) {
  DELTACPP_ASSIGN_OR_RAISE(auto result,
                           cp::ExecuteScalarExpression(expression, cp::ExecBatch(batch)));
  if (result.is_scalar()) {
    return arrow::MakeArrayFromScalar(*result.scalar(), batch.num_rows());
  }
  return result.make_array();
}

Result<std::shared_ptr<arrow::BooleanArray>> TrueRows(const cp::Expression& condition,
                                                      const arrow::RecordBatch& batch) {
  DELTACPP_ASSIGN_OR_RAISE(auto values, EvaluateRows(condition, batch));
  if (values->type_id() != arrow::Type::BOOL) {
    return DeltaError(DeltaErrorCode::kInvalidArgument,
                      "a condition gave values of type ", values->type()->ToString(),
                      ", not booleans");
  }
  if (values->null_count() == 0) {
    return std::static_pointer_cast<arrow::BooleanArray>(values);
  }
  // null AND FALSE is FALSE: unknown counts as not true.
  DELTACPP_ASSIGN_OR_RAISE(auto valid, cp::IsValid(values));
  DELTACPP_ASSIGN_OR_RAISE(auto holds, cp::KleeneAnd(values, valid));
  return std::static_pointer_cast<arrow::BooleanArray>(holds.make_array());
}

Result<std::shared_ptr<arrow::RecordBatchReader>> FilterRows(
    std::shared_ptr<arrow::RecordBatchReader> input, const Predicate& bound,
    std::optional<int64_t> limit) {
  DELTACPP_ASSIGN_OR_RAISE(auto filter, ToArrowExpression(bound).Bind(*input->schema()));
  return std::make_shared<FilteringReader>(std::move(input), std::move(filter), limit);
}

}  // namespace deltacpp
