/*
 * util.h - the one abort path and small helpers every module needs.
 *
 * Out-of-memory and broken invariants end the process through die(): a kiosk or
 * service limping on with corrupt state is worse than systemd restarting it.
 * Everything here may be called from any thread.
 */
#ifndef JK_UTIL_H
#define JK_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define WUR __attribute__((warn_unused_result))
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Prints "fatal: <message>" to stderr and aborts. Never returns. */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Allocation that cannot fail: die()s on out-of-memory. Caller owns the result. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Parses a whole string as a base-10 integer within [min, max].
 * Returns 0 and stores into *out, or -1 on empty input, trailing junk or range error. */
int util_parse_long(const char *s, long long min, long long max, long long *out) WUR;

/* Overwrites n bytes in a way the compiler may not elide (for personal data). */
void util_wipe(void *p, size_t n);

/* Monotonic clock in milliseconds (for durations, never for dates). */
double util_now_ms(void);

/* Creates dir and its missing parents with mode. Returns 0, or -1 with errno. */
int util_mkdir_p(const char *dir, unsigned mode) WUR;

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void util_hex(const unsigned char *in, size_t n, char *out);

/* The SHA-256 of a file's content as 64 hex digits into hex (65 bytes), and its
 * size into *size (may be NULL). Reads in 64 KiB pieces. Returns 0, or -1 with errno. */
int util_sha256_file(const char *path, char *hex, long long *size) WUR;

/* The first line of a release's VERSION file (what its kiosk reports as its
 * version; the update agent and jk-release read it the same way) into out
 * (n bytes), without its line end; "" when there is none. Returns 1 when that
 * line is a version (not empty; printable ASCII without spaces, quotes or
 * backslashes), 0 when the file is missing, -1 when it is there but its first
 * line is not a version. */
int util_version_file(const char *path, char *out, size_t n);

#endif
