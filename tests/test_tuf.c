/*
 * Signed update metadata against the attacks of The Update Framework's
 * specification and conformance suite, one named test each: rollback, freeze
 * (expiry), mix-and-match, arbitrary software, endless data, wrong hardware,
 * threshold (too few signatures, the same key twice, unknown and unauthorised
 * keys, tampered content), revoked keys, root rotation N -> N+1 against both
 * thresholds, fast-forward recovery, and counters that survive a power cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kdate.h"
#include "testutil.h"
#include "tuf.h"

#define NK 6
static unsigned char pk[NK][crypto_sign_PUBLICKEYBYTES], sk[NK][crypto_sign_SECRETKEYBYTES];
static char kid[NK][TUF_KEYID_LEN];
static const time_t NOW = 1795000000; /* 2026-11-18 */
static char dir[64];

static int setup(void **s)
{
	(void)s;
	assert_true(sodium_init() >= 0);
	for (int i = 0; i < NK; i++) {
		tuf_keygen(pk[i], sk[i]);
		tuf_keyid(pk[i], kid[i]);
	}
	tu_tempdir(dir, "tuf-test");
	return 0;
}

static int teardown(void **s)
{
	char c[128];
	(void)s;
	snprintf(c, sizeof(c), "rm -rf %s", dir);
	return system(c) == 0 ? 0 : -1;
}

static void sign_with(json_object *signed_part, const int *keys, int n, buf *out)
{
	unsigned char s[8][crypto_sign_SECRETKEYBYTES];
	for (int i = 0; i < n; i++)
		memcpy(s[i], sk[keys[i]], sizeof(s[i]));
	tuf_sign(signed_part, (const unsigned char(*)[crypto_sign_SECRETKEYBYTES])s, n, out);
}

static json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static void when(time_t t, char *out)
{
	kdate_format_rfc3339(t, out);
}

/* A role's key list and threshold. */
struct role {
	int keys[4], n, threshold;
};

/* Root metadata: version, expiry, roles (root, release, timestamp), signed by. */
static void make_root(long long version, time_t expires, const struct role *roles,
		      const int *signers, int nsig, buf *out)
{
	static const char *const names[] = {"root", "release", "timestamp"};
	char e[40], hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
	json_object *s = json_object_new_object(), *keys = json_object_new_object(),
		    *ro = json_object_new_object();
	for (int r = 0; r < 3; r++) {
		json_object *ids = json_object_new_array(), *o = json_object_new_object();
		for (int i = 0; i < roles[r].n; i++) {
			int k = roles[r].keys[i];
			json_object *ko = json_object_new_object();
			util_hex(pk[k], sizeof(pk[k]), hex);
			json_object_object_add(ko, "keytype", str("ed25519"));
			json_object_object_add(ko, "public", str(hex));
			json_object_object_add(keys, kid[k], ko);
			json_object_array_add(ids, str(kid[k]));
		}
		json_object_object_add(o, "keyids", ids);
		json_object_object_add(o, "threshold", json_object_new_int(roles[r].threshold));
		json_object_object_add(ro, names[r], o);
	}
	when(expires, e);
	json_object_object_add(s, "_type", str("root"));
	json_object_object_add(s, "version", json_object_new_int64(version));
	json_object_object_add(s, "expires", str(e));
	json_object_object_add(s, "keys", keys);
	json_object_object_add(s, "roles", ro);
	sign_with(s, signers, nsig, out);
}

