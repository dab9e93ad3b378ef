#include "deltacpp/kernel/expressions/predicate.h"

#include <cctype>
#include <charconv>

namespace deltacpp {

namespace {

PredicatePtr Make(PredicateOp op, std::vector<PredicatePtr> children) {
  auto node = std::make_shared<Predicate>();
  node->op = op;
  node->children = std::move(children);
  return node;
}

bool IsPlainIdentifier(const std::string& name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

std::string Quote(const std::string& text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out.push_back(c);
    if (c == quote) out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

const char* OperatorText(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEqual:
      return " = ";
    case PredicateOp::kNotEqual:
      return " != ";
    case PredicateOp::kLess:
      return " < ";
    case PredicateOp::kLessEqual:
      return " <= ";
    case PredicateOp::kGreater:
      return " > ";
    case PredicateOp::kGreaterEqual:
      return " >= ";
    case PredicateOp::kAnd:
      return " AND ";
    case PredicateOp::kOr:
      return " OR ";
    default:
      return " ? ";
  }
}

}  // namespace

bool IsComparison(PredicateOp op) {
  switch (op) {
    case PredicateOp::kEqual:
    case PredicateOp::kNotEqual:
    case PredicateOp::kLess:
    case PredicateOp::kLessEqual:
    case PredicateOp::kGreater:
    case PredicateOp::kGreaterEqual:
      return true;
    default:
      return false;
  }
}

std::string Predicate::ToString() const {
  switch (op) {
    case PredicateOp::kColumn: {
      std::string out;
      for (const auto& name : column) {
        if (!out.empty()) out += '.';
        out += IsPlainIdentifier(name) ? name : Quote(name, '`');
      }
      return out;
    }
    case PredicateOp::kLiteral:
      switch (literal.kind) {
        case LiteralValue::Kind::kNull:
          return "NULL";
        case LiteralValue::Kind::kString:
          return Quote(literal.text, '\'');
        default:
          return literal.text;
      }
    case PredicateOp::kIsNull:
      return children[0]->ToString() + " IS NULL";
    case PredicateOp::kIsNotNull:
      return children[0]->ToString() + " IS NOT NULL";
    case PredicateOp::kNot:
      return "NOT (" + children[0]->ToString() + ")";
    case PredicateOp::kIn: {
      std::string out = children[0]->ToString() + " IN (";
      for (size_t i = 1; i < children.size(); ++i) {
        if (i > 1) out += ", ";
        out += children[i]->ToString();
      }
      return out + ")";
    }
    case PredicateOp::kAnd:
    case PredicateOp::kOr:
      return "(" + children[0]->ToString() + OperatorText(op) + children[1]->ToString() +
             ")";
    default:
      return children[0]->ToString() + OperatorText(op) + children[1]->ToString();
  }
}

PredicatePtr Column(std::vector<std::string> path) {
  auto node = std::make_shared<Predicate>();
  node->op = PredicateOp::kColumn;
  node->column = std::move(path);
  return node;
}

PredicatePtr Column(const std::string& dotted_name) {
  std::vector<std::string> path;
  std::string::size_type start = 0;
  while (true) {
    auto dot = dotted_name.find('.', start);
    path.push_back(dotted_name.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return Column(std::move(path));
}

PredicatePtr Literal(LiteralValue value) {
  auto node = std::make_shared<Predicate>();
  node->op = PredicateOp::kLiteral;
  node->literal = std::move(value);
  return node;
}

PredicatePtr Literal(int64_t value) {
  return Literal(LiteralValue{LiteralValue::Kind::kNumber, std::to_string(value)});
}

PredicatePtr Literal(double value) {
  // The shortest text that reads back as the same double.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return Literal(
      LiteralValue{LiteralValue::Kind::kNumber, std::string(buffer, result.ptr)});
}

PredicatePtr Literal(bool value) {
  return Literal(LiteralValue{LiteralValue::Kind::kBoolean, value ? "true" : "false"});
}

PredicatePtr Literal(std::string value) {
  return Literal(LiteralValue{LiteralValue::Kind::kString, std::move(value)});
}

PredicatePtr NullLiteral() { return Literal(LiteralValue{}); }

PredicatePtr Compare(PredicateOp op, PredicatePtr left, PredicatePtr right) {
  return Make(op, {std::move(left), std::move(right)});
}

PredicatePtr IsNull(PredicatePtr operand) {
  return Make(PredicateOp::kIsNull, {std::move(operand)});
}

PredicatePtr IsNotNull(PredicatePtr operand) {
  return Make(PredicateOp::kIsNotNull, {std::move(operand)});
}

PredicatePtr In(PredicatePtr operand, std::vector<PredicatePtr> values) {
  values.insert(values.begin(), std::move(operand));
  return Make(PredicateOp::kIn, std::move(values));
}

PredicatePtr And(PredicatePtr left, PredicatePtr right) {
  return Make(PredicateOp::kAnd, {std::move(left), std::move(right)});
}

PredicatePtr Or(PredicatePtr left, PredicatePtr right) {
  return Make(PredicateOp::kOr, {std::move(left), std::move(right)});
}

PredicatePtr Not(PredicatePtr operand) {
  return Make(PredicateOp::kNot, {std::move(operand)});
}

}  // namespace deltacpp
