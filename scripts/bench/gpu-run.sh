#!/usr/bin/env bash
# The browser bench on a GPU machine of the `device` tool, from the parts scripts/bench/gpu-bundle.sh made.
# One part travels per call (carry .gpu/parts/p-aa, then p-ab, ...); each call appends its part to
# /var/tmp/me-verifier-gpu/bundle, kept while the machine is warm (a call within 30 s of the previous one; the
# repo copy's ignored folders are not kept between calls). GPU_PROBE_SETS (see gpu-probe.ts) tries other flags.
# Xvfb from the bundle serves display :99 (GPU_DISPLAY) for the probe's headed sets and a headed bench run.
#   scripts/bench/gpu-run.sh add           # the first call also carries .gl and .gpu/tools and prints diagnostics
#   scripts/bench/gpu-run.sh bench [ARGS]  # the last part: unpack, probe the flags, run the bench (ARGS for it)
# Logs, the probe's answer and reports/bench-browser.json go to $OUT.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
OUT=${OUT:-/tmp/gpu-out}
RUN=${GPU_RUN_DIR:-/var/tmp/me-verifier-gpu} # outside the repo copy: ignored folders there do not survive between calls
mkdir -p "$RUN" "$OUT"
exec > >(tee -a "$OUT/gpu-run.log") 2>&1
mode=${1:-add}
shift || true
t0=$(date +%s)
say() { echo "[gpu-run $(($(date +%s) - t0))s] $*"; }

if [ -d .gpu/tools ]; then mkdir -p "$RUN/tools" && cp -a .gpu/tools/. "$RUN/tools/"; fi
if [ -d .gl ] && [ ! -e "$RUN/gl-done" ]; then
	for f in .gl/*.deb; do dpkg -x "$f" /; done
	ldconfig && touch "$RUN/gl-done"
	say "diagnostics"
	nvidia-smi -L; nvidia-smi --query-gpu=driver_version,name --format=csv,noheader
	cat /etc/os-release | head -2; uname -r; ldd --version | head -1
	ls /usr/local/nvidia /usr/local/nvidia/lib64 2>&1 | head -40
	find / -xdev \( -name 'nvidia_icd*.json' -o -name '*nvidia*.json' \) -path '*d/*' 2>/dev/null | head
	ldconfig -p | grep -E 'vulkan|EGL|GLX_nvidia|nss3|gbm|libz\.so|liblzma|liblz4' | head -20
	which node chromium zstd xz 2>&1
fi
for part in .gpu/parts/p-*; do
	[ -e "$part" ] || continue
	name=$(basename "$part")
	grep -q " $name\$" "$RUN/added" 2>/dev/null && continue
	cat "$part" >>"$RUN/bundle" && echo " $name" >>"$RUN/added"
	say "added $name ($(stat -L -c %s "$part") bytes); have:$(tr -d '\n' <"$RUN/added")"
done
[ "$mode" = bench ] || exit 0

have=$(sort "$RUN/added" | tr -d ' \n')
want=$(awk '{print $2}' "$RUN/tools/SHA256SUMS" | tr -d '\n')
if [ "$have" != "$want" ]; then say "missing parts: have $have, want $want (the machine went cold?)"; exit 3; fi
if [ ! -d "$RUN/mv" ]; then
	export LD_LIBRARY_PATH=$RUN/tools
	"$RUN/tools/zstd" -d --long=27 -c "$RUN/bundle" | tar -xf - -C "$RUN" || { say "unpack failed"; exit 4; }
	unset LD_LIBRARY_PATH
	say "unpacked $(du -sh "$RUN/mv" | cut -f1)"
fi
mv=$RUN/mv
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
	/etc/vulkan/icd.d/nvidia_icd.json; do
	[ -e "$f" ] && export VK_DRIVER_FILES=$f VK_ICD_FILENAMES=$f && break
done
for f in /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json /usr/share/glvnd/egl_vendor.d/10_nvidia.json; do
	[ -e "$f" ] && export __EGL_VENDOR_LIBRARY_FILENAMES=$f && break
done
[ -d /usr/local/nvidia/lib64 ] && export LD_LIBRARY_PATH=/usr/local/nvidia/lib64
export CHROMIUM_PATH=$mv/chromium.sh FACES_DIR=$mv/app/faces PATH=$mv:$PATH
say "VK_DRIVER_FILES=${VK_DRIVER_FILES:-} __EGL_VENDOR_LIBRARY_FILENAMES=${__EGL_VENDOR_LIBRARY_FILENAMES:-} commit $(cat "$mv/COMMIT")"
# Files in .gpu/extra replace those of the unpacked app (a fixed script without repacking).
[ -d "$ROOT/.gpu/extra" ] && cp -a "$ROOT/.gpu/extra/." "$mv/app/" && say "extra: $(cd "$ROOT/.gpu/extra" && find . -type f)"
# Headed Chromium needs an X server: Xvfb from the bundle (xvfb.sh), on :99.
if [ -x "$mv/xvfb.sh" ]; then
	rm -f /tmp/.X99-lock /tmp/.X11-unix/X99 # left by an Xvfb a previous call's end killed
	"$mv/xvfb.sh" :99 >"$OUT/xvfb.log" 2>&1 &
	xvfb=$!
	for _ in $(seq 50); do [ -S /tmp/.X11-unix/X99 ] && break; sleep 0.2; done
	if [ -S /tmp/.X11-unix/X99 ]; then export GPU_DISPLAY=:99 && say "Xvfb on :99"; else say "Xvfb did not start:" && tail -5 "$OUT/xvfb.log"; fi
fi
cd "$mv/app"
say "probing Chromium's GPU flags"
DEBUG=pw:browser timeout 300 "$mv/node" scripts/bench/gpu-probe.mjs --out="$OUT/probe.json" --plan="$RUN/plan.tsv" \
	--backends="${BENCH_BACKENDS:-webgpu,webgl,wasm}" 2> >(tee "$OUT/probe-browser.log" | awk 'n < 80 && tolower($0) ~ /gpu-probe|dawn|webgpu|vulkan/ {print; n++}')
n=0
while IFS= read -r line; do
	# cut, not read: read collapses the empty fields of a set with no flags or no extra arguments
	name=$(cut -f1 <<<"$line") flags=$(cut -f2 <<<"$line") backends=$(cut -f3 <<<"$line") extra=$(cut -f4 <<<"$line")
	n=$((n + 1))
	say "bench $n: flags $name ($flags), backends $backends $extra"
	# The set's name says how it was launched in the probe (gpu-probe.ts): headed, or headless with a DISPLAY.
	case $name in *@headed) headed=1 display=${GPU_DISPLAY:-} ;; *@display) headed= display=${GPU_DISPLAY:-} ;; *) headed= display= ;; esac
	# shellcheck disable=SC2086 # $extra: zero or more bench arguments
	DISPLAY=$display BENCH_HEADED=$headed BENCH_CHROMIUM_ARGS="$flags" timeout "${BENCH_TIMEOUT:-400}" "$mv/node" \
		scripts/bench/browser.mjs --prebuilt --clip=face.y4m --backends="$backends" $extra "$@" 2>&1 | tee "$OUT/bench-$n.log"
	cp reports/bench-browser.json "$OUT/bench-browser-$n.json" 2>/dev/null
done <"$RUN/plan.tsv"
[ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null
say "done"
