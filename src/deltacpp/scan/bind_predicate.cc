#include "deltacpp/scan/bind_predicate.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_map>
#include <utility>

#include <arrow/compute/cast.h>
#include <arrow/compute/expression.h>
#include <arrow/scalar.h>
#include <arrow/type.h>

#include "deltacpp/kernel/expressions/predicate_parser.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/scan/compute_init.h"
#include "deltacpp/scan/row_filter.h"
#include "deltacpp/scan/typed_value.h"

namespace deltacpp {

namespace {

using TypePtr = std::shared_ptr<arrow::DataType>;

Status Invalid(const std::string& message) {
  return DeltaError(DeltaErrorCode::kInvalidArgument, message);
}

Status Unsupported(const std::string& message) {
  return DeltaError(DeltaErrorCode::kUnsupportedFeature, message);
}

std::string FieldNames(const arrow::FieldVector& fields) {
  std::string names;
  for (const auto& field : fields) names += (names.empty() ? "" : ", ") + field->name();
  return names;
}

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

bool IsIntegral(const arrow::DataType& type) { return arrow::is_integer(type.id()); }
bool IsFloating(const arrow::DataType& type) { return arrow::is_floating(type.id()); }
bool IsDecimal(const arrow::DataType& type) { return arrow::is_decimal(type.id()); }
bool IsNumber(const arrow::DataType& type) {
  return IsIntegral(type) || IsFloating(type) || IsDecimal(type);
}
bool IsNullType(const arrow::DataType& type) { return type.id() == arrow::Type::NA; }
bool IsBoolean(const arrow::DataType& type) { return type.id() == arrow::Type::BOOL; }
bool IsString(const arrow::DataType& type) { return type.id() == arrow::Type::STRING; }
bool IsDate(const arrow::DataType& type) { return type.id() == arrow::Type::DATE32; }
bool IsTimestamp(const arrow::DataType& type) {
  return type.id() == arrow::Type::TIMESTAMP;
}

// The digits an integer type needs as a decimal, as Spark converts it.
int IntegerDigits(const arrow::DataType& type) {
  switch (type.bit_width()) {
    case 8:
      return 3;
    case 16:
      return 5;
    case 32:
      return 10;
    default:
      return 20;
  }
}

const TypePtr& UtcTimestamp() {
  static const TypePtr kType = arrow::timestamp(arrow::TimeUnit::MICRO, "UTC");
  return kType;
}

// Spark's type for a number as written: an integer, a long, a decimal of its digits, or
// (with an exponent, or too many digits) a double.
TypePtr NaturalNumberType(const std::string& text) {
  const bool exponent = text.find_first_of("eE") != std::string::npos;
  if (exponent) return arrow::float64();
  const auto dot = text.find('.');
  if (dot == std::string::npos) {
    if (ParseTypedValue(text, arrow::int32()).ok()) return arrow::int32();
    if (ParseTypedValue(text, arrow::int64()).ok()) return arrow::int64();
  }
  const int scale =
      dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  int significant = 0;
  bool leading = true;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) continue;
    if (leading && c == '0') continue;
    leading = false;
    ++significant;
  }
  const int precision = std::max({significant, scale, 1});
  if (precision > kMaxDecimalPrecision) return arrow::float64();
  return arrow::decimal128(precision, scale);
}

// The type two values meet at, as Spark widens them for a comparison, IN, coalesce or
// if; nullptr when they do not meet.
TypePtr CommonType(const TypePtr& a, const TypePtr& b) {
  if (a->Equals(*b)) return a;
  if (IsNullType(*a)) return b;
  if (IsNullType(*b)) return a;
  if (IsNumber(*a) && IsNumber(*b)) {
    if (IsIntegral(*a) && IsIntegral(*b)) return a->bit_width() >= b->bit_width() ? a : b;
    if (a->id() == arrow::Type::DOUBLE || b->id() == arrow::Type::DOUBLE) {
      return arrow::float64();
    }
    if (IsFloating(*a) || IsFloating(*b)) {
      const auto& other = IsFloating(*a) ? *b : *a;
      return IsIntegral(other) ? arrow::float32() : arrow::float64();
    }
    // Decimals (or a decimal and an integer): room for the integer digits of either and
    // the larger scale, at most kMaxDecimalPrecision digits.
    auto digits = [](const arrow::DataType& type) {
      if (IsIntegral(type)) return std::pair{IntegerDigits(type), 0};
      const auto& decimal = static_cast<const arrow::DecimalType&>(type);
      return std::pair{decimal.precision() - decimal.scale(), decimal.scale()};
    };
    const auto [a_int, a_scale] = digits(*a);
    const auto [b_int, b_scale] = digits(*b);
    const int scale = std::max(a_scale, b_scale);
    return arrow::decimal128(
        std::min(kMaxDecimalPrecision, std::max(a_int, b_int) + scale), scale);
  }
  if (IsDate(*a) && IsTimestamp(*b)) return b;
  if (IsTimestamp(*a) && IsDate(*b)) return a;
  return nullptr;
}

// The casts evaluation does as Spark does (scan/row_filter.h).
bool CastAllowed(const arrow::DataType& from, const arrow::DataType& to) {
  bool allowed = false;
  if (IsNullType(from) || (IsNumber(from) && IsNumber(to))) {
    allowed = true;
  } else if (IsString(to)) {
    // Floats and timestamps are written differently by Arrow and Spark.
    allowed = IsIntegral(from) || IsDecimal(from) || IsBoolean(from) || IsDate(from) ||
              from.id() == arrow::Type::BINARY;
  } else if (IsString(from)) {
    allowed = IsNumber(to) || IsBoolean(to) || IsDate(to) || IsTimestamp(to) ||
              to.id() == arrow::Type::BINARY;
  } else if (IsBoolean(from)) {
    allowed = IsIntegral(to) || IsFloating(to);
  } else if (IsBoolean(to)) {
    allowed = IsIntegral(from) || IsFloating(from);
  } else if (IsDate(from)) {
    allowed = IsTimestamp(to);
  } else if (IsTimestamp(from)) {
    allowed = IsDate(to) || IsTimestamp(to);
  }
  return allowed && arrow::compute::CanCast(from, to);
}

