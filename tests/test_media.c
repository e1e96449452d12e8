/*
 * Interview-practice media on the service: Range parsing (unit), and over HTTP the
 * catalogue (sizes and SHA-256 computed by the service, invalid entries and unsafe
 * names skipped, changes picked up without a restart) and file serving with byte
 * ranges (206, 416, If-Range of another version, HEAD, names outside the catalogue).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "media.h"
#include "testutil.h"
#include "util.h"

static char dir[64], token[128];
static int port;
static pid_t server;

static void put(const char *name, const char *data, size_t n)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof(path), "%s/media/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static char video[100000];

static int setup(void **s)
{
	char path[128];
	(void)s;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tu_tempdir(dir, "media-test");
	assert_int_equal(tu_cli(NULL, (const char *const[]){"sample", "--data", dir, "--jobs", "3", NULL}), 0);
	tu_token(dir, "k-media", token);
	snprintf(path, sizeof(path), "%s/media", dir);
	assert_int_equal(util_mkdir_p(path, 0755), 0);
	for (size_t i = 0; i < sizeof(video); i++)
		video[i] = (char)(i * 7 + i / 256);
	put("a.mp4", video, sizeof(video));
	const char *vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n안녕하세요\n";
	put("a.ko.vtt", vtt, strlen(vtt));
	put("secret.txt", "not catalogued", 14);
	const char *json =
		"{\"items\": ["
		"{\"id\": \"a\", \"title_ko\": \"가\", \"title_en\": \"A\", \"kind\": \"flat\","
		" \"file\": \"a.mp4\", \"subtitles\": \"a.ko.vtt\", \"duration_s\": 20,"
		" \"questions\": [{\"at_s\": 4, \"answer_s\": 30, \"text_ko\": \"질문\", \"text_en\": \"Q\"}]},"
		"{\"id\": \"bad-kind\", \"title_ko\": \"나\", \"title_en\": \"B\", \"kind\": \"3d\","
		" \"file\": \"a.mp4\", \"duration_s\": 5},"
		"{\"id\": \"escape\", \"title_ko\": \"다\", \"title_en\": \"C\", \"kind\": \"flat\","
		" \"file\": \"../media.json\", \"duration_s\": 5},"
		"{\"id\": \"late-question\", \"title_ko\": \"라\", \"title_en\": \"D\", \"kind\": \"flat\","
		" \"file\": \"a.mp4\", \"duration_s\": 5, \"questions\": [{\"at_s\": 9, \"answer_s\": 30,"
		" \"text_ko\": \"x\", \"text_en\": \"x\"}]},"
		"{\"id\": \"missing\", \"title_ko\": \"마\", \"title_en\": \"E\", \"kind\": \"vr360\","
		" \"file\": \"nope.mp4\", \"duration_s\": 5}]}";
	put("media.json", json, strlen(json));
	port = tu_serve(dir, 0, &server);
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	assert_int_equal(tu_stop(server), 0);
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	curl_global_cleanup();
	return system(c) == 0 ? 0 : -1;
}

static void test_range_parse(void **s)
{
	uint64_t off, len;
	(void)s;
	assert_int_equal(md_parse_range(NULL, 100, &off, &len), 0);
	assert_int_equal(md_parse_range("bytes=0-9", 100, &off, &len), 1);
	assert_true(off == 0 && len == 10);
	assert_int_equal(md_parse_range("bytes=90-", 100, &off, &len), 1);
	assert_true(off == 90 && len == 10);
	assert_int_equal(md_parse_range("bytes=90-500", 100, &off, &len), 1);
	assert_true(off == 90 && len == 10);
	assert_int_equal(md_parse_range("bytes=-30", 100, &off, &len), 1);
	assert_true(off == 70 && len == 30);
	assert_int_equal(md_parse_range("bytes=-300", 100, &off, &len), 1);
	assert_true(off == 0 && len == 100);
	assert_int_equal(md_parse_range("bytes=100-", 100, &off, &len), -1);
	assert_int_equal(md_parse_range("bytes=-0", 100, &off, &len), -1);
	assert_int_equal(md_parse_range("bytes=5-2", 100, &off, &len), 0);
	assert_int_equal(md_parse_range("bytes=0-1,5-6", 100, &off, &len), 0);
	assert_int_equal(md_parse_range("items=0-1", 100, &off, &len), 0);
	assert_int_equal(md_parse_range("bytes=x-1", 100, &off, &len), 0);
	assert_int_equal(md_parse_range("bytes=-", 100, &off, &len), 0);
	assert_int_equal(md_parse_range("bytes=99999999999999999999-", 100, &off, &len), 0);
}

struct resp {
	long status;
	buf body, headers;
};

static size_t on_data(char *p, size_t s, size_t n, void *ud)
{
	buf_add(ud, p, s * n);
	return s * n;
}

static void get(const char *path, const char *h1, const char *h2, int head, struct resp *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[512];
	buf_init(&r->body);
	buf_init(&r->headers);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/%s", port, path);
	if (h1)
		h = curl_slist_append(h, h1);
	if (h2)
		h = curl_slist_append(h, h2);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_NOBODY, (long)head);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r->headers);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	buf_addc(&r->headers, '\0');
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
}

static void resp_free(struct resp *r)
{
	buf_release(&r->body);
	buf_release(&r->headers);
}

static json_object *catalogue(void)
{
	buf out;
	json_object *o, *items;
	buf_init(&out);
	assert_int_equal(tu_http(port, token, "GET", "v1/media", NULL, NULL, &out), 200);
	buf_addc(&out, '\0');
	o = json_tokener_parse(out.data);
	buf_release(&out);
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "items", &items));
	json_object_get(items);
	json_object_put(o);
	return items;
}

static const char *field(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

static void test_catalogue(void **s)
{
	unsigned char h[32];
	char hex[65], url[128];
	buf out;
	(void)s;
	buf_init(&out);
	assert_int_equal(tu_http(port, "wrong", "GET", "v1/media", NULL, NULL, &out), 401);
	buf_release(&out);
	json_object *items = catalogue();
	/* only the valid entry: a bad kind, an escaping name, a question after the end
	 * and a missing file are left out */
	assert_int_equal(json_object_array_length(items), 1);
	json_object *a = json_object_array_get_idx(items, 0), *v;
	assert_string_equal(field(a, "id"), "a");
	assert_string_equal(field(a, "kind"), "flat");
	crypto_hash_sha256(h, (const unsigned char *)video, sizeof(video));
	util_hex(h, sizeof(h), hex);
	assert_string_equal(field(a, "sha256"), hex);
	assert_true(json_object_object_get_ex(a, "size", &v));
	assert_int_equal(json_object_get_int64(v), sizeof(video));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/media/a.mp4", port);
	assert_string_equal(field(a, "url"), url);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/media/a.ko.vtt", port);
	assert_string_equal(field(a, "subtitles_url"), url);
	assert_null(field(a, "file"));
	json_object_put(items);

	/* a new version of the file: a new hash, without a restart */
	video[0] ^= 1;
	put("a.mp4", video, sizeof(video));
	usleep(1100 * 1000);
	items = catalogue();
	crypto_hash_sha256(h, (const unsigned char *)video, sizeof(video));
	util_hex(h, sizeof(h), hex);
	assert_string_equal(field(json_object_array_get_idx(items, 0), "sha256"), hex);
	json_object_put(items);
}

