#include "mcache.h"

#include <SDL2/SDL.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "util.h"

#define BACKOFF_MIN_MS (30.0 * 1000)
#define BACKOFF_MAX_MS (3600.0 * 1000)
#define DISK_RESERVE (64LL << 20) /* left free for the cache database and logs */
#define SUB_MAX (512 * 1024)

struct ent {
	mc_item it;
	int state;
	int pct;
	int fails;
	int evicted;	 /* removed for space: fetched again only when wanted */
	double next_try; /* real ms */
};

struct mcache {
	net_opts o;
	char *dir;
	int64_t cap;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	struct ent *e;
	int n;
	char in_use[65];  /* the file last verified for playing: never evicted */
	char loading[65]; /* the file being downloaded */
	int full_logged;
	int verifiers;	  /* verify threads running */
	pthread_cond_t vcv;
	unsigned catalog_gen; /* bumped by mc_set_catalog */
};

static void post(mcache *m, int code, void *data)
{
	SDL_Event ev;
	SDL_zero(ev);
	ev.type = m->o.sdl_event;
	ev.user.code = code;
	ev.user.data1 = data;
	if (SDL_PushEvent(&ev) != 1) {
		if (code == MC_EV_VERIFIED)
			mc_verified_free(data);
		return;
	}
	if (m->o.notify)
		m->o.notify(m->o.notify_ctx);
}

static void path_of(const mcache *m, const char *sha, const char *ext, char *out, size_t n)
{
	snprintf(out, n, "%s/%s.%s", m->dir, sha, ext);
}

static struct ent *find_sha(mcache *m, const char *sha)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->e[i].it.sha, sha) == 0)
			return &m->e[i];
	return NULL;
}

static struct ent *find_id(mcache *m, const char *id)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->e[i].it.id, id) == 0)
			return &m->e[i];
	return NULL;
}

/* ---- downloading ---- */

struct dl {
	mcache *m;
	FILE *f;
	int64_t have, size;
	int too_much, write_err;
	int last_pct;
	double last_post;
};

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	struct dl *d = ud;
	size_t len = sz * n;
	if (d->have + (int64_t)len > d->size) {
		d->too_much = 1; /* more than the catalogue said: not our file */
		return 0;
	}
	if (fwrite(p, 1, len, d->f) != len) {
		d->write_err = errno ? errno : EIO;
		return 0;
	}
	d->have += (int64_t)len;
	return len;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t e)
{
	struct dl *d = ud;
	int stop, pct = d->size ? (int)(d->have * 100 / d->size) : 0;
	double now = util_now_ms();
	(void)a, (void)b, (void)c, (void)e;
	pthread_mutex_lock(&d->m->mu);
	stop = d->m->stop;
	struct ent *en = find_sha(d->m, d->m->loading);
	if (en)
		en->pct = pct;
	pthread_mutex_unlock(&d->m->mu);
	if (pct != d->last_pct && now - d->last_post > 250) {
		d->last_pct = pct;
		d->last_post = now;
		post(d->m, MC_EV_PROGRESS, NULL);
	}
	return stop;
}

static int disk_ok(mcache *m, int64_t need)
{
	struct statvfs sv;
	if (statvfs(m->dir, &sv) < 0)
		return 1; /* cannot tell: let the write find out */
	return (int64_t)sv.f_bavail * (int64_t)sv.f_frsize >= need + DISK_RESERVE;
}

static void setup_curl(mcache *m, CURL *c, const char *url)
{
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, m->o.connect_timeout_s);
	/* a video is large: no total limit, but a floor on speed (a drip is cut off and
	 * resumed later from where it stopped) */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
}

static size_t on_sub(char *p, size_t sz, size_t n, void *ud)
{
	buf *b = ud;
	if (b->len + sz * n > SUB_MAX)
		return 0;
	buf_add(b, p, sz * n);
	return sz * n;
}

