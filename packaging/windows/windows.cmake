# Windows: RoomRec in "Program Files\RoomRec" with Qt (windeployqt, through Qt's deploy
# API) and the FFmpeg DLLs next to the programs; an NSIS installer (.exe) and a WiX MSI.
# Not built on this project's Linux CI machine: .github/workflows/ci.yml builds it on
# windows-latest. Per-user data stays where Qt puts it (%APPDATA%\RoomRec\roomrec), so
# uninstalling never touches recordings.
#   ROOMREC_FFMPEG_BIN_DIR  folder of FFmpeg's DLLs (e.g. vcpkg installed/x64-windows/bin)
set(ROOMREC_FFMPEG_BIN_DIR "" CACHE PATH "Folder holding the FFmpeg DLLs to bundle")

# The window icon in Explorer and the taskbar: an .rc file with the generated .ico.
set(rc "${CMAKE_CURRENT_BINARY_DIR}/roomrec.rc")
file(WRITE "${rc}" "IDI_ICON1 ICON \"${icon_dir}/roomrec.ico\"\n")
set_source_files_properties("${rc}" TARGET_DIRECTORY roomrec PROPERTIES OBJECT_DEPENDS "${icon_dir}/roomrec.ico")
target_sources(roomrec PRIVATE "${rc}")
add_dependencies(roomrec roomrec_icons)
set_target_properties(roomrec PROPERTIES WIN32_EXECUTABLE ON) # no console window

install(TARGETS roomrec roomrec-cli RUNTIME DESTINATION bin COMPONENT app RUNTIME_DEPENDENCY_SET roomrec_runtime)
install(TARGETS roomrec-server RUNTIME DESTINATION bin COMPONENT server RUNTIME_DEPENDENCY_SET roomrec_runtime)
# FFmpeg (and what it links, e.g. libx264) from ROOMREC_FFMPEG_BIN_DIR; Qt is left to
# windeployqt, the system's DLLs to Windows.
install(RUNTIME_DEPENDENCY_SET roomrec_runtime
  PRE_EXCLUDE_REGEXES "^api-ms-" "^ext-ms-" "^[Qq]t6"
  POST_EXCLUDE_REGEXES ".*[/\\\\][Ss]ystem32[/\\\\].*" ".*[/\\\\][Ww]in[Ss]x[Ss][/\\\\].*"
  DIRECTORIES "${ROOMREC_FFMPEG_BIN_DIR}"
  RUNTIME DESTINATION bin COMPONENT app)
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" "${PROJECT_SOURCE_DIR}/THIRD-PARTY-NOTICES.md" DESTINATION . COMPONENT app)
install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/licenses" DESTINATION . COMPONENT app) # of the bundled Qt and FFmpeg

# Qt: windeployqt for the three programs (Qt 6.4 deploy API; run by cmake --install).
set(deploy_script "${CMAKE_CURRENT_BINARY_DIR}/deploy_roomrec.cmake")
file(GENERATE OUTPUT "${deploy_script}" CONTENT "
include(\"${QT_DEPLOY_SUPPORT}\")
qt_deploy_runtime_dependencies(
  EXECUTABLE \"\${QT_DEPLOY_BIN_DIR}/$<TARGET_FILE_NAME:roomrec>\"
  ADDITIONAL_EXECUTABLES \"\${QT_DEPLOY_BIN_DIR}/$<TARGET_FILE_NAME:roomrec-cli>\" \"\${QT_DEPLOY_BIN_DIR}/$<TARGET_FILE_NAME:roomrec-server>\"
  GENERATE_QT_CONF)
")
install(SCRIPT "${deploy_script}" COMPONENT app)

set(CPACK_GENERATOR NSIS WIX)
# One installer with the three programs: windeployqt deploys Qt for all of them into one
# folder, which per-component staging folders would split.
set(CPACK_MONOLITHIC_INSTALL ON)
# WiX takes the licence only as .txt or .rtf.
configure_file("${PROJECT_SOURCE_DIR}/LICENSE" "${CMAKE_CURRENT_BINARY_DIR}/LICENSE.txt" COPYONLY)
set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_BINARY_DIR}/LICENSE.txt")
