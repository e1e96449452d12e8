/* Unit tests: the n-gram tokenizer and query builder (common/ngram.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "ngram.h"

struct collect {
	buf out;
	int count;
};

static int collect_cb(void *ctx, const char *tok, size_t len, size_t start, size_t end, int coloc)
{
	struct collect *c = ctx;
	(void)start;
	(void)end;
	if (c->count++)
		buf_addc(&c->out, coloc ? '+' : ' ');
	buf_add(&c->out, tok, len);
	return 0;
}

static char *tokens(const char *text)
{
	struct collect c = {{0}, 0};
	buf_init(&c.out);
	assert_int_equal(ngram_tokenize(text, strlen(text), collect_cb, &c), 0);
	return buf_detach(&c.out, NULL);
}

static void check_tokens(const char *text, const char *want)
{
	char *got = tokens(text);
	assert_string_equal(got, want);
	free(got);
}

static void test_tokenize(void **s)
{
	(void)s;
	/* bigram, colocated trigram ('+'), ..., final unigram */
	check_tokens("간호조무사", "간호+간호조 호조+호조무 조무+조무사 무사 사");
	check_tokens("간호", "간호 호");
	check_tokens("간", "간");
	check_tokens("", "");
	check_tokens("  ,,  ", "");
	/* words split at punctuation; ASCII and full-width fold to lower case */
	check_tokens("사무·보조", "사무 무 보조 조");
	check_tokens("NuRsE", "nu+nur ur+urs rs+rse se e");
	check_tokens("ＡＢ", "ab b");
	check_tokens("(주)빛고을", "주 빛고+빛고을 고을 을");
	/* invalid UTF-8 separates words instead of failing */
	check_tokens("ab\xff" "cd", "ab b cd d");
}

static char *expr(const char *q, int *words)
{
	buf b;
	char err[128];
	buf_init(&b);
	*words = ngram_match_expr(q, &b, err, sizeof(err));
	return buf_detach(&b, NULL);
}

static void check_expr(const char *q, const char *want, int want_words)
{
	int words;
	char *got = expr(q, &words);
	assert_int_equal(words, want_words);
	assert_string_equal(got, want);
	free(got);
}

static void test_match_expr(void **s)
{
	(void)s;
	check_expr("간", "\"간\"*", 1);
	check_expr("간호", "\"간호\"", 1);
	check_expr("간호사", "\"간호사\"", 1);
	check_expr("간호조무사", "\"간호조 호조무 조무사\"", 1);
	check_expr("사무 보조", "\"사무\" \"보조\"", 2);
	check_expr("Nurse", "\"nur urs rse\"", 1);
}

static void test_match_expr_hostile(void **s)
{
	int words;
	char *e;
	(void)s;
	/* FTS5 syntax and SQL in the query are just separators. */
	check_expr("\" OR 1=1 --", "\"or\" \"1\"* \"1\"*", 3);
	check_expr("a\"b*c", "\"a\"* \"b\"* \"c\"*", 3);
	check_expr("NEAR(간호, 사무)", "\"nea ear\" \"간호\" \"사무\"", 3);
	check_expr("!!!", "", 0);
	check_expr("", "", 0);
	/* too many words */
	e = expr("a b c d e f g h i", &words);
	assert_int_equal(words, -1);
	free(e);
	/* long words are cut, not refused */
	e = expr("가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사아자차카타파하",
		 &words);
	assert_int_equal(words, 1);
	free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenize),
		cmocka_unit_test(test_match_expr),
		cmocka_unit_test(test_match_expr_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
