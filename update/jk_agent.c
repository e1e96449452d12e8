/*
 * jk-agent - the kiosk's update agent (agent.h): finishes whatever a crash
 * interrupted, then checks for a release every --interval seconds (with jitter,
 * and a growing back-off after failures, so a broken server or a full disk never
 * turns into a storm). Each cycle prints one JSON line with its outcome.
 *
 *	jk-agent --root-dir /opt/jk --url https://fleet.example/releases/ \
 *	    --hardware kiosk-x86_64 --trusted-root /usr/share/jk/root.json \
 *	    [--restart "systemctl restart jk-kiosk"] [--health CMD] \
 *	    [--health-timeout 60] [--interval 900] [--window 02:00-05:00] \
 *	    [--idle CMD] [--once]
 */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

static void print(const char *when, const agent_result *r)
{
	static const char *const names[] = {"failed", "nothing", "succeeded", "rolled_back",
					    "deferred"};
	printf("{\"at\":\"%s\",\"outcome\":\"%s\",\"version\":%lld,\"running\":%lld,\"bytes\":%lld,"
	       "\"download_ms\":%.1f,\"reason\":\"",
	       when, names[r->outcome + 1], r->version, r->running, r->bytes, r->download_ms);
	for (const char *p = r->reason; *p; p++)
		if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
			putchar(*p);
	printf("\"}\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	agent_cfg c = {0};
	agent_result r;
	const char *trusted = NULL;
	long long interval = 900, v;
	int once = 0;
	c.health_timeout_s = 60;
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
		else if (strcmp(f, "--interval") == 0 && util_parse_long(val, 1, 86400, &v) == 0)
			interval = v;
		else if (strcmp(f, "--idle") == 0)
			c.idle_cmd = val;
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
	if (!c.root_dir || !c.base_url || !c.hardware) {
		fprintf(stderr, "jk-agent: --root-dir, --url and --hardware are needed\n");
		return 2;
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	if (agent_recover(&c, trusted, &r) < 0) {
		print("recover", &r);
		return 1;
	}
	if (r.version)
		print("recover", &r);
	long long backoff = interval;
	for (;;) {
		agent_cycle(&c, &r);
		print("cycle", &r);
		if (once)
			return r.outcome == AGENT_FAILED ? 1 : 0;
		if (r.outcome == AGENT_DEFERRED) { /* look again soon: the moment may come */
			sleep((unsigned)(60 + randombytes_uniform(60)));
			continue;
		}
		backoff = r.outcome == AGENT_FAILED ? (backoff * 2 > 86400 ? 86400 : backoff * 2) : interval;
		/* +-20% so that a fleet does not come back in step */
		sleep((unsigned)(backoff * (80 + randombytes_uniform(41)) / 100));
	}
}
