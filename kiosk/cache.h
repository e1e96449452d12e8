/*
 * cache.h - the kiosk's offline cache: a SQLite file (WAL) in the cache directory
 * holding the jobs, regions and categories exactly as the service has them (the
 * same tables and search code, common/jobdb.c), the change-feed cursor and when
 * the data was last brought up to date.
 *
 * Each thread opens its own handle on the same file (the sync worker writes, the
 * API worker reads). A file that is corrupt or not a database is moved aside
 * (cache.db.corrupt-<time>) and an empty one created; the kiosk then syncs again.
 */
#ifndef K_CACHE_H
#define K_CACHE_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <time.h>

#include "buf.h"
#include "util.h"

typedef struct cache cache;

enum cache_err { CACHE_OK = 0, CACHE_EDB = -1, CACHE_EFULL = -2, CACHE_EDATA = -3,
		 CACHE_ECORRUPT = -4 };

/* Opens dir/cache.db, creating dir and the file as needed. NULL with err only when
 * even a fresh file cannot be made (no disk, no permission). */
cache *cache_open(const char *dir, char *err, size_t errlen);
void cache_close(cache *c);
/* The connection, for modules that keep their own tables in the cache file. */
sqlite3 *cache_db(cache *c);

/* 1 once a full sync has completed into this file. */
int cache_ready(cache *c);
/* The change-feed cursor (NULL before the first page), owned by c until the next call. */
const char *cache_cursor(cache *c);
/* When the data was last complete and current (0 for never). */
time_t cache_updated_at(cache *c);
long long cache_job_count(cache *c);

/* Applies one page of GET /v1/jobs/changes (upserts, deletes, cursor) in one
 * transaction. When the page says "more": false the cache is complete as of `now`.
 * CACHE_EDATA for a page that does not have the contract's shape (nothing is
 * applied), CACHE_EFULL for a full disk. */
int cache_apply_changes(cache *c, json_object *page, time_t now, long *upserts, long *deletes,
			char *err, size_t errlen) WUR;
/* Forgets every job and the cursor (after 410 cursor_expired). */
int cache_reset(cache *c, char *err, size_t errlen) WUR;
/* Replaces the code lists from GET /v1/regions or /v1/categories bodies. */
int cache_put_codes(cache *c, int regions, json_object *body, char *err, size_t errlen) WUR;

/* Stores a response body the kiosk may need offline (topics, counsellors, slots),
 * under its path, with its entity tag. */
int cache_put_doc(cache *c, const char *path, const char *etag, const char *body,
		  char *err, size_t errlen) WUR;
/* The stored entity tag of a document (for If-None-Match), or "" (n bytes). */
void cache_doc_etag(cache *c, const char *path, char *out, size_t n);

/* Answers a request locally with the body the service would send: "v1/jobs?...",
 * "v1/jobs/ID", "v1/regions", "v1/categories". *status gets the HTTP status.
 * Returns 0, or -1 when the path is not one the cache serves. today: Seoul day. */
int cache_answer(cache *c, const char *path, int today, time_t now, buf *body, long *status);

#endif
