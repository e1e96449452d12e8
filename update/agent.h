/*
 * agent.h - the kiosk's update agent: one update cycle at a time, restartable at
 * any point (kill -9, power cut) without leaving the kiosk without a complete,
 * runnable release.
 *
 * A cycle: fetch and verify timestamp.json and release.json (tuf.h) against the
 * trusted root and the counters; fetch the chunks the new release needs that are
 * neither in the chunk store nor in the running release nor in the kiosk's media
 * cache (resuming cut downloads
 * with Range), each checked before it is kept; build releases/<version> in a
 * temporary directory (unchanged files hard-linked, the rest assembled from chunks
 * and checked whole), sync it and rename it into place; record the attempt; switch
 * the `current` symlink atomically; restart the kiosk; wait for its health check;
 * on success advance the release counter, otherwise switch back, restart the old
 * release and remember the version as bad. Downloads happen any time; installing
 * waits for the maintenance window and for nobody using the kiosk (deferred). A
 * release that changes only content (media/, content/) needs no window, only an
 * idle kiosk. Every attempt ends as "succeeded",
 * "rolled_back" or "failed" with a reason.
 *
 * Layout under root_dir: releases/<version>/, current -> releases/<version>,
 * state/ (root.json, counters.json, attempt.json, bad), chunks/<sha256>.
 * URLs: base_url + "timestamp.json", "release.json", "chunks/<sha256>" (http(s)
 * or file://). Not thread-safe (one cycle at a time in a process); one agent per
 * root_dir.
 */
#ifndef JK_AGENT_H
#define JK_AGENT_H

#include <time.h>

#include "util.h"

typedef struct agent_cfg {
	const char *root_dir;	 /* e.g. /opt/jk */
	const char *base_url;	 /* ends with '/' */
	const char *hardware;	 /* e.g. kiosk-x86_64 */
	const char *restart_cmd; /* run with sh -c after a switch (NULL: none) */
	const char *health_cmd;	 /* exit 0 = healthy; run with the new release current
				  * (NULL: kiosk_socket) */
	int health_timeout_s;	 /* how long health_cmd may keep failing */
	int health_settle_s;	 /* how long it must then keep answering well (0: the
				  * first good answer is enough); within health_timeout_s */
	long low_speed_bps;	 /* a download slower than this (default 1024) ... */
	int low_speed_s;	 /* ... for this long (default 30 s) is cut and resumed later */
	long long max_bps;	 /* bandwidth cap in bytes per second (0: none) */
	const char *idle_cmd;	 /* exit 0 = nobody is using the kiosk (NULL: kiosk_socket) */
	const char *kiosk_socket; /* the kiosk's automation socket (kstate.h): without
				   * health_cmd, healthy = it answers `state`; without
				   * idle_cmd, idle = no session, or no answer for 10 s.
				   * NULL (and no commands): healthy and idle always. */
	int window_start, window_end; /* maintenance window, minutes after local midnight;
				       * equal = any time. May wrap midnight (22:00-05:00). */
	time_t (*now)(void);	 /* the clock (tests); NULL: time() */
	long long max_version;	 /* the fleet's allowed release (heartbeat); < 0: no fleet */
	const char *ca_file;	 /* the only CA certificates (PEM) trusted for https:
				  * the fleet's own CA pins it and spares loading the
				  * system's ~140 (NULL: the system's) */
	const char *media_dir;	 /* the kiosk's media cache (mcache.h: <sha256>.media files,
				  * whole and checked): a release file found there is
				  * copied chunk by chunk, not fetched (NULL: none) */
} agent_cfg;

enum agent_outcome {
	AGENT_NOTHING = 0,     /* up to date */
	AGENT_SUCCEEDED = 1,   /* the new release runs and is healthy */
	AGENT_ROLLED_BACK = 2, /* it was not healthy: the previous one runs again */
	AGENT_DEFERRED = 3,    /* downloaded, but outside the window or the kiosk is in use */
	AGENT_FAILED = -1,     /* refused or could not be fetched or installed: nothing changed */
};

typedef struct agent_result {
	int outcome;		/* enum agent_outcome */
	long long version;	/* the release concerned (0 for none) */
	long long running;	/* the release running afterwards */
	long long bytes;	/* downloaded this cycle */
	double download_ms;	/* of which fetching chunks took this long */
	char reason[256];	/* for failures and rollbacks, e.g. "rollback: ..." */
	long long wait_s;	/* deferred for the maintenance window: seconds until it
				 * opens (0: ask again soon) */
} agent_result;

/* Prepares root_dir (directories, the first root.json from trusted_root_path when
 * state/root.json is missing) and finishes what a crash interrupted: removes
 * temporary directories and, when an attempt was recorded but not concluded, runs
 * the health check and concludes it (success or rollback) into *r (outcome
 * AGENT_NOTHING when there was none). Returns 0 or -1 with r->reason. */
int agent_recover(const agent_cfg *c, const char *trusted_root_path, agent_result *r) WUR;

/* One update cycle. Returns r->outcome. */
int agent_cycle(const agent_cfg *c, agent_result *r);

/* The version `current` points at, or 0. */
long long agent_running(const agent_cfg *c);

#endif
