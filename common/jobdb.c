#include "jobdb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "kdate.h"
#include "log.h"
#include "ngram.h"

#define SUMMARY_COLS                                                                               \
	"j.id, j.title, j.company, j.region_code, j.region_ko, j.region_en, j.category_code, "   \
	"j.category_ko, j.category_en, j.employment, j.career, j.education, j.salary_type, "     \
	"j.salary_min, j.salary_max, j.posted_at, j.closes_at, j.source, j.updated_at"
#define N_SUMMARY_COLS 19
#define DETAIL_COLS                                                                                \
	"j.description, j.requirements, j.benefits, j.work_hours, j.address, j.contact_name, "   \
	"j.contact_phone, j.apply_url, j.lat, j.lon"

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS jobdb_meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO jobdb_meta VALUES('seq', 0), ('min_seq', 0), ('gen', 0),"
	" ('epoch', lower(hex(randomblob(8))));"
	"CREATE TABLE IF NOT EXISTS regions(code TEXT PRIMARY KEY, name_ko TEXT NOT NULL,"
	" name_en TEXT NOT NULL, parent TEXT, level TEXT NOT NULL, ord INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS categories(code TEXT PRIMARY KEY, name_ko TEXT NOT NULL,"
	" name_en TEXT NOT NULL, ord INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS jobs("
	" rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, seq INTEGER NOT NULL,"
	" hash TEXT NOT NULL, title TEXT NOT NULL, company TEXT NOT NULL,"
	" region_code TEXT NOT NULL, region_ko TEXT, region_en TEXT,"
	" category_code TEXT NOT NULL, category_ko TEXT, category_en TEXT,"
	" employment INTEGER NOT NULL, career INTEGER NOT NULL, education INTEGER NOT NULL,"
	" salary_type INTEGER NOT NULL, salary_min INTEGER, salary_max INTEGER,"
	" salary_month_top INTEGER, posted_at TEXT NOT NULL, posted_day INTEGER NOT NULL,"
	" closes_at TEXT, closes_day INTEGER, source TEXT, updated_at TEXT NOT NULL,"
	" description TEXT, requirements TEXT, benefits TEXT, work_hours TEXT, address TEXT,"
	" contact_name TEXT, contact_phone TEXT, apply_url TEXT, lat REAL, lon REAL);"
	"CREATE INDEX IF NOT EXISTS jobs_seq ON jobs(seq);"
	/* What search filters and sorts on, in rows of ~40 bytes that stay in the page
	 * cache (jobs rows carry the long texts): the search reads only this table
	 * and the FTS index, then fetches the page's rows from jobs. */
	"CREATE TABLE IF NOT EXISTS job_facets(rowid INTEGER PRIMARY KEY,"
	" region_code TEXT NOT NULL, category_code TEXT NOT NULL, employment INTEGER NOT NULL,"
	" career INTEGER NOT NULL, education INTEGER NOT NULL, salary_month_top INTEGER,"
	" posted_day INTEGER NOT NULL, closes_day INTEGER);"
	"CREATE INDEX IF NOT EXISTS job_facets_recent ON job_facets(posted_day DESC, rowid);"
	"CREATE INDEX IF NOT EXISTS job_facets_deadline ON job_facets(closes_day);"
	"CREATE INDEX IF NOT EXISTS job_facets_region ON job_facets(region_code);"
	"CREATE INDEX IF NOT EXISTS job_facets_category ON job_facets(category_code);"
	"CREATE TABLE IF NOT EXISTS job_deletes(seq INTEGER PRIMARY KEY, id TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS jobs_fts USING fts5(title, company, description,"
	" content='jobs', content_rowid='rowid', tokenize='" NGRAM_TOKENIZER "', prefix='1');"
	/* Triggers are recreated at every start, so an upgraded binary brings its own. */
	"DROP TRIGGER IF EXISTS jobs_ai;"
	"DROP TRIGGER IF EXISTS jobs_ad;"
	"DROP TRIGGER IF EXISTS jobs_au;"
	"DROP TRIGGER IF EXISTS regions_ai;"
	"DROP TRIGGER IF EXISTS regions_au;"
	"DROP TRIGGER IF EXISTS categories_ai;"
	"DROP TRIGGER IF EXISTS categories_au;"
	"CREATE TRIGGER jobs_ai AFTER INSERT ON jobs BEGIN"
	" INSERT INTO jobs_fts(rowid, title, company, description)"
	"  VALUES (new.rowid, new.title, new.company, new.description);"
	" INSERT INTO job_facets VALUES (new.rowid, new.region_code, new.category_code,"
	"  new.employment, new.career, new.education, new.salary_month_top, new.posted_day,"
	"  new.closes_day);"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER jobs_ad AFTER DELETE ON jobs BEGIN"
	" INSERT INTO jobs_fts(jobs_fts, rowid, title, company, description)"
	"  VALUES ('delete', old.rowid, old.title, old.company, old.description);"
	" DELETE FROM job_facets WHERE rowid = old.rowid;"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER jobs_au AFTER UPDATE ON jobs BEGIN"
	" INSERT INTO jobs_fts(jobs_fts, rowid, title, company, description)"
	"  VALUES ('delete', old.rowid, old.title, old.company, old.description);"
	" INSERT INTO jobs_fts(rowid, title, company, description)"
	"  VALUES (new.rowid, new.title, new.company, new.description);"
	/* UPDATE, not INSERT OR REPLACE: an UPSERT's conflict clause overrides a
	 * trigger's own. */
	" UPDATE job_facets SET region_code = new.region_code,"
	"  category_code = new.category_code, employment = new.employment,"
	"  career = new.career, education = new.education,"
	"  salary_month_top = new.salary_month_top, posted_day = new.posted_day,"
	"  closes_day = new.closes_day WHERE rowid = new.rowid;"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER regions_ai AFTER INSERT ON regions BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER regions_au AFTER UPDATE ON regions BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER categories_ai AFTER INSERT ON categories BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;"
	"CREATE TRIGGER categories_au AFTER UPDATE ON categories BEGIN"
	" UPDATE jobdb_meta SET value = value + 1 WHERE key = 'gen'; END;";