/* Release metadata with one file of `content`. */
static void make_release(long long version, time_t expires, const char *hw, const char *path,
			 const char *content, const int *signers, int nsig, buf *out)
{
	char e[40];
	tuf_file f = {0};
	json_object *s = json_object_new_object(), *files = json_object_new_array(),
		    *fo = json_object_new_object(), *ch = json_object_new_array();
	tuf_file_chunks((const unsigned char *)content, strlen(content), &f);
	json_object_object_add(fo, "path", str(path));
	json_object_object_add(fo, "mode", json_object_new_int(0755));
	json_object_object_add(fo, "size", json_object_new_int64((int64_t)f.size));
	json_object_object_add(fo, "sha256", str(f.sha256));
	for (int i = 0; i < f.nchunks; i++) {
		json_object *c = json_object_new_object();
		json_object_object_add(c, "offset", json_object_new_int64((int64_t)f.chunks[i].offset));
		json_object_object_add(c, "size", json_object_new_int64(f.chunks[i].size));
		json_object_object_add(c, "sha256", str(f.chunks[i].sha256));
		json_object_array_add(ch, c);
	}
	free(f.chunks);
	json_object_object_add(fo, "chunks", ch);
	json_object_array_add(files, fo);
	when(expires, e);
	json_object_object_add(s, "_type", str("release"));
	json_object_object_add(s, "version", json_object_new_int64(version));
	json_object_object_add(s, "expires", str(e));
	json_object_object_add(s, "software_version", str("1.5.0"));
	json_object_object_add(s, "hardware", str(hw));
	json_object_object_add(s, "files", files);
	sign_with(s, signers, nsig, out);
}

static void make_timestamp(long long version, time_t expires, const buf *release, long long rv,
			   const int *signers, int nsig, buf *out)
{
	char e[40], hex[65];
	unsigned char h[32];
	json_object *s = json_object_new_object(), *r = json_object_new_object();
	crypto_hash_sha256(h, (const unsigned char *)release->data, release->len);
	util_hex(h, sizeof(h), hex);
	json_object_object_add(r, "version", json_object_new_int64(rv));
	json_object_object_add(r, "size", json_object_new_int64((int64_t)release->len));
	json_object_object_add(r, "sha256", str(hex));
	when(expires, e);
	json_object_object_add(s, "_type", str("timestamp"));
	json_object_object_add(s, "version", json_object_new_int64(version));
	json_object_object_add(s, "expires", str(e));
	json_object_object_add(s, "release", r);
	sign_with(s, signers, nsig, out);
}

/* The usual trust: key 0 root, 1 release, 2 timestamp; thresholds 1. */
static const struct role R1[3] = {{{0}, 1, 1}, {{1}, 1, 1}, {{2}, 1, 1}};
static const int K0[] = {0}, K1[] = {1}, K2[] = {2};

static void trusted_root(tuf_root *root)
{
	buf b;
	char err[256];
	buf_init(&b);
	make_root(1, NOW + 365 * 86400, R1, K0, 1, &b);
	assert_int_equal(tuf_root_load(b.data, b.len, root, err, sizeof(err)), TUF_OK);
	buf_release(&b);
}

/* Verifies a release through a fresh timestamp; returns the release check. */
static int check_release(const tuf_root *root, const buf *rel, long long rv, long long installed,
			 const char *hw)
{
	buf ts;
	tuf_timestamp t;
	tuf_release r;
	char err[256];
	int rc;
	buf_init(&ts);
	make_timestamp(1, NOW + 3600, rel, rv, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(root, ts.data, ts.len, NOW, 0, &t, err, sizeof(err)),
			 TUF_OK);
	rc = tuf_release_verify(root, &t, rel->data, rel->len, NOW, installed, hw, &r, err,
				sizeof(err));
	if (rc == TUF_OK)
		tuf_release_free(&r);
	buf_release(&ts);
	return rc;
}

