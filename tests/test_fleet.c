/*
 * The fleet over the real service: kiosks enroll with one-time tokens (a second
 * use is refused), 20 simulated agents send heartbeats, and a staged rollout
 * (10% -> 50% -> 100%) lets exactly the expected share install the new release
 * first, advances when that share reports success, pauses by itself when too many
 * report rollbacks (those who have it keep it), and resumes on command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "buf.h"
#include "fleet.h"
#include "testutil.h"

#define N 20
static char dir[64], ids[N][32], tokens[N][128];
static int port;
static pid_t server;

static int setup(void **s)
{
	(void)s;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "fleet-test");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "3", NULL}), 0);
	port = tu_serve(dir, 0, &server);
	/* twenty kiosks, at least two of them in the first 10% */
	int n = 0, early = 0;
	for (int i = 0; n < N; i++) {
		char id[32];
		snprintf(id, sizeof(id), "kiosk-%03d", i);
		int b = fl_bucket(id);
		if (b >= 10 && n >= N - (2 - early))
			continue; /* keep room for the early ones */
		early += b < 10;
		snprintf(ids[n++], sizeof(ids[0]), "%s", id);
	}
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	assert_int_equal(tu_stop(server), 0);
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	curl_global_cleanup();
	return system(c) == 0 ? 0 : -1;
}

static json_object *post(const char *token, const char *path, const char *body, long *status)
{
	buf out;
	buf_init(&out);
	*status = tu_http(port, token ? token : "none", "POST", path, NULL, body, &out);
	buf_addc(&out, '\0');
	json_object *o = json_tokener_parse(out.data);
	buf_release(&out);
	return o;
}

static const char *field(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static long long allowed(int i, long long version, const char *update)
{
	char body[512];
	long st;
	snprintf(body, sizeof(body), "{\"version\": %lld, \"uptime_s\": 60, \"disk_free\": 1000000,"
		 " \"outbox\": 0%s%s}", version, update ? ", \"update\": " : "", update ? update : "");
	json_object *o = post(tokens[i], "v1/fleet/heartbeat", body, &st);
	assert_int_equal(st, 200);
	long long a = strtoll(field(o, "allowed_release"), NULL, 10);
	json_object_put(o);
	return a;
}

static void cli(const char *const *args)
{
	assert_int_equal(tu_cli(NULL, args), 0);
}

static void test_enroll(void **s)
{
	(void)s;
	for (int i = 0; i < N; i++) {
		buf out;
		char body[1024];
		long st;
		buf_init(&out);
		assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "enroll-token", "--data", dir,
								    "--group", "libraries", NULL}), 0);
		buf_addc(&out, '\0');
		out.data[strcspn(out.data, "\n")] = '\0';
		snprintf(body, sizeof(body), "{\"enroll_token\": \"%.100s\", \"kiosk_id\": \"%s\"}",
			 out.data, ids[i]);
		json_object *o = post(NULL, "v1/fleet/enroll", body, &st);
		assert_int_equal(st, 201);
		snprintf(tokens[i], sizeof(tokens[i]), "%s", field(o, "device_token"));
		json_object_put(o);
		/* the same token again: refused */
		o = post(NULL, "v1/fleet/enroll", body, &st);
		assert_int_equal(st, 401);
		json_object_put(o);
		buf_release(&out);
	}
	/* the credentials are the API's device tokens */
	buf out;
	buf_init(&out);
	assert_int_equal(tu_http(port, tokens[0], "GET", "v1/topics", NULL, NULL, &out), 200);
	buf_release(&out);
	/* no rollout yet: keep what runs */
	assert_int_equal(allowed(0, 1, NULL), 0);
}

/* Kiosk i's "status" in `jobcenter fleet status`, into out. */
static const char *status_of(int i, char *out, size_t n)
{
	buf b;
	json_object *o, *devs;
	buf_init(&b);
	assert_int_equal(tu_cli(&b, (const char *const[]){"fleet", "status", "--data", dir, NULL}), 0);
	buf_addc(&b, '\0');
	o = json_tokener_parse(b.data);
	buf_release(&b);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "devices", &devs));
	out[0] = '\0';
	for (size_t k = 0; k < json_object_array_length(devs); k++) {
		json_object *d = json_object_array_get_idx(devs, k);
		if (strcmp(field(d, "kiosk_id"), ids[i]) == 0)
			snprintf(out, n, "%s", field(d, "status"));
	}
	json_object_put(o);
	return out;
}

