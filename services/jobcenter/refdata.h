/*
 * refdata.h - the code lists the service starts with: Gwangju's districts and
 * Seo-gu's administrative dongs (from data/gwangju.tsv, embedded at build time) and
 * the occupation categories (KECO 2018 middle classification). Read-only, any thread.
 */
#ifndef JC_REFDATA_H
#define JC_REFDATA_H

#include <sqlite3.h>
#include <stddef.h>

#include "util.h"

typedef struct ref_region {
	const char *code;
	const char *name_ko;
	const char *name_en;
	const char *parent; /* NULL for the province */
	const char *level;  /* "province", "district", "dong" */
} ref_region;

typedef struct ref_category {
	const char *code;
	const char *name_ko;
	const char *name_en;
} ref_category;

/* The regions in display order; *n receives the count. Parsed once, on first use. */
const ref_region *ref_regions(size_t *n);
const ref_category *ref_categories(size_t *n);

/* The region whose Korean name matches (district "서구", or dong "치평동"), or NULL. */
const ref_region *ref_region_by_name(const char *name_ko, const char *level);
const ref_region *ref_region_by_code(const char *code);
const ref_category *ref_category_by_code(const char *code);

/* Writes both lists into a jobdb database (idempotent). */
int ref_install(sqlite3 *db, char *err, size_t errlen) WUR;

#endif
