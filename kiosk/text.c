#include "text.h"

#include <SDL2/SDL_ttf.h>
#include <string.h>

#include "utf8.h"

#define TXT_CACHE 512	 /* rendered strings kept */
#define TXT_SIZES 16	 /* distinct pixel sizes open at once */

struct txt_font {
	int px, bold;
	TTF_Font *f;
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
	struct txt_font fonts[TXT_SIZES];
	int nfonts;
	struct txt_entry cache[TXT_CACHE];
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

void txt_destroy(txt *t)
{
	if (!t)
		return;
	for (int i = 0; i < TXT_CACHE; i++) {
		if (t->cache[i].tex)
			SDL_DestroyTexture(t->cache[i].tex);
		free(t->cache[i].s);
	}
	for (int i = 0; i < t->nfonts; i++)
		TTF_CloseFont(t->fonts[i].f);
	free(t);
}

const char *txt_font_path(const txt *t)
{
	return t->path;
}

static TTF_Font *font(txt *t, int px, int bold)
{
	TTF_Font *f;
	for (int i = 0; i < t->nfonts; i++)
		if (t->fonts[i].px == px && t->fonts[i].bold == bold)
			return t->fonts[i].f;
	if (t->nfonts == TXT_SIZES) {
		/* Sizes change only with the theme; start over rather than grow. */
		for (int i = 0; i < t->nfonts; i++)
			TTF_CloseFont(t->fonts[i].f);
		t->nfonts = 0;
	}
	f = TTF_OpenFontIndex(bold ? t->bold_path : t->path, px, bold ? t->bold_face : t->face);
	if (!f)
		die("font %s vanished: %s", t->path, TTF_GetError());
	TTF_SetFontHinting(f, TTF_HINTING_LIGHT);
	t->fonts[t->nfonts++] = (struct txt_font){px, bold, f};
	return f;
}

void txt_size(txt *t, int px, int bold, const char *s, int *w, int *h)
{
	if (!*s) {
		*w = 0;
		*h = TTF_FontHeight(font(t, px, bold));
		return;
	}
	TTF_SizeUTF8(font(t, px, bold), s, w, h);
}

int txt_line_h(txt *t, int px)
{
	return TTF_FontLineSkip(font(t, px, 0));
}

static unsigned long hash_str(const char *s)
{
	unsigned long h = 1469598103934665603UL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
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
	if (victim->tex)
		SDL_DestroyTexture(victim->tex);
	free(victim->s);
	victim->tex = SDL_CreateTextureFromSurface(t->r, surf);
	victim->w = surf->w;
	victim->h = surf->h;
	SDL_FreeSurface(surf);
	victim->hash = h;
	victim->px = px;
	victim->bold = bold;
	victim->c = c;
	victim->s = xstrdup(s);
	victim->used = ++t->tick;
	return victim->tex ? victim : NULL;
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

int txt_wrap(txt *t, int px, int bold, const char *s, int width, int *starts, int *ends, int max)
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
