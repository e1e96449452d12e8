#include "api.h"

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "fleet.h"
#include "jobdb.h"
#include "jobq.h"
#include "kdate.h"
#include "log.h"
#include "relpub.h"

#define CHANGES_DEFAULT_PAGE 500
#define CHANGES_MAX_PAGE 1000

static int api_today(const api_app *app)
{
	return app->today >= 0 ? app->today : kdate_seoul_day(time(NULL));
}

/* Maps a jobdb failure to the response a client should see. */
static void db_error(srv_resp *resp, int rc, const char *what, const char *detail)
{
	log_error("db", "op=%s rc=%d detail=\"%s\"", what, rc, detail);
	srv_resp_error(resp, 503, "service temporarily unavailable; try again");
	resp->retry_after = 5;
}

/* Refuses any query parameter on endpoints that take none. */
static int no_params(srv_req *req, srv_resp *resp)
{
	char msg[96];
	if (req->nparams == 0)
		return 0;
	snprintf(msg, sizeof(msg), "unknown parameter '%.40s'", req->params[0].key);
	srv_resp_error(resp, 400, msg);
	return -1;
}

/* Serves a cached body when the data generation has not moved; returns 1 if served. */
static int from_cache(api_app *app, srv_req *req, const char *key, long long *gen,
		      srv_resp *resp)
{
	if ((*gen = req->gen) < 0)
		return 0;
	rcache_set_generation(app->cache, *gen);
	if (rcache_get(app->cache, key, &resp->body, resp->etag)) {
		resp->status = 200;
		return 1;
	}
	return 0;
}

static void to_cache(api_app *app, long long gen, const char *key, srv_resp *resp)
{
	if (resp->status == 200 && gen >= 0)
		rcache_put(app->cache, gen, key, resp->body.data, resp->body.len, resp->etag);
}

static void h_health(void *a, srv_req *req, srv_resp *resp)
{
	long long gen;
	json_object *o;
	(void)a;
	if (no_params(req, resp) < 0)
		return;
	if (jobdb_generation(req->db, &gen) < 0) {
		srv_resp_error(resp, 503, "database unavailable");
		resp->retry_after = 5;
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "version", json_object_new_string(JK_VERSION));
	srv_resp_json(resp, 200, o);
	resp->etag[0] = '\0'; /* never cached: it reports liveness */
}

static void list_endpoint(api_app *app, srv_req *req, srv_resp *resp, const char *key,
			  int (*fn)(sqlite3 *, json_object **, char *, size_t))
{
	char err[256];
	long long gen = -1;
	json_object *o;
	int rc;

	if (no_params(req, resp) < 0 || from_cache(app, req, key, &gen, resp))
		return;
	if ((rc = fn(req->db, &o, err, sizeof(err))) < 0)
		return db_error(resp, rc, key, err);
	srv_resp_json(resp, 200, o);
	to_cache(app, gen, key, resp);
}

static void h_regions(void *a, srv_req *req, srv_resp *resp)
{
	list_endpoint(a, req, resp, "regions", jobdb_regions_json);
}

static void h_categories(void *a, srv_req *req, srv_resp *resp)
{
	list_endpoint(a, req, resp, "categories", jobdb_categories_json);
}

static void h_jobs(void *a, srv_req *req, srv_resp *resp)
{
	api_app *app = a;
	char err[256];
	long long gen = -1;
	jobq q;
	jobdb_page page;
	buf key;
	int rc, today = api_today(app);

	jobq_init(&q);
	buf_init(&key);
	for (int i = 0; i < req->nparams; i++) {
		if (jobq_set(&q, req->params[i].key, req->params[i].value, err, sizeof(err)) < 0) {
			srv_resp_error(resp, 400, err);
			goto out;
		}
	}
	buf_printf(&key, "jobs@%d?", today);
	jobq_canonical(&q, &key);
	if (from_cache(app, req, key.data, &gen, resp))
		goto out;
	rc = jobdb_search(req->db, &q, today, &page, err, sizeof(err));
	if (rc == JOBDB_EINVAL) {
		srv_resp_error(resp, 400, err);
		goto out;
	}
	if (rc < 0) {
		db_error(resp, rc, "search", err);
		goto out;
	}
	srv_resp_json(resp, 200, jobdb_page_to_json(&page));
	jobdb_page_release(&page);
	to_cache(app, gen, key.data, resp);
out:
	/* The key holds the search text; it is not personal, but it is not kept either. */
	buf_wipe(&key);
	jobq_release(&q);
}

