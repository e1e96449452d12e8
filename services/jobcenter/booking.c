#include "booking.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "http.h"
#include "kdate.h"
#include "log.h"
#include "utf8.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS holidays(day TEXT PRIMARY KEY, name TEXT NOT NULL);"
	/* leave and closures: a whole day (start_min NULL) or part of one; counselor_id
	 * NULL for everyone */
	"CREATE TABLE IF NOT EXISTS exceptions(counselor_id TEXT, day TEXT NOT NULL,"
	" start_min INTEGER, end_min INTEGER, reason TEXT);"
	"CREATE TABLE IF NOT EXISTS bookings(id INTEGER PRIMARY KEY, code TEXT UNIQUE,"
	" reference TEXT UNIQUE, slot_id TEXT NOT NULL, counselor_id TEXT NOT NULL,"
	" topic_id TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
	" name TEXT, phone TEXT, phone_last4 TEXT NOT NULL, note TEXT, status TEXT NOT NULL,"
	" kiosk_id TEXT, created_at INTEGER NOT NULL, queued_at INTEGER, cancelled_at INTEGER,"
	" cancel_reason TEXT, purged INTEGER NOT NULL DEFAULT 0);"
	/* the guarantee: one active booking per slot, whatever the concurrency */
	"CREATE UNIQUE INDEX IF NOT EXISTS bookings_slot_active ON bookings(slot_id)"
	" WHERE status IN ('booked', 'attended', 'no_show');"
	"CREATE INDEX IF NOT EXISTS bookings_phone ON bookings(phone, status, starts_at);"
	"CREATE TABLE IF NOT EXISTS idempotency(kiosk_id TEXT NOT NULL, key TEXT NOT NULL,"
	" fingerprint TEXT NOT NULL, status INTEGER NOT NULL, response TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, PRIMARY KEY(kiosk_id, key)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS lookup_failures(kiosk_id TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS lookup_failures_k ON lookup_failures(kiosk_id, at);"
	/* Korean public holidays (lunar and substitute ones follow no rule: data) */
	"INSERT OR IGNORE INTO holidays VALUES"
	" ('2026-01-01','신정'),('2026-02-16','설날 연휴'),('2026-02-17','설날'),"
	" ('2026-02-18','설날 연휴'),('2026-03-01','삼일절'),('2026-03-02','대체공휴일'),"
	" ('2026-05-05','어린이날'),('2026-05-24','부처님오신날'),('2026-05-25','대체공휴일'),"
	" ('2026-06-03','지방선거일'),('2026-06-06','현충일'),('2026-08-15','광복절'),"
	" ('2026-08-17','대체공휴일'),('2026-09-24','추석 연휴'),('2026-09-25','추석'),"
	" ('2026-09-26','추석 연휴'),('2026-10-03','개천절'),('2026-10-05','대체공휴일'),"
	" ('2026-10-09','한글날'),('2026-12-25','성탄절'),('2027-01-01','신정'),"
	" ('2027-02-06','설날 연휴'),('2027-02-07','설날'),('2027-02-08','설날 연휴'),"
	" ('2027-02-09','대체공휴일'),('2027-03-01','삼일절'),('2027-05-05','어린이날'),"
	" ('2027-05-13','부처님오신날'),('2027-06-06','현충일'),('2027-08-15','광복절'),"
	" ('2027-08-16','대체공휴일'),('2027-09-14','추석 연휴'),('2027-09-15','추석'),"
	" ('2027-09-16','추석 연휴'),('2027-10-03','개천절'),('2027-10-04','대체공휴일'),"
	" ('2027-10-09','한글날'),('2027-10-11','대체공휴일'),('2027-12-25','성탄절');";

