#!/usr/bin/env bash
# The Debian packages end to end, as a user gets them: cpack builds roomrec and
# roomrec-server, lintian checks them, apt-get installs them, the installed programs in
# /usr/bin record 3 s through the server started from the packaged configuration, the
# desktop app opens its window on a virtual X display, and apt-get purge leaves nothing of
# the packages behind. The machine ends as it started (an EXIT trap purges on failure);
# the test skips if RoomRec is already installed or was, so it never touches a real install.
# Needs root and apt-get; skips otherwise.
# Usage: test_deb.sh SOURCE_DIR BUILD_DIR
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh" "$@"
[ "$(uname)" = Linux ] || skip "Debian packages are built on Linux"
{ command -v apt-get && command -v dpkg; } >/dev/null 2>&1 || skip "no apt-get/dpkg here"
[ "$(id -u)" -eq 0 ] || skip "installs packages: run as root"
# One run at a time on a machine (several work trees may run their tests as root). The lock
# is taken on dpkg's folder, which always exists, so no lock file is left behind; dpkg's own
# locks are fcntl locks on files inside it and are waited for separately (Lock::Timeout).
exec 9</var/lib/dpkg
flock -w 900 9 || skip "another packaging test is running on this machine"
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }
packages=(roomrec roomrec-server)
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
    skip "$p is (or was) installed on this machine; the test would remove it"
  fi
done
for path in /etc/roomrec /var/lib/roomrec-server /var/lib/private/roomrec-server; do
  [ ! -e "$path" ] || skip "$path exists; the test's purge would remove it"
done
install_tools dpkg-dev file lintian systemd x11-utils xvfb xauth ffmpeg
need_commands cpack dpkg-shlibdeps lintian systemd-analyze xvfb-run xwininfo ffprobe ffmpeg

work=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  for p in "${packages[@]}"; do
    if dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$'; then
      echo "cleanup: purging $p" >&2
      apt_get purge -y -q "$p" >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== cpack -G DEB"
out="$build/packages"
rm -rf "$out"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack -G DEB"; }
version=$(cpack_version)
arch=$(dpkg --print-architecture)
app_deb="$out/roomrec_${version}-1_${arch}.deb"
server_deb="$out/roomrec-server_${version}-1_${arch}.deb"
for deb in "$app_deb" "$server_deb"; do
  [ -f "$deb" ] || { ls -l "$out"; fail "no $(basename "$deb")"; }
  echo "$(basename "$deb"): $(du -k "$deb" | cut -f1) KiB; Depends: $(dpkg-deb -f "$deb" Depends)"
done
# Dependencies come from dpkg-shlibdeps: the libraries actually linked, nothing else.
dpkg-deb -f "$app_deb" Depends | grep -q 'libqt6widgets6' || fail "roomrec: shlibdeps found no Qt Widgets"
dpkg-deb -f "$app_deb" Depends | grep -q 'libavcodec59\|libavcodec6' || fail "roomrec: shlibdeps found no FFmpeg"
dpkg-deb -f "$server_deb" Depends | grep -q 'libqt6httpserver6' || fail "roomrec-server: shlibdeps found no Qt HttpServer"
# Echo cancellation (docs/audio.md): the app needs webrtc-audio-processing when it was built
# with it; the server never does (it has no microphone).
if grep -q '^WEBRTC_APM_FOUND:INTERNAL=1' "$build/CMakeCache.txt" && grep -q '^ROOMREC_ECHO_CANCELLATION:BOOL=ON' "$build/CMakeCache.txt"; then
  dpkg-deb -f "$app_deb" Depends | grep -q 'libwebrtc-audio-processing' || fail "roomrec: shlibdeps found no webrtc-audio-processing"
fi
! dpkg-deb -f "$server_deb" Depends | grep -q 'libwebrtc-audio-processing' || fail "roomrec-server depends on webrtc-audio-processing"
# DESIGN.md: the server never links Qt::Widgets or Qt::Multimedia.
! dpkg-deb -f "$server_deb" Depends | grep -q 'libqt6widgets6\|libqt6multimedia6' || fail "roomrec-server depends on Qt Widgets/Multimedia"

echo "== lintian"
# Errors and warnings fail; the few accepted ones are overridden, with reasons, in
# packaging/linux/debian/*.lintian-overrides (installed in the packages).
lintian --fail-on error,warning --tag-display-limit 0 "$app_deb" "$server_deb" || fail "lintian"
echo "ok: lintian (no errors, no warnings that are not overridden)"

echo "== apt-get install"
apt_get install -y -q --no-install-recommends "$app_deb" "$server_deb" >"$work/install.log" 2>&1 \
  || { cat "$work/install.log"; fail "apt-get install"; }
dpkg -L "${packages[@]}" | sort -u >"$work/files"
echo "installed $(wc -l <"$work/files") paths"
for prog in roomrec-server roomrec-cli roomrec; do
  # No display: --version must work in a plain terminal, the desktop app's too.
  v=$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "/usr/bin/$prog" --version 2>/dev/null)
  [ "$v" = "$prog $version" ] || fail "/usr/bin/$prog --version says '$v', not '$prog $version'"
