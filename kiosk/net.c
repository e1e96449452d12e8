#include "net.h"

#include <SDL2/SDL.h>
#include <curl/curl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cache.h"
#include "log.h"
#include "util.h"

struct net_req {
	struct net_req *next;
	int kind;
	unsigned tag;
	unsigned gen;
	char *url;
	char *body; /* POST when set */
	char *key;  /* Idempotency-Key */
	int del;    /* DELETE */
	int fresh;  /* never from the offline cache */
};

static void req_free(struct net_req *q)
{
	if (q->url)
		util_wipe(q->url, strlen(q->url)); /* a look-up's phone_last4 */
	free(q->url);
	if (q->body) {
		util_wipe(q->body, strlen(q->body)); /* names and phone numbers */
		free(q->body);
	}
	free(q->key);
	free(q);
}

struct net {
	net_opts o;
	net_ident id;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct net_req *head, *tail;
	unsigned gen[NET_KIND_COUNT]; /* bumped by cancel */
	unsigned next_tag;
	int stop;
	/* the running request, for cancellation from the progress callback */
	int cur_kind;
	unsigned cur_gen;
	int today;
	char *cache_dir;
};

struct dl {
	buf body;
	size_t max;
	int too_big;
};

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
	struct dl *d = ud;
	size_t n = size * nmemb;
	if (d->body.len + n > d->max) {
		d->too_big = 1;
		return 0;
	}
	buf_add(&d->body, p, n);
	return n;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	net *n = ud;
	int abort_it;
	(void)dt, (void)dn, (void)ut, (void)un;
	pthread_mutex_lock(&n->mu);
	abort_it = n->stop || n->gen[n->cur_kind] != n->cur_gen;
	pthread_mutex_unlock(&n->mu);
	return abort_it;
}

static void post(net *n, net_result *r)
{
	SDL_Event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = n->o.sdl_event;
	ev.user.data1 = r;
	if (SDL_PushEvent(&ev) != 1)
		net_result_free(r);
	else if (n->o.notify)
		n->o.notify(n->o.notify_ctx);
}

/* Unlinks the next request to run (under mu): the first one a person is waiting
 * for, else the oldest. Code lists (regions, categories) only feed the filters, so
 * behind a server that hangs a search does not also wait out their timeouts. */
static struct net_req *take_next(net *n)
{
	struct net_req *q = n->head, *prev = NULL;
	for (struct net_req *p = n->head, *pp = NULL; p; pp = p, p = p->next)
		if (p->kind != NET_REGIONS && p->kind != NET_CATEGORIES) {
			q = p;
			prev = pp;
			break;
		}
	if (prev)
		prev->next = q->next;
	else
		n->head = q->next;
	if (n->tail == q)
		n->tail = prev;
	q->next = NULL;
	return q;
}

static void *worker(void *arg)
{
	net *n = arg;
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;

	hdr = net_ident_headers(&n->id, NULL);
	cache *local = NULL;
	for (;;) {
		struct net_req *q;
		struct dl d;
		net_result *r;
		CURLcode cc;
		double t0;

		pthread_mutex_lock(&n->mu);
		while (!n->stop && !n->head)
			pthread_cond_wait(&n->cv, &n->mu);
		if (n->stop) {
			pthread_mutex_unlock(&n->mu);
			break;
		}
		q = take_next(n);
		if (q->gen != n->gen[q->kind]) { /* cancelled while queued */
			pthread_mutex_unlock(&n->mu);
			req_free(q);
			continue;
		}
		n->cur_kind = q->kind;
		n->cur_gen = q->gen;
		pthread_mutex_unlock(&n->mu);

		/* From the offline cache when it is complete. */
		if (n->cache_dir && !local) {
			char err[256];
			if (!(local = cache_open(n->cache_dir, err, sizeof(err))))
				log_warn("cache", "error=\"%s\"", err); /* tried again next time */
		}
		if (local && cache_ready(local) && !q->body && !q->del && !q->fresh) {
			const char *path = q->url + strlen(n->id.base) + 1;
			buf body;
			long status;
			int today;
			buf_init(&body);
			pthread_mutex_lock(&n->mu);
			today = n->today;
			pthread_mutex_unlock(&n->mu);
			t0 = util_now_ms();
			if (cache_answer(local, path, today, time(NULL), &body, &status) == 0) {
				r = xcalloc(1, sizeof(*r));
				r->kind = q->kind;
				r->tag = q->tag;
				r->status = status;
				r->local = 1;
				r->cache_time = cache_updated_at(local);
				r->ms = util_now_ms() - t0;
				r->body = buf_detach(&body, &r->len);
				log_debug("net_local", "kind=%d tag=%u status=%ld ms=%.1f", r->kind, r->tag,
					  r->status, r->ms);
				req_free(q);
				post(n, r);
				continue;
			}
			buf_release(&body);
		}

		buf_init(&d.body);
		d.max = n->o.max_body;
		d.too_big = 0;
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, q->url);
		struct curl_slist *ph = NULL;
		if (q->body) {
			char kh[200];
			for (struct curl_slist *s = hdr; s; s = s->next)
				ph = curl_slist_append(ph, s->data);
			ph = curl_slist_append(ph, "Content-Type: application/json");
			snprintf(kh, sizeof(kh), "Idempotency-Key: %s", q->key ? q->key : "");
			ph = curl_slist_append(ph, kh);
			curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
		} else if (q->del) {
			curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
		}
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, ph ? ph : hdr);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &d);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, n);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, n->o.connect_timeout_s);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, n->o.timeout_s);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
		t0 = util_now_ms();
		cc = curl_easy_perform(c);
		curl_slist_free_all(ph);

		r = xcalloc(1, sizeof(*r));
		r->kind = q->kind;
		r->tag = q->tag;
		r->ms = util_now_ms() - t0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
		switch (cc) {
		case CURLE_OK: r->err = NET_OK; break;
		case CURLE_OPERATION_TIMEDOUT: r->err = NET_ETIMEOUT; break;
		case CURLE_COULDNT_CONNECT:
		case CURLE_COULDNT_RESOLVE_HOST: r->err = NET_ECONNECT; break;
		case CURLE_ABORTED_BY_CALLBACK: r->err = NET_ECANCELED; break;
		case CURLE_WRITE_ERROR: r->err = d.too_big ? NET_ETOOBIG : NET_EOTHER; break;
		default: r->err = NET_EOTHER; break;
		}
		if (r->err != NET_OK)
			log_info("net", "kind=%d err=%d curl=\"%s\" ms=%.0f", q->kind, r->err,
				 curl_easy_strerror(cc), r->ms);
		r->body = buf_detach(&d.body, &r->len);
		req_free(q);
		pthread_mutex_lock(&n->mu);
		int stale = n->gen[r->kind] != n->cur_gen || n->stop;
		pthread_mutex_unlock(&n->mu);
		if (stale || r->err == NET_ECANCELED)
			net_result_free(r);
		else
			post(n, r);
	}
	cache_close(local);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return NULL;
}

