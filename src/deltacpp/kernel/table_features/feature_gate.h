#pragma once

// The one place that decides whether delta-cpp may read a table. A table whose protocol
// asks for something this reader does not implement is refused with an error naming it,
// never read wrongly.

#include <string_view>

#include "deltacpp/common/status.h"
#include "deltacpp/kernel/actions/actions.h"

namespace deltacpp {

/// The highest reader protocol version delta-cpp understands (3: table features).
inline constexpr int32_t kMaxSupportedReaderVersion = 3;

/// True when delta-cpp reads tables that list `feature` among their readerFeatures.
DELTACPP_EXPORT bool IsReaderFeatureSupported(std::string_view feature);

/// OK when a table with `protocol` can be read correctly. Otherwise fails with
/// DeltaErrorCode::kUnsupportedFeature naming the reader version or every reader feature
/// that is missing.
DELTACPP_EXPORT Status CheckReadSupported(const Protocol& protocol);

}  // namespace deltacpp
