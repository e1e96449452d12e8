#!/bin/sh
# Debian 12 packages from a build tree (docs/packaging in packaging/README.md):
#
#   jk-kiosk     the kiosk's factory release (/usr/lib/jk/factory: bin/kiosk,
#                bin/kioskctl, VERSION), copied to /opt/jk/releases/0 by postinst
#                when it is what runs (or nothing does); kiosk.service runs
#                /opt/jk/current/bin/kiosk, so releases from the update agent
#                replace it without dpkg
#   jk-agent     the update agent and its unit
#   jobcenter    the Job Support Center service (API, consoles, fleet) and its unit
#   jk-release   the release-signing CLI for IT workstations
#
#   packaging/build-debs.sh [build-dir] [out-dir]
#
# Depends come from dpkg-shlibdeps (the libraries the binaries link) plus what is
# loaded at run time (fonts, VLC's decoders). Binaries are stripped copies.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
out=${2:-$build/debs}
version=$(sed -n 's/^project([a-z_]* VERSION \([0-9.]*\).*/\1/p' "$top/CMakeLists.txt")
[ -n "$version" ] || { echo "build-debs: no project version in CMakeLists.txt" >&2; exit 1; }
arch=$(dpkg --print-architecture)
for b in kiosk kioskctl jk-agent jobcenter jk-release; do
	[ -x "$build/$b" ] || { echo "build-debs: $build/$b missing (build first)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
rm -f "$out"/*.deb

# put SRC DEST [MODE]: a file into the package tree
put() {
	mkdir -p "$(dirname "$2")"
	install -m "${3:-0644}" "$1" "$2"
}
bin() {
	put "$1" "$2" 0755
	strip --strip-unneeded "$2"
}

# shlibs PKG FILE...: the Depends the binaries need, as dpkg-shlibdeps says
shlibs() {
	pkg=$1
	shift
	mkdir -p "$work/shl/debian"
	printf 'Source: jk\n\nPackage: %s\nArchitecture: any\n' "$pkg" > "$work/shl/debian/control"
	(cd "$work/shl" && dpkg-shlibdeps -O -e "$@" 2>/dev/null) | sed -n 's/^shlibs:Depends=//p'
}

# deb PKG DEPENDS DESCRIPTION: DEBIAN/control, md5sums, the .deb
deb() {
	root=$work/$1
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	mkdir -p "$root/DEBIAN"
	cat > "$root/DEBIAN/control" <<EOF
Package: $1
Version: $version
Architecture: $arch
Maintainer: Youth Job Kiosk team <kiosk@jobcenter.invalid>
Installed-Size: $size
Depends: $2
Section: misc
Priority: optional
Homepage: https://jobcenter.invalid/kiosk
Description: $3
EOF
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | LC_ALL=C sort |
		xargs -r md5sum > DEBIAN/md5sums)
	for s in postinst prerm postrm; do
		[ -f "$root/DEBIAN/$s" ] && chmod 0755 "$root/DEBIAN/$s"
	done
	[ -f "$root/DEBIAN/conffiles" ] && chmod 0644 "$root/DEBIAN/conffiles"
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${1}_${version}_$arch.deb" >/dev/null
}

# ---- jk-kiosk ----
r=$work/jk-kiosk
bin "$build/kiosk" "$r/usr/lib/jk/factory/bin/kiosk"
bin "$build/kioskctl" "$r/usr/lib/jk/factory/bin/kioskctl"
echo "$version" > "$r/usr/lib/jk/factory/VERSION"
mkdir -p "$r/usr/bin"
ln -s ../lib/jk/factory/bin/kioskctl "$r/usr/bin/kioskctl"
put "$top/packaging/systemd/kiosk.service" "$r/lib/systemd/system/kiosk.service"
put "$top/packaging/kiosk.json.example" "$r/usr/share/doc/jk-kiosk/kiosk.json.example"
mkdir -p "$r/DEBIAN"
cp "$top/packaging/debian/jk-kiosk.postinst" "$r/DEBIAN/postinst"
cp "$top/packaging/debian/jk-kiosk.prerm" "$r/DEBIAN/prerm"
deb jk-kiosk "$(shlibs jk-kiosk "$r/usr/lib/jk/factory/bin/kiosk" "$r/usr/lib/jk/factory/bin/kioskctl"), vlc-plugin-base, fonts-noto-cjk | fonts-nanum, adduser" \
	"Youth job kiosk: the touch application
 Fullscreen SDL2 application for unattended public job kiosks: job search with
 an on-screen Hangul keyboard, counsellor booking, interview practice videos.
 Runs on KMSDRM without a desktop (kiosk.service)."

# ---- jk-agent ----
r=$work/jk-agent
bin "$build/jk-agent" "$r/usr/bin/jk-agent"
put "$top/packaging/systemd/jk-agent.service" "$r/lib/systemd/system/jk-agent.service"
put "$top/packaging/update.env.example" "$r/usr/share/doc/jk-agent/update.env.example"
mkdir -p "$r/DEBIAN"
cp "$top/packaging/debian/jk-agent.postinst" "$r/DEBIAN/postinst"
cp "$top/packaging/debian/jk-agent.prerm" "$r/DEBIAN/prerm"
deb jk-agent "$(shlibs jk-agent "$r/usr/bin/jk-agent"), jk-kiosk" \
	"Youth job kiosk: remote update agent
 Fetches signed releases (TUF-style metadata, ed25519), downloads only the
 chunks it lacks, installs them beside the running release, switches
 atomically, checks the kiosk's health and rolls back on failure."

# ---- jobcenter ----
r=$work/jobcenter
bin "$build/jobcenter" "$r/usr/bin/jobcenter"
put "$top/packaging/systemd/jobcenter.service" "$r/lib/systemd/system/jobcenter.service"
put "$top/packaging/jobcenter.json.example" "$r/usr/share/doc/jobcenter/config.json.example"
mkdir -p "$r/DEBIAN"
cp "$top/packaging/debian/jobcenter.postinst" "$r/DEBIAN/postinst"
cp "$top/packaging/debian/jobcenter.prerm" "$r/DEBIAN/prerm"
deb jobcenter "$(shlibs jobcenter "$r/usr/bin/jobcenter")" \
	"Youth Job Support Center service
 The API kiosks use (jobs, counselling bookings, interview media), the
 counsellors' web console, and the fleet server (enrollment, heartbeats, staged
 rollouts, published releases). SQLite storage."

# ---- jk-release ----
r=$work/jk-release
bin "$build/jk-release" "$r/usr/bin/jk-release"
deb jk-release "$(shlibs jk-release "$r/usr/bin/jk-release")" \
	"Youth job kiosk: release signing tools
 Makes keys, signs roots, releases and timestamps for the kiosks' update agent
 on an IT workstation (keep it offline)."

ls "$out"
