/*
 * rcache.h - a bounded LRU cache of response bodies keyed by request, so that the
 * searches every kiosk repeats (the home screen's categories, "간호", page 1) are
 * answered without touching SQLite. Entries belong to one data generation: when
 * the generation changes, the whole cache is dropped. Thread-safe.
 */
#ifndef JC_RCACHE_H
#define JC_RCACHE_H

#include <stddef.h>

#include "buf.h"
#include "http.h"

typedef struct rcache rcache;

/* max_bytes bounds the bodies held; 0 disables caching. */
rcache *rcache_create(size_t max_bytes);
void rcache_destroy(rcache *c);

/* Declares the data generation current; drops everything from an older one. */
void rcache_set_generation(rcache *c, long long gen);

/* On a hit copies the body into out (appending) and the entity tag, and returns 1. */
int rcache_get(rcache *c, const char *key, buf *out, char etag[HTTP_ETAG_LEN]);

/* Stores a copy of body under key for generation gen (ignored if not current). */
void rcache_put(rcache *c, long long gen, const char *key, const char *body, size_t len,
		const char *etag);

/* Hits and misses so far (for the health endpoint and benchmarks). */
void rcache_stats(rcache *c, unsigned long long *hits, unsigned long long *misses);

#endif
