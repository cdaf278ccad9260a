#!/usr/bin/env bash
# dist.sh [linux] [windows] [macos]   (default: linux windows)
# Builds the release artifacts of SPEC §16 into dist/ (run it through `make dist`, which sets
# VERSION, installs the cross compiler and NSIS and builds the frontend first):
#   dist/flowbench_<version>_amd64.deb                        nfpm
#   dist/flowbench-<version>-linux-amd64.tar.gz
#   dist/flowbench-<version>-windows-amd64.exe                mingw-w64 cross build, icon + version resource
#   dist/flowbench-<version>-windows-amd64-installer.exe      NSIS, per-user, WebView2 bootstrap
#   dist/flowbench-<version>-macos-universal.dmg              macos only (on a Mac: lipo, codesign, hdiutil)
# The release workflow (.github/workflows/release.yml) calls the same script on its runners.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

: "${VERSION:?dist: VERSION is not set; run it through make dist}"
GO="${GO:-go}"
OUT="${DIST_DIR:-dist}"
STAGE="build/dist"
PKG="github.com/flowbench/flowbench"
LDFLAGS="-w -s -X $PKG/cli.Version=$VERSION"
# Pinned tools, run from the Go module proxy (nothing to install system-wide).
NFPM="github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.48.0"
WINRES="github.com/tc-hib/go-winres@v0.3.3"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux windows)

[ -f frontend/dist/index.html ] || { echo "dist: frontend/dist is not built; run 'make frontend'" >&2; exit 1; }
mkdir -p "$OUT"
# Artifacts of other versions would only confuse an upload: drop them.
find "$OUT" -maxdepth 1 -name 'flowbench*' ! -name "*$VERSION*" -delete

