/*
 * job.h - the job listing model shared by the services and the kiosk, and its JSON
 * form (JobSummary and Job of docs/api/jobcenter-api-v1.md).
 *
 * A job is a transparent value: the caller embeds it, job_init() it, and
 * job_release() frees every string it owns. Strings are UTF-8, NULL when absent.
 * All functions may be called from any thread on distinct jobs.
 */
#ifndef JK_JOB_H
#define JK_JOB_H

#include <json-c/json.h>

#include "util.h"

enum job_employment {
	JOB_EMP_FULL_TIME,
	JOB_EMP_PART_TIME,
	JOB_EMP_CONTRACT,
	JOB_EMP_INTERNSHIP,
	JOB_EMP_DAILY,
	JOB_EMP_COUNT
};
enum job_career { JOB_CAREER_NEW, JOB_CAREER_EXPERIENCED, JOB_CAREER_ANY, JOB_CAREER_COUNT };
/* Ordered: a requirement is met by a person at that level or above. */
enum job_education {
	JOB_EDU_ANY,
	JOB_EDU_HIGH_SCHOOL,
	JOB_EDU_COLLEGE,
	JOB_EDU_UNIVERSITY,
	JOB_EDU_GRADUATE,
	JOB_EDU_COUNT
};
enum job_salary {
	JOB_SAL_HOURLY,
	JOB_SAL_DAILY,
	JOB_SAL_MONTHLY,
	JOB_SAL_ANNUAL,
	JOB_SAL_NEGOTIABLE,
	JOB_SAL_COUNT
};
enum job_enum_kind { JOB_ENUM_EMPLOYMENT, JOB_ENUM_CAREER, JOB_ENUM_EDUCATION, JOB_ENUM_SALARY };

/* A coded reference with its names (region, category). */
typedef struct job_ref {
	char *code;
	char *name_ko;
	char *name_en;
} job_ref;

typedef struct job {
	char *id;
	char *title;
	char *company;
	job_ref region;
	job_ref category;
	int employment; /* enum job_employment */
	int career;     /* enum job_career */
	int education;  /* enum job_education */
	int salary_type;	/* enum job_salary */
	long long salary_min; /* KRW in salary_type's unit; -1 when absent */
	long long salary_max; /* -1 when absent */
	char posted_at[11];   /* YYYY-MM-DD */
	char closes_at[11];   /* YYYY-MM-DD, or "" for "until filled" */
	char *source;	      /* "work24", "sample", ... */
	char *updated_at;     /* RFC 3339 */
	/* Detail fields (NULL in a summary). */
	char *description;
	char *requirements;
	char *benefits;
	char *work_hours;
	char *address;
	char *contact_name;
	char *contact_phone;
	char *apply_url;
	int has_geo;
	double lat, lon;
} job;

void job_init(job *j);
void job_release(job *j);

/* The wire name of an enum value ("full_time"), or NULL when out of range. */
const char *job_enum_name(enum job_enum_kind kind, int value);
/* Parses a wire name; returns the value or -1 when unknown. */
int job_enum_parse(enum job_enum_kind kind, const char *name);

/* The top of the salary range converted to KRW per month (hourly x 209, daily x
 * 21.75, annual / 12), or -1 for negotiable or no amount. */
long long job_salary_month_top(const job *j);

/* Builds the JSON object: a JobSummary, or the full Job when detail is non-zero.
 * You own the returned object (json_object_put). */
json_object *job_to_json(const job *j, int detail);

/* Fills *j (initialised by the caller) from a JobSummary or Job object, checking the
 * type of every field. Unknown fields are ignored. Returns 0, or -1 with a reason in
 * err; on failure *j holds whatever was read and must still be released. */
int job_from_json(json_object *o, job *j, char *err, size_t errlen) WUR;

#endif