std::string Describe(const Predicate& node) {
  return node.op == PredicateOp::kColumn ? "column '" + node.ToString() + "'"
                                         : "'" + node.ToString() + "'";
}

std::string DescribeTyped(const Predicate& node) {
  return Describe(node) + " (" + DeltaTypeString(*node.type) + ")";
}

PredicateOp Mirror(PredicateOp op) {
  switch (op) {
    case PredicateOp::kLess:
      return PredicateOp::kGreater;
    case PredicateOp::kLessEqual:
      return PredicateOp::kGreaterEqual;
    case PredicateOp::kGreater:
      return PredicateOp::kLess;
    case PredicateOp::kGreaterEqual:
      return PredicateOp::kLessEqual;
    default:
      return op;
  }
}

PredicateOp Negation(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEqual:
      return PredicateOp::kNotEqual;
    case PredicateOp::kNotEqual:
      return PredicateOp::kEqual;
    case PredicateOp::kLess:
      return PredicateOp::kGreaterEqual;
    case PredicateOp::kLessEqual:
      return PredicateOp::kGreater;
    case PredicateOp::kGreater:
      return PredicateOp::kLessEqual;
    case PredicateOp::kGreaterEqual:
      return PredicateOp::kLess;
    case PredicateOp::kIsNull:
      return PredicateOp::kIsNotNull;
    case PredicateOp::kIsNotNull:
      return PredicateOp::kIsNull;
    case PredicateOp::kAnd:
      return PredicateOp::kOr;
    case PredicateOp::kOr:
      return PredicateOp::kAnd;
    default:
      return op;
  }
}

std::shared_ptr<Predicate> WithOp(const Predicate& node, PredicateOp op,
                                  std::vector<PredicatePtr> children,
                                  TypePtr type = arrow::boolean()) {
  auto copy = std::make_shared<Predicate>(node);
  copy->op = op;
  copy->children = std::move(children);
  copy->type = std::move(type);
  return copy;
}

// NOT of a bound condition, with the NOT pushed as far down as three-valued logic
// allows.
PredicatePtr Negate(const PredicatePtr& bound) {
  switch (bound->op) {
    case PredicateOp::kLiteral: {
      if (!bound->value->is_valid) return bound;  // NOT NULL is NULL
      const bool value = static_cast<const arrow::BooleanScalar&>(*bound->value).value;
      auto negated = std::make_shared<Predicate>(*bound);
      negated->literal.text = value ? "false" : "true";
      negated->value = std::make_shared<arrow::BooleanScalar>(!value);
      return negated;
    }
    case PredicateOp::kAnd:
    case PredicateOp::kOr:
      return WithOp(*bound, Negation(bound->op),
                    {Negate(bound->children[0]), Negate(bound->children[1])});
    case PredicateOp::kIn: {
      // x NOT IN (a, b) is x != a AND x != b, nulls included. The ANDs are grouped as a
      // balanced tree: a list of thousands of values must not nest thousands deep, as
      // everything that reads the tree recurses once per level. (New nodes, not copies
      // of the IN with its whole list: that was quadratic.)
      std::vector<PredicatePtr> all;
      for (size_t i = 1; i < bound->children.size(); ++i) {
        all.push_back(WithOp(Predicate{}, PredicateOp::kNotEqual,
                             {bound->children[0], bound->children[i]}));
      }
      while (all.size() > 1) {
        std::vector<PredicatePtr> paired;
        for (size_t i = 0; i + 1 < all.size(); i += 2) {
          paired.push_back(WithOp(Predicate{}, PredicateOp::kAnd, {all[i], all[i + 1]}));
        }
        if (all.size() % 2 == 1) paired.push_back(all.back());
        all = std::move(paired);
      }
      return all.empty() ? nullptr : all[0];
    }
    case PredicateOp::kNot:
      return bound->children[0];
    case PredicateOp::kEqual:
    case PredicateOp::kNotEqual:
    case PredicateOp::kLess:
    case PredicateOp::kLessEqual:
    case PredicateOp::kGreater:
    case PredicateOp::kGreaterEqual:
    case PredicateOp::kIsNull:
    case PredicateOp::kIsNotNull:
      return WithOp(*bound, Negation(bound->op), bound->children);
    default:
      // <=>, LIKE, a boolean function or cast: no form without NOT.
      return WithOp(Predicate{}, PredicateOp::kNot, {bound});
  }
}

// Spark datetime pattern letters (date_format) as strftime directives; letters beyond
// these are refused rather than formatted differently.
Result<std::string> StrftimeFormat(const std::string& pattern) {
  static const std::pair<const char*, const char*> kDirectives[] = {
      {"yyyy", "%Y"}, {"yy", "%y"}, {"MM", "%m"}, {"dd", "%d"},
      {"HH", "%H"},   {"mm", "%M"}, {"ss", "%S"},
  };
  std::string format;
  size_t i = 0;
  while (i < pattern.size()) {
    const char c = pattern[i];
    if (c == '\'') {  // quoted text; '' is a quote
      size_t end = i + 1;
      if (end < pattern.size() && pattern[end] == '\'') {
        format += '\'';
        i += 2;
        continue;
      }
      while (end < pattern.size() && pattern[end] != '\'') {
        format += pattern[end] == '%' ? std::string("%%") : std::string(1, pattern[end]);
        ++end;
      }
      if (end == pattern.size()) {
        return Invalid("date_format pattern '" + pattern + "' has an unclosed quote");
      }
      i = end + 1;
      continue;
    }
    if (!std::isalpha(static_cast<unsigned char>(c))) {
      format += c == '%' ? std::string("%%") : std::string(1, c);
      ++i;
      continue;
    }
    size_t run = i;
    while (run < pattern.size() && pattern[run] == c) ++run;
    const std::string letters = pattern.substr(i, run - i);
    const char* directive = nullptr;
    for (const auto& [spark, strftime] : kDirectives) {
      if (letters == spark) directive = strftime;
    }
    if (directive == nullptr) {
      return Unsupported("date_format pattern '" + pattern +
                         "': delta-cpp formats yyyy, " +
                         "yy, MM, dd, HH, mm and ss, not '" + letters + "'");
    }
    format += directive;
    i = run;
  }
  return format;
}

