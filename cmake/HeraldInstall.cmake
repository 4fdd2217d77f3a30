# What `cmake --install` puts under the prefix: the `herald` command, and the server SDK as a
# library a C++ application links alone, through find_package(herald) (target herald::sdk) or
# pkg-config (herald-sdk). The SDK is four static libraries (sdk, pusher, curl, util) and their
# headers.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(HERALD_SDK_MODULES util curl pusher sdk)
set(HERALD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/herald)

foreach(module IN LISTS HERALD_SDK_MODULES)
    set_target_properties(herald_${module} PROPERTIES EXPORT_NAME ${module})
    file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/herald/${module}/*.h)
    list(FILTER headers EXCLUDE REGEX "(_test|testing|test_http_server)\\.h$")
    install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/herald/${module})
endforeach()
list(TRANSFORM HERALD_SDK_MODULES PREPEND herald_ OUTPUT_VARIABLE sdk_targets)
install(TARGETS ${sdk_targets} EXPORT heraldTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT heraldTargets NAMESPACE herald:: DESTINATION ${HERALD_CMAKE_DIR})
install(TARGETS herald RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/heraldConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/heraldConfig.cmake
                              INSTALL_DESTINATION ${HERALD_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/heraldConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/heraldConfig.cmake ${PROJECT_BINARY_DIR}/heraldConfigVersion.cmake
        DESTINATION ${HERALD_CMAKE_DIR})

# The .pc file finds the prefix from where it lies, so `cmake --install --prefix DIR` works too.
file(RELATIVE_PATH HERALD_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" HERALD_PC_TO_PREFIX "${HERALD_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/herald-sdk.pc.in ${PROJECT_BINARY_DIR}/herald-sdk.pc
               @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/herald-sdk.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
