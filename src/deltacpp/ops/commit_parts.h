#pragma once

// Pieces of the commits that operations rewriting data files share: the remove action
// of a live file, and the JSON texts commitInfo's operationParameters hold. Internal to
// ops/: never included from a public header.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp::internal {

/// The remove action of live file `file`, deleted at `now` (milliseconds since the
/// epoch). `data_change` false says the rows stay in the table (a compaction).
inline RemoveFile RemovalOf(const AddFile& file, int64_t now, bool data_change = true) {
  RemoveFile remove;
  remove.path = file.path;
  remove.deletion_timestamp = now;
  remove.data_change = data_change;
  remove.extended_file_metadata = true;
  remove.partition_values = file.partition_values;
  remove.size = file.size;
  remove.deletion_vector = file.deletion_vector;
  return remove;
}

/// `text` as a JSON string literal.
inline std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[(c >> 4) & 0xf];
          out += kHex[c & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

/// `values` as a JSON array of strings.
inline std::string JsonStringArray(const std::vector<std::string>& values) {
  std::string out = "[";
  for (const auto& value : values) {
    if (out.size() > 1) out += ",";
    out += JsonString(value);
  }
  return out + "]";
}

}  // namespace deltacpp::internal
