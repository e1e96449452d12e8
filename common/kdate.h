/*
 * kdate.h - calendar dates and timestamps as the Job Support Center uses them.
 *
 * A date is a day number (days since 1970-01-01, proleptic Gregorian). The centre
 * works in Asia/Seoul, which is UTC+9 all year (no daylight saving since 1988), so
 * "today" is computed with a fixed offset and no tz database. Pure functions.
 */
#ifndef JK_KDATE_H
#define JK_KDATE_H

#include <time.h>

#include "util.h"

#define KDATE_SEOUL_OFFSET (9 * 3600)

/* Day number of the civil date y-m-d (no validation). */
int kdate_from_ymd(int y, int m, int d);
/* Inverse of kdate_from_ymd. */
void kdate_to_ymd(int days, int *y, int *m, int *d);
/* Parses exactly "YYYY-MM-DD" (a real calendar date). Returns 0 or -1. */
int kdate_parse(const char *s, int *days) WUR;
/* Formats as "YYYY-MM-DD" into out (at least 11 bytes). */
void kdate_format(int days, char *out);
/* The date in Seoul at the instant t. */
int kdate_seoul_day(time_t t);
/* Formats t as RFC 3339 in Seoul time, "2026-11-21T09:12:00+09:00" (26 bytes). */
void kdate_format_rfc3339(time_t t, char *out);
/* Parses an RFC 3339 timestamp with 'Z' or a +hh:mm/-hh:mm offset. Returns 0 or -1. */
int kdate_parse_rfc3339(const char *s, time_t *out) WUR;

#endif
