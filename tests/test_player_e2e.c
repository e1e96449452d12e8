/*
 * Interview practice end to end: the real service with the generated sample media
 * (scripts/make-media), the real kiosk headless with real libvlc playback, driven
 * through the automation socket. The flat video plays, its position advances, a
 * pause holds, the question appears at its time and waits for "next"; the 360°
 * view turns the way the finger drags (checked in the rendered pixels); a corrupt
 * cached file gives a message and a way back and is fetched again; 50 play/stop
 * cycles do not grow the kiosk's memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <dirent.h>
#include <math.h>
#include <json-c/json.h>
#include <png.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "kioskutil.h"
#include "testutil.h"
#include "util.h"

static char dir[64], token[128], config[128];
static int port;
static pid_t server;

static int setup(void **s)
{
	char link[128];
	(void)s;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "player-e2e");
	mkdir(ARTIFACTS, 0755);
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "20", NULL}), 0);
	tu_token(dir, "k-player", token);
	tk_init(dir, token);
	/* the service serves <data>/media: the generated sample media */
	snprintf(link, sizeof(link), "%s/media", dir);
	assert_int_equal(symlink(MEDIA_DIR, link), 0);
	port = tu_serve(dir, 0, &server);
	snprintf(config, sizeof(config), "%s/kiosk.json", dir);
	write_config(config, port, 10, "cache");
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	tk_kill_all();
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	curl_global_cleanup();
	return system(c) == 0 ? 0 : -1;
}

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static json_object *player_state(struct kiosk *k, json_object **st)
{
	*st = cmd(k, "{\"cmd\": \"state\"}");
	return get(*st, "player");
}

static double position(struct kiosk *k)
{
	json_object *st, *p = player_state(k, &st);
	assert_non_null(p);
	double v = json_object_get_double(get(p, "position_s"));
	json_object_put(st);
	return v;
}

static int playing(struct kiosk *k)
{
	json_object *st, *p = player_state(k, &st);
	int v = p && json_object_get_boolean(get(p, "playing"));
	json_object_put(st);
	return v;
}

/* Waits (real time) until the practice item's label says it is on the kiosk. */
static void wait_ready(struct kiosk *k, int i)
{
	char id[32];
	snprintf(id, sizeof(id), "practice.item.%d", i);
	for (int t = 0; t < 300; t++) {
		json_object *tree, *n = node(k, id, &tree);
		int ready = n && strstr(json_object_get_string(get(n, "label")), "바로 볼 수 있어요");
		json_object_put(tree);
		if (ready)
			return;
		msleep(100);
	}
	fail_msg("%s never became ready", id);
}

static void wait_playing(struct kiosk *k, double at_least)
{
	for (int t = 0; t < 100; t++) {
		if (playing(k) && position(k) >= at_least)
			return;
		msleep(100);
	}
	fail_msg("the video did not play");
}

static void open_item(struct kiosk *k, int i)
{
	ok(k, "{\"cmd\": \"tap\", \"id\": \"home.practice\"}");
	ok(k, "{\"cmd\": \"wait\", \"id\": \"practice.item.%d\", \"timeout_ms\": 10000}", i);
	wait_ready(k, i);
	ok(k, "{\"cmd\": \"tap\", \"id\": \"practice.item.%d\"}", i);
	ok(k, "{\"cmd\": \"wait\", \"screen\": \"player\", \"timeout_ms\": 5000}");
}

static const char *text_of(struct kiosk *k, const char *id, json_object **tree)
{
	json_object *n = node(k, id, tree);
	return n ? json_object_get_string(get(n, "label")) : NULL;
}