// Spark's truncation units (date_trunc, trunc) by their canonical names.
std::string TruncationUnit(const std::string& text, bool dates_only) {
  const std::string unit = Upper(text);
  if (unit == "YEAR" || unit == "YYYY" || unit == "YY") return "year";
  if (unit == "QUARTER") return "quarter";
  if (unit == "MONTH" || unit == "MM" || unit == "MON") return "month";
  if (unit == "WEEK") return "week";
  if (dates_only) return "";
  if (unit == "DAY" || unit == "DD") return "day";
  if (unit == "HOUR") return "hour";
  if (unit == "MINUTE") return "minute";
  if (unit == "SECOND") return "second";
  if (unit == "MILLISECOND") return "millisecond";
  if (unit == "MICROSECOND") return "microsecond";
  return "";
}

const std::pair<const char*, const char*> kFunctionAliases[] = {
    {"dayofmonth", "day"},
    {"substr", "substring"},
    {"date", "to_date"},
    {"nvl", "coalesce"},
    {"ifnull", "coalesce"},
    {"char_length", "length"},
    {"character_length", "length"},
    {"lcase", "lower"},
    {"ucase", "upper"},
};

const char* const kFunctions[] = {
    "abs",        "coalesce",  "concat",    "concat_ws", "date_format", "date_trunc",
    "day",        "dayofweek", "dayofyear", "hour",      "if",          "length",
    "lower",      "ltrim",     "minute",    "month",     "quarter",     "rtrim",
    "second",     "substring", "to_date",   "trim",      "trunc",       "upper",
    "weekofyear", "year",
};

class Binder {
 public:
  explicit Binder(const arrow::Schema& schema) : schema_(schema) {}

  // A bound expression whose value is a boolean.
  Result<PredicatePtr> Condition(const PredicatePtr& node) {
    switch (node->op) {
      case PredicateOp::kColumn: {
        DELTACPP_ASSIGN_OR_RAISE(auto bound, BindColumn(*node));
        if (!IsBoolean(*bound->type)) {
          return Invalid("column '" + bound->ToString() + "' is a " +
                         DeltaTypeString(*bound->type) + ", not a condition");
        }
        DELTACPP_ASSIGN_OR_RAISE(auto true_value,
                                 LiteralFor(*Literal(true), *bound, "compare"));
        return WithOp(*node, PredicateOp::kEqual, {bound, true_value});
      }
      case PredicateOp::kLiteral: {
        // A literal standing alone: TRUE, FALSE or NULL.
        if (node->literal.kind != LiteralValue::Kind::kBoolean &&
            node->literal.kind != LiteralValue::Kind::kNull) {
          return Invalid(node->ToString() + " is not a condition");
        }
        auto bound = std::make_shared<Predicate>(*node);
        bound->type = arrow::boolean();
        if (node->literal.kind == LiteralValue::Kind::kBoolean) {
          bound->value =
              std::make_shared<arrow::BooleanScalar>(node->literal.text == "true");
        } else {
          bound->value = arrow::MakeNullScalar(arrow::boolean());
        }
        return bound;
      }
      case PredicateOp::kAnd:
      case PredicateOp::kOr: {
        DELTACPP_ASSIGN_OR_RAISE(auto left, Condition(node->children[0]));
        DELTACPP_ASSIGN_OR_RAISE(auto right, Condition(node->children[1]));
        return WithOp(*node, node->op, {std::move(left), std::move(right)});
      }
      case PredicateOp::kNot: {
        DELTACPP_ASSIGN_OR_RAISE(auto operand, Condition(node->children[0]));
        return Negate(operand);
      }
      case PredicateOp::kIsNull:
      case PredicateOp::kIsNotNull: {
        DELTACPP_ASSIGN_OR_RAISE(auto operand, Value(node->children[0]));
        return WithOp(*node, node->op, {std::move(operand)});
      }
      case PredicateOp::kIn:
        return InList(node);
      case PredicateOp::kEqual:
      case PredicateOp::kNotEqual:
      case PredicateOp::kLess:
      case PredicateOp::kLessEqual:
      case PredicateOp::kGreater:
      case PredicateOp::kGreaterEqual:
      case PredicateOp::kNullSafeEqual:
        return Comparison(node);
      case PredicateOp::kLike:
        return LikeOp(node);
      default: {
        DELTACPP_ASSIGN_OR_RAISE(auto bound, Value(node));
        if (!IsBoolean(*bound->type)) {
          return Invalid(DescribeTyped(*bound) + " is not a condition");
        }
        return bound;
      }
    }
  }

  // A bound expression of any type.
  Result<PredicatePtr> Value(const PredicatePtr& node) {
    switch (node->op) {
      case PredicateOp::kColumn:
        return BindColumn(*node);
      case PredicateOp::kLiteral:
        return NaturalLiteral(*node);
      case PredicateOp::kAdd:
      case PredicateOp::kSubtract:
      case PredicateOp::kMultiply:
      case PredicateOp::kDivide:
      case PredicateOp::kModulo:
        return ArithmeticOp(node);
      case PredicateOp::kNegate:
        return NegateOp(node);
      case PredicateOp::kCast:
        return CastOp(node);
      case PredicateOp::kFunction:
        return Function(node);
      default:
        return Condition(node);
    }
  }

