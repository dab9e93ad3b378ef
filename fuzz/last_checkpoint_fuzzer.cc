// Fuzz target: the content of `_delta_log/_last_checkpoint` (ParseLastCheckpoint), and
// the same bytes as a log file name (ParseLogFileName), both read straight from a table
// folder. A parsed hint names a checkpoint that must parse back to its version.

#include "deltacpp/kernel/log/last_checkpoint.h"
#include "deltacpp/kernel/log/log_path.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deltacpp;
  const std::string_view text = fuzz::AsText(data, size);
  if (auto hint = ParseLastCheckpoint(text); hint.ok()) {
    fuzz::Check(hint->version >= 0, "a _last_checkpoint version is negative");
    auto name = ParseLogFileName(CheckpointFileName(hint->version));
    fuzz::Check(name.has_value() && name->version == hint->version &&
                    name->kind == LogFileKind::kClassicCheckpoint,
                "the checkpoint a _last_checkpoint names does not parse back");
  }
  if (auto name = ParseLogFileName(text)) {
    fuzz::Check(name->version >= 0 && name->end_version >= name->version,
                "a log file name parses to a negative or reversed version range");
    fuzz::Check(name->part >= 1 && name->part <= name->num_parts,
                "a log file name parses to a part outside its part count");
  }
  return 0;
}
