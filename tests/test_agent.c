/*
 * The update agent against releases published with the real jk-release CLI into a
 * folder it reads through file:// URLs: v1 -> v2 succeeds and fetches only what
 * changed; a v3 whose health check fails is rolled back and never retried; a
 * release with a tampered chunk or an older version changes nothing; an
 * interrupted chunk download resumes from where it stopped; kill -9 of the agent
 * at 30 random points always leaves `current` on a complete release, and the next
 * run ends on the new one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "testutil.h"
#include "tuf.h"

static char dir[64], pub[128], opt[128], health[256], rootjson[128];
static agent_cfg cfg;
static char url[256];

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void put(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* Stage directory for version v: the kiosk binary, a health flag, an unchanged
 * logo, and a 3 MiB video whose second chunk differs by version. */
static void stage(int v, const char *healthy)
{
	char p[256], txt[64];
	snprintf(p, sizeof(p), "%s/stage%d", dir, v);
	sh("mkdir -p %s/bin %s/media %s/assets", p, p, p);
	snprintf(txt, sizeof(txt), "kiosk version %d\n", v);
	snprintf(p, sizeof(p), "%s/stage%d/bin/kiosk", dir, v);
	put(p, txt);
	snprintf(p, sizeof(p), "%s/stage%d/health", dir, v);
	put(p, healthy);
	snprintf(p, sizeof(p), "%s/stage%d/assets/logo.png", dir, v);
	put(p, "a logo that never changes");
	/* the video: deterministic bytes, one chunk edited per version */
	snprintf(p, sizeof(p), "%s/stage%d/media/video.mp4", dir, v);
	FILE *f = fopen(p, "wb");
	unsigned char block[4096];
	for (int i = 0; i < 3 * 256; i++) {
		for (int k = 0; k < 4096; k++)
			block[k] = (unsigned char)(i * 31 + k * 7 + (i >= 256 && i < 300 ? v : 0));
		fwrite(block, 1, sizeof(block), f);
	}
	fclose(f);
}

static void publish(int v, int ts_version)
{
	sh("%s release --dir %s/stage%d --version %d --software-version 1.%d.0 --hardware kx"
	   " --chunks-dir %s/chunks --sign %s/k/rel > %s/release.json",
	   JK_RELEASE_BIN, dir, v, v, v, pub, dir, pub);
	sh("%s timestamp --release %s/release.json --version %d --sign %s/k/ts > %s/timestamp.json",
	   JK_RELEASE_BIN, pub, ts_version, dir, pub);
}

static int setup(void **s)
{
	(void)s;
	assert_true(sodium_init() >= 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "agent-test");
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	snprintf(opt, sizeof(opt), "%s/opt", dir);
	sh("mkdir -p %s/k %s/chunks", dir, pub);
	sh("%s keygen %s/k/root >/dev/null && %s keygen %s/k/rel >/dev/null &&"
	   " %s keygen %s/k/ts >/dev/null",
	   JK_RELEASE_BIN, dir, JK_RELEASE_BIN, dir, JK_RELEASE_BIN, dir);
	snprintf(rootjson, sizeof(rootjson), "%s/root.json", dir);
	sh("%s root --version 1 --root %s/k/root.pub --release %s/k/rel.pub --timestamp %s/k/ts.pub"
	   " --sign %s/k/root > %s",
	   JK_RELEASE_BIN, dir, dir, dir, dir, rootjson);
	stage(1, "ok\n");
	stage(2, "ok\n");
	stage(3, "failing\n");
	stage(5, "ok\n");
	snprintf(url, sizeof(url), "file://%s/", pub);
	snprintf(health, sizeof(health), "grep -qx ok %s/current/health", opt);
	cfg.root_dir = opt;
	cfg.base_url = url;
	cfg.hardware = "kx";
	cfg.restart_cmd = "true";
	cfg.health_cmd = health;
	cfg.health_timeout_s = 1;
	cfg.max_version = -1; /* no fleet */
	return 0;
}

static int teardown(void **s)
{
	char c[256];
	(void)s;
	snprintf(c, sizeof(c), "umount %s/small-disk 2>/dev/null; rm -rf %s", dir, dir);
	curl_global_cleanup();
	return system(c) == 0 ? 0 : -1;
}

/* 1 when releases/<v> under root holds exactly stage<v>'s files. */
static int complete(const char *root, long long v)
{
	char c[1024];
	snprintf(c, sizeof(c), "diff -r %s/stage%lld %s/releases/%lld >/dev/null 2>&1", dir, v, root, v);
	return system(c) == 0;
}

static long long running_in(const char *root)
{
	agent_cfg c = cfg;
	c.root_dir = root;
	return agent_running(&c);
}

