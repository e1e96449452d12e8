/*
 * jobq.h - a job search request (the query parameters of GET /v1/jobs), parsed and
 * validated. The service fills one from the URL; the kiosk fills one from its
 * search screen and runs it against the server or its offline cache. Value type;
 * any thread.
 */
#ifndef JK_JOBQ_H
#define JK_JOBQ_H

#include "buf.h"
#include "util.h"

enum jobq_sort { JOBQ_SORT_DEFAULT, JOBQ_SORT_RELEVANCE, JOBQ_SORT_RECENT, JOBQ_SORT_DEADLINE,
		 JOBQ_SORT_SALARY };

#define JOBQ_MAX_Q_CHARS 100 /* characters of free text */
#define JOBQ_MAX_PAGE 1000000
#define JOBQ_MAX_CLOSING_WITHIN 365

typedef struct jobq {
	char *q;		/* free text, NULL when absent; owned */
	char region[16];	/* "" when absent */
	char category[16];	/* "" when absent */
	unsigned employment;	/* bit (1 << enum job_employment) per accepted type; 0 = any */
	int career;		/* -1 any, JOB_CAREER_NEW or JOB_CAREER_EXPERIENCED */
	int education;		/* -1 any, else the person's enum job_education */
	long long salary_min;	/* KRW per month, -1 when absent */
	int closing_within;	/* days, -1 when absent */
	int sort;		/* enum jobq_sort */
	int page;		/* from 1 */
	int per_page;		/* 1..100 */
	unsigned seen;		/* parameters already set, to refuse duplicates */
} jobq;

enum jobq_err { JOBQ_OK = 0, JOBQ_EVALUE = -1, JOBQ_EUNKNOWN = -2, JOBQ_EDUP = -3 };

void jobq_init(jobq *q);
void jobq_release(jobq *q);

/* Sets one parameter from its text form. Returns JOBQ_OK, or an error with a message
 * naming the parameter in err: JOBQ_EVALUE for a bad or unknown value, JOBQ_EUNKNOWN
 * for a parameter that GET /v1/jobs does not have, JOBQ_EDUP when set twice. */
int jobq_set(jobq *q, const char *key, const char *value, char *err, size_t errlen) WUR;

/* The sort that applies: the explicit one, else relevance with text, else recent. */
int jobq_effective_sort(const jobq *q);

/* Appends the canonical query string (sorted keys, defaults omitted) to out: equal
 * searches give equal strings, so it serves as a cache key and for building URLs. */
void jobq_canonical(const jobq *q, buf *out);

#endif
