#include "outbox.h"

#include <SDL2/SDL.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <string.h>

#include "buf.h"
#include "cache.h"
#include "log.h"
#include "util.h"

struct sub {
	struct sub *next;
	char *key, *ref, *body;
};

struct outbox {
	net_opts o;
	net_ident id;
	char *dir;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, kick;
	struct sub *subs;
};

static void post(outbox *x, int code, obx_event *ev)
{
	SDL_Event e;
	memset(&e, 0, sizeof(e));
	e.type = x->o.sdl_event;
	e.user.code = code;
	e.user.data1 = ev;
	if (SDL_PushEvent(&e) != 1)
		free(ev);
	else if (x->o.notify)
		x->o.notify(x->o.notify_ctx);
}

static size_t on_data(char *p, size_t s, size_t n, void *ud)
{
	buf *b = ud;
	if (b->len + s * n > (1u << 20))
		return 0;
	buf_add(b, p, s * n);
	return s * n;
}

static int pending(sqlite3 *db)
{
	sqlite3_stmt *st;
	int n = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM outbox WHERE state = 'pending'", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char obx_sql[] =
	"CREATE TABLE IF NOT EXISTS outbox(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	" reference TEXT NOT NULL, body TEXT, created_at INTEGER NOT NULL, state TEXT NOT NULL,"
	" status INTEGER, response TEXT);";

/* Cuts a delivery short when a person's new booking waits to be stored (they are
 * waiting to hear it was received) or the outbox stops; the cut item keeps its
 * key and goes again later. */
static int interrupted(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	outbox *x = ud;
	int cut;
	(void)dt, (void)dn, (void)ut, (void)un;
	pthread_mutex_lock(&x->mu);
	cut = x->subs != NULL || x->stop;
	pthread_mutex_unlock(&x->mu);
	return cut;
}

/* One POST; returns the HTTP status or -1 when the service did not answer. */
static long deliver(outbox *x, CURL *c, const char *key, const char *body, buf *resp)
{
	struct curl_slist *h = NULL;
	char url[1024], kh[200];
	long status = -1;
	snprintf(url, sizeof(url), "%s/v1/bookings", x->id.base);
	h = net_ident_headers(&x->id, h);
	h = curl_slist_append(h, "Content-Type: application/json");
	snprintf(kh, sizeof(kh), "Idempotency-Key: %s", key);
	h = curl_slist_append(h, kh);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, x->o.connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, x->o.timeout_s);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, interrupted);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, x);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(h);
	return status;
}

/* 1 when the service settled the booking: 201 booked, 202 follow-up, or a 409
 * or 422 with the contract's error body ({"error": {"code": "..."}}). Anything
 * else is not an answer from the service and is tried again. */
static int final_answer(long status, const buf *resp)
{
	json_object *o, *e, *code;
	int ok;
	if (status == 201 || status == 202)
		return 1;
	if (status != 409 && status != 422)
		return 0;
	o = resp->len ? json_tokener_parse(resp->data) : NULL;
	ok = o && json_object_object_get_ex(o, "error", &e) && json_object_is_type(e, json_type_object) &&
	     json_object_object_get_ex(e, "code", &code) && json_object_is_type(code, json_type_string);
	json_object_put(o);
	return ok;
}