/* The captions: small, whole, replaced atomically. */
static void fetch_subtitles(mcache *m, CURL *c, const mc_item *it)
{
	char path[1024], tmp[1100];
	buf b;
	FILE *f;
	if (!it->sub_url[0])
		return;
	path_of(m, it->sha, "vtt", path, sizeof(path));
	if (access(path, F_OK) == 0)
		return;
	buf_init(&b);
	setup_curl(m, c, it->sub_url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, m->o.timeout_s);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_sub);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) == CURLE_OK) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", path);
		if ((f = fopen(tmp, "wb"))) {
			int ok = fwrite(b.data ? b.data : "", 1, b.len, f) == b.len;
			ok = fclose(f) == 0 && ok;
			if (!ok || rename(tmp, path) < 0)
				unlink(tmp);
		}
	} else {
		log_info("media_captions", "id=%s result=unavailable", it->id);
	}
	buf_release(&b);
}

/* Fetches one file. 1: complete and verified, 0: not now (backoff), -1: stopped. */
static int download(mcache *m, CURL *c, const mc_item *it)
{
	char part[1024], final[1024], sha[65], err[CURL_ERROR_SIZE] = "";
	struct stat st;
	struct dl d = {0};
	CURLcode rc;
	long long got;
	int retried = 0;

	path_of(m, it->sha, "part", part, sizeof(part));
	path_of(m, it->sha, "media", final, sizeof(final));
again:
	d.m = m;
	d.size = it->size;
	d.have = stat(part, &st) == 0 ? (int64_t)st.st_size : 0;
	d.last_pct = -1;
	if (d.have > it->size) {
		unlink(part);
		d.have = 0;
	}
	if (d.have < it->size) {
		if (!disk_ok(m, it->size - d.have)) {
			if (!m->full_logged)
				log_warn("media_disk_full", "id=%s need=%lld", it->id,
					 (long long)(it->size - d.have));
			m->full_logged = 1;
			return 0;
		}
		m->full_logged = 0;
		if (!(d.f = fopen(part, "ab"))) {
			log_warn("media_download", "id=%s error=\"%s\"", it->id, strerror(errno));
			return 0;
		}
		setup_curl(m, c, it->url);
		curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)d.have);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, &d);
		curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
		int64_t from = d.have;
		rc = curl_easy_perform(c);
		int ok = fflush(d.f) == 0 && fsync(fileno(d.f)) == 0;
		ok = fclose(d.f) == 0 && ok;
		if (rc == CURLE_ABORTED_BY_CALLBACK && !d.too_much && !d.write_err)
			return -1; /* stopping */
		if (rc == CURLE_RANGE_ERROR && !retried) {
			/* the server would not resume: start over */
			unlink(part);
			retried = 1;
			goto again;
		}
		if (d.too_much) {
			log_warn("media_download", "id=%s error=\"longer than the catalogue says\"", it->id);
			unlink(part);
			return 0;
		}
		if (d.write_err || !ok) {
			log_warn("media_download", "id=%s error=\"write: %s\"", it->id,
				 strerror(d.write_err ? d.write_err : errno));
			m->full_logged = d.write_err == ENOSPC;
			return 0;
		}
		if (rc != CURLE_OK) {
			log_info("media_download", "id=%s from=%lld got=%lld error=\"%s\"", it->id,
				 (long long)from, (long long)(d.have - from),
				 err[0] ? err : curl_easy_strerror(rc));
			return 0; /* what arrived stays in .part: the next try resumes */
		}
	}
	if (util_sha256_file(part, sha, &got) < 0 || got != it->size || strcmp(sha, it->sha) != 0) {
		log_warn("media_download", "id=%s error=\"size or SHA-256 differs\" size=%lld", it->id,
			 (long long)got);
		unlink(part);
		return 0;
	}
	if (rename(part, final) < 0)
		return 0;
	fetch_subtitles(m, c, it);
	log_info("media_download", "id=%s bytes=%lld result=ok", it->id, (long long)it->size);
	return 1;
}

/* ---- eviction ---- */

struct onfile {
	char sha[65];
	int64_t size;
	time_t mtime;
};

