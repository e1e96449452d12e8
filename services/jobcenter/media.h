/*
 * media.h - the interview-practice catalogue: a folder with media.json and the files
 * it names (docs/media.md), served as GET /v1/media and, with byte ranges, as
 * GET /media/{file}.
 *
 * media.json lists {id, title_ko, title_en, kind ("flat" | "vr360"), file,
 * subtitles (optional), duration_s, questions}; the service adds each file's size and
 * SHA-256 (computed once per file version: path, size and mtime) and its URL. Only
 * names in the catalogue are served, so no request reaches any other file. The
 * folder is re-read when media.json or a file changes (checked by stat, at most once
 * a second), so new content needs no restart. Thread-safe.
 */
#ifndef JC_MEDIA_H
#define JC_MEDIA_H

#include <json-c/json.h>
#include <stdint.h>
#include <sys/types.h>

#include "util.h"

typedef struct md_catalog md_catalog;

/* A catalogue over dir (which may not exist yet: the catalogue is then empty). */
md_catalog *md_open(const char *dir);
void md_close(md_catalog *m);

/* The GET /v1/media body with URLs under base_url ("http://host/media/"). Returns 0,
 * or -1 with err when media.json is unreadable or invalid (a log line says why; the
 * last good catalogue is kept and served meanwhile, so -1 only before the first). */
int md_json(md_catalog *m, const char *base_url, json_object **out, char *err,
	    size_t errlen) WUR;

/* Opens a catalogued file by its name: 0 with *fd (yours to close), its *size, the
 * content type and a strong ETag (the SHA-256's first 32 hex digits, quoted; etag
 * must hold 40 bytes); -1 when the name is not in the catalogue or unreadable. */
int md_open_file(md_catalog *m, const char *name, int *fd, uint64_t *size,
		 const char **content_type, char *etag) WUR;

/* Parses a Range header against size: 1 with [*off, *off + *len) for one
 * satisfiable range, 0 to send the whole file (no header, several ranges, or a
 * syntax it does not know), -1 when unsatisfiable (416). */
int md_parse_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len);

#endif
