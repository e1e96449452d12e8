/*
 * End to end: the real jobcenter on a loopback port with generated data, and the
 * real kiosk, headless, driven through its automation socket exactly as the
 * acceptance tests do (docs/api/kiosk-automation-v1.md). Screenshots of every
 * screen in both orientations go to ARTIFACTS for a person to look at.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <sqlite3.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "kioskutil.h"
#include "testutil.h"
#include "util.h"

static char dir[64];
static char token[128];
static int api_port;
static pid_t server;

static int group_setup(void **s)
{
	(void)s;
	tu_tempdir(dir, "kiosk-e2e");
	mkdir(ARTIFACTS, 0755);
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "400",
							     "--seed", "5", NULL}),
			 0);
	tu_token(dir, "k-e2e", token);
	tk_init(dir, token);
	api_port = tu_serve(dir, 0, &server);
	return 0;
}

static int group_teardown(void **s)
{
	char c[256];
	(void)s;
	tk_kill_all();
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	snprintf(c, sizeof(c), "umount %s/full-cache 2>/dev/null; rm -rf %s", dir, dir);
	return system(c) == 0 ? 0 : -1;
}

static void test_search_to_detail(void **s)
{
	struct kiosk k;
	char cfg[128], company[256] = "";
	json_object *tree, *n;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	write_config(cfg, api_port, 10, "cache");
	kiosk_start(&k, cfg, "1080x1920", "p");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"간호\"}");
	n = node(&k, "search.query", &tree);
	assert_non_null(n);
	assert_string_equal(json_object_get_string(get(n, "value")), "간호");
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 5000}");
	n = node(&k, "results.item.0", &tree);
	assert_string_equal(json_object_get_string(get(n, "role")), "list_item");
	const char *label = json_object_get_string(get(n, "label"));
	assert_non_null(strstr(label, "간호"));
	snprintf(company, sizeof(company), "%s", strrchr(label, ',') + 2);
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"results.item.0\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"detail.company\", \"timeout_ms\": 5000}");
	n = node(&k, "detail.company", &tree);
	assert_string_equal(json_object_get_string(get(n, "label")), company);
	json_object_put(tree);
	n = node(&k, "detail.qr", &tree);
	assert_string_equal(json_object_get_string(get(n, "role")), "image");
	json_object_put(tree);
	/* back goes to the results, home to the start */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"results\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	/* a malformed line gets an error and changes nothing */
	json_object *o = cmd(&k, "this is not json");
	assert_false(json_object_get_boolean(get(o, "ok")));
	json_object_put(o);
	o = cmd(&k, "{\"cmd\": \"tap\", \"id\": \"no.such.node\"}");
	assert_false(json_object_get_boolean(get(o, "ok")));
	json_object_put(o);
	o = cmd(&k, "{\"cmd\": \"state\"}");
	assert_string_equal(json_object_get_string(get(o, "screen")), "home");
	assert_true(json_object_get_boolean(get(o, "online")));
	json_object_put(o);
	kiosk_stop(&k);
}

static void test_idle_reset_wipes(void **s)
{
	struct kiosk k;
	char cfg[128];
	json_object *tree, *n, *o;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "idle");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"비밀검색어\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.title\", \"timeout_ms\": 10000}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 89000}");
	n = node(&k, "idle.dialog", &tree);
	assert_null(n);
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 2000}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"idle.dialog\", \"timeout_ms\": 5000}");
	o = cmd(&k, "{\"cmd\": \"state\"}");
	assert_non_null(get(o, "session"));
	json_object_put(o);
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 20000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	o = cmd(&k, "{\"cmd\": \"state\"}");
	assert_null(get(o, "session"));
	json_object_put(o);
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	assert_null(strstr(json_object_to_json_string(tree), "비밀"));
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	n = node(&k, "search.query", &tree);
	assert_string_equal(json_object_get_string(get(n, "value")), "");
	json_object_put(tree);
	/* "continue" keeps the session */
	ok(&k, "{\"cmd\": \"type\", \"text\": \"사무\"}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 91000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"idle.continue\"}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 30000}");
	n = node(&k, "search.query", &tree);
	assert_non_null(n);
	assert_string_equal(json_object_get_string(get(n, "value")), "사무");
	json_object_put(tree);
	kiosk_stop(&k);
}

/* A server that accepts and then says nothing. */
static int hang_fd;
static void *hang(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(hang_fd, NULL, NULL);
		if (c < 0)
			break; /* held open: never answered */
	}
	return NULL;
}

