#include "tuf.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canon.h"
#include "kdate.h"

static const char *const role_names[TUF_NROLES] = {"root", "release", "timestamp"};

const char *tuf_strerror(int e)
{
	switch (e) {
	case TUF_OK: return "ok";
	case TUF_EFORMAT: return "malformed metadata";
	case TUF_ESIG: return "signature threshold not met";
	case TUF_EEXPIRED: return "expired metadata";
	case TUF_EROLLBACK: return "rollback";
	case TUF_EMIX: return "mix-and-match";
	case TUF_EHARDWARE: return "wrong hardware";
	case TUF_EHASH: return "hash mismatch";
	case TUF_ESIZE: return "size mismatch";
	default: return "unknown";
	}
}

static int fail(char *err, size_t errlen, int code, const char *msg)
{
	snprintf(err, errlen, "%s: %s", tuf_strerror(code), msg);
	return code;
}

void tuf_keygen(unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	crypto_sign_keypair(pk, sk);
}

void tuf_keyid(const unsigned char pk[crypto_sign_PUBLICKEYBYTES], char id[TUF_KEYID_LEN])
{
	unsigned char h[32];
	crypto_hash_sha256(h, pk, crypto_sign_PUBLICKEYBYTES);
	util_hex(h, sizeof(h), id);
}

void tuf_sign(json_object *signed_part, const unsigned char (*sks)[crypto_sign_SECRETKEYBYTES],
	      int n, buf *out)
{
	buf c;
	json_object *env = json_object_new_object(), *sigs = json_object_new_array();
	buf_init(&c);
	canon_json(signed_part, &c);
	for (int i = 0; i < n; i++) {
		unsigned char sig[crypto_sign_BYTES], pk[crypto_sign_PUBLICKEYBYTES];
		char hex[2 * crypto_sign_BYTES + 1], id[TUF_KEYID_LEN];
		crypto_sign_detached(sig, NULL, (const unsigned char *)c.data, c.len, sks[i]);
		crypto_sign_ed25519_sk_to_pk(pk, sks[i]);
		tuf_keyid(pk, id);
		util_hex(sig, sizeof(sig), hex);
		json_object *s = json_object_new_object();
		json_object_object_add(s, "keyid", json_object_new_string(id));
		json_object_object_add(s, "sig", json_object_new_string(hex));
		json_object_array_add(sigs, s);
	}
	json_object_object_add(env, "signatures", sigs);
	json_object_object_add(env, "signed", signed_part);
	buf_reset(out);
	canon_json(env, out);
	json_object_put(env);
	buf_release(&c);
}

/* ---- parsing helpers ---- */

static json_object *parse(const char *doc, size_t len)
{
	json_tokener *tok;
	json_object *o;
	if (len > (64u << 20))
		return NULL;
	tok = json_tokener_new_ex(64);
	o = json_tokener_parse_ex(tok, doc, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) < len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static json_object *member(json_object *o, const char *k, json_type t)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *str_member(json_object *o, const char *k)
{
	json_object *v = member(o, k, json_type_string);
	return v ? json_object_get_string(v) : NULL;
}

static int int_member(json_object *o, const char *k, long long lo, long long hi, long long *out)
{
	json_object *v = member(o, k, json_type_int);
	if (!v)
		return -1;
	*out = json_object_get_int64(v);
	return *out >= lo && *out <= hi ? 0 : -1;
}

static int hex_bytes(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;
	return hex && strlen(hex) == 2 * n &&
			       sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) == 0 && got == n
		       ? 0
		       : -1;
}

