#include "vtt.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

static int digits(const char *s, int n, long *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*v = *v * 10 + (s[i] - '0');
	}
	return 1;
}

size_t vtt_time(const char *s, int64_t *ms)
{
	long a, b, c = 0, f;
	size_t i = 0, na = 0;
	/* the first field: 2 or more digits (hours may be longer), at most 4 */
	while (s[na] >= '0' && s[na] <= '9' && na < 5)
		na++;
	if (na < 2 || na > 4 || s[na] != ':' || !digits(s, (int)na, &a))
		return 0;
	i = na + 1;
	if (!digits(s + i, 2, &b))
		return 0;
	i += 2;
	if (s[i] == ':') { /* hh:mm:ss.ttt */
		if (!digits(s + i + 1, 2, &c))
			return 0;
		i += 3;
		if (b > 59 || c > 59)
			return 0;
		*ms = ((int64_t)a * 3600 + b * 60 + c) * 1000;
	} else { /* mm:ss.ttt */
		if (na != 2 || a > 59 || b > 59)
			return 0;
		*ms = ((int64_t)a * 60 + b) * 1000;
	}
	if (s[i] != '.' || !digits(s + i + 1, 3, &f))
		return 0;
	*ms += f;
	return i + 4;
}

/* Appends a cue line with tags (<b>, <v Name>, <00:01.000>) removed and the
 * common entities decoded. */
static void add_text(buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<') {
			const char *e = memchr(s + i, '>', n - i);
			if (!e)
				break; /* an unclosed tag: the rest is not text */
			i = (size_t)(e - s);
			continue;
		}
		if (s[i] == '&') {
			static const char *const ent[][2] = {
				{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&nbsp;", " "},
				{"&lrm;", ""}, {"&rlm;", ""}};
			size_t k;
			for (k = 0; k < sizeof(ent) / sizeof(*ent); k++) {
				size_t el = strlen(ent[k][0]);
				if (n - i >= el && memcmp(s + i, ent[k][0], el) == 0) {
					buf_adds(b, ent[k][1]);
					i += el - 1;
					break;
				}
			}
			if (k < sizeof(ent) / sizeof(*ent))
				continue;
		}
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			continue; /* control characters never reach the screen */
		buf_addc(b, s[i]);
	}
}

/* Well-formed UTF-8; unlike utf8_valid, control characters are allowed here (they
 * are dropped from the text) so that one stray byte does not lose every caption. */
static int encoding_ok(const char *s, size_t n)
{
	uint32_t cp;
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = utf8_decode(s + i, n - i, &cp)))
			return 0;
	return 1;
}

static int cmp_cue(const void *x, const void *y)
{
	const vtt_cue *a = x, *b = y;
	return a->start_ms < b->start_ms ? -1 : a->start_ms > b->start_ms ? 1 : 0;
}

int vtt_parse(const char *s, size_t len, vtt *out)
{
	const char *p = s, *end = s + len;
	buf text;
	int cap = 0;

	memset(out, 0, sizeof(*out));
	if (!encoding_ok(s, len) || memchr(s, '\0', len))
		return -1;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	if ((size_t)(end - p) < 6 || memcmp(p, "WEBVTT", 6) != 0 ||
	    ((size_t)(end - p) > 6 && p[6] != '\n' && p[6] != '\r' && p[6] != ' ' && p[6] != '\t'))
		return -1;
	buf_init(&text);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		const char *arrow = memmem(p, ll, "-->", 3);
		if (!arrow) {
			p = nl ? nl + 1 : end;
			continue;
		}
		/* a timing line: start --> end [settings] */
		int64_t a, b;
		const char *q = p;
		while (q < arrow && (*q == ' ' || *q == '\t'))
			q++;
		size_t ua = vtt_time(q, &a);
		q = arrow + 3;
		while (q < p + ll && (*q == ' ' || *q == '\t'))
			q++;
		size_t ub = q < p + ll ? vtt_time(q, &b) : 0;
		p = nl ? nl + 1 : end;
		/* the cue's text: the lines up to a blank one */
		buf_reset(&text);
		while (p < end) {
			const char *n2 = memchr(p, '\n', (size_t)(end - p));
			const char *e2 = n2 ? n2 : end;
			size_t l2 = (size_t)(e2 - p);
			if (l2 && p[l2 - 1] == '\r')
				l2--;
			if (l2 == 0 || memmem(p, l2, "-->", 3))
				break;
			if (text.len)
				buf_addc(&text, '\n');
			add_text(&text, p, l2);
			p = n2 ? n2 + 1 : end;
		}
		if (!ua || !ub || b <= a || a > 24LL * 3600 * 1000 || !text.len ||
		    out->n == VTT_MAX_CUES)
			continue;
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->cues = xrealloc(out->cues, (size_t)cap * sizeof(*out->cues));
		}
		size_t tl = utf8_clip(text.data, text.len, VTT_MAX_TEXT);
		out->cues[out->n].start_ms = a;
		out->cues[out->n].end_ms = b;
		out->cues[out->n].text = xstrndup(text.data, tl);
		out->n++;
	}
	buf_release(&text);
	if (out->n)
		qsort(out->cues, (size_t)out->n, sizeof(*out->cues), cmp_cue);
	return 0;
}

void vtt_free(vtt *v)
{
	for (int i = 0; i < v->n; i++)
		free(v->cues[i].text);
	free(v->cues);
	memset(v, 0, sizeof(*v));
}

const char *vtt_at(const vtt *v, int64_t ms)
{
	const char *t = NULL;
	for (int i = 0; i < v->n && v->cues[i].start_ms <= ms; i++)
		if (ms < v->cues[i].end_ms)
			t = v->cues[i].text;
	return t;
}
