#include "webauth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS wa_users(id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE,"
	" pwhash TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, counselor_id TEXT,"
	" disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, last_login INTEGER);"
	"CREATE TABLE IF NOT EXISTS wa_sessions(hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL,"
	" csrf TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen INTEGER NOT NULL)"
	" WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS wa_login_failures(login TEXT NOT NULL, ip TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS wa_login_failures_l ON wa_login_failures(login, at);"
	"CREATE INDEX IF NOT EXISTS wa_login_failures_i ON wa_login_failures(ip, at);"
	"CREATE TABLE IF NOT EXISTS wa_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);";

int wa_schema(sqlite3 *db, char *err, size_t errlen)
{
	unsigned char k[32];
	char hex[65];
	sqlite3_stmt *st;
	int rc;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to initialise");
		return WA_EDB;
	}
	if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
		goto dberr;
	randombytes_buf(k, sizeof(k));
	util_hex(k, sizeof(k), hex);
	sodium_memzero(k, sizeof(k));
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO wa_meta VALUES('feed_key', ?)", -1, &st,
			       NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	sodium_memzero(hex, sizeof(hex));
	if (rc != SQLITE_DONE)
		goto dberr;
	return WA_OK;
dberr:
	snprintf(err, errlen, "web accounts schema: %s", sqlite3_errmsg(db));
	return WA_EDB;
}

int wa_login_valid(const char *login)
{
	size_t n = strlen(login);
	if (n < 3 || n > 32)
		return 0;
	return strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

void wa_random_token(char *out)
{
	unsigned char r[32];
	randombytes_buf(r, sizeof(r));
	util_hex(r, sizeof(r), out);
	sodium_memzero(r, sizeof(r));
}

static void token_hash(const char *token, char *hex)
{
	unsigned char h[32];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	util_hex(h, sizeof(h), hex);
}

static int password_ok(const char *pw, char *err, size_t errlen)
{
	size_t n = strlen(pw);
	if (n > WA_PASSWORD_MAX || !utf8_valid(pw, n) || utf8_count(pw, n) < WA_PASSWORD_MIN) {
		snprintf(err, errlen, "비밀번호는 %d자 이상 %d바이트 이하여야 합니다 (password: %d to %d"
			 " characters)", WA_PASSWORD_MIN, WA_PASSWORD_MAX, WA_PASSWORD_MIN,
			 WA_PASSWORD_MAX);
		return 0;
	}
	return 1;
}

static int hash_password(const char *pw, char *out, char *err, size_t errlen)
{
	if (crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
		snprintf(err, errlen, "password hashing ran out of memory");
		return -1;
	}
	return 0;
}

/* Runs one statement with ?1 = id (when the SQL names it) and ?2 = text (when set). */
static int exec1(sqlite3 *db, const char *sql, long long id, const char *text)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_bind_parameter_index(st, "?1"))
		sqlite3_bind_int64(st, 1, id);
	if (text)
		sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, "?2"), text, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int wa_user_add(sqlite3 *db, const char *login, const char *password, const char *name,
		const char *role, const char *counselor_id, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	sqlite3_stmt *st;
	int rc;

	if (!wa_login_valid(login)) {
		snprintf(err, errlen, "아이디는 영문 소문자·숫자·._- 3~32자입니다 (login: 3 to 32 of"
			 " a-z 0-9 . _ -)");
		return WA_EINVAL;
	}
	if (strcmp(role, "admin") != 0 && strcmp(role, "counselor") != 0) {
		snprintf(err, errlen, "role must be admin or counselor");
		return WA_EINVAL;
	}
	if (!name || !*name || strlen(name) > 90 || !utf8_valid(name, strlen(name))) {
		snprintf(err, errlen, "이름을 입력해 주세요 (name: 1 to 90 bytes)");
		return WA_EINVAL;
	}
	if (!password_ok(password, err, errlen))
		return WA_EINVAL;
	if (hash_password(password, hash, err, errlen) < 0)
		return WA_EDB;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO wa_users(login, pwhash, name, role, counselor_id,"
			       " created_at) VALUES(?, ?, ?, ?, ?, strftime('%s','now'))",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "add user: %s", sqlite3_errmsg(db));
		return WA_EDB;
	}
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, role, -1, SQLITE_STATIC);
	if (counselor_id && *counselor_id)
		sqlite3_bind_text(st, 5, counselor_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_CONSTRAINT) {
		snprintf(err, errlen, "이미 있는 아이디입니다 (login '%s' exists)", login);
		return WA_EEXIST;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "add user: %s", sqlite3_errmsg(db));
		return WA_EDB;
	}
	return WA_OK;
}