static void test_hanging_server(void **s)
{
	struct kiosk k;
	char cfg[128];
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	pthread_t th;
	(void)s;
	hang_fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(hang_fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(hang_fd, 16), 0);
	getsockname(hang_fd, (struct sockaddr *)&a, &len);
	pthread_create(&th, NULL, hang, NULL);
	snprintf(cfg, sizeof(cfg), "%s/hang.json", dir);
	/* an empty cache: nothing to answer from, so the request goes to the server */
	write_config(cfg, ntohs(a.sin_port), 3, "cache-hang");
	kiosk_start(&k, cfg, "1080x1920", "hang");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"물류\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	/* while the request hangs, the UI answers at once */
	for (int i = 0; i < 5; i++) {
		double t0 = util_now_ms();
		json_object *tree = cmd(&k, "{\"cmd\": \"tree\"}");
		double ms = util_now_ms() - t0;
		assert_string_equal(json_object_get_string(get(tree, "screen")), "results");
		json_object_put(tree);
		if (ms > 1000)
			fail_msg("tree took %.0f ms while the server hangs", ms);
		usleep(200000);
	}
	/* then the timeout gives a clear message and a retry */
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.retry\", \"timeout_ms\": 8000}");
	json_object *tree, *n = node(&k, "results.error", &tree);
	assert_non_null(strstr(json_object_get_string(get(n, "label")), "서버"));
	json_object_put(tree);
	json_object *st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_false(json_object_get_boolean(get(st, "online")));
	json_object_put(st);
	kiosk_stop(&k);
	shutdown(hang_fd, SHUT_RDWR);
	close(hang_fd);
	pthread_join(th, NULL);
}

static void screens(const char *size, const char *orient)
{
	struct kiosk k;
	char cfg[128];
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, size, orient);
	shot(&k, orient, "home");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"간호\"}");
	shot(&k, orient, "search");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.region\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"pick.1\", \"timeout_ms\": 3000}");
	shot(&k, orient, "picker");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"picker.close\"}");
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Return\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 5000}");
	shot(&k, orient, "results");
	/* a fling moves the list; then the first item in view opens */
	json_object *tree = cmd(&k, "{\"cmd\": \"tree\"}"), *nodes = get(tree, "nodes");
	char first[64] = "";
	ok(&k, "{\"cmd\": \"swipe\", \"from\": [500, 900], \"to\": [500, 500], \"ms\": 150}");
	json_object_put(tree);
	usleep(1500000); /* the fling decelerates and stops */
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	nodes = get(tree, "nodes");
	for (size_t i = 0; i < json_object_array_length(nodes) && !first[0]; i++) {
		json_object *n = json_object_array_get_idx(nodes, i);
		if (strcmp(json_object_get_string(get(n, "role")), "list_item") == 0)
			snprintf(first, sizeof(first), "%s", json_object_get_string(get(n, "id")));
	}
	json_object_put(tree);
	assert_true(first[0] != 0);
	assert_string_not_equal(first, "results.item.0"); /* the list did move */
	shot(&k, orient, "results-scrolled");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"%s\"}", first);
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"detail.company\", \"timeout_ms\": 5000}");
	shot(&k, orient, "detail");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.a11y\"}");
	shot(&k, orient, "a11y");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.contrast\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.large_text\"}");
	shot(&k, orient, "a11y-contrast-large");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	shot(&k, orient, "home-contrast-large");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.a11y\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.contrast\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.large_text\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.low_position\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	shot(&k, orient, "home-low-position");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	shot(&k, orient, "booking");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.language\"}");
	shot(&k, orient, "booking-en");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.counselor.any\", \"timeout_ms\": 3000}");
	shot(&k, orient, "booking-counselor");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 95000}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"idle.dialog\", \"timeout_ms\": 5000}");
	shot(&k, orient, "idle");
	kiosk_stop(&k);
}

/* The "speech" of state, once utterances reach at least n (real time, 10 s). */
static json_object *speech_after(struct kiosk *k, long long n)
{
	for (int i = 0; i < 200; i++) {
		json_object *st = cmd(k, "{\"cmd\": \"state\"}"), *sp = get(st, "speech");
		if (sp && json_object_get_int64(get(sp, "utterances")) >= n && !json_object_get_boolean(get(sp, "speaking")))
			return st;
		json_object_put(st);
		usleep(50000);
	}
	fail_msg("voice guidance said nothing within 10 s");
	return NULL;
}

/* Voice guidance (KS X 9211): turned on, it says so and what the screen is; keypad
 * moves are spoken with the control's role; a first tap reads a button out and a
 * second presses it; the session's end silences it and turns it off. Headless,
 * nothing plays, but the synthesizer really runs. */
