#include "jobq.h"

#include <stdio.h>
#include <string.h>

#include "job.h"
#include "utf8.h"

enum {
	P_Q = 1 << 0,
	P_REGION = 1 << 1,
	P_CATEGORY = 1 << 2,
	P_EMPLOYMENT = 1 << 3,
	P_CAREER = 1 << 4,
	P_EDUCATION = 1 << 5,
	P_SALARY_MIN = 1 << 6,
	P_CLOSING = 1 << 7,
	P_SORT = 1 << 8,
	P_PAGE = 1 << 9,
	P_PER_PAGE = 1 << 10,
};

static const char *const sort_names[] = {"", "relevance", "recent", "deadline", "salary"};

void jobq_init(jobq *q)
{
	memset(q, 0, sizeof(*q));
	q->career = -1;
	q->education = -1;
	q->salary_min = -1;
	q->closing_within = -1;
	q->page = 1;
	q->per_page = 20;
}

void jobq_release(jobq *q)
{
	if (q->q) {
		util_wipe(q->q, strlen(q->q));
		free(q->q);
	}
	jobq_init(q);
}

static int code_ok(const char *v, size_t max)
{
	size_t n = strlen(v);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static int set_employment(jobq *q, const char *v)
{
	const char *p = v;
	unsigned mask = 0;

	while (1) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char name[32];
		int t;
		if (n == 0 || n >= sizeof(name))
			return -1;
		memcpy(name, p, n);
		name[n] = '\0';
		if ((t = job_enum_parse(JOB_ENUM_EMPLOYMENT, name)) < 0)
			return -1;
		mask |= 1u << t;
		if (!e)
			break;
		p = e + 1;
	}
	q->employment = mask;
	return 0;
}

int jobq_set(jobq *q, const char *key, const char *v, char *err, size_t errlen)
{
	unsigned bit;
	long long n;

	if (!v)
		v = "";
#define BAD(...)                                                                                   \
	do {                                                                                       \
		snprintf(err, errlen, __VA_ARGS__);                                                \
		return JOBQ_EVALUE;                                                                \
	} while (0)

	if (strcmp(key, "q") == 0) {
		size_t len = strlen(v);
		bit = P_Q;
		if (q->seen & bit)
			goto dup;
		if (!utf8_valid(v, len))
			BAD("q: not valid UTF-8 text");
		if (utf8_count(v, len) > JOBQ_MAX_Q_CHARS)
			BAD("q: longer than %d characters", JOBQ_MAX_Q_CHARS);
		q->q = xstrdup(v);
	} else if (strcmp(key, "region") == 0) {
		bit = P_REGION;
		if (q->seen & bit)
			goto dup;
		if (!code_ok(v, sizeof(q->region) - 1))
			BAD("region: not a region code");
		memcpy(q->region, v, strlen(v) + 1);
	} else if (strcmp(key, "category") == 0) {
		bit = P_CATEGORY;
		if (q->seen & bit)
			goto dup;
		if (!code_ok(v, sizeof(q->category) - 1))
			BAD("category: not a category code");
		memcpy(q->category, v, strlen(v) + 1);
	} else if (strcmp(key, "employment") == 0) {
		bit = P_EMPLOYMENT;
		if (q->seen & bit)
			goto dup;
		if (set_employment(q, v) < 0)
			BAD("employment: expected full_time, part_time, contract, internship or "
			    "daily, comma-separated");
	} else if (strcmp(key, "career") == 0) {
		bit = P_CAREER;
		if (q->seen & bit)
			goto dup;
		if (strcmp(v, "new") == 0)
			q->career = JOB_CAREER_NEW;
		else if (strcmp(v, "experienced") == 0)
			q->career = JOB_CAREER_EXPERIENCED;
		else
			BAD("career: expected new or experienced");
	} else if (strcmp(key, "education") == 0) {
		bit = P_EDUCATION;
		if (q->seen & bit)
			goto dup;
		q->education = job_enum_parse(JOB_ENUM_EDUCATION, v);
		if (q->education <= JOB_EDU_ANY) {
			q->education = -1;
			BAD("education: expected high_school, college, university or graduate");
		}
	} else if (strcmp(key, "salary_min") == 0) {
		bit = P_SALARY_MIN;
		if (q->seen & bit)
			goto dup;
		if (util_parse_long(v, 0, 1000000000LL, &n) < 0)
			BAD("salary_min: expected KRW per month, 0..1000000000");
		q->salary_min = n;
	} else if (strcmp(key, "closing_within") == 0) {
		bit = P_CLOSING;
		if (q->seen & bit)
			goto dup;
		if (util_parse_long(v, 0, JOBQ_MAX_CLOSING_WITHIN, &n) < 0)
			BAD("closing_within: expected days, 0..%d", JOBQ_MAX_CLOSING_WITHIN);
		q->closing_within = (int)n;
	} else if (strcmp(key, "sort") == 0) {
		bit = P_SORT;
		if (q->seen & bit)
			goto dup;
		q->sort = -1;
		for (int i = 1; i < (int)ARRAY_LEN(sort_names); i++)
			if (strcmp(v, sort_names[i]) == 0)
				q->sort = i;
		if (q->sort < 0) {
			q->sort = JOBQ_SORT_DEFAULT;
			BAD("sort: expected relevance, recent, deadline or salary");
		}
	} else if (strcmp(key, "page") == 0) {
		bit = P_PAGE;
		if (q->seen & bit)
			goto dup;
		if (util_parse_long(v, 1, JOBQ_MAX_PAGE, &n) < 0)
			BAD("page: expected 1..%d", JOBQ_MAX_PAGE);
		q->page = (int)n;
	} else if (strcmp(key, "per_page") == 0) {
		bit = P_PER_PAGE;
		if (q->seen & bit)
			goto dup;
		if (util_parse_long(v, 1, 100, &n) < 0)
			BAD("per_page: expected 1..100");
		q->per_page = (int)n;
	} else {
		snprintf(err, errlen, "unknown parameter '%.40s'", key);
		return JOBQ_EUNKNOWN;
	}
	q->seen |= bit;
	return JOBQ_OK;
dup:
	snprintf(err, errlen, "parameter '%s' given twice", key);
	return JOBQ_EDUP;
#undef BAD
}