 private:
  Result<PredicatePtr> BindColumn(const Predicate& column) {
    const arrow::FieldVector* fields = &schema_.fields();
    std::shared_ptr<arrow::Field> field;
    std::string walked;
    std::vector<std::string> names;
    for (const auto& name : column.column) {
      if (field != nullptr) {
        if (field->type()->id() != arrow::Type::STRUCT) {
          return Invalid("column '" + walked + "' is a " +
                         DeltaTypeString(*field->type()) + ", not a struct with field '" +
                         name + "'");
        }
        fields = &field->type()->fields();
      }
      // The exact name, else the one name that differs only in case.
      field = nullptr;
      int folded_matches = 0;
      std::shared_ptr<arrow::Field> folded;
      for (const auto& candidate : *fields) {
        if (candidate->name() == name) field = candidate;
        if (Lower(candidate->name()) == Lower(name)) {
          folded = candidate;
          ++folded_matches;
        }
      }
      if (field == nullptr && folded_matches == 1) field = folded;
      walked += (walked.empty() ? "" : ".") + name;
      if (field == nullptr) {
        return Invalid("column '" + walked + "' is not in the table (" +
                       (fields == &schema_.fields() ? "its columns" : "fields there") +
                       ": " + FieldNames(*fields) + ")");
      }
      names.push_back(field->name());
    }
    auto bound = std::make_shared<Predicate>(column);
    bound->column = std::move(names);
    bound->type = field->type();
    return bound;
  }

  Result<PredicatePtr> NaturalLiteral(const Predicate& literal) {
    auto bound = std::make_shared<Predicate>(literal);
    const auto& text = literal.literal.text;
    switch (literal.literal.kind) {
      case LiteralValue::Kind::kNull:
        bound->type = arrow::null();
        bound->value = arrow::MakeNullScalar(arrow::null());
        return bound;
      case LiteralValue::Kind::kBoolean:
        bound->type = arrow::boolean();
        bound->value = std::make_shared<arrow::BooleanScalar>(text == "true");
        return bound;
      case LiteralValue::Kind::kString:
        bound->type = arrow::utf8();
        bound->value = std::make_shared<arrow::StringScalar>(text);
        return bound;
      case LiteralValue::Kind::kNumber:
        break;
    }
    bound->type = NaturalNumberType(text);
    auto value = ParseTypedValue(text, bound->type);
    if (!value.ok()) return Invalid("'" + text + "' is not a number");
    bound->value = *std::move(value);
    return bound;
  }

  // `literal` where it meets the bound `other`: of other's type when its text is a value
  // of it, else (a number meeting a number) of its own type, to be widened.
  Result<PredicatePtr> LiteralFor(const Predicate& literal, const Predicate& other,
                                  const char* verb) {
    const auto& type = other.type;
    if (IsNullType(*type)) return NaturalLiteral(literal);
    auto bound = std::make_shared<Predicate>(literal);
    bound->type = type;
    auto mismatch = [&](const std::string& why) {
      return Invalid(std::string("cannot ") + verb + " " + DescribeTyped(other) +
                     " with " + literal.ToString() + ": " + why);
    };
    switch (literal.literal.kind) {
      case LiteralValue::Kind::kNull:
        bound->value = arrow::MakeNullScalar(type);
        return bound;
      case LiteralValue::Kind::kBoolean:
        if (!IsBoolean(*type)) return mismatch("it is a boolean");
        break;
      case LiteralValue::Kind::kNumber:
        if (!IsNumber(*type)) return mismatch("it is a number");
        break;
      case LiteralValue::Kind::kString:
        break;
    }
    auto value = ParseTypedValue(literal.literal.text, type);
    if (!value.ok()) {
      if (literal.literal.kind == LiteralValue::Kind::kNumber) {
        return NaturalLiteral(literal);
      }
      return mismatch(value.status().message());
    }
    bound->value = *std::move(value);
    return bound;
  }

  // Two operands, a literal among them typed by the other. `check` sees each operand
  // that is not a literal before a literal is typed by it.
  using Check = Status (Binder::*)(const Predicate& node, const Predicate& operand);
  Result<std::pair<PredicatePtr, PredicatePtr>> Operands(const PredicatePtr& node,
                                                         const char* verb,
                                                         Check check = nullptr) {
    const auto& left = node->children[0];
    const auto& right = node->children[1];
    const bool left_literal = left->op == PredicateOp::kLiteral;
    const bool right_literal = right->op == PredicateOp::kLiteral;
    PredicatePtr bound_left, bound_right;
    auto value = [&](const PredicatePtr& operand) -> Result<PredicatePtr> {
      DELTACPP_ASSIGN_OR_RAISE(auto bound, Value(operand));
      if (check != nullptr) DELTACPP_RETURN_NOT_OK((this->*check)(*node, *bound));
      return bound;
    };
    if (left_literal && !right_literal) {
      DELTACPP_ASSIGN_OR_RAISE(bound_right, value(right));
      DELTACPP_ASSIGN_OR_RAISE(bound_left, LiteralFor(*left, *bound_right, verb));
    } else {
      DELTACPP_ASSIGN_OR_RAISE(bound_left, value(left));
      if (right_literal && !left_literal) {
        DELTACPP_ASSIGN_OR_RAISE(bound_right, LiteralFor(*right, *bound_left, verb));
      } else {
        DELTACPP_ASSIGN_OR_RAISE(bound_right, value(right));
      }
    }
    return std::pair{std::move(bound_left), std::move(bound_right)};
  }

