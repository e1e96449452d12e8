/*
 * auth.h - per-kiosk device tokens. A token is shown once, when issued; only its
 * SHA-256 is stored. Functions take a connection from the store; any thread.
 */
#ifndef JC_AUTH_H
#define JC_AUTH_H

#include <sqlite3.h>
#include <stdio.h>

#include "util.h"

#define AUTH_TOKEN_LEN 68 /* "jk_" + 64 hex digits + NUL */
#define AUTH_KIOSK_MAX 64

/* 1 if id is a usable kiosk id: 1..64 of [A-Za-z0-9._-]. */
int auth_kiosk_id_valid(const char *id);

/* Issues a new token for kiosk_id into token (AUTH_TOKEN_LEN bytes). Returns 0/-1. */
int auth_issue(sqlite3 *db, const char *kiosk_id, char *token, char *err, size_t errlen) WUR;

/* Revokes every live token of kiosk_id; *count receives how many. Returns 0/-1. */
int auth_revoke(sqlite3 *db, const char *kiosk_id, int *count, char *err, size_t errlen) WUR;

/* Prints one line per token (kiosk, hint, created, state) to out. Returns 0/-1. */
int auth_list(sqlite3 *db, FILE *out, char *err, size_t errlen) WUR;

/* Checks a presented token. Returns 1 and the kiosk id (AUTH_KIOSK_MAX + 1 bytes)
 * when it is live, 0 when unknown or revoked, -1 on a database error. */
int auth_verify(sqlite3 *db, const char *token, char *kiosk_id) WUR;

/* A cache of tokens verified at a data generation, so that the common request
 * costs a hash and a lookup instead of a database query. Entries from another
 * generation are not trusted (every token change moves the generation).
 * Thread-safe. */
typedef struct auth_cache auth_cache;

auth_cache *auth_cache_create(void);
void auth_cache_destroy(auth_cache *c);

/* auth_verify() through the cache, for data generation gen (-1: do not cache). */
int auth_verify_cached(auth_cache *c, sqlite3 *db, long long gen, const char *token,
		       char *kiosk_id) WUR;

#endif