static void test_voice_guidance(void **s)
{
	struct kiosk k;
	char cfg[128];
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	write_config(cfg, api_port, 10, "cache");
	kiosk_start(&k, cfg, "1080x1920", "v");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	json_object *st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_null(get(st, "speech")); /* nothing started before anyone asked */
	json_object_put(st);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.a11y\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.voice\"}");
	st = speech_after(&k, 1);
	json_object *sp = get(st, "speech");
	const char *last = json_object_get_string(get(sp, "last"));
	printf("voice: \"%s\", %lld samples\n", last, (long long)json_object_get_int64(get(sp, "samples")));
	assert_non_null(strstr(last, "음성 안내를 켰습니다"));
	assert_false(json_object_get_boolean(get(sp, "failed")));
	/* espeak-ng made sound: at least half a second at 22,050 Hz */
	assert_true(json_object_get_int64(get(sp, "samples")) > 11025);
	long long said = json_object_get_int64(get(sp, "utterances"));
	json_object_put(st);
	/* a keypad move: the focused control and its role */
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Tab\"}");
	json_object *tree;
	st = speech_after(&k, said + 1);
	last = json_object_get_string(get(get(st, "speech"), "last"));
	json_object *fnode = NULL;
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	json_object *nodes = get(tree, "nodes");
	for (size_t i = 0; i < json_object_array_length(nodes); i++)
		if (json_object_get_boolean(get(json_object_array_get_idx(nodes, i), "focused")))
			fnode = json_object_array_get_idx(nodes, i);
	assert_non_null(fnode);
	assert_non_null(strstr(last, json_object_get_string(get(fnode, "label"))));
	json_object_put(tree);
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	/* exploring by touch: the first tap reads the button out, the second acts */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	st = speech_after(&k, said + 1);
	assert_string_equal(json_object_get_string(get(st, "screen")), "a11y");
	assert_non_null(strstr(json_object_get_string(get(get(st, "speech"), "last")), "처음으로 버튼"));
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	/* a new screen: its heading */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.topic.0\", \"timeout_ms\": 5000}");
	st = speech_after(&k, said + 1);
	assert_non_null(strstr(json_object_get_string(get(get(st, "speech"), "last")), "어떤 상담을 원하세요?"));
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	/* the next booking step is the same screen: its new heading is said */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.counselor.any\", \"timeout_ms\": 5000}");
	for (int i = 0; i < 100; i++) { /* the step's heading, after the topic's read-out */
		st = speech_after(&k, said + 1);
		if (strstr(json_object_get_string(get(get(st, "speech"), "last")), "상담사를 고르세요"))
			break;
		said = json_object_get_int64(get(get(st, "speech"), "utterances"));
		json_object_put(st);
		st = NULL;
	}
	assert_non_null(st);
	json_object_put(st);
	/* the session ends: silence, and voice guidance off for the next person */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 95000}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 25000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_false(json_object_get_boolean(get(get(st, "a11y"), "voice")));
	assert_string_equal(json_object_get_string(get(get(st, "speech"), "last")), "");
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	/* the next person cannot see the screen: Help (F1, or the pad's *) turns voice
	 * guidance on from anywhere, and says the screen again when it is on */
	ok(&k, "{\"cmd\": \"key\", \"key\": \"F1\"}");
	st = speech_after(&k, said + 1);
	assert_true(json_object_get_boolean(get(get(st, "a11y"), "voice")));
	assert_non_null(strstr(json_object_get_string(get(get(st, "speech"), "last")), "음성 안내를 켰습니다"));
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	/* the number pad moves (2 forward) and presses (5) */
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Keypad 2\"}");
	st = speech_after(&k, said + 1);
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	nodes = get(tree, "nodes");
	char fid[64] = "";
	for (size_t i = 0; i < json_object_array_length(nodes); i++)
		if (json_object_get_boolean(get(json_object_array_get_idx(nodes, i), "focused")))
			snprintf(fid, sizeof(fid), "%s",
				 json_object_get_string(get(json_object_array_get_idx(nodes, i), "id")));
	json_object_put(tree);
	printf("keypad 2 focused %s: \"%s\"\n", fid,
	       json_object_get_string(get(get(st, "speech"), "last")));
	assert_true(fid[0]);
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Keypad *\"}");
	st = speech_after(&k, said + 1);
	assert_string_equal(json_object_get_string(get(st, "screen")), "home");
	said = json_object_get_int64(get(get(st, "speech"), "utterances"));
	json_object_put(st);
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Keypad 5\"}");
	st = speech_after(&k, said + 1);
	printf("keypad 5 on %s: screen %s\n", fid, json_object_get_string(get(st, "screen")));
	assert_string_not_equal(json_object_get_string(get(st, "screen")), "home");
	json_object_put(st);
	kiosk_stop(&k);
}

static void test_screenshots(void **s)
{
	(void)s;
	screens("1080x1920", "portrait");
	screens("1920x1080", "landscape");
}



/* The service's answer to GET path (for checking what a booking did). */
static long api_get(const char *path, buf *out)
{
	return tu_http(api_port, token, "GET", path, NULL, NULL, out);
}

/* Taps the first calendar day with a free slot; its date into day (11 bytes). */
static void tap_first_day(struct kiosk *k, char *day)
{
	for (int i = 0; i < 100; i++) {
		json_object *tree = cmd(k, "{\"cmd\": \"tree\"}"), *nodes = get(tree, "nodes");
		for (size_t j = 0; j < json_object_array_length(nodes); j++) {
			json_object *n = json_object_array_get_idx(nodes, j);
			const char *id = json_object_get_string(get(n, "id"));
			if (id && strncmp(id, "booking.day.", 12) == 0 &&
			    json_object_get_boolean(get(n, "enabled"))) {
				if (day)
					snprintf(day, 11, "%s", id + 12);
				ok(k, "{\"cmd\": \"tap\", \"id\": \"%s\"}", id);
				json_object_put(tree);
				return;
			}
		}
		json_object_put(tree);
		usleep(50000);
	}
	fail_msg("no day with a free slot");
}

