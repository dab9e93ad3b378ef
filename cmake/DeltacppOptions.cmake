# Every DELTACPP_* option lives here, grouped; presets (CMakePresets.json) set them.

# --- Build
option(DELTACPP_WERROR "Treat compiler warnings as errors" OFF)
set(DELTACPP_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. 'address,undefined'")
option(DELTACPP_USE_CCACHE "Compile through ccache when it is installed" ON)

# --- What to build
# The libFuzzer targets of fuzz/ (clang only; the `fuzz` preset, scripts/fuzz.sh). The
# library code gets DELTACPP_SANITIZE plus fuzzer-no-link (coverage for libFuzzer), the
# targets -fsanitize=fuzzer. The Python module, the command and the tests default to off.
option(DELTACPP_FUZZ "Build the libFuzzer targets in fuzz/ (clang)" OFF)
if(DELTACPP_FUZZ)
  set(_default_build_extras OFF)
else()
  set(_default_build_extras ON)
endif()
# The Python extension deltacpp._core (src/deltacpp/python). Off under sanitizers: CPython
# is not built with them, so the module could not be loaded by it.
option(DELTACPP_BUILD_PYTHON "Build the Python extension module deltacpp._core"
       ${_default_build_extras})
# The `deltacpp` command (needs CLI11); a `pip install` of the package builds without it.
option(DELTACPP_BUILD_CLI "Build the deltacpp command" ${_default_build_extras})

# --- Dependencies
if(SKBUILD AND Python_EXECUTABLE)
  # pip builds with the interpreter it installs for, which has the pinned pyarrow as a
  # build requirement (pyproject.toml).
  set(_default_python "${Python_EXECUTABLE}")
else()
  set(_default_python "${PROJECT_SOURCE_DIR}/.venv/bin/python")
endif()
set(DELTACPP_PYTHON "${_default_python}" CACHE FILEPATH
    "Python interpreter of the venv holding the pinned pyarrow wheel (scripts/setup.sh makes it)")

# --- Tests
option(DELTACPP_BUILD_TESTS "Build the unit tests" ${_default_build_extras})
set(DELTACPP_TESTDATA_DIR "${PROJECT_SOURCE_DIR}/../shared/testdata" CACHE PATH
    "Read-only Delta test tables (golden/ and delta-rs/)")

set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)
set(CMAKE_EXPORT_COMPILE_COMMANDS ON)

if(DELTACPP_USE_CCACHE)
  find_program(DELTACPP_CCACHE ccache)
  if(DELTACPP_CCACHE)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${DELTACPP_CCACHE}")
  endif()
endif()

if(DELTACPP_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DELTACPP_FUZZ needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                        "configure with the `fuzz` preset or -DCMAKE_CXX_COMPILER=clang++")
  endif()
  if(NOT DELTACPP_SANITIZE MATCHES "fuzzer")
    string(PREPEND DELTACPP_SANITIZE "fuzzer-no-link,")
    string(REGEX REPLACE ",$" "" DELTACPP_SANITIZE "${DELTACPP_SANITIZE}")
  endif()
endif()

# Flags for the project's own targets only (never for imported ones).
add_library(deltacpp_build_flags INTERFACE)
# -Wshadow=local is GCC's; clang's -Wshadow also covers fields and globals, so it gets none.
target_compile_options(deltacpp_build_flags INTERFACE -Wall -Wextra -Wpedantic
                       -Wnon-virtual-dtor $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>)
if(DELTACPP_WERROR)
  target_compile_options(deltacpp_build_flags INTERFACE -Werror)
endif()
if(DELTACPP_SANITIZE)
  target_compile_options(deltacpp_build_flags INTERFACE -fsanitize=${DELTACPP_SANITIZE}
                         -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(deltacpp_build_flags INTERFACE -fsanitize=${DELTACPP_SANITIZE})
endif()
if(DELTACPP_FUZZ)
  # Third-party code that clang's sanitizers flag on every input (the file says why).
  target_compile_options(deltacpp_build_flags INTERFACE
                         -fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/fuzz/ubsan_ignorelist.txt)
endif()