static int db_fail(sqlite3 *db, int rc, char *err, size_t errlen, const char *what)
{
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	return (rc & 0xff) == SQLITE_FULL ? JOBDB_EFULL : JOBDB_EDB;
}

int jobdb_connect(sqlite3 *db, char *err, size_t errlen)
{
	if (ngram_register(db) < 0) {
		snprintf(err, errlen, "SQLite lacks FTS5");
		return JOBDB_EDB;
	}
	sqlite3_busy_timeout(db, 5000);
	return JOBDB_OK;
}

/* job_facets is derived from jobs; rebuilt when the two disagree (a database from
 * before the table existed, or one restored from a partial copy). */
static const char facets_repair_sql[] =
	"DELETE FROM job_facets;"
	"INSERT INTO job_facets SELECT rowid, region_code, category_code, employment, career,"
	" education, salary_month_top, posted_day, closes_day FROM jobs;";

/* 1 when an existing jobs_fts lacks the one-character prefix index (databases
 * made before it): it is rebuilt. */
static int fts_outdated(sqlite3 *db)
{
	sqlite3_stmt *st;
	int old = 0;
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE name = 'jobs_fts'", -1, &st,
			       NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		old = !strstr((const char *)sqlite3_column_text(st, 0), "prefix='1'");
	sqlite3_finalize(st);
	return old;
}

int jobdb_schema(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rebuild = fts_outdated(db), same = 1, rc;
	if (rebuild && (rc = sqlite3_exec(db, "DROP TABLE jobs_fts", NULL, NULL, NULL)) != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "schema");
	rc = sqlite3_exec(db, schema_sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "schema");
	/* the index again, from the listings (seconds for 100k; once) */
	if (rebuild && (rc = sqlite3_exec(db, "INSERT INTO jobs_fts(jobs_fts) VALUES('rebuild')",
					  NULL, NULL, NULL)) != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "schema");
	rc = sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM jobs) = "
				    "(SELECT count(*) FROM job_facets)", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "schema");
	if (sqlite3_step(st) == SQLITE_ROW)
		same = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (!same && (rc = sqlite3_exec(db, facets_repair_sql, NULL, NULL, NULL)) != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "schema");
	return JOBDB_OK;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const char *s = col_text(st, i);
	return s ? xstrdup(s) : NULL;
}

static void read_summary(sqlite3_stmt *st, int c, job *j)
{
	const char *s;
	j->id = col_dup(st, c + 0);
	j->title = col_dup(st, c + 1);
	j->company = col_dup(st, c + 2);
	j->region.code = col_dup(st, c + 3);
	j->region.name_ko = col_dup(st, c + 4);
	j->region.name_en = col_dup(st, c + 5);
	j->category.code = col_dup(st, c + 6);
	j->category.name_ko = col_dup(st, c + 7);
	j->category.name_en = col_dup(st, c + 8);
	j->employment = sqlite3_column_int(st, c + 9);
	j->career = sqlite3_column_int(st, c + 10);
	j->education = sqlite3_column_int(st, c + 11);
	j->salary_type = sqlite3_column_int(st, c + 12);
	j->salary_min = sqlite3_column_type(st, c + 13) == SQLITE_NULL
				? -1
				: sqlite3_column_int64(st, c + 13);
	j->salary_max = sqlite3_column_type(st, c + 14) == SQLITE_NULL
				? -1
				: sqlite3_column_int64(st, c + 14);
	if ((s = col_text(st, c + 15)) && strlen(s) == 10)
		memcpy(j->posted_at, s, 11);
	if ((s = col_text(st, c + 16)) && strlen(s) == 10)
		memcpy(j->closes_at, s, 11);
	j->source = col_dup(st, c + 17);
	j->updated_at = col_dup(st, c + 18);
}

