#include "media.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "utf8.h"

#define MD_MAX_FILES 256

struct mfile {
	char name[96];
	uint64_t size;
	int64_t mtime_ns;
	char sha[65];
};

struct md_catalog {
	pthread_mutex_t mu;
	char *dir;
	json_object *items;	/* validated entries, with sha256 and size added */
	uint64_t sig;		/* a signature of media.json's and the files' stat */
	double checked_ms;
	struct mfile files[MD_MAX_FILES];
	int nfiles;
};

md_catalog *md_open(const char *dir)
{
	md_catalog *m = xcalloc(1, sizeof(*m));
	pthread_mutex_init(&m->mu, NULL);
	m->dir = xstrdup(dir);
	return m;
}

void md_close(md_catalog *m)
{
	if (!m)
		return;
	json_object_put(m->items);
	free(m->dir);
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* What changes when a file changes (size, mtime); 0 when it is not a file. */
static uint64_t stat_sig(const char *path, struct stat *st)
{
	if (stat(path, st) < 0 || !S_ISREG(st->st_mode))
		return 0;
	return (uint64_t)st->st_size * 1000003u + (uint64_t)st->st_mtim.tv_sec * 1000000007u +
	       (uint64_t)st->st_mtim.tv_nsec + 1;
}

/* The signature of media.json and the files the catalogue names (unsigned
 * arithmetic: it wraps by design). */
static uint64_t dir_sig(md_catalog *m, const char *json_path)
{
	struct stat st;
	uint64_t sig = stat_sig(json_path, &st);
	for (int i = 0; i < m->nfiles; i++) {
		char fp[4096];
		snprintf(fp, sizeof(fp), "%s/%s", m->dir, m->files[i].name);
		sig = sig * 31u + stat_sig(fp, &st);
	}
	return sig;
}

/* A file name we will open: no directories, no hidden files, printable ASCII. */
static int name_ok(const char *n)
{
	size_t l = strlen(n);
	if (l == 0 || l >= sizeof(((struct mfile *)0)->name) || n[0] == '.')
		return 0;
	return strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == l;
}

/* The file's record, hashing it when it is new or changed; NULL if unusable. */
static struct mfile *track(md_catalog *m, struct mfile *old, int nold, const char *name)
{
	char path[4096];
	struct stat st;
	struct mfile *f;
	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	if (!name_ok(name) || !stat_sig(path, &st) || m->nfiles == MD_MAX_FILES)
		return NULL;
	for (int i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].name, name) == 0)
			return &m->files[i];
	f = &m->files[m->nfiles];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->size = (uint64_t)st.st_size;
	f->mtime_ns = st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	for (int i = 0; i < nold; i++) {
		if (strcmp(old[i].name, name) == 0 && old[i].size == f->size &&
		    old[i].mtime_ns == f->mtime_ns) {
			memcpy(f->sha, old[i].sha, sizeof(f->sha));
			break;
		}
	}
	if (!f->sha[0] && util_sha256_file(path, f->sha, NULL) < 0)
		return NULL;
	m->nfiles++;
	return f;
}

static const char *str_of(json_object *o, const char *k)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int num_of(json_object *o, const char *k, double lo, double hi, double *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return -1;
	*out = json_object_get_double(v);
	return *out >= lo && *out <= hi ? 0 : -1;
}