/* A counselling booking made at the kiosk is the one the service holds. */
static void test_booking(void **s)
{
	struct kiosk k;
	char cfg[128], code[32], path[96];
	json_object *tree, *n;
	buf out;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "booking");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.topic.0\", \"timeout_ms\": 5000}");
	shot(&k, "portrait", "booking-topic");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.counselor.any\"}");
	tap_first_day(&k, NULL);
	shot(&k, "portrait", "booking-time");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.slot.0\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"홍길동\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.phone\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"010-2345-6789\"}");
	shot(&k, "portrait", "booking-person");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	/* no consent, no booking */
	n = node(&k, "booking.next", &tree);
	assert_false(json_object_get_boolean(get(n, "enabled")));
	json_object_put(tree);
	shot(&k, "portrait", "booking-consent");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.consent\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	shot(&k, "portrait", "booking-review");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.confirm\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.code\", \"timeout_ms\": 10000}");
	shot(&k, "portrait", "booking-done");
	n = node(&k, "booking.code", &tree);
	snprintf(code, sizeof(code), "%s", json_object_get_string(get(n, "label")));
	json_object_put(tree);
	assert_int_equal(strlen(code), 6);
	/* the name and phone are gone from the kiosk once booked */
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	assert_null(strstr(json_object_to_json_string(tree), "홍길동"));
	assert_null(strstr(json_object_to_json_string(tree), "2345"));
	json_object_put(tree);
	/* the service holds exactly that booking */
	buf_init(&out);
	snprintf(path, sizeof(path), "v1/bookings/%s?phone_last4=6789", code);
	assert_int_equal(api_get(path, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"booked\""));
	buf_release(&out);

	/* look it up and cancel it at the kiosk, by code and the phone's last 4 digits */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.home\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.lookup\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup\"}");
	/* what cannot be a code, or too few digits, is never sent */
	ok(&k, "{\"cmd\": \"type\", \"text\": \"예약?!/%%20ABCDEFGHIJKLMNOP\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup_digits\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"6789\"}");
	n = node(&k, "booking.lookup_find", &tree);
	assert_false(json_object_get_boolean(get(n, "enabled")));
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"%s\"}", code);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup_digits\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"67\"}");
	n = node(&k, "booking.lookup_find", &tree);
	assert_false(json_object_get_boolean(get(n, "enabled")));
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"type\", \"text\": \"88\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup_find\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.error\", \"timeout_ms\": 5000}");
	shot(&k, "portrait", "lookup-not-found");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup_digits\"}");
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Backspace\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"9\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup_find\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.lookup_status\", \"timeout_ms\": 5000}");
	n = node(&k, "booking.lookup_status", &tree);
	assert_non_null(strstr(json_object_get_string(get(n, "label")), "예약됨"));
	json_object_put(tree);
	shot(&k, "portrait", "lookup-found");
	/* the first tap asks; only the second cancels */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.cancel\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.cancel_sure\", \"timeout_ms\": 5000}");
	buf_init(&out);
	assert_int_equal(api_get(path, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"booked\""));
	buf_release(&out);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.cancel\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.cancelled\", \"timeout_ms\": 5000}");
	shot(&k, "portrait", "lookup-cancelled");
	buf_init(&out);
	assert_int_equal(api_get(path, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"cancelled\""));
	buf_release(&out);
	/* the session's end takes the code and digits with it */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 95000}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"idle.dialog\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 25000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.lookup\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.lookup\"}");
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	assert_null(strstr(json_object_to_json_string(tree), code));
	json_object_put(tree);
	kiosk_stop(&k);
}

static int node_checked(struct kiosk *k, const char *id)
{
	json_object *tree, *n = node(k, id, &tree);
	int c = json_object_get_boolean(get(n, "value")); /* a checkbox's value */
	json_object_put(tree);
	return c;
}

/* The slot is taken while the person fills in the form: the kiosk says so and
 * offers the nearest free times, and one of them books. */
