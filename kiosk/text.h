/*
 * text.h - text on screen through SDL_ttf: Noto Sans CJK KR (face 1 of the .ttc),
 * Nanum Gothic as fallback, one TTF_Font per pixel size, and an LRU cache of
 * rendered text textures (SDL_ttf's own glyph cache has 256 slots and thrashes on
 * Hangul, so whole strings are cached instead). Main thread only.
 */
#ifndef K_TEXT_H
#define K_TEXT_H

#include <SDL2/SDL.h>

#include "theme.h"
#include "util.h"

typedef struct txt txt;

#define TXT_MAX_LINES 256

/* Opens the fonts (bold variant too). Returns NULL with err when none is found. */
txt *txt_create(SDL_Renderer *r, char *err, size_t errlen);
void txt_destroy(txt *t);

/* The path of the font in use (for logs). */
const char *txt_font_path(const txt *t);

/* Width and height of one line. */
void txt_size(txt *t, int px, int bold, const char *s, int *w, int *h);
/* Line height for a size. */
int txt_line_h(txt *t, int px);

/* Draws one line with its top-left at (x, y). */
void txt_draw(txt *t, int px, int bold, theme_rgba c, const char *s, int x, int y);

/* Breaks s into lines no wider than width (at spaces, or between characters when a
 * word is too long, as Korean allows). Stores byte offsets of line starts and ends;
 * returns the number of lines (at most max). */
int txt_wrap(txt *t, int px, int bold, const char *s, int width, int *starts, int *ends,
	     int max);
/* Height of s wrapped to width. */
int txt_wrapped_h(txt *t, int px, int bold, const char *s, int width);
/* Draws s wrapped to width from (x, y), clipped to clip (may be NULL). */
void txt_draw_wrapped(txt *t, int px, int bold, theme_rgba c, const char *s, int x, int y,
		      int width, const SDL_Rect *clip);

/* Cache statistics (for benchmarks). */
void txt_stats(const txt *t, unsigned long *hits, unsigned long *misses, int *entries);
/* Drops every cached string and texture, the strings wiped first: what a session
 * typed (a name, a phone number) is drawn through this cache. */
void txt_forget_all(txt *t);

#endif
