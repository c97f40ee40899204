# The Debian package (CPack's DEB generator), from a build configured for /usr:
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
# The /usr prefix matters at configure time: GNUInstallDirs then puts the config in /etc and
# fanguardd's built-in default paths follow (check_prefix.cmake refuses anything else).

set(CPACK_PACKAGE_NAME fanguard)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "fanguard")
set(CPACK_PACKAGE_CONTACT "fanguard maintainers <root@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "on-access anti-malware daemon (fanotify) with scanner plugins")
set(CPACK_PACKAGE_DESCRIPTION "fanguardd answers fanotify open and exec permission events with the
verdicts of scanner plugins (ClamAV signatures, YARA rules, SHA-256 block and allow lists, a
remote clamd), running in sandboxed scanner processes, and denies detected files with EPERM.
Includes the fanguard command-line scanner and the plugin SDK (header and pkg-config file).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES OFF) # dpkg-shlibdeps reads the binaries; debug info stays for crash reports

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # fanguard_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# libclamav, libyara, libconfuse, libssl and libc, with the versions this build links against
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "clamav-freshclam")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "clamav-daemon, yara")

# Everything under /etc/fanguard is the admin's: dpkg keeps local changes on upgrade.
file(GLOB_RECURSE FANGUARD_CONF_FILES LIST_DIRECTORIES false RELATIVE "${CMAKE_SOURCE_DIR}/conf"
  "${CMAKE_SOURCE_DIR}/conf/*")
list(SORT FANGUARD_CONF_FILES)
set(FANGUARD_CONFFILES "")
foreach(f ${FANGUARD_CONF_FILES})
  string(APPEND FANGUARD_CONFFILES "${FANGUARD_CONF_INSTALL_DIR}/${f}\n")
endforeach()
file(WRITE "${CMAKE_BINARY_DIR}/packaging/conffiles" "${FANGUARD_CONFFILES}")
configure_file("${CMAKE_CURRENT_LIST_DIR}/postinst" "${CMAKE_BINARY_DIR}/packaging/postinst" COPYONLY)
configure_file("${CMAKE_CURRENT_LIST_DIR}/postrm" "${CMAKE_BINARY_DIR}/packaging/postrm" COPYONLY)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  "${CMAKE_BINARY_DIR}/packaging/conffiles;${CMAKE_BINARY_DIR}/packaging/postinst;${CMAKE_BINARY_DIR}/packaging/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_FANGUARD_CONFIGURED_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/check_prefix.cmake")
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")
include(CPack)
