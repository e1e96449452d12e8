/*
 * buf.h - a growable byte buffer, always NUL-terminated (after git's strbuf and
 * curl's dynbuf).
 *
 *	buf b;
 *	buf_init(&b);
 *	buf_printf(&b, "%d items", n);
 *	use(b.data, b.len);
 *	buf_release(&b);
 *
 * `data` is never NULL after buf_init(). Growth that cannot be satisfied die()s.
 * A buf is owned by whoever embeds it; it is not thread-safe.
 */
#ifndef JK_BUF_H
#define JK_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *data;
	size_t len;
	size_t cap;
} buf;

void buf_init(buf *b);
/* Frees the storage; the buf is left initialised and empty. */
void buf_release(buf *b);
/* Zeroes the contents (for personal data) and then releases. */
void buf_wipe(buf *b);
/* Hands the storage to the caller: you now own the returned string (free()).
 * The buf is left initialised and empty. */
char *buf_detach(buf *b, size_t *len);
void buf_reset(buf *b);
void buf_grow(buf *b, size_t extra);
void buf_add(buf *b, const void *data, size_t len);
void buf_adds(buf *b, const char *s);
void buf_addc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);

#endif