int wa_set_password(sqlite3 *db, long long user_id, const char *password, char *err,
		    size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES];
	if (!password_ok(password, err, errlen))
		return WA_EINVAL;
	if (hash_password(password, hash, err, errlen) < 0)
		return WA_EDB;
	if (exec1(db, "UPDATE wa_users SET pwhash = ?2 WHERE id = ?1", user_id, hash) < 0 ||
	    exec1(db, "DELETE FROM wa_sessions WHERE user_id = ?1", user_id, NULL) < 0) {
		snprintf(err, errlen, "set password: %s", sqlite3_errmsg(db));
		return WA_EDB;
	}
	return WA_OK;
}

int wa_set_disabled(sqlite3 *db, long long user_id, int disabled, char *err, size_t errlen)
{
	if (exec1(db, disabled ? "UPDATE wa_users SET disabled = 1 WHERE id = ?1"
			       : "UPDATE wa_users SET disabled = 0 WHERE id = ?1",
		  user_id, NULL) < 0 ||
	    (disabled && exec1(db, "DELETE FROM wa_sessions WHERE user_id = ?1", user_id, NULL) < 0)) {
		snprintf(err, errlen, "disable user: %s", sqlite3_errmsg(db));
		return WA_EDB;
	}
	return WA_OK;
}

int wa_users_json(sqlite3 *db, json_object **out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	json_object *a;
	if (sqlite3_prepare_v2(db,
			       "SELECT id, login, name, role, counselor_id, disabled, last_login"
			       " FROM wa_users ORDER BY login",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "users: %s", sqlite3_errmsg(db));
		return WA_EDB;
	}
	a = json_object_new_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_int64(sqlite3_column_int64(st, 0)));
		for (int c = 1; c <= 4; c++) {
			const char *v = (const char *)sqlite3_column_text(st, c);
			json_object_object_add(o, sqlite3_column_name(st, c),
					       json_object_new_string(v ? v : ""));
		}
		json_object_object_add(o, "disabled",
				       json_object_new_boolean(sqlite3_column_int(st, 5)));
		json_object_object_add(o, "last_login",
				       json_object_new_int64(sqlite3_column_int64(st, 6)));
		json_object_array_add(a, o);
	}
	sqlite3_finalize(st);
	*out = a;
	return WA_OK;
}

/* A hash to check wrong log-in names against, so that they cost what a real
 * account costs. Made once. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[WA_TOKEN_LEN];
	wa_random_token(pw);
	if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

static long long count_since(sqlite3 *db, const char *sql, const char *v, time_t since,
			     long long *oldest)
{
	sqlite3_stmt *st;
	long long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)since);
	if (sqlite3_step(st) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 0);
		if (sqlite3_column_int64(st, 1) && (!*oldest || sqlite3_column_int64(st, 1) < *oldest))
			*oldest = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return n;
}

static int record_failure(sqlite3 *db, const char *login, const char *ip, time_t now)
{
	sqlite3_stmt *st;
	int rc;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO wa_login_failures VALUES(?, ?, ?);"
			       , -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ip, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (long long)now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	/* old failures are of no further use */
	if (sqlite3_prepare_v2(db, "DELETE FROM wa_login_failures WHERE at < ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, (long long)(now - WA_FAIL_WINDOW_S));
	sqlite3_step(st);
	sqlite3_finalize(st);
	return 0;
}

static void forget_failure(sqlite3 *db, long long rowid)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "DELETE FROM wa_login_failures WHERE rowid = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int64(st, 1, rowid);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
}

