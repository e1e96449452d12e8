/*
 * The counsellors' console below the browser: safe output (HTML, CSV formulas,
 * iCalendar folding of Korean text), form decoding with hostile input, accounts and
 * sessions (argon2id, throttling, idle and absolute expiry, disabled accounts,
 * CSRF, feed tokens), and the schedule rules (availability overlaps, outcomes by
 * time and state, follow-ups, CSV, iCalendar without phone numbers). The browser
 * test (tests/console) drives the same through pages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "kdate.h"
#include "schedule.h"
#include "server.h"
#include "store.h"
#include "testutil.h"
#include "webauth.h"
#include "webfmt.h"

static char dir[64];
static store *st;
static sqlite3 *db;

static int setup(void **s)
{
	char err[256];
	(void)s;
	tu_tempdir(dir, "console-test");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "5", NULL}), 0);
	assert_int_equal(store_open(dir, 1, &st, err, sizeof(err)), 0);
	db = store_acquire(st);
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	store_release(st, db);
	store_destroy(st);
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	return system(c) == 0 ? 0 : -1;
}

static void test_html_csv(void **s)
{
	buf b;
	(void)s;
	buf_init(&b);
	html_esc(&b, "<a href=\"x\">'&'</a>");
	assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	buf_reset(&b);
	html_printf(&b, "<p title=\"%s\">%d%%</p>", "\"><script>", 42);
	assert_string_equal(b.data, "<p title=\"&quot;&gt;&lt;script&gt;\">42%</p>");
	buf_reset(&b);
	csv_field(&b, "plain");
	buf_addc(&b, '|');
	csv_field(&b, "a,\"b\"\nc");
	buf_addc(&b, '|');
	csv_field(&b, "=HYPERLINK(\"http://x\")");
	buf_addc(&b, '|');
	csv_field(&b, "-1+2");
	buf_addc(&b, '|');
	csv_field(&b, "@SUM(A1)");
	assert_string_equal(b.data, "plain|\"a,\"\"b\"\"\nc\"|\"'=HYPERLINK(\"\"http://x\"\")\"|"
				    "\"'-1+2\"|\"'@SUM(A1)\"");
	buf_release(&b);
}

static void test_ical_folding(void **s)
{
	buf b, line, unfolded;
	(void)s;
	buf_init(&b);
	buf_init(&line);
	buf_init(&unfolded);
	buf_adds(&line, "SUMMARY:");
	ical_text(&line, "진로 상담, 이력서; 면접\\코칭\n");
	for (int i = 0; i < 20; i++)
		buf_adds(&line, "가나다라마");
	ical_line(&b, line.data);
	assert_non_null(strstr(b.data, "SUMMARY:진로 상담\\, 이력서\\; 면접\\\\코칭\\n"));
	/* every physical line at most 75 octets, each a whole UTF-8 text */
	const char *p = b.data;
	while (*p) {
		const char *e = strstr(p, "\r\n");
		assert_non_null(e);
		assert_true(e - p <= 75);
		assert_true(p == b.data || *p == ' ');
		assert_true(((unsigned char)e[-1] & 0xC0) != 0xC0); /* not cut after a lead byte */
		buf_add(&unfolded, p == b.data ? p : p + 1, (size_t)(e - p) - (p == b.data ? 0 : 1));
		p = e + 2;
	}
	buf_addc(&unfolded, '\0');
	assert_string_equal(unfolded.data, line.data);
	buf_release(&b);
	buf_release(&line);
	buf_release(&unfolded);
}

static void test_form_parse(void **s)
{
	srv_param p[8];
	buf store_;
	(void)s;
	buf_init(&store_);
	const char f1[] = "a=1&name=%ED%99%8D+%EA%B8%B8%EB%8F%99&flag&&empty=&x=a%3Db%26c";
	assert_int_equal(srv_form_parse(f1, strlen(f1), p, 8, &store_), 5);
	assert_string_equal(p[0].key, "a");
	assert_string_equal(p[0].value, "1");
	assert_string_equal(p[1].value, "홍 길동");
	assert_string_equal(p[2].key, "flag");
	assert_string_equal(p[2].value, "");
	assert_string_equal(p[3].key, "empty");
	assert_string_equal(p[4].value, "a=b&c");
	assert_int_equal(srv_form_parse("a=%00b", 6, p, 8, &store_), -1);	   /* escaped NUL */
	assert_int_equal(srv_form_parse("a=%C3%28", 8, p, 8, &store_), -1);	   /* bad UTF-8 */
	assert_int_equal(srv_form_parse("a\0=b", 4, p, 8, &store_), -1);	   /* raw NUL */
	assert_int_equal(srv_form_parse("a=1&b=2&c=3", 11, p, 2, &store_), -1); /* too many */
	assert_int_equal(srv_form_parse("", 0, p, 8, &store_), 0);
	assert_int_equal(srv_form_parse("a=%zz", 5, p, 8, &store_), 1); /* left as it is */
	assert_string_equal(p[0].value, "%zz");
	buf_wipe(&store_);
}

