#include "render.h"

#include <string.h>

static void set_color(SDL_Renderer *r, theme_rgba c)
{
	SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
}

static SDL_Rect sdl(ui_rect u)
{
	return (SDL_Rect){u.x, u.y, u.w, u.h};
}

/* A filled rectangle with rounded corners, as horizontal spans. */
static void fill_round(SDL_Renderer *r, ui_rect u, int rad, theme_rgba c)
{
	SDL_Rect spans[256];
	int n = 0;
	if (u.w <= 0 || u.h <= 0)
		return;
	if (rad * 2 > u.h)
		rad = u.h / 2;
	if (rad * 2 > u.w)
		rad = u.w / 2;
	if (rad > 120)
		rad = 120;
	set_color(r, c);
	SDL_SetRenderDrawBlendMode(r, c.a < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
	for (int i = 0; i < rad; i++) {
		/* inset of row i from the corner: rad - sqrt(rad^2 - (rad - i - 0.5)^2) */
		double dy = rad - i - 0.5;
		int in = rad - (int)(SDL_sqrt((double)rad * rad - dy * dy) + 0.5);
		spans[n++] = (SDL_Rect){u.x + in, u.y + i, u.w - 2 * in, 1};
		spans[n++] = (SDL_Rect){u.x + in, u.y + u.h - 1 - i, u.w - 2 * in, 1};
	}
	spans[n++] = (SDL_Rect){u.x, u.y + rad, u.w, u.h - 2 * rad};
	SDL_RenderFillRects(r, spans, n);
}

static void frame_round(SDL_Renderer *r, ui_rect u, int rad, int bw, theme_rgba border,
			theme_rgba fill)
{
	fill_round(r, u, rad, border);
	fill_round(r, (ui_rect){u.x + bw, u.y + bw, u.w - 2 * bw, u.h - 2 * bw},
		   rad > bw ? rad - bw : 0, fill);
}

static void label_centered(txt *t, int px, int bold, theme_rgba c, const char *s, ui_rect u)
{
	int w, h, floor_px = px * 6 / 10;
	txt_size(t, px, bold, s, &w, &h);
	/* a label a little too long shrinks (to 60%) before it wraps */
	while (w > u.w - 8 && px * 85 / 100 >= floor_px) {
		px = px * 85 / 100;
		txt_size(t, px, bold, s, &w, &h);
	}
	if (w > u.w - 8) {
		/* too long for one line: wrap, centred vertically */
		int th = txt_wrapped_h(t, px, bold, s, u.w - 8);
		txt_draw_wrapped(t, px, bold, c, s, u.x + 4, u.y + (u.h - th) / 2, u.w - 8, NULL);
		return;
	}
	txt_draw(t, px, bold, c, s, u.x + (u.w - w) / 2, u.y + (u.h - h) / 2);
}

/* A frame w pixels wide along the inside of f. */
static void ring(SDL_Renderer *r, ui_rect f, int w, theme_rgba c)
{
	fill_round(r, (ui_rect){f.x, f.y, f.w, w}, 0, c);
	fill_round(r, (ui_rect){f.x, f.y + f.h - w, f.w, w}, 0, c);
	fill_round(r, (ui_rect){f.x, f.y, w, f.h}, 0, c);
	fill_round(r, (ui_rect){f.x + f.w - w, f.y, w, f.h}, 0, c);
}

static void draw_node(SDL_Renderer *r, txt *t, const theme *th, const ui_node *n,
		      rnd_image_fn image, void *ctx)
{
	ui_rect u = n->rect;
	int px = n->font ? n->font : th->font_body;
	int bold = (n->flags & UI_F_BOLD) != 0;
	theme_rgba fg = th->text, bg = th->surface, bd = th->border;
	int rad = th->radius, bw = th->border_w;

	switch (n->style) {
	case UI_S_PRIMARY:
		bg = bd = th->primary;
		fg = th->primary_text;
		bold = 1;
		break;
	case UI_S_CHIP_ON:
		bg = bd = th->chip_on;
		fg = th->chip_on_text;
		break;
	case UI_S_CHIP:
		bg = th->chip;
		break;
	case UI_S_KEY:
		bg = th->key;
		break;
	case UI_S_KEY_SPECIAL:
		bg = th->key_special;
		break;
	case UI_S_MUTED:
		fg = th->text_muted;
		break;
	case UI_S_ERROR:
		fg = th->danger;
		break;
	case UI_S_BANNER:
		fg = th->primary_text;
		break;
	case UI_S_CAPTION:
		fg = th->caption_text;
		bold = 1;
		break;
	default:
		break;
	}
	if (!n->enabled) {
		fg = th->text_muted;
		if (n->style == UI_S_PRIMARY || n->style == UI_S_CHIP_ON) {
			bg = th->surface_alt;
			bd = th->border;
		}
	}

	switch (n->role) {
	case UI_PANEL:
		if (n->style == UI_S_SCRIM) {
			fill_round(r, u, 0, th->scrim);
		} else if (n->style == UI_S_BAR) {
			fill_round(r, u, 0, th->surface);
			fill_round(r, (ui_rect){u.x, u.y + u.h - bw, u.w, bw}, 0, th->border);
		} else if (n->style == UI_S_BANNER) {
			fill_round(r, u, 0, th->contrast ? th->primary : th->danger);
		} else if (n->style == UI_S_CAPTION) {
			fill_round(r, u, 0, th->caption_bg);
		} else if (n->style == UI_S_CARD) {
			frame_round(r, u, rad, bw, th->border, th->surface);
		} else {
			fill_round(r, u, 0, th->surface_alt);
		}
		break;
	case UI_DIALOG:
		frame_round(r, u, rad, bw * 2, th->primary, th->surface);
		break;
	case UI_BUTTON:
	case UI_KEY:
	case UI_TAB:
		if (n->style == UI_S_SEEK) {
			/* the track, what has played, and a knob to drag */
			int tk = u.h / 5, kn = u.h * 3 / 5;
			int x = u.x + kn / 2, w = u.w - kn, at = x + (int)((long long)w * n->arg / 1000);
			ui_rect track = {x, u.y + (u.h - tk) / 2, w, tk};
			fill_round(r, track, tk / 2, th->surface_alt);
			frame_round(r, track, tk / 2, bw, th->border, th->surface_alt);
			fill_round(r, (ui_rect){x, track.y, at - x, tk}, tk / 2, th->primary);
			fill_round(r, (ui_rect){at - kn / 2, u.y + (u.h - kn) / 2, kn, kn}, kn / 2,
				   th->primary);
			break;
		}
		if (n->style == UI_S_FLAT) {
			label_centered(t, px, bold, th->primary, n->label, u);
			break;
		}
		frame_round(r, u, n->style == UI_S_CHIP || n->style == UI_S_CHIP_ON ? u.h / 2 : rad,
			    bw, bd, bg);
		if (n->style == UI_S_TILE && n->sub) {
			/* the title shrinks to one line if it must; the subtitle is shown
			 * only where it fits (it repeats the title's meaning) */
			int w, h, room = u.w - 2 * th->pad;
			txt_size(t, px, 1, n->label, &w, &h);
			while (w > room && px > th->font_body) {
				px = px * 85 / 100;
				txt_size(t, px, 1, n->label, &w, &h);
			}
			int lh = txt_wrapped_h(t, px, 1, n->label, room);
			int sh = txt_wrapped_h(t, th->font_small, 0, n->sub, room);
			int show_sub = lh + sh + th->gap <= u.h - 2 * bw;
			int y0 = u.y + (u.h - lh - (show_sub ? sh : 0)) / 2;
			label_centered(t, px, 1, th->heading, n->label, (ui_rect){u.x, y0, u.w, lh});
			if (show_sub)
				label_centered(t, th->font_small, 0, th->text_muted, n->sub,
					       (ui_rect){u.x, y0 + lh, u.w, sh});
		} else {
			label_centered(t, px, bold, fg, n->label, u);
		}
		break;
	case UI_TEXT_FIELD: {
		int pad = th->pad;
		int w, h;
		const char *v = n->value && *n->value ? n->value : NULL;
		frame_round(r, u, rad, n->focused ? bw * 2 : bw, n->focused ? th->primary : th->border,
			    th->surface);
		txt_size(t, px, 0, v ? v : n->label, &w, &h);
		int x = u.x + pad, y = u.y + (u.h - h) / 2;
		if (w > u.w - 2 * pad)
			x -= w - (u.w - 2 * pad); /* keep the end, where one types, in view */
		SDL_Rect clip = {u.x + pad / 2, u.y, u.w - pad, u.h};
		SDL_Rect nc = sdl(n->clip);
		SDL_IntersectRect(&clip, &nc, &clip);
		SDL_RenderSetClipRect(r, &clip);
		txt_draw(t, px, 0, v ? th->text : th->text_muted, v ? v : n->label, x, y);
		if (n->focused) {
			int cx = v ? x + w + 2 : u.x + pad;
			fill_round(r, (ui_rect){cx, y + h / 8, theme_px(th, 4), h * 3 / 4}, 0,
				   th->primary);
		}
		break;
	}
	case UI_LIST:
		break;
	case UI_LIST_ITEM: {
		int pad = th->pad;
		frame_round(r, u, rad, bw, th->border, th->surface);
		int lh = txt_line_h(t, th->font_large);
		txt_draw(t, th->font_large, 1, th->heading, n->value ? n->value : n->label,
			 u.x + pad, u.y + pad);
		if (n->sub)
			txt_draw_wrapped(t, th->font_small, 0, th->text_muted, n->sub, u.x + pad,
					 u.y + pad + lh, u.w - 2 * pad, NULL);
		break;
	}
	case UI_CHECKBOX: {
		int box = u.h * 6 / 10, pad = th->pad;
		frame_round(r, u, rad, bw, n->checked ? th->primary : th->border, th->surface);
		ui_rect b = {u.x + pad, u.y + (u.h - box) / 2, box, box};
		frame_round(r, b, rad / 2, bw * 2, th->primary, n->checked ? th->primary : th->surface);
		if (n->checked)
			label_centered(t, px, 1, th->primary_text, "✓", b);
		txt_draw(t, px, 1, th->text, n->label, b.x + box + pad,
			 u.y + (u.h - txt_line_h(t, px)) / 2);
		break;
	}
	case UI_HEADING:
		if (n->flags & UI_F_CENTER)
			label_centered(t, px, 1, th->heading, n->label, u);
		else
			txt_draw_wrapped(t, px, 1, th->heading, n->label, u.x, u.y, u.w, NULL);
		break;
	case UI_TEXT:
		if (n->flags & UI_F_CENTER)
			label_centered(t, px, bold, fg, n->label, u);
		else
			txt_draw_wrapped(t, px, bold, fg, n->label, u.x, u.y, u.w, NULL);
		break;
	case UI_IMAGE:
	case UI_VIDEO:
		if (image)
			image(ctx, r, n->image, sdl(u));
		break;
	default:
		break;
	}
	if (n->focused && n->role != UI_TEXT_FIELD)
		ring(r, ui_inset(u, -theme_px(th, 6)), theme_px(th, 6), th->focus);
}

void rnd_tree(SDL_Renderer *r, txt *t, const theme *th, const ui_tree *tree, rnd_image_fn image,
	      void *ctx)
{
	set_color(r, th->bg);
	SDL_RenderSetClipRect(r, NULL);
	SDL_RenderClear(r);
	for (int i = 0; i < tree->n; i++) {
		const ui_node *n = &tree->nodes[i];
		SDL_Rect c = sdl(n->clip);
		if (ui_is_empty(n->clip))
			continue;
		/* focus rings are drawn just outside the node */
		if (n->focused) {
			int d = theme_px(th, 8);
			c = (SDL_Rect){c.x - d, c.y - d, c.w + 2 * d, c.h + 2 * d};
		}
		SDL_RenderSetClipRect(r, &c);
		draw_node(r, t, th, n, image, ctx);
	}
	/* the voice cursor's ring last, over its neighbours, outside any focus ring */
	for (int i = 0; i < tree->n; i++) {
		const ui_node *n = &tree->nodes[i];
		int d = theme_px(th, 18);
		SDL_Rect c = sdl(n->clip);
		if (!(n->flags & UI_F_VOICED) || ui_is_empty(n->clip))
			continue;
		c = (SDL_Rect){c.x - d, c.y - d, c.w + 2 * d, c.h + 2 * d};
		SDL_RenderSetClipRect(r, &c);
		ring(r, ui_inset(n->rect, -d), theme_px(th, 8), th->heading);
		ring(r, ui_inset(n->rect, -theme_px(th, 10)), theme_px(th, 3), th->bg);
	}
	SDL_RenderSetClipRect(r, NULL);
}