# Windows version resources and NSIS want four numbers: 1.2.3 from 1.2.3-dev+abc, else 0.0.0.
numeric_version() {
  local v="${VERSION#v}"
  v="${v%%[-+]*}"
  if [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then echo "$v.0"; else echo "0.0.0.0"; fi
}

# native_path: a path makensis.exe understands when this runs in Git Bash on Windows.
native_path() { if command -v cygpath >/dev/null; then cygpath -w "$1"; else echo "$1"; fi; }

WINDOWS_SYSO="rsrc_windows_amd64.syso"

# split reports whether the light command-line binary (./cmd/flowbench, no GTK) exists yet.
split() { [ -f cmd/flowbench/main.go ]; }

build_linux_binaries() {
  local dir="$1"
  echo "dist: linux binaries ($VERSION)"
  "$GO" build -tags desktop,production,webkit2_41 -ldflags "$LDFLAGS" -o "$dir/bin/flowbench-window" .
  if split; then
    # The command-line binary runs headless and execs flowbench-window from its own folder.
    "$GO" build -ldflags "$LDFLAGS" -o "$dir/bin/flowbench" ./cmd/flowbench
  else
    # Before the split, the window binary also answers every subcommand: ship it as flowbench
    # and point flowbench-window at it.
    mv "$dir/bin/flowbench-window" "$dir/bin/flowbench"
  fi
}

build_linux() {
  local dir="$STAGE/linux" name="flowbench-$VERSION-linux-amd64"
  rm -rf "$dir" && mkdir -p "$dir/bin"
  # `make dist` has just run `make build` (same tags and ldflags): reuse those binaries when
  # they carry this version instead of linking them again.
  local pre="${PREBUILT:-}"
  if [ -n "$pre" ] && split && [ -x "$pre/flowbench" ] && [ -x "$pre/flowbench-window" ] &&
    [ "$("$pre/flowbench" --version 2>/dev/null)" = "flowbench $VERSION" ] &&
    [ "$("$pre/flowbench-window" --version 2>/dev/null)" = "flowbench $VERSION" ]; then
    echo "dist: linux binaries from $pre ($VERSION)"
    cp "$pre/flowbench" "$pre/flowbench-window" "$dir/bin/"
  else
    build_linux_binaries "$dir"
  fi

  # nfpm config written here so it follows the split; contents are relative to the repo root.
  {
    cat <<EOF
name: flowbench
arch: amd64
platform: linux
version: "${VERSION#v}"
version_schema: semver
section: graphics
priority: optional
maintainer: Flowbench <flowbench@users.noreply.github.com>
description: |-
  Node-graph workflow editor and runner
  Flowbench builds, versions, runs and compares workflows of text, data and
  media nodes, in a desktop window or headless from the command line.
vendor: Flowbench
homepage: https://github.com/flowbench/flowbench
license: Proprietary
depends:
  - libc6
  - libgtk-3-0
  - libwebkit2gtk-4.1-0
recommends:
  - ffmpeg
contents:
  - src: $dir/bin/flowbench
    dst: /usr/bin/flowbench
    file_info: {mode: 0755}
EOF
    if split; then
      cat <<EOF
  - src: $dir/bin/flowbench-window
    dst: /usr/bin/flowbench-window
    file_info: {mode: 0755}
EOF
    else
      cat <<EOF
  - src: flowbench
    dst: /usr/bin/flowbench-window
    type: symlink
EOF
    fi
    cat <<EOF
  - src: build/linux/flowbench.desktop
    dst: /usr/share/applications/flowbench.desktop
  - src: build/linux/flowbench-mime.xml
    dst: /usr/share/mime/packages/flowbench.xml
  - src: build/icons/flowbench.svg
    dst: /usr/share/icons/hicolor/scalable/apps/flowbench.svg
  - src: build/icons/flowbench-256.png
    dst: /usr/share/icons/hicolor/256x256/apps/flowbench.png
  - src: build/icons/flowbench-512.png
    dst: /usr/share/icons/hicolor/512x512/apps/flowbench.png
  - src: README.md
    dst: /usr/share/doc/flowbench/README.md
EOF
  } >"$dir/nfpm.yaml"
  echo "dist: $OUT/flowbench_${VERSION}_amd64.deb"
  "$GO" run "$NFPM" package --config "$dir/nfpm.yaml" --packager deb --target "$OUT/flowbench_${VERSION}_amd64.deb" >/dev/null

  # Tarball: binaries, desktop entry, MIME type, icons and the README, under one folder.
  local t="$dir/$name"
  mkdir -p "$t/icons"
  cp "$dir/bin/"* "$t/"
  cp build/linux/flowbench.desktop build/linux/flowbench-mime.xml README.md "$t/"
  cp build/icons/flowbench.svg build/icons/flowbench-256.png build/icons/flowbench-512.png "$t/icons/"
  echo "dist: $OUT/$name.tar.gz"
  tar -C "$dir" --sort=name --owner=0 --group=0 --numeric-owner -czf "$OUT/$name.tar.gz" "$name"
}

build_windows() {
  local dir="$STAGE/windows" numver exe
  local cc="${WINDOWS_CC:-x86_64-w64-mingw32-gcc}"
  command -v "$cc" >/dev/null || { echo "dist: $cc not found; run 'make setup-dist'" >&2; exit 1; }
  command -v makensis >/dev/null || { echo "dist: makensis not found; run 'make setup-dist'" >&2; exit 1; }
  rm -rf "$dir" && mkdir -p "$dir"
  numver="$(numeric_version)"
  exe="$OUT/flowbench-$VERSION-windows-amd64.exe"

  # Icon, version info and manifest as a .syso in the root package, picked up by go build for
  # windows/amd64 only, and removed when the script ends (it is in .gitignore too).
  trap 'rm -f "$root/$WINDOWS_SYSO"' EXIT
  "$GO" run "$WINRES" simply --arch amd64 --out rsrc --manifest gui \
    --icon build/windows/flowbench.ico --product-name Flowbench --original-filename flowbench.exe \
    --file-description "Flowbench" --copyright "Flowbench authors" \
    --product-version "$numver" --file-version "$numver"
  # go-winres only takes numbers; the full version string goes in by ldflags and the installer.

  # One flowbench.exe for the window and every subcommand. GUI subsystem (no console window when
  # opened from the Start menu); see console_windows.go for how subcommands still print.
  echo "dist: $exe"
  CGO_ENABLED=1 CC="$cc" GOOS=windows GOARCH=amd64 \
    "$GO" build -tags desktop,production -ldflags "$LDFLAGS -H windowsgui" -o "$dir/flowbench.exe" .
  cp "$dir/flowbench.exe" "$exe"

  # The WebView2 bootstrapper Wails ships in its module (Microsoft's redistributable, 1.7 MB).
  local wails bootstrap
  wails="$("$GO" list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2)"
  bootstrap="$wails/internal/webview2runtime/MicrosoftEdgeWebview2Setup.exe"
  [ -f "$bootstrap" ] || { echo "dist: $bootstrap not found (go mod download)" >&2; exit 1; }
  echo "dist: $OUT/flowbench-$VERSION-windows-amd64-installer.exe"
  makensis -V2 -INPUTCHARSET UTF8 \
    -DVERSION="$VERSION" -DNUMVERSION="$numver" \
    -DEXE="$(native_path "$root/$dir/flowbench.exe")" -DBOOTSTRAP="$(native_path "$bootstrap")" \
    -DICON="$(native_path "$root/build/windows/flowbench.ico")" \
    -DOUTFILE="$(native_path "$root/$OUT/flowbench-$VERSION-windows-amd64-installer.exe")" \
    "$(native_path "$root/build/windows/installer.nsi")"
}

# macOS (run on a Mac by the release workflow): a universal Flowbench.app (arm64 + amd64 via
# lipo), ad-hoc signed, in a .dmg. Notarisation is a separate workflow step (it needs secrets).
build_macos() {
  local dir="$STAGE/macos" app numver dmg="$OUT/flowbench-$VERSION-macos-universal.dmg"
  rm -rf "$dir" && mkdir -p "$dir/iconset.iconset"
  app="$dir/Flowbench.app"
  numver="$(numeric_version)"
  mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
  for arch in arm64 amd64; do
    echo "dist: macos $arch binary"
    # Wails needs UniformTypeIdentifiers for its file dialogs; 11.0 is the oldest macOS kept.
    CGO_ENABLED=1 GOOS=darwin GOARCH="$arch" MACOSX_DEPLOYMENT_TARGET=11.0 \
      CGO_LDFLAGS="-framework UniformTypeIdentifiers -mmacosx-version-min=11.0" \
      "$GO" build -tags desktop,production -ldflags "$LDFLAGS" -o "$dir/flowbench-$arch" .
  done
  lipo -create -output "$app/Contents/MacOS/flowbench" "$dir/flowbench-arm64" "$dir/flowbench-amd64"
  sed -e "s/@VERSION@/$VERSION/" -e "s/@NUMVERSION@/${numver%.0}/" build/darwin/Info.plist >"$app/Contents/Info.plist"
  for size in 16 32 128 256 512; do
    sips -z "$size" "$size" build/icons/flowbench-512.png --out "$dir/iconset.iconset/icon_${size}x${size}.png" >/dev/null
    sips -z $((size * 2)) $((size * 2)) build/icons/flowbench-512.png \
      --out "$dir/iconset.iconset/icon_${size}x${size}@2x.png" >/dev/null
  done
  iconutil -c icns -o "$app/Contents/Resources/flowbench.icns" "$dir/iconset.iconset"
  codesign --force --deep --sign - "$app"   # ad hoc; the workflow re-signs with a Developer ID when it has one
  codesign --verify --verbose "$app"
  # The disk image shows the app next to a link to /Applications to drag it onto.
  mkdir -p "$dir/dmg"
  cp -R "$app" "$dir/dmg/"
  ln -s /Applications "$dir/dmg/Applications"
  echo "dist: $dmg"
  rm -f "$dmg"
  hdiutil create -volname Flowbench -srcfolder "$dir/dmg" -ov -format UDZO "$dmg"
}

for t in "${targets[@]}"; do
  started=$SECONDS
  case "$t" in
    linux) build_linux ;;
    windows) build_windows ;;
    macos) build_macos ;;
    *) echo "dist: unknown target $t (linux, windows, macos)" >&2; exit 2 ;;
  esac
  echo "dist: $t artifacts in $((SECONDS - started)) s"
done
ls -l "$OUT"
