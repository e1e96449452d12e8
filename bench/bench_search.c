/*
 * bench_search - latency of the search itself (common/jobdb.c), without HTTP or the
 * response cache: every query class run repeatedly against a jobcenter database.
 *
 *	bench_search DB [rounds]
 *
 * Prints p50 / p95 / p99 / max in milliseconds per class. Not a test: numbers go
 * to docs/benchmarks.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jobdb.h"
#include "kdate.h"

struct qcase {
	const char *cls;
	const char *params[8]; /* key, value pairs, NULL-terminated */
};

static const struct qcase cases[] = {
	{"no text, recent", {NULL}},
	{"1 syllable", {"q", "간", NULL}},
	{"1 syllable", {"q", "사", NULL}},
	{"2 syllables", {"q", "간호", NULL}},
	{"2 syllables", {"q", "사무", NULL}},
	{"2 syllables", {"q", "물류", NULL}},
	{"3 syllables", {"q", "간호사", NULL}},
	{"3 syllables", {"q", "바리스", NULL}},
	{"5 syllables", {"q", "간호조무사", NULL}},
	{"5 syllables", {"q", "요양보호사", NULL}},
	{"1 syl + filters", {"q", "사", "region", "29140", NULL}},
	{"1 syl + filters", {"q", "사", "employment", "full_time", "career", "new", NULL}},
	{"2 syl + filters", {"q", "사무", "region", "29140", "career", "new", NULL}},
	{"3 syl + filters", {"q", "간호사", "employment", "full_time,contract", NULL}},
	{"filters only", {"region", "29140745", "sort", "deadline", NULL}},
	{"filters only", {"category", "53", "salary_min", "2500000", "sort", "salary", NULL}},
};

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	char err[256];
	int rounds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 50;
	int today = kdate_seoul_day(time(NULL));
	const char *last = "";

	if (argc < 2) {
		fprintf(stderr, "usage: bench_search DB [rounds]\n");
		return 2;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    jobdb_connect(db, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench_search: cannot open %s\n", argv[1]);
		return 1;
	}
	/* BENCH_PRAGMAS="PRAGMA cache_size=-8192;" tries other memory settings */
	if (getenv("BENCH_PRAGMAS") &&
	    sqlite3_exec(db, getenv("BENCH_PRAGMAS"), NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_search: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	printf("%-18s %-34s %8s %8s %8s %8s %8s\n", "class", "query", "total", "p50", "p95",
	       "p99", "max");
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		double *t = calloc((size_t)rounds, sizeof(double));
		long long total = 0;
		char desc[128] = "";
		for (int k = 0; cases[c].params[k]; k += 2) {
			size_t l = strlen(desc);
			snprintf(desc + l, sizeof(desc) - l, "%s%s=%s", l ? "&" : "",
				 cases[c].params[k], cases[c].params[k + 1]);
		}
		for (int r = 0; r < rounds; r++) {
			jobq q;
			jobdb_page p;
			jobq_init(&q);
			for (int k = 0; cases[c].params[k]; k += 2)
				if (jobq_set(&q, cases[c].params[k], cases[c].params[k + 1], err,
					     sizeof(err)) < 0)
					return fprintf(stderr, "%s\n", err), 1;
			double t0 = util_now_ms();
			if (jobdb_search(db, &q, today, &p, err, sizeof(err)) < 0)
				return fprintf(stderr, "%s\n", err), 1;
			t[r] = util_now_ms() - t0;
			total = p.total;
			jobdb_page_release(&p);
			jobq_release(&q);
		}
		qsort(t, (size_t)rounds, sizeof(double), cmp_d);
		printf("%-18s %-34s %8lld %8.2f %8.2f %8.2f %8.2f\n",
		       strcmp(last, cases[c].cls) ? cases[c].cls : "", desc[0] ? desc : "-", total,
		       t[rounds / 2], t[rounds * 95 / 100], t[rounds * 99 / 100], t[rounds - 1]);
		last = cases[c].cls;
		free(t);
	}
	sqlite3_close(db);
	return 0;
}
