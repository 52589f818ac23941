# tako_module(<name> SOURCES <files...> DEPS <targets...>)
# Defines the static library tako_<name> for one layer of src/tako/.
# Until a layer has sources it is an INTERFACE library, so the tree always configures.
function(tako_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(target tako_${name})
  if(ARG_SOURCES)
    add_library(${target} STATIC ${ARG_SOURCES})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_DEPS})
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${target} INTERFACE ${ARG_DEPS})
  endif()
endfunction()

# tako_unit_tests(<module> SOURCES <files...> [DEPS <targets...>]
#                 [TIMED_SUITE <suite> TIMED_SECONDS <seconds>])
# One GoogleTest executable per layer: tako_<module>_tests, registered with ctest as unit.<module>.
# TIMED_SUITE runs that GoogleTest suite as its own ctest test, unit.<module>.<suite>, with its own
# short TIMEOUT (and leaves it out of unit.<module>): its inputs once took exponential or
# quadratic time, so a hang there is a failure rather than a stall.
function(tako_unit_tests module)
  cmake_parse_arguments(ARG "" "TIMED_SUITE;TIMED_SECONDS" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_SOURCES)
    return()
  endif()
  set(target tako_${module}_tests)
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE tako_${module} tako_test_support ${ARG_DEPS}
                        GTest::gtest GTest::gmock GTest::gtest_main)
  if(ARG_TIMED_SUITE)
    add_test(NAME unit.${module} COMMAND ${target} --gtest_filter=-${ARG_TIMED_SUITE}.*)
    add_test(NAME unit.${module}.${ARG_TIMED_SUITE}
             COMMAND ${target} --gtest_filter=${ARG_TIMED_SUITE}.*)
    set_tests_properties(unit.${module}.${ARG_TIMED_SUITE} PROPERTIES TIMEOUT ${ARG_TIMED_SECONDS})
  else()
    add_test(NAME unit.${module} COMMAND ${target})
  endif()
  set_tests_properties(unit.${module} PROPERTIES TIMEOUT 600)
endfunction()

# tako_e2e_tests(<name> SOURCES <files...>)
# End-to-end tests that run the real tako binary: tako_e2e_<name>, ctest name e2e.<name>.
function(tako_e2e_tests name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  set(target tako_e2e_${name})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE tako_test_support ${ARG_DEPS}
                        GTest::gtest GTest::gmock GTest::gtest_main)
  add_dependencies(${target} tako_exe)
  add_test(NAME e2e.${name} COMMAND ${target})
  set_tests_properties(e2e.${name} PROPERTIES TIMEOUT 900)
endfunction()