static int sha_ok(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* The envelope's parts: signed (borrowed) and its canonical bytes. */
static int envelope(json_object *doc, const char *type, json_object **signed_part, buf *canon)
{
	const char *t;
	*signed_part = member(doc, "signed", json_type_object);
	if (!*signed_part || !member(doc, "signatures", json_type_array))
		return -1;
	t = str_member(*signed_part, "_type");
	if (!t || strcmp(t, type) != 0)
		return -1;
	canon_json(*signed_part, canon);
	return 0;
}

static const tuf_key *find_key(const tuf_root *r, const char *id)
{
	for (int i = 0; i < r->nkeys; i++)
		if (strcmp(r->keys[i].id, id) == 0)
			return &r->keys[i];
	return NULL;
}

static int role_has(const tuf_root *r, int role, const char *id)
{
	for (int i = 0; i < r->roles[role].nids; i++)
		if (strcmp(r->roles[role].ids[i], id) == 0)
			return 1;
	return 0;
}

/* 1 when at least the role's threshold of distinct, authorised, known keys signed
 * the canonical bytes. A key id listed twice counts once. */
static int threshold_met(const tuf_root *r, int role, json_object *doc, const buf *canon)
{
	json_object *sigs = member(doc, "signatures", json_type_array);
	char counted[TUF_MAX_KEYS][TUF_KEYID_LEN];
	int n = 0;
	size_t len = json_object_array_length(sigs);
	if (r->roles[role].threshold < 1)
		return 0;
	for (size_t i = 0; i < len && i < 64; i++) {
		json_object *s = json_object_array_get_idx(sigs, i);
		const char *id = str_member(s, "keyid"), *hex = str_member(s, "sig");
		unsigned char sig[crypto_sign_BYTES];
		const tuf_key *k;
		int dup = 0;
		if (!id || !hex || hex_bytes(hex, sig, sizeof(sig)) < 0 || !role_has(r, role, id) ||
		    !(k = find_key(r, id)))
			continue;
		for (int j = 0; j < n; j++)
			dup |= strcmp(counted[j], id) == 0;
		if (dup || n == TUF_MAX_KEYS)
			continue;
		if (crypto_sign_verify_detached(sig, (const unsigned char *)canon->data, canon->len,
						k->pk) != 0)
			continue;
		snprintf(counted[n++], TUF_KEYID_LEN, "%s", id);
	}
	return n >= r->roles[role].threshold;
}

static int expires_of(json_object *s, time_t *out)
{
	const char *e = str_member(s, "expires");
	return e && kdate_parse_rfc3339(e, out) == 0 ? 0 : -1;
}

/* ---- root ---- */

static int parse_root(json_object *s, tuf_root *r)
{
	json_object *keys = member(s, "keys", json_type_object), *roles;
	memset(r, 0, sizeof(*r));
	if (int_member(s, "version", 1, (1LL << 53), &r->version) < 0 || expires_of(s, &r->expires) < 0 ||
	    !keys || !(roles = member(s, "roles", json_type_object)))
		return -1;
	json_object_object_foreach(keys, kid, kv)
	{
		const char *type = str_member(kv, "keytype"), *pub = str_member(kv, "public");
		tuf_key *k;
		char want[TUF_KEYID_LEN];
		if (r->nkeys == TUF_MAX_KEYS || !type || strcmp(type, "ed25519") != 0)
			return -1;
		k = &r->keys[r->nkeys];
		if (hex_bytes(pub, k->pk, sizeof(k->pk)) < 0)
			return -1;
		tuf_keyid(k->pk, want);
		if (strcmp(want, kid) != 0)
			return -1; /* an id must name its key: no aliasing */
		snprintf(k->id, sizeof(k->id), "%s", kid);
		r->nkeys++;
	}
	for (int role = 0; role < TUF_NROLES; role++) {
		json_object *ro = member(roles, role_names[role], json_type_object), *ids;
		long long th;
		if (!ro || int_member(ro, "threshold", 1, TUF_MAX_KEYS, &th) < 0 ||
		    !(ids = member(ro, "keyids", json_type_array)))
			return -1;
		r->roles[role].threshold = (int)th;
		for (size_t i = 0; i < json_object_array_length(ids); i++) {
			const char *id = json_object_get_string(json_object_array_get_idx(ids, i));
			if (!id || !find_key(r, id) || r->roles[role].nids == TUF_MAX_KEYS)
				return -1;
			snprintf(r->roles[role].ids[r->roles[role].nids++], TUF_KEYID_LEN, "%s", id);
		}
	}
	return 0;
}

int tuf_root_load(const char *doc, size_t len, tuf_root *out, char *err, size_t errlen)
{
	json_object *d = parse(doc, len), *s;
	buf c;
	int rc = TUF_OK;
	buf_init(&c);
	if (!d || envelope(d, "root", &s, &c) < 0 || parse_root(s, out) < 0)
		rc = fail(err, errlen, TUF_EFORMAT, "not a root document");
	else if (!threshold_met(out, TUF_ROOT, d, &c))
		rc = fail(err, errlen, TUF_ESIG, "root not signed by its own root keys");
	json_object_put(d);
	buf_release(&c);
	return rc;
}

int tuf_root_update(const tuf_root *trusted, const char *doc, size_t len, tuf_root *next,
		    char *err, size_t errlen)
{
	json_object *d = parse(doc, len), *s;
	buf c;
	int rc = TUF_OK;
	buf_init(&c);
	if (!d || envelope(d, "root", &s, &c) < 0 || parse_root(s, next) < 0)
		rc = fail(err, errlen, TUF_EFORMAT, "not a root document");
	else if (!threshold_met(trusted, TUF_ROOT, d, &c))
		rc = fail(err, errlen, TUF_ESIG, "new root not signed by the trusted root's keys");
	else if (!threshold_met(next, TUF_ROOT, d, &c))
		rc = fail(err, errlen, TUF_ESIG, "new root not signed by its own root keys");
	else if (next->version != trusted->version + 1)
		rc = fail(err, errlen, TUF_EROLLBACK, "root versions go up by exactly one");
	json_object_put(d);
	buf_release(&c);
	return rc;
}

int tuf_role_changed(const tuf_root *a, const tuf_root *b, int role)
{
	if (a->roles[role].threshold != b->roles[role].threshold ||
	    a->roles[role].nids != b->roles[role].nids)
		return 1;
	for (int i = 0; i < a->roles[role].nids; i++)
		if (!role_has(b, role, a->roles[role].ids[i]))
			return 1;
	return 0;
}

/* ---- timestamp ---- */

int tuf_timestamp_verify(const tuf_root *root, const char *doc, size_t len, time_t now,
			 long long min_version, tuf_timestamp *out, char *err, size_t errlen)
{
	json_object *d = parse(doc, len), *s, *rel;
	buf c;
	long long size;
	int rc = TUF_OK;
	const char *sha;
	buf_init(&c);
	memset(out, 0, sizeof(*out));
	if (!d || envelope(d, "timestamp", &s, &c) < 0 ||
	    int_member(s, "version", 1, (1LL << 53), &out->version) < 0 ||
	    expires_of(s, &out->expires) < 0 || !(rel = member(s, "release", json_type_object)) ||
	    int_member(rel, "version", 1, (1LL << 53), &out->release_version) < 0 ||
	    /* json-c holds the parsed release in memory many times its size: 8 MiB
	     * of JSON (about 80,000 chunks, 80 GB of content) keeps the agent well
	     * under its unit's memory limit */
	    int_member(rel, "size", 1, 8LL << 20, &size) < 0 || !sha_ok(sha = str_member(rel, "sha256"))) {
		rc = fail(err, errlen, TUF_EFORMAT, "not a timestamp document");
	} else if (!threshold_met(root, TUF_TIMESTAMP, d, &c)) {
		rc = fail(err, errlen, TUF_ESIG, "timestamp");
	} else if (out->version < min_version) {
		rc = fail(err, errlen, TUF_EROLLBACK, "timestamp older than one already seen");
	} else if (now > out->expires) {
		rc = fail(err, errlen, TUF_EEXPIRED, "timestamp (the metadata may be frozen)");
	} else if (now > root->expires) {
		rc = fail(err, errlen, TUF_EEXPIRED, "root");
	} else {
		out->release_size = (uint64_t)size;
		snprintf(out->release_sha256, sizeof(out->release_sha256), "%s", sha);
	}
	json_object_put(d);
	buf_release(&c);
	return rc;
}

/* ---- release ---- */

static int path_ok(const char *p)
{
	size_t n = strlen(p);
	if (n == 0 || n > 1024 || p[0] == '/' || p[n - 1] == '/')
		return 0;
	for (const char *seg = p; *seg;) {
		size_t l = strcspn(seg, "/");
		if (l == 0 || (l == 1 && seg[0] == '.') || (l == 2 && seg[0] == '.' && seg[1] == '.'))
			return 0;
		seg += l;
		if (*seg == '/')
			seg++;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20)
			return 0;
	return 1;
}

void tuf_release_free(tuf_release *r)
{
	for (int i = 0; i < r->nfiles; i++) {
		free(r->files[i].path);
		free(r->files[i].chunks);
	}
	free(r->files);
	memset(r, 0, sizeof(*r));
}

static int parse_files(json_object *arr, tuf_release *r)
{
	size_t n = json_object_array_length(arr);
	if (n > 100000)
		return -1;
	r->files = xcalloc(n + 1, sizeof(*r->files));
	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(arr, i), *chunks;
		tuf_file *t = &r->files[r->nfiles];
		const char *path = str_member(f, "path"), *sha = str_member(f, "sha256");
		long long mode, size;
		if (!path || !path_ok(path) || !sha_ok(sha) || int_member(f, "mode", 0, 07777, &mode) < 0 ||
		    int_member(f, "size", 0, (1LL << 42), &size) < 0 ||
		    !(chunks = member(f, "chunks", json_type_array)))
			return -1;
		for (int k = 0; k < r->nfiles; k++)
			if (strcmp(r->files[k].path, path) == 0)
				return -1; /* one path, one file */
		t->path = xstrdup(path);
		r->nfiles++;
		t->mode = (unsigned)mode;
		t->size = (uint64_t)size;
		snprintf(t->sha256, sizeof(t->sha256), "%s", sha);
		size_t nc = json_object_array_length(chunks);
		if (nc > (size_t)(size / TUF_CHUNK + 1))
			return -1;
		t->chunks = xcalloc(nc + 1, sizeof(*t->chunks));
		uint64_t at = 0;
		for (size_t k = 0; k < nc; k++) {
			json_object *c = json_object_array_get_idx(chunks, k);
			long long off, cs;
			const char *csha = str_member(c, "sha256");
			if (int_member(c, "offset", 0, (1LL << 42), &off) < 0 ||
			    int_member(c, "size", 1, TUF_CHUNK, &cs) < 0 || !sha_ok(csha) ||
			    (uint64_t)off != at)
				return -1; /* chunks tile the file, in order */
			t->chunks[k].offset = (uint64_t)off;
			t->chunks[k].size = (uint32_t)cs;
			snprintf(t->chunks[k].sha256, sizeof(t->chunks[k].sha256), "%s", csha);
			at += (uint64_t)cs;
			t->nchunks++;
		}
		if (at != t->size)
			return -1;
	}
	return 0;
}