static void test_booking_taken(void **s)
{
	struct kiosk k;
	char cfg[128], day[11], path[160], topic[64], body[512], key[48];
	json_object *o, *items, *tree, *n;
	buf out;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "taken");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.topic.0\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.counselor.any\"}");
	tap_first_day(&k, day);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.slot.0\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"김하나\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.phone\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"010-3456-1111\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.consent\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	/* meanwhile others book every free time of that day */
	buf_init(&out);
	assert_int_equal(api_get("v1/topics", &out), 200);
	o = json_tokener_parse(out.data);
	snprintf(topic, sizeof(topic), "%s",
		 json_object_get_string(get(json_object_array_get_idx(get(o, "items"), 0), "id")));
	json_object_put(o);
	snprintf(path, sizeof(path), "v1/slots?from=%s&to=%s&topic=%s", day, day, topic);
	assert_int_equal(api_get(path, &out), 200);
	o = json_tokener_parse(out.data);
	items = get(o, "items");
	int booked = 0;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *sl = json_object_array_get_idx(items, i);
		if (!json_object_get_boolean(get(sl, "available")))
			continue;
		snprintf(body, sizeof(body),
			 "{\"slot_id\": \"%s\", \"topic_id\": \"%s\", \"name\": \"다른 사람\","
			 " \"phone\": \"010-7000-%04d\", \"consent\": {\"privacy\": true, \"version\": \"2026-01\"}}",
			 json_object_get_string(get(sl, "id")), topic, (int)i);
		snprintf(key, sizeof(key), "taken-%s-%d", day, (int)i);
		assert_int_equal(tu_http(api_port, token, "POST", "v1/bookings", key, body, &out), 201);
		booked++;
	}
	json_object_put(o);
	buf_release(&out);
	assert_true(booked > 0);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.confirm\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.error\", \"timeout_ms\": 5000}");
	n = node(&k, "booking.error", &tree);
	assert_non_null(strstr(json_object_get_string(get(n, "label")), "다른 분"));
	json_object_put(tree);
	/* the nearest free times, on other days */
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.slot.0\", \"timeout_ms\": 5000}");
	shot(&k, "portrait", "booking-taken");
	n = node(&k, "booking.slot.0", &tree);
	assert_true(json_object_get_boolean(get(n, "enabled")));
	json_object_put(tree);
	n = node(&k, "booking.slot.0", &tree);
	char md[16];
	snprintf(md, sizeof(md), "%ld/%ld ", strtol(day + 5, NULL, 10), strtol(day + 8, NULL, 10));
	assert_null(strstr(json_object_get_string(get(n, "label")), md)); /* not that day */
	json_object_put(tree);
	/* an offered time really is free: it books */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.slot.0\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.name\", \"timeout_ms\": 5000}");
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	assert_null(strstr(json_object_to_json_string(tree), "booking.error")); /* a new choice */
	json_object_put(tree);
	/* what the person typed is still there: nothing to enter twice */
	n = node(&k, "booking.name", &tree);
	assert_string_equal(json_object_get_string(get(n, "value")), "김하나");
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	if (!node_checked(&k, "booking.consent"))
		ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.consent\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.confirm\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.code\", \"timeout_ms\": 10000}");
	kiosk_stop(&k);
}

/* A full disk: the cache cannot take the listings. The kiosk says so in its log,
 * stays online, and searches the service instead; nothing crashes. Needs a small
 * tmpfs of its own (root); skipped where mounting is not permitted. */
static void test_disk_full(void **s)
{
	struct kiosk k;
	char cfg[128], mnt[128], cmdline[512];
	json_object *st, *tree;
	(void)s;
	snprintf(mnt, sizeof(mnt), "%s/full-cache", dir);
	mkdir(mnt, 0700);
	snprintf(cmdline, sizeof(cmdline), "mount -t tmpfs -o size=640k tmpfs %s 2>/dev/null", mnt);
	if (system(cmdline) != 0) {
		skip(); /* not root, or no mount in this sandbox */
		return;
	}
	snprintf(cfg, sizeof(cfg), "%s/full.json", dir);
	write_config(cfg, api_port, 10, "full-cache");
	kiosk_start(&k, cfg, "1080x1920", "full");
	/* the first sync runs at once and meets the full disk */
	int seen = 0;
	for (int i = 0; i < 100 && !seen; i++) {
		st = cmd(&k, "{\"cmd\": \"state\"}");
		seen = json_object_get_boolean(get(st, "online")) &&
		       json_object_get_type(get(st, "cache_updated_at")) == json_type_null;
		json_object_put(st);
		usleep(50000);
	}
	/* the sync has had its try: a full disk is no reason to claim to be offline */
	usleep(1500 * 1000);
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_true(json_object_get_boolean(get(st, "online")));
	assert_true(json_object_get_type(get(st, "cache_updated_at")) == json_type_null);
	json_object_put(st);
	assert_null(node(&k, "offline.banner", &tree));
	json_object_put(tree);
	/* and a person can still search: the service answers */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"간호\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 5000}");
	/* later syncs meet the same disk; the kiosk keeps going (and resets when idle) */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 600000}");
	usleep(500 * 1000);
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 30000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 5000}");
	assert_int_equal(waitpid(k.pid, NULL, WNOHANG), 0); /* alive */
	kiosk_stop(&k);
	snprintf(cmdline, sizeof(cmdline), "umount %s", mnt);
	assert_int_equal(system(cmdline), 0);
}

/* The service goes away: the kiosk says so, with the data's age, and the same
 * search gives the same results from its cache. Runs last: it stops the service. */
