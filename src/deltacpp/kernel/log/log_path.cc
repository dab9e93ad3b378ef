#include "deltacpp/kernel/log/log_path.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace deltacpp {

namespace {

constexpr size_t kVersionDigits = 20;
constexpr size_t kPartDigits = 10;

// Parses exactly `digits` decimal digits at the front of `text` and drops them.
template <typename Int>
bool TakeNumber(std::string_view& text, size_t digits, Int* out) {
  if (text.size() < digits) return false;
  for (size_t i = 0; i < digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + digits, *out);
  if (error != std::errc() || end != text.data() + digits) return false;
  text.remove_prefix(digits);
  return true;
}

bool TakePrefix(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

std::optional<ParsedLogFileName> ParseLogFileName(std::string_view name) {
  ParsedLogFileName parsed;
  parsed.name = std::string(name);
  std::string_view rest = name;
  if (!TakeNumber(rest, kVersionDigits, &parsed.version)) return std::nullopt;
  parsed.end_version = parsed.version;

  if (rest == ".json") {
    parsed.kind = LogFileKind::kCommit;
    return parsed;
  }
  if (rest == ".crc") {
    parsed.kind = LogFileKind::kChecksum;
    return parsed;
  }
  if (rest == ".checkpoint.parquet") {
    parsed.kind = LogFileKind::kClassicCheckpoint;
    return parsed;
  }
  std::string_view tail = rest;
  if (TakePrefix(tail, ".") && TakeNumber(tail, kVersionDigits, &parsed.end_version)) {
    if (tail == ".compacted.json" && parsed.end_version >= parsed.version) {
      parsed.kind = LogFileKind::kCompactedCommit;
      return parsed;
    }
    return std::nullopt;
  }
  if (!TakePrefix(rest, ".checkpoint.")) return std::nullopt;
  tail = rest;
  if (TakeNumber(tail, kPartDigits, &parsed.part) && TakePrefix(tail, ".") &&
      TakeNumber(tail, kPartDigits, &parsed.num_parts) && tail == ".parquet") {
    if (parsed.part < 1 || parsed.part > parsed.num_parts) return std::nullopt;
    parsed.kind = LogFileKind::kMultiPartCheckpoint;
    return parsed;
  }
  parsed.part = parsed.num_parts = 1;
  for (std::string_view extension : {".json", ".parquet"}) {
    if (rest.ends_with(extension) &&
        IsUuid(rest.substr(0, rest.size() - extension.size()))) {
      parsed.kind = LogFileKind::kUuidCheckpoint;
      return parsed;
    }
  }
  return std::nullopt;
}

std::string CommitFileName(int64_t version) {
  char name[64];
  std::snprintf(name, sizeof(name), "%020lld.json", static_cast<long long>(version));
  return name;
}

std::string CheckpointFileName(int64_t version) {
  char name[64];
  std::snprintf(name, sizeof(name), "%020lld.checkpoint.parquet",
                static_cast<long long>(version));
  return name;
}

std::string LogFilePath(std::string_view name) {
  std::string path(kDeltaLogDir);
  path += '/';
  path += name;
  return path;
}

std::string CommitFilePath(int64_t version) {
  return LogFilePath(CommitFileName(version));
}

}  // namespace deltacpp