static void test_staged_rollout(void **s)
{
	char sts[32];
	int in10 = 0, in50 = 0;
	(void)s;
	cli((const char *const[]){"fleet", "rollout", "--data", dir, "--version", "2", "--previous", "1",
				  "--stages", "10,50,100", "--advance", "0.9", "--pause", "0.3", NULL});
	/* stage 1: exactly the kiosks whose bucket is under 10 */
	for (int i = 0; i < N; i++) {
		long long a = allowed(i, 1, NULL);
		int b = fl_bucket(ids[i]);
		assert_int_equal(a, b < 10 ? 2 : 1);
		in10 += b < 10;
		in50 += b < 50;
	}
	printf("stage 10%%: %d of %d kiosks; stage 50%%: %d\n", in10, N, in50);
	assert_true(in10 >= 2);
	/* the console's status: the first stage is updating, the rest is fine; a
	 * kiosk in use says it waits */
	for (int i = 0; i < N; i++)
		assert_string_equal(status_of(i, sts, sizeof(sts)), fl_bucket(ids[i]) < 10 ? "updating" : "ok");
	for (int i = 0; i < N; i++)
		if (fl_bucket(ids[i]) < 10) {
			allowed(i, 1, "{\"version\": 2, \"outcome\": \"deferred\", \"reason\": \"in use\"}");
			assert_string_equal(status_of(i, sts, sizeof(sts)), "waiting");
			break;
		}
	/* they install it and say so: the rollout moves to 50% */
	for (int i = 0; i < N; i++)
		if (fl_bucket(ids[i]) < 10)
			allowed(i, 2, "{\"version\": 2, \"outcome\": \"succeeded\"}");
	int got2 = 0;
	for (int i = 0; i < N; i++)
		got2 += allowed(i, fl_bucket(ids[i]) < 10 ? 2 : 1, NULL) == 2;
	assert_int_equal(got2, in50);
	/* in the second stage many roll back: the rollout pauses itself */
	int bad = 0, newcomers = 0, rolled[N] = {0};
	for (int i = 0; i < N; i++) {
		int b = fl_bucket(ids[i]);
		if (b >= 10 && b < 50 && bad < (in50 + 1) / 2) {
			allowed(i, 1, "{\"version\": 2, \"outcome\": \"rolled_back\", \"reason\": \"health check failed\"}");
			bad++;
			rolled[i] = 1;
		}
	}
	for (int i = 0; i < N; i++) {
		int b = fl_bucket(ids[i]);
		long long have = b < 10 ? 2 : 1, a = allowed(i, have, NULL);
		if (have == 2)
			assert_int_equal(a, 2); /* those who have it keep it */
		else
			newcomers += a == 2;
	}
	assert_int_equal(newcomers, 0);
	buf out;
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "status", "--data", dir, NULL}), 0);
	buf_addc(&out, '\0');
	assert_non_null(strstr(out.data, "\"paused\""));
	assert_non_null(strstr(out.data, "rolled_back: health check failed"));
	buf_release(&out);
	/* paused: those that rolled back say so, the rest stays where it is */
	for (int i = 0; i < N; i++)
		assert_string_equal(status_of(i, sts, sizeof(sts)), rolled[i] ? "rolled_back" : "ok");
	/* IT staff fix it and resume; everyone may have it once all report success */
	cli((const char *const[]){"fleet", "resume", "--data", dir, NULL});
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < N; i++)
			if (allowed(i, 1, NULL) == 2)
				allowed(i, 2, "{\"version\": 2, \"outcome\": \"succeeded\"}");
	for (int i = 0; i < N; i++)
		assert_int_equal(allowed(i, 2, NULL), 2);
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "status", "--data", dir, NULL}), 0);
	buf_addc(&out, '\0');
	assert_non_null(strstr(out.data, "\"done\""));
	/* progress as the console shows it: all 20 in scope, all succeeded */
	json_object *stj = json_tokener_parse(out.data), *ro;
	assert_true(json_object_object_get_ex(stj, "rollout", &ro));
	assert_string_equal(field(ro, "kiosks"), "20");
	assert_string_equal(field(ro, "in_stage"), "20");
	assert_string_equal(field(ro, "succeeded"), "20");
	json_object_put(stj);
	buf_release(&out);
	/* a kiosk found back on the old release (restored by hand) catches up: done
	 * rollouts still offer the release, so it is "updating", not "ok" */
	assert_int_equal(allowed(0, 1, NULL), 2);
	assert_string_equal(status_of(0, sts, sizeof(sts)), "updating");
	allowed(0, 2, NULL);
	assert_string_equal(status_of(0, sts, sizeof(sts)), "ok");
}