static int job_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static void h_job(void *a, srv_req *req, srv_resp *resp)
{
	api_app *app = a;
	char err[256], key[96];
	long long gen = -1;
	job j;
	int rc;

	if (no_params(req, resp) < 0)
		return;
	if (!req->path_arg || !job_id_valid(req->path_arg)) {
		srv_resp_error(resp, 404, "no such job");
		return;
	}
	snprintf(key, sizeof(key), "job/%s", req->path_arg);
	if (from_cache(app, req, key, &gen, resp))
		return;
	job_init(&j);
	rc = jobdb_get(req->db, req->path_arg, &j, err, sizeof(err));
	if (rc == JOBDB_ENOTFOUND) {
		srv_resp_error(resp, 404, "no such job (unknown or withdrawn)");
	} else if (rc < 0) {
		db_error(resp, rc, "get", err);
	} else {
		srv_resp_json(resp, 200, job_to_json(&j, 1));
		to_cache(app, gen, key, resp);
	}
	job_release(&j);
}

static void h_changes(void *a, srv_req *req, srv_resp *resp)
{
	const char *since = NULL;
	char err[256];
	long long per = CHANGES_DEFAULT_PAGE;
	json_object *o;
	int rc;
	(void)a;

	for (int i = 0; i < req->nparams; i++) {
		const srv_param *p = &req->params[i];
		if (strcmp(p->key, "since") == 0 && !since) {
			since = p->value;
		} else if (strcmp(p->key, "per_page") == 0) {
			if (util_parse_long(p->value, 1, CHANGES_MAX_PAGE, &per) < 0) {
				srv_resp_error(resp, 400, "per_page: expected 1..1000");
				return;
			}
		} else {
			snprintf(err, sizeof(err), "unknown or repeated parameter '%.40s'", p->key);
			srv_resp_error(resp, 400, err);
			return;
		}
	}
	rc = jobdb_changes(req->db, since, (int)per, &o, err, sizeof(err));
	if (rc == JOBDB_EGONE) {
		srv_resp_error(resp, 410, err);
		return;
	}
	if (rc < 0)
		return db_error(resp, rc, "changes", err);
	srv_resp_json(resp, 200, o);
}

/* ---- counselling ---- */

/* Booking writes from this process take turns here rather than in SQLite's busy
 * handler, whose sleeps (up to 100 ms each) made the p99 of a booking burst
 * 470 ms. Other processes (the CLI tools) still meet the busy handler. */
static pthread_mutex_t book_mu = PTHREAD_MUTEX_INITIALIZER;

static void h_topics(void *a, srv_req *req, srv_resp *resp)
{
	char err[256];
	json_object *o;
	(void)a;
	if (no_params(req, resp) < 0)
		return;
	if (bk_topics_json(req->db, &o, err, sizeof(err)) < 0)
		return db_error(resp, -1, "topics", err);
	srv_resp_json(resp, 200, o);
}

static void h_counselors(void *a, srv_req *req, srv_resp *resp)
{
	char err[256];
	json_object *o;
	(void)a;
	if (no_params(req, resp) < 0)
		return;
	if (bk_counselors_json(req->db, &o, err, sizeof(err)) < 0)
		return db_error(resp, -1, "counselors", err);
	srv_resp_json(resp, 200, o);
}

static void h_slots(void *a, srv_req *req, srv_resp *resp)
{
	const char *from = NULL, *to = NULL, *topic = NULL, *counselor = NULL;
	char err[256];
	int d0, d1, rc;
	json_object *o;
	(void)a;
	for (int i = 0; i < req->nparams; i++) {
		const char *k = req->params[i].key, *v = req->params[i].value;
		const char **dst = strcmp(k, "from") == 0	     ? &from
				   : strcmp(k, "to") == 0	     ? &to
				   : strcmp(k, "topic") == 0	     ? &topic
				   : strcmp(k, "counselor") == 0 ? &counselor
							       : NULL;
		if (!dst || *dst) {
			snprintf(err, sizeof(err), "unknown or repeated parameter '%.40s'", k);
			srv_resp_error(resp, 400, err);
			return;
		}
		*dst = v;
	}
	if (!from || !to || kdate_parse(from, &d0) < 0 || kdate_parse(to, &d1) < 0) {
		srv_resp_error(resp, 400, "from and to (YYYY-MM-DD) are required");
		return;
	}
	if (d1 < d0 || d1 - d0 + 1 > 31) {
		srv_resp_error(resp, 400, "from..to must be 1 to 31 days");
		return;
	}
	rc = bk_slots_json(req->db, d0, d1, topic, counselor, time(NULL), &o, err, sizeof(err));
	if (rc == -2) {
		srv_resp_error(resp, 400, err);
		return;
	}
	if (rc < 0)
		return db_error(resp, rc, "slots", err);
	srv_resp_json(resp, 200, o);
	resp->etag[0] = '\0'; /* availability changes with every booking */
}

