#include "agent.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "kstate.h"
#include "log.h"
#include "tuf.h"

#define META_MAX (64 * 1024)

static void path(const agent_cfg *c, char *out, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void path(const agent_cfg *c, char *out, size_t n, const char *fmt, ...)
{
	va_list ap;
	int l = snprintf(out, n, "%s/", c->root_dir);
	va_start(ap, fmt);
	vsnprintf(out + l, n - (size_t)l, fmt, ap);
	va_end(ap);
}

static int say(agent_result *r, int outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int say(agent_result *r, int outcome, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
	r->outcome = outcome;
	return outcome;
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int rm_rf(const char *p)
{
	struct stat st;
	if (lstat(p, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(p);
		struct dirent *e;
		if (!d)
			return -1;
		while ((e = readdir(d))) {
			char q[4096];
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
			rm_rf(q);
		}
		closedir(d);
		return rmdir(p);
	}
	return unlink(p);
}

/* Writes a small file atomically (temporary, fsync, rename, fsync dir). */
static int write_atomic(const char *p, const char *data, size_t n)
{
	char tmp[4200], dir[4096];
	int fd, ok;
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return -1;
	ok = write(fd, data, n) == (ssize_t)n && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, p) < 0) {
		unlink(tmp);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", p);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		fsync_dir(dir);
	}
	return 0;
}

static int read_small(const char *p, buf *out, size_t max)
{
	FILE *f = fopen(p, "rb");
	char b[8192];
	size_t n;
	if (!f)
		return -1;
	while ((n = fread(b, 1, sizeof(b), f)) > 0 && out->len + n <= max)
		buf_add(out, b, n);
	fclose(f);
	return 0;
}

long long agent_running(const agent_cfg *c)
{
	char p[4096], target[4096];
	ssize_t n;
	long long v;
	path(c, p, sizeof(p), "current");
	if ((n = readlink(p, target, sizeof(target) - 1)) <= 0)
		return 0;
	target[n] = '\0';
	const char *base = strrchr(target, '/');
	return util_parse_long(base ? base + 1 : target, 1, (1LL << 53), &v) == 0 ? v : 0;
}

/* ---- fetching ---- */

/* Hashing beside the download: the write callback fills one block while a
 * second thread hashes the other, so checking every byte costs no time as long as
 * a second core is free (SHA-256 alone takes a third of a loopback download's
 * time). One per process, made at the first chunk; blocks are 128 KiB. */
#define HBLOCK (128 * 1024)
static struct hasher {
	pthread_t t;
	pthread_mutex_t m;
	pthread_cond_t cv;
	unsigned char blk[2][HBLOCK];
	size_t len[2];
	int fill;	 /* the block the download fills */
	int pending;	 /* the block handed to the thread, or -1 */
	int bad;	 /* the check refused a byte */
	tuf_check *chk;	 /* what the blocks feed */
	int started;
} hs;

static void *hasher_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&hs.m);
	for (;;) {
		while (hs.pending < 0)
			pthread_cond_wait(&hs.cv, &hs.m);
		int b = hs.pending;
		pthread_mutex_unlock(&hs.m);
		int bad = tuf_check_feed(hs.chk, hs.blk[b], hs.len[b]) != TUF_OK;
		pthread_mutex_lock(&hs.m);
		hs.bad |= bad;
		hs.pending = -1;
		pthread_cond_broadcast(&hs.cv);
	}
	return NULL;
}

/* Waits until the thread has hashed what it was given. */
static void hasher_drain(void)
{
	pthread_mutex_lock(&hs.m);
	while (hs.pending >= 0)
		pthread_cond_wait(&hs.cv, &hs.m);
	pthread_mutex_unlock(&hs.m);
}

/* Hands the filled block over and starts filling the other one. */
static void hasher_flush(void)
{
	if (!hs.len[hs.fill])
		return;
	hasher_drain();
	pthread_mutex_lock(&hs.m);
	hs.pending = hs.fill;
	hs.fill ^= 1;
	hs.len[hs.fill] = 0;
	pthread_cond_broadcast(&hs.cv);
	pthread_mutex_unlock(&hs.m);
}

/* Starts checking into chk. Returns -1 when no thread could be made (the caller
 * then hashes inline). */
static int hasher_begin(tuf_check *chk)
{
	if (!hs.started) {
		pthread_mutex_init(&hs.m, NULL);
		pthread_cond_init(&hs.cv, NULL);
		hs.pending = -1;
		if (pthread_create(&hs.t, NULL, hasher_main, NULL) != 0)
			return -1;
		pthread_detach(hs.t);
		hs.started = 1;
	}
	hs.chk = chk;
	hs.fill = 0;
	hs.len[0] = hs.len[1] = 0;
	hs.bad = 0;
	return 0;
}

static void hasher_feed(const char *p, size_t n)
{
	while (n) {
		size_t k = HBLOCK - hs.len[hs.fill];
		if (k > n)
			k = n;
		memcpy(hs.blk[hs.fill] + hs.len[hs.fill], p, k);
		hs.len[hs.fill] += k;
		p += k;
		n -= k;
		if (hs.len[hs.fill] == HBLOCK)
			hasher_flush();
	}
}

/* Everything handed over is hashed; returns -1 when the check refused some. */
static int hasher_end(void)
{
	hasher_flush();
	hasher_drain();
	return hs.bad ? -1 : 0;
}

