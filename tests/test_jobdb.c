/* Unit tests: job storage, search and change feed (common/jobdb.c), with the sample
 * generator as data and a brute-force substring search as the oracle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <time.h>

#include "jobdb.h"
#include "kdate.h"
#include "ngram.h"
#include "refdata.h"
#include "sample.h"

#define N_JOBS 3000
#define SEED 7

static int today;

static int setup(void **state)
{
	sqlite3 *db;
	char err[256];
	long up, del;

	assert_int_equal(kdate_parse("2026-11-23", &today), 0);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(jobdb_connect(db, err, sizeof(err)), 0);
	assert_int_equal(jobdb_schema(db, err, sizeof(err)), 0);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TABLE topics(id TEXT PRIMARY KEY, name_ko, name_en, "
				      "duration_min, ord); CREATE TABLE counselors(id TEXT PRIMARY "
				      "KEY, name, topics, languages); CREATE TABLE availability("
				      "counselor_id, weekday, start_min, end_min);",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(ref_install(db, err, sizeof(err)), 0);
	assert_int_equal(sample_fill(db, SEED, N_JOBS, today, 1795000000, &up, &del, err,
				     sizeof(err)),
			 0);
	assert_int_equal(up, N_JOBS);
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	sqlite3_close(*state);
	return 0;
}

static long long scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Oracle: every word of q (already lower-case, separated by spaces) occurs as a
 * substring of title, company or description; the listing is still open. */
static long long oracle_count(sqlite3 *db, const char *words)
{
	buf sql;
	char *copy = strdup(words), *save = NULL;
	long long n;
	buf_init(&sql);
	buf_printf(&sql, "SELECT count(*) FROM jobs WHERE (closes_day IS NULL OR closes_day >= %d)",
		   today);
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
		buf_printf(&sql,
			   " AND instr(lower(title) || ' ' || lower(company) || ' ' || "
			   "lower(coalesce(description, '')), '%s') > 0",
			   w);
	n = scalar(db, sql.data);
	buf_release(&sql);
	free(copy);
	return n;
}

static long long search_total(sqlite3 *db, const char *k1, const char *v1, const char *k2,
			      const char *v2)
{
	jobq q;
	jobdb_page p;
	char err[256];
	long long total;
	jobq_init(&q);
	if (k1)
		assert_int_equal(jobq_set(&q, k1, v1, err, sizeof(err)), 0);
	if (k2)
		assert_int_equal(jobq_set(&q, k2, v2, err, sizeof(err)), 0);
	assert_int_equal(jobdb_search(db, &q, today, &p, err, sizeof(err)), 0);
	total = p.total;
	jobdb_page_release(&p);
	jobq_release(&q);
	return total;
}

static void test_search_matches_oracle(void **state)
{
	static const char *const queries[] = {
		/* one syllable */ "간", "사", "원", "호",
		/* two */ "간호", "사무", "물류", "조리", "보조", "서구",
		/* three */ "간호사", "바리스", "요양보", "상하차",
		/* five */ "간호조무사", "요양보호사", "물류센터상",
		/* several words, English, digits, nothing */
		"간호 광산구", "사무 보조", "tutor", "develop", "english", "qqq", "062",
	};
	sqlite3 *db = *state;
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		long long want = oracle_count(db, queries[i]);
		long long got = search_total(db, "q", queries[i], NULL, NULL);
		if (want != got)
			fail_msg("query '%s': search %lld, substring oracle %lld", queries[i], got,
				 want);
	}
	/* case-insensitive */
	assert_int_equal(search_total(db, "q", "TUTOR", NULL, NULL),
			 search_total(db, "q", "tutor", NULL, NULL));
	assert_true(search_total(db, "q", "간호", NULL, NULL) > 0);
}

