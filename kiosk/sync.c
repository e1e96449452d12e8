#include "sync.h"

#include <SDL2/SDL.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <malloc.h>
#include <pthread.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "kdate.h"
#include "log.h"
#include "util.h"

#define SYNC_MAX_PAGE (32u << 20)
/* 100 listings (~110 KB) per page: json-c holds a page as ~10x its size while it
 * is applied, and a kiosk has little memory */
#define SYNC_PER_PAGE 100
#define SYNC_MAX_PAGES 10000

struct syncer {
	net_opts o;
	net_ident id;
	char *dir;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, pending, running;
	time_t when;
	char etag_regions[64], etag_categories[64];
};

struct dl {
	buf body;
	int too_big;
	char etag[64];
};

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	struct dl *d = ud;
	if (d->body.len + sz * n > SYNC_MAX_PAGE) {
		d->too_big = 1;
		return 0;
	}
	buf_add(&d->body, p, sz * n);
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	struct dl *d = ud;
	size_t len = sz * n;
	if (len > 6 && strncasecmp(p, "ETag:", 5) == 0) {
		const char *v = p + 5;
		while (*v == ' ')
			v++;
		size_t k = strcspn(v, "\r\n");
		if (k < sizeof(d->etag))
			snprintf(d->etag, sizeof(d->etag), "%.*s", (int)k, v);
	}
	return len;
}

static int on_progress(void *ud, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	syncer *s = ud;
	int stop;
	(void)a, (void)b, (void)c, (void)d;
	pthread_mutex_lock(&s->mu);
	stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	return stop;
}

/* GET base/path; returns the HTTP status, or -1 for no answer (err set). */
static long get(syncer *s, CURL *c, const char *path, const char *inm, struct dl *d,
		sync_result *r)
{
	struct curl_slist *h = NULL;
	char url[2048], hdr[128];
	long status = -1;
	CURLcode cc;

	buf_init(&d->body);
	d->too_big = 0;
	d->etag[0] = '\0';
	snprintf(url, sizeof(url), "%s/%s", s->id.base, path);
	h = net_ident_headers(&s->id, h);
	if (inm && *inm) {
		snprintf(hdr, sizeof(hdr), "If-None-Match: %s", inm);
		h = curl_slist_append(h, hdr);
	}
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, d);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->o.connect_timeout_s);
	/* a page can be large: a floor on speed rather than a total time */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, s->o.timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	cc = curl_easy_perform(c);
	curl_slist_free_all(h);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_off_t got = 0;
		curl_easy_getinfo(c, CURLINFO_SIZE_DOWNLOAD_T, &got);
		r->bytes += (long long)got;
		r->reachable = 1;
	} else {
		snprintf(r->err, sizeof(r->err), "%s", d->too_big ? "page too large"
							    : curl_easy_strerror(cc));
	}
	return status;
}

static void codes(syncer *s, CURL *c, cache *k, int regions, sync_result *r)
{
	struct dl d;
	char err[256];
	char *tag = regions ? s->etag_regions : s->etag_categories;
	long st = get(s, c, regions ? "v1/regions" : "v1/categories", tag, &d, r);
	if (st == 200) {
		json_object *o = json_tokener_parse(d.body.data);
		if (o && cache_put_codes(k, regions, o, err, sizeof(err)) == CACHE_OK)
			snprintf(tag, 64, "%s", d.etag);
		json_object_put(o);
	}
	buf_release(&d.body);
}

/* A document kept whole for offline use (If-None-Match with its stored tag). */
static void doc(syncer *s, CURL *c, cache *k, const char *key, const char *path, sync_result *r)
{
	struct dl d;
	char err[256], tag[64];
	cache_doc_etag(k, key, tag, sizeof(tag));
	long st = get(s, c, path, tag, &d, r);
	json_object *o = st == 200 && d.body.len ? json_tokener_parse(d.body.data) : NULL;
	/* only a JSON object is kept: a garbled answer leaves the last good one */
	if (o && json_object_is_type(o, json_type_object) &&
	    cache_put_doc(k, key, d.etag, d.body.data, err, sizeof(err)) < 0)
		log_warn("sync_doc", "path=%s error=\"%s\"", key, err);
	json_object_put(o);
	buf_release(&d.body);
}

