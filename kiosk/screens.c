/*
 * screens.c - builds the ui tree for the current screen from the application's
 * state. Layout is by cutting the screen rectangle with sizes from the theme, so
 * portrait and landscape, small and 4K screens, and 200% text all come out of the
 * same code. Nothing here changes state.
 */
#include <stdio.h>
#include <string.h>

#include "app_int.h"
#include "kdate.h"

static const char *const screen_names[SCR_COUNT] = {"home", "search", "results", "detail",
						     "booking", "practice", "a11y", "player"};

const char *scr_name(int s)
{
	return s >= 0 && s < SCR_COUNT ? screen_names[s] : "home";
}

#define T(id) tr((enum tr_lang)a->lang, (id))

static ui_node *button(app *a, const char *id, const char *label, ui_rect r, int action, int arg,
		       int style)
{
	ui_node *n = ui_add(a->tree, UI_BUTTON, id, label, r);
	n->action = action;
	n->arg = arg;
	n->style = style;
	n->font = a->th.font_body;
	n->focused = a->focus[0] && id && strcmp(a->focus, id) == 0;
	return n;
}

static void text(app *a, const char *id, const char *label, ui_rect r, int font, int style,
		 unsigned flags)
{
	ui_node *n = ui_add(a->tree, UI_TEXT, id, label, r);
	n->font = font;
	n->style = style;
	n->flags = flags;
}

/* The usable area: the whole screen, or its lower part in low-position mode (for
 * people in wheelchairs and of short stature). */
static ui_rect content_area(app *a)
{
	ui_rect r = {0, 0, a->w, a->h};
	if (a->a11y_low)
		ui_cut_top(&r, a->h * (a->h > a->w ? 35 : 25) / 100);
	return r;
}

/* While the service cannot be reached: a banner with the age of what is shown. */
static void offline_banner(app *a, ui_rect *r)
{
	const theme *th = &a->th;
	char msg[160];
	if (a->online)
		return;
	if (a->cache_time) {
		int y, m, d;
		long long s = (long long)a->cache_time + KDATE_SEOUL_OFFSET;
		int day = kdate_seoul_day(a->cache_time);
		kdate_to_ymd(day, &y, &m, &d);
		int sod = (int)(s - (long long)day * 86400);
		snprintf(msg, sizeof(msg), T(S_OFFLINE_AS_OF), m, d, sod / 3600, sod / 60 % 60);
	} else {
		snprintf(msg, sizeof(msg), "%s", T(S_OFFLINE_NO_DATA));
	}
	ui_rect b = ui_cut_top(r, txt_line_h(a->text, th->font_body) + th->pad);
	ui_node *p = ui_add(a->tree, UI_PANEL, NULL, NULL, b);
	p->style = UI_S_BANNER;
	ui_node *n = ui_add(a->tree, UI_TEXT, "offline.banner", msg, b);
	n->font = th->font_body;
	n->style = UI_S_BANNER;
	n->flags = UI_F_CENTER | UI_F_BOLD;
}

/* The top bar (back, language, accessibility, home) and the screen's title under
 * it. */
static void top_bar(app *a, ui_rect *r, const char *title, int back, int home)
{
	const theme *th = &a->th;
	ui_rect bar = ui_cut_top(r, th->bar_h);
	ui_node *p = ui_add(a->tree, UI_PANEL, NULL, NULL, bar);
	p->style = UI_S_BAR;
	bar = ui_inset(bar, th->pad / 2);
	int bw = (bar.w - th->gap * 3) / 4;
	if (bw > th->touch * 3)
		bw = th->touch * 3;
	if (back)
		button(a, "nav.back", T(S_BACK), ui_cut_left(&bar, bw), A_BACK, 0, UI_S_DEFAULT);
	if (home)
		button(a, "nav.home", T(S_HOME), ui_cut_right(&bar, bw), A_HOME, 0, UI_S_DEFAULT);
	ui_cut_left(&bar, th->gap);
	button(a, "nav.language", T(S_LANGUAGE), ui_cut_left(&bar, bw), A_LANG, 0, UI_S_DEFAULT);
	ui_cut_left(&bar, th->gap);
	button(a, "nav.a11y", T(S_A11Y), ui_cut_left(&bar, bw), A_GO_A11Y, 0, UI_S_DEFAULT);
	offline_banner(a, r);
	ui_cut_top(r, th->gap);
	ui_rect head = ui_cut_top(r, txt_line_h(a->text, th->font_title));
	ui_node *h = ui_add(a->tree, UI_HEADING, "screen.title", title,
			    ui_inset_xy(head, th->pad, 0));
	h->font = th->font_title;
	ui_cut_top(r, th->gap);
}

static void build_home(app *a)
{
	const theme *th = &a->th;
	ui_rect r = content_area(a);
	offline_banner(a, &r);
	ui_rect body = ui_inset(r, th->pad * 2);
	int portrait = a->h >= a->w;

	/* measured, so 200% text wraps instead of spilling */
	int title_h = txt_wrapped_h(a->text, th->font_huge, 1, T(S_APP_TITLE), body.w - 8);
	ui_node *t = ui_add(a->tree, UI_HEADING, NULL, T(S_APP_TITLE), ui_cut_top(&body, title_h));
	t->font = th->font_huge;
	t->flags = UI_F_CENTER;
	text(a, NULL, T(S_APP_SUBTITLE), ui_cut_top(&body, txt_line_h(a->text, th->font_body) * 3 / 2),
	     th->font_body, UI_S_MUTED, UI_F_CENTER);
	ui_cut_top(&body, th->gap * 2);

	ui_rect bottom = ui_cut_bottom(&body, th->touch * 3 / 2);
	ui_cut_bottom(&body, th->gap * 2);
	static const struct {
		const char *id;
		int title, sub, action;
	} tiles[] = {
		{"home.search", S_HOME_SEARCH, S_HOME_SEARCH_SUB, A_GO_SEARCH},
		{"home.booking", S_HOME_BOOKING, S_HOME_BOOKING_SUB, A_GO_BOOKING},
		{"home.practice", S_HOME_PRACTICE, S_HOME_PRACTICE_SUB, A_GO_PRACTICE},
	};
	for (int i = 0; i < 3; i++) {
		ui_rect cell = portrait ? ui_row(body, 3, i, th->gap * 2) : ui_col(body, 3, i, th->gap * 2);
		ui_node *n = button(a, tiles[i].id, T(tiles[i].title), cell, tiles[i].action, 0,
				    UI_S_TILE);
		n->sub = ui_str(a->tree, T(tiles[i].sub));
		n->font = th->font_title;
	}
	button(a, "home.language", T(S_LANGUAGE), ui_col(bottom, 2, 0, th->gap * 2), A_LANG, 0,
	       UI_S_DEFAULT)->font = th->font_large;
	button(a, "home.a11y", T(S_A11Y), ui_col(bottom, 2, 1, th->gap * 2), A_GO_A11Y, 0,
	       UI_S_DEFAULT)->font = th->font_large;
}

/* ---- search ---- */

static const char *picker_value(app *a, int pk, char *buf, size_t n)
{
	switch (pk) {
	case PK_REGION:
		for (int i = 0; i < a->nregions; i++)
			if (strcmp(a->regions[i].code, a->f_region) == 0)
				return app_code_name(a, &a->regions[i]);
		return T(S_ALL_REGIONS);
	case PK_CATEGORY:
		for (int i = 0; i < a->ncategories; i++)
			if (strcmp(a->categories[i].code, a->f_category) == 0)
				return app_code_name(a, &a->categories[i]);
		return T(S_ALL_CATEGORIES);
	case PK_EMPLOYMENT: {
		int first = 1;
		buf[0] = '\0';
		if (!a->f_employment)
			return T(S_ANY);
		for (int t = 0; t < JOB_EMP_COUNT; t++)
			if (a->f_employment & (1u << t)) {
				size_t l = strlen(buf);
				snprintf(buf + l, n - l, "%s%s", first ? "" : ", ",
					 app_enum_text(a, JOB_ENUM_EMPLOYMENT, t));
				first = 0;
			}
		return buf;
	}
	case PK_CAREER:
		return a->f_career < 0 ? T(S_ANY) : app_enum_text(a, JOB_ENUM_CAREER, a->f_career);
	case PK_EDUCATION:
		return a->f_education < 0 ? T(S_ANY)
					  : app_enum_text(a, JOB_ENUM_EDUCATION, a->f_education);
	case PK_CLOSING:
		return a->f_closing == 3 ? T(S_CLOSING_3)
		       : a->f_closing == 7 ? T(S_CLOSING_7)
		       : a->f_closing == 30 ? T(S_CLOSING_30)
					   : T(S_ANY);
	case PK_SORT:
		return T((enum tr_id)(S_SORT_RELEVANCE + (a->f_sort > 0 ? a->f_sort - 1 : 0)));
	}
	return "";
}

static const int picker_titles[PK_COUNT] = {0, S_FILTER_REGION, S_FILTER_CATEGORY,
					     S_FILTER_EMPLOYMENT, S_FILTER_CAREER,
					     S_FILTER_EDUCATION, S_FILTER_CLOSING, S_SORT};
static const char *const picker_ids[PK_COUNT] = {"", "search.region", "search.category",
						 "search.employment", "search.career",
						 "search.education", "search.closing", "search.sort"};

static int filter_active(app *a, int pk)
{
	switch (pk) {
	case PK_REGION: return a->f_region[0] != 0;
	case PK_CATEGORY: return a->f_category[0] != 0;
	case PK_EMPLOYMENT: return a->f_employment != 0;
	case PK_CAREER: return a->f_career >= 0;
	case PK_EDUCATION: return a->f_education >= 0;
	case PK_CLOSING: return a->f_closing > 0;
	case PK_SORT: return a->f_sort > 0;
	}
	return 0;
}

