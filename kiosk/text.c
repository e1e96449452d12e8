#include "text.h"

#include <SDL2/SDL_ttf.h>
#include <string.h>

#include "utf8.h"

#define TXT_CACHE 512	 /* rendered strings kept */
/* Rendered strings are full ARGB surfaces in the software renderer: a result's
 * title alone can be 200 KiB. The cache is bounded by bytes, not only count. */
#define TXT_CACHE_BYTES (3u << 20)
#define TXT_METRICS 1024 /* measured strings remembered */

/* One FreeType face per weight, resized on demand: a CJK face costs ~10 MiB of
 * parsed tables, and a face per pixel size took the kiosk past 300 MiB. The string
 * texture cache and the metrics cache mean resizing (which flushes SDL_ttf's glyph
 * cache) happens only on a miss. */
struct txt_metric {
	unsigned long hash;
	size_t len;
	int px, bold, w, h;
};

struct txt_entry {
	unsigned long hash;
	int px, bold;
	theme_rgba c;
	char *s;
	SDL_Texture *tex;
	int w, h;
	unsigned long used;
};

struct txt {
	SDL_Renderer *r;
	char path[256], bold_path[256];
	int face, bold_face;
	TTF_Font *f[2];
	int f_px[2];
	struct txt_metric metrics[TXT_METRICS];
	struct {
		int px, skip;
	} skips[16];
	struct txt_wrapc {
		unsigned long hash;
		size_t len;
		int px, bold, width, n;
		int starts[TXT_MAX_LINES], ends[TXT_MAX_LINES];
		unsigned long used;
	} wraps[32];
	struct txt_entry cache[TXT_CACHE];
	size_t bytes;
	unsigned long tick, hits, misses;
};

/* Debian's paths: fonts-noto-cjk, then fonts-nanum. */
static const struct {
	const char *regular;
	const char *bold;
	int face;
} candidates[] = {
	{"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	 "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 1},
	{"/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
	 "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf", 0},
	{"/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
	 "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf", 0},
};

txt *txt_create(SDL_Renderer *r, char *err, size_t errlen)
{
	txt *t;
	if (!TTF_WasInit() && TTF_Init() < 0) {
		snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
		return NULL;
	}
	t = xcalloc(1, sizeof(*t));
	t->r = r;
	for (size_t i = 0; i < ARRAY_LEN(candidates); i++) {
		TTF_Font *f = TTF_OpenFontIndex(candidates[i].regular, 20, candidates[i].face);
		if (!f)
			continue;
		TTF_CloseFont(f);
		snprintf(t->path, sizeof(t->path), "%s", candidates[i].regular);
		t->face = candidates[i].face;
		f = TTF_OpenFontIndex(candidates[i].bold, 20, candidates[i].face);
		if (f) {
			TTF_CloseFont(f);
			snprintf(t->bold_path, sizeof(t->bold_path), "%s", candidates[i].bold);
			t->bold_face = candidates[i].face;
		} else {
			memcpy(t->bold_path, t->path, sizeof(t->path));
			t->bold_face = t->face;
		}
		return t;
	}
	snprintf(err, errlen, "no Korean font found (install fonts-noto-cjk or fonts-nanum)");
	free(t);
	return NULL;
}

static void evict(txt *t, struct txt_entry *e);

void txt_destroy(txt *t)
{
	if (!t)
		return;
	for (int i = 0; i < TXT_CACHE; i++)
		evict(t, &t->cache[i]);
	for (int i = 0; i < 2; i++)
		if (t->f[i])
			TTF_CloseFont(t->f[i]);
	free(t);
}

const char *txt_font_path(const txt *t)
{
	return t->path;
}

static TTF_Font *font(txt *t, int px, int bold)
{
	int i = bold ? 1 : 0;
	if (!t->f[i]) {
		t->f[i] = TTF_OpenFontIndex(bold ? t->bold_path : t->path, px,
					    bold ? t->bold_face : t->face);
		if (!t->f[i])
			die("font %s vanished: %s", t->path, TTF_GetError());
		TTF_SetFontHinting(t->f[i], TTF_HINTING_LIGHT);
		t->f_px[i] = px;
	} else if (t->f_px[i] != px) {
		TTF_SetFontSize(t->f[i], px);
		t->f_px[i] = px;
	}
	return t->f[i];
}

