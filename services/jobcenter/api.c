#include "api.h"

#include <string.h>
#include <time.h>

#include "jobdb.h"
#include "jobq.h"
#include "kdate.h"
#include "log.h"

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

static const srv_route routes[] = {
	{"GET", "/v1/health", 0, h_health},
	{"GET", "/v1/regions", 1, h_regions},
	{"GET", "/v1/categories", 1, h_categories},
	{"GET", "/v1/jobs", 1, h_jobs},
	{"GET", "/v1/jobs/changes", 1, h_changes},
	{"GET", "/v1/jobs/*", 1, h_job},
};

const srv_route *api_routes(size_t *n)
{
	*n = ARRAY_LEN(routes);
	return routes;
}