static void *worker(void *arg)
{
	outbox *x = arg;
	CURL *c = curl_easy_init();
	cache *k = NULL;
	sqlite3 *db = NULL;
	char err[256];
	int first = 1;

	for (;;) {
		struct sub *s;
		int kick;
		pthread_mutex_lock(&x->mu);
		while (!x->stop && !x->subs && !x->kick && !first)
			pthread_cond_wait(&x->cv, &x->mu);
		if (x->stop) {
			pthread_mutex_unlock(&x->mu);
			break;
		}
		s = x->subs;
		x->subs = NULL;
		kick = x->kick || first;
		x->kick = 0;
		pthread_mutex_unlock(&x->mu);

		if (!k && (k = cache_open(x->dir, err, sizeof(err)))) {
			db = cache_db(k);
			/* received means on disk: every outbox commit is synced */
			sqlite3_exec(db, obx_sql, NULL, NULL, NULL);
			/* a delivered booking's name and phone are overwritten on
			 * disk, not only unlinked from the row */
			sqlite3_exec(db, "PRAGMA secure_delete=ON", NULL, NULL, NULL);
		}
		/* new submissions first: the person is waiting to hear */
		while (s) {
			struct sub *next = s->next;
			obx_event *ev = xcalloc(1, sizeof(*ev));
			sqlite3_stmt *st;
			int ok = 0;
			snprintf(ev->reference, sizeof(ev->reference), "%s", s->ref);
			if (db && sqlite3_exec(db, "PRAGMA synchronous=FULL", NULL, NULL, NULL) == SQLITE_OK &&
			    sqlite3_prepare_v2(db,
					       "INSERT OR IGNORE INTO outbox(key, reference, body, created_at,"
					       " state) VALUES (?, ?, ?, strftime('%s','now'), 'pending')",
					       -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, s->key, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 2, s->ref, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 3, s->body, -1, SQLITE_STATIC);
				ok = sqlite3_step(st) == SQLITE_DONE;
				sqlite3_finalize(st);
				sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
			}
			if (!ok)
				log_error("outbox_store", "error=\"%s\"", db ? sqlite3_errmsg(db) : "no cache");
			ev->failed = !ok;
			ev->pending = db ? pending(db) : 0;
			post(x, OBX_EV_STORED, ev);
			util_wipe(s->body, strlen(s->body));
			free(s->body);
			free(s->key);
			free(s->ref);
			free(s);
			s = next;
			kick = 1;
		}
		first = 0; /* (before any continue: an unopenable cache must not spin) */
		if (!kick || !db)
			continue;
		/* deliver, oldest first; stop at the first item the service does not answer */
		int reachable = 1, delivered = 0;
		for (;;) {
			sqlite3_stmt *st;
			long long id;
			char key[64], ref[16];
			buf body, resp;
			pthread_mutex_lock(&x->mu);
			int waiting = x->subs != NULL || x->stop;
			if (waiting)
				x->kick = 1; /* store them, then carry on */
			pthread_mutex_unlock(&x->mu);
			if (waiting)
				break;
			if (sqlite3_prepare_v2(db,
					       "SELECT id, key, reference, body FROM outbox WHERE state ="
					       " 'pending' ORDER BY id LIMIT 1",
					       -1, &st, NULL) != SQLITE_OK)
				break;
			if (sqlite3_step(st) != SQLITE_ROW) {
				sqlite3_finalize(st);
				break;
			}
			id = sqlite3_column_int64(st, 0);
			snprintf(key, sizeof(key), "%s", (const char *)sqlite3_column_text(st, 1));
			snprintf(ref, sizeof(ref), "%s", (const char *)sqlite3_column_text(st, 2));
			buf_init(&body);
			buf_adds(&body, (const char *)sqlite3_column_text(st, 3));
			sqlite3_finalize(st);
			buf_init(&resp);
			long status = deliver(x, c, key, body.data, &resp);
			buf_wipe(&body);
			if (!final_answer(status, &resp)) {
				/* no answer, a 5xx, or not the service's answer (a captive
				 * portal's page, a proxy's 407, a revoked token's 401, a 429):
				 * the same key goes again later, never twice, never lost */
				reachable = status >= 500 && status < 600;
				if (status > 0 && status < 500)
					log_warn("outbox_retry", "status=%ld", status);
				buf_release(&resp);
				break;
			}
			/* answered (201, 202, or the contract's 409/422): done; the
			 * personal data goes */
			int stored = 0;
			if (sqlite3_prepare_v2(db,
					       "UPDATE outbox SET state = 'done', status = ?, response = ?,"
					       " body = NULL WHERE id = ?",
					       -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_int64(st, 1, status);
				sqlite3_bind_text(st, 2, resp.data, -1, SQLITE_STATIC);
				sqlite3_bind_int64(st, 3, id);
				stored = sqlite3_step(st) == SQLITE_DONE;
				sqlite3_finalize(st);
			}
			if (!stored) {
				/* a full or failing disk: stop this round rather than send the
				 * same item again at once (its key makes a resend harmless) */
				log_error("outbox_mark", "error=\"%s\"", sqlite3_errmsg(db));
				buf_release(&resp);
				reachable = 0;
				break;
			}
			log_info("outbox_delivered", "status=%ld", status);
			obx_event *ev = xcalloc(1, sizeof(*ev));
			snprintf(ev->reference, sizeof(ev->reference), "%s", ref);
			ev->status = status;
			ev->pending = pending(db);
			post(x, OBX_EV_DELIVERED, ev);
			delivered++;
			buf_release(&resp);
		}
		/* delivered rows are kept while their key could come back (the
		 * service keeps keys 7 days), then go; the WAL's old page images of
		 * wiped bodies go with a checkpoint */
		if (delivered)
			sqlite3_exec(db,
				     "DELETE FROM outbox WHERE state = 'done' AND created_at <"
				     " strftime('%s','now') - 8 * 86400; PRAGMA wal_checkpoint(TRUNCATE);",
				     NULL, NULL, NULL);
		obx_event *ev = xcalloc(1, sizeof(*ev));
		ev->pending = pending(db);
		ev->reachable = reachable;
		post(x, OBX_EV_COUNT, ev);
	}
	cache_close(k);
	curl_easy_cleanup(c);
	return NULL;
}

outbox *obx_start(const net_opts *o, const char *dir)
{
	outbox *x = xcalloc(1, sizeof(*x));
	x->o = *o;
	net_ident_init(&x->id, o);
	x->dir = xstrdup(dir);
	pthread_mutex_init(&x->mu, NULL);
	pthread_cond_init(&x->cv, NULL);
	if (pthread_create(&x->th, NULL, worker, x) != 0)
		die("outbox: cannot start worker");
	return x;
}

void obx_stop(outbox *x)
{
	if (!x)
		return;
	pthread_mutex_lock(&x->mu);
	x->stop = 1;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
	pthread_join(x->th, NULL);
	while (x->subs) {
		struct sub *s = x->subs;
		x->subs = s->next;
		util_wipe(s->body, strlen(s->body));
		free(s->body);
		free(s->key);
		free(s->ref);
		free(s);
	}
	pthread_mutex_destroy(&x->mu);
	pthread_cond_destroy(&x->cv);
	net_ident_free(&x->id);
	free(x->dir);
	free(x);
}

void obx_submit(outbox *x, const char *key, const char *ref, const char *body)
{
	struct sub *s = xcalloc(1, sizeof(*s)), **pp;
	s->key = xstrdup(key);
	s->ref = xstrdup(ref);
	s->body = xstrdup(body);
	pthread_mutex_lock(&x->mu);
	for (pp = &x->subs; *pp; pp = &(*pp)->next)
		;
	*pp = s;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

void obx_kick(outbox *x)
{
	pthread_mutex_lock(&x->mu);
	x->kick = 1;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}
