# Imported targets for Arrow C++ and Parquet C++ as bundled in the pinned pyarrow wheel:
#   Arrow::arrow Arrow::compute Arrow::acero Arrow::dataset Arrow::parquet
# The wheel ships only versioned sonames (libarrow.so.2600), so each target points at the
# full file; CMake then puts the pyarrow folder into the build RPATH of every binary that
# links one, and nothing needs LD_LIBRARY_PATH.

file(STRINGS "${PROJECT_SOURCE_DIR}/scripts/requirements/pyarrow.txt" _pin_line
     REGEX "^pyarrow==")
string(REGEX REPLACE "^pyarrow==([0-9.]+).*" "\\1" DELTACPP_PYARROW_PIN "${_pin_line}")

if(NOT EXISTS "${DELTACPP_PYTHON}")
  message(FATAL_ERROR "No Python at DELTACPP_PYTHON=${DELTACPP_PYTHON}. "
                      "Run scripts/setup.sh first (it makes .venv with pyarrow==${DELTACPP_PYARROW_PIN}).")
endif()

execute_process(
  COMMAND "${DELTACPP_PYTHON}" -c
          "import pyarrow as pa; print(pa.__version__); print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.cpp_build_info.so_version)"
  OUTPUT_VARIABLE _pyarrow_info
  RESULT_VARIABLE _pyarrow_rc
  ERROR_VARIABLE _pyarrow_err
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _pyarrow_rc EQUAL 0)
  message(FATAL_ERROR "pyarrow is not importable by ${DELTACPP_PYTHON}: ${_pyarrow_err}")
endif()
string(REPLACE "\n" ";" _pyarrow_info "${_pyarrow_info}")
list(GET _pyarrow_info 0 DELTACPP_PYARROW_VERSION)
list(GET _pyarrow_info 1 DELTACPP_ARROW_INCLUDE_DIR)
list(GET _pyarrow_info 2 DELTACPP_ARROW_LIB_DIR)
list(GET _pyarrow_info 3 DELTACPP_ARROW_SO_VERSION)

if(NOT DELTACPP_PYARROW_VERSION STREQUAL DELTACPP_PYARROW_PIN)
  message(FATAL_ERROR "pyarrow ${DELTACPP_PYARROW_VERSION} found, but the project pins "
                      "${DELTACPP_PYARROW_PIN} (scripts/requirements/pyarrow.txt). Run scripts/setup.sh.")
endif()
message(STATUS "Arrow C++ ${DELTACPP_PYARROW_VERSION} (soname ${DELTACPP_ARROW_SO_VERSION}) from ${DELTACPP_ARROW_LIB_DIR}")

function(_deltacpp_import_arrow_lib target file_stem)
  set(_lib "${DELTACPP_ARROW_LIB_DIR}/lib${file_stem}.so.${DELTACPP_ARROW_SO_VERSION}")
  if(NOT EXISTS "${_lib}")
    message(FATAL_ERROR "Missing ${_lib} in the pyarrow wheel")
  endif()
  add_library(${target} SHARED IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES
    IMPORTED_LOCATION "${_lib}"
    IMPORTED_SONAME "lib${file_stem}.so.${DELTACPP_ARROW_SO_VERSION}"
    INTERFACE_INCLUDE_DIRECTORIES "${DELTACPP_ARROW_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${ARGN}")
endfunction()

_deltacpp_import_arrow_lib(Arrow::arrow arrow)
_deltacpp_import_arrow_lib(Arrow::compute arrow_compute Arrow::arrow)
_deltacpp_import_arrow_lib(Arrow::acero arrow_acero Arrow::compute)
_deltacpp_import_arrow_lib(Arrow::dataset arrow_dataset Arrow::acero)
_deltacpp_import_arrow_lib(Arrow::parquet parquet Arrow::arrow)
