/*
 * Remote update end to end, with the real pieces: the jobcenter service (fleet
 * and API), the real kiosk binary installed from signed releases, and jk-agent
 * asking the kiosk over its automation socket. The kiosk runs with the device
 * token the fleet gave at enrollment, syncs its cache with it, and the agent's
 * heartbeats carry the kiosk's cache age and outbox into the inventory.
 *
 * v1 installs and the kiosk from releases/1 reports 1.1.0; v2 waits while a
 * person uses the kiosk and installs once the session has ended; the kiosk
 * reports 1.2.0; v3, whose kiosk does not start, is rolled back to v2 within the
 * health time limit and the fleet shows why; v4, whose restart leaves the old
 * kiosk running (it answers, as 1.2.0), is rolled back too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "kioskutil.h"
#include "testutil.h"

static char dir[64], sock[128];
static int port;
static pid_t server;

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char c[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c, sizeof(c), fmt, ap);
	va_end(ap);
	if (system(c) != 0)
		fail_msg("failed: %s", c);
}

static void put(const char *path, const char *text, int mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

static int setup(void **s)
{
	char p[256], script[2048], token[128], body[256];
	buf out;
	(void)s;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "update-e2e");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "40", NULL}), 0);
	port = tu_serve(dir, 0, &server);
	/* enrolled: the token it gets is both the fleet's and the API's */
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "enroll-token", "--data", dir, NULL}), 0);
	buf_addc(&out, '\0');
	out.data[strcspn(out.data, "\n")] = '\0';
	snprintf(body, sizeof(body), "{\"enroll_token\": \"%.100s\", \"kiosk_id\": \"e2e-kiosk\"}", out.data);
	buf_reset(&out);
	assert_int_equal(tu_http(port, "none", "POST", "v1/fleet/enroll", NULL, body, &out), 201);
	buf_addc(&out, '\0');
	json_object *o = json_tokener_parse(out.data);
	snprintf(token, sizeof(token), "%s", json_object_get_string(get(o, "device_token")));
	json_object_put(o);
	buf_release(&out);
	snprintf(p, sizeof(p), "%s/device-token", dir);
	put(p, token, 0600);
	tk_init(dir, token);
	snprintf(p, sizeof(p), "%s/kiosk.json", dir);
	write_config(p, port, 5, "cache");
	snprintf(sock, sizeof(sock), "%s/k.sock", dir);
	/* what systemctl restart does for the kiosk unit: stop the old one, start
	 * the one under current/ */
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n"
		 "d=%s\n"
		 "[ -f $d/restart-does-nothing ] && exit 0\n"
		 "if [ -f $d/kiosk.pid ]; then\n"
		 "  p=$(cat $d/kiosk.pid); kill $p 2>/dev/null\n"
		 "  for i in $(seq 200); do s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null)\n"
		 "    { [ -z \"$s\" ] || [ \"$s\" = Z ]; } && break; sleep 0.05; done\n"
		 "fi\n"
		 "setsid $d/opt/current/bin/kiosk --config $d/kiosk.json --headless --size 540x960 \\\n"
		 "  --control $d/k.sock --fake-clock --now 2026-11-23T10:00:00+09:00 \\\n"
		 "  >>$d/kiosk.log 2>&1 </dev/null &\n"
		 "echo $! > $d/kiosk.pid\n",
		 dir);
	snprintf(p, sizeof(p), "%s/restart.sh", dir);
	put(p, script, 0755);
	sh("set -e; cd %s; mkdir -p k pub/chunks; for k in root rel ts; do %s keygen k/$k >/dev/null; done;"
	   " %s root --root k/root.pub --release k/rel.pub --timestamp k/ts.pub --sign k/root > root.json",
	   dir, JK_RELEASE_BIN, JK_RELEASE_BIN);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	if (!getenv("KEEP"))
		sh("p=$(cat %s/kiosk.pid 2>/dev/null) && kill -9 $p 2>/dev/null; true", dir);
	assert_int_equal(tu_stop(server), 0);
	curl_global_cleanup();
	if (!getenv("KEEP"))
		sh("rm -rf %s", dir);
	return 0;
}

/* Publishes release v: the real kiosk (or a broken one), VERSION and some content. */
static void publish(int v, int broken)
{
	sh("set -e; cd %s; rm -rf stage; mkdir -p stage/bin stage/content; echo 1.%d.0 > stage/VERSION;"
	   " echo 'notice %d' > stage/content/notice.txt;"
	   " if [ %d = 1 ]; then printf '#!/bin/sh\\nexit 1\\n' > stage/bin/kiosk; chmod 755 stage/bin/kiosk;"
	   " else cp %s stage/bin/kiosk; fi;"
	   " %s release --dir stage --version %d --software-version 1.%d.0 --hardware kx"
	   " --chunks-dir pub/chunks --sign k/rel > pub/release.json;"
	   " %s timestamp --release pub/release.json --version %d --sign k/ts > pub/timestamp.json",
	   dir, v, v, broken, KIOSK_BIN, JK_RELEASE_BIN, v, v, JK_RELEASE_BIN, v);
	char ver[16], prev[16];
	snprintf(ver, sizeof(ver), "%d", v);
	snprintf(prev, sizeof(prev), "%d", v - 1);
	assert_int_equal(tu_cli(NULL, (const char *const[]){"fleet", "rollout", "--data", dir, "--version", ver,
							  "--previous", prev, "--stages", "100", NULL}),
			 0);
}