static void test_accounts_and_sessions(void **s)
{
	char err[256], tok[WA_TOKEN_LEN], tok2[WA_TOKEN_LEN], feed[96];
	int retry;
	wa_user u;
	time_t now = time(NULL);
	(void)s;

	assert_int_equal(wa_user_add(db, "Bad Login", "long-enough-pw", "x", "admin", NULL, err,
				     sizeof(err)), WA_EINVAL);
	assert_int_equal(wa_user_add(db, "lee", "short", "이도윤", "counselor", "c-02", err,
				     sizeof(err)), WA_EINVAL);
	/* ten characters, counted as characters: Korean passwords are not shortchanged */
	assert_int_equal(wa_user_add(db, "lee", "비밀번호는열글자야", "이도윤", "counselor", "c-02", err,
				     sizeof(err)), WA_EINVAL);
	assert_int_equal(wa_user_add(db, "lee", "비밀번호는열글자입니다", "이도윤", "counselor", "c-02",
				     err, sizeof(err)), WA_OK);
	assert_int_equal(wa_user_add(db, "lee", "another-password", "x", "counselor", NULL, err,
				     sizeof(err)), WA_EEXIST);
	assert_int_equal(wa_user_add(db, "root", "another-password", "x", "superuser", NULL, err,
				     sizeof(err)), WA_EINVAL);
	{ /* only the argon2id string is stored */
		sqlite3_stmt *q;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT pwhash FROM wa_users WHERE login = 'lee'",
						    -1, &q, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_memory_equal(sqlite3_column_text(q, 0), "$argon2id$", 10);
		sqlite3_finalize(q);
	}

	assert_int_equal(wa_login(db, "lee", "wrong-password", "10.0.0.1", now, tok, &retry, err,
				  sizeof(err)), WA_EINVAL);
	assert_int_equal(wa_login(db, "nobody", "wrong-password", "10.0.0.1", now, tok, &retry, err,
				  sizeof(err)), WA_EINVAL);
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.1", now, tok, &retry,
				  err, sizeof(err)), WA_OK);
	assert_int_equal(strlen(tok), WA_TOKEN_LEN - 1);
	assert_int_equal(wa_session(db, tok, now + 60, &u), 1);
	assert_string_equal(u.login, "lee");
	assert_string_equal(u.counselor_id, "c-02");
	assert_string_equal(u.role, "counselor");
	assert_true(wa_csrf_ok(&u, u.csrf));
	{
		char forged[WA_TOKEN_LEN];
		snprintf(forged, sizeof(forged), "%s", u.csrf);
		forged[5] = forged[5] == 'a' ? 'b' : 'a';
		assert_false(wa_csrf_ok(&u, forged));
		assert_false(wa_csrf_ok(&u, ""));
		assert_false(wa_csrf_ok(&u, NULL));
	}
	/* the database holds only the token's hash */
	{
		sqlite3_stmt *q;
		assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM wa_sessions WHERE hash = ?",
						    -1, &q, NULL), SQLITE_OK);
		sqlite3_bind_text(q, 1, tok, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(q, 0), 0);
		sqlite3_finalize(q);
	}
	/* idle expiry: used at +60 s, so alive until +60 + WA_IDLE_S */
	assert_int_equal(wa_session(db, tok, now + 60 + WA_IDLE_S, &u), 1);
	assert_int_equal(wa_session(db, tok, now + 60 + 2 * WA_IDLE_S + 1, &u), 0);
	/* absolute expiry, however busy the session */
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.1", now, tok2, &retry,
				  err, sizeof(err)), WA_OK);
	for (time_t t = now; t < now + WA_MAX_S; t += WA_IDLE_S / 2)
		assert_int_equal(wa_session(db, tok2, t, &u), 1);
	assert_int_equal(wa_session(db, tok2, now + WA_MAX_S + 1, &u), 0);
	/* log-out, and disabling, end sessions */
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.1", now, tok, &retry, err,
				  sizeof(err)), WA_OK);
	wa_logout(db, tok);
	assert_int_equal(wa_session(db, tok, now, &u), 0);
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.1", now, tok, &retry, err,
				  sizeof(err)), WA_OK);
	assert_int_equal(wa_session(db, tok, now, &u), 1);
	long long lee = u.id;
	assert_int_equal(wa_feed_token(db, lee, feed, sizeof(feed)), 0);
	assert_int_equal(wa_feed_user(db, feed, &u), 1);
	assert_int_equal(wa_set_disabled(db, lee, 1, err, sizeof(err)), WA_OK);
	assert_int_equal(wa_session(db, tok, now, &u), 0);
	assert_int_equal(wa_feed_user(db, feed, &u), 0);
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.2", now, tok, &retry, err,
				  sizeof(err)), WA_EINVAL);
	assert_int_equal(wa_set_disabled(db, lee, 0, err, sizeof(err)), WA_OK);
	/* feed tokens: a changed character or another id is refused */
	{
		char bad[96];
		snprintf(bad, sizeof(bad), "%s", feed);
		bad[strlen(bad) - 1] ^= 1;
		assert_int_equal(wa_feed_user(db, bad, &u), 0);
		snprintf(bad, sizeof(bad), "%lld%s", lee + 1, strchr(feed, '-'));
		assert_int_equal(wa_feed_user(db, bad, &u), 0);
		assert_int_equal(wa_feed_user(db, "x", &u), 0);
		assert_int_equal(wa_feed_user(db, "1-", &u), 0);
	}

	/* throttling: WA_FAIL_MAX_LOGIN failures lock that name for the window, even
	 * for the right password; another address or name is not affected by them */
	time_t t0 = now + 100000;
	for (int i = 0; i < WA_FAIL_MAX_LOGIN; i++)
		assert_int_equal(wa_login(db, "lee", "wrong-password", "10.0.0.3", t0 + i, tok, &retry,
					  err, sizeof(err)), WA_EINVAL);
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.4", t0 + 10, tok, &retry,
				  err, sizeof(err)), WA_ETHROTTLED);
	assert_true(retry > 0 && retry <= WA_FAIL_WINDOW_S);
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.4",
				  t0 + WA_FAIL_WINDOW_S + 5, tok, &retry, err, sizeof(err)), WA_OK);
	/* one address trying many names */
	time_t t1 = t0 + 10 * WA_FAIL_WINDOW_S;
	for (int i = 0; i < WA_FAIL_MAX_IP; i++) {
		char name[16];
		snprintf(name, sizeof(name), "guess%d", i);
		assert_int_equal(wa_login(db, name, "wrong-password", "10.0.0.9", t1, tok, &retry, err,
					  sizeof(err)), WA_EINVAL);
	}
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.9", t1 + 1, tok, &retry,
				  err, sizeof(err)), WA_ETHROTTLED);
	assert_int_equal(wa_login(db, "lee", "비밀번호는열글자입니다", "10.0.0.8", t1 + 1, tok, &retry,
				  err, sizeof(err)), WA_OK);
}