/* The real agent follows the fleet: nothing before a rollout lets it, then the
 * release, and its report shows in the inventory. */
static void test_agent_follows_rollout(void **s)
{
	char cmd[4096], tokfile[128], root[128], pub[128], opt[128];
	buf out;
	long st;
	(void)s;
	snprintf(pub, sizeof(pub), "%s/pub", dir);
	snprintf(opt, sizeof(opt), "%s/opt", dir);
	snprintf(root, sizeof(root), "%s/root.json", dir);
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p k pub/chunks stage/bin; echo 'kiosk 3' > stage/bin/kiosk;"
		 " for k in root rel ts; do %s keygen k/$k >/dev/null; done;"
		 " %s root --root k/root.pub --release k/rel.pub --timestamp k/ts.pub --sign k/root > root.json;"
		 " %s release --dir stage --version 3 --software-version 1.3.0 --hardware kx"
		 " --chunks-dir pub/chunks --sign k/rel > pub/release.json;"
		 " %s timestamp --release pub/release.json --version 1 --sign k/ts > pub/timestamp.json",
		 dir, JK_RELEASE_BIN, JK_RELEASE_BIN, JK_RELEASE_BIN, JK_RELEASE_BIN);
	assert_int_equal(system(cmd), 0);
	/* a VERSION file that contradicts --software-version is refused: the agent's
	 * health check compares what the kiosk reports with it */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && echo 1.2.9 > stage/VERSION && ! %s release --dir stage --version 3"
		 " --software-version 1.3.0 --hardware kx --sign k/rel 2>err >/dev/null"
		 " && grep -q 'VERSION must say' err"
		 " && echo '1.3.0 rc' > stage/VERSION && ! %s release --dir stage --version 3"
		 " --software-version '1.3.0 rc' --hardware kx --sign k/rel 2>/dev/null >/dev/null"
		 " && : > stage/VERSION && ! %s release --dir stage --version 3"
		 " --software-version 1.3.0 --hardware kx --sign k/rel 2>/dev/null >/dev/null"
		 " && rm stage/VERSION err",
		 dir, JK_RELEASE_BIN, JK_RELEASE_BIN, JK_RELEASE_BIN);
	assert_int_equal(system(cmd), 0);
	/* enrolled like any kiosk */
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "enroll-token", "--data", dir, NULL}), 0);
	buf_addc(&out, '\0');
	out.data[strcspn(out.data, "\n")] = '\0';
	char body[512];
	snprintf(body, sizeof(body), "{\"enroll_token\": \"%.100s\", \"kiosk_id\": \"agent-kiosk\"}",
		 out.data);
	buf_release(&out);
	json_object *o = post(NULL, "v1/fleet/enroll", body, &st);
	assert_int_equal(st, 201);
	snprintf(tokfile, sizeof(tokfile), "%s/device-token", dir);
	FILE *f = fopen(tokfile, "w");
	fprintf(f, "%s\n", field(o, "device_token"));
	fclose(f);
	json_object_put(o);
	/* published by the server: a damaged chunk or a forged signature is refused
	 * and changes nothing served */
	char chunk[256];
	snprintf(cmd, sizeof(cmd), "ls %s/chunks | head -1", pub);
	FILE *lp = popen(cmd, "r");
	assert_non_null(fgets(chunk, sizeof(chunk), lp));
	pclose(lp);
	chunk[strcspn(chunk, "\n")] = '\0';
	snprintf(cmd, sizeof(cmd), "cp -r %s %s/bad && printf X | dd of=%s/bad/chunks/%s bs=1 seek=0"
		 " conv=notrunc status=none", pub, dir, dir, chunk);
	assert_int_equal(system(cmd), 0);
	char bad[128];
	snprintf(bad, sizeof(bad), "%s/bad", dir);
	buf_init(&out);
	assert_int_not_equal(tu_cli(&out, (const char *const[]){"fleet", "publish", "--data", dir, "--from", bad,
							      "--root", root, NULL}), 0);
	buf_release(&out);
	/* a timestamp whose signed version was changed: the signature no longer holds */
	snprintf(cmd, sizeof(cmd), "sed -i 's/\"version\":1}/\"version\":2}/' %s/bad/timestamp.json && grep -q '\"version\":2}' %s/bad/timestamp.json && cp %s/chunks/%s %s/bad/chunks/",
		 dir, dir, pub, chunk, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(tu_cli(NULL, (const char *const[]){"fleet", "publish", "--data", dir, "--from", bad,
								 "--root", root, NULL}),
			     0);
	buf_init(&out);
	assert_int_equal(tu_http(port, "none", "GET", "releases/timestamp.json", NULL, NULL, &out), 404);
	buf_release(&out);
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "publish", "--data", dir, "--from", pub,
							      "--root", root, NULL}), 0);
	buf_addc(&out, '\0');
	assert_non_null(strstr(out.data, "published release 3"));
	buf_release(&out);
	/* the same timestamp again (or an older one) would be a rollback for every kiosk */
	assert_int_not_equal(tu_cli(NULL, (const char *const[]){"fleet", "publish", "--data", dir, "--from", pub,
								 NULL}),
			     0);
	/* release 3 signed again with other contents, under a newer timestamp: refused
	 * (kiosks on 3 would never fetch it); a newer timestamp for the same release
	 * (the daily re-signing) is fine */
	snprintf(cmd, sizeof(cmd),
		 "set -e; cd %s; mkdir -p pub2/chunks; cp -r pub/chunks/. pub2/chunks/; echo other > stage/extra;"
		 " %s release --dir stage --version 3 --software-version 1.3.0 --hardware kx"
		 " --chunks-dir pub2/chunks --sign k/rel > pub2/release.json; rm stage/extra;"
		 " %s timestamp --release pub2/release.json --version 2 --sign k/ts > pub2/timestamp.json;"
		 " %s timestamp --release pub/release.json --version 3 --sign k/ts > pub/timestamp.json",
		 dir, JK_RELEASE_BIN, JK_RELEASE_BIN, JK_RELEASE_BIN);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "! %s fleet publish --data %s --from %s/pub2 2>%s/pub2.err &&"
		 " grep -q 'already published with other contents' %s/pub2.err",
		 JOBCENTER_BIN, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(tu_cli(NULL, (const char *const[]){"fleet", "publish", "--data", dir, "--from", pub, NULL}),
			 0);
	/* served with ranges; chunks are immutable, the timestamp never cached */
	char hdr[256];
	snprintf(cmd, sizeof(cmd), "curl -s -D - -o /dev/null -r 0-9 http://127.0.0.1:%d/releases/chunks/%s", port, chunk);
	lp = popen(cmd, "r");
	int partial = 0, immutable = 0;
	while (fgets(hdr, sizeof(hdr), lp)) {
		partial |= strncmp(hdr, "HTTP/1.1 206", 12) == 0;
		immutable |= strstr(hdr, "immutable") != NULL;
	}
	pclose(lp);
	assert_true(partial && immutable);
	snprintf(cmd, sizeof(cmd),
		 "%s --root-dir %s --url http://127.0.0.1:%d/releases/ --hardware kx --trusted-root %s --restart true"
		 " --health true --health-settle 0 --fleet http://127.0.0.1:%d/ --token-file %s --once"
		 " > %s/agent.out 2>/dev/null",
		 JK_AGENT_BIN, opt, port, root, port, tokfile, dir);
	/* the rollout of v2 above is finished; v3 has none yet: the agent waits */
	assert_int_equal(system(cmd), 0);
	char p[256];
	snprintf(p, sizeof(p), "%s/opt/current", dir);
	assert_int_not_equal(access(p, F_OK), 0);
	cli((const char *const[]){"fleet", "rollout", "--data", dir, "--version", "3", "--previous", "2",
				  "--stages", "100", NULL});
	assert_int_equal(system(cmd), 0);
	assert_int_equal(access(p, F_OK), 0);
	/* one more heartbeat carries the report */
	assert_int_equal(system(cmd), 0);
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "status", "--data", dir, NULL}), 0);
	buf_addc(&out, '\0');
	assert_non_null(strstr(out.data, "succeeded: release 3 is running and healthy"));
	buf_release(&out);
	/* a rollout for one group leaves the others alone */
	cli((const char *const[]){"fleet", "rollout", "--data", dir, "--version", "4", "--previous", "3",
				  "--stages", "100", "--group", "libraries", NULL});
	assert_int_equal(allowed(0, 3, NULL), 4); /* kiosk-... in "libraries" */
	snprintf(body, sizeof(body), "{\"version\": 3}");
	FILE *tf = fopen(tokfile, "r");
	char atok[128];
	assert_non_null(fgets(atok, sizeof(atok), tf));
	fclose(tf);
	atok[strcspn(atok, "\n")] = '\0';
	o = post(atok, "v1/fleet/heartbeat", body, &st);
	assert_int_equal(st, 200);
	assert_string_equal(field(o, "allowed_release"), "0"); /* "default": not in it */
	json_object_put(o);
}

