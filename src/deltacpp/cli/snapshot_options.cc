#include "deltacpp/cli/snapshot_options.h"

#include <chrono>
#include <cstdio>
#include <ctime>

#include "deltacpp/kernel/table.h"

namespace deltacpp::cli {

void AddSnapshotOptions(CLI::App* command, SnapshotOptions* options) {
  command->add_option("table", options->table_uri, "Table path or URI")->required();
  auto* version =
      command->add_option("--version,-v", options->version, "Read this version");
  command
      ->add_option(
          "--timestamp,-t", options->timestamp,
          "Read the newest version committed at or before this time (ISO 8601, UTC "
          "unless an offset is given)")
      ->excludes(version);
  command->add_flag("--no-outside-paths", options->no_outside_paths,
                    "Refuse data and deletion-vector files that the log names outside "
                    "the table root (absolute paths, as shallow clones have; symbolic "
                    "links leading out)");
}

Result<std::shared_ptr<const Snapshot>> OpenSnapshot(const SnapshotOptions& options) {
  StoreOptions store_options;
  store_options.allow_paths_outside_root = !options.no_outside_paths;
  DELTACPP_ASSIGN_OR_RAISE(auto table, Table::Open(options.table_uri, store_options));
  if (options.timestamp) {
    DELTACPP_ASSIGN_OR_RAISE(int64_t millis, ParseTimestampMillis(*options.timestamp));
    return table.SnapshotAtTimestamp(millis);
  }
  return table.LoadSnapshot(options.version);
}

Result<int64_t> ParseTimestampMillis(const std::string& text) {
  auto invalid = [&] {
    return DeltaError(DeltaErrorCode::kInvalidArgument, "cannot read timestamp '", text,
                      "': use ISO 8601, e.g. 2024-05-01T12:00:00Z");
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3 ||
      consumed != 10) {
    return invalid();
  }
  size_t pos = 10;
  int64_t millis = 0;
  int64_t offset_minutes = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ') return invalid();
    if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d:%2d%n", &hour, &minute, &second,
                    &consumed) != 3 ||
        consumed != 8) {
      return invalid();
    }
    pos += 9;
    if (pos < text.size() && text[pos] == '.') {
      int64_t scale = 100;
      for (++pos;
           pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]));
           ++pos) {
        millis += (text[pos] - '0') * scale;
        scale /= 10;
      }
    }
    if (pos < text.size()) {
      if (text[pos] == 'Z' && pos + 1 == text.size()) {
        ++pos;
      } else if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 &&
                 text[pos + 3] == ':') {
        int offset_hours = 0, offset_mins = 0;
        if (std::sscanf(text.c_str() + pos + 1, "%2d:%2d", &offset_hours, &offset_mins) !=
            2) {
          return invalid();
        }
        offset_minutes = (text[pos] == '-' ? -1 : 1) * (offset_hours * 60 + offset_mins);
        pos = text.size();
      } else {
        return invalid();
      }
    }
  }
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return invalid();
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute - offset_minutes) * 60'000 + second * 1000 +
         millis;
}

std::string FormatTimestampMillis(int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[48];
  const size_t length = std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &utc);
  std::snprintf(text + length, sizeof(text) - length, ".%03d UTC",
                static_cast<int>(millis % 1000));
  return text;
}

}  // namespace deltacpp::cli
