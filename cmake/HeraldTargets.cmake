# herald_module(NAME SOURCES ... DEPS ... LIBS ... [STRICT])
#   A static library herald_<name> (alias herald::<name>). DEPS are other herald modules (PUBLIC),
#   LIBS external targets (PUBLIC when the module's headers need them, listed in PUBLIC_LIBS).
# herald_tests(NAME files...)   one GoogleTest binary per module, every case a ctest.
# herald_integration_tests(NAME files...)  a second one, herald_<name>_integration_tests, for the
#                               cases that start threads (loopback servers, background workers):
#                               labels integration and threads, so the tsan preset runs them
#                               (it builds only these: the target herald_threads_tests).
# herald_fuzzer(NAME file)      a libFuzzer binary under HERALD_FUZZ, else a corpus replay ctest.

set(HERALD_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2 -Wnull-dereference)
set(HERALD_STRICT_WARNINGS -Wconversion -Wsign-conversion)

function(herald_warnings target)
    target_compile_options(${target} PRIVATE ${HERALD_WARNINGS})
    if(HERALD_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

function(herald_module name)
    cmake_parse_arguments(M "STRICT" "" "SOURCES;DEPS;LIBS;PUBLIC_LIBS" ${ARGN})
    add_library(herald_${name} STATIC ${M_SOURCES})
    add_library(herald::${name} ALIAS herald_${name})
    # Installed modules (cmake/HeraldInstall.cmake) find their headers under the prefix's include/.
    target_include_directories(herald_${name} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
                                                     $<INSTALL_INTERFACE:include>)
    foreach(dep IN LISTS M_DEPS)
        target_link_libraries(herald_${name} PUBLIC herald::${dep})
    endforeach()
    target_link_libraries(herald_${name} PUBLIC ${M_PUBLIC_LIBS} PRIVATE ${M_LIBS})
    # The module's tests link the same libraries: a test that includes spdlog must see it as the
    # compiled library too, or it builds its own header-only logger registry and its
    # set_default_logger() never reaches the module's log lines.
    set_property(TARGET herald_${name} PROPERTY HERALD_PRIVATE_LIBS ${M_LIBS})
    herald_warnings(herald_${name})
    if(M_STRICT)
        target_compile_options(herald_${name} PRIVATE ${HERALD_STRICT_WARNINGS})
    endif()
endfunction()

function(herald_tests name)
    if(NOT HERALD_TESTS)
        return()
    endif()
    add_executable(herald_${name}_tests ${ARGN})
    get_target_property(libs herald_${name} HERALD_PRIVATE_LIBS)
    if(NOT libs)
        set(libs "")
    endif()
    target_link_libraries(herald_${name}_tests PRIVATE herald::${name} herald_test_support ${libs}
                          GTest::gtest GTest::gtest_main)
    herald_warnings(herald_${name}_tests)
    gtest_discover_tests(herald_${name}_tests PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
endfunction()

function(herald_integration_tests name)
    if(NOT HERALD_TESTS)
        return()
    endif()
    set(target herald_${name}_integration_tests)
    add_executable(${target} ${ARGN})
    get_target_property(libs herald_${name} HERALD_PRIVATE_LIBS)
    if(NOT libs)
        set(libs "")
    endif()
    target_link_libraries(${target} PRIVATE herald::${name} herald_test_support ${libs}
                          GTest::gtest GTest::gtest_main)
    herald_warnings(${target})
    add_dependencies(herald_threads_tests ${target})
    gtest_discover_tests(${target} PROPERTIES TIMEOUT 60 DISCOVERY_TIMEOUT 60)
    # Two labels cannot go through gtest_discover_tests' PROPERTIES (it flattens the list), so
    # they are set by a file ctest reads after the discovered tests, which it names in
    # <target>_TESTS.
    set(labels ${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake)
    file(WRITE ${labels} "if(${target}_TESTS)\n"
               "  set_tests_properties(\${${target}_TESTS} PROPERTIES LABELS \"integration;threads\")\n"
               "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${labels})
endfunction()

function(herald_fuzzer name file)
    cmake_parse_arguments(F "" "" "DEPS" ${ARGN})
    if(HERALD_FUZZ)
        add_executable(fuzz_${name} ${file})
        target_compile_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
        target_link_options(fuzz_${name} PRIVATE -fsanitize=fuzzer)
    elseif(HERALD_TESTS)
        add_executable(fuzz_${name} ${file} ${PROJECT_SOURCE_DIR}/fuzz/replay_main.cpp)
        add_test(NAME fuzz_replay_${name}
                 COMMAND fuzz_${name} ${PROJECT_SOURCE_DIR}/fuzz/corpus/${name})
        set_tests_properties(fuzz_replay_${name} PROPERTIES LABELS fuzz)
    else()
        return()
    endif()
    target_link_libraries(fuzz_${name} PRIVATE ${F_DEPS})
    herald_warnings(fuzz_${name})
endfunction()
