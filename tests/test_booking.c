/*
 * Counselling bookings: slot generation across month and year ends, holidays and
 * leave (unit, on a state directory); and the real service over HTTP: 50 clients
 * racing for one slot (exactly one 201), replay after a restart, idempotency
 * mismatch, the per-phone limit, queued bookings, look-up and cancellation, the
 * look-up rate limit, and the purge of personal data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "booking.h"
#include "canon.h"
#include "buf.h"
#include "kdate.h"
#include "store.h"
#include "testutil.h"

static char dir[64], token[128];
static int port;
static pid_t server;




static void start_server(void)
{
	port = tu_serve(dir, port, &server);
}

static void stop_server(void)
{
	assert_int_equal(tu_stop(server), 0);
}

static int setup(void **s)
{
	(void)s;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "booking-test");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "10", NULL}), 0);
	tu_token(dir, "k-book", token);
	port = 0;
	start_server();
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	if (server > 0)
		stop_server();
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	curl_global_cleanup();
	return system(c) == 0 ? 0 : -1;
}



static long http(const char *method, const char *path, const char *key, const char *body, buf *out)
{
	return tu_http(port, token, method, path, key, body, out);
}

/* The n-th available future slot (from the service) for a topic. */
static void nth_slot(int n, char *out, size_t len)
{
	char path[128], from[11], to[11];
	buf b;
	int today = kdate_seoul_day(time(NULL));
	kdate_format(today + 1, from);
	kdate_format(today + 30, to);
	snprintf(path, sizeof(path), "v1/slots?from=%s&to=%s&topic=career", from, to);
	buf_init(&b);
	assert_int_equal(http("GET", path, NULL, NULL, &b), 200);
	json_object *o = json_tokener_parse(b.data), *items, *v;
	json_object_object_get_ex(o, "items", &items);
	assert_true((int)json_object_array_length(items) > n);
	json_object_object_get_ex(json_object_array_get_idx(items, n), "id", &v);
	snprintf(out, len, "%s", json_object_get_string(v));
	json_object_put(o);
	buf_release(&b);
}

static void body(char *out, size_t n, const char *slot, const char *phone, const char *extra)
{
	snprintf(out, n, "{\"slot_id\": \"%s\", \"topic_id\": \"career\", \"name\": \"홍길동\", "
			 "\"phone\": \"%s\", \"consent\": {\"privacy\": true, \"version\": \"2026-01\"}%s}",
		 slot, phone, extra ? extra : "");
}

/* ---- slot generation (unit) ---- */

static void test_slots_across_year_end(void **s)
{
	store *st;
	char err[256];
	json_object *o, *items;
	int d0, d1;
	(void)s;
	assert_int_equal(store_open(dir, 1, &st, err, sizeof(err)), 0);
	sqlite3 *db = store_acquire(st);
	assert_int_equal(kdate_parse("2026-12-28", &d0), 0);
	assert_int_equal(kdate_parse("2027-01-03", &d1), 0);
	/* a clock well before: every slot is in the future */
	assert_int_equal(bk_slots_json(db, d0, d1, NULL, "c-01", 0, &o, err, sizeof(err)), 0);
	json_object_object_get_ex(o, "items", &items);
	/* c-01 works Mon, Wed, Fri: 12-28 (Mon), 12-30 (Wed), 01-01 (Fri, a holiday) */
	int dec28 = 0, dec30 = 0, jan1 = 0;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *v;
		json_object_object_get_ex(json_object_array_get_idx(items, i), "starts_at", &v);
		const char *t = json_object_get_string(v);
		dec28 += strncmp(t, "2026-12-28", 10) == 0;
		dec30 += strncmp(t, "2026-12-30", 10) == 0;
		jan1 += strncmp(t, "2027-01-01", 10) == 0;
	}
	/* Monday 10:00-12:00 and 14:00-17:00: 2 + 3 sessions on the hour */
	assert_int_equal(dec28, 5);
	assert_int_equal(dec30, 5);
	assert_int_equal(jan1, 0);
	json_object_put(o);
	/* leave for a whole day, and an afternoon closure for everyone */
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO exceptions VALUES ('c-01', '2026-12-28', NULL, NULL,"
				      " 'leave'), (NULL, '2026-12-30', 840, 1080, 'training')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(bk_slots_json(db, d0, d1, NULL, "c-01", 0, &o, err, sizeof(err)), 0);
	json_object_object_get_ex(o, "items", &items);
	assert_int_equal(json_object_array_length(items), 2); /* 12-30 morning only */
	json_object_put(o);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM exceptions", NULL, NULL, NULL), SQLITE_OK);
	/* month end: 2026-11-30 (Mon) to 2026-12-01 (Tue) for c-02 (Tue, Thu 10-17) */
	assert_int_equal(kdate_parse("2026-11-30", &d0), 0);
	assert_int_equal(bk_slots_json(db, d0, d0 + 1, NULL, "c-02", 0, &o, err, sizeof(err)), 0);
	json_object_object_get_ex(o, "items", &items);
	assert_int_equal(json_object_array_length(items), 7);
	json_object_put(o);
	assert_int_equal(bk_slots_json(db, d0, d0, "nosuch", NULL, 0, &o, err, sizeof(err)), -2);
	/* slot ids round-trip */
	char c[32];
	int day, start;
	assert_true(bk_slot_parse("s-c-03-20261124-1400", c, sizeof(c), &day, &start));
	assert_string_equal(c, "c-03");
	assert_int_equal(start, 14 * 60);
	assert_false(bk_slot_parse("s--20261124-1400", c, sizeof(c), &day, &start));
	assert_false(bk_slot_parse("s-c-03-20261324-1400", c, sizeof(c), &day, &start));
	assert_false(bk_slot_parse("x", c, sizeof(c), &day, &start));
	store_release(st, db);
	store_destroy(st);
}

