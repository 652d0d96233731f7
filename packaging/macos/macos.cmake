# macOS: RoomRec.app (bundle ID = the application ID) with Qt and FFmpeg inside
# (macdeployqt through Qt's deploy API), roomrec-cli and roomrec-server in
# RoomRec.app/Contents/MacOS, in a drag-and-drop DMG. Built by .github/workflows/ci.yml on
# macos-latest, not here. Signing and notarization: macos/sign-and-notarize.sh.
set_source_files_properties("${icon_dir}/roomrec.icns" TARGET_DIRECTORY roomrec
  PROPERTIES GENERATED TRUE MACOSX_PACKAGE_LOCATION Resources)
target_sources(roomrec PRIVATE "${icon_dir}/roomrec.icns")
add_dependencies(roomrec roomrec_icons)
set_target_properties(roomrec PROPERTIES
  MACOSX_BUNDLE ON
  OUTPUT_NAME RoomRec
  MACOSX_BUNDLE_INFO_PLIST "${CMAKE_CURRENT_SOURCE_DIR}/macos/Info.plist.in"
  MACOSX_BUNDLE_GUI_IDENTIFIER "${ROOMREC_APP_ID}"
  MACOSX_BUNDLE_BUNDLE_NAME "RoomRec"
  MACOSX_BUNDLE_BUNDLE_VERSION "${PROJECT_VERSION}"
  MACOSX_BUNDLE_SHORT_VERSION_STRING "${PROJECT_VERSION}"
  MACOSX_BUNDLE_ICON_FILE "roomrec.icns"
  MACOSX_BUNDLE_COPYRIGHT "Copyright 2026 The RoomRec authors, GPL-3.0-or-later")

install(TARGETS roomrec BUNDLE DESTINATION . COMPONENT app)
install(TARGETS roomrec-cli roomrec-server RUNTIME DESTINATION RoomRec.app/Contents/MacOS COMPONENT app)
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/THIRD-PARTY-NOTICES.md"
        DESTINATION RoomRec.app/Contents/Resources COMPONENT app)
install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/licenses" DESTINATION RoomRec.app/Contents/Resources
        COMPONENT app) # of the bundled Qt and FFmpeg

# macdeployqt for the app and the two helpers: Qt frameworks and plugins, and every
# non-system dylib they link (FFmpeg and x264 from Homebrew) into Contents/Frameworks.
set(deploy_script "${CMAKE_CURRENT_BINARY_DIR}/deploy_roomrec.cmake")
file(GENERATE OUTPUT "${deploy_script}" CONTENT "
include(\"${QT_DEPLOY_SUPPORT}\")
qt_deploy_runtime_dependencies(
  EXECUTABLE RoomRec.app
  ADDITIONAL_EXECUTABLES RoomRec.app/Contents/MacOS/roomrec-cli RoomRec.app/Contents/MacOS/roomrec-server
  GENERATE_QT_CONF)
")
install(SCRIPT "${deploy_script}" COMPONENT app)

set(CPACK_GENERATOR DragNDrop)
set(CPACK_MONOLITHIC_INSTALL ON) # one app in one DMG
set(CPACK_PACKAGE_FILE_NAME "RoomRec-${PROJECT_VERSION}-macos")
set(CPACK_DMG_VOLUME_NAME "RoomRec")