static void test_offline(void **s)
{
	struct kiosk k;
	char cfg[128], before[4096], after[4096];
	json_object *tree, *o;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "offline");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"요양\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 10000}");
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	snprintf(before, sizeof(before), "%s", json_object_to_json_string(get(tree, "nodes")));
	json_object_put(tree);
	o = cmd(&k, "{\"cmd\": \"state\"}");
	assert_true(json_object_get_boolean(get(o, "online")));
	assert_non_null(get(o, "cache_updated_at"));
	json_object_put(o);

	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
	server = 0;
	/* no clock moves: going to the search screen is enough to notice */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"offline.banner\", \"timeout_ms\": 10000}");
	o = cmd(&k, "{\"cmd\": \"state\"}");
	assert_false(json_object_get_boolean(get(o, "online")));
	assert_non_null(get(o, "cache_updated_at"));
	json_object_put(o);
	/* and the next scheduled sync (5 minutes on the kiosk clock) finds nobody either */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 301000}");
	/* 301 s also ran past the idle time: the warning is up; carry on */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"idle.continue\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"offline.banner\", \"timeout_ms\": 10000}");
	shot(&k, "portrait", "search-offline");
	/* the same search again, offline */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"search.submit\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"results.item.0\", \"timeout_ms\": 10000}");
	tree = cmd(&k, "{\"cmd\": \"tree\"}");
	/* everything but the banner is as before */
	json_object *nodes = get(tree, "nodes"), *kept = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i);
		const char *id = json_object_get_string(get(n, "id"));
		if (!id || strcmp(id, "offline.banner") != 0)
			json_object_array_add(kept, json_object_get(n));
	}
	snprintf(after, sizeof(after), "%s", json_object_to_json_string(kept));
	json_object_put(kept);
	json_object_put(tree);
	/* the banner shifts the list down; compare labels and order, not positions */
	json_object *a = json_tokener_parse(before), *b = json_tokener_parse(after);
	size_t na = json_object_array_length(a), nb = json_object_array_length(b);
	int items_a = 0, items_b = 0;
	for (size_t i = 0, j = 0; i < na && j < nb; i++, j++) {
		json_object *x = json_object_array_get_idx(a, i), *y = json_object_array_get_idx(b, j);
		if (strcmp(json_object_get_string(get(x, "role")), "list_item") == 0)
			items_a++;
		if (strcmp(json_object_get_string(get(y, "role")), "list_item") == 0)
			items_b++;
		if (strcmp(json_object_get_string(get(x, "label")), json_object_get_string(get(y, "label"))))
			fail_msg("offline differs: '%s' vs '%s'", json_object_get_string(get(x, "label")),
				 json_object_get_string(get(y, "label")));
	}
	assert_true(items_a > 0);
	json_object_put(a);
	json_object_put(b);
	kiosk_stop(&k);
}

static int state_outbox(struct kiosk *k)
{
	json_object *o = cmd(k, "{\"cmd\": \"state\"}");
	int n = json_object_get_int(get(o, "outbox"));
	json_object_put(o);
	return n;
}

/* Walks the booking flow up to the review step with the first free slot. */
static void book_to_review(struct kiosk *k, const char *phone, int nth_day)
{
	json_object *tree = NULL, *n;
	int seen = 0;
	ok(k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(k, "{\"cmd\": \"wait\", \"id\": \"booking.topic.0\", \"timeout_ms\": 5000}");
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.counselor.any\"}");
	for (int i = 0; i < 100; i++) {
		json_object_put(tree);
		tree = cmd(k, "{\"cmd\": \"tree\"}");
		json_object *nodes = get(tree, "nodes");
		for (size_t j = 0; j < json_object_array_length(nodes); j++) {
			n = json_object_array_get_idx(nodes, j);
			const char *id = json_object_get_string(get(n, "id"));
			if (id && strncmp(id, "booking.day.", 12) == 0 &&
			    json_object_get_boolean(get(n, "enabled")) && seen++ == nth_day) {
				ok(k, "{\"cmd\": \"tap\", \"id\": \"%s\"}", id);
				i = 100;
				break;
			}
		}
		seen = 0;
		if (i < 100)
			usleep(50000);
	}
	json_object_put(tree);
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.slot.0\"}");
	ok(k, "{\"cmd\": \"type\", \"text\": \"김대기\"}");
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.phone\"}");
	ok(k, "{\"cmd\": \"type\", \"text\": \"%s\"}", phone);
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.consent\"}");
	ok(k, "{\"cmd\": \"tap\", \"id\": \"booking.next\"}");
}

/* Offline: the booking is queued durably, survives kill -9, and is delivered
 * exactly once when the service is back. Runs after test_offline (service down). */
/* A captive portal on the service's address: every request gets a 200 web page.
 * Counts the booking POSTs it swallowed. */
static int portal_fd, portal_posts;

static void *portal(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(portal_fd, NULL, NULL);
		if (c < 0)
			return NULL;
		char req[8192];
		tu_read_head(c, req, sizeof(req));
		if (strncmp(req, "POST /v1/bookings", 17) == 0)
			__atomic_add_fetch(&portal_posts, 1, __ATOMIC_SEQ_CST);
		static const char page[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
					   "Content-Length: 30\r\nConnection: close\r\n\r\n"
					   "<html>Log in to Wi-Fi</html>\r\n";
		(void)!send(c, page, sizeof(page) - 1, MSG_NOSIGNAL);
		close(c);
	}
}

