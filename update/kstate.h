/*
 * kstate.h - what the update agent asks the running kiosk, over its automation
 * socket (docs/api/kiosk-automation-v1.md, the `state` command): is it up, is
 * someone using it, how old is its offline cache and how much is waiting in its
 * outbox. One short connection per question, with a time limit, so a hung kiosk
 * cannot hang the agent.
 */
#ifndef JK_KSTATE_H
#define JK_KSTATE_H

#include <time.h>

#include "util.h"

typedef struct kstate {
	int in_session;		/* someone is using the kiosk ("session" is not null) */
	int online;		/* the kiosk reaches the service */
	time_t cache_updated_at; /* its job cache's age (0: none yet) */
	long long outbox;	/* bookings and cancellations not yet delivered */
	char version[64];	/* the kiosk's own version string */
} kstate;

/* Asks the kiosk listening on socket_path for its state, waiting at most
 * timeout_ms for the answer. Returns 0 when it answered "ok": true; -2 when no
 * kiosk is running (nothing listens there); -1 when it did not answer properly in
 * time. why says what happened (e.g. "kiosk socket: Connection refused"). */
int kstate_get(const char *socket_path, int timeout_ms, kstate *st, char *why, size_t wn) WUR;

#endif
