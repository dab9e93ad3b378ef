#pragma once

// Tested by: every test that evaluates a predicate (scan/row_filter_test.cc first).

#include "deltacpp/common/status.h"

namespace deltacpp {

/// Registers Arrow's compute functions (once per process; later calls are free). Every
/// entry point that runs compute kernels (scans, writes) calls it first.
DELTACPP_EXPORT Status EnsureComputeInitialized();

}  // namespace deltacpp