static void test_names_and_phones(void **s)
{
	char o[64];
	(void)s;
	sch_mask_name("김하늘", o, sizeof(o));
	assert_string_equal(o, "김*늘");
	sch_mask_name("남궁민수", o, sizeof(o));
	assert_string_equal(o, "남**수");
	sch_mask_name("이수", o, sizeof(o));
	assert_string_equal(o, "이*");
	sch_mask_name("김", o, sizeof(o));
	assert_string_equal(o, "김");
	sch_mask_name("", o, sizeof(o));
	assert_string_equal(o, "*");
	sch_format_phone("01023456789", o, sizeof(o));
	assert_string_equal(o, "010-2345-6789");
	sch_format_phone("0112345678", o, sizeof(o));
	assert_string_equal(o, "011-234-5678");
	sch_format_phone("12", o, sizeof(o));
	assert_string_equal(o, "12");
}

/* Inserts a booking of counselor at Seoul day/minute with status. */
static long long add_booking(const char *counselor, int day, int min, const char *status,
			     const char *name)
{
	sqlite3_stmt *q;
	char slot[64];
	int y, m, d;
	long long t = (long long)day * 86400 + min * 60 - KDATE_SEOUL_OFFSET;
	kdate_to_ymd(day, &y, &m, &d);
	snprintf(slot, sizeof(slot), "s-%s-%04d%02d%02d-%02d%02d", counselor, y % 10000, m % 100,
		 d % 100, (min / 60) % 100, min % 60);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "INSERT INTO bookings(code, slot_id, counselor_id, topic_id,"
					    " starts_at, ends_at, name, phone, phone_last4, status,"
					    " kiosk_id, created_at) VALUES(upper(hex(randomblob(3))), ?,"
					    " ?, 'career', ?, ?, ?, '01098765432', '5432', ?, 'k', ?)",
					    -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_text(q, 1, slot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, t);
	sqlite3_bind_int64(q, 4, t + 50 * 60);
	sqlite3_bind_text(q, 5, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 7, t - 86400);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	sqlite3_finalize(q);
	return sqlite3_last_insert_rowid(db);
}

