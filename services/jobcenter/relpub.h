/*
 * relpub.h - the signed releases the fleet server publishes (docs/updates.md).
 *
 * <releases_dir> (default <data>/releases) holds what kiosks' agents fetch:
 * timestamp.json, release.json, roots/<N>.json and chunks/<sha256>, served under
 * /releases/ as static files (chunks are immutable and cacheable for a year; the
 * metadata is not cached), so any web server or CDN can serve the same folder
 * instead. It also keeps root.json, the root kiosks ship with, to check what is
 * published (not served: kiosks never take a root from the network but through
 * a chain of roots/<N>.json signed by the one before).
 *
 * Publishing takes what jk-release wrote on an IT workstation, checks it the way
 * a kiosk will (root chain, timestamp and release signatures and expiry, every
 * chunk's size and hash; a timestamp not newer, or a release older, than the one
 * served is refused) and puts it in place so that a kiosk never sees a
 * timestamp that names a release whose chunks are missing: chunks first (each
 * synced), then roots, release.json, timestamp.json, each by rename. The server
 * holds no signing key. One publisher at a time (the CLI); serving is any thread.
 */
#ifndef JC_RELPUB_H
#define JC_RELPUB_H

#include <stdint.h>

#include "util.h"

/* Publishes from_dir (timestamp.json, release.json, chunks/, optional roots/).
 * root_path: the kiosks' root, stored as releases_dir/root.json (NULL: the one
 * stored before). Returns 0 with a one-line summary in msg, or -1 with why
 * (nothing served changes). */
int rp_publish(const char *releases_dir, const char *from_dir, const char *root_path, char *msg,
	       size_t msglen) WUR;

/* Opens a published file for serving; name is "timestamp.json", "release.json",
 * "roots/<N>.json" or "chunks/<64 hex digits>". Returns 0 with *fd (yours to
 * close), its size, an ETag and whether it never changes (*immutable), or -1
 * when there is no such file. */
int rp_open(const char *releases_dir, const char *name, int *fd, uint64_t *size, char etag[40],
	    int *immutable) WUR;

#endif