done
echo "ok: --version on the three programs"
# The installed unit, now that its program and man page exist.
systemd-analyze verify /lib/systemd/system/roomrec-server.service || fail "systemd-analyze verify"
echo "ok: systemd-analyze verify roomrec-server.service"

echo "== roomrec-server from its packaged configuration, roomrec-cli records 3 s"
# The service's command line, with a free port and without the HTTP API so nothing else on
# the machine is disturbed. The recordings go to the StateDirectory the configuration
# names, /var/lib/roomrec-server, which purge must then remove.
/usr/bin/roomrec-server --config /etc/roomrec/roomrec-server.conf --listen 127.0.0.1:0 --http-listen off \
  >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^roomrec-server listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.log")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; fail "roomrec-server exited"; }
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.log"; fail "roomrec-server did not start"; }
grep -q 'data in /var/lib/roomrec-server' "$work/server.log" || { cat "$work/server.log"; fail "the server did not take its data folder from the configuration"; }
/usr/bin/roomrec-cli record --server "127.0.0.1:$port" --user pkgtest --relation-id 15000 --room-id 1 \
  --source testpattern --seconds 3 --name pkgtest >"$work/record.json" 2>"$work/record.err" \
  || { cat "$work/record.err"; fail "roomrec-cli record"; }
id=$(grep -o '"fileIds":\["[0-9]*"' "$work/record.json" | grep -o '[0-9][0-9]*' || true)
[ -n "$id" ] || { cat "$work/record.json"; fail "roomrec-cli printed no file ID"; }
# SIGTERM finishes the recording's file, then the server exits 0.
kill -TERM "$server_pid"
wait "$server_pid" || { cat "$work/server.log"; fail "roomrec-server did not exit 0 on SIGTERM"; }
server_pid=
mp4=$(find /var/lib/roomrec-server/recordings -name "*-$id.mp4")
[ -f "$mp4" ] || fail "no file for ID $id under /var/lib/roomrec-server/recordings"
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$mp4")
awk -v d="$duration" 'BEGIN { exit !(d >= 2.5 && d <= 3.6) }' || fail "$mp4 lasts $duration s, not about 3"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$mp4")
[ "${frames:-0}" -ge 75 ] || fail "$mp4 decodes to $frames video frames, expected about 90"
decode_errors=$(ffmpeg -nostdin -v error -i "$mp4" -f null - 2>&1)
[ -z "$decode_errors" ] || fail "ffmpeg decoding $mp4: $decode_errors"
echo "ok: file $id, $duration s, $frames video frames, decodes without errors"

echo "== roomrec opens its window (Xvfb)"
mkdir -p "$work/home"
# The window title is "RoomRec" and its class "roomrec", as StartupWMClass in the desktop
# file says. Own HOME: the app's settings and data stay in the test's folder.
cat >"$work/window.sh" <<'SH'
env -u QT_QPA_PLATFORM HOME="$1/home" LANG=C.UTF-8 /usr/bin/roomrec --lang en --data "$1/appdata" --settings "$1/app.ini" &
pid=$!
found=1
for _ in $(seq 150); do
  if xwininfo -root -tree | grep -q '"RoomRec": ("roomrec" "roomrec")'; then found=0; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
xwininfo -root -tree | grep '"RoomRec"' || true
kill $pid 2>/dev/null
wait $pid 2>/dev/null
exit $found
SH
xvfb-run -a -s "-screen 0 1600x900x24" bash "$work/window.sh" "$work" || fail "no RoomRec window appeared"
echo "ok: RoomRec window shown"

echo "== apt-get purge"
# An enablement made by the operator must go too (systemctl works offline here).
if command -v systemctl >/dev/null 2>&1; then
  systemctl enable roomrec-server.service >/dev/null 2>&1 || true
fi
apt_get purge -y -q "${packages[@]}" >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "apt-get purge"; }
left=()
while read -r path; do
  [ -e "$path" ] || [ -L "$path" ] || continue
  # Shared folders stay: those another package owns (/usr/bin, ...) and those holding other
  # software's files (/lib, a link to /usr/lib on merged-/usr systems, owned by none).
  if [ -d "$path" ] && { dpkg -S "$path" >/dev/null 2>&1 || [ -n "$(ls -A "$path")" ]; }; then continue; fi
  left+=("$path")
done <"$work/files"
for path in /etc/roomrec /var/lib/roomrec-server /var/lib/private/roomrec-server \
            /etc/systemd/system/roomrec-server.service /etc/systemd/system/multi-user.target.wants/roomrec-server.service \
            /var/lib/systemd/deb-systemd-helper-enabled/roomrec-server.service.dsh-also \
            /var/lib/systemd/deb-systemd-helper-masked/roomrec-server.service; do
  { [ -e "$path" ] || [ -L "$path" ]; } && left+=("$path")
done
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
for p in "${packages[@]}"; do
  dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qv '^not-installed$' && fail "dpkg still knows $p"
done
echo "ok: nothing of the packages is left"
echo "PASS: deb"
