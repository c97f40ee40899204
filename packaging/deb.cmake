# The Debian package (CPack's DEB generator), from a build configured for /usr:
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-deb && (cd build-deb && cpack -G DEB)
# The /usr prefix matters at configure time: GNUInstallDirs then puts the config in /etc and
# fanguardd's built-in default paths follow (check_prefix.cmake refuses anything else).

set(CPACK_PACKAGE_NAME fanguard)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "fanguard")
set(CPACK_PACKAGE_CONTACT "fanguard maintainers <maintainers@fanguard.invalid>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "on-access anti-malware daemon (fanotify) with scanner plugins")
# lines of at most 80 columns, as lintian wants them
set(CPACK_PACKAGE_DESCRIPTION "fanguardd answers fanotify open and exec permission events with the
verdicts of scanner plugins (ClamAV signatures, YARA rules, SHA-256 block and
allow lists, a remote clamd), running in sandboxed scanner processes, and
denies detected files with EPERM. Includes the fanguard command-line scanner
and the plugin SDK (header and pkg-config file).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Stripped binaries (Debian policy); their debug info goes into a fanguard-dbgsym .ddeb beside
# the .deb, found by build id (install it to get symbols in crash reports and gdb). CPackDeb
# splits and strips them itself: it must get them unstripped.
set(CPACK_STRIP_FILES OFF)
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # fanguard_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# libclamav, libyara, libconfuse, libssl and libc, with the versions this build links against
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "clamav-freshclam")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "clamav-daemon, yara")

# Everything under /etc/fanguard is the admin's: dpkg keeps local changes on upgrade. All but
# fanguard.conf are conffiles: that one is written by postinst on the first install, from
# /usr/share/fanguard/fanguard.conf, with /var/lib/clamav among the ClamAV databases when
# freshclam has filled it (a maintainer script must not edit a conffile), and removed on purge.
file(GLOB_RECURSE FANGUARD_CONF_FILES LIST_DIRECTORIES false RELATIVE "${CMAKE_SOURCE_DIR}/conf"
  "${CMAKE_SOURCE_DIR}/conf/*")
list(REMOVE_ITEM FANGUARD_CONF_FILES fanguard.conf)
list(SORT FANGUARD_CONF_FILES)
set(CPACK_FANGUARD_CONF_INSTALL_DIR "${FANGUARD_CONF_INSTALL_DIR}")
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/stage_config.cmake")

# /usr/share/doc/fanguard: the license as a machine-readable copyright file, and the changelog
# (gzip -9n, reproducible). A native package's changelog is changelog.gz.
add_custom_command(OUTPUT "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${CMAKE_BINARY_DIR}/packaging"
  COMMAND sh -c "gzip -9n -c \"$1\" > \"$2\"" sh "${CMAKE_CURRENT_LIST_DIR}/changelog"
    "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
  DEPENDS "${CMAKE_CURRENT_LIST_DIR}/changelog" VERBATIM)
add_custom_target(deb_changelog ALL DEPENDS "${CMAKE_BINARY_DIR}/packaging/changelog.gz")
install(FILES "${CMAKE_CURRENT_LIST_DIR}/copyright" "${CMAKE_BINARY_DIR}/packaging/changelog.gz"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/fanguard")
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
