/*
 * jobcenter - the Job Support Center service.
 *
 * One binary, several subcommands. `serve` runs the HTTP API that the kiosks call
 * (docs/api/jobcenter-api-v1.md); the others are the operator's tools on the same
 * state directory: `sample` fills it with generated listings, `token` issues and
 * revokes kiosks' device tokens, `import work24` loads listings from the national
 * Work24 open API (saved responses or live).
 *
 * How it fits together: all state is one SQLite database in WAL mode (store.c),
 * so the tools may run while the server is serving. The job tables, the search
 * with its n-gram tokenizer, and the change feed live in the shared library
 * (common/jobdb.c, common/ngram.c), because the kiosk's offline cache runs the very
 * same search. server.c owns HTTP (limits, auth, errors, ETags) and dispatches by
 * the route table in api.c; handlers fill a response and know nothing of
 * libmicrohttpd. Search responses are kept in a small LRU (rcache.c) keyed by the
 * canonical query and invalidated by the data generation, which SQLite triggers
 * bump on every change. maint.c runs the periodic Work24 import and housekeeping.
 * The main thread only parses the command line and then waits for SIGTERM.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "config.h"
#include "fleet.h"
#include "jobdb.h"
#include "kdate.h"
#include "log.h"
#include "rcache.h"
#include "relpub.h"
#include "sample.h"
#include "maint.h"
#include "sdnotify.h"
#include "server.h"
#include "store.h"
#include "webauth.h"
#include "work24.h"

static const char usage[] =
	"usage: jobcenter <command> [options]\n"
	"\n"
	"commands:\n"
	"  serve   --listen HOST:PORT --data DIR       serve the API until SIGTERM\n"
	"  sample  --data DIR --jobs N [--seed S]      generate N sample listings\n"
	"          [--revise K]                        ... with K of them re-posted (changed)\n"
	"  token   issue|revoke --data DIR --kiosk ID  manage device tokens\n"
	"  token   list --data DIR                     list device tokens\n"
	"  user    add --data DIR --login L --name N --role admin|counselor [--counselor ID]\n"
	"          passwd --data DIR --login L         console accounts; the password is read\n"
	"                                              from standard input (one line)\n"
	"  user    list --data DIR                     list console accounts\n"
	"  fleet   enroll-token --data DIR [--group G] a one-time kiosk enrollment token\n"
	"  fleet   rollout --data DIR --version N --previous P --stages 5,25,100\n"
	"          [--advance 0.9] [--pause 0.2] [--group G]  stage a release over the fleet\n"
	"  fleet   pause|resume|rollback|status --data DIR\n"
	"  fleet   publish --data DIR --from PUBDIR [--root root.json]  check a release\n"
	"          jk-release wrote and serve it under /releases/ (DIR/releases)\n"
	"  import  work24 --data DIR --file F [--file F ...]   import saved responses\n"
	"  import  work24 --data DIR --live            import from the live API (config)\n"
	"  version\n"
	"\n"
	"options for every command:\n"
	"  --config FILE      JSON configuration (flags override it)\n"
	"  --data DIR         state directory (default ./jobcenter-data)\n"
	"  --listen H:P       address to listen on (default 127.0.0.1:8080; port 0 = any)\n"
	"  --threads N        HTTP worker threads (default: one per CPU)\n"
	"  --cache-mb N       response cache size (default 64, 0 disables)\n"
	"  --media-dir DIR    interview-practice media with media.json (default DIR/media)\n"
	"  --log-level L      debug, info, warn, error, off\n"
	"  --today YYYY-MM-DD treat this Seoul date as today (tests)\n";

#define MAX_FILES 256

struct cli {
	cfg c;
	const char *kiosk;
	const char *login, *name, *role, *counselor;
	const char *group, *stages, *from, *root;
	long long version, previous;
	double advance, pause;
	long jobs;
	long revise;
	unsigned long long seed;
	const char *files[MAX_FILES];
	int nfiles;
	int live;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	fputs("jobcenter: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

/* Parses options after the command words; returns 0 or prints why and returns -1. */
static int parse_opts(struct cli *cl, int argc, char **argv)
{
	char err[256];
	/* --config first, so flags override the file wherever they appear. */
	for (int i = 0; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0 &&
		    cfg_load_file(&cl->c, argv[i + 1], err, sizeof(err)) < 0)
			return fail("%s", err), -1;
	for (int i = 0; i < argc; i++) {
		const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		long long n;
		int r;
		if (strcmp(f, "--live") == 0) {
			cl->live = 1;
			continue;
		}
		if (strncmp(f, "--", 2) != 0)
			return fail("unexpected argument '%s'", f), -1;
		if (!v)
			return fail("%s needs a value", f), -1;
		i++;
		if (strcmp(f, "--config") == 0)
			continue;
		if ((r = cfg_apply_flag(&cl->c, f, v, err, sizeof(err))) < 0)
			return fail("%s", err), -1;
		if (r == 1)
			continue;
		if (strcmp(f, "--kiosk") == 0) {
			cl->kiosk = v;
		} else if (strcmp(f, "--login") == 0) {
			cl->login = v;
		} else if (strcmp(f, "--name") == 0) {
			cl->name = v;
		} else if (strcmp(f, "--role") == 0) {
			cl->role = v;
		} else if (strcmp(f, "--counselor") == 0) {
			cl->counselor = v;
		} else if (strcmp(f, "--group") == 0) {
			cl->group = v;
		} else if (strcmp(f, "--stages") == 0) {
			cl->stages = v;
		} else if (strcmp(f, "--from") == 0) {
			cl->from = v;
		} else if (strcmp(f, "--root") == 0) {
			cl->root = v;
		} else if (strcmp(f, "--version") == 0 || strcmp(f, "--previous") == 0) {
			if (util_parse_long(v, 0, (1LL << 53), &n) < 0)
				return fail("%s: expected a release number", f), -1;
			*(f[2] == 'v' ? &cl->version : &cl->previous) = n;
		} else if (strcmp(f, "--advance") == 0 || strcmp(f, "--pause") == 0) {
			char *end;
			double d = strtod(v, &end);
			if (*end || d <= 0 || d > 1)
				return fail("%s: expected a share in (0, 1]", f), -1;
			*(f[2] == 'a' ? &cl->advance : &cl->pause) = d;
		} else if (strcmp(f, "--jobs") == 0) {
			if (util_parse_long(v, 0, 10000000, &n) < 0)
				return fail("--jobs: expected 0..10000000"), -1;
			cl->jobs = (long)n;
		} else if (strcmp(f, "--revise") == 0) {
			if (util_parse_long(v, 0, 10000000, &n) < 0)
				return fail("--revise: expected 0..10000000"), -1;
			cl->revise = (long)n;
		} else if (strcmp(f, "--seed") == 0) {
			if (util_parse_long(v, 0, (1LL << 62), &n) < 0)
				return fail("--seed: expected a non-negative integer"), -1;
			cl->seed = (unsigned long long)n;
		} else if (strcmp(f, "--file") == 0) {
			if (cl->nfiles == MAX_FILES)
				return fail("at most %d --file options", MAX_FILES), -1;
			cl->files[cl->nfiles++] = v;
		} else {
			return fail("unknown option '%s' (see jobcenter help)", f), -1;
		}
	}
	enum log_level lv;
	if (log_parse_level(cl->c.log_level, &lv) == 0)
		log_set_level(lv);
	return 0;
}