static int by_mtime(const void *a, const void *b)
{
	const struct onfile *x = a, *y = b;
	return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

static int list_files(mcache *m, struct onfile **out, int64_t *total)
{
	DIR *d = opendir(m->dir);
	struct dirent *de;
	int n = 0, cap = 0;
	*out = NULL;
	*total = 0;
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct stat st;
		char p[1024];
		if (l != 64 + 6 || strcmp(de->d_name + 64, ".media") != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", m->dir, de->d_name);
		if (stat(p, &st) < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = xrealloc(*out, (size_t)cap * sizeof(**out));
		}
		snprintf((*out)[n].sha, 65, "%.64s", de->d_name);
		(*out)[n].size = (int64_t)st.st_size;
		(*out)[n].mtime = st.st_mtime;
		*total += (int64_t)st.st_size;
		n++;
	}
	closedir(d);
	if (n > 1)
		qsort(*out, (size_t)n, sizeof(**out), by_mtime);
	return n;
}

/* Under the lock. Files no longer in the catalogue go first, then the least
 * recently played; never the one in use or keep. */
static void evict(mcache *m, const char *keep)
{
	struct onfile *f;
	int64_t total;
	int n = list_files(m, &f, &total);
	for (int pass = 0; pass < 2 && total > m->cap; pass++) {
		for (int i = 0; i < n && total > m->cap; i++) {
			struct ent *e = find_sha(m, f[i].sha);
			char p[1024];
			if ((pass == 0) != (e == NULL) || strcmp(f[i].sha, keep) == 0 ||
			    strcmp(f[i].sha, m->in_use) == 0 || f[i].size < 0)
				continue;
			path_of(m, f[i].sha, "media", p, sizeof(p));
			if (unlink(p) == 0) {
				path_of(m, f[i].sha, "vtt", p, sizeof(p));
				unlink(p);
				total -= f[i].size;
				f[i].size = -1;
				if (e) {
					e->state = MC_ABSENT;
					e->evicted = 1;
				}
				log_info("media_evicted", "sha=%.12s", f[i].sha);
			}
		}
	}
	free(f);
}

/* Removes .part files of downloads no catalogue entry wants any more (a
 * title replaced or withdrawn): they are not counted against the cap and would
 * stay for ever. Called without the lock, with a copy of the wanted SHAs. */
static void drop_stale_parts(mcache *m, char (*want)[65], int n)
{
	DIR *d = opendir(m->dir);
	struct dirent *de;
	while (d && (de = readdir(d))) {
		size_t l = strlen(de->d_name);
		int wanted = 0;
		if (l != 64 + 5 || strcmp(de->d_name + 64, ".part") != 0)
			continue;
		for (int i = 0; i < n && !wanted; i++)
			wanted = strncmp(want[i], de->d_name, 64) == 0;
		if (!wanted) {
			char p[1024];
			snprintf(p, sizeof(p), "%s/%s", m->dir, de->d_name);
			unlink(p);
		}
	}
	if (d)
		closedir(d);
}

static void *worker(void *arg)
{
	mcache *m = arg;
	CURL *c = curl_easy_init();
	unsigned seen_gen = 0;
	pthread_mutex_lock(&m->mu);
	while (!m->stop) {
		double now = util_now_ms(), wake = 0;
		if (m->catalog_gen != seen_gen) {
			int n = m->n;
			char (*want)[65] = xcalloc((size_t)(n ? n : 1), 65);
			for (int i = 0; i < n; i++)
				memcpy(want[i], m->e[i].it.sha, 65);
			seen_gen = m->catalog_gen;
			pthread_mutex_unlock(&m->mu);
			drop_stale_parts(m, want, n);
			free(want);
			pthread_mutex_lock(&m->mu);
			continue;
		}
		struct ent *pick = NULL;
		for (int i = 0; i < m->n && !pick; i++) {
			struct ent *e = &m->e[i];
			if (e->state == MC_READY || e->evicted)
				continue;
			if (e->next_try <= now)
				pick = e;
			else if (!wake || e->next_try < wake)
				wake = e->next_try;
		}
		if (!pick) {
			if (wake) {
				struct timespec ts;
				double ms = wake - now;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_sec += (time_t)(ms / 1000);
				ts.tv_nsec += (long)((ms - (double)(long long)(ms / 1000) * 1000) * 1e6);
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&m->cv, &m->mu, &ts);
			} else {
				pthread_cond_wait(&m->cv, &m->mu);
			}
			continue;
		}
		mc_item it = pick->it;
		pick->state = MC_DOWNLOADING;
		snprintf(m->loading, sizeof(m->loading), "%s", it.sha);
		pthread_mutex_unlock(&m->mu);
		post(m, MC_EV_PROGRESS, NULL);
		int r = c ? download(m, c, &it) : 0;
		pthread_mutex_lock(&m->mu);
		m->loading[0] = '\0';
		if (r < 0)
			break;
		/* every catalogue entry with these bytes (two titles may share a
		 * file): one download serves them all */
		for (int i = 0; i < m->n; i++) {
			struct ent *e = &m->e[i];
			if (strcmp(e->it.sha, it.sha) != 0)
				continue;
			if (r == 1) {
				e->state = MC_READY;
				e->pct = 100;
				e->fails = 0;
			} else {
				double b = BACKOFF_MIN_MS * (double)(1 << (e->fails < 7 ? e->fails : 7));
				if (b > BACKOFF_MAX_MS)
					b = BACKOFF_MAX_MS;
				e->fails++;
				e->state = MC_FAILED;
				e->next_try = util_now_ms() + b * (0.75 + 0.5 * randombytes_uniform(1000) / 1000.0);
			}
		}
		if (r == 1)
			evict(m, it.sha);
		pthread_mutex_unlock(&m->mu);
		post(m, MC_EV_PROGRESS, NULL);
		pthread_mutex_lock(&m->mu);
	}
	pthread_mutex_unlock(&m->mu);
	curl_easy_cleanup(c);
	return NULL;
}

