#include "maint.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "booking.h"
#include "jobdb.h"
#include "kdate.h"
#include "log.h"
#include "sdnotify.h"
#include "work24.h"

#define SCHED_PRUNE_DAYS 30

struct maint {
	const cfg *c;
	store *st;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

int maint_import_live(const cfg *c, store *st, char *err, size_t errlen)
{
	w24_fetch_opts o = {c->w24_list_url, c->w24_detail_url, c->w24_key, c->w24_regions,
			    100, c->w24_max_details, 60};
	w24_batch *b = w24_batch_create();
	w24_result res;
	time_t now = time(NULL);
	sqlite3 *db;
	int rc;

	if (!c->w24_list_url || !c->w24_key) {
		snprintf(err, errlen, "work24.list_url and work24.key are not configured");
		w24_batch_destroy(b);
		return -1;
	}
	rc = w24_fetch(&o, b, err, errlen);
	if (rc == W24_OK) {
		db = store_acquire(st);
		rc = w24_apply(db, b, c->today >= 0 ? c->today : kdate_seoul_day(now), now, &res,
			       err, errlen);
		store_release(st, db);
		if (rc == W24_OK)
			log_info("work24_import", "listings=%zu upserts=%ld unchanged=%ld deletes=%ld "
						  "skipped=%ld complete=%d",
				 w24_batch_count(b), res.upserts, res.unchanged, res.deletes,
				 res.skipped, w24_batch_complete(b));
	}
	w24_batch_destroy(b);
	return rc == W24_OK ? 0 : -1;
}

static void *maint_main(void *arg)
{
	maint *s = arg;
	time_t next_import = 0, next_prune = 0;
	char err[512];

	double wd = sdn_watchdog_interval();
	int tick = wd > 0 && wd / 2 < 30 ? (int)(wd / 2) : 30;

	if (tick < 1)
		tick = 1;
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		time_t now = time(NULL);
		pthread_mutex_unlock(&s->mu);
		/* The watchdog is fed only when the database answers through the same
		 * pool the HTTP workers use: a wedged pool or database stops the pings. */
		if (wd > 0) {
			sqlite3 *db = store_acquire(s->st);
			long long gen;
			if (jobdb_generation(db, &gen) == 0)
				sdn_notify("WATCHDOG=1");
			store_release(s->st, db);
		}
		if (now >= next_prune) {
			sqlite3 *db = store_acquire(s->st);
			bk_opts bo = {s->c->max_upcoming, s->c->retention_days, s->c->location};
			int purged = 0;
			if (jobdb_prune_deletes(db, now - SCHED_PRUNE_DAYS * 86400, err, sizeof(err)) < 0)
				log_warn("prune", "error=\"%s\"", err);
			if (bk_purge(db, &bo, now, &purged, err, sizeof(err)) < 0)
				log_warn("purge", "error=\"%s\"", err);
			else if (purged)
				log_info("purge", "records=%d", purged);
			store_release(s->st, db);
			next_prune = now + 3600;
		}
		if (s->c->w24_list_url && s->c->w24_key && now >= next_import) {
			if (maint_import_live(s->c, s->st, err, sizeof(err)) < 0)
				log_warn("work24_import", "error=\"%s\"", err);
			next_import = now + (time_t)s->c->w24_interval_min * 60;
		}
		pthread_mutex_lock(&s->mu);
		if (s->stop)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += tick;
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

maint *maint_start(const cfg *c, store *st)
{
	maint *s = xcalloc(1, sizeof(*s));
	s->c = c;
	s->st = st;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->th, NULL, maint_main, s) != 0)
		die("maint: cannot start thread: %s", strerror(errno));
	return s;
}

void maint_stop(maint *s)
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
	free(s);
}
