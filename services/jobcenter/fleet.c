#include "fleet.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "http.h"
#include "log.h"
#include "utf8.h"

#define MAX_STAGES 8

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS fleet_enroll(hash TEXT PRIMARY KEY, grp TEXT NOT NULL,"
	" created_at INTEGER NOT NULL, used_at INTEGER, kiosk_id TEXT);"
	"CREATE TABLE IF NOT EXISTS fleet_devices(kiosk_id TEXT PRIMARY KEY, grp TEXT,"
	" version INTEGER, last_seen INTEGER, uptime_s INTEGER, disk_free INTEGER,"
	" cache_age_s INTEGER, outbox INTEGER, last_error TEXT, bucket INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS fleet_rollouts(id INTEGER PRIMARY KEY, version INTEGER NOT NULL,"
	" previous INTEGER NOT NULL, stages TEXT NOT NULL, stage INTEGER NOT NULL,"
	" advance REAL NOT NULL, pause REAL NOT NULL, state TEXT NOT NULL,"
	" started_at INTEGER NOT NULL, resumed_seq INTEGER NOT NULL DEFAULT 0, grp TEXT);"
	/* the last outcome of each kiosk's attempt at each release */
	"CREATE TABLE IF NOT EXISTS fleet_attempts(kiosk_id TEXT NOT NULL, version INTEGER NOT NULL,"
	" outcome TEXT NOT NULL, reason TEXT, at INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" PRIMARY KEY(kiosk_id, version)) WITHOUT ROWID;"
	/* each kiosk's recent errors, as they changed (the newest 20 kept) */
	"CREATE TABLE IF NOT EXISTS fleet_errors(kiosk_id TEXT NOT NULL, at INTEGER NOT NULL,"
	" message TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS fleet_errors_kiosk ON fleet_errors(kiosk_id, at);";

int fl_schema(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int has = 1;
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	/* rollouts made before groups */
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM pragma_table_info('fleet_rollouts') WHERE"
				   " name = 'grp'", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_step(st) == SQLITE_ROW)
		has = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!has && sqlite3_exec(db, "ALTER TABLE fleet_rollouts ADD COLUMN grp TEXT", NULL, NULL,
				 NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "fleet schema: %s", sqlite3_errmsg(db));
	return -1;
}

int fl_bucket(const char *kiosk)
{
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)kiosk, strlen(kiosk));
	return (int)(((unsigned)h[0] << 8 | h[1]) % 100);
}

static void hash_token(const char *t, char hex[65])
{
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)t, strlen(t));
	util_hex(h, sizeof(h), hex);
}