static void test_v1_then_v2(void **s)
{
	agent_result r;
	struct stat a, b;
	char p[256];
	(void)s;
	assert_int_equal(agent_recover(&cfg, rootjson, &r), 0);
	/* nothing published yet: a failure with a reason, nothing changed */
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_FAILED);
	assert_non_null(strstr(r.reason, "timestamp"));
	assert_int_equal(agent_running(&cfg), 0);
	publish(1, 1);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_SUCCEEDED);
	assert_int_equal(r.running, 1);
	assert_true(complete(opt, 1));
	publish(2, 2);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_SUCCEEDED);
	assert_int_equal(agent_running(&cfg), 2);
	assert_true(complete(opt, 2));
	/* only the changed chunk of the video, and the small files, came over the wire:
	 * 1 MiB + metadata, of a 3 MiB release */
	printf("v1 -> v2 downloaded %lld bytes\n", r.bytes);
	assert_true(r.bytes > (1 << 20) && r.bytes < (1 << 20) + 64 * 1024);
	/* the unchanged logo is the same inode in both releases */
	snprintf(p, sizeof(p), "%s/releases/1/assets/logo.png", opt);
	assert_int_equal(stat(p, &a), 0);
	snprintf(p, sizeof(p), "%s/releases/2/assets/logo.png", opt);
	assert_int_equal(stat(p, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	/* up to date now */
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_NOTHING);
	/* the store keeps no whole chunks once they are installed */
	snprintf(p, sizeof(p), "%s/chunks", opt);
	DIR *cd = opendir(p);
	struct dirent *ce;
	int left = 0;
	while ((ce = readdir(cd)))
		left += strlen(ce->d_name) == 64;
	closedir(cd);
	assert_int_equal(left, 0);
}

/* Over https with a pinned CA (--ca-file): a server whose certificate another CA
 * signed is refused before anything is written; with the fleet's own CA trusted,
 * the jk-agent program installs v2 into the empty kiosk. Python's web server serves the folder over
 * TLS. */
static void test_https_pinned_ca(void **s)
{
	agent_result r;
	char u[128], root[160], ca[160], other[160];
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	(void)s;
	sh("set -e; cd %s; for n in ca other; do"
	   " openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
	   " -subj /CN=jk-test-$n -keyout $n.key -out $n.pem 2>/dev/null; done;"
	   " openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1"
	   " -keyout srv.key -out srv.csr 2>/dev/null;"
	   " printf 'subjectAltName=IP:127.0.0.1\n' > san.ext;"
	   " openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2"
	   " -extfile san.ext -out srv.pem 2>/dev/null",
	   dir);
	int fd = socket(AF_INET, SOCK_STREAM, 0); /* a free port */
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	int port = ntohs(sa.sin_port);
	close(fd);
	pid_t srv = fork();
	if (srv == 0) { /* Python's web server, behind TLS */
		static const char py[] =
			"import functools, http.server, ssl, sys\n"
			"port, cert, key, root = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]\n"
			"ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
			"ctx.load_cert_chain(cert, key)\n"
			"h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=root)\n"
			"h.log_message = lambda *a: None\n"
			"srv = http.server.ThreadingHTTPServer(('127.0.0.1', port), h)\n"
			"srv.socket = ctx.wrap_socket(srv.socket, server_side=True)\n"
			"srv.serve_forever()\n";
		char ps[16], cert[160], key[160];
		snprintf(ps, sizeof(ps), "%d", port);
		snprintf(cert, sizeof(cert), "%s/srv.pem", dir);
		snprintf(key, sizeof(key), "%s/srv.key", dir);
		int devnull = open("/dev/null", O_RDWR);
		dup2(devnull, 0);
		dup2(devnull, 1);
		execlp("python3", "python3", "-c", py, ps, cert, key, pub, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) { /* until it listens */
		fd = socket(AF_INET, SOCK_STREAM, 0);
		int up = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
		if (up)
			break;
		usleep(50 * 1000);
	}
	snprintf(u, sizeof(u), "https://127.0.0.1:%d/", port);
	snprintf(root, sizeof(root), "%s/opt-tls", dir);
	snprintf(ca, sizeof(ca), "%s/ca.pem", dir);
	snprintf(other, sizeof(other), "%s/other.pem", dir);
	agent_cfg c = cfg;
	c.root_dir = root;
	c.base_url = u;
	c.ca_file = other;
	int rec = agent_recover(&c, rootjson, &r), refused = agent_cycle(&c, &r);
	long long before = agent_running(&c);
	/* the real jk-agent, whose OpenSSL start-up is trimmed for memory (an earlier
	 * trim left it unable to verify any certificate) */
	char cmd[2048], out[160];
	snprintf(out, sizeof(out), "%s/tls-agent.out", dir);
	snprintf(cmd, sizeof(cmd),
		 "%s --root-dir %s --url %s --hardware kx --trusted-root %s --ca-file %s"
		 " --restart true --health true --health-settle 0 --once > %s 2>/dev/null"
		 " && grep -q '\"succeeded\"' %s",
		 JK_AGENT_BIN, root, u, rootjson, ca, out, out);
	int ran = system(cmd);
	kill(srv, SIGTERM);
	waitpid(srv, NULL, 0);
	assert_int_equal(rec, 0);
	assert_int_equal(refused, AGENT_FAILED);
	printf("other CA: %s\n", r.reason);
	assert_non_null(strstr(r.reason, "certificate"));
	assert_int_equal(before, 0); /* nothing installed */
	assert_int_equal(ran, 0);
	assert_int_equal(agent_running(&c), 2);
	assert_true(complete(root, 2));
}

static void test_unhealthy_v3_rolled_back(void **s)
{
	agent_result r;
	(void)s;
	publish(3, 3);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_ROLLED_BACK);
	assert_int_equal(r.version, 3);
	assert_int_equal(r.running, 2);
	assert_non_null(strstr(r.reason, "health"));
	assert_int_equal(agent_running(&cfg), 2);
	/* a bad release is not tried again */
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_NOTHING);
	assert_int_equal(agent_running(&cfg), 2);
}