static void test_filters(void **state)
{
	sqlite3 *db = *state;
	char sql[512];
	long long open;

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE closes_day IS NULL OR closes_day >= %d", today);
	open = scalar(db, sql);
	assert_true(open > N_JOBS / 2 && open < N_JOBS);
	assert_int_equal(search_total(db, NULL, NULL, NULL, NULL), open);
	assert_int_equal(search_total(db, "region", "29", NULL, NULL), open);

	/* A district includes its dongs. */
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE region_code LIKE '29140%%' AND (closes_day IS "
		 "NULL OR closes_day >= %d)",
		 today);
	long long seogu = scalar(db, sql);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE length(region_code) = 8 AND (closes_day IS NULL "
		 "OR closes_day >= %d)",
		 today);
	long long in_dongs = scalar(db, sql);
	assert_true(in_dongs > 0 && in_dongs < seogu);
	assert_int_equal(search_total(db, "region", "29140", NULL, NULL), seogu);
	assert_true(search_total(db, "region", "29140745", NULL, NULL) < in_dongs);

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE career IN (0, 2) AND (closes_day IS NULL OR "
		 "closes_day >= %d)",
		 today);
	assert_int_equal(search_total(db, "career", "new", NULL, NULL), scalar(db, sql));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE education <= 1 AND (closes_day IS NULL OR "
		 "closes_day >= %d)",
		 today);
	assert_int_equal(search_total(db, "education", "high_school", NULL, NULL), scalar(db, sql));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE closes_day BETWEEN %d AND %d", today, today + 7);
	assert_int_equal(search_total(db, "closing_within", "7", NULL, NULL), scalar(db, sql));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE salary_month_top >= 2500000 AND (closes_day IS "
		 "NULL OR closes_day >= %d)",
		 today);
	assert_int_equal(search_total(db, "salary_min", "2500000", NULL, NULL), scalar(db, sql));
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM jobs WHERE employment IN (1, 4) AND category_code = '53' AND"
		 " (closes_day IS NULL OR closes_day >= %d)",
		 today);
	assert_int_equal(search_total(db, "employment", "part_time,daily", "category", "53"),
			 scalar(db, sql));
}

static void test_unknown_codes(void **state)
{
	sqlite3 *db = *state;
	jobq q;
	jobdb_page p;
	char err[256];
	jobq_init(&q);
	assert_int_equal(jobq_set(&q, "region", "11110", err, sizeof(err)), 0);
	assert_int_equal(jobdb_search(db, &q, today, &p, err, sizeof(err)), JOBDB_EINVAL);
	jobq_release(&q);
	jobq_init(&q);
	assert_int_equal(jobq_set(&q, "category", "77", err, sizeof(err)), 0);
	assert_int_equal(jobdb_search(db, &q, today, &p, err, sizeof(err)), JOBDB_EINVAL);
	jobq_release(&q);
}

static void check_sorted(sqlite3 *db, const char *sort)
{
	jobq q;
	jobdb_page p;
	char err[256];
	jobq_init(&q);
	assert_int_equal(jobq_set(&q, "sort", sort, err, sizeof(err)), 0);
	assert_int_equal(jobq_set(&q, "per_page", "100", err, sizeof(err)), 0);
	assert_int_equal(jobq_set(&q, "page", "9", err, sizeof(err)), 0);
	assert_int_equal(jobdb_search(db, &q, today, &p, err, sizeof(err)), 0);
	assert_true(p.n > 0);
	for (int i = 1; i < p.n; i++) {
		job *a = &p.items[i - 1], *b = &p.items[i];
		if (strcmp(sort, "deadline") == 0) {
			if (!a->closes_at[0])
				assert_false(b->closes_at[0]); /* "until filled" last */
			else if (b->closes_at[0])
				assert_true(strcmp(a->closes_at, b->closes_at) <= 0);
		} else if (strcmp(sort, "salary") == 0) {
			long long x = job_salary_month_top(a), y = job_salary_month_top(b);
			if (x < 0)
				assert_true(y < 0);
			else if (y >= 0)
				assert_true(x >= y);
		} else {
			assert_true(strcmp(a->posted_at, b->posted_at) >= 0);
		}
	}
	jobdb_page_release(&p);
	jobq_release(&q);
}

