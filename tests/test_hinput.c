/* Unit tests: Hangul composition in the kiosk's text fields (kiosk/hinput.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hinput.h"

static void keys(hin *h, const char *s)
{
	for (; *s; s++)
		hin_key(h, *s);
}

static void test_compose(void **s)
{
	hin *h = hin_create(60);
	(void)s;
	keys(h, "rksgh");
	assert_string_equal(hin_text(h), "간호");
	keys(h, "tk");
	assert_string_equal(hin_text(h), "간호사");
	hin_clear(h);
	keys(h, "gksrmf");
	assert_string_equal(hin_text(h), "한글");
	hin_clear(h);
	/* a final consonant moves to the next syllable when a vowel follows */
	keys(h, "ekfkawnl");
	assert_string_equal(hin_text(h), "다람쥐");
	hin_clear(h);
	/* double consonants by shift, and a space */
	keys(h, "Tkd rhk");
	assert_string_equal(hin_text(h), "쌍 과");
	hin_destroy(h);
}

static void test_backspace(void **s)
{
	hin *h = hin_create(60);
	(void)s;
	keys(h, "rks"); /* 간, still composing */
	assert_string_equal(hin_text(h), "간");
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "가");
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "ㄱ");
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "");
	assert_false(hin_backspace(h));
	/* over a committed syllable: it goes whole; the composing one jamo by jamo */
	keys(h, "rksgh"); /* 간 committed, 호 composing */
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "간ㅎ");
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "간");
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "");
	/* a compound vowel loses its second part first */
	keys(h, "rhk"); /* 과 */
	assert_true(hin_backspace(h));
	assert_string_equal(hin_text(h), "고");
	hin_destroy(h);
}

static void test_modes_and_ime(void **s)
{
	hin *h = hin_create(10);
	(void)s;
	keys(h, "rk"); /* 가 composing */
	hin_set_korean(h, 0);
	keys(h, "ab1");
	assert_string_equal(hin_text(h), "가ab1");
	hin_insert(h, "간호");
	assert_string_equal(hin_text(h), "가ab1간호");
	/* control characters and broken UTF-8 from an IME are dropped */
	hin_insert(h, "\x01x");
	assert_string_equal(hin_text(h), "가ab1간호x");
	hin_insert(h, "\xff\xfe");
	assert_string_equal(hin_text(h), "가ab1간호x");
	/* the cap (10 characters) holds */
	hin_insert(h, "12345678");
	assert_string_equal(hin_text(h), "가ab1간호x123");
	keys(h, "zz");
	assert_string_equal(hin_text(h), "가ab1간호x123");
	hin_clear(h);
	assert_string_equal(hin_text(h), "");
	hin_set(h, "사무");
	assert_string_equal(hin_text(h), "사무");
	hin_destroy(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_backspace),
		cmocka_unit_test(test_modes_and_ime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
