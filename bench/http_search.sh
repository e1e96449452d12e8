#!/bin/sh
# HTTP benchmark of GET /v1/jobs (issue [A]): wrk against jobcenter on a 100k-job
# database with a mix of 2-, 3- and 5-syllable queries and filters, and, in the same
# run, against nginx serving the very same response bodies as static files.
# Also a run with the response cache off (every request searches SQLite).
#
#   bench/http_search.sh [build-dir]      (needs: provisioning/install-deps.sh --bench)
#
# Prints a table; results also go to bench/results/http_search.txt.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
jc=$build/jobcenter
out=$top/bench/results
data=$out/data-100k
dur=${DURATION:-10}
conns=${CONNS:-64}
mkdir -p "$out"
command -v wrk >/dev/null && command -v nginx >/dev/null || {
	echo "http_search: needs wrk and nginx (provisioning/install-deps.sh --bench)" >&2; exit 1; }

if [ ! -f "$data/.done-42" ]; then
	rm -rf "$data"
	"$jc" sample --data "$data" --jobs 100000 --seed 42
	touch "$data/.done-42"
fi
token=$("$jc" token issue --data "$data" --kiosk bench)

# The query mix: what kiosk users type, with and without filters (URL-encoded).
cat > "$out/paths.txt" <<'P'
/v1/jobs?q=%EA%B0%84%ED%98%B8
/v1/jobs?q=%EC%82%AC%EB%AC%B4
/v1/jobs?q=%EB%AC%BC%EB%A5%98
/v1/jobs?q=%EC%A1%B0%EB%A6%AC&region=29140
/v1/jobs?q=%EA%B0%84%ED%98%B8%EC%82%AC
/v1/jobs?q=%EB%B0%94%EB%A6%AC%EC%8A%A4%ED%83%80&employment=part_time
/v1/jobs?q=%EC%9A%94%EC%96%91%EB%B3%B4%ED%98%B8%EC%82%AC
/v1/jobs?q=%EA%B0%84%ED%98%B8%EC%A1%B0%EB%AC%B4%EC%82%AC&career=new
/v1/jobs?q=%EC%82%AC%EB%AC%B4&region=29140&sort=deadline
/v1/jobs?region=29140745&sort=recent
P

port_jc=18181 port_ng=18182
serve() {
	"$jc" serve --listen 127.0.0.1:$port_jc --data "$data" --threads 2 --cache-mb "$1" \
		2>"$out/jobcenter-$1.log" >/dev/null &
	pid=$!
	for i in $(seq 50); do curl -sf http://127.0.0.1:$port_jc/v1/health >/dev/null && return; sleep 0.1; done
	echo "jobcenter did not start" >&2; exit 1
}

# Static copies of the same bodies for nginx.
serve 64
rm -rf "$out/static"; mkdir -p "$out/static"
n=0
while read -r p; do
	n=$((n + 1))
	curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port_jc$p" > "$out/static/$n.json"
done < "$out/paths.txt"
kill $pid; wait $pid 2>/dev/null || true

cat > "$out/nginx.conf" <<NG
worker_processes 2;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types { application/json json; }
  server {
    listen 127.0.0.1:$port_ng;
    root $out/static;
  }
}
NG

lua_jc=$out/jobcenter.lua lua_ng=$out/nginx.lua
{ printf 'local paths = {\n'; sed 's/.*/  "&",/' "$out/paths.txt"; printf '}\n'
  cat <<'L'
local i = 0
local token = os.getenv("TOKEN")
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["Authorization"] = "Bearer " .. token, ["X-Kiosk-Id"] = "bench"})
end
L
} > "$lua_jc"
{ printf 'local paths = {\n'; for k in $(seq $n); do printf '  "/%s.json",\n' $k; done; printf '}\n'
  cat <<'L'
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
L
} > "$lua_ng"

run_wrk() { # name url lua
	TOKEN=$token wrk -t2 -c$conns -d${dur}s --latency -s "$3" "$2" > "$out/wrk-$1.txt" 2>&1
	rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk-$1.txt")
	p50=$(awk '$1 == "50%" {print $2}' "$out/wrk-$1.txt")
	p99=$(awk '$1 == "99%" {print $2}' "$out/wrk-$1.txt")
	non2xx=$(awk '/Non-2xx/ {print $5}' "$out/wrk-$1.txt")
	printf '%-28s %12s %10s %10s %8s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
	eval "rps_$2_x=\$rps" 2>/dev/null || true
	echo "$rps" > "$out/rps-$1"
}

{
echo "GET /v1/jobs mix of $n queries, 100k jobs, wrk -t2 -c$conns -d${dur}s, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
printf '%-28s %12s %10s %10s %8s\n' target req/s p50 p99 non-2xx
nginx -c "$out/nginx.conf"
run_wrk nginx-static http://127.0.0.1:$port_ng "$lua_ng"
nginx -c "$out/nginx.conf" -s stop
serve 64
run_wrk jobcenter http://127.0.0.1:$port_jc "$lua_jc"
kill $pid; wait $pid 2>/dev/null || true
serve 0
run_wrk jobcenter-no-cache http://127.0.0.1:$port_jc "$lua_jc"
kill $pid; wait $pid 2>/dev/null || true
awk -v a="$(cat "$out/rps-jobcenter")" -v b="$(cat "$out/rps-nginx-static")" \
	'BEGIN { printf "ratio jobcenter / nginx static: %.2f\n", a / b }'
} | tee "$out/http_search.txt"