/* Filter chips, flowing left to right and onto new rows. Returns the height used. */
static int filter_chips(app *a, ui_rect area)
{
	const theme *th = &a->th;
	int x = area.x, y = area.y, h = th->touch * 8 / 10;
	for (int pk = PK_REGION; pk < PK_COUNT; pk++) {
		char buf[128], label[256];
		int w, lh;
		snprintf(label, sizeof(label), "%s: %s", T((enum tr_id)picker_titles[pk]),
			 picker_value(a, pk, buf, sizeof(buf)));
		txt_size(a->text, th->font_body, 0, label, &w, &lh);
		w += th->pad * 2;
		if (w > area.w)
			w = area.w;
		if (x + w > area.x + area.w) {
			x = area.x;
			y += h + th->gap;
		}
		button(a, picker_ids[pk], label, (ui_rect){x, y, w, h}, A_OPEN_PICKER, pk,
		       filter_active(a, pk) ? UI_S_CHIP_ON : UI_S_CHIP);
		x += w + th->gap;
	}
	return y + h - area.y;
}

/* The on-screen keyboard: 두벌식 Korean, QWERTY, or digits. */
static void keyboard(app *a, ui_rect r, int enter_action, const char *enter_label)
{
	static const char *const ko_rows[3] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
	static const char *const ko_jamo[26] = {
		/* a..z in the 2-set layout */
		"ㅁ", "ㅠ", "ㅊ", "ㅇ", "ㄷ", "ㄹ", "ㅎ", "ㅗ", "ㅑ", "ㅓ", "ㅏ", "ㅣ", "ㅡ",
		"ㅜ", "ㅐ", "ㅔ", "ㅂ", "ㄱ", "ㄴ", "ㅅ", "ㅕ", "ㅍ", "ㅈ", "ㅌ", "ㅛ", "ㅋ"};
	static const char *const ko_shift[26] = {
		['e' - 'a'] = "ㄸ", ['o' - 'a'] = "ㅒ", ['p' - 'a'] = "ㅖ", ['q' - 'a'] = "ㅃ",
		['r' - 'a'] = "ㄲ", ['t' - 'a'] = "ㅆ", ['w' - 'a'] = "ㅉ"};
	static const char *const num_rows[3] = {"1234567890", "-/()&@.,", "#%+=!?"};
	const theme *th = &a->th;
	ui_node *bg = ui_add(a->tree, UI_PANEL, NULL, NULL, r);
	bg->style = UI_S_DEFAULT;
	r = ui_inset(r, th->gap);
	int rows = 4, gap = th->gap / 2;
	for (int row = 0; row < 3; row++) {
		ui_rect line = ui_row(r, rows, row, gap);
		const char *keys = a->kbd_mode == KB_NUM ? num_rows[row] : ko_rows[row];
		int n = (int)strlen(keys), cols = 10;
		int kw = (line.w - gap * (cols - 1)) / cols;
		int x = line.x + (line.w - (n * kw + (n - 1) * gap)) / 2;
		if (row == 2 && a->kbd_mode != KB_NUM) {
			/* shift on the left, backspace on the right of the last row */
			ui_node *s = ui_add(a->tree, UI_KEY, "key.shift", T(S_KEY_SHIFT),
					    (ui_rect){line.x, line.y, x - line.x - gap, line.h});
			s->action = A_KEY_SHIFT;
			s->style = a->kbd_shift ? UI_S_CHIP_ON : UI_S_KEY_SPECIAL;
			s->font = th->font_small;
		}
		for (int i = 0; i < n; i++) {
			char c = keys[i], id[16], label[8];
			if (a->kbd_shift && a->kbd_mode != KB_NUM)
				c = (char)(c - 'a' + 'A');
			if (a->kbd_mode == KB_KO) {
				const char *j = a->kbd_shift && ko_shift[keys[i] - 'a']
							? ko_shift[keys[i] - 'a']
							: ko_jamo[keys[i] - 'a'];
				snprintf(label, sizeof(label), "%s", j);
			} else {
				snprintf(label, sizeof(label), "%c", c);
			}
			snprintf(id, sizeof(id), "key.%c", c);
			ui_node *k = ui_add(a->tree, UI_KEY, id, label,
					    (ui_rect){x + i * (kw + gap), line.y, kw, line.h});
			k->action = A_KEY;
			k->arg = (unsigned char)c;
			k->style = UI_S_KEY;
			k->font = th->font_large;
		}
		if (row == 2) {
			ui_rect bs = {x + n * (kw + gap), line.y, line.x + line.w - (x + n * (kw + gap)),
				      line.h};
			ui_node *b = ui_add(a->tree, UI_KEY, "key.backspace", T(S_KEY_BACKSPACE), bs);
			b->action = A_KEY_BACKSPACE;
			b->style = UI_S_KEY_SPECIAL;
			b->font = th->font_small;
		}
	}
	ui_rect last = ui_row(r, rows, 3, gap);
	ui_rect m1 = ui_cut_left(&last, last.w * 15 / 100);
	ui_cut_left(&last, gap);
	ui_rect m2 = ui_cut_left(&last, last.w * 18 / 100);
	ui_cut_left(&last, gap);
	ui_rect go = ui_cut_right(&last, last.w * 30 / 100);
	ui_cut_right(&last, gap);
	ui_node *k = ui_add(a->tree, UI_KEY, "key.mode",
			    a->kbd_mode == KB_KO ? T(S_KEY_ENGLISH) : T(S_KEY_HANGUL), m1);
	k->action = A_KEY_MODE;
	k->arg = a->kbd_mode == KB_KO ? KB_EN : KB_KO;
	k->style = UI_S_KEY_SPECIAL;
	k->font = th->font_small;
	k = ui_add(a->tree, UI_KEY, "key.numbers",
		   a->kbd_mode == KB_NUM ? T(S_KEY_LETTERS) : T(S_KEY_NUMBERS), m2);
	k->action = A_KEY_MODE;
	k->arg = a->kbd_mode == KB_NUM ? KB_KO : KB_NUM;
	k->style = UI_S_KEY_SPECIAL;
	k->font = th->font_small;
	k = ui_add(a->tree, UI_KEY, "key.space", T(S_KEY_SPACE), last);
	k->action = A_KEY_SPACE;
	k->style = UI_S_KEY;
	k->font = th->font_small;
	k = ui_add(a->tree, UI_KEY, "key.search", enter_label, go);
	k->action = enter_action;
	k->style = UI_S_PRIMARY;
	k->font = th->font_body;
}

static void build_search(app *a)
{
	const theme *th = &a->th;
	ui_rect r = content_area(a);
	top_bar(a, &r, T(S_HOME_SEARCH), 1, 1);
	r = ui_inset_xy(r, th->pad, 0);

	/* the keyboard: the lower part in portrait; the right part in landscape, beside
	 * the filters, so neither hides the other */
	int landscape = a->w > a->h;
	int kh = r.h * 42 / 100;
	if (kh < th->touch * 4 + th->gap * 5)
		kh = th->touch * 4 + th->gap * 5;
	ui_rect kb;
	if (!landscape) {
		kb = ui_cut_bottom(&r, kh);
		if (kb.w > kb.h * 26 / 10)
			kb = ui_inset_xy(kb, (kb.w - kb.h * 26 / 10) / 2, 0);
	}
	ui_rect row = ui_cut_top(&r, th->touch);
	ui_rect submit = ui_cut_right(&row, th->touch * 2);
	ui_cut_right(&row, th->gap);
	ui_rect clear = ui_cut_right(&row, th->touch * 3 / 2);
	ui_cut_right(&row, th->gap);
	ui_node *f = ui_add(a->tree, UI_TEXT_FIELD, "search.query", T(S_QUERY_PLACEHOLDER), row);
	f->value = ui_str(a->tree, hin_text(a->query));
	f->focused = strcmp(a->focus, "search.query") == 0;
	f->action = A_FOCUS_QUERY;
	f->font = th->font_large;
	button(a, "search.clear", T(S_CLEAR_TEXT), clear, A_CLEAR_QUERY, 0, UI_S_DEFAULT)->font =
		th->font_small;
	button(a, "search.submit", T(S_SEARCH), submit, A_SUBMIT, 0, UI_S_PRIMARY);
	ui_cut_top(&r, th->gap * 2);
	if (landscape) {
		kb = ui_cut_right(&r, r.w * 58 / 100);
		ui_cut_right(&r, th->gap * 2);
		if (kb.h > kb.w * 10 / 22)
			kb = ui_cut_bottom(&(ui_rect){kb.x, kb.y, kb.w, kb.h}, kb.w * 10 / 22);
	}
	ui_rect lbl = ui_cut_top(&r, txt_line_h(a->text, th->font_body));
	text(a, NULL, T(S_FILTERS), lbl, th->font_body, UI_S_MUTED, 0);
	ui_cut_top(&r, th->gap);
	int used = filter_chips(a, r);
	ui_cut_top(&r, used + th->gap);
	if (r.h > th->touch)
		button(a, "search.clear_filters", T(S_CLEAR_FILTERS),
		       (ui_rect){r.x, r.y, th->touch * 4, th->touch * 8 / 10}, A_CLEAR_FILTERS, 0,
		       UI_S_FLAT);
	keyboard(a, kb, A_SUBMIT, T(S_KEY_SEARCH));
}

/* ---- the picker overlay ---- */

struct opt {
	char label[160];
	int selected;
};

