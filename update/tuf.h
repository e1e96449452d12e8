/*
 * tuf.h - signed release metadata for remote updates, after The Update Framework:
 * three roles, each a JSON document {"signed": {...}, "signatures": [{"keyid",
 * "sig"}]} whose signatures are ed25519 (libsodium) over the canonical form of
 * "signed" (canon.h):
 *
 *	root       the keys and, per role, which key ids may sign and how many must
 *	           (threshold). Shipped with the kiosk; a new root must be signed by a
 *	           threshold of the old root's root keys AND of its own (rotation).
 *	release    one software and content release: version (an integer that only
 *	           grows), software_version (text), hardware class, and every file
 *	           with path, mode, size, SHA-256 and its chunks. Signed by the
 *	           "release" role, offline, on an IT workstation (jk-release).
 *	timestamp  short-lived; names the current release by version, size and the
 *	           SHA-256 of its bytes, so a kiosk notices stale (frozen) metadata
 *	           and mixed-up documents. Signed by the "timestamp" role.
 *
 * Every check a kiosk makes before writing anything is here, as pure functions
 * over bytes, the trusted root and the time: expiry, version rollback (against
 * counters the kiosk keeps in tuf_counters, written atomically), signature
 * thresholds (distinct known key ids only), mix-and-match, hardware class, and
 * file size/hash. docs/updates.md has the threat model. Any thread.
 */
#ifndef JK_TUF_H
#define JK_TUF_H

#include <json-c/json.h>
#include <sodium.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "sha256.h"
#include "util.h"

#define TUF_MAX_KEYS 16
#define TUF_KEYID_LEN 65 /* 64 hex digits of SHA-256(public key) + NUL */
#define TUF_CHUNK (1 << 20) /* files are cut in 1 MiB chunks */

enum tuf_role { TUF_ROOT, TUF_RELEASE, TUF_TIMESTAMP, TUF_NROLES };

/* Why metadata was refused. */
enum tuf_err {
	TUF_OK = 0,
	TUF_EFORMAT = -1,    /* not the expected JSON shape or type */
	TUF_ESIG = -2,	     /* fewer valid signatures from distinct known keys than the threshold */
	TUF_EEXPIRED = -3,   /* past its expiry (frozen metadata) */
	TUF_EROLLBACK = -4,  /* a version not above (timestamp: below) the one trusted */
	TUF_EMIX = -5,	     /* the release is not the one the timestamp names */
	TUF_EHARDWARE = -6,  /* a release for another hardware class */
	TUF_EHASH = -7,	     /* bytes whose SHA-256 is not the declared one */
	TUF_ESIZE = -8,	     /* more (or fewer) bytes than declared */
};

/* A short English name of an error for logs and heartbeats ("rollback", ...). */
const char *tuf_strerror(int err);

typedef struct tuf_key {
	char id[TUF_KEYID_LEN];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
} tuf_key;

typedef struct tuf_root {
	long long version;
	time_t expires;
	int nkeys;
	tuf_key keys[TUF_MAX_KEYS];
	struct {
		int threshold;
		int nids;
		char ids[TUF_MAX_KEYS][TUF_KEYID_LEN];
	} roles[TUF_NROLES];
} tuf_root;

typedef struct tuf_chunk {
	uint64_t offset;
	uint32_t size;
	char sha256[65];
} tuf_chunk;

typedef struct tuf_file {
	char *path;	    /* relative, no "..", no leading '/' */
	unsigned mode;	    /* permission bits */
	uint64_t size;
	char sha256[65];
	int nchunks;
	tuf_chunk *chunks;
} tuf_file;

typedef struct tuf_release {
	long long version;
	time_t expires;
	char software_version[64];
	char hardware[64];
	int nfiles;
	tuf_file *files;
} tuf_release;

typedef struct tuf_timestamp {
	long long version;
	time_t expires;
	long long release_version;
	uint64_t release_size;
	char release_sha256[65];
} tuf_timestamp;

