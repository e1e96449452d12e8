/*
 * work24.h - importing job listings from the Work24 (고용24, formerly WorkNet) open
 * API: its list and detail XML responses (from files or fetched live), mapped to
 * our job model. See tests/fixtures/work24/FORMAT.md for the quirks handled here.
 *
 * Typical use: create a batch, add every response body (list pages, details),
 * then apply it to the database in one transaction. A batch is owned by one thread.
 */
#ifndef JC_WORK24_H
#define JC_WORK24_H

#include <sqlite3.h>
#include <time.h>

#include "job.h"
#include "util.h"

enum w24_err {
	W24_OK = 0,
	W24_EAPI = -1,	  /* a well-formed error response (bad key, no data, ...) */
	W24_EXML = -2,	  /* not well-formed XML */
	W24_EFORMAT = -3, /* XML, but not a Work24 list or detail response */
	W24_ENET = -4,	  /* fetching failed */
	W24_EDB = -5,	  /* applying to the database failed */
};

typedef struct w24_batch w24_batch;

w24_batch *w24_batch_create(void);
void w24_batch_destroy(w24_batch *b);

/* Parses one response body and keeps its listings. On W24_EAPI err holds the API's
 * code and message; the batch is unchanged by a failed add. */
int w24_batch_add(w24_batch *b, const char *data, size_t len, char *err, size_t errlen) WUR;

/* Number of listings held, and whether the list pages seen cover the whole result
 * (every listing of the reported total), which is what allows deleting listings
 * that are no longer published. */
size_t w24_batch_count(const w24_batch *b);
int w24_batch_complete(const w24_batch *b);

/* Converts listing i to a job (initialised by the caller) as of Seoul day `today`.
 * Returns 0, or -1 with the reason when the listing lacks what a job needs. */
int w24_batch_job(const w24_batch *b, size_t i, int today, job *j, char *err, size_t errlen) WUR;

typedef struct w24_result {
	long upserts, unchanged, deletes, skipped;
} w24_result;

/* Writes the batch into db in one transaction: listings upserted (unchanged ones are
 * no-ops), and, when the batch is complete, Work24 listings that disappeared are
 * deleted. Listings that cannot be mapped are skipped and counted. */
int w24_apply(sqlite3 *db, const w24_batch *b, int today, time_t now, w24_result *res,
	      char *err, size_t errlen) WUR;

typedef struct w24_fetch_opts {
	const char *list_url;	/* e.g. https://www.work24.go.kr/cm/openApi/call/wk/callOpenApiSvcInfo210L01.do */
	const char *detail_url; /* ...210D01.do, or NULL to skip details */
	const char *key;	/* authKey; never logged */
	const char *regions;	/* "29110|29140|..." */
	int max_pages;		/* safety bound, e.g. 100 (of 100 listings each) */
	int max_details;	/* details fetched per run */
	long timeout_s;
} w24_fetch_opts;

/* Fetches every list page (and up to max_details details) into b. */
int w24_fetch(const w24_fetch_opts *o, w24_batch *b, char *err, size_t errlen) WUR;

#endif