/* The SHA-256 of version v's video's second MiB: the chunk each version changes. */
static void mid_chunk(int v, char *hex)
{
	char src[256];
	snprintf(src, sizeof(src), "%s/stage%d/media/video.mp4", dir, v);
	FILE *vf = fopen(src, "rb");
	assert_non_null(vf);
	unsigned char *mid = malloc(1 << 20), h[32];
	fseek(vf, 1 << 20, SEEK_SET);
	assert_int_equal(fread(mid, 1, 1 << 20, vf), 1 << 20);
	fclose(vf);
	crypto_hash_sha256(h, mid, 1 << 20);
	util_hex(h, sizeof(h), hex);
	free(mid);
}

static void test_refusals_change_nothing(void **s)
{
	agent_result r;
	char p[256];
	DIR *d;
	struct dirent *e;
	(void)s;
	/* v5 with a tampered chunk on the server: the one v2 does not have */
	publish(5, 4);
	char hex[65], cp[512];
	mid_chunk(5, hex);
	snprintf(cp, sizeof(cp), "%s/chunks/%s", pub, hex);
	FILE *f = fopen(cp, "r+b");
	assert_non_null(f);
	fseek(f, 1000, SEEK_SET);
	fputc('X', f);
	fclose(f);
	int tampered = 1;
	(void)d;
	(void)e;
	assert_true(tampered);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_FAILED);
	assert_non_null(strstr(r.reason, "hash"));
	assert_int_equal(agent_running(&cfg), 2);
	snprintf(p, sizeof(p), "%s/releases/5", opt);
	assert_int_not_equal(access(p, F_OK), 0);
	/* an older release under a newer timestamp: nothing to do */
	publish(1, 5);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_NOTHING);
	assert_int_equal(agent_running(&cfg), 2);
	/* a timestamp older than one already seen: refused */
	publish(2, 1);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_FAILED);
	assert_non_null(strstr(r.reason, "rollback"));
	/* the good v5 again (the chunk store of the server repaired) */
	sh("rm -rf %s/chunks/*", pub);
	publish(5, 6);
	assert_int_equal(agent_cycle(&cfg, &r), AGENT_SUCCEEDED);
	assert_int_equal(agent_running(&cfg), 5);
	/* what remains: the running release and the one before it, for a rollback */
	snprintf(p, sizeof(p), "%s/releases/1", opt);
	assert_int_not_equal(access(p, F_OK), 0);
	snprintf(p, sizeof(p), "%s/releases/2", opt);
	assert_int_equal(access(p, F_OK), 0);
}

static time_t noon(void)
{
	struct tm t = {0};
	t.tm_year = 126;
	t.tm_mon = 10;
	t.tm_mday = 24;
	t.tm_hour = 12;
	t.tm_isdst = -1;
	return mktime(&t);
}

/* v6 is downloaded at once but installed only inside the window and while the
 * kiosk is idle. */
static void test_window_and_idle(void **s)
{
	agent_result r;
	char busy[256], flag[128];
	(void)s;
	stage(6, "ok\n");
	publish(6, 7);
	agent_cfg c = cfg;
	/* the fleet has not let this kiosk have v6 yet */
	c.max_version = 5;
	assert_int_equal(agent_cycle(&c, &r), AGENT_NOTHING);
	assert_non_null(strstr(r.reason, "rollout"));
	assert_int_equal(agent_running(&c), 5);
	c.max_version = 6;
	c.now = noon;
	c.window_start = 2 * 60; /* 02:00-05:00 */
	c.window_end = 5 * 60;
	assert_int_equal(agent_cycle(&c, &r), AGENT_DEFERRED);
	assert_non_null(strstr(r.reason, "maintenance window"));
	assert_int_equal(r.wait_s, 14 * 3600); /* noon to 02:00: the agent sleeps until then */
	assert_int_equal(agent_running(&c), 5);
	assert_true(r.bytes > (1 << 20)); /* the download did happen */
	/* a window that wraps midnight and holds noon: 10:00-01:00 */
	c.window_start = 10 * 60;
	c.window_end = 60;
	snprintf(flag, sizeof(flag), "%s/in-use", dir);
	snprintf(busy, sizeof(busy), "test ! -e %s", flag);
	c.idle_cmd = busy;
	put(flag, "someone is booking\n");
	assert_int_equal(agent_cycle(&c, &r), AGENT_DEFERRED);
	assert_non_null(strstr(r.reason, "idle"));
	assert_int_equal(agent_running(&c), 5);
	unlink(flag);
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	assert_int_equal(agent_running(&c), 6);
	assert_true(r.bytes < 64 * 1024); /* the chunks were already here */
}

