/*
 * log.h - one small logger: one line per event on stderr, logfmt style.
 *
 *	ts=2026-11-23T12:00:00.123Z level=info event=request method=GET status=200 ms=0.4
 *
 * The caller writes the key=value pairs; control characters in the line are replaced
 * so a hostile value cannot forge a second line. Never pass personal data (names,
 * phone numbers, typed search text of a person) to the logger.
 * Thread-safe: each line is written with a single write(2).
 */
#ifndef JK_LOG_H
#define JK_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR, LOG_OFF };

/* Sets the minimum level printed (default LOG_INFO). Call before starting threads. */
void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn", "error", "off"; returns -1 if unknown. */
int log_parse_level(const char *s, enum log_level *out);
/* Writes one event line. fmt produces the key=value pairs after the event name. */
void log_event(enum log_level level, const char *event, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(ev, ...) log_event(LOG_DEBUG, ev, __VA_ARGS__)
#define log_info(ev, ...) log_event(LOG_INFO, ev, __VA_ARGS__)
#define log_warn(ev, ...) log_event(LOG_WARN, ev, __VA_ARGS__)
#define log_error(ev, ...) log_event(LOG_ERROR, ev, __VA_ARGS__)

#endif
