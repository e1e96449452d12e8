/*
 * The kiosk's media cache against a small HTTP server in this process whose
 * misbehaviour the tests choose: a download cut off half-way resumes from where it
 * stopped (Range: bytes=N-); a body longer than the catalogue says is refused and
 * discarded; a body with the wrong hash never counts; files over the size cap are
 * evicted, least recently used first; a file that rots on disk fails its check
 * before playing and is fetched again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <SDL2/SDL.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcache.h"
#include "testutil.h"
#include "util.h"

#define SIZE (300 * 1024)

static char dir[64], cdir[128];
static unsigned char bodies[3][SIZE];
static char shas[3][65];
static uint32_t ev;

/* ---- the server ---- */

static int lfd, port;
static pthread_t th;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int cut_next;	   /* cut the next response after this many bytes */
static int extra;	   /* send this many bytes more than declared */
static char last_range[64];
static int requests;

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(lfd, NULL, NULL);
		char req[2048];
		if (c < 0)
			return NULL;
		tu_read_head(c, req, sizeof(req));
		int which = strstr(req, "GET /b ") ? 1 : strstr(req, "GET /c ") ? 2 : 0;
		long from = 0;
		const char *rg = strcasestr(req, "\r\nRange: bytes=");
		pthread_mutex_lock(&mu);
		requests++;
		last_range[0] = '\0';
		if (rg) {
			from = strtol(rg + 15, NULL, 10);
			snprintf(last_range, sizeof(last_range), "%.*s", (int)strcspn(rg + 2, "\r\n"), rg + 2);
		}
		int cut = cut_next, more = extra;
		cut_next = 0;
		pthread_mutex_unlock(&mu);
		char h[256];
		long len = SIZE - from + more;
		int hl = rg ? snprintf(h, sizeof(h), "HTTP/1.1 206 Partial Content\r\nContent-Length: %ld\r\n"
						 "Content-Range: bytes %ld-%d/%d\r\nConnection: close\r\n\r\n",
				       len, from, SIZE - 1, SIZE)
			    : snprintf(h, sizeof(h), "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n"
						 "Connection: close\r\n\r\n", len);
		if (send(c, h, (size_t)hl, MSG_NOSIGNAL) != hl) {
			close(c);
			continue;
		}
		long send_n = cut ? cut : SIZE - from;
		long off = 0;
		while (off < send_n) {
			ssize_t r = send(c, bodies[which] + from + off, (size_t)(send_n - off), MSG_NOSIGNAL);
			if (r <= 0)
				break;
			off += r;
		}
		for (int i = 0; i < more && !cut; i++)
			if (send(c, "x", 1, MSG_NOSIGNAL) != 1)
				break;
		close(c);
	}
}

/* ---- helpers ---- */

static int setup(void **s)
{
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	(void)s;
	assert_true(sodium_init() >= 0);
	assert_int_equal(SDL_Init(SDL_INIT_EVENTS), 0);
	ev = SDL_RegisterEvents(1);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "mcache-test");
	snprintf(cdir, sizeof(cdir), "%s/media", dir);
	for (int k = 0; k < 3; k++) {
		unsigned char h[32];
		randombytes_buf(bodies[k], SIZE);
		crypto_hash_sha256(h, bodies[k], SIZE);
		util_hex(h, 32, shas[k]);
	}
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 16), 0);
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	port = ntohs(sa.sin_port);
	pthread_create(&th, NULL, serve, NULL);
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	shutdown(lfd, SHUT_RDWR);
	close(lfd);
	pthread_join(th, NULL);
	curl_global_cleanup();
	SDL_Quit();
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	return system(c) == 0 ? 0 : -1;
}

static mc_item item(int k, const char *id)
{
	mc_item it;
	memset(&it, 0, sizeof(it));
	snprintf(it.id, sizeof(it.id), "%s", id);
	snprintf(it.url, sizeof(it.url), "http://127.0.0.1:%d/%c", port, "abc"[k]);
	snprintf(it.sha, sizeof(it.sha), "%s", shas[k]);
	it.size = SIZE;
	return it;
}