static void read_detail(sqlite3_stmt *st, int c, job *j)
{
	j->description = col_dup(st, c + 0);
	j->requirements = col_dup(st, c + 1);
	j->benefits = col_dup(st, c + 2);
	j->work_hours = col_dup(st, c + 3);
	j->address = col_dup(st, c + 4);
	j->contact_name = col_dup(st, c + 5);
	j->contact_phone = col_dup(st, c + 6);
	j->apply_url = col_dup(st, c + 7);
	if (sqlite3_column_type(st, c + 8) != SQLITE_NULL &&
	    sqlite3_column_type(st, c + 9) != SQLITE_NULL) {
		j->has_geo = 1;
		j->lat = sqlite3_column_double(st, c + 8);
		j->lon = sqlite3_column_double(st, c + 9);
	}
}

/* The stored content's fingerprint: everything but updated_at, so a re-import of
 * unchanged data (whose source may not carry a modification time) is a no-op. */
static void job_fingerprint(const job *j, char out[33])
{
	json_object *o = job_to_json(j, 1);
	unsigned char h[16];
	const char *s;

	json_object_object_del(o, "updated_at");
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s), NULL, 0);
	util_hex(h, sizeof(h), out);
	json_object_put(o);
}

static int next_seq(sqlite3 *db, long long *seq, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
				    "UPDATE jobdb_meta SET value = value + 1 WHERE key = 'seq' "
				    "RETURNING value",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "seq");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? JOBDB_OK : db_fail(db, rc, err, errlen, "seq");
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_int_or_null(sqlite3_stmt *st, int i, long long v)
{
	if (v >= 0)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int jobdb_upsert(sqlite3 *db, const job *j, time_t now, int *changed, char *err, size_t errlen)
{
	char hash[33], nowbuf[32];
	sqlite3_stmt *st = NULL;
	long long seq;
	int rc, ret, posted, closes = 0;

	*changed = 0;
	if (!j->id || !j->title || !j->company || !j->region.code || !j->category.code ||
	    kdate_parse(j->posted_at, &posted) < 0 ||
	    (j->closes_at[0] && kdate_parse(j->closes_at, &closes) < 0)) {
		snprintf(err, errlen, "job %s: missing or malformed field", j->id ? j->id : "?");
		return JOBDB_EINVAL;
	}
	job_fingerprint(j, hash);
	rc = sqlite3_prepare_v2(db, "SELECT hash FROM jobs WHERE id = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "upsert");
	sqlite3_bind_text(st, 1, j->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && strcmp(col_text(st, 0), hash) == 0) {
		sqlite3_finalize(st);
		return JOBDB_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, err, errlen, "upsert");

	if ((ret = next_seq(db, &seq, err, errlen)) < 0)
		return ret;
	rc = sqlite3_prepare_v2(
		db,
		"INSERT INTO jobs(id, seq, hash, title, company, region_code, region_ko, region_en,"
		" category_code, category_ko, category_en, employment, career, education,"
		" salary_type, salary_min, salary_max, salary_month_top, posted_at, posted_day,"
		" closes_at, closes_day, source, updated_at, description, requirements, benefits,"
		" work_hours, address, contact_name, contact_phone, apply_url, lat, lon)"
		" VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,"
		" ?21,?22,?23,?24,?25,?26,?27,?28,?29,?30,?31,?32,?33,?34)"
		" ON CONFLICT(id) DO UPDATE SET seq=excluded.seq, hash=excluded.hash,"
		" title=excluded.title, company=excluded.company, region_code=excluded.region_code,"
		" region_ko=excluded.region_ko, region_en=excluded.region_en,"
		" category_code=excluded.category_code, category_ko=excluded.category_ko,"
		" category_en=excluded.category_en, employment=excluded.employment,"
		" career=excluded.career, education=excluded.education,"
		" salary_type=excluded.salary_type, salary_min=excluded.salary_min,"
		" salary_max=excluded.salary_max, salary_month_top=excluded.salary_month_top,"
		" posted_at=excluded.posted_at, posted_day=excluded.posted_day,"
		" closes_at=excluded.closes_at, closes_day=excluded.closes_day,"
		" source=excluded.source, updated_at=excluded.updated_at,"
		" description=excluded.description, requirements=excluded.requirements,"
		" benefits=excluded.benefits, work_hours=excluded.work_hours,"
		" address=excluded.address, contact_name=excluded.contact_name,"
		" contact_phone=excluded.contact_phone, apply_url=excluded.apply_url,"
		" lat=excluded.lat, lon=excluded.lon",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "upsert");
	sqlite3_bind_text(st, 1, j->id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, seq);
	sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, j->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, j->company, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, j->region.code, -1, SQLITE_STATIC);
	bind_text_or_null(st, 7, j->region.name_ko);
	bind_text_or_null(st, 8, j->region.name_en);
	sqlite3_bind_text(st, 9, j->category.code, -1, SQLITE_STATIC);
	bind_text_or_null(st, 10, j->category.name_ko);
	bind_text_or_null(st, 11, j->category.name_en);
	sqlite3_bind_int(st, 12, j->employment);
	sqlite3_bind_int(st, 13, j->career);
	sqlite3_bind_int(st, 14, j->education);
	sqlite3_bind_int(st, 15, j->salary_type);
	bind_int_or_null(st, 16, j->salary_type == JOB_SAL_NEGOTIABLE ? -1 : j->salary_min);
	bind_int_or_null(st, 17, j->salary_type == JOB_SAL_NEGOTIABLE ? -1 : j->salary_max);
	bind_int_or_null(st, 18, job_salary_month_top(j));
	sqlite3_bind_text(st, 19, j->posted_at, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 20, posted);
	if (j->closes_at[0]) {
		sqlite3_bind_text(st, 21, j->closes_at, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 22, closes);
	}
	bind_text_or_null(st, 23, j->source);
	if (!j->updated_at)
		kdate_format_rfc3339(now, nowbuf);
	sqlite3_bind_text(st, 24, j->updated_at ? j->updated_at : nowbuf, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 25, j->description);
	bind_text_or_null(st, 26, j->requirements);
	bind_text_or_null(st, 27, j->benefits);
	bind_text_or_null(st, 28, j->work_hours);
	bind_text_or_null(st, 29, j->address);
	bind_text_or_null(st, 30, j->contact_name);
	bind_text_or_null(st, 31, j->contact_phone);
	bind_text_or_null(st, 32, j->apply_url);
	if (j->has_geo) {
		sqlite3_bind_double(st, 33, j->lat);
		sqlite3_bind_double(st, 34, j->lon);
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err, errlen, "upsert");
	/* A job that comes back after a deletion is no longer deleted. */
	rc = sqlite3_prepare_v2(db, "DELETE FROM job_deletes WHERE id = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "upsert");
	sqlite3_bind_text(st, 1, j->id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err, errlen, "upsert");
	*changed = 1;
	return JOBDB_OK;
}

int jobdb_delete(sqlite3 *db, const char *id, time_t now, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	long long seq;
	int rc, ret;

	rc = sqlite3_prepare_v2(db, "DELETE FROM jobs WHERE id = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "delete");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, err, errlen, "delete");
	if (sqlite3_changes(db) == 0)
		return JOBDB_ENOTFOUND;
	if ((ret = next_seq(db, &seq, err, errlen)) < 0)
		return ret;
	rc = sqlite3_prepare_v2(db, "INSERT INTO job_deletes(seq, id, at) VALUES (?, ?, ?)", -1,
				&st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "delete");
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? JOBDB_OK : db_fail(db, rc, err, errlen, "delete");
}

int jobdb_get(sqlite3 *db, const char *id, job *j, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "SELECT " SUMMARY_COLS ", " DETAIL_COLS
					" FROM jobs j WHERE j.id = ?",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "get");
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_summary(st, 0, j);
		read_detail(st, N_SUMMARY_COLS, j);
		sqlite3_finalize(st);
		return JOBDB_OK;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return JOBDB_ENOTFOUND;
	return db_fail(db, rc, err, errlen, "get");
}

void jobdb_page_release(jobdb_page *p)
{
	for (int i = 0; i < p->n; i++)
		job_release(&p->items[i]);
	free(p->items);
	memset(p, 0, sizeof(*p));
}

static int code_exists(sqlite3 *db, const char *table, const char *code, int *exists)
{
	char sql[96];
	sqlite3_stmt *st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE code = ?", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*exists = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Positional parameters of the search's WHERE clause, bound in order. */
struct sbind {
	int n;
	struct {
		int is_text;
		long long i;
		const char *s;
	} v[16];
};

static void sb_int(struct sbind *b, long long i)
{
	b->v[b->n].is_text = 0;
	b->v[b->n++].i = i;
}

static void sb_text(struct sbind *b, const char *s)
{
	b->v[b->n].is_text = 1;
	b->v[b->n++].s = s;
}

static void sb_apply(const struct sbind *b, sqlite3_stmt *st)
{
	for (int i = 0; i < b->n; i++) {
		if (b->v[i].is_text)
			sqlite3_bind_text(st, i + 1, b->v[i].s, -1, SQLITE_STATIC);
		else
			sqlite3_bind_int64(st, i + 1, b->v[i].i);
	}
}

/* Fetches the summary of one job by rowid into j. */
static int fetch_summary(sqlite3_stmt *st, long long rowid, job *j)
{
	int rc;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, rowid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_summary(st, 0, j);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* A candidate for a relevance page: title tier (0 = the title has the words),
 * then newest, then the higher rowid. */
struct cand {
	int tier;
	int posted;
	long long rowid;
};

/* a before b in the page's order */
static int cand_before(const struct cand *a, const struct cand *b)
{
	if (a->tier != b->tier)
		return a->tier < b->tier;
	if (a->posted != b->posted)
		return a->posted > b->posted;
	return a->rowid > b->rowid;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	return cand_before(a, b) ? -1 : cand_before(b, a) ? 1 : 0;
}

/* Sift down in a heap whose root is the candidate that comes last in page order. */
static void heap_down(struct cand *h, long long n, long long i)
{
	for (;;) {
		long long l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && cand_before(&h[m], &h[l]))
			m = l;
		if (r < n && cand_before(&h[m], &h[r]))
			m = r;
		if (m == i)
			return;
		struct cand t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/*
 * Sorting by relevance in one pass: one walk over the matches returns each with
 * its title tier (jk_tier, an FTS5 auxiliary function: does every query word
 * match in the title?), counts them and keeps the first `keep` in a bounded heap.
 * (As SQL, "ORDER BY rowid NOT IN (subquery on title : ...)" built an ephemeral
 * index and walked every match twice: 55 ms for a one-syllable query matching 72%
 * of 100k listings.) Returns SQLITE_OK with *total and the page's rowids in ids
 * (*got of them), or an SQLite error code.
 */
static int relevance_page(sqlite3 *db, const struct sbind *b, const char *sql_rows,
			  long long offset, int per_page, long long *total, long long *ids,
			  long long *got)
{
	sqlite3_stmt *st = NULL;
	long long keep = offset + per_page, n = 0;
	struct cand *heap = NULL;
	int rc;

	*total = *got = 0;
	if ((rc = sqlite3_prepare_v2(db, sql_rows, -1, &st, NULL)) != SQLITE_OK)
		return rc;
	sb_apply(b, st);
	/* grown with the matches, not sized by the page asked for: page=1000000
	 * must not ask for gigabytes before knowing there are a few hundred */
	long long cap = keep < 1024 ? keep : 1024;
	heap = xcalloc((size_t)cap + 1, sizeof(*heap));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cand c;
		c.rowid = sqlite3_column_int64(st, 0);
		c.posted = sqlite3_column_int(st, 1);
		c.tier = sqlite3_column_int(st, 2);
		(*total)++;
		if (n < keep && n == cap) {
			cap = cap * 2 < keep ? cap * 2 : keep;
			heap = xrealloc(heap, ((size_t)cap + 1) * sizeof(*heap));
		}
		if (n < keep) {
			/* sift up */
			long long i = n++;
			heap[i] = c;
			while (i > 0 && cand_before(&heap[(i - 1) / 2], &heap[i])) {
				struct cand t = heap[i];
				heap[i] = heap[(i - 1) / 2];
				heap[(i - 1) / 2] = t;
				i = (i - 1) / 2;
			}
		} else if (keep > 0 && cand_before(&c, &heap[0])) {
			heap[0] = c;
			heap_down(heap, n, 0);
		}
	}
	if (rc != SQLITE_DONE)
		goto out;
	rc = SQLITE_OK;
	if (n > 1)
		qsort(heap, (size_t)n, sizeof(*heap), cand_cmp);
	for (long long i = offset; i < n && *got < per_page; i++)
		ids[(*got)++] = heap[i].rowid;
out:
	sqlite3_finalize(st);
	free(heap);
	return rc;
}

/*
 * Two statements over the narrow job_facets table (and the FTS index): a count for
 * the total, then the page's rowids with a bounded sort. Only the page's rows are
 * then read from the wide jobs table.
 *
 * Relevance (the default with text) is tiered, not bm25: listings whose title holds
 * every query word come first, then the rest; within a tier the newest first. It is
 * what a person expects from a job board, is stable across paging, and costs one
 * extra index lookup instead of scoring every match (bm25 over 15,000 matches of
 * "사무" took 40 ms on 100k listings).
 */
int jobdb_search(sqlite3 *db, const jobq *q, int today, jobdb_page *out, char *err,
		 size_t errlen)
{
	buf match, title_match, where, sql;
	struct sbind b = {0};
	char region_glob[24];
	sqlite3_stmt *st = NULL, *row = NULL;
	long long *ids = NULL, offset, n = 0;
	int rc, ret = JOBDB_OK, exists, words = 0, sort;

	memset(out, 0, sizeof(*out));
	out->page = q->page;
	out->per_page = q->per_page;
	buf_init(&match);
	buf_init(&title_match);
	buf_init(&where);
	buf_init(&sql);

	if (q->region[0]) {
		if (code_exists(db, "regions", q->region, &exists) < 0)
			goto dberr;
		if (!exists) {
			snprintf(err, errlen, "region: unknown region code '%s'", q->region);
			ret = JOBDB_EINVAL;
			goto out;
		}
	}
	if (q->category[0]) {
		if (code_exists(db, "categories", q->category, &exists) < 0)
			goto dberr;
		if (!exists) {
			snprintf(err, errlen, "category: unknown category code '%s'", q->category);
			ret = JOBDB_EINVAL;
			goto out;
		}
	}
	if (q->q && (words = ngram_match_expr(q->q, &match, err, errlen)) < 0) {
		ret = JOBDB_EINVAL;
		goto out;
	}
	sort = jobq_effective_sort(q);
	if (sort == JOBQ_SORT_RELEVANCE && words == 0)
		sort = JOBQ_SORT_RECENT;

	if (words > 0) {
		/* Driven by the index: each match looks up its facets row. */
		buf_adds(&where, " AND jobs_fts MATCH ?");
		sb_text(&b, match.data);
	}
	/* Not "IS NULL OR >=": that becomes a multi-index OR plus a sort (70 ms on 100k);
	 * this is a plain scan filter and lets ORDER BY walk an index. */
	buf_adds(&where, " AND coalesce(x.closes_day, 2147483647) >= ?");
	sb_int(&b, today);
	if (q->region[0]) {
		/* Codes nest by prefix: 29 > 29140 > 29140575. */
		snprintf(region_glob, sizeof(region_glob), "%s*", q->region);
		buf_adds(&where, " AND x.region_code GLOB ?");
		sb_text(&b, region_glob);
	}
	if (q->category[0]) {
		buf_adds(&where, " AND x.category_code = ?");
		sb_text(&b, q->category);
	}
	if (q->employment) {
		buf_adds(&where, " AND x.employment IN (");
		for (int t = 0, first = 1; t < JOB_EMP_COUNT; t++) {
			if (q->employment & (1u << t)) {
				buf_printf(&where, first ? "%d" : ",%d", t);
				first = 0;
			}
		}
		buf_addc(&where, ')');
	}
	if (q->career >= 0) {
		buf_adds(&where, " AND x.career IN (?, ?)");
		sb_int(&b, q->career);
		sb_int(&b, JOB_CAREER_ANY);
	}
	if (q->education >= 0) {
		buf_adds(&where, " AND x.education <= ?");
		sb_int(&b, q->education);
	}
	if (q->salary_min >= 0) {
		buf_adds(&where, " AND x.salary_month_top >= ?");
		sb_int(&b, q->salary_min);
	}
	if (q->closing_within >= 0) {
		buf_adds(&where, " AND x.closes_day BETWEEN ? AND ?");
		sb_int(&b, today);
		sb_int(&b, (long long)today + q->closing_within);
	}

	/* The total: an aggregate, which SQLite runs without a row-by-row return. */
	const char *from = words > 0 ? " FROM jobs_fts f JOIN job_facets x ON x.rowid = f.rowid"
				     : " FROM job_facets x";
	offset = (long long)(q->page - 1) * q->per_page;
	if (sort == JOBQ_SORT_RELEVANCE) {
		long long got = 0;
		buf_adds(&sql, "SELECT x.rowid, x.posted_day, jk_tier(jobs_fts) FROM jobs_fts"
			       " JOIN job_facets x ON x.rowid = jobs_fts.rowid WHERE 1");
		buf_add(&sql, where.data, where.len);
		ids = xcalloc((size_t)q->per_page, sizeof(long long));
		rc = relevance_page(db, &b, sql.data, offset, q->per_page, &out->total, ids, &got);
		if (rc != SQLITE_OK)
			goto dberr;
		if ((rc = sqlite3_prepare_v2(db, "SELECT " SUMMARY_COLS " FROM jobs j WHERE j.rowid = ?",
					     -1, &row, NULL)) != SQLITE_OK)
			goto dberr;
		out->items = xcalloc((size_t)q->per_page, sizeof(job));
		for (long long k = 0; k < got; k++) {
			job_init(&out->items[out->n]);
			if (fetch_summary(row, ids[k], &out->items[out->n]) < 0)
				goto dberr;
			out->n++;
		}
		goto out;
	}
	buf_printf(&sql, "SELECT count(*)%s WHERE 1", from);
	buf_add(&sql, where.data, where.len);
	if ((rc = sqlite3_prepare_v2(db, sql.data, -1, &st, NULL)) != SQLITE_OK)
		goto dberr;
	sb_apply(&b, st);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		goto dberr;
	n = out->total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (offset >= n)
		goto out;

	/* The page: ordered with a bounded sort (LIMIT), rowids only. */
	buf_reset(&sql);
	buf_printf(&sql, "SELECT x.rowid%s WHERE 1", from);
	buf_add(&sql, where.data, where.len);
	buf_adds(&sql, " ORDER BY ");
	switch (sort) {
	case JOBQ_SORT_DEADLINE:
		buf_adds(&sql, "x.closes_day IS NULL, x.closes_day, x.rowid DESC");
		break;
	case JOBQ_SORT_SALARY:
		buf_adds(&sql, "x.salary_month_top IS NULL, x.salary_month_top DESC, x.rowid DESC");
		break;
	default:
		buf_adds(&sql, "x.posted_day DESC, x.rowid DESC");
		break;
	}
	buf_printf(&sql, " LIMIT %d OFFSET %lld", q->per_page, offset);
	if ((rc = sqlite3_prepare_v2(db, sql.data, -1, &st, NULL)) != SQLITE_OK)
		goto dberr;
	sb_apply(&b, st);
	ids = xcalloc((size_t)q->per_page, sizeof(long long));
	long long got = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && got < q->per_page)
		ids[got++] = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		goto dberr;

	if ((rc = sqlite3_prepare_v2(db, "SELECT " SUMMARY_COLS " FROM jobs j WHERE j.rowid = ?",
				     -1, &row, NULL)) != SQLITE_OK)
		goto dberr;
	out->items = xcalloc((size_t)q->per_page, sizeof(job));
	for (long long k = 0; k < got; k++) {
		job_init(&out->items[out->n]);
		if (fetch_summary(row, ids[k], &out->items[out->n]) < 0)
			goto dberr;
		out->n++;
	}
	goto out;
dberr:
	ret = db_fail(db, sqlite3_errcode(db), err, errlen, "search");
	jobdb_page_release(out);
out:
	free(ids);
	sqlite3_finalize(st);
	sqlite3_finalize(row);
	buf_release(&match);
	buf_release(&title_match);
	buf_release(&where);
	buf_release(&sql);
	return ret;
}

json_object *jobdb_page_to_json(const jobdb_page *p)
{
	json_object *o = json_object_new_object();
	json_object *items = json_object_new_array_ext(p->n);
	json_object_object_add(o, "total", json_object_new_int64(p->total));
	json_object_object_add(o, "page", json_object_new_int(p->page));
	json_object_object_add(o, "per_page", json_object_new_int(p->per_page));
	for (int i = 0; i < p->n; i++)
		json_object_array_add(items, job_to_json(&p->items[i], 0));
	json_object_object_add(o, "items", items);
	return o;
}

static int meta_get(sqlite3 *db, const char *key, sqlite3_int64 *iv, char *sv, size_t svlen)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, "SELECT value FROM jobdb_meta WHERE key = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (iv)
			*iv = sqlite3_column_int64(st, 0);
		if (sv)
			snprintf(sv, svlen, "%s", col_text(st, 0) ? col_text(st, 0) : "");
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int jobdb_generation(sqlite3 *db, long long *gen)
{
	sqlite3_int64 v;
	if (meta_get(db, "gen", &v, NULL, 0) < 0)
		return JOBDB_EDB;
	*gen = v;
	return JOBDB_OK;
}

/* Cursor: "<epoch>-<seq>"; the epoch changes when the data set is recreated. */
static int parse_cursor(const char *c, const char *epoch, long long *seq)
{
	size_t el = strlen(epoch);
	if (strncmp(c, epoch, el) != 0 || c[el] != '-')
		return -1;
	return util_parse_long(c + el + 1, 0, (1LL << 62), seq);
}

int jobdb_changes(sqlite3 *db, const char *since, int limit, json_object **out, char *err,
		  size_t errlen)
{
	char epoch[40], cursor[80];
	sqlite3_int64 cur_seq, min_seq;
	long long from = 0, last;
	sqlite3_stmt *up = NULL, *del = NULL;
	json_object *o = NULL, *ups, *dels;
	int rc, ret = JOBDB_OK, n = 0, more = 0, rup, rdel;

	*out = NULL;
	/* One read transaction: the page and the cursor come from the same snapshot. */
	if ((rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL)) != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "changes");
	if (meta_get(db, "epoch", NULL, epoch, sizeof(epoch)) < 0 ||
	    meta_get(db, "seq", &cur_seq, NULL, 0) < 0 ||
	    meta_get(db, "min_seq", &min_seq, NULL, 0) < 0) {
		ret = db_fail(db, sqlite3_errcode(db), err, errlen, "changes");
		goto out;
	}
	if (since) {
		if (parse_cursor(since, epoch, &from) < 0 || from > cur_seq || from < min_seq) {
			snprintf(err, errlen, "cursor unknown or expired; sync again from the start");
			ret = JOBDB_EGONE;
			goto out;
		}
	}
	if ((rc = sqlite3_prepare_v2(db, "SELECT j.seq, " SUMMARY_COLS ", " DETAIL_COLS
					 " FROM jobs j WHERE j.seq > ? ORDER BY j.seq LIMIT ?",
				     -1, &up, NULL)) != SQLITE_OK ||
	    (rc = sqlite3_prepare_v2(db,
				     "SELECT seq, id FROM job_deletes WHERE seq > ? AND ? > 0 "
				     "ORDER BY seq LIMIT ?",
				     -1, &del, NULL)) != SQLITE_OK) {
		ret = db_fail(db, rc, err, errlen, "changes");
		goto out;
	}
	sqlite3_bind_int64(up, 1, from);
	sqlite3_bind_int(up, 2, limit + 1);
	sqlite3_bind_int64(del, 1, from);
	sqlite3_bind_int64(del, 2, from);
	sqlite3_bind_int(del, 3, limit + 1);

	o = json_object_new_object();
	ups = json_object_new_array();
	dels = json_object_new_array();
	last = from;
	rup = sqlite3_step(up);
	rdel = sqlite3_step(del);
	/* Merge the two streams by sequence number. */
	while (rup == SQLITE_ROW || rdel == SQLITE_ROW) {
		long long su = rup == SQLITE_ROW ? sqlite3_column_int64(up, 0) : -1;
		long long sd = rdel == SQLITE_ROW ? sqlite3_column_int64(del, 0) : -1;
		if (n == limit) {
			more = 1;
			break;
		}
		if (su >= 0 && (sd < 0 || su < sd)) {
			job j;
			job_init(&j);
			read_summary(up, 1, &j);
			read_detail(up, N_SUMMARY_COLS + 1, &j);
			json_object_array_add(ups, job_to_json(&j, 1));
			job_release(&j);
			last = su;
			rup = sqlite3_step(up);
		} else {
			json_object_array_add(dels, json_object_new_string(col_text(del, 1)));
			last = sd;
			rdel = sqlite3_step(del);
		}
		n++;
	}
	if ((rup != SQLITE_ROW && rup != SQLITE_DONE) || (rdel != SQLITE_ROW && rdel != SQLITE_DONE)) {
		ret = db_fail(db, sqlite3_errcode(db), err, errlen, "changes");
		goto out;
	}
	/* With nothing more to send, the cursor is the snapshot's high-water mark. */
	snprintf(cursor, sizeof(cursor), "%s-%lld", epoch, more ? last : (long long)cur_seq);
	json_object_object_add(o, "cursor", json_object_new_string(cursor));
	json_object_object_add(o, "upserts", ups);
	json_object_object_add(o, "deletes", dels);
	json_object_object_add(o, "more", json_object_new_boolean(more));
	*out = o;
	o = NULL;
out:
	json_object_put(o);
	sqlite3_finalize(up);
	sqlite3_finalize(del);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return ret;
}

int jobdb_prune_deletes(sqlite3 *db, time_t before, char *err, size_t errlen)
{
	char sql[256];
	int rc;
	snprintf(sql, sizeof(sql),
		 "UPDATE jobdb_meta SET value = max(value, (SELECT coalesce(max(seq), 0) FROM "
		 "job_deletes WHERE at < %lld)) WHERE key = 'min_seq';"
		 "DELETE FROM job_deletes WHERE at < %lld;",
		 (long long)before, (long long)before);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? JOBDB_OK : db_fail(db, rc, err, errlen, "prune");
}

int jobdb_put_region(sqlite3 *db, const char *code, const char *name_ko, const char *name_en,
		     const char *parent, const char *level, int ord, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
		db,
		"INSERT INTO regions(code, name_ko, name_en, parent, level, ord) VALUES (?,?,?,?,?,?)"
		" ON CONFLICT(code) DO UPDATE SET name_ko=excluded.name_ko, name_en=excluded.name_en,"
		" parent=excluded.parent, level=excluded.level, ord=excluded.ord"
		" WHERE (name_ko, name_en, parent, level, ord) IS NOT (excluded.name_ko,"
		" excluded.name_en, excluded.parent, excluded.level, excluded.ord)",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "region");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name_ko, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name_en, -1, SQLITE_STATIC);
	bind_text_or_null(st, 4, parent);
	sqlite3_bind_text(st, 5, level, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, ord);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? JOBDB_OK : db_fail(db, rc, err, errlen, "region");
}

