#include "deltacpp/txn/log_cleanup.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "deltacpp/kernel/log/log_path.h"
#include "deltacpp/kernel/log/log_segment.h"
#include "deltacpp/txn/checkpoint_writer.h"

namespace deltacpp {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMicrosPerSecond = 1000 * kMicrosPerMilli;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
constexpr int64_t kMillisPerDay = kMicrosPerDay / kMicrosPerMilli;

// Microseconds per unit of Spark's interval syntax; 0 for the units of no fixed length.
std::optional<int64_t> UnitMicros(std::string unit) {
  if (unit.size() > 1 && unit.back() == 's') unit.pop_back();
  if (unit == "week") return 7 * kMicrosPerDay;
  if (unit == "day") return kMicrosPerDay;
  if (unit == "hour") return 3600 * kMicrosPerSecond;
  if (unit == "minute") return 60 * kMicrosPerSecond;
  if (unit == "second") return kMicrosPerSecond;
  if (unit == "millisecond") return kMicrosPerMilli;
  if (unit == "microsecond") return 1;
  if (unit == "month" || unit == "year") return 0;
  return std::nullopt;
}

std::vector<std::string> LowerCaseWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// Midnight UTC at or before `timestamp_ms`.
int64_t TruncateToDay(int64_t timestamp_ms) {
  return timestamp_ms -
         (((timestamp_ms % kMillisPerDay) + kMillisPerDay) % kMillisPerDay);
}

bool IsDeletableBelow(const ParsedLogFileName& name, int64_t checkpoint_version) {
  switch (name.kind) {
    case LogFileKind::kCommit:
    case LogFileKind::kClassicCheckpoint:
    case LogFileKind::kMultiPartCheckpoint:
    case LogFileKind::kUuidCheckpoint:
    case LogFileKind::kChecksum:
      return name.version < checkpoint_version;
    case LogFileKind::kCompactedCommit:
      // Readers starting at the checkpoint use compactions that start after it only.
      return name.version <= checkpoint_version;
  }
  return false;
}

}  // namespace

Result<int64_t> ParseIntervalMillis(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "invalid interval '", text,
                      "': ", why, " (expected e.g. 'interval 30 days')");
  };
  const std::vector<std::string> words = LowerCaseWords(text);
  size_t i = (!words.empty() && words[0] == "interval") ? 1 : 0;
  if (i == words.size()) return invalid("no duration");
  int64_t total = 0;  // microseconds
  for (; i < words.size(); i += 2) {
    if (i + 1 == words.size()) return invalid("a number without a unit");
    std::string_view number = words[i];
    const std::optional<int64_t> unit = UnitMicros(words[i + 1]);
    if (!unit.has_value()) return invalid("unknown unit '" + words[i + 1] + "'");
    if (*unit == 0) {
      return invalid("months and years have no fixed length; use days");
    }
    bool negative = false;
    if (!number.empty() && (number[0] == '-' || number[0] == '+')) {
      negative = number[0] == '-';
      number.remove_prefix(1);
    }
    std::string_view fraction;
    if (auto dot = number.find('.'); dot != std::string_view::npos) {
      fraction = number.substr(dot + 1);
      number = number.substr(0, dot);
      if (*unit != kMicrosPerSecond || fraction.empty() || fraction.size() > 6) {
        return invalid("only seconds may have a fraction, of at most 6 digits");
      }
    }
    int64_t whole = 0;
    auto [end, error] =
        std::from_chars(number.data(), number.data() + number.size(), whole);
    if (number.empty() || error != std::errc() || end != number.data() + number.size()) {
      return invalid("'" + words[i] + "' is not a number");
    }
    int64_t micros = 0;
    if (__builtin_mul_overflow(whole, *unit, &micros)) return invalid("too long");
    if (!fraction.empty()) {
      int64_t digits = 0;
      auto [fraction_end, fraction_error] =
          std::from_chars(fraction.data(), fraction.data() + fraction.size(), digits);
      if (fraction_error != std::errc() ||
          fraction_end != fraction.data() + fraction.size()) {
        return invalid("'" + words[i] + "' is not a number");
      }
      for (size_t d = fraction.size(); d < 6; ++d) digits *= 10;
      if (__builtin_add_overflow(micros, digits, &micros)) return invalid("too long");
    }
    if (negative) micros = -micros;
    if (__builtin_add_overflow(total, micros, &total)) return invalid("too long");
  }
  if (total < 0) return invalid("a retention cannot be negative");
  return total / kMicrosPerMilli;
}

