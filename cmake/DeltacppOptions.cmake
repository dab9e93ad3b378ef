# Every DELTACPP_* option lives here, grouped; presets (CMakePresets.json) set them.

# --- Build
option(DELTACPP_WERROR "Treat compiler warnings as errors" OFF)
set(DELTACPP_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. 'address,undefined'")
option(DELTACPP_USE_CCACHE "Compile through ccache when it is installed" ON)

# --- What to build
# The Python extension deltacpp._core (src/deltacpp/python). Off under sanitizers: CPython
# is not built with them, so the module could not be loaded by it.
option(DELTACPP_BUILD_PYTHON "Build the Python extension module deltacpp._core" ON)
# The `deltacpp` command (needs CLI11); a `pip install` of the package builds without it.
option(DELTACPP_BUILD_CLI "Build the deltacpp command" ON)

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
option(DELTACPP_BUILD_TESTS "Build the unit tests" ON)
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

# Flags for the project's own targets only (never for imported ones).
add_library(deltacpp_build_flags INTERFACE)
target_compile_options(deltacpp_build_flags INTERFACE -Wall -Wextra -Wpedantic
                       -Wnon-virtual-dtor -Wshadow=local)
if(DELTACPP_WERROR)
  target_compile_options(deltacpp_build_flags INTERFACE -Werror)
endif()
if(DELTACPP_SANITIZE)
  target_compile_options(deltacpp_build_flags INTERFACE -fsanitize=${DELTACPP_SANITIZE}
                         -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(deltacpp_build_flags INTERFACE -fsanitize=${DELTACPP_SANITIZE})
endif()
