/*
 * app.h - the kiosk application: the session, the screens as a state machine, and
 * what drives them (input gestures, API results, automation commands, timers).
 * main() owns the SDL setup and the loop; everything else is here. Main thread.
 */
#ifndef K_APP_H
#define K_APP_H

#include <SDL2/SDL.h>

#include "clock.h"
#include "kconf.h"

typedef struct app app;

/* ev_base: two registered SDL event types (ev_base: API results, ev_base + 1:
 * automation commands). w, h: the renderer's output size. notify (may be NULL) is
 * called from worker threads after they post an event (see wake.h). */
app *app_create(const kconf *cfg, SDL_Renderer *r, int w, int h, clk *clock, uint32_t ev_base,
		void (*notify)(void *), void *notify_ctx, char *err, size_t errlen);
void app_destroy(app *a);

void app_event(app *a, const SDL_Event *e);
/* Runs timers (idle warning and reset, kinetic scrolling, pending waits). */
void app_tick(app *a);
/* How long the loop may sleep before app_tick is due, in real milliseconds. */
int app_timeout_ms(app *a);
/* Rebuilds and draws a frame when something changed or moves; returns 1 if drawn. */
int app_frame(app *a);
int app_should_quit(const app *a);

#endif
