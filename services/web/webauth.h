/*
 * webauth.h - staff accounts, log-in sessions and CSRF tokens for the web consoles
 * that the services serve (the counsellors' console; IT staff's fleet console uses
 * the same rules).
 *
 * Passwords are stored only as libsodium argon2id strings (crypto_pwhash_str,
 * interactive limits); a hash made under older limits is replaced at the next
 * log-in. Failed log-ins are throttled per login name and per client address. A
 * session is a random 256-bit token held by the browser in an HttpOnly,
 * SameSite=Strict cookie; the database keeps only its SHA-256, so a copy of the
 * database does not log anyone in. Each session carries its own CSRF token, which
 * every form repeats. Sessions end after WA_IDLE_S without a request or WA_MAX_S
 * after log-in, at log-out, and when the account is disabled.
 *
 * Tables: wa_users, wa_sessions, wa_login_failures, wa_meta (the feed key).
 * Functions take a connection; any thread with its own.
 */
#ifndef JC_WEBAUTH_H
#define JC_WEBAUTH_H

#include <json-c/json.h>
#include <sqlite3.h>
#include <time.h>

#include "util.h"

#define WA_TOKEN_LEN 65		/* 64 hex digits + NUL */
#define WA_IDLE_S (30 * 60)	/* a session unused this long ends */
#define WA_MAX_S (12 * 3600)	/* and every session ends this long after log-in */
#define WA_FAIL_WINDOW_S (15 * 60)
#define WA_FAIL_MAX_LOGIN 5	/* failures per login name within the window */
#define WA_FAIL_MAX_IP 20	/* failures per client address within the window */
#define WA_PASSWORD_MIN 10	/* characters (code points) */
#define WA_PASSWORD_MAX 128	/* bytes */

enum wa_rc { WA_OK = 0, WA_EDB = -1, WA_EEXIST = -2, WA_EINVAL = -3, WA_ETHROTTLED = -4 };

typedef struct wa_user {
	long long id;
	char login[64];
	char name[96];
	char role[16];		  /* "admin" or "counselor" */
	char counselor_id[32];	  /* the counsellor this account is, or "" */
	char csrf[WA_TOKEN_LEN];  /* the session's CSRF token (wa_session only) */
} wa_user;

int wa_schema(sqlite3 *db, char *err, size_t errlen) WUR;

/* 1 if login is usable: 3..32 of [a-z0-9._-]. */
int wa_login_valid(const char *login);

/* Creates an account. role is "admin" or "counselor"; counselor_id may be NULL.
 * Returns WA_OK, WA_EEXIST (login taken), WA_EINVAL (bad login, role or password:
 * err says which, in Korean and English) or WA_EDB. */
int wa_user_add(sqlite3 *db, const char *login, const char *password, const char *name,
		const char *role, const char *counselor_id, char *err, size_t errlen) WUR;

/* Sets a new password (same rules as wa_user_add) and ends the account's sessions. */
int wa_set_password(sqlite3 *db, long long user_id, const char *password, char *err,
		    size_t errlen) WUR;

/* Disables (disabled = 1) or enables an account; disabling ends its sessions. */
int wa_set_disabled(sqlite3 *db, long long user_id, int disabled, char *err, size_t errlen) WUR;

/* The accounts as a JSON array of {id, login, name, role, counselor_id, disabled,
 * last_login}. You own *out. */
int wa_users_json(sqlite3 *db, json_object **out, char *err, size_t errlen) WUR;

/* Checks a log-in. On success writes a new session token (WA_TOKEN_LEN) for the
 * cookie and returns WA_OK. A wrong login or password returns WA_EINVAL (the same
 * work and answer for both, so names cannot be probed); too many recent failures
 * return WA_ETHROTTLED with *retry_after seconds, without checking the password. */
int wa_login(sqlite3 *db, const char *login, const char *password, const char *ip, time_t now,
	     char *session_token, int *retry_after, char *err, size_t errlen) WUR;

/* Resolves a session cookie: 1 and *u (with the CSRF token) when live, 0 when
 * unknown, expired or the account is disabled, -1 on a database error. */
int wa_session(sqlite3 *db, const char *token, time_t now, wa_user *u) WUR;

/* Ends the session (no-op for unknown tokens). */
void wa_logout(sqlite3 *db, const char *token);

/* 1 if presented equals the session's CSRF token (constant time). */
int wa_csrf_ok(const wa_user *u, const char *presented);

/* A fresh random token (64 hex digits) into out (WA_TOKEN_LEN). */
void wa_random_token(char *out);

/* The secret part of a per-account calendar feed URL: "<id>-<hex MAC>", keyed by a
 * random key kept in wa_meta. out must hold 96 bytes. Returns 0 or -1. */
int wa_feed_token(sqlite3 *db, long long user_id, char *out, size_t n) WUR;

/* The account a feed token belongs to: 1 and *u when it is valid and the account
 * enabled, 0 otherwise, -1 on a database error. */
int wa_feed_user(sqlite3 *db, const char *token, wa_user *u) WUR;

#endif
