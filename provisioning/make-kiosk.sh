#!/bin/sh
# Turns a fresh Debian 12 box into an enrolled kiosk (run as root, once; running
# it again re-does the settings, and enrolls again only with --enroll-token):
#
#   provisioning/make-kiosk.sh --server https://jobcenter.example/ \
#       --enroll-token TOKEN --kiosk-id lib-seo-01 --root-json root.json \
#       [--fleet-ca fleet-ca.pem] [--debs DIR] [--language ko] [--media-cache-mb 4096]
#
# 1. installs the packages (jk-kiosk, jk-agent from --debs, or from the apt
#    repository the box is configured with);
# 2. enrolls: `jk-agent --enroll` trades the one-time token (`jobcenter fleet
#    enroll-token` on the server) for this kiosk's device token, kept in
#    /etc/kiosk/device-token (0600); it is the kiosk's API token too;
# 3. writes /etc/kiosk/kiosk.json (0640 root:kiosk) and /etc/kiosk/update.env, and
#    installs the root of trust releases are checked against
#    (/usr/share/jk/root.json, from the IT workstation: jk-release root);
# 4. makes the box a kiosk: Seoul time, boots to the kiosk (graphical.target, no
#    login on tty1), no console blanking, the kiosk and the agent started.
#
# --prefix DIR writes every file under DIR and skips packages and system settings
# (tests; preparing an image). --fleet-ca: the CA certificate (PEM) of the
# server's https certificate; the agent then trusts only it (installed as
# /etc/kiosk/fleet-ca.pem), which pins the server and saves the agent ~1 MiB.
set -eu
server= token= kiosk_id= root_json= debs= language=ko media_mb=4096 prefix= fleet_ca=
while [ $# -gt 0 ]; do
	case $1 in
	--server) server=$2 ;;
	--enroll-token) token=$2 ;;
	--kiosk-id) kiosk_id=$2 ;;
	--root-json) root_json=$2 ;;
	--fleet-ca) fleet_ca=$2 ;;
	--debs) debs=$2 ;;
	--language) language=$2 ;;
	--media-cache-mb) media_mb=$2 ;;
	--prefix) prefix=$2 ;;
	*) echo "make-kiosk: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
die() { echo "make-kiosk: $*" >&2; exit 1; }
[ -n "$server" ] && [ -n "$kiosk_id" ] && [ -n "$root_json" ] ||
	die "--server, --kiosk-id and --root-json are needed (and --enroll-token the first time)"
case $server in */) ;; *) server=$server/ ;; esac
case $kiosk_id in *[!A-Za-z0-9._-]*) die "--kiosk-id: letters, digits, . _ - only" ;; esac
case $language in ko|en) ;; *) die "--language ko or en" ;; esac
[ -r "$root_json" ] || die "cannot read $root_json"
[ -z "$fleet_ca" ] || grep -q "BEGIN CERTIFICATE" "$fleet_ca" 2>/dev/null ||
	die "--fleet-ca: $fleet_ca is not a PEM certificate"
P=$prefix
[ -n "$P" ] || [ "$(id -u)" = 0 ] || die "run as root"

# 1. packages
if [ -z "$P" ]; then
	if [ -n "$debs" ]; then
		apt-get install -y "$debs"/jk-kiosk_*.deb "$debs"/jk-agent_*.deb
	else
		apt-get install -y jk-kiosk jk-agent
	fi
fi
agent=jk-agent
[ -n "$P" ] && agent=${JK_AGENT:-jk-agent}

# 2. enrollment
mkdir -p "$P/etc/kiosk" "$P/usr/share/jk"
chmod 0755 "$P/etc/kiosk"
ca_args=
if [ -n "$fleet_ca" ]; then
	install -m 0644 "$fleet_ca" "$P/etc/kiosk/fleet-ca.pem"
	ca_args="--ca-file /etc/kiosk/fleet-ca.pem"
fi
if [ -n "$token" ]; then
	# shellcheck disable=SC2086
	"$agent" --enroll "$token" --kiosk-id "$kiosk_id" --fleet "$server" \
		${fleet_ca:+--ca-file "$P/etc/kiosk/fleet-ca.pem"} \
		--token-file "$P/etc/kiosk/device-token" >/dev/null ||
		die "enrollment failed (a token works once: ask for a new one with 'jobcenter fleet enroll-token')"
fi
[ -s "$P/etc/kiosk/device-token" ] || die "not enrolled yet: give --enroll-token"
device_token=$(head -n 1 "$P/etc/kiosk/device-token")

# 3. configuration and the root of trust
umask 027
cat > "$P/etc/kiosk/kiosk.json.new" <<EOF
{
  "api_url": "$server",
  "device_token": "$device_token",
  "kiosk_id": "$kiosk_id",
  "cache_dir": "/var/cache/kiosk",
  "language": "$language",
  "media_cache_mb": $media_mb,
  "log_level": "info"
}
EOF
if [ -z "$P" ]; then chgrp kiosk "$P/etc/kiosk/kiosk.json.new"; fi
mv "$P/etc/kiosk/kiosk.json.new" "$P/etc/kiosk/kiosk.json"
umask 022
cat > "$P/etc/kiosk/update.env" <<EOF
JK_UPDATE_URL=${server}releases/
JK_FLEET_ARGS=--fleet $server --token-file /etc/kiosk/device-token $ca_args
EOF
install -m 0644 "$root_json" "$P/usr/share/jk/root.json"

# 4. the box itself
if [ -z "$P" ]; then
	ln -sf /usr/share/zoneinfo/Asia/Seoul /etc/localtime
	echo Asia/Seoul > /etc/timezone
	mkdir -p /etc/default/grub.d
	echo 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT consoleblank=0 quiet"' \
		> /etc/default/grub.d/jk-kiosk.cfg
	if command -v update-grub >/dev/null 2>&1; then update-grub >/dev/null 2>&1 || true; fi
	if [ -d /run/systemd/system ]; then
		systemctl set-default graphical.target
		systemctl disable getty@tty1.service >/dev/null 2>&1 || true
		systemctl enable kiosk.service jk-agent.service
		systemctl restart kiosk.service jk-agent.service
	fi
fi
echo "make-kiosk: $kiosk_id enrolled with $server; kiosk and update agent configured"
