# Read by cpack for each generator (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "DEB")
  # The unit goes to /lib/systemd/system and the configuration to /etc: absolute
  # destinations that must land in the package's staging tree, under /usr's siblings.
  set(CPACK_SET_DESTDIR ON)
  set(CPACK_INSTALL_PREFIX "/usr")
  set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
  # Each package's synopsis is the first line of its CPACK_DEBIAN_<COMPONENT>_DESCRIPTION;
  # CPack would put the project's summary line in front of it.
  unset(CPACK_PACKAGE_DESCRIPTION_SUMMARY)
endif()