static void test_valid_chain(void **s)
{
	tuf_root root;
	buf rel, ts;
	tuf_timestamp t;
	tuf_release r;
	char err[256];
	(void)s;
	trusted_root(&root);
	buf_init(&rel);
	buf_init(&ts);
	make_release(5, NOW + 30 * 86400, "kiosk-x86_64", "bin/kiosk", "new kiosk", K1, 1, &rel);
	make_timestamp(9, NOW + 3600, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&root, ts.data, ts.len, NOW, 8, &t, err, sizeof(err)),
			 TUF_OK);
	assert_int_equal(t.release_version, 5);
	assert_int_equal(tuf_release_verify(&root, &t, rel.data, rel.len, NOW, 4, "kiosk-x86_64", &r,
					    err, sizeof(err)), TUF_OK);
	assert_int_equal(r.nfiles, 1);
	assert_string_equal(r.files[0].path, "bin/kiosk");
	assert_int_equal(r.files[0].mode, 0755);
	assert_string_equal(r.software_version, "1.5.0");
	tuf_release_free(&r);
	buf_release(&rel);
	buf_release(&ts);
}

static void test_rollback_attack(void **s)
{
	tuf_root root;
	buf rel, ts;
	tuf_timestamp t;
	char err[256];
	(void)s;
	trusted_root(&root);
	buf_init(&rel);
	buf_init(&ts);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "old kiosk", K1, 1, &rel);
	/* lower and equal versions than the installed one */
	assert_int_equal(check_release(&root, &rel, 5, 7, "kiosk-x86_64"), TUF_EROLLBACK);
	assert_int_equal(check_release(&root, &rel, 5, 5, "kiosk-x86_64"), TUF_EROLLBACK);
	/* an older timestamp than one already seen */
	make_timestamp(3, NOW + 3600, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&root, ts.data, ts.len, NOW, 4, &t, err, sizeof(err)),
			 TUF_EROLLBACK);
	buf_release(&rel);
	buf_release(&ts);
}

static void test_freeze_attack(void **s)
{
	tuf_root root, old;
	buf rel, ts, b;
	tuf_timestamp t;
	tuf_release r;
	char err[256];
	(void)s;
	trusted_root(&root);
	buf_init(&rel);
	buf_init(&ts);
	buf_init(&b);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", K1, 1, &rel);
	/* a timestamp that expired: the kiosk is being fed stale metadata */
	make_timestamp(2, NOW - 1, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&root, ts.data, ts.len, NOW, 0, &t, err, sizeof(err)),
			 TUF_EEXPIRED);
	assert_non_null(strstr(err, "frozen"));
	/* an expired release behind a fresh timestamp */
	buf_reset(&rel);
	make_release(5, NOW - 60, "kiosk-x86_64", "bin/kiosk", "k", K1, 1, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_EEXPIRED);
	/* an expired root */
	make_root(1, NOW - 1, R1, K0, 1, &b);
	assert_int_equal(tuf_root_load(b.data, b.len, &old, err, sizeof(err)), TUF_OK);
	buf_reset(&ts);
	make_timestamp(2, NOW + 60, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&old, ts.data, ts.len, NOW, 0, &t, err, sizeof(err)),
			 TUF_EEXPIRED);
	(void)r;
	buf_release(&rel);
	buf_release(&ts);
	buf_release(&b);
}

static void test_mix_and_match_attack(void **s)
{
	tuf_root root;
	buf a, b, ts;
	tuf_timestamp t;
	tuf_release r;
	char err[256];
	(void)s;
	trusted_root(&root);
	buf_init(&a);
	buf_init(&b);
	buf_init(&ts);
	/* both properly signed, but the timestamp names release a */
	make_release(6, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "release a", K1, 1, &a);
	make_release(6, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "release b!", K1, 1, &b);
	make_timestamp(2, NOW + 3600, &a, 6, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&root, ts.data, ts.len, NOW, 0, &t, err, sizeof(err)),
			 TUF_OK);
	int rc = tuf_release_verify(&root, &t, b.data, b.len, NOW, 0, "kiosk-x86_64", &r, err,
				    sizeof(err));
	assert_true(rc == TUF_EMIX || rc == TUF_ESIZE);
	/* the same release under a timestamp that names another version */
	assert_int_equal(check_release(&root, &a, 7, 0, "kiosk-x86_64"), TUF_EMIX);
	buf_release(&a);
	buf_release(&b);
	buf_release(&ts);
}

