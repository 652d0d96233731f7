#!/usr/bin/env bash
# The desktop-integration files as the build generates them, checked by the tools
# distributions use: desktop-file-validate, appstreamcli, systemd-analyze, man; plus the
# man pages against each program's --help, and the rendered icons.
# Usage: test_metadata.sh SOURCE_DIR BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$@"
install_tools desktop-file-utils appstream systemd file man-db groff-base
need_commands desktop-file-validate appstreamcli systemd-analyze file man
gen="$build/packaging/linux"
app_id=$(sed -n 's/^set(ROOMREC_APP_ID "\(.*\)")$/\1/p' "$src/CMakeLists.txt")
[ -n "$app_id" ] || fail "no ROOMREC_APP_ID in CMakeLists.txt"
status=0
check() { # description command...
  local what=$1
  shift
  if out=$("$@" 2>&1); then
    echo "ok: $what"
  else
    echo "FAIL: $what"
    echo "$out" | sed 's/^/    /'
    status=1
  fi
}

# desktop-file-validate prints hints and warnings but exits 0 for them: any output fails.
check "desktop-file-validate $app_id.desktop" bash -c "out=\$(desktop-file-validate '$gen/$app_id.desktop' 2>&1); echo \"\$out\"; [ -z \"\$out\" ]"
check "appstreamcli validate $app_id.metainfo.xml" appstreamcli validate --no-net --strict "$gen/$app_id.metainfo.xml"
check "metainfo launchable is the desktop file" grep -q "<launchable type=\"desktop-id\">$app_id.desktop</launchable>" "$gen/$app_id.metainfo.xml"
check "desktop file's icon is the app ID" grep -qx "Icon=$app_id" "$gen/$app_id.desktop"
# The unit's hardening, scored by systemd itself (0 = fully locked down, 10 = none); a
# change that drops options fails here. --man=no: the program and man page are not
# installed yet (test_deb.sh verifies the installed unit completely).
unit="$src/packaging/linux/roomrec-server.service"
check "systemd-analyze verify (offline)" bash -c "systemd-analyze verify --man=no '$unit' 2>&1 | grep -v 'is not executable' | { ! grep .; }"
check "systemd-analyze security: exposure at most 2.5" systemd-analyze security --offline=true --threshold=25 --no-pager "$unit"

# Man pages: no groff warnings, and every option of --help is documented.
for prog in roomrec roomrec-cli roomrec-server; do
  page="$gen/man/$prog.1"
  check "man $prog: header names version $(cpack_version)" grep -q "^\.TH .* \"RoomRec $(cpack_version)\"" "$page"
  check "man $prog: renders without warnings" bash -c "LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l '$page' 2>&1 >/dev/null | { ! grep .; }"
done
help_options() { # program subcommand... -> long options of --help
  "$@" --help 2>&1 | grep -o -- '--[a-z][a-z0-9-]*' | grep -v -- '--help' | sort -u
}
bin="$build/app"
documented() { # page options...
  local page=$1 o missing=()
  shift
  [ $# -gt 0 ] || { echo "no options read from --help"; return 1; }
  for o in "$@"; do
    # man pages spell "-" as "\-"
    grep -qF -- "$(echo "$o" | sed 's/-/\\-/g')" "$page" || missing+=("$o")
  done
  [ ${#missing[@]} -eq 0 ] || { echo "not in $(basename "$page"): ${missing[*]}"; return 1; }
}
check "man roomrec documents --help" documented "$src/packaging/man/roomrec.1" $(unset DISPLAY QT_QPA_PLATFORM; help_options "$bin/desktop/roomrec")
check "man roomrec-server documents --help" documented "$src/packaging/man/roomrec-server.1" $(help_options "$bin/server/roomrec-server")
check "man roomrec-cli documents --help" documented "$src/packaging/man/roomrec-cli.1" \
  $( (help_options "$bin/cli/roomrec-cli" record; help_options "$bin/cli/roomrec-cli" files; help_options "$bin/cli/roomrec-cli" sign; help_options "$bin/cli/roomrec-cli" watch) | sort -u)

# Icons rendered from the SVG: each PNG the size its folder says, a real .icns and .ico.
for size in 16 22 24 32 48 64 128 256 512; do
  check "icon ${size}x${size}" bash -c "file '$build/packaging/icons/$size.png' | grep -q 'PNG image data, $size x $size,'"
done
check "roomrec.icns" bash -c "file '$build/packaging/icons/roomrec.icns' | grep -q 'Mac OS X icon'"
check "roomrec.ico holds 7 icons" bash -c "file '$build/packaging/icons/roomrec.ico' | grep -q 'MS Windows icon resource - 7 icons'"
[ $status -eq 0 ] && echo "PASS: metadata"
exit $status
