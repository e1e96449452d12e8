#include "player.h"

#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <vlc/vlc.h>

#include "log.h"
#include "util.h"

/* libvlc keeps up to POOL pictures in flight; one more buffer holds the newest
 * frame for the UI. */
#define POOL 2
#define NBUF (POOL + 1)

enum { B_FREE, B_WRITING, B_QUEUED, B_READY };

/* One playback. libvlc's threads see only this; it outlives the ply's interest
 * in it until the closer thread has stopped libvlc. */
struct sess {
	pthread_mutex_t mu;
	unsigned w, h;
	unsigned pitch[3], lines[3];
	uint8_t *buf[NBUF];
	int bstate[NBUF];
	unsigned long bseq[NBUF], seq;
	int ready;	 /* the newest displayed buffer, -1 none */
	int fresh;	 /* ready holds a frame the UI has not taken */
	unsigned long decoded, replaced;
	double t_open, t_first;
	atomic_int ev_end, ev_error, ev_playing, ev_paused;
	void (*notify)(void *);
	void *ctx;
	libvlc_media_player_t *mp;
};

struct ply {
	pthread_mutex_t mu; /* guards vlc and vlc_state */
	pthread_cond_t cv;
	libvlc_instance_t *vlc;
	int vlc_state;	    /* 0 starting, 1 ready, -1 failed */
	pthread_t init_th;
	int audio;
	void (*notify)(void *);
	void *ctx;

	struct sess *s;
	libvlc_media_t *media;
	int state;
	int is360;
	int volume;
	int ducked;	    /* voice guidance is speaking: sound at DUCK_PERCENT */
	int applied;	    /* the volume last given to libvlc */
	char err[160];
	SDL_Texture *tex;
	int tw, th;
	unsigned long shown;
	int closers;	    /* closer threads running */
};

/* ---- libvlc's side (its threads) ---- */

static unsigned align_up(unsigned v, unsigned a)
{
	return (v + a - 1) / a * a;
}

static unsigned fmt_setup(void **opaque, char *chroma, unsigned *width, unsigned *height,
			  unsigned *pitches, unsigned *lines)
{
	struct sess *s = *opaque;
	unsigned w = *width, h = *height;
	if (w == 0 || h == 0 || w > 8192 || h > 8192)
		return 0;
	w = align_up(w, 2);
	h = align_up(h, 2);
	memcpy(chroma, "I420", 4);
	pthread_mutex_lock(&s->mu);
	s->w = w;
	s->h = h;
	s->pitch[0] = align_up(w, 32);
	s->pitch[1] = s->pitch[2] = align_up(w / 2, 32);
	s->lines[0] = align_up(h, 16);
	s->lines[1] = s->lines[2] = s->lines[0] / 2;
	size_t total = 0;
	for (int i = 0; i < 3; i++) {
		pitches[i] = s->pitch[i];
		lines[i] = s->lines[i];
		total += (size_t)s->pitch[i] * s->lines[i];
	}
	for (int b = 0; b < NBUF; b++) {
		free(s->buf[b]);
		s->buf[b] = xcalloc(1, total);
		s->bstate[b] = B_FREE;
	}
	s->ready = -1;
	s->fresh = 0;
	pthread_mutex_unlock(&s->mu);
	*width = w;
	*height = h;
	return POOL;
}

static void fmt_cleanup(void *opaque)
{
	(void)opaque; /* buffers are freed with the session, after libvlc stopped */
}

static void planes_of(struct sess *s, int b, void **planes)
{
	uint8_t *p = s->buf[b];
	for (int i = 0; i < 3; i++) {
		planes[i] = p;
		p += (size_t)s->pitch[i] * s->lines[i];
	}
}

static void *cb_lock(void *opaque, void **planes)
{
	struct sess *s = opaque;
	int pick = -1;
	pthread_mutex_lock(&s->mu);
	for (int b = 0; b < NBUF && pick < 0; b++)
		if (s->bstate[b] == B_FREE)
			pick = b;
	if (pick < 0) {
		/* libvlc dropped a queued picture without showing it: reuse the oldest */
		for (int b = 0; b < NBUF; b++)
			if (s->bstate[b] == B_QUEUED && (pick < 0 || s->bseq[b] < s->bseq[pick]))
				pick = b;
	}
	if (pick < 0) { /* cannot happen with POOL in flight; take the newest frame's */
		pick = s->ready >= 0 ? s->ready : 0;
		s->ready = -1;
		s->fresh = 0;
	}
	s->bstate[pick] = B_WRITING;
	s->bseq[pick] = ++s->seq;
	planes_of(s, pick, planes);
	pthread_mutex_unlock(&s->mu);
	return (void *)(intptr_t)pick;
}

