# Read by cpack for each generator: a .deb holds /usr and /etc paths, which only a build
# configured for the /usr prefix has (GNUInstallDirs and fanguardd's built-in paths).
if(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_FANGUARD_CONFIGURED_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "fanguard: this build is configured for ${CPACK_FANGUARD_CONFIGURED_PREFIX}; "
    "a .deb needs a build configured with -DCMAKE_INSTALL_PREFIX=/usr (see packaging/deb.cmake)")
endif()
