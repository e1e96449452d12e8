#include "kdate.h"

#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil / civil_from_days. */
int kdate_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int)doe - 719468;
}

void kdate_to_ymd(int z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int yy = (int)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yy + (*m <= 2);
}

static int two_digits(const char *s)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	return (s[0] - '0') * 10 + (s[1] - '0');
}

static int days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

int kdate_parse(const char *s, int *days)
{
	int hi, lo, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	hi = two_digits(s);
	lo = two_digits(s + 2);
	m = two_digits(s + 5);
	d = two_digits(s + 8);
	if (hi < 0 || lo < 0 || m < 1 || m > 12 || d < 1)
		return -1;
	if (d > days_in_month(hi * 100 + lo, m))
		return -1;
	*days = kdate_from_ymd(hi * 100 + lo, m, d);
	return 0;
}

void kdate_format(int days, char *out)
{
	int y, m, d;
	kdate_to_ymd(days, &y, &m, &d);
	/* Bounded by construction: y in 0..9999, m 1..12, d 1..31. */
	y = y < 0 ? 0 : y % 10000;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

int kdate_seoul_day(time_t t)
{
	long long s = (long long)t + KDATE_SEOUL_OFFSET;
	return (int)((s >= 0 ? s : s - 86399) / 86400);
}

void kdate_format_rfc3339(time_t t, char *out)
{
	long long s = (long long)t + KDATE_SEOUL_OFFSET;
	int day = kdate_seoul_day(t);
	int sod = (int)(s - (long long)day * 86400);
	char date[11];
	kdate_format(day, date);
	snprintf(out, 26, "%.10sT%02u:%02u:%02u+09:00", date, (unsigned)(sod / 3600) % 24u,
		 (unsigned)(sod / 60 % 60) % 60u, (unsigned)(sod % 60) % 60u);
}

int kdate_parse_rfc3339(const char *s, time_t *out)
{
	char date[11];
	int day, hh, mi, ss, off = 0;
	const char *p;

	if (strlen(s) < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (kdate_parse(date, &day) < 0)
		return -1;
	hh = two_digits(s + 11);
	mi = two_digits(s + 14);
	ss = two_digits(s + 17);
	if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
		off = 0;
	} else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int oh = two_digits(p + 1), om = two_digits(p + 4);
		if (oh < 0 || oh > 23 || om < 0 || om > 59)
			return -1;
		off = (oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
	} else {
		return -1;
	}
	*out = (time_t)((long long)day * 86400 + hh * 3600 + mi * 60 + ss - off);
	return 0;
}
