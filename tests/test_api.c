/*
 * Contract tests for services/jobcenter against docs/api/jobcenter-api-v1.md: start
 * the real `jobcenter` binary on a free loopback port with generated data, speak
 * raw HTTP/1.1 to it (so hostile requests reach it byte for byte), and check every
 * endpoint, the error body, authentication, ETags, paging and bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "testutil.h"

static char data_dir[64];
static char token[128];
static int port;
static pid_t server;



static int group_setup(void **state)
{
	(void)state;
	tu_tempdir(data_dir, "jc-test");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", data_dir,
							     "--jobs", "500", "--seed", "3",
							     NULL}),
			 0);
	tu_token(data_dir, "k-test", token);
	port = tu_serve(data_dir, 0, &server);
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[128];
	(void)state;
	if (server > 0) {
		kill(server, SIGKILL);
		waitpid(server, NULL, 0);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", data_dir);
	return system(cmd) == 0 ? 0 : -1;
}

typedef struct resp {
	int status;
	buf head;
	buf body;
	json_object *json;
} resp;

static void resp_free(resp *r)
{
	buf_release(&r->head);
	buf_release(&r->body);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

/* Sends raw bytes while reading the response (a server may answer early, as with
 * 413, and stop reading), until the server closes (Connection: close). */
static void raw(const char *req, size_t len, resp *r)
{
	struct sockaddr_in a = {0};
	char chunk[65536];
	ssize_t n;
	size_t off = 0;
	buf all;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	double deadline = (double)time(NULL) + 20;

	memset(r, 0, sizeof(*r));
	buf_init(&r->head);
	buf_init(&r->body);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	buf_init(&all);
	for (;;) {
		struct pollfd p = {fd, POLLIN | (off < len ? POLLOUT : 0), 0};
		assert_true((double)time(NULL) < deadline);
		if (poll(&p, 1, 1000) <= 0)
			continue;
		if (p.revents & POLLIN) {
			n = recv(fd, chunk, sizeof(chunk), 0);
			if (n <= 0)
				break;
			buf_add(&all, chunk, (size_t)n);
		} else if (p.revents & POLLOUT) {
			n = send(fd, req + off, len - off > 65536 ? 65536 : len - off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n <= 0)
				off = len; /* the server stopped reading: just read */
			else
				off += (size_t)n;
		} else {
			break;
		}
	}
	close(fd);
	char *sep = strstr(all.data, "\r\n\r\n");
	assert_non_null(sep);
	buf_add(&r->head, all.data, (size_t)(sep - all.data) + 2);
	buf_add(&r->body, sep + 4, all.len - (size_t)(sep + 4 - all.data));
	assert_int_equal(sscanf(all.data, "HTTP/1.1 %d", &r->status), 1);
	r->json = r->body.len ? json_tokener_parse(r->body.data) : NULL;
	buf_release(&all);
}

/* GET target with the device token (auth != 0) and extra header lines. */
static void get(const char *target, int auth, const char *extra, resp *r)
{
	buf req;
	buf_init(&req);
	buf_printf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Kiosk-Id: k-test\r\n", target);
	if (auth)
		buf_printf(&req, "Authorization: Bearer %s\r\n", token);
	if (extra)
		buf_adds(&req, extra);
	buf_adds(&req, "Connection: close\r\n\r\n");
	raw(req.data, req.len, r);
	buf_release(&req);
}

static const char *header(const resp *r, const char *name)
{
	static char val[256];
	const char *p = r->head.data;
	size_t n = strlen(name);
	while ((p = strstr(p, "\r\n"))) {
		p += 2;
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			snprintf(val, sizeof(val), "%.*s", (int)strcspn(v, "\r"), v);
			return val;
		}
	}
	return NULL;
}

static json_object *field(json_object *o, const char *k)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, k, &v))
		return NULL;
	return v;
}

