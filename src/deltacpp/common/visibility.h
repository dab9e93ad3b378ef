#pragma once

// Symbols are hidden by default (-fvisibility=hidden); the public API opts in.
#if defined(_WIN32)
#define DELTACPP_EXPORT __declspec(dllexport)
#else
#define DELTACPP_EXPORT __attribute__((visibility("default")))
#endif