static void test_sorts_and_pages(void **state)
{
	sqlite3 *db = *state;
	jobq q;
	jobdb_page p;
	char err[256];
	check_sorted(db, "deadline");
	check_sorted(db, "salary");
	check_sorted(db, "recent");
	/* a page past the end is empty but keeps the total */
	jobq_init(&q);
	assert_int_equal(jobq_set(&q, "page", "1000000", err, sizeof(err)), 0);
	assert_int_equal(jobdb_search(db, &q, today, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n, 0);
	assert_true(p.total > 0);
	jobdb_page_release(&p);
	jobq_release(&q);
}

/* Relevance (title matches first, then newest) against the straightforward SQL
 * the single-pass implementation replaced, page by page, and the prefix index
 * migration of databases made before it. */
static void check_relevance(sqlite3 *db, const char *words)
{
	buf m, t;
	char err[256], page[16];
	buf_init(&m);
	buf_init(&t);
	assert_true(ngram_match_expr(words, &m, err, sizeof(err)) > 0);
	buf_printf(&t, "title : (%s)", m.data);
	static const int pages[] = {1, 2, 3, 7, 40};
	for (size_t k = 0; k < sizeof(pages) / sizeof(*pages); k++) {
		jobq q;
		jobdb_page p;
		sqlite3_stmt *st;
		jobq_init(&q);
		snprintf(page, sizeof(page), "%d", pages[k]);
		assert_int_equal(jobq_set(&q, "q", words, err, sizeof(err)), 0);
		assert_int_equal(jobq_set(&q, "page", page, err, sizeof(err)), 0);
		assert_int_equal(jobq_set(&q, "per_page", "20", err, sizeof(err)), 0);
		assert_int_equal(jobdb_search(db, &q, today, &p, err, sizeof(err)), 0);
		assert_int_equal(sqlite3_prepare_v2(db,
			"SELECT j.id, count(*) OVER () FROM jobs_fts f JOIN job_facets x ON x.rowid = f.rowid"
			" JOIN jobs j ON j.rowid = x.rowid WHERE jobs_fts MATCH ?1 AND"
			" coalesce(x.closes_day, 2147483647) >= ?2 ORDER BY x.rowid NOT IN (SELECT rowid"
			" FROM jobs_fts WHERE jobs_fts MATCH ?3), x.posted_day DESC, x.rowid DESC"
			" LIMIT 20 OFFSET ?4", -1, &st, NULL), SQLITE_OK);
		sqlite3_bind_text(st, 1, m.data, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, today);
		sqlite3_bind_text(st, 3, t.data, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 4, (pages[k] - 1) * 20);
		int i = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			assert_true(i < p.n);
			assert_string_equal(p.items[i].id, (const char *)sqlite3_column_text(st, 0));
			assert_int_equal(p.total, sqlite3_column_int64(st, 1));
			i++;
		}
		assert_int_equal(i, p.n);
		sqlite3_finalize(st);
		jobdb_page_release(&p);
		jobq_release(&q);
	}
	buf_release(&m);
	buf_release(&t);
}

static void test_relevance_and_prefix_index(void **state)
{
	sqlite3 *db = *state;
	char err[256];
	static const char *const qs[] = {"사", "간", "간호", "물류 센터", "서구 사무", "요양보호사"};
	for (size_t i = 0; i < sizeof(qs) / sizeof(*qs); i++)
		check_relevance(db, qs[i]);
	/* a database from before the prefix index: rebuilt at the next start */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE jobs_fts; CREATE VIRTUAL TABLE jobs_fts USING"
				      " fts5(title, company, description, content='jobs',"
				      " content_rowid='rowid', tokenize='jk_ngram');"
				      " INSERT INTO jobs_fts(jobs_fts) VALUES('rebuild');",
				      NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(jobdb_schema(db, err, sizeof(err)), 0);
	assert_true(scalar(db, "SELECT sql LIKE '%prefix=''1''%' FROM sqlite_master WHERE name ="
			       " 'jobs_fts'") == 1);
	check_relevance(db, "사");
	check_relevance(db, "간호");
	assert_int_equal(scalar(db, "SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH '\"사\"*'"),
			 scalar(db, "SELECT count(*) FROM jobs WHERE title LIKE '%사%' OR company LIKE"
				    " '%사%' OR description LIKE '%사%'"));
}