void net_ident_init(net_ident *id, const net_opts *o)
{
	buf b;
	size_t bl = strlen(o->base_url);
	id->base = xstrdup(o->base_url);
	if (bl && id->base[bl - 1] == '/')
		id->base[bl - 1] = '\0';
	buf_init(&b);
	id->auth = NULL;
	if (o->token && *o->token) {
		buf_printf(&b, "Authorization: Bearer %s", o->token);
		id->auth = buf_detach(&b, NULL);
	}
	buf_printf(&b, "X-Kiosk-Id: %s", o->kiosk_id ? o->kiosk_id : "kiosk");
	id->kid = buf_detach(&b, NULL);
}

void net_ident_free(net_ident *id)
{
	if (id->auth) {
		util_wipe(id->auth, strlen(id->auth));
		free(id->auth);
	}
	free(id->kid);
	free(id->base);
	memset(id, 0, sizeof(*id));
}

struct curl_slist *net_ident_headers(const net_ident *id, struct curl_slist *h)
{
	h = curl_slist_append(h, id->kid);
	h = curl_slist_append(h, "Accept: application/json");
	if (id->auth)
		h = curl_slist_append(h, id->auth);
	return h;
}

net *net_create(const net_opts *o)
{
	net *n = xcalloc(1, sizeof(*n));
	n->o = *o;
	net_ident_init(&n->id, o);
	n->o.base_url = n->id.base;
	n->cache_dir = o->cache_dir ? xstrdup(o->cache_dir) : NULL;
	n->o.cache_dir = n->cache_dir;
	pthread_mutex_init(&n->mu, NULL);
	pthread_cond_init(&n->cv, NULL);
	if (pthread_create(&n->th, NULL, worker, n) != 0)
		die("net: cannot start worker");
	return n;
}

void net_destroy(net *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->mu);
	n->stop = 1;
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
	pthread_join(n->th, NULL);
	while (n->head) {
		struct net_req *q = n->head;
		n->head = q->next;
		req_free(q);
	}
	pthread_mutex_destroy(&n->mu);
	pthread_cond_destroy(&n->cv);
	net_ident_free(&n->id);
	free(n->cache_dir);
	free(n);
}

void net_set_today(net *n, int day)
{
	pthread_mutex_lock(&n->mu);
	n->today = day;
	pthread_mutex_unlock(&n->mu);
}

static unsigned enqueue(net *n, struct net_req *q);

/* A request for base_url + path, not yet queued. */
static struct net_req *req_new(net *n, int kind, const char *path)
{
	struct net_req *q = xcalloc(1, sizeof(*q));
	buf b;
	buf_init(&b);
	buf_printf(&b, "%s/%s", n->id.base, path);
	q->url = buf_detach(&b, NULL);
	q->kind = kind;
	return q;
}

unsigned net_get(net *n, int kind, const char *path)
{
	return enqueue(n, req_new(n, kind, path));
}

unsigned net_get_fresh(net *n, int kind, const char *path)
{
	struct net_req *q = req_new(n, kind, path);
	q->fresh = 1;
	return enqueue(n, q);
}

unsigned net_post(net *n, int kind, const char *path, const char *json, const char *key)
{
	struct net_req *q = req_new(n, kind, path);
	q->body = xstrdup(json);
	q->key = xstrdup(key);
	return enqueue(n, q);
}

unsigned net_delete(net *n, int kind, const char *path)
{
	struct net_req *q = req_new(n, kind, path);
	q->del = 1;
	return enqueue(n, q);
}

static unsigned enqueue(net *n, struct net_req *q)
{
	int kind = q->kind;
	unsigned tag;
	pthread_mutex_lock(&n->mu);
	tag = q->tag = ++n->next_tag;
	q->gen = n->gen[kind];
	if (n->tail)
		n->tail->next = q;
	else
		n->head = q;
	n->tail = q;
	pthread_cond_signal(&n->cv);
	pthread_mutex_unlock(&n->mu);
	return tag; /* not q->tag: the worker may have answered and freed q by now */
}

void net_cancel(net *n, int kind)
{
	pthread_mutex_lock(&n->mu);
	n->gen[kind]++;
	pthread_mutex_unlock(&n->mu);
}

void net_result_free(net_result *r)
{
	if (!r)
		return;
	free(r->body);
	free(r);
}
