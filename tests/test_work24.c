/* Unit tests: the Work24 importer (services/jobcenter/work24.c) on the real responses
 * and error bodies in fixtures/work24, and on hostile variants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include <microhttpd.h>

#include "jobdb.h"
#include "kdate.h"
#include "refdata.h"
#include "work24.h"

#define W24 FIXTURES "/work24/"

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *d;
	long len;
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	d = malloc((size_t)len + 1);
	assert_int_equal(fread(d, 1, (size_t)len, f), (size_t)len);
	d[len] = '\0';
	fclose(f);
	*n = (size_t)len;
	return d;
}

static int add_file(w24_batch *b, const char *path, char *err)
{
	size_t n;
	char *d = slurp(path, &n);
	int rc = w24_batch_add(b, d, n, err, 256);
	free(d);
	return rc;
}

static sqlite3 *open_db(void)
{
	sqlite3 *db;
	char err[256];
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(jobdb_connect(db, err, sizeof(err)), 0);
	assert_int_equal(jobdb_schema(db, err, sizeof(err)), 0);
	assert_int_equal(ref_install(db, err, sizeof(err)), 0);
	return db;
}

static int day(const char *s)
{
	int d = 0;
	assert_int_equal(kdate_parse(s, &d), 0);
	return d;
}

static void test_real_list_and_detail(void **s)
{
	w24_batch *b = w24_batch_create();
	char err[256];
	job j;
	(void)s;
	assert_int_equal(add_file(b, W24 "work24_list_sample_2026-10-01.xml", err), W24_OK);
	assert_int_equal(add_file(b, W24 "work24_detail_sample_2026-10-01.xml", err), W24_OK);
	assert_int_equal(w24_batch_count(b), 2);
	assert_true(w24_batch_complete(b));

	job_init(&j);
	assert_int_equal(w24_batch_job(b, 0, day("2026-10-02"), &j, err, sizeof(err)), 0);
	assert_string_equal(j.id, "K140022610010052");
	assert_string_equal(j.company, "워터매니지먼트주식회사");
	assert_string_equal(j.posted_at, "2026-10-01");
	assert_string_equal(j.closes_at, ""); /* "채용시까지  26-11-30": until filled */
	assert_int_equal(j.salary_type, JOB_SAL_ANNUAL);
	assert_int_equal(j.salary_min, 41000000);
	assert_int_equal(j.salary_max, -1); /* maxSal 0 = no maximum */
	assert_int_equal(j.career, JOB_CAREER_EXPERIENCED);
	assert_int_equal(j.education, JOB_EDU_UNIVERSITY);
	assert_int_equal(j.employment, JOB_EMP_FULL_TIME);
	assert_string_equal(j.category.code, "15"); /* jobsCd 155500 */
	assert_string_equal(j.region.code, "27");   /* 대구: outside Gwangju, coded to province */
	assert_string_equal(j.region.name_ko, "대구 서구");
	assert_string_equal(j.updated_at, "2026-10-01T19:48:00+09:00");
	assert_string_equal(j.description, "폐수처리시설 운영 관련 업무 지원"); /* from detail */
	assert_non_null(strstr(j.requirements, "수질환경산업기사"));
	assert_non_null(strstr(j.apply_url, "wantedAuthNo=K140022610010052"));
	job_release(&j);

	job_init(&j);
	assert_int_equal(w24_batch_job(b, 1, day("2026-10-02"), &j, err, sizeof(err)), 0);
	assert_string_equal(j.closes_at, "2026-10-31");
	assert_int_equal(j.career, JOB_CAREER_NEW);
	assert_int_equal(j.salary_type, JOB_SAL_MONTHLY);
	assert_int_equal(j.salary_max, 3500000);
	job_release(&j);
	w24_batch_destroy(b);
}

static void test_error_bodies(void **s)
{
	static const char *const files[] = {
		"err_002_invalid_key.xml", "err_006_no_data.xml", "err_018_detail_infoSvc.xml",
		"err_GO24_personal_member.xml", "err_GO24_service_missing.xml"};
	(void)s;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], err[256] = "";
		w24_batch *b = w24_batch_create();
		snprintf(path, sizeof(path), W24 "errors/%s", files[i]);
		assert_int_equal(add_file(b, path, err), W24_EAPI);
		assert_non_null(strstr(err, "Work24 error"));
		assert_int_equal(w24_batch_count(b), 0);
		w24_batch_destroy(b);
	}
}

static void test_hostile(void **s)
{
	static const struct {
		const char *file;
		int rc;
	} cases[] = {
		{"truncated.xml", W24_EXML},   {"not_xml.xml", W24_EXML},
		{"empty.xml", W24_EXML},       {"wrong_root.xml", W24_EFORMAT},
		/* XXE and billion laughs: refused for the DTD, or by libxml2's entity-loop
		 * guard, whichever comes first; never expanded */
		{"entities.xml", 1},
	};
	(void)s;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[512], err[256] = "";
		w24_batch *b = w24_batch_create();
		snprintf(path, sizeof(path), W24 "hostile/%s", cases[i].file);
		int rc = add_file(b, path, err);
		if (cases[i].rc == 1 ? (rc != W24_EXML && rc != W24_EFORMAT) : rc != cases[i].rc)
			fail_msg("%s: expected %d, got '%s'", cases[i].file, cases[i].rc, err);
		assert_true(strlen(err) > 0);
		w24_batch_destroy(b);
	}
}

