/*
 * maint.h - the service's background work: the scheduled Work24 import (when a
 * list URL and key are configured) and the pruning of old deletion records. One
 * thread; it takes a database connection only while it works.
 */
#ifndef JC_MAINT_H
#define JC_MAINT_H

#include "config.h"
#include "store.h"

typedef struct maint maint;

/* Starts the thread. The config and store must outlive it. Never fails (die()s). */
maint *maint_start(const cfg *c, store *st);
/* Wakes and joins the thread. NULL is a no-op. */
void maint_stop(maint *s);

/* One Work24 import run, live, as the schedule does it. Returns 0 or -1 with err. */
int maint_import_live(const cfg *c, store *st, char *err, size_t errlen) WUR;

#endif
