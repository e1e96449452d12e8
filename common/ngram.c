#include "ngram.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

int ngram_is_word_char(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return 0; /* Latin-1 punctuation and symbols */
	if ((cp >= 0x2000 && cp <= 0x2bff) || /* general punctuation .. misc symbols */
	    (cp >= 0x3000 && cp <= 0x303f) || /* CJK punctuation */
	    (cp >= 0xfe30 && cp <= 0xfe4f) || /* CJK compatibility forms */
	    (cp >= 0xff00 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0xff3b && cp <= 0xff40) || (cp >= 0xff5b && cp <= 0xff65) ||
	    (cp >= 0xe000 && cp <= 0xf8ff) || /* private use */
	    (cp >= 0xfff0 && cp <= 0xffff) || cp >= 0x1f000)
		return 0;
	return 1;
}

static uint32_t fold(uint32_t cp)
{
	if (cp >= 0xff01 && cp <= 0xff5e) /* full-width ASCII */
		cp -= 0xfee0;
	if (cp >= 'A' && cp <= 'Z')
		cp += 32;
	return cp;
}

/* One character of a word: folded UTF-8 bytes and source range. */
struct ng_char {
	char b[4];
	unsigned char len;
	size_t start, end;
};

#define NG_WORD_MAX 256 /* longer runs are indexed in pieces of this length */

static int emit_word(const struct ng_char *w, size_t n, ngram_emit_fn emit, void *ctx)
{
	char tok[12];
	int rc;

	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		if (i + 1 < n) {
			memcpy(tok, w[i].b, w[i].len);
			memcpy(tok + w[i].len, w[i + 1].b, w[i + 1].len);
			len = (size_t)w[i].len + w[i + 1].len;
			if ((rc = emit(ctx, tok, len, w[i].start, w[i + 1].end, 0)))
				return rc;
			if (i + 2 < n) {
				memcpy(tok + len, w[i + 2].b, w[i + 2].len);
				if ((rc = emit(ctx, tok, len + w[i + 2].len, w[i].start, w[i + 2].end,
					       1)))
					return rc;
			}
		} else {
			if ((rc = emit(ctx, w[i].b, w[i].len, w[i].start, w[i].end, 0)))
				return rc;
		}
	}
	return 0;
}

int ngram_tokenize(const char *text, size_t n, ngram_emit_fn emit, void *ctx)
{
	struct ng_char w[NG_WORD_MAX];
	size_t nw = 0, i = 0;
	int rc;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(text + i, n - i, &cp);
		if (k == 0) {
			k = 1;
			cp = 0; /* invalid byte: a separator */
		}
		if (cp && ngram_is_word_char(cp)) {
			struct ng_char *c = &w[nw++];
			c->len = (unsigned char)utf8_encode(fold(cp), c->b);
			c->start = i;
			c->end = i + k;
			if (nw == NG_WORD_MAX) {
				if ((rc = emit_word(w, nw, emit, ctx)))
					return rc;
				nw = 0;
			}
		} else if (nw) {
			if ((rc = emit_word(w, nw, emit, ctx)))
				return rc;
			nw = 0;
		}
		i += k;
	}
	return nw ? emit_word(w, nw, emit, ctx) : 0;
}

/* ---- FTS5 glue ---- */

struct ng_fts_ctx {
	void *pctx;
	int (*xtoken)(void *, int, const char *, int, int, int);
};

static int fts_emit(void *c, const char *tok, size_t len, size_t start, size_t end, int coloc)
{
	struct ng_fts_ctx *x = c;
	return x->xtoken(x->pctx, coloc ? FTS5_TOKEN_COLOCATED : 0, tok, (int)len, (int)start,
			 (int)end);
}

static int ng_create(void *unused, const char **argv, int argc, Fts5Tokenizer **out)
{
	static int dummy;
	(void)unused;
	(void)argv;
	if (argc != 0)
		return SQLITE_ERROR;
	*out = (Fts5Tokenizer *)&dummy;
	return SQLITE_OK;
}

static void ng_delete(Fts5Tokenizer *t)
{
	(void)t;
}