int bk_schema(sqlite3 *db, char *err, size_t errlen)
{
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "booking schema: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

/* ---- slots ---- */

struct rule {
	char counselor[32];
	int weekday; /* 1 Monday .. 7 Sunday */
	int start, end;
};

static int weekday_of(int day)
{
	/* 1970-01-01 was a Thursday (4) */
	int w = (day % 7 + 7 + 3) % 7; /* 0 = Monday */
	return w + 1;
}

int bk_slot_parse(const char *id, char *counselor, size_t clen, int *day, int *start_min)
{
	size_t n = strlen(id);
	char date[11];
	long long hhmm;
	char hm[5];
	/* s-<counselor>-YYYYMMDD-HHMM */
	if (n < 2 + 1 + 1 + 8 + 1 + 4 || strncmp(id, "s-", 2) != 0 || id[n - 5] != '-' ||
	    id[n - 14] != '-')
		return 0;
	size_t cl = n - 14 - 2;
	if (cl == 0 || cl >= clen)
		return 0;
	memcpy(counselor, id + 2, cl);
	counselor[cl] = '\0';
	snprintf(date, sizeof(date), "%.4s-%.2s-%.2s", id + n - 13, id + n - 9, id + n - 7);
	memcpy(hm, id + n - 4, 4);
	hm[4] = '\0';
	if (kdate_parse(date, day) < 0 || util_parse_long(hm, 0, 2359, &hhmm) < 0 ||
	    hhmm % 100 > 59)
		return 0;
	*start_min = (int)(hhmm / 100 * 60 + hhmm % 100);
	return 1;
}

static void slot_id(char *out, size_t n, const char *counselor, int day, int start)
{
	int y, m, d;
	kdate_to_ymd(day, &y, &m, &d);
	snprintf(out, n, "s-%s-%04d%02d%02d-%02d%02d", counselor, y % 10000, m % 100, d % 100,
		 (start / 60) % 100, start % 60);
}

static time_t seoul_time(int day, int minute)
{
	return (time_t)((long long)day * 86400 + minute * 60 - KDATE_SEOUL_OFFSET);
}

static int is_holiday(sqlite3 *db, int day)
{
	char date[11];
	sqlite3_stmt *st;
	int h = 0;
	kdate_format(day, date);
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM holidays WHERE day = ?", -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
		h = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return h;
}

/* 1 if an exception (leave, closure) covers [start, start + BK_SLOT_MIN). */
static int is_excepted(sqlite3 *db, const char *counselor, int day, int start)
{
	char date[11];
	sqlite3_stmt *st;
	int hit = 0;
	kdate_format(day, date);
	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM exceptions WHERE day = ?1 AND (counselor_id IS NULL OR"
			       " counselor_id = ?2) AND (start_min IS NULL OR (start_min < ?4 AND"
			       " end_min > ?3))",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, counselor, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 3, start);
		sqlite3_bind_int(st, 4, start + BK_SLOT_MIN);
		hit = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return hit;
}

/* 1 if the rules offer a session of counselor at day/start (ignoring the clock). */
static int slot_offered(sqlite3 *db, const char *counselor, int day, int start)
{
	sqlite3_stmt *st;
	int ok = 0;
	if (is_holiday(db, day) || is_excepted(db, counselor, day, start))
		return 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT start_min, end_min FROM availability WHERE counselor_id = ? AND"
			       " weekday = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, weekday_of(day));
	while (!ok && sqlite3_step(st) == SQLITE_ROW) {
		int s = sqlite3_column_int(st, 0), e = sqlite3_column_int(st, 1);
		ok = start >= s && start + BK_SLOT_MIN <= e && (start - s) % BK_SLOT_STEP_MIN == 0;
	}
	sqlite3_finalize(st);
	return ok;
}

static int counselor_topics(sqlite3 *db, const char *counselor, char *topics, size_t n)
{
	sqlite3_stmt *st;
	int found = 0;
	topics[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT topics FROM counselors WHERE id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(topics, n, "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static int has_topic(const char *list, const char *topic)
{
	size_t n = strlen(topic);
	for (const char *p = list; (p = strstr(p, topic)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

static json_object *topic_array(const char *list)
{
	json_object *a = json_object_new_array();
	char *copy = xstrdup(list), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
		json_object_array_add(a, json_object_new_string(t));
	free(copy);
	return a;
}

static int slot_booked(sqlite3 *db, const char *id)
{
	sqlite3_stmt *st;
	int b = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM bookings WHERE slot_id = ? AND status IN ('booked',"
			       " 'attended', 'no_show')",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		b = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return b;
}

static json_object *slot_json(sqlite3 *db, const char *counselor, const char *topics, int day,
			      int start)
{
	char id[96], ts[32];
	json_object *o = json_object_new_object();
	slot_id(id, sizeof(id), counselor, day, start);
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "counselor_id", json_object_new_string(counselor));
	json_object_object_add(o, "topic_ids", topic_array(topics));
	kdate_format_rfc3339(seoul_time(day, start), ts);
	json_object_object_add(o, "starts_at", json_object_new_string(ts));
	kdate_format_rfc3339(seoul_time(day, start + BK_SLOT_MIN), ts);
	json_object_object_add(o, "ends_at", json_object_new_string(ts));
	json_object_object_add(o, "available", json_object_new_boolean(!slot_booked(db, id)));
	return o;
}

static int exists(sqlite3 *db, const char *sql, const char *v)
{
	sqlite3_stmt *st;
	int e = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
		e = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return e;
}

int bk_slots_json(sqlite3 *db, int from_day, int to_day, const char *topic, const char *counselor,
		  time_t now, json_object **out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_object *items;
	if (topic && !exists(db, "SELECT 1 FROM topics WHERE id = ?", topic)) {
		snprintf(err, errlen, "topic: unknown topic '%.40s'", topic);
		return -2;
	}
	if (counselor && !exists(db, "SELECT 1 FROM counselors WHERE id = ?", counselor)) {
		snprintf(err, errlen, "counselor: unknown counsellor '%.40s'", counselor);
		return -2;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT a.counselor_id, a.weekday, a.start_min, a.end_min, c.topics"
			       " FROM availability a JOIN counselors c ON c.id = a.counselor_id"
			       " ORDER BY a.start_min, a.counselor_id",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "slots: %s", sqlite3_errmsg(db));
		return -1;
	}
	struct rule *rules = NULL;
	char (*tops)[128] = NULL;
	int nr = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		rules = xrealloc(rules, (size_t)(nr + 1) * sizeof(*rules));
		tops = xrealloc(tops, (size_t)(nr + 1) * sizeof(*tops));
		snprintf(rules[nr].counselor, sizeof(rules[nr].counselor), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		rules[nr].weekday = sqlite3_column_int(st, 1);
		rules[nr].start = sqlite3_column_int(st, 2);
		rules[nr].end = sqlite3_column_int(st, 3);
		snprintf(tops[nr], sizeof(tops[nr]), "%s", (const char *)sqlite3_column_text(st, 4));
		nr++;
	}
	sqlite3_finalize(st);
	items = json_object_new_array();
	for (int day = from_day; day <= to_day; day++) {
		if (is_holiday(db, day))
			continue;
		for (int r = 0; r < nr; r++) {
			if (rules[r].weekday != weekday_of(day) ||
			    (counselor && strcmp(counselor, rules[r].counselor) != 0) ||
			    (topic && !has_topic(tops[r], topic)))
				continue;
			for (int s = rules[r].start; s + BK_SLOT_MIN <= rules[r].end;
			     s += BK_SLOT_STEP_MIN) {
				if (seoul_time(day, s) <= now ||
				    is_excepted(db, rules[r].counselor, day, s))
					continue;
				json_object_array_add(items, slot_json(db, rules[r].counselor, tops[r],
								       day, s));
			}
		}
	}
	free(rules);
	free(tops);
	*out = json_object_new_object();
	json_object_object_add(*out, "items", items);
	return 0;
}

static int list_json(sqlite3 *db, const char *sql, int counselors, json_object **out, char *err,
		     size_t errlen)
{
	sqlite3_stmt *st;
	json_object *items = json_object_new_array();
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		json_object_put(items);
		snprintf(err, errlen, "%s", sqlite3_errmsg(db));
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string((const char *)sqlite3_column_text(st, 0)));
		if (counselors) {
			json_object_object_add(o, "name", json_object_new_string((const char *)sqlite3_column_text(st, 1)));
			json_object_object_add(o, "topics", topic_array((const char *)sqlite3_column_text(st, 2)));
			json_object_object_add(o, "languages", topic_array((const char *)sqlite3_column_text(st, 3)));
		} else {
			json_object_object_add(o, "name_ko", json_object_new_string((const char *)sqlite3_column_text(st, 1)));
			json_object_object_add(o, "name_en", json_object_new_string((const char *)sqlite3_column_text(st, 2)));
			json_object_object_add(o, "duration_min", json_object_new_int(sqlite3_column_int(st, 3)));
		}
		json_object_array_add(items, o);
	}
	sqlite3_finalize(st);
	*out = json_object_new_object();
	json_object_object_add(*out, "items", items);
	return 0;
}

int bk_topics_json(sqlite3 *db, json_object **out, char *err, size_t errlen)
{
	return list_json(db, "SELECT id, name_ko, name_en, duration_min FROM topics ORDER BY ord", 0,
			 out, err, errlen);
}

int bk_counselors_json(sqlite3 *db, json_object **out, char *err, size_t errlen)
{
	return list_json(db, "SELECT id, name, topics, languages FROM counselors ORDER BY id", 1, out,
			 err, errlen);
}

/* ---- bookings ---- */

static const char code_alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; /* no 0/O, 1/I */

static void new_code(char *out, int len)
{
	for (int i = 0; i < len; i++)
		out[i] = code_alphabet[randombytes_uniform(sizeof(code_alphabet) - 1)];
	out[len] = '\0';
}

/* A Korean mobile number: 010 (or 011, 016-019) then 7 or 8 digits, with or without
 * hyphens or spaces. Normalised to digits into out (12 bytes). */
static int phone_ok(const char *s, char *out)
{
	int n = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (n == 11)
				return 0;
			out[n++] = *s;
		} else if (*s != '-' && *s != ' ') {
			return 0;
		}
	}
	out[n] = '\0';
	if (n < 10 || out[0] != '0' || out[1] != '1' || !strchr("016789", out[2]))
		return 0;
	return strncmp(out, "010", 3) == 0 ? n == 11 : 1;
}

static int reference_ok(const char *r)
{
	if (strlen(r) != 8 || r[0] != 'Q')
		return 0;
	for (int i = 1; i < 8; i++)
		if (!strchr(code_alphabet, r[i]))
			return 0;
	return 1;
}

static void err_body(buf *resp, int *status, int code, const char *ecode, const char *msg,
		     json_object *fields)
{
	*status = code;
	buf_reset(resp);
	http_error_body(resp, ecode, msg, fields);
}

static json_object *named(sqlite3 *db, const char *sql, const char *id, int counselor)
{
	json_object *list = NULL, *found = NULL;
	char err[128];
	if (list_json(db, sql, counselor, &list, err, sizeof(err)) < 0)
		return NULL;
	json_object *items;
	json_object_object_get_ex(list, "items", &items);
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i), *v;
		json_object_object_get_ex(it, "id", &v);
		if (strcmp(json_object_get_string(v), id) == 0)
			found = json_object_get(it);
	}
	json_object_put(list);
	return found;
}

