// deltacpp._core: the C++ core under the Python package (python/deltacpp).

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "deltacpp/common/version.h"
#include "deltacpp/kernel/schema/schema_json.h"
#include "deltacpp/ops/write_schema.h"
#include "deltacpp/python/arrow_capsule.h"
#include "deltacpp/python/bindings.h"
#include "deltacpp/python/errors.h"
#include "deltacpp/scan/compute_init.h"

namespace nb = nanobind;

namespace deltacpp::python {
namespace {

nb::capsule SchemaFromJson(const std::string& json) {
  return ExportSchema(*ValueOrThrow(ParseSchemaJson(json)));
}

// The protocol's schema JSON of an Arrow schema, with Arrow's variants of a type (large
// and view strings, ...) stored as Delta stores them.
std::string SchemaToJsonText(nb::handle capsule) {
  auto schema = ImportSchema(capsule);
  return ValueOrThrow(SchemaToJson(*ValueOrThrow(StorageSchema(*schema))));
}

}  // namespace
}  // namespace deltacpp::python

NB_MODULE(_core, module) {
  using namespace deltacpp::python;
  module.doc() = "The C++ core of deltacpp; use the package deltacpp, not this module.";
  deltacpp::python::ThrowIfError(deltacpp::EnsureComputeInitialized());
  RegisterErrorTranslator();
  module.attr("__version__") = deltacpp::kVersionString;
  module.def("schema_from_json", &SchemaFromJson, nb::arg("json"),
             "An arrow_schema capsule of a schema in the Delta protocol's JSON.");
  module.def("schema_to_json", &SchemaToJsonText, nb::arg("schema_capsule"),
             "The Delta protocol's JSON of an arrow_schema capsule's schema.");
  BindSnapshot(module);
  BindWrite(module);
  BindOptimize(module);
}