int fl_enroll_token(sqlite3 *db, const char *group, char *token, char *err, size_t errlen)
{
	unsigned char raw[24];
	char hex[65];
	sqlite3_stmt *st;
	int rc;
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "en_", 3);
	util_hex(raw, sizeof(raw), token + 3);
	hash_token(token, hex);
	if (sqlite3_prepare_v2(db, "INSERT INTO fleet_enroll VALUES(?, ?, strftime('%s','now'), NULL,"
				   " NULL)", -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "enroll: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, group && *group ? group : "default", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "enroll: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

static json_object *parse(const char *body, size_t len)
{
	json_tokener *tok;
	json_object *o;
	if (!utf8_valid(body, len))
		return NULL;
	tok = json_tokener_new_ex(16);
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *jstr(json_object *o, const char *k)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static long long jint(json_object *o, const char *k, long long def)
{
	json_object *v;
	return o && json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_int)
		       ? json_object_get_int64(v)
		       : def;
}

static void reply_error(buf *resp, int *status, int code, const char *msg)
{
	*status = code;
	buf_reset(resp);
	http_error_body(resp, http_error_code(code), msg, NULL);
}

static void reply(buf *resp, int *status, int code, json_object *o)
{
	*status = code;
	buf_reset(resp);
	buf_adds(resp, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int fl_enroll(sqlite3 *db, const char *body, size_t len, time_t now, int *status, buf *resp,
	      char *err, size_t errlen)
{
	json_object *o = parse(body, len);
	const char *tok = jstr(o, "enroll_token"), *kiosk = jstr(o, "kiosk_id");
	char hex[65], grp[64] = "", device[AUTH_TOKEN_LEN];
	sqlite3_stmt *st;
	int found = 0;
	if (!tok || !kiosk || !auth_kiosk_id_valid(kiosk)) {
		json_object_put(o);
		reply_error(resp, status, 422, "enroll_token and a valid kiosk_id are required");
		return 0;
	}
	hash_token(tok, hex);
	/* a guessed or used token is turned away before any write lock is taken */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM fleet_enroll WHERE hash = ? AND used_at IS NULL", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (!found) {
		json_object_put(o);
		reply_error(resp, status, 401, "unknown or already used enrollment token");
		return 0;
	}
	found = 0;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	if (sqlite3_prepare_v2(db, "SELECT grp FROM fleet_enroll WHERE hash = ? AND used_at IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		snprintf(grp, sizeof(grp), "%s", (const char *)sqlite3_column_text(st, 0));
		found = 1;
	}
	sqlite3_finalize(st);
	if (!found) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		json_object_put(o);
		reply_error(resp, status, 401, "unknown or already used enrollment token");
		return 0;
	}
	/* a kiosk id in use keeps its kiosk: a second box must not take over its
	 * token, group and history (a replaced box: revoke the old token first) */
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM tokens WHERE kiosk_id = ? AND revoked_at IS NULL", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
	int taken = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	if (taken) {
		char msg[400];
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		snprintf(msg, sizeof(msg),
			 "kiosk %s is enrolled already: pick another id, or revoke its token first"
			 " (jobcenter token revoke --kiosk %s)", kiosk, kiosk);
		json_object_put(o);
		reply_error(resp, status, 422, msg);
		return 0;
	}
	if (auth_issue(db, kiosk, device, err, errlen) < 0)
		goto dberr;
	if (sqlite3_prepare_v2(db, "UPDATE fleet_enroll SET used_at = ?, kiosk_id = ? WHERE hash = ?;",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, (long long)now);
	sqlite3_bind_text(st, 2, kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, hex, -1, SQLITE_STATIC);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "INSERT INTO fleet_devices(kiosk_id, grp, bucket, last_seen)"
				   " VALUES(?, ?, ?, ?) ON CONFLICT(kiosk_id) DO UPDATE SET grp = excluded.grp",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, grp, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, fl_bucket(kiosk));
	sqlite3_bind_int64(st, 4, (long long)now);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	json_object *r = json_object_new_object();
	json_object_object_add(r, "kiosk_id", json_object_new_string(kiosk));
	json_object_object_add(r, "device_token", json_object_new_string(device));
	util_wipe(device, sizeof(device));
	json_object_put(o);
	log_info("fleet_enrolled", "kiosk=%s group=%s", kiosk, grp);
	reply(resp, status, 201, r);
	return 0;
dberr:
	snprintf(err, errlen, "enroll: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	json_object_put(o);
	return -1;
}

struct rollout {
	char grp[64]; /* "" for every kiosk */
	long long id, version, previous;
	int stages[MAX_STAGES], nstages, stage;
	double advance, pause;
	char state[16];
};

static int active_rollout(sqlite3 *db, struct rollout *r)
{
	sqlite3_stmt *st;
	int found = 0;
	memset(r, 0, sizeof(*r));
	if (sqlite3_prepare_v2(db, "SELECT id, version, previous, stages, stage, advance, pause, state,"
				   " coalesce(grp, '') FROM fleet_rollouts ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		char stages[128], *save = NULL;
		r->id = sqlite3_column_int64(st, 0);
		r->version = sqlite3_column_int64(st, 1);
		r->previous = sqlite3_column_int64(st, 2);
		snprintf(stages, sizeof(stages), "%s", (const char *)sqlite3_column_text(st, 3));
		for (char *p = strtok_r(stages, ",", &save); p && r->nstages < MAX_STAGES;
		     p = strtok_r(NULL, ",", &save))
			r->stages[r->nstages++] = (int)strtol(p, NULL, 10);
		r->stage = sqlite3_column_int(st, 4);
		r->advance = sqlite3_column_double(st, 5);
		r->pause = sqlite3_column_double(st, 6);
		snprintf(r->state, sizeof(r->state), "%s", (const char *)sqlite3_column_text(st, 7));
		snprintf(r->grp, sizeof(r->grp), "%s", (const char *)sqlite3_column_text(st, 8));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

static void set_rollout(sqlite3 *db, long long id, int stage, const char *state)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "UPDATE fleet_rollouts SET stage = ?, state = ? WHERE id = ?", -1,
			       &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int(st, 1, stage);
		sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, id);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
}

/* Moves the rollout on, or pauses it, from what the current stage's kiosks said. */
static void evaluate(sqlite3 *db, struct rollout *r)
{
	sqlite3_stmt *st;
	long long cohort = 0, ok = 0, bad = 0;
	if (strcmp(r->state, "active") != 0)
		return;
	if (sqlite3_prepare_v2(db,
			       /* failures count from the last resume: what IT staff fixed is
				* not held against the rollout again */
			       "SELECT count(*), sum(a.outcome = 'succeeded'),"
			       " sum(a.outcome IN ('rolled_back', 'failed') AND a.seq > (SELECT"
			       " resumed_seq FROM fleet_rollouts WHERE id = ?3)) FROM fleet_devices d"
			       " LEFT JOIN fleet_attempts a ON a.kiosk_id = d.kiosk_id AND a.version = ?1"
			       " WHERE d.bucket < ?2 AND (?4 = '' OR d.grp = ?4)",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_int64(st, 1, r->version);
	sqlite3_bind_int(st, 2, r->stages[r->stage]);
	sqlite3_bind_int64(st, 3, r->id);
	sqlite3_bind_text(st, 4, r->grp, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		cohort = sqlite3_column_int64(st, 0);
		ok = sqlite3_column_int64(st, 1);
		bad = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	if (cohort == 0)
		return;
	if ((double)bad / (double)cohort >= r->pause) {
		snprintf(r->state, sizeof(r->state), "paused");
		set_rollout(db, r->id, r->stage, "paused");
		log_warn("fleet_rollout", "id=%lld paused=1 stage=%d failures=%lld of=%lld", r->id,
			 r->stages[r->stage], bad, cohort);
	} else if ((double)ok / (double)cohort >= r->advance) {
		if (r->stage + 1 < r->nstages) {
			r->stage++;
			set_rollout(db, r->id, r->stage, "active");
			log_info("fleet_rollout", "id=%lld stage=%d%%", r->id, r->stages[r->stage]);
		} else {
			snprintf(r->state, sizeof(r->state), "done");
			set_rollout(db, r->id, r->stage, "done");
			log_info("fleet_rollout", "id=%lld done=1", r->id);
		}
	}
}

static int in_group(sqlite3 *db, const char *kiosk, const char *grp)
{
	sqlite3_stmt *st;
	int in = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM fleet_devices WHERE kiosk_id = ? AND grp = ?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, grp, -1, SQLITE_STATIC);
		in = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
	}
	return in;
}

int fl_heartbeat(sqlite3 *db, const char *kiosk, const char *body, size_t len, time_t now,
		 int *status, buf *resp, char *err, size_t errlen)
{
	json_object *o = parse(body, len), *up = NULL;
	sqlite3_stmt *st;
	struct rollout r;
	if (!o) {
		reply_error(resp, status, 400, "body must be one JSON object");
		return 0;
	}
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	/* a kiosk that does not answer its agent matters more than an old failed update */
	char kerr[600];
	const char *le = jstr(o, "last_error"), *ke = jstr(o, "kiosk_error");
	if (ke && strlen(ke) <= 500) {
		snprintf(kerr, sizeof(kerr), "kiosk: %s", ke);
		le = kerr;
	}
	/* an error that is new for this kiosk goes into its history */
	if (le && strlen(le) <= 500 &&
	    sqlite3_prepare_v2(db,
			       "INSERT INTO fleet_errors(kiosk_id, at, message) SELECT ?1, ?2, ?3"
			       " WHERE ?3 IS NOT (SELECT last_error FROM fleet_devices WHERE kiosk_id = ?1)",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (long long)now);
		sqlite3_bind_text(st, 3, le, -1, SQLITE_STATIC);
		int erc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (erc != SQLITE_DONE)
			goto dberr;
		if (sqlite3_changes(db) &&
		    sqlite3_prepare_v2(db,
				       "DELETE FROM fleet_errors WHERE kiosk_id = ?1 AND rowid NOT IN (SELECT"
				       " rowid FROM fleet_errors WHERE kiosk_id = ?1 ORDER BY at DESC, rowid DESC"
				       " LIMIT 20)",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO fleet_devices(kiosk_id, version, last_seen, uptime_s, disk_free,"
			       " cache_age_s, outbox, last_error, bucket) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
			       " ON CONFLICT(kiosk_id) DO UPDATE SET version = ?2, last_seen = ?3,"
			       " uptime_s = ?4, disk_free = ?5, cache_age_s = ?6, outbox = ?7,"
			       " last_error = ?8",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, jint(o, "version", 0));
	sqlite3_bind_int64(st, 3, (long long)now);
	sqlite3_bind_int64(st, 4, jint(o, "uptime_s", 0));
	sqlite3_bind_int64(st, 5, jint(o, "disk_free", 0));
	sqlite3_bind_int64(st, 6, jint(o, "cache_age_s", -1));
	sqlite3_bind_int64(st, 7, jint(o, "outbox", 0));
	if (le && strlen(le) <= 500)
		sqlite3_bind_text(st, 8, le, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, fl_bucket(kiosk));
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;
	if (json_object_object_get_ex(o, "update", &up) && json_object_is_type(up, json_type_object)) {
		const char *outcome = jstr(up, "outcome"), *reason = jstr(up, "reason");
		long long v = jint(up, "version", 0);
		static const char *const ok[] = {"succeeded", "rolled_back", "failed", "deferred"};
		int known = 0;
		for (size_t i = 0; outcome && i < sizeof(ok) / sizeof(*ok); i++)
			known |= strcmp(outcome, ok[i]) == 0;
		if (known && v > 0 &&
		    /* a kiosk repeats its last report in every heartbeat: only a change
		     * of outcome is news (and counts again after a resume) */
		    sqlite3_prepare_v2(db, "INSERT INTO fleet_attempts VALUES(?, ?, ?, ?, ?,"
					   " (SELECT coalesce(max(seq), 0) + 1 FROM fleet_attempts))"
					   " ON CONFLICT(kiosk_id, version) DO UPDATE SET"
					   " outcome = excluded.outcome, reason = excluded.reason,"
					   " at = excluded.at, seq = excluded.seq"
					   " WHERE fleet_attempts.outcome != excluded.outcome",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, v);
			sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
			if (reason && strlen(reason) <= 500)
				sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 5, (long long)now);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	/* what this kiosk may install now */
	long long allowed = 0;
	json_object *res = json_object_new_object();
	if (active_rollout(db, &r) == 1 && r.grp[0] && !in_group(db, kiosk, r.grp)) {
		/* a rollout for another group: this kiosk keeps what it runs */
		json_object_object_add(res, "rollout", NULL);
	} else if (active_rollout(db, &r) == 1) {
		evaluate(db, &r);
		int in_stage = fl_bucket(kiosk) < r.stages[r.stage];
		if (strcmp(r.state, "done") == 0 || (strcmp(r.state, "active") == 0 && in_stage))
			allowed = r.version;
		else if (strcmp(r.state, "paused") == 0 && jint(o, "version", 0) >= r.version)
			allowed = r.version; /* those who have it keep it */
		else
			allowed = r.previous;
		json_object_object_add(res, "rollout", json_object_new_int64(r.id));
		json_object_object_add(res, "rollout_state", json_object_new_string(r.state));
	} else {
		json_object_object_add(res, "rollout", NULL);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto dberr_res;
	json_object_object_add(res, "allowed_release", json_object_new_int64(allowed));
	json_object_put(o);
	reply(resp, status, 200, res);
	return 0;
dberr_res:
	json_object_put(res);
dberr:
	snprintf(err, errlen, "heartbeat: %s", sqlite3_errmsg(db));
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	json_object_put(o);
	return -1;
}

long long fl_rollout_start(sqlite3 *db, long long version, long long previous, const char *stages,
			   double advance_share, double pause_share, const char *group, time_t now,
			   char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, last = 0, n = 0;
	char copy[128], *save = NULL;
	snprintf(copy, sizeof(copy), "%s", stages);
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		long long v;
		if (util_parse_long(p, 1, 100, &v) < 0 || v <= last || ++n > MAX_STAGES) {
			snprintf(err, errlen, "stages: increasing percentages up to 100, e.g. 5,25,100");
			return -1;
		}
		last = (int)v;
	}
	if (last != 100 || version <= previous || advance_share <= 0 || advance_share > 1 ||
	    pause_share <= 0 || pause_share > 1) {
		snprintf(err, errlen, "a rollout ends at 100%%, goes up in version, shares in (0, 1]");
		return -1;
	}
	sqlite3_exec(db, "UPDATE fleet_rollouts SET state = 'superseded' WHERE state IN ('active',"
			 " 'paused')", NULL, NULL, NULL);
	if (sqlite3_prepare_v2(db, "INSERT INTO fleet_rollouts(version, previous, stages, stage, advance,"
				   " pause, state, started_at, grp) VALUES(?, ?, ?, 0, ?, ?, 'active', ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_int64(st, 1, version);
	sqlite3_bind_int64(st, 2, previous);
	sqlite3_bind_text(st, 3, stages, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 4, advance_share);
	sqlite3_bind_double(st, 5, pause_share);
	sqlite3_bind_int64(st, 6, (long long)now);
	if (group && *group)
		sqlite3_bind_text(st, 7, group, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto dberr;
	return sqlite3_last_insert_rowid(db);
dberr:
	snprintf(err, errlen, "rollout: %s", sqlite3_errmsg(db));
	return -1;
}

int fl_rollout_control(sqlite3 *db, const char *what, char *err, size_t errlen)
{
	struct rollout r;
	const char *to = strcmp(what, "pause") == 0	  ? "paused"
			 : strcmp(what, "resume") == 0	  ? "active"
			 : strcmp(what, "rollback") == 0 ? "rolled_back"
							  : NULL;
	if (!to) {
		snprintf(err, errlen, "expected pause, resume or rollback");
		return -1;
	}
	if (active_rollout(db, &r) != 1 || strcmp(r.state, "done") == 0 ||
	    strcmp(r.state, "superseded") == 0) {
		snprintf(err, errlen, "no rollout in progress");
		return -1;
	}
	set_rollout(db, r.id, r.stage, to);
	if (strcmp(what, "resume") == 0) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "UPDATE fleet_rollouts SET resumed_seq = (SELECT"
					   " coalesce(max(seq), 0) FROM fleet_attempts) WHERE id = ?",
				       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, r.id);
			sqlite3_step(st);
			sqlite3_finalize(st);
		}
	}
	log_info("fleet_rollout", "id=%lld control=%s", r.id, what);
	return 0;
}

/* One word for where a kiosk stands (fleet.h), from its inventory row, its
 * newest attempt (release av, outcome; 0 and NULL: none) and the rollout r
 * (NULL: none). */
static const char *device_status(const struct rollout *r, const char *grp, int bucket,
				 long long version, long long last_seen, const char *last_error,
				 long long av, const char *outcome, time_t now)
{
	if (!outcome)
		outcome = "";
	if ((long long)now - last_seen > FL_OFFLINE_S)
		return "offline";
	if (last_error && strncmp(last_error, "kiosk: ", 7) == 0)
		return "kiosk_error";
	if (last_error && strcmp(last_error, "stale metadata") == 0)
		return "stale";
	/* the rollout lets it install a newer release than it runs: it will (a done
	 * rollout still lets every kiosk in its scope catch up) */
	int covered = r && (strcmp(r->state, "active") == 0 || strcmp(r->state, "done") == 0) &&
		      version < r->version && (!r->grp[0] || (grp && strcmp(grp, r->grp) == 0)) &&
		      bucket < r->stages[r->stage];
	if (av > version && (strcmp(outcome, "rolled_back") == 0 || strcmp(outcome, "failed") == 0) &&
	    !(covered && r->version > av)) /* a newer rollout is its next try */
		return strcmp(outcome, "failed") == 0 ? "failed" : "rolled_back";
	if (last_error)
		return "error";
	if (covered)
		return av == r->version && strcmp(outcome, "deferred") == 0 ? "waiting" : "updating";
	return "ok";
}

int fl_status_json(sqlite3 *db, time_t now, json_object **out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	struct rollout r;
	json_object *o = json_object_new_object(), *devs = json_object_new_array();
	if (sqlite3_prepare_v2(db,
			       /* with each kiosk's newest attempt (seq is unique) */
			       "SELECT d.kiosk_id, d.grp, d.version, d.last_seen, d.last_error, d.bucket,"
			       " a.outcome || ': ' || coalesce(a.reason, ''),"
			       " d.cache_age_s, d.outbox, d.disk_free, d.uptime_s, a.version, a.outcome"
			       " FROM fleet_devices d LEFT JOIN fleet_attempts a ON a.kiosk_id = d.kiosk_id"
			       " AND a.seq = (SELECT max(seq) FROM fleet_attempts WHERE kiosk_id = d.kiosk_id)"
			       " ORDER BY d.kiosk_id",
			       -1, &st, NULL) != SQLITE_OK) {
		json_object_put(o);
		json_object_put(devs);
		snprintf(err, errlen, "status: %s", sqlite3_errmsg(db));
		return -1;
	}
	int has_rollout = active_rollout(db, &r) == 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *d = json_object_new_object();
		const char *s;
		json_object_object_add(
			d, "status",
			json_object_new_string(device_status(
				has_rollout ? &r : NULL, (const char *)sqlite3_column_text(st, 1),
				sqlite3_column_int(st, 5), sqlite3_column_int64(st, 2),
				sqlite3_column_int64(st, 3), (const char *)sqlite3_column_text(st, 4),
				sqlite3_column_int64(st, 11), (const char *)sqlite3_column_text(st, 12), now)));
		json_object_object_add(d, "kiosk_id",
				       json_object_new_string((const char *)sqlite3_column_text(st, 0)));
		s = (const char *)sqlite3_column_text(st, 1);
		json_object_object_add(d, "group", s ? json_object_new_string(s) : NULL);
		json_object_object_add(d, "version", json_object_new_int64(sqlite3_column_int64(st, 2)));
		json_object_object_add(d, "last_seen", json_object_new_int64(sqlite3_column_int64(st, 3)));
		s = (const char *)sqlite3_column_text(st, 4);
		json_object_object_add(d, "last_error", s ? json_object_new_string(s) : NULL);
		json_object_object_add(d, "bucket", json_object_new_int(sqlite3_column_int(st, 5)));
		s = (const char *)sqlite3_column_text(st, 6);
		json_object_object_add(d, "last_attempt", s ? json_object_new_string(s) : NULL);
		/* -1 or NULL: the kiosk did not say (an agent without its socket) */
		long long age = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 7);
		json_object_object_add(d, "cache_age_s", age >= 0 ? json_object_new_int64(age) : NULL);
		json_object_object_add(d, "outbox", json_object_new_int64(sqlite3_column_int64(st, 8)));
		json_object_object_add(d, "disk_free", json_object_new_int64(sqlite3_column_int64(st, 9)));
		json_object_object_add(d, "uptime_s", json_object_new_int64(sqlite3_column_int64(st, 10)));
		json_object_array_add(devs, d);
	}
	sqlite3_finalize(st);
	json_object_object_add(o, "devices", devs);
	if (has_rollout) {
		json_object *ro = json_object_new_object();
		json_object_object_add(ro, "id", json_object_new_int64(r.id));
		json_object_object_add(ro, "version", json_object_new_int64(r.version));
		json_object_object_add(ro, "stage_percent", json_object_new_int(r.stages[r.stage]));
		json_object_object_add(ro, "state", json_object_new_string(r.state));
		json_object_object_add(ro, "group", r.grp[0] ? json_object_new_string(r.grp) : NULL);
		/* progress: the kiosks it covers, those in the stages so far, and how
		 * their attempts at this release ended */
		sqlite3_stmt *pst;
		static const char *const keys[] = {"kiosks", "in_stage", "succeeded", "failed", "deferred"};
		if (sqlite3_prepare_v2(db,
				       "SELECT count(*), coalesce(sum(d.bucket < ?2), 0),"
				       " coalesce(sum(a.outcome = 'succeeded'), 0),"
				       " coalesce(sum(a.outcome IN ('rolled_back', 'failed')), 0),"
				       " coalesce(sum(a.outcome = 'deferred'), 0) FROM fleet_devices d"
				       " LEFT JOIN fleet_attempts a ON a.kiosk_id = d.kiosk_id AND a.version = ?1"
				       " WHERE ?3 = '' OR d.grp = ?3",
				       -1, &pst, NULL) == SQLITE_OK) {
			sqlite3_bind_int64(pst, 1, r.version);
			sqlite3_bind_int(pst, 2, r.stages[r.stage]);
			sqlite3_bind_text(pst, 3, r.grp, -1, SQLITE_STATIC);
			if (sqlite3_step(pst) == SQLITE_ROW)
				for (int k = 0; k < 5; k++)
					json_object_object_add(ro, keys[k],
							       json_object_new_int64(sqlite3_column_int64(pst, k)));
			sqlite3_finalize(pst);
		}
		json_object_object_add(o, "rollout", ro);
	}
	*out = o;
	return 0;
}

/* Appends to arr one object per row of st: column i named names[i]. */
static void rows_json(sqlite3_stmt *st, const char *const *names, int n, json_object *arr)
{
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *r = json_object_new_object();
		for (int i = 0; i < n; i++) {
			int t = sqlite3_column_type(st, i);
			json_object_object_add(r, names[i],
					       t == SQLITE_NULL	     ? NULL
					       : t == SQLITE_INTEGER ? json_object_new_int64(sqlite3_column_int64(st, i))
								     : json_object_new_string((const char *)sqlite3_column_text(st, i)));
		}
		json_object_array_add(arr, r);
	}
}

int fl_device_json(sqlite3 *db, const char *kiosk, time_t now, json_object **out, char *err,
		   size_t errlen)
{
	static const char *const dev[] = {"kiosk_id", "group", "version", "last_seen", "uptime_s",
					  "disk_free", "cache_age_s", "outbox", "last_error", "bucket"};
	static const char *const att[] = {"version", "outcome", "reason", "at"};
	static const char *const errs[] = {"at", "message"};
	static const char *const sql[] = {
		"SELECT kiosk_id, grp, version, last_seen, uptime_s, disk_free, cache_age_s, outbox,"
		" last_error, bucket FROM fleet_devices WHERE kiosk_id = ?1",
		"SELECT version, outcome, reason, at FROM fleet_attempts WHERE kiosk_id = ?1"
		" ORDER BY seq DESC LIMIT 20",
		"SELECT at, message FROM fleet_errors WHERE kiosk_id = ?1 ORDER BY at DESC, rowid DESC"
		" LIMIT 20"};
	const char *const *names[] = {dev, att, errs};
	const int nn[] = {10, 4, 2};
	json_object *parts[3];
	*out = NULL;
	for (int i = 0; i < 3; i++) {
		sqlite3_stmt *st;
		parts[i] = json_object_new_array();
		if (sqlite3_prepare_v2(db, sql[i], -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "device: %s", sqlite3_errmsg(db));
			for (int k = 0; k <= i; k++)
				json_object_put(parts[k]);
			return -1;
		}
		sqlite3_bind_text(st, 1, kiosk, -1, SQLITE_STATIC);
		rows_json(st, names[i], nn[i], parts[i]);
		sqlite3_finalize(st);
	}
	if (json_object_array_length(parts[0]) == 0) {
		for (int k = 0; k < 3; k++)
			json_object_put(parts[k]);
		return 0;
	}
	*out = json_object_get(json_object_array_get_idx(parts[0], 0));
	struct rollout r;
	json_object *d = *out, *v;
	const char *grp = json_object_object_get_ex(d, "group", &v) && v ? json_object_get_string(v) : NULL;
	const char *le = json_object_object_get_ex(d, "last_error", &v) && v ? json_object_get_string(v) : NULL;
	long long ver = json_object_object_get_ex(d, "version", &v) ? json_object_get_int64(v) : 0;
	long long seen = json_object_object_get_ex(d, "last_seen", &v) ? json_object_get_int64(v) : 0;
	int bucket = json_object_object_get_ex(d, "bucket", &v) ? json_object_get_int(v) : 0;
	/* its newest attempt is the first of "attempts" */
	json_object *newest = json_object_array_length(parts[1]) ? json_object_array_get_idx(parts[1], 0) : NULL;
	long long av = newest && json_object_object_get_ex(newest, "version", &v) ? json_object_get_int64(v) : 0;
	const char *outcome = newest && json_object_object_get_ex(newest, "outcome", &v) && v
				      ? json_object_get_string(v)
				      : NULL;
	json_object_object_add(d, "status",
			       json_object_new_string(device_status(active_rollout(db, &r) == 1 ? &r : NULL,
								    grp, bucket, ver, seen, le, av, outcome, now)));
	json_object_object_add(*out, "attempts", parts[1]);
	json_object_object_add(*out, "errors", parts[2]);
	json_object_put(parts[0]);
	return 0;
}