/* provisioning/make-kiosk.sh enrolls a box (here a scratch root) and writes a
 * configuration whose token the API takes; the one-time token cannot be used
 * twice; without a token the box is reconfigured from the one it has. */
static void test_make_kiosk(void **s)
{
	char cmd[4096], box[128], p[256], tok[128];
	buf out;
	struct stat st;
	(void)s;
	snprintf(box, sizeof(box), "%s/box", dir);
	buf_init(&out);
	assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "enroll-token", "--data", dir, "--group",
							      "libraries", NULL}), 0);
	buf_addc(&out, '\0');
	snprintf(tok, sizeof(tok), "%.100s", out.data);
	tok[strcspn(tok, "\n")] = '\0';
	buf_release(&out);
	snprintf(cmd, sizeof(cmd),
		 "JK_AGENT=%s sh %s/provisioning/make-kiosk.sh --prefix %s --server http://127.0.0.1:%d"
		 " --enroll-token %s --kiosk-id box-01 --root-json %s/root.json --language en > %s/mk.out 2>&1",
		 JK_AGENT_BIN, SOURCE_DIR, box, port, tok, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(p, sizeof(p), "%s/etc/kiosk/device-token", box);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(p, sizeof(p), "%s/etc/kiosk/kiosk.json", box);
	json_object *k = json_object_from_file(p);
	assert_non_null(k);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0007, 0); /* the token is not for everyone */
	char api_tok[128];
	snprintf(api_tok, sizeof(api_tok), "%s", field(k, "device_token"));
	assert_string_equal(field(k, "kiosk_id"), "box-01");
	assert_string_equal(field(k, "language"), "en");
	json_object_put(k);
	/* the kiosk's API takes the token; the fleet knows the box in its group */
	buf_init(&out);
	assert_int_equal(tu_http(port, api_tok, "GET", "v1/regions", NULL, NULL, &out), 200);
	buf_release(&out);
	json_object *o = post(api_tok, "v1/fleet/heartbeat", "{\"version\": 0}", (long[]){0});
	assert_non_null(o);
	json_object_put(o);
	snprintf(cmd, sizeof(cmd), "grep -qx 'JK_UPDATE_URL=http://127.0.0.1:%d/releases/' %s/etc/kiosk/update.env"
		 " && cmp -s %s/root.json %s/usr/share/jk/root.json", port, box, dir, box);
	assert_int_equal(system(cmd), 0);
	/* the same one-time token again: refused, with a reason */
	snprintf(cmd, sizeof(cmd),
		 "JK_AGENT=%s sh %s/provisioning/make-kiosk.sh --prefix %s --server http://127.0.0.1:%d"
		 " --enroll-token %s --kiosk-id box-02 --root-json %s/root.json > %s/mk2.out 2>&1",
		 JK_AGENT_BIN, SOURCE_DIR, box, port, tok, dir, dir);
	assert_int_not_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "grep -q 'already used' %s/mk2.out && grep -q 'enrollment failed' %s/mk2.out",
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	/* reconfigured without enrolling again: the token stays */
	snprintf(cmd, sizeof(cmd),
		 "JK_AGENT=%s sh %s/provisioning/make-kiosk.sh --prefix %s --server http://127.0.0.1:%d"
		 " --kiosk-id box-01 --root-json %s/root.json >/dev/null 2>&1 && grep -q '%s' %s/etc/kiosk/kiosk.json",
		 JK_AGENT_BIN, SOURCE_DIR, box, port, dir, api_tok, box);
	assert_int_equal(system(cmd), 0);
	/* with the fleet's CA: installed, and the agent trusts only it */
	snprintf(cmd, sizeof(cmd),
		 "cd %s && printf -- '-----BEGIN CERTIFICATE-----\\nMA==\\n-----END CERTIFICATE-----\\n' > ca.pem"
		 " && JK_AGENT=%s sh %s/provisioning/make-kiosk.sh --prefix %s --server http://127.0.0.1:%d"
		 " --kiosk-id box-01 --root-json root.json --fleet-ca ca.pem >/dev/null 2>&1"
		 " && cmp -s ca.pem %s/etc/kiosk/fleet-ca.pem"
		 " && grep -q -- '--ca-file /etc/kiosk/fleet-ca.pem' %s/etc/kiosk/update.env"
		 " && { sh %s/provisioning/make-kiosk.sh --prefix %s --server http://127.0.0.1:%d"
		 " --kiosk-id box-01 --root-json root.json --fleet-ca root.json 2>&1 | grep -q 'not a PEM'; }",
		 dir, JK_AGENT_BIN, SOURCE_DIR, box, port, box, box, SOURCE_DIR, box, port);
	assert_int_equal(system(cmd), 0);
}