static void test_outbox_exactly_once(void **s)
{
	struct kiosk k;
	char cfg[128], ref[32], path[96];
	json_object *tree, *n;
	buf out;
	(void)s;
	assert_int_equal(server, 0); /* test_offline stopped it */
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "outbox");
	/* a day no earlier test booked on (test_booking takes a slot on the first free
	 * day, test_booking_taken the whole first day and one on the next): the cached
	 * slot list may still show those as free, and the answer would rightly be a
	 * follow-up */
	book_to_review(&k, "010-3456-7890", 3);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.confirm\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.code\", \"timeout_ms\": 15000}");
	shot(&k, "portrait", "booking-queued");
	n = node(&k, "booking.code", &tree);
	snprintf(ref, sizeof(ref), "%s", json_object_get_string(get(n, "label")));
	json_object_put(tree);
	assert_int_equal(strlen(ref), 8);
	assert_int_equal(ref[0], 'Q');
	assert_int_equal(state_outbox(&k), 1);

	/* a crash: nothing is lost */
	kill(k.pid, SIGKILL);
	waitpid(k.pid, NULL, 0);
	fclose(k.in);
	close(k.fd);
	kiosk_start(&k, cfg, "1080x1920", "outbox2");
	int pending = 0;
	for (int i = 0; i < 100 && (pending = state_outbox(&k)) != 1; i++)
		usleep(50000);
	assert_int_equal(pending, 1);

	/* a captive portal answers on the service's address: its page is not the
	 * service's answer, and the booking stays queued */
	struct sockaddr_in pa = {0};
	pthread_t pth;
	int one = 1;
	portal_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(portal_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	pa.sin_family = AF_INET;
	pa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	pa.sin_port = htons((uint16_t)api_port);
	assert_int_equal(bind(portal_fd, (struct sockaddr *)&pa, sizeof(pa)), 0);
	assert_int_equal(listen(portal_fd, 16), 0);
	pthread_create(&pth, NULL, portal, NULL);
	for (int i = 0; i < 100 && !__atomic_load_n(&portal_posts, __ATOMIC_SEQ_CST); i++) {
		usleep(100000);
		if (i % 10 == 9)
			ok(&k, "{\"cmd\": \"advance\", \"ms\": 60000}");
	}
	assert_true(__atomic_load_n(&portal_posts, __ATOMIC_SEQ_CST) >= 1);
	usleep(300000);
	assert_int_equal(state_outbox(&k), 1);
	shutdown(portal_fd, SHUT_RDWR);
	close(portal_fd);
	pthread_join(pth, NULL);

	/* the service comes back on the same address: delivered, once */
	assert_int_equal(tu_serve(dir, api_port, &server), api_port);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.search\"}"); /* someone uses the kiosk */
	for (int i = 0; i < 200 && (pending = state_outbox(&k)) != 0; i++) {
		usleep(100000);
		if (i % 20 == 19) /* and time passes */
			ok(&k, "{\"cmd\": \"advance\", \"ms\": 60000}");
	}
	assert_int_equal(pending, 0);
	/* delivered: the name is gone from the kiosk's files too, not only from the
	 * row (secure_delete, the WAL checkpointed) */
	char scan[512];
	snprintf(scan, sizeof(scan), "! grep -rqa '김대기' %s/cache", dir);
	for (int i = 0; i < 50 && system(scan) != 0; i++)
		usleep(100000);
	assert_int_equal(system(scan), 0);
	buf_init(&out);
	snprintf(path, sizeof(path), "v1/bookings/%s?phone_last4=7890", ref);
	assert_int_equal(api_get(path, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"booked\""));
	buf_release(&out);
	kiosk_stop(&k);
	/* exactly one booking for that person */
	sqlite3 *db;
	sqlite3_stmt *st;
	char dbp[128];
	snprintf(dbp, sizeof(dbp), "%s/jobcenter.db", dir);
	assert_int_equal(sqlite3_open(dbp, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM bookings WHERE phone = "
						"'01034567890'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Taps a control twice: with voice guidance on, the first tap reads it out. */
static void tap2(struct kiosk *k, const char *id)
{
	ok(k, "{\"cmd\": \"tap\", \"id\": \"%s\"}", id);
	ok(k, "{\"cmd\": \"tap\", \"id\": \"%s\"}", id);
}

/* The focused node's id into id (n bytes), "" when none. */
static void focused_id(struct kiosk *k, char *id, size_t n)
{
	json_object *tree = cmd(k, "{\"cmd\": \"tree\"}"), *nodes = get(tree, "nodes");
	id[0] = '\0';
	for (size_t i = 0; i < json_object_array_length(nodes); i++)
		if (json_object_get_boolean(get(json_object_array_get_idx(nodes, i), "focused")))
			snprintf(id, n, "%s", json_object_get_string(get(json_object_array_get_idx(nodes, i), "id")));
	json_object_put(tree);
}

static const char *value_of(struct kiosk *k, const char *id, json_object **tree)
{
	json_object *n = node(k, id, tree);
	return n ? json_object_get_string(get(n, "value")) : NULL;
}

/* Keys in the booking form, as a keyboard or keypad sends them (a key, then the
 * text it types): Space on a time slot chooses it and types nothing into the
 * name field it focuses; Return in the name goes on to the phone field instead
 * of running a search; the pad's * turns voice guidance on without typing "*". */
static void test_keys_in_booking(void **s)
{
	struct kiosk k;
	char cfg[128], fid[64];
	json_object *tree, *st;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "keys");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.booking\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.topic.0\", \"timeout_ms\": 5000}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.topic.0\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.counselor.any\"}");
	tap_first_day(&k, NULL);
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.slot.0\", \"timeout_ms\": 5000}");
	for (int i = 0; i < 60; i++) { /* Tab to the first slot */
		focused_id(&k, fid, sizeof(fid));
		if (strcmp(fid, "booking.slot.0") == 0)
			break;
		ok(&k, "{\"cmd\": \"key\", \"key\": \"Tab\"}");
	}
	assert_string_equal(fid, "booking.slot.0");
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Space\"}");
	focused_id(&k, fid, sizeof(fid));
	assert_string_equal(fid, "booking.name");
	assert_string_equal(value_of(&k, "booking.name", &tree), "");
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"type\", \"text\": \"홍길동\"}");
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Return\"}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_string_equal(json_object_get_string(get(st, "screen")), "booking");
	json_object_put(st);
	focused_id(&k, fid, sizeof(fid));
	assert_string_equal(fid, "booking.phone");
	assert_string_equal(value_of(&k, "booking.name", &tree), "홍길동");
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"key\", \"key\": \"Keypad *\"}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_true(json_object_get_boolean(get(get(st, "a11y"), "voice")));
	json_object_put(st);
	assert_string_equal(value_of(&k, "booking.phone", &tree), "");
	json_object_put(tree);
	kiosk_stop(&k);
}