static int picker_options(app *a, struct opt *o, int max)
{
	int n = 0;
#define OPT(sel, ...)                                                                              \
	do {                                                                                       \
		if (n < max) {                                                                     \
			snprintf(o[n].label, sizeof(o[n].label), __VA_ARGS__);                     \
			o[n].selected = (sel);                                                     \
			n++;                                                                       \
		}                                                                                  \
	} while (0)
	switch (a->picker) {
	case PK_REGION:
		OPT(!a->f_region[0], "%s", T(S_ALL_REGIONS));
		for (int i = 0; i < a->nregions; i++) {
			codeitem *c = &a->regions[i];
			if (c->level == 0)
				continue;
			if (c->level == 2) {
				const char *parent = "";
				for (int k = 0; k < a->nregions; k++)
					if (strcmp(a->regions[k].code, c->parent) == 0)
						parent = app_code_name(a, &a->regions[k]);
				OPT(strcmp(c->code, a->f_region) == 0, "%s · %s", parent,
				    app_code_name(a, c));
			} else {
				OPT(strcmp(c->code, a->f_region) == 0, "%s", app_code_name(a, c));
			}
		}
		break;
	case PK_CATEGORY:
		OPT(!a->f_category[0], "%s", T(S_ALL_CATEGORIES));
		for (int i = 0; i < a->ncategories; i++)
			OPT(strcmp(a->categories[i].code, a->f_category) == 0, "%s",
			    app_code_name(a, &a->categories[i]));
		break;
	case PK_EMPLOYMENT:
		OPT(!a->f_employment, "%s", T(S_ANY));
		for (int t = 0; t < JOB_EMP_COUNT; t++)
			OPT((a->f_employment >> t) & 1, "%s", app_enum_text(a, JOB_ENUM_EMPLOYMENT, t));
		break;
	case PK_CAREER:
		OPT(a->f_career < 0, "%s", T(S_ANY));
		OPT(a->f_career == JOB_CAREER_NEW, "%s", T(S_CAREER_NEW));
		OPT(a->f_career == JOB_CAREER_EXPERIENCED, "%s", T(S_CAREER_EXPERIENCED));
		break;
	case PK_EDUCATION:
		OPT(a->f_education < 0, "%s", T(S_ANY));
		for (int e = JOB_EDU_HIGH_SCHOOL; e < JOB_EDU_COUNT; e++)
			OPT(a->f_education == e, "%s", app_enum_text(a, JOB_ENUM_EDUCATION, e));
		break;
	case PK_CLOSING:
		OPT(a->f_closing <= 0, "%s", T(S_ANY));
		OPT(a->f_closing == 3, "%s", T(S_CLOSING_3));
		OPT(a->f_closing == 7, "%s", T(S_CLOSING_7));
		OPT(a->f_closing == 30, "%s", T(S_CLOSING_30));
		break;
	case PK_SORT:
		for (int s = 1; s <= 4; s++)
			OPT(a->f_sort == s || (s == 1 && a->f_sort == 0), "%s",
			    T((enum tr_id)(S_SORT_RELEVANCE + s - 1)));
		break;
	}
#undef OPT
	return n;
}

static void build_picker(app *a)
{
	const theme *th = &a->th;
	struct opt opts[64];
	int n = picker_options(a, opts, 64);
	ui_rect scr = {0, 0, a->w, a->h};
	ui_node *s = ui_add(a->tree, UI_PANEL, NULL, NULL, scr);
	s->style = UI_S_SCRIM;
	s->action = A_CLOSE_PICKER;
	ui_rect box = ui_inset(content_area(a), th->pad * 2);
	ui_node *d = ui_addf(a->tree, UI_DIALOG, "picker", box, T(S_CHOOSE),
			     T((enum tr_id)picker_titles[a->picker]));
	(void)d;
	box = ui_inset(box, th->pad * 2);
	ui_rect head = ui_cut_top(&box, th->touch);
	ui_rect close = ui_cut_right(&head, th->touch * 2);
	ui_node *h = ui_addf(a->tree, UI_HEADING, NULL, head, T(S_CHOOSE),
			     T((enum tr_id)picker_titles[a->picker]));
	h->font = th->font_large;
	button(a, "picker.close", T(S_DONE), close, A_CLOSE_PICKER, 0, UI_S_PRIMARY);
	ui_cut_top(&box, th->gap * 2);

	int rowh = th->touch, gap = th->gap;
	int max_rows = (box.h + gap) / (rowh + gap);
	if (max_rows < 1)
		max_rows = 1;
	int cols = (n + max_rows - 1) / max_rows;
	int min_cols = a->w > a->h ? 3 : 2;
	if (cols < min_cols)
		cols = min_cols;
	if (cols > 5)
		cols = 5;
	int rows = (n + cols - 1) / cols;
	/* more than fits even at 5 columns: the grid scrolls */
	int content_h = rows * (rowh + gap) - gap;
	a->picker_scroll.view = box;
	a->picker_scroll.max = content_h > box.h ? (float)(content_h - box.h) : 0;
	ui_clip(a->tree, box);
	for (int i = 0; i < n; i++) {
		int c = i % cols, rr = i / cols;
		ui_rect cell = ui_col((ui_rect){box.x, 0, box.w, 0}, cols, c, gap);
		cell.y = box.y + rr * (rowh + gap) - (int)a->picker_scroll.pos;
		cell.h = rowh;
		char id[24];
		snprintf(id, sizeof(id), "pick.%d", i);
		if (cell.y + cell.h < box.y || cell.y > box.y + box.h)
			continue;
		ui_node *b = button(a, id, opts[i].label, cell, A_PICK, i,
				    opts[i].selected ? UI_S_CHIP_ON : UI_S_CHIP);
		b->font = th->font_body;
		b->checked = opts[i].selected;
	}
	ui_clip_reset(a->tree);
}

/* ---- results ---- */

static void result_lines(app *a, const job *j, char *sub, size_t n)
{
	char sal[96], dl[64];
	const char *region = a->lang == TR_EN && j->region.name_en ? j->region.name_en
							       : j->region.name_ko;
	app_salary_text(a, j, sal, sizeof(sal));
	app_deadline_text(a, j, dl, sizeof(dl));
	snprintf(sub, n, "%s · %s · %s\n%s · %s", j->company, region ? region : "",
		 app_enum_text(a, JOB_ENUM_EMPLOYMENT, j->employment), sal, dl);
}

static void build_results(app *a)
{
	const theme *th = &a->th;
	ui_rect r = content_area(a);
	char title[256], count[32];
	top_bar(a, &r, T(S_HOME_SEARCH), 1, 1);
	r = ui_inset_xy(r, th->pad, 0);

	/* the summary line: what was searched and how many, tappable to change it */
	ui_rect head = ui_cut_top(&r, th->touch);
	snprintf(count, sizeof(count), "%lld", a->total);
	/* thousands separators */
	{
		char tmp[32];
		int len = (int)strlen(count), k = 0;
		for (int i = 0; i < len; i++) {
			tmp[k++] = count[i];
			if ((len - i - 1) % 3 == 0 && i != len - 1)
				tmp[k++] = ',';
		}
		tmp[k] = '\0';
		memcpy(count, tmp, (size_t)k + 1);
	}
	ui_rect edit = ui_cut_right(&head, th->touch * 3);
	button(a, "results.edit", T(S_FILTERS), edit, A_EDIT_SEARCH, 0, UI_S_DEFAULT);
	if (a->load == LD_DONE) {
		char what[160] = "";
		if (a->searched_q && *a->searched_q)
			snprintf(what, sizeof(what), T(S_RESULTS_FOR), a->searched_q);
		char tl[128];
		snprintf(tl, sizeof(tl), T(S_RESULTS_TITLE), count);
		snprintf(title, sizeof(title), "%s%s%s", what, *what ? " " : "", tl);
		ui_node *h = ui_add(a->tree, UI_HEADING, "results.title", title, head);
		h->font = th->font_large;
	}
	ui_cut_top(&r, th->gap);

	if (a->load == LD_LOADING) {
		text(a, "results.loading", T(S_LOADING), ui_cut_top(&r, th->touch), th->font_large,
		     UI_S_MUTED, UI_F_CENTER);
		return;
	}
	if (a->load == LD_ERROR) {
		ui_rect box = ui_cut_top(&r, th->touch * 2);
		text(a, "results.error", T((enum tr_id)a->error), box, th->font_large, UI_S_ERROR,
		     UI_F_CENTER | UI_F_WRAP);
		ui_cut_top(&r, th->gap);
		button(a, "results.retry", T(S_RETRY),
		       ui_inset_xy(ui_cut_top(&r, th->touch), r.w / 4, 0), A_RETRY, 0, UI_S_PRIMARY);
		return;
	}
	if (a->nresults == 0) {
		text(a, "results.empty", T(S_NO_RESULTS), ui_cut_top(&r, th->touch), th->font_large,
		     UI_S_DEFAULT, UI_F_CENTER | UI_F_BOLD);
		int sh = txt_wrapped_h(a->text, th->font_body, 0, T(S_SUGGEST), r.w);
		text(a, "results.suggest", T(S_SUGGEST), ui_cut_top(&r, sh), th->font_body, UI_S_MUTED,
		     UI_F_WRAP);
		ui_cut_top(&r, th->gap * 2);
		ui_rect row = ui_cut_top(&r, th->touch);
		button(a, "results.clear_filters", T(S_CLEAR_FILTERS), ui_col(row, 2, 0, th->gap),
		       A_CLEAR_FILTERS, 1, UI_S_PRIMARY);
		button(a, "results.change", T(S_FILTERS), ui_col(row, 2, 1, th->gap), A_EDIT_SEARCH, 0,
		       UI_S_DEFAULT);
		return;
	}

	/* the list, with kinetic scrolling; only visible items become nodes */
	ui_rect view = ui_inset_xy(r, 0, 0);
	view.h -= th->pad;
	int item_h = th->pad * 2 + txt_line_h(a->text, th->font_large) +
		     2 * txt_line_h(a->text, th->font_small) + th->gap / 2;
	int gap = th->gap;
	int content = a->nresults * (item_h + gap) + (a->more_loading ? th->touch : 0);
	a->list.view = view;
	a->list.max = content > view.h ? (float)(content - view.h) : 0;
	ui_node *list = ui_add(a->tree, UI_LIST, "results.list", title, view);
	list->action = A_SCROLL_AREA;
	list->flags = UI_F_NOHIT;
	ui_clip(a->tree, view);
	int first = (int)(a->list.pos / (item_h + gap));
	if (first < 0)
		first = 0;
	for (int i = first; i < a->nresults; i++) {
		int y = view.y + i * (item_h + gap) - (int)a->list.pos;
		if (y > view.y + view.h)
			break;
		const job *j = &a->results[i];
		char sub[512], id[32], label[512];
		result_lines(a, j, sub, sizeof(sub));
		snprintf(id, sizeof(id), "results.item.%d", i);
		snprintf(label, sizeof(label), "%s, %s", j->title, j->company);
		ui_node *it = ui_add(a->tree, UI_LIST_ITEM, id, label,
				     (ui_rect){view.x, y, view.w, item_h});
		it->value = ui_str(a->tree, j->title);
		it->sub = ui_str(a->tree, sub);
		it->action = A_OPEN_JOB;
		it->arg = i;
		it->focused = strcmp(a->focus, id) == 0;
	}
	if (a->more_loading) {
		int y = view.y + a->nresults * (item_h + gap) - (int)a->list.pos;
		text(a, "results.more", T(S_LOADING_MORE), (ui_rect){view.x, y, view.w, th->touch},
		     th->font_body, UI_S_MUTED, UI_F_CENTER);
	}
	ui_clip_reset(a->tree);
}