static void test_rules_and_exceptions(void **s)
{
	char err[256];
	json_object *a;
	int affected, today = kdate_seoul_day(time(NULL));
	(void)s;
	/* sample: c-03 has Mon-Wed 14:00-18:00 */
	assert_int_equal(sch_rule_add(db, "c-03", 1, 15 * 60, 19 * 60, err, sizeof(err)), SCH_EINVAL);
	assert_non_null(strstr(err, "overlaps"));
	assert_int_equal(sch_rule_add(db, "c-03", 1, 9 * 60, 14 * 60, err, sizeof(err)), SCH_OK);
	assert_int_equal(sch_rule_add(db, "c-03", 8, 9 * 60, 10 * 60, err, sizeof(err)), SCH_EINVAL);
	assert_int_equal(sch_rule_add(db, "c-03", 4, 5 * 60, 10 * 60, err, sizeof(err)), SCH_EINVAL);
	assert_int_equal(sch_rule_add(db, "c-03", 4, 10 * 60, 10 * 60 + 30, err, sizeof(err)),
			 SCH_EINVAL); /* shorter than a session */
	assert_int_equal(sch_rule_add(db, "c-99", 4, 10 * 60, 12 * 60, err, sizeof(err)), SCH_EINVAL);
	assert_int_equal(sch_rules_json(db, "c-03", &a, err, sizeof(err)), SCH_OK);
	assert_int_equal(json_object_array_length(a), 4);
	json_object *first = json_object_array_get_idx(a, 0), *v;
	json_object_object_get_ex(first, "start_min", &v);
	assert_int_equal(json_object_get_int(v), 9 * 60);
	json_object_object_get_ex(first, "id", &v);
	long long rid = json_object_get_int64(v);
	json_object_put(a);
	/* a counsellor cannot delete another's rule */
	assert_int_equal(sch_rule_del(db, "c-01", rid, err, sizeof(err)), SCH_ENOTFOUND);
	assert_int_equal(sch_rule_del(db, "c-03", rid, err, sizeof(err)), SCH_OK);

	/* leave over a booked session is saved and reports the booking */
	int day = today + 20;
	add_booking("c-03", day, 14 * 60, "booked", "정다은");
	assert_int_equal(sch_exception_add(db, "c-03", day, -1, 0, "연차", &affected, err,
					   sizeof(err)), SCH_OK);
	assert_int_equal(affected, 1);
	assert_int_equal(sch_exception_add(db, "c-03", day + 1, 15 * 60, 16 * 60, NULL, &affected,
					   err, sizeof(err)), SCH_OK);
	assert_int_equal(affected, 0);
	assert_int_equal(sch_exception_add(db, "c-03", day, 16 * 60, 15 * 60, NULL, &affected, err,
					   sizeof(err)), SCH_EINVAL);
	assert_int_equal(sch_exceptions_json(db, "c-03", today, &a, err, sizeof(err)), SCH_OK);
	assert_int_equal(json_object_array_length(a), 2);
	json_object_object_get_ex(json_object_array_get_idx(a, 0), "bookings", &v);
	assert_int_equal(json_object_get_int(v), 1);
	json_object_object_get_ex(json_object_array_get_idx(a, 1), "id", &v);
	assert_int_equal(sch_exception_del(db, "c-03", json_object_get_int64(v), err, sizeof(err)),
			 SCH_OK);
	json_object_put(a);
}

