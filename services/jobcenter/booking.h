/*
 * booking.h - counselling: topics, counsellors, slots generated from weekly
 * availability (Asia/Seoul wall clock) minus holidays and exceptions, and bookings
 * with Idempotency-Key semantics, queued (offline) bookings and look-up or
 * cancellation by code and the phone's last four digits (the Counselling part of
 * docs/api/jobcenter-api-v1.md).
 *
 * A slot is not stored: its id names the counsellor and start ("s-c-03-20261124-1400")
 * and is checked against the rules on every use. A slot is booked at most once: the
 * booking insert runs in a BEGIN IMMEDIATE transaction together with the idempotency
 * record, under a unique index on active bookings' slot ids. Times are stored as UTC
 * epoch seconds. Functions take a connection; any thread with its own connection.
 */
#ifndef JC_BOOKING_H
#define JC_BOOKING_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <time.h>

#include "buf.h"
#include "util.h"

#define BK_SLOT_MIN 50	     /* a session's length */
#define BK_SLOT_STEP_MIN 60  /* sessions start on this grid within a rule */

typedef struct bk_opts {
	int max_upcoming;    /* per phone number, default 2 */
	int retention_days;  /* personal data kept after the session, default 90 */
	const char *location;
} bk_opts;

/* Creates the booking tables and the default holiday list (idempotent). */
int bk_schema(sqlite3 *db, char *err, size_t errlen) WUR;

/* GET /v1/topics and /v1/counselors bodies. You own *out. */
int bk_topics_json(sqlite3 *db, json_object **out, char *err, size_t errlen) WUR;
int bk_counselors_json(sqlite3 *db, json_object **out, char *err, size_t errlen) WUR;

/* The slots of Seoul days [from_day, to_day] starting after now, optionally for
 * one topic and/or counsellor, as {"items": [...]}. Returns 0, -1 on a database
 * error, -2 for an unknown topic or counsellor (err says which). */
int bk_slots_json(sqlite3 *db, int from_day, int to_day, const char *topic,
		  const char *counselor, time_t now, json_object **out, char *err,
		  size_t errlen) WUR;

/* POST /v1/bookings: runs the whole request (validation, idempotency, the slot
 * claim) and fills the HTTP status and body. kiosk scopes the key. Returns 0 when a
 * response was produced (any status), -1 on a database failure (nothing stored:
 * the client may retry). */
int bk_book(sqlite3 *db, const bk_opts *o, const char *kiosk, const char *key, const char *body,
	    size_t len, time_t now, int *status, buf *resp, char *err, size_t errlen) WUR;

/* GET (del = 0) or DELETE (del = 1) /v1/bookings/{code}?phone_last4=: fills status
 * and body (429 with *retry_after when too many failed look-ups). */
int bk_lookup(sqlite3 *db, const bk_opts *o, const char *kiosk, const char *code,
	      const char *last4, int del, time_t now, int *status, int *retry_after, buf *resp,
	      char *err, size_t errlen) WUR;

/* Forgets names and phone numbers retention_days after their session (or request,
 * for follow-ups). *purged receives how many records were cleared. */
int bk_purge(sqlite3 *db, const bk_opts *o, time_t now, int *purged, char *err,
	     size_t errlen) WUR;

/* For tests: 1 if a slot id is well-formed and offered by the rules at all. */
int bk_slot_parse(const char *id, char *counselor, size_t clen, int *day, int *start_min);


#endif
