#!/bin/sh
# Runs console.test.mjs against a fresh service: a temporary state directory with
# sample data, a counsellor (c-01) and an admin account, a kiosk token, and
# `jobcenter serve` on a free port of 127.0.0.1. Screenshots of every page go to OUT.
#
#   tests/console/run.sh JOBCENTER_BINARY OUT_DIR
#
# Exits 77 (ctest: skipped) when Node.js, the npm packages (npm ci in tests/console)
# or Chromium are missing, unless JK_REQUIRE_BROWSER=1 (CI), where that is a failure.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jc=$1
out=$2
chromium=${CHROMIUM:-/usr/bin/chromium}

missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -d "$here/node_modules/playwright-core" ] || missing="$missing node_modules (npm ci)"
[ -x "$chromium" ] || missing="$missing $chromium"
if [ -n "$missing" ]; then
	echo "console test: missing:$missing"
	if [ "${JK_REQUIRE_BROWSER:-0}" = 1 ]; then exit 1; fi
	exit 77
fi

dir=$(mktemp -d /tmp/jk-console-XXXXXX)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT INT TERM
mkdir -p "$out"

"$jc" sample --data "$dir" --jobs 50 --seed 7 >/dev/null
printf 'counsel-pass-01\n' | "$jc" user add --data "$dir" --login kim --name 김하늘 \
	--role counselor --counselor c-01
printf 'admin-pass-0001\n' | "$jc" user add --data "$dir" --login admin --name 관리자 --role admin
token=$("$jc" token issue --data "$dir" --kiosk console-test)

"$jc" serve --listen 127.0.0.1:0 --data "$dir" --threads 2 --log-level warn \
	>"$dir/stdout" 2>"$dir/stderr" &
pid=$!
port=""
for i in $(seq 100); do
	port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/stdout" | head -1)
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "console test: the service did not start"; cat "$dir/stderr"; exit 1; }

# a kiosk in the fleet and a rollout, for the IT staff's page
et=$("$jc" fleet enroll-token --data "$dir" --group libraries)
ktok=$(curl -sf -X POST -H 'Content-Type: application/json' \
	-d "{\"enroll_token\": \"$et\", \"kiosk_id\": \"lib-seo-01\"}" \
	"http://127.0.0.1:$port/v1/fleet/enroll" | sed 's/.*"device_token":"\([^"]*\)".*/\1/')
curl -sf -X POST -H "Authorization: Bearer $ktok" -H 'Content-Type: application/json' \
	-d '{"version": 6, "uptime_s": 3600, "last_error": "timestamp unavailable"}' \
	"http://127.0.0.1:$port/v1/fleet/heartbeat" >/dev/null
"$jc" fleet rollout --data "$dir" --version 7 --previous 6 --stages 5,25,100 >/dev/null

rc=0
BASE="http://127.0.0.1:$port" TOKEN="$token" OUT="$out" CHROMIUM="$chromium" \
	CLOGIN=kim CPASS=counsel-pass-01 ALOGIN=admin APASS=admin-pass-0001 \
	node "$here/console.test.mjs" || rc=$?
if [ "$rc" != 0 ]; then
	echo "--- service log"
	tail -20 "$dir/stderr"
fi
exit $rc
