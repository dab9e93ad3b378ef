#include "deltacpp/kernel/table_configuration.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <arrow/util/string.h>

namespace deltacpp {

namespace {

using arrow::internal::AsciiEqualsCaseInsensitive;
using arrow::internal::AsciiToLower;

constexpr int64_t kMicrosPerMilli = 1000;
constexpr int64_t kMicrosPerSecond = 1000 * kMicrosPerMilli;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

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

// A retention property in milliseconds, its default when unset.
Result<int64_t> RetentionMillis(const TableConfiguration& configuration,
                                std::string_view key, std::string_view default_value) {
  const auto value = configuration.Get(key);
  if (!value) return ParseIntervalMillis(default_value);
  auto millis = ParseIntervalMillis(*value);
  if (!millis.ok()) {
    return millis.status().WithMessage("table property ", key, ": ",
                                       millis.status().message());
  }
  return millis;
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

std::optional<std::string> TableConfiguration::Get(std::string_view key) const {
  auto value = configuration_.find(std::string(key));
  if (value == configuration_.end()) return std::nullopt;
  return value->second;
}

bool TableConfiguration::IsTrue(std::string_view key) const {
  const auto value = Get(key);
  return value.has_value() && AsciiEqualsCaseInsensitive(*value, "true");
}

std::optional<int64_t> TableConfiguration::in_commit_timestamps_from() const {
  if (!in_commit_timestamps_enabled()) return std::nullopt;
  int64_t from = 0;
  if (const auto since = Get(table_property::kInCommitTimestampEnablementVersion)) {
    std::from_chars(since->data(), since->data() + since->size(), from);
  }
  return from;
}

int64_t TableConfiguration::checkpoint_interval() const {
  const auto text = Get(table_property::kCheckpointInterval);
  if (!text) return kDefaultCheckpointInterval;
  int64_t interval = 0;
  auto [end, error] =
      std::from_chars(text->data(), text->data() + text->size(), interval);
  if (error != std::errc() || end != text->data() + text->size() || interval < 1) {
    return kDefaultCheckpointInterval;
  }
  return interval;
}

Result<int64_t> TableConfiguration::log_retention_millis() const {
  return RetentionMillis(*this, table_property::kLogRetentionDuration,
                         kDefaultLogRetentionDuration);
}

bool TableConfiguration::expired_log_cleanup_enabled() const {
  const auto value = Get(table_property::kEnableExpiredLogCleanup);
  return !value.has_value() || !AsciiEqualsCaseInsensitive(*value, "false");
}

Result<int64_t> TableConfiguration::deleted_file_retention_millis() const {
  return RetentionMillis(*this, table_property::kDeletedFileRetentionDuration,
                         kDefaultDeletedFileRetentionDuration);
}

Result<std::optional<int64_t>> TableConfiguration::target_file_size() const {
  const auto text = Get(table_property::kTargetFileSize);
  if (!text) return std::nullopt;
  // Bytes only ("104857600"), as Delta Spark and delta-rs read it.
  const bool digits = !text->empty() && text->size() <= 18 &&
                      std::all_of(text->begin(), text->end(), [](char c) {
                        return std::isdigit(static_cast<unsigned char>(c));
                      });
  if (!digits) {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "table property ",
                      table_property::kTargetFileSize, " is '", *text,
                      "', which is not a number of bytes");
  }
  return std::stoll(*text);
}

Result<ColumnMappingMode> TableConfiguration::column_mapping_mode() const {
  const auto mode = Get(table_property::kColumnMappingMode);
  if (!mode || *mode == "none") return ColumnMappingMode::kNone;
  if (*mode == "name") return ColumnMappingMode::kName;
  if (*mode == "id") return ColumnMappingMode::kId;
  return DeltaError(DeltaErrorCode::kCorruptLog, "table property ",
                    table_property::kColumnMappingMode, " has unknown value '", *mode,
                    "'");
}

bool TableConfiguration::column_mapping_requested() const {
  const auto mode = Get(table_property::kColumnMappingMode);
  return mode.has_value() && *mode != "none";
}

std::vector<std::pair<std::string, std::string>> TableConfiguration::check_constraints()
    const {
  constexpr std::string_view kPrefix = table_property::kConstraintPrefix;
  std::vector<std::pair<std::string, std::string>> constraints;
  for (const auto& [key, sql] : configuration_) {
    if (key.size() > kPrefix.size() &&
        AsciiEqualsCaseInsensitive(std::string_view(key).substr(0, kPrefix.size()),
                                   kPrefix)) {
      constraints.emplace_back(key.substr(kPrefix.size()), sql);
    }
  }
  return constraints;
}

bool TableConfiguration::iceberg_enabled() const {
  const auto formats = Get(table_property::kUniversalFormatEnabledFormats);
  if (!formats) return false;
  return AsciiToLower(*formats).find("iceberg") != std::string::npos;
}

}  // namespace deltacpp