static void test_resume_chunk(void **s)
{
	agent_result r;
	char root2[128], src[512], part[512];
	(void)s;
	/* a kiosk still on v2, a half-fetched chunk of v5 in its store */
	snprintf(root2, sizeof(root2), "%s/opt-resume", dir);
	sh("rm -rf %s && mkdir -p %s && cp -a %s/releases %s/state %s/", root2, root2, opt, opt, root2);
	sh("ln -sfn releases/2 %s/current && rm -f %s/state/bad", root2, root2);
	sh("mkdir -p %s/chunks", root2);
	agent_cfg c = cfg;
	char h2[256];
	snprintf(h2, sizeof(h2), "grep -qx ok %s/current/health", root2);
	c.root_dir = root2;
	c.health_cmd = h2;
	/* counters as on v2 */
	char cp[256], err[256];
	tuf_counters cn = {1, 1, 2};
	snprintf(cp, sizeof(cp), "%s/state/counters.json", root2);
	assert_int_equal(tuf_counters_store(cp, &cn, err, sizeof(err)), 0);
	/* v5's changed chunk: the video's second MiB */
	snprintf(src, sizeof(src), "%s/stage5/media/video.mp4", dir);
	FILE *vf = fopen(src, "rb");
	assert_non_null(vf);
	unsigned char *mid = malloc(1 << 20), h[32];
	char hex[65];
	fseek(vf, 1 << 20, SEEK_SET);
	assert_int_equal(fread(mid, 1, 1 << 20, vf), 1 << 20);
	fclose(vf);
	crypto_hash_sha256(h, mid, 1 << 20);
	util_hex(h, sizeof(h), hex);
	/* the first 400 KiB of it, as if the download had been cut */
	snprintf(part, sizeof(part), "%s/chunks/%s.part", root2, hex);
	FILE *pf = fopen(part, "wb");
	assert_non_null(pf);
	assert_int_equal(fwrite(mid, 1, 409600, pf), 409600);
	fclose(pf);
	free(mid);
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	assert_int_equal(agent_running(&c), 5);
	printf("resume: downloaded %lld bytes\n", r.bytes);
	/* less than the whole chunk came again */
	assert_true(r.bytes < (1 << 20) - 409600 + 64 * 1024);
}

/* A new kiosk whose media cache already holds v5's video (the kiosk downloaded it
 * for interview practice): the video is copied from there, not fetched. A cached
 * file with the right name but the wrong bytes is not trusted. */
static void test_media_cache(void **s)
{
	agent_result r;
	char root2[128], media[128], video[256], hex[65];
	long long size;
	(void)s;
	snprintf(video, sizeof(video), "%s/stage5/media/video.mp4", dir);
	assert_int_equal(util_sha256_file(video, hex, &size), 0);
	for (int corrupt = 0; corrupt < 2; corrupt++) {
		snprintf(root2, sizeof(root2), "%s/opt-media%d", dir, corrupt);
		snprintf(media, sizeof(media), "%s/media-cache%d", dir, corrupt);
		sh("rm -rf %s %s && mkdir -p %s && cp %s %s/%s.media", root2, media, media, video, media, hex);
		if (corrupt) /* one byte of the second MiB flipped */
			sh("printf 'X' | dd of=%s/%s.media bs=1 seek=1500000 conv=notrunc status=none", media, hex);
		agent_cfg c = cfg;
		char h2[256];
		snprintf(h2, sizeof(h2), "grep -qx ok %s/current/health", root2);
		c.root_dir = root2;
		c.health_cmd = h2;
		c.media_dir = media;
		assert_int_equal(agent_recover(&c, rootjson, &r), 0);
		assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
		assert_int_equal(agent_running(&c), 5);
		assert_true(complete(root2, 5));
		printf("media cache %s: downloaded %lld bytes\n", corrupt ? "corrupt" : "whole", r.bytes);
		if (!corrupt) /* metadata and the small files only */
			assert_true(r.bytes < 64 * 1024);
		else /* the damaged chunk came over the wire, the other two did not */
			assert_true(r.bytes > (1 << 20) && r.bytes < (1 << 20) + 64 * 1024);
	}
}