static void test_arbitrary_software_attack(void **s)
{
	tuf_check c;
	tuf_file f = {0};
	const char *good = "the kiosk as built", *evil = "the kiosk as hacked";
	(void)s;
	tuf_file_chunks((const unsigned char *)good, strlen(good), &f);
	/* same length, other bytes */
	char bad[64];
	snprintf(bad, sizeof(bad), "%s", good);
	bad[4] ^= 1;
	tuf_check_init(&c, f.size, f.sha256);
	assert_int_equal(tuf_check_feed(&c, bad, strlen(bad)), TUF_OK);
	assert_int_equal(tuf_check_finish(&c), TUF_EHASH);
	/* and per chunk */
	tuf_check_init(&c, f.chunks[0].size, f.chunks[0].sha256);
	assert_int_equal(tuf_check_feed(&c, evil, strlen(good)), TUF_OK);
	assert_int_equal(tuf_check_finish(&c), TUF_EHASH);
	tuf_check_init(&c, f.size, f.sha256);
	assert_int_equal(tuf_check_feed(&c, good, 5), TUF_OK);
	assert_int_equal(tuf_check_feed(&c, good + 5, strlen(good) - 5), TUF_OK);
	assert_int_equal(tuf_check_finish(&c), TUF_OK);
	free(f.chunks);
	/* release metadata modified after signing */
	tuf_root root;
	buf rel;
	trusted_root(&root);
	buf_init(&rel);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", K1, 1, &rel);
	char *p = strstr(rel.data, "1.5.0");
	assert_non_null(p);
	p[2] = '6'; /* "1.6.0", and a timestamp made for these bytes */
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_ESIG);
	buf_release(&rel);
}

static void test_endless_data_attack(void **s)
{
	tuf_check c;
	tuf_file f = {0};
	const char *good = "exactly this";
	char more[64];
	(void)s;
	tuf_file_chunks((const unsigned char *)good, strlen(good), &f);
	snprintf(more, sizeof(more), "%s and then some more", good);
	tuf_check_init(&c, f.size, f.sha256);
	assert_int_equal(tuf_check_feed(&c, more, strlen(more)), TUF_ESIZE);
	tuf_check_init(&c, f.size, f.sha256);
	assert_int_equal(tuf_check_feed(&c, good, 4), TUF_OK);
	assert_int_equal(tuf_check_finish(&c), TUF_ESIZE); /* and too few */
	free(f.chunks);
	/* release metadata longer than the timestamp says */
	tuf_root root;
	buf rel, ts;
	tuf_timestamp t;
	tuf_release r;
	char err[256];
	trusted_root(&root);
	buf_init(&rel);
	buf_init(&ts);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", K1, 1, &rel);
	make_timestamp(2, NOW + 3600, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&root, ts.data, ts.len, NOW, 0, &t, err, sizeof(err)),
			 TUF_OK);
	buf_adds(&rel, "                                        ");
	assert_int_equal(tuf_release_verify(&root, &t, rel.data, rel.len, NOW, 0, "kiosk-x86_64", &r,
					    err, sizeof(err)), TUF_ESIZE);
	buf_release(&rel);
	buf_release(&ts);
}

static void test_wrong_software_attack(void **s)
{
	tuf_root root;
	buf rel;
	(void)s;
	trusted_root(&root);
	buf_init(&rel);
	make_release(5, NOW + 86400, "kiosk-arm64", "bin/kiosk", "k", K1, 1, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_EHARDWARE);
	/* paths that would leave the release directory */
	static const char *const bad[] = {"../etc/passwd", "/bin/sh", "a/../../b", "a//b", "."};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		buf_reset(&rel);
		make_release(5, NOW + 86400, "kiosk-x86_64", bad[i], "k", K1, 1, &rel);
		assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_EFORMAT);
	}
	buf_release(&rel);
}