int tuf_release_verify(const tuf_root *root, const tuf_timestamp *ts, const char *doc,
		       size_t len, time_t now, long long installed_version, const char *hardware,
		       tuf_release *out, char *err, size_t errlen)
{
	unsigned char h[32];
	char hex[65];
	json_object *d = NULL, *s, *files;
	buf c;
	int rc = TUF_OK;
	const char *sv, *hw;

	memset(out, 0, sizeof(*out));
	buf_init(&c);
	/* the bytes first: only what the timestamp names is even parsed */
	if ((uint64_t)len != ts->release_size) {
		rc = fail(err, errlen, len > ts->release_size ? TUF_ESIZE : TUF_EMIX,
			  "release metadata is not the size the timestamp says");
		goto out;
	}
	crypto_hash_sha256(h, (const unsigned char *)doc, len);
	util_hex(h, sizeof(h), hex);
	if (strcmp(hex, ts->release_sha256) != 0) {
		rc = fail(err, errlen, TUF_EMIX, "release metadata is not the one the timestamp names");
		goto out;
	}
	d = parse(doc, len);
	if (!d || envelope(d, "release", &s, &c) < 0 ||
	    int_member(s, "version", 1, (1LL << 53), &out->version) < 0 ||
	    expires_of(s, &out->expires) < 0 || !(sv = str_member(s, "software_version")) ||
	    strlen(sv) >= sizeof(out->software_version) || !(hw = str_member(s, "hardware")) ||
	    strlen(hw) >= sizeof(out->hardware) || !(files = member(s, "files", json_type_array)) ||
	    parse_files(files, out) < 0) {
		rc = fail(err, errlen, TUF_EFORMAT, "not a release document");
	} else if (!threshold_met(root, TUF_RELEASE, d, &c)) {
		rc = fail(err, errlen, TUF_ESIG, "release");
	} else if (out->version != ts->release_version) {
		rc = fail(err, errlen, TUF_EMIX, "release version differs from the timestamp's");
	} else if (out->version <= installed_version) {
		rc = fail(err, errlen, TUF_EROLLBACK, "not newer than the installed release");
	} else if (now > out->expires) {
		rc = fail(err, errlen, TUF_EEXPIRED, "release");
	} else if (strcmp(hw, hardware) != 0) {
		rc = fail(err, errlen, TUF_EHARDWARE, "release for another hardware class");
	} else {
		snprintf(out->software_version, sizeof(out->software_version), "%s", sv);
		snprintf(out->hardware, sizeof(out->hardware), "%s", hw);
	}
out:
	if (rc != TUF_OK)
		tuf_release_free(out);
	json_object_put(d);
	buf_release(&c);
	return rc;
}

