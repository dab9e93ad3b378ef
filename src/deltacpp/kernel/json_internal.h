#pragma once

// RapidJSON helpers shared by the kernel's JSON readers. Internal: never included from a
// public header. (Why RapidJSON and not simdjson: the pyarrow wheel's libarrow and
// libparquet export their own simdjson symbols, which interpose on a second copy in the
// same process and crash it; header-only RapidJSON compiled with hidden visibility cannot
// clash. See docs/internals/dependencies.md.)

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "deltacpp/common/status.h"

namespace deltacpp::internal {

/// How deeply arrays and objects may nest in any JSON the kernel parses. RapidJSON's
/// reader, its writer (Accept) and our walks over a parsed value recurse once per level,
/// so text from a table (a log line, a schemaString, statistics) must not choose the
/// depth: 100,000 nested '[' overflow the stack. Delta's own JSON nests a handful of
/// levels, a deeply nested schema a few hundred; 1000 leaves room for both and keeps the
/// recursion far from the stack's end, also with AddressSanitizer's larger frames.
inline constexpr int kMaxJsonDepth = 1000;

/// Follows the nesting of arrays and objects through JSON text fed in pieces, counting
/// brackets outside strings as a JSON reader sees them. Linear and without recursion, so
/// it can vet text before any recursive reader does; text that is not JSON is judged up
/// to where a reader would stop, which is all a reader would see.
class JsonDepthScanner {
 public:
  /// With `lines`, each line is a document of its own (JSON Lines, whose strings cannot
  /// hold a raw newline): a newline ends any nesting.
  explicit JsonDepthScanner(int max_depth, bool lines = false)
      : max_depth_(max_depth), lines_(lines) {}

  /// Feeds the next piece of text; false as soon as the nesting is deeper than
  /// max_depth.
  bool Feed(std::string_view piece) {
    for (const char c : piece) {
      if (c == '\n') {
        ++newlines_;
        if (lines_) {
          depth_ = 0;
          in_string_ = escaped_ = false;
          continue;
        }
      }
      if (in_string_) {
        if (escaped_) {
          escaped_ = false;  // an escaped character (\" or \\) never ends the string
        } else if (c == '\\') {
          escaped_ = true;
        } else if (c == '"') {
          in_string_ = false;
        }
        continue;
      }
      switch (c) {
        case '"':
          in_string_ = true;
          break;
        case '[':
        case '{':
          if (++depth_ > max_depth_) return false;
          break;
        case ']':
        case '}':
          if (depth_ > 0) --depth_;
          break;
        default:
          break;
      }
    }
    return true;
  }

  /// How many newlines were fed so far: the 0-based line of the last character fed.
  int64_t newlines() const { return newlines_; }

 private:
  int max_depth_;
  bool lines_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escaped_ = false;
  int64_t newlines_ = 0;
};

/// Whether `text` nests arrays and objects more than `max_depth` levels deep.
inline bool JsonNestsDeeperThan(std::string_view text, int max_depth) {
  // Deeper than max_depth needs more than max_depth opening brackets; counting them is
  // cheaper than following strings, and settles almost every text.
  const auto opening = std::count_if(text.begin(), text.end(),
                                     [](char c) { return c == '[' || c == '{'; });
  if (opening <= max_depth) return false;
  return !JsonDepthScanner(max_depth).Feed(text);
}

/// Parses `text` into `document` as `document.Parse<kFlags>` does, after refusing text
/// that nests deeper than kMaxJsonDepth: then `document` is left as it was and the
/// result is an error with `code`, its message the pieces of `what` (naming the text and
/// where it is) followed by " nests JSON deeper than 1000 levels". Syntax errors are not
/// this function's: they stay in `document.HasParseError()`, for each caller's own
/// message. (The document is the caller's rather than the result, as it may use the
/// caller's allocator.)
template <unsigned kFlags = rapidjson::kParseDefaultFlags, typename... What>
Status ParseJsonBounded(rapidjson::Document& document, std::string_view text,
                        DeltaErrorCode code, What&&... what) {
  if (JsonNestsDeeperThan(text, kMaxJsonDepth)) {
    return DeltaError(code, std::forward<What>(what)..., " nests JSON deeper than ",
                      kMaxJsonDepth, " levels");
  }
  document.Parse<kFlags>(text.data(), text.size());
  return Status::OK();
}

/// Forwards a JSON reader's events to a document, reading each number from its text
/// with std::from_chars: correctly rounded, so that a double written as its shortest
/// text reads back as the same double (RapidJSON's default parse can be an ulp off, and
/// its full-precision parse has undefined behaviour on some inputs, as "0e40").
class ExactNumberHandler {
 public:
  explicit ExactNumberHandler(rapidjson::Document& document) : document_(document) {}