int jobq_effective_sort(const jobq *q)
{
	if (q->sort != JOBQ_SORT_DEFAULT)
		return q->sort;
	return q->q && q->q[0] ? JOBQ_SORT_RELEVANCE : JOBQ_SORT_RECENT;
}

static void add_pct(buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
}

void jobq_canonical(const jobq *q, buf *out)
{
	size_t start = out->len;
#define SEP() (out->len > start ? buf_addc(out, '&') : (void)0)
	if (q->career >= 0) {
		SEP();
		buf_adds(out, q->career == JOB_CAREER_NEW ? "career=new" : "career=experienced");
	}
	if (q->category[0]) {
		SEP();
		buf_adds(out, "category=");
		add_pct(out, q->category);
	}
	if (q->closing_within >= 0) {
		SEP();
		buf_printf(out, "closing_within=%d", q->closing_within);
	}
	if (q->education >= 0) {
		SEP();
		buf_printf(out, "education=%s", job_enum_name(JOB_ENUM_EDUCATION, q->education));
	}
	if (q->employment) {
		int first = 1;
		SEP();
		buf_adds(out, "employment=");
		for (int t = 0; t < JOB_EMP_COUNT; t++) {
			if (!(q->employment & (1u << t)))
				continue;
			if (!first)
				buf_adds(out, "%2C");
			buf_adds(out, job_enum_name(JOB_ENUM_EMPLOYMENT, t));
			first = 0;
		}
	}
	if (q->page != 1) {
		SEP();
		buf_printf(out, "page=%d", q->page);
	}
	if (q->per_page != 20) {
		SEP();
		buf_printf(out, "per_page=%d", q->per_page);
	}
	if (q->q && q->q[0]) {
		SEP();
		buf_adds(out, "q=");
		add_pct(out, q->q);
	}
	if (q->region[0]) {
		SEP();
		buf_adds(out, "region=");
		add_pct(out, q->region);
	}
	if (q->salary_min >= 0) {
		SEP();
		buf_printf(out, "salary_min=%lld", q->salary_min);
	}
	if (q->sort != JOBQ_SORT_DEFAULT) {
		SEP();
		buf_printf(out, "sort=%s", sort_names[q->sort]);
	}
#undef SEP
}
