// Fuzz target: a table schema string (the metaData action's schemaString), parsed into
// an Arrow schema (ParseSchemaJson). A parsed schema must write back (SchemaToJson) and
// read again to the same schema, metadata included, as schema_json.h promises.

#include <arrow/type.h>

#include "deltacpp/kernel/schema/schema_json.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deltacpp;
  auto schema = ParseSchemaJson(fuzz::AsText(data, size));
  if (!schema.ok()) return 0;
  for (const auto& field : (*schema)->fields()) (void)DeltaTypeString(*field->type());
  auto written = SchemaToJson(**schema);
  if (!written.ok()) {
    fuzz::Fail("a parsed schema cannot be written back", written.status().ToString());
  }
  auto reread = ParseSchemaJson(*written);
  if (!reread.ok()) {
    fuzz::Fail("a parsed schema, written back, does not parse",
               *written + " -> " + reread.status().ToString());
  }
  if (!(*reread)->Equals(**schema, /*check_metadata=*/true)) {
    fuzz::Fail("a parsed schema, written back, reads as another schema",
               (*schema)->ToString(/*show_metadata=*/true) + "\n  written: " + *written +
                   "\n  read back: " + (*reread)->ToString(/*show_metadata=*/true));
  }
  return 0;
}
