#!/usr/bin/env bash
# Packs everything `bench:browser` needs on a machine with no Node, no Chromium and no network (the GPU
# machines of the `device` tool) into .gpu/: one zstd-compressed tar split into parts small enough to carry
# one per call (the tool carries at most 64 MiB per call), plus a zstd binary to unpack them.
# Contents: the Node 22 binary, Debian's Chromium with the shared libraries it links (all but glibc and
# libstdc++) and one font, the production build, the node_modules files the built server opens (listed by
# tracing it: scripts/bench/gpu-node-modules.txt), playwright-core, the bench and the GPU probe bundled with
# esbuild, the eight enrolment photos and the camera clip, and Debian's Xvfb (xvfb.sh starts it) for headed
# Chromium. scripts/bench/gpu-run.sh unpacks and runs it.
#
#   scripts/bench/gpu-bundle.sh [BUILD_DIR]     (default: build/; run `npm run build` first)
# Env: FACES_DIR (default ../shared/data/faces), PART_SIZE (default 54m), GPU_BUNDLE_DIR (default .gpu),
# XVFB_DEBS (default .xvfb/debs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
FACES=${FACES_DIR:-$ROOT/../shared/data/faces}
OUT=${GPU_BUNDLE_DIR:-$ROOT/.gpu}
CHROMIUM_DIR=/usr/lib/chromium
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mv=$STAGE/mv
app=$mv/app
mkdir -p "$app/scripts/bench" "$app/faces" "$mv/syslib" "$mv/fonts"

