/*
 * clock.h - the kiosk's clock. Every timer of the kiosk (idle, countdowns, retry
 * back-off, sync) reads it. Real: CLOCK_MONOTONIC plus the wall time at start.
 * Fake (--fake-clock): moves only when clk_advance() says so, for tests.
 * Main thread only.
 */
#ifndef K_CLOCK_H
#define K_CLOCK_H

#include <stdint.h>
#include <time.h>

typedef struct clk clk;

/* start_wall: wall-clock time at start (for --now), or 0 for the real time. */
clk *clk_create(int fake, time_t start_wall);
void clk_destroy(clk *c);
int clk_is_fake(const clk *c);
/* Milliseconds since the kiosk started, on the kiosk clock. */
int64_t clk_ms(const clk *c);
/* The wall-clock time on the kiosk clock (seconds since the epoch). */
time_t clk_wall(const clk *c);
/* Moves a fake clock forward. Returns 0, or -1 for a real clock or ms < 0. */
int clk_advance(clk *c, int64_t ms);

#endif
