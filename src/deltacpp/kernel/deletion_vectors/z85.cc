#include "deltacpp/kernel/deletion_vectors/z85.h"

#include <array>
#include <cstdint>

namespace deltacpp {

namespace {

constexpr std::string_view kAlphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/"
    "*?&<>()[]{}@%$#";

constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

Result<std::string> Z85Decode(std::string_view text) {
  if (text.size() % 5 != 0) {
    return DeltaError(DeltaErrorCode::kCorruptLog, "Z85 text of length ", text.size(),
                      " is not a multiple of 5");
  }
  std::string bytes;
  bytes.reserve(text.size() / 5 * 4);
  for (size_t i = 0; i < text.size(); i += 5) {
    uint64_t value = 0;
    for (size_t j = 0; j < 5; ++j) {
      const int8_t digit = kDecode[static_cast<unsigned char>(text[i + j])];
      if (digit < 0) {
        return DeltaError(DeltaErrorCode::kCorruptLog, "character '", text[i + j],
                          "' is not Z85");
      }
      value = value * 85 + static_cast<uint64_t>(digit);
    }
    if (value > UINT32_MAX) {
      return DeltaError(DeltaErrorCode::kCorruptLog, "Z85 group '", text.substr(i, 5),
                        "' is out of range");
    }
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes.push_back(static_cast<char>((value >> shift) & 0xFF));
    }
  }
  return bytes;
}

std::string Z85Encode(std::string_view bytes) {
  std::string padded(bytes);
  padded.resize((padded.size() + 3) / 4 * 4, '\0');
  std::string text;
  text.reserve(padded.size() / 4 * 5);
  for (size_t i = 0; i < padded.size(); i += 4) {
    uint32_t value = 0;
    for (size_t j = 0; j < 4; ++j) {
      value = (value << 8) | static_cast<unsigned char>(padded[i + j]);
    }
    char group[5];
    for (int j = 4; j >= 0; --j) {
      group[j] = kAlphabet[value % 85];
      value /= 85;
    }
    text.append(group, 5);
  }
  return text;
}

}  // namespace deltacpp