/* A whole booking with voice guidance on, the way a blind person does it: every
 * control read out before it is pressed; the code is spelled out at the end; the
 * name and the phone number are never spoken. */
static void test_voice_booking(void **s)
{
	struct kiosk k;
	char cfg[128], day[16], id[64], code[32];
	json_object *tree, *n, *st;
	(void)s;
	snprintf(cfg, sizeof(cfg), "%s/kiosk.json", dir);
	kiosk_start(&k, cfg, "1080x1920", "vbook");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.a11y\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"a11y.voice\"}");
	tap2(&k, "nav.home");
	tap2(&k, "home.booking");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.topic.0\", \"timeout_ms\": 5000}");
	tap2(&k, "booking.topic.0");
	tap2(&k, "booking.counselor.any");
	tap_first_day(&k, day);
	snprintf(id, sizeof(id), "booking.day.%s", day);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"%s\"}", id);
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.slot.0\", \"timeout_ms\": 5000}");
	/* the first tap only reads: the voice cursor is on the slot, shown by a ring */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.slot.0\"}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_string_equal(json_object_get_string(get(get(st, "speech"), "cursor")), "booking.slot.0");
	json_object_put(st);
	shot(&k, "portrait", "voice-cursor");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"booking.slot.0\"}");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"김보라\"}");
	tap2(&k, "booking.phone");
	ok(&k, "{\"cmd\": \"type\", \"text\": \"010-9876-5432\"}");
	tap2(&k, "booking.next");
	tap2(&k, "booking.consent");
	tap2(&k, "booking.next");
	tap2(&k, "booking.confirm");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"booking.code\", \"timeout_ms\": 10000}");
	n = node(&k, "booking.code", &tree);
	snprintf(code, sizeof(code), "%s", json_object_get_string(get(n, "label")));
	json_object_put(tree);
	assert_int_equal(strlen(code), 6);
	char spelled[32];
	snprintf(spelled, sizeof(spelled), "%c, %c, %c", code[0], code[1], code[2]);
	for (int i = 0; i < 200; i++) {
		st = cmd(&k, "{\"cmd\": \"state\"}");
		const char *last = json_object_get_string(get(get(st, "speech"), "last"));
		assert_null(strstr(last, "김보라"));
		assert_null(strstr(last, "5432"));
		if (strstr(last, spelled)) {
			printf("voice at the end: \"%s\"\n", last);
			break;
		}
		json_object_put(st);
		st = NULL;
		usleep(50000);
	}
	assert_non_null(st); /* the code was spelled out */
	json_object_put(st);
	kiosk_stop(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_to_detail),
		cmocka_unit_test(test_idle_reset_wipes),
		cmocka_unit_test(test_hanging_server),
		cmocka_unit_test(test_screenshots),
		cmocka_unit_test(test_voice_guidance),
		cmocka_unit_test(test_booking),
		cmocka_unit_test(test_booking_taken),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_outbox_exactly_once),
		cmocka_unit_test(test_voice_booking),
		cmocka_unit_test(test_keys_in_booking),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
