#include "cache.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http.h"
#include "jobdb.h"
#include "jobq.h"
#include "kdate.h"
#include "log.h"

struct cache {
	sqlite3 *db;
	char *path;
	char cursor[128];
};

/* Bump with every change to the cache's tables (jobdb's included). */
#define CACHE_SCHEMA_VERSION 3 /* 3: jobs_fts with a one-character prefix index */
#define CACHE_SCHEMA_VERSION_S "3"

static const char meta_sql[] =
	"CREATE TABLE IF NOT EXISTS cache_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS cache_docs(path TEXT PRIMARY KEY, etag TEXT, body TEXT NOT NULL,"
	" fetched_at INTEGER NOT NULL) WITHOUT ROWID;";


/* 0: open; -1: the file is damaged or not a database (move it aside); -2: it could
 * not be checked now (busy, I/O): leave it alone and try again later. */
static int try_open(const char *path, sqlite3 **out)
{
	sqlite3 *db = NULL;
	char err[256];
	sqlite3_stmt *st = NULL;
	int rc, ret = -2;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK)
		goto out;
	if (jobdb_connect(db, err, sizeof(err)) < 0)
		goto out;
	/* A kiosk has little memory: no mmap (its pages would count as the kiosk's),
	 * a 1 MiB page cache per connection; the OS page cache does the rest. */
	rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=0;"
			      " PRAGMA cache_size=-1024;",
			  NULL, NULL, NULL);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
		ret = -1;
		goto out;
	}
	/* quick_check reads every page's structure: a torn or foreign file fails here */
	rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT || sqlite3_errcode(db) == SQLITE_NOTADB ||
	    sqlite3_errcode(db) == SQLITE_CORRUPT ||
	    (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)) {
		ret = -1;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out; /* busy or I/O: not a verdict on the file */
	sqlite3_finalize(st);
	st = NULL;
	/* The schema is written once per version: two workers open the file at start
	 * and must not queue behind each other's schema writes. */
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		goto out;
	int version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	st = NULL;
	if (version == CACHE_SCHEMA_VERSION) {
		ret = 0;
		goto out;
	}
	if (version < 0)
		goto out;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK &&
	    jobdb_schema(db, err, sizeof(err)) == 0 &&
	    sqlite3_exec(db, meta_sql, NULL, NULL, NULL) == SQLITE_OK &&
	    sqlite3_exec(db, "PRAGMA user_version = " CACHE_SCHEMA_VERSION_S, NULL, NULL, NULL) ==
		    SQLITE_OK &&
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK) {
		ret = 0;
	} else {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
out:
	sqlite3_finalize(st);
	if (ret < 0) {
		sqlite3_close(db);
		return ret;
	}
	*out = db;
	return 0;
}