/* One agent cycle; returns its JSON line. */
static json_object *agent(void)
{
	char c[4096], p[256];
	buf out;
	snprintf(c, sizeof(c),
		 "%s --root-dir %s/opt --url file://%s/pub/ --hardware kx --trusted-root %s/root.json"
		 " --restart %s/restart.sh --kiosk-socket %s --health-timeout 8 --health-settle 2"
		 " --fleet http://127.0.0.1:%d/ --token-file %s/device-token --once > %s/agent.out 2>%s/agent.err",
		 JK_AGENT_BIN, dir, dir, dir, dir, sock, port, dir, dir, dir);
	(void)!system(c);
	snprintf(p, sizeof(p), "%s/agent.out", dir);
	buf_init(&out);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	while (fgets(c, sizeof(c), f))
		buf_adds(&out, c);
	fclose(f);
	buf_addc(&out, '\0');
	char *last = strrchr(out.data, '{');
	json_object *o = last ? json_tokener_parse(last) : NULL;
	if (!o)
		fail_msg("agent said: %s", out.data);
	buf_release(&out);
	return o;
}

static const char *str(json_object *o, const char *k)
{
	json_object *v = get(o, k);
	return v ? json_object_get_string(v) : "";
}

/* The kiosk's state.version, asked over its socket. */
static char *kiosk_version(char *v, size_t n)
{
	struct kiosk k = {0};
	kiosk_attach(&k, sock);
	json_object *o = cmd(&k, "{\"cmd\": \"state\"}");
	snprintf(v, n, "%s", str(o, "version"));
	json_object_put(o);
	kiosk_detach(&k);
	return v;
}

/* This kiosk's row of `jobcenter fleet status`. */
static json_object *device(void)
{
	buf out;
	json_object *o, *devs, *d = NULL;
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "status", "--data", dir, NULL}), 0);
	buf_addc(&out, '\0');
	o = json_tokener_parse(out.data);
	buf_release(&out);
	assert_non_null(o);
	devs = get(o, "devices");
	for (size_t i = 0; devs && i < json_object_array_length(devs); i++)
		if (strcmp(str(json_object_array_get_idx(devs, i), "kiosk_id"), "e2e-kiosk") == 0)
			d = json_object_get(json_object_array_get_idx(devs, i));
	json_object_put(o);
	assert_non_null(d);
	return d;
}

static void test_update_with_real_kiosk(void **s)
{
	char v[64];
	(void)s;
	/* v1 on a kiosk box with nothing installed yet */
	publish(1, 0);
	json_object *r = agent();
	assert_string_equal(str(r, "outcome"), "succeeded");
	json_object_put(r);
	assert_string_equal(kiosk_version(v, sizeof(v)), "1.1.0");

	/* someone starts using the kiosk: v2 is fetched but waits */
	struct kiosk k = {0};
	kiosk_attach(&k, sock);
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	json_object *st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_non_null(get(st, "session"));
	json_object_put(st);
	publish(2, 0);
	r = agent();
	assert_string_equal(str(r, "outcome"), "deferred");
	assert_non_null(strstr(str(r, "reason"), "idle"));
	json_object_put(r);
	assert_string_equal(kiosk_version(v, sizeof(v)), "1.1.0");
	/* the person walks away: the idle warning, then its countdown, ends the session */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 95000}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 25000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_null(get(st, "session"));
	json_object_put(st);
	kiosk_detach(&k);
	r = agent();
	assert_string_equal(str(r, "outcome"), "succeeded");
	assert_int_equal(json_object_get_int(get(r, "running")), 2);
	json_object_put(r);
	assert_string_equal(kiosk_version(v, sizeof(v)), "1.2.0");

	/* v3's kiosk does not start: back to v2 within the health limit */
	publish(3, 1);
	r = agent();
	assert_string_equal(str(r, "outcome"), "rolled_back");
	assert_int_equal(json_object_get_int(get(r, "running")), 2);
	json_object_put(r);
	assert_string_equal(kiosk_version(v, sizeof(v)), "1.2.0");

	/* v4 is fine, but the restart leaves the old kiosk running: it answers, yet
	 * reports 1.2.0, so v4 is not the one healthy, and it is rolled back */
	sh("touch %s/restart-does-nothing", dir);
	publish(4, 0);
	r = agent();
	sh("rm %s/restart-does-nothing", dir);
	assert_string_equal(str(r, "outcome"), "rolled_back");
	assert_non_null(strstr(str(r, "reason"), "reports version 1.2.0, not 1.4.0"));
	assert_int_equal(json_object_get_int(get(r, "running")), 2);
	json_object_put(r);
	assert_string_equal(kiosk_version(v, sizeof(v)), "1.2.0");

	/* the next heartbeat carries the report and what the kiosk itself says */
	json_object_put(agent());
	json_object *d = device();
	assert_int_equal(json_object_get_int(get(d, "version")), 2);
	assert_non_null(strstr(str(d, "last_attempt"), "rolled_back"));
	assert_non_null(get(d, "cache_age_s")); /* the kiosk synced with the enrolled token */
	assert_int_equal(json_object_get_int(get(d, "outbox")), 0);
	json_object_put(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_update_with_real_kiosk),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
