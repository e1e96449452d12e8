/*
 * outbox.h - bookings made while the service cannot be reached: written durably
 * (SQLite, synchronous=FULL) before the person is told they were received, then
 * delivered exactly once (each with its own Idempotency-Key, kept with it), also
 * across a crash or restart. A worker thread with its own cache handle and
 * libcurl does the writing and the delivering; when to try is the UI thread's
 * decision (obx_kick), so back-off follows the kiosk clock.
 *
 * Events (user.code on the API event type, user.data1 = obx_event *, free()d by the
 * receiver): OBX_EV_STORED after a submit is on disk, OBX_EV_DELIVERED for each
 * item the service answered, OBX_EV_COUNT with the number still waiting (after
 * start-up and after each delivery round).
 */
#ifndef K_OUTBOX_H
#define K_OUTBOX_H

#include "net.h"

enum { OBX_EV_STORED = 10, OBX_EV_DELIVERED = 11, OBX_EV_COUNT = 12 };

typedef struct obx_event {
	char reference[16];
	long status;	   /* DELIVERED: the HTTP status */
	int failed;	   /* STORED: could not be written (disk full): not received */
	int pending;	   /* items still waiting */
	int reachable;	   /* COUNT: the last round reached the service */
} obx_event;

typedef struct outbox outbox;

outbox *obx_start(const net_opts *o, const char *cache_dir);
void obx_stop(outbox *x);
/* Stores a request (body copied, wiped after use) and answers OBX_EV_STORED. */
void obx_submit(outbox *x, const char *key, const char *reference, const char *body);
/* Try to deliver what is waiting, now. */
void obx_kick(outbox *x);

#endif