  bool RawNumber(const char* text, rapidjson::SizeType length, bool /*copy*/) {
    const char* end = text + length;
    if (std::none_of(text, end,
                     [](char c) { return c == '.' || c == 'e' || c == 'E'; })) {
      int64_t signed_value = 0;
      if (auto [at, error] = std::from_chars(text, end, signed_value);
          error == std::errc() && at == end) {
        return document_.Int64(signed_value);
      }
      uint64_t unsigned_value = 0;
      if (auto [at, error] = std::from_chars(text, end, unsigned_value);
          error == std::errc() && at == end) {
        return document_.Uint64(unsigned_value);
      }
    }
    double value = 0;
    auto [at, error] = std::from_chars(text, end, value);
    if (at != end) return false;
    if (error == std::errc::result_out_of_range) {
      // Too small for a double reads as zero, as in RapidJSON; too big is an error.
      const auto exponent =
          std::find_if(text, end, [](char c) { return c == 'e' || c == 'E'; });
      if (exponent == end || exponent + 1 == end || exponent[1] != '-') return false;
      value = text[0] == '-' ? -0.0 : 0.0;
    } else if (error != std::errc()) {
      return false;
    }
    return document_.Double(value);
  }
  bool Null() { return document_.Null(); }
  bool Bool(bool value) { return document_.Bool(value); }
  bool Int(int value) { return document_.Int(value); }
  bool Uint(unsigned value) { return document_.Uint(value); }
  bool Int64(int64_t value) { return document_.Int64(value); }
  bool Uint64(uint64_t value) { return document_.Uint64(value); }
  bool Double(double value) { return document_.Double(value); }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.String(text, length, copy);
  }
  bool StartObject() { return document_.StartObject(); }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.Key(text, length, copy);
  }
  bool EndObject(rapidjson::SizeType members) { return document_.EndObject(members); }
  bool StartArray() { return document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) { return document_.EndArray(elements); }

 private:
  rapidjson::Document& document_;
};

/// As ParseJsonBounded, with every number read exactly (ExactNumberHandler). Returns
/// whether `text` is one well-formed JSON value; if it is not, `document` is left null.
template <typename... What>
Result<bool> ParseJsonBoundedExactNumbers(rapidjson::Document& document,
                                          std::string_view text, DeltaErrorCode code,
                                          What&&... what) {
  if (JsonNestsDeeperThan(text, kMaxJsonDepth)) {
    return DeltaError(code, std::forward<What>(what)..., " nests JSON deeper than ",
                      kMaxJsonDepth, " levels");
  }
  bool parsed = false;
  auto parse = [&](rapidjson::Document& events) {
    ExactNumberHandler handler(events);
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::Reader reader;
    parsed =
        !reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(bytes, handler).IsError();
    return parsed;
  };
  document.SetNull();
  document.Populate(parse);
  return parsed;
}

/// The member `key` of object `object`, or nullptr when it is absent or JSON null.
/// REQUIRES: object.IsObject().
inline const rapidjson::Value* FindMember(const rapidjson::Value& object,
                                          std::string_view key) {
  rapidjson::Value name(rapidjson::StringRef(key.data(), key.size()));
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return nullptr;
  return &member->value;
}

/// REQUIRES: value.IsString().
inline std::string_view StringOf(const rapidjson::Value& value) {
  return {value.GetString(), value.GetStringLength()};
}

/// The compact JSON text of `value`.
inline std::string ToJsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace deltacpp::internal
