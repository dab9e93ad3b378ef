// Fuzz target: a checkpoint file (VisitCheckpointFile), as a table's `_delta_log` holds
// it: Parquet bytes, or a V2 checkpoint in JSON when the input starts with '{'. The file
// lives in an in-memory store (Arrow's mock filesystem), so the sidecars a V2 checkpoint
// names are simply missing.
//
// Arrow's Parquet reader underneath is not instrumented (the pyarrow wheel's), so only
// our reading of the decoded columns is coverage-guided; its crashes still count.

#include <cstdlib>
#include <memory>

#include <arrow/io/interfaces.h>

#include "deltacpp/kernel/log/checkpoint_reader.h"
#include "fuzz_check.h"

namespace {

constexpr const char* kParquetPath = "_delta_log/00000000000000000010.checkpoint.parquet";
constexpr const char* kJsonPath =
    "_delta_log/"
    "00000000000000000010.checkpoint.3a0d65cd-4056-49b8-937b-95f9e3ee90e5.json";

const deltacpp::ObjectStore& Store() {
  static const auto store = deltacpp::ObjectStore::Make("mock:///table").ValueOrDie();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Arrow's allocations through malloc, where ASan and libFuzzer's -malloc_limit_mb see
  // them (the wheel's default pool is jemalloc, invisible to both).
  setenv("ARROW_DEFAULT_MEMORY_POOL", "system", /*overwrite=*/1);
  (void)Store();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deltacpp;
  const std::string path = size > 0 && data[0] == '{' ? kJsonPath : kParquetPath;
  auto file = Store().OpenForWrite(path);
  fuzz::Check(file.ok(), "cannot write the in-memory checkpoint file");
  fuzz::Check(
      (*file)->Write(data, static_cast<int64_t>(size)).ok() && (*file)->Close().ok(),
      "cannot write the in-memory checkpoint file");
  int64_t actions = 0;
  (void)VisitCheckpointFile(Store(), path, static_cast<int64_t>(size),
                            [&actions](Action&&) { ++actions; });
  return 0;
}
