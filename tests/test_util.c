/* Unit tests: util, buf, utf8, kdate, http helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "sdnotify.h"
#include "http.h"
#include "kdate.h"
#include "utf8.h"
#include "util.h"

static void test_parse_long(void **s)
{
	long long v;
	(void)s;
	assert_int_equal(util_parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_long("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(util_parse_long("", 0, 100, &v), -1);
	assert_int_equal(util_parse_long(" 4", 0, 100, &v), -1);
	assert_int_equal(util_parse_long("+4", 0, 100, &v), -1);
	assert_int_equal(util_parse_long("4x", 0, 100, &v), -1);
	assert_int_equal(util_parse_long("101", 0, 100, &v), -1);
	assert_int_equal(util_parse_long("99999999999999999999999", 0, 100, &v), -1);
}

static void test_buf(void **s)
{
	buf b;
	(void)s;
	buf_init(&b);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_true(b.len > 3000);
	assert_int_equal(strlen(b.data), b.len);
	buf_reset(&b);
	buf_adds(&b, "간호");
	assert_string_equal(b.data, "간호");
	size_t n;
	char *d = buf_detach(&b, &n);
	assert_int_equal(n, 6);
	assert_string_equal(d, "간호");
	free(d);
	assert_int_equal(b.len, 0);
	buf_wipe(&b);
}

static void test_utf8(void **s)
{
	(void)s;
	assert_true(utf8_valid("간호사 nurse", strlen("간호사 nurse")));
	assert_false(utf8_valid("\xc3\x28", 2));	   /* bad continuation */
	assert_false(utf8_valid("\xc0\xaf", 2));	   /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));	   /* surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(utf8_valid("a\x01", 2));		   /* control */
	assert_false(utf8_valid("\xea\xb0", 2));	   /* truncated */
	assert_int_equal(utf8_count("간호a", strlen("간호a")), 3);
	assert_int_equal(utf8_clip("간호", 6, 4), 3);
	assert_int_equal(utf8_clip("간호", 6, 2), 0);
}

static void test_kdate(void **s)
{
	int d, y, m, dd;
	time_t t;
	char out[32];
	(void)s;
	assert_int_equal(kdate_parse("2026-11-23", &d), 0);
	kdate_to_ymd(d, &y, &m, &dd);
	assert_int_equal(y, 2026);
	assert_int_equal(m, 11);
	assert_int_equal(dd, 23);
	kdate_format(d + 39, out);
	assert_string_equal(out, "2027-01-01");
	assert_int_equal(kdate_parse("2024-02-29", &d), 0);
	assert_int_equal(kdate_parse("2026-02-29", &d), -1);
	assert_int_equal(kdate_parse("2026-13-01", &d), -1);
	assert_int_equal(kdate_parse("2026-1-01", &d), -1);
	assert_int_equal(kdate_parse("", &d), -1);
	/* 2026-11-22T15:30Z is already the 23rd in Seoul. */
	assert_int_equal(kdate_parse_rfc3339("2026-11-22T15:30:00Z", &t), 0);
	kdate_format(kdate_seoul_day(t), out);
	assert_string_equal(out, "2026-11-23");
	kdate_format_rfc3339(t, out);
	assert_string_equal(out, "2026-11-23T00:30:00+09:00");
	assert_int_equal(kdate_parse_rfc3339("2026-11-23T00:30:00+09:00", &t), 0);
	kdate_format_rfc3339(t, out);
	assert_string_equal(out, "2026-11-23T00:30:00+09:00");
	assert_int_equal(kdate_parse_rfc3339("2026-11-23 00:30:00", &t), -1);
	assert_int_equal(kdate_parse_rfc3339("2026-11-23T25:30:00Z", &t), -1);
}

static void test_http(void **s)
{
	char tag[HTTP_ETAG_LEN];
	buf b;
	(void)s;
	http_etag("abc", 3, tag);
	assert_int_equal(strlen(tag), 34);
	assert_true(http_etag_matches(tag, tag));
	assert_true(http_etag_matches("\"x\", W/" "\"zz\", *", tag));
	char list[128];
	snprintf(list, sizeof(list), "\"nope\", W/%s", tag);
	assert_true(http_etag_matches(list, tag));
	assert_false(http_etag_matches("\"nope\"", tag));
	assert_false(http_etag_matches("", tag));
	buf_init(&b);
	assert_int_equal(http_pct_decode("%EA%B0%84+a", 11, 1, &b), 0);
	assert_string_equal(b.data, "간 a");
	assert_int_equal(http_pct_decode("%E", 2, 1, &b), -1);
	assert_int_equal(http_pct_decode("%zz", 3, 1, &b), -1);
	buf_reset(&b);
	http_error_body(&b, "bad_request", "bad \xff byte", NULL);
	assert_string_equal(b.data, "{\"error\":{\"code\":\"bad_request\",\"message\":\"bad ? byte\"}}");
	assert_string_equal(http_error_code(410), "cursor_expired");
	buf_release(&b);
}

static void test_sdnotify(void **s)
{
	struct sockaddr_un sa = {0};
	char path[64], got[64];
	int fd;
	ssize_t n;
	(void)s;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(sdn_notify("READY=1"), 0);
	snprintf(path, sizeof(path), "/tmp/jk-notify-%d", (int)getpid());
	unlink(path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(sdn_notify("READY=1"), 1);
	n = recv(fd, got, sizeof(got) - 1, 0);
	assert_int_equal(n, 7);
	got[n] = '\0';
	assert_string_equal(got, "READY=1");
	setenv("WATCHDOG_USEC", "20000000", 1);
	assert_true(sdn_watchdog_interval() == 20.0);
	setenv("WATCHDOG_USEC", "junk", 1);
	assert_true(sdn_watchdog_interval() == 0);
	unsetenv("NOTIFY_SOCKET");
	unsetenv("WATCHDOG_USEC");
	close(fd);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_long), cmocka_unit_test(test_buf),
		cmocka_unit_test(test_utf8), cmocka_unit_test(test_kdate),
		cmocka_unit_test(test_http), cmocka_unit_test(test_sdnotify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
