#include "theme.h"

#include <string.h>

static theme_rgba rgb(uint32_t hex)
{
	theme_rgba c = {(uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex, 255};
	return c;
}

int theme_px(const theme *t, int design)
{
	int v = design * t->unit / 100;
	return v < 1 ? 1 : v;
}

void theme_build(theme *t, int w, int h, int contrast, int large)
{
	int shortest = w < h ? w : h;
	memset(t, 0, sizeof(*t));
	t->contrast = contrast;
	t->large = large;
	t->unit = shortest * 100 / 1080;
	if (t->unit < 60)
		t->unit = 60;
	if (contrast) {
		/* KS X 9211 / WCAG: yellow and white on black, well over 7:1. */
		t->bg = rgb(0x000000);
		t->surface = rgb(0x000000);
		t->surface_alt = rgb(0x1a1a1a);
		t->text = rgb(0xffffff);
		t->text_muted = rgb(0xffff00);
		t->primary = rgb(0xffff00);
		t->primary_text = rgb(0x000000);
		t->accent = rgb(0x00ffff);
		t->border = rgb(0xffffff);
		t->focus = rgb(0x00ffff);
		t->danger = rgb(0xff8080);
		t->chip = rgb(0x000000);
		t->chip_on = rgb(0xffff00);
		t->chip_on_text = rgb(0x000000);
		t->key = rgb(0x000000);
		t->key_special = rgb(0x333333);
		t->heading = rgb(0xffff00);
	} else {
		t->bg = rgb(0xf3f6fa);
		t->surface = rgb(0xffffff);
		t->surface_alt = rgb(0xe8eef6);
		t->text = rgb(0x17202b);
		t->text_muted = rgb(0x4a5866); /* 7.3:1 on white */
		t->primary = rgb(0x0b5cad);    /* 6.6:1 with white text */
		t->primary_text = rgb(0xffffff);
		t->accent = rgb(0x00796b);
		t->border = rgb(0xb8c4d2);
		t->focus = rgb(0xe65100);
		t->danger = rgb(0xb3261e);
		t->chip = rgb(0xffffff);
		t->chip_on = rgb(0x0b5cad);
		t->chip_on_text = rgb(0xffffff);
		t->key = rgb(0xffffff);
		t->key_special = rgb(0xd5dde8);
		t->heading = rgb(0x0b3d73);
	}
	t->scrim = (theme_rgba){0, 0, 0, 170};
	/* captions: light on near-black whatever the theme, as on television */
	t->video_bg = rgb(0x000000);
	t->caption_bg = (theme_rgba){0, 0, 0, 225};
	t->caption_text = contrast ? rgb(0xffff00) : rgb(0xffffff);
	int f = large ? 2 : 1;
	t->font_small = theme_px(t, 30) * f;
	t->font_body = theme_px(t, 38) * f;
	t->font_large = theme_px(t, 46) * f;
	t->font_title = theme_px(t, 58) * f;
	t->font_huge = theme_px(t, 80) * f;
	t->pad = theme_px(t, 28);
	t->gap = theme_px(t, 20);
	t->radius = theme_px(t, 18);
	t->border_w = contrast ? theme_px(t, 4) : theme_px(t, 2);
	t->touch = theme_px(t, 110) * (large ? 3 : 2) / 2;
	t->bar_h = t->touch + t->pad;
}