/* One validated catalogue entry (a new object), or NULL with why. */
static json_object *entry(md_catalog *m, struct mfile *old, int nold, json_object *it,
			  const char **why)
{
	const char *id = str_of(it, "id"), *kind = str_of(it, "kind"), *file = str_of(it, "file");
	const char *sub = str_of(it, "subtitles");
	json_object *o, *qs, *qa;
	struct mfile *f, *sf = NULL;
	double d;

	if (!id || !name_ok(id) || strlen(id) > 64)
		return *why = "id", NULL;
	if (!kind || (strcmp(kind, "flat") != 0 && strcmp(kind, "vr360") != 0))
		return *why = "kind (flat or vr360)", NULL;
	if (!str_of(it, "title_ko") || !str_of(it, "title_en"))
		return *why = "title_ko and title_en", NULL;
	if (num_of(it, "duration_s", 0, 86400, &d) < 0)
		return *why = "duration_s", NULL;
	if (!file || !(f = track(m, old, nold, file)))
		return *why = "file (missing or unreadable)", NULL;
	if (sub && !(sf = track(m, old, nold, sub)))
		return *why = "subtitles (missing or unreadable)", NULL;
	qa = json_object_new_array();
	if (json_object_object_get_ex(it, "questions", &qs) && json_object_is_type(qs, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(qs); i++) {
			json_object *q = json_object_array_get_idx(qs, i), *nq;
			double at, ans;
			if (!json_object_is_type(q, json_type_object) || num_of(q, "at_s", 0, d, &at) < 0 ||
			    num_of(q, "answer_s", 1, 3600, &ans) < 0 || !str_of(q, "text_ko") ||
			    !str_of(q, "text_en")) {
				json_object_put(qa);
				return *why = "questions (at_s within the duration, answer_s, texts)", NULL;
			}
			nq = json_object_new_object();
			json_object_object_add(nq, "at_s", json_object_new_double(at));
			json_object_object_add(nq, "answer_s", json_object_new_int((int)ans));
			json_object_object_add(nq, "text_ko", json_object_new_string(str_of(q, "text_ko")));
			json_object_object_add(nq, "text_en", json_object_new_string(str_of(q, "text_en")));
			json_object_array_add(qa, nq);
		}
	}
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "title_ko", json_object_new_string(str_of(it, "title_ko")));
	json_object_object_add(o, "title_en", json_object_new_string(str_of(it, "title_en")));
	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "duration_s", json_object_new_double(d));
	json_object_object_add(o, "file", json_object_new_string(f->name));
	json_object_object_add(o, "sha256", json_object_new_string(f->sha));
	json_object_object_add(o, "size", json_object_new_int64((int64_t)f->size));
	json_object_object_add(o, "questions", qa);
	if (sf)
		json_object_object_add(o, "subtitles", json_object_new_string(sf->name));
	return o;
}

/* Re-reads the folder when something changed. Under the lock. */
static int refresh(md_catalog *m, char *err, size_t errlen)
{
	char path[4096];
	struct stat st;
	uint64_t sig;
	double now = util_now_ms();
	json_object *root, *items, *out;

	if (m->items && now - m->checked_ms < 1000)
		return 0;
	m->checked_ms = now;
	snprintf(path, sizeof(path), "%s/media.json", m->dir);
	sig = dir_sig(m, path);
	if (sig == m->sig && m->items)
		return 0;
	if (!stat_sig(path, &st)) { /* no catalogue at all: nothing to offer */
		json_object_put(m->items);
		m->items = json_object_new_array();
		m->nfiles = 0;
		m->sig = 0;
		return 0;
	}
	root = json_object_from_file(path);
	if (!root || !json_object_object_get_ex(root, "items", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		json_object_put(root);
		snprintf(err, errlen, "%s: not a JSON object with an items array", path);
		log_warn("media", "error=\"%s\"", err);
		m->sig = sig; /* said once; served from the last good one */
		return m->items ? 0 : -1;
	}
	struct mfile *old = xmalloc(sizeof(m->files));
	int nold = m->nfiles;
	memcpy(old, m->files, sizeof(m->files));
	m->nfiles = 0;
	out = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(items); i++) {
		const char *why = NULL;
		json_object *e = entry(m, old, nold, json_object_array_get_idx(items, i), &why);
		if (e)
			json_object_array_add(out, e);
		else
			log_warn("media", "item=%zu skipped=\"%s\"", i, why);
	}
	free(old);
	json_object_put(root);
	json_object_put(m->items);
	m->items = out;
	/* the signature again, now over the files this catalogue names */
	m->sig = dir_sig(m, path);
	log_info("media", "items=%zu files=%d", json_object_array_length(out), m->nfiles);
	return 0;
}

