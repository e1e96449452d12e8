#include "input.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define LONG_PRESS_MS 700

struct inp {
	float slop;
	float cal[6];
	int down, dragging, long_fired;
	float x0, y0, lx, ly;
	int64_t t0, lt;
	float vx, vy; /* smoothed velocity */
};

inp *inp_create(float slop)
{
	inp *p = xcalloc(1, sizeof(*p));
	p->slop = slop;
	p->cal[0] = 1;
	p->cal[4] = 1;
	return p;
}

void inp_destroy(inp *p)
{
	free(p);
}

int inp_set_calibration(inp *p, const char *spec)
{
	float c[6];
	char tail;
	if (sscanf(spec, "%f %f %f %f %f %f %c", &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &tail) !=
	    6)
		return -1;
	memcpy(p->cal, c, sizeof(c));
	return 0;
}

void inp_calibrate(const inp *p, float *x, float *y)
{
	float nx = p->cal[0] * *x + p->cal[1] * *y + p->cal[2];
	float ny = p->cal[3] * *x + p->cal[4] * *y + p->cal[5];
	*x = nx;
	*y = ny;
}

int inp_down(inp *p, float x, float y, int64_t t, inp_gesture *out)
{
	(void)out;
	p->down = 1;
	p->dragging = 0;
	p->long_fired = 0;
	p->x0 = p->lx = x;
	p->y0 = p->ly = y;
	p->t0 = p->lt = t;
	p->vx = p->vy = 0;
	return 0;
}

int inp_move(inp *p, float x, float y, int64_t t, inp_gesture *out)
{
	int n = 0;
	if (!p->down)
		return 0;
	if (!p->dragging && (fabsf(x - p->x0) > p->slop || fabsf(y - p->y0) > p->slop)) {
		p->dragging = 1;
		out[n++] = (inp_gesture){INP_DRAG_START, p->x0, p->y0, p->x0, p->y0, 0, 0, 0, 0};
	}
	if (p->dragging) {
		float dt = (float)(t - p->lt);
		if (dt > 0) {
			/* exponential smoothing: the last few moves decide a fling */
			p->vx = 0.6f * ((x - p->lx) / dt) + 0.4f * p->vx;
			p->vy = 0.6f * ((y - p->ly) / dt) + 0.4f * p->vy;
		}
		out[n++] = (inp_gesture){INP_DRAG, x, y, p->x0, p->y0, x - p->lx, y - p->ly, 0, 0};
	}
	p->lx = x;
	p->ly = y;
	p->lt = t;
	return n;
}

int inp_up(inp *p, float x, float y, int64_t t, inp_gesture *out)
{
	int n = inp_move(p, x, y, t, out);
	if (!p->down)
		return 0;
	p->down = 0;
	if (p->dragging) {
		/* a finger that stopped before lifting does not fling */
		float vx = t - p->lt > 80 ? 0 : p->vx, vy = t - p->lt > 80 ? 0 : p->vy;
		out[n++] = (inp_gesture){INP_DRAG_END, x, y, p->x0, p->y0, 0, 0, vx, vy};
	} else if (!p->long_fired) {
		out[n++] = (inp_gesture){INP_TAP, p->x0, p->y0, p->x0, p->y0, 0, 0, 0, 0};
	}
	return n;
}

int inp_poll(inp *p, int64_t t, inp_gesture *out)
{
	if (p->down && !p->dragging && !p->long_fired && t - p->t0 >= LONG_PRESS_MS) {
		p->long_fired = 1;
		out[0] = (inp_gesture){INP_LONG_PRESS, p->x0, p->y0, p->x0, p->y0, 0, 0, 0, 0};
		return 1;
	}
	return 0;
}

int inp_active(const inp *p)
{
	return p->down;
}
