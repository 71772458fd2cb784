#!/usr/bin/env bash
# Chromium (end-to-end tests) and ffmpeg (fake camera clips) come from Debian, never from a browser download;
# PostgreSQL (the store tests and the replica test start a throw-away cluster from it) too.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
[ -n "${TEST_DATABASE_URL:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "[deps] installing ${missing[*]} with apt-get"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" fonts-dejavu-core >/dev/null
else
	echo "[deps] missing: ${missing[*]}. Install them: sudo apt-get install -y ${missing[*]}" >&2
	exit 1
fi