static void cb_unlock(void *opaque, void *picture, void *const *planes)
{
	struct sess *s = opaque;
	int b = (int)(intptr_t)picture;
	(void)planes;
	pthread_mutex_lock(&s->mu);
	if (s->bstate[b] == B_WRITING)
		s->bstate[b] = B_QUEUED;
	pthread_mutex_unlock(&s->mu);
}

static void cb_display(void *opaque, void *picture)
{
	struct sess *s = opaque;
	int b = (int)(intptr_t)picture;
	pthread_mutex_lock(&s->mu);
	if (s->ready >= 0 && s->ready != b) {
		if (s->fresh)
			s->replaced++;
		s->bstate[s->ready] = B_FREE;
	}
	s->bstate[b] = B_READY;
	s->ready = b;
	s->fresh = 1;
	if (s->decoded++ == 0)
		s->t_first = util_now_ms();
	pthread_mutex_unlock(&s->mu);
	if (s->notify)
		s->notify(s->ctx);
}

static void cb_event(const struct libvlc_event_t *e, void *opaque)
{
	struct sess *s = opaque;
	switch (e->type) {
	case libvlc_MediaPlayerEndReached: atomic_store(&s->ev_end, 1); break;
	case libvlc_MediaPlayerEncounteredError: atomic_store(&s->ev_error, 1); break;
	case libvlc_MediaPlayerPlaying: atomic_store(&s->ev_playing, 1); break;
	case libvlc_MediaPlayerPaused: atomic_store(&s->ev_paused, 1); break;
	default: break;
	}
	if (s->notify)
		s->notify(s->ctx);
}

/* ---- our side ---- */

static void *init_thread(void *arg)
{
	ply *p = arg;
	const char *args[16];
	int n = 0;
	args[n++] = "--no-video-title-show";
	args[n++] = "--no-osd";
	args[n++] = "--no-spu";	/* captions are drawn by the kiosk */
	args[n++] = "--no-sub-autodetect-file";
	args[n++] = "--no-snapshot-preview";
	args[n++] = "--no-xlib";
	args[n++] = "--no-lua";
	args[n++] = "--no-media-library";
	args[n++] = "--ignore-config";
	args[n++] = "--quiet";
	args[n++] = "--stats";
	if (!p->audio)
		args[n++] = "--aout=adummy";
	double t0 = util_now_ms();
	libvlc_instance_t *v = libvlc_new(n, args);
	pthread_mutex_lock(&p->mu);
	p->vlc = v;
	p->vlc_state = v ? 1 : -1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (v)
		log_info("player", "libvlc=%s start_ms=%.0f", libvlc_get_version(), util_now_ms() - t0);
	else
		log_error("player", "error=\"libvlc_new failed (plugins missing?)\"");
	if (p->notify)
		p->notify(p->ctx);
	return NULL;
}

ply *ply_create(int audio, void (*notify)(void *), void *ctx)
{
	ply *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->audio = audio;
	p->notify = notify;
	p->ctx = ctx;
	p->volume = p->applied = 80;
	if (pthread_create(&p->init_th, NULL, init_thread, p) != 0)
		die("player: cannot start a thread");
	return p;
}

