#include "deltacpp/kernel/expressions/predicate_parser.h"

#include <cctype>
#include <string>
#include <vector>

namespace deltacpp {

namespace {

enum class TokenKind { kEnd, kName, kQuotedName, kNumber, kString, kSymbol };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;
  size_t position = 0;
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

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<PredicatePtr> ParseAll() {
    DELTACPP_RETURN_NOT_OK(Tokenize());
    DELTACPP_ASSIGN_OR_RAISE(auto predicate, ParseOr());
    if (Peek().kind != TokenKind::kEnd) return Expected("AND, OR or the end");
    return predicate;
  }

 private:
  Status Error(size_t position, const std::string& what) const {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot parse predicate '", text_,
                      "': ", what, " at position ", position + 1);
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
      } else if (IsDigit(c) ||
                 (c == '-' && i + 1 < text_.size() &&
                  (IsDigit(text_[i + 1]) || text_[i + 1] == '.')) ||
                 (c == '.' && !AfterName() && i + 1 < text_.size() &&
                  IsDigit(text_[i + 1]))) {
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
        static const char* kSymbols[] = {"<=", ">=", "!=", "<>", "==", "=",
                                         "<",  ">",  "(",  ")",  ",",  "."};
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
      tokens_.push_back(std::move(token));
    }
    Token end;
    end.position = text_.size();
    tokens_.push_back(end);
    return Status::OK();
  }

  // A '.' right after a column name continues its path rather than starting a number.
  bool AfterName() const {
    return !tokens_.empty() && (tokens_.back().kind == TokenKind::kName ||
                                tokens_.back().kind == TokenKind::kQuotedName);
  }

  const Token& Peek() const { return tokens_[next_]; }
  const Token& Take() { return tokens_[next_++]; }

  bool IsKeyword(const Token& token, const char* keyword) const {
    return token.kind == TokenKind::kName && Upper(token.text) == keyword;
  }

  bool TakeKeyword(const char* keyword) {
    if (!IsKeyword(Peek(), keyword)) return false;
    ++next_;
    return true;
  }

  bool TakeSymbol(const char* symbol) {
    if (Peek().kind != TokenKind::kSymbol || Peek().text != symbol) return false;
    ++next_;
    return true;
  }

  Result<PredicatePtr> ParseOr() {
    DELTACPP_ASSIGN_OR_RAISE(auto left, ParseAnd());
    while (TakeKeyword("OR")) {
      DELTACPP_ASSIGN_OR_RAISE(auto right, ParseAnd());
      left = Or(std::move(left), std::move(right));
    }
    return left;
  }

  Result<PredicatePtr> ParseAnd() {
    DELTACPP_ASSIGN_OR_RAISE(auto left, ParseNot());
    while (TakeKeyword("AND")) {
      DELTACPP_ASSIGN_OR_RAISE(auto right, ParseNot());
      left = And(std::move(left), std::move(right));
    }
    return left;
  }

  Result<PredicatePtr> ParseNot() {
    if (TakeKeyword("NOT")) {
      DELTACPP_ASSIGN_OR_RAISE(auto operand, ParseNot());
      return Not(std::move(operand));
    }
    return ParseCondition();
  }

  Result<PredicatePtr> ParseCondition() {
    DELTACPP_ASSIGN_OR_RAISE(auto left, ParseOperand());
    if (TakeKeyword("IS")) {
      const bool negated = TakeKeyword("NOT");
      if (!TakeKeyword("NULL")) return Expected("NULL");
      return negated ? IsNotNull(std::move(left)) : IsNull(std::move(left));
    }
    const bool negated = TakeKeyword("NOT");
    if (TakeKeyword("IN")) {
      if (!TakeSymbol("(")) return Expected("'('");
      std::vector<PredicatePtr> values;
      do {
        DELTACPP_ASSIGN_OR_RAISE(auto value, ParseOperand());
        values.push_back(std::move(value));
      } while (TakeSymbol(","));
      if (!TakeSymbol(")")) return Expected("',' or ')'");
      auto in = In(std::move(left), std::move(values));
      return negated ? Not(std::move(in)) : in;
    }
    if (TakeKeyword("BETWEEN")) {
      DELTACPP_ASSIGN_OR_RAISE(auto low, ParseOperand());
      if (!TakeKeyword("AND")) return Expected("AND");
      DELTACPP_ASSIGN_OR_RAISE(auto high, ParseOperand());
      auto between =
          And(GreaterEqual(left, std::move(low)), LessEqual(left, std::move(high)));
      return negated ? Not(std::move(between)) : between;
    }
    if (negated) return Expected("IN or BETWEEN after NOT");
    static const std::pair<const char*, PredicateOp> kComparisons[] = {
        {"=", PredicateOp::kEqual},     {"==", PredicateOp::kEqual},
        {"!=", PredicateOp::kNotEqual}, {"<>", PredicateOp::kNotEqual},
        {"<", PredicateOp::kLess},      {"<=", PredicateOp::kLessEqual},
        {">", PredicateOp::kGreater},   {">=", PredicateOp::kGreaterEqual},
    };
    for (const auto& [symbol, op] : kComparisons) {
      if (TakeSymbol(symbol)) {
        DELTACPP_ASSIGN_OR_RAISE(auto right, ParseOperand());
        return Compare(op, std::move(left), std::move(right));
      }
    }
    // A bare operand is a boolean condition: a boolean column or TRUE/FALSE.
    return left;
  }

  Result<PredicatePtr> ParseOperand() {
    if (TakeSymbol("(")) {
      DELTACPP_ASSIGN_OR_RAISE(auto inner, ParseOr());
      if (!TakeSymbol(")")) return Expected("')'");
      return inner;
    }
    const Token& token = Peek();
    switch (token.kind) {
      case TokenKind::kNumber:
        ++next_;
        return Literal(LiteralValue{LiteralValue::Kind::kNumber, token.text});
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
      for (const char* reserved : {"AND", "OR", "NOT", "IS", "IN", "BETWEEN"}) {
        if (keyword == reserved) return Expected("a column or a value");
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

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

Result<PredicatePtr> ParsePredicate(std::string_view text) {
  return Parser(text).ParseAll();
}

}  // namespace deltacpp
