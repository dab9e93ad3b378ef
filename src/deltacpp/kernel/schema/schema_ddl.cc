#include "deltacpp/kernel/schema/schema_ddl.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp {

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Reads the DDL and writes the same schema as Delta schema JSON, which ParseSchemaJson
// then turns into Arrow types: one mapping of type names, not two.
class DdlParser {
 public:
  explicit DdlParser(std::string_view text) : text_(text) {}

  Result<std::string> Schema() {
    DELTACPP_ASSIGN_OR_RAISE(auto fields, Fields(/*closing=*/'\0', /*depth=*/0));
    SkipSpace();
    if (position_ < text_.size()) return Error("',' or the end");
    return "{\"type\":\"struct\",\"fields\":" + fields + "}";
  }

 private:
  Status Error(std::string_view expected) const {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "schema '", text_, "': expected ",
                      expected, " at position ", position_ + 1);
  }

  void SkipSpace() {
    while (position_ < text_.size() &&
           std::isspace(static_cast<unsigned char>(text_[position_]))) {
      ++position_;
    }
  }

  bool Consume(char c) {
    SkipSpace();
    if (position_ < text_.size() && text_[position_] == c) {
      ++position_;
      return true;
    }
    return false;
  }

  // A bare word (letters, digits, '_') or, for names, a `backquoted` one.
  Result<std::string> Word(bool allow_quoted, std::string_view what) {
    SkipSpace();
    if (allow_quoted && position_ < text_.size() && text_[position_] == '`') {
      std::string word;
      for (++position_; position_ < text_.size(); ++position_) {
        if (text_[position_] == '`') {
          if (position_ + 1 < text_.size() && text_[position_ + 1] == '`') {
            word += '`';
            ++position_;
            continue;
          }
          ++position_;
          return word;
        }
        word += text_[position_];
      }
      return Error("a closing backquote");
    }
    const size_t start = position_;
    while (position_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[position_])) ||
            text_[position_] == '_')) {
      ++position_;
    }
    if (position_ == start) return Error(what);
    return std::string(text_.substr(start, position_ - start));
  }

  bool ConsumeKeyword(std::string_view keyword) {
    SkipSpace();
    const size_t start = position_;
    auto word = Word(false, keyword);
    if (word.ok() && Lower(*word) == keyword) return true;
    position_ = start;
    return false;
  }

  // Fields up to `closing` ('>' inside struct<...>, '\0' at the top), of a struct with
  // `depth` complex types around its fields.
  Result<std::string> Fields(char closing, int depth) {
    std::string out = "[";
    std::set<std::string> names;
    do {
      DELTACPP_ASSIGN_OR_RAISE(auto name, Word(true, "a column name"));
      if (!names.insert(Lower(name)).second) {
        return DeltaError(DeltaErrorCode::kInvalidArgument, "schema '", text_,
                          "' names column '", name, "' twice");
      }
      Consume(':');
      DELTACPP_ASSIGN_OR_RAISE(auto type, Type(depth));
      bool nullable = true;
      if (ConsumeKeyword("not")) {
        if (!ConsumeKeyword("null")) return Error("NULL after NOT");
        nullable = false;
      }
      std::string metadata = "{}";
      if (ConsumeKeyword("comment")) {
        SkipSpace();
        if (position_ >= text_.size() || text_[position_] != '\'') {
          return Error("a quoted comment");
        }
        std::string comment;
        for (++position_; position_ < text_.size() && text_[position_] != '\'';
             ++position_) {
          comment += text_[position_];
        }
        if (position_ >= text_.size()) return Error("the comment's closing quote");
        ++position_;
        metadata = "{\"comment\":" + JsonString(comment) + "}";
      }
      if (out.size() > 1) out += ",";
      out += "{\"name\":" + JsonString(name) + ",\"type\":" + type +
             ",\"nullable\":" + (nullable ? "true" : "false") +
             ",\"metadata\":" + metadata + "}";
    } while (Consume(','));
    if (closing != '\0' && !Consume(closing))
      return Error(std::string("'") + closing + "'");
    return out + "]";
  }

  // `depth` counts the complex types around this one, as ParseSchemaJson does.
  Result<std::string> Type(int depth) {
    const size_t start = position_;
    DELTACPP_ASSIGN_OR_RAISE(auto word, Word(false, "a type"));
    const std::string name = Lower(word);
    if ((name == "array" || name == "map" || name == "struct") &&
        depth >= kMaxTypeNesting) {
      // Without the text: it is long when it nests this deep.
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        "schema: types nest deeper than ", kMaxTypeNesting,
                        " levels at position ", start + 1);
    }
    if (name == "array") {
      if (!Consume('<')) return Error("'<' after array");
      DELTACPP_ASSIGN_OR_RAISE(auto element, Type(depth + 1));
      if (!Consume('>')) return Error("'>' closing array<");
      return "{\"type\":\"array\",\"elementType\":" + element + ",\"containsNull\":true}";
    }
    if (name == "map") {
      if (!Consume('<')) return Error("'<' after map");
      DELTACPP_ASSIGN_OR_RAISE(auto key, Type(depth + 1));
      if (!Consume(',')) return Error("',' between the map's key and value types");
      DELTACPP_ASSIGN_OR_RAISE(auto value, Type(depth + 1));
      if (!Consume('>')) return Error("'>' closing map<");
      return "{\"type\":\"map\",\"keyType\":" + key + ",\"valueType\":" + value +
             ",\"valueContainsNull\":true}";
    }
    if (name == "struct") {
      if (!Consume('<')) return Error("'<' after struct");
      DELTACPP_ASSIGN_OR_RAISE(auto fields, Fields('>', depth + 1));
      return "{\"type\":\"struct\",\"fields\":" + fields + "}";
    }
    const char* known = DeltaNameOfSqlType(name);
    if (known == nullptr) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "schema '", text_,
                        "': unknown type '", word, "'");
    }
    std::string delta_name = known;
    if (delta_name == "decimal") {
      int precision = 10, scale = 0;
      if (Consume('(')) {
        DELTACPP_ASSIGN_OR_RAISE(auto p, Word(false, "a precision"));
        if (!Consume(',')) return Error("',' between precision and scale");
        DELTACPP_ASSIGN_OR_RAISE(auto s, Word(false, "a scale"));
        if (!Consume(')')) return Error("')' closing decimal(");
        precision = std::atoi(p.c_str());
        scale = std::atoi(s.c_str());
      }
      delta_name =
          "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    }
    auto parsed = ParsePrimitiveType(delta_name);
    if (!parsed.ok()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument, "schema '", text_,
                        "': invalid type ", delta_name, ": ", parsed.status().message());
    }
    return JsonString(delta_name);
  }

  std::string_view text_;
  size_t position_ = 0;
};

}  // namespace

Result<std::shared_ptr<arrow::Schema>> ParseSchemaDdl(std::string_view ddl) {
  DdlParser parser(ddl);
  DELTACPP_ASSIGN_OR_RAISE(auto json, parser.Schema());
  auto schema = ParseSchemaJson(json);
  if (!schema.ok()) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "schema '", ddl,
                      "': ", schema.status().message());
  }
  return schema;
}

}  // namespace deltacpp
