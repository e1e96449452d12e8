#!/bin/sh
# Offline-cache sync volume (issue [C]): a full sync of 100k listings through
# GET /v1/jobs/changes, then an incremental sync after the service re-posted 1,000
# of them (jobcenter sample --revise), in the kiosk's page size (250). Reports the
# bytes received against the changed listings' own JSON (target <= 1.2x).
#
#   bench/sync.sh [build-dir]       (after bench/http_search.sh made the 100k data)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
jc=$build/jobcenter
src=$top/bench/results/data-100k
work=$top/bench/results/sync
[ -f "$src/.done-42" ] || { echo "sync.sh: run bench/http_search.sh first" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"
cp "$src/jobcenter.db" "$work/"
token=$("$jc" token issue --data "$work" --kiosk bench-sync)
port=18193
"$jc" serve --listen 127.0.0.1:$port --data "$work" --log-level warn >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for i in $(seq 50); do curl -sf http://127.0.0.1:$port/v1/health >/dev/null && break; sleep 0.1; done

python3 - "$port" "$token" "$jc" "$work" <<'PY' | tee "$work/result.txt"
import json, subprocess, sys, time, urllib.request
port, token, jc, work = sys.argv[1:5]
def page(since):
    url = f"http://127.0.0.1:{port}/v1/jobs/changes?per_page=250" + (f"&since={since}" if since else "")
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    body = urllib.request.urlopen(req).read()
    return body, json.loads(body)
def sync(cursor):
    total, ups, dels, own, t0 = 0, 0, 0, 0, time.time()
    while True:
        body, p = page(cursor)
        total += len(body); ups += len(p["upserts"]); dels += len(p["deletes"])
        own += sum(len(json.dumps(j, ensure_ascii=False, separators=(",", ":")).encode()) for j in p["upserts"])
        cursor = p["cursor"]
        if not p["more"]:
            return cursor, total, ups, dels, own, time.time() - t0
cur, total, ups, dels, own, secs = sync(None)
print(f"full sync: {ups} listings, {total/1e6:.1f} MB received in {secs:.1f} s (transfer and JSON only)")
subprocess.run([jc, "sample", "--data", work, "--jobs", "100000", "--seed", "42", "--revise", "1000"],
               check=True, stdout=subprocess.DEVNULL)
cur, total, ups, dels, own, secs = sync(cur)
print(f"incremental sync after 1,000 re-posted: {ups} upserts, {dels} deletes, {total} bytes; "
      f"the changed listings' JSON: {own} bytes; ratio {total/own:.3f}")
PY
