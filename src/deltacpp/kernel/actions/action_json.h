#pragma once

// Parsing of JSON commit files (newline-delimited actions) into Action values.

#include <string_view>
#include <vector>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

/// Parses the content of one commit file: one JSON object per line, each holding one
/// action. Unknown action kinds are skipped, as the protocol asks of readers; blank lines
/// are ignored. A line that is not JSON, or an action missing a required field or with a
/// field of the wrong type, fails with DeltaErrorCode::kCorruptLog, naming `source_name`
/// (the file) and the line number.
DELTACPP_EXPORT Result<std::vector<Action>> ParseCommitJson(std::string_view contents,
                                                            std::string_view source_name);

}  // namespace deltacpp