static json_object *booking_json(sqlite3 *db, const bk_opts *o, const char *status,
				 const char *code, const char *reference, const char *counselor,
				 const char *topic, int day, int start)
{
	char topics[128];
	json_object *r = json_object_new_object();
	json_object_object_add(r, "status", json_object_new_string(status));
	if (code)
		json_object_object_add(r, "code", json_object_new_string(code));
	if (reference)
		json_object_object_add(r, "reference", json_object_new_string(reference));
	if (counselor_topics(db, counselor, topics, sizeof(topics)) == 1)
		json_object_object_add(r, "slot", slot_json(db, counselor, topics, day, start));
	json_object_object_add(r, "counselor",
			       named(db, "SELECT id, name, topics, languages FROM counselors", counselor, 1));
	json_object_object_add(r, "topic",
			       named(db, "SELECT id, name_ko, name_en, duration_min FROM topics", topic, 0));
	json_object_object_add(r, "location", json_object_new_string(o->location));
	return r;
}

static void to_body(buf *resp, json_object *o)
{
	buf_reset(resp);
	buf_adds(resp, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

static const char *str_field(json_object *o, const char *k)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Validates the request; fills fields (per-field messages) and the parsed values. */
struct req {
	const char *slot, *topic, *name, *note, *reference;
	char phone[12], counselor[32];
	int day, start;
	time_t queued_at;
	int gone; /* a queued request whose slot or topic is no longer offered */
};

/* 1 when s (valid UTF-8) holds a control character (C0, DEL, C1) or a
 * bidirectional override or isolate, which would make a name in the console or
 * the CSV read as something else. */
static int has_controls(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return 1;
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return 1; /* C1 */
		if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] >= 0xaa && p[2] <= 0xae))
			return 1; /* U+202A..U+202E */
		if (p[0] == 0xe2 && p[1] == 0x81 && (p[2] >= 0xa6 && p[2] <= 0xa9))
			return 1; /* U+2066..U+2069 */
	}
	return 0;
}

