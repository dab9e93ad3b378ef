#pragma once

// Partition values: the strings of add.partitionValues turned into typed Arrow scalars,
// as PROTOCOL.md's "Partition Value Serialization" defines them.

#include <memory>
#include <optional>
#include <string>

#include <arrow/type_fwd.h>

#include "deltacpp/common/status.h"

namespace deltacpp {

/// The scalar of type `type` that `serialized` stands for. nullopt and the empty string
/// are null. Fails with kCorruptLog when the text is not a value of the type (the message
/// quotes it), and with kUnsupportedFeature for a type that cannot be a partition column.
DELTACPP_EXPORT Result<std::shared_ptr<arrow::Scalar>> ParsePartitionValue(
    const std::optional<std::string>& serialized,
    const std::shared_ptr<arrow::DataType>& type);

}  // namespace deltacpp