static void test_flat_play_pause_question(void **s)
{
	struct kiosk k;
	json_object *tree, *st, *p;
	(void)s;
	kiosk_start(&k, config, "1080x1920", "flat");
	open_item(&k, 0);
	wait_playing(&k, 0.3);
	p = player_state(&k, &st);
	assert_string_equal(json_object_get_string(get(p, "media")), "int-basic-01");
	assert_string_equal(json_object_get_string(get(p, "kind")), "flat");
	json_object_put(st);
	shot(&k, "portrait", "player-flat");

	/* the position advances in real time */
	double p1 = position(&k);
	msleep(800);
	double p2 = position(&k);
	assert_true(p2 > p1 + 0.4);
	assert_true(p2 < 3.5); /* before the first question */

	/* a pause holds */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.play_pause\"}");
	assert_false(playing(&k));
	msleep(200);
	double p3 = position(&k);
	msleep(1000);
	assert_true(position(&k) - p3 < 0.05);
	assert_false(playing(&k));
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.play_pause\"}");
	wait_playing(&k, p3 + 0.2);

	/* the first question stops the video at 4 s, with its answer time */
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"player.question\", \"timeout_ms\": 8000}");
	const char *q = text_of(&k, "player.question", &tree);
	assert_non_null(q);
	assert_string_equal(q, "자기소개를 해 주세요.");
	json_object_put(tree);
	q = text_of(&k, "player.countdown", &tree);
	assert_non_null(strstr(q, "0:30"));
	json_object_put(tree);
	double at = position(&k);
	assert_true(at >= 3.9 && at <= 4.8);
	assert_false(playing(&k));
	/* the caption of the question shows on its band */
	q = text_of(&k, "player.caption", &tree);
	assert_non_null(q);
	json_object_put(tree);
	shot(&k, "portrait", "player-question");
	/* the countdown runs on the kiosk clock; the video waits for the person */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 12000}");
	q = text_of(&k, "player.countdown", &tree);
	assert_non_null(strstr(q, "0:18"));
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 20000}");
	q = text_of(&k, "player.countdown", &tree);
	assert_non_null(strstr(q, "끝났습니다"));
	json_object_put(tree);
	/* not idle while answering: the idle warning comes 90 s after the time is up */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 60000}");
	assert_null(node(&k, "idle.dialog", &tree));
	json_object_put(tree);
	msleep(500);
	assert_true(position(&k) - at < 0.1);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.next_question\"}");
	wait_playing(&k, at + 0.3);
	assert_null(node(&k, "player.question", &tree));
	json_object_put(tree);

	/* the controls: ten seconds forward passes the second question (11 s) */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.fwd10\"}");
	msleep(600);
	assert_true(position(&k) > 13.0);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.captions\"}");
	p = player_state(&k, &st);
	assert_false(json_object_get_boolean(get(p, "captions")));
	json_object_put(st);

	/* watching is not being idle; a paused video left alone is, and the reset
	 * closes it */
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 200000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"player\", \"timeout_ms\": 100}");
	assert_null(node(&k, "idle.dialog", &tree));
	json_object_put(tree);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.play_pause\"}");
	assert_false(playing(&k));
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 91000}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"idle.dialog\", \"timeout_ms\": 2000}");
	ok(&k, "{\"cmd\": \"advance\", \"ms\": 21000}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"home\", \"timeout_ms\": 2000}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_true(json_object_get_type(get(st, "player")) == json_type_null);
	assert_true(json_object_get_type(get(st, "session")) == json_type_null);
	json_object_put(st);

	/* leaving stops playback and frees the decoder */
	open_item(&k, 0);
	wait_playing(&k, 0.2);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"practice\", \"timeout_ms\": 3000}");
	st = cmd(&k, "{\"cmd\": \"state\"}");
	assert_true(json_object_get_type(get(st, "player")) == json_type_null);
	json_object_put(st);
	kiosk_stop(&k);
}

/* The pixels of a PNG row band: RGBA, w x h; you free *px. */
static void load_png(const char *path, unsigned char **px, int *w, int *h)
{
	png_image img;
	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_file(&img, path));
	img.format = PNG_FORMAT_RGBA;
	*px = malloc(PNG_IMAGE_SIZE(img));
	assert_true(png_image_finish_read(&img, NULL, *px, 0, NULL));
	*w = (int)img.width;
	*h = (int)img.height;
}

/* The horizontal shift s for which after(x) best matches before(x + s) along a
 * band of rows (x over the middle of the picture). */
static int best_shift(const unsigned char *a, const unsigned char *b, int w, int y0, int y1)
{
	long long best = -1;
	int arg = 0;
	for (int s = -500; s <= 500; s += 2) {
		long long sad = 0;
		for (int y = y0; y < y1; y += 4)
			for (int x = 250; x < w - 250; x += 2) {
				const unsigned char *pa = b + ((size_t)y * w + x) * 4;
				const unsigned char *pb = a + ((size_t)y * w + x + s) * 4;
				for (int c = 0; c < 3; c++)
					sad += abs(pa[c] - pb[c]);
			}
		if (best < 0 || sad < best) {
			best = sad;
			arg = s;
		}
	}
	return arg;
}