static void test_threshold_attacks(void **s)
{
	tuf_root root;
	buf b, rel;
	char err[256];
	(void)s;
	buf_init(&b);
	buf_init(&rel);
	/* releases need two of keys 1, 3, 4 */
	const struct role r2[3] = {{{0}, 1, 1}, {{1, 3, 4}, 3, 2}, {{2}, 1, 1}};
	make_root(1, NOW + 86400 * 365, r2, K0, 1, &b);
	assert_int_equal(tuf_root_load(b.data, b.len, &root, err, sizeof(err)), TUF_OK);
	const int one[] = {1}, twice[] = {1, 1}, two[] = {1, 3}, unknown[] = {1, 5},
		  unauthorised[] = {1, 2};
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", one, 1, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_ESIG);
	buf_reset(&rel);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", twice, 2, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_ESIG);
	buf_reset(&rel);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", unknown, 2, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_ESIG);
	buf_reset(&rel);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", unauthorised, 2, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_ESIG);
	buf_reset(&rel);
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", two, 2, &rel);
	assert_int_equal(check_release(&root, &rel, 5, 0, "kiosk-x86_64"), TUF_OK);
	/* a root whose key id does not name its key (in its key list) */
	char *p = strstr(strstr(b.data, "\"keys\":"), kid[0]);
	assert_non_null(p);
	p[0] = p[0] == 'a' ? 'b' : 'a';
	assert_int_equal(tuf_root_load(b.data, b.len, &root, err, sizeof(err)), TUF_EFORMAT);
	buf_release(&b);
	buf_release(&rel);
}

static void test_key_rotation_and_revocation(void **s)
{
	tuf_root v1, v2, bad;
	buf b, rel;
	char err[256];
	(void)s;
	trusted_root(&v1);
	buf_init(&b);
	buf_init(&rel);
	/* version 2: root key 3 instead of 0, release key 4 instead of 1 (1 revoked) */
	const struct role r2[3] = {{{3}, 1, 1}, {{4}, 1, 1}, {{2}, 1, 1}};
	const int both[] = {0, 3}, old_only[] = {0}, new_only[] = {3};
	make_root(2, NOW + 86400 * 365, r2, old_only, 1, &b);
	assert_int_equal(tuf_root_update(&v1, b.data, b.len, &bad, err, sizeof(err)), TUF_ESIG);
	buf_reset(&b);
	make_root(2, NOW + 86400 * 365, r2, new_only, 1, &b);
	assert_int_equal(tuf_root_update(&v1, b.data, b.len, &bad, err, sizeof(err)), TUF_ESIG);
	buf_reset(&b);
	make_root(3, NOW + 86400 * 365, r2, both, 2, &b); /* skips a version */
	assert_int_equal(tuf_root_update(&v1, b.data, b.len, &bad, err, sizeof(err)), TUF_EROLLBACK);
	buf_reset(&b);
	make_root(1, NOW + 86400 * 365, r2, both, 2, &b); /* the same version again */
	assert_int_equal(tuf_root_update(&v1, b.data, b.len, &bad, err, sizeof(err)), TUF_EROLLBACK);
	buf_reset(&b);
	make_root(2, NOW + 86400 * 365, r2, both, 2, &b);
	assert_int_equal(tuf_root_update(&v1, b.data, b.len, &v2, err, sizeof(err)), TUF_OK);
	assert_int_equal(v2.version, 2);
	/* the revoked release key no longer counts; the new one does */
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", K1, 1, &rel);
	assert_int_equal(check_release(&v2, &rel, 5, 0, "kiosk-x86_64"), TUF_ESIG);
	buf_reset(&rel);
	const int K4[] = {4};
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", K4, 1, &rel);
	assert_int_equal(check_release(&v2, &rel, 5, 0, "kiosk-x86_64"), TUF_OK);
	assert_true(tuf_role_changed(&v1, &v2, TUF_RELEASE));
	assert_false(tuf_role_changed(&v1, &v2, TUF_TIMESTAMP));
	buf_release(&b);
	buf_release(&rel);
}