int md_json(md_catalog *m, const char *base_url, json_object **out, char *err, size_t errlen)
{
	json_object *a;
	pthread_mutex_lock(&m->mu);
	if (refresh(m, err, errlen) < 0) {
		pthread_mutex_unlock(&m->mu);
		return -1;
	}
	a = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(m->items); i++) {
		json_object *it = json_object_array_get_idx(m->items, i), *o = json_object_new_object();
		char url[1024];
		json_object_object_foreach(it, k, v)
		{
			if (strcmp(k, "file") == 0) {
				snprintf(url, sizeof(url), "%s%s", base_url, json_object_get_string(v));
				json_object_object_add(o, "url", json_object_new_string(url));
			} else if (strcmp(k, "subtitles") == 0) {
				snprintf(url, sizeof(url), "%s%s", base_url, json_object_get_string(v));
				json_object_object_add(o, "subtitles_url", json_object_new_string(url));
			} else {
				json_object_object_add(o, k, json_object_get(v));
			}
		}
		json_object_array_add(a, o);
	}
	pthread_mutex_unlock(&m->mu);
	*out = json_object_new_object();
	json_object_object_add(*out, "items", a);
	return 0;
}

int md_open_file(md_catalog *m, const char *name, int *fd, uint64_t *size,
		 const char **content_type, char *etag)
{
	char path[4096], err[256];
	struct stat st;
	int found = -1;
	size_t l = strlen(name);

	pthread_mutex_lock(&m->mu);
	(void)refresh(m, err, sizeof(err));
	for (int i = 0; i < m->nfiles; i++) {
		if (strcmp(m->files[i].name, name) == 0) {
			snprintf(etag, 40, "\"%.32s\"", m->files[i].sha);
			found = i;
			break;
		}
	}
	pthread_mutex_unlock(&m->mu);
	if (found < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", m->dir, name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return -1;
	if (fstat(*fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	*content_type = l > 4 && strcmp(name + l - 4, ".vtt") == 0   ? "text/vtt; charset=utf-8"
			: l > 4 && strcmp(name + l - 4, ".mp4") == 0 ? "video/mp4"
			: l > 5 && strcmp(name + l - 5, ".webm") == 0 ? "video/webm"
								       : "application/octet-stream";
	return 0;
}

int md_parse_range(const char *h, uint64_t size, uint64_t *off, uint64_t *len)
{
	long long a = -1, b = -1;
	const char *p, *dash;
	char num[24];
	if (!h)
		return 0;
	while (*h == ' ')
		h++;
	if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		return 0; /* another unit or several ranges: the whole file is a valid answer */
	p = h + 6;
	dash = strchr(p, '-');
	if (!dash)
		return 0;
	if (dash > p) {
		if ((size_t)(dash - p) >= sizeof(num))
			return 0;
		memcpy(num, p, (size_t)(dash - p));
		num[dash - p] = '\0';
		if (util_parse_long(num, 0, (1LL << 62), &a) < 0)
			return 0;
	}
	if (dash[1] && util_parse_long(dash + 1, 0, (1LL << 62), &b) < 0)
		return 0;
	if (a < 0 && b < 0)
		return 0;
	if (a < 0) { /* the last b bytes */
		if (b == 0 || size == 0)
			return -1;
		*len = (uint64_t)b < size ? (uint64_t)b : size;
		*off = size - *len;
		return 1;
	}
	if ((uint64_t)a >= size)
		return -1;
	if (b >= 0 && b < a)
		return 0; /* invalid: ignored, per RFC 9110 */
	*off = (uint64_t)a;
	*len = (b < 0 || (uint64_t)b >= size ? size - 1 : (uint64_t)b) - (uint64_t)a + 1;
	return 1;
}
