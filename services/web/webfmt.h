/*
 * webfmt.h - writing text safely into the formats the web consoles emit: HTML
 * (escaped for element content and quoted attributes alike), CSV (RFC 4180, with
 * spreadsheet formulas neutralised) and iCalendar (RFC 5545 TEXT escaping and
 * 75-octet line folding that never splits a UTF-8 sequence).
 */
#ifndef JC_WEBFMT_H
#define JC_WEBFMT_H

#include "buf.h"

/* Appends s with & < > " ' escaped. NULL appends nothing. */
void html_esc(buf *out, const char *s);

/* Appends printf output, every %s argument escaped as by html_esc(). Only %s, %d,
 * %lld and %% are understood. */
void html_printf(buf *out, const char *fmt, ...);

/* Appends one CSV field: quoted when it holds , " CR or LF (quotes doubled), and
 * prefixed with ' when it starts with = + - @ TAB or CR, which a spreadsheet would
 * run as a formula. */
void csv_field(buf *out, const char *s);

/* Appends s as iCalendar TEXT: backslash, semicolon and comma escaped, newlines
 * as \n. */
void ical_text(buf *out, const char *s);

/* Appends one content line (without its CRLF) folded at 75 octets: CRLF and a
 * space before each continuation, never inside a UTF-8 sequence; then CRLF. */
void ical_line(buf *out, const char *line);

#endif