static void test_missing_elements(void **s)
{
	w24_batch *b = w24_batch_create();
	sqlite3 *db = open_db();
	w24_result res;
	char err[256];
	job j;
	(void)s;
	assert_int_equal(add_file(b, W24 "hostile/missing_elements.xml", err), W24_OK);
	assert_int_equal(w24_batch_count(b), 3); /* the listing without an id is dropped */
	assert_int_equal(w24_apply(db, b, day("2026-11-23"), 1795000000, &res, err, sizeof(err)), 0);
	assert_int_equal(res.upserts, 2);
	assert_int_equal(res.skipped, 1); /* K3 has no company */

	job_init(&j);
	assert_int_equal(jobdb_get(db, "K4", &j, err, sizeof(err)), 0);
	assert_string_equal(j.region.code, "29140745"); /* 치평동, from the address text */
	assert_int_equal(j.salary_type, JOB_SAL_NEGOTIABLE); /* no usable amount */
	assert_string_equal(j.posted_at, "2026-11-23");      /* bad date: import day */
	assert_string_equal(j.closes_at, "");
	assert_int_equal(j.employment, JOB_EMP_PART_TIME);
	assert_int_equal(j.career, JOB_CAREER_ANY);
	assert_int_equal(j.education, JOB_EDU_HIGH_SCHOOL);
	assert_string_equal(j.category.code, "30");
	assert_non_null(strstr(j.apply_url, "https://www.work24.go.kr/")); /* not javascript: */
	job_release(&j);
	job_init(&j);
	assert_int_equal(jobdb_get(db, "K1", &j, err, sizeof(err)), 0);
	assert_string_equal(j.region.code, "29200");
	job_release(&j);
	w24_batch_destroy(b);
	sqlite3_close(db);
}

static void test_entities_and_encoding(void **s)
{
	w24_batch *b = w24_batch_create();
	char err[256];
	job j;
	(void)s;
	assert_int_equal(add_file(b, W24 "hostile/predefined_entities.xml", err), W24_OK);
	assert_int_equal(add_file(b, W24 "hostile/euc_kr.xml", err), W24_OK);
	job_init(&j);
	assert_int_equal(w24_batch_job(b, 0, day("2026-11-23"), &j, err, sizeof(err)), 0);
	assert_string_equal(j.company, "A&B 상사 <주>");
	assert_string_equal(j.title, "사무보조 간호");
	assert_string_equal(j.region.code, "29110");
	job_release(&j);
	w24_batch_destroy(b);
}

static void test_huge_field(void **s)
{
	const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><wantedRoot><total>1</total>"
			   "<wanted><wantedAuthNo>KH1</wantedAuthNo><company>큰회사</company><title>";
	const char *tail = "</title></wanted></wantedRoot>";
	size_t big = 3 * 1000000, n = strlen(head) + big + strlen(tail);
	char *doc = malloc(n + 1), *p, err[256];
	w24_batch *b = w24_batch_create();
	job j;
	(void)s;
	p = doc + strlen(head);
	memcpy(doc, head, strlen(head));
	for (size_t i = 0; i < big; i += 3)
		memcpy(p + i, "가", 3);
	memcpy(p + big, tail, strlen(tail) + 1);
	assert_int_equal(w24_batch_add(b, doc, n, err, sizeof(err)), W24_OK);
	job_init(&j);
	assert_int_equal(w24_batch_job(b, 0, day("2026-11-23"), &j, err, sizeof(err)), 0);
	assert_true(strlen(j.title) <= 1000);
	assert_int_equal(strlen(j.title) % 3, 0); /* cut between characters */
	job_release(&j);
	w24_batch_destroy(b);
	free(doc);
}