/* ---- detail ---- */

static int section(app *a, ui_rect col, int y, const char *title, const char *body, int draw)
{
	const theme *th = &a->th;
	int lh = txt_line_h(a->text, th->font_large);
	if (!body || !*body)
		return y;
	int bh = txt_wrapped_h(a->text, th->font_body, 0, body, col.w);
	if (draw) {
		ui_node *h = ui_add(a->tree, UI_HEADING, NULL, title, (ui_rect){col.x, y, col.w, lh});
		h->font = th->font_large;
		text(a, NULL, body, (ui_rect){col.x, y + lh + th->gap / 2, col.w, bh}, th->font_body,
		     UI_S_DEFAULT, UI_F_WRAP);
	}
	return y + lh + th->gap / 2 + bh + th->gap * 2;
}

static void build_detail(app *a)
{
	const theme *th = &a->th;
	ui_rect r = content_area(a);
	top_bar(a, &r, T(S_HOME_SEARCH), 1, 1);
	r = ui_inset_xy(r, th->pad, 0);
	if (a->detail_load == LD_LOADING || a->detail_load == LD_IDLE) {
		text(a, "detail.loading", T(S_LOADING), ui_cut_top(&r, th->touch), th->font_large,
		     UI_S_MUTED, UI_F_CENTER);
		return;
	}
	if (a->detail_load == LD_ERROR) {
		text(a, "detail.error", T((enum tr_id)a->detail_error), ui_cut_top(&r, th->touch * 2),
		     th->font_large, UI_S_ERROR, UI_F_CENTER | UI_F_WRAP);
		ui_cut_top(&r, th->gap);
		button(a, "detail.retry", T(S_RETRY), ui_inset_xy(ui_cut_top(&r, th->touch), r.w / 4, 0),
		       A_RETRY, 0, UI_S_PRIMARY);
		return;
	}
	const job *j = &a->detail;
	int portrait = a->h >= a->w;

	/* the QR card: a fixed footer in portrait, a right column in landscape */
	int qr_side = (portrait ? r.w / 4 : r.h / 3);
	ui_rect qrbox = portrait ? ui_cut_bottom(&r, qr_side + th->pad * 2)
				 : ui_cut_right(&r, r.w * 32 / 100);
	if (portrait)
		ui_cut_bottom(&r, th->gap);
	else
		ui_cut_right(&r, th->gap * 2);
	ui_node *card = ui_add(a->tree, UI_PANEL, NULL, NULL, qrbox);
	card->style = UI_S_CARD;
	ui_rect qi = ui_inset(qrbox, th->pad);
	ui_rect img = portrait ? ui_cut_left(&qi, qr_side) : ui_cut_top(&qi, qi.w < qr_side * 2 ? qi.w : qr_side * 2);
	if (!portrait)
		img = ui_inset_xy(img, (img.w - img.h) > 0 ? (img.w - img.h) / 2 : 0, 0);
	if (img.w > img.h)
		img.w = img.h;
	else
		img.h = img.w;
	ui_node *q = ui_add(a->tree, UI_IMAGE, "detail.qr", T(S_QR_ALT), img);
	q->image = 1;
	if (portrait)
		ui_cut_left(&qi, th->pad);
	else
		ui_cut_top(&qi, th->pad);
	ui_rect qt = ui_cut_top(&qi, txt_line_h(a->text, th->font_large));
	ui_node *qh = ui_add(a->tree, UI_HEADING, "detail.qr_title", T(S_QR_TITLE), qt);
	qh->font = th->font_large;
	text(a, NULL, T(S_QR_HINT), qi, th->font_body, UI_S_MUTED, UI_F_WRAP);

	/* the scrolling body */
	ui_rect view = r;
	a->detail_scroll.view = view;
	ui_node *area = ui_add(a->tree, UI_PANEL, NULL, NULL, (ui_rect){view.x, view.y, 0, 0});
	area->action = A_SCROLL_AREA;
	ui_clip(a->tree, view);
	int y0 = view.y - (int)a->detail_scroll.pos, y = y0;
	int th_h = txt_wrapped_h(a->text, th->font_title, 1, j->title, view.w);
	ui_node *t = ui_add(a->tree, UI_HEADING, "detail.title", j->title, (ui_rect){view.x, y, view.w, th_h});
	t->font = th->font_title;
	y += th_h + th->gap;
	int ch = txt_line_h(a->text, th->font_large);
	ui_node *c = ui_add(a->tree, UI_TEXT, "detail.company", j->company, (ui_rect){view.x, y, view.w, ch});
	c->font = th->font_large;
	c->flags = UI_F_BOLD;
	y += ch + th->gap * 2;

	/* key facts, two columns */
	char sal[96], dl[64], posted[32];
	app_salary_text(a, j, sal, sizeof(sal));
	app_deadline_text(a, j, dl, sizeof(dl));
	snprintf(posted, sizeof(posted), "%s", j->posted_at);
	const char *region = a->lang == TR_EN && j->region.name_en ? j->region.name_en : j->region.name_ko;
	const char *cat = a->lang == TR_EN && j->category.name_en ? j->category.name_en : j->category.name_ko;
	struct {
		int label;
		const char *value;
	} facts[] = {
		{S_D_REGION, region},
		{S_FILTER_CATEGORY, cat},
		{S_D_EMPLOYMENT, app_enum_text(a, JOB_ENUM_EMPLOYMENT, j->employment)},
		{S_D_CAREER, app_enum_text(a, JOB_ENUM_CAREER, j->career)},
		{S_D_EDUCATION, app_enum_text(a, JOB_ENUM_EDUCATION, j->education)},
		{S_D_SALARY, sal},
		{S_D_POSTED, posted},
		{S_D_CLOSES, dl},
	};
	int fl = txt_line_h(a->text, th->font_small), fv = txt_line_h(a->text, th->font_body);
	int cols = view.w > theme_px(th, 900) ? 2 : 1;
	for (int i = 0; i < (int)ARRAY_LEN(facts); i++) {
		ui_rect cell = ui_col((ui_rect){view.x, 0, view.w, 0}, cols, i % cols, th->gap);
		int fy = y + (i / cols) * (fl + fv + th->gap);
		text(a, NULL, T((enum tr_id)facts[i].label), (ui_rect){cell.x, fy, cell.w, fl},
		     th->font_small, UI_S_MUTED, 0);
		text(a, NULL, facts[i].value ? facts[i].value : "-",
		     (ui_rect){cell.x, fy + fl, cell.w, fv}, th->font_body, UI_S_DEFAULT, UI_F_BOLD);
	}
	y += ((int)ARRAY_LEN(facts) + cols - 1) / cols * (fl + fv + th->gap) + th->gap * 2;

	char contact[256] = "";
	if (j->contact_name || j->contact_phone)
		snprintf(contact, sizeof(contact), "%s %s", j->contact_name ? j->contact_name : "",
			 j->contact_phone ? j->contact_phone : "");
	y = section(a, view, y, T(S_D_DESCRIPTION), j->description, 1);
	y = section(a, view, y, T(S_D_REQUIREMENTS), j->requirements, 1);
	y = section(a, view, y, T(S_D_BENEFITS), j->benefits, 1);
	y = section(a, view, y, T(S_D_HOURS), j->work_hours, 1);
	y = section(a, view, y, T(S_D_ADDRESS), j->address, 1);
	y = section(a, view, y, T(S_D_CONTACT), contact, 1);
	ui_clip_reset(a->tree);
	int content = y - y0;
	a->detail_scroll.max = content > view.h ? (float)(content - view.h) : 0;
}

/* ---- interview practice ---- */

static const char *media_title(app *a, const struct media_item *m)
{
	return a->lang == TR_EN ? m->title_en : m->title_ko;
}