static void h_book(void *a, srv_req *req, srv_resp *resp)
{
	api_app *app = a;
	const char *ct = srv_req_header(req, "Content-Type");
	char err[256];
	int status;
	if (req->nparams) {
		srv_resp_error(resp, 400, "POST /v1/bookings takes no query parameters");
		return;
	}
	if (ct && strncasecmp(ct, "application/json", 16) != 0) {
		srv_resp_error(resp, 415, "the body must be application/json");
		return;
	}
	pthread_mutex_lock(&book_mu);
	int rc = bk_book(req->db, &app->booking, req->kiosk_token,
			 srv_req_header(req, "Idempotency-Key"), req->body, req->body_len, time(NULL),
			 &status, &resp->body, err, sizeof(err));
	pthread_mutex_unlock(&book_mu);
	if (rc < 0)
		return db_error(resp, -1, "book", err);
	resp->status = status;
	resp->etag[0] = '\0';
}

static void lookup(void *a, srv_req *req, srv_resp *resp, int del)
{
	api_app *app = a;
	const char *last4 = NULL;
	char err[256];
	int status, retry;
	for (int i = 0; i < req->nparams; i++) {
		if (strcmp(req->params[i].key, "phone_last4") == 0 && !last4) {
			last4 = req->params[i].value;
		} else {
			snprintf(err, sizeof(err), "unknown or repeated parameter '%.40s'",
				 req->params[i].key);
			srv_resp_error(resp, 400, err);
			return;
		}
	}
	if (!last4 || strlen(last4) != 4 || strspn(last4, "0123456789") != 4) {
		srv_resp_error(resp, 400, "phone_last4 (4 digits) is required");
		return;
	}
	if (!req->path_arg || strlen(req->path_arg) > 16) {
		srv_resp_error(resp, 404, "no such booking");
		return;
	}
	pthread_mutex_lock(&book_mu);
	int rc = bk_lookup(req->db, &app->booking, req->kiosk_token, req->path_arg, last4, del,
			   time(NULL), &status, &retry, &resp->body, err, sizeof(err));
	pthread_mutex_unlock(&book_mu);
	if (rc < 0)
		return db_error(resp, -1, "lookup", err);
	resp->status = status;
	resp->retry_after = retry;
	resp->etag[0] = '\0';
}

static void h_booking_get(void *a, srv_req *req, srv_resp *resp)
{
	lookup(a, req, resp, 0);
}

static void h_booking_delete(void *a, srv_req *req, srv_resp *resp)
{
	lookup(a, req, resp, 1);
}

/* ---- interview-practice media ---- */

static void h_media(void *a, srv_req *req, srv_resp *resp)
{
	api_app *app = a;
	char err[256], base[512];
	json_object *o;
	if (no_params(req, resp) < 0)
		return;
	if (app->media_base_url) {
		snprintf(base, sizeof(base), "%s", app->media_base_url);
	} else {
		const char *host = srv_req_header(req, "Host");
		snprintf(base, sizeof(base), "%s://%s/media/", srv_req_is_https(req) ? "https" : "http",
			 host && strlen(host) < 256 && !strpbrk(host, "/\\\"<> ") ? host : "localhost");
	}
	if (md_json(app->media, base, &o, err, sizeof(err)) < 0)
		return db_error(resp, -1, "media", err);
	srv_resp_json(resp, 200, o);
}

/* Sends an open file (fd, yours no more) with single byte ranges and If-Range:
 * kiosks resume downloads with them. */
static void send_file(srv_req *req, srv_resp *resp, int fd, uint64_t size, const char *ct,
		      const char *etag, const char *cache_control)
{
	const char *range = srv_req_header(req, "Range"), *if_range = srv_req_header(req, "If-Range");
	char cr[96];
	uint64_t off = 0, len;
	/* a range of another version of the file would corrupt the copy: send it whole */
	int r = if_range && strcmp(if_range, etag) != 0 ? 0 : md_parse_range(range, size, &off, &len);
	srv_resp_header(resp, "Accept-Ranges", "bytes");
	snprintf(resp->etag, sizeof(resp->etag), "%.34s", etag);
	resp->cache_control = cache_control;
	if (r < 0) {
		close(fd);
		resp->cache_control = NULL; /* an error is not to be kept by caches */
		snprintf(cr, sizeof(cr), "bytes */%llu", (unsigned long long)size);
		srv_resp_header(resp, "Content-Range", cr);
		srv_resp_error(resp, 416, "range not satisfiable");
		return;
	}
	resp->content_type = ct;
	if (r == 1) {
		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%llu", (unsigned long long)off,
			 (unsigned long long)(off + len - 1), (unsigned long long)size);
		srv_resp_header(resp, "Content-Range", cr);
		srv_resp_file(resp, 206, fd, off, len);
	} else {
		srv_resp_file(resp, 200, fd, 0, size);
	}
}