static void test_360_drag(void **s)
{
	struct kiosk k;
	json_object *tree, *st, *p, *v;
	char before[256], after[256];
	(void)s;
	kiosk_start(&k, config, "1080x1920", "vr");
	open_item(&k, 1);
	wait_playing(&k, 0.3);
	p = player_state(&k, &st);
	assert_string_equal(json_object_get_string(get(p, "kind")), "vr360");
	assert_true(json_object_get_double(get(p, "yaw")) == 0);
	json_object_put(st);
	/* still pictures to compare */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.play_pause\"}");
	msleep(300);
	v = node(&k, "player.video", &tree);
	assert_non_null(v);
	json_object *r = get(v, "rect");
	int vx = json_object_get_int(json_object_array_get_idx(r, 0));
	int vy = json_object_get_int(json_object_array_get_idx(r, 1));
	int vw = json_object_get_int(json_object_array_get_idx(r, 2));
	int vh = json_object_get_int(json_object_array_get_idx(r, 3));
	json_object_put(tree);
	snprintf(before, sizeof(before), "%s/portrait-player-360-before.png", ARTIFACTS);
	snprintf(after, sizeof(after), "%s/portrait-player-360-after.png", ARTIFACTS);
	ok(&k, "{\"cmd\": \"screenshot\", \"path\": \"%s\"}", before);
	/* drag the picture to the left: the view turns right (yaw grows) */
	int cy = vy + vh / 2;
	ok(&k, "{\"cmd\": \"swipe\", \"from\": [%d, %d], \"to\": [%d, %d], \"ms\": 400}", vx + vw * 3 / 4,
	   cy, vx + vw * 3 / 4 - 300, cy);
	p = player_state(&k, &st);
	double yaw = json_object_get_double(get(p, "yaw"));
	json_object_put(st);
	assert_true(yaw > 15 && yaw < 25); /* about 300 px of 1080 at 80° */
	ok(&k, "{\"cmd\": \"screenshot\", \"path\": \"%s\"}", after);
	/* what was at x + shift is now at x: the picture moved left with the finger */
	unsigned char *a, *b;
	int w, h, w2, h2;
	load_png(before, &a, &w, &h);
	load_png(after, &b, &w2, &h2);
	assert_int_equal(w, w2);
	int shift = best_shift(a, b, w, vy + vh / 3, vy + vh * 2 / 3);
	free(a);
	free(b);
	assert_true(shift > 220 && shift < 340);
	/* the buttons turn and zoom too (keypad users) */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.look_right\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.zoom_in\"}");
	p = player_state(&k, &st);
	assert_true(fabs(json_object_get_double(get(p, "yaw")) - (yaw + 30)) < 0.01);
	assert_true(json_object_get_double(get(p, "fov")) < 80);
	json_object_put(st);
	kiosk_stop(&k);
}

/* The cached file of the flat sample, found by its hash in the catalogue. */
static void cached_file(char *out, size_t n)
{
	buf body;
	json_object *o, *items;
	buf_init(&body);
	assert_int_equal(tu_http(port, token, "GET", "v1/media", NULL, NULL, &body), 200);
	buf_addc(&body, '\0');
	o = json_tokener_parse(body.data);
	items = get(o, "items");
	const char *sha = json_object_get_string(get(json_object_array_get_idx(items, 0), "sha256"));
	snprintf(out, n, "%s/cache/media/%s.media", dir, sha);
	json_object_put(o);
	buf_release(&body);
}

static void test_corrupt_file(void **s)
{
	struct kiosk k;
	char path[512];
	json_object *tree;
	struct stat st;
	(void)s;
	cached_file(path, sizeof(path));
	assert_int_equal(stat(path, &st), 0);
	/* flip bytes in the middle: same size, different content */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, st.st_size / 2, SEEK_SET);
	fwrite("\xde\xad\xbe\xef\xde\xad\xbe\xef", 1, 8, f);
	fclose(f);

	kiosk_start(&k, config, "1080x1920", "corrupt");
	open_item(&k, 0);
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"player.error\", \"timeout_ms\": 5000}");
	const char *msg = text_of(&k, "player.error", &tree);
	assert_non_null(strstr(msg, "손상"));
	json_object_put(tree);
	shot(&k, "portrait", "player-corrupt");
	/* a way back, and the file comes again from the service */
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"player.to_list\"}");
	ok(&k, "{\"cmd\": \"wait\", \"screen\": \"practice\", \"timeout_ms\": 3000}");
	wait_ready(&k, 0);
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"practice.item.0\"}");
	wait_playing(&k, 0.3);
	kiosk_stop(&k);
	/* what is on disk now is the real file */
	char hex[65];
	long long size;
	assert_int_equal(util_sha256_file(path, hex, &size), 0);
	assert_non_null(strstr(path, hex));
}