struct sink {
	buf *mem;
	FILE *f;
	uint64_t max, got;
	int over;
	tuf_check *chk;	 /* hashes what is written, as it arrives (NULL: none) */
	int threaded;	 /* ... through the hasher thread */
};

/* The bandwidth cap, over a whole cycle (libcurl's own limit lets a 1 MiB chunk
 * through in one burst): the write callback sleeps when ahead of the allowance.
 * A library's shared line is not ours alone. */
static long long cap_bps;
static double cap_t0;
static uint64_t cap_bytes;

static void cap_wait(size_t len)
{
	if (cap_bps <= 0)
		return;
	if (!cap_t0)
		cap_t0 = util_now_ms();
	cap_bytes += len;
	double due = (double)cap_bytes * 1000.0 / (double)cap_bps, ahead = due - (util_now_ms() - cap_t0);
	if (ahead > 1)
		usleep((useconds_t)(ahead * 1000));
}

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	struct sink *s = ud;
	size_t len = sz * n;
	if (s->got + len > s->max) {
		s->over = 1; /* endless data: stop */
		return 0;
	}
	if (s->mem)
		buf_add(s->mem, p, len);
	else if (fwrite(p, 1, len, s->f) != len)
		return 0;
	if (s->threaded)
		hasher_feed(p, len);
	else if (s->chk && tuf_check_feed(s->chk, p, len) != TUF_OK)
		return 0;
	cap_wait(len);
	s->got += len;
	return len;
}

/* One connection for a whole cycle (reused by libcurl between requests). */
static CURL *handle;

static CURLcode get(const agent_cfg *c, const char *rel, struct sink *s, uint64_t from,
		    long long *bytes)
{
	char url[4096];
	CURL *h;
	CURLcode rc;
	curl_off_t got = 0;
	if (!handle && !(handle = curl_easy_init()))
		return CURLE_OUT_OF_MEMORY;
	h = handle;
	curl_easy_reset(h);
	snprintf(url, sizeof(url), "%s%s", c->base_url, rel);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, c->low_speed_bps > 0 ? c->low_speed_bps : 1024L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, c->low_speed_s > 0 ? (long)c->low_speed_s : 30L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
	if (c->ca_file) {
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	if (from)
		curl_easy_setopt(h, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)from);
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_SIZE_DOWNLOAD_T, &got);
	*bytes += (long long)got;
	return rc;
}

/* Gets metadata document name (at most max bytes) into out; on failure, why says
 * what went wrong (curl's reason: a refused certificate, a timeout, an HTTP error). */
static int get_meta(const agent_cfg *c, const char *name, size_t max, buf *out, long long *bytes,
		    char *why, size_t wn)
{
	struct sink s = {out, NULL, max, 0, 0, NULL, 0};
	buf_reset(out);
	CURLcode rc = get(c, name, &s, 0, bytes);
	if (rc == CURLE_OK && !s.over)
		return 0;
	snprintf(why, wn, "%s", s.over ? "longer than declared" : curl_easy_strerror(rc));
	return -1;
}

static int append_chunk(const char *cp, uint64_t size, tuf_check *chk, FILE *out);

/* Gets chunk `sha` of `size` into the chunk store, resuming a .part, hashing as
 * the bytes arrive. Files are synced together after the last chunk (agent_cycle);
 * one that a power cut damaged is found by the check while assembling and
 * fetched again. */
