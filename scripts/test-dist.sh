#!/usr/bin/env bash
# test-dist.sh: checks the artifacts `make dist` left in dist/ (run it through `make test-dist`).
#  1. .deb: control fields (dpkg-deb -I) and file list (dpkg-deb -c).
#  2. .deb unpacked with dpkg -x into a throwaway root: --version, headless import, run, generations.
#  3. .deb installed and removed with dpkg -i / dpkg -r (root or sudo only; skipped when a
#     flowbench package is already installed, so a real installation is never touched); while
#     installed, the window opened from the desktop entry's Exec line under Xvfb.
#  4. tarball: the binary, desktop entry and icons, and --version.
#  5. Windows exe under Wine (64-bit only, headless, its own prefix): --version, import, run,
#     generations with --json, and the default data home %APPDATA%\Flowbench.
#     Also the exe's icon and version resource.
#  6. Installer: a PE file carrying the NSIS header. (Running it needs a 32-bit Wine: NSIS's
#     stub is x86 and wine32 needs the i386 architecture, too heavy for this check.)
# Each step prints its time; the total is printed at the end.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
: "${VERSION:?test-dist: VERSION is not set; run it through make test-dist}"
OUT="${DIST_DIR:-dist}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
deb="$OUT/flowbench_${VERSION}_amd64.deb"
tgz="$OUT/flowbench-$VERSION-linux-amd64.tar.gz"
exe="$OUT/flowbench-$VERSION-windows-amd64.exe"
installer="$OUT/flowbench-$VERSION-windows-amd64-installer.exe"
workflow="testdata/dist/square.flowbench.json"
for f in "$deb" "$tgz" "$exe" "$installer"; do
  [ -s "$f" ] || { echo "test-dist: $f is missing; run 'make dist'" >&2; exit 1; }
done

tmp="$(mktemp -d)"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

fail() { echo "test-dist: FAIL: $*" >&2; exit 1; }
t_all=$(date +%s); t_step=$t_all
step() {
  local now; now=$(date +%s)
  [ -z "${step_name:-}" ] || printf 'test-dist: %-28s ok  %3d s\n' "$step_name" $((now - t_step))
  step_name="$1"; t_step=$now
}

# jcheck NAME EXPR: JSON on stdin must parse and make the JavaScript expression EXPR (over j)
# true; prints the JSON on failure. Node is already a build requirement.
jcheck() {
  local name="$1" expr="$2" json
  json="$(cat)"
  printf '%s' "$json" | EXPR="$expr" node -e '
    const src = require("fs").readFileSync(0, "utf8");
    let j; try { j = JSON.parse(src); } catch (e) { console.error("not JSON: " + e.message); process.exit(1); }
    if (!eval(process.env.EXPR)) process.exit(1);' ||
    fail "$name: expected $expr in: $json"
}

# The headless round trip every build must pass: import, run with an input, generations.
# run_cli BIN... -- HOME_ARG WORKFLOW_ARG
roundtrip() {
  local label="$1" home="$2" wf="$3"; shift 3
  local out
  out="$("$@" --version)" || fail "$label --version exited $?"
  [ "$out" = "flowbench $VERSION" ] || fail "$label --version printed '$out', want 'flowbench $VERSION'"
  "$@" --home "$home" import "$wf" --json | jcheck "$label import" 'j.created === true && j.version_label === "v1" && j.workflow_id'
  "$@" --home "$home" run "Dist check" --input x=3 --json |
    jcheck "$label run" 'j.status === "completed" && j.outputs.y === 10 && j.nodes.square.status === "executed"'
  "$@" --home "$home" generations "Dist check" square --json |
    jcheck "$label generations" 'j.node_id === "square" && j.generations.length === 1 && j.generations[0].outputs.result === 10'
}