static void test_files_and_ranges(void **s)
{
	struct resp r;
	char etag[64] = "", hdr[96];
	(void)s;
	get("media/a.mp4", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, sizeof(video));
	assert_memory_equal(r.body.data, video, sizeof(video));
	assert_non_null(strstr(r.headers.data, "Accept-Ranges: bytes"));
	assert_non_null(strstr(r.headers.data, "Content-Type: video/mp4"));
	const char *e = strstr(r.headers.data, "ETag: ");
	assert_non_null(e);
	snprintf(etag, sizeof(etag), "%.*s", (int)strcspn(e + 6, "\r\n"), e + 6);
	resp_free(&r);

	/* resume from the middle */
	get("media/a.mp4", "Range: bytes=60000-", NULL, 0, &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body.len, sizeof(video) - 60000);
	assert_memory_equal(r.body.data, video + 60000, r.body.len);
	assert_non_null(strstr(r.headers.data, "Content-Range: bytes 60000-99999/100000"));
	resp_free(&r);
	/* the same version: the range */
	snprintf(hdr, sizeof(hdr), "If-Range: %s", etag);
	get("media/a.mp4", "Range: bytes=10-19", hdr, 0, &r);
	assert_int_equal(r.status, 206);
	assert_memory_equal(r.body.data, video + 10, 10);
	resp_free(&r);
	/* another version: the whole file, so that the copy is not a mix */
	get("media/a.mp4", "Range: bytes=10-19", "If-Range: \"0123\"", 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, sizeof(video));
	resp_free(&r);
	get("media/a.mp4", "Range: bytes=100000-", NULL, 0, &r);
	assert_int_equal(r.status, 416);
	assert_non_null(strstr(r.headers.data, "Content-Range: bytes */100000"));
	resp_free(&r);
	get("media/a.mp4", NULL, NULL, 1, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_non_null(strstr(r.headers.data, "Content-Length: 100000"));
	resp_free(&r);
	snprintf(hdr, sizeof(hdr), "If-None-Match: %s", etag);
	get("media/a.mp4", hdr, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	resp_free(&r);
	get("media/a.ko.vtt", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.headers.data, "Content-Type: text/vtt"));
	resp_free(&r);
	/* nothing outside the catalogue */
	static const char *const refused[] = {"media/secret.txt", "media/media.json",
					      "media/..%2Fmedia.json", "media/%2E%2E", "media/",
					      "media/a.mp4/x", "media/nope.mp4"};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		get(refused[i], NULL, NULL, 0, &r);
		assert_int_equal(r.status, 404);
		resp_free(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_range_parse),
		cmocka_unit_test(test_catalogue),
		cmocka_unit_test(test_files_and_ranges),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