mcache *mc_start(const net_opts *o, const char *dir, int64_t cap)
{
	mcache *m = xcalloc(1, sizeof(*m));
	m->o = *o;
	m->dir = xstrdup(dir);
	m->cap = cap;
	pthread_mutex_init(&m->mu, NULL);
	pthread_cond_init(&m->cv, NULL);
	pthread_cond_init(&m->vcv, NULL);
	if (util_mkdir_p(dir, 0700) < 0)
		log_warn("media", "dir=\"%s\" error=\"%s\"", dir, strerror(errno));
	if (pthread_create(&m->th, NULL, worker, m) != 0)
		die("mcache: cannot start its thread");
	return m;
}

void mc_stop(mcache *m)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->mu);
	m->stop = 1;
	pthread_cond_broadcast(&m->cv);
	pthread_mutex_unlock(&m->mu);
	pthread_join(m->th, NULL);
	pthread_mutex_lock(&m->mu);
	while (m->verifiers)
		pthread_cond_wait(&m->vcv, &m->mu);
	pthread_mutex_unlock(&m->mu);
	pthread_cond_destroy(&m->cv);
	pthread_cond_destroy(&m->vcv);
	pthread_mutex_destroy(&m->mu);
	free(m->e);
	free(m->dir);
	free(m);
}

void mc_set_catalog(mcache *m, const mc_item *items, int n)
{
	struct ent *e = xcalloc((size_t)(n ? n : 1), sizeof(*e));
	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < n; i++) {
		struct ent *old = find_sha(m, items[i].sha);
		char p[1024];
		struct stat st;
		if (old) {
			e[i] = *old;
			e[i].it = items[i];
			continue;
		}
		e[i].it = items[i];
		path_of(m, items[i].sha, "media", p, sizeof(p));
		/* a file of the right size is there: its hash is checked before each play */
		if (stat(p, &st) == 0 && (int64_t)st.st_size == items[i].size) {
			e[i].state = MC_READY;
			e[i].pct = 100;
		}
	}
	free(m->e);
	m->e = e;
	m->n = n;
	m->catalog_gen++;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&m->mu);
}

void mc_want(mcache *m, const char *id)
{
	pthread_mutex_lock(&m->mu);
	struct ent *e = find_id(m, id);
	if (e) {
		struct ent t = *e;
		memmove(m->e + 1, m->e, (size_t)(e - m->e) * sizeof(*e));
		t.evicted = 0;
		if (t.state != MC_DOWNLOADING)
			t.next_try = 0;
		m->e[0] = t;
		pthread_cond_signal(&m->cv);
	}
	pthread_mutex_unlock(&m->mu);
}

