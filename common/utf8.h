/*
 * utf8.h - the UTF-8 handling the search and the validators need. Pure functions,
 * any thread.
 */
#ifndef JK_UTF8_H
#define JK_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 if s[0..n) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF) and
 * contains no NUL or C0 control other than tab, CR, LF; else 0. */
int utf8_valid(const char *s, size_t n);

/* Decodes one code point at s (n bytes available). Returns its length in bytes and
 * stores the code point, or returns 0 on malformed input or n == 0. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encodes cp into out (at least 4 bytes); returns the length. */
size_t utf8_encode(uint32_t cp, char *out);

/* Number of code points in a valid string. */
size_t utf8_count(const char *s, size_t n);

/* Largest length <= max that does not cut a code point of the valid string s. */
size_t utf8_clip(const char *s, size_t n, size_t max);

/* 1 for a Hangul syllable (U+AC00..U+D7A3). */
int utf8_is_hangul(uint32_t cp);

#endif
