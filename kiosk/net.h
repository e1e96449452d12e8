/*
 * net.h - the kiosk's API client: one worker thread running libcurl, so the UI
 * thread never waits on the network. Requests are queued; each result comes back
 * to the UI thread as an SDL event (user.data1 = net_result *, which the receiver
 * frees with net_result_free). Requests time out (connect and total, from the
 * configuration), responses are size-capped, and a kind of request can be
 * cancelled (a newer search replaces an older one). Create, request, cancel and
 * destroy from the main thread.
 *
 * Once the offline cache (cache.h) holds a complete copy, searches, job details and
 * code lists are answered from it, on this same worker, with the very bodies the
 * service would send: the UI cannot tell, and results do not differ between online
 * and offline. The sync worker (sync.h) keeps the copy current.
 */
#ifndef K_NET_H
#define K_NET_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum net_kind { NET_SEARCH, NET_DETAIL, NET_REGIONS, NET_CATEGORIES, NET_TOPICS, NET_COUNSELORS,
		NET_SLOTS, NET_BOOK, NET_LOOKUP, NET_MEDIA, NET_KIND_COUNT };

enum net_err {
	NET_OK = 0,	    /* a response arrived (any HTTP status) */
	NET_ECONNECT = -1,  /* could not connect */
	NET_ETIMEOUT = -2,  /* connect or total timeout */
	NET_ETOOBIG = -3,   /* response over the size cap */
	NET_ECANCELED = -4, /* cancelled or shutting down */
	NET_EOTHER = -5,
};

typedef struct net_result {
	int kind;
	unsigned tag;	 /* as returned by net_get */
	int err;	 /* enum net_err */
	long status;	 /* HTTP status when err == NET_OK */
	char *body;	 /* NUL-terminated, owned */
	size_t len;
	double ms;	 /* how long it took */
	int local;	 /* answered from the offline cache */
	time_t cache_time; /* with local: when the cache was last current */
} net_result;

typedef struct net net;

typedef struct net_opts {
	const char *base_url;
	const char *token;    /* may be NULL */
	const char *kiosk_id;
	long connect_timeout_s;
	long timeout_s;
	size_t max_body;
	uint32_t sdl_event;   /* registered SDL event type for results */
	void (*notify)(void *ctx); /* called after each posted result (any thread), or NULL */
	void *notify_ctx;
	const char *cache_dir;	   /* answer from the offline cache once it is complete */
} net_opts;

/* Who the kiosk is to the service, shared by every API client (net, sync,
 * outbox): the base URL without a trailing '/' and the header lines. */
typedef struct net_ident {
	char *base;
	char *auth; /* "Authorization: Bearer ...", NULL without a token */
	char *kid;  /* "X-Kiosk-Id: ..." */
} net_ident;

struct curl_slist;
void net_ident_init(net_ident *id, const net_opts *o);
/* Frees the strings; the token is wiped from memory first. */
void net_ident_free(net_ident *id);
/* Appends the identity headers (and Accept: application/json) to h; returns the
 * list, which the caller frees with curl_slist_free_all. */
struct curl_slist *net_ident_headers(const net_ident *id, struct curl_slist *h);

net *net_create(const net_opts *o);
/* Cancels everything in flight and joins the worker. NULL is a no-op. */
void net_destroy(net *n);
/* Queues GET base_url + path (path starts without '/', e.g. "v1/jobs?q=..").
 * Returns the request's tag. */
unsigned net_get(net *n, int kind, const char *path);
/* Queues POST base_url + path with a JSON body and an Idempotency-Key (both
 * copied; the body is wiped from memory after sending). Never answered locally. */
unsigned net_post(net *n, int kind, const char *path, const char *json, const char *key);
/* As net_get, but always asks the service, never the offline cache: for answers
 * that must be current (free slots after one was taken). */
unsigned net_get_fresh(net *n, int kind, const char *path);
/* Queues DELETE base_url + path. Never answered locally. */
unsigned net_delete(net *n, int kind, const char *path);
/* Cancels queued and running requests of this kind; their results never arrive. */
void net_cancel(net *n, int kind);
void net_result_free(net_result *r);
/* The Seoul day number local answers use as "today" (the kiosk clock's). */
void net_set_today(net *n, int day);

#endif
