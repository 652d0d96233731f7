#!/usr/bin/env bash
# What can be checked here of the Windows and macOS recipes and of the CI workflow:
# - the NSIS installer script CPack generates compiles with makensis (the result holds this
#   machine's Linux programs and is thrown away; the real one is built on Windows by CI);
# - the macOS Info.plist template and entitlements are well-formed property lists;
# - .github/workflows/*.yml pass a workflow linter from npm (@action-validator/cli),
#   installed on demand into the build folder, and the linter rejects a broken workflow.
# Usage: test_recipes.sh SOURCE_DIR BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$@"
install_tools nsis libxml2-utils
if ! command -v npm >/dev/null 2>&1; then
  install_tools npm
fi
need_commands makensis xmllint npm cpack
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# NSIS: cpack writes project.nsi and runs makensis on it. Only the app component: on Linux
# the server component holds the systemd unit and /etc file, absolute paths NSIS refuses.
if ! cpack --config "$build/CPackConfig.cmake" -G NSIS -D CPACK_COMPONENTS_ALL=app -B "$work/nsis" >"$work/nsis.log" 2>&1; then
  cat "$work/nsis.log"
  find "$work/nsis" -name NSISOutput.log -exec tail -n 30 {} \;
  fail "cpack -G NSIS failed (makensis output above)"
fi
installer=$(find "$work/nsis" -maxdepth 1 -name 'RoomRec-*-win64.exe')
[ -n "$installer" ] || fail "no RoomRec-*-win64.exe from cpack -G NSIS"
file "$installer" | grep -q 'PE32' || fail "$installer is not a Windows executable"
nsi=$(echo "$work"/nsis/_CPack_Packages/*/NSIS/project.nsi)
grep -qF 'CreateShortCut "$SMPROGRAMS\$STARTMENU_FOLDER\RoomRec.lnk" "$INSTDIR\bin\roomrec.exe"' "$nsi" \
  || fail "the NSIS script makes no Start-menu shortcut to bin\roomrec.exe"
grep -qF '!define MUI_FINISHPAGE_RUN "$INSTDIR\bin\roomrec.exe"' "$nsi" \
  || fail "the NSIS finish page does not run bin\roomrec.exe: $(grep MUI_FINISHPAGE_RUN "$nsi")"
grep -qF 'WriteUninstaller' "$nsi" || fail "the NSIS script writes no uninstaller"
echo "ok: NSIS script compiles ($(basename "$installer"))"

# macOS property lists (variables are filled in by CMake on macOS).
# Well-formed XML (Apple's DTD is not fetched: no network needed).
xmllint --noout "$src/packaging/macos/Info.plist.in" "$src/packaging/macos/entitlements.plist" \
  || fail "macOS property lists are not well-formed"
for key in CFBundleIdentifier NSCameraUsageDescription NSMicrophoneUsageDescription CFBundleIconFile; do
  grep -q "<key>$key</key>" "$src/packaging/macos/Info.plist.in" || fail "Info.plist.in lacks $key"
done
echo "ok: macOS property lists"

# The workflow linter, pinned; installed once per build folder, never committed.
tools="$build/tools/action-validator"
validator="$tools/node_modules/.bin/action-validator"
if [ ! -x "$validator" ]; then
  npm install --prefix "$tools" --no-save --no-audit --no-fund @action-validator/cli@0.6.0 >"$work/npm.log" 2>&1 \
    || { cat "$work/npm.log"; skip "could not install @action-validator/cli from the npm registry"; }
fi
workflows=("$src"/.github/workflows/*.yml)
[ -e "${workflows[0]}" ] || fail "no workflow in .github/workflows"
for w in "${workflows[@]}"; do
  "$validator" "$w" || fail "action-validator rejects $(basename "$w")"
  echo "ok: action-validator $(basename "$w")"
done
# The linter must be able to fail: a job without runs-on is invalid.
sed '/runs-on:/d' "${workflows[0]}" >"$work/broken.yml"
if "$validator" "$work/broken.yml" >/dev/null 2>&1; then
  fail "action-validator accepts a workflow whose jobs have no runs-on"
fi
echo "ok: action-validator rejects a broken workflow"
echo "PASS: recipes"
