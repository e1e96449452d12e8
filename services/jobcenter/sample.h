/*
 * sample.h - a deterministic generator of realistic Gwangju job listings (five
 * districts, Seo-gu's administrative dongs, KECO categories, wages at and above the
 * 2026 minimum, deadlines around today, a few English listings) plus counselling
 * topics, counsellors and weekly availability. The same seed, count and day give
 * the same data, byte for byte.
 */
#ifndef JC_SAMPLE_H
#define JC_SAMPLE_H

#include <sqlite3.h>
#include <time.h>

#include "job.h"
#include "util.h"

/* Generates job number i (0-based) of a data set for seed, relative to Seoul day
 * `today`, into *j (initialised by the caller). */
void sample_job(unsigned long long seed, long i, int today, job *j);

/* Replaces the sample listings in db with n generated ones (upserts unchanged ones
 * as no-ops, deletes sample listings beyond n) and installs the counselling sample
 * data. One transaction. Returns 0, or -1 with err. *upserts and *deletes count changes. */
int sample_fill(sqlite3 *db, unsigned long long seed, long n, int today, time_t now,
		long *upserts, long *deletes, char *err, size_t errlen) WUR;

/* As sample_fill, with `revise` listings (spread evenly) re-posted with a changed
 * title and wage: a way to change exactly that many listings for sync tests and
 * benchmarks. revise 0 is sample_fill. */
int sample_fill_revised(sqlite3 *db, unsigned long long seed, long n, long revise, int today,
			time_t now, long *upserts, long *deletes, char *err, size_t errlen) WUR;

#endif
