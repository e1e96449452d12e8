/*
 * testutil.h - what the end-to-end tests share: running the jobcenter CLI, starting
 * and stopping the real service on a loopback port, temporary state directories.
 * Failures abort the calling cmocka test.
 */
#ifndef T_TESTUTIL_H
#define T_TESTUTIL_H

#include <sys/types.h>

#include "buf.h"

/* Runs the jobcenter binary with args (NULL-terminated); stdout into out (may be
 * NULL). Returns the exit status. */
int tu_cli(buf *out, const char *const *args);

/* Makes a fresh directory /tmp/<prefix>-XXXXXX into dir (at least 64 bytes). */
void tu_tempdir(char *dir, const char *prefix);

/* Issues a device token for kiosk into token (at least 128 bytes). */
void tu_token(const char *dir, const char *kiosk, char *token);

/* Starts `jobcenter serve` on 127.0.0.1:port (0: any) over dir; returns the port
 * bound and the process in *pid. */
int tu_serve(const char *dir, int port, pid_t *pid);

/* An HTTP request to 127.0.0.1:port with the device token (and, when key is set,
 * an Idempotency-Key; when json is set, a JSON body). Returns the status; the
 * body into out (reset first). */
long tu_http(int port, const char *token, const char *method, const char *path,
	     const char *key, const char *json, buf *out);

/* Reads an HTTP request's head (up to its blank line; at most n-1 bytes) from a
 * test server's connection fd into req, NUL-terminated; returns its length. */
size_t tu_read_head(int fd, char *req, size_t n);

/* SIGTERM and wait; returns the exit status (-1 if it did not exit normally). */
int tu_stop(pid_t pid);

#endif
