#include "schedule.h"

#include <stdio.h>
#include <string.h>

#include "booking.h"
#include "kdate.h"
#include "utf8.h"
#include "webfmt.h"

#define ACTIVE "('booked', 'attended', 'no_show')"

static int fail_db(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	return SCH_EDB;
}

static int invalid(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return SCH_EINVAL;
}

int sch_schema(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int has = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info('bookings') WHERE name ="
				   " 'handled_at'", -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "schedule schema", err, errlen);
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!has && sqlite3_exec(db, "ALTER TABLE bookings ADD COLUMN handled_at INTEGER", NULL, NULL,
				 NULL) != SQLITE_OK)
		return fail_db(db, "schedule schema", err, errlen);
	if (sqlite3_exec(db, "CREATE INDEX IF NOT EXISTS bookings_start ON bookings(starts_at)",
			 NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(db, "schedule schema", err, errlen);
	return SCH_OK;
}

static time_t day_start(int day)
{
	return (time_t)((long long)day * 86400 - KDATE_SEOUL_OFFSET);
}

static int minute_of(time_t t)
{
	long long s = ((long long)t + KDATE_SEOUL_OFFSET) % 86400;
	return (int)(s / 60);
}

static const char booking_cols[] =
	"SELECT b.id, b.code, b.reference, b.counselor_id, c.name, b.topic_id, t.name_ko,"
	" b.starts_at, b.ends_at, b.name, b.phone, b.status, b.kiosk_id, b.cancel_reason,"
	" b.purged, b.created_at FROM bookings b LEFT JOIN counselors c ON c.id = b.counselor_id"
	" LEFT JOIN topics t ON t.id = b.topic_id";

static void add_text(json_object *o, const char *k, sqlite3_stmt *st, int c)
{
	const char *v = (const char *)sqlite3_column_text(st, c);
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static json_object *booking_row(sqlite3_stmt *st)
{
	json_object *o = json_object_new_object();
	time_t s = (time_t)sqlite3_column_int64(st, 7), e = (time_t)sqlite3_column_int64(st, 8);
	char ts[32];
	json_object_object_add(o, "id", json_object_new_int64(sqlite3_column_int64(st, 0)));
	add_text(o, "code", st, 1);
	add_text(o, "reference", st, 2);
	add_text(o, "counselor_id", st, 3);
	add_text(o, "counselor_name", st, 4);
	add_text(o, "topic_id", st, 5);
	add_text(o, "topic_name", st, 6);
	json_object_object_add(o, "day", json_object_new_int(kdate_seoul_day(s)));
	json_object_object_add(o, "start_min", json_object_new_int(minute_of(s)));
	json_object_object_add(o, "end_min", json_object_new_int(minute_of(e)));
	json_object_object_add(o, "starts_at_epoch", json_object_new_int64((long long)s));
	kdate_format_rfc3339(s, ts);
	json_object_object_add(o, "starts_at", json_object_new_string(ts));
	add_text(o, "name", st, 9);
	add_text(o, "phone", st, 10);
	add_text(o, "status", st, 11);
	add_text(o, "kiosk_id", st, 12);
	add_text(o, "cancel_reason", st, 13);
	json_object_object_add(o, "purged", json_object_new_boolean(sqlite3_column_int(st, 14)));
	json_object_object_add(o, "created_at", json_object_new_int64(sqlite3_column_int64(st, 15)));
	return o;
}

static int rows_json(sqlite3_stmt *st, json_object **out)
{
	int rc;
	json_object *a = json_object_new_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_object_array_add(a, booking_row(st));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(a);
		return -1;
	}
	*out = a;
	return 0;
}

int sch_bookings_json(sqlite3 *db, const char *counselor, int from_day, int to_day,
		      json_object **out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[768];
	snprintf(sql, sizeof(sql),
		 "%s WHERE b.starts_at >= ?1 AND b.starts_at < ?2 AND (?3 IS NULL OR"
		 " b.counselor_id = ?3) AND b.status NOT IN ('follow_up', 'follow_up_done')"
		 " ORDER BY b.starts_at, b.counselor_id, b.status = 'cancelled', b.id",
		 booking_cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "bookings", err, errlen);
	sqlite3_bind_int64(st, 1, (long long)day_start(from_day));
	sqlite3_bind_int64(st, 2, (long long)day_start(to_day + 1));
	if (counselor)
		sqlite3_bind_text(st, 3, counselor, -1, SQLITE_STATIC);
	if (rows_json(st, out) < 0)
		return fail_db(db, "bookings", err, errlen);
	return SCH_OK;
}

int sch_booking_json(sqlite3 *db, const char *counselor, long long id, json_object **out,
		     char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char sql[640];
	json_object *a;
	snprintf(sql, sizeof(sql), "%s WHERE b.id = ?1 AND (?2 IS NULL OR b.counselor_id = ?2)",
		 booking_cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "booking", err, errlen);
	sqlite3_bind_int64(st, 1, id);
	if (counselor)
		sqlite3_bind_text(st, 2, counselor, -1, SQLITE_STATIC);
	if (rows_json(st, &a) < 0)
		return fail_db(db, "booking", err, errlen);
	if (json_object_array_length(a) == 0) {
		json_object_put(a);
		snprintf(err, errlen, "no such booking");
		return SCH_ENOTFOUND;
	}
	*out = json_object_get(json_object_array_get_idx(a, 0));
	json_object_put(a);
	return SCH_OK;
}

int sch_set_status(sqlite3 *db, const char *counselor, long long id, const char *status,
		   const char *reason, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char cur[16] = "";
	long long starts = 0;
	int found = 0, rc, cancel = strcmp(status, "cancelled") == 0;

	if (!cancel && strcmp(status, "attended") != 0 && strcmp(status, "no_show") != 0)
		return invalid(err, errlen, "unknown status");
	if (cancel && (!reason || !*reason || strlen(reason) > 200 ||
		       !utf8_valid(reason, strlen(reason))))
		return invalid(err, errlen, "취소 사유를 적어 주세요 (a reason, up to 200 bytes, is"
					    " required)");
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(db, "status", err, errlen);
	if (sqlite3_prepare_v2(db,
			       "SELECT status, starts_at FROM bookings WHERE id = ?1 AND (?2 IS NULL"
			       " OR counselor_id = ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, id);
	if (counselor)
		sqlite3_bind_text(st, 2, counselor, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(cur, sizeof(cur), "%s", (const char *)sqlite3_column_text(st, 0));
		starts = sqlite3_column_int64(st, 1);
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(err, errlen, "no such booking");
		return SCH_ENOTFOUND;
	}
	const char *why = NULL;
	if (strcmp(cur, "booked") != 0 && strcmp(cur, "attended") != 0 &&
	    strcmp(cur, "no_show") != 0)
		why = "취소된 예약은 바꿀 수 없습니다 (the booking is not active)";
	else if (cancel && (strcmp(cur, "booked") != 0 || starts <= now))
		why = "이미 시작했거나 끝난 상담은 취소할 수 없습니다 (only upcoming sessions can be"
		      " cancelled)";
	else if (strcmp(status, "no_show") == 0 && starts > now)
		why = "상담 시작 후에 불참으로 표시할 수 있습니다 (no-show: once the session started)";
	if (why) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return invalid(err, errlen, why);
	}
	if (sqlite3_prepare_v2(db,
			       "UPDATE bookings SET status = ?2, cancel_reason = ?3, cancelled_at ="
			       " CASE WHEN ?2 = 'cancelled' THEN ?4 END, handled_at = ?4 WHERE id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	if (cancel)
		sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (long long)now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	return SCH_OK;
dberr:
	rc = fail_db(db, "status", err, errlen);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int sch_rules_json(sqlite3 *db, const char *counselor, json_object **out, char *err,
		   size_t errlen)
{
	sqlite3_stmt *st;
	json_object *a;
	if (sqlite3_prepare_v2(db,
			       "SELECT rowid, weekday, start_min, end_min FROM availability WHERE"
			       " counselor_id = ? ORDER BY weekday, start_min",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "rules", err, errlen);
	sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	a = json_object_new_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(sqlite3_column_int64(st, 0)));
		json_object_object_add(o, "weekday", json_object_new_int(sqlite3_column_int(st, 1)));
		json_object_object_add(o, "start_min", json_object_new_int(sqlite3_column_int(st, 2)));
		json_object_object_add(o, "end_min", json_object_new_int(sqlite3_column_int(st, 3)));
		json_object_array_add(a, o);
	}
	sqlite3_finalize(st);
	*out = a;
	return SCH_OK;
}

static int counselor_exists(sqlite3 *db, const char *id)
{
	sqlite3_stmt *st;
	int e = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM counselors WHERE id = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		e = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return e;
}

int sch_rule_add(sqlite3 *db, const char *counselor, int weekday, int start_min, int end_min,
		 char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int overlap, rc;
	if (!counselor || !counselor_exists(db, counselor))
		return invalid(err, errlen, "unknown counsellor");
	if (weekday < 1 || weekday > 7)
		return invalid(err, errlen, "요일을 고르세요 (weekday 1..7)");
	if (start_min < 6 * 60 || end_min > 22 * 60 || start_min >= end_min)
		return invalid(err, errlen, "시간은 06:00~22:00 안에서 시작이 끝보다 앞서야 합니다"
					    " (times: 06:00 to 22:00, start before end)");
	if (end_min - start_min < BK_SLOT_MIN)
		return invalid(err, errlen, "상담 한 번(50분)보다 짧습니다 (shorter than one 50-minute"
					    " session)");
	if (sqlite3_prepare_v2(db,
			       "SELECT 1 FROM availability WHERE counselor_id = ? AND weekday = ? AND"
			       " start_min < ? AND end_min > ?",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "rule", err, errlen);
	sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, weekday);
	sqlite3_bind_int(st, 3, end_min);
	sqlite3_bind_int(st, 4, start_min);
	overlap = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (overlap)
		return invalid(err, errlen, "같은 요일의 다른 시간과 겹칩니다 (overlaps another rule that"
					    " day)");
	if (sqlite3_prepare_v2(db, "INSERT INTO availability VALUES(?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail_db(db, "rule", err, errlen);
	sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, weekday);
	sqlite3_bind_int(st, 3, start_min);
	sqlite3_bind_int(st, 4, end_min);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SCH_OK : fail_db(db, "rule", err, errlen);
}

static int delete_scoped(sqlite3 *db, const char *sql, const char *counselor, long long id,
			 char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "delete", err, errlen);
	sqlite3_bind_int64(st, 1, id);
	if (counselor)
		sqlite3_bind_text(st, 2, counselor, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail_db(db, "delete", err, errlen);
	if (sqlite3_changes(db) == 0) {
		snprintf(err, errlen, "not found");
		return SCH_ENOTFOUND;
	}
	return SCH_OK;
}

int sch_rule_del(sqlite3 *db, const char *counselor, long long id, char *err, size_t errlen)
{
	return delete_scoped(db, "DELETE FROM availability WHERE rowid = ?1 AND (?2 IS NULL OR"
				 " counselor_id = ?2)",
			     counselor, id, err, errlen);
}

/* Active bookings of counselor on day within [start, end) (start < 0: all day). */
static int covered(sqlite3 *db, const char *counselor, int day, int start, int end)
{
	sqlite3_stmt *st;
	int n = 0;
	time_t a = day_start(day) + (start < 0 ? 0 : start * 60);
	time_t b = start < 0 ? day_start(day + 1) : day_start(day) + end * 60;
	if (sqlite3_prepare_v2(db,
			       "SELECT count(*) FROM bookings WHERE (?1 IS NULL OR counselor_id = ?1)"
			       " AND status IN " ACTIVE " AND starts_at < ?3 AND ends_at > ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	if (counselor)
		sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)a);
	sqlite3_bind_int64(st, 3, (long long)b);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

int sch_exceptions_json(sqlite3 *db, const char *counselor, int from_day, json_object **out,
			char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char from[11];
	json_object *a;
	kdate_format(from_day, from);
	if (sqlite3_prepare_v2(db,
			       "SELECT rowid, day, start_min, end_min, reason FROM exceptions WHERE"
			       " day >= ?1 AND (?2 IS NULL OR counselor_id = ?2) ORDER BY day,"
			       " start_min",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "exceptions", err, errlen);
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	if (counselor)
		sqlite3_bind_text(st, 2, counselor, -1, SQLITE_STATIC);
	a = json_object_new_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *o = json_object_new_object();
		int day = 0, s = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1
									 : sqlite3_column_int(st, 2);
		int e = sqlite3_column_int(st, 3);
		if (kdate_parse((const char *)sqlite3_column_text(st, 1), &day) < 0)
			day = 0;
		json_object_object_add(o, "id", json_object_new_int64(sqlite3_column_int64(st, 0)));
		json_object_object_add(o, "day", json_object_new_int(day));
		json_object_object_add(o, "start_min", json_object_new_int(s));
		json_object_object_add(o, "end_min", json_object_new_int(e));
		add_text(o, "reason", st, 4);
		json_object_array_add(a, o);
	}
	sqlite3_finalize(st);
	/* counted after the statement ended: one statement at a time on a connection */
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i), *v;
		int d, s, e;
		json_object_object_get_ex(o, "day", &v);
		d = json_object_get_int(v);
		json_object_object_get_ex(o, "start_min", &v);
		s = json_object_get_int(v);
		json_object_object_get_ex(o, "end_min", &v);
		e = json_object_get_int(v);
		json_object_object_add(o, "bookings",
				       json_object_new_int(covered(db, counselor, d, s, e)));
	}
	*out = a;
	return SCH_OK;
}

int sch_exception_add(sqlite3 *db, const char *counselor, int day, int start_min, int end_min,
		      const char *reason, int *affected, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char date[11];
	int rc;
	*affected = 0;
	if (!counselor || !counselor_exists(db, counselor))
		return invalid(err, errlen, "unknown counsellor");
	if (start_min >= 0 && (start_min >= end_min || end_min > 24 * 60))
		return invalid(err, errlen, "시작이 끝보다 앞서야 합니다 (start before end)");
	if (reason && (strlen(reason) > 200 || !utf8_valid(reason, strlen(reason))))
		return invalid(err, errlen, "사유는 200바이트까지입니다 (reason: up to 200 bytes)");
	kdate_format(day, date);
	if (sqlite3_prepare_v2(db, "INSERT INTO exceptions VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail_db(db, "exception", err, errlen);
	sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	if (start_min >= 0) {
		sqlite3_bind_int(st, 3, start_min);
		sqlite3_bind_int(st, 4, end_min);
	}
	if (reason && *reason)
		sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail_db(db, "exception", err, errlen);
	*affected = covered(db, counselor, day, start_min, end_min);
	return SCH_OK;
}

int sch_exception_del(sqlite3 *db, const char *counselor, long long id, char *err, size_t errlen)
{
	return delete_scoped(db, "DELETE FROM exceptions WHERE rowid = ?1 AND (?2 IS NULL OR"
				 " counselor_id = ?2)",
			     counselor, id, err, errlen);
}

int sch_followups_json(sqlite3 *db, const char *counselor, json_object **out, char *err,
		       size_t errlen)
{
	sqlite3_stmt *st;
	char sql[640];
	snprintf(sql, sizeof(sql),
		 "%s WHERE b.status = 'follow_up' AND b.purged = 0 AND (?1 IS NULL OR"
		 " b.counselor_id = ?1) ORDER BY b.created_at, b.id",
		 booking_cols);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "follow-ups", err, errlen);
	if (counselor)
		sqlite3_bind_text(st, 1, counselor, -1, SQLITE_STATIC);
	if (rows_json(st, out) < 0)
		return fail_db(db, "follow-ups", err, errlen);
	return SCH_OK;
}

int sch_followup_done(sqlite3 *db, const char *counselor, long long id, time_t now, char *err,
		      size_t errlen)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "UPDATE bookings SET status = 'follow_up_done', handled_at = ?3 WHERE"
			       " id = ?1 AND status = 'follow_up' AND (?2 IS NULL OR counselor_id = ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail_db(db, "follow-up", err, errlen);
	sqlite3_bind_int64(st, 1, id);
	if (counselor)
		sqlite3_bind_text(st, 2, counselor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail_db(db, "follow-up", err, errlen);
	if (sqlite3_changes(db) == 0) {
		snprintf(err, errlen, "no such follow-up");
		return SCH_ENOTFOUND;
	}
	return SCH_OK;
}

const char *sch_str(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

int sch_int(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_int(v) : 0;
}

int sch_export_csv(sqlite3 *db, const char *counselor, int from_day, int to_day, buf *out,
		   char *err, size_t errlen)
{
	json_object *a;
	int rc = sch_bookings_json(db, counselor, from_day, to_day, &a, err, errlen);
	if (rc < 0)
		return rc;
	buf_adds(out, "\xEF\xBB\xBF"
		      "date,start,end,counselor,topic,status,code,name,phone,kiosk,cancel_reason\r\n");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i);
		char date[11], t[8];
		kdate_format(sch_int(o, "day"), date);
		csv_field(out, date);
		snprintf(t, sizeof(t), "%02d:%02d", sch_int(o, "start_min") / 60 % 100,
			 sch_int(o, "start_min") % 60);
		buf_addc(out, ',');
		csv_field(out, t);
		snprintf(t, sizeof(t), "%02d:%02d", sch_int(o, "end_min") / 60 % 100,
			 sch_int(o, "end_min") % 60);
		buf_addc(out, ',');
		csv_field(out, t);
		static const char *const cols[] = {"counselor_name", "topic_name", "status", "code",
						   "name", "phone", "kiosk_id", "cancel_reason"};
		for (size_t c = 0; c < ARRAY_LEN(cols); c++) {
			char ph[24];
			buf_addc(out, ',');
			if (strcmp(cols[c], "phone") == 0) {
				sch_format_phone(sch_str(o, "phone"), ph, sizeof(ph));
				csv_field(out, ph);
			} else {
				csv_field(out, sch_str(o, cols[c]));
			}
		}
		buf_adds(out, "\r\n");
	}
	json_object_put(a);
	return SCH_OK;
}

void sch_format_phone(const char *d, char *out, size_t n)
{
	size_t l = strlen(d);
	if (strspn(d, "0123456789") != l || (l != 10 && l != 11))
		snprintf(out, n, "%s", d);
	else
		snprintf(out, n, "%.3s-%.*s-%s", d, (int)(l - 7), d + 3, d + l - 4);
}

void sch_mask_name(const char *name, char *out, size_t n)
{
	size_t len = strlen(name), first, cps, i = 0;
	uint32_t cp;
	buf b;
	if (!len || !utf8_valid(name, len)) {
		snprintf(out, n, "*");
		return;
	}
	cps = utf8_count(name, len);
	first = utf8_decode(name, len, &cp);
	buf_init(&b);
	buf_add(&b, name, first);
	if (cps == 1) {
		/* one character: nothing to keep but that */
	} else {
		const char *last = name + len;
		do
			last--;
		while (last > name && ((unsigned char)*last & 0xC0) == 0x80);
		for (i = 0; i + 2 < cps; i++)
			buf_addc(&b, '*');
		if (cps == 2)
			buf_addc(&b, '*');
		else
			buf_adds(&b, last);
	}
	snprintf(out, n, "%s", b.data);
	buf_wipe(&b);
}

int sch_ical(sqlite3 *db, const char *counselor, time_t now, buf *out, char *err, size_t errlen)
{
	json_object *a;
	int today = kdate_seoul_day(now);
	char line[512], stamp[20];
	buf txt;
	struct tm tm;
	int rc = sch_bookings_json(db, counselor, today - 30, today + 180, &a, err, errlen);
	if (rc < 0)
		return rc;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	ical_line(out, "BEGIN:VCALENDAR");
	ical_line(out, "VERSION:2.0");
	ical_line(out, "PRODID:-//Youth Job Kiosk//Job Support Center//KO");
	ical_line(out, "CALSCALE:GREGORIAN");
	ical_line(out, "METHOD:PUBLISH");
	ical_line(out, "X-WR-CALNAME:상담 일정 (Counselling)");
	ical_line(out, "X-WR-TIMEZONE:Asia/Seoul");
	buf_init(&txt);
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object *o = json_object_array_get_idx(a, i), *v;
		char s[20], e[20], masked[96];
		time_t ts, te;
		const char *status = sch_str(o, "status");
		json_object_object_get_ex(o, "starts_at_epoch", &v);
		ts = (time_t)json_object_get_int64(v);
		te = ts + (sch_int(o, "end_min") - sch_int(o, "start_min")) * 60;
		gmtime_r(&ts, &tm);
		strftime(s, sizeof(s), "%Y%m%dT%H%M%SZ", &tm);
		gmtime_r(&te, &tm);
		strftime(e, sizeof(e), "%Y%m%dT%H%M%SZ", &tm);
		ical_line(out, "BEGIN:VEVENT");
		snprintf(line, sizeof(line), "UID:booking-%lld@jobcenter",
			 (long long)sch_int(o, "id"));
		ical_line(out, line);
		snprintf(line, sizeof(line), "DTSTAMP:%s", stamp);
		ical_line(out, line);
		snprintf(line, sizeof(line), "DTSTART:%s", s);
		ical_line(out, line);
		snprintf(line, sizeof(line), "DTEND:%s", e);
		ical_line(out, line);
		sch_mask_name(sch_str(o, "name"), masked, sizeof(masked));
		buf_reset(&txt);
		buf_adds(&txt, "SUMMARY:");
		ical_text(&txt, sch_str(o, "topic_name"));
		buf_adds(&txt, " — ");
		ical_text(&txt, sch_str(o, "purged")[0] == 't' ? "" : masked);
		ical_line(out, txt.data);
		buf_reset(&txt);
		buf_adds(&txt, "DESCRIPTION:");
		/* no booking code: with the phone's last digits it cancels the
		 * booking at a kiosk, and calendar feeds end up in other services */
		buf_printf(&txt, "상태 %s", status);
		ical_line(out, txt.data);
		ical_line(out, strcmp(status, "cancelled") == 0 ? "STATUS:CANCELLED"
								 : "STATUS:CONFIRMED");
		ical_line(out, "TRANSP:OPAQUE");
		ical_line(out, "END:VEVENT");
	}
	ical_line(out, "END:VCALENDAR");
	buf_wipe(&txt);
	json_object_put(a);
	return SCH_OK;
}

static int id_ok(const char *id)
{
	size_t n = strlen(id);
	return n >= 3 && n <= 24 && strncmp(id, "c-", 2) == 0 &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int sch_counselor_add(sqlite3 *db, const char *id, const char *name, const char *topics,
		      const char *languages, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	char *copy, *save = NULL;
	int rc;
	if (!id_ok(id))
		return invalid(err, errlen, "상담사 ID는 c- 로 시작하는 영문 소문자·숫자입니다 (id:"
					    " c- and a-z 0-9 -)");
	if (!name || !*name || strlen(name) > 90 || !utf8_valid(name, strlen(name)))
		return invalid(err, errlen, "이름을 입력해 주세요 (name)");
	if (!topics || !*topics || strlen(topics) > 120)
		return invalid(err, errlen, "상담 분야를 하나 이상 고르세요 (at least one topic)");
	copy = xstrdup(topics);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int ok = 0;
		if (sqlite3_prepare_v2(db, "SELECT 1 FROM topics WHERE id = ?", -1, &st, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(st, 1, t, -1, SQLITE_STATIC);
			ok = sqlite3_step(st) == SQLITE_ROW;
			sqlite3_finalize(st);
		}
		if (!ok) {
			free(copy);
			return invalid(err, errlen, "없는 상담 분야입니다 (unknown topic)");
		}
	}
	free(copy);
	if (sqlite3_prepare_v2(db, "INSERT INTO counselors VALUES(?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		return fail_db(db, "counsellor", err, errlen);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, topics, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, languages && *languages ? languages : "ko", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT)
		return invalid(err, errlen, "이미 있는 상담사 ID입니다 (id exists)");
	return rc == SQLITE_DONE ? SCH_OK : fail_db(db, "counsellor", err, errlen);
}