static void test_outcomes_followups_exports(void **s)
{
	char err[256];
	json_object *a, *v;
	buf out;
	time_t now = time(NULL);
	int today = kdate_seoul_day(now);
	(void)s;
	long long future = add_booking("c-04", today + 3, 10 * 60, "booked", "한지민");
	long long past = add_booking("c-04", today - 2, 10 * 60, "booked", "오세훈");
	long long fu = add_booking("c-04", today + 1, 11 * 60, "follow_up", "서지우");

	assert_int_equal(sch_set_status(db, "c-04", future, "no_show", NULL, now, err, sizeof(err)),
			 SCH_EINVAL); /* not started yet */
	assert_int_equal(sch_set_status(db, "c-04", future, "cancelled", "", now, err, sizeof(err)),
			 SCH_EINVAL); /* a reason is required */
	assert_int_equal(sch_set_status(db, "c-01", future, "attended", NULL, now, err, sizeof(err)),
			 SCH_ENOTFOUND); /* someone else's */
	assert_int_equal(sch_set_status(db, "c-04", future, "cancelled", "상담사 출장", now, err,
					sizeof(err)), SCH_OK);
	assert_int_equal(sch_set_status(db, "c-04", future, "attended", NULL, now, err, sizeof(err)),
			 SCH_EINVAL); /* cancelled stays cancelled */
	assert_int_equal(sch_set_status(db, "c-04", past, "cancelled", "late", now, err, sizeof(err)),
			 SCH_EINVAL); /* over */
	assert_int_equal(sch_set_status(db, "c-04", past, "no_show", NULL, now, err, sizeof(err)),
			 SCH_OK);
	assert_int_equal(sch_set_status(db, NULL, past, "attended", NULL, now, err, sizeof(err)),
			 SCH_OK); /* an admin corrects it */
	assert_int_equal(sch_set_status(db, "c-04", fu, "attended", NULL, now, err, sizeof(err)),
			 SCH_EINVAL); /* a follow-up is no session */

	assert_int_equal(sch_booking_json(db, "c-04", past, &a, err, sizeof(err)), SCH_OK);
	json_object_object_get_ex(a, "status", &v);
	assert_string_equal(json_object_get_string(v), "attended");
	json_object_put(a);

	assert_int_equal(sch_followups_json(db, "c-04", &a, err, sizeof(err)), SCH_OK);
	assert_int_equal(json_object_array_length(a), 1);
	json_object_put(a);
	assert_int_equal(sch_followup_done(db, "c-01", fu, now, err, sizeof(err)), SCH_ENOTFOUND);
	assert_int_equal(sch_followup_done(db, "c-04", fu, now, err, sizeof(err)), SCH_OK);
	assert_int_equal(sch_followup_done(db, "c-04", fu, now, err, sizeof(err)), SCH_ENOTFOUND);
	assert_int_equal(sch_followups_json(db, "c-04", &a, err, sizeof(err)), SCH_OK);
	assert_int_equal(json_object_array_length(a), 0);
	json_object_put(a);

	/* the schedule has the two sessions, not the follow-up */
	assert_int_equal(sch_bookings_json(db, "c-04", today - 7, today + 7, &a, err, sizeof(err)),
			 SCH_OK);
	assert_int_equal(json_object_array_length(a), 2);
	json_object_put(a);

	buf_init(&out);
	assert_int_equal(sch_export_csv(db, "c-04", today - 7, today + 7, &out, err, sizeof(err)),
			 SCH_OK);
	assert_memory_equal(out.data, "\xEF\xBB\xBF" "date,start,end,", 18);
	assert_non_null(strstr(out.data, ",10:00,10:50,최민준,진로 상담,attended,"));
	assert_non_null(strstr(out.data, ",오세훈,010-9876-5432,k,\r\n"));
	assert_non_null(strstr(out.data, ",cancelled,"));
	assert_non_null(strstr(out.data, "상담사 출장\r\n"));
	buf_reset(&out);
	assert_int_equal(sch_ical(db, "c-04", now, &out, err, sizeof(err)), SCH_OK);
	assert_memory_equal(out.data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30);
	assert_non_null(strstr(out.data, "SUMMARY:진로 상담 — 오*훈\r\n"));
	assert_non_null(strstr(out.data, "STATUS:CANCELLED\r\n"));
	assert_null(strstr(out.data, "9876"));
	assert_null(strstr(out.data, "오세훈"));
	/* nor booking codes: with the last digits they cancel at a kiosk */
	sqlite3_stmt *cs;
	int codes = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT code FROM bookings WHERE counselor_id = 'c-04'"
						" AND code IS NOT NULL", -1, &cs, NULL), SQLITE_OK);
	while (sqlite3_step(cs) == SQLITE_ROW) {
		assert_null(strstr(out.data, (const char *)sqlite3_column_text(cs, 0)));
		codes++;
	}
	sqlite3_finalize(cs);
	assert_true(codes > 0);
	assert_non_null(strstr(out.data, "END:VCALENDAR\r\n"));
	buf_wipe(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_csv),
		cmocka_unit_test(test_ical_folding),
		cmocka_unit_test(test_form_parse),
		cmocka_unit_test(test_accounts_and_sessions),
		cmocka_unit_test(test_names_and_phones),
		cmocka_unit_test(test_rules_and_exceptions),
		cmocka_unit_test(test_outcomes_followups_exports),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
