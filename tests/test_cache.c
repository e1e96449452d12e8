/*
 * The kiosk's offline cache against the real service: a full sync through the
 * change feed, then one table of queries run against both, whose answers must be
 * identical (status and body, byte for byte: same data, same code); an incremental
 * sync after the service dropped 1% of its listings applies exactly that; a corrupt
 * cache file is moved aside and replaced.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cache.h"
#include "kdate.h"
#include "testutil.h"

static char dir[64], token[128];
static int port;
static pid_t server;




static long http_get(const char *path, buf *out)
{
	return tu_http(port, token, "GET", path, NULL, NULL, out);
}

static int setup(void **s)
{
	(void)s;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "cache-test");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "2000",
							    "--seed", "11", NULL}),
			 0);
	tu_token(dir, "k-cache", token);
	port = tu_serve(dir, 0, &server);
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	tu_stop(server);
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	curl_global_cleanup();
	return system(c) == 0 ? 0 : -1;
}

/* Syncs the cache from its cursor to the end; returns bytes received. */
static long long sync_all(cache *k, long *ups, long *dels)
{
	buf body, path;
	char err[256];
	long long bytes = 0;
	*ups = *dels = 0;
	buf_init(&body);
	buf_init(&path);
	for (;;) {
		json_object *page, *more;
		long u, d;
		const char *cur = cache_cursor(k);
		buf_reset(&path);
		buf_printf(&path, "v1/jobs/changes?per_page=300%s%s", cur ? "&since=" : "", cur ? cur : "");
		assert_int_equal(http_get(path.data, &body), 200);
		bytes += (long long)body.len;
		page = json_tokener_parse(body.data);
		assert_non_null(page);
		if (cache_apply_changes(k, page, time(NULL), &u, &d, err, sizeof(err)) != CACHE_OK)
			fail_msg("apply: %s", err);
		*ups += u;
		*dels += d;
		json_object_object_get_ex(page, "more", &more);
		int again = json_object_get_boolean(more);
		json_object_put(page);
		if (!again)
			break;
	}
	buf_release(&body);
	buf_release(&path);
	return bytes;
}

static void test_same_answers(void **s)
{
	/* One table for both sides. */
	static const char *const table[] = {
		"v1/jobs",
		"v1/jobs?q=%EA%B0%84",			  /* 간 */
		"v1/jobs?q=%EC%82%AC",			  /* 사 */
		"v1/jobs?q=%EA%B0%84%ED%98%B8",		  /* 간호 */
		"v1/jobs?q=%EC%82%AC%EB%AC%B4",		  /* 사무 */
		"v1/jobs?q=%EB%AC%BC%EB%A5%98&page=2",	  /* 물류 */
		"v1/jobs?q=%EA%B0%84%ED%98%B8%EC%82%AC",  /* 간호사 */
		"v1/jobs?q=%EA%B0%84%ED%98%B8%EC%A1%B0%EB%AC%B4%EC%82%AC", /* 간호조무사 */
		"v1/jobs?q=%EC%9A%94%EC%96%91%EB%B3%B4%ED%98%B8%EC%82%AC&career=new",
		"v1/jobs?q=%EC%82%AC%EB%AC%B4%20%EC%84%9C%EA%B5%AC",	/* 사무 서구 */
		"v1/jobs?q=Tutor",
		"v1/jobs?region=29140&sort=deadline&per_page=50",
		"v1/jobs?region=29140745",
		"v1/jobs?category=53&employment=part_time,daily&sort=salary",
		"v1/jobs?education=high_school&salary_min=2500000",
		"v1/jobs?closing_within=7&sort=deadline",
		"v1/jobs?q=%EA%B0%84%ED%98%B8&page=999",
		"v1/jobs?region=99999",		/* 400 on both */
		"v1/jobs?sort=random",		/* 400 on both */
		"v1/regions",
		"v1/categories",
		"v1/jobs/S0000042",
		"v1/jobs/NOPE",			/* 404 on both */
	};
	char err[256], cdir[128];
	long ups, dels, status;
	buf srv, loc;
	(void)s;
	snprintf(cdir, sizeof(cdir), "%s/cache1", dir);
	cache *k = cache_open(cdir, err, sizeof(err));
	assert_non_null(k);
	assert_false(cache_ready(k));
	buf_init(&srv);
	buf_init(&loc);
	assert_int_equal(http_get("v1/regions", &srv), 200);
	json_object *o = json_tokener_parse(srv.data);
	assert_int_equal(cache_put_codes(k, 1, o, err, sizeof(err)), 0);
	json_object_put(o);
	assert_int_equal(http_get("v1/categories", &srv), 200);
	o = json_tokener_parse(srv.data);
	assert_int_equal(cache_put_codes(k, 0, o, err, sizeof(err)), 0);
	json_object_put(o);
	sync_all(k, &ups, &dels);
	assert_int_equal(ups, 2000);
	assert_true(cache_ready(k));
	assert_int_equal(cache_job_count(k), 2000);

	int today = kdate_seoul_day(time(NULL));
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		long st = http_get(table[i], &srv);
		assert_int_equal(cache_answer(k, table[i], today, time(NULL), &loc, &status), 0);
		if (st != status || (st == 200 && strcmp(srv.data, loc.data) != 0))
			fail_msg("%s: service %ld %.200s\ncache %ld %.200s", table[i], st, srv.data,
				 status, loc.data);
	}
	buf_release(&srv);
	buf_release(&loc);
	cache_close(k);
}