int jobdb_put_category(sqlite3 *db, const char *code, const char *name_ko, const char *name_en,
		       int ord, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
		db,
		"INSERT INTO categories(code, name_ko, name_en, ord) VALUES (?,?,?,?)"
		" ON CONFLICT(code) DO UPDATE SET name_ko=excluded.name_ko,"
		" name_en=excluded.name_en, ord=excluded.ord"
		" WHERE (name_ko, name_en, ord) IS NOT (excluded.name_ko, excluded.name_en,"
		" excluded.ord)",
		-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "category");
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name_ko, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name_en, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, ord);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? JOBDB_OK : db_fail(db, rc, err, errlen, "category");
}

static int get_ref(sqlite3 *db, const char *sql, const char *code, job_ref *r)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return JOBDB_EDB;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->code = col_dup(st, 0);
		r->name_ko = col_dup(st, 1);
		r->name_en = col_dup(st, 2);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? JOBDB_OK : rc == SQLITE_DONE ? JOBDB_ENOTFOUND : JOBDB_EDB;
}

int jobdb_get_region(sqlite3 *db, const char *code, job_ref *r)
{
	return get_ref(db, "SELECT code, name_ko, name_en FROM regions WHERE code = ?", code, r);
}

int jobdb_get_category(sqlite3 *db, const char *code, job_ref *r)
{
	return get_ref(db, "SELECT code, name_ko, name_en FROM categories WHERE code = ?", code, r);
}