# ---- 1. .deb metadata and contents
step "deb control and files"
info="$(dpkg-deb -I "$deb")"
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = flowbench ] || fail "deb Package is '$(field Package)'"
[ "$(field Architecture)" = amd64 ] || fail "deb Architecture is '$(field Architecture)'"
[ -n "$(field Version)" ] || fail "deb has no Version"
for dep in libgtk-3-0 libwebkit2gtk-4.1-0; do
  field Depends | grep -qw -- "$dep" || fail "deb Depends lacks $dep: $(field Depends)"
done
field Recommends | grep -qw ffmpeg || fail "deb Recommends lacks ffmpeg"
files="$(dpkg-deb -c "$deb" | awk '{print $6}')"
for f in ./usr/bin/flowbench ./usr/bin/flowbench-window ./usr/share/applications/flowbench.desktop \
  ./usr/share/mime/packages/flowbench.xml ./usr/share/icons/hicolor/scalable/apps/flowbench.svg \
  ./usr/share/icons/hicolor/256x256/apps/flowbench.png ./usr/share/icons/hicolor/512x512/apps/flowbench.png; do
  grep -qxF -- "$f" <<<"$files" || fail "deb lacks $f (dpkg-deb -c)"
done
[ -n "$info" ]

# ---- 2. unpacked into a throwaway root
step "deb in a dpkg -x root"
droot="$tmp/debroot"
dpkg -x "$deb" "$droot"
desktop="$droot/usr/share/applications/flowbench.desktop"
grep -qx 'Name=Flowbench' "$desktop" || fail "desktop entry has no Name=Flowbench"
grep -qx 'Categories=Graphics;Development;' "$desktop" || fail "desktop entry categories"
grep -qx 'MimeType=application/x-flowbench+json;' "$desktop" || fail "desktop entry MimeType"
grep -q 'pattern="\*.flowbench.json"' "$droot/usr/share/mime/packages/flowbench.xml" || fail "MIME glob"
[ "$(identify -format '%wx%h' "$droot/usr/share/icons/hicolor/512x512/apps/flowbench.png")" = 512x512 ] ||
  fail "512 px icon is not 512x512"
[ "$(identify -format '%wx%h' "$droot/usr/share/icons/hicolor/256x256/apps/flowbench.png")" = 256x256 ] ||
  fail "256 px icon is not 256x256"
roundtrip "deb (dpkg -x)" "$tmp/home-deb" "$workflow" "$droot/usr/bin/flowbench"
[ -x "$droot/usr/bin/flowbench-window" ] || fail "flowbench-window is not executable in the package"
[ "$("$droot/usr/bin/flowbench-window" --version)" = "flowbench $VERSION" ] || fail "flowbench-window --version"
exec_line="$(sed -n 's/^Exec=//p' "$desktop")"
[ "$exec_line" = "flowbench %f" ] || fail "desktop entry runs '$exec_line', not flowbench %f (a double-clicked .flowbench.json opens through %f)"

# ---- 3. dpkg -i / dpkg -r
step "deb dpkg -i / -r"
# dpkg_retry ARGS: dpkg, waiting (up to 2 min) while another apt or dpkg holds the lock.
dpkg_retry() {
  local i out
  for ((i = 0; i < 60; i++)); do
    if out="$($SUDO dpkg "$@" 2>&1)"; then printf '%s\n' "$out"; return 0; fi
    grep -q 'lock' <<<"$out" || { printf '%s\n' "$out"; return 1; }
    sleep 2
  done
  printf '%s\n' "$out"; return 1
}
if [ -n "$SUDO" ] && ! sudo -n true 2>/dev/null; then
  echo "test-dist: skipping dpkg -i (not root and no passwordless sudo)"
elif dpkg-query -W -f='${Status}' flowbench 2>/dev/null | grep -q 'install ok installed'; then
  echo "test-dist: skipping dpkg -i: a flowbench package is already installed here"
