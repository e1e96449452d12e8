/* Unit tests: the job model's JSON (common/job.c), including hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "job.h"

static const char good[] =
	"{\"id\": \"W2026112300123\", \"title\": \"사무보조 (청년 우대)\", \"company\": "
	"\"(주)빛고을물산\", \"region\": {\"code\": \"29140\", \"name_ko\": \"서구\", \"name_en\": "
	"\"Seo-gu\"}, \"category\": {\"code\": \"02\", \"name_ko\": \"경영·사무\", \"name_en\": "
	"\"Business & office\"}, \"employment\": \"full_time\", \"career\": \"new\", \"education\": "
	"\"high_school\", \"salary\": {\"type\": \"monthly\", \"min\": 2200000, \"max\": 2500000}, "
	"\"posted_at\": \"2026-11-20\", \"closes_at\": \"2026-12-05\", \"source\": \"work24\", "
	"\"updated_at\": \"2026-11-21T09:12:00+09:00\", \"unknown_field\": [1,2,3]}";

static int parse(const char *text, job *j, char *err)
{
	json_object *o = json_tokener_parse(text);
	int rc;
	if (!o)
		return -2;
	rc = job_from_json(o, j, err, 200);
	json_object_put(o);
	return rc;
}

static void test_roundtrip(void **s)
{
	job j, k;
	char err[200];
	(void)s;
	job_init(&j);
	assert_int_equal(parse(good, &j, err), 0);
	assert_string_equal(j.title, "사무보조 (청년 우대)");
	assert_int_equal(j.salary_type, JOB_SAL_MONTHLY);
	assert_int_equal(j.salary_max, 2500000);
	assert_int_equal(job_salary_month_top(&j), 2500000);
	json_object *o = job_to_json(&j, 0);
	job_init(&k);
	assert_int_equal(job_from_json(o, &k, err, sizeof(err)), 0);
	assert_string_equal(k.company, j.company);
	assert_string_equal(k.closes_at, "2026-12-05");
	json_object_put(o);
	job_release(&j);
	job_release(&k);
}

static void test_salary_conversion(void **s)
{
	job j;
	(void)s;
	job_init(&j);
	j.salary_type = JOB_SAL_HOURLY;
	j.salary_min = 10320;
	assert_int_equal(job_salary_month_top(&j), 10320 * 209);
	j.salary_type = JOB_SAL_DAILY;
	j.salary_min = 100000;
	assert_int_equal(job_salary_month_top(&j), 2175000);
	j.salary_type = JOB_SAL_ANNUAL;
	j.salary_max = 36000000;
	assert_int_equal(job_salary_month_top(&j), 3000000);
	j.salary_type = JOB_SAL_NEGOTIABLE;
	assert_int_equal(job_salary_month_top(&j), -1);
}

/* Each variant replaces one piece of the good document and must be refused. */
static void test_malformed(void **s)
{
	static const char *const subst[][2] = {
		{"\"id\": \"W2026112300123\"", "\"id\": 123"},
		{"\"id\": \"W2026112300123\", ", ""},
		{"\"title\": \"사무보조 (청년 우대)\"", "\"title\": null"},
		{"\"title\": \"사무보조 (청년 우대)\"", "\"title\": [\"x\"]"},
		{"\"employment\": \"full_time\"", "\"employment\": \"boss\""},
		{"\"career\": \"new\"", "\"career\": true"},
		{"\"min\": 2200000", "\"min\": \"2200000\""},
		{"\"min\": 2200000", "\"min\": -1"},
		{"\"posted_at\": \"2026-11-20\"", "\"posted_at\": \"2026-02-30\""},
		{"\"closes_at\": \"2026-12-05\"", "\"closes_at\": 20261205"},
		{"\"region\": {", "\"region\": \"29140\", \"x\": {"},
		{"\"salary\": {", "\"salary\": 5, \"x\": {"},
	};
	(void)s;
	for (size_t i = 0; i < sizeof(subst) / sizeof(subst[0]); i++) {
		char doc[4096], err[200];
		const char *p = strstr(good, subst[i][0]);
		job j;
		assert_non_null(p);
		snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(p - good), good, subst[i][1],
			 p + strlen(subst[i][0]));
		job_init(&j);
		assert_int_equal(parse(doc, &j, err), -1);
		assert_true(strlen(err) > 0);
		job_release(&j);
	}
}

static void test_truncated_and_huge(void **s)
{
	job j;
	char err[200];
	(void)s;
	/* every truncation is either unparseable or rejected, never a crash */
	for (size_t n = 0; n < strlen(good); n += 7) {
		char *t = strndup(good, n);
		job_init(&j);
		assert_true(parse(t, &j, err) < 0);
		job_release(&j);
		free(t);
	}
	/* a 2 MB title is refused */
	size_t big = 2u << 20;
	char *doc = malloc(big + 512);
	char *p = doc + snprintf(doc, 64, "{\"id\":\"x\",\"title\":\"");
	memset(p, 'a', big);
	snprintf(p + big, 512, "\",\"company\":\"c\"}");
	job_init(&j);
	assert_int_equal(parse(doc, &j, err), -1);
	job_release(&j);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_salary_conversion),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_truncated_and_huge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