static void test_kill9_anywhere(void **s)
{
	char root2[128], h2[256];
	(void)s;
	snprintf(root2, sizeof(root2), "%s/opt-kill", dir);
	snprintf(h2, sizeof(h2), "grep -qx ok %s/current/health", root2);
	srand((unsigned)time(NULL));
	int ended_new = 0;
	for (int round = 0; round < 30; round++) {
		/* a kiosk on v2 that has never seen v5 */
		sh("rm -rf %s && mkdir -p %s/state %s/releases %s/chunks && cp -a %s/releases/2 %s/releases/"
		   " && ln -sfn releases/2 %s/current && cp %s/state/root.json %s/state/",
		   root2, root2, root2, root2, opt, root2, root2, opt, root2);
		char cp[256], err[256];
		tuf_counters cn = {1, 1, 2};
		snprintf(cp, sizeof(cp), "%s/state/counters.json", root2);
		assert_int_equal(tuf_counters_store(cp, &cn, err, sizeof(err)), 0);
		pid_t pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, 1);
			dup2(null, 2);
			execl(JK_AGENT_BIN, JK_AGENT_BIN, "--root-dir", root2, "--url", url, "--hardware",
			      "kx", "--trusted-root", rootjson, "--restart", "true", "--health", h2,
			      "--health-timeout", "1", "--health-settle", "0", "--once", (char *)NULL);
			_exit(127);
		}
		usleep((useconds_t)(rand() % 60000));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		/* whatever the moment: current is a complete release */
		long long now = running_in(root2);
		assert_true(now == 2 || now == 5);
		assert_true(complete(root2, now));
		/* and the next run ends on v5 */
		char cmd[2048];
		snprintf(cmd, sizeof(cmd),
			 "%s --root-dir %s --url %s --hardware kx --trusted-root %s --restart true"
			 " --health '%s' --health-timeout 1 --health-settle 0 --once >/dev/null 2>&1",
			 JK_AGENT_BIN, root2, url, rootjson, h2);
		int st = system(cmd);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_int_equal(running_in(root2), 5);
		assert_true(complete(root2, 5));
		ended_new += now == 5;
	}
	printf("kill -9: 30 rounds, %d killed after the switch\n", ended_new);
}

/* ---- a small HTTP server over the publishing folder that can drip ---- */

static int lfd, drip, srv_port, gone, ts_requests;
static char last_range[64];
static pthread_t srv_th;

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		char req[4096], path[1024], file[2048];
		if (c < 0)
			return NULL;
		tu_read_head(c, req, sizeof(req));
		if (sscanf(req, "GET /%1000s ", path) != 1) {
			close(c);
			continue;
		}
		snprintf(file, sizeof(file), "%s/%s", pub, path);
		__atomic_add_fetch(&ts_requests, strcmp(path, "timestamp.json") == 0, __ATOMIC_SEQ_CST);
		FILE *f = __atomic_load_n(&gone, __ATOMIC_SEQ_CST) ? NULL : fopen(file, "rb");
		if (!f) {
			const char *nf = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
			if (send(c, nf, strlen(nf), MSG_NOSIGNAL) < 0) {
			}
			close(c);
			continue;
		}
		fseek(f, 0, SEEK_END);
		long size = ftell(f), from = 0;
		const char *rg = strcasestr(req, "\r\nRange: bytes=");
		if (rg) {
			from = strtol(rg + 15, NULL, 10);
			snprintf(last_range, sizeof(last_range), "%.*s", (int)strcspn(rg + 2, "\r\n"), rg + 2);
		}
		fseek(f, from, SEEK_SET);
		char h[256];
		int hl = rg ? snprintf(h, sizeof(h), "HTTP/1.1 206 Partial Content\r\nContent-Length: %ld\r\n"
					      "Content-Range: bytes %ld-%ld/%ld\r\nConnection: close\r\n\r\n",
				       size - from, from, size - 1, size)
			    : snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n"
						 "Connection: close\r\n\r\n", size);
		int dripping = drip && strncmp(path, "chunks/", 7) == 0;
		if (send(c, h, (size_t)hl, MSG_NOSIGNAL) == hl) {
			char b[65536];
			size_t k;
			while ((k = fread(b, 1, dripping ? 16 : sizeof(b), f)) > 0) {
				if (send(c, b, k, MSG_NOSIGNAL) != (ssize_t)k)
					break;
				if (dripping)
					usleep(200 * 1000); /* 80 bytes a second */
			}
		}
		fclose(f);
		close(c);
	}
}

static void server_start(void)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	srv_port = ntohs(sa.sin_port);
	pthread_create(&srv_th, NULL, serve, NULL);
}

static void server_stop(void)
{
	shutdown(lfd, SHUT_RDWR);
	close(lfd);
	pthread_join(srv_th, NULL);
}

/* Slow retrieval: a server that drips chunks is cut off by the low-speed limit
 * (the cycle fails with a reason and changes nothing), and the next cycle resumes
 * from the bytes that had arrived. */
