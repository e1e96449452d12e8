/*
 * jk-release - signs update metadata on an IT workstation (the offline keys never
 * leave it; the fleet server only serves what this writes). docs/updates.md.
 *
 *	jk-release keygen KEYFILE
 *	jk-release root --version N --expires-days D --sign KEY... \
 *	    --root KEY.pub,... --root-threshold T --release KEY.pub,... \
 *	    --release-threshold T --timestamp KEY.pub,... --timestamp-threshold T
 *	jk-release release --dir DIR --version N --software-version S --hardware H \
 *	    --expires-days D --sign KEY... [--chunks-dir OUT]
 *	jk-release timestamp --release FILE --version N --expires-hours H --sign KEY...
 *	jk-release verify --root FILE --timestamp FILE --release FILE --hardware H \
 *	    [--installed N]
 *
 * Documents go to standard output; errors to standard error with a non-zero exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "kdate.h"
#include "tuf.h"

static int die_msg(const char *fmt, const char *a)
{
	fprintf(stderr, "jk-release: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	return 1;
}

static int read_all(const char *path, buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
	return 0;
}

static int write_file(const char *path, const void *data, size_t n, unsigned mode)
{
	FILE *f;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || !(f = fdopen(fd, "wb")))
		return -1;
	int ok = fwrite(data, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* Options: repeated --sign, the rest once. */
struct opts {
	const char *v[32][2];
	int n;
	const char *sign[TUF_MAX_KEYS];
	int nsign;
};

static const char *opt(const struct opts *o, const char *k)
{
	for (int i = 0; i < o->n; i++)
		if (strcmp(o->v[i][0], k) == 0)
			return o->v[i][1];
	return NULL;
}

static long long num(const struct opts *o, const char *k, long long def)
{
	const char *v = opt(o, k);
	long long n;
	if (!v)
		return def;
	if (util_parse_long(v, 0, (1LL << 53), &n) < 0) {
		fprintf(stderr, "jk-release: --%s: expected a number\n", k);
		exit(2);
	}
	return n;
}

static void expires(long long seconds, char *out)
{
	kdate_format_rfc3339(time(NULL) + (time_t)seconds, out);
}

static int load_secret(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
	buf b;
	size_t got = 0;
	int rc;
	buf_init(&b);
	if (read_all(path, &b) < 0)
		return -1;
	rc = b.len >= 2 * crypto_sign_SECRETKEYBYTES &&
			     sodium_hex2bin(sk, crypto_sign_SECRETKEYBYTES, b.data,
					    2 * crypto_sign_SECRETKEYBYTES, NULL, &got, NULL) == 0 &&
			     got == crypto_sign_SECRETKEYBYTES
		     ? 0
		     : -1;
	buf_wipe(&b);
	return rc;
}

static int sign_and_print(json_object *signed_part, const struct opts *o)
{
	unsigned char (*sks)[crypto_sign_SECRETKEYBYTES] =
		sodium_malloc(TUF_MAX_KEYS * crypto_sign_SECRETKEYBYTES);
	buf out;
	if (!sks || o->nsign == 0) {
		json_object_put(signed_part);
		return die_msg("%s", "at least one --sign KEY is needed");
	}
	for (int i = 0; i < o->nsign; i++)
		if (load_secret(o->sign[i], sks[i]) < 0) {
			sodium_free(sks);
			json_object_put(signed_part);
			return die_msg("%s: not a secret key file", o->sign[i]);
		}
	buf_init(&out);
	tuf_sign(signed_part, (const unsigned char(*)[crypto_sign_SECRETKEYBYTES])sks, o->nsign, &out);
	sodium_free(sks);
	buf_addc(&out, '\n');
	fwrite(out.data, 1, out.len, stdout);
	buf_release(&out);
	return 0;
}

