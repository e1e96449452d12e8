#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static const char *const role_names[UI_ROLE_COUNT] = {
	"button", "text_field", "list", "list_item", "checkbox", "tab", "heading",
	"text", "image", "video", "dialog", "key", "panel"};

static ui_node scratch;

const char *ui_role_name(int role)
{
	return role >= 0 && role < UI_ROLE_COUNT ? role_names[role] : "text";
}

void ui_begin(ui_tree *t, const char *screen, int w, int h)
{
	t->n = 0;
	t->used = 0;
	t->overflow = 0;
	snprintf(t->screen, sizeof(t->screen), "%s", screen);
	t->screen_rect = (ui_rect){0, 0, w, h};
	t->clip = t->screen_rect;
}

const char *ui_str(ui_tree *t, const char *s)
{
	size_t n;
	char *p;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	if (t->used + n > UI_ARENA) {
		t->overflow++;
		return "";
	}
	p = t->arena + t->used;
	memcpy(p, s, n);
	t->used += n;
	return p;
}

ui_node *ui_add(ui_tree *t, int role, const char *id, const char *label, ui_rect r)
{
	ui_node *n;
	if (t->n == UI_MAX_NODES) {
		t->overflow++;
		memset(&scratch, 0, sizeof(scratch));
		return &scratch;
	}
	n = &t->nodes[t->n++];
	memset(n, 0, sizeof(*n));
	n->role = role;
	snprintf(n->id, sizeof(n->id), "%s", id ? id : "");
	n->label = ui_str(t, label ? label : "");
	n->rect = r;
	n->clip = ui_intersect(r, t->clip);
	n->enabled = 1;
	return n;
}

ui_node *ui_addf(ui_tree *t, int role, const char *id, ui_rect r, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	return ui_add(t, role, id, tmp, r);
}

void ui_clip(ui_tree *t, ui_rect clip)
{
	t->clip = ui_intersect(clip, t->screen_rect);
}

void ui_clip_reset(ui_tree *t)
{
	t->clip = t->screen_rect;
}

ui_rect ui_cut_top(ui_rect *r, int h)
{
	if (h > r->h)
		h = r->h;
	ui_rect c = {r->x, r->y, r->w, h};
	r->y += h;
	r->h -= h;
	return c;
}

ui_rect ui_cut_bottom(ui_rect *r, int h)
{
	if (h > r->h)
		h = r->h;
	ui_rect c = {r->x, r->y + r->h - h, r->w, h};
	r->h -= h;
	return c;
}

ui_rect ui_cut_left(ui_rect *r, int w)
{
	if (w > r->w)
		w = r->w;
	ui_rect c = {r->x, r->y, w, r->h};
	r->x += w;
	r->w -= w;
	return c;
}

ui_rect ui_cut_right(ui_rect *r, int w)
{
	if (w > r->w)
		w = r->w;
	ui_rect c = {r->x + r->w - w, r->y, w, r->h};
	r->w -= w;
	return c;
}

ui_rect ui_inset(ui_rect r, int d)
{
	return ui_inset_xy(r, d, d);
}

ui_rect ui_inset_xy(ui_rect r, int dx, int dy)
{
	r.x += dx;
	r.y += dy;
	r.w -= 2 * dx;
	r.h -= 2 * dy;
	if (r.w < 0)
		r.w = 0;
	if (r.h < 0)
		r.h = 0;
	return r;
}

ui_rect ui_col(ui_rect r, int n, int i, int gap)
{
	int w = (r.w - gap * (n - 1)) / n;
	return (ui_rect){r.x + i * (w + gap), r.y, i == n - 1 ? r.x + r.w - (r.x + i * (w + gap)) : w,
			 r.h};
}

ui_rect ui_row(ui_rect r, int n, int i, int gap)
{
	int h = (r.h - gap * (n - 1)) / n;
	return (ui_rect){r.x, r.y + i * (h + gap), r.w, h};
}

ui_rect ui_intersect(ui_rect a, ui_rect b)
{
	int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	if (x1 <= x0 || y1 <= y0)
		return (ui_rect){x0, y0, 0, 0};
	return (ui_rect){x0, y0, x1 - x0, y1 - y0};
}

int ui_contains(ui_rect r, int x, int y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

int ui_is_empty(ui_rect r)
{
	return r.w <= 0 || r.h <= 0;
}

const ui_node *ui_hit(const ui_tree *t, int x, int y)
{
	for (int i = t->n - 1; i >= 0; i--) {
		const ui_node *n = &t->nodes[i];
		if (!ui_contains(n->clip, x, y))
			continue;
		if (n->role == UI_DIALOG || (n->role == UI_PANEL && n->style == UI_S_SCRIM))
			return n->action ? n : NULL; /* a modal swallows what is below it */
		if (n->action && n->enabled && !(n->flags & UI_F_NOHIT))
			return n;
	}
	return NULL;
}

int ui_reported(const ui_tree *t, const ui_node *n)
{
	(void)t;
	return n->role != UI_PANEL && !(n->flags & UI_F_HIDDEN) && !ui_is_empty(n->clip);
}

const ui_node *ui_find_id(const ui_tree *t, const char *id)
{
	for (int i = 0; i < t->n; i++)
		if (ui_reported(t, &t->nodes[i]) && t->nodes[i].enabled &&
		    strcmp(t->nodes[i].id, id) == 0)
			return &t->nodes[i];
	return NULL;
}

const ui_node *ui_find_label(const ui_tree *t, const char *label)
{
	for (int i = 0; i < t->n; i++)
		if (ui_reported(t, &t->nodes[i]) && t->nodes[i].enabled &&
		    strcmp(t->nodes[i].label, label) == 0)
			return &t->nodes[i];
	return NULL;
}

json_object *ui_tree_json(const ui_tree *t)
{
	json_object *arr = json_object_new_array();
	for (int i = 0; i < t->n; i++) {
		const ui_node *n = &t->nodes[i];
		json_object *o, *r;
		if (!ui_reported(t, n))
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "id", n->id[0] ? json_object_new_string(n->id) : NULL);
		json_object_object_add(o, "role", json_object_new_string(ui_role_name(n->role)));
		json_object_object_add(o, "label", json_object_new_string(n->label));
		r = json_object_new_array();
		json_object_array_add(r, json_object_new_int(n->rect.x));
		json_object_array_add(r, json_object_new_int(n->rect.y));
		json_object_array_add(r, json_object_new_int(n->rect.w));
		json_object_array_add(r, json_object_new_int(n->rect.h));
		json_object_object_add(o, "rect", r);
		json_object_object_add(o, "enabled", json_object_new_boolean(n->enabled));
		json_object_object_add(o, "focused", json_object_new_boolean(n->focused));
		if (n->role == UI_TEXT_FIELD)
			json_object_object_add(o, "value",
					       json_object_new_string(n->value ? n->value : ""));
		else if (n->role == UI_CHECKBOX)
			json_object_object_add(o, "value", json_object_new_boolean(n->checked));
		else
			json_object_object_add(o, "value", NULL);
		json_object_array_add(arr, o);
	}
	return arr;
}

void ui_wipe(ui_tree *t)
{
	util_wipe(t->arena, sizeof(t->arena));
	t->used = 0;
	t->n = 0;
}
