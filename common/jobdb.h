/*
 * jobdb.h - job listings in SQLite: schema, upsert/delete with a change log, the
 * search with filters and sorts of GET /v1/jobs, and the incremental change feed.
 *
 * The service's database and the kiosk's offline cache hold the same tables and run
 * the same search code, so a query gives the same results on both. Functions take
 * an open sqlite3 connection; they are as thread-safe as the connection (use one
 * connection per thread). Writers should wrap several upserts in one transaction
 * (BEGIN IMMEDIATE ... COMMIT); each function is otherwise atomic on its own.
 */
#ifndef JK_JOBDB_H
#define JK_JOBDB_H

#include <json-c/json.h>
#include <sqlite3.h>

#include "buf.h"
#include "job.h"
#include "jobq.h"
#include "util.h"

enum jobdb_err {
	JOBDB_OK = 0,
	JOBDB_ENOTFOUND = -1, /* no such job */
	JOBDB_EINVAL = -2,    /* a request value the data does not know (400) */
	JOBDB_EGONE = -3,     /* change cursor unknown or expired (410) */
	JOBDB_EDB = -4,	      /* SQLite failed; detail in err */
	JOBDB_EFULL = -5,     /* disk full */
};

/* Registers the tokenizer and sets the busy timeout. Call once for every
 * connection that uses this module. Memory settings (page cache, mmap) are the
 * caller's: a server and a kiosk want different ones. */
int jobdb_connect(sqlite3 *db, char *err, size_t errlen) WUR;

/* Creates the tables and indexes when missing (idempotent). */
int jobdb_schema(sqlite3 *db, char *err, size_t errlen) WUR;

/* Inserts or replaces job j (all fields). When the stored content is identical the
 * row is left alone and *changed is 0, so re-imports do not churn the change feed.
 * j->updated_at, when NULL, is set by the caller's clock: pass now. */
int jobdb_upsert(sqlite3 *db, const job *j, time_t now, int *changed, char *err,
		 size_t errlen) WUR;

/* Deletes a job and records the deletion for the change feed. JOBDB_ENOTFOUND if
 * it did not exist. */
int jobdb_delete(sqlite3 *db, const char *id, time_t now, char *err, size_t errlen) WUR;

/* Reads a whole job into *j (initialised by the caller; release it afterwards). */
int jobdb_get(sqlite3 *db, const char *id, job *j, char *err, size_t errlen) WUR;

/* A page of search results; release with jobdb_page_release(). */
typedef struct jobdb_page {
	long long total;
	int page, per_page;
	int n;
	job *items; /* summaries */
} jobdb_page;

void jobdb_page_release(jobdb_page *p);

/* Runs a search as of the Seoul calendar day `today` (kdate day number): jobs whose
 * closing day has passed are not listed. JOBDB_EINVAL for an unknown region or
 * category or an unusable query, with the reason in err. */
int jobdb_search(sqlite3 *db, const jobq *q, int today, jobdb_page *out, char *err,
		 size_t errlen) WUR;

/* Builds {"total","page","per_page","items":[JobSummary...]}; you own the result. */
json_object *jobdb_page_to_json(const jobdb_page *p);

/* One page of the change feed after cursor `since` (NULL: from the beginning) with at
 * most `limit` entries, as the JSON object of GET /v1/jobs/changes. JOBDB_EGONE when
 * the cursor is malformed, from another data set, or older than the kept history. */
int jobdb_changes(sqlite3 *db, const char *since, int limit, json_object **out, char *err,
		  size_t errlen) WUR;

/* Forgets deletions recorded before `before`; cursors older than that get
 * JOBDB_EGONE afterwards. */
int jobdb_prune_deletes(sqlite3 *db, time_t before, char *err, size_t errlen) WUR;

/* Code lists. level is "province", "district" or "dong"; parent may be NULL. */
int jobdb_put_region(sqlite3 *db, const char *code, const char *name_ko, const char *name_en,
		     const char *parent, const char *level, int ord, char *err,
		     size_t errlen) WUR;
int jobdb_put_category(sqlite3 *db, const char *code, const char *name_ko, const char *name_en,
		       int ord, char *err, size_t errlen) WUR;
/* Looks up a region's or category's names into r (you own the strings). */
int jobdb_get_region(sqlite3 *db, const char *code, job_ref *r) WUR;
int jobdb_get_category(sqlite3 *db, const char *code, job_ref *r) WUR;
/* {"items":[...]} of GET /v1/regions and /v1/categories; you own the result. */
int jobdb_regions_json(sqlite3 *db, json_object **out, char *err, size_t errlen) WUR;
int jobdb_categories_json(sqlite3 *db, json_object **out, char *err, size_t errlen) WUR;

/* A number that changes whenever any job, region or category changes (for
 * response caches). */
int jobdb_generation(sqlite3 *db, long long *gen) WUR;

#endif