static int validate(sqlite3 *db, json_object *body, struct req *q, json_object *fields)
{
	json_object *v, *consent, *queued;
	char topics[128];
	memset(q, 0, sizeof(*q));
	q->slot = str_field(body, "slot_id");
	q->topic = str_field(body, "topic_id");
	q->name = str_field(body, "name");
	const char *phone = str_field(body, "phone");
	/* a booking queued offline may meet a schedule that changed since (leave,
	 * new hours or topics): it becomes a follow-up, not a refusal */
	int was_queued = json_object_object_get_ex(body, "queued", NULL);
	if (!q->slot || !bk_slot_parse(q->slot, q->counselor, sizeof(q->counselor), &q->day, &q->start))
		json_object_object_add(fields, "slot_id", json_object_new_string("알 수 없는 상담 시간입니다 (unknown slot)"));
	else if (!slot_offered(db, q->counselor, q->day, q->start)) {
		if (was_queued)
			q->gone = 1;
		else
			json_object_object_add(fields, "slot_id", json_object_new_string("상담 시간이 아닙니다 (no such slot)"));
	}
	if (!q->topic || !exists(db, "SELECT 1 FROM topics WHERE id = ?", q->topic))
		json_object_object_add(fields, "topic_id", json_object_new_string("알 수 없는 상담 주제입니다 (unknown topic)"));
	else if (q->counselor[0] && counselor_topics(db, q->counselor, topics, sizeof(topics)) == 1 &&
		 !has_topic(topics, q->topic)) {
		if (was_queued)
			q->gone = 1;
		else
			json_object_object_add(fields, "topic_id", json_object_new_string("이 상담사가 다루지 않는 주제입니다 (topic not offered in this slot)"));
	}
	size_t nl = q->name ? strlen(q->name) : 0;
	size_t nc = q->name ? utf8_count(q->name, nl) : 0;
	if (!q->name || nc < 1 || nc > 40 || !utf8_valid(q->name, nl) || has_controls(q->name))
		json_object_object_add(fields, "name", json_object_new_string("이름은 1~40자로 입력해 주세요 (1-40 characters)"));
	if (!phone || !phone_ok(phone, q->phone))
		json_object_object_add(fields, "phone", json_object_new_string("휴대폰 번호를 확인해 주세요 (a Korean mobile number)"));
	if (!json_object_object_get_ex(body, "consent", &consent) ||
	    !json_object_is_type(consent, json_type_object) ||
	    !json_object_object_get_ex(consent, "privacy", &v) ||
	    !json_object_is_type(v, json_type_boolean) || !json_object_get_boolean(v) ||
	    !str_field(consent, "version"))
		json_object_object_add(fields, "consent", json_object_new_string("개인정보 수집·이용에 동의해야 예약할 수 있습니다 (consent required)"));
	if (json_object_object_get_ex(body, "note", &v) && json_object_get_type(v) != json_type_null) {
		q->note = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		if (!q->note || utf8_count(q->note, strlen(q->note)) > 500 ||
		    !utf8_valid(q->note, strlen(q->note)))
			json_object_object_add(fields, "note", json_object_new_string("메모는 500자까지입니다 (at most 500 characters)"));
	}
	if (json_object_object_get_ex(body, "queued", &queued)) {
		const char *at = json_object_is_type(queued, json_type_object) ? str_field(queued, "created_at") : NULL;
		q->reference = json_object_is_type(queued, json_type_object) ? str_field(queued, "reference") : NULL;
		if (!q->reference || !reference_ok(q->reference) || !at ||
		    kdate_parse_rfc3339(at, &q->queued_at) < 0)
			json_object_object_add(fields, "queued", json_object_new_string("대기 예약 정보가 올바르지 않습니다 (reference: Q + 7 characters, created_at: RFC 3339)"));
	}
	return json_object_object_length(fields) == 0 ? 0 : -1;
}

