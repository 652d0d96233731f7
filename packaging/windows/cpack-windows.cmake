# NSIS and WiX settings. Included on every platform: other generators ignore them, and on
# Linux "cpack -G NSIS" (makensis from Debian's nsis package) then checks the generated
# installer script (tests/packaging/test_installer_recipes.sh), though the result holds
# Linux programs and is not for use.
set(CPACK_PACKAGE_FILE_NAME "RoomRec-${PROJECT_VERSION}-win64")
# NSIS: Start-menu entry, uninstaller (always made), Add/Remove Programs details; no file
# associations. CPACK_PACKAGE_EXECUTABLES makes the Start-menu shortcut.
set(CPACK_NSIS_DISPLAY_NAME "RoomRec")
set(CPACK_NSIS_PACKAGE_NAME "RoomRec ${PROJECT_VERSION}")
set(CPACK_NSIS_MUI_ICON "${icon_dir}/roomrec.ico")
set(CPACK_NSIS_MUI_UNIICON "${icon_dir}/roomrec.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\roomrec.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_CONTACT "${CPACK_PACKAGE_CONTACT}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# Relative to CPACK_NSIS_EXECUTABLES_DIRECTORY (bin).
set(CPACK_NSIS_MUI_FINISHPAGE_RUN "roomrec.exe")
# WiX: a stable upgrade code so a new MSI replaces the old one.
set(CPACK_WIX_UPGRADE_GUID "6B3A0C6E-6E0B-4E0F-9B7A-3C1D2E5F7A10")
set(CPACK_WIX_PRODUCT_ICON "${icon_dir}/roomrec.ico")
set(CPACK_WIX_PROGRAM_MENU_FOLDER "RoomRec")
