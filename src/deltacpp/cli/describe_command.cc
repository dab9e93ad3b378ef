#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <arrow/type.h>

#include "deltacpp/cli/commands.h"
#include "deltacpp/cli/snapshot_options.h"
#include "deltacpp/kernel/schema/schema_json.h"

namespace deltacpp::cli {

namespace {

std::string JoinOr(const std::vector<std::string>& items, const char* empty) {
  if (items.empty()) return empty;
  std::string joined;
  for (const auto& item : items) joined += joined.empty() ? item : ", " + item;
  return joined;
}

void PrintFields(const arrow::FieldVector& fields, const std::string& indent,
                 std::ostream& out) {
  size_t width = 0;
  for (const auto& field : fields) width = std::max(width, field->name().size());
  for (const auto& field : fields) {
    out << indent << field->name() << std::string(width - field->name().size() + 2, ' ')
        << DeltaTypeString(*field->type())
        << (field->nullable() ? "  nullable" : "  not null") << '\n';
  }
}

Status RunDescribe(const SnapshotOptions& options) {
  DELTACPP_ASSIGN_OR_RAISE(auto snapshot, OpenSnapshot(options));
  const auto& protocol = snapshot->protocol();
  const auto& metadata = snapshot->metadata();
  int64_t total_bytes = 0;
  for (const auto& file : snapshot->files()) total_bytes += file.size;

  auto& out = std::cout;
  out << "Table:       " << snapshot->table_uri() << '\n';
  out << "Version:     " << snapshot->version() << " (committed "
      << FormatTimestampMillis(snapshot->commit_timestamp_ms()) << ")\n";
  out << "Protocol:    reader " << protocol.min_reader_version << ", writer "
      << protocol.min_writer_version << '\n';
  if (protocol.reader_features) {
    out << "  reader features: " << JoinOr(*protocol.reader_features, "(none)") << '\n';
  }
  if (protocol.writer_features) {
    out << "  writer features: " << JoinOr(*protocol.writer_features, "(none)") << '\n';
  }
  out << "Id:          " << metadata.id << '\n';
  if (metadata.name) out << "Name:        " << *metadata.name << '\n';
  if (metadata.description) out << "Description: " << *metadata.description << '\n';
  if (metadata.created_time) {
    out << "Created:     " << FormatTimestampMillis(*metadata.created_time) << '\n';
  }
  out << "Partitions:  " << JoinOr(metadata.partition_columns, "(none)") << '\n';
  out << "Properties:  " << (metadata.configuration.empty() ? "(none)" : "") << '\n';
  for (const auto& [key, value] : metadata.configuration) {
    out << "  " << key << " = " << value << '\n';
  }
  out << "Files:       " << snapshot->files().size() << " live, " << total_bytes
      << " bytes\n";
  out << "Schema:\n";
  PrintFields(snapshot->schema()->fields(), "  ", out);
  return Status::OK();
}

}  // namespace

CommandRunner AddDescribeCommand(CLI::App& app) {
  auto options = std::make_shared<SnapshotOptions>();
  auto* command = app.add_subcommand(
      "describe", "Show a table's version, protocol, metadata, schema and file count");
  AddSnapshotOptions(command, options.get());
  return [options] { return RunDescribe(*options); };
}

}  // namespace deltacpp::cli
