#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

int auth_kiosk_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > AUTH_KIOSK_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	util_hex(h, sizeof(h), out);
}

int auth_issue(sqlite3 *db, const char *kiosk_id, char *token, char *err, size_t errlen)
{
	unsigned char raw[32];
	char hash[65], hint[12];
	sqlite3_stmt *st;
	int rc;

	if (!auth_kiosk_id_valid(kiosk_id)) {
		snprintf(err, errlen, "kiosk id must be 1-64 of A-Z a-z 0-9 . _ -");
		return -1;
	}
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return -1;
	}
	randombytes_buf(raw, sizeof(raw));
	memcpy(token, "jk_", 3);
	util_hex(raw, sizeof(raw), token + 3);
	token_hash(token, hash);
	memcpy(hint, token, 9);
	hint[9] = '\0';
	rc = sqlite3_prepare_v2(db,
				"INSERT INTO tokens(hash, kiosk_id, hint, created_at) VALUES (?,?,?,?)",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, kiosk_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, hint, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, (long long)time(NULL));
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	util_wipe(raw, sizeof(raw));
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "storing token: %s", sqlite3_errmsg(db));
		util_wipe(token, AUTH_TOKEN_LEN);
		return -1;
	}
	return 0;
}

int auth_revoke(sqlite3 *db, const char *kiosk_id, int *count, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
				    "UPDATE tokens SET revoked_at = ? WHERE kiosk_id = ? AND "
				    "revoked_at IS NULL",
				    -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (long long)time(NULL));
		sqlite3_bind_text(st, 2, kiosk_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "revoking: %s", sqlite3_errmsg(db));
		return -1;
	}
	*count = sqlite3_changes(db);
	return 0;
}

int auth_list(sqlite3 *db, FILE *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db,
				    "SELECT kiosk_id, hint, datetime(created_at, 'unixepoch'),"
				    " datetime(revoked_at, 'unixepoch') FROM tokens"
				    " ORDER BY kiosk_id, created_at",
				    -1, &st, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "listing: %s", sqlite3_errmsg(db));
		return -1;
	}
	fprintf(out, "%-24s %-12s %-20s %s\n", "KIOSK", "TOKEN", "ISSUED (UTC)", "STATE");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *rev = (const char *)sqlite3_column_text(st, 3);
		fprintf(out, "%-24s %-12s %-20s %s%s\n", sqlite3_column_text(st, 0),
			sqlite3_column_text(st, 1), sqlite3_column_text(st, 2),
			rev ? "revoked " : "active", rev ? rev : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "listing: %s", sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

int auth_verify(sqlite3 *db, const char *token, char *kiosk_id)
{
	char hash[65];
	sqlite3_stmt *st;
	int rc, ok = 0;

	if (strlen(token) != AUTH_TOKEN_LEN - 1)
		return 0;
	token_hash(token, hash);
	if (sqlite3_prepare_v2(db,
			       "SELECT kiosk_id FROM tokens WHERE hash = ? AND revoked_at IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(kiosk_id, AUTH_KIOSK_MAX + 1, "%s", sqlite3_column_text(st, 0));
		ok = 1;
	} else if (rc != SQLITE_DONE) {
		ok = -1;
	}
	sqlite3_finalize(st);
	return ok;
}

#define AUTH_CACHE_SLOTS 256

struct auth_slot {
	char hash[65];
	char kiosk[AUTH_KIOSK_MAX + 1];
	long long gen;
};

struct auth_cache {
	pthread_mutex_t mu;
	struct auth_slot slot[AUTH_CACHE_SLOTS];
};

auth_cache *auth_cache_create(void)
{
	auth_cache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	for (int i = 0; i < AUTH_CACHE_SLOTS; i++)
		c->slot[i].gen = -1;
	return c;
}

void auth_cache_destroy(auth_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
	util_wipe(c, sizeof(*c));
	free(c);
}

int auth_verify_cached(auth_cache *c, sqlite3 *db, long long gen, const char *token,
		       char *kiosk_id)
{
	char hash[65];
	struct auth_slot *s;
	int ok;

	if (strlen(token) != AUTH_TOKEN_LEN - 1)
		return 0;
	token_hash(token, hash);
	/* The hash is uniformly random: its first two hex digits pick the slot. */
	s = &c->slot[strtoul((char[]){hash[0], hash[1], '\0'}, NULL, 16) % AUTH_CACHE_SLOTS];
	if (gen >= 0) {
		pthread_mutex_lock(&c->mu);
		if (s->gen == gen && memcmp(s->hash, hash, 65) == 0) {
			memcpy(kiosk_id, s->kiosk, AUTH_KIOSK_MAX + 1);
			pthread_mutex_unlock(&c->mu);
			return 1;
		}
		pthread_mutex_unlock(&c->mu);
	}
	ok = auth_verify(db, token, kiosk_id);
	if (ok == 1 && gen >= 0) {
		pthread_mutex_lock(&c->mu);
		memcpy(s->hash, hash, 65);
		memcpy(s->kiosk, kiosk_id, AUTH_KIOSK_MAX + 1);
		s->gen = gen;
		pthread_mutex_unlock(&c->mu);
	}
	return ok;
}
