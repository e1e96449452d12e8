#!/bin/sh
# Installs the Debian 12 packages needed to build, test and run the youth job kiosk.
# Idempotent and non-interactive: packages already present are left alone, so the
# second run is a no-op apart from the package index check.
#
# Usage (as root): provisioning/install-deps.sh [--bench] [--browser]
#   --bench    also installs the benchmark tools (wrk, nginx)
#   --browser  also installs Chromium (and Node.js where there is none) for the
#              console's browser test
set -eu

BUILD="build-essential cmake pkg-config git ca-certificates openssl curl python3 ffmpeg espeak-ng"
LIBS="libsdl2-dev libsdl2-ttf-dev libcurl4-openssl-dev libjson-c-dev libvlc-dev
      libsqlite3-dev sqlite3 libmicrohttpd-dev libsodium-dev libhangul-dev
      libqrencode-dev libxml2-dev libcmocka-dev libpng-dev libssl-dev libespeak-ng-dev"
RUNTIME="vlc-plugin-base vlc-plugin-video-output fonts-noto-cjk fonts-nanum"
BENCH="wrk nginx-light casync zchunk"
BROWSER="chromium"
command -v node >/dev/null 2>&1 || BROWSER="$BROWSER nodejs npm"

want="$BUILD $LIBS $RUNTIME"
for arg in "$@"; do
	case "$arg" in
	--bench) want="$want $BENCH" ;;
	--browser) want="$want $BROWSER" ;;
	*) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
	esac
done

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-deps: missing packages:$missing; run as root" >&2; exit 1
	fi
else
	SUDO=""
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
