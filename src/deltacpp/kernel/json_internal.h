#pragma once

// RapidJSON helpers shared by the kernel's JSON readers. Internal: never included from a
// public header. (Why RapidJSON and not simdjson: the pyarrow wheel's libarrow and
// libparquet export their own simdjson symbols, which interpose on a second copy in the
// same process and crash it; header-only RapidJSON compiled with hidden visibility cannot
// clash. See docs/internals/dependencies.md.)

#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace deltacpp::internal {

/// The member `key` of object `object`, or nullptr when it is absent or JSON null.
/// REQUIRES: object.IsObject().
inline const rapidjson::Value* FindMember(const rapidjson::Value& object,
                                          std::string_view key) {
  rapidjson::Value name(rapidjson::StringRef(key.data(), key.size()));
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return nullptr;
  return &member->value;
}

/// REQUIRES: value.IsString().
inline std::string_view StringOf(const rapidjson::Value& value) {
  return {value.GetString(), value.GetStringLength()};
}

/// The compact JSON text of `value`.
inline std::string ToJsonText(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace deltacpp::internal
