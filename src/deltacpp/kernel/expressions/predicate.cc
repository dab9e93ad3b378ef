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
    case PredicateOp::kNullSafeEqual:
      return " <=> ";
    case PredicateOp::kAnd:
      return " AND ";
    case PredicateOp::kOr:
      return " OR ";
    case PredicateOp::kAdd:
      return " + ";
    case PredicateOp::kSubtract:
      return " - ";
    case PredicateOp::kMultiply:
      return " * ";
    case PredicateOp::kDivide:
      return " / ";
    case PredicateOp::kModulo:
      return " % ";
    default:
      return " ? ";
  }
}

// How tightly each node binds, as the parser reads it: an operand is written in
// parentheses only when it binds less tightly than its place needs, because the parser
// counts every pair towards kMaxPredicateDepth: text printed with more than the tree
// needs would not read back. AND and OR write their own parentheses.
constexpr int kNotPrecedence = 3;
constexpr int kConditionPrecedence = 4;  // comparisons, IS NULL, IN, LIKE
constexpr int kAdditivePrecedence = 5;
constexpr int kMultiplicativePrecedence = 6;
constexpr int kUnaryPrecedence = 7;
constexpr int kPrimaryPrecedence = 8;

int Precedence(const Predicate& node) {
  switch (node.op) {
    case PredicateOp::kColumn:
    case PredicateOp::kLiteral:
    case PredicateOp::kCast:
    case PredicateOp::kFunction:
    case PredicateOp::kAnd:  // always parenthesized
    case PredicateOp::kOr:
      return kPrimaryPrecedence;
    case PredicateOp::kNot:
      return kNotPrecedence;
    case PredicateOp::kAdd:
    case PredicateOp::kSubtract:
      return kAdditivePrecedence;
    case PredicateOp::kMultiply:
    case PredicateOp::kDivide:
    case PredicateOp::kModulo:
      return kMultiplicativePrecedence;
    case PredicateOp::kNegate:
      return kUnaryPrecedence;
    default:
      return kConditionPrecedence;
  }
}

std::string Text(const Predicate& node, int needed);

// The operands of a chain of `op` (a AND b AND c) from `node` down, left to right.
void CollectChain(const Predicate& node, PredicateOp op,
                  std::vector<const Predicate*>* operands) {
  for (const auto& child : node.children) {
    if (child->op == op) {
      CollectChain(*child, op, operands);
    } else {
      operands->push_back(child.get());
    }
  }
}

std::string Joined(const std::vector<PredicatePtr>& nodes, size_t first) {
  std::string out;
  for (size_t i = first; i < nodes.size(); ++i) {
    if (i > first) out += ", ";
    out += Text(*nodes[i], 0);
  }
  return out;
}

std::string Unparenthesized(const Predicate& node) {
  const auto& children = node.children;
  switch (node.op) {
    case PredicateOp::kColumn: {
      std::string out;
      for (const auto& name : node.column) {
        if (!out.empty()) out += '.';
        out += IsPlainIdentifier(name) ? name : Quote(name, '`');
      }
      return out;
    }
    case PredicateOp::kLiteral:
      switch (node.literal.kind) {
        case LiteralValue::Kind::kNull:
          return "NULL";
        case LiteralValue::Kind::kString:
          return Quote(node.literal.text, '\'');
        default:
          return node.literal.text;
      }
    case PredicateOp::kIsNull:
      return Text(*children[0], kAdditivePrecedence) + " IS NULL";
    case PredicateOp::kIsNotNull:
      return Text(*children[0], kAdditivePrecedence) + " IS NOT NULL";
    case PredicateOp::kNot:
      return "NOT " + Text(*children[0], kNotPrecedence);
    case PredicateOp::kIn:
      return Text(*children[0], kAdditivePrecedence) + " IN (" + Joined(children, 1) +
             ")";
    case PredicateOp::kLike:
      return Text(*children[0], kAdditivePrecedence) + " LIKE " +
             Text(*children[1], kAdditivePrecedence);
    case PredicateOp::kAnd:
    case PredicateOp::kOr: {
      // A chain of one operator in one pair of parentheses, however the tree groups it
      // (both are associative; the parser groups a chain as a balanced tree).
      std::vector<const Predicate*> operands;
      CollectChain(node, node.op, &operands);
      std::string out = "(";
      for (size_t i = 0; i < operands.size(); ++i) {
        if (i > 0) out += OperatorText(node.op);
        out += Text(*operands[i], kNotPrecedence);
      }
      return out + ")";
    }
    case PredicateOp::kNegate: {
      const Predicate& operand = *children[0];
      // The parser reads -12 as one literal: a number keeps its parentheses.
      const bool number = operand.op == PredicateOp::kLiteral &&
                          operand.literal.kind == LiteralValue::Kind::kNumber;
      const std::string text =
          number ? "(" + Unparenthesized(operand) + ")" : Text(operand, kUnaryPrecedence);
      // "--" would start a SQL comment.
      return text.starts_with('-') ? "- " + text : "-" + text;
    }
    case PredicateOp::kCast:
      return "CAST(" + Text(*children[0], 0) + " AS " + node.name + ")";
    case PredicateOp::kFunction:
      return node.name + "(" + Joined(children, 0) + ")";
    default: {
      // Binary operators are left-associative: a right operand of the same precedence
      // keeps its parentheses (a - (b - c)).
      const int own = IsArithmetic(node.op) ? Precedence(node) : kAdditivePrecedence;
      const int right = IsArithmetic(node.op) ? own + 1 : own;
      return Text(*children[0], own) + OperatorText(node.op) + Text(*children[1], right);
    }
  }
}