static unsigned long hash_str(const char *s);

void txt_size(txt *t, int px, int bold, const char *s, int *w, int *h)
{
	unsigned long hs = hash_str(s);
	size_t len = strlen(s);
	struct txt_metric *m = &t->metrics[(hs ^ (unsigned long)px * 31 ^ (unsigned long)bold) % TXT_METRICS];
	if (m->hash == hs && m->len == len && m->px == px && m->bold == bold) {
		*w = m->w;
		*h = m->h;
		return;
	}
	if (!*s) {
		*w = 0;
		*h = TTF_FontHeight(font(t, px, bold));
	} else {
		TTF_SizeUTF8(font(t, px, bold), s, w, h);
	}
	*m = (struct txt_metric){hs, len, px, bold, *w, *h};
}

int txt_line_h(txt *t, int px)
{
	int slot = px % 16;
	if (t->skips[slot].px != px) {
		t->skips[slot].px = px;
		t->skips[slot].skip = TTF_FontLineSkip(font(t, px, 0));
	}
	return t->skips[slot].skip;
}

static unsigned long hash_str(const char *s)
{
	unsigned long h = 1469598103934665603UL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

static void evict(txt *t, struct txt_entry *e)
{
	if (!e->tex)
		return;
	SDL_DestroyTexture(e->tex);
	t->bytes -= (size_t)e->w * (size_t)e->h * 4;
	util_wipe(e->s, strlen(e->s)); /* it may be a name or a phone number being typed */
	free(e->s);
	e->tex = NULL;
	e->s = NULL;
	e->used = 0;
}

static struct txt_entry *lookup(txt *t, int px, int bold, theme_rgba c, const char *s)
{
	unsigned long h = hash_str(s);
	struct txt_entry *victim = &t->cache[0];
	for (int i = 0; i < TXT_CACHE; i++) {
		struct txt_entry *e = &t->cache[i];
		if (e->tex && e->hash == h && e->px == px && e->bold == bold &&
		    memcmp(&e->c, &c, sizeof(c)) == 0 && strcmp(e->s, s) == 0) {
			e->used = ++t->tick;
			t->hits++;
			return e;
		}
		if (!e->tex || e->used < victim->used)
			victim = e;
	}
	t->misses++;
	SDL_Surface *surf = TTF_RenderUTF8_Blended(font(t, px, bold), s,
						   (SDL_Color){c.r, c.g, c.b, c.a});
	if (!surf)
		return NULL;
	size_t need = (size_t)surf->w * (size_t)surf->h * 4;
	evict(t, victim);
	/* over budget: drop the least recently used until it fits */
	while (t->bytes + need > TXT_CACHE_BYTES) {
		struct txt_entry *old = NULL;
		for (int i = 0; i < TXT_CACHE; i++)
			if (t->cache[i].tex && (!old || t->cache[i].used < old->used))
				old = &t->cache[i];
		if (!old)
			break;
		evict(t, old);
	}
	victim->tex = SDL_CreateTextureFromSurface(t->r, surf);
	victim->w = surf->w;
	victim->h = surf->h;
	SDL_FreeSurface(surf);
	if (!victim->tex)
		return NULL;
	t->bytes += need;
	victim->hash = h;
	victim->px = px;
	victim->bold = bold;
	victim->c = c;
	victim->s = xstrdup(s);
	victim->used = ++t->tick;
	return victim;
}

void txt_forget_all(txt *t)
{
	for (int i = 0; i < TXT_CACHE; i++)
		evict(t, &t->cache[i]);
}

void txt_draw(txt *t, int px, int bold, theme_rgba c, const char *s, int x, int y)
{
	struct txt_entry *e;
	if (!*s || !(e = lookup(t, px, bold, c, s)))
		return;
	SDL_Rect dst = {x, y, e->w, e->h};
	SDL_RenderCopy(t->r, e->tex, NULL, &dst);
}

/* Byte length of the first n characters of s. */
static int bytes_of_chars(const char *s, int len, int n)
{
	int i = 0;
	while (i < len && n > 0) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, (size_t)(len - i), &cp);
		i += k ? (int)k : 1;
		n--;
	}
	return i;
}

