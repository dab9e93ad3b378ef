#pragma once

// Helpers for tests of predicates and their limits: deep and long texts, tree depth.

#include <algorithm>
#include <string>
#include <string_view>

#include "deltacpp/kernel/expressions/predicate.h"

namespace deltacpp::testing {

/// `part` written `times` times, e.g. Repeated("NOT ", 3) + "flag".
inline std::string Repeated(std::string_view part, int times) {
  std::string out;
  out.reserve(part.size() * static_cast<size_t>(std::max(times, 0)));
  for (int i = 0; i < times; ++i) out += part;
  return out;
}

/// How many nodes deep `node` nests: 1 for a leaf.
inline int TreeDepth(const Predicate& node) {
  int depth = 0;
  for (const auto& child : node.children) depth = std::max(depth, TreeDepth(*child));
  return depth + 1;
}

}  // namespace deltacpp::testing