std::string Text(const Predicate& node, int needed) {
  std::string text = Unparenthesized(node);
  return Precedence(node) < needed ? "(" + text + ")" : text;
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

bool IsArithmetic(PredicateOp op) {
  switch (op) {
    case PredicateOp::kAdd:
    case PredicateOp::kSubtract:
    case PredicateOp::kMultiply:
    case PredicateOp::kDivide:
    case PredicateOp::kModulo:
      return true;
    default:
      return false;
  }
}

std::string Predicate::ToString() const { return Text(*this, 0); }

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

namespace {

// Pairs neighbours until one is left: ((a, b), (c, d)), e for five.
PredicatePtr Balanced(PredicateOp op, std::vector<PredicatePtr> operands) {
  if (operands.empty()) return nullptr;
  while (operands.size() > 1) {
    std::vector<PredicatePtr> paired;
    paired.reserve((operands.size() + 1) / 2);
    for (size_t i = 0; i + 1 < operands.size(); i += 2) {
      paired.push_back(Make(op, {std::move(operands[i]), std::move(operands[i + 1])}));
    }
    if (operands.size() % 2 == 1) paired.push_back(std::move(operands.back()));
    operands = std::move(paired);
  }
  return std::move(operands[0]);
}

}  // namespace

PredicatePtr AndAll(std::vector<PredicatePtr> operands) {
  return Balanced(PredicateOp::kAnd, std::move(operands));
}

PredicatePtr OrAll(std::vector<PredicatePtr> operands) {
  return Balanced(PredicateOp::kOr, std::move(operands));
}

PredicatePtr Not(PredicatePtr operand) {
  return Make(PredicateOp::kNot, {std::move(operand)});
}

PredicatePtr NullSafeEqual(PredicatePtr left, PredicatePtr right) {
  return Make(PredicateOp::kNullSafeEqual, {std::move(left), std::move(right)});
}

PredicatePtr Like(PredicatePtr operand, PredicatePtr pattern) {
  return Make(PredicateOp::kLike, {std::move(operand), std::move(pattern)});
}

PredicatePtr Arithmetic(PredicateOp op, PredicatePtr left, PredicatePtr right) {
  return Make(op, {std::move(left), std::move(right)});
}

PredicatePtr UnaryMinus(PredicatePtr operand) {
  return Make(PredicateOp::kNegate, {std::move(operand)});
}

PredicatePtr Cast(PredicatePtr operand, std::string type_name) {
  auto node = std::make_shared<Predicate>();
  node->op = PredicateOp::kCast;
  node->children = {std::move(operand)};
  node->name = std::move(type_name);
  return node;
}

PredicatePtr Call(std::string name, std::vector<PredicatePtr> arguments) {
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto node = std::make_shared<Predicate>();
  node->op = PredicateOp::kFunction;
  node->children = std::move(arguments);
  node->name = std::move(name);
  return node;
}

}  // namespace deltacpp
