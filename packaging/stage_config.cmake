# Run by cpack (CPACK_PRE_BUILD_SCRIPTS) on the staged files before the .deb is made:
# /etc/fanguard/fanguard.conf becomes the template /usr/share/fanguard/fanguard.conf, from which
# postinst writes the admin's copy on the first install (see deb.cmake).
file(GLOB_RECURSE staged "${CPACK_TEMPORARY_DIRECTORY}/*/fanguard.conf")
foreach(conf ${staged})
  if(conf MATCHES "/etc/fanguard/fanguard\\.conf$")
    string(REGEX REPLACE "/etc/fanguard/fanguard\\.conf$" "" root "${conf}")
    file(MAKE_DIRECTORY "${root}/usr/share/fanguard")
    file(RENAME "${conf}" "${root}/usr/share/fanguard/fanguard.conf")
  endif()
endforeach()
