#include "hinput.h"

#include <hangul.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"
#include "util.h"

struct hin {
	HangulInputContext *ic;
	buf committed;
	buf view;
	size_t max_chars;
	int korean;
};

hin *hin_create(size_t max_chars)
{
	hin *h = xcalloc(1, sizeof(*h));
	h->ic = hangul_ic_new("2");
	if (!h->ic)
		die("libhangul: no 2-set keyboard");
	buf_init(&h->committed);
	buf_init(&h->view);
	h->max_chars = max_chars;
	h->korean = 1;
	return h;
}

void hin_destroy(hin *h)
{
	if (!h)
		return;
	hin_clear(h);
	hangul_ic_delete(h->ic);
	free(h);
}

static void add_ucs(buf *b, const ucschar *s)
{
	char u[4];
	for (; s && *s; s++)
		buf_add(b, u, utf8_encode(*s, u));
}

static size_t chars_of(hin *h)
{
	const ucschar *pre = hangul_ic_get_preedit_string(h->ic);
	size_t n = utf8_count(h->committed.data, h->committed.len);
	for (; pre && *pre; pre++)
		n++;
	return n;
}

void hin_commit(hin *h)
{
	add_ucs(&h->committed, hangul_ic_flush(h->ic));
}

void hin_set_korean(hin *h, int korean)
{
	hin_commit(h);
	h->korean = korean;
}

int hin_korean(const hin *h)
{
	return h->korean;
}

void hin_key(hin *h, char c)
{
	if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
		return;
	/* Full: only a key that may still change the syllable being composed. */
	if (chars_of(h) >= h->max_chars && hangul_ic_is_empty(h->ic))
		return;
	if (h->korean && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
		if (hangul_ic_process(h->ic, c)) {
			add_ucs(&h->committed, hangul_ic_get_commit_string(h->ic));
			return;
		}
		add_ucs(&h->committed, hangul_ic_get_commit_string(h->ic));
	} else {
		hin_commit(h);
	}
	buf_addc(&h->committed, c);
}

int hin_backspace(hin *h)
{
	size_t n;
	if (hangul_ic_backspace(h->ic))
		return 1;
	n = h->committed.len;
	if (n == 0)
		return 0;
	/* drop the last UTF-8 character */
	while (n > 0 && ((unsigned char)h->committed.data[n - 1] & 0xc0) == 0x80)
		n--;
	if (n > 0)
		n--;
	util_wipe(h->committed.data + n, h->committed.len - n);
	h->committed.len = n;
	return 1;
}

void hin_insert(hin *h, const char *s)
{
	size_t len = strlen(s), room;
	hin_commit(h);
	/* well-formed UTF-8 or nothing; control characters are skipped below */
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k)
			return;
		i += k;
	}
	room = h->max_chars > chars_of(h) ? h->max_chars - chars_of(h) : 0;
	/* append at most `room` characters, without control characters */
	for (size_t i = 0; i < len && room > 0;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (!k)
			break;
		if (cp >= 0x20)
			buf_add(&h->committed, s + i, k), room--;
		i += k;
	}
}

const char *hin_text(hin *h)
{
	buf_wipe(&h->view);
	buf_add(&h->view, h->committed.data, h->committed.len);
	add_ucs(&h->view, hangul_ic_get_preedit_string(h->ic));
	return h->view.data;
}

void hin_set(hin *h, const char *s)
{
	hin_clear(h);
	hin_insert(h, s);
}

void hin_clear(hin *h)
{
	hangul_ic_reset(h->ic);
	buf_wipe(&h->committed);
	buf_wipe(&h->view);
}
