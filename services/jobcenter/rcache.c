#include "rcache.h"

#include <pthread.h>
#include <string.h>

#include "util.h"

#define RC_BUCKETS 4096

struct rc_entry {
	struct rc_entry *hnext;		/* hash chain */
	struct rc_entry *prev, *next;	/* LRU list, most recent first */
	unsigned long hash;
	char *key;
	char *body;
	size_t len;
	char etag[HTTP_ETAG_LEN];
};

struct rcache {
	pthread_mutex_t mu;
	size_t max_bytes, bytes;
	long long gen;
	struct rc_entry *buckets[RC_BUCKETS];
	struct rc_entry *head, *tail;
	unsigned long long hits, misses;
};

static unsigned long rc_hash(const char *s)
{
	unsigned long h = 1469598103934665603UL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211UL;
	return h;
}

rcache *rcache_create(size_t max_bytes)
{
	rcache *c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->max_bytes = max_bytes;
	c->gen = -1;
	return c;
}

static void rc_unlink(rcache *c, struct rc_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		c->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		c->tail = e->prev;
	e->prev = e->next = NULL;
}

static void rc_push_front(rcache *c, struct rc_entry *e)
{
	e->prev = NULL;
	e->next = c->head;
	if (c->head)
		c->head->prev = e;
	c->head = e;
	if (!c->tail)
		c->tail = e;
}

static void rc_free_entry(rcache *c, struct rc_entry *e)
{
	struct rc_entry **pp = &c->buckets[e->hash % RC_BUCKETS];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	rc_unlink(c, e);
	c->bytes -= e->len + strlen(e->key);
	free(e->key);
	free(e->body);
	free(e);
}

static void rc_clear(rcache *c)
{
	while (c->head)
		rc_free_entry(c, c->head);
}

void rcache_destroy(rcache *c)
{
	if (!c)
		return;
	rc_clear(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void rcache_set_generation(rcache *c, long long gen)
{
	pthread_mutex_lock(&c->mu);
	if (gen != c->gen) {
		rc_clear(c);
		c->gen = gen;
	}
	pthread_mutex_unlock(&c->mu);
}

static struct rc_entry *rc_find(rcache *c, const char *key, unsigned long h)
{
	for (struct rc_entry *e = c->buckets[h % RC_BUCKETS]; e; e = e->hnext)
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

int rcache_get(rcache *c, const char *key, buf *out, char etag[HTTP_ETAG_LEN])
{
	unsigned long h = rc_hash(key);
	struct rc_entry *e;
	int hit = 0;

	pthread_mutex_lock(&c->mu);
	if ((e = rc_find(c, key, h))) {
		rc_unlink(c, e);
		rc_push_front(c, e);
		buf_add(out, e->body, e->len);
		memcpy(etag, e->etag, HTTP_ETAG_LEN);
		hit = 1;
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void rcache_put(rcache *c, long long gen, const char *key, const char *body, size_t len,
		const char *etag)
{
	unsigned long h = rc_hash(key);
	size_t cost = len + strlen(key);
	struct rc_entry *e;

	if (cost > c->max_bytes / 8)
		return; /* one huge body must not flush everything else */
	pthread_mutex_lock(&c->mu);
	if (gen != c->gen || rc_find(c, key, h)) {
		pthread_mutex_unlock(&c->mu);
		return;
	}
	while (c->tail && c->bytes + cost > c->max_bytes)
		rc_free_entry(c, c->tail);
	e = xcalloc(1, sizeof(*e));
	e->hash = h;
	e->key = xstrdup(key);
	e->body = xmalloc(len);
	memcpy(e->body, body, len);
	e->len = len;
	memcpy(e->etag, etag, HTTP_ETAG_LEN);
	e->hnext = c->buckets[h % RC_BUCKETS];
	c->buckets[h % RC_BUCKETS] = e;
	rc_push_front(c, e);
	c->bytes += cost;
	pthread_mutex_unlock(&c->mu);
}

void rcache_stats(rcache *c, unsigned long long *hits, unsigned long long *misses)
{
	pthread_mutex_lock(&c->mu);
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}