/* Applies change pages from cursor until done; returns the final cursor and counts
 * upserts and deletes; ids collects upserted ids. */
static char *sync_from(sqlite3 *db, const char *cursor, int limit, long *ups, long *dels)
{
	char *cur = cursor ? strdup(cursor) : NULL;
	char err[256];
	*ups = *dels = 0;
	for (;;) {
		json_object *o, *v;
		assert_int_equal(jobdb_changes(db, cur, limit, &o, err, sizeof(err)), 0);
		json_object_object_get_ex(o, "upserts", &v);
		*ups += (long)json_object_array_length(v);
		json_object_object_get_ex(o, "deletes", &v);
		*dels += (long)json_object_array_length(v);
		json_object_object_get_ex(o, "cursor", &v);
		free(cur);
		cur = strdup(json_object_get_string(v));
		json_object_object_get_ex(o, "more", &v);
		int more = json_object_get_boolean(v);
		json_object_put(o);
		if (!more)
			return cur;
	}
}

static void test_changes(void **state)
{
	sqlite3 *db = *state;
	char err[256], *cur, *cur2;
	long ups, dels;
	json_object *o;
	job j;
	int changed;

	cur = sync_from(db, NULL, 250, &ups, &dels);
	assert_int_equal(ups, N_JOBS);
	assert_int_equal(dels, 0);
	/* nothing changed: empty page, same cursor */
	cur2 = sync_from(db, cur, 250, &ups, &dels);
	assert_int_equal(ups + dels, 0);
	assert_string_equal(cur, cur2);
	free(cur2);

	/* change 1 job, delete 2, re-upsert 1 unchanged (a no-op) */
	job_init(&j);
	assert_int_equal(jobdb_get(db, "S0000010", &j, err, sizeof(err)), 0);
	free(j.title);
	j.title = strdup("바뀐 제목");
	if (jobdb_upsert(db, &j, 1795000000, &changed, err, sizeof(err)) != 0)
		fail_msg("upsert: %s", err);
	assert_int_equal(changed, 1);
	assert_int_equal(jobdb_upsert(db, &j, 1795000000, &changed, err, sizeof(err)), 0);
	assert_int_equal(changed, 0);
	job_release(&j);
	assert_int_equal(jobdb_delete(db, "S0000011", 1795000000, err, sizeof(err)), 0);
	assert_int_equal(jobdb_delete(db, "S0000012", 1795000000, err, sizeof(err)), 0);
	assert_int_equal(jobdb_delete(db, "S0000012", 1795000000, err, sizeof(err)),
			 JOBDB_ENOTFOUND);
	cur2 = sync_from(db, cur, 1, &ups, &dels);
	assert_int_equal(ups, 1);
	assert_int_equal(dels, 2);
	assert_int_equal(search_total(db, "q", "바뀐", NULL, NULL), 1);

	/* malformed, foreign and future cursors are gone (410) */
	assert_int_equal(jobdb_changes(db, "garbage", 10, &o, err, sizeof(err)), JOBDB_EGONE);
	assert_int_equal(jobdb_changes(db, "", 10, &o, err, sizeof(err)), JOBDB_EGONE);
	assert_int_equal(jobdb_changes(db, "0123456789abcdef-1", 10, &o, err, sizeof(err)),
			 JOBDB_EGONE);
	char future[128];
	snprintf(future, sizeof(future), "%.*s-999999999", (int)(strchr(cur, '-') - cur), cur);
	assert_int_equal(jobdb_changes(db, future, 10, &o, err, sizeof(err)), JOBDB_EGONE);
	/* once old deletions are pruned, a cursor from before them is gone too */
	assert_int_equal(jobdb_prune_deletes(db, 1795000001, err, sizeof(err)), 0);
	assert_int_equal(jobdb_changes(db, cur, 10, &o, err, sizeof(err)), JOBDB_EGONE);
	assert_int_equal(jobdb_changes(db, cur2, 10, &o, err, sizeof(err)), 0);
	json_object_put(o);
	free(cur);
	free(cur2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_matches_oracle),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_sorts_and_pages),
		cmocka_unit_test(test_relevance_and_prefix_index),
		cmocka_unit_test(test_changes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
