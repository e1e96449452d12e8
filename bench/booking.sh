#!/bin/sh
# Booking throughput (issue [D]): wrk POSTs bookings over loopback with 64
# connections, first on distinct slots (every request a new slot, phone and key),
# then a contention run where all connections fight over 20 slots. Counts double
# bookings afterwards straight from the database (must be 0).
#
#   bench/booking.sh [build-dir]     (needs wrk: provisioning/install-deps.sh --bench)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
jc=$build/jobcenter
out=$top/bench/results/booking
rm -rf "$out"; mkdir -p "$out"
"$jc" sample --data "$out/data" --jobs 10 >/dev/null
token=$("$jc" token issue --data "$out/data" --kiosk bench)
port=18191
"$jc" serve --listen 127.0.0.1:$port --data "$out/data" --threads 2 --log-level warn >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in $(seq 50); do curl -sf http://127.0.0.1:$port/v1/health >/dev/null && break; sleep 0.1; done

# a year of slots, 31 days at a time
python3 - "$port" "$token" "$out/slots.lua" <<'PY'
import json, sys, urllib.request, datetime
port, token, dst = sys.argv[1], sys.argv[2], sys.argv[3]
day = datetime.date.today() + datetime.timedelta(days=1)
ids = []
for w in range(12):
    a, b = day + datetime.timedelta(days=31*w), day + datetime.timedelta(days=31*w+30)
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/slots?from={a}&to={b}",
                                 headers={"Authorization": "Bearer " + token})
    items = json.load(urllib.request.urlopen(req))["items"]
    ids += [(s["id"], s["topic_ids"][0]) for s in items]
with open(dst, "w") as f:
    f.write("slots = {" + ",".join('{"%s","%s"}' % s for s in ids) + "}\n")
print(len(ids), "slots")
PY

cat > "$out/book.lua" <<'L'
dofile(os.getenv("SLOTS"))
local token = os.getenv("TOKEN")
local few = tonumber(os.getenv("FEW") or "0")
local n = 0
local tid = 0
setup = function(thread) tid = tid + 1; thread:set("tid", tid) end
request = function()
  n = n + 1
  local i = few > 0 and (n % few) + 1 or ((n * 2 + (tid or 1)) % #slots) + 1
  local s = slots[i]
  local key = string.format("t%d-%d-%d", tid or 0, n, math.random(1, 1000000000))
  local phone = string.format("010-%04d-%04d", math.random(0, 9999), math.random(0, 9999))
  local body = string.format('{"slot_id":"%s","topic_id":"%s","name":"벤치","phone":"%s","consent":{"privacy":true,"version":"2026-01"}}', s[1], s[2], phone)
  return wrk.format("POST", "/v1/bookings", {["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json", ["Idempotency-Key"] = key}, body)
end
statuses = {}
response = function(status) statuses[status] = (statuses[status] or 0) + 1 end
L

run() { # name duration few
	SLOTS=$out/slots.lua TOKEN=$token FEW=$3 wrk -t2 -c64 -d$2 --latency -s "$out/book.lua" \
		http://127.0.0.1:$port > "$out/wrk-$1.txt" 2>&1
	printf '%-12s %10s req/s  p50 %8s  p99 %8s\n' "$1" \
		"$(awk '/Requests\/sec/ {print $2}' "$out/wrk-$1.txt")" \
		"$(awk '$1 == "50%" {print $2}' "$out/wrk-$1.txt")" \
		"$(awk '$1 == "99%" {print $2}' "$out/wrk-$1.txt")"
}
{
echo "POST /v1/bookings, wrk -t2 -c64, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
run distinct 1s 0
echo "  $(sqlite3 "$out/data/jobcenter.db" "SELECT count(*) || ' bookings made, first to last in ' || (max(created_at) - min(created_at) + 1) || ' s (1 s resolution); the rest of the run got 409 once the year of slots was gone' FROM bookings WHERE status='booked'")"
run contention 5s 20
echo "  double bookings: $(sqlite3 "$out/data/jobcenter.db" "SELECT count(*) FROM (SELECT slot_id FROM bookings WHERE status IN ('booked','attended','no_show') GROUP BY slot_id HAVING count(*) > 1)")"
} | tee "$out/result.txt"
