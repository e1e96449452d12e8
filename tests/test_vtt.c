/*
 * WebVTT captions: the forms real files use, and hostile input (binary, invalid
 * UTF-8, absurd or reversed times, endless tags, huge cues, thousands of cues).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "vtt.h"

static void test_times(void **s)
{
	int64_t ms;
	(void)s;
	assert_int_equal(vtt_time("00:01.500", &ms), 9);
	assert_int_equal(ms, 1500);
	assert_int_equal(vtt_time("01:02:03.004 -->", &ms), 12);
	assert_int_equal(ms, 3723004);
	assert_int_equal(vtt_time("100:00:00.000", &ms), 13);
	assert_int_equal(ms, 360000000);
	assert_int_equal(vtt_time("1:02.000", &ms), 0);	   /* minutes need two digits */
	assert_int_equal(vtt_time("00:60.000", &ms), 0);
	assert_int_equal(vtt_time("00:00:61.000", &ms), 0);
	assert_int_equal(vtt_time("00:01.50", &ms), 0);
	assert_int_equal(vtt_time("00:01,500", &ms), 0);    /* SRT's comma */
	assert_int_equal(vtt_time("", &ms), 0);
	assert_int_equal(vtt_time("99999:00:00.000", &ms), 0);
}

static void test_file(void **s)
{
	vtt v;
	const char *f = "\xEF\xBB\xBFWEBVTT - 면접 자막\r\n\r\nNOTE 메모는 무시\r\n\r\n"
			"q1\r\n00:00:03.000 --> 00:00:04.000 line:80% align:center\r\n"
			"<v 면접관>자기소개를 <b>해</b> 주세요.</v>\r\n\r\n"
			"00:10.000 --> 00:12.500\n둘째 &amp; 셋째\n줄입니다\n\n"
			"00:11.000 --> 00:11.500\n겹침\n";
	(void)s;
	assert_int_equal(vtt_parse(f, strlen(f), &v), 0);
	assert_int_equal(v.n, 3);
	assert_string_equal(v.cues[0].text, "자기소개를 해 주세요.");
	assert_int_equal(v.cues[0].start_ms, 3000);
	assert_string_equal(v.cues[1].text, "둘째 & 셋째\n줄입니다");
	assert_null(vtt_at(&v, 2999));
	assert_string_equal(vtt_at(&v, 3000), "자기소개를 해 주세요.");
	assert_null(vtt_at(&v, 4000));
	assert_string_equal(vtt_at(&v, 11200), "겹침");
	assert_string_equal(vtt_at(&v, 12000), "둘째 & 셋째\n줄입니다");
	vtt_free(&v);
}

static void test_hostile(void **s)
{
	vtt v;
	(void)s;
	assert_int_equal(vtt_parse("", 0, &v), -1);
	assert_int_equal(vtt_parse("WEBVT", 5, &v), -1);
	assert_int_equal(vtt_parse("WEBVTTX\n", 8, &v), -1);
	assert_int_equal(vtt_parse("1\n00:00:01,000 --> 00:00:02,000\nSRT\n", 36, &v), -1);
	assert_int_equal(vtt_parse("WEBVTT\n\n00:01.000 --> 00:02.000\n\xC3\x28\n", 38, &v), -1);
	assert_int_equal(vtt_parse("WEBVTT\n\0\n", 9, &v), -1);
	/* bad cues are dropped, good ones kept */
	const char *f = "WEBVTT\n\n00:05.000 --> 00:01.000\n거꾸로\n\n"
			"00:01.000 -->\n끝 없음\n\n"
			"--> 00:01.000\n시작 없음\n\n"
			"00:01.000 --> 00:02.000\n\n"
			"00:01.000 --> 00:02.000\n<unclosed tag\n\n"
			"00:01.000 --> 00:02.000\n\x01\x07제어\x1b문자\n\n"
			"25:00:00.000 --> 26:00:00.000\n너무 늦음\n";
	assert_int_equal(vtt_parse(f, strlen(f), &v), 0);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.cues[0].text, "제어문자");
	vtt_free(&v);
	/* a huge cue is cut at a character boundary */
	size_t n = 100000;
	char *big = malloc(n + 64);
	size_t l = (size_t)snprintf(big, n, "WEBVTT\n\n00:01.000 --> 00:02.000\n");
	while (l + 3 < n) {
		memcpy(big + l, "가", 3);
		l += 3;
	}
	big[l] = '\0';
	assert_int_equal(vtt_parse(big, l, &v), 0);
	assert_int_equal(v.n, 1);
	assert_true(strlen(v.cues[0].text) <= VTT_MAX_TEXT);
	assert_int_equal(strlen(v.cues[0].text) % 3, 0);
	vtt_free(&v);
	/* many cues: at most VTT_MAX_CUES kept */
	size_t cap = 64 + (VTT_MAX_CUES + 500) * 40;
	char *many = malloc(cap);
	l = (size_t)snprintf(many, cap, "WEBVTT\n\n");
	for (int i = 0; i < VTT_MAX_CUES + 500; i++)
		l += (size_t)snprintf(many + l, cap - l, "%02d:%02d.000 --> %02d:%02d.500\nc\n\n",
				      i / 60 % 60, i % 60, i / 60 % 60, i % 60);
	assert_int_equal(vtt_parse(many, l, &v), 0);
	assert_int_equal(v.n, VTT_MAX_CUES);
	vtt_free(&v);
	free(big);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