/* Queries come from ngram_match_expr(): already folded n-grams separated by spaces.
 * Each space-separated piece is taken as one token, exactly as written. */
static int ng_tokenize_query(const char *text, int n, void *pctx,
			     int (*xtoken)(void *, int, const char *, int, int, int))
{
	int i = 0, rc;
	while (i < n) {
		while (i < n && text[i] == ' ')
			i++;
		int s = i;
		while (i < n && text[i] != ' ')
			i++;
		if (i > s && (rc = xtoken(pctx, 0, text + s, i - s, s, i)) != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

static int ng_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text, int n,
		       int (*xtoken)(void *, int, const char *, int, int, int))
{
	struct ng_fts_ctx c = {pctx, xtoken};
	(void)t;
	if (n <= 0)
		return SQLITE_OK;
	if (flags & FTS5_TOKENIZE_QUERY)
		return ng_tokenize_query(text, n, pctx, xtoken);
	return ngram_tokenize(text, (size_t)n, fts_emit, &c);
}

/* jk_tier(jobs_fts): 0 when every phrase of the query matches in the first column
 * (the title), else 1. A phrase's instances come in (column, offset) order, so its
 * first instance tells. */
static void ng_tier(const Fts5ExtensionApi *x, Fts5Context *f, sqlite3_context *ctx, int nv,
		    sqlite3_value **v)
{
	int n = x->xPhraseCount(f);
	(void)nv;
	(void)v;
	for (int p = 0; p < n; p++) {
		Fts5PhraseIter it;
		int col = -1, off = -1;
		if (x->xPhraseFirst(f, p, &it, &col, &off) != SQLITE_OK || col != 0) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
}

int ngram_register(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	static fts5_tokenizer tok = {ng_create, ng_delete, ng_tokenize};

	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return -1;
	if (api->xCreateTokenizer(api, NGRAM_TOKENIZER, NULL, &tok, NULL) != SQLITE_OK)
		return -1;
	return api->xCreateFunction(api, "jk_tier", NULL, ng_tier, NULL) == SQLITE_OK ? 0 : -1;
}

/* ---- queries ---- */

struct ng_query {
	struct ng_char w[NGRAM_MAX_WORD_CHARS];
	size_t nw;
	int words;
	buf *out;
};

static void q_add_ngram(buf *out, const struct ng_char *w, size_t k)
{
	for (size_t i = 0; i < k; i++)
		buf_add(out, w[i].b, w[i].len);
}

static void q_flush(struct ng_query *q)
{
	buf *out = q->out;
	if (!q->nw)
		return;
	if (q->words++)
		buf_addc(out, ' ');
	buf_addc(out, '"');
	if (q->nw == 1) {
		q_add_ngram(out, q->w, 1);
		buf_adds(out, "\"*");
	} else if (q->nw <= 3) {
		q_add_ngram(out, q->w, q->nw);
		buf_addc(out, '"');
	} else {
		for (size_t i = 0; i + 3 <= q->nw; i++) {
			if (i)
				buf_addc(out, ' ');
			q_add_ngram(out, q->w + i, 3);
		}
		buf_addc(out, '"');
	}
	q->nw = 0;
}

int ngram_match_expr(const char *text, buf *out, char *err, size_t errlen)
{
	struct ng_query q;
	size_t n = strlen(text), i = 0;

	memset(&q, 0, sizeof(q));
	q.out = out;
	buf_reset(out);
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(text + i, n - i, &cp);
		if (k == 0) {
			k = 1;
			cp = 0;
		}
		if (cp && ngram_is_word_char(cp)) {
			if (q.nw == 0 && q.words == NGRAM_MAX_WORDS) {
				snprintf(err, errlen, "too many words (at most %d)", NGRAM_MAX_WORDS);
				buf_reset(out);
				return -1;
			}
			if (q.nw < NGRAM_MAX_WORD_CHARS) {
				struct ng_char *c = &q.w[q.nw++];
				c->len = (unsigned char)utf8_encode(fold(cp), c->b);
			}
		} else {
			q_flush(&q);
		}
		i += k;
	}
	q_flush(&q);
	return q.words;
}
