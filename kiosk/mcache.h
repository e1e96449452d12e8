/*
 * mcache.h - interview-practice media on the kiosk's disk: a worker thread downloads
 * what the catalogue lists into the cache directory, resumes a cut-off download
 * with an HTTP Range request, checks size and SHA-256 before a file counts as
 * there, and evicts the least recently played files over a size cap.
 *
 * Files are named by their SHA-256 (<sha>.media, <sha>.part while downloading,
 * <sha>.vtt for the captions), so a new version of a video is a new file and a
 * half-written one is never mistaken for a whole one. Before each play the file is
 * hashed again, on its own thread (a disk can rot; a person must never get a
 * garbled video or a hang): mc_verify() answers with an SDL event.
 *
 * Failures back off (30 s doubling to an hour, with jitter) per file; a full disk is
 * logged once and retried later; a server sending more than the catalogue's size
 * is cut off. Create, set, want, verify and stop from the main thread; mc_status
 * may be called from any.
 */
#ifndef K_MCACHE_H
#define K_MCACHE_H

#include <stdint.h>

#include "net.h"

enum mc_state { MC_ABSENT, MC_DOWNLOADING, MC_READY, MC_FAILED };

/* user.code of the events posted (sdl_event of the options). */
enum { MC_EV_PROGRESS = 200, MC_EV_VERIFIED = 201 };

typedef struct mc_item {
	char id[72];
	char url[1024];
	char sub_url[1024]; /* "" for none */
	char sha[65];
	int64_t size;
} mc_item;

/* What mc_verify() posts (user.data1, freed by the receiver with free()). */
typedef struct mc_verified {
	unsigned tag;
	char id[72];
	int ok;		   /* 1: path is the whole, verified file */
	int missing;	   /* 0 with ok = 0: the file was there but corrupt (now deleted) */
	char path[1024];
	char *sub_text;	   /* the captions file's content (NUL-terminated), or NULL */
} mc_verified;

/* Frees an mc_verified and what it holds. */
void mc_verified_free(mc_verified *v);

typedef struct mcache mcache;

/* o: connection settings (its sdl_event and notify carry verify results and
 * progress, user.code MC_EV_*); dir: where files live (made if
 * missing); cap: bytes of media to keep at most. */
mcache *mc_start(const net_opts *o, const char *dir, int64_t cap);
void mc_stop(mcache *m);

/* The catalogue to hold (copied): downloads what is missing, in this order. */
void mc_set_catalog(mcache *m, const mc_item *items, int n);
/* Puts this id first in the download queue (someone tapped it) and retries it now. */
void mc_want(mcache *m, const char *id);
/* enum mc_state of id, and the percentage downloaded (0..100) into *pct. */
int mc_status(mcache *m, const char *id, int *pct);
/* Hashes the file of id on a worker and posts an mc_verified with tag. A verified
 * file counts as just used (least recently used eviction). */
void mc_verify(mcache *m, const char *id, unsigned tag);
/* Files on disk and their total size (for the heartbeat and tests). */
void mc_usage(mcache *m, int *files, int64_t *bytes);

#endif
