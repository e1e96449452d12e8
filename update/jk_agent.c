/*
 * jk-agent - the kiosk's update agent (agent.h): finishes whatever a crash
 * interrupted, then checks for a release every --interval seconds (with jitter,
 * and a growing back-off after failures, so a broken server or a full disk never
 * turns into a storm). Each cycle prints one JSON line with its outcome.
 *
 *	jk-agent --root-dir /opt/jk --url https://fleet.example/releases/ \
 *	    --hardware kiosk-x86_64 --trusted-root /usr/share/jk/root.json \
 *	    [--restart "systemctl restart jk-kiosk"] [--health CMD] \
 *	    [--health-timeout 60] [--health-settle 15] [--interval 900] [--window 02:00-05:00] \
 *	    [--idle CMD] [--kiosk-socket /run/kiosk/control.sock]
 *	    [--media-cache /var/cache/kiosk/media]
 *	    [--fleet URL --token-file FILE] [--bandwidth BYTES_PER_S] [--once]
 *	    [--ca-file /etc/jk/fleet-ca.pem]
 *
 *	jk-agent --enroll ONE_TIME_TOKEN --kiosk-id lib-seo-01 \
 *	    --fleet https://fleet.example/ --token-file /etc/kiosk/device-token
 *
 * enrolls the kiosk once (provisioning/make-kiosk.sh): the device token the fleet
 * answers, which is also the kiosk's API token, goes into --token-file (0600).
 *
 * --ca-file trusts only those CA certificates for https (releases, heartbeats,
 * enrollment): the fleet's own CA pins the server and spares the agent the
 * memory of the system's whole CA bundle (docs/benchmarks.md).
 *
 * With --kiosk-socket and without --health / --idle, the kiosk's automation
 * socket answers both questions (agent.h). With --fleet, every cycle starts with
 * a heartbeat (version, uptime, free disk, the last attempt and its reason, and
 * from the kiosk's socket its cache age, outbox and whether it is online and in
 * use) and installs nothing newer than the release the
 * fleet allows this kiosk now (staged rollouts); while the fleet cannot be reached
 * the last answer holds.
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <openssl/crypto.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "agent.h"
#include "buf.h"
#include "kstate.h"

static const char *const outcome_names[] = {"failed", "nothing", "succeeded", "rolled_back",
					    "deferred"};

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
	buf *b = ud;
	if (b->len + sz * n > 65536)
		return 0;
	buf_add(b, p, sz * n);
	return sz * n;
}

/* POSTs the JSON o to fleet + path (with the device token when given; trusting
 * only ca_file's CAs when not NULL); the answer goes into resp, NUL-terminated.
 * Returns the HTTP status, or -1 with why. */
