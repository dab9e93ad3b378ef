# deltacpp_add_test(<name> LAYER <layer> SOURCES <files...> LINK <targets...>)
#   builds the GoogleTest binary deltacpp-<layer>-<name> (underscores become dashes) and
#   registers its cases with CTest, labelled by layer.
function(deltacpp_add_test name)
  if(NOT DELTACPP_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "LAYER" "SOURCES;LINK" ${ARGN})
  string(REPLACE "_" "-" _dashed "${name}")
  set(_target "deltacpp-${ARG_LAYER}-${_dashed}")
  add_executable(${_target} ${ARG_SOURCES})
  target_link_libraries(${_target} PRIVATE ${ARG_LINK} deltacpp_testing GTest::gtest_main
                        deltacpp_build_flags)
  gtest_discover_tests(${_target}
    PROPERTIES LABELS "${ARG_LAYER}"
               ENVIRONMENT "DELTACPP_TESTDATA_DIR=${DELTACPP_TESTDATA_DIR}"
    DISCOVERY_TIMEOUT 60)
endfunction()

include(GoogleTest)