static int cmd_keygen(const char *path)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	char hex[2 * crypto_sign_SECRETKEYBYTES + 2], id[TUF_KEYID_LEN], pub[4096];
	tuf_keygen(pk, sk);
	util_hex(sk, sizeof(sk), hex);
	sodium_memzero(sk, sizeof(sk));
	hex[2 * crypto_sign_SECRETKEYBYTES] = '\n';
	hex[2 * crypto_sign_SECRETKEYBYTES + 1] = '\0';
	if (access(path, F_OK) == 0)
		return die_msg("%s exists: keys are never overwritten", path);
	if (write_file(path, hex, strlen(hex), 0600) < 0)
		return die_msg("cannot write %s", path);
	sodium_memzero(hex, sizeof(hex));
	util_hex(pk, sizeof(pk), hex);
	hex[2 * crypto_sign_PUBLICKEYBYTES] = '\n';
	hex[2 * crypto_sign_PUBLICKEYBYTES + 1] = '\0';
	snprintf(pub, sizeof(pub), "%s.pub", path);
	if (write_file(pub, hex, strlen(hex), 0644) < 0)
		return die_msg("cannot write %s", pub);
	tuf_keyid(pk, id);
	printf("%s\n", id);
	return 0;
}

static int add_role(json_object *keys, json_object *roles, const char *name, const char *list,
		    long long threshold)
{
	json_object *ids = json_object_new_array(), *r = json_object_new_object();
	char *copy = xstrdup(list ? list : ""), *save = NULL;
	for (char *p = strtok_r(copy, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		buf b;
		unsigned char pk[crypto_sign_PUBLICKEYBYTES];
		size_t got = 0;
		char id[TUF_KEYID_LEN], hex[2 * crypto_sign_PUBLICKEYBYTES + 1];
		buf_init(&b);
		if (read_all(p, &b) < 0 || b.len < sizeof(hex) - 1 ||
		    sodium_hex2bin(pk, sizeof(pk), b.data, sizeof(hex) - 1, NULL, &got, NULL) != 0) {
			buf_release(&b);
			free(copy);
			json_object_put(ids);
			json_object_put(r);
			return die_msg("%s: not a public key file", p);
		}
		buf_release(&b);
		tuf_keyid(pk, id);
		util_hex(pk, sizeof(pk), hex);
		json_object *k = json_object_new_object();
		json_object_object_add(k, "keytype", json_object_new_string("ed25519"));
		json_object_object_add(k, "public", json_object_new_string(hex));
		json_object_object_add(keys, id, k);
		json_object_array_add(ids, json_object_new_string(id));
	}
	free(copy);
	json_object_object_add(r, "keyids", ids);
	json_object_object_add(r, "threshold", json_object_new_int64(threshold));
	json_object_object_add(roles, name, r);
	return 0;
}

static int cmd_root(const struct opts *o)
{
	char exp[40];
	json_object *s = json_object_new_object(), *keys = json_object_new_object(),
		    *roles = json_object_new_object();
	static const char *const names[] = {"root", "release", "timestamp"};
	expires(num(o, "expires-days", 365) * 86400, exp);
	for (int i = 0; i < 3; i++) {
		char th[48];
		snprintf(th, sizeof(th), "%s-threshold", names[i]);
		if (!opt(o, names[i]) || add_role(keys, roles, names[i], opt(o, names[i]),
						   num(o, th, 1)) != 0) {
			json_object_put(s);
			json_object_put(keys);
			json_object_put(roles);
			return die_msg("--%s KEY.pub,... is needed", names[i]);
		}
	}
	json_object_object_add(s, "_type", json_object_new_string("root"));
	json_object_object_add(s, "version", json_object_new_int64(num(o, "version", 1)));
	json_object_object_add(s, "expires", json_object_new_string(exp));
	json_object_object_add(s, "keys", keys);
	json_object_object_add(s, "roles", roles);
	return sign_and_print(s, o);
}

/* Adds the regular files under dir/rel to files (sorted by path). */
static int walk(const char *dir, const char *rel, json_object *files, const char *chunks_dir)
{
	char path[4096];
	struct dirent **ents;
	snprintf(path, sizeof(path), "%s%s%s", dir, rel[0] ? "/" : "", rel);
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return die_msg("cannot read %s", path);
	for (int i = 0; i < n; i++) {
		char r2[4096], full[8192];
		struct stat st;
		const char *name = ents[i]->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			free(ents[i]);
			continue;
		}
		snprintf(r2, sizeof(r2), "%s%s%s", rel, rel[0] ? "/" : "", name);
		snprintf(full, sizeof(full), "%s/%s", dir, r2);
		free(ents[i]);
		if (lstat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (walk(dir, r2, files, chunks_dir) != 0)
				return 1;
			continue;
		}
		if (!S_ISREG(st.st_mode))
			continue; /* links and devices are not shipped */
		buf data;
		tuf_file f = {0};
		buf_init(&data);
		if (read_all(full, &data) < 0)
			return die_msg("cannot read %s", full);
		tuf_file_chunks((const unsigned char *)(data.data ? data.data : ""), data.len, &f);
		json_object *fo = json_object_new_object(), *ch = json_object_new_array();
		json_object_object_add(fo, "path", json_object_new_string(r2));
		json_object_object_add(fo, "mode", json_object_new_int(st.st_mode & 0777));
		json_object_object_add(fo, "size", json_object_new_int64((int64_t)f.size));
		json_object_object_add(fo, "sha256", json_object_new_string(f.sha256));
		for (int k = 0; k < f.nchunks; k++) {
			json_object *c = json_object_new_object();
			json_object_object_add(c, "offset", json_object_new_int64((int64_t)f.chunks[k].offset));
			json_object_object_add(c, "size", json_object_new_int64(f.chunks[k].size));
			json_object_object_add(c, "sha256", json_object_new_string(f.chunks[k].sha256));
			json_object_array_add(ch, c);
			if (chunks_dir) { /* content-addressed: served statically, deduplicated */
				char cp[4096];
				snprintf(cp, sizeof(cp), "%s/%s", chunks_dir, f.chunks[k].sha256);
				if (access(cp, F_OK) != 0 &&
				    write_file(cp, data.data + f.chunks[k].offset, f.chunks[k].size, 0644) < 0)
					return die_msg("cannot write %s", cp);
			}
		}
		json_object_object_add(fo, "chunks", ch);
		json_object_array_add(files, fo);
		free(f.chunks);
		buf_release(&data);
	}
	free(ents);
	return 0;
}

