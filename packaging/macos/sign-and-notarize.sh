#!/usr/bin/env bash
# Signs RoomRec.app inside the DMG's staging tree, then the DMG, and notarizes it.
# Run on macOS after `cpack -G DragNDrop` (CI: .github/workflows/ci.yml, macOS job, when
# the secrets are set). Needs:
#   MACOS_SIGN_IDENTITY   "Developer ID Application: NAME (TEAMID)" in the keychain
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   for notarytool (app-specific password)
# Usage: packaging/macos/sign-and-notarize.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: sign-and-notarize.sh BUILD_DIR}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${MACOS_SIGN_IDENTITY:?set MACOS_SIGN_IDENTITY}" "${APPLE_ID:?}" "${APPLE_TEAM_ID:?}" "${APPLE_APP_PASSWORD:?}"

app=$(find "$build/_CPack_Packages" -maxdepth 4 -name RoomRec.app -type d | head -n 1)
[ -n "$app" ] || { echo "no RoomRec.app under $build/_CPack_Packages: run cpack -G DragNDrop first" >&2; exit 1; }
# Inside out: frameworks and dylibs (macdeployqt copied them), the helper programs, the app.
find "$app/Contents" \( -name '*.dylib' -o -name '*.framework' \) -print0 |
  xargs -0 -n 1 codesign --force --timestamp --options runtime --sign "$MACOS_SIGN_IDENTITY"
for exe in "$app/Contents/MacOS/"*; do
  codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$exe"
done
codesign --force --timestamp --options runtime --entitlements "$here/entitlements.plist" --sign "$MACOS_SIGN_IDENTITY" "$app"
codesign --verify --deep --strict --verbose=2 "$app"

# The DMG again from the signed app, then signed, notarized and stapled.
dmg="$build/RoomRec-$(defaults read "$app/Contents/Info" CFBundleShortVersionString)-macos.dmg"
rm -f "$dmg"
hdiutil create -volname RoomRec -srcfolder "$(dirname "$app")" -ov -format UDZO "$dmg"
codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$dmg"
xcrun notarytool submit "$dmg" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" --password "$APPLE_APP_PASSWORD" --wait
xcrun stapler staple "$dmg"
spctl --assess --type open --context context:primary-signature --verbose "$dmg"
echo "signed and notarized: $dmg"
