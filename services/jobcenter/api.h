/*
 * api.h - the Job Support Center API v1 (docs/api/jobcenter-api-v1.md): the route
 * table and its handlers. Handlers run on server threads; they share the api_app,
 * which is read-only after start apart from the thread-safe response cache.
 */
#ifndef JC_API_H
#define JC_API_H

#include "booking.h"
#include "media.h"
#include "rcache.h"
#include "server.h"
#include "store.h"

typedef struct api_app {
	store *st;
	rcache *cache;
	int today; /* Seoul day number to use as "today", or -1 for the real date */
	bk_opts booking;
	md_catalog *media;
	const char *media_base_url; /* NULL: http(s)://<Host>/media/ */
	const char *releases_dir;   /* published releases (relpub.h); NULL: none served */
} api_app;

/* The routes, in matching order; *n receives the count. */
const srv_route *api_routes(size_t *n);

#endif