/* 1 when dir/VERSION exists and its first line is not sv, or is not what the
 * kiosk accepts as a version (kconf.c: printable ASCII without spaces, quotes or
 * backslashes): the kiosk reports that line, and the agent's health check wants
 * it to be the release's. */
static int version_file_differs(const char *dir, const char *sv)
{
	char p[4096], line[128];
	snprintf(p, sizeof(p), "%s/VERSION", dir);
	int rc = util_version_file(p, line, sizeof(line));
	return rc < 0 || (rc == 1 && strcmp(line, sv) != 0);
}

static int cmd_release(const struct opts *o)
{
	char exp[40];
	const char *dir = opt(o, "dir"), *sv = opt(o, "software-version"), *hw = opt(o, "hardware");
	const char *cd = opt(o, "chunks-dir");
	json_object *s, *files;
	if (!dir || !sv || !hw || !opt(o, "version"))
		return die_msg("%s", "release needs --dir, --version, --software-version, --hardware");
	if (cd && util_mkdir_p(cd, 0755) < 0)
		return die_msg("cannot make %s", cd);
	if (version_file_differs(dir, sv))
		return die_msg("%s/VERSION must say the --software-version, one word of printable "
			       "ASCII: the agent checks the kiosk reports it (docs/updates.md)",
			       dir);
	files = json_object_new_array();
	if (walk(dir, "", files, cd) != 0) {
		json_object_put(files);
		return 1;
	}
	expires(num(o, "expires-days", 30) * 86400, exp);
	s = json_object_new_object();
	json_object_object_add(s, "_type", json_object_new_string("release"));
	json_object_object_add(s, "version", json_object_new_int64(num(o, "version", 1)));
	json_object_object_add(s, "expires", json_object_new_string(exp));
	json_object_object_add(s, "software_version", json_object_new_string(sv));
	json_object_object_add(s, "hardware", json_object_new_string(hw));
	json_object_object_add(s, "files", files);
	return sign_and_print(s, o);
}