else
  (
    exec 9>/tmp/flowbench-test-dist-dpkg.lock
    flock 9
    trap '$SUDO dpkg -r flowbench >/dev/null 2>&1 || true' EXIT
    dpkg_retry -i "$deb" >"$tmp/dpkg-i.log" 2>&1 || { cat "$tmp/dpkg-i.log" >&2; fail "dpkg -i"; }
    [ "$(/usr/bin/flowbench --version)" = "flowbench $VERSION" ] || fail "installed flowbench --version"
    grep -qx /usr/share/applications/flowbench.desktop <<<"$(dpkg -L flowbench)" || fail "dpkg -L lacks the desktop entry"
    # dpkg's shared-mime-info trigger has compiled our type: the glob maps to it.
    if command -v update-mime-database >/dev/null; then
      grep -q ':application/x-flowbench+json:\*\.flowbench\.json' /usr/share/mime/globs2 ||
        fail "the MIME database has no *.flowbench.json glob after dpkg -i"
    fi
    # The window from the installed desktop entry's Exec line, under Xvfb (scripts/screenshot.sh
    # fails on a missing or blank window). INSTALLED_SHOT keeps the picture (docs/installed-linux.png).
    exec_cmd="$(sed -n 's/^Exec=//p' /usr/share/applications/flowbench.desktop)"
    shot_home="$tmp/home-installed"
    mkdir -p "$shot_home"
    /usr/bin/flowbench --home "$shot_home" import testdata/json-math.json >/dev/null
    /usr/bin/flowbench --home "$shot_home" import testdata/text-pipeline.json >/dev/null
    FLOWBENCH_BIN="$(command -v "${exec_cmd%% *}")" scripts/screenshot.sh "${INSTALLED_SHOT:-$tmp/installed.png}" \
      --home "$shot_home" >"$tmp/shot.log" 2>&1 || { cat "$tmp/shot.log" >&2; fail "the installed app's window did not show"; }
    # A double-clicked .flowbench.json runs the Exec line with %f as the file: the window opens
    # and imports it (the workflow is then in the data home).
    cp testdata/branching.json "$tmp/opened.flowbench.json"
    FLOWBENCH_BIN="$(command -v "${exec_cmd%% *}")" scripts/screenshot.sh "$tmp/opened.png" --home "$shot_home" \
      --open "$tmp/opened.flowbench.json" >"$tmp/shot-open.log" 2>&1 ||
      { cat "$tmp/shot-open.log" >&2; fail "the installed app's window did not show for a file"; }
    name="$(sed -n 's/^  "name": "\(.*\)",$/\1/p' testdata/branching.json | head -n 1)"
    # The listing is read whole before grep looks at it: `list | grep -q` under pipefail failed
    # whenever grep, matching the first line, exited before flowbench wrote the next (EPIPE).
    listing="$(/usr/bin/flowbench --home "$shot_home" list)" || fail "flowbench list after opening a file"
    grep -qF " $name " <<<"$listing" || {
      cat "$tmp/shot-open.log" >&2
      printf '%s\n' "$listing" >&2
      fail "opening $tmp/opened.flowbench.json from the desktop entry did not import it"
    }
    dpkg_retry -r flowbench >"$tmp/dpkg-r.log" 2>&1 || { cat "$tmp/dpkg-r.log" >&2; fail "dpkg -r"; }
    for f in /usr/bin/flowbench /usr/bin/flowbench-window /usr/share/applications/flowbench.desktop \
      /usr/share/mime/packages/flowbench.xml /usr/share/icons/hicolor/512x512/apps/flowbench.png; do
      if [ -e "$f" ] || [ -L "$f" ]; then fail "$f is still there after dpkg -r"; fi
    done
  )
fi

# ---- 4. tarball
step "tarball"
tar -C "$tmp" -xzf "$tgz"
tdir="$tmp/flowbench-$VERSION-linux-amd64"
for f in flowbench flowbench.desktop flowbench-mime.xml README.md icons/flowbench.svg icons/flowbench-256.png \
  icons/flowbench-512.png; do
  [ -e "$tdir/$f" ] || fail "tarball lacks $f"
done
[ "$("$tdir/flowbench" --version)" = "flowbench $VERSION" ] || fail "tarball flowbench --version"

