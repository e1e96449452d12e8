/*
 * wake.h - wakes the UI thread when another thread has posted an SDL event.
 * SDL_WaitEventTimeout blocks only where a video driver can wait; without one
 * (--headless) SDL polls every millisecond, so the kiosk waits on this pipe
 * instead and the workers (net, ctl) poke it after SDL_PushEvent.
 */
#ifndef K_WAKE_H
#define K_WAKE_H

typedef struct wake wake;

wake *wake_create(void);
void wake_destroy(wake *w);
/* Any thread: makes the next (or current) wake_wait return. */
void wake_signal(wake *w);
/* UI thread: sleeps until signalled or timeout_ms passes (0: just drains). */
void wake_wait(wake *w, int timeout_ms);

#endif