static int cmd_timestamp(const struct opts *o)
{
	char exp[40], hex[65];
	unsigned char h[32];
	const char *rel = opt(o, "release");
	buf b;
	json_object *s, *r;
	long long rv;
	if (!rel || !opt(o, "version"))
		return die_msg("%s", "timestamp needs --release FILE and --version N");
	buf_init(&b);
	if (read_all(rel, &b) < 0 || !b.len)
		return die_msg("cannot read %s", rel);
	/* the release's own version, from its signed part */
	json_object *doc = json_tokener_parse(b.data ? b.data : ""), *sp, *v;
	if (!doc || !json_object_object_get_ex(doc, "signed", &sp) ||
	    !json_object_object_get_ex(sp, "version", &v)) {
		json_object_put(doc);
		buf_release(&b);
		return die_msg("%s: not release metadata", rel);
	}
	rv = json_object_get_int64(v);
	json_object_put(doc);
	crypto_hash_sha256(h, (const unsigned char *)b.data, b.len);
	util_hex(h, sizeof(h), hex);
	expires(num(o, "expires-hours", 24) * 3600, exp);
	r = json_object_new_object();
	json_object_object_add(r, "version", json_object_new_int64(rv));
	json_object_object_add(r, "size", json_object_new_int64((int64_t)b.len));
	json_object_object_add(r, "sha256", json_object_new_string(hex));
	s = json_object_new_object();
	json_object_object_add(s, "_type", json_object_new_string("timestamp"));
	json_object_object_add(s, "version", json_object_new_int64(num(o, "version", 1)));
	json_object_object_add(s, "expires", json_object_new_string(exp));
	json_object_object_add(s, "release", r);
	buf_release(&b);
	return sign_and_print(s, o);
}

static int cmd_verify(const struct opts *o)
{
	buf rb, tb, lb;
	tuf_root root;
	tuf_timestamp ts;
	tuf_release rel;
	char err[256];
	int rc;
	buf_init(&rb);
	buf_init(&tb);
	buf_init(&lb);
	if (!opt(o, "root") || !opt(o, "timestamp") || !opt(o, "release") || !opt(o, "hardware") ||
	    read_all(opt(o, "root"), &rb) < 0 || read_all(opt(o, "timestamp"), &tb) < 0 ||
	    read_all(opt(o, "release"), &lb) < 0)
		return die_msg("%s", "verify needs readable --root, --timestamp, --release, --hardware");
	if ((rc = tuf_root_load(rb.data, rb.len, &root, err, sizeof(err))) != TUF_OK ||
	    (rc = tuf_timestamp_verify(&root, tb.data, tb.len, time(NULL), 0, &ts, err,
				       sizeof(err))) != TUF_OK ||
	    (rc = tuf_release_verify(&root, &ts, lb.data, lb.len, time(NULL), num(o, "installed", 0),
				     opt(o, "hardware"), &rel, err, sizeof(err))) != TUF_OK) {
		fprintf(stderr, "jk-release: refused: %s\n", err);
		rc = 1;
	} else {
		printf("ok: release %lld (%s) for %s, %d files\n", rel.version, rel.software_version,
		       rel.hardware, rel.nfiles);
		tuf_release_free(&rel);
	}
	buf_release(&rb);
	buf_release(&tb);
	buf_release(&lb);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o = {0};
	if (sodium_init() < 0)
		return die_msg("%s", "libsodium failed to start");
	if (argc < 2) {
		fprintf(stderr, "usage: jk-release keygen|root|release|timestamp|verify ... "
				"(docs/updates.md)\n");
		return 2;
	}
	if (strcmp(argv[1], "keygen") == 0)
		return argc == 3 ? cmd_keygen(argv[2]) : die_msg("%s", "keygen KEYFILE");
	for (int i = 2; i < argc; i++) {
		if (strncmp(argv[i], "--", 2) != 0 || i + 1 >= argc)
			return die_msg("bad argument %s", argv[i]);
		if (strcmp(argv[i], "--sign") == 0) {
			if (o.nsign == TUF_MAX_KEYS)
				return die_msg("%s", "too many --sign");
			o.sign[o.nsign++] = argv[++i];
		} else {
			if (o.n == 32)
				return die_msg("%s", "too many options");
			o.v[o.n][0] = argv[i] + 2;
			o.v[o.n++][1] = argv[++i];
		}
	}
	if (strcmp(argv[1], "root") == 0)
		return cmd_root(&o);
	if (strcmp(argv[1], "release") == 0)
		return cmd_release(&o);
	if (strcmp(argv[1], "timestamp") == 0)
		return cmd_timestamp(&o);
	if (strcmp(argv[1], "verify") == 0)
		return cmd_verify(&o);
	return die_msg("unknown command %s", argv[1]);
}
