/*
 * vtt.h - WebVTT captions: parses a file's text into cues (start, end, text) and
 * finds the cue showing at a time. Tolerant where the format allows (no hours,
 * cue identifiers, settings after the times, CRLF, a BOM) and strict where input
 * could hurt: invalid UTF-8, absurd times, cues ending before they start, tags and
 * overlong text are dropped or cut, never trusted. Any thread; no global state.
 */
#ifndef K_VTT_H
#define K_VTT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define VTT_MAX_CUES 2000
#define VTT_MAX_TEXT 400 /* bytes of text per cue, cut at a character boundary */

typedef struct vtt_cue {
	int64_t start_ms, end_ms;
	char *text; /* tags removed, entities decoded (&amp; &lt; &gt; &nbsp;), lines
		     * joined with '\n' */
} vtt_cue;

typedef struct vtt {
	vtt_cue *cues; /* sorted by start */
	int n;
} vtt;

/* Parses s[0..len). Returns 0 (a file without any valid cue gives n = 0), or -1 when
 * it is not WebVTT at all (no "WEBVTT" header) or not UTF-8. */
int vtt_parse(const char *s, size_t len, vtt *out) WUR;
void vtt_free(vtt *v);

/* The text showing at ms, or NULL. Later cues win where cues overlap. */
const char *vtt_at(const vtt *v, int64_t ms);

/* Parses "hh:mm:ss.ttt" or "mm:ss.ttt" into *ms; returns the characters used, 0 if
 * invalid. */
size_t vtt_time(const char *s, int64_t *ms);

#endif