static void build_practice(app *a)
{
	const theme *th = &a->th;
	char id[48], sub[256], state[96];
	ui_rect r = content_area(a);
	top_bar(a, &r, T(S_HOME_PRACTICE), 1, 1);
	r = ui_inset_xy(r, th->pad * 2, 0);
	int hh = txt_wrapped_h(a->text, th->font_body, 0, T(S_PR_HINT), r.w);
	text(a, "practice.hint", T(S_PR_HINT), ui_cut_top(&r, hh), th->font_body, UI_S_MUTED,
	     UI_F_WRAP);
	ui_cut_top(&r, th->gap);
	if (a->pr_msg) {
		int mh = txt_wrapped_h(a->text, th->font_body, 1, T(a->pr_msg), r.w);
		text(a, "practice.message", T(a->pr_msg), ui_cut_top(&r, mh), th->font_body,
		     UI_S_ERROR, UI_F_WRAP | UI_F_BOLD);
		ui_cut_top(&r, th->gap);
	}
	if (a->nmedia == 0) {
		int busy = a->media_load == LD_LOADING;
		text(a, busy ? "practice.loading" : "practice.empty", T(busy ? S_PR_LOADING : S_PR_EMPTY),
		     ui_cut_top(&r, th->touch), th->font_large, UI_S_MUTED, UI_F_CENTER);
		return;
	}
	int item_h = txt_line_h(a->text, th->font_large) + txt_line_h(a->text, th->font_small) * 2 +
		     th->pad * 2 + th->gap;
	ui_node *list = ui_add(a->tree, UI_LIST, "practice.list", T(S_HOME_PRACTICE), r);
	(void)list;
	for (int i = 0; i < a->nmedia && r.h >= item_h; i++) {
		const struct media_item *m = &a->media[i];
		int pct = 0, st = a->mc ? mc_status(a->mc, m->id, &pct) : MC_ABSENT;
		int dur = (int)(m->duration_s + 0.5);
		if (st == MC_DOWNLOADING)
			snprintf(state, sizeof(state), T(S_PR_DOWNLOADING), pct);
		else
			snprintf(state, sizeof(state), "%s",
				 T(st == MC_READY ? S_PR_READY : st == MC_FAILED ? S_PR_FAILED : S_PR_WAITING));
		snprintf(sub, sizeof(sub), T(S_PR_INFO), T(m->vr360 ? S_PR_360 : S_PR_FLAT), dur / 60,
			 dur % 60, m->nq);
		size_t l = strlen(sub);
		snprintf(sub + l, sizeof(sub) - l, "\n%s", state);
		snprintf(id, sizeof(id), "practice.item.%d", i);
		char label[512];
		snprintf(label, sizeof(label), "%s, %s", media_title(a, m), sub);
		ui_node *it = ui_add(a->tree, UI_LIST_ITEM, id, label, ui_cut_top(&r, item_h - th->gap));
		it->value = ui_str(a->tree, media_title(a, m));
		it->sub = ui_str(a->tree, sub);
		it->action = A_PR_OPEN;
		it->arg = i;
		it->focused = strcmp(a->focus, id) == 0;
		ui_cut_top(&r, th->gap);
	}
}

static void mmss(int64_t ms, char *out, size_t n)
{
	int s = ms < 0 ? 0 : ms > 359999000 ? 359999 : (int)(ms / 1000);
	snprintf(out, n, "%d:%02d", s / 60 % 6000, s % 60);
}

static void build_player(app *a)
{
	const theme *th = &a->th;
	char buf[256], t0[16], t1[16];
	ui_rect r = content_area(a);
	if (a->pl_index < 0) {
		top_bar(a, &r, T(S_HOME_PRACTICE), 1, 1);
		return;
	}
	const struct media_item *m = &a->media[a->pl_index];
	top_bar(a, &r, media_title(a, m), 1, 1);
	int st = a->player ? ply_state(a->player) : PLY_IDLE;

	if (a->pl_error || a->pl_checking) {
		ui_rect b = ui_inset(r, th->pad * 2);
		ui_cut_top(&b, b.h / 5);
		const char *msg = T(a->pl_error ? a->pl_error : S_PL_CHECKING);
		int mh = txt_wrapped_h(a->text, th->font_large, 1, msg, b.w);
		text(a, a->pl_error ? "player.error" : "player.checking", msg, ui_cut_top(&b, mh),
		     th->font_large, a->pl_error ? UI_S_ERROR : UI_S_MUTED, UI_F_WRAP | UI_F_BOLD);
		ui_cut_top(&b, th->gap * 3);
		if (a->pl_error)
			button(a, "player.to_list", T(S_PL_TO_LIST),
			       ui_inset_xy(ui_cut_top(&b, th->touch), b.w / 5, 0), A_BACK, 0, UI_S_PRIMARY);
		return;
	}

	/* portrait: everything in one column; landscape: the picture on the left, the
	 * controls on the right */
	int cap_h = txt_line_h(a->text, th->font_large) * 2 + th->pad;
	ui_rect side = r;
	int land = r.w > r.h;
	if (land) {
		side = ui_inset_xy(ui_cut_right(&r, r.w * 38 / 100), th->pad, th->pad);
		ui_cut_bottom(&r, th->touch + th->gap * 2); /* the progress bar under the picture */
	}
	/* the picture: 16:9 for a flat video, taller for 360 (more to look around in) */
	int room = land ? r.h - cap_h : r.h * 45 / 100;
	int vh = a->pl_vr ? room : r.w * 9 / 16;
	if (vh > room)
		vh = room;
	ui_rect video = ui_cut_top(&r, vh);
	a->pl_video = video;
	ui_node *v = ui_add(a->tree, UI_VIDEO, "player.video", T(a->pl_vr ? S_PL_VIDEO_360 : S_PL_VIDEO),
			    video);
	v->image = 2;
	v->action = A_PL_VIDEO; /* a tap on the picture does nothing, but it is the drag target */
	v->flags |= UI_F_NOHIT;

	/* captions on a band of their own, so that they never cover the interviewer */
	ui_rect cap = ui_cut_top(&r, cap_h);
	ui_node *band = ui_add(a->tree, UI_PANEL, NULL, NULL, cap);
	band->style = UI_S_CAPTION;
	int64_t pos = a->player ? ply_time_ms(a->player) : 0, len = a->player ? ply_length_ms(a->player) : 0;
	if (len <= 0)
		len = (int64_t)(m->duration_s * 1000);
	const char *cue = a->pl_captions ? vtt_at(&a->pl_vtt, pos) : NULL;
	if (cue)
		text(a, "player.caption", cue, ui_inset_xy(cap, th->pad, 0), th->font_large, UI_S_CAPTION,
		     UI_F_CENTER | UI_F_WRAP);
	if (land) /* the bar goes under the picture, the rest right */
		r = (ui_rect){r.x, cap.y + cap.h + th->gap, cap.w, th->touch};
	else
		ui_cut_top(&r, th->gap);

	r = ui_inset_xy(r, th->pad * 2, 0);
	/* where in the video: time and a bar to tap or drag */
	mmss(pos, t0, sizeof(t0));
	mmss(len, t1, sizeof(t1));
	snprintf(buf, sizeof(buf), T(S_PL_POSITION), t0, t1);
	ui_rect row = ui_cut_top(&r, th->touch);
	ui_rect tl = ui_cut_left(&row, txt_line_h(a->text, th->font_body) * 5);
	snprintf(buf, sizeof(buf), "%s / %s", t0, t1);
	text(a, "player.time", buf, tl, th->font_body, UI_S_DEFAULT, UI_F_CENTER);
	snprintf(buf, sizeof(buf), T(S_PL_POSITION), t0, t1);
	ui_node *seek = button(a, "player.seek", buf, row, A_PL_SEEK, 0, UI_S_SEEK);
	seek->arg = len > 0 ? (int)(pos * 1000 / len) : 0;
	if (seek->arg > 1000)
		seek->arg = 1000;
	a->pl_seek = row;
	ui_cut_top(&r, th->gap);
	if (land)
		r = side;

	int playing = st == PLY_PLAYING || st == PLY_OPENING;
	row = ui_cut_top(&r, th->touch);
	button(a, "player.back10", T(S_PL_BACK10), ui_col(row, 3, 0, th->gap), A_PL_BACK10, 0,
	       UI_S_DEFAULT);
	ui_node *pp = button(a, "player.play_pause",
			     T(st == PLY_ENDED ? S_PL_REPLAY : playing ? S_PL_PAUSE : S_PL_PLAY),
			     ui_col(row, 3, 1, th->gap), A_PL_PLAY, 0, UI_S_PRIMARY);
	pp->enabled = !a->pl_asking;
	button(a, "player.fwd10", T(S_PL_FWD10), ui_col(row, 3, 2, th->gap), A_PL_FWD10, 0,
	       UI_S_DEFAULT);
	ui_cut_top(&r, th->gap);
	row = ui_cut_top(&r, th->touch);
	button(a, "player.volume_down", T(S_PL_VOL_DOWN), ui_col(row, 3, 0, th->gap), A_PL_VOL, 0,
	       UI_S_DEFAULT);
	button(a, "player.volume_up", T(S_PL_VOL_UP), ui_col(row, 3, 1, th->gap), A_PL_VOL, 1,
	       UI_S_DEFAULT);
	button(a, "player.captions", T(a->pl_captions ? S_PL_CC_OFF : S_PL_CC_ON),
	       ui_col(row, 3, 2, th->gap), A_PL_CAPTIONS, 0, UI_S_DEFAULT);
	if (a->pl_vr) {
		ui_cut_top(&r, th->gap);
		row = ui_cut_top(&r, th->touch);
		button(a, "player.look_left", T(S_PL_LOOK_LEFT), ui_col(row, 4, 0, th->gap), A_PL_LOOK, 0,
		       UI_S_DEFAULT);
		button(a, "player.look_right", T(S_PL_LOOK_RIGHT), ui_col(row, 4, 1, th->gap), A_PL_LOOK,
		       1, UI_S_DEFAULT);
		button(a, "player.zoom_in", T(S_PL_ZOOM_IN), ui_col(row, 4, 2, th->gap), A_PL_ZOOM, 1,
		       UI_S_DEFAULT);
		button(a, "player.zoom_out", T(S_PL_ZOOM_OUT), ui_col(row, 4, 3, th->gap), A_PL_ZOOM, 0,
		       UI_S_DEFAULT);
	}
	if (st == PLY_ENDED && !a->pl_asking) {
		ui_cut_top(&r, th->gap * 2);
		text(a, "player.ended", T(S_PL_ENDED), ui_cut_top(&r, th->touch), th->font_large,
		     UI_S_DEFAULT, UI_F_CENTER | UI_F_BOLD);
	}

	/* a question: over the picture, large, with the time left to answer */
	if (a->pl_asking && a->pl_q > 0 && a->pl_q <= m->nq) {
		const struct pq *q = &m->q[a->pl_q - 1];
		ui_rect box = ui_inset(a->pl_video, th->pad);
		int need = th->touch * 4;
		if (box.h < need) /* a small picture: the dialog takes the space below too */
			box.h = need;
		ui_node *s = ui_add(a->tree, UI_PANEL, NULL, NULL, box);
		s->style = UI_S_SCRIM;
		ui_add(a->tree, UI_DIALOG, "player.question_dialog", T(S_PL_NEXT_Q), box);
		box = ui_inset(box, th->pad);
		snprintf(buf, sizeof(buf), T(S_PL_QUESTION_N), a->pl_q, m->nq);
		text(a, "player.question_n", buf, ui_cut_top(&box, txt_line_h(a->text, th->font_body)),
		     th->font_body, UI_S_MUTED, UI_F_CENTER);
		ui_rect btn = ui_cut_bottom(&box, th->touch);
		ui_cut_bottom(&box, th->gap);
		int64_t left = (int64_t)q->answer_s * 1000 - (clk_ms(a->clock) - a->pl_ask_since);
		int secs = left > 0 ? (int)((left + 999) / 1000) : 0;
		if (secs > 0)
			snprintf(buf, sizeof(buf), T(S_PL_ANSWER_LEFT), secs / 60, secs % 60);
		else
			snprintf(buf, sizeof(buf), "%s", T(S_PL_TIME_UP));
		int ch = txt_wrapped_h(a->text, th->font_body, 1, buf, box.w);
		text(a, "player.countdown", buf, ui_cut_bottom(&box, ch), th->font_body, UI_S_DEFAULT,
		     UI_F_CENTER | UI_F_WRAP | UI_F_BOLD);
		const char *qt = a->lang == TR_EN ? q->en : q->ko;
		ui_node *qn = ui_add(a->tree, UI_TEXT, "player.question", qt, box);
		qn->font = th->font_title;
		qn->flags = UI_F_CENTER | UI_F_WRAP | UI_F_BOLD;
		button(a, "player.next_question", T(a->pl_q < m->nq ? S_PL_NEXT_Q : S_PL_CONTINUE),
		       ui_inset_xy(btn, btn.w / 6, 0), A_PL_NEXT_Q, 0, UI_S_PRIMARY);
	}
}

