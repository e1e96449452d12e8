#!/bin/sh
# Remote updates (issue [F]): a release of 50 files with one 100 MB video; v2
# changes 1 small file and 3 MiB in the middle of the video. Measures, over
# loopback HTTP (nginx serving the publishing folder): bytes the agent downloads
# for v2 against the bytes that changed; the agent's peak RSS; and its download
# throughput for the whole v1 against plain curl fetching the same chunk files.
#
#   bench/update.sh [build-dir]     (needs nginx: provisioning/install-deps.sh --bench)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
rel=$build/jk-release
agent=$build/jk-agent
out=$top/bench/results/update
rm -rf "$out"; mkdir -p "$out/k" "$out/pub/chunks" "$out/v1/media" "$out/v1/bin"
cd "$out"
for k in root rel ts; do "$rel" keygen k/$k >/dev/null; done
"$rel" root --version 1 --root k/root.pub --release k/rel.pub --timestamp k/ts.pub \
	--sign k/root > root.json
for i in $(seq 49); do head -c $((4096 + i * 512)) /dev/urandom > v1/bin/file$i; done
head -c 104857600 /dev/urandom > v1/media/video.mp4
cp -a v1 v2
head -c 2000 /dev/urandom > v2/bin/file7
dd if=/dev/urandom of=v2/media/video.mp4 bs=1048576 seek=40 count=3 conv=notrunc status=none
changed=$((2000 + 3 * 1048576))

port=18291
tport=18292
# a CA of our own and a server certificate for the https runs
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=jk-bench-ca -keyout ca.key -out ca.pem 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
	-keyout srv.key -out srv.csr 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > san.ext
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile san.ext -out srv.pem 2>/dev/null
cat /etc/ssl/certs/ca-certificates.crt ca.pem > system-and-ours.pem
cat > nginx.conf <<NGX
worker_processes 1;
error_log $out/nginx-error.log;
pid $out/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  server { listen 127.0.0.1:$port; root $out/pub; }
  server { listen 127.0.0.1:$tport ssl; root $out/pub;
           ssl_certificate $out/srv.pem; ssl_certificate_key $out/srv.key; }
}
NGX
nginx -c "$out/nginx.conf"
trap 'nginx -c "$out/nginx.conf" -s stop 2>/dev/null' EXIT

publish() {
	"$rel" release --dir "v$1" --version "$1" --software-version "1.$1.0" --hardware kx \
		--chunks-dir pub/chunks --sign k/rel > pub/release.json
	"$rel" timestamp --release pub/release.json --version "$1" --sign k/ts > pub/timestamp.json
}
run_agent() { # NAME [agent options...]
	n=$1; shift
	/usr/bin/time -f "%M" -o "rss$n.txt" "$agent" --root-dir "$out/opt" \
		--url "http://127.0.0.1:$port/" --hardware kx --trusted-root root.json \
		--restart true --health true --health-settle 0 --once "$@" > "agent$n.json" &
	# the sampler takes CPU: not during the throughput rounds
	case $n in t[0-9]*) ;; *) python3 "$top/bench/memsample.py" $! "mem$n.txt" ;; esac
	wait $!
}
publish 1
t0=$(date +%s.%N)
run_agent 1
t1=$(date +%s.%N)
publish 2
run_agent 2
# v1 over https into an empty kiosk: trusting the system's CA bundle (plus ours,
# as if the fleet had a public certificate), and trusting only the fleet's CA
for trust in system-and-ours ca; do
	rm -rf "$out/opt"
	publish 1
	run_agent "tls-$trust" --url "https://127.0.0.1:$tport/" --ca-file "$out/$trust.pem"
done
# throughput, side by side, 5 rounds: the agent fetching all of v1 into an empty
# kiosk (checking every chunk) against plain curl fetching the same chunk files
# on one connection to disk; medians
ls pub/chunks > chunks.txt
publish 1
for i in 1 2 3 4 5; do
	rm -rf "$out/opt" curl-out && mkdir curl-out
	run_agent "t$i"
	t2=$(date +%s.%N)
	awk -v p="$port" '{ printf "url = http://127.0.0.1:%s/chunks/%s\noutput = curl-out/%s\n", p, $1, $1 }' \
		chunks.txt | curl -s -K -
	sync
	t3=$(date +%s.%N)
	echo "$t2 $t3" > "curl$i.txt"