cache *cache_open(const char *dir, char *err, size_t errlen)
{
	cache *c = xcalloc(1, sizeof(*c));
	size_t n = strlen(dir) + 16;
	c->path = xmalloc(n);
	snprintf(c->path, n, "%s/cache.db", dir);
	if (util_mkdir_p(dir, 0700) < 0) {
		snprintf(err, errlen, "cache dir %s: %s", dir, strerror(errno));
		goto fail;
	}
	int rc = try_open(c->path, &c->db);
	if (rc == 0)
		return c;
	if (rc == -2) {
		snprintf(err, errlen, "cache %s is busy or unreadable now", c->path);
		goto fail;
	}
	/* Corrupt or foreign: keep it for inspection, start afresh. */
	{
		char aside[1200], wal[1100];
		snprintf(aside, sizeof(aside), "%s.corrupt-%ld", c->path, (long)time(NULL));
		log_error("cache_corrupt", "action=moved_aside");
		if (rename(c->path, aside) < 0 && errno != ENOENT) {
			snprintf(err, errlen, "cache %s is unusable and cannot be moved: %s", c->path,
				 strerror(errno));
			goto fail;
		}
		snprintf(wal, sizeof(wal), "%s-wal", c->path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", c->path);
		unlink(wal);
	}
	if (try_open(c->path, &c->db) == 0)
		return c;
	snprintf(err, errlen, "cannot create the cache at %s", c->path);
fail:
	free(c->path);
	free(c);
	return NULL;
}

sqlite3 *cache_db(cache *c)
{
	return c->db;
}

void cache_close(cache *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

static int meta_get(cache *c, const char *key, char *out, size_t n)
{
	sqlite3_stmt *st;
	int rc;
	out[0] = '\0';
	if (sqlite3_prepare_v2(c->db, "SELECT value FROM cache_meta WHERE key = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int meta_set(cache *c, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO cache_meta VALUES (?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int cache_ready(cache *c)
{
	char v[8];
	return meta_get(c, "complete", v, sizeof(v)) == 0 && strcmp(v, "1") == 0;
}

const char *cache_cursor(cache *c)
{
	if (meta_get(c, "cursor", c->cursor, sizeof(c->cursor)) < 0 || !c->cursor[0])
		return NULL;
	return c->cursor;
}

time_t cache_updated_at(cache *c)
{
	char v[32];
	long long t;
	if (meta_get(c, "updated_at", v, sizeof(v)) < 0 || util_parse_long(v, 0, 1LL << 40, &t) < 0)
		return 0;
	return (time_t)t;
}

long long cache_job_count(cache *c)
{
	sqlite3_stmt *st;
	long long n = 0;
	if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM jobs", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int fail_db(cache *c, char *err, size_t errlen, const char *what)
{
	int code = sqlite3_errcode(c->db);
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(c->db));
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	if (code == SQLITE_FULL)
		return CACHE_EFULL;
	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		return CACHE_ECORRUPT;
	return CACHE_EDB;
}

int cache_apply_changes(cache *c, json_object *page, time_t now, long *ups, long *dels, char *err,
			size_t errlen)
{
	json_object *u, *d, *cur, *more;
	char stamp[32];
	int rc;

	*ups = *dels = 0;
	if (!json_object_is_type(page, json_type_object) ||
	    !json_object_object_get_ex(page, "upserts", &u) || !json_object_is_type(u, json_type_array) ||
	    !json_object_object_get_ex(page, "deletes", &d) || !json_object_is_type(d, json_type_array) ||
	    !json_object_object_get_ex(page, "cursor", &cur) ||
	    !json_object_is_type(cur, json_type_string) || json_object_get_string_len(cur) > 120 ||
	    !json_object_object_get_ex(page, "more", &more) ||
	    !json_object_is_type(more, json_type_boolean)) {
		snprintf(err, errlen, "change page without the contract's fields");
		return CACHE_EDATA;
	}
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(c, err, errlen, "begin");
	for (size_t i = 0; i < json_object_array_length(u); i++) {
		job j;
		int changed;
		char why[256];
		job_init(&j);
		if (job_from_json(json_object_array_get_idx(u, i), &j, why, sizeof(why)) < 0) {
			/* a listing the kiosk cannot show is left out, not the page */
			log_warn("sync_skip", "reason=\"%s\"", why);
			job_release(&j);
			continue;
		}
		rc = jobdb_upsert(c->db, &j, now, &changed, err, errlen);
		job_release(&j);
		if (rc == JOBDB_EINVAL)
			continue;
		if (rc < 0)
			return fail_db(c, err, errlen, "upsert");
		*ups += changed;
	}
	for (size_t i = 0; i < json_object_array_length(d); i++) {
		json_object *id = json_object_array_get_idx(d, i);
		if (!json_object_is_type(id, json_type_string))
			continue;
		rc = jobdb_delete(c->db, json_object_get_string(id), now, err, errlen);
		if (rc == JOBDB_OK)
			(*dels)++;
		else if (rc != JOBDB_ENOTFOUND)
			return fail_db(c, err, errlen, "delete");
	}
	if (meta_set(c, "cursor", json_object_get_string(cur)) < 0)
		return fail_db(c, err, errlen, "cursor");
	if (!json_object_get_boolean(more)) {
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
		if (meta_set(c, "complete", "1") < 0 || meta_set(c, "updated_at", stamp) < 0)
			return fail_db(c, err, errlen, "meta");
	}
	/* the local change log is of no use on a kiosk: keep it from growing */
	sqlite3_exec(c->db, "DELETE FROM job_deletes", NULL, NULL, NULL);
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(c, err, errlen, "commit");
	return CACHE_OK;
}

int cache_reset(cache *c, char *err, size_t errlen)
{
	if (sqlite3_exec(c->db,
			 "BEGIN IMMEDIATE; DELETE FROM jobs; DELETE FROM job_deletes;"
			 " DELETE FROM cache_meta WHERE key IN ('cursor', 'complete'); COMMIT;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(c, err, errlen, "reset");
	return CACHE_OK;
}

int cache_put_codes(cache *c, int regions, json_object *body, char *err, size_t errlen)
{
	json_object *items;
	if (!json_object_object_get_ex(body, "items", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		snprintf(err, errlen, "code list without items");
		return CACHE_EDATA;
	}
	if (sqlite3_exec(c->db, regions ? "BEGIN IMMEDIATE; DELETE FROM regions;"
					: "BEGIN IMMEDIATE; DELETE FROM categories;",
			 NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(c, err, errlen, "codes");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i), *v;
		const char *f[5] = {NULL, NULL, "", NULL, "district"};
		static const char *const keys[5] = {"code", "name_ko", "name_en", "parent", "level"};
		for (int k = 0; k < 5; k++)
			if (json_object_object_get_ex(it, keys[k], &v) &&
			    json_object_is_type(v, json_type_string))
				f[k] = json_object_get_string(v);
		if (!f[0] || !f[1] || strlen(f[0]) > 15)
			continue;
		int rc = regions ? jobdb_put_region(c->db, f[0], f[1], f[2], f[3], f[4], (int)i, err,
						    errlen)
				 : jobdb_put_category(c->db, f[0], f[1], f[2], (int)i, err, errlen);
		if (rc < 0)
			return fail_db(c, err, errlen, "codes");
	}
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail_db(c, err, errlen, "codes");
	return CACHE_OK;
}

static void answer_json(buf *body, json_object *o)
{
	size_t n;
	const char *s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE,
							  &n);
	buf_add(body, s, n);
	json_object_put(o);
}

static void answer_error(buf *body, long *status, int code, const char *msg)
{
	*status = code;
	http_error_body(body, http_error_code(code), msg, NULL);
}

/* The query string of "v1/jobs?..." as the service would parse it. */
static int parse_query(const char *qs, jobq *q, char *err, size_t errlen)
{
	buf key, val;
	int rc = 0;
	buf_init(&key);
	buf_init(&val);
	while (qs && *qs && rc == 0) {
		const char *amp = strchr(qs, '&'), *end = amp ? amp : qs + strlen(qs);
		const char *eq = memchr(qs, '=', (size_t)(end - qs));
		if (http_pct_decode(qs, (size_t)((eq ? eq : end) - qs), 1, &key) < 0 ||
		    http_pct_decode(eq ? eq + 1 : end, (size_t)(end - (eq ? eq + 1 : end)), 1, &val) < 0 ||
		    strlen(key.data) != key.len || strlen(val.data) != val.len ||
		    jobq_set(q, key.data, val.data, err, errlen) < 0)
			rc = -1;
		qs = amp ? amp + 1 : NULL;
	}
	buf_wipe(&key);
	buf_wipe(&val);
	return rc;
}

int cache_put_doc(cache *c, const char *path, const char *etag, const char *body, char *err,
		  size_t errlen)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO cache_docs VALUES (?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return fail_db(c, err, errlen, "doc");
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, etag ? etag : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (long long)time(NULL));
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CACHE_OK : fail_db(c, err, errlen, "doc");
}

static int get_doc(cache *c, const char *path, buf *body, char *etag, size_t n)
{
	sqlite3_stmt *st;
	int found = 0;
	if (etag)
		etag[0] = '\0';
	if (sqlite3_prepare_v2(c->db, "SELECT etag, body FROM cache_docs WHERE path = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (etag)
			snprintf(etag, n, "%s", (const char *)sqlite3_column_text(st, 0));
		if (body)
			buf_adds(body, (const char *)sqlite3_column_text(st, 1));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

void cache_doc_etag(cache *c, const char *path, char *out, size_t n)
{
	get_doc(c, path, NULL, out, n);
}

/* v1/slots?from=&to=[&topic=][&counselor=] from the stored list. */
/* Member k of slot s when it is a string, else NULL. */
static const char *slot_str(json_object *s, const char *k)
{
	json_object *v;
	return json_object_is_type(s, json_type_object) && json_object_object_get_ex(s, k, &v) &&
			       json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static void answer_slots(cache *c, const char *qs, time_t now, buf *body, long *status)
{
	char from[16] = "", to[16] = "", topic[64] = "", counselor[64] = "";
	buf all, key, val;
	int d0, d1;
	buf_init(&all);
	buf_init(&key);
	buf_init(&val);
	for (const char *p = qs; p && *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && http_pct_decode(p, (size_t)(eq - p), 1, &key) == 0 &&
		    http_pct_decode(eq + 1, (size_t)(end - eq - 1), 1, &val) == 0) {
			char *dst = strcmp(key.data, "from") == 0 ? from
				    : strcmp(key.data, "to") == 0 ? to
				    : strcmp(key.data, "topic") == 0 ? topic
				    : strcmp(key.data, "counselor") == 0 ? counselor
									: NULL;
			if (dst)
				snprintf(dst, 16 + (dst == topic || dst == counselor) * 48, "%s", val.data);
		}
		p = amp ? amp + 1 : NULL;
	}
	buf_release(&key);
	buf_release(&val);
	if (kdate_parse(from, &d0) < 0 || kdate_parse(to, &d1) < 0 || d1 < d0 || d1 - d0 >= 31) {
		answer_error(body, status, 400, "from and to (YYYY-MM-DD, at most 31 days) are required");
		return;
	}
	if (!get_doc(c, "v1/slots", &all, NULL, 0)) {
		answer_error(body, status, 503, "no slots stored yet");
		return;
	}
	json_object *doc = json_tokener_parse(all.data), *items, *out = json_object_new_array();
	buf_release(&all);
	if (doc && json_object_object_get_ex(doc, "items", &items) &&
	    json_object_is_type(items, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(items); i++) {
			/* the stored document came from the network: every member is
			 * type-checked (a null where a string belongs is skipped, not
			 * handed to strcmp) */
			json_object *s = json_object_array_get_idx(items, i), *tops;
			const char *at = slot_str(s, "starts_at"), *cid = slot_str(s, "counselor_id");
			time_t t;
			char date[11];
			int day;
			if (!at || !cid || kdate_parse_rfc3339(at, &t) < 0 || t <= now)
				continue;
			day = kdate_seoul_day(t);
			kdate_format(day, date);
			if (day < d0 || day > d1)
				continue;
			if (counselor[0] && strcmp(cid, counselor) != 0)
				continue;
			if (topic[0]) {
				int has = 0;
				if (json_object_object_get_ex(s, "topic_ids", &tops) &&
				    json_object_is_type(tops, json_type_array))
					for (size_t k = 0; k < json_object_array_length(tops); k++) {
						json_object *tv = json_object_array_get_idx(tops, k);
						has |= json_object_is_type(tv, json_type_string) &&
						       strcmp(json_object_get_string(tv), topic) == 0;
					}
				if (!has)
					continue;
			}
			json_object_array_add(out, json_object_get(s));
		}
	}
	json_object_put(doc);
	json_object *o = json_object_new_object();
	json_object_object_add(o, "items", out);
	answer_json(body, o);
}

int cache_answer(cache *c, const char *path, int today, time_t now, buf *body, long *status)
{
	char err[256];
	*status = 200;
	buf_reset(body);
	if (strcmp(path, "v1/topics") == 0 || strcmp(path, "v1/counselors") == 0 ||
	    strcmp(path, "v1/media") == 0) {
		if (!get_doc(c, path, body, NULL, 0))
			answer_error(body, status, 503, "not stored yet");
		return 0;
	}
	if (strncmp(path, "v1/slots?", 9) == 0) {
		answer_slots(c, path + 9, now, body, status);
		return 0;
	}
	if (strcmp(path, "v1/regions") == 0 || strcmp(path, "v1/categories") == 0) {
		json_object *o;
		int rc = path[3] == 'r' ? jobdb_regions_json(c->db, &o, err, sizeof(err))
					: jobdb_categories_json(c->db, &o, err, sizeof(err));
		if (rc < 0)
			answer_error(body, status, 503, err);
		else
			answer_json(body, o);
		return 0;
	}
	if (strncmp(path, "v1/jobs?", 8) == 0 || strcmp(path, "v1/jobs") == 0) {
		jobq q;
		jobdb_page p;
		jobq_init(&q);
		if (parse_query(path[7] == '?' ? path + 8 : NULL, &q, err, sizeof(err)) < 0) {
			answer_error(body, status, 400, err);
		} else {
			int rc = jobdb_search(c->db, &q, today, &p, err, sizeof(err));
			if (rc == JOBDB_EINVAL)
				answer_error(body, status, 400, err);
			else if (rc < 0)
				answer_error(body, status, 503, err);
			else {
				answer_json(body, jobdb_page_to_json(&p));
				jobdb_page_release(&p);
			}
		}
		jobq_release(&q);
		return 0;
	}
	if (strncmp(path, "v1/jobs/", 8) == 0 && !strchr(path + 8, '/') && !strchr(path + 8, '?')) {
		job j;
		job_init(&j);
		int rc = jobdb_get(c->db, path + 8, &j, err, sizeof(err));
		if (rc == JOBDB_ENOTFOUND)
			answer_error(body, status, 404, "no such job");
		else if (rc < 0)
			answer_error(body, status, 503, err);
		else
			answer_json(body, job_to_json(&j, 1));
		job_release(&j);
		return 0;
	}
	return -1;
}
