#include "deltacpp/kernel/log/log_path.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace deltacpp {

namespace {

constexpr size_t kVersionDigits = 20;
constexpr size_t kPartDigits = 10;

// Parses exactly `digits` decimal digits at the front of `text` and drops them. Digits
// whose value does not fit `Int` are dropped too, with `*too_large` set, so that the
// rest of the name can still be matched.
template <typename Int>
bool TakeNumber(std::string_view& text, size_t digits, Int* out, bool* too_large) {
  if (text.size() < digits) return false;
  for (size_t i = 0; i < digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto [end, error] = std::from_chars(text.data(), text.data() + digits, *out);
  if (error == std::errc::result_out_of_range) {
    *too_large = true;
    *out = 0;
  } else if (error != std::errc() || end != text.data() + digits) {
    return false;
  }
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

// A name of `_delta_log/` matched against the forms of log_path.h.
struct NameMatch {
  std::optional<ParsedLogFileName> parsed;
  // The name has a log file's form, but a version past kMaxVersion.
  bool version_too_large = false;
};

NameMatch MatchLogFileName(std::string_view name) {
  NameMatch match;
  ParsedLogFileName parsed;
  parsed.name = std::string(name);
  bool version_too_large = false;
  auto matched = [&](LogFileKind kind) {
    parsed.kind = kind;
    match.version_too_large = version_too_large;
    if (!version_too_large) match.parsed = std::move(parsed);
    return match;
  };
  std::string_view rest = name;
  if (!TakeNumber(rest, kVersionDigits, &parsed.version, &version_too_large)) {
    return match;
  }
  parsed.end_version = parsed.version;

  if (rest == ".json") return matched(LogFileKind::kCommit);
  if (rest == ".crc") {
    // A checksum only speeds up reads: one no version can have is left alone.
    if (version_too_large) return match;
    return matched(LogFileKind::kChecksum);
  }
  if (rest == ".checkpoint.parquet") return matched(LogFileKind::kClassicCheckpoint);
  std::string_view tail = rest;
  if (TakePrefix(tail, ".") &&
      TakeNumber(tail, kVersionDigits, &parsed.end_version, &version_too_large)) {
    if (tail == ".compacted.json" &&
        (version_too_large || parsed.end_version >= parsed.version)) {
      return matched(LogFileKind::kCompactedCommit);
    }
    return match;
  }
  if (!TakePrefix(rest, ".checkpoint.")) return match;
  tail = rest;
  bool part_too_large = false;
  if (TakeNumber(tail, kPartDigits, &parsed.part, &part_too_large) &&
      TakePrefix(tail, ".") &&
      TakeNumber(tail, kPartDigits, &parsed.num_parts, &part_too_large) &&
      tail == ".parquet") {
    if (part_too_large || parsed.part < 1 || parsed.part > parsed.num_parts) {
      return match;
    }
    return matched(LogFileKind::kMultiPartCheckpoint);
  }
  parsed.part = parsed.num_parts = 1;
  for (std::string_view extension : {".json", ".parquet"}) {
    if (rest.ends_with(extension) &&
        IsUuid(rest.substr(0, rest.size() - extension.size()))) {
      return matched(LogFileKind::kUuidCheckpoint);
    }
  }
  return match;
}

}  // namespace

std::optional<ParsedLogFileName> ParseLogFileName(std::string_view name) {
  return MatchLogFileName(name).parsed;
}

bool IsLogFileNamePastMaxVersion(std::string_view name) {
  return MatchLogFileName(name).version_too_large;
}

Result<int64_t> NextVersion(int64_t version, std::string_view table_uri) {
  if (version == kMaxVersion) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "table ", table_uri,
                      " is at version ", kMaxVersion,
                      ", the last version the protocol allows: it cannot take another "
                      "commit");
  }
  return version + 1;
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