done
python3 - "$changed" "$t0" "$t1" <<'PY'
import json, statistics, sys
changed = int(sys.argv[1])
t0, t1 = (float(x) for x in sys.argv[2:4])
a1 = json.load(open("agent1.json")); a2 = json.load(open("agent2.json"))
rounds = [f"t{i}" for i in range(1, 6)]
rss = max(int(open(f"rss{n}.txt").read().split()[-1]) for n in ["1", "2"] + rounds)
agent_ms = [json.load(open(f"agent{n}.json"))["download_ms"] for n in rounds]
curl_ms = []
for i in range(1, 6):
    a, b = (float(x) for x in open(f"curl{i}.txt").read().split())
    curl_ms.append((b - a) * 1000)
am, cm = statistics.median(agent_ms), statistics.median(curl_ms)
print(f"v1: {a1['outcome']}, {a1['bytes']} bytes")
print(f"v2: {a2['outcome']}, {a2['bytes']} bytes downloaded for {changed} bytes changed: "
      f"{a2['bytes'] / changed:.3f}x")
mem = {}
for n in ["1", "2"]:
    for line in open(f"mem{n}.txt"):
        k, v = line.split()
        mem[k] = max(mem.get(k, 0), int(v))
print(f"agent peak RSS over http (max of 7 runs): {rss / 1024:.1f} MiB; v1 and v2 sampled every 5 ms: "
      f"PSS {mem['Pss'] / 1024:.1f} MiB, anonymous {mem['Anonymous'] / 1024:.1f} MiB "
      f"(the rest of RSS is clean shared-library pages)")
for trust, what in (("system-and-ours", "the system's CA bundle"), ("ca", "only the fleet's CA (--ca-file)")):
    n = f"tls-{trust}"
    a = json.load(open(f"agent{n}.json"))
    m = dict(line.split() for line in open(f"mem{n}.txt"))
    print(f"v1 over https trusting {what}: {a['outcome']}, peak RSS "
          f"{int(open(f'rss{n}.txt').read().split()[-1]) / 1024:.1f} MiB, "
          f"PSS {int(m['Pss']) / 1024:.1f}, anonymous {int(m['Anonymous']) / 1024:.1f} MiB")
print(f"v1 chunks, 5 rounds: agent download with SHA-256 checks median {am:.0f} ms "
      f"({a1['bytes'] / am / 1000:.0f} MB/s; {', '.join(f'{x:.0f}' for x in agent_ms)}); "
      f"curl to disk median {cm:.0f} ms ({', '.join(f'{x:.0f}' for x in curl_ms)}): "
      f"throughput agent/curl {cm / am:.2f}x")
print(f"v1 complete cycle (download, assemble, check, fsync, switch): {t1 - t0:.2f} s")
PY
# the same change with casync (content-defined chunks, whole tree) and zchunk
# (the video alone), when installed (provisioning/install-deps.sh --bench)
if command -v casync >/dev/null 2>&1; then
	rm -rf cz && mkdir cz
	casync make --store=cz/store cz/v1.caidx v1 >/dev/null 2>&1
	s1=$(find cz/store -type f -printf '%s\n' | awk '{n += $1} END {print n}')
	casync make --store=cz/store cz/v2.caidx v2 >/dev/null 2>&1
	s2=$(find cz/store -type f -printf '%s\n' | awk '{n += $1} END {print n}')
	echo "casync: v2 needs $((s2 - s1)) bytes of new chunks + $(stat -c %s cz/v2.caidx) bytes of index"
fi
if command -v zck >/dev/null 2>&1; then
	zck -o cz/v1.zck v1/media/video.mp4 >/dev/null 2>&1
	zck -o cz/v2.zck v2/media/video.mp4 >/dev/null 2>&1
	echo "zchunk (the video only): $(zck_delta_size cz/v1.zck cz/v2.zck 2>&1 | head -1)"
fi