static void test_canonical_json(void **s)
{
	buf a, b;
	(void)s;
	json_object *x = json_tokener_parse("{\"b\": [1, {\"d\": 2, \"c\": 3}], \"a\": \"홍\"}");
	json_object *y = json_tokener_parse("{ \"a\":\"홍\",\"b\":[1,{\"c\":3,\"d\":2}] }");
	buf_init(&a);
	buf_init(&b);
	canon_json(x, &a);
	canon_json(y, &b);
	assert_string_equal(a.data, b.data);
	assert_string_equal(a.data, "{\"a\":\"홍\",\"b\":[1,{\"c\":3,\"d\":2}]}");
	json_object_put(x);
	json_object_put(y);
	buf_release(&a);
	buf_release(&b);
}

/* ---- the service ---- */

struct racer {
	int i;
	const char *slot;
	long status;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	char b[512], key[32], phone[16];
	buf out;
	buf_init(&out);
	snprintf(key, sizeof(key), "race-%d", r->i);
	snprintf(phone, sizeof(phone), "010-5555-%04d", r->i);
	body(b, sizeof(b), r->slot, phone, NULL);
	r->status = http("POST", "v1/bookings", key, b, &out);
	buf_release(&out);
	return NULL;
}

static void test_race_and_replay(void **s)
{
	char slot[96], b[512];
	pthread_t th[50];
	struct racer r[50];
	buf first, again;
	int created = 0, taken = 0;
	(void)s;
	nth_slot(0, slot, sizeof(slot));
	for (int i = 0; i < 50; i++) {
		r[i] = (struct racer){i, slot, 0};
		pthread_create(&th[i], NULL, race, &r[i]);
	}
	for (int i = 0; i < 50; i++) {
		pthread_join(th[i], NULL);
		created += r[i].status == 201;
		taken += r[i].status == 409;
	}
	assert_int_equal(created, 1);
	assert_int_equal(taken, 49);

	/* the winner's key replays its answer, also after a restart */
	int w = 0;
	while (r[w].status != 201)
		w++;
	char key[32], phone[16];
	snprintf(key, sizeof(key), "race-%d", w);
	snprintf(phone, sizeof(phone), "010-5555-%04d", w);
	buf_init(&first);
	buf_init(&again);
	body(b, sizeof(b), slot, phone, NULL);
	assert_int_equal(http("POST", "v1/bookings", key, b, &first), 201);
	stop_server();
	start_server();
	assert_int_equal(http("POST", "v1/bookings", key, b, &again), 201);
	assert_string_equal(first.data, again.data);
	/* a loser's key replays its 409 */
	snprintf(key, sizeof(key), "race-%d", w == 0 ? 1 : 0);
	snprintf(phone, sizeof(phone), "010-5555-%04d", w == 0 ? 1 : 0);
	body(b, sizeof(b), slot, phone, NULL);
	assert_int_equal(http("POST", "v1/bookings", key, b, &again), 409);
	/* same key, different body */
	body(b, sizeof(b), slot, "010-9999-0000", NULL);
	assert_int_equal(http("POST", "v1/bookings", key, b, &again), 422);
	assert_non_null(strstr(again.data, "idempotency_mismatch"));
	/* no key */
	assert_int_equal(http("POST", "v1/bookings", NULL, b, &again), 400);
	buf_release(&first);
	buf_release(&again);
}