/* ---- counselling booking ---- */

static const char *topic_name(app *a, int i)
{
	if (i < 0 || i >= a->bk_ntopics)
		return "";
	return a->lang == TR_EN ? a->bk_topics[i].en : a->bk_topics[i].ko;
}

static const char *counselor_name(app *a, const char *id)
{
	for (int i = 0; i < a->bk_ncs; i++)
		if (strcmp(a->bk_cs[i].id, id) == 0)
			return a->bk_cs[i].name;
	return id;
}

static void when_text(app *a, time_t t, char *out, size_t n)
{
	int y, m, d, day = kdate_seoul_day(t);
	long long s = (long long)t + KDATE_SEOUL_OFFSET - (long long)day * 86400;
	kdate_to_ymd(day, &y, &m, &d);
	int wd = ((day % 7) + 7 + 3) % 7; /* 0 = Monday */
	snprintf(out, n, "%d/%d (%s) %02d:%02d", m, d, T((enum tr_id)(S_WD_MON + wd)),
		 (int)(s / 3600), (int)(s / 60 % 60));
}

/* A column of choice buttons; returns the height used. */
static void choices(app *a, ui_rect *r, const char *idfmt, int n, const char *(*label)(app *, int, char *, size_t),
		    int action, const int *args)
{
	const theme *th = &a->th;
	/* one column while they fit; side by side when the screen is short (landscape,
	 * low-position mode) so that no choice falls off the screen */
	int fit = (r->h + th->gap) / (th->touch + th->gap), cols = 1;
	if (fit > 0 && n > fit)
		cols = (n + fit - 1) / fit;
	if (cols > 3)
		cols = 3;
	int rows = (n + cols - 1) / cols, cw = (r->w - th->gap * (cols - 1)) / cols;
	for (int i = 0; i < n && r->h >= th->touch; i++) {
		char id[48], lb[160];
		int row = i / cols, col = i % cols;
		if (row >= fit)
			break;
		int v = args ? args[i] : i;
		snprintf(id, sizeof(id), idfmt, v);
		button(a, id, label(a, v, lb, sizeof(lb)),
		       (ui_rect){r->x + col * (cw + th->gap), r->y + row * (th->touch + th->gap), cw, th->touch},
		       action, v, UI_S_CHIP)->font = th->font_large;
	}
	ui_cut_top(r, rows * (th->touch + th->gap) < r->h ? rows * (th->touch + th->gap) : r->h);
}

static const char *topic_label(app *a, int i, char *b, size_t n)
{
	snprintf(b, n, "%s", topic_name(a, i));
	return b;
}

static const char *cs_label(app *a, int c, char *b, size_t n)
{
	snprintf(b, n, "%s", a->bk_cs[c].name);
	return b;
}

static int cs_offers(app *a, int c)
{
	char needle[40];
	snprintf(needle, sizeof(needle), ",%s", a->bk_topics[a->bk_topic].id);
	const char *p = strstr(a->bk_cs[c].topics, needle);
	return p && (p[strlen(needle)] == ',' || p[strlen(needle)] == '\0');
}

/* Splits a form step into fields (r, what is left) and the keyboard's area:
 * beside the fields in landscape, as on the search screen; below in portrait. */
static ui_rect form_keyboard(app *a, ui_rect *r)
{
	const theme *th = &a->th;
	ui_rect kb;
	if (a->w > a->h) {
		kb = ui_cut_right(r, r->w * 58 / 100);
		ui_cut_right(r, th->gap * 2);
		if (kb.h > kb.w * 10 / 22)
			kb = ui_cut_bottom(&kb, kb.w * 10 / 22);
	} else {
		kb = ui_cut_bottom(r, r->h * 45 / 100);
		if (kb.w > kb.h * 26 / 10)
			kb = ui_inset_xy(kb, (kb.w - kb.h * 26 / 10) / 2, 0);
	}
	return kb;
}

/* A labelled text field bound to an input. */
static void form_field(app *a, ui_rect *r, const char *id, int label, hin *h, int action, int arg)
{
	const theme *th = &a->th;
	text(a, NULL, T((enum tr_id)label), ui_cut_top(r, txt_line_h(a->text, th->font_body)),
	     th->font_body, UI_S_MUTED, 0);
	ui_node *n = ui_add(a->tree, UI_TEXT_FIELD, id, T((enum tr_id)label), ui_cut_top(r, th->touch));
	n->value = ui_str(a->tree, hin_text(h));
	n->focused = strcmp(a->focus, id) == 0;
	n->action = action;
	n->arg = arg;
	n->font = th->font_large;
	ui_cut_top(r, th->gap * 2);
}