static int store_idem(sqlite3 *db, const char *kiosk, const char *key, const char *fp, int status,
		      const char *resp, time_t now)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "INSERT INTO idempotency VALUES (?,?,?,?,?,?)", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, status);
	sqlite3_bind_text(st, 5, resp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (long long)now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int insert_booking(sqlite3 *db, const struct req *q, const char *status, const char *code,
			  const char *kiosk, time_t now)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO bookings(code, reference, slot_id, counselor_id, topic_id,"
			       " starts_at, ends_at, name, phone, phone_last4, note, status, kiosk_id,"
			       " created_at, queued_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
			       -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (q->reference)
		sqlite3_bind_text(st, 2, q->reference, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, q->slot, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, q->counselor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, q->topic, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (long long)seoul_time(q->day, q->start));
	sqlite3_bind_int64(st, 7, (long long)seoul_time(q->day, q->start + BK_SLOT_MIN));
	sqlite3_bind_text(st, 8, q->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, q->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, q->phone + strlen(q->phone) - 4, -1, SQLITE_STATIC);
	if (q->note)
		sqlite3_bind_text(st, 11, q->note, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 14, (long long)now);
	if (q->reference)
		sqlite3_bind_int64(st, 15, (long long)q->queued_at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc;
}

/* The active booking of this slot when it belongs to the same phone number. */
static int same_person_booked(sqlite3 *db, const struct req *q, char *code, size_t n)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT code FROM bookings WHERE slot_id = ? AND phone = ? AND status ="
			       " 'booked'",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, q->slot, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, q->phone, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
			snprintf(code, n, "%s", (const char *)sqlite3_column_text(st, 0));
			found = 1;
		}
		sqlite3_finalize(st);
	}
	return found;
}

