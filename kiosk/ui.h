/*
 * ui.h - the tree of what is on screen. Screens rebuild it from state whenever
 * something changes; the renderer draws it; the automation socket, voice guidance
 * and keypad focus read it. A node is an accessible object: a role, a stable id
 * and a human label (docs/api/kiosk-automation-v1.md). Reading order = creation
 * order. Fixed-size, allocation-free per frame (microui's habit). Main thread.
 *
 * Layout is by cutting rectangles (no absolute coordinates in screens):
 *	ui_rect r = screen;
 *	ui_rect bar = ui_cut_top(&r, th->bar_h);
 *	ui_rect back = ui_cut_left(&bar, th->touch);
 */
#ifndef K_UI_H
#define K_UI_H

#include <json-c/json.h>
#include <stddef.h>

#define UI_MAX_NODES 768
#define UI_ARENA (128 * 1024)
#define UI_ID_MAX 48

typedef struct ui_rect {
	int x, y, w, h;
} ui_rect;

enum ui_role {
	UI_BUTTON, UI_TEXT_FIELD, UI_LIST, UI_LIST_ITEM, UI_CHECKBOX, UI_TAB, UI_HEADING,
	UI_TEXT, UI_IMAGE, UI_VIDEO, UI_DIALOG, UI_KEY,
	UI_PANEL, /* decoration: drawn, not in the automation tree */
	UI_ROLE_COUNT
};

/* Visual variants the renderer knows. */
enum ui_style {
	UI_S_DEFAULT, UI_S_PRIMARY, UI_S_TILE, UI_S_CHIP, UI_S_CHIP_ON, UI_S_KEY,
	UI_S_KEY_SPECIAL, UI_S_FLAT, UI_S_MUTED, UI_S_ERROR, UI_S_BAR, UI_S_CARD, UI_S_SCRIM,
	UI_S_TITLE, UI_S_HUGE, UI_S_BANNER,
	UI_S_CAPTION,	/* text on the caption band */
	UI_S_SEEK	/* a progress bar; arg = position in 1/1000 */
};

enum {
	UI_F_WRAP = 1 << 0,	/* label wraps inside the rect */
	UI_F_CENTER = 1 << 1,	/* label centred */
	UI_F_BOLD = 1 << 2,
	UI_F_HIDDEN = 1 << 3,	/* drawn but not reported (duplicate of another node) */
	UI_F_NOHIT = 1 << 4,	/* not tappable even with an action */
	UI_F_VOICED = 1 << 5,	/* under voice guidance's explore-by-touch cursor:
				 * drawn with a ring of its own, outside any focus ring */
};

typedef struct ui_node {
	char id[UI_ID_MAX];
	int role;		/* enum ui_role */
	const char *label;	/* in the tree's arena */
	const char *value;	/* text fields: the text, composition included */
	const char *sub;	/* a second line (tiles, list items), drawn smaller */
	int checked;		/* checkboxes */
	ui_rect rect;		/* full layout rectangle */
	ui_rect clip;		/* what of it may be drawn / touched */
	int enabled, focused;
	int action, arg;	/* what a tap does (app-defined), 0 = nothing */
	int style, font;	/* enum ui_style; pixel size of the label */
	int image;		/* app-defined image handle for UI_IMAGE */
	unsigned flags;
} ui_node;

typedef struct ui_tree {
	ui_node nodes[UI_MAX_NODES];
	int n;
	char arena[UI_ARENA];
	size_t used;
	char screen[24];
	ui_rect screen_rect;
	ui_rect clip;		/* current clip for new nodes */
	int overflow;		/* nodes or text dropped for lack of room */
} ui_tree;

/* Starts a new frame of the tree for screen name, w x h pixels. */
void ui_begin(ui_tree *t, const char *screen, int w, int h);

/* Adds a node; label and value are copied (NULL allowed). Returns it, or a scratch
 * node when the tree is full (counted in overflow, never NULL). */
ui_node *ui_add(ui_tree *t, int role, const char *id, const char *label, ui_rect r);
ui_node *ui_addf(ui_tree *t, int role, const char *id, ui_rect r, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Copies a string into the frame's arena. */
const char *ui_str(ui_tree *t, const char *s);

/* Restricts new nodes to clip (intersected with the screen); ui_clip_reset undoes. */
void ui_clip(ui_tree *t, ui_rect clip);
void ui_clip_reset(ui_tree *t);

/* Rectangle cutting. */
ui_rect ui_cut_top(ui_rect *r, int h);
ui_rect ui_cut_bottom(ui_rect *r, int h);
ui_rect ui_cut_left(ui_rect *r, int w);
ui_rect ui_cut_right(ui_rect *r, int w);
ui_rect ui_inset(ui_rect r, int d);
ui_rect ui_inset_xy(ui_rect r, int dx, int dy);
/* Cell i of n equal columns with gap between them. */
ui_rect ui_col(ui_rect r, int n, int i, int gap);
ui_rect ui_row(ui_rect r, int n, int i, int gap);
ui_rect ui_intersect(ui_rect a, ui_rect b);
int ui_contains(ui_rect r, int x, int y);
int ui_is_empty(ui_rect r);

/* The enabled node with an action under (x, y), topmost first; NULL if none. */
const ui_node *ui_hit(const ui_tree *t, int x, int y);
/* The first reported, enabled, visible node with this id / exact label, or NULL. */
const ui_node *ui_find_id(const ui_tree *t, const char *id);
const ui_node *ui_find_label(const ui_tree *t, const char *label);
/* 1 if the node is reported in the automation tree. */
int ui_reported(const ui_tree *t, const ui_node *n);

/* The automation view: a JSON array of Node objects in reading order. You own it. */
json_object *ui_tree_json(const ui_tree *t);

/* The role's name in the automation protocol ("button", ...). */
const char *ui_role_name(int role);

/* Wipes the arena (it held what a person typed). */
void ui_wipe(ui_tree *t);

#endif
