/*
 * fleet.h - the fleet side of remote updates (docs/updates.md): enrollment with
 * one-time tokens, the device inventory fed by heartbeats, and staged rollouts.
 *
 * A rollout names a release version and stages of the fleet in percent (e.g.
 * 5,25,100). A kiosk belongs to the first stage whose percentage exceeds its
 * bucket (the first two bytes of SHA-256(kiosk id), mod 100: stable and spread).
 * A heartbeat tells the kiosk the highest release it may install now; its agent
 * installs nothing newer. A stage advances when the share of its kiosks that report
 * "succeeded" reaches advance_share, and the rollout pauses by itself when the
 * share reporting "rolled_back" or "failed" reaches pause_share. IT staff may
 * pause, resume or roll back (allowed version back to the previous release).
 * Every attempt a kiosk reports is kept with its outcome and reason.
 *
 * Tables: fleet_enroll, fleet_devices, fleet_rollouts, fleet_attempts. Functions
 * take a connection; any thread with its own.
 */
#ifndef JC_FLEET_H
#define JC_FLEET_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <time.h>

#include "buf.h"
#include "util.h"

int fl_schema(sqlite3 *db, char *err, size_t errlen) WUR;

/* A one-time enrollment token for group into token (68 bytes). */
int fl_enroll_token(sqlite3 *db, const char *group, char *token, char *err, size_t errlen) WUR;

/* POST /v1/fleet/enroll {"enroll_token", "kiosk_id"}: consumes the token and issues
 * the kiosk's device token. Fills the HTTP status and body. */
int fl_enroll(sqlite3 *db, const char *body, size_t len, time_t now, int *status, buf *resp,
	      char *err, size_t errlen) WUR;

/* POST /v1/fleet/heartbeat from an authenticated kiosk: {"version", "uptime_s",
 * "disk_free", "cache_age_s", "outbox", "last_error", "update": {"version",
 * "outcome", "reason"}} -> {"allowed_release": N, "rollout": id or null}. */
int fl_heartbeat(sqlite3 *db, const char *kiosk, const char *body, size_t len, time_t now,
		 int *status, buf *resp, char *err, size_t errlen) WUR;

/* Starts a rollout of release `version` after `previous` (what runs now) in
 * stages ("5,25,100") over the kiosks of group (NULL or "": all). Returns its id
 * (> 0) or -1. */
long long fl_rollout_start(sqlite3 *db, long long version, long long previous, const char *stages,
			   double advance_share, double pause_share, const char *group, time_t now,
			   char *err, size_t errlen);
/* "pause", "resume" or "rollback" the active rollout. */
int fl_rollout_control(sqlite3 *db, const char *what, char *err, size_t errlen) WUR;

/* The bucket (0..99) of a kiosk id. */
int fl_bucket(const char *kiosk);

/* A kiosk not heard from for this long is "offline" (its agent heartbeats every
 * 15 minutes, jittered). */
#define FL_OFFLINE_S 3600

/* Devices and rollouts for the console and `jobcenter fleet status`. Each device
 * has a "status" at time now, the first that holds of:
 *   offline      no heartbeat for FL_OFFLINE_S
 *   kiosk_error  the kiosk does not answer its agent (last_error "kiosk: ...")
 *   stale        the agent's metadata expired (a freeze, or nobody re-signs the
 *                timestamp): it installs nothing until that is fixed
 *   rolled_back, failed
 *                its newest attempt, at a release above the one it runs (unless
 *                the rollout now offers it a newer one still)
 *   error        its last cycle failed (last_error says why)
 *   updating     the rollout (active, or done: kiosks left behind catch up)
 *                offers it a newer release than it runs; "waiting" when it
 *                deferred that one (in use, or outside its maintenance window)
 *   ok           none of those */
int fl_status_json(sqlite3 *db, time_t now, json_object **out, char *err, size_t errlen) WUR;

/* One kiosk: its inventory row with "status" (as above), "attempts" (its update
 * attempts, newest first) and "errors" (its recent errors as they changed, newest
 * first, at most 20 of each). *out is NULL (and 0 returned) for an unknown kiosk;
 * you own it. */
int fl_device_json(sqlite3 *db, const char *kiosk, time_t now, json_object **out, char *err,
		   size_t errlen) WUR;

#endif