static long post_json(const char *fleet, const char *path, const char *token, const char *ca_file,
		      json_object *o, buf *resp, char *why, size_t wn)
{
	char url[2048], auth[300];
	long status = -1;
	struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *h = curl_easy_init();
	snprintf(url, sizeof(url), "%s%s", fleet, path);
	if (token) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hd = curl_slist_append(hd, auth);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, json_object_to_json_string(o));
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (ca_file) {
		curl_easy_setopt(h, CURLOPT_CAINFO, ca_file);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK)
		snprintf(why, wn, "%.150s: %s", url, curl_easy_strerror(cc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	buf_addc(resp, '\0');
	return status;
}

/* Tells the fleet how this kiosk is and what the last attempt did; returns the
 * release it may install, or -2 when the fleet did not answer. */
static long long heartbeat(const char *fleet, const char *token, const agent_cfg *c,
			   const agent_result *last)
{
	struct statvfs sv;
	double up = 0;
	FILE *f = fopen("/proc/uptime", "r");
	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	json_object *o = json_object_new_object(), *u;
	json_object_object_add(o, "version", json_object_new_int64(agent_running(c)));
	json_object_object_add(o, "uptime_s", json_object_new_int64((long long)up));
	if (statvfs(c->root_dir, &sv) == 0)
		json_object_object_add(o, "disk_free",
				       json_object_new_int64((long long)sv.f_bavail * (long long)sv.f_frsize));
	if (c->kiosk_socket) {
		kstate ks;
		char why[160];
		if (kstate_get(c->kiosk_socket, 2000, &ks, why, sizeof(why)) == 0) {
			if (ks.cache_updated_at)
				json_object_object_add(o, "cache_age_s",
						       json_object_new_int64((long long)(time(NULL) - ks.cache_updated_at)));
			json_object_object_add(o, "outbox", json_object_new_int64(ks.outbox));
			json_object_object_add(o, "kiosk_online", json_object_new_boolean(ks.online));
			json_object_object_add(o, "in_session", json_object_new_boolean(ks.in_session));
		}
		else
			json_object_object_add(o, "kiosk_error", json_object_new_string(why));
	}
	if (last && last->outcome == AGENT_FAILED)
		json_object_object_add(o, "last_error", json_object_new_string(last->reason));
	if (last && last->version && last->outcome != AGENT_NOTHING) {
		u = json_object_new_object();
		json_object_object_add(u, "version", json_object_new_int64(last->version));
		json_object_object_add(u, "outcome",
				       json_object_new_string(outcome_names[last->outcome + 1]));
		json_object_object_add(u, "reason", json_object_new_string(last->reason));
		json_object_object_add(o, "update", u);
	}
	buf resp;
	char why[256];
	long allowed = -2;
	buf_init(&resp);
	if (post_json(fleet, "v1/fleet/heartbeat", token, c->ca_file, o, &resp, why, sizeof(why)) == 200) {
		json_object *r = json_tokener_parse(resp.data), *v;
		if (r && json_object_object_get_ex(r, "allowed_release", &v) &&
		    json_object_is_type(v, json_type_int))
			allowed = (long)json_object_get_int64(v);
		json_object_put(r);
	}
	buf_wipe(&resp);
	json_object_put(o);
	return allowed;
}

/* Trades the one-time enrollment token for the device token, kept in token_file. */
static int enroll(const char *fleet, const char *ca_file, const char *once, const char *kiosk_id,
		  const char *token_file)
{
	char why[256], tmp[4200];
	long status = 0;
	buf resp;
	json_object *o = json_object_new_object(), *r = NULL, *v;
	int rc = 1;
	json_object_object_add(o, "enroll_token", json_object_new_string(once));
	json_object_object_add(o, "kiosk_id", json_object_new_string(kiosk_id));
	buf_init(&resp);
	status = post_json(fleet, "v1/fleet/enroll", NULL, ca_file, o, &resp, why, sizeof(why));
	if (status < 0) {
		fprintf(stderr, "jk-agent: enroll: %s\n", why);
		goto out;
	}
	r = json_tokener_parse(resp.data);
	if (status != 201 || !r || !json_object_object_get_ex(r, "device_token", &v) ||
	    !json_object_is_type(v, json_type_string)) {
		json_object *e, *m;
		const char *msg = r && json_object_object_get_ex(r, "error", &e) &&
					  json_object_object_get_ex(e, "message", &m)
				      ? json_object_get_string(m)
				      : "unexpected answer";
		fprintf(stderr, "jk-agent: enroll refused (HTTP %ld): %s\n", status, msg);
		goto out;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", token_file);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *tok = json_object_get_string(v);
	if (fd < 0 || write(fd, tok, strlen(tok)) != (ssize_t)strlen(tok) || write(fd, "\n", 1) != 1 ||
	    fsync(fd) != 0 || close(fd) != 0 || rename(tmp, token_file) < 0) {
		fprintf(stderr, "jk-agent: enroll: cannot write %s: %s\n", token_file, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		goto out;
	}
	printf("{\"enrolled\":\"%s\"}\n", kiosk_id);
	rc = 0;
out:
	json_object_put(r);
	json_object_put(o);
	buf_wipe(&resp);
	return rc;
}

static void print(const char *when, const agent_result *r)
{
	const char *const *names = outcome_names;
	printf("{\"at\":\"%s\",\"outcome\":\"%s\",\"version\":%lld,\"running\":%lld,\"bytes\":%lld,"
	       "\"download_ms\":%.1f,\"reason\":\"",
	       when, names[r->outcome + 1], r->version, r->running, r->bytes, r->download_ms);
	for (const char *p = r->reason; *p; p++)
		if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			putchar(*p);
	printf("\"}\n");
	fflush(stdout);
}

/* The last attempt survives the process (a --once run, a restart), so that the
 * next heartbeat can report it. */
static void save_last(const agent_cfg *c, const agent_result *r)
{
	char p[4096], tmp[4200];
	json_object *o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int64(r->version));
	json_object_object_add(o, "outcome", json_object_new_int(r->outcome));
	json_object_object_add(o, "reason", json_object_new_string(r->reason));
	snprintf(p, sizeof(p), "%s/state/last-attempt.json", c->root_dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	FILE *f = fopen(tmp, "w");
	if (f) {
		fputs(json_object_to_json_string(o), f);
		if (fclose(f) == 0)
			rename(tmp, p);
	}
	json_object_put(o);
}

static void load_last(const agent_cfg *c, agent_result *r)
{
	char p[4096];
	json_object *o, *v;
	snprintf(p, sizeof(p), "%s/state/last-attempt.json", c->root_dir);
	if (!(o = json_object_from_file(p)))
		return;
	if (json_object_object_get_ex(o, "version", &v))
		r->version = json_object_get_int64(v);
	if (json_object_object_get_ex(o, "outcome", &v))
		r->outcome = json_object_get_int(v);
	if (r->outcome < AGENT_FAILED || r->outcome > AGENT_DEFERRED)
		r->outcome = AGENT_NOTHING;
	if (json_object_object_get_ex(o, "reason", &v))
		snprintf(r->reason, sizeof(r->reason), "%s", json_object_get_string(v));
	json_object_put(o);
}

/* Memory (the agent's budget is 8 MiB and Debian's libcurl alone maps 7 MiB):
 * GnuTLS, which libcurl drags in through librtmp and which we never use,
 * initializes itself in a constructor (+0.8 MiB) unless this is in the
 * environment before the process starts, hence the re-exec; OpenSSL's error
 * strings (+1.2 MiB) are left unloaded: curl's messages do not need them.
 * OpenSSL's configuration is loaded (the system's TLS policy: Debian's minimum
 * protocol and security level), and its ciphers and digests are all registered:
 * without them no certificate could be verified, and https failed
 * (test_https_pinned_ca runs this program). */
static void trim_libraries(char **argv)
{
	if (!getenv("GNUTLS_NO_IMPLICIT_INIT") && setenv("GNUTLS_NO_IMPLICIT_INIT", "1", 1) == 0)
		execv("/proc/self/exe", argv); /* on failure go on as we are */
	OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
}

int main(int argc, char **argv)
{
	agent_cfg c = {0};
	agent_result r;
	const char *trusted = NULL, *fleet = NULL, *token_file = NULL, *enroll_token = NULL,
		   *kiosk_id = NULL;
	char token[256] = "";
	long long interval = 900, v;
	int once = 0;
	c.health_timeout_s = 60;
	c.health_settle_s = 15;
	c.max_version = -1; /* without a fleet, whatever the publisher signs */
	for (int i = 1; i < argc; i++) {
		const char *f = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(f, "--once") == 0) {
			once = 1;
			continue;
		}
		if (!val) {
			fprintf(stderr, "jk-agent: %s needs a value\n", f);
			return 2;
		}
		i++;
		if (strcmp(f, "--root-dir") == 0)
			c.root_dir = val;
		else if (strcmp(f, "--url") == 0)
			c.base_url = val;
		else if (strcmp(f, "--hardware") == 0)
			c.hardware = val;
		else if (strcmp(f, "--trusted-root") == 0)
			trusted = val;
		else if (strcmp(f, "--restart") == 0)
			c.restart_cmd = val;
		else if (strcmp(f, "--health") == 0)
			c.health_cmd = val;
		else if (strcmp(f, "--health-timeout") == 0 && util_parse_long(val, 1, 3600, &v) == 0)
			c.health_timeout_s = (int)v;
		else if (strcmp(f, "--health-settle") == 0 && util_parse_long(val, 0, 3600, &v) == 0)
			c.health_settle_s = (int)v;
		else if (strcmp(f, "--interval") == 0 && util_parse_long(val, 1, 86400, &v) == 0)
			interval = v;
		else if (strcmp(f, "--idle") == 0)
			c.idle_cmd = val;
		else if (strcmp(f, "--enroll") == 0)
			enroll_token = val;
		else if (strcmp(f, "--kiosk-id") == 0)
			kiosk_id = val;
		else if (strcmp(f, "--media-cache") == 0)
			c.media_dir = val;
		else if (strcmp(f, "--ca-file") == 0)
			c.ca_file = val;
		else if (strcmp(f, "--kiosk-socket") == 0)
			c.kiosk_socket = val;
		else if (strcmp(f, "--fleet") == 0)
			fleet = val;
		else if (strcmp(f, "--bandwidth") == 0 && util_parse_long(val, 1024, 1LL << 40, &v) == 0)
			c.max_bps = v;
		else if (strcmp(f, "--token-file") == 0)
			token_file = val;
		else if (strcmp(f, "--window") == 0) {
			int h1, m1, h2, m2;
			if (sscanf(val, "%d:%d-%d:%d", &h1, &m1, &h2, &m2) != 4 || h1 < 0 || h1 > 23 ||
			    h2 < 0 || h2 > 23 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59) {
				fprintf(stderr, "jk-agent: --window HH:MM-HH:MM\n");
				return 2;
			}
			c.window_start = h1 * 60 + m1;
			c.window_end = h2 * 60 + m2;
		}
		else {
			fprintf(stderr, "jk-agent: unknown option or bad value %s\n", f);
			return 2;
		}
	}
	if (enroll_token) {
		if (!fleet || !kiosk_id || !token_file) {
			fprintf(stderr, "jk-agent: --enroll needs --fleet, --kiosk-id and --token-file\n");
			return 2;
		}
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return 1;
		int erc = enroll(fleet, c.ca_file, enroll_token, kiosk_id, token_file);
		curl_global_cleanup();
		return erc;
	}
	if (!c.root_dir || !c.base_url || !c.hardware) {
		fprintf(stderr, "jk-agent: --root-dir, --url and --hardware are needed\n");
		return 2;
	}
	if (c.health_settle_s >= c.health_timeout_s) {
		fprintf(stderr, "jk-agent: --health-settle must be shorter than --health-timeout\n");
		return 2;
	}
	trim_libraries(argv);
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	if (fleet) {
		FILE *tf = token_file ? fopen(token_file, "r") : NULL;
		if (!tf || !fgets(token, sizeof(token), tf)) {
			fprintf(stderr, "jk-agent: --fleet needs a readable --token-file\n");
			if (tf)
				fclose(tf);
			return 2;
		}
		fclose(tf);
		token[strcspn(token, "\r\n")] = '\0';
		c.max_version = 0; /* nothing until the fleet says */
	}
	/* one agent per kiosk: a second one (a technician's --once beside the
	 * service) would take the first one's temporary files for a crash's */
	char lockp[4200];
	snprintf(lockp, sizeof(lockp), "%s/state", c.root_dir);
	if (util_mkdir_p(lockp, 0755) == 0)
		snprintf(lockp, sizeof(lockp), "%s/state/agent.lock", c.root_dir);
	int lfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "jk-agent: another agent is running for %s\n", c.root_dir);
		return 1;
	}
	if (agent_recover(&c, trusted, &r) < 0) {
		print("recover", &r);
		return 1;
	}
	if (r.version) {
		print("recover", &r);
		save_last(&c, &r); /* the fleet hears of it even after another restart */
	}
	long long backoff = interval;
	agent_result last = r;
	if (!r.version) {
		memset(&last, 0, sizeof(last));
		load_last(&c, &last);
	}
	for (;;) {
		if (fleet) {
			long long a = heartbeat(fleet, token, &c, &last);
			if (a >= 0)
				c.max_version = a; /* unreachable: keep the last answer */
		}
		agent_cycle(&c, &r);
		if (r.outcome != AGENT_NOTHING) {
			last = r;
			save_last(&c, &r);
		}
		print("cycle", &r);
		if (once)
			return r.outcome == AGENT_FAILED ? 1 : 0;
		if (r.outcome == AGENT_DEFERRED) {
			/* the kiosk in use: look again soon; outside the window: when it
			 * opens (spread over 5 minutes), heartbeating meanwhile */
			long long w = r.wait_s > 0 ? r.wait_s + randombytes_uniform(300) : 60 + randombytes_uniform(60);
			sleep((unsigned)(w < interval ? w : interval));
			continue;
		}
		backoff = r.outcome == AGENT_FAILED ? (backoff * 2 > 86400 ? 86400 : backoff * 2) : interval;
		/* +-20% so that a fleet does not come back in step */
		sleep((unsigned)(backoff * (80 + randombytes_uniform(41)) / 100));
	}
}