static int upcoming_for_phone(sqlite3 *db, const char *phone, time_t now)
{
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM bookings WHERE phone = ? AND status = 'booked'"
			       " AND starts_at > ?",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (long long)now);
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	return n;
}

int bk_book(sqlite3 *db, const bk_opts *o, const char *kiosk, const char *key, const char *body,
	    size_t len, time_t now, int *status, buf *resp, char *err, size_t errlen)
{
	json_object *req = NULL, *fields = NULL;
	json_tokener *tok;
	buf canon;
	char fp[65];
	unsigned char h[32];
	struct req q;
	int rc = 0;

	if (!key || !*key || strlen(key) > 128) {
		err_body(resp, status, 400, "bad_request", "Idempotency-Key header (1-128 characters) is required", NULL);
		return 0;
	}
	if (!utf8_valid(body, len)) {
		err_body(resp, status, 400, "bad_request", "body is not UTF-8 JSON", NULL);
		return 0;
	}
	tok = json_tokener_new_ex(32);
	req = json_tokener_parse_ex(tok, body, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len || !json_object_is_type(req, json_type_object)) {
		json_tokener_free(tok);
		json_object_put(req);
		err_body(resp, status, 400, "bad_request", "body must be one JSON object", NULL);
		return 0;
	}
	json_tokener_free(tok);
	buf_init(&canon);
	canon_json(req, &canon);
	crypto_hash_sha256(h, (const unsigned char *)canon.data, canon.len);
	util_hex(h, sizeof(h), fp);
	buf_wipe(&canon); /* it holds the name and phone */

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "begin: %s", sqlite3_errmsg(db));
		json_object_put(req);
		return -1;
	}
	/* A key seen before: the same body replays the stored answer. */
	{
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db,
				       "SELECT fingerprint, status, response FROM idempotency WHERE"
				       " kiosk_id = ? AND key = ?",
				       -1, &st, NULL) != SQLITE_OK)
			goto dberr;
		sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW) {
			if (strcmp((const char *)sqlite3_column_text(st, 0), fp) == 0) {
				*status = sqlite3_column_int(st, 1);
				buf_reset(resp);
				buf_adds(resp, (const char *)sqlite3_column_text(st, 2));
			} else {
				err_body(resp, status, 422, "idempotency_mismatch",
					 "this Idempotency-Key was used with a different body", NULL);
			}
			sqlite3_finalize(st);
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
			json_object_put(req);
			return 0;
		}
		sqlite3_finalize(st);
	}

	fields = json_object_new_object();
	if (validate(db, req, &q, fields) < 0) {
		err_body(resp, status, 422, "validation_failed", "입력한 내용을 확인해 주세요", fields);
		goto store;
	}
	/* a queued request whose slot has gone or passed becomes a follow-up */
	int queued = q.reference != NULL;
	int past = seoul_time(q.day, q.start) <= now || (queued && q.gone);
	if (!queued && past) {
		json_object_object_add(fields, "slot_id", json_object_new_string("이미 지난 시간입니다 (the slot has passed)"));
		err_body(resp, status, 422, "validation_failed", "입력한 내용을 확인해 주세요", fields);
		goto store;
	}
	if (!past && upcoming_for_phone(db, q.phone, now) >= o->max_upcoming) {
		if (!queued) {
			err_body(resp, status, 409, "limit_reached",
				 "예약은 한 사람당 최대 2건까지 할 수 있습니다 (booking limit reached)", NULL);
			goto store;
		}
		past = 1; /* a queued request over the limit: a counsellor calls back */
	}
	char code[8];
	int ins = SQLITE_CONSTRAINT;
	if (!past) {
		for (int tries = 0; tries < 5; tries++) {
			new_code(code, 6);
			ins = insert_booking(db, &q, "booked", code, kiosk, now);
			if (ins != SQLITE_CONSTRAINT || slot_booked(db, q.slot))
				break; /* done, or the slot is taken (not a code clash) */
		}
	}
	if (ins == SQLITE_DONE) {
		*status = 201;
		to_body(resp, booking_json(db, o, "booked", code, q.reference, q.counselor, q.topic,
					   q.day, q.start));
	} else if (ins != SQLITE_CONSTRAINT) {
		goto dberr;
	} else if (queued && same_person_booked(db, &q, code, sizeof(code))) {
		/* the kiosk's first, unanswered attempt did arrive: that is the booking.
		 * The person holds the queued reference: it finds this booking too */
		sqlite3_stmt *rs;
		if (sqlite3_prepare_v2(db, "UPDATE bookings SET reference = ? WHERE code = ? AND reference IS NULL",
				       -1, &rs, NULL) == SQLITE_OK) {
			sqlite3_bind_text(rs, 1, q.reference, -1, SQLITE_STATIC);
			sqlite3_bind_text(rs, 2, code, -1, SQLITE_STATIC);
			int urc = sqlite3_step(rs);
			sqlite3_finalize(rs);
			if (urc != SQLITE_DONE && sqlite3_errcode(db) != SQLITE_CONSTRAINT)
				goto dberr;
		}
		*status = 201;
		to_body(resp, booking_json(db, o, "booked", code, q.reference, q.counselor, q.topic, q.day,
					   q.start));
	} else if (queued) {
		/* nothing the person entered is lost: a counsellor will call */
		if (insert_booking(db, &q, "follow_up", NULL, kiosk, now) != SQLITE_DONE) {
			if (sqlite3_errcode(db) != SQLITE_CONSTRAINT)
				goto dberr;
		}
		json_object *f = json_object_new_object();
		json_object_object_add(f, "status", json_object_new_string("follow_up"));
		json_object_object_add(f, "reference", json_object_new_string(q.reference));
		*status = 202;
		to_body(resp, f);
	} else {
		err_body(resp, status, 409, "slot_taken",
			 "방금 다른 분이 예약한 시간입니다. 다른 시간을 선택해 주세요 (slot taken)", NULL);
	}