/* The contract's error body with the given status and code. */
static void expect_error(const resp *r, int status, const char *code, const char *what)
{
	json_object *e;
	if (r->status != status)
		fail_msg("%s: status %d, expected %d (%s)", what, r->status, status, r->body.data);
	if (!r->json || !(e = field(r->json, "error")))
		fail_msg("%s: no error body: %s", what, r->body.data);
	if (code && strcmp(json_object_get_string(field(e, "code")), code) != 0)
		fail_msg("%s: code %s, expected %s", what, json_object_get_string(field(e, "code")),
			 code);
	assert_true(json_object_is_type(field(e, "message"), json_type_string));
	assert_true(json_object_get_string_len(field(e, "message")) > 0);
}

static void test_health(void **s)
{
	resp r;
	(void)s;
	get("/v1/health", 0, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_object_get_string(field(r.json, "status")), "ok");
	assert_true(json_object_is_type(field(r.json, "version"), json_type_string));
	resp_free(&r);
}

static void test_auth(void **s)
{
	resp r;
	static const char *const bad[] = {
		NULL,
		"Authorization: Bearer jk_0000000000000000000000000000000000000000000000000000000000000000\r\n",
		"Authorization: Bearer \r\n",
		"Authorization: Basic dXNlcjpwYXNz\r\n",
		"Authorization: Bearer ' OR 1=1 --\r\n",
	};
	(void)s;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		get("/v1/jobs", 0, bad[i], &r);
		expect_error(&r, 401, "unauthorized", "bad token");
		assert_non_null(header(&r, "WWW-Authenticate"));
		resp_free(&r);
	}
	get("/v1/regions", 0, NULL, &r);
	expect_error(&r, 401, "unauthorized", "regions without token");
	resp_free(&r);
}

static void test_code_lists(void **s)
{
	resp r;
	json_object *items;
	int districts = 0, dongs = 0, seogu = 0;
	(void)s;
	get("/v1/regions", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	items = field(r.json, "items");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		const char *level = json_object_get_string(field(it, "level"));
		districts += strcmp(level, "district") == 0;
		dongs += strcmp(level, "dong") == 0;
		if (strcmp(json_object_get_string(field(it, "code")), "29140") == 0) {
			seogu = 1;
			assert_string_equal(json_object_get_string(field(it, "name_ko")), "서구");
			assert_string_equal(json_object_get_string(field(it, "parent")), "29");
		}
	}
	assert_int_equal(districts, 5);
	assert_int_equal(dongs, 18);
	assert_true(seogu);
	resp_free(&r);
	get("/v1/categories", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_object_array_length(field(r.json, "items")) >= 30);
	assert_non_null(strstr(r.body.data, "\"code\":\"02\""));
	resp_free(&r);
}

static void test_search(void **s)
{
	resp r;
	json_object *items;
	(void)s;
	get("/v1/jobs", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_object_get_int(field(r.json, "total")) > 100);
	assert_int_equal(json_object_get_int(field(r.json, "page")), 1);
	assert_int_equal(json_object_get_int(field(r.json, "per_page")), 20);
	assert_int_equal(json_object_array_length(field(r.json, "items")), 20);
	resp_free(&r);

	/* "간호" finds 간호사 and 간호조무사 */
	get("/v1/jobs?q=%EA%B0%84%ED%98%B8&per_page=100", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	items = field(r.json, "items");
	assert_true(json_object_array_length(items) > 0);
	int compound = 0;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		const char *t = json_object_get_string(field(json_object_array_get_idx(items, i), "title"));
		compound += strstr(t, "간호조무사") != NULL;
	}
	assert_true(compound > 0);
	resp_free(&r);
	/* a page far past the end: an empty page, not a heap sized by the page number
	 * (it asked for 1.6 GB before) */
	get("/v1/jobs?q=%EA%B0%84%ED%98%B8&per_page=100&page=1000000", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(json_object_array_length(field(r.json, "items")), 0);
	assert_true(json_object_get_int(field(r.json, "total")) > 0);
	resp_free(&r);

	/* region: a district includes its dongs */
	get("/v1/jobs?region=29140&per_page=100", 1, NULL, &r);
	items = field(r.json, "items");
	int in_dong = 0;
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		const char *c = json_object_get_string(
			field(field(json_object_array_get_idx(items, i), "region"), "code"));
		assert_int_equal(strncmp(c, "29140", 5), 0);
		in_dong += strlen(c) == 8;
	}
	assert_true(in_dong > 0);
	resp_free(&r);

	get("/v1/jobs?employment=part_time,daily&career=new&sort=salary&per_page=50", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	items = field(r.json, "items");
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		json_object *it = json_object_array_get_idx(items, i);
		const char *e = json_object_get_string(field(it, "employment"));
		const char *c = json_object_get_string(field(it, "career"));
		assert_true(strcmp(e, "part_time") == 0 || strcmp(e, "daily") == 0);
		assert_true(strcmp(c, "new") == 0 || strcmp(c, "any") == 0);
	}
	resp_free(&r);
}