static void test_slow_retrieval(void **s)
{
	agent_result r;
	char u[128];
	(void)s;
	server_start();
	stage(7, "ok\n");
	publish(7, 8);
	agent_cfg c = cfg;
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", srv_port);
	c.base_url = u;
	c.low_speed_bps = 1024;
	c.low_speed_s = 2;
	drip = 1;
	double t0 = util_now_ms();
	assert_int_equal(agent_cycle(&c, &r), AGENT_FAILED);
	assert_true(util_now_ms() - t0 < 15000); /* cut, not waited out */
	assert_non_null(strstr(r.reason, "kept"));
	assert_int_equal(agent_running(&c), 6);
	drip = 0;
	last_range[0] = '\0';
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	assert_int_equal(agent_running(&c), 7);
	assert_non_null(strstr(last_range, "bytes=")); /* resumed, not started over */
	assert_true(strtol(strchr(last_range, '=') + 1, NULL, 10) > 0);
	/* the bandwidth cap holds: 1 MiB at 2 MiB/s takes about half a second */
	stage(8, "ok\n");
	publish(8, 9);
	c.max_bps = 2 << 20;
	t0 = util_now_ms();
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	double ms = util_now_ms() - t0;
	printf("capped download: %lld bytes in %.0f ms\n", r.bytes, ms);
	assert_true(r.download_ms >= 1000.0 * (double)r.bytes / (double)c.max_bps * 0.8);
	c.max_bps = 0;
	/* content only (a new video, the software the same): outside the window too */
	sh("rm -rf %s/stage9 && cp -a %s/stage8 %s/stage9 && printf 'new video' > %s/stage9/media/intro.mp4",
	   dir, dir, dir, dir);
	publish(9, 10);
	c.now = noon;
	c.window_start = 2 * 60;
	c.window_end = 5 * 60;
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	assert_int_equal(agent_running(&c), 9);
	/* software again: the window holds */
	stage(10, "ok\n");
	publish(10, 11);
	assert_int_equal(agent_cycle(&c, &r), AGENT_DEFERRED);
	assert_int_equal(agent_running(&c), 9);
	server_stop();
}

/* A kiosk as its package left it (releases/0, the factory release) takes a first
 * release that is not healthy: it goes back to the factory release, not dark. */
static void test_factory_rollback(void **s)
{
	agent_result r;
	char root2[128], h2[256], target[256], p[256];
	(void)s;
	snprintf(root2, sizeof(root2), "%s/opt-factory", dir);
	sh("rm -rf %s && mkdir -p %s/releases && cp -a %s/stage1 %s/releases/0 && ln -s releases/0 %s/current",
	   root2, root2, dir, root2, root2);
	stage(11, "failing\n");
	publish(11, 12);
	agent_cfg c = cfg;
	snprintf(h2, sizeof(h2), "grep -qx ok %s/current/health", root2);
	c.root_dir = root2;
	c.health_cmd = h2;
	assert_int_equal(agent_recover(&c, rootjson, &r), 0);
	assert_int_equal(agent_cycle(&c, &r), AGENT_ROLLED_BACK);
	snprintf(p, sizeof(p), "%s/current", root2);
	ssize_t n = readlink(p, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "releases/0");
	/* unchanged files came from the factory release, not over the wire */
	printf("first release over the factory one: %lld bytes\n", r.bytes);
	assert_true(r.bytes < (1 << 20) + 64 * 1024);
	/* a healthy release whose restart fails is not taken for healthy: the old
	 * kiosk would still be the one answering */
	sh("rm -rf %s/stage11b && cp -a %s/stage11 %s/stage11b && echo ok > %s/stage11b/health && rm -rf %s/stage11 &&"
	   " mv %s/stage11b %s/stage11", dir, dir, dir, dir, dir, dir, dir);
	publish(11, 13);
	sh("rm -f %s/state/bad", root2);
	c.restart_cmd = "exit 3";
	assert_int_equal(agent_cycle(&c, &r), AGENT_ROLLED_BACK);
	printf("%s\n", r.reason);
	assert_non_null(strstr(r.reason, "restart failed"));
	n = readlink(p, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "releases/0");
}

/* A kiosk whose disk cannot hold a release refuses it before fetching anything:
 * a clear reason, nothing in the chunk store, the running release untouched. The
 * kiosk's disk is a 24 MiB tmpfs of its own (root); skipped where mounting is not
 * permitted. */
