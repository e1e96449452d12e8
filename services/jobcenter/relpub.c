/*
 * relpub.c - published releases: checks and placement (relpub.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "relpub.h"
#include "tuf.h"

#define META_MAX (16u << 20)

static int read_all(const char *p, buf *b, size_t max)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(p, "rb");
	buf_reset(b);
	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len + n <= max)
		buf_add(b, chunk, n);
	int bad = ferror(f) || n > 0;
	fclose(f);
	buf_addc(b, '\0');
	b->len--;
	return bad ? -1 : 0;
}

static void sync_dir(const char *d)
{
	int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Ends a write through tmp: synced, closed, renamed over dst (or removed). */
static int finish(FILE *out, const char *tmp, const char *dst, int ok)
{
	ok = fflush(out) == 0 && fsync(fileno(out)) == 0 && ok;
	ok = fclose(out) == 0 && ok;
	if (!ok || rename(tmp, dst) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Copies src to dst through dst.tmp, synced, renamed. */
static int copy_in(const char *src, const char *dst)
{
	char tmp[4300], b[65536];
	size_t n;
	int ok = 1;
	FILE *in = fopen(src, "rb"), *out;
	if (!in)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	if (!(out = fopen(tmp, "wb"))) {
		fclose(in);
		return -1;
	}
	while (ok && (n = fread(b, 1, sizeof(b), in)) > 0)
		ok = fwrite(b, 1, n, out) == n;
	ok = ok && !ferror(in);
	fclose(in);
	return finish(out, tmp, dst, ok);
}

/* Writes data to dst through dst.tmp, synced, renamed. */
static int write_in(const char *dst, const char *data, size_t n)
{
	char tmp[4300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	FILE *out = fopen(tmp, "wb");
	if (!out)
		return -1;
	return finish(out, tmp, dst, fwrite(data, 1, n, out) == n);
}

/* The chunk sha is in the store (dir) whole and correct. */
static int chunk_ok(const char *dir, const tuf_chunk *ch)
{
	char p[4200], hex[65];
	long long size;
	snprintf(p, sizeof(p), "%s/chunks/%s", dir, ch->sha256);
	return util_sha256_file(p, hex, &size) == 0 && (uint64_t)size == ch->size &&
	       strcmp(hex, ch->sha256) == 0;
}

/* The "version" of a published document (its signature was checked when it was
 * published), or 0 when there is none. */
static long long published_version(const char *rdir, const char *name)
{
	char p[4200];
	long long v = 0;
	json_object *o, *sg, *jv;
	snprintf(p, sizeof(p), "%s/%s", rdir, name);
	if (!(o = json_object_from_file(p)))
		return 0;
	if (json_object_object_get_ex(o, "signed", &sg) && json_object_object_get_ex(sg, "version", &jv))
		v = json_object_get_int64(jv);
	json_object_put(o);
	return v;
}

/* The release's hardware class, to check it against itself. */
static void peek_hardware(const char *doc, char *hw, size_t n)
{
	json_object *o = json_tokener_parse(doc), *s, *h;
	hw[0] = '\0';
	if (o && json_object_object_get_ex(o, "signed", &s) && json_object_object_get_ex(s, "hardware", &h) &&
	    json_object_is_type(h, json_type_string))
		snprintf(hw, n, "%s", json_object_get_string(h));
	json_object_put(o);
}

int rp_publish(const char *rdir, const char *from, const char *root_path, char *msg, size_t mn)
{
	char p[4200], q[4200], err[256] = "", hw[64];
	buf b, tb, lb;
	tuf_root root, next;
	tuf_timestamp ts;
	tuf_release rel = {0};
	int rc = -1, copied = 0, shared = 0, lock = -1;
	buf_init(&b);
	buf_init(&tb);
	buf_init(&lb);
	snprintf(p, sizeof(p), "%s/chunks", rdir);
	if (util_mkdir_p(p, 0755) < 0) {
		snprintf(msg, mn, "cannot make %.200s: %s", p, strerror(errno));
		goto out;
	}
	snprintf(p, sizeof(p), "%s/roots", rdir);
	if (util_mkdir_p(p, 0755) < 0) {
		snprintf(msg, mn, "cannot make %.200s: %s", p, strerror(errno));
		goto out;
	}
	/* one publisher at a time: two interleaved (a timestamp re-signing job and
	 * a release) would serve one's release.json with the other's timestamp */
	snprintf(p, sizeof(p), "%s/.publish.lock", rdir);
	lock = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (lock < 0 || flock(lock, LOCK_EX) < 0) {
		snprintf(msg, mn, "cannot lock %.200s: %s", p, strerror(errno));
		goto out;
	}
	/* the root kiosks ship with, then every newer one (published or new) */
	if (!root_path) {
		snprintf(q, sizeof(q), "%s/root.json", rdir);
		root_path = q;
	}
	if (read_all(root_path, &b, META_MAX) < 0 || tuf_root_load(b.data, b.len, &root, err, sizeof(err)) != TUF_OK) {
		snprintf(msg, mn, "root %.200s: %s", root_path,
			 b.len ? err : "missing (give --root, the root.json kiosks ship with)");
		goto out;
	}
	tuf_root shipped = root;
	buf shipped_doc;
	buf_init(&shipped_doc);
	buf_add(&shipped_doc, b.data, b.len);
	for (;;) {
		snprintf(p, sizeof(p), "%s/roots/%lld.json", from, root.version + 1);
		if (access(p, F_OK) != 0)
			snprintf(p, sizeof(p), "%s/roots/%lld.json", rdir, root.version + 1);
		if (read_all(p, &b, META_MAX) < 0)
			break;
		if (tuf_root_update(&root, b.data, b.len, &next, err, sizeof(err)) != TUF_OK) {
			snprintf(msg, mn, "root %lld: %s", root.version + 1, err);
			buf_release(&shipped_doc);
			goto out;
		}
		root = next;
	}
	snprintf(p, sizeof(p), "%s/timestamp.json", from);
	snprintf(q, sizeof(q), "%s/release.json", from);
	if (read_all(p, &tb, META_MAX) < 0 || read_all(q, &lb, META_MAX) < 0) {
		snprintf(msg, mn, "%.200s needs timestamp.json and release.json", from);
		buf_release(&shipped_doc);
		goto out;
	}
	peek_hardware(lb.data, hw, sizeof(hw));
	if (tuf_timestamp_verify(&root, tb.data, tb.len, time(NULL), 0, &ts, err, sizeof(err)) != TUF_OK ||
	    tuf_release_verify(&root, &ts, lb.data, lb.len, time(NULL), 0, hw, &rel, err, sizeof(err)) !=
		    TUF_OK) {
		snprintf(msg, mn, "refused: %s", err);
		buf_release(&shipped_doc);
		goto out;
	}
	/* never older than what is served: kiosks would refuse it as a rollback and
	 * the whole fleet would fail until someone published again */
	long long pub_ts = published_version(rdir, "timestamp.json"),
		  pub_rel = published_version(rdir, "release.json");
	if (ts.version <= pub_ts || rel.version < pub_rel) {
		snprintf(msg, mn,
			 "refused: timestamp %lld / release %lld are not newer than the published %lld / %lld"
			 " (sign a new timestamp with a higher --version)",
			 ts.version, rel.version, pub_ts, pub_rel);
		buf_release(&shipped_doc);
		goto out;
	}
	/* the same release version must be the same release: kiosks that have it
	 * would never fetch other bytes under its number */
	if (rel.version == pub_rel) {
		buf cur;
		buf_init(&cur);
		snprintf(q, sizeof(q), "%s/release.json", rdir);
		int same = read_all(q, &cur, META_MAX) == 0 && cur.len == lb.len &&
			   memcmp(cur.data, lb.data, lb.len) == 0;
		buf_release(&cur);
		if (!same) {
			snprintf(msg, mn, "refused: release %lld is already published with other contents"
					  " (sign it as %lld)", rel.version, rel.version + 1);
			buf_release(&shipped_doc);
			goto out;
		}
	}
	/* every chunk, checked, before anything served changes */
	for (int i = 0; i < rel.nfiles; i++)
		for (int k = 0; k < rel.files[i].nchunks; k++) {
			const tuf_chunk *ch = &rel.files[i].chunks[k];
			if (chunk_ok(rdir, ch)) {
				shared++;
				continue;
			}
			if (!chunk_ok(from, ch)) {
				snprintf(msg, mn, "chunk %.12s of %.200s missing or damaged in %.200s/chunks",
					 ch->sha256, rel.files[i].path, from);
				buf_release(&shipped_doc);
				goto out;
			}
			snprintf(p, sizeof(p), "%s/chunks/%s", from, ch->sha256);
			snprintf(q, sizeof(q), "%s/chunks/%s", rdir, ch->sha256);
			if (copy_in(p, q) < 0) {
				snprintf(msg, mn, "cannot write %.200s: %s", q, strerror(errno));
				buf_release(&shipped_doc);
				goto out;
			}
			if (!chunk_ok(rdir, ch)) { /* it changed while being copied */
				unlink(q);
				snprintf(msg, mn, "chunk %.12s changed while it was copied", ch->sha256);
				buf_release(&shipped_doc);
				goto out;
			}
			copied++;
		}
	snprintf(p, sizeof(p), "%s/chunks", rdir);
	sync_dir(p);
	/* the shipped root (for the next publish), the chain, then the two documents */
	snprintf(q, sizeof(q), "%s/root.json", rdir);
	if (root_path != q && write_in(q, shipped_doc.data, shipped_doc.len) < 0) {
		snprintf(msg, mn, "cannot write %.200s", q);
		buf_release(&shipped_doc);
		goto out;
	}
	buf_release(&shipped_doc);
	for (long long v = shipped.version + 1; v <= root.version; v++) {
		snprintf(p, sizeof(p), "%s/roots/%lld.json", from, v);
		snprintf(q, sizeof(q), "%s/roots/%lld.json", rdir, v);
		if (access(p, F_OK) == 0 && copy_in(p, q) < 0) {
			snprintf(msg, mn, "cannot write %.200s", q);
			goto out;
		}
	}
	/* the very bytes that were checked, not the files read again */
	snprintf(q, sizeof(q), "%s/release.json", rdir);
	if (write_in(q, lb.data, lb.len) < 0) {
		snprintf(msg, mn, "cannot write %.200s", q);
		goto out;
	}
	snprintf(q, sizeof(q), "%s/timestamp.json", rdir);
	if (write_in(q, tb.data, tb.len) < 0) {
		snprintf(msg, mn, "cannot write %.200s", q);
		goto out;
	}
	sync_dir(rdir);
	snprintf(msg, mn,
		 "published release %lld (%s, %s): %d files, %d chunks copied, %d already here; "
		 "timestamp %lld; root %lld",
		 rel.version, rel.software_version, rel.hardware, rel.nfiles, copied, shared, ts.version,
		 root.version);
	rc = 0;
out:
	if (lock >= 0)
		close(lock); /* and with it the lock */
	tuf_release_free(&rel);
	buf_release(&b);
	buf_release(&tb);
	buf_release(&lb);
	return rc;
}

static int hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

int rp_open(const char *rdir, const char *name, int *fd, uint64_t *size, char etag[40], int *immutable)
{
	char p[4200];
	struct stat st;
	long long v;
	*immutable = 0;
	if (strcmp(name, "timestamp.json") == 0 || strcmp(name, "release.json") == 0) {
		snprintf(p, sizeof(p), "%s/%s", rdir, name);
	} else if (strncmp(name, "chunks/", 7) == 0 && hex64(name + 7)) {
		snprintf(p, sizeof(p), "%s/%s", rdir, name);
		*immutable = 1;
	} else if (strncmp(name, "roots/", 6) == 0 && strlen(name) < 40 &&
		   strcmp(name + strlen(name) - 5, ".json") == 0) {
		char num[40];
		snprintf(num, sizeof(num), "%.*s", (int)(strlen(name) - 11), name + 6);
		if (util_parse_long(num, 1, 1LL << 40, &v) < 0)
			return -1;
		snprintf(p, sizeof(p), "%s/roots/%lld.json", rdir, v);
		*immutable = 1; /* a root version, once signed, never changes */
	} else {
		return -1;
	}
	if ((*fd = open(p, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(*fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	snprintf(etag, 40, "\"%llx-%llx\"", (unsigned long long)st.st_size,
		 (unsigned long long)st.st_mtim.tv_sec * 1000000000ull + (unsigned long long)st.st_mtim.tv_nsec);
	return 0;
}
