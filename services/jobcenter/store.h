/*
 * store.h - the service's state directory: one SQLite database (WAL) holding jobs,
 * code lists and device tokens, and a pool of connections for the server threads.
 *
 * Each thread takes a connection with store_acquire() and gives it back with
 * store_release(); a connection is used by one thread at a time. The CLI tools and
 * a running server may open the same directory at once (WAL, busy timeout).
 */
#ifndef JC_STORE_H
#define JC_STORE_H

#include <sqlite3.h>

#include "util.h"

typedef struct store store;

enum store_err { STORE_OK = 0, STORE_EIO = -1, STORE_EDB = -2 };

/* Opens (creating when missing) the state in directory dir with `pool` connections.
 * Returns 0 and *out, or an error with a message in err. */
int store_open(const char *dir, int pool, store **out, char *err, size_t errlen) WUR;
void store_destroy(store *s);

/* Blocks until a connection is free. Never returns NULL. */
sqlite3 *store_acquire(store *s);
void store_release(store *s, sqlite3 *db);

/* The path of the database file (owned by the store). */
const char *store_path(const store *s);

#endif