static void sess_free(struct sess *s)
{
	for (int b = 0; b < NBUF; b++)
		free(s->buf[b]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

struct closer {
	ply *p;
	struct sess *s;
};

static void *close_thread(void *arg)
{
	struct closer *c = arg;
	libvlc_media_player_stop(c->s->mp); /* joins libvlc's threads: no callback after */
	libvlc_media_player_release(c->s->mp);
	sess_free(c->s);
	/* a decoder's buffers are megabytes, freed in many arenas: give them back */
	malloc_trim(0);
	pthread_mutex_lock(&c->p->mu);
	c->p->closers--;
	pthread_cond_broadcast(&c->p->cv);
	pthread_mutex_unlock(&c->p->mu);
	free(c);
	return NULL;
}

void ply_close(ply *p)
{
	pthread_t th;
	struct closer *c;
	if (p->media) {
		libvlc_media_release(p->media);
		p->media = NULL;
	}
	if (p->s) {
		c = xcalloc(1, sizeof(*c));
		c->p = p;
		c->s = p->s;
		pthread_mutex_lock(&p->mu);
		p->closers++;
		pthread_mutex_unlock(&p->mu);
		if (pthread_create(&th, NULL, close_thread, c) == 0) {
			pthread_detach(th);
		} else {
			close_thread(c); /* no thread to spare: stop here */
		}
		p->s = NULL;
	}
	if (p->tex) {
		SDL_DestroyTexture(p->tex);
		p->tex = NULL;
	}
	p->state = PLY_IDLE;
	p->is360 = 0;
	p->err[0] = '\0';
}

void ply_destroy(ply *p)
{
	if (!p)
		return;
	ply_close(p);
	pthread_join(p->init_th, NULL);
	pthread_mutex_lock(&p->mu);
	while (p->closers)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	if (p->vlc)
		libvlc_release(p->vlc);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int ply_open(ply *p, const char *path)
{
	struct sess *s;
	libvlc_event_manager_t *em;

	ply_close(p);
	pthread_mutex_lock(&p->mu);
	while (p->vlc_state == 0) /* only on the first video, if libvlc is still loading */
		pthread_cond_wait(&p->cv, &p->mu);
	int ready = p->vlc_state == 1;
	pthread_mutex_unlock(&p->mu);
	if (!ready) {
		snprintf(p->err, sizeof(p->err), "video playback is not available (libvlc)");
		p->state = PLY_ERROR;
		return -1;
	}
	p->media = libvlc_media_new_path(p->vlc, path);
	if (!p->media) {
		snprintf(p->err, sizeof(p->err), "cannot open the video file");
		p->state = PLY_ERROR;
		return -1;
	}
	s = xcalloc(1, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->ready = -1;
	s->notify = p->notify;
	s->ctx = p->ctx;
	s->t_open = util_now_ms();
	s->t_first = -1;
	s->mp = libvlc_media_player_new_from_media(p->media);
	if (!s->mp) {
		sess_free(s);
		snprintf(p->err, sizeof(p->err), "cannot create a video player");
		p->state = PLY_ERROR;
		return -1;
	}
	libvlc_video_set_callbacks(s->mp, cb_lock, cb_unlock, cb_display, s);
	libvlc_video_set_format_callbacks(s->mp, fmt_setup, fmt_cleanup);
	em = libvlc_media_player_event_manager(s->mp);
	libvlc_event_attach(em, libvlc_MediaPlayerEndReached, cb_event, s);
	libvlc_event_attach(em, libvlc_MediaPlayerEncounteredError, cb_event, s);
	libvlc_event_attach(em, libvlc_MediaPlayerPlaying, cb_event, s);
	libvlc_event_attach(em, libvlc_MediaPlayerPaused, cb_event, s);
	p->s = s;
	p->state = PLY_OPENING;
	p->shown = 0;
	if (libvlc_media_player_play(s->mp) < 0) {
		snprintf(p->err, sizeof(p->err), "the video could not start");
		p->state = PLY_ERROR;
		return -1;
	}
	return 0;
}

#define DUCK_PERCENT 25

/* Tells libvlc the volume to play at: the chosen one, lowered while ducked. */
static void apply_volume(ply *p)
{
	p->applied = p->ducked ? p->volume * DUCK_PERCENT / 100 : p->volume;
	if (p->s)
		libvlc_audio_set_volume(p->s->mp, p->applied);
}

void ply_pause(ply *p, int paused)
{
	if (!p->s || (p->state != PLY_PLAYING && p->state != PLY_PAUSED && p->state != PLY_OPENING))
		return;
	libvlc_media_player_set_pause(p->s->mp, paused);
	p->state = paused ? PLY_PAUSED : PLY_PLAYING;
	if (!paused)
		apply_volume(p); /* what changed while paused counts now */
}

void ply_seek(ply *p, int64_t ms)
{
	int64_t len;
	if (!p->s)
		return;
	len = libvlc_media_player_get_length(p->s->mp);
	if (ms < 0)
		ms = 0;
	if (len > 0 && ms > len - 200)
		ms = len - 200;
	if (p->state == PLY_ENDED) {
		/* after the end libvlc needs a new start before it seeks */
		libvlc_media_player_stop(p->s->mp);
		libvlc_media_player_play(p->s->mp);
		p->state = PLY_PLAYING;
		apply_volume(p);
	}
	libvlc_media_player_set_time(p->s->mp, ms);
}

void ply_set_volume(ply *p, int v)
{
	p->volume = v < 0 ? 0 : v > 100 ? 100 : v;
	apply_volume(p);
}

void ply_duck(ply *p, int on)
{
	on = !!on;
	if (p->ducked == on)
		return;
	p->ducked = on;
	apply_volume(p); /* paused too: resuming must not bring back the old level */
}

int ply_ducked(const ply *p)
{
	return p->ducked;
}

int ply_applied_volume(const ply *p)
{
	return p->applied;
}

int ply_volume(const ply *p)
{
	return p->volume;
}

static void detect_360(ply *p)
{
	libvlc_media_track_t **tracks;
	unsigned n = libvlc_media_tracks_get(p->media, &tracks);
	for (unsigned i = 0; i < n; i++)
		if (tracks[i]->i_type == libvlc_track_video && tracks[i]->video &&
		    tracks[i]->video->i_projection == libvlc_video_projection_equirectangular)
			p->is360 = 1;
	if (n)
		libvlc_media_tracks_release(tracks, n);
}

int ply_poll(ply *p)
{
	struct sess *s = p->s;
	int changed = 0;
	if (!s)
		return 0;
	if (atomic_exchange(&s->ev_playing, 0)) {
		if (p->state == PLY_OPENING) {
			p->state = PLY_PLAYING;
			apply_volume(p);
			detect_360(p);
		}
		changed = 1;
	}
	atomic_exchange(&s->ev_paused, 0);
	if (atomic_exchange(&s->ev_error, 0)) {
		p->state = PLY_ERROR;
		snprintf(p->err, sizeof(p->err), "the video cannot be played (damaged file?)");
		changed = 1;
	}
	if (atomic_exchange(&s->ev_end, 0)) {
		if (p->state != PLY_ERROR)
			p->state = PLY_ENDED;
		changed = 1;
	}
	pthread_mutex_lock(&s->mu);
	changed |= s->fresh;
	pthread_mutex_unlock(&s->mu);
	return changed;
}

int ply_state(const ply *p)
{
	return p->state;
}

int64_t ply_time_ms(ply *p)
{
	int64_t t;
	if (!p->s)
		return 0;
	if (p->state == PLY_ENDED)
		return ply_length_ms(p);
	t = libvlc_media_player_get_time(p->s->mp);
	return t < 0 ? 0 : t;
}

int64_t ply_length_ms(ply *p)
{
	int64_t t = p->s ? libvlc_media_player_get_length(p->s->mp) : 0;
	return t < 0 ? 0 : t;
}

int ply_is_360(ply *p)
{
	return p->is360;
}

const char *ply_error(const ply *p)
{
	return p->err;
}

SDL_Texture *ply_texture(ply *p, SDL_Renderer *r, int *w, int *h)
{
	struct sess *s = p->s;
	if (!s)
		return NULL;
	pthread_mutex_lock(&s->mu);
	if (s->fresh && s->ready >= 0) {
		if (!p->tex || p->tw != (int)s->w || p->th != (int)s->h) {
			if (p->tex)
				SDL_DestroyTexture(p->tex);
			p->tex = SDL_CreateTexture(r, SDL_PIXELFORMAT_IYUV, SDL_TEXTUREACCESS_STREAMING,
						   (int)s->w, (int)s->h);
			p->tw = (int)s->w;
			p->th = (int)s->h;
		}
		if (p->tex) {
			void *pl[3];
			planes_of(s, s->ready, pl);
			SDL_UpdateYUVTexture(p->tex, NULL, pl[0], (int)s->pitch[0], pl[1],
					     (int)s->pitch[1], pl[2], (int)s->pitch[2]);
			p->shown++;
		}
		s->fresh = 0;
	}
	pthread_mutex_unlock(&s->mu);
	*w = p->tw;
	*h = p->th;
	return p->tex;
}

void ply_get_stats(ply *p, ply_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->first_frame_ms = -1;
	if (!p->s)
		return;
	pthread_mutex_lock(&p->s->mu);
	st->decoded = p->s->decoded;
	st->replaced = p->s->replaced;
	if (p->s->t_first > 0)
		st->first_frame_ms = p->s->t_first - p->s->t_open;
	pthread_mutex_unlock(&p->s->mu);
	st->shown = p->shown;
	if (p->media) {
		libvlc_media_stats_t ms;
		if (libvlc_media_get_stats(p->media, &ms))
			st->lost = ms.i_lost_pictures;
	}
}