static int list_json(sqlite3 *db, const char *sql, int with_region, json_object **out, char *err,
		     size_t errlen)
{
	sqlite3_stmt *st;
	json_object *items;
	int rc;

	if ((rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL)) != SQLITE_OK)
		return db_fail(db, rc, err, errlen, "list");
	items = json_object_new_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_object *it = json_object_new_object();
		json_object_object_add(it, "code", json_object_new_string(col_text(st, 0)));
		json_object_object_add(it, "name_ko", json_object_new_string(col_text(st, 1)));
		json_object_object_add(it, "name_en", json_object_new_string(col_text(st, 2)));
		if (with_region) {
			const char *p = col_text(st, 3);
			json_object_object_add(it, "parent", p ? json_object_new_string(p) : NULL);
			json_object_object_add(it, "level", json_object_new_string(col_text(st, 4)));
		}
		json_object_array_add(items, it);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		json_object_put(items);
		return db_fail(db, rc, err, errlen, "list");
	}
	*out = json_object_new_object();
	json_object_object_add(*out, "items", items);
	return JOBDB_OK;
}

int jobdb_regions_json(sqlite3 *db, json_object **out, char *err, size_t errlen)
{
	return list_json(db, "SELECT code, name_ko, name_en, parent, level FROM regions ORDER BY ord",
			 1, out, err, errlen);
}

int jobdb_categories_json(sqlite3 *db, json_object **out, char *err, size_t errlen)
{
	return list_json(db, "SELECT code, name_ko, name_en FROM categories ORDER BY ord", 0, out,
			 err, errlen);
}
