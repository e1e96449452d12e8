#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "jobdb.h"
#include "booking.h"
#include "refdata.h"
#include "fleet.h"
#include "schedule.h"
#include "webauth.h"

struct store {
	char *path;
	int n;
	sqlite3 **conns;
	int *busy;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Service-only tables; the job tables come from jobdb. */
static const char service_schema[] =
	"CREATE TABLE IF NOT EXISTS tokens(hash TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL,"
	" hint TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER);"
	"CREATE INDEX IF NOT EXISTS tokens_kiosk ON tokens(kiosk_id);"
	/* A token change moves the data generation, which is what the server's token
	 * cache is checked against: a revocation takes effect on the next request. */
	"CREATE TRIGGER IF NOT EXISTS tokens_ai AFTER INSERT ON tokens BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER IF NOT EXISTS tokens_au AFTER UPDATE ON tokens BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER IF NOT EXISTS tokens_ad AFTER DELETE ON tokens BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TABLE IF NOT EXISTS topics(id TEXT PRIMARY KEY, name_ko TEXT NOT NULL,"
	" name_en TEXT NOT NULL, duration_min INTEGER NOT NULL, ord INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS counselors(id TEXT PRIMARY KEY, name TEXT NOT NULL,"
	" topics TEXT NOT NULL, languages TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS availability(counselor_id TEXT NOT NULL, weekday INTEGER NOT"
	" NULL, start_min INTEGER NOT NULL, end_min INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS import_runs(id INTEGER PRIMARY KEY, source TEXT NOT NULL,"
	" started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL, upserts INTEGER,"
	" deletes INTEGER, message TEXT);";


static int open_conn(const char *path, sqlite3 **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(path, &db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
		sqlite3_close(db);
		return STORE_EDB;
	}
	if (jobdb_connect(db, err, errlen) < 0 ||
	    /* a server searches the FTS index and job_facets all over: map the file
	     * (no read() per page) and keep a large page cache */
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
			     "PRAGMA foreign_keys=ON; PRAGMA mmap_size=1073741824;"
			     "PRAGMA cache_size=-32768;",
			 NULL, NULL, NULL) != SQLITE_OK) {
		if (!err[0])
			snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return STORE_EDB;
	}
	*out = db;
	return STORE_OK;
}

int store_open(const char *dir, int pool, store **out, char *err, size_t errlen)
{
	store *s;
	size_t plen;
	int rc;

	err[0] = '\0';
	if (util_mkdir_p(dir, 0750) < 0) {
		snprintf(err, errlen, "%s: cannot create directory: %s", dir, strerror(errno));
		return STORE_EIO;
	}
	s = xcalloc(1, sizeof(*s));
	plen = strlen(dir) + 32;
	s->path = xmalloc(plen);
	snprintf(s->path, plen, "%s/jobcenter.db", dir);
	s->n = pool < 1 ? 1 : pool;
	s->conns = xcalloc((size_t)s->n, sizeof(sqlite3 *));
	s->busy = xcalloc((size_t)s->n, sizeof(int));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);

	for (int i = 0; i < s->n; i++) {
		if ((rc = open_conn(s->path, &s->conns[i], err, errlen)) < 0)
			goto fail;
	}
	/* Schema and code lists, once, in one write transaction. */
	sqlite3 *db = s->conns[0];
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    jobdb_schema(db, err, errlen) < 0 ||
	    sqlite3_exec(db, service_schema, NULL, NULL, NULL) != SQLITE_OK ||
	    bk_schema(db, err, errlen) < 0 || sch_schema(db, err, errlen) < 0 ||
	    wa_schema(db, err, errlen) < 0 || fl_schema(db, err, errlen) < 0 ||
	    ref_install(db, err, errlen) < 0 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (!err[0])
			snprintf(err, errlen, "%s: %s", s->path, sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		rc = STORE_EDB;
		goto fail;
	}
	*out = s;
	return STORE_OK;
fail:
	store_destroy(s);
	return rc;
}

void store_destroy(store *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++)
		sqlite3_close(s->conns[i]);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s->conns);
	free(s->busy);
	free(s->path);
	free(s);
}

sqlite3 *store_acquire(store *s)
{
	pthread_mutex_lock(&s->mu);
	for (;;) {
		for (int i = 0; i < s->n; i++) {
			if (!s->busy[i]) {
				s->busy[i] = 1;
				pthread_mutex_unlock(&s->mu);
				return s->conns[i];
			}
		}
		pthread_cond_wait(&s->cv, &s->mu);
	}
}

void store_release(store *s, sqlite3 *db)
{
	pthread_mutex_lock(&s->mu);
	for (int i = 0; i < s->n; i++) {
		if (s->conns[i] == db) {
			s->busy[i] = 0;
			break;
		}
	}
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

const char *store_path(const store *s)
{
	return s->path;
}