static void build_lookup(app *a, ui_rect r)
{
	const theme *th = &a->th;
	int lh = txt_line_h(a->text, th->font_large);
	ui_node *h = ui_add(a->tree, UI_HEADING, "booking.step", T(S_LK_OPEN), ui_cut_top(&r, lh));
	h->font = th->font_large;
	ui_cut_top(&r, th->gap * 2);
	if (a->bk_step == BK_LOOKUP) {
		ui_rect kb = form_keyboard(a, &r);
		form_field(a, &r, "booking.lookup_code", S_LK_CODE, a->lk_code, A_LK_FIELD, 0);
		form_field(a, &r, "booking.lookup_digits", S_LK_DIGITS, a->lk_digits, A_LK_FIELD, 1);
		if (a->lk_error)
			text(a, "booking.error", T((enum tr_id)a->lk_error),
			     ui_cut_top(&r, txt_wrapped_h(a->text, th->font_body, 1, T((enum tr_id)a->lk_error), r.w)),
			     th->font_body, UI_S_ERROR, UI_F_WRAP | UI_F_BOLD);
		ui_cut_top(&r, th->gap);
		ui_node *f = button(a, "booking.lookup_find", a->lk_busy ? T(S_LOADING) : T(S_LK_FIND),
				    ui_cut_top(&r, th->touch), A_LK_FIND, 0, UI_S_PRIMARY);
		f->enabled = app_lookup_ok(a) && !a->lk_busy;
		keyboard(a, kb, A_LK_FIND, T(S_LK_FIND));
		return;
	}
	/* BK_LOOKED */
	char when[64] = "", line[256], code[16];
	app_lookup_code(a, code, sizeof(code));
	if (a->lk_start)
		when_text(a, a->lk_start, when, sizeof(when));
	const char *topic = a->lk_topic;
	for (int i = 0; i < a->bk_ntopics; i++)
		if (strcmp(a->bk_topics[i].id, a->lk_topic) == 0)
			topic = topic_name(a, i);
	const char *rows[][2] = {
		{T(S_LK_CODE), code},
		{T(S_LK_STATUS), T((enum tr_id)a->lk_status)},
		{T(S_BK_WHAT), topic},
		{T(S_BK_WHO), a->lk_counselor},
		{T(S_BK_WHEN), when},
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		if (!*rows[i][1])
			continue;
		snprintf(line, sizeof(line), "%s: %s", rows[i][0], rows[i][1]);
		text(a, i == 1 ? "booking.lookup_status" : NULL, line, ui_cut_top(&r, lh), th->font_large,
		     UI_S_DEFAULT, i == 1 ? UI_F_BOLD : 0);
		ui_cut_top(&r, th->gap);
	}
	ui_cut_top(&r, th->gap * 2);
	if (a->lk_error) {
		const char *t = T((enum tr_id)a->lk_error);
		text(a, "booking.error", t, ui_cut_top(&r, txt_wrapped_h(a->text, th->font_body, 1, t, r.w)),
		     th->font_body, UI_S_ERROR, UI_F_WRAP | UI_F_BOLD);
		ui_cut_top(&r, th->gap);
	}
	if (a->lk_done) {
		text(a, "booking.cancelled", T(S_LK_CANCELLED), ui_cut_top(&r, th->touch), th->font_large,
		     UI_S_DEFAULT, UI_F_CENTER | UI_F_BOLD);
	} else if (a->lk_status == S_LK_BOOKED || a->lk_status == S_LK_FOLLOW_UP) {
		if (a->lk_sure) {
			const char *t = T(S_LK_CANCEL_SURE);
			text(a, "booking.cancel_sure", t,
			     ui_cut_top(&r, txt_wrapped_h(a->text, th->font_body, 0, t, r.w)), th->font_body,
			     UI_S_DEFAULT, UI_F_WRAP);
			ui_cut_top(&r, th->gap);
		}
		ui_node *c = button(a, "booking.cancel", a->lk_busy ? T(S_LOADING) : T(S_LK_CANCEL),
				    ui_inset_xy(ui_cut_top(&r, th->touch), r.w / 6, 0), A_LK_CANCEL, 0,
				    a->lk_sure ? UI_S_PRIMARY : UI_S_CHIP);
		c->enabled = !a->lk_busy;
		c->font = th->font_large;
	}
	ui_cut_top(&r, th->gap * 3);
	button(a, "booking.home", T(S_HOME), ui_inset_xy(ui_cut_top(&r, th->touch), r.w / 4, 0), A_HOME,
	       0, UI_S_PRIMARY);
}

static void build_booking(app *a)
{
	const theme *th = &a->th;
	ui_rect r = content_area(a);
	top_bar(a, &r, T(S_HOME_BOOKING), a->bk_step != BK_SENDING, 1);
	r = ui_inset_xy(r, th->pad, 0);
	if (a->bk_step == BK_LOOKUP || a->bk_step == BK_LOOKED) {
		build_lookup(a, r);
		return;
	}
	int lh = txt_line_h(a->text, th->font_large);
	ui_node *h;
#define HEAD(id, str)                                                                             \
	do {                                                                                       \
		h = ui_add(a->tree, UI_HEADING, id, str, ui_cut_top(&r, lh));                      \
		h->font = th->font_large;                                                          \
		ui_cut_top(&r, th->gap * 2);                                                       \
	} while (0)
	if (a->bk_error && a->bk_step != BK_PERSON) {
		int eh = txt_wrapped_h(a->text, th->font_body, 1, T((enum tr_id)a->bk_error), r.w);
		text(a, "booking.error", T((enum tr_id)a->bk_error), ui_cut_top(&r, eh), th->font_body,
		     UI_S_ERROR, UI_F_WRAP | UI_F_BOLD);
		ui_cut_top(&r, th->gap);
	}
	switch (a->bk_step) {
	case BK_TOPIC:
		HEAD("booking.step", T(S_BK_TOPIC));
		if (!a->bk_ntopics) {
			text(a, "booking.loading", T(S_LOADING), ui_cut_top(&r, th->touch), th->font_large,
			     UI_S_MUTED, UI_F_CENTER);
			break;
		}
		{
			/* look-up and cancellation start where booking starts */
			ui_cut_bottom(&r, th->gap * 2);
			ui_rect lk = ui_cut_bottom(&r, th->touch);
			ui_cut_bottom(&r, th->gap * 2);
			button(a, "booking.lookup", T(S_LK_OPEN), ui_inset_xy(lk, r.w / 6, 0), A_LK_OPEN, 0,
			       UI_S_CHIP)->font = th->font_body;
		}
		choices(a, &r, "booking.topic.%d", a->bk_ntopics, topic_label, A_BK_TOPIC, NULL);
		break;
	case BK_COUNSELOR: {
		HEAD("booking.step", T(S_BK_COUNSELOR));
		button(a, "booking.counselor.any", T(S_BK_ANY), ui_cut_top(&r, th->touch), A_BK_COUNSELOR,
		       -1, UI_S_CHIP)->font = th->font_large;
		ui_cut_top(&r, th->gap);
		int *offer = xcalloc((size_t)a->bk_ncs + 1, sizeof(int)), no = 0;
		for (int c = 0; c < a->bk_ncs; c++)
			if (cs_offers(a, c))
				offer[no++] = c;
		choices(a, &r, "booking.counselor.%d", no, cs_label, A_BK_COUNSELOR, offer);
		free(offer);
		break;
	}
	case BK_DATE: {
		HEAD("booking.step", T(S_BK_DATE));
		if (a->bk_load != LD_DONE) {
			text(a, "booking.loading", T(a->bk_load == LD_ERROR ? S_ERROR_NET : S_LOADING),
			     ui_cut_top(&r, th->touch), th->font_large, UI_S_MUTED, UI_F_CENTER | UI_F_WRAP);
			break;
		}
		int today = app_today(a), monday = today - (((today % 7) + 7 + 3) % 7);
		int cw = (r.w - th->gap * 6) / 7, chh = txt_line_h(a->text, th->font_small);
		for (int c = 0; c < 7; c++)
			text(a, NULL, T((enum tr_id)(S_WD_MON + c)),
			     (ui_rect){r.x + c * (cw + th->gap), r.y, cw, chh}, th->font_small, UI_S_MUTED,
			     UI_F_CENTER);
		ui_cut_top(&r, chh + th->gap);
		int rowh = th->touch;
		for (int w = 0; w < 5; w++) {
			for (int c = 0; c < 7; c++) {
				int day = monday + w * 7 + c, free_ = 0;
				char id[40], lb[16], date[11];
				int y, m, d;
				if (day < today || day > today + 27)
					continue;
				for (int i = 0; i < a->bk_nslots; i++)
					free_ += a->bk_slots[i].available &&
						 kdate_seoul_day(a->bk_slots[i].start) == day;
				kdate_format(day, date);
				kdate_to_ymd(day, &y, &m, &d);
				snprintf(id, sizeof(id), "booking.day.%s", date);
				snprintf(lb, sizeof(lb), "%d/%d", m, d);
				ui_node *b = button(a, id, lb,
						    (ui_rect){r.x + c * (cw + th->gap), r.y + w * (rowh + th->gap),
							      cw, rowh},
						    A_BK_DAY, day, free_ ? UI_S_CHIP_ON : UI_S_CHIP);
				b->enabled = free_ > 0;
				b->font = th->font_body;
			}
		}
		break;
	}
	case BK_TIME: {
		HEAD("booking.step", T(S_BK_TIME));
		/* the day's free times; after a slot was taken meanwhile, the free times
		 * nearest to it on any day, closest first */
		int idx[64], shown = 0;
		for (int i = 0; i < a->bk_nslots; i++) {
			struct bk_slot *sl = &a->bk_slots[i];
			if (!sl->available || (!a->bk_taken && kdate_seoul_day(sl->start) != a->bk_day))
				continue;
			if (!a->bk_taken) {
				if (shown < (int)ARRAY_LEN(idx))
					idx[shown++] = i;
				continue;
			}
			/* insertion into the nearest few */
			long long d = llabs((long long)(sl->start - a->bk_taken));
			int k = shown < 4 ? shown++ : 4;
			while (k > 0 && llabs((long long)(a->bk_slots[idx[k - 1]].start - a->bk_taken)) > d) {
				if (k < 4)
					idx[k] = idx[k - 1];
				k--;
			}
			if (k < 4)
				idx[k] = i;
		}
		for (int j = 0; j < shown && r.h >= th->touch; j++) {
			struct bk_slot *sl = &a->bk_slots[idx[j]];
			char id[40], lb[160], when[64];
			when_text(a, sl->start, when, sizeof(when));
			snprintf(id, sizeof(id), "booking.slot.%d", j);
			snprintf(lb, sizeof(lb), "%s · %s", when, counselor_name(a, sl->counselor));
			button(a, id, lb, ui_cut_top(&r, th->touch), A_BK_SLOT, idx[j], UI_S_CHIP)->font =
				th->font_large;
			ui_cut_top(&r, th->gap);
		}
		if (!shown)
			text(a, "booking.empty", T(a->bk_load == LD_LOADING ? S_LOADING : S_BK_NO_SLOTS),
			     ui_cut_top(&r, th->touch), th->font_large, UI_S_MUTED, UI_F_CENTER);
		break;
	}
	case BK_PERSON: {
		HEAD("booking.step", T(S_BK_PERSON));
		ui_rect kb = form_keyboard(a, &r);
		form_field(a, &r, "booking.name", S_BK_NAME, a->bk_name, A_BK_FIELD, 0);
		form_field(a, &r, "booking.phone", S_BK_PHONE, a->bk_phone, A_BK_FIELD, 1);
		if (a->bk_error) {
			text(a, "booking.error", T((enum tr_id)a->bk_error),
			     ui_cut_top(&r, txt_line_h(a->text, th->font_body) * 2), th->font_body,
			     UI_S_ERROR, UI_F_WRAP);
		}
		ui_node *nx = button(a, "booking.next", T(S_BK_NEXT),
				     ui_cut_top(&r, th->touch), A_BK_NEXT, 0, UI_S_PRIMARY);
		nx->enabled = app_bk_person_ok(a);
		keyboard(a, kb, A_BK_NEXT, T(S_BK_NEXT));
		break;
	}
	case BK_CONSENT: {
		HEAD("booking.step", T(S_BK_CONSENT_TITLE));
		static const struct {
			int id, bold;
		} lines[] = {{S_BK_CONSENT_PURPOSE, 0}, {S_BK_CONSENT_ITEMS, 1}, {S_BK_CONSENT_KEEP, 1},
			     {S_BK_CONSENT_REFUSE, 1}, {S_BK_CONSENT_CHILD, 0}};
		for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
			const char *t = T((enum tr_id)lines[i].id);
			int hh = txt_wrapped_h(a->text, th->font_body, lines[i].bold, t, r.w);
			text(a, NULL, t, ui_cut_top(&r, hh), th->font_body,
			     lines[i].bold ? UI_S_DEFAULT : UI_S_MUTED,
			     UI_F_WRAP | (lines[i].bold ? UI_F_BOLD : 0));
			ui_cut_top(&r, th->gap);
		}
		ui_cut_top(&r, th->gap);
		ui_node *cb = ui_add(a->tree, UI_CHECKBOX, "booking.consent", T(S_BK_CONSENT_BOX),
				     ui_cut_top(&r, th->touch * 5 / 4));
		cb->checked = a->bk_consent;
		cb->action = A_BK_CONSENT;
		cb->font = th->font_body;
		ui_cut_top(&r, th->gap * 2);
		ui_node *nx = button(a, "booking.next", T(S_BK_NEXT), ui_cut_top(&r, th->touch), A_BK_NEXT,
				     0, UI_S_PRIMARY);
		nx->enabled = a->bk_consent;
		break;
	}
	case BK_REVIEW:
	case BK_SENDING: {
		HEAD("booking.step", T(S_BK_REVIEW));
		char when[64] = "", line[256];
		struct bk_slot *sl = a->bk_slot >= 0 && a->bk_slot < a->bk_nslots ? &a->bk_slots[a->bk_slot] : NULL;
		if (sl)
			when_text(a, sl->start, when, sizeof(when));
		const char *rows[][2] = {
			{T(S_BK_WHAT), topic_name(a, a->bk_topic)},
			{T(S_BK_WHO), sl ? counselor_name(a, sl->counselor) : ""},
			{T(S_BK_WHEN), when},
			{T(S_BK_NAME), hin_text(a->bk_name)},
			{T(S_BK_PHONE), hin_text(a->bk_phone)},
		};
		for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
			snprintf(line, sizeof(line), "%s: %s", rows[i][0], rows[i][1]);
			text(a, NULL, line, ui_cut_top(&r, txt_line_h(a->text, th->font_large)),
			     th->font_large, UI_S_DEFAULT, 0);
			ui_cut_top(&r, th->gap);
		}
		ui_cut_top(&r, th->gap * 2);
		if (a->bk_step == BK_SENDING)
			text(a, "booking.sending", T(S_BK_SENDING), ui_cut_top(&r, th->touch),
			     th->font_large, UI_S_MUTED, UI_F_CENTER);
		else
			button(a, "booking.confirm", T(S_BK_CONFIRM), ui_cut_top(&r, th->touch),
			       A_BK_CONFIRM, 0, UI_S_PRIMARY)->font = th->font_large;
		break;
	}
	case BK_DONE: {
		char code[64];
		HEAD("booking.step", T(a->bk_queued ? S_BK_QUEUED : S_BK_DONE));
		if (a->bk_queued)
			snprintf(code, sizeof(code), "%s", a->lang == TR_EN ? "Reference" : "접수 번호");
		else
			snprintf(code, sizeof(code), T(S_BK_CODE), "");
		text(a, NULL, code, ui_cut_top(&r, txt_line_h(a->text, th->font_large)), th->font_large,
		     UI_S_MUTED, UI_F_CENTER);
		/* the label is the code itself: what the person writes down, what tests read */
		ui_node *c = ui_add(a->tree, UI_TEXT, "booking.code", a->bk_code,
				    ui_cut_top(&r, txt_line_h(a->text, th->font_huge) * 3 / 2));
		c->font = th->font_huge;
		c->flags = UI_F_CENTER | UI_F_BOLD | UI_F_WRAP;
		const char *hint = T(a->bk_queued ? S_BK_QUEUED_HINT : S_BK_CODE_HINT);
		int hh = txt_wrapped_h(a->text, th->font_body, 0, hint, r.w);
		text(a, "booking.hint", hint, ui_cut_top(&r, hh), th->font_body, UI_S_MUTED, UI_F_WRAP);
		ui_cut_top(&r, th->gap * 3);
		button(a, "booking.home", T(S_HOME), ui_inset_xy(ui_cut_top(&r, th->touch), r.w / 4, 0),
		       A_HOME, 0, UI_S_PRIMARY);
		break;
	}
	}
