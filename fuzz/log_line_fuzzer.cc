// Fuzz target: the content of a commit file (one JSON action per line), as every reader
// of a table parses it (ParseCommitJson). What parses must also survive being written
// back (CommitToJson) and read again, to the same actions.

#include "deltacpp/kernel/actions/action_json.h"
#include "deltacpp/kernel/actions/action_writer.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace deltacpp;
  // An error Status is a right answer to bad input: only a crash, a hang, a leak or a
  // failed check is a finding.
  auto actions = ParseCommitJson(fuzz::AsText(data, size), "fuzz.json");
  if (!actions.ok()) return 0;
  const std::string written = CommitToJson(*actions);
  auto reread = ParseCommitJson(written, "rewritten.json");
  if (!reread.ok()) {
    fuzz::Fail("a parsed commit, written back, does not parse",
               written + " -> " + reread.status().ToString());
  }
  if (reread->size() != actions->size()) {
    fuzz::Fail("a parsed commit, written back, has another number of actions", written);
  }
  return 0;
}