static void test_disk_full(void **s)
{
	agent_result r;
	char mnt[128], h2[256], p[256];
	(void)s;
	snprintf(mnt, sizeof(mnt), "%s/small-disk", dir);
	sh("mkdir -p %s", mnt);
	snprintf(p, sizeof(p), "mount -t tmpfs -o size=24m tmpfs %s 2>/dev/null", mnt);
	if (system(p) != 0)
		skip();
	agent_cfg c = cfg;
	snprintf(h2, sizeof(h2), "grep -qx ok %s/current/health", mnt);
	c.root_dir = mnt;
	c.health_cmd = h2;
	/* the 3 MiB release fits: 2 x 3 MiB + the 16 MiB margin */
	sh("rm -rf %s/stage12 && cp -a %s/stage1 %s/stage12", dir, dir, dir);
	publish(12, 13);
	assert_int_equal(agent_recover(&c, rootjson, &r), 0);
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	/* one with a new 12 MiB video does not */
	sh("rm -rf %s/stage13 && cp -a %s/stage12 %s/stage13 && head -c 12582912 /dev/urandom > %s/stage13/media/big.mp4",
	   dir, dir, dir, dir);
	publish(13, 14);
	assert_int_equal(agent_cycle(&c, &r), AGENT_FAILED);
	printf("%s\n", r.reason);
	assert_non_null(strstr(r.reason, "disk full"));
	assert_int_equal(r.bytes < 64 * 1024, 1); /* metadata only */
	assert_int_equal(agent_running(&c), 12);
	snprintf(p, sizeof(p), "test -z \"$(ls -A %s/chunks)\"", mnt);
	assert_int_equal(system(p), 0);
	snprintf(p, sizeof(p), "umount %s", mnt);
	assert_int_equal(system(p), 0);
}

/* A publishing server that answers 404 to everything: the agent's cycles back
 * off (1 s, 2 s, 4 s, ... with jitter) instead of asking again every second. */
static void test_backoff(void **s)
{
	char root2[128], u[128], out[256];
	(void)s;
	server_start();
	__atomic_store_n(&gone, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&ts_requests, 0, __ATOMIC_SEQ_CST);
	snprintf(root2, sizeof(root2), "%s/opt-backoff", dir);
	snprintf(u, sizeof(u), "http://127.0.0.1:%d/", srv_port);
	snprintf(out, sizeof(out), "%s/backoff.out", dir);
	pid_t pid = fork();
	if (pid == 0) {
		freopen(out, "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(JK_AGENT_BIN, "jk-agent", "--root-dir", root2, "--url", u, "--hardware", "kx",
		      "--trusted-root", rootjson, "--interval", "1", (char *)NULL);
		_exit(127);
	}
	sleep(8);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	int n = __atomic_load_n(&ts_requests, __ATOMIC_SEQ_CST);
	printf("404 for 8 s: %d cycles (every second would be 8)\n", n);
	/* at 0, ~2 (1.6-2.4), ~6 (4.8-7.2) s, perhaps ~14: never more than 4 */
	assert_true(n >= 2 && n <= 4);
	__atomic_store_n(&gone, 0, __ATOMIC_SEQ_CST);
	server_stop();
}

/* A chunk damaged in the store after it was checked (a failing card, a power
 * cut before the sync), in the middle of a file: the install fails without
 * leaving its half-built release, only that chunk is fetched again, and the next
 * cycle installs. */
static void test_damaged_chunk(void **s)
{
	agent_result r;
	char root[160], hex[65], cp[300], tmpdir[200];
	(void)s;
	stage(14, "ok\n");
	publish(14, 14);
	snprintf(root, sizeof(root), "%s/opt-damaged", dir);
	agent_cfg c = cfg;
	c.root_dir = root;
	c.health_cmd = "true";
	c.idle_cmd = "false"; /* in use: everything fetched, nothing installed */
	assert_int_equal(agent_recover(&c, rootjson, &r), 0);
	assert_int_equal(agent_cycle(&c, &r), AGENT_DEFERRED);
	mid_chunk(14, hex); /* the video's second chunk of three */
	snprintf(cp, sizeof(cp), "%s/chunks/%s", root, hex);
	FILE *f = fopen(cp, "r+b");
	assert_non_null(f);
	fseek(f, 4096, SEEK_SET);
	fputc(0x5a ^ 0xff, f); /* the same size, other bytes */
	fclose(f);
	c.idle_cmd = "true";
	assert_int_equal(agent_cycle(&c, &r), AGENT_FAILED);
	printf("damaged chunk: %s\n", r.reason);
	assert_non_null(strstr(r.reason, "assembling media/video.mp4"));
	snprintf(tmpdir, sizeof(tmpdir), "%s/releases/14.tmp", root);
	assert_int_not_equal(access(tmpdir, F_OK), 0); /* not left to fill the disk */
	assert_int_not_equal(access(cp, F_OK), 0);     /* only the damaged one went */
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	printf("refetched %lld bytes\n", r.bytes);
	assert_true(r.bytes >= (1 << 20) && r.bytes < (1 << 20) + 64 * 1024);
	assert_true(complete(root, 14));
}

/* Fast-forward recovery across a stop: the timestamp key is rotated in root 2
 * after kiosks saw timestamp 50; the cycle that stores root 2 cannot get a
 * timestamp; the next one must take the new key's timestamp 1, not refuse it as
 * a rollback against 50. */
