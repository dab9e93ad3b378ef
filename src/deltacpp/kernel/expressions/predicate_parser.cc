#include "deltacpp/kernel/expressions/predicate_parser.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp {

namespace {

enum class TokenKind { kEnd, kName, kQuotedName, kNumber, kString, kSymbol };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t position = 0;
  size_t end = 0;  // one past the token's last character
};

bool IsNameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool IsNamePart(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}
bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)); }

std::string Upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

// Words that cannot name a column unless backquoted.
constexpr const char* kReserved[] = {"AND",     "OR",   "NOT",  "IS",   "IN",
                                     "BETWEEN", "LIKE", "CASE", "WHEN", "THEN",
                                     "ELSE",    "END",  "AS"};

class Parser {
 public:
  Parser(std::string_view text, const char* what) : text_(text), what_(what) {}

  Result<PredicatePtr> ParseAll() {
    DELTACPP_RETURN_NOT_OK(Tokenize());
    DELTACPP_ASSIGN_OR_RAISE(auto expression, ParseOr());
    if (Peek().kind != TokenKind::kEnd)
      return Expected("an operator, AND, OR or the end");
    return expression;
  }

 private:
  Status Error(size_t position, const std::string& what) const {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot parse ", what_, " '",
                      text_, "': ", what, " at position ", position + 1);
  }

  // Without the text: it is long when it nests this deep.
  Status TooDeep() const {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot parse ", what_,
                      ": it nests deeper than ", kMaxPredicateDepth,
                      " levels (at position ", Peek().position + 1, ")");
  }

  // `parse` one level deeper: every recursion of the parser passes here, so that text
  // cannot choose how deep the stack grows.
  Result<PredicatePtr> Deeper(Result<PredicatePtr> (Parser::*parse)()) {
    if (depth_ >= kMaxPredicateDepth) return TooDeep();
    ++depth_;
    auto result = (this->*parse)();
    --depth_;
    return result;
  }

  // `node`, refused when the tree under it nests deeper than kMaxPredicateDepth (a tree
  // grows deeper than the parser's recursion: a + b + c ... nests without it) or grows
  // to more than kMaxPredicateSize nodes. Every node the parser makes passes here, so
  // its children are measured already.
  Result<PredicatePtr> Checked(PredicatePtr node) {
    const Measure measure = MeasureOf(node);
    if (measure.depth > kMaxPredicateDepth) return TooDeep();
    if (measure.size > kMaxPredicateSize) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot parse ", what_,
                        ": it grows to more than ", kMaxPredicateSize,
                        " nodes, counting an operand BETWEEN or CASE repeats each time"
                        " (at position ",
                        Peek().position + 1, ")");
    }
    return node;
  }

  // A node shared by two parents (BETWEEN's operand, CASE's) counts in both: whatever
  // reads the tree reads it twice, and nested BETWEENs double it at every level.
  struct Measure {
    int depth = 1;
    int64_t size = 1;
  };

  Measure MeasureOf(const PredicatePtr& node) {
    if (auto known = measures_.find(node); known != measures_.end()) return known->second;
    Measure measure;
    for (const auto& child : node->children) {
      const Measure of_child = MeasureOf(child);
      measure.depth = std::max(measure.depth, of_child.depth + 1);
      // Saturates: sizes only compare with the limit.
      measure.size = std::min(measure.size + of_child.size, kMaxPredicateSize + 1);
    }
    measures_.emplace(node, measure);
    return measure;
  }

  Status Expected(const std::string& what) const {
    const Token& token = Peek();
    std::string found =
        token.kind == TokenKind::kEnd ? "the end" : "'" + token.text + "'";
    return Error(token.position, "expected " + what + " but found " + found);
  }

  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
        continue;
      }
      Token token;
      token.position = i;
      if (IsNameStart(c)) {
        size_t end = i;
        while (end < text_.size() && IsNamePart(text_[end])) ++end;
        token.kind = TokenKind::kName;
        token.text = std::string(text_.substr(i, end - i));
        i = end;
      } else if (c == '`' || c == '\'') {
        token.kind = c == '`' ? TokenKind::kQuotedName : TokenKind::kString;
        ++i;
        bool closed = false;
        while (i < text_.size()) {
          if (text_[i] == c) {
            if (i + 1 < text_.size() && text_[i + 1] == c) {
              token.text.push_back(c);
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          token.text.push_back(text_[i++]);
        }
        if (!closed) return Error(token.position, std::string("unclosed ") + c);
      } else if (IsDigit(c) || (c == '.' && !AfterName() && i + 1 < text_.size() &&
                                IsDigit(text_[i + 1]))) {
        // A minus sign is an operator; the parser folds it into the number it precedes.
        size_t end = i + 1;
        while (end < text_.size() &&
               (IsDigit(text_[end]) || text_[end] == '.' || text_[end] == 'e' ||
                text_[end] == 'E' ||
                ((text_[end] == '-' || text_[end] == '+') &&
                 (text_[end - 1] == 'e' || text_[end - 1] == 'E')))) {
          ++end;
        }
        token.kind = TokenKind::kNumber;
        token.text = std::string(text_.substr(i, end - i));
        i = end;
      } else {
        static const char* kSymbols[] = {"<=>", "<=", ">=", "!=", "<>", "==", "||",
                                         "=",   "<",  ">",  "(",  ")",  ",",  ".",
                                         "+",   "-",  "*",  "/",  "%"};
        for (const char* symbol : kSymbols) {
          if (text_.substr(i).starts_with(symbol)) {
            token.kind = TokenKind::kSymbol;
            token.text = symbol;
            break;
          }
        }
        if (token.kind != TokenKind::kSymbol) {
          return Error(i, std::string("unexpected character '") + c + "'");
        }
        i += token.text.size();
      }
      token.end = i;
      tokens_.push_back(std::move(token));
    }
    Token end;
    end.position = end.end = text_.size();
    tokens_.push_back(end);
    return Status::OK();
  }

  // A '.' right after a column name continues its path rather than starting a number.
  // After a column's name, "." goes on to a field (s.x); after a reserved word (NOT .5)
  // it starts a number.
  bool AfterName() const {
    if (tokens_.empty()) return false;
    const Token& last = tokens_.back();
    if (last.kind == TokenKind::kQuotedName) return true;
    return last.kind == TokenKind::kName &&
           std::none_of(std::begin(kReserved), std::end(kReserved),
                        [&](const char* word) { return IsKeyword(last, word); });
  }

  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  const Token& Take() { return tokens_[next_++]; }

  bool IsKeyword(const Token& token, const char* keyword) const {
    return token.kind == TokenKind::kName && Upper(token.text) == keyword;
  }

  bool IsSymbol(const Token& token, const char* symbol) const {
    return token.kind == TokenKind::kSymbol && token.text == symbol;
  }

  bool TakeKeyword(const char* keyword) {
    if (!IsKeyword(Peek(), keyword)) return false;
    ++next_;
    return true;
  }

  bool TakeSymbol(const char* symbol) {
    if (!IsSymbol(Peek(), symbol)) return false;
    ++next_;
    return true;
  }

  // a OR b OR c ... as a balanced tree (OR is associative): a generated list of many
  // alternatives nests a few levels, not one per OR.
  Result<PredicatePtr> ParseOr() {
    std::vector<PredicatePtr> operands;
    do {
      DELTACPP_ASSIGN_OR_RAISE(auto operand, ParseAnd());
      operands.push_back(std::move(operand));
    } while (TakeKeyword("OR"));
    return Checked(OrAll(std::move(operands)));
  }

  Result<PredicatePtr> ParseAnd() {
    std::vector<PredicatePtr> operands;
    do {
      DELTACPP_ASSIGN_OR_RAISE(auto operand, ParseNot());
      operands.push_back(std::move(operand));
    } while (TakeKeyword("AND"));
    return Checked(AndAll(std::move(operands)));
  }

  Result<PredicatePtr> ParseNot() {
    if (TakeKeyword("NOT")) {
      DELTACPP_ASSIGN_OR_RAISE(auto operand, Deeper(&Parser::ParseNot));
      return Checked(Not(std::move(operand)));
    }
    return ParseCondition();
  }

  Result<PredicatePtr> ParseCondition() {
    DELTACPP_ASSIGN_OR_RAISE(auto left, ParseAdditive());
    if (TakeKeyword("IS")) {
      const bool negated = TakeKeyword("NOT");
      if (!TakeKeyword("NULL")) return Expected("NULL");
      return Checked(negated ? IsNotNull(std::move(left)) : IsNull(std::move(left)));
    }
    const bool negated = TakeKeyword("NOT");
    if (TakeKeyword("IN")) {
      if (!TakeSymbol("(")) return Expected("'('");
      std::vector<PredicatePtr> values;
      do {
        DELTACPP_ASSIGN_OR_RAISE(auto value, Deeper(&Parser::ParseOr));
        values.push_back(std::move(value));
      } while (TakeSymbol(","));
      if (!TakeSymbol(")")) return Expected("',' or ')'");
      DELTACPP_ASSIGN_OR_RAISE(auto in, Checked(In(std::move(left), std::move(values))));
      return negated ? Checked(Not(std::move(in))) : in;
    }
    if (TakeKeyword("BETWEEN")) {
      DELTACPP_ASSIGN_OR_RAISE(auto low, ParseAdditive());
      if (!TakeKeyword("AND")) return Expected("AND");
      DELTACPP_ASSIGN_OR_RAISE(auto high, ParseAdditive());
      DELTACPP_ASSIGN_OR_RAISE(auto between,
                               Checked(And(GreaterEqual(left, std::move(low)),
                                           LessEqual(left, std::move(high)))));
      return negated ? Checked(Not(std::move(between))) : between;
    }
    if (TakeKeyword("LIKE")) {
      DELTACPP_ASSIGN_OR_RAISE(auto pattern, ParseAdditive());
      DELTACPP_ASSIGN_OR_RAISE(auto like,
                               Checked(Like(std::move(left), std::move(pattern))));
      return negated ? Checked(Not(std::move(like))) : like;
    }
    if (negated) return Expected("IN, BETWEEN or LIKE after NOT");
    static const std::pair<const char*, PredicateOp> kComparisons[] = {
        {"=", PredicateOp::kEqual},
        {"==", PredicateOp::kEqual},
        {"!=", PredicateOp::kNotEqual},
        {"<>", PredicateOp::kNotEqual},
        {"<", PredicateOp::kLess},
        {"<=", PredicateOp::kLessEqual},
        {">", PredicateOp::kGreater},
        {">=", PredicateOp::kGreaterEqual},
        {"<=>", PredicateOp::kNullSafeEqual},
    };
    for (const auto& [symbol, op] : kComparisons) {
      if (TakeSymbol(symbol)) {
        DELTACPP_ASSIGN_OR_RAISE(auto right, ParseAdditive());
        if (op == PredicateOp::kNullSafeEqual) {
          return Checked(NullSafeEqual(std::move(left), std::move(right)));
        }
        return Checked(Compare(op, std::move(left), std::move(right)));
      }
    }
    // A bare operand: a boolean column, TRUE/FALSE, or (in an expression) any value.
    return left;
  }

  Result<PredicatePtr> ParseAdditive() {
    DELTACPP_ASSIGN_OR_RAISE(auto left, ParseMultiplicative());
    while (true) {
      if (TakeSymbol("||")) {
        DELTACPP_ASSIGN_OR_RAISE(auto right, ParseMultiplicative());
        DELTACPP_ASSIGN_OR_RAISE(
            left, Checked(Call("concat", {std::move(left), std::move(right)})));
        continue;
      }
      PredicateOp op;
      if (TakeSymbol("+")) {
        op = PredicateOp::kAdd;
      } else if (TakeSymbol("-")) {
        op = PredicateOp::kSubtract;
      } else {
        return left;
      }
      DELTACPP_ASSIGN_OR_RAISE(auto right, ParseMultiplicative());
      DELTACPP_ASSIGN_OR_RAISE(
          left, Checked(Arithmetic(op, std::move(left), std::move(right))));
    }
  }

  Result<PredicatePtr> ParseMultiplicative() {
    DELTACPP_ASSIGN_OR_RAISE(auto left, ParseUnary());
    while (true) {
      PredicateOp op;
      if (TakeSymbol("*")) {
        op = PredicateOp::kMultiply;
      } else if (TakeSymbol("/")) {
        op = PredicateOp::kDivide;
      } else if (TakeSymbol("%")) {
        op = PredicateOp::kModulo;
      } else {
        return left;
      }
      DELTACPP_ASSIGN_OR_RAISE(auto right, ParseUnary());
      DELTACPP_ASSIGN_OR_RAISE(
          left, Checked(Arithmetic(op, std::move(left), std::move(right))));
    }
  }

  Result<PredicatePtr> ParseUnary() {
    if (TakeSymbol("+")) return Deeper(&Parser::ParseUnary);
    if (!TakeSymbol("-")) return ParsePrimary();
    DELTACPP_ASSIGN_OR_RAISE(auto operand, Deeper(&Parser::ParseUnary));
    // -12 is a literal, so that the most negative long can be written.
    if (operand->op == PredicateOp::kLiteral &&
        operand->literal.kind == LiteralValue::Kind::kNumber) {
      const auto& digits = operand->literal.text;
      return Literal(LiteralValue{LiteralValue::Kind::kNumber,
                                  digits[0] == '-' ? digits.substr(1) : "-" + digits});
    }
    return Checked(UnaryMinus(std::move(operand)));
  }

  Result<PredicatePtr> ParsePrimary() {
    if (TakeSymbol("(")) {
      DELTACPP_ASSIGN_OR_RAISE(auto inner, Deeper(&Parser::ParseOr));
      if (!TakeSymbol(")")) return Expected("')'");
      return inner;
    }
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kNumber:
        ++next_;
        return ParseNumberSuffix(token);
      case TokenKind::kString:
        ++next_;
        return Literal(LiteralValue{LiteralValue::Kind::kString, token.text});
      case TokenKind::kName:
      case TokenKind::kQuotedName:
        break;
      default:
        return Expected("a column or a value");
    }
    if (token.kind == TokenKind::kName) {
      const std::string keyword = Upper(token.text);
      if (keyword == "TRUE" || keyword == "FALSE") {
        ++next_;
        return Literal(keyword == "TRUE");
      }
      if (keyword == "NULL") {
        ++next_;
        return NullLiteral();
      }
      if (keyword == "CASE") {
        ++next_;
        return ParseCase();
      }
      for (const char* reserved : kReserved) {
        if (keyword == reserved) return Expected("a column or a value");
      }
      if (IsSymbol(Peek(1), "(")) {
        next_ += 2;
        return keyword == "CAST" ? ParseCast() : ParseCall(token.text);
      }
      // DATE '2024-01-01' and the like: a typed literal.
      const char* type = DeltaNameOfSqlType(keyword);
      if (Peek(1).kind == TokenKind::kString &&
          (keyword == "DATE" || keyword.starts_with("TIMESTAMP")) && type != nullptr) {
        auto value = Literal(LiteralValue{LiteralValue::Kind::kString, Peek(1).text});
        next_ += 2;
        return Checked(Cast(std::move(value), type));
      }
    }
    std::vector<std::string> path;
    do {
      const Token& part = Peek();
      if (part.kind != TokenKind::kName && part.kind != TokenKind::kQuotedName) {
        return Expected("a field name after '.'");
      }
      path.push_back(Take().text);
    } while (TakeSymbol("."));
    return Column(std::move(path));
  }

  // Spark's typed number literals: 1L long, 1S short, 1Y byte, 1.5D double, 1.5F float,
  // 1.5BD decimal (of exactly the digits written).
  Result<PredicatePtr> ParseNumberSuffix(const Token& number) {
    auto literal = Literal(LiteralValue{LiteralValue::Kind::kNumber, number.text});
    const Token& suffix = Peek();
    if (suffix.kind != TokenKind::kName || suffix.position != number.end) return literal;
    const std::string upper = Upper(suffix.text);
    std::string type;
    if (upper == "L") type = "long";
    if (upper == "S") type = "short";
    if (upper == "Y") type = "byte";
    if (upper == "D") type = "double";
    if (upper == "F") type = "float";
    if (upper == "BD") {
      const auto& digits = number.text;
      if (digits.find_first_of("eE") != std::string::npos) {
        return Error(number.position, "a BD literal takes no exponent");
      }
      const auto dot = digits.find('.');
      if (dot != std::string::npos && digits.find('.', dot + 1) != std::string::npos) {
        return Error(number.position, "a BD literal has one decimal point at most");
      }
      const size_t scale = dot == std::string::npos ? 0 : digits.size() - dot - 1;
      const size_t count =
          std::count_if(digits.begin(), digits.end(), [](char c) { return IsDigit(c); });
      if (count > static_cast<size_t>(kMaxDecimalPrecision)) {
        return Error(number.position, "a BD literal has at most " +
                                          std::to_string(kMaxDecimalPrecision) +
                                          " digits, as a decimal does");
      }
      type = "decimal(" + std::to_string(std::max<size_t>(count, 1)) + "," +
             std::to_string(scale) + ")";
    }
    if (type.empty())
      return Error(suffix.position, "unknown number suffix '" + suffix.text + "'");
    ++next_;
    return Checked(Cast(std::move(literal), std::move(type)));
  }

  // After "CAST (".
  Result<PredicatePtr> ParseCast() {
    DELTACPP_ASSIGN_OR_RAISE(auto operand, Deeper(&Parser::ParseOr));
    if (!TakeKeyword("AS")) return Expected("AS");
    const Token& name = Peek();
    if (name.kind != TokenKind::kName) return Expected("a type name");
    ++next_;
    const std::string upper = Upper(name.text);
    std::string type;
    const char* delta_name = DeltaNameOfSqlType(upper);
    if (delta_name != nullptr && std::string_view(delta_name) == "decimal") {
      int precision = 10, scale = 0;
      if (TakeSymbol("(")) {
        DELTACPP_ASSIGN_OR_RAISE(precision, TakeSmallNumber());
        if (TakeSymbol(",")) {
          DELTACPP_ASSIGN_OR_RAISE(scale, TakeSmallNumber());
        }
        if (!TakeSymbol(")")) return Expected("')'");
      }
      type = "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    } else if (delta_name != nullptr) {
      type = delta_name;
      if ((upper == "VARCHAR" || upper == "CHAR") && TakeSymbol("(")) {
        DELTACPP_RETURN_NOT_OK(TakeSmallNumber().status());
        if (!TakeSymbol(")")) return Expected("')'");
      }
    }
    if (type.empty() || !ParsePrimitiveType(type).ok()) {
      return Error(name.position, "'" + name.text + "' is not a type CAST supports");
    }
    if (!TakeSymbol(")")) return Expected("')'");
    return Checked(Cast(std::move(operand), std::move(type)));
  }

  Result<int> TakeSmallNumber() {
    const Token& token = Peek();
    if (token.kind != TokenKind::kNumber || token.text.size() > 3 ||
        token.text.find_first_not_of("0123456789") != std::string::npos) {
      return Expected("a number");
    }
    ++next_;
    return std::stoi(token.text);
  }

  // After "name (".
  Result<PredicatePtr> ParseCall(const std::string& name) {
    std::vector<PredicatePtr> arguments;
    if (!TakeSymbol(")")) {
      do {
        DELTACPP_ASSIGN_OR_RAISE(auto argument, Deeper(&Parser::ParseOr));
        arguments.push_back(std::move(argument));
      } while (TakeSymbol(","));
      if (!TakeSymbol(")")) return Expected("',' or ')'");
    }
    return Checked(Call(name, std::move(arguments)));
  }

  // After "CASE": CASE [operand] WHEN .. THEN .. [WHEN ..] [ELSE ..] END, read as
  // nested if(condition, value, otherwise): the same value (a NULL condition takes the
  // ELSE branch; no ELSE is ELSE NULL).
  Result<PredicatePtr> ParseCase() {
    PredicatePtr operand;
    if (!IsKeyword(Peek(), "WHEN")) {
      DELTACPP_ASSIGN_OR_RAISE(operand, Deeper(&Parser::ParseOr));
    }
    std::vector<std::pair<PredicatePtr, PredicatePtr>> branches;
    while (TakeKeyword("WHEN")) {
      DELTACPP_ASSIGN_OR_RAISE(auto condition, Deeper(&Parser::ParseOr));
      if (!TakeKeyword("THEN")) return Expected("THEN");
      DELTACPP_ASSIGN_OR_RAISE(auto value, Deeper(&Parser::ParseOr));
      if (operand != nullptr) {
        DELTACPP_ASSIGN_OR_RAISE(condition,
                                 Checked(Equal(operand, std::move(condition))));
      }
      branches.emplace_back(std::move(condition), std::move(value));
    }
    if (branches.empty()) return Expected("WHEN");
    PredicatePtr otherwise = NullLiteral();
    if (TakeKeyword("ELSE")) {
      DELTACPP_ASSIGN_OR_RAISE(otherwise, Deeper(&Parser::ParseOr));
    }
    if (!TakeKeyword("END")) return Expected("WHEN, ELSE or END");
    // Each branch nests the ones after it: many branches make a deep tree.
    for (auto branch = branches.rbegin(); branch != branches.rend(); ++branch) {
      DELTACPP_ASSIGN_OR_RAISE(
          otherwise,
          Checked(Call("if", {branch->first, branch->second, std::move(otherwise)})));
    }
    return otherwise;
  }

  std::string_view text_;
  const char* what_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
  // How many Deeper calls are open.
  int depth_ = 0;
  // Every node made so far. Holding the nodes also frees a tree refused half-built
  // without recursing through it.
  std::unordered_map<PredicatePtr, Measure> measures_;
};

}  // namespace

Result<PredicatePtr> ParsePredicate(std::string_view text) {
  return Parser(text, "predicate").ParseAll();
}

Result<PredicatePtr> ParseExpression(std::string_view text) {
  return Parser(text, "expression").ParseAll();
}

}  // namespace deltacpp
