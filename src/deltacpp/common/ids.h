#pragma once

// Wall-clock times and random identifiers as the Delta log records them.
//
// Tested by: ops/write_table_test.cc and txn/transaction_test.cc, through the file names
// and commit ids every write makes.

#include <cstdint>
#include <string>

#include "deltacpp/common/visibility.h"

namespace deltacpp {

/// Milliseconds since the Unix epoch, now.
DELTACPP_EXPORT int64_t NowMillis();

/// A random (version 4) UUID in its 36-character text form, e.g. for metadata ids and
/// data file names.
DELTACPP_EXPORT std::string RandomUuid();

}  // namespace deltacpp
