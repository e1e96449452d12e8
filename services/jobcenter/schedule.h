/*
 * schedule.h - the counsellors' side of counselling bookings: the bookings of a
 * period, what happened at each session (attended, no-show, cancelled with a
 * reason), weekly availability rules and date exceptions, the follow-up list of
 * queued requests that lost their slot, and the CSV and iCalendar (RFC 5545)
 * exports. booking.c owns the tables and the kiosk's side; the console (console.c)
 * renders what these functions return.
 *
 * counselor arguments scope a call to one counsellor; NULL means everyone (admin).
 * Days are Seoul day numbers (kdate.h), minutes are Asia/Seoul wall-clock minutes
 * after midnight. Functions take a connection; any thread with its own.
 */
#ifndef JC_SCHEDULE_H
#define JC_SCHEDULE_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <time.h>

#include "buf.h"
#include "util.h"

enum sch_rc { SCH_OK = 0, SCH_EDB = -1, SCH_ENOTFOUND = -2, SCH_EINVAL = -3 };

/* Adds columns that older databases lack (idempotent). */
int sch_schema(sqlite3 *db, char *err, size_t errlen) WUR;

/* The bookings (not follow-ups) with sessions on days [from_day, to_day], by start,
 * as an array of {id, code, reference, counselor_id, counselor_name, topic_id,
 * topic_name, day, start_min, end_min, starts_at, name, phone, status, kiosk_id,
 * cancel_reason, purged}. You own *out. */
int sch_bookings_json(sqlite3 *db, const char *counselor, int from_day, int to_day,
		      json_object **out, char *err, size_t errlen) WUR;

/* One booking by id (same fields), within the counsellor's scope. */
int sch_booking_json(sqlite3 *db, const char *counselor, long long id, json_object **out,
		     char *err, size_t errlen) WUR;

/* Records the outcome of a booking: "attended" (any time: people come early, and a
 * slip is corrected by marking again), "no_show" (once the session has started), or
 * "cancelled" with a reason (1..200 bytes; only before the start). Returns SCH_EINVAL with a message in err when
 * the change does not fit the booking's state or time. */
int sch_set_status(sqlite3 *db, const char *counselor, long long id, const char *status,
		   const char *reason, time_t now, char *err, size_t errlen) WUR;

/* Weekly rules: [{id, weekday (1 Monday..7), start_min, end_min}] of a counsellor. */
int sch_rules_json(sqlite3 *db, const char *counselor, json_object **out, char *err,
		   size_t errlen) WUR;
/* Adds a rule: weekday 1..7, 06:00 <= start < end <= 22:00, at least one session
 * long, not overlapping the counsellor's other rules that day. */
int sch_rule_add(sqlite3 *db, const char *counselor, int weekday, int start_min, int end_min,
		 char *err, size_t errlen) WUR;
int sch_rule_del(sqlite3 *db, const char *counselor, long long id, char *err, size_t errlen) WUR;

/* Exceptions from from_day on: [{id, day, start_min (-1 = whole day), end_min,
 * reason, bookings (active bookings it covers)}]. */
int sch_exceptions_json(sqlite3 *db, const char *counselor, int from_day, json_object **out,
			char *err, size_t errlen) WUR;
/* Adds leave or a closure on day: a whole day (start_min < 0) or [start, end).
 * *affected receives how many active bookings it covers (they stay booked: the
 * counsellor decides whether to cancel them). */
int sch_exception_add(sqlite3 *db, const char *counselor, int day, int start_min, int end_min,
		      const char *reason, int *affected, char *err, size_t errlen) WUR;
int sch_exception_del(sqlite3 *db, const char *counselor, long long id, char *err,
		      size_t errlen) WUR;

/* Queued requests that lost their slot and still need a call: [{id, reference,
 * counselor_id, counselor_name, topic_name, day, start_min, name, phone,
 * created_at}], oldest first. */
int sch_followups_json(sqlite3 *db, const char *counselor, json_object **out, char *err,
		       size_t errlen) WUR;
/* Marks a follow-up as called. */
int sch_followup_done(sqlite3 *db, const char *counselor, long long id, time_t now, char *err,
		      size_t errlen) WUR;

/* Appends the bookings of [from_day, to_day] as CSV (UTF-8 with a BOM so that
 * spreadsheets read Korean, CRLF lines, header row). */
int sch_export_csv(sqlite3 *db, const char *counselor, int from_day, int to_day, buf *out,
		   char *err, size_t errlen) WUR;

/* Appends an iCalendar feed of the counsellor's sessions from 30 days ago to 180
 * days ahead: one VEVENT per booking (cancelled ones as STATUS:CANCELLED, so that
 * calendars remove them). Events carry the topic, the code and the person's
 * masked name ("김*윤"), never the phone number. */
int sch_ical(sqlite3 *db, const char *counselor, time_t now, buf *out, char *err,
	     size_t errlen) WUR;

/* Creates a counsellor (id "c-..." made of [a-z0-9-], topics comma-separated ids
 * that exist). */
int sch_counselor_add(sqlite3 *db, const char *id, const char *name, const char *topics,
		      const char *languages, char *err, size_t errlen) WUR;

/* A field of the objects above: the string ("" when absent) or the integer (0). */
const char *sch_str(json_object *o, const char *k);
int sch_int(json_object *o, const char *k);

/* A stored phone number (digits) as people write it: "010-2345-6789",
 * "011-234-5678"; anything else unchanged. out must hold 24 bytes. */
void sch_format_phone(const char *digits, char *out, size_t n);

/* "김하늘" -> "김*늘", "John Smith" -> "J********h": first and last character. */
void sch_mask_name(const char *name, char *out, size_t n);

#endif