int wa_login(sqlite3 *db, const char *login, const char *password, const char *ip, time_t now,
	     char *session_token, int *retry_after, char *err, size_t errlen)
{
	char hash[crypto_pwhash_STRBYTES], th[65], csrf[WA_TOKEN_LEN], lname[40];
	long long uid = 0, oldest = 0, nl, ni;
	int disabled = 1, ok;
	sqlite3_stmt *st;

	*retry_after = 0;
	snprintf(lname, sizeof(lname), "%.32s", login);
	/* this attempt counts as a failure until the password is checked (it is
	 * taken back on success): concurrent guesses each see the others, so no
	 * more than the limit get through while the slow check runs */
	long long mine;
	if (record_failure(db, lname, ip, now) < 0)
		goto dberr;
	mine = sqlite3_last_insert_rowid(db);
	long long oldest_l = 0, oldest_i = 0;
	nl = count_since(db,
			 "SELECT count(*), min(at) FROM wa_login_failures WHERE login = ? AND at > ?",
			 lname, now - WA_FAIL_WINDOW_S, &oldest_l);
	ni = count_since(db, "SELECT count(*), min(at) FROM wa_login_failures WHERE ip = ? AND at > ?",
			 ip, now - WA_FAIL_WINDOW_S, &oldest_i);
	if (nl < 0 || ni < 0)
		goto dberr;
	if (nl > WA_FAIL_MAX_LOGIN || ni > WA_FAIL_MAX_IP) {
		forget_failure(db, mine); /* refused unheard: not one more failure */
		/* the wait of the limit that was hit (the later one when both) */
		long long o1 = nl > WA_FAIL_MAX_LOGIN ? oldest_l : 0, o2 = ni > WA_FAIL_MAX_IP ? oldest_i : 0;
		oldest = o1 > o2 ? o1 : o2;
		*retry_after = (int)(oldest + WA_FAIL_WINDOW_S - now);
		if (*retry_after < 1)
			*retry_after = 1;
		snprintf(err, errlen, "로그인 시도가 너무 많습니다. %d분 뒤에 다시 시도해 주세요 (too many"
			 " failed log-ins)", (*retry_after + 59) / 60);
		return WA_ETHROTTLED;
	}
	hash[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT id, pwhash, disabled FROM wa_users WHERE login = ?", -1,
			       &st, NULL) != SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, lname, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		uid = sqlite3_column_int64(st, 0);
		snprintf(hash, sizeof(hash), "%s", (const char *)sqlite3_column_text(st, 1));
		disabled = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (!uid) {
		pthread_once(&dummy_once, dummy_init);
		snprintf(hash, sizeof(hash), "%s", dummy_hash);
	}
	ok = hash[0] && strlen(password) <= WA_PASSWORD_MAX &&
	     crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
	if (!ok || !uid || disabled) { /* the failure recorded above stands */
		snprintf(err, errlen, "아이디 또는 비밀번호가 맞지 않습니다 (wrong login or password)");
		return WA_EINVAL;
	}
	forget_failure(db, mine);
	if (crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					   crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0 &&
	    hash_password(password, hash, err, errlen) == 0)
		(void)exec1(db, "UPDATE wa_users SET pwhash = ?2 WHERE id = ?1", uid, hash);

	wa_random_token(session_token);
	wa_random_token(csrf);
	token_hash(session_token, th);
	if (sqlite3_prepare_v2(db, "INSERT INTO wa_sessions VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) !=
	    SQLITE_OK)
		goto dberr;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, uid);
	sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (long long)now);
	sqlite3_bind_int64(st, 5, (long long)now);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (!ok)
		goto dberr;
	(void)exec1(db, "DELETE FROM wa_login_failures WHERE login = ?2", 0, lname);
	(void)exec1(db, "UPDATE wa_users SET last_login = strftime('%s','now') WHERE id = ?1", uid,
		    NULL);
	/* sessions that ended are deleted as we go */
	if (sqlite3_prepare_v2(db, "DELETE FROM wa_sessions WHERE last_seen < ? OR created_at < ?",
			       -1, &st, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (long long)(now - WA_IDLE_S));
		sqlite3_bind_int64(st, 2, (long long)(now - WA_MAX_S));
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return WA_OK;
dberr:
	snprintf(err, errlen, "log-in: %s", sqlite3_errmsg(db));
	return WA_EDB;
}

static void col_copy(sqlite3_stmt *st, int c, char *out, size_t n)
{
	const char *v = (const char *)sqlite3_column_text(st, c);
	snprintf(out, n, "%s", v ? v : "");
}