static long rss_kb(pid_t pid)
{
	char p[64], line[256];
	long kb = -1;
	snprintf(p, sizeof(p), "/proc/%d/status", (int)pid);
	FILE *f = fopen(p, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static void test_memory_cycles(void **s)
{
	struct kiosk k;
	long at10 = 0, at50;
	(void)s;
	kiosk_start(&k, config, "1080x1920", "cycles");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.practice\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"practice.item.0\", \"timeout_ms\": 10000}");
	wait_ready(&k, 0);
	for (int i = 1; i <= 50; i++) {
		json_object *st, *p;
		ok(&k, "{\"cmd\": \"tap\", \"id\": \"practice.item.%d\"}", i % 2);
		ok(&k, "{\"cmd\": \"wait\", \"screen\": \"player\", \"timeout_ms\": 5000}");
		/* until a frame is on screen: the decoder really ran */
		for (int t = 0; t < 100; t++) {
			p = player_state(&k, &st);
			long shown = p ? json_object_get_int(get(p, "frames_shown")) : 0;
			json_object_put(st);
			if (shown > 0)
				break;
			msleep(20);
		}
		ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
		ok(&k, "{\"cmd\": \"wait\", \"screen\": \"practice\", \"timeout_ms\": 5000}");
		if (i == 10) {
			msleep(500); /* the closers finish */
			at10 = rss_kb(k.pid);
		}
	}
	msleep(500);
	at50 = rss_kb(k.pid);
	printf("player cycles: RSS after 10 %ld KiB, after 50 %ld KiB\n", at10, at50);
	assert_true(at10 > 0 && at50 > 0);
#ifndef __SANITIZE_ADDRESS__
	/* (AddressSanitizer keeps freed memory in quarantine: RSS says nothing there) */
	assert_true(at50 - at10 < 2 * 1024);
#endif
	kiosk_stop(&k);
}

/* Screens for a person to look at, in the other orientation. */
static void test_landscape_shots(void **s)
{
	struct kiosk k;
	(void)s;
	kiosk_start(&k, config, "1920x1080", "land");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"home.practice\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"practice.item.1\", \"timeout_ms\": 10000}");
	wait_ready(&k, 0);
	wait_ready(&k, 1);
	shot(&k, "landscape", "practice");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"practice.item.0\"}");
	wait_playing(&k, 3.2); /* the first caption is on */
	shot(&k, "landscape", "player-flat");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"nav.back\"}");
	ok(&k, "{\"cmd\": \"tap\", \"id\": \"practice.item.1\"}");
	ok(&k, "{\"cmd\": \"wait\", \"id\": \"player.question\", \"timeout_ms\": 8000}");
	shot(&k, "landscape", "player-360-question");
	kiosk_stop(&k);
}

/* Voice guidance is heard over the interview: while it speaks the video's sound
 * is lowered (state.player.ducked), and the chosen volume comes back after. */
static void test_voice_ducks_video(void **s)
{
	struct kiosk k;
	json_object *st, *p;
	int ducked = 0, back = 0;
	(void)s;
	kiosk_start(&k, config, "1080x1920", "duck");
	open_item(&k, 0);
	wait_playing(&k, 0.2);
	p = player_state(&k, &st);
	assert_false(json_object_get_boolean(get(p, "ducked")));
	json_object_put(st);
	ok(&k, "{\"cmd\": \"key\", \"key\": \"F1\"}"); /* voice on: it starts talking */
	for (int t = 0; t < 1000 && !back; t++) {
		p = player_state(&k, &st);
		int d = p && json_object_get_boolean(get(p, "ducked"));
		/* what libvlc was told: a quarter while the voice speaks, then all of it */
		if (d)
			assert_int_equal(json_object_get_int(get(p, "volume_applied")), 20);
		ducked |= d;
		back = ducked && !d;
		if (back)
			assert_int_equal(json_object_get_int(get(p, "volume_applied")), 80);
		json_object_put(st);
		msleep(5);
	}
	assert_true(ducked);
	assert_true(back);
	kiosk_stop(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_play_pause_question),
		cmocka_unit_test(test_360_drag),
		cmocka_unit_test(test_corrupt_file),
		cmocka_unit_test(test_memory_cycles),
		cmocka_unit_test(test_landscape_shots),
		cmocka_unit_test(test_voice_ducks_video),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