/* Topics, counsellors and a month of slots are kept for offline booking and
 * answered as the service would. */
static void test_documents(void **s)
{
	char err[256], cdir[128], from[11], to[11], wide[128], narrow[160];
	buf srv, loc;
	long status;
	int today = kdate_seoul_day(time(NULL));
	(void)s;
	snprintf(cdir, sizeof(cdir), "%s/cache1", dir);
	cache *k = cache_open(cdir, err, sizeof(err));
	assert_non_null(k);
	buf_init(&srv);
	buf_init(&loc);
	static const char *const docs[] = {"v1/topics", "v1/counselors"};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(http_get(docs[i], &srv), 200);
		assert_int_equal(cache_put_doc(k, docs[i], "\"t\"", srv.data, err, sizeof(err)), 0);
		assert_int_equal(cache_answer(k, docs[i], today, time(NULL), &loc, &status), 0);
		assert_int_equal(status, 200);
		assert_string_equal(loc.data, srv.data);
	}
	kdate_format(today, from);
	kdate_format(today + 30, to);
	snprintf(wide, sizeof(wide), "v1/slots?from=%s&to=%s", from, to);
	assert_int_equal(http_get(wide, &srv), 200);
	assert_int_equal(cache_put_doc(k, "v1/slots", NULL, srv.data, err, sizeof(err)), 0);
	kdate_format(today + 3, from);
	kdate_format(today + 10, to);
	snprintf(narrow, sizeof(narrow), "v1/slots?from=%s&to=%s&topic=career&counselor=c-01", from, to);
	assert_int_equal(http_get(narrow, &srv), 200);
	assert_int_equal(cache_answer(k, narrow, today, time(NULL), &loc, &status), 0);
	assert_string_equal(loc.data, srv.data);
	assert_non_null(strstr(loc.data, "c-01"));
	assert_int_equal(cache_answer(k, "v1/slots?from=2026-01-01&to=2026-12-31", today, time(NULL),
				      &loc, &status), 0);
	assert_int_equal(status, 400);
	/* a stored document with nulls and wrong types where strings belong: those
	 * slots are skipped, the good one answered (it used to crash the kiosk) */
	char bad[1024], at[32];
	kdate_format(today + 5, from);
	snprintf(at, sizeof(at), "%sT10:00:00+09:00", from);
	snprintf(bad, sizeof(bad),
		 "{\"items\": [null, 7, {\"starts_at\": null, \"counselor_id\": \"c-01\"},"
		 " {\"starts_at\": \"%s\", \"counselor_id\": null},"
		 " {\"starts_at\": \"%s\", \"counselor_id\": \"c-01\", \"topic_ids\": [null, 3, \"career\"]}]}",
		 at, at);
	assert_int_equal(cache_put_doc(k, "v1/slots", NULL, bad, err, sizeof(err)), 0);
	snprintf(narrow, sizeof(narrow), "v1/slots?from=%s&to=%s&topic=career&counselor=c-01", from, from);
	assert_int_equal(cache_answer(k, narrow, today, time(NULL), &loc, &status), 0);
	assert_int_equal(status, 200);
	json_object *ans = json_tokener_parse(loc.data), *items;
	assert_true(json_object_object_get_ex(ans, "items", &items));
	assert_int_equal(json_object_array_length(items), 1);
	json_object_put(ans);
	buf_release(&srv);
	buf_release(&loc);
	cache_close(k);
}