  // `bound` converted to `type`: the same node when it is of that type already, a
  // literal of that type when its text is a value of it, else a CAST.
  Result<PredicatePtr> CastTo(const PredicatePtr& bound, const TypePtr& type) {
    if (bound->type->Equals(*type)) return bound;
    if (bound->op == PredicateOp::kLiteral) {
      auto literal = std::make_shared<Predicate>(*bound);
      literal->type = type;
      if (!bound->value->is_valid) {
        literal->value = arrow::MakeNullScalar(type);
        return literal;
      }
      const auto kind = bound->literal.kind;
      const bool exact = (kind == LiteralValue::Kind::kString && !IsString(*type)) ||
                         (kind == LiteralValue::Kind::kNumber && IsNumber(*type)) ||
                         (kind == LiteralValue::Kind::kBoolean && IsBoolean(*type));
      if (exact) {
        auto value = ParseTypedValue(bound->literal.text, type);
        if (value.ok()) {
          literal->value = *std::move(value);
          return literal;
        }
      }
    }
    if (!CastAllowed(*bound->type, *type)) {
      const std::string what = "CAST from " + DeltaTypeString(*bound->type) + " to " +
                               DeltaTypeString(*type) + " (of " + Describe(*bound) + ")";
      if (arrow::is_nested(bound->type->id()) || arrow::is_nested(type->id())) {
        return Invalid("cannot " + what);
      }
      return Unsupported(what + " is not supported by delta-cpp");
    }
    auto cast = WithOp(Predicate{}, PredicateOp::kCast, {bound}, type);
    cast->name = DeltaTypeString(*type);
    return cast;
  }

  // Sets `node`'s type to the type of the value Arrow computes for it. Its operands
  // other than literals (which some functions read) stand in as columns of their types:
  // binding the whole subtree again at every level was quadratic in its depth.
  Result<PredicatePtr> Typed(std::shared_ptr<Predicate> node) {
    Predicate shallow = *node;
    arrow::FieldVector operands;
    for (auto& child : shallow.children) {
      if (child->op == PredicateOp::kLiteral) continue;
      auto column = std::make_shared<Predicate>();
      column->op = PredicateOp::kColumn;
      column->column = {std::to_string(operands.size())};
      column->type = child->type;
      operands.push_back(arrow::field(column->column[0], child->type));
      child = std::move(column);
    }
    auto bound = ToArrowExpression(shallow).Bind(arrow::Schema(std::move(operands)));
    if (!bound.ok()) {
      return Invalid("cannot evaluate '" + node->ToString() +
                     "': " + bound.status().message());
    }
    node->type = bound->type()->GetSharedPtr();
    return node;
  }

  Status CheckComparable(const Predicate& bound) {
    if (arrow::is_nested(bound.type->id())) {
      return Invalid(Describe(bound) + " is a " + DeltaTypeString(*bound.type) +
                     ", which cannot be compared");
    }
    return Status::OK();
  }

  Status CheckComparable(const Predicate& /*node*/, const Predicate& bound) {
    return CheckComparable(bound);
  }

  Result<PredicatePtr> Comparison(const PredicatePtr& node) {
    DELTACPP_ASSIGN_OR_RAISE(auto operands,
                             Operands(node, "compare", &Binder::CheckComparable));
    auto [left, right] = std::move(operands);
    if (left->op == PredicateOp::kLiteral && right->op == PredicateOp::kLiteral) {
      return Invalid(node->ToString() + " compares no column");
    }
    auto common = CommonType(left->type, right->type);
    if (common == nullptr) {
      return Invalid("cannot compare " + DescribeTyped(*left) + " with " +
                     DescribeTyped(*right));
    }
    DELTACPP_ASSIGN_OR_RAISE(left, CastTo(left, common));
    DELTACPP_ASSIGN_OR_RAISE(right, CastTo(right, common));
    PredicateOp op = node->op;
    if (left->op == PredicateOp::kLiteral) {
      std::swap(left, right);
      op = Mirror(op);
    }
    return WithOp(*node, op, {std::move(left), std::move(right)});
  }

  Result<PredicatePtr> InList(const PredicatePtr& node) {
    DELTACPP_ASSIGN_OR_RAISE(auto operand, Value(node->children[0]));
    DELTACPP_RETURN_NOT_OK(CheckComparable(*operand));
    std::vector<PredicatePtr> children{operand};
    TypePtr common = operand->type;
    for (size_t i = 1; i < node->children.size(); ++i) {
      const auto& child = node->children[i];
      PredicatePtr value;
      if (child->op == PredicateOp::kLiteral) {
        DELTACPP_ASSIGN_OR_RAISE(value, LiteralFor(*child, *operand, "compare"));
      } else {
        DELTACPP_ASSIGN_OR_RAISE(value, Value(child));
      }
      auto widened = CommonType(common, value->type);
      if (widened == nullptr) {
        return Invalid("cannot compare " + DescribeTyped(*operand) + " with " +
                       DescribeTyped(*value));
      }
      common = std::move(widened);
      children.push_back(std::move(value));
    }
    for (auto& child : children) {
      DELTACPP_ASSIGN_OR_RAISE(child, CastTo(child, common));
    }
    return WithOp(*node, PredicateOp::kIn, std::move(children));
  }

  Result<PredicatePtr> LikeOp(const PredicatePtr& node) {
    DELTACPP_ASSIGN_OR_RAISE(auto operand, StringArgument("LIKE", node->children[0]));
    const auto& pattern = node->children[1];
    if (pattern->op != PredicateOp::kLiteral ||
        pattern->literal.kind != LiteralValue::Kind::kString) {
      return Unsupported(node->ToString() +
                         ": delta-cpp takes a string literal after LIKE");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto bound_pattern, NaturalLiteral(*pattern));
    return WithOp(*node, PredicateOp::kLike, {operand, bound_pattern});
  }

  Status CheckArithmetic(const Predicate& node, const Predicate& operand) {
    const auto& type = *operand.type;
    if (IsNumber(type) || IsNullType(type)) return Status::OK();
    const std::string what =
        "'" + node.ToString() + "' applies arithmetic to " + DescribeTyped(operand);
    if (IsDate(type) || IsTimestamp(type) || IsString(type)) {
      return Unsupported(what + ", which delta-cpp does not implement");
    }
    return Invalid(what);
  }