static void run(syncer *s, CURL *c, cache *k, time_t when, sync_result *r)
{
	char err[256], path[256];
	int pages = 0;

	codes(s, c, k, 1, r);
	if (!r->reachable)
		return; /* no answer at all: say so at once, do not try the rest */
	codes(s, c, k, 0, r);
	doc(s, c, k, "v1/topics", "v1/topics", r);
	doc(s, c, k, "v1/counselors", "v1/counselors", r);
	doc(s, c, k, "v1/media", "v1/media", r);
	{
		/* the next 31 days of slots, so a booking can be queued offline */
		char from[11], to[11], sp[64];
		int today = kdate_seoul_day(when ? when : time(NULL));
		kdate_format(today, from);
		kdate_format(today + 30, to);
		snprintf(sp, sizeof(sp), "v1/slots?from=%s&to=%s", from, to);
		doc(s, c, k, "v1/slots", sp, r);
	}
	if (!r->reachable)
		return;
	while (pages++ < SYNC_MAX_PAGES) {
		struct dl d;
		const char *cur = cache_cursor(k);
		char *esc = NULL;
		json_object *page;
		long up, del, st;
		int rc;

		if (cur) {
			esc = curl_easy_escape(c, cur, 0);
			snprintf(path, sizeof(path), "v1/jobs/changes?since=%s&per_page=%d", esc,
				 SYNC_PER_PAGE);
			curl_free(esc);
		} else {
			snprintf(path, sizeof(path), "v1/jobs/changes?per_page=%d", SYNC_PER_PAGE);
		}
		st = get(s, c, path, NULL, &d, r);
		if (st == 410 && !cur) { /* nothing to forget: a broken answer, not a loop */
			buf_release(&d.body);
			snprintf(r->err, sizeof(r->err), "HTTP 410 without a cursor");
			return;
		}
		if (st == 410) {
			/* the service no longer knows our cursor: start over */
			buf_release(&d.body);
			log_info("sync", "cursor_expired=1");
			if (cache_reset(k, err, sizeof(err)) < 0) {
				snprintf(r->err, sizeof(r->err), "%s", err);
				return;
			}
			continue;
		}
		if (st != 200) {
			if (st > 0)
				snprintf(r->err, sizeof(r->err), "HTTP %ld", st);
			buf_release(&d.body);
			return;
		}
		page = json_tokener_parse(d.body.data);
		buf_release(&d.body);
		rc = page ? cache_apply_changes(k, page, when, &up, &del, err, sizeof(err)) : CACHE_EDATA;
		if (!page)
			snprintf(err, sizeof(err), "change page is not JSON");
		json_object *more = NULL;
		int again = page && json_object_object_get_ex(page, "more", &more) &&
			    json_object_get_boolean(more);
		json_object_put(page);
		if (rc < 0) {
			r->disk_full = rc == CACHE_EFULL;
			snprintf(r->err, sizeof(r->err), "%s", err);
			if (rc == CACHE_EFULL)
				log_error("cache_full", "detail=\"%s\"", err);
			return;
		}
		r->upserts += up;
		r->deletes += del;
		if (!again) {
			r->ok = 1;
			return;
		}
	}
}

static void *worker(void *arg)
{
	syncer *s = arg;
	CURL *c = curl_easy_init();
	cache *k = NULL;
	char err[256];

	for (;;) {
		sync_result *r;
		time_t when;
		double t0;
		pthread_mutex_lock(&s->mu);
		while (!s->stop && !s->pending)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stop) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		s->pending = 0;
		s->running = 1;
		when = s->when;
		pthread_mutex_unlock(&s->mu);

		r = xcalloc(1, sizeof(*r));
		t0 = util_now_ms();
		if (!k && !(k = cache_open(s->dir, err, sizeof(err))))
			snprintf(r->err, sizeof(r->err), "%s", err);
		if (k) {
			run(s, c, k, when, r);
			r->cache_time = cache_updated_at(k);
			r->jobs = cache_job_count(k);
		}
		r->ms = util_now_ms() - t0;
		malloc_trim(0); /* give the pages' memory back to the system */
		log_info("sync", "ok=%d reachable=%d upserts=%ld deletes=%ld bytes=%lld ms=%.0f%s%s%s",
			 r->ok, r->reachable, r->upserts, r->deletes, r->bytes, r->ms,
			 r->err[0] ? " error=\"" : "", r->err, r->err[0] ? "\"" : "");
		pthread_mutex_lock(&s->mu);
		s->running = 0;
		pthread_mutex_unlock(&s->mu);
		SDL_Event e;
		memset(&e, 0, sizeof(e));
		e.type = s->o.sdl_event;
		e.user.code = 1; /* a sync result, not an API result */
		e.user.data1 = r;
		if (SDL_PushEvent(&e) != 1)
			free(r);
		else if (s->o.notify)
			s->o.notify(s->o.notify_ctx);
	}
	cache_close(k);
	curl_easy_cleanup(c);
	return NULL;
}

syncer *sync_start(const net_opts *o, const char *dir)
{
	syncer *s = xcalloc(1, sizeof(*s));
	s->o = *o;
	net_ident_init(&s->id, o);
	s->dir = xstrdup(dir);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->th, NULL, worker, s) != 0)
		die("sync: cannot start worker");
	return s;
}

void sync_stop(syncer *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	net_ident_free(&s->id);
	free(s->dir);
	free(s);
}

void sync_request(syncer *s, time_t now)
{
	/* Coalesced, never dropped: a request during a run makes one more run after it
	 * (dropping it lost the only result the UI thread was waiting for). */
	pthread_mutex_lock(&s->mu);
	s->pending = 1;
	s->when = now;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}
