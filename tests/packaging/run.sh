#!/bin/sh
# The Debian packages (packaging/build-debs.sh): built from this build tree, each
# with the control fields, files and Depends it needs; the binaries inside run;
# the maintainer scripts parse, and jk-kiosk's and jobcenter's postinst do the
# right thing in a scratch root (DPKG_ROOT, as dpkg's chrootless installs do):
# the factory release becomes /opt/jk/releases/0 and current; a second configure
# changes nothing; a release the update agent installed is never touched.
#
#   tests/packaging/run.sh BUILD_DIR
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
fail() { echo "packaging: $*" >&2; exit 1; }

sh "$top/packaging/build-debs.sh" "$build" "$t/debs" >/dev/null
for p in jk-kiosk jk-agent jobcenter jk-release; do
	d=$(ls "$t"/debs/${p}_*.deb) || fail "no $p package"
	[ "$(dpkg-deb -f "$d" Package)" = "$p" ] || fail "$p: wrong Package"
	dpkg-deb -f "$d" Depends | grep -q "libc6" || fail "$p: no shared-library Depends"
	dpkg-deb -I "$d" md5sums >/dev/null || fail "$p: no md5sums"
	mkdir -p "$t/ctl/$p"
	dpkg-deb -e "$d" "$t/ctl/$p"
	for s in "$t/ctl/$p"/postinst "$t/ctl/$p"/prerm; do
		[ -f "$s" ] || continue
		sh -n "$s" || fail "$p: $(basename "$s") does not parse"
		[ -x "$s" ] || fail "$p: $(basename "$s") not executable"
	done
	dpkg-deb -x "$d" "$t/root"
done
dpkg-deb -f "$t"/debs/jk-kiosk_*.deb Depends | grep -q "libsdl2-ttf" || fail "jk-kiosk: no SDL_ttf"
dpkg-deb -f "$t"/debs/jk-kiosk_*.deb Depends | grep -q "fonts-noto-cjk | fonts-nanum" || fail "jk-kiosk: no fonts"
dpkg-deb -f "$t"/debs/jk-kiosk_*.deb Depends | grep -q "vlc-plugin-base" || fail "jk-kiosk: no decoders"
for f in lib/systemd/system/kiosk.service lib/systemd/system/jk-agent.service \
	lib/systemd/system/jobcenter.service usr/bin/jk-agent usr/bin/jobcenter usr/bin/jk-release \
	usr/lib/jk/factory/bin/kiosk usr/lib/jk/factory/VERSION; do
	[ -e "$t/root/$f" ] || fail "missing /$f"
done
# the stripped binaries still run
"$t/root/usr/bin/jobcenter" version >/dev/null || fail "jobcenter does not run"
"$t/root/usr/lib/jk/factory/bin/kiosk" --help >/dev/null || fail "kiosk does not run"
rc=0
"$t/root/usr/bin/jk-agent" 2>/dev/null || rc=$?
[ $rc -eq 2 ] || fail "jk-agent does not run (exit $rc, want 2 for usage)"
# jk-kiosk's postinst, twice: the factory release is current
DPKG_ROOT=$t/root sh "$t/ctl/jk-kiosk/postinst" configure
DPKG_ROOT=$t/root sh "$t/ctl/jk-kiosk/postinst" configure
[ "$(readlink "$t/root/opt/jk/current")" = releases/0 ] || fail "current is not releases/0"
cmp "$t/root/opt/jk/releases/0/bin/kiosk" "$t/root/usr/lib/jk/factory/bin/kiosk" || fail "releases/0 differs"
[ "$(cat "$t/root/opt/jk/current/VERSION")" = "$(dpkg-deb -f "$t"/debs/jk-kiosk_*.deb Version)" ] ||
	fail "VERSION is not the package's"
ls "$t/root/opt/jk/releases" | grep -qv '^0$' && fail "leftovers in releases/"
# the agent installed release 5: an upgrade of the package leaves it running
mkdir -p "$t/root/opt/jk/releases/5/bin" && echo agent > "$t/root/opt/jk/releases/5/bin/kiosk"
ln -sfn releases/5 "$t/root/opt/jk/current"
echo old > "$t/root/opt/jk/releases/0/VERSION"
DPKG_ROOT=$t/root sh "$t/ctl/jk-kiosk/postinst" configure
[ "$(readlink "$t/root/opt/jk/current")" = releases/5 ] || fail "postinst moved current off the agent's release"
[ "$(cat "$t/root/opt/jk/releases/5/bin/kiosk")" = agent ] || fail "postinst touched releases/5"
# jobcenter's postinst: a loopback configuration, kept once edited
DPKG_ROOT=$t/root sh "$t/ctl/jobcenter/postinst" configure
grep -q '"listen": "127.0.0.1:8080"' "$t/root/etc/jobcenter/config.json" || fail "no default config"
echo '{"listen": "0.0.0.0:80"}' > "$t/root/etc/jobcenter/config.json"
DPKG_ROOT=$t/root sh "$t/ctl/jobcenter/postinst" configure
grep -q '0.0.0.0:80' "$t/root/etc/jobcenter/config.json" || fail "postinst overwrote the configuration"
# the units name what the packages install
grep -q '^ExecStart=/opt/jk/current/bin/kiosk ' "$t/root/lib/systemd/system/kiosk.service" || fail "kiosk.service ExecStart"
grep -q '^WatchdogSec=' "$t/root/lib/systemd/system/kiosk.service" || fail "kiosk.service has no watchdog"
grep -q '^ExecStart=/usr/bin/jobcenter ' "$t/root/lib/systemd/system/jobcenter.service" || fail "jobcenter.service ExecStart"
# units that systemd accepts (only the binaries' absence here is forgiven)
if command -v systemd-analyze >/dev/null 2>&1; then
	for u in kiosk jk-agent jobcenter; do
		if systemd-analyze verify "$t/root/lib/systemd/system/$u.service" 2>&1 |
			grep -v -e 'is not executable: No such file'; then
			fail "$u.service: systemd-analyze complains"
		fi
	done
fi
echo "packaging: 4 packages built and checked"