  Result<PredicatePtr> ArithmeticOp(const PredicatePtr& node) {
    // Literals keep their own types here (2 an integer, 1.5 a decimal(2,1)), so that
    // price * 2 has the precision and scale Spark gives it.
    DELTACPP_ASSIGN_OR_RAISE(auto left, Value(node->children[0]));
    DELTACPP_RETURN_NOT_OK(CheckArithmetic(*node, *left));
    DELTACPP_ASSIGN_OR_RAISE(auto right, Value(node->children[1]));
    DELTACPP_RETURN_NOT_OK(CheckArithmetic(*node, *right));
    TypePtr left_type = left->type, right_type = right->type;
    if (IsNullType(*left_type) && IsNullType(*right_type)) {
      left_type = right_type = arrow::int32();
    } else if (IsNullType(*left_type)) {
      left_type = right_type;
    } else if (IsNullType(*right_type)) {
      right_type = left_type;
    }
    const bool any_decimal = IsDecimal(*left_type) || IsDecimal(*right_type);
    const bool any_floating = IsFloating(*left_type) || IsFloating(*right_type);
    if ((node->op == PredicateOp::kDivide && !any_decimal) ||
        (any_decimal && any_floating)) {
      // Spark divides integers and floats as doubles, and meets a decimal with a float
      // as doubles.
      left_type = right_type = arrow::float64();
    } else if (any_decimal) {
      // Decimals keep their own precision and scale (Arrow's decimal arithmetic aligns
      // them); an integer becomes a decimal of its digits.
      if (IsIntegral(*left_type))
        left_type = arrow::decimal128(IntegerDigits(*left_type), 0);
      if (IsIntegral(*right_type)) {
        right_type = arrow::decimal128(IntegerDigits(*right_type), 0);
      }
    } else {
      left_type = right_type = CommonType(left_type, right_type);
    }
    DELTACPP_ASSIGN_OR_RAISE(left, CastTo(left, left_type));
    DELTACPP_ASSIGN_OR_RAISE(right, CastTo(right, right_type));
    return Typed(WithOp(*node, node->op, {std::move(left), std::move(right)}, nullptr));
  }

  Result<PredicatePtr> NegateOp(const PredicatePtr& node) {
    DELTACPP_ASSIGN_OR_RAISE(auto operand, Value(node->children[0]));
    if (IsNullType(*operand->type)) {
      DELTACPP_ASSIGN_OR_RAISE(operand, CastTo(operand, arrow::int32()));
    }
    if (!IsNumber(*operand->type)) {
      return Invalid("'" + node->ToString() + "' negates " + DescribeTyped(*operand));
    }
    return Typed(WithOp(*node, PredicateOp::kNegate, {std::move(operand)}, nullptr));
  }

  Result<PredicatePtr> CastOp(const PredicatePtr& node) {
    auto type = ParsePrimitiveType(node->name);
    if (!type.ok()) {
      return Invalid("'" + node->ToString() + "': '" + node->name + "' is not a type");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto operand, Value(node->children[0]));
    return CastTo(operand, *type);
  }

  // The function's argument `node`, converted to a string when it is of another type
  // Spark would convert implicitly.
  Result<PredicatePtr> StringArgument(const std::string& function,
                                      const PredicatePtr& node) {
    DELTACPP_ASSIGN_OR_RAISE(auto bound, Value(node));
    if (IsString(*bound->type)) return bound;
    if (arrow::is_nested(bound->type->id()) || bound->type->id() == arrow::Type::BINARY) {
      return Invalid(function + " takes a string, not " + DescribeTyped(*bound));
    }
    return CastTo(bound, arrow::utf8());
  }

  // A date or a timestamp (as it is), or a string read as `fallback`.
  Result<PredicatePtr> TemporalArgument(const std::string& function,
                                        const PredicatePtr& node,
                                        const TypePtr& fallback) {
    DELTACPP_ASSIGN_OR_RAISE(auto bound, Value(node));
    if (IsDate(*bound->type) || IsTimestamp(*bound->type)) return bound;
    if (IsString(*bound->type) || IsNullType(*bound->type)) {
      return CastTo(bound, fallback);
    }
    return Invalid(function + " takes a date or a timestamp, not " +
                   DescribeTyped(*bound));
  }

  Result<PredicatePtr> ConstantString(const std::string& function,
                                      const PredicatePtr& node, const char* what) {
    if (node->op != PredicateOp::kLiteral ||
        node->literal.kind != LiteralValue::Kind::kString) {
      return Unsupported(function + " with a " + what +
                         " that is not a string literal (" + node->ToString() +
                         ") is not supported by delta-cpp");
    }
    return NaturalLiteral(*node);
  }

  Result<PredicatePtr> ConstantInteger(const std::string& function,
                                       const PredicatePtr& node, const char* what) {
    if (node->op != PredicateOp::kLiteral ||
        node->literal.kind != LiteralValue::Kind::kNumber) {
      return Unsupported(function + " with a " + what +
                         " that is not an integer literal (" + node->ToString() +
                         ") is not supported by delta-cpp");
    }
    DELTACPP_ASSIGN_OR_RAISE(auto bound, NaturalLiteral(*node));
    if (!IsIntegral(*bound->type)) {
      return Invalid(function + " takes an integer " + what + ", not " +
                     node->ToString());
    }
    return CastTo(bound, arrow::int64());
  }