Result<int64_t> LogRetentionMillis(const Metadata& metadata) {
  auto value = metadata.configuration.find(std::string(kLogRetentionDurationKey));
  if (value == metadata.configuration.end()) {
    return ParseIntervalMillis(kDefaultLogRetentionDuration);
  }
  auto millis = ParseIntervalMillis(value->second);
  if (!millis.ok()) {
    return millis.status().WithMessage("table property ", kLogRetentionDurationKey, ": ",
                                       millis.status().message());
  }
  return millis;
}

bool ExpiredLogCleanupEnabled(const Metadata& metadata) {
  auto value = metadata.configuration.find(std::string(kEnableExpiredLogCleanupKey));
  if (value == metadata.configuration.end()) return true;
  std::string lower;
  for (char c : value->second) {
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower != "false";
}

Result<LogCleanupResult> CleanupExpiredLogs(const Snapshot& snapshot, int64_t now_ms,
                                            const LogCleanupOptions& options) {
  const auto& store = *snapshot.store();
  // Cleanup rewrites the log, so the table must be one delta-cpp may write to.
  if (auto supported = CheckLogWriteSupported(snapshot.protocol()); !supported.ok()) {
    return supported.WithMessage("cannot clean up the log of table ", store.table_uri(),
                                 ": ", supported.message());
  }
  int64_t retention_ms = 0;
  if (options.retention_ms.has_value()) {
    retention_ms = *options.retention_ms;
  } else {
    auto retention = LogRetentionMillis(snapshot.metadata());
    if (!retention.ok()) {
      return retention.status().WithMessage("table ", store.table_uri(), ": ",
                                            retention.status().message());
    }
    retention_ms = *retention;
  }

  LogCleanupResult result;
  result.cutoff_timestamp_ms = TruncateToDay(now_ms - retention_ms);
  DELTACPP_ASSIGN_OR_RAISE(auto files, ListLogFiles(store));

  // The cutoff commit: the newest whose time, made to increase with the version as
  // Delta Spark adjusts clocks that went backwards, is not after the cutoff.
  std::optional<int64_t> cutoff_commit;
  std::optional<int64_t> previous_time;
  for (const auto& file : files) {
    if (file.name.kind != LogFileKind::kCommit) continue;
    if (file.name.version > snapshot.version()) break;
    int64_t time = file.modification_time_ms;
    if (previous_time.has_value()) time = std::max(time, *previous_time + 1);
    previous_time = time;
    if (time > result.cutoff_timestamp_ms) break;
    cutoff_commit = file.name.version;
  }
  if (!cutoff_commit.has_value()) return result;
  // The newest complete checkpoint at or before it: the log will start there.
  const auto checkpoints = CompleteCheckpoints(files);
  auto after = checkpoints.upper_bound(*cutoff_commit);
  if (after == checkpoints.begin()) return result;
  const int64_t checkpoint_version = std::prev(after)->first;
  result.checkpoint_version = checkpoint_version;

  // Oldest first: whenever deletion stops, what is left is readable from the checkpoint.
  for (const auto& file : files) {
    if (!IsDeletableBelow(file.name, checkpoint_version)) continue;
    if (!options.dry_run) {
      DELTACPP_RETURN_NOT_OK(store.Delete(LogFilePath(file.name.name)));
    }
    result.deleted.push_back(file.name.name);
  }
  return result;
}

}  // namespace deltacpp