# ---- 5. Windows exe under Wine
step "windows exe under wine"
command -v wine >/dev/null || fail "wine is not installed; run 'make setup-dist'"
export WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="   # no Mono/Gecko prompts
# A prefix of our own, kept between runs (the first wineboot takes ~15 s).
export WINEPREFIX="${FLOWBENCH_WINEPREFIX:-${XDG_CACHE_HOME:-$HOME/.cache}/flowbench/wine-prefix}"
mkdir -p "$(dirname "$WINEPREFIX")"
exec 8>"$WINEPREFIX.lock"
flock 8
wine_stop() { wineserver -k >/dev/null 2>&1 || true; }
trap 'wine_stop; cleanup' EXIT
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  timeout 300 wineboot --init >/dev/null 2>&1 || fail "wineboot --init failed or took over 300 s"
  wineserver -w || true
fi
sys32="$WINEPREFIX/drive_c/windows/system32"
if [ ! -f "$sys32/bcryptprimitives.dll" ]; then
  # Wine before 9 has no bcryptprimitives.dll, which every Go 1.24+ exe loads: see the C file.
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$sys32/bcryptprimitives.dll" \
    scripts/wine/bcryptprimitives.c scripts/wine/bcryptprimitives.def -ladvapi32
fi
winpath() { printf 'Z:%s' "${1//\//\\}"; }   # Wine maps Z: to /
wexe="$tmp/flowbench.exe"
cp "$exe" "$wexe"
w() { timeout 120 wine "$wexe" "$@"; }
roundtrip "windows exe (wine)" "$(winpath "$tmp/home-win")" "$(winpath "$root/$workflow")" w
[ -f "$tmp/home-win/flowbench.db" ] || fail "the Windows build did not write flowbench.db under --home"
# Default home: %APPDATA%\Flowbench, i.e. the Wine user's AppData\Roaming\Flowbench.
appdata_home="$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Roaming 2>/dev/null | head -n1)/Flowbench"
rm -rf "$appdata_home"
env -u FLOWBENCH_HOME timeout 120 wine "$wexe" list --json | jcheck "windows list" 'Array.isArray(j.workflows)'
[ -f "$appdata_home/flowbench.db" ] || fail "the Windows build's default home is not %APPDATA%\\Flowbench ($appdata_home)"
rm -rf "$appdata_home"
# A mistyped subcommand is a usage error (exit 2), never the window (SPEC §8).
set +e; w no-such-command >/dev/null 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || fail "windows exe: an unknown subcommand exited $rc, want 2"

# The icon and version resource (go-winres reads them back out of the exe).
go run github.com/tc-hib/go-winres@v0.3.3 extract --dir "$tmp/winres" "$exe" >/dev/null 2>&1 ||
  fail "go-winres cannot read the exe's resources"
[ -n "$(find "$tmp/winres" -name '*.ico' -size +1k)" ] || fail "the exe has no icon resource"
jcheck "exe resources" 'j.RT_GROUP_ICON && Object.values(j.RT_VERSION["#1"]).some((v) =>
  v.info && Object.values(v.info).some((i) => i.ProductName === "Flowbench" && i.OriginalFilename === "flowbench.exe"))' \
  <"$tmp/winres/winres.json"

# ---- 6. installer
step "installer is an NSIS PE"
[ "$(head -c2 "$installer")" = MZ ] || fail "installer has no MZ header"
pe_off=$(od -An -tu4 -j60 -N4 "$installer" | tr -d ' ')
[ "$(od -An -c -j"$pe_off" -N4 "$installer" | tr -d ' ')" = 'PE\0\0' ] || fail "installer has no PE header"
# NSIS appends its data block after the stub; it starts with the 0xDEADBEEF flag word + "NullsoftInst".
grep -qa 'NullsoftInst' "$installer" || fail "installer carries no NSIS header (NullsoftInst)"
size=$(stat -c %s "$installer")
[ "$size" -gt 5000000 ] || fail "installer is only $size bytes; the exe and WebView2 bootstrapper are missing"

step "end"
echo "test-dist: all checks passed in $(( $(date +%s) - t_all )) s"
