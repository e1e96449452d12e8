#include "webfmt.h"

#include <stdarg.h>
#include <string.h>

void html_esc(buf *out, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_adds(out, "&amp;"); break;
		case '<': buf_adds(out, "&lt;"); break;
		case '>': buf_adds(out, "&gt;"); break;
		case '"': buf_adds(out, "&quot;"); break;
		case '\'': buf_adds(out, "&#39;"); break;
		default: buf_addc(out, *s);
		}
	}
}

void html_printf(buf *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t n = q ? (size_t)(q - p) : strlen(p);
			buf_add(out, p, n);
			p += n - 1;
			continue;
		}
		p++;
		if (*p == 's') {
			html_esc(out, va_arg(ap, const char *));
		} else if (*p == 'd') {
			buf_printf(out, "%d", va_arg(ap, int));
		} else if (strncmp(p, "lld", 3) == 0) {
			buf_printf(out, "%lld", va_arg(ap, long long));
			p += 2;
		} else if (*p == '%') {
			buf_addc(out, '%');
		} else {
			break; /* an unknown conversion: stop rather than misread arguments */
		}
	}
	va_end(ap);
}

void csv_field(buf *out, const char *s)
{
	int quote, formula;
	if (!s)
		s = "";
	quote = strpbrk(s, ",\"\r\n") != NULL;
	formula = s[0] && strchr("=+-@\t\r", s[0]) != NULL;
	if (quote || formula)
		buf_addc(out, '"');
	if (formula)
		buf_addc(out, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(out, '"');
		buf_addc(out, *s);
	}
	if (quote || formula)
		buf_addc(out, '"');
}

void ical_text(buf *out, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		switch (*s) {
		case '\\': buf_adds(out, "\\\\"); break;
		case ';': buf_adds(out, "\\;"); break;
		case ',': buf_adds(out, "\\,"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\r': break;
		default: buf_addc(out, *s);
		}
	}
}

void ical_line(buf *out, const char *line)
{
	size_t n = strlen(line), col = 0, i = 0;
	while (i < n) {
		/* the whole UTF-8 sequence starting at i */
		size_t len = 1;
		while (i + len < n && ((unsigned char)line[i + len] & 0xC0) == 0x80)
			len++;
		if (col + len > 75) {
			buf_adds(out, "\r\n ");
			col = 1;
		}
		buf_add(out, line + i, len);
		col += len;
		i += len;
	}
	buf_adds(out, "\r\n");
}