/* A kiosk's recent errors: each new one once, newest first, at most 20. */
static void test_error_history(void **s)
{
	char body[256], p[128], err[256];
	const char *seq[] = {"disk full: 9 bytes needed", "disk full: 9 bytes needed", NULL,
			     "timestamp unavailable", NULL, "disk full: 9 bytes needed"};
	long st;
	(void)s;
	for (size_t i = 0; i < sizeof(seq) / sizeof(*seq); i++) {
		snprintf(body, sizeof(body), "{\"version\": 1%s%s%s}", seq[i] ? ", \"last_error\": \"" : "",
			 seq[i] ? seq[i] : "", seq[i] ? "\"" : "");
		json_object_put(post(tokens[5], "v1/fleet/heartbeat", body, &st));
		assert_int_equal(st, 200);
	}
	json_object_put(post(tokens[5], "v1/fleet/heartbeat", "{\"version\": 1, \"kiosk_error\": \"kiosk not running\"}", &st));
	sqlite3 *db;
	snprintf(p, sizeof(p), "%s/jobcenter.db", dir);
	assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
	json_object *d, *errs;
	assert_int_equal(fl_device_json(db, ids[5], time(NULL), &d, err, sizeof(err)), 0);
	assert_non_null(d);
	assert_true(json_object_object_get_ex(d, "errors", &errs));
	const char *want[] = {"kiosk: kiosk not running", "disk full: 9 bytes needed", "timestamp unavailable",
			      "disk full: 9 bytes needed"};
	assert_int_equal(json_object_array_length(errs), 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(field(json_object_array_get_idx(errs, (size_t)i), "message"), want[i]);
	json_object_put(d);
	/* twenty-five different ones: the newest twenty stay */
	for (int i = 0; i < 25; i++) {
		snprintf(body, sizeof(body), "{\"version\": 1, \"last_error\": \"error %d\"}", i);
		json_object_put(post(tokens[5], "v1/fleet/heartbeat", body, &st));
	}
	assert_int_equal(fl_device_json(db, ids[5], time(NULL), &d, err, sizeof(err)), 0);
	json_object_object_get_ex(d, "errors", &errs);
	assert_int_equal(json_object_array_length(errs), 20);
	assert_string_equal(field(json_object_array_get_idx(errs, 0), "message"), "error 24");
	json_object_put(d);
	assert_int_equal(fl_device_json(db, "no-such-kiosk", time(NULL), &d, err, sizeof(err)), 0);
	assert_null(d);
	/* its status follows what the heartbeats say, and time */
	static const struct {
		const char *body, *status;
	} hb[] = {{"{\"version\": 2, \"last_error\": \"disk full: 9 bytes needed\"}", "error"},
		  {"{\"version\": 2, \"last_error\": \"stale metadata\"}", "stale"},
		  {"{\"version\": 2, \"kiosk_error\": \"connect: refused\"}", "kiosk_error"},
		  /* the rollout of 4 to its group covers it */
		  {"{\"version\": 2}", "updating"},
		  {"{\"version\": 4}", "ok"}};
	for (size_t i = 0; i < sizeof(hb) / sizeof(*hb); i++) {
		json_object_put(post(tokens[5], "v1/fleet/heartbeat", hb[i].body, &st));
		assert_int_equal(fl_device_json(db, ids[5], time(NULL), &d, err, sizeof(err)), 0);
		assert_string_equal(field(d, "status"), hb[i].status);
		json_object_put(d);
	}
	assert_int_equal(fl_device_json(db, ids[5], time(NULL) + FL_OFFLINE_S + 60, &d, err, sizeof(err)), 0);
	assert_string_equal(field(d, "status"), "offline");
	json_object_put(d);
	sqlite3_close(db);
}

/* A second box cannot take an enrolled kiosk's id (its token, group, history)
 * until that kiosk's token is revoked. */
static void test_enroll_taken_id(void **s)
{
	buf out;
	(void)s;
	/* a second box cannot take an enrolled kiosk's id (its token, group,
	 * history) until that kiosk's token is revoked */
	char t1[128], t2[128], b2[512];
	long st2;
	for (int i = 0; i < 2; i++) {
		buf_init(&out);
		assert_int_equal(tu_cli(&out, (const char *const[]){"fleet", "enroll-token", "--data", dir, NULL}), 0);
		buf_addc(&out, '\0');
		out.data[strcspn(out.data, "\n")] = '\0';
		snprintf(i ? t2 : t1, sizeof(t1), "%.100s", out.data);
		buf_release(&out);
	}
	snprintf(b2, sizeof(b2), "{\"enroll_token\": \"%s\", \"kiosk_id\": \"dup-kiosk\"}", t1);
	json_object_put(post(NULL, "v1/fleet/enroll", b2, &st2));
	assert_int_equal(st2, 201);
	snprintf(b2, sizeof(b2), "{\"enroll_token\": \"%s\", \"kiosk_id\": \"dup-kiosk\"}", t2);
	json_object *d = post(NULL, "v1/fleet/enroll", b2, &st2);
	assert_int_equal(st2, 422);
	json_object_put(d);
	assert_int_equal(tu_cli(NULL, (const char *const[]){"token", "revoke", "--data", dir, "--kiosk", "dup-kiosk",
							      NULL}), 0);
	json_object_put(post(NULL, "v1/fleet/enroll", b2, &st2)); /* the same token: still unused */
	assert_int_equal(st2, 201);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enroll),
		cmocka_unit_test(test_staged_rollout),
		cmocka_unit_test(test_agent_follows_rollout),
		cmocka_unit_test(test_make_kiosk),
		cmocka_unit_test(test_error_history),
		cmocka_unit_test(test_enroll_taken_id),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