store:
	if (store_idem(db, kiosk, key, fp, *status, resp->data, now) < 0 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	json_object_put(fields);
	json_object_put(req);
	return 0;
dberr:
	snprintf(err, errlen, "booking: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	json_object_put(fields);
	json_object_put(req);
	rc = -1;
	return rc;
}

#define LOOKUP_WINDOW (10 * 60)
#define LOOKUP_MAX_FAILS 10

int bk_lookup(sqlite3 *db, const bk_opts *o, const char *kiosk, const char *code,
	      const char *last4, int del, time_t now, int *status, int *retry_after, buf *resp,
	      char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int fails = 0;
	long long oldest = now;
	*retry_after = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*), min(at) FROM lookup_failures WHERE kiosk_id = ? AND"
			       " at > ?",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)(now - LOOKUP_WINDOW));
	if (sqlite3_step(st) == SQLITE_ROW) {
		fails = sqlite3_column_int(st, 0);
		oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (fails >= LOOKUP_MAX_FAILS) {
		*retry_after = (int)(oldest + LOOKUP_WINDOW - now) + 1;
		err_body(resp, status, 429, "rate_limited", "조회 실패가 많습니다. 잠시 후 다시 시도해 주세요", NULL);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		return 0;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT id, status, code, reference, counselor_id, topic_id, slot_id"
			       " FROM bookings WHERE (code = ?1 OR reference = ?1) AND phone_last4 = ?2",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, last4 ? last4 : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		/* unknown code and wrong digits look the same, and both count */
		if (sqlite3_prepare_v2(db, "INSERT INTO lookup_failures VALUES (?, ?)", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, (long long)now);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
		sqlite3_exec(db, "DELETE FROM lookup_failures WHERE at < strftime('%s','now') - 86400",
			     NULL, NULL, NULL);
		err_body(resp, status, 404, "not_found", "예약을 찾을 수 없습니다 (no such booking)", NULL);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		return 0;
	}
	long long id = sqlite3_column_int64(st, 0);
	char bstatus[16], bcode[16] = "", bref[16] = "", counselor[32], topic[32], slot[96];
	snprintf(bstatus, sizeof(bstatus), "%s", (const char *)sqlite3_column_text(st, 1));
	/* the contract knows booked, follow_up and cancelled; what the counsellor recorded
	 * afterwards (console: attended, no-show, called back) stays on the service side */
	if (strcmp(bstatus, "attended") == 0 || strcmp(bstatus, "no_show") == 0)
		snprintf(bstatus, sizeof(bstatus), "booked");
	else if (strcmp(bstatus, "follow_up_done") == 0)
		snprintf(bstatus, sizeof(bstatus), "follow_up");
	if (sqlite3_column_text(st, 2))
		snprintf(bcode, sizeof(bcode), "%s", (const char *)sqlite3_column_text(st, 2));
	if (sqlite3_column_text(st, 3))
		snprintf(bref, sizeof(bref), "%s", (const char *)sqlite3_column_text(st, 3));
	snprintf(counselor, sizeof(counselor), "%s", (const char *)sqlite3_column_text(st, 4));
	snprintf(topic, sizeof(topic), "%s", (const char *)sqlite3_column_text(st, 5));
	snprintf(slot, sizeof(slot), "%s", (const char *)sqlite3_column_text(st, 6));
	sqlite3_finalize(st);
	if (del) {
		/* only what is still to come: an attended, missed or counsellor-cancelled
		 * booking keeps its record (and the counsellor's reason) */
		if (sqlite3_prepare_v2(db,
				       "UPDATE bookings SET status = 'cancelled', cancelled_at = ?,"
				       " cancel_reason = 'kiosk' WHERE id = ? AND (status = 'follow_up' OR"
				       " (status = 'booked' AND starts_at > ?))",
				       -1, &st, NULL) != SQLITE_OK)
			goto dberr;
		sqlite3_bind_int64(st, 1, (long long)now);
		sqlite3_bind_int64(st, 2, id);
		sqlite3_bind_int64(st, 3, (long long)now);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			goto dberr;
		if (sqlite3_changes(db) == 0 && strcmp(bstatus, "cancelled") != 0) {
			json_object *f = json_object_new_object();
			json_object_object_add(f, "code", json_object_new_string("이미 지났거나 끝난 예약입니다 (the session has passed or ended)"));
			err_body(resp, status, 422, "validation_failed",
				 "이미 지났거나 끝난 예약은 취소할 수 없습니다", f);
		} else {
			*status = 204; /* cancelled now, or already */
			buf_reset(resp);
		}
	} else {
		char c2[32];
		int day, start;
		json_object *b;
		if (!bk_slot_parse(slot, c2, sizeof(c2), &day, &start))
			day = start = 0;
		b = booking_json(db, o, bstatus, bcode[0] ? bcode : NULL, bref[0] ? bref : NULL,
				 counselor, topic, day, start);
		*status = 200;
		to_body(resp, b);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	return 0;
dberr:
	snprintf(err, errlen, "lookup: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int bk_purge(sqlite3 *db, const bk_opts *o, time_t now, int *purged, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "UPDATE bookings SET name = NULL, phone = NULL, note = NULL, purged = 1"
			       " WHERE purged = 0 AND (CASE WHEN status = 'follow_up' THEN created_at"
			       " ELSE ends_at END) < ?",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "purge: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, (long long)now - (long long)o->retention_days * 86400);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "purge: %s", sqlite3_errmsg(db));
		return -1;
	}
	*purged = sqlite3_changes(db);
	/* idempotency records hold responses, never personal data; keep 8 days */
	sqlite3_exec(db, "DELETE FROM idempotency WHERE created_at < strftime('%s','now') - 8*86400",
		     NULL, NULL, NULL);
	return 0;
}
