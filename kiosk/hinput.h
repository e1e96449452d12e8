/*
 * hinput.h - a text field's content with Korean composition (libhangul, 두벌식).
 * Keys from the on-screen keyboard go in as the QWERTY letters of the 2-set layout
 * ('r' = ㄱ, 'k' = ㅏ); backspace removes the last jamo of the syllable being
 * composed, as people expect, and the last character otherwise. Text from a
 * hardware keyboard's IME goes in whole. The content is personal input: it is
 * zeroed on clear and destroy. Main thread only.
 */
#ifndef K_HINPUT_H
#define K_HINPUT_H

#include <stddef.h>

typedef struct hin hin;

/* max_chars bounds the text (committed plus composing). */
hin *hin_create(size_t max_chars);
void hin_destroy(hin *h);

/* Korean (1) or Latin (0) keys; switching commits the syllable being composed. */
void hin_set_korean(hin *h, int korean);
int hin_korean(const hin *h);

/* One key: a 2-set QWERTY letter in Korean mode, else any printable ASCII. */
void hin_key(hin *h, char ascii);
/* Removes one jamo or one character. Returns 0 when there was nothing to remove. */
int hin_backspace(hin *h);
/* Appends UTF-8 text as typed through an IME (commits composition first). */
void hin_insert(hin *h, const char *utf8);
/* Commits the syllable being composed. */
void hin_commit(hin *h);
/* The whole text including the syllable being composed. Owned by h; valid until
 * the next call that changes it. */
const char *hin_text(hin *h);
/* Sets the committed text (for restoring a query), composition cleared. */
void hin_set(hin *h, const char *utf8);
/* Empties and zeroes everything. */
void hin_clear(hin *h);

#endif