int mc_status(mcache *m, const char *id, int *pct)
{
	int s = MC_ABSENT;
	*pct = 0;
	pthread_mutex_lock(&m->mu);
	struct ent *e = find_id(m, id);
	if (e) {
		s = e->state;
		*pct = e->pct;
	}
	pthread_mutex_unlock(&m->mu);
	return s;
}

/* A small file's content, NUL-terminated, or NULL. */
static char *read_small(const char *path, size_t max)
{
	FILE *f = fopen(path, "rb");
	buf b;
	char chunk[4096];
	size_t n;
	if (!f)
		return NULL;
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len + n <= max)
		buf_add(&b, chunk, n);
	fclose(f);
	buf_addc(&b, '\0');
	return buf_detach(&b, NULL);
}

void mc_verified_free(mc_verified *v)
{
	if (!v)
		return;
	free(v->sub_text);
	free(v);
}

struct vjob {
	mcache *m;
	mc_verified *v;
	char sha[65];
	int64_t size;
};

static void *verify_thread(void *arg)
{
	struct vjob *j = arg;
	mcache *m = j->m;
	char sha[65], p[1024];
	long long got = 0;
	path_of(m, j->sha, "media", p, sizeof(p));
	int rc = util_sha256_file(p, sha, &got);
	if (rc < 0) {
		j->v->missing = 1;
	} else if (got == j->size && strcmp(sha, j->sha) == 0) {
		j->v->ok = 1;
		snprintf(j->v->path, sizeof(j->v->path), "%s", p);
		path_of(m, j->sha, "vtt", p, sizeof(p));
		j->v->sub_text = read_small(p, SUB_MAX);
		utimensat(AT_FDCWD, j->v->path, NULL, 0); /* just used */
	} else {
		log_warn("media_corrupt", "id=%s size=%lld", j->v->id, got);
		unlink(p);
	}
	pthread_mutex_lock(&m->mu);
	struct ent *e = find_sha(m, j->sha);
	if (j->v->ok) {
		snprintf(m->in_use, sizeof(m->in_use), "%s", j->sha);
	} else if (e && e->state == MC_READY) {
		/* gone or rotten: fetch it again, now */
		e->state = MC_ABSENT;
		e->pct = 0;
		e->next_try = 0;
		e->evicted = 0;
		pthread_cond_signal(&m->cv);
	}
	pthread_mutex_unlock(&m->mu);
	post(m, MC_EV_VERIFIED, j->v);
	pthread_mutex_lock(&m->mu);
	m->verifiers--;
	pthread_cond_signal(&m->vcv);
	pthread_mutex_unlock(&m->mu);
	free(j);
	return NULL;
}

void mc_verify(mcache *m, const char *id, unsigned tag)
{
	struct vjob *j = xcalloc(1, sizeof(*j));
	pthread_t th;
	j->m = m;
	j->v = xcalloc(1, sizeof(*j->v));
	j->v->tag = tag;
	snprintf(j->v->id, sizeof(j->v->id), "%s", id);
	pthread_mutex_lock(&m->mu);
	struct ent *e = find_id(m, id);
	if (e) {
		snprintf(j->sha, sizeof(j->sha), "%s", e->it.sha);
		j->size = e->it.size;
	}
	m->verifiers++;
	pthread_mutex_unlock(&m->mu);
	if (e && pthread_create(&th, NULL, verify_thread, j) == 0) {
		pthread_detach(th);
		return;
	}
	/* not in the catalogue, or no thread to spare: say so at once */
	j->v->missing = 1;
	post(m, MC_EV_VERIFIED, j->v);
	free(j);
	pthread_mutex_lock(&m->mu);
	m->verifiers--;
	pthread_cond_signal(&m->vcv);
	pthread_mutex_unlock(&m->mu);
}

void mc_usage(mcache *m, int *files, int64_t *bytes)
{
	struct onfile *f;
	pthread_mutex_lock(&m->mu);
	*files = list_files(m, &f, bytes);
	pthread_mutex_unlock(&m->mu);
	free(f);
}
