#pragma once

// GoogleTest assertions for Status and Result<T>.

#include <gtest/gtest.h>

#include "deltacpp/common/status.h"

#define DELTACPP_CONCAT_INNER(a, b) a##b
#define DELTACPP_CONCAT(a, b) DELTACPP_CONCAT_INNER(a, b)

#define ASSERT_OK(expr)                                              \
  do {                                                               \
    const ::arrow::Status _st = ::arrow::ToStatus((expr));           \
    ASSERT_TRUE(_st.ok()) << #expr << " failed: " << _st.ToString(); \
  } while (false)

#define EXPECT_OK(expr)                                              \
  do {                                                               \
    const ::arrow::Status _st = ::arrow::ToStatus((expr));           \
    EXPECT_TRUE(_st.ok()) << #expr << " failed: " << _st.ToString(); \
  } while (false)

#define ASSERT_OK_AND_ASSIGN_IMPL(result_name, lhs, rexpr)         \
  auto result_name = (rexpr);                                      \
  ASSERT_TRUE(result_name.ok())                                    \
      << #rexpr << " failed: " << result_name.status().ToString(); \
  lhs = std::move(result_name).ValueUnsafe();

#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(DELTACPP_CONCAT(_result_, __COUNTER__), lhs, rexpr)

/// Asserts that `expr` fails with DeltaErrorCode::code.
#define ASSERT_RAISES_DELTA(code, expr)                                              \
  do {                                                                               \
    const ::arrow::Status _st = ::arrow::ToStatus((expr));                           \
    ASSERT_FALSE(_st.ok()) << #expr << " succeeded, expected " #code;                \
    ASSERT_EQ(                                                                       \
        ::deltacpp::GetDeltaErrorCode(_st),                                          \
        std::optional<::deltacpp::DeltaErrorCode>(::deltacpp::DeltaErrorCode::code)) \
        << #expr << " failed with " << _st.ToString() << ", expected " #code;        \
  } while (false)