/* GET /media/{file}: the catalogued files. A static web server may serve the
 * folder instead. */
static void h_media_file(void *a, srv_req *req, srv_resp *resp)
{
	api_app *app = a;
	const char *ct;
	char etag[40];
	uint64_t size;
	int fd;
	if (!req->path_arg || md_open_file(app->media, req->path_arg, &fd, &size, &ct, etag) < 0) {
		srv_resp_error(resp, 404, "no such media file");
		return;
	}
	send_file(req, resp, fd, size, ct, etag, "public, max-age=3600");
}

/* GET /releases/...: what update agents fetch (relpub.h). Chunks and roots never
 * change; the timestamp and release must never come from a stale cache. */
static void h_release_file(void *a, srv_req *req, srv_resp *resp)
{
	api_app *app = a;
	char etag[40];
	uint64_t size;
	int fd, immutable;
	if (!app->releases_dir || strncmp(req->path, "/releases/", 10) != 0 ||
	    rp_open(app->releases_dir, req->path + 10, &fd, &size, etag, &immutable) < 0) {
		srv_resp_error(resp, 404, "no such release file");
		return;
	}
	send_file(req, resp, fd, size, immutable ? "application/octet-stream" : "application/json", etag,
		  immutable ? "public, max-age=31536000, immutable" : "no-cache");
}

/* ---- fleet (remote updates) ---- */

static void fleet_call(srv_req *req, srv_resp *resp,
		       int (*fn)(sqlite3 *, const char *, const char *, size_t, time_t, int *, buf *,
				 char *, size_t))
{
	char err[256];
	int status;
	if (req->nparams) {
		srv_resp_error(resp, 400, "no query parameters here");
		return;
	}
	pthread_mutex_lock(&book_mu); /* writes take turns, as bookings do */
	int rc = fn(req->db, req->kiosk_token, req->body ? req->body : "", req->body_len,
		    time(NULL), &status, &resp->body, err, sizeof(err));
	pthread_mutex_unlock(&book_mu);
	if (rc < 0)
		return db_error(resp, -1, "fleet", err);
	resp->status = status;
	resp->etag[0] = '\0';
}

static int enroll_adapter(sqlite3 *db, const char *kiosk, const char *body, size_t len, time_t now,
			  int *status, buf *resp, char *err, size_t errlen)
{
	(void)kiosk;
	return fl_enroll(db, body, len, now, status, resp, err, errlen);
}

static void h_fleet_enroll(void *a, srv_req *req, srv_resp *resp)
{
	(void)a;
	fleet_call(req, resp, enroll_adapter);
}

static void h_fleet_heartbeat(void *a, srv_req *req, srv_resp *resp)
{
	(void)a;
	fleet_call(req, resp, fl_heartbeat);
}

static const srv_route routes[] = {
	{"GET", "/v1/health", 0, h_health},
	{"GET", "/v1/regions", 1, h_regions},
	{"GET", "/v1/categories", 1, h_categories},
	{"GET", "/v1/jobs", 1, h_jobs},
	{"GET", "/v1/jobs/changes", 1, h_changes},
	{"GET", "/v1/jobs/*", 1, h_job},
	{"GET", "/v1/topics", 1, h_topics},
	{"GET", "/v1/counselors", 1, h_counselors},
	{"GET", "/v1/slots", 1, h_slots},
	{"POST", "/v1/bookings", 1, h_book},
	{"GET", "/v1/bookings/*", 1, h_booking_get},
	{"DELETE", "/v1/bookings/*", 1, h_booking_delete},
	{"GET", "/v1/media", 1, h_media},
	{"GET", "/media/*", 0, h_media_file},
	{"GET", "/releases/*", 0, h_release_file},
	{"GET", "/releases/chunks/*", 0, h_release_file},
	{"GET", "/releases/roots/*", 0, h_release_file},
	{"POST", "/v1/fleet/enroll", 0, h_fleet_enroll},
	{"POST", "/v1/fleet/heartbeat", 1, h_fleet_heartbeat},
};

/* The API's routes, then the console's (console.c), in one table. */
static srv_route all_routes[ARRAY_LEN(routes) + 32];
static size_t n_all;
static pthread_once_t all_once = PTHREAD_ONCE_INIT;

static void all_init(void)
{
	size_t nc;
	const srv_route *c = console_routes(&nc);
	if (nc > 32)
		die("console: too many routes");
	memcpy(all_routes, routes, sizeof(routes));
	memcpy(all_routes + ARRAY_LEN(routes), c, nc * sizeof(*c));
	n_all = ARRAY_LEN(routes) + nc;
}

const srv_route *api_routes(size_t *n)
{
	pthread_once(&all_once, all_init);
	*n = n_all;
	return all_routes;
}