static int get_chunk(const agent_cfg *c, const tuf_chunk *ch, long long *bytes, char *why,
		     size_t wn)
{
	char part[4200], fin[4096], rel[128];
	struct stat st;
	tuf_check chk;
	path(c, fin, sizeof(fin), "chunks/%s", ch->sha256);
	if (access(fin, F_OK) == 0)
		return 0;
	snprintf(part, sizeof(part), "%s.part", fin);
	uint64_t have = stat(part, &st) == 0 ? (uint64_t)st.st_size : 0;
	tuf_check_init(&chk, ch->size, ch->sha256);
	if (have > ch->size || (have && append_chunk(part, have, &chk, NULL) < 0)) {
		unlink(part);
		have = 0;
		tuf_check_init(&chk, ch->size, ch->sha256);
	}
	if (have < ch->size) {
		FILE *f = fopen(part, "ab");
		struct sink s = {NULL, f, ch->size - have, 0, 0, &chk, 0};
		if (!f) {
			snprintf(why, wn, "chunk store: %s", strerror(errno));
			return -1;
		}
		s.threaded = hasher_begin(&chk) == 0;
		snprintf(rel, sizeof(rel), "chunks/%s", ch->sha256);
		CURLcode rc = get(c, rel, &s, have, bytes);
		int ok = fclose(f) == 0;
		if (s.threaded && hasher_end() < 0)
			ok = 0; /* more bytes than the chunk has: s.over said so already */
		if (s.over) {
			unlink(part);
			snprintf(why, wn, "endless data: chunk %.12s longer than declared", ch->sha256);
			return -1;
		}
		long code = 0;
		curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
		if (have && (rc == CURLE_RANGE_ERROR || code == 416)) {
			/* a server (or cache) that cannot resume: start over next time */
			unlink(part);
			snprintf(why, wn, "chunk %.12s: the server cannot resume; starting it again", ch->sha256);
			return -1;
		}
		if (rc != CURLE_OK || !ok) {
			snprintf(why, wn, "chunk %.12s: %s (kept %llu bytes to resume)", ch->sha256,
				 rc != CURLE_OK ? curl_easy_strerror(rc) : "cannot write the chunk store",
				 (unsigned long long)(have + s.got));
			return -1;
		}
	}
	if (tuf_check_finish(&chk) != TUF_OK) {
		unlink(part);
		snprintf(why, wn, "hash mismatch: chunk %.12s", ch->sha256);
		return -1;
	}
	if (rename(part, fin) < 0) {
		snprintf(why, wn, "chunk store: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int have_chunk(const agent_cfg *c, const tuf_chunk *ch)
{
	char fin[4096];
	path(c, fin, sizeof(fin), "chunks/%s", ch->sha256);
	return access(fin, F_OK) == 0;
}

/* A chunk that a local file already holds at the chunk's offset (the running
 * release's file at the same path, or the kiosk's cached copy of the same media
 * file): copied, not fetched, through a small buffer (the agent's memory stays
 * flat whatever the chunk size), and checked like a download. */
static int chunk_from_file(const agent_cfg *c, const char *old, const tuf_chunk *ch)
{
	char fin[4200], tmp[4300];
	unsigned char b[65536];
	tuf_check chk;
	FILE *in, *out;
	uint64_t left = ch->size;
	size_t n;
	int ok;
	/* the media cache is writable by the kiosk's user: only a regular file,
	 * opened without following links or blocking on a FIFO */
	struct stat st;
	int fd = open(old, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(in = fdopen(fd, "rb"))) {
		close(fd);
		return 0;
	}
	path(c, fin, sizeof(fin), "chunks/%s", ch->sha256);
	snprintf(tmp, sizeof(tmp), "%s.tmp", fin);
	if (fseeko(in, (off_t)ch->offset, SEEK_SET) != 0 || !(out = fopen(tmp, "wb"))) {
		fclose(in);
		return 0;
	}
	tuf_check_init(&chk, ch->size, ch->sha256);
	while (left && (n = fread(b, 1, left < sizeof(b) ? (size_t)left : sizeof(b), in)) > 0) {
		if (tuf_check_feed(&chk, b, n) != TUF_OK || fwrite(b, 1, n, out) != n)
			break;
		left -= n;
	}
	fclose(in);
	ok = left == 0 && tuf_check_finish(&chk) == TUF_OK;
	ok = fflush(out) == 0 && fsync(fileno(out)) == 0 && ok;
	ok = fclose(out) == 0 && ok;
	if (!ok || rename(tmp, fin) < 0) {
		unlink(tmp);
		return 0;
	}
	return 1;
}

/* ---- installing ---- */

/* SHA-256s of large installed files, so that a release deferred cycle after
 * cycle (outside the window, the kiosk in use) does not hash gigabytes of media
 * each time. Installed files never change in place: a changed inode, size or
 * time misses. Bounded; the agent's own (one agent per kiosk). */
#define HASH_CACHE 256
#define HASH_CACHE_MIN (1u << 20)
static struct hashed {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
	char hex[65];
} hash_cache[HASH_CACHE];
static unsigned hash_next;

static int cached_sha256(const char *p, const struct stat *st, char *hex)
{
	long long size;
	struct hashed *h;
	for (unsigned i = 0; i < HASH_CACHE; i++) {
		h = &hash_cache[i];
		if (h->hex[0] && h->dev == st->st_dev && h->ino == st->st_ino && h->size == st->st_size &&
		    h->mtime.tv_sec == st->st_mtim.tv_sec && h->mtime.tv_nsec == st->st_mtim.tv_nsec &&
		    h->ctime.tv_sec == st->st_ctim.tv_sec && h->ctime.tv_nsec == st->st_ctim.tv_nsec) {
			memcpy(hex, h->hex, 65);
			return 0;
		}
	}
	if (util_sha256_file(p, hex, &size) < 0)
		return -1;
	if ((uint64_t)st->st_size >= HASH_CACHE_MIN) {
		h = &hash_cache[hash_next++ % HASH_CACHE];
		h->dev = st->st_dev;
		h->ino = st->st_ino;
		h->size = st->st_size;
		h->mtime = st->st_mtim;
		h->ctime = st->st_ctim;
		memcpy(h->hex, hex, 65);
	}
	return 0;
}

static int same_file(const char *p, const tuf_file *f)
{
	struct stat st;
	char hex[65];
	/* the mode too: a hard link shares it with the old release */
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == f->size &&
	       (st.st_mode & 07777) == (mode_t)f->mode && cached_sha256(p, &st, hex) == 0 &&
	       strcmp(hex, f->sha256) == 0;
}

/* Appends file cp, which must hold exactly `size` bytes, to out (NULL: nowhere,
 * as when a resumed download's first bytes are checked again) through a small
 * buffer, feeding the check. */
static int append_chunk(const char *cp, uint64_t size, tuf_check *chk, FILE *out)
{
	unsigned char b[65536];
	FILE *in = fopen(cp, "rb");
	size_t n;
	if (!in)
		return -1;
	while (size && (n = fread(b, 1, size < sizeof(b) ? (size_t)size : sizeof(b), in)) > 0) {
		if (tuf_check_feed(chk, b, n) != TUF_OK || (out && fwrite(b, 1, n, out) != n))
			break;
		size -= n;
	}
	int extra = fgetc(in) != EOF;
	fclose(in);
	return size || extra ? -1 : 0;
}

/* Removes the chunks of f whose bytes do not match their hash. */
static void drop_damaged_chunks(const agent_cfg *c, const tuf_file *f)
{
	for (int k = 0; k < f->nchunks; k++) {
		char cp[4200], hex[65];
		long long size;
		path(c, cp, sizeof(cp), "chunks/%s", f->chunks[k].sha256);
		if (util_sha256_file(cp, hex, &size) < 0 || strcmp(hex, f->chunks[k].sha256) != 0) {
			log_warn("update", "damaged_chunk=%.12s", f->chunks[k].sha256);
			unlink(cp);
		}
	}
}

static int mkdirs_for(const char *file)
{
	char d[8192];
	snprintf(d, sizeof(d), "%s", file);
	char *s = strrchr(d, '/');
	if (!s)
		return 0;
	*s = '\0';
	return util_mkdir_p(d, 0755);
}

/* Builds releases/<v> from the running release (files where same[i]: hard
 * links) and the chunk store, checked, synced, renamed into place. */
static int install(const agent_cfg *c, const tuf_release *rel, long long running,
		   const unsigned char *same, char *why, size_t wn)
{
	char tmp[4096], dst[4096];
	path(c, tmp, sizeof(tmp), "releases/%lld.tmp", rel->version);
	rm_rf(tmp);
	if (util_mkdir_p(tmp, 0755) < 0) {
		snprintf(why, wn, "cannot make %.200s", tmp);
		return -1;
	}
	for (int i = 0; i < rel->nfiles; i++) {
		const tuf_file *f = &rel->files[i];
		char target[8192], old[4200];
		snprintf(target, sizeof(target), "%s/%s", tmp, f->path);
		if (mkdirs_for(target) < 0)
			goto io;
		path(c, old, sizeof(old), "releases/%lld/%s", running, f->path);
		if (same[i] && link(old, target) == 0)
			continue; /* unchanged: the same inode */
		FILE *out = fopen(target, "wb");
		tuf_check chk;
		if (!out)
			goto io;
		tuf_check_init(&chk, f->size, f->sha256);
		int ok = 1;
		if (same[i]) { /* no link (another file system, a link limit): a checked copy */
			ok = append_chunk(old, f->size, &chk, out) == 0 && tuf_check_finish(&chk) == TUF_OK;
		} else {
			for (int k = 0; k < f->nchunks && ok; k++) {
				char cp[4200];
				path(c, cp, sizeof(cp), "chunks/%s", f->chunks[k].sha256);
				ok = append_chunk(cp, f->chunks[k].size, &chk, out) == 0;
				if (!ok)
					unlink(cp); /* not its size: fetched again next time */
			}
			if (ok && tuf_check_finish(&chk) != TUF_OK) {
				/* a chunk damaged on disk (a power cut before the sync, a
				 * failing card): only that one is fetched again */
				drop_damaged_chunks(c, f);
				ok = 0;
			}
		}
		ok = ok && fflush(out) == 0 && fsync(fileno(out)) == 0;
		ok = fclose(out) == 0 && ok;
		if (!ok || chmod(target, f->mode) < 0) {
			snprintf(why, wn, "assembling %s failed", f->path);
			rm_rf(tmp); /* a half-built release must not hold the disk */
			return -1;
		}
	}
	fsync_dir(tmp);
	path(c, dst, sizeof(dst), "releases/%lld", rel->version);
	rm_rf(dst);
	if (rename(tmp, dst) < 0)
		goto io;
	path(c, tmp, sizeof(tmp), "releases");
	fsync_dir(tmp);
	return 0;
io:
	snprintf(why, wn, "install: %s", strerror(errno));
	rm_rf(tmp);
	return -1;
}

/* releases/<version> is there to switch to; releases/0 is the factory release the
 * kiosk's package installed (docs/updates.md), the last resort of a rollback. */
static int has_release(const agent_cfg *c, long long version)
{
	char p[4096];
	struct stat st;
	path(c, p, sizeof(p), "releases/%lld", version);
	return version >= 0 && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int switch_to(const agent_cfg *c, long long version)
{
	char target[64], tmp[4096], cur[4096];
	snprintf(target, sizeof(target), "releases/%lld", version);
	path(c, tmp, sizeof(tmp), "current.new");
	path(c, cur, sizeof(cur), "current");
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, cur) < 0)
		return -1;
	fsync_dir(c->root_dir);
	return 0;
}

/* Runs cmd with sh -c in its own process group and returns its exit status; -1
 * when it cannot start, dies of a signal, or outlives limit_s (then it and
 * whatever it started are killed): a hanging health or restart command must not
 * hold the agent, with a new release on `current`, forever. */
static int run_for(const char *cmd, int limit_s)
{
	int st;
	if (!cmd || !*cmd)
		return 0;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	double until = util_now_ms() + limit_s * 1000.0;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		if (util_now_ms() >= until) {
			kill(-pid, SIGKILL);
			waitpid(pid, &st, 0);
			log_warn("update", "command_timeout_s=%d", limit_s);
			return -1;
		}
		usleep(20 * 1000);
	}
}

#define RESTART_LIMIT_S 120 /* systemctl restart of the kiosk */
#define IDLE_LIMIT_S 30

static int run(const char *cmd)
{
	return run_for(cmd, RESTART_LIMIT_S);
}

/* The first line of release v's VERSION file into out ("" when it has none):
 * what its kiosk reports as state.version once it runs (kconf.h). */
static void release_version_file(const agent_cfg *c, long long v, char *out, size_t n)
{
	char p[4096];
	path(c, p, sizeof(p), "releases/%lld/VERSION", v);
	(void)util_version_file(p, out, n); /* jk-release signs only good ones */
}

/* The health command says so, or the kiosk answers its socket (kstate.h) and,
 * when the release names its version, is that version: an old kiosk still
 * answering after a restart that did not happen is not the new one healthy. */
static int health_once(const agent_cfg *c, const char *want, char *why, size_t n)
{
	kstate st;
	if (c->health_cmd || !c->kiosk_socket) {
		snprintf(why, n, "health command failed");
		return run_for(c->health_cmd, c->health_timeout_s > 0 ? c->health_timeout_s : 30) == 0;
	}
	if (kstate_get(c->kiosk_socket, 2000, &st, why, n) != 0)
		return 0;
	if (want[0] && strcmp(st.version, want) != 0) {
		snprintf(why, n, "kiosk reports version %s, not %s", st.version, want);
		return 0;
	}
	return 1;
}

/* Nobody is using the kiosk: its idle command says so, or its state has no
 * session. A kiosk that is not running, or does not answer for 10 s, is not in
 * anyone's hands (and a broken one may need this very update). */
static int idle(const agent_cfg *c)
{
	kstate st;
	char why[160];
	if (c->idle_cmd || !c->kiosk_socket)
		return run_for(c->idle_cmd, IDLE_LIMIT_S) == 0;
	for (int i = 0; i < 5; i++) {
		int rc = kstate_get(c->kiosk_socket, 2000, &st, why, sizeof(why));
		if (rc == 0)
			return !st.in_session;
		if (rc == -2)
			return 1; /* no kiosk running: nobody is using it */
		usleep(i < 4 ? 2000 * 1000 : 0);
	}
	return 1;
}

/* Healthy: good answers without a break for health_settle_s (a kiosk that
 * starts and crashes a few seconds later is not a good release), all within
 * health_timeout_s of the restart. */
static int healthy(const agent_cfg *c, long long version, char *why, size_t n)
{
	char want[64], last[160];
	double until = util_now_ms() + (c->health_timeout_s > 0 ? c->health_timeout_s : 30) * 1000.0;
	double good_since = -1, settle = (c->health_settle_s > 0 ? c->health_settle_s : 0) * 1000.0;
	int stopped = 0; /* it answered well once, then not */
	release_version_file(c, version, want, sizeof(want));
	do {
		if (health_once(c, want, last, sizeof(last))) {
			double now = util_now_ms();
			if (good_since < 0)
				good_since = now;
			if (now - good_since >= settle)
				return 1;
		} else {
			stopped |= good_since >= 0;
			good_since = -1;
			snprintf(why, n, "%s%s", stopped ? "answered, then stopped: " : "", last);
		}
		usleep(200 * 1000);
	} while (util_now_ms() < until);
	if (good_since >= 0 && !why[0])
		snprintf(why, n, "not steady for %d s within the time limit", c->health_settle_s);
	return 0;
}

/* ---- content-only releases ---- */

static int is_content(const char *path)
{
	return strncmp(path, "media/", 6) == 0 || strncmp(path, "content/", 8) == 0;
}

/* 1 when a file under dir/rel (of the running release) is software the new
 * release does not carry. */
static int software_removed(const char *dir, const char *rel_path, const tuf_release *rel)
{
	char p[4096];
	DIR *d;
	struct dirent *e;
	int found = 0;
	snprintf(p, sizeof(p), "%s%s%s", dir, rel_path[0] ? "/" : "", rel_path);
	if (!(d = opendir(p)))
		return 0;
	while (!found && (e = readdir(d))) {
		char sub[2048], full[8192];
		struct stat st;
		if (e->d_name[0] == '.' && (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel_path, rel_path[0] ? "/" : "", e->d_name);
		snprintf(full, sizeof(full), "%s/%s", dir, sub);
		if (lstat(full, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			found = software_removed(dir, sub, rel);
			continue;
		}
		if (is_content(sub))
			continue;
		int kept = 0;
		for (int i = 0; i < rel->nfiles && !kept; i++)
			kept = strcmp(rel->files[i].path, sub) == 0;
		found = !kept;
	}
	closedir(d);
	return found;
}

/* 1 when the release changes nothing but content (media/, content/) compared with
 * the running one (same[i]: file i is unchanged): such an update may apply at any
 * idle moment. */
static int content_only(const agent_cfg *c, const tuf_release *rel, long long running,
			const unsigned char *same)
{
	char dir[4096];
	if (!running)
		return 0;
	path(c, dir, sizeof(dir), "releases/%lld", running);
	for (int i = 0; i < rel->nfiles; i++)
		if (!is_content(rel->files[i].path) && !same[i])
			return 0;
	return !software_removed(dir, "", rel);
}

/* ---- attempts ---- */

static int write_attempt(const agent_cfg *c, long long version, long long previous,
			 const char *phase)
{
	char p[4096], body[256];
	int n = snprintf(body, sizeof(body), "{\"version\":%lld,\"previous\":%lld,\"phase\":\"%s\"}\n",
			 version, previous, phase);
	path(c, p, sizeof(p), "state/attempt.json");
	return write_atomic(p, body, (size_t)n);
}

static void mark_bad(const agent_cfg *c, long long version)
{
	char p[4096], line[32];
	FILE *f;
	path(c, p, sizeof(p), "state/bad");
	if ((f = fopen(p, "a"))) {
		snprintf(line, sizeof(line), "%lld\n", version);
		fputs(line, f);
		fflush(f);
		fsync(fileno(f));
		fclose(f);
	}
}

static int is_bad(const agent_cfg *c, long long version)
{
	char p[4096], line[32];
	FILE *f;
	int bad = 0;
	path(c, p, sizeof(p), "state/bad");
	if ((f = fopen(p, "r"))) {
		while (fgets(line, sizeof(line), f))
			bad |= strtoll(line, NULL, 10) == version;
		fclose(f);
	}
	return bad;
}

/* Removes releases other than the running one and the one before it (kept for a
 * rollback), and chunks the running release does not use (they were only needed
 * to build it). A crash here only leaves extra files behind. */
static void clean_up(const agent_cfg *c, long long keep1, long long keep2)
{
	char p[4096];
	DIR *d;
	struct dirent *e;
	path(c, p, sizeof(p), "releases");
	if (!(d = opendir(p)))
		return;
	while ((e = readdir(d))) {
		long long v;
		char q[8192];
		if (util_parse_long(e->d_name, 1, (1LL << 53), &v) < 0 || v == keep1 || v == keep2)
			continue;
		snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
		rm_rf(q);
		log_info("update", "removed_release=%lld", v);
	}
	closedir(d);
	/* the chunk store: only what a cut download may still resume */
	path(c, p, sizeof(p), "chunks");
	if (!(d = opendir(p)))
		return;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char q[8192];
		if (l != 64) /* .part files stay: a later release may resume them */
			continue;
		snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
		unlink(q);
	}
	closedir(d);
}

/* Concludes an attempt whose new release is current: health, then success or
 * rollback. */
static int conclude(const agent_cfg *c, long long version, long long previous, int restart_rc,
		    agent_result *r)
{
	char p[4096], err[256], why[200] = "";
	tuf_counters cn;
	r->version = version;
	/* a restart that failed leaves the old kiosk answering: not a health check */
	if (restart_rc == 0 && healthy(c, version, why, sizeof(why))) {
		path(c, p, sizeof(p), "state/counters.json");
		if (tuf_counters_load(p, &cn, err, sizeof(err)) == 0 && cn.release < version) {
			cn.release = version;
			if (tuf_counters_store(p, &cn, err, sizeof(err)) < 0)
				log_warn("update", "error=\"%s\"", err);
		}
		path(c, p, sizeof(p), "state/attempt.json");
		unlink(p);
		r->running = version;
		clean_up(c, version, previous);
		log_info("update", "outcome=succeeded version=%lld", version);
		return say(r, AGENT_SUCCEEDED, "release %lld is running and healthy", version);
	}
	/* not healthy in time: back to what ran before (or the factory release) */
	write_attempt(c, version, previous, "rolling_back");
	mark_bad(c, version);
	long long back = has_release(c, previous) ? previous : has_release(c, 0) ? 0 : -1;
	if (back < 0 || switch_to(c, back) < 0) {
		/* attempt.json stays: the next start tries the rollback again */
		r->running = agent_running(c);
		log_warn("update", "outcome=failed version=%lld rollback=impossible", version);
		return say(r, AGENT_FAILED, "release %lld is not healthy and the switch back failed: %s",
			   version, back < 0 ? "no release to go back to" : strerror(errno));
	}
	run(c->restart_cmd);
	path(c, p, sizeof(p), "state/attempt.json");
	unlink(p);
	r->running = agent_running(c);
	log_warn("update", "outcome=rolled_back version=%lld running=%lld", version, r->running);
	if (restart_rc)
		snprintf(why, sizeof(why), "restart failed");
	return say(r, AGENT_ROLLED_BACK, "health check failed (%s): release %lld rolled back to %lld",
		   why[0] ? why : "no answer", version, r->running);
}

int agent_recover(const agent_cfg *c, const char *trusted_root_path, agent_result *r)
{
	char p[4096];
	buf b;
	memset(r, 0, sizeof(*r));
	static const char *const dirs[] = {"releases", "state", "chunks"};
	for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
		path(c, p, sizeof(p), "%s", dirs[i]);
		if (util_mkdir_p(p, 0755) < 0) {
			say(r, AGENT_FAILED, "cannot make %s", p);
			return -1;
		}
	}
	path(c, p, sizeof(p), "state/root.json");
	if (access(p, F_OK) != 0) {
		buf_init(&b);
		if (!trusted_root_path || read_small(trusted_root_path, &b, META_MAX) < 0 ||
		    write_atomic(p, b.data ? b.data : "", b.len) < 0) {
			buf_release(&b);
			say(r, AGENT_FAILED, "no trusted root");
			return -1;
		}
		buf_release(&b);
	}
	/* temporary directories of an interrupted install, and chunks half-copied
	 * from a local file (.part downloads stay: they resume) */
	static const char *const tmp_in[] = {"releases", "chunks"};
	for (int t = 0; t < 2; t++) {
		path(c, p, sizeof(p), "%s", tmp_in[t]);
		DIR *d = opendir(p);
		struct dirent *e;
		while (d && (e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (l > 4 && strcmp(e->d_name + l - 4, ".tmp") == 0) {
				char q[8192];
				snprintf(q, sizeof(q), "%s/%s", p, e->d_name);
				rm_rf(q);
			}
		}
		if (d)
			closedir(d);
	}
	path(c, p, sizeof(p), "current.new");
	unlink(p);
	/* an attempt that a crash left open */
	buf_init(&b);
	path(c, p, sizeof(p), "state/attempt.json");
	r->running = agent_running(c);
	if (read_small(p, &b, 4096) == 0 && b.len) {
		buf_addc(&b, '\0');
		json_object *o = json_tokener_parse(b.data), *v;
		long long version = 0, previous = 0;
		const char *phase = "";
		if (o && json_object_object_get_ex(o, "version", &v))
			version = json_object_get_int64(v);
		if (o && json_object_object_get_ex(o, "previous", &v))
			previous = json_object_get_int64(v);
		if (o && json_object_object_get_ex(o, "phase", &v))
			phase = json_object_get_string(v);
		if (strcmp(phase, "rolling_back") == 0) {
			long long back = has_release(c, previous) ? previous : has_release(c, 0) ? 0 : -1;
			mark_bad(c, version);
			if (back >= 0 && agent_running(c) != back && switch_to(c, back) == 0)
				run(c->restart_cmd);
			unlink(p);
			r->running = agent_running(c);
			r->version = version;
			say(r, AGENT_ROLLED_BACK, "interrupted rollback of %lld finished", version);
		} else if (agent_running(c) == version) {
			/* the new release may never have started */
			conclude(c, version, previous, run(c->restart_cmd), r);
		} else {
			/* never switched: nothing changed; the next cycle tries again */
			unlink(p);
			r->version = version;
			say(r, AGENT_FAILED, "interrupted before the switch to %lld", version);
		}
		json_object_put(o);
	}
	buf_release(&b);
	return 0;
}

static int cycle(const agent_cfg *c, agent_result *r);

int agent_cycle(const agent_cfg *c, agent_result *r)
{
	cap_bps = c->max_bps;
	cap_t0 = 0;
	cap_bytes = 0;
	int rc = cycle(c, r);
	curl_easy_cleanup(handle);
	handle = NULL;
	return rc;
}

static int cycle(const agent_cfg *c, agent_result *r)
{
	char p[4096], err[256];
	buf b;
	tuf_root root;
	tuf_counters cn;
	tuf_timestamp ts;
	tuf_release rel = {0};
	int rc;
	long long running = agent_running(c);

	memset(r, 0, sizeof(*r));
	r->running = running;
	buf_init(&b);
	path(c, p, sizeof(p), "state/root.json");
	if (read_small(p, &b, META_MAX) < 0 || tuf_root_load(b.data ? b.data : "", b.len, &root, err,
							       sizeof(err)) != TUF_OK) {
		buf_release(&b);
		return say(r, AGENT_FAILED, "trusted root unreadable");
	}
	path(c, p, sizeof(p), "state/counters.json");
	if (tuf_counters_load(p, &cn, err, sizeof(err)) < 0) {
		buf_release(&b);
		return say(r, AGENT_FAILED, "%s", err);
	}
	/* newer roots, one version at a time */
	for (;;) {
		char name[64];
		tuf_root next;
		snprintf(name, sizeof(name), "roots/%lld.json", root.version + 1);
		if (get_meta(c, name, META_MAX, &b, &r->bytes, err, sizeof(err)) < 0)
			break; /* no newer root */
		if ((rc = tuf_root_update(&root, b.data, b.len, &next, err, sizeof(err))) != TUF_OK) {
			buf_release(&b);
			return say(r, AGENT_FAILED, "%s", err);
		}
		if (tuf_role_changed(&root, &next, TUF_TIMESTAMP))
			cn.timestamp = 0; /* fast-forward recovery */
		cn.root = next.version;
		/* the counters first: a stop between the two writes then leaves a
		 * counter that asks for this root (below), never a stored root whose
		 * counter reset was lost (every new timestamp refused as a rollback) */
		path(c, p, sizeof(p), "state/counters.json");
		if (tuf_counters_store(p, &cn, err, sizeof(err)) < 0) {
			buf_release(&b);
			return say(r, AGENT_FAILED, "%s", err);
		}
		path(c, p, sizeof(p), "state/root.json");
		if (write_atomic(p, b.data, b.len) < 0) {
			buf_release(&b);
			return say(r, AGENT_FAILED, "cannot store root %lld", next.version);
		}
		root = next;
	}
	if (root.version < cn.root) { /* seen before a stop, and now withheld */
		buf_release(&b);
		return say(r, AGENT_FAILED, "root %lld was seen but cannot be fetched again", cn.root);
	}
	if (get_meta(c, "timestamp.json", META_MAX, &b, &r->bytes, err, sizeof(err)) < 0) {
		buf_release(&b);
		return say(r, AGENT_FAILED, "timestamp unavailable: %s", err);
	}
	rc = tuf_timestamp_verify(&root, b.data, b.len, time(NULL), cn.timestamp, &ts, err,
				  sizeof(err));
	if (rc != TUF_OK) {
		buf_release(&b);
		/* the fleet's status tells the two apart: a timestamp nobody re-signs
		 * (or a freeze) against a root whose year is over */
		return say(r, AGENT_FAILED, "%s",
			   rc != TUF_EEXPIRED	  ? err
			   : strstr(err, "root") ? "root expired: publish a new root (jk-release root)"
						 : "stale metadata");
	}
	path(c, p, sizeof(p), "state/counters.json");
	if (ts.version > cn.timestamp) {
		cn.timestamp = ts.version;
		if (tuf_counters_store(p, &cn, err, sizeof(err)) < 0) {
			buf_release(&b);
			return say(r, AGENT_FAILED, "%s", err);
		}
	}
	long long installed = cn.release > running ? cn.release : running;
	if (ts.release_version <= installed || is_bad(c, ts.release_version)) {
		buf_release(&b);
		if (ts.release_version > installed)
			return say(r, AGENT_NOTHING, "release %lld failed here before; waiting for a newer one",
				   ts.release_version);
		return say(r, AGENT_NOTHING, "up to date (%lld)", running);
	}
	if (c->max_version >= 0 && ts.release_version > c->max_version) {
		buf_release(&b);
		return say(r, AGENT_NOTHING, "release %lld waits for this kiosk's rollout stage",
			   ts.release_version);
	}
	if (get_meta(c, "release.json", (size_t)ts.release_size, &b, &r->bytes, err, sizeof(err)) < 0) {
		buf_release(&b);
		return say(r, AGENT_FAILED, "release metadata unavailable: %s", err);
	}
	rc = tuf_release_verify(&root, &ts, b.data, b.len, time(NULL), installed, c->hardware, &rel,
				err, sizeof(err));
	buf_release(&b);
	if (rc != TUF_OK)
		return say(r, AGENT_FAILED, "%s", err);
	r->version = rel.version;

	/* space for what is new, before anything is fetched: a changed file takes
	 * its chunks in the store (those not there yet: a deferred release keeps its
	 * chunks from cycle to cycle) and then itself in the new release (unchanged
	 * files are hard links), plus a margin for the kiosk's own writes */
	uint64_t need = 0;
	unsigned char *same = xcalloc((size_t)rel.nfiles + 1, 1);
	for (int i = 0; i < rel.nfiles; i++) {
		char old[4200];
		path(c, old, sizeof(old), "releases/%lld/%s", running, rel.files[i].path);
		if ((same[i] = (unsigned char)same_file(old, &rel.files[i])))
			continue;
		need += rel.files[i].size;
		for (int k = 0; k < rel.files[i].nchunks; k++)
			if (!have_chunk(c, &rel.files[i].chunks[k]))
				need += rel.files[i].chunks[k].size;
	}
	struct statvfs sv;
	if (statvfs(c->root_dir, &sv) == 0 &&
	    (uint64_t)sv.f_bavail * sv.f_frsize < need + (16u << 20)) {
		free(same);
		tuf_release_free(&rel);
		return say(r, AGENT_FAILED, "disk full: %llu bytes needed, %llu free", (unsigned long long)need,
			   (unsigned long long)sv.f_bavail * sv.f_frsize);
	}
	double t0 = util_now_ms();
	for (int i = 0; i < rel.nfiles; i++) {
		const tuf_file *f = &rel.files[i];
		char old[4200];
		path(c, old, sizeof(old), "releases/%lld/%s", running, f->path);
		if (same[i])
			continue;
		char media[4200] = "";
		if (c->media_dir)
			snprintf(media, sizeof(media), "%s/%s.media", c->media_dir, f->sha256);
		for (int k = 0; k < f->nchunks; k++) {
			const tuf_chunk *ch = &f->chunks[k];
			if (have_chunk(c, ch) || chunk_from_file(c, old, ch) ||
			    (media[0] && chunk_from_file(c, media, ch)))
				continue;
			if (get_chunk(c, &f->chunks[k], &r->bytes, err, sizeof(err)) < 0) {
				free(same);
				tuf_release_free(&rel);
				return say(r, AGENT_FAILED, "%s", err);
			}
		}
	}
	r->download_ms = util_now_ms() - t0;
	int content = content_only(c, &rel, running, same);
	/* everything is here; the switch waits for its moment */
	{
		time_t t = c->now ? c->now() : time(NULL);
		struct tm lt;
		localtime_r(&t, &lt);
		int m = lt.tm_hour * 60 + lt.tm_min, ws = c->window_start, we = c->window_end;
		int inside = ws == we || (ws < we ? m >= ws && m < we : m >= ws || m < we) || content;
		if (!inside || !idle(c)) {
			free(same);
			tuf_release_free(&rel);
			if (!inside) /* nothing to do before it opens */
				r->wait_s = (long long)(((ws - m) % 1440 + 1440) % 1440) * 60 - lt.tm_sec;
			return say(r, AGENT_DEFERRED, "release %lld downloaded; waiting for %s",
				   r->version, inside ? "the kiosk to be idle" : "the maintenance window");
		}
	}
	{ /* the chunks reach the disk together, not one fsync each */
		path(c, p, sizeof(p), "chunks");
		int dfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			syncfs(dfd);
			close(dfd);
		}
	}
	int installed_ok = install(c, &rel, running, same, err, sizeof(err));
	free(same);
	if (installed_ok < 0) {
		tuf_release_free(&rel);
		return say(r, AGENT_FAILED, "%s", err);
	}
	long long version = rel.version;
	tuf_release_free(&rel);
	/* installing took a while: someone may have started using the kiosk */
	if (!content && !idle(c))
		return say(r, AGENT_DEFERRED, "release %lld installed; waiting for the kiosk to be idle",
			   version);
	if (write_attempt(c, version, running, "switching") < 0)
		return say(r, AGENT_FAILED, "cannot record the attempt");
	if (switch_to(c, version) < 0) {
		path(c, p, sizeof(p), "state/attempt.json");
		unlink(p);
		return say(r, AGENT_FAILED, "cannot switch: %s", strerror(errno));
	}
	log_info("update", "switched=%lld previous=%lld", version, running);
	return conclude(c, version, running, run(c->restart_cmd), r);
}