static int load_user(sqlite3 *db, long long id, wa_user *u)
{
	sqlite3_stmt *st;
	int found = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT login, name, role, counselor_id FROM wa_users WHERE id = ?"
			       " AND disabled = 0",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		u->id = id;
		col_copy(st, 0, u->login, sizeof(u->login));
		col_copy(st, 1, u->name, sizeof(u->name));
		col_copy(st, 2, u->role, sizeof(u->role));
		col_copy(st, 3, u->counselor_id, sizeof(u->counselor_id));
		found = 1;
	}
	sqlite3_finalize(st);
	return found;
}

int wa_session(sqlite3 *db, const char *token, time_t now, wa_user *u)
{
	char th[65];
	sqlite3_stmt *st;
	long long uid = 0;
	int rc;

	memset(u, 0, sizeof(*u));
	if (!token || strlen(token) != WA_TOKEN_LEN - 1)
		return 0;
	token_hash(token, th);
	if (sqlite3_prepare_v2(db,
			       "SELECT user_id, csrf FROM wa_sessions WHERE hash = ? AND last_seen >= ?"
			       " AND created_at >= ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, th, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (long long)(now - WA_IDLE_S));
	sqlite3_bind_int64(st, 3, (long long)(now - WA_MAX_S));
	if (sqlite3_step(st) == SQLITE_ROW) {
		uid = sqlite3_column_int64(st, 0);
		col_copy(st, 1, u->csrf, sizeof(u->csrf));
	}
	sqlite3_finalize(st);
	if (!uid)
		return 0;
	if ((rc = load_user(db, uid, u)) != 1) {
		memset(u, 0, sizeof(*u));
		return rc;
	}
	if (sqlite3_prepare_v2(db, "UPDATE wa_sessions SET last_seen = ? WHERE hash = ?", -1, &st,
			       NULL) == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (long long)now);
		sqlite3_bind_text(st, 2, th, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_finalize(st);
	}
	return 1;
}

void wa_logout(sqlite3 *db, const char *token)
{
	char th[65];
	if (!token)
		return;
	token_hash(token, th);
	(void)exec1(db, "DELETE FROM wa_sessions WHERE hash = ?2", 0, th);
}

int wa_csrf_ok(const wa_user *u, const char *presented)
{
	size_t n = strlen(u->csrf);
	return n == WA_TOKEN_LEN - 1 && presented && strlen(presented) == n &&
	       sodium_memcmp(u->csrf, presented, n) == 0;
}

static int feed_mac(sqlite3 *db, long long id, char *out, size_t n)
{
	unsigned char key[32], mac[crypto_auth_hmacsha256_BYTES];
	char msg[48], hex[2 * sizeof(mac) + 1];
	sqlite3_stmt *st;
	size_t klen = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM wa_meta WHERE key = 'feed_key'", -1, &st,
			       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sodium_hex2bin(key, sizeof(key), (const char *)sqlite3_column_text(st, 0),
			   (size_t)sqlite3_column_bytes(st, 0), NULL, &klen, NULL) != 0)
		klen = 0;
	sqlite3_finalize(st);
	if (klen != sizeof(key))
		return -1;
	snprintf(msg, sizeof(msg), "ical:%lld", id);
	crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), key);
	sodium_memzero(key, sizeof(key));
	util_hex(mac, 20, hex); /* 160 bits are plenty for a URL */
	snprintf(out, n, "%lld-%s", id, hex);
	return 0;
}

int wa_feed_token(sqlite3 *db, long long user_id, char *out, size_t n)
{
	return feed_mac(db, user_id, out, n);
}

int wa_feed_user(sqlite3 *db, const char *token, wa_user *u)
{
	char want[96];
	long long id;
	const char *dash = strchr(token, '-');
	char idpart[24];

	memset(u, 0, sizeof(*u));
	if (!dash || (size_t)(dash - token) >= sizeof(idpart))
		return 0;
	memcpy(idpart, token, (size_t)(dash - token));
	idpart[dash - token] = '\0';
	if (util_parse_long(idpart, 1, (1LL << 53), &id) < 0)
		return 0;
	if (feed_mac(db, id, want, sizeof(want)) < 0)
		return -1;
	if (strlen(want) != strlen(token) || sodium_memcmp(want, token, strlen(want)) != 0)
		return 0;
	return load_user(db, id, u);
}