static mcache *start(int64_t cap)
{
	net_opts o = {0};
	o.connect_timeout_s = 2;
	o.timeout_s = 5;
	o.sdl_event = ev;
	return mc_start(&o, cdir, cap);
}

/* Frees what the cache posted; returns a verification result if one came. */
static mc_verified *drain(void)
{
	SDL_Event e;
	mc_verified *got = NULL;
	while (SDL_PeepEvents(&e, 1, SDL_GETEVENT, ev, ev) == 1) {
		if (e.user.code == MC_EV_VERIFIED) {
			if (got)
				mc_verified_free(got);
			got = e.user.data1;
		}
	}
	return got;
}

static void wait_state(mcache *m, const char *id, int want)
{
	int pct;
	for (int i = 0; i < 500; i++) {
		mc_verified_free(drain());
		if (mc_status(m, id, &pct) == want)
			return;
		usleep(10000);
	}
	fail_msg("%s never reached state %d (is %d)", id, want, mc_status(m, id, &pct));
}

static void file_path(int k, const char *ext, char *out, size_t n)
{
	snprintf(out, n, "%s/%s.%s", cdir, shas[k], ext);
}

static mc_verified *verify(mcache *m, const char *id)
{
	mc_verify(m, id, 7);
	for (int i = 0; i < 500; i++) {
		mc_verified *v = drain();
		if (v)
			return v;
		usleep(10000);
	}
	fail_msg("no verification answer");
	return NULL;
}

/* ---- tests ---- */

static void test_resume_after_cut(void **s)
{
	struct stat st;
	char p[256];
	(void)s;
	pthread_mutex_lock(&mu);
	cut_next = 100 * 1024;
	pthread_mutex_unlock(&mu);
	mcache *m = start(1LL << 30);
	mc_item a = item(0, "a");
	mc_set_catalog(m, &a, 1);
	wait_state(m, "a", MC_FAILED);
	file_path(0, "part", p, sizeof(p));
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_size, 100 * 1024);
	/* tapped: tried again at once, from where it stopped */
	mc_want(m, "a");
	wait_state(m, "a", MC_READY);
	pthread_mutex_lock(&mu);
	assert_string_equal(last_range, "Range: bytes=102400-");
	pthread_mutex_unlock(&mu);
	assert_int_not_equal(stat(p, &st), 0); /* no .part left */
	mc_verified *v = verify(m, "a");
	assert_true(v->ok);
	char hex[65];
	long long size;
	assert_int_equal(util_sha256_file(v->path, hex, &size), 0);
	assert_string_equal(hex, shas[0]);
	assert_int_equal(size, SIZE);
	mc_verified_free(v);
	mc_stop(m);
}

static void test_longer_than_declared(void **s)
{
	char p[256];
	struct stat st;
	(void)s;
	pthread_mutex_lock(&mu);
	extra = 4096;
	pthread_mutex_unlock(&mu);
	mcache *m = start(1LL << 30);
	mc_item b = item(1, "b");
	mc_set_catalog(m, &b, 1);
	wait_state(m, "b", MC_FAILED);
	file_path(1, "part", p, sizeof(p));
	assert_int_not_equal(stat(p, &st), 0);
	file_path(1, "media", p, sizeof(p));
	assert_int_not_equal(stat(p, &st), 0);
	pthread_mutex_lock(&mu);
	extra = 0;
	pthread_mutex_unlock(&mu);
	/* a catalogue whose hash the bytes do not have: never counts */
	b.sha[0] = b.sha[0] == '0' ? '1' : '0';
	mc_set_catalog(m, &b, 1);
	mc_want(m, "b");
	wait_state(m, "b", MC_FAILED);
	snprintf(p, sizeof(p), "%s/%s.media", cdir, b.sha);
	assert_int_not_equal(stat(p, &st), 0);
	mc_stop(m);
}

