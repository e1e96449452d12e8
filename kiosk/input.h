/*
 * input.h - one place that turns pointer events (SDL fingers or the mouse, never
 * both for one touch) into gestures: tap, drag (with its end velocity, for flings),
 * and long press. Also the affine touch calibration that KMSDRM lacks.
 * Main thread only.
 */
#ifndef K_INPUT_H
#define K_INPUT_H

#include <stdint.h>

enum inp_kind { INP_TAP = 1, INP_DRAG_START, INP_DRAG, INP_DRAG_END, INP_LONG_PRESS };

typedef struct inp_gesture {
	int kind;
	float x, y;	/* where it is now (tap: where it happened) */
	float x0, y0;	/* where the finger went down */
	float dx, dy;	/* movement since the previous event (drags) */
	float vx, vy;	/* velocity at release, pixels per ms (INP_DRAG_END) */
} inp_gesture;

typedef struct inp inp;

/* slop: movement in pixels below which a touch is still a tap. */
inp *inp_create(float slop);
void inp_destroy(inp *p);

/* Parses "a b c d e f" (x' = a x + b y + c, y' = d x + e y + f). Returns 0 / -1. */
int inp_set_calibration(inp *p, const char *spec);
void inp_calibrate(const inp *p, float *x, float *y);

/* Feed pointer events; each returns how many gestures it wrote to out (at most 2). */
int inp_down(inp *p, float x, float y, int64_t t_ms, inp_gesture *out);
int inp_move(inp *p, float x, float y, int64_t t_ms, inp_gesture *out);
int inp_up(inp *p, float x, float y, int64_t t_ms, inp_gesture *out);
/* Call while idle: a long press fires after 700 ms held still. */
int inp_poll(inp *p, int64_t t_ms, inp_gesture *out);
/* 1 while a finger is down. */
int inp_active(const inp *p);

#endif