/* ---- keys and signing (the workstation's side) ---- */

/* A key pair from a fresh random seed. The secret key is yours to wipe. */
void tuf_keygen(unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		unsigned char sk[crypto_sign_SECRETKEYBYTES]);
/* The key id: hex SHA-256 of the public key. */
void tuf_keyid(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char id[TUF_KEYID_LEN]);

/* Wraps signed (consumed) with signatures by each of the n secret keys into the
 * envelope document, written to out. */
void tuf_sign(json_object *signed_part, const unsigned char (*sks)[crypto_sign_SECRETKEYBYTES],
	      int n, buf *out);

/* ---- verification (the kiosk's side) ---- */

/* Parses a root trusted by other means (shipped with the software): only its
 * shape and its own signatures (threshold of its root role) are checked. */
int tuf_root_load(const char *doc, size_t len, tuf_root *out, char *err, size_t errlen) WUR;

/* Accepts root version N+1 after trusted root N: signed by a threshold of N's root
 * keys and of its own, version exactly one more. On success *next replaces
 * *trusted for everything after (its expiry is checked where it is used). */
int tuf_root_update(const tuf_root *trusted, const char *doc, size_t len, tuf_root *next,
		    char *err, size_t errlen) WUR;

/* Checks a timestamp: signed by the timestamp role of root, not expired at now,
 * version not below min_version (the highest trusted so far). */
int tuf_timestamp_verify(const tuf_root *root, const char *doc, size_t len, time_t now,
			 long long min_version, tuf_timestamp *out, char *err,
			 size_t errlen) WUR;

/* Checks a release: exactly the bytes the timestamp names, signed by the release
 * role, not expired, version above installed_version (rollback), for hardware.
 * You own *out (tuf_release_free). */
int tuf_release_verify(const tuf_root *root, const tuf_timestamp *ts, const char *doc,
		       size_t len, time_t now, long long installed_version, const char *hardware,
		       tuf_release *out, char *err, size_t errlen) WUR;
void tuf_release_free(tuf_release *r);

/* Streaming check of a file's (or chunk's) bytes against its declared size and
 * hash: feed every piece, then finish. A piece that would exceed the size fails
 * at once (endless data) and nothing past it should be written. */
typedef struct tuf_check {
	sha256_ctx st;
	uint64_t want, got;
	char sha256[65];
} tuf_check;
void tuf_check_init(tuf_check *c, uint64_t size, const char *sha256);
int tuf_check_feed(tuf_check *c, const void *data, size_t n) WUR;
int tuf_check_finish(tuf_check *c) WUR;

/* The chunk list of a file's bytes (TUF_CHUNK pieces), into f (size, sha256,
 * chunks); path and mode are left alone. */
void tuf_file_chunks(const unsigned char *data, uint64_t size, tuf_file *f);

/* 1 when the role's keys or threshold differ between two roots. After a rotation of
 * the timestamp keys the kiosk forgets its timestamp counter (TUF's fast-forward
 * recovery: a compromised key may have pushed the version to the sky). */
int tuf_role_changed(const tuf_root *a, const tuf_root *b, int role);

/* ---- counters (rollback protection across reboots) ---- */

/* The highest versions a kiosk has trusted, kept in a small file written
 * atomically (temporary file, fsync, rename, fsync of the directory): a power cut
 * leaves the old or the new counters, never neither. */
typedef struct tuf_counters {
	long long root, timestamp, release;
} tuf_counters;

/* Reads path (missing file: all zero). Returns 0, or -1 when it exists but cannot
 * be read or parsed (a kiosk must then refuse updates, not start from zero). */
int tuf_counters_load(const char *path, tuf_counters *c, char *err, size_t errlen) WUR;
int tuf_counters_store(const char *path, const tuf_counters *c, char *err, size_t errlen) WUR;

#endif