static void test_fast_forward_after_stop(void **s)
{
	agent_result r;
	char root[160];
	(void)s;
	snprintf(root, sizeof(root), "%s/opt-ff", dir);
	agent_cfg c = cfg;
	c.root_dir = root;
	c.health_cmd = "true";
	sh("%s timestamp --release %s/release.json --version 50 --sign %s/k/ts > %s/timestamp.json",
	   JK_RELEASE_BIN, pub, dir, pub);
	assert_int_equal(agent_recover(&c, rootjson, &r), 0);
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	sh("set -e; cd %s; %s keygen k/ts2 >/dev/null; mkdir -p pub/roots;"
	   " %s root --version 2 --root k/root.pub --release k/rel.pub --timestamp k/ts2.pub"
	   " --sign k/root > pub/roots/2.json; rm pub/timestamp.json",
	   dir, JK_RELEASE_BIN, JK_RELEASE_BIN);
	assert_int_equal(agent_cycle(&c, &r), AGENT_FAILED);
	assert_non_null(strstr(r.reason, "timestamp unavailable"));
	sh("%s timestamp --release %s/release.json --version 1 --sign %s/k/ts2 > %s/timestamp.json",
	   JK_RELEASE_BIN, pub, dir, pub);
	int rc = agent_cycle(&c, &r);
	printf("after the rotation: %s\n", r.reason);
	assert_int_equal(rc, AGENT_NOTHING);
	/* and the old key's timestamp is no longer good */
	sh("%s timestamp --release %s/release.json --version 51 --sign %s/k/ts > %s/timestamp.json",
	   JK_RELEASE_BIN, pub, dir, pub);
	assert_int_equal(agent_cycle(&c, &r), AGENT_FAILED);
}

/* A kiosk that starts, answers once and then falls over is not a good release:
 * it must keep answering for the settle time. */
static void test_healthy_then_crashes(void **s)
{
	agent_result r;
	char root[160], health_cmd[400];
	(void)s;
	stage(15, "ok\n");
	publish(15, 60);
	snprintf(root, sizeof(root), "%s/opt-crash", dir);
	agent_cfg c = cfg;
	c.root_dir = root;
	c.health_cmd = "true";
	assert_int_equal(agent_recover(&c, rootjson, &r), 0);
	/* the first release, healthy for good */
	assert_int_equal(agent_cycle(&c, &r), AGENT_SUCCEEDED);
	stage(16, "ok\n");
	publish(16, 61);
	/* the new kiosk answers the first question and none after */
	snprintf(health_cmd, sizeof(health_cmd), "test ! -e %s/answered && touch %s/answered", root, root);
	c.health_cmd = health_cmd;
	c.health_timeout_s = 4;
	c.health_settle_s = 1;
	assert_int_equal(agent_cycle(&c, &r), AGENT_ROLLED_BACK);
	printf("healthy, then not: %s\n", r.reason);
	assert_non_null(strstr(r.reason, "answered, then stopped"));
	assert_int_equal(agent_running(&c), 15);
}

/* A health command that hangs is cut at the health time limit: the release is
 * rolled back in seconds, not never. */
static void test_hanging_health_command(void **s)
{
	agent_result r;
	char root[160];
	(void)s;
	stage(17, "ok\n");
	publish(17, 62);
	snprintf(root, sizeof(root), "%s/opt-crash", dir); /* on 15 since the last test */
	agent_cfg c = cfg;
	c.root_dir = root;
	c.health_cmd = "sleep 600";
	c.health_timeout_s = 2;
	double t0 = util_now_ms();
	assert_int_equal(agent_cycle(&c, &r), AGENT_ROLLED_BACK);
	printf("hanging health command: rolled back after %.1f s\n", (util_now_ms() - t0) / 1000);
	assert_true(util_now_ms() - t0 < 20000);
	assert_int_equal(agent_running(&c), 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_then_v2),
		cmocka_unit_test(test_https_pinned_ca),
		cmocka_unit_test(test_unhealthy_v3_rolled_back),
		cmocka_unit_test(test_refusals_change_nothing),
		cmocka_unit_test(test_resume_chunk),
		cmocka_unit_test(test_media_cache),
		cmocka_unit_test(test_kill9_anywhere),
		cmocka_unit_test(test_window_and_idle), /* publishes v6 */
		cmocka_unit_test(test_slow_retrieval),	 /* publishes v7-10 */
		cmocka_unit_test(test_factory_rollback), /* publishes v11 */
		cmocka_unit_test(test_disk_full),	 /* publishes v12, v13 */
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_damaged_chunk),		/* publishes v14 */
		cmocka_unit_test(test_healthy_then_crashes),	/* publishes v15, v16 */
		cmocka_unit_test(test_hanging_health_command),	/* publishes v17 */
		cmocka_unit_test(test_fast_forward_after_stop), /* rotates the timestamp key */
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
