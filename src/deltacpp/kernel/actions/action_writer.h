#pragma once

// Actions to the JSON of commit files (PROTOCOL.md, "Actions"): what transactions write
// and what ParseCommitJson reads back.

#include <string>
#include <vector>

#include "deltacpp/common/visibility.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

/// One action as one line of JSON (no newline): {"add":{...}}. Optional fields that are
/// unset are left out; partition values that are null are written as JSON null.
DELTACPP_EXPORT std::string ActionToJson(const Action& action);

/// A whole commit file: one line per action, each ending in a newline.
DELTACPP_EXPORT std::string CommitToJson(const std::vector<Action>& actions);

}  // namespace deltacpp