  // Binds `nodes` and converts them to the one type they all meet at.
  Result<std::vector<PredicatePtr>> CommonValues(const std::string& function,
                                                 const std::vector<PredicatePtr>& nodes) {
    std::vector<PredicatePtr> bound(nodes.size());
    const Predicate* typed = nullptr;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i]->op == PredicateOp::kLiteral) continue;
      DELTACPP_ASSIGN_OR_RAISE(bound[i], Value(nodes[i]));
      if (typed == nullptr) typed = bound[i].get();
    }
    TypePtr common = arrow::null();
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (bound[i] == nullptr) {
        if (typed != nullptr) {
          DELTACPP_ASSIGN_OR_RAISE(bound[i], LiteralFor(*nodes[i], *typed, "combine"));
        } else {
          DELTACPP_ASSIGN_OR_RAISE(bound[i], NaturalLiteral(*nodes[i]));
        }
      }
      auto widened = CommonType(common, bound[i]->type);
      if (widened == nullptr) {
        return Invalid(function + " takes values of one type, not " +
                       DeltaTypeString(*common) + " and " + DescribeTyped(*bound[i]));
      }
      common = std::move(widened);
    }
    for (auto& value : bound) {
      DELTACPP_ASSIGN_OR_RAISE(value, CastTo(value, common));
    }
    return bound;
  }

  Result<PredicatePtr> Function(const PredicatePtr& node) {
    std::string name = Lower(node->name);
    for (const auto& [alias, canonical] : kFunctionAliases) {
      if (name == alias) name = canonical;
    }
    if (std::find(std::begin(kFunctions), std::end(kFunctions), name) ==
        std::end(kFunctions)) {
      std::string known;
      for (const char* function : kFunctions)
        known += (known.empty() ? "" : ", ") + std::string(function);
      return Unsupported("function '" + node->name +
                         "' is not supported by delta-cpp (it implements " + known + ")");
    }
    const auto& args = node->children;
    const size_t count = args.size();
    auto arity = [&](size_t low, size_t high) -> Status {
      if (count >= low && count <= high) return Status::OK();
      std::string range = low == high ? std::to_string(low)
                          : high == SIZE_MAX
                              ? "at least " + std::to_string(low)
                              : std::to_string(low) + " to " + std::to_string(high);
      return Invalid("function " + name + " takes " + range + " argument(s), not " +
                     std::to_string(count) + ": '" + node->ToString() + "'");
    };
    std::vector<PredicatePtr> bound;
    auto call = [&](TypePtr type = nullptr) -> Result<PredicatePtr> {
      auto result = WithOp(*node, PredicateOp::kFunction, std::move(bound), type);
      result->name = name;
      if (type != nullptr) return result;
      return Typed(std::move(result));
    };

    if (name == "year" || name == "month" || name == "day" || name == "dayofweek" ||
        name == "dayofyear" || name == "quarter" || name == "weekofyear") {
      DELTACPP_RETURN_NOT_OK(arity(1, 1));
      DELTACPP_ASSIGN_OR_RAISE(auto date,
                               TemporalArgument(name, args[0], arrow::date32()));
      bound.push_back(std::move(date));
      return call(arrow::int32());
    }
    if (name == "hour" || name == "minute" || name == "second") {
      DELTACPP_RETURN_NOT_OK(arity(1, 1));
      DELTACPP_ASSIGN_OR_RAISE(auto time,
                               TemporalArgument(name, args[0], UtcTimestamp()));
      if (IsDate(*time->type)) {
        DELTACPP_ASSIGN_OR_RAISE(time, CastTo(time, UtcTimestamp()));
      }
      bound.push_back(std::move(time));
      return call(arrow::int32());
    }
    if (name == "to_date") {
      if (count == 2) {
        return Unsupported("to_date with a format ('" + node->ToString() +
                           "') is not supported by delta-cpp");
      }
      DELTACPP_RETURN_NOT_OK(arity(1, 1));
      DELTACPP_ASSIGN_OR_RAISE(auto value,
                               TemporalArgument(name, args[0], arrow::date32()));
      return CastTo(value, arrow::date32());
    }
    if (name == "date_format") {
      DELTACPP_RETURN_NOT_OK(arity(2, 2));
      DELTACPP_ASSIGN_OR_RAISE(auto time,
                               TemporalArgument(name, args[0], UtcTimestamp()));
      if (IsDate(*time->type)) {
        DELTACPP_ASSIGN_OR_RAISE(time, CastTo(time, UtcTimestamp()));
      }
      DELTACPP_ASSIGN_OR_RAISE(auto pattern, ConstantString(name, args[1], "pattern"));
      // The literal keeps Spark's pattern as its text; its value is the strftime format
      // evaluation uses.
      DELTACPP_ASSIGN_OR_RAISE(auto format, StrftimeFormat(pattern->literal.text));
      auto translated = std::make_shared<Predicate>(*pattern);
      translated->value = std::make_shared<arrow::StringScalar>(std::move(format));
      bound = {std::move(time), std::move(translated)};
      return call(arrow::utf8());
    }
    if (name == "date_trunc" || name == "trunc") {
      DELTACPP_RETURN_NOT_OK(arity(2, 2));
      const bool dates = name == "trunc";
      const auto& unit_node = dates ? args[1] : args[0];
      DELTACPP_ASSIGN_OR_RAISE(auto unit, ConstantString(name, unit_node, "unit"));
      const std::string canonical = TruncationUnit(unit->literal.text, dates);
      if (canonical.empty()) {
        return Invalid("function " + name + " does not know the unit '" +
                       unit->literal.text + "'");
      }
      auto canonical_unit = std::make_shared<Predicate>(*unit);
      canonical_unit->value = std::make_shared<arrow::StringScalar>(canonical);
      DELTACPP_ASSIGN_OR_RAISE(
          auto time, TemporalArgument(name, dates ? args[0] : args[1],
                                      dates ? arrow::date32() : UtcTimestamp()));
      DELTACPP_ASSIGN_OR_RAISE(time,
                               CastTo(time, dates                      ? arrow::date32()
                                            : IsTimestamp(*time->type) ? time->type
                                                                       : UtcTimestamp()));
      auto type = time->type;
      bound = dates
                  ? std::vector<PredicatePtr>{std::move(time), std::move(canonical_unit)}
                  : std::vector<PredicatePtr>{std::move(canonical_unit), std::move(time)};
      return call(std::move(type));
    }
    if (name == "substring") {
      DELTACPP_RETURN_NOT_OK(arity(2, 3));
      DELTACPP_ASSIGN_OR_RAISE(auto text, StringArgument(name, args[0]));
      bound.push_back(std::move(text));
      DELTACPP_ASSIGN_OR_RAISE(auto position, ConstantInteger(name, args[1], "position"));
      bound.push_back(std::move(position));
      if (count == 3) {
        DELTACPP_ASSIGN_OR_RAISE(auto length, ConstantInteger(name, args[2], "length"));
        bound.push_back(std::move(length));
      }
      return call(arrow::utf8());
    }
    if (name == "concat" || name == "concat_ws") {
      DELTACPP_RETURN_NOT_OK(arity(name == "concat" ? 1 : 2, SIZE_MAX));
      for (const auto& arg : args) {
        DELTACPP_ASSIGN_OR_RAISE(auto text, StringArgument(name, arg));
        bound.push_back(std::move(text));
      }
      return call(arrow::utf8());
    }
    if (name == "lower" || name == "upper" || name == "trim" || name == "ltrim" ||
        name == "rtrim") {
      DELTACPP_RETURN_NOT_OK(arity(1, 1));
      DELTACPP_ASSIGN_OR_RAISE(auto text, StringArgument(name, args[0]));
      bound.push_back(std::move(text));
      return call(arrow::utf8());
    }
    if (name == "length") {
      DELTACPP_RETURN_NOT_OK(arity(1, 1));
      DELTACPP_ASSIGN_OR_RAISE(auto value, Value(args[0]));
      if (value->type->id() != arrow::Type::BINARY) {
        DELTACPP_ASSIGN_OR_RAISE(value, StringArgument(name, args[0]));
      }
      bound.push_back(std::move(value));
      return call(arrow::int32());
    }
    if (name == "abs") {
      DELTACPP_RETURN_NOT_OK(arity(1, 1));
      DELTACPP_ASSIGN_OR_RAISE(auto value, Value(args[0]));
      if (IsNullType(*value->type)) {
        DELTACPP_ASSIGN_OR_RAISE(value, CastTo(value, arrow::int32()));
      }
      if (!IsNumber(*value->type)) {
        return Invalid("function abs takes a number, not " + DescribeTyped(*value));
      }
      bound.push_back(std::move(value));
      return call();
    }
    if (name == "coalesce") {
      DELTACPP_RETURN_NOT_OK(arity(1, SIZE_MAX));
      DELTACPP_ASSIGN_OR_RAISE(bound, CommonValues(name, args));
      auto type = bound[0]->type;
      return call(std::move(type));
    }
    // if(condition, then, else)
    DELTACPP_RETURN_NOT_OK(arity(3, 3));
    DELTACPP_ASSIGN_OR_RAISE(auto condition, Condition(args[0]));
    DELTACPP_ASSIGN_OR_RAISE(auto values, CommonValues(name, {args[1], args[2]}));
    auto type = values[0]->type;
    bound = {std::move(condition), std::move(values[0]), std::move(values[1])};
    return call(std::move(type));
  }

  const arrow::Schema& schema_;
};

