/*
 * sync.h - keeps the offline cache current: a worker thread with its own cache
 * handle and libcurl that, when asked, brings the code lists up to date
 * (If-None-Match) and applies GET /v1/jobs/changes pages from the stored cursor
 * (all pages from the start the first time, or after 410 cursor_expired). Each run
 * ends with an SDL event (user.data1 = sync_result *, freed by the receiver with
 * free()). When to run is the UI thread's decision (the kiosk clock drives it).
 */
#ifndef K_SYNC_H
#define K_SYNC_H

#include <stdint.h>
#include <time.h>

#include "net.h"

typedef struct syncer syncer;

typedef struct sync_result {
	int ok;		   /* the service answered and the cache is current */
	int reachable;	   /* the service answered at all */
	int disk_full;
	long upserts, deletes;
	long long bytes;   /* received */
	double ms;
	time_t cache_time;   /* when the cache was last complete and current, 0 if never */
	long long jobs;	     /* listings in the cache */
	char err[256];
} sync_result;

/* o: connection settings as for net (base_url, token, kiosk_id, timeouts, event,
 * notify); cache_dir: where the cache lives. */
syncer *sync_start(const net_opts *o, const char *cache_dir);
void sync_stop(syncer *s);
/* Asks for a run at wall time `now` (recorded as the data's time). Requests made
 * while one runs are coalesced into one more run after it; each run posts one
 * result. */
void sync_request(syncer *s, time_t now);

#endif
