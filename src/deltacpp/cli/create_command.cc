#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "deltacpp/cli/commands.h"
#include "deltacpp/kernel/schema/schema_ddl.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/ops/write_table.h"

namespace deltacpp::cli {

namespace {

struct CreateCommandOptions {
  std::string table;
  std::string schema;       // column definitions
  std::string schema_json;  // or Delta schema JSON
  std::vector<std::string> partition_by;
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::vector<std::string> properties;
  bool if_not_exists = false;
  bool allow_non_empty_folder = false;
};

Status RunCreate(const CreateCommandOptions& options) {
  WriteOptions create;
  create.mode = options.if_not_exists ? WriteMode::kIgnore : WriteMode::kErrorIfExists;
  create.partition_by = options.partition_by;
  create.name = options.name;
  create.description = options.description;
  create.allow_non_empty_location = options.allow_non_empty_folder;
  DELTACPP_ASSIGN_OR_RAISE(create.configuration, ParseProperties(options.properties));
  std::shared_ptr<arrow::Schema> schema;
  if (!options.schema_json.empty()) {
    auto parsed = ParseSchemaJson(options.schema_json);
    if (!parsed.ok()) {
      return DeltaError(DeltaErrorCode::kInvalidArgument,
                        "--schema-json: ", parsed.status().message());
    }
    schema = *parsed;
  } else {
    DELTACPP_ASSIGN_OR_RAISE(schema, ParseSchemaDdl(options.schema));
  }
  DELTACPP_ASSIGN_OR_RAISE(auto result, CreateTable(options.table, schema, create));
  if (!result.committed) {
    std::cout << "table exists (version " << result.version << "): nothing done\n";
  } else {
    std::cout << "version " << result.version << ": created table with "
              << schema->num_fields() << " columns\n";
  }
  return Status::OK();
}

}  // namespace

CommandRunner AddCreateCommand(CLI::App& app) {
  auto options = std::make_shared<CreateCommandOptions>();
  auto* command = app.add_subcommand("create", "Create an empty table");
  command->add_option("table", options->table, "Table URI or path")->required();
  auto* ddl = command->add_option(
      "--schema,-s", options->schema,
      "Columns, e.g. \"id long NOT NULL, name string, tags array<string>\"");
  auto* json = command->add_option("--schema-json", options->schema_json,
                                   "The schema as Delta schema JSON (a schemaString)");
  ddl->excludes(json);
  command
      ->add_option("--partition-by,-p", options->partition_by,
                   "Partition columns, comma-separated")
      ->delimiter(',');
  command->add_option("--name", options->name, "Table name");
  command->add_option("--description", options->description, "Table description");
  command->add_option("--property", options->properties,
                      "Table property key=value (repeatable), e.g. "
                      "delta.enableChangeDataFeed=true");
  command->add_flag("--if-not-exists", options->if_not_exists,
                    "Do nothing when the table exists");
  command->add_flag("--allow-non-empty-folder", options->allow_non_empty_folder,
                    "Create the table even in a folder that holds other files (vacuum "
                    "will delete those it takes for garbage)");
  command->callback([ddl, json] {
    if (ddl->count() == 0 && json->count() == 0) {
      throw CLI::ValidationError("create", "--schema or --schema-json is required");
    }
  });
  return [options] { return RunCreate(*options); };
}

}  // namespace deltacpp::cli