// How many nodes Arrow visits binding and evaluating `expression`: an operand used twice
// (both sides of <=>, the operand of IN once per value) is visited twice. Counted once
// per distinct node, saturating above kMaxPredicateSize.
int64_t VisitedNodes(const arrow::compute::Expression& expression,
                     std::unordered_map<const void*, int64_t>* counted) {
  const auto* call = expression.call();
  if (call == nullptr) return 1;
  if (auto known = counted->find(call); known != counted->end()) return known->second;
  int64_t visited = 1;
  for (const auto& argument : call->arguments) {
    visited = std::min(visited + VisitedNodes(argument, counted), kMaxPredicateSize + 1);
  }
  counted->emplace(call, visited);
  return visited;
}

// Arrow's binding and evaluation take time in proportion to the nodes they visit, which
// nesting <=> or IN doubles at every level: refused beyond the parser's own limit.
Result<PredicatePtr> Evaluable(PredicatePtr bound) {
  std::unordered_map<const void*, int64_t> counted;
  if (VisitedNodes(ToArrowExpression(*bound), &counted) > kMaxPredicateSize) {
    return Invalid("the expression is too large to evaluate: it grows to more than " +
                   std::to_string(kMaxPredicateSize) +
                   " nodes, counting an operand that <=> or IN repeats each time");
  }
  return bound;
}

void CollectColumns(const PredicatePtr& node, std::vector<PredicatePtr>* columns) {
  if (node->op == PredicateOp::kColumn) {
    for (const auto& seen : *columns) {
      if (seen->column == node->column) return;
    }
    columns->push_back(node);
    return;
  }
  for (const auto& child : node->children) CollectColumns(child, columns);
}

}  // namespace

Result<PredicatePtr> BindPredicate(const PredicatePtr& predicate,
                                   const arrow::Schema& schema) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_ASSIGN_OR_RAISE(auto bound, Binder(schema).Condition(predicate));
  return Evaluable(std::move(bound));
}

Result<PredicatePtr> BindExpression(const PredicatePtr& expression,
                                    const arrow::Schema& schema) {
  DELTACPP_RETURN_NOT_OK(EnsureComputeInitialized());
  DELTACPP_ASSIGN_OR_RAISE(auto bound, Binder(schema).Value(expression));
  return Evaluable(std::move(bound));
}

std::vector<PredicatePtr> ReferencedColumns(const PredicatePtr& bound) {
  std::vector<PredicatePtr> columns;
  CollectColumns(bound, &columns);
  return columns;
}

}  // namespace deltacpp
