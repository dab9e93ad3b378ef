#include "deltacpp/kernel/log/last_checkpoint.h"

#include "deltacpp/kernel/actions/action_names.h"
#include "deltacpp/kernel/json_internal.h"
#include "deltacpp/kernel/log/log_path.h"

namespace deltacpp {

namespace {
constexpr std::string_view kPartsField = "parts";
constexpr std::string_view kNumOfAddFilesField = "numOfAddFiles";
}  // namespace

Result<LastCheckpointHint> ParseLastCheckpoint(std::string_view contents) {
  rapidjson::Document doc;
  DELTACPP_RETURN_NOT_OK(internal::ParseJsonBounded(
      doc, contents, DeltaErrorCode::kCorruptLog, kLastCheckpointFile));
  const rapidjson::Value* version =
      !doc.HasParseError() && doc.IsObject()
          ? internal::FindMember(doc, action_names::kVersion)
          : nullptr;
  if (version == nullptr || !version->IsInt64() || version->GetInt64() < 0) {
    return DeltaError(DeltaErrorCode::kCorruptLog, kLastCheckpointFile,
                      " is not a JSON object with a version");
  }
  LastCheckpointHint hint;
  hint.version = version->GetInt64();
  if (const auto* size = internal::FindMember(doc, action_names::kSize);
      size != nullptr && size->IsInt64()) {
    hint.size = size->GetInt64();
  }
  if (const auto* parts = internal::FindMember(doc, kPartsField);
      parts != nullptr && parts->IsInt()) {
    hint.parts = parts->GetInt();
  }
  if (const auto* adds = internal::FindMember(doc, kNumOfAddFilesField);
      adds != nullptr && adds->IsInt64()) {
    hint.num_add_files = adds->GetInt64();
  }
  return hint;
}

Result<std::optional<LastCheckpointHint>> ReadLastCheckpoint(const ObjectStore& store) {
  auto contents = store.ReadAll(LogFilePath(kLastCheckpointFile));
  if (!contents.ok()) {
    if (GetDeltaErrorCode(contents.status()) == DeltaErrorCode::kFileNotFound) {
      return std::nullopt;
    }
    return contents.status();
  }
  auto hint = ParseLastCheckpoint(
      std::string_view((*contents)->data_as<char>(), (*contents)->size()));
  if (!hint.ok()) return std::nullopt;  // corrupt: recover by listing
  return *hint;
}

}  // namespace deltacpp
