#pragma once

// Values written as text in the log (partition values, file statistics) and in
// predicates, turned into typed Arrow scalars, and compared.

#include <memory>
#include <optional>
#include <string_view>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// The scalar of type `type` that `text` writes: integers and floats in decimal, decimals
/// exactly (rescaled to the type's scale when that loses nothing), booleans as
/// true/false, dates as YYYY-MM-DD, timestamps as ISO 8601 with a space or 'T' and an
/// optional zone ('Z', +HH:MM; the value is then moved to UTC), strings and binaries as
/// their bytes. Fails with kInvalidArgument naming the text and the type.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Scalar>> ParseTypedValue(
    std::string_view text, const std::shared_ptr<arrow::DataType>& type);

/// The order of two non-null scalars of the same type: negative, zero or positive.
/// nullopt when they are not comparable (another type, a NaN, a nested type).
DELTACPP_EXPORT std::optional<int> CompareScalars(const arrow::Scalar& left,
                                                  const arrow::Scalar& right);

}  // namespace deltacpp
