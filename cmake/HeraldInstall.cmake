# What `cmake --install` puts under the prefix: the `herald` command, and two libraries a C++
# application links alone, through find_package(herald COMPONENTS ...) or pkg-config:
# - the server SDK (component `sdk`, target herald::sdk, herald-sdk.pc): four static libraries
#   (sdk, pusher, curl, util) and their headers;
# - the realtime client (component `client`, target herald::client, herald-client.pc): the
#   client's static library and those it is built on (web, ws, http, net), over pusher, curl and
#   util. Only the client's own headers are installed beside the SDK's: client.h needs no other.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(HERALD_SDK_MODULES util curl pusher sdk)
set(HERALD_CLIENT_MODULES http ws net web client)
set(HERALD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/herald)

foreach(module IN LISTS HERALD_SDK_MODULES HERALD_CLIENT_MODULES)
    set_target_properties(herald_${module} PROPERTIES EXPORT_NAME ${module})
endforeach()
foreach(module IN LISTS HERALD_SDK_MODULES ITEMS client)
    file(GLOB headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/herald/${module}/*.h)
    # Test code, and the client's I/O state (client_state.h, on net and web, which are not
    # installed): client.h does not include it.
    list(FILTER headers EXCLUDE REGEX
         "(_test|testing|_fixture|test_http_server|herald_server|client_state)\\.h$")
    install(FILES ${headers} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/herald/${module})
endforeach()
# One export set: find_package() looks for the dependencies of the components asked for, and a
# target's dependencies are only needed when an application links it.
list(TRANSFORM HERALD_SDK_MODULES PREPEND herald_ OUTPUT_VARIABLE sdk_targets)
list(TRANSFORM HERALD_CLIENT_MODULES PREPEND herald_ OUTPUT_VARIABLE client_targets)
install(TARGETS ${sdk_targets} ${client_targets} EXPORT heraldTargets
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
foreach(pc IN ITEMS herald-sdk herald-client)
    configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