static void test_limit_queue_lookup(void **s)
{
	char slot[96], b[512], code[16], ref_body[256];
	buf out;
	(void)s;
	buf_init(&out);
	/* two upcoming bookings per phone, the third is refused */
	for (int i = 1; i <= 3; i++) {
		char key[16];
		nth_slot(i, slot, sizeof(slot));
		snprintf(key, sizeof(key), "lim-%d", i);
		body(b, sizeof(b), slot, "010 7777 1234", NULL);
		long st = http("POST", "v1/bookings", key, b, &out);
		assert_int_equal(st, i < 3 ? 201 : 409);
		if (i == 1) {
			json_object *o = json_tokener_parse(out.data), *v;
			json_object_object_get_ex(o, "code", &v);
			snprintf(code, sizeof(code), "%s", json_object_get_string(v));
			json_object_put(o);
			assert_int_equal(strlen(code), 6);
			assert_null(strpbrk(code, "01OI"));
		}
		if (i == 3)
			assert_non_null(strstr(out.data, "limit_reached"));
	}
	/* look-up and cancel by code and last four digits */
	char path[64];
	snprintf(path, sizeof(path), "v1/bookings/%s?phone_last4=1234", code);
	assert_int_equal(http("GET", path, NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"booked\""));
	assert_null(strstr(out.data, "홍길동")); /* no personal data in answers */
	assert_int_equal(http("DELETE", path, NULL, NULL, &out), 204);
	assert_int_equal(http("DELETE", path, NULL, NULL, &out), 204); /* already: fine */
	assert_int_equal(http("GET", path, NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"cancelled\""));

	/* a queued request for a free slot is booked and keeps its reference */
	nth_slot(10, slot, sizeof(slot));
	snprintf(ref_body, sizeof(ref_body),
		 ", \"queued\": {\"reference\": \"QK7M2X9P\", \"created_at\": \"2026-11-23T09:12:00+09:00\"}");
	body(b, sizeof(b), slot, "010-3333-4444", ref_body);
	assert_int_equal(http("POST", "v1/bookings", "q-1", b, &out), 201);
	assert_non_null(strstr(out.data, "QK7M2X9P"));
	/* a queued request whose slot has gone becomes a follow-up (202) */
	snprintf(ref_body, sizeof(ref_body),
		 ", \"queued\": {\"reference\": \"QABCDEFG\", \"created_at\": \"2026-11-23T09:13:00+09:00\"}");
	body(b, sizeof(b), slot, "010-3333-5555", ref_body);
	assert_int_equal(http("POST", "v1/bookings", "q-2", b, &out), 202);
	assert_non_null(strstr(out.data, "\"status\":\"follow_up\""));
	assert_int_equal(http("GET", "v1/bookings/QABCDEFG?phone_last4=5555", NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, "follow_up"));
	/* a malformed reference is a validation error */
	body(b, sizeof(b), slot, "010-3333-5555", ", \"queued\": {\"reference\": \"Q0O1I\"}");
	assert_int_equal(http("POST", "v1/bookings", "q-3", b, &out), 422);
	/* queued offline for a time the schedule no longer offers (leave, new
	 * hours): nothing is lost, it becomes a follow-up */
	char gone[96];
	snprintf(gone, sizeof(gone), "%.*s0310", (int)strlen(slot) - 4, slot); /* 03:10: never a slot */
	snprintf(ref_body, sizeof(ref_body),
		 ", \"queued\": {\"reference\": \"QGXNE234\", \"created_at\": \"2026-11-23T09:14:00+09:00\"}");
	body(b, sizeof(b), gone, "010-3333-8888", ref_body);
	assert_int_equal(http("POST", "v1/bookings", "q-4", b, &out), 202);
	assert_non_null(strstr(out.data, "follow_up"));
	body(b, sizeof(b), gone, "010-3333-8888", NULL); /* asked online: refused as before */
	assert_int_equal(http("POST", "v1/bookings", "q-5", b, &out), 422);
	/* the kiosk's online attempt arrived but its answer did not; the queued
	 * replay (new key, a Q reference) finds it, and the reference finds it too */
	nth_slot(11, slot, sizeof(slot));
	body(b, sizeof(b), slot, "010-3333-6666", NULL);
	assert_int_equal(http("POST", "v1/bookings", "sp-1", b, &out), 201);
	snprintf(ref_body, sizeof(ref_body),
		 ", \"queued\": {\"reference\": \"QSAMEPR2\", \"created_at\": \"2026-11-23T09:15:00+09:00\"}");
	body(b, sizeof(b), slot, "010-3333-6666", ref_body);
	assert_int_equal(http("POST", "v1/bookings", "sp-2", b, &out), 201);
	assert_int_equal(http("GET", "v1/bookings/QSAMEPR2?phone_last4=6666", NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"booked\""));
	/* a kiosk cannot cancel what is over: an attended session keeps its record */
	json_object *o = json_tokener_parse(out.data), *v;
	json_object_object_get_ex(o, "code", &v);
	snprintf(code, sizeof(code), "%s", json_object_get_string(v));
	json_object_put(o);
	char dbp[128], sql[160];
	sqlite3 *db;
	snprintf(dbp, sizeof(dbp), "%s/jobcenter.db", dir);
	assert_int_equal(sqlite3_open(dbp, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	snprintf(sql, sizeof(sql), "UPDATE bookings SET status = 'attended' WHERE code = '%s'", code);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(path, sizeof(path), "v1/bookings/%s?phone_last4=6666", code);
	assert_int_equal(http("DELETE", path, NULL, NULL, &out), 422);
	assert_int_equal(http("GET", path, NULL, NULL, &out), 200);
	assert_non_null(strstr(out.data, "\"status\":\"booked\"")); /* (the API's word for it) */
	buf_release(&out);
}

static void test_validation_and_rate_limit(void **s)
{
	char slot[96], b[512];
	buf out;
	(void)s;
	buf_init(&out);
	nth_slot(5, slot, sizeof(slot));
	static const char *const bad[] = {
		"{\"slot_id\": \"s-c-01-20261124-0300\", \"topic_id\": \"career\", \"name\": \"a\", "
		"\"phone\": \"010-1111-2222\", \"consent\": {\"privacy\": true, \"version\": \"1\"}}",
		"{\"slot_id\": 5}", "[]", "not json", "{\"name\": \"\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char key[16];
		snprintf(key, sizeof(key), "bad-%zu", i);
		long st = http("POST", "v1/bookings", key, bad[i], &out);
		assert_true(st == 400 || st == 422);
	}
	body(b, sizeof(b), slot, "02-123-4567", NULL); /* not a mobile number */
	assert_int_equal(http("POST", "v1/bookings", "v-1", b, &out), 422);
	assert_non_null(strstr(out.data, "\"phone\""));
	/* a name with a right-to-left override or a control character would read
	 * as another name in the console */
	static const char *const names[] = {"\\u202e\\ub3d9\\uae38\\ud64d", "\\ud64d\\t\\ub3d9", "\\ud64d\\u0085"};
	for (size_t i = 0; i < 3; i++) {
		char key[16];
		snprintf(b, sizeof(b), "{\"slot_id\": \"%s\", \"topic_id\": \"career\", \"name\": \"%s\", "
				       "\"phone\": \"010-1111-2222\", \"consent\": {\"privacy\": true, \"version\": \"1\"}}",
			 slot, names[i]);
		snprintf(key, sizeof(key), "ctl-%zu", i);
		assert_int_equal(http("POST", "v1/bookings", key, b, &out), 422);
		assert_non_null(strstr(out.data, "\"name\""));
	}
	snprintf(b, sizeof(b), "{\"slot_id\": \"%s\", \"topic_id\": \"career\", \"name\": \"홍길동\", "
			       "\"phone\": \"010-1111-2222\", \"consent\": {\"privacy\": false, \"version\": \"1\"}}",
		 slot);
	assert_int_equal(http("POST", "v1/bookings", "v-2", b, &out), 422);
	assert_non_null(strstr(out.data, "\"consent\""));
	/* failed look-ups: after 10 within 10 minutes, 429 with Retry-After */
	int limited = 0;
	for (int i = 0; i < 12; i++) {
		long st = http("GET", "v1/bookings/ZZZZZZ?phone_last4=0000", NULL, NULL, &out);
		if (st == 429)
			limited++;
		else
			assert_int_equal(st, 404);
	}
	assert_true(limited >= 2);
	buf_release(&out);
}

static void test_purge(void **s)
{
	store *st;
	char err[256];
	int purged = -1;
	bk_opts o = {2, 90, "x"};
	sqlite3_stmt *q;
	(void)s;
	assert_int_equal(store_open(dir, 1, &st, err, sizeof(err)), 0);
	sqlite3 *db = store_acquire(st);
	/* nothing is old enough today */
	assert_int_equal(bk_purge(db, &o, time(NULL), &purged, err, sizeof(err)), 0);
	assert_int_equal(purged, 0);
	/* 91 days after the last session, every name and phone is gone */
	assert_int_equal(bk_purge(db, &o, time(NULL) + 140 * 86400, &purged, err, sizeof(err)), 0);
	assert_true(purged > 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM bookings WHERE name IS NOT NULL"
						" OR phone IS NOT NULL", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 0);
	sqlite3_finalize(q);
	store_release(st, db);
	store_destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots_across_year_end),
		cmocka_unit_test(test_canonical_json),
		cmocka_unit_test(test_race_and_replay),
		cmocka_unit_test(test_limit_queue_lookup),
		cmocka_unit_test(test_validation_and_rate_limit),
		cmocka_unit_test(test_purge),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