echo "[gpu-bundle] node, chromium and its libraries" >&2
cp "$ROOT/node_modules/node/bin/node" "$mv/node"
cp -a "$CHROMIUM_DIR" "$mv/chromium"
rm -f "$mv"/chromium/libVkLayer_khronos_validation.so* "$mv"/chromium/libVkICD_mock_icd.so*
find "$mv/chromium/locales" -type f ! -name 'en-US.pak' -delete
# Every shared library Chromium and its GPU libraries link, except glibc and the C++ runtime (newer there).
for bin in "$mv/chromium/chromium" "$mv"/chromium/*.so*; do ldd "$bin" 2>/dev/null || true; done |
	awk '$3 ~ /^\// {print $3}' | sort -u |
	grep -vE '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64|libstdc\+\+|libgcc_s)\.so' |
	while read -r lib; do cp -L "$lib" "$mv/syslib/"; done
# NSS opens its crypto modules at run time.
cp -L /usr/lib/x86_64-linux-gnu/{libsoftokn3,libfreebl3,libfreeblpriv3,libnssckbi,libnssdbm3}.so "$mv/syslib/"
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$mv/fonts/"
cat >"$mv/fonts/fonts.conf" <<'CONF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir prefix="relative">.</dir><cachedir>/tmp/mv-fontconfig</cachedir></fontconfig>
CONF
cat >"$mv/chromium.sh" <<'SH'
#!/bin/sh
# Debian's Chromium with its own libraries (and the NVIDIA driver's, where present).
d=$(dirname "$(readlink -f "$0")")
export LD_LIBRARY_PATH="$d/syslib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export FONTCONFIG_FILE="$d/fonts/fonts.conf"
exec "$d/chromium/chromium" "$@"
SH
chmod +x "$mv/chromium.sh"

echo "[gpu-bundle] Xvfb, for headed Chromium" >&2
# Debian's xvfb and what it needs beyond Chromium's libraries (the GPU machine has no X server, no xkb data, no
# xkbcomp), unpacked into the bundle: .xvfb/debs holds the .deb files (downloaded here when missing).
XVFB_DEBS=${XVFB_DEBS:-$ROOT/.xvfb/debs}
if ! ls "$XVFB_DEBS"/xvfb_*.deb >/dev/null 2>&1; then
	apt=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
	mkdir -p "$XVFB_DEBS" /tmp/amd64/partial
	apt-get "${apt[@]}" update -qq
	(cd "$XVFB_DEBS" && apt-get "${apt[@]}" download xvfb xserver-common x11-xkb-utils xkb-data libxfont2 \
		libpixman-1-0 libunwind8 libfontenc1 libxkbfile1)
fi
for deb in "$XVFB_DEBS"/*.deb; do dpkg -x "$deb" "$mv/xvfb"; done
rm -rf "$mv/xvfb/usr/share/doc" "$mv/xvfb/usr/share/man"
xlib=$mv/xvfb/usr/lib/x86_64-linux-gnu
for bin in "$mv/xvfb/usr/bin/Xvfb" "$mv/xvfb/usr/bin/xkbcomp"; do LD_LIBRARY_PATH=$xlib ldd "$bin"; done |
	awk '$3 ~ /^\// {print $3}' | sort -u |
	grep -vE '/(libc|libm|libdl|libpthread|librt|libresolv|ld-linux-x86-64)\.so' |
	while read -r lib; do [ -e "$xlib/$(basename "$lib")" ] || cp -L "$lib" "$xlib/"; done
cat >"$mv/xvfb.sh" <<'SH'
#!/bin/sh
# Xvfb from the bundle on display $1. Xvfb runs xkbcomp from /usr/bin (a path compiled in): where that is
# missing, the bundle's copy goes there (one new file; nothing else is written outside the bundle).
d=$(dirname "$(readlink -f "$0")")/xvfb
[ -x /usr/bin/xkbcomp ] || install -m755 "$d/usr/bin/xkbcomp" /usr/bin/xkbcomp
export LD_LIBRARY_PATH="$d/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$d/usr/bin/Xvfb" "$1" -screen 0 1280x1024x24 -nolisten tcp -xkbdir "$d/usr/share/X11/xkb"
SH
chmod +x "$mv/xvfb.sh"

echo "[gpu-bundle] the app: build, server, node_modules, bench" >&2
cp "$ROOT/package.json" "$app/"
cp "$ROOT/scripts/serve.js" "$app/scripts/"
cp -a "$BUILD" "$app/build"
(cd "$ROOT" && grep -v '^#' scripts/bench/gpu-node-modules.txt | tar -cf - -T - node_modules/playwright-core) |
	tar -xf - -C "$app"
for script in browser gpu-probe; do # webgpu-compat.ts is bundled into browser.mjs
	(cd "$ROOT" && npx esbuild "scripts/bench/$script.ts" --bundle --platform=node --format=esm --target=node22 \
		--external:playwright-core --log-level=warning --outfile="$app/scripts/bench/$script.mjs")
done
for photo in amy/amy1.png amy/amy2.png amy/amy3.png amy/amy4.png penny/penny1.png raj/raj1.png \
	sheldon/sheldon1.png howard/howard1.png; do
	mkdir -p "$app/faces/$(dirname "$photo")"
	cp "$FACES/$photo" "$app/faces/$photo"
done
# The clip bench:browser would make (makeClip): Obama's photo, 3 s at 15 fps, 640x480.
ffmpeg -hide_banner -loglevel error -y -loop 1 -i "$FACES/Barack_Obama/obama.jpg" -t 3 -r 15 \
	-vf 'scale=-2:480,crop=min(iw\,640):480,pad=640:480:(ow-iw)/2:0,format=yuv420p' -f yuv4mpegpipe "$app/face.y4m"
git -C "$ROOT" rev-parse HEAD >"$mv/COMMIT"

echo "[gpu-bundle] compressing $(du -sh "$mv" | cut -f1)" >&2
rm -rf "$OUT/parts" "$OUT/tools"
mkdir -p "$OUT/parts" "$OUT/tools"
tar -C "$STAGE" -cf - mv | zstd -19 --long=27 -T0 -q | split -b "${PART_SIZE:-54m}" - "$OUT/parts/p-"
cp /usr/bin/zstd "$OUT/tools/"
ldd /usr/bin/zstd | awk '$3 ~ /^\// && $3 !~ /libc\.so/ {print $3}' | xargs -I{} cp -L {} "$OUT/tools/"
(cd "$OUT/parts" && sha256sum p-* >../tools/SHA256SUMS)
ls -l "$OUT/parts" >&2
