/*
 * ngram.h - the search index's tokenizer: partial-word matching for Korean (and
 * any other script) on SQLite FTS5.
 *
 * Korean has no spaces inside compounds ("간호조무사"), and people type fragments
 * ("간호"), so words are indexed as overlapping character n-grams. In each word
 * c0 c1 ... c(n-1), position i carries
 *	- the bigram  c(i) c(i+1)            (i <= n-2)
 *	- the trigram c(i) c(i+1) c(i+2)     (i <= n-3), colocated with the bigram
 *	- the unigram c(n-1)                 (at the last position only)
 * A query word of 2 characters is one bigram token, of 3 one trigram token, of k > 3
 * the phrase of its k-2 trigrams (consecutive positions, so they must be adjacent),
 * and of 1 character the prefix query "c"*, which finds it at every position (as the
 * first character of a bigram, or the final unigram). Trigrams keep long queries
 * selective; bigrams make the common two-syllable query (간호, 사무, 물류) a single
 * index lookup, which FTS5's built-in trigram tokenizer cannot serve at all.
 *
 * Words are maximal runs of letters and digits (any script); ASCII and full-width
 * Latin are folded to lower case, so "Nurse", "NURSE" and "ｎｕｒｓｅ" are equal.
 * Words are AND-ed: every query word must occur in title, company or description.
 *
 * Both the service and the kiosk's offline cache use this module, so the same query
 * gives the same matches on both. Pure functions and a registration; any thread.
 */
#ifndef JK_NGRAM_H
#define JK_NGRAM_H

#include <sqlite3.h>
#include <stddef.h>

#include "buf.h"
#include "util.h"

/* The name to use in CREATE VIRTUAL TABLE ... USING fts5(..., tokenize='jk_ngram'). */
#define NGRAM_TOKENIZER "jk_ngram"
/* At most this many words in a query; more is a bad request. */
#define NGRAM_MAX_WORDS 8
/* Query words longer than this many characters are cut (still a valid match). */
#define NGRAM_MAX_WORD_CHARS 32

/* Called for every token of a document: the token's bytes, its source byte range,
 * and whether it shares the previous token's position. Return non-zero to stop. */
typedef int (*ngram_emit_fn)(void *ctx, const char *tok, size_t len, size_t start, size_t end,
			     int colocated);

/* Tokenizes a document (valid or invalid UTF-8; invalid bytes separate words).
 * Returns the emit function's non-zero value if it stopped early, else 0. */
int ngram_tokenize(const char *text, size_t n, ngram_emit_fn emit, void *ctx);

/* Registers the tokenizer, and the auxiliary function jk_tier(table): 0 when every
 * query word matched in the first column (the title), else 1, with an open
 * connection. Returns 0, or -1 when the SQLite library lacks FTS5. */
int ngram_register(sqlite3 *db) WUR;

/* Builds the FTS5 MATCH expression for a user's query into out (reset first).
 * Returns the number of words (0 when the query has no letters or digits: match
 * everything), or -1 with a message in err when it has more than NGRAM_MAX_WORDS. */
int ngram_match_expr(const char *q, buf *out, char *err, size_t errlen) WUR;

/* 1 if code point cp belongs to a word. */
int ngram_is_word_char(unsigned cp);

#endif