/* ---- file checks ---- */

void tuf_check_init(tuf_check *c, uint64_t size, const char *sha256)
{
	sha256_init(&c->st);
	c->want = size;
	c->got = 0;
	snprintf(c->sha256, sizeof(c->sha256), "%s", sha256);
}

int tuf_check_feed(tuf_check *c, const void *data, size_t n)
{
	if (n > c->want - c->got)
		return TUF_ESIZE; /* endless data: refused before it is used */
	sha256_update(&c->st, data, n);
	c->got += n;
	return TUF_OK;
}

int tuf_check_finish(tuf_check *c)
{
	char hex[65];
	if (c->got != c->want)
		return TUF_ESIZE;
	sha256_final_hex(&c->st, hex);
	return strcmp(hex, c->sha256) == 0 ? TUF_OK : TUF_EHASH;
}

void tuf_file_chunks(const unsigned char *data, uint64_t size, tuf_file *f)
{
	int n = (int)((size + TUF_CHUNK - 1) / TUF_CHUNK);
	f->size = size;
	sha256_hex(data, size, f->sha256);
	f->chunks = xcalloc((size_t)n + 1, sizeof(*f->chunks));
	f->nchunks = n;
	for (int i = 0; i < n; i++) {
		uint64_t off = (uint64_t)i * TUF_CHUNK;
		uint32_t len = (uint32_t)(size - off < TUF_CHUNK ? size - off : TUF_CHUNK);
		f->chunks[i].offset = off;
		f->chunks[i].size = len;
		sha256_hex(data + off, len, f->chunks[i].sha256);
	}
}

/* ---- counters ---- */

int tuf_counters_load(const char *path, tuf_counters *c, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char data[512];
	size_t n;
	json_object *o;
	memset(c, 0, sizeof(*c));
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(data, 1, sizeof(data) - 1, f);
	fclose(f);
	o = parse(data, n);
	if (!o || int_member(o, "root", 0, (1LL << 53), &c->root) < 0 ||
	    int_member(o, "timestamp", 0, (1LL << 53), &c->timestamp) < 0 ||
	    int_member(o, "release", 0, (1LL << 53), &c->release) < 0) {
		json_object_put(o);
		snprintf(err, errlen, "%s: unreadable counters (refusing updates)", path);
		return -1;
	}
	json_object_put(o);
	return 0;
}

int tuf_counters_store(const char *path, const tuf_counters *c, char *err, size_t errlen)
{
	char tmp[4096], dir[4096], body[256];
	int fd, n, ok;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	n = snprintf(body, sizeof(body), "{\"release\":%lld,\"root\":%lld,\"timestamp\":%lld}\n",
		     c->release, c->root, c->timestamp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	ok = write(fd, body, (size_t)n) == n && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) < 0)
		goto fail;
	/* the rename itself reaches the disk */
	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	unlink(tmp);
	return -1;
}