static void test_reimport_and_removal(void **s)
{
	sqlite3 *db = open_db();
	w24_batch *b;
	w24_result res;
	char err[256];
	job j;
	(void)s;

	b = w24_batch_create();
	assert_int_equal(add_file(b, W24 "work24_list_sample_2026-10-01.xml", err), 0);
	assert_int_equal(add_file(b, W24 "hostile/partial_page1.xml", err), 0);
	/* list total 3 but 2+2 received: the larger total is 3 and 4 >= 3: complete */
	assert_int_equal(w24_apply(db, b, day("2026-10-02"), 1795000000, &res, err, sizeof(err)), 0);
	assert_int_equal(res.upserts, 4);
	w24_batch_destroy(b);

	/* Same files again: nothing changes. */
	b = w24_batch_create();
	assert_int_equal(add_file(b, W24 "work24_list_sample_2026-10-01.xml", err), 0);
	assert_int_equal(add_file(b, W24 "hostile/partial_page1.xml", err), 0);
	assert_int_equal(w24_apply(db, b, day("2026-10-02"), 1795000100, &res, err, sizeof(err)), 0);
	assert_int_equal(res.upserts, 0);
	assert_int_equal(res.unchanged, 4);
	assert_int_equal(res.deletes, 0);
	w24_batch_destroy(b);

	/* A partial result (page 1 of 2) must not remove anything. */
	b = w24_batch_create();
	assert_int_equal(add_file(b, W24 "hostile/partial_page1.xml", err), 0);
	assert_false(w24_batch_complete(b));
	assert_int_equal(w24_apply(db, b, day("2026-10-02"), 1795000200, &res, err, sizeof(err)), 0);
	assert_int_equal(res.deletes, 0);
	w24_batch_destroy(b);

	/* A complete result without the partial page's listings removes them. */
	b = w24_batch_create();
	assert_int_equal(add_file(b, W24 "work24_list_sample_2026-10-01.xml", err), 0);
	assert_int_equal(w24_apply(db, b, day("2026-10-02"), 1795000300, &res, err, sizeof(err)), 0);
	assert_int_equal(res.deletes, 2);
	job_init(&j);
	assert_int_equal(jobdb_get(db, "KP1", &j, err, sizeof(err)), JOBDB_ENOTFOUND);
	assert_int_equal(jobdb_get(db, "K140022609170041", &j, err, sizeof(err)), 0);
	job_release(&j);
	w24_batch_destroy(b);
	sqlite3_close(db);
}


/* ---- live fetch against a fake Work24 on loopback ---- */

struct fake {
	int mode; /* 0: normal, 1: invalid key, 2: HTTP 500, 3: hangs past the timeout */
	int list_calls, detail_calls;
	char seen_key[64];
};

static enum MHD_Result fake_cb(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	struct fake *f = cls;
	const char *tp = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "callTp");
	const char *page = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "startPage");
	const char *key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "authKey");
	const char *file;
	struct MHD_Response *r;
	char *body;
	size_t n;
	unsigned status = 200;
	enum MHD_Result ret;
	(void)url, (void)method, (void)version, (void)upload, (void)upload_size, (void)con_cls;

	snprintf(f->seen_key, sizeof(f->seen_key), "%s", key ? key : "");
	if (tp && strcmp(tp, "D") == 0) {
		f->detail_calls++;
		file = W24 "work24_detail_sample_2026-10-01.xml";
	} else {
		f->list_calls++;
		file = page && strcmp(page, "1") ? W24 "errors/err_006_no_data.xml"
						  : W24 "work24_list_sample_2026-10-01.xml";
	}
	if (f->mode == 1)
		file = W24 "errors/err_002_invalid_key.xml";
	if (f->mode == 3)
		sleep(3);
	body = slurp(file, &n);
	if (f->mode == 2)
		status = 500;
	r = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static void test_live_fetch(void **s)
{
	struct fake f = {0};
	struct MHD_Daemon *d;
	char list[128], detail[128], err[256];
	w24_batch *b;
	(void)s;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
			     NULL, NULL, fake_cb, &f, MHD_OPTION_END);
	assert_non_null(d);
	int port = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port;
	snprintf(list, sizeof(list), "http://127.0.0.1:%d/cm/openApi/call/wk/callOpenApiSvcInfo210L01.do", port);
	snprintf(detail, sizeof(detail), "http://127.0.0.1:%d/cm/openApi/call/wk/callOpenApiSvcInfo210D01.do", port);
	w24_fetch_opts o = {list, detail, "k&y=1", "29110|29140", 10, 5, 2};

	b = w24_batch_create();
	assert_int_equal(w24_fetch(&o, b, err, sizeof(err)), W24_OK);
	assert_int_equal(w24_batch_count(b), 2);
	assert_true(w24_batch_complete(b));
	assert_int_equal(f.list_calls, 1); /* total 2 reached on page 1 */
	assert_int_equal(f.detail_calls, 2);
	assert_string_equal(f.seen_key, "k&y=1"); /* escaped on the way */
	w24_batch_destroy(b);

	f.mode = 1; /* an error body with HTTP 200 */
	b = w24_batch_create();
	assert_int_equal(w24_fetch(&o, b, err, sizeof(err)), W24_EAPI);
	assert_non_null(strstr(err, "002"));
	assert_int_equal(w24_batch_count(b), 0);
	w24_batch_destroy(b);

	f.mode = 2; /* a server error */
	b = w24_batch_create();
	assert_int_equal(w24_fetch(&o, b, err, sizeof(err)), W24_ENET);
	w24_batch_destroy(b);

	f.mode = 3; /* a server that hangs: the timeout (2 s) ends it */
	b = w24_batch_create();
	assert_int_equal(w24_fetch(&o, b, err, sizeof(err)), W24_ENET);
	w24_batch_destroy(b);
	MHD_stop_daemon(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_list_and_detail),
		cmocka_unit_test(test_error_bodies),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_missing_elements),
		cmocka_unit_test(test_entities_and_encoding),
		cmocka_unit_test(test_huge_field),
		cmocka_unit_test(test_reimport_and_removal),
		cmocka_unit_test(test_live_fetch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