static void test_detail(void **s)
{
	resp r;
	char target[128];
	json_object *it;
	(void)s;
	get("/v1/jobs?per_page=1", 1, NULL, &r);
	it = json_object_array_get_idx(field(r.json, "items"), 0);
	snprintf(target, sizeof(target), "/v1/jobs/%s", json_object_get_string(field(it, "id")));
	resp_free(&r);
	get(target, 1, NULL, &r);
	assert_int_equal(r.status, 200);
	static const char *const keys[] = {"id", "title", "company", "region", "category",
					   "employment", "career", "education", "salary",
					   "posted_at", "closes_at", "source", "updated_at",
					   "description", "requirements", "benefits", "work_hours",
					   "address", "contact", "apply_url"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!json_object_object_get_ex(r.json, keys[i], NULL))
			fail_msg("detail lacks %s", keys[i]);
	assert_true(json_object_is_type(field(field(r.json, "contact"), "phone"), json_type_string));
	resp_free(&r);
	get("/v1/jobs/NOPE0000", 1, NULL, &r);
	expect_error(&r, 404, "not_found", "unknown job");
	resp_free(&r);
}

static void test_etag(void **s)
{
	resp r;
	char inm[256], tag[128];
	(void)s;
	get("/v1/jobs?q=%EB%AC%BC%EB%A5%98", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(header(&r, "ETag"));
	snprintf(tag, sizeof(tag), "%s", header(&r, "ETag"));
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s\r\n", tag);
	get("/v1/jobs?q=%EB%AC%BC%EB%A5%98", 1, inm, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_string_equal(header(&r, "ETag"), tag);
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: \"other\", W/%s\r\n", tag);
	get("/v1/jobs?q=%EB%AC%BC%EB%A5%98", 1, inm, &r);
	assert_int_equal(r.status, 304);
	resp_free(&r);
	get("/v1/jobs?q=%EB%AC%BC%EB%A5%98", 1, "If-None-Match: \"stale\"\r\n", &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
	get("/v1/regions", 1, NULL, &r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s\r\n", header(&r, "ETag"));
	resp_free(&r);
	get("/v1/regions", 1, inm, &r);
	assert_int_equal(r.status, 304);
	resp_free(&r);
}

static void test_changes(void **s)
{
	resp r;
	char target[256];
	int total = 0, pages = 0, more = 1;
	char cursor[128] = "";
	(void)s;
	while (more) {
		if (cursor[0])
			snprintf(target, sizeof(target), "/v1/jobs/changes?since=%s&per_page=200",
				 cursor);
		else
			snprintf(target, sizeof(target), "/v1/jobs/changes?per_page=200");
		get(target, 1, NULL, &r);
		assert_int_equal(r.status, 200);
		total += (int)json_object_array_length(field(r.json, "upserts"));
		assert_true(json_object_is_type(field(r.json, "deletes"), json_type_array));
		more = json_object_get_boolean(field(r.json, "more"));
		snprintf(cursor, sizeof(cursor), "%s", json_object_get_string(field(r.json, "cursor")));
		resp_free(&r);
		assert_true(++pages < 10);
	}
	assert_int_equal(total, 500);
	assert_int_equal(pages, 3);
	get("/v1/jobs/changes?since=bogus", 1, NULL, &r);
	expect_error(&r, 410, "cursor_expired", "bad cursor");
	resp_free(&r);
	get("/v1/jobs/changes?since=", 1, NULL, &r);
	expect_error(&r, 410, "cursor_expired", "empty cursor");
	resp_free(&r);
	get("/v1/jobs/changes?cursor=1", 1, NULL, &r);
	expect_error(&r, 400, "bad_request", "unknown parameter");
	resp_free(&r);
}

/* Hostile and malformed requests: always a 4xx with the error body, never a 5xx. */
static void test_bad_input(void **s)
{
	static const struct {
		const char *target;
		int status;
	} cases[] = {
		{"/v1/jobs?page=0", 400},
		{"/v1/jobs?page=-1", 400},
		{"/v1/jobs?page=99999999999999999999999", 400},
		{"/v1/jobs?page=1.5", 400},
		{"/v1/jobs?per_page=0", 400},
		{"/v1/jobs?per_page=101", 400},
		{"/v1/jobs?per_page=", 400},
		{"/v1/jobs?sort=random", 400},
		{"/v1/jobs?employment=boss", 400},
		{"/v1/jobs?career=any", 400},
		{"/v1/jobs?education=phd", 400},
		{"/v1/jobs?salary_min=-1", 400},
		{"/v1/jobs?closing_within=999", 400},
		{"/v1/jobs?region=99999", 400},
		{"/v1/jobs?region=29140%27%20OR%201%3D1--", 400},
		{"/v1/jobs?category=zz", 400},
		{"/v1/jobs?unknown=1", 400},
		{"/v1/jobs?q=a&q=b", 400},
		{"/v1/jobs?q=%FF%FE", 400},
		{"/v1/jobs?q=%C0%AF", 400},
		{"/v1/jobs?q=a%00b", 400},
		{"/v1/jobs?q=\xff\xfe", 400},
		{"/v1/jobs?q=a%20b%20c%20d%20e%20f%20g%20h%20i", 400},
		{"/v1/regions?x=1", 400},
		{"/v1/jobs/..%2F..%2Fetc%2Fpasswd", 404},
		{"/v1/jobs/../../etc/passwd", 404},
		{"/v1/jobs/%00", 404},
		{"/v1/jobs/a/b", 404},
		{"/v1/../../etc/passwd", 404},
		{"/v2/jobs", 404},
		{"/", 404},
		{"/v1/jobs/\xed\xa0\x80", 404},
	};
	resp r;
	(void)s;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		get(cases[i].target, 1, NULL, &r);
		expect_error(&r, cases[i].status, NULL, cases[i].target);
		resp_free(&r);
	}
	/* SQL and FTS syntax in q are just text: a normal 200 */
	static const char *const harmless[] = {
		"/v1/jobs?q=%27%20OR%201%3D1%20--", "/v1/jobs?q=%22%20NEAR(a%2Cb)%20*",
		"/v1/jobs?q=%3Bdrop%20table%20jobs", "/v1/jobs?q=%21%21%21",
		"/v1/jobs?page=1000000", "/v1/jobs?q=%EA%B0%84&page=5000"};
	for (size_t i = 0; i < sizeof(harmless) / sizeof(harmless[0]); i++) {
		get(harmless[i], 1, NULL, &r);
		if (r.status != 200)
			fail_msg("%s: %d %s", harmless[i], r.status, r.body.data);
		resp_free(&r);
	}
}

static void test_limits(void **s)
{
	resp r;
	buf t;
	(void)s;
	/* 10,000-character queries: Korean (90 KB URI) and ASCII (10 KB) are over 8 KiB */
	buf_init(&t);
	buf_adds(&t, "/v1/jobs?q=");
	for (int i = 0; i < 10000; i++)
		buf_adds(&t, "%EA%B0%84");
	get(t.data, 1, NULL, &r);
	expect_error(&r, 414, "uri_too_long", "10k Korean characters");
	resp_free(&r);
	buf_reset(&t);
	buf_adds(&t, "/v1/jobs?q=");
	for (int i = 0; i < 10000; i++)
		buf_addc(&t, 'a');
	get(t.data, 1, NULL, &r);
	expect_error(&r, 414, "uri_too_long", "10k ASCII characters");
	resp_free(&r);
	/* 2,000 characters fit in the URI but not in q */
	buf_reset(&t);
	buf_adds(&t, "/v1/jobs?q=");
	for (int i = 0; i < 2000; i++)
		buf_addc(&t, 'a');
	get(t.data, 1, NULL, &r);
	expect_error(&r, 400, "bad_request", "2k characters");
	resp_free(&r);
	buf_release(&t);

	/* 10 MB bodies, declared and chunked */
	size_t big = 10u << 20;
	char *body = malloc(big);
	memset(body, 'x', big);
	buf req;
	buf_init(&req);
	buf_printf(&req, "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		   token, big);
	buf_add(&req, body, big);
	raw(req.data, req.len, &r);
	expect_error(&r, 413, "payload_too_large", "10 MB body");
	resp_free(&r);
	buf_reset(&req);
	buf_printf(&req, "GET /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
			 "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
		   token);
	for (int i = 0; i < 160; i++) {
		buf_printf(&req, "10000\r\n");
		buf_add(&req, body, 0x10000);
		buf_adds(&req, "\r\n");
	}
	buf_adds(&req, "0\r\n\r\n");
	raw(req.data, req.len, &r);
	expect_error(&r, 413, "payload_too_large", "10 MB chunked body");
	resp_free(&r);
	buf_release(&req);
	free(body);

	/* wrong method */
	const char *del = "DELETE /v1/jobs HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	raw(del, strlen(del), &r);
	expect_error(&r, 405, "method_not_allowed", "DELETE /v1/jobs");
	assert_non_null(header(&r, "Allow"));
	resp_free(&r);

	/* and the server keeps serving */
	get("/v1/health", 0, NULL, &r);
	assert_int_equal(r.status, 200);
	resp_free(&r);
}

static void test_import_while_serving(void **s)
{
	resp r;
	(void)s;
	assert_int_equal(tu_cli(NULL, (const char *const[]){"import", "work24", "--data", data_dir,
							      "--file",
							      FIXTURES "/work24/work24_list_sample_2026-10-01.xml",
							      "--file",
							      FIXTURES "/work24/work24_detail_sample_2026-10-01.xml",
							      NULL}),
			 0);
	/* an error body is an invalid file: non-zero exit, nothing imported */
	assert_int_not_equal(tu_cli(NULL, (const char *const[]){"import", "work24", "--data",
								  data_dir, "--file",
								  FIXTURES "/work24/errors/err_002_invalid_key.xml",
								  NULL}),
			     0);
	/* 워터매니지먼트: the until-filled listing is open; the cache saw the change */
	get("/v1/jobs?q=%EC%9B%8C%ED%84%B0%EB%A7%A4%EB%8B%88%EC%A7%80%EB%A8%BC%ED%8A%B8", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_true(json_object_get_int(field(r.json, "total")) >= 1);
	resp_free(&r);
	get("/v1/jobs/K140022609170041", 1, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_object_get_string(field(r.json, "company")), "워터매니지먼트주식회사");
	resp_free(&r);
}

static void test_revoke_and_shutdown(void **s)
{
	resp r;
	int status = -1;
	(void)s;
	assert_int_equal(tu_cli(NULL, (const char *const[]){"token", "revoke", "--data", data_dir,
							      "--kiosk", "k-test", NULL}),
			 0);
	get("/v1/jobs", 1, NULL, &r);
	expect_error(&r, 401, "unauthorized", "revoked token");
	resp_free(&r);
	/* SIGTERM: a clean exit, promptly */
	kill(server, SIGTERM);
	for (int i = 0; i < 100; i++) {
		if (waitpid(server, &status, WNOHANG) == server)
			break;
		usleep(50000);
	}
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	server = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health),	    cmocka_unit_test(test_auth),
		cmocka_unit_test(test_code_lists),  cmocka_unit_test(test_search),
		cmocka_unit_test(test_detail),	    cmocka_unit_test(test_etag),
		cmocka_unit_test(test_changes),	    cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_limits),	    cmocka_unit_test(test_import_while_serving),
		cmocka_unit_test(test_revoke_and_shutdown),
	};
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