static int wrap_uncached(txt *t, int px, int bold, const char *s, int width, int *starts,
			 int *ends, int max)
{
	TTF_Font *f = font(t, px, bold);
	int n = 0, len = (int)strlen(s), pos = 0;
	char *para = xmalloc((size_t)len + 1);

	while (pos <= len && n < max) {
		int pend = pos;
		while (pend < len && s[pend] != '\n')
			pend++;
		/* one paragraph: s[pos..pend) */
		if (pend == pos) {
			starts[n] = ends[n] = pos;
			n++;
		}
		while (pos < pend && n < max) {
			int extent = 0, count = 0, fit, brk;
			memcpy(para, s + pos, (size_t)(pend - pos));
			para[pend - pos] = '\0';
			TTF_MeasureUTF8(f, para, width, &extent, &count);
			fit = bytes_of_chars(para, pend - pos, count > 0 ? count : 1);
			brk = fit;
			if (pos + fit < pend) {
				/* prefer the last space inside what fits */
				for (int k = fit; k > 0; k--)
					if (para[k] == ' ') {
						brk = k;
						break;
					}
			}
			starts[n] = pos;
			ends[n] = pos + brk;
			n++;
			pos += brk;
			while (pos < pend && s[pos] == ' ')
				pos++;
		}
		pos = pend + 1;
	}
	free(para);
	return n;
}

int txt_wrap(txt *t, int px, int bold, const char *s, int width, int *starts, int *ends, int max)
{
	unsigned long h = hash_str(s);
	size_t len = strlen(s);
	struct txt_wrapc *victim = &t->wraps[0];
	int n;
	for (int i = 0; i < 32; i++) {
		struct txt_wrapc *w = &t->wraps[i];
		if (w->used && w->hash == h && w->len == len && w->px == px && w->bold == bold &&
		    w->width == width) {
			n = w->n < max ? w->n : max;
			memcpy(starts, w->starts, (size_t)n * sizeof(int));
			memcpy(ends, w->ends, (size_t)n * sizeof(int));
			w->used = ++t->tick;
			return n;
		}
		if (w->used < victim->used)
			victim = w;
	}
	victim->n = wrap_uncached(t, px, bold, s, width, victim->starts, victim->ends,
				  TXT_MAX_LINES);
	victim->hash = h;
	victim->len = len;
	victim->px = px;
	victim->bold = bold;
	victim->width = width;
	victim->used = ++t->tick;
	n = victim->n < max ? victim->n : max;
	memcpy(starts, victim->starts, (size_t)n * sizeof(int));
	memcpy(ends, victim->ends, (size_t)n * sizeof(int));
	return n;
}

int txt_wrapped_h(txt *t, int px, int bold, const char *s, int width)
{
	int starts[TXT_MAX_LINES], ends[TXT_MAX_LINES];
	int n = txt_wrap(t, px, bold, s, width, starts, ends, TXT_MAX_LINES);
	return (n ? n : 1) * txt_line_h(t, px);
}

void txt_draw_wrapped(txt *t, int px, int bold, theme_rgba c, const char *s, int x, int y,
		      int width, const SDL_Rect *clip)
{
	int starts[TXT_MAX_LINES], ends[TXT_MAX_LINES], lh = txt_line_h(t, px);
	int n = txt_wrap(t, px, bold, s, width, starts, ends, TXT_MAX_LINES);
	char line[1024];
	for (int i = 0; i < n; i++) {
		int ly = y + i * lh, len = ends[i] - starts[i];
		if (clip && (ly + lh < clip->y || ly > clip->y + clip->h))
			continue;
		if (len >= (int)sizeof(line))
			len = (int)sizeof(line) - 1;
		memcpy(line, s + starts[i], (size_t)len);
		line[len] = '\0';
		txt_draw(t, px, bold, c, line, x, ly);
	}
}

void txt_stats(const txt *t, unsigned long *hits, unsigned long *misses, int *entries)
{
	int n = 0;
	for (int i = 0; i < TXT_CACHE; i++)
		n += t->cache[i].tex != NULL;
	*hits = t->hits;
	*misses = t->misses;
	*entries = n;
}