static void test_eviction_and_rot(void **s)
{
	char p[256];
	struct stat st;
	int files;
	int64_t bytes;
	(void)s;
	/* room for one video and a half */
	mcache *m = start(SIZE * 3 / 2);
	mc_item two[2] = {item(0, "a"), item(2, "c")};
	mc_set_catalog(m, two, 2);
	wait_state(m, "a", MC_READY); /* from the first test, already on disk */
	wait_state(m, "c", MC_READY);
	/* c came last: a, the least recently used, made room */
	wait_state(m, "a", MC_ABSENT);
	file_path(0, "media", p, sizeof(p));
	assert_int_not_equal(stat(p, &st), 0);
	mc_usage(m, &files, &bytes);
	assert_int_equal(files, 1);
	assert_int_equal(bytes, SIZE);
	/* an evicted video is fetched again when someone wants it; c goes */
	mc_want(m, "a");
	wait_state(m, "a", MC_READY);
	wait_state(m, "c", MC_ABSENT);

	/* rot on disk: the check before playing fails, the file goes and comes again */
	file_path(0, "media", p, sizeof(p));
	FILE *f = fopen(p, "r+b");
	assert_non_null(f);
	fseek(f, SIZE / 2, SEEK_SET);
	fputc(~bodies[0][SIZE / 2] & 0xff, f);
	fclose(f);
	mc_verified *v = verify(m, "a");
	assert_false(v->ok);
	assert_false(v->missing);
	mc_verified_free(v);
	wait_state(m, "a", MC_READY);
	v = verify(m, "a");
	assert_true(v->ok);
	mc_verified_free(v);
	/* unknown ids answer at once */
	v = verify(m, "nope");
	assert_false(v->ok);
	assert_true(v->missing);
	mc_verified_free(v);
	mc_stop(m);
}

/* Two catalogue entries with the same bytes (one video under two titles): one
 * download makes both ready; it is not fetched again and again. */
static void test_shared_file(void **s)
{
	(void)s;
	char p[256];
	file_path(1, "media", p, sizeof(p));
	unlink(p);
	mcache *m = start(1LL << 30);
	mc_item two[2] = {item(1, "b1"), item(1, "b2")};
	pthread_mutex_lock(&mu);
	int before = requests;
	pthread_mutex_unlock(&mu);
	mc_set_catalog(m, two, 2);
	wait_state(m, "b1", MC_READY);
	wait_state(m, "b2", MC_READY);
	usleep(300000); /* a worker that still wanted b2 would be fetching it now */
	pthread_mutex_lock(&mu);
	int got = requests - before;
	pthread_mutex_unlock(&mu);
	assert_int_equal(got, 1);
	mc_stop(m);
}

/* A half-downloaded file of a title no longer in the catalogue is removed (it
 * counts against no cap and would stay for ever); one still wanted stays. */
static void test_stale_part(void **s)
{
	(void)s;
	char stray[256], kept[256];
	snprintf(stray, sizeof(stray), "%s/%064d.part", cdir, 7);
	FILE *f = fopen(stray, "w");
	assert_non_null(f);
	fputs("half a withdrawn video", f);
	fclose(f);
	pthread_mutex_lock(&mu);
	cut_next = 1000; /* the wanted one stops early and keeps its .part */
	pthread_mutex_unlock(&mu);
	file_path(2, "media", kept, sizeof(kept));
	unlink(kept);
	mcache *m = start(1LL << 30);
	mc_item c = item(2, "c");
	mc_set_catalog(m, &c, 1);
	wait_state(m, "c", MC_FAILED);
	int gone = 0;
	for (int i = 0; i < 200 && !(gone = access(stray, F_OK) != 0); i++)
		usleep(10000);
	assert_true(gone);
	file_path(2, "part", kept, sizeof(kept));
	assert_int_equal(access(kept, F_OK), 0);
	mc_stop(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_after_cut),
		cmocka_unit_test(test_longer_than_declared),
		cmocka_unit_test(test_eviction_and_rot),
		cmocka_unit_test(test_shared_file),
		cmocka_unit_test(test_stale_part),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