static void test_fast_forward_recovery(void **s)
{
	tuf_root v1, v2;
	buf b, rel, ts;
	tuf_timestamp t;
	tuf_counters c = {1, 0, 0};
	char err[256];
	(void)s;
	trusted_root(&v1);
	buf_init(&b);
	buf_init(&rel);
	buf_init(&ts);
	/* a stolen timestamp key pushed the version to a billion */
	make_release(5, NOW + 86400, "kiosk-x86_64", "bin/kiosk", "k", K1, 1, &rel);
	make_timestamp(1000000000, NOW + 3600, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&v1, ts.data, ts.len, NOW, c.timestamp, &t, err,
					      sizeof(err)), TUF_OK);
	c.timestamp = t.version;
	/* the IT staff rotate the timestamp key (5 instead of 2) */
	const struct role r2[3] = {{{0}, 1, 1}, {{1}, 1, 1}, {{5}, 1, 1}};
	make_root(2, NOW + 86400 * 365, r2, K0, 1, &b);
	assert_int_equal(tuf_root_update(&v1, b.data, b.len, &v2, err, sizeof(err)), TUF_OK);
	if (tuf_role_changed(&v1, &v2, TUF_TIMESTAMP))
		c.timestamp = 0; /* what the agent does: forget the poisoned counter */
	c.root = v2.version;
	buf_reset(&ts);
	const int K5[] = {5};
	make_timestamp(2, NOW + 3600, &rel, 5, K5, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&v2, ts.data, ts.len, NOW, c.timestamp, &t, err,
					      sizeof(err)), TUF_OK);
	/* the old key is worthless now */
	buf_reset(&ts);
	make_timestamp(1000000001, NOW + 3600, &rel, 5, K2, 1, &ts);
	assert_int_equal(tuf_timestamp_verify(&v2, ts.data, ts.len, NOW, 0, &t, err, sizeof(err)),
			 TUF_ESIG);
	buf_release(&b);
	buf_release(&rel);
	buf_release(&ts);
}

static void test_counters_survive_power_cut(void **s)
{
	char path[128], tmp[160], err[256];
	tuf_counters c = {3, 17, 42}, got;
	(void)s;
	snprintf(path, sizeof(path), "%s/counters.json", dir);
	assert_int_equal(tuf_counters_load(path, &got, err, sizeof(err)), 0);
	assert_true(got.root == 0 && got.timestamp == 0 && got.release == 0);
	assert_int_equal(tuf_counters_store(path, &c, err, sizeof(err)), 0);
	/* a power cut while writing the next: a torn temporary file, no rename */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	fputs("{\"release\":43,\"ro", f);
	fclose(f);
	assert_int_equal(tuf_counters_load(path, &got, err, sizeof(err)), 0);
	assert_true(got.root == 3 && got.timestamp == 17 && got.release == 42);
	/* the next store replaces the torn file */
	c.release = 43;
	assert_int_equal(tuf_counters_store(path, &c, err, sizeof(err)), 0);
	assert_int_equal(tuf_counters_load(path, &got, err, sizeof(err)), 0);
	assert_int_equal(got.release, 43);
	assert_int_not_equal(access(tmp, F_OK), 0);
	/* damaged counters stop updates rather than reset to zero */
	f = fopen(path, "w");
	fputs("garbage", f);
	fclose(f);
	assert_int_equal(tuf_counters_load(path, &got, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_chain),
		cmocka_unit_test(test_rollback_attack),
		cmocka_unit_test(test_freeze_attack),
		cmocka_unit_test(test_mix_and_match_attack),
		cmocka_unit_test(test_arbitrary_software_attack),
		cmocka_unit_test(test_endless_data_attack),
		cmocka_unit_test(test_wrong_software_attack),
		cmocka_unit_test(test_threshold_attacks),
		cmocka_unit_test(test_key_rotation_and_revocation),
		cmocka_unit_test(test_fast_forward_recovery),
		cmocka_unit_test(test_counters_survive_power_cut),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
