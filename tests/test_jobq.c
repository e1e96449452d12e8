/* Unit tests: search request parsing and validation (common/jobq.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "job.h"
#include "jobq.h"

static int set(jobq *q, const char *k, const char *v)
{
	char err[200];
	return jobq_set(q, k, v, err, sizeof(err));
}

static void test_valid(void **s)
{
	jobq q;
	buf b;
	(void)s;
	jobq_init(&q);
	assert_int_equal(set(&q, "q", "간호 사무"), JOBQ_OK);
	assert_int_equal(set(&q, "region", "29140"), JOBQ_OK);
	assert_int_equal(set(&q, "employment", "part_time,full_time"), JOBQ_OK);
	assert_int_equal(q.employment, (1u << JOB_EMP_PART_TIME) | (1u << JOB_EMP_FULL_TIME));
	assert_int_equal(set(&q, "career", "new"), JOBQ_OK);
	assert_int_equal(set(&q, "education", "college"), JOBQ_OK);
	assert_int_equal(q.education, JOB_EDU_COLLEGE);
	assert_int_equal(set(&q, "salary_min", "2500000"), JOBQ_OK);
	assert_int_equal(set(&q, "closing_within", "7"), JOBQ_OK);
	assert_int_equal(set(&q, "sort", "deadline"), JOBQ_OK);
	assert_int_equal(set(&q, "page", "3"), JOBQ_OK);
	assert_int_equal(set(&q, "per_page", "100"), JOBQ_OK);
	buf_init(&b);
	jobq_canonical(&q, &b);
	assert_string_equal(b.data, "career=new&closing_within=7&education=college&employment=full_time%"
				    "2Cpart_time&page=3&per_page=100&q=%EA%B0%84%ED%98%B8%20%EC%82%AC%"
				    "EB%AC%B4&region=29140&salary_min=2500000&sort=deadline");
	buf_release(&b);
	jobq_release(&q);
}

static void test_defaults(void **s)
{
	jobq q;
	buf b;
	(void)s;
	jobq_init(&q);
	assert_int_equal(jobq_effective_sort(&q), JOBQ_SORT_RECENT);
	assert_int_equal(set(&q, "q", "물류"), JOBQ_OK);
	assert_int_equal(jobq_effective_sort(&q), JOBQ_SORT_RELEVANCE);
	buf_init(&b);
	jobq_canonical(&q, &b);
	assert_string_equal(b.data, "q=%EB%AC%BC%EB%A5%98");
	buf_release(&b);
	jobq_release(&q);
}

static void test_invalid(void **s)
{
	static const char *const bad[][2] = {
		{"page", "0"},		{"page", "-1"},		  {"page", "1e3"},
		{"page", "99999999999999999999"}, {"page", ""},	  {"per_page", "0"},
		{"per_page", "101"},	{"employment", "boss"},	  {"employment", "full_time,"},
		{"employment", ",,"},	{"career", "any"},	  {"career", "NEW"},
		{"education", "any"},	{"education", "phd"},	  {"salary_min", "-5"},
		{"salary_min", "lots"}, {"closing_within", "366"}, {"closing_within", "-1"},
		{"sort", "random"},	{"region", "29140' OR 1=1"}, {"region", "../../etc"},
		{"region", ""},		{"category", "a b"},	  {"q", "\xff\xfe"},
		{"q", "a\x01"},
	};
	(void)s;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		jobq q;
		jobq_init(&q);
		assert_int_equal(set(&q, bad[i][0], bad[i][1]), JOBQ_EVALUE);
		jobq_release(&q);
	}
}

static void test_unknown_and_dup(void **s)
{
	jobq q;
	char longq[1000];
	(void)s;
	jobq_init(&q);
	assert_int_equal(set(&q, "limit", "5"), JOBQ_EUNKNOWN);
	assert_int_equal(set(&q, "q", "a"), JOBQ_OK);
	assert_int_equal(set(&q, "q", "b"), JOBQ_EDUP);
	jobq_release(&q);
	jobq_init(&q);
	memset(longq, 'a', 101);
	longq[101] = '\0';
	assert_int_equal(set(&q, "q", longq), JOBQ_EVALUE);
	longq[100] = '\0';
	assert_int_equal(set(&q, "q", longq), JOBQ_OK);
	jobq_release(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_unknown_and_dup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
