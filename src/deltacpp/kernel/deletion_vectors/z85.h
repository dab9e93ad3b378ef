#pragma once

// Z85 (ZeroMQ RFC 32), the text encoding Delta uses for deletion vector ids and inline
// deletion vectors: every 4 bytes become 5 printable characters.

#include <string>
#include <string_view>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// Decodes `text`, whose length must be a multiple of 5. Fails with kCorruptLog for
/// another length or a character outside the Z85 alphabet.
DELTACPP_EXPORT Result<std::string> Z85Decode(std::string_view text);

/// Encodes `bytes`, zero-padded to a multiple of 4 bytes.
DELTACPP_EXPORT std::string Z85Encode(std::string_view bytes);

}  // namespace deltacpp
