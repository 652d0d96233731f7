# Linux: Debian packages roomrec (component app) and roomrec-server (component server).
# Paths below are relative to /usr (CPACK_PACKAGING_INSTALL_PREFIX) except the unit and
# the configuration, which Debian keeps in /lib/systemd/system and /etc.
set(linux_dir "${CMAKE_CURRENT_SOURCE_DIR}/linux")
set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/linux")
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Full RELRO with immediate binding for the installed programs (Debian's hardening flags).
foreach(program roomrec roomrec-cli roomrec-server)
  target_link_options(${program} PRIVATE "LINKER:-z,relro,-z,now")
endforeach()

install(TARGETS roomrec roomrec-cli RUNTIME DESTINATION bin COMPONENT app)
install(TARGETS roomrec-server RUNTIME DESTINATION bin COMPONENT server)

# Desktop integration, all named after the application ID.
configure_file("${linux_dir}/org.roomrec.RoomRec.desktop" "${gen_dir}/${ROOMREC_APP_ID}.desktop" COPYONLY)
configure_file("${linux_dir}/org.roomrec.RoomRec.metainfo.xml.in" "${gen_dir}/${ROOMREC_APP_ID}.metainfo.xml" @ONLY)
install(FILES "${gen_dir}/${ROOMREC_APP_ID}.desktop" DESTINATION share/applications COMPONENT app)
install(FILES "${gen_dir}/${ROOMREC_APP_ID}.metainfo.xml" DESTINATION share/metainfo COMPONENT app)
install(FILES "${icon_svg}" DESTINATION share/icons/hicolor/scalable/apps RENAME "${ROOMREC_APP_ID}.svg" COMPONENT app)
foreach(size IN LISTS icon_sizes)
  install(FILES "${icon_dir}/${size}.png" DESTINATION "share/icons/hicolor/${size}x${size}/apps"
          RENAME "${ROOMREC_APP_ID}.png" COMPONENT app)
endforeach()

# Debian wants manual pages and changelogs compressed with gzip -9n (no time stamp).
set(DEB_SOURCE roomrec)
set(DEB_RELEASE 1)
set(DEB_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
configure_file("${linux_dir}/debian/changelog.in" "${gen_dir}/changelog.Debian" @ONLY)
# The man pages carry the version and date in their header.
foreach(page roomrec.1 roomrec-cli.1 roomrec-server.1)
  configure_file("${CMAKE_CURRENT_SOURCE_DIR}/man/${page}" "${gen_dir}/man/${page}" @ONLY)
endforeach()
set(gz_files)
foreach(source IN ITEMS "${gen_dir}/changelog.Debian" "${gen_dir}/man/roomrec.1" "${gen_dir}/man/roomrec-cli.1"
                        "${gen_dir}/man/roomrec-server.1")
  get_filename_component(name "${source}" NAME)
  add_custom_command(OUTPUT "${gen_dir}/gz/${name}.gz"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${gen_dir}/gz"
    COMMAND "${CMAKE_COMMAND}" -E copy "${source}" "${gen_dir}/gz/${name}"
    COMMAND gzip -9nf "${gen_dir}/gz/${name}"
    DEPENDS "${source}" VERBATIM)
  list(APPEND gz_files "${gen_dir}/gz/${name}.gz")
endforeach()
add_custom_target(roomrec_deb_docs ALL DEPENDS ${gz_files})
install(FILES "${gen_dir}/gz/roomrec.1.gz" "${gen_dir}/gz/roomrec-cli.1.gz" DESTINATION share/man/man1 COMPONENT app)
install(FILES "${gen_dir}/gz/roomrec-server.1.gz" DESTINATION share/man/man1 COMPONENT server)
set(deb_packages roomrec roomrec-server) # of the components app and server
foreach(component package IN ZIP_LISTS CPACK_COMPONENTS_ALL deb_packages)
  install(FILES "${linux_dir}/debian/copyright" "${gen_dir}/gz/changelog.Debian.gz"
          DESTINATION "share/doc/${package}" COMPONENT ${component})
  install(FILES "${linux_dir}/debian/${package}.lintian-overrides" DESTINATION share/lintian/overrides
          RENAME "${package}" COMPONENT ${component})
endforeach()
install(FILES "${PROJECT_SOURCE_DIR}/THIRD-PARTY-NOTICES.md" DESTINATION share/doc/roomrec COMPONENT app)
install(FILES "${linux_dir}/debian/README.Debian.server" DESTINATION share/doc/roomrec-server
        RENAME README.Debian COMPONENT server)

# The server as a service.
install(FILES "${linux_dir}/roomrec-server.service" DESTINATION /lib/systemd/system COMPONENT server)
install(FILES "${linux_dir}/roomrec-server.conf" DESTINATION /etc/roomrec COMPONENT server)
foreach(script postinst prerm postrm conffiles)
  configure_file("${linux_dir}/debian/server.${script}" "${gen_dir}/server-control/${script}" COPYONLY)
  list(APPEND server_control "${gen_dir}/server-control/${script}")
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # roomrec_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE ${DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_SOURCE ${DEB_SOURCE})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Linked libraries from dpkg-shlibdeps; only what Qt loads at run time is named by hand:
# the SQLite driver of the catalogue (a Qt SQL plugin).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_APP_PACKAGE_NAME roomrec)
set(CPACK_DEBIAN_APP_PACKAGE_SECTION video)
set(CPACK_DEBIAN_APP_PACKAGE_DEPENDS "libqt6sql6-sqlite")
# Playing recordings in the app goes through Qt Multimedia's GStreamer backend.
set(CPACK_DEBIAN_APP_PACKAGE_RECOMMENDS "gstreamer1.0-plugins-good, gstreamer1.0-libav")
# The first line of each description is the package's synopsis (see CPackOptions.cmake).
set(CPACK_DEBIAN_APP_DESCRIPTION "host live audio/video rooms and record them to MP4
RoomRec joins or hosts a room, previews the camera and the screen share,
and records either one to MP4 with a file name, tags and a category.
Stopping a recording gives its file IDs; a library lists every file.
Hosting a room on this computer needs no server, account or camera.
.
This package contains the desktop app (roomrec) and the command-line
client for scripts and backends (roomrec-cli).")
set(CPACK_DEBIAN_SERVER_PACKAGE_NAME roomrec-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA "${server_control}")
set(CPACK_DEBIAN_SERVER_DESCRIPTION "server that hosts live audio/video rooms and records them to MP4
The RoomRec server hosts rooms for many users and records their streams to
MP4, one file per hour, written so that a crash loses at most a second. It
keeps a catalogue of the recordings and serves them through an HTTP API
with signed play URLs, webhooks and post-processing (screenshots,
renditions, watermarks).
.
The package installs a hardened systemd service (not enabled by default)
and its configuration in /etc/roomrec/roomrec-server.conf.")
