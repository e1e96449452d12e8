/*
 * theme.h - colours and sizes. Screens take every colour and size from here, never
 * from literals, so high contrast, 200% text and other screen sizes need no change
 * in screen code. Value type; main thread.
 */
#ifndef K_THEME_H
#define K_THEME_H

#include <stdint.h>

typedef struct theme_rgba {
	uint8_t r, g, b, a;
} theme_rgba;

typedef struct theme {
	theme_rgba bg, surface, surface_alt, text, text_muted, primary, primary_text, accent,
		border, focus, danger, chip, chip_on, chip_on_text, key, key_special, scrim,
		heading, video_bg, caption_bg, caption_text;
	int font_small, font_body, font_large, font_title, font_huge; /* pixel sizes */
	int unit;	/* 1 design pixel at 1080 px short side, in screen pixels x 100 */
	int pad, gap, radius, border_w;
	int touch;	/* minimum touch target side */
	int bar_h;	/* top bar */
	int contrast, large;
} theme;

/* Builds the theme for a screen of w x h with the accessibility options. */
void theme_build(theme *t, int w, int h, int contrast, int large);

/* Scales a design size (pixels on a 1080 px short side) to this screen. */
int theme_px(const theme *t, int design);

#endif