static void test_incremental_one_percent(void **s)
{
	char err[256], cdir[128];
	long ups, dels;
	buf body;
	(void)s;
	snprintf(cdir, sizeof(cdir), "%s/cache1", dir);
	cache *k = cache_open(cdir, err, sizeof(err));
	assert_non_null(k);
	assert_true(cache_ready(k));
	/* nothing changed: one small page, nothing applied */
	long long bytes = sync_all(k, &ups, &dels);
	assert_int_equal(ups + dels, 0);
	assert_true(bytes < 200);
	/* the service drops 1% (20) of its listings */
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "1980",
							 "--seed", "11", NULL}),
			 0);
	bytes = sync_all(k, &ups, &dels);
	assert_int_equal(dels, 20);
	assert_int_equal(ups, 0);
	assert_int_equal(cache_job_count(k), 1980);
	/* ... and re-posts 1% (20) with new titles and wages: exactly those arrive */
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "1980",
							    "--seed", "11", "--revise", "20", NULL}),
			 0);
	bytes = sync_all(k, &ups, &dels);
	assert_int_equal(ups, 20);
	assert_int_equal(dels, 0);
	assert_true(bytes < 20 * 2000); /* about one listing's JSON each, not a full sync */
	buf_init(&body);
	assert_int_equal(http_get("v1/jobs?per_page=1", &body), 200);
	json_object *o = json_tokener_parse(body.data), *t;
	json_object_object_get_ex(o, "total", &t);
	buf loc;
	long status;
	buf_init(&loc);
	assert_int_equal(cache_answer(k, "v1/jobs?per_page=1", kdate_seoul_day(time(NULL)), time(NULL), &loc, &status), 0);
	assert_string_equal(loc.data, body.data);
	json_object_put(o);
	buf_release(&loc);
	buf_release(&body);
	cache_close(k);
}

static void test_corrupt_file(void **s)
{
	char err[256], cdir[128], path[160];
	FILE *f;
	(void)s;
	snprintf(cdir, sizeof(cdir), "%s/cache2", dir);
	mkdir(cdir, 0700);
	snprintf(path, sizeof(path), "%s/cache.db", cdir);
	f = fopen(path, "w");
	for (int i = 0; i < 2000; i++)
		fputs("this is not a database, it is garbage from a power cut. ", f);
	fclose(f);
	cache *k = cache_open(cdir, err, sizeof(err));
	assert_non_null(k);
	assert_false(cache_ready(k));
	assert_int_equal(cache_job_count(k), 0);
	cache_close(k);
	/* the bad file was kept aside for inspection */
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "ls %s/cache.db.corrupt-* >/dev/null 2>&1", cdir);
	assert_int_equal(system(cmd), 0);
	/* a half-written database (truncated in the middle) is caught too */
	snprintf(cmd, sizeof(cmd), "cp %s/cache1/cache.db %s/cache.db && truncate -s 300000 %s/cache.db",
		 dir, cdir, cdir);
	assert_int_equal(system(cmd), 0);
	k = cache_open(cdir, err, sizeof(err));
	assert_non_null(k);
	assert_false(cache_ready(k));
	cache_close(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_answers),
		cmocka_unit_test(test_documents),
		cmocka_unit_test(test_incremental_one_percent),
		cmocka_unit_test(test_corrupt_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