static int open_store(const cfg *c, int pool, store **st)
{
	char err[512];
	if (store_open(c->data_dir, pool, st, err, sizeof(err)) < 0)
		return fail("%s", err);
	return 0;
}

static int today_of(const cfg *c)
{
	return c->today >= 0 ? c->today : kdate_seoul_day(time(NULL));
}

static int cmd_serve(struct cli *cl)
{
	char err[512];
	store *st = NULL;
	rcache *cache;
	srv *sv = NULL;
	maint *sc;
	sigset_t set;
	api_app app;
	size_t nroutes;
	const srv_route *routes = api_routes(&nroutes);
	int threads = cl->c.threads > 0 ? cl->c.threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	int sig = 0;

	if (threads < 1)
		threads = 1;
	/* Signals are taken synchronously by this thread; workers inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (open_store(&cl->c, threads + 2, &st))
		return 1;
	cache = rcache_create((size_t)cl->c.cache_mb << 20);
	memset(&app, 0, sizeof(app));
	app.st = st;
	app.cache = cache;
	app.today = cl->c.today;
	app.booking = (bk_opts){cl->c.max_upcoming, cl->c.retention_days, cl->c.location};
	{
		char mdir[4096];
		snprintf(mdir, sizeof(mdir), "%s/media", cl->c.data_dir);
		app.media = md_open(cl->c.media_dir ? cl->c.media_dir : mdir);
		app.media_base_url = cl->c.media_base_url;
	}
	char rdir[4096];
	snprintf(rdir, sizeof(rdir), "%s/releases", cl->c.data_dir);
	app.releases_dir = rdir;
	srv_options opt = {cl->c.listen, threads, 64 * 1024, 8 * 1024};
	if (srv_start(&opt, routes, nroutes, &app, st, &sv, err, sizeof(err)) < 0) {
		rcache_destroy(cache);
		md_close(app.media);
		store_destroy(st);
		return fail("%s", err);
	}
	sc = maint_start(&cl->c, st);
	{
		char host[64];
		const char *colon = strrchr(cl->c.listen, ':');
		snprintf(host, sizeof(host), "%.*s", (int)(colon - cl->c.listen), cl->c.listen);
		printf("jobcenter: serving http://%s:%d/ (data %s)\n", host, srv_port(sv),
		       cl->c.data_dir);
		fflush(stdout);
		log_info("start", "listen=%s:%d threads=%d version=%s", host, srv_port(sv), threads,
			 JK_VERSION);
	}
	sdn_notify("READY=1");
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		log_info("sighup", "ignored=1");
	log_info("stop", "signal=%d", sig);
	sdn_notify("STOPPING=1");
	maint_stop(sc);
	srv_stop(sv);
	{
		unsigned long long hits, misses;
		rcache_stats(cache, &hits, &misses);
		log_info("cache", "hits=%llu misses=%llu", hits, misses);
	}
	rcache_destroy(cache);
	md_close(app.media);
	store_destroy(st);
	return 0;
}

static int cmd_sample(struct cli *cl)
{
	char err[512];
	store *st;
	long up, del;
	double t0 = util_now_ms();
	int rc;

	if (open_store(&cl->c, 1, &st))
		return 1;
	sqlite3 *db = store_acquire(st);
	rc = sample_fill_revised(db, cl->seed, cl->jobs, cl->revise, today_of(&cl->c), time(NULL),
				 &up, &del, err, sizeof(err));
	store_release(st, db);
	store_destroy(st);
	if (rc < 0)
		return fail("%s", err);
	printf("jobcenter: %ld sample jobs in %s (%ld written, %ld removed) in %.1f s\n", cl->jobs,
	       cl->c.data_dir, up, del, (util_now_ms() - t0) / 1000);
	return 0;
}

static int cmd_token(struct cli *cl, const char *verb)
{
	char err[512], token[AUTH_TOKEN_LEN];
	store *st;
	int rc = 0, n;

	if (strcmp(verb, "list") != 0 && !cl->kiosk)
		return fail("token %s needs --kiosk ID", verb);
	if (strcmp(verb, "issue") && strcmp(verb, "revoke") && strcmp(verb, "list"))
		return fail("token: expected issue, revoke or list");
	if (open_store(&cl->c, 1, &st))
		return 1;
	sqlite3 *db = store_acquire(st);
	if (strcmp(verb, "issue") == 0) {
		if ((rc = auth_issue(db, cl->kiosk, token, err, sizeof(err))) == 0) {
			printf("%s\n", token);
			util_wipe(token, sizeof(token));
		}
	} else if (strcmp(verb, "revoke") == 0) {
		if ((rc = auth_revoke(db, cl->kiosk, &n, err, sizeof(err))) == 0)
			fprintf(stderr, "jobcenter: revoked %d token(s) of %s\n", n, cl->kiosk);
	} else {
		rc = auth_list(db, stdout, err, sizeof(err));
	}
	store_release(st, db);
	store_destroy(st);
	return rc < 0 ? fail("%s", err) : 0;
}

/* One line from standard input (a password), without its newline. */
static int read_secret(char *out, size_t n)
{
	if (!fgets(out, (int)n, stdin))
		return -1;
	out[strcspn(out, "\r\n")] = '\0';
	return 0;
}

static int cmd_user(struct cli *cl, const char *verb)
{
	char err[512], pw[WA_PASSWORD_MAX + 8];
	store *st;
	int rc = 0;
	json_object *users = NULL;

	if (strcmp(verb, "add") && strcmp(verb, "passwd") && strcmp(verb, "list"))
		return fail("user: expected add, passwd or list");
	if (strcmp(verb, "list") != 0 && !cl->login)
		return fail("user %s needs --login", verb);
	if (strcmp(verb, "add") == 0 && (!cl->role || !cl->name))
		return fail("user add needs --name and --role admin|counselor");
	if (strcmp(verb, "list") != 0 && read_secret(pw, sizeof(pw)) < 0)
		return fail("user %s: give the password on standard input", verb);
	if (open_store(&cl->c, 1, &st))
		return 1;
	sqlite3 *db = store_acquire(st);
	if (strcmp(verb, "add") == 0) {
		if (cl->counselor && !cl->counselor[0])
			cl->counselor = NULL;
		rc = wa_user_add(db, cl->login, pw, cl->name, cl->role, cl->counselor, err,
				 sizeof(err));
	} else if (strcmp(verb, "passwd") == 0) {
		sqlite3_stmt *q;
		long long id = 0;
		if (sqlite3_prepare_v2(db, "SELECT id FROM wa_users WHERE login = ?", -1, &q, NULL) ==
		    SQLITE_OK) {
			sqlite3_bind_text(q, 1, cl->login, -1, SQLITE_STATIC);
			if (sqlite3_step(q) == SQLITE_ROW)
				id = sqlite3_column_int64(q, 0);
			sqlite3_finalize(q);
		}
		if (!id) {
			snprintf(err, sizeof(err), "no account '%s'", cl->login);
			rc = -1;
		} else {
			rc = wa_set_password(db, id, pw, err, sizeof(err));
		}
	} else if ((rc = wa_users_json(db, &users, err, sizeof(err))) == 0) {
		for (size_t i = 0; i < json_object_array_length(users); i++) {
			json_object *u = json_object_array_get_idx(users, i), *v;
			const char *f[4] = {"login", "name", "role", "counselor_id"};
			for (int k = 0; k < 4; k++) {
				json_object_object_get_ex(u, f[k], &v);
				printf("%s%s", k ? "\t" : "", json_object_get_string(v));
			}
			json_object_object_get_ex(u, "disabled", &v);
			printf("\t%s\n", json_object_get_boolean(v) ? "disabled" : "enabled");
		}
		json_object_put(users);
	}
	util_wipe(pw, sizeof(pw));
	store_release(st, db);
	store_destroy(st);
	return rc < 0 ? fail("%s", err) : 0;
}

static int cmd_fleet(struct cli *cl, const char *verb)
{
	char err[512], token[96];
	store *st;
	int rc = 0;
	if (strcmp(verb, "publish") == 0) {
		char rdir[4096];
		if (!cl->from)
			return fail("fleet publish needs --from (the folder jk-release wrote)");
		snprintf(rdir, sizeof(rdir), "%s/releases", cl->c.data_dir);
		if (rp_publish(rdir, cl->from, cl->root, err, sizeof(err)) < 0)
			return fail("publish: %s", err);
		printf("%s\n", err);
		return 0;
	}
	if (open_store(&cl->c, 1, &st))
		return 1;
	sqlite3 *db = store_acquire(st);
	if (strcmp(verb, "enroll-token") == 0) {
		if ((rc = fl_enroll_token(db, cl->group, token, err, sizeof(err))) == 0)
			printf("%s\n", token);
	} else if (strcmp(verb, "rollout") == 0) {
		long long id = fl_rollout_start(db, cl->version, cl->previous,
						cl->stages ? cl->stages : "5,25,100",
						cl->advance > 0 ? cl->advance : 0.9,
						cl->pause > 0 ? cl->pause : 0.2, cl->group, time(NULL), err,
						sizeof(err));
		if (id < 0)
			rc = -1;
		else
			printf("rollout %lld of release %lld started\n", id, cl->version);
	} else if (strcmp(verb, "status") == 0) {
		json_object *o;
		if ((rc = fl_status_json(db, time(NULL), &o, err, sizeof(err))) == 0) {
			printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
			json_object_put(o);
		}
	} else {
		rc = fl_rollout_control(db, verb, err, sizeof(err));
	}
	store_release(st, db);
	store_destroy(st);
	return rc < 0 ? fail("%s", err) : 0;
}

static int read_file(const char *path, buf *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > (64u << 20)) {
			fclose(f);
			snprintf(err, errlen, "%s: larger than 64 MiB", path);
			return -1;
		}
		buf_add(out, chunk, n);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

static int cmd_import(struct cli *cl, const char *source)
{
	char err[512];
	store *st;
	w24_batch *b;
	w24_result res;
	int rc = 0;

	if (strcmp(source, "work24") != 0)
		return fail("import: the only source is work24");
	if (!cl->live && cl->nfiles == 0)
		return fail("import work24 needs --file FILE (one or more) or --live");
	if (cl->live) {
		if (open_store(&cl->c, 1, &st))
			return 1;
		rc = maint_import_live(&cl->c, st, err, sizeof(err));
		store_destroy(st);
		return rc < 0 ? fail("%s", err) : 0;
	}
	/* Every file must be a valid response before anything is written. */
	b = w24_batch_create();
	for (int i = 0; i < cl->nfiles; i++) {
		buf data;
		buf_init(&data);
		if (read_file(cl->files[i], &data, err, sizeof(err)) < 0) {
			buf_release(&data);
			w24_batch_destroy(b);
			return fail("%s", err);
		}
		rc = w24_batch_add(b, data.data, data.len, err, sizeof(err));
		buf_release(&data);
		if (rc < 0) {
			w24_batch_destroy(b);
			return fail("%s: %s", cl->files[i], err);
		}
	}
	if (open_store(&cl->c, 1, &st)) {
		w24_batch_destroy(b);
		return 1;
	}
	sqlite3 *db = store_acquire(st);
	time_t now = time(NULL);
	rc = w24_apply(db, b, today_of(&cl->c), now, &res, err, sizeof(err));
	store_release(st, db);
	store_destroy(st);
	if (rc == 0)
		printf("jobcenter: work24 import: %zu listings, %ld written, %ld unchanged, %ld "
		       "removed, %ld skipped%s\n",
		       w24_batch_count(b), res.upserts, res.unchanged, res.deletes, res.skipped,
		       w24_batch_complete(b) ? "" : " (partial result: nothing removed)");
	w24_batch_destroy(b);
	return rc < 0 ? fail("%s", err) : 0;
}

int main(int argc, char **argv)
{
	struct cli cl;
	const char *cmd = argc > 1 ? argv[1] : "help";
	int first = 2, rc;

	memset(&cl, 0, sizeof(cl));
	cfg_init(&cl.c);
	if (strcmp(cmd, "token") == 0 || strcmp(cmd, "import") == 0 || strcmp(cmd, "user") == 0 ||
	    strcmp(cmd, "fleet") == 0) {
		if (argc < 3) {
			cfg_release(&cl.c);
			return fail("%s needs a sub-command (see jobcenter help)", cmd);
		}
		first = 3;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage, stdout);
		rc = 0;
	} else if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("jobcenter %s\n", JK_VERSION);
		rc = 0;
	} else if (parse_opts(&cl, argc - first, argv + first) < 0) {
		rc = 2;
	} else if (strcmp(cmd, "serve") == 0) {
		rc = cmd_serve(&cl);
	} else if (strcmp(cmd, "sample") == 0) {
		rc = cmd_sample(&cl);
	} else if (strcmp(cmd, "token") == 0) {
		rc = cmd_token(&cl, argv[2]);
	} else if (strcmp(cmd, "import") == 0) {
		rc = cmd_import(&cl, argv[2]);
	} else if (strcmp(cmd, "user") == 0) {
		rc = cmd_user(&cl, argv[2]);
	} else if (strcmp(cmd, "fleet") == 0) {
		rc = cmd_fleet(&cl, argv[2]);
	} else {
		fputs(usage, stderr);
		rc = fail("unknown command '%s'", cmd) + 1;
	}
	cfg_release(&cl.c);
	return rc;
}