#undef HEAD
}

static void build_a11y(app *a)
{
	const theme *th = &a->th;
	ui_rect r = content_area(a);
	top_bar(a, &r, T(S_A11Y_TITLE), 1, 1);
	r = ui_inset(r, th->pad * 2);
	static const struct {
		const char *id;
		int label;
	} boxes[] = {{"a11y.contrast", S_A11Y_CONTRAST},
		     {"a11y.large_text", S_A11Y_LARGE},
		     {"a11y.low_position", S_A11Y_LOW},
		     {"a11y.voice", S_A11Y_VOICE}};
	int values[4] = {a->a11y_contrast, a->a11y_large, a->a11y_low, a->a11y_voice};
	/* one column, or two when four rows do not fit (landscape at 200%) */
	int rowh = th->touch * 5 / 4, cols = 4 * (rowh + th->gap * 2) > r.h ? 2 : 1;
	ui_rect left = r, right = r;
	if (cols == 2) {
		left = ui_col(r, 2, 0, th->gap * 2);
		right = ui_col(r, 2, 1, th->gap * 2);
	}
	for (int i = 0; i < 4; i++) {
		ui_rect *col = cols == 2 && i >= 2 ? &right : &left;
		ui_node *n = ui_add(a->tree, UI_CHECKBOX, boxes[i].id, T((enum tr_id)boxes[i].label),
				    ui_cut_top(col, rowh));
		n->checked = values[i];
		n->action = A_A11Y_TOGGLE;
		n->arg = i;
		n->font = th->font_large;
		n->focused = strcmp(a->focus, boxes[i].id) == 0;
		ui_cut_top(col, th->gap * 2);
	}
}

static void build_idle(app *a)
{
	const theme *th = &a->th;
	int64_t left = a->cfg->idle_countdown_s * 1000LL - (clk_ms(a->clock) - a->idle_since);
	int secs = (int)((left + 999) / 1000);
	char body[256];
	if (secs < 0)
		secs = 0;
	ui_node *s = ui_add(a->tree, UI_PANEL, NULL, NULL, (ui_rect){0, 0, a->w, a->h});
	s->style = UI_S_SCRIM;
	s->action = A_IDLE_CONTINUE;
	int bw = a->w * 8 / 10, bh = th->touch * 5;
	ui_rect box = {(a->w - bw) / 2, (a->h - bh) / 2, bw, bh};
	ui_add(a->tree, UI_DIALOG, "idle.dialog", T(S_IDLE_TITLE), box);
	box = ui_inset(box, th->pad * 2);
	ui_node *h = ui_add(a->tree, UI_HEADING, "idle.title", T(S_IDLE_TITLE),
			    ui_cut_top(&box, th->touch));
	h->font = th->font_title;
	h->flags = UI_F_CENTER;
	snprintf(body, sizeof(body), T(S_IDLE_BODY), secs);
	text(a, "idle.countdown", body, ui_cut_top(&box, th->touch * 3 / 2), th->font_body,
	     UI_S_DEFAULT, UI_F_CENTER | UI_F_WRAP);
	ui_rect row = ui_cut_bottom(&box, th->touch);
	button(a, "idle.continue", T(S_IDLE_CONTINUE), ui_col(row, 2, 0, th->gap * 2),
	       A_IDLE_CONTINUE, 0, UI_S_PRIMARY);
	button(a, "idle.end", T(S_IDLE_END), ui_col(row, 2, 1, th->gap * 2), A_IDLE_END, 0,
	       UI_S_DEFAULT);
}

void scr_build(app *a)
{
	ui_begin(a->tree, scr_name(a->screen), a->w, a->h);
	switch (a->screen) {
	case SCR_HOME: build_home(a); break;
	case SCR_SEARCH: build_search(a); break;
	case SCR_RESULTS: build_results(a); break;
	case SCR_DETAIL: build_detail(a); break;
	case SCR_BOOKING: build_booking(a); break;
	case SCR_PRACTICE: build_practice(a); break;
	case SCR_PLAYER: build_player(a); break;
	case SCR_A11Y: build_a11y(a); break;
	}
	if (a->picker != PK_NONE && a->screen == SCR_SEARCH)
		build_picker(a);
	if (a->idle_dialog)
		build_idle(a);
}
