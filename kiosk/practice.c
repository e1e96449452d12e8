/*
 * practice.c - interview practice: the catalogue from the service (GET /v1/media),
 * the files in the media cache (mcache.c), and the player screen's behaviour:
 * verify-then-play, question pauses with an answer countdown on the kiosk clock,
 * captions, seeking, volume, and the 360° view. app.c calls in; screens.c draws
 * from the same state. Main thread.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app_int.h"
#include "log.h"

static void free_media(app *a)
{
	for (int i = 0; i < a->nmedia; i++) {
		free(a->media[i].title_ko);
		free(a->media[i].title_en);
		for (int k = 0; k < a->media[i].nq; k++) {
			free(a->media[i].q[k].ko);
			free(a->media[i].q[k].en);
		}
		free(a->media[i].q);
	}
	free(a->media);
	a->media = NULL;
	a->nmedia = 0;
}

static const char *js(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

static int jnum(json_object *o, const char *k, double *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, k, &v) ||
	    !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return 0;
	*out = json_object_get_double(v);
	return isfinite(*out);
}

static int hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

void prac_on_media(app *a, json_object *o)
{
	json_object *items;
	mc_item *mi;
	int n = 0;
	if (!o || !json_object_object_get_ex(o, "items", &items) ||
	    !json_object_is_type(items, json_type_array)) {
		if (!a->nmedia)
			a->media_load = LD_ERROR;
		return;
	}
	size_t cnt = json_object_array_length(items);
	if (cnt > 200)
		cnt = 200;
	/* the open video keeps its entry: indexes change only when nothing is open */
	if (a->pl_index >= 0)
		return;
	free_media(a);
	a->media = xcalloc(cnt + 1, sizeof(*a->media));
	mi = xcalloc(cnt + 1, sizeof(*mi));
	for (size_t i = 0; i < cnt; i++) {
		json_object *it = json_object_array_get_idx(items, i), *qs;
		const char *id = js(it, "id"), *ko = js(it, "title_ko"), *en = js(it, "title_en");
		const char *kind = js(it, "kind"), *url = js(it, "url"), *sha = js(it, "sha256");
		const char *sub = js(it, "subtitles_url");
		double dur = 0, size = 0;
		if (!id || !ko || !kind || !url || !hex64(sha) || strlen(id) >= sizeof(mi->id) ||
		    strlen(url) >= sizeof(mi->url) || (sub && strlen(sub) >= sizeof(mi->sub_url)) ||
		    !jnum(it, "size", &size) || size <= 0 || size > 8e9 || !jnum(it, "duration_s", &dur) ||
		    (strcmp(kind, "flat") != 0 && strcmp(kind, "vr360") != 0))
			continue; /* an entry we cannot use is left out, the rest stay */
		struct media_item *m = &a->media[a->nmedia];
		snprintf(m->id, sizeof(m->id), "%s", id);
		m->title_ko = xstrdup(ko);
		m->title_en = xstrdup(en ? en : ko);
		m->vr360 = strcmp(kind, "vr360") == 0;
		m->duration_s = dur;
		if (json_object_object_get_ex(it, "questions", &qs) &&
		    json_object_is_type(qs, json_type_array)) {
			size_t nq = json_object_array_length(qs);
			if (nq > 50)
				nq = 50;
			m->q = xcalloc(nq + 1, sizeof(*m->q));
			for (size_t k = 0; k < nq; k++) {
				json_object *q = json_object_array_get_idx(qs, k);
				double at, ans;
				const char *qk = js(q, "text_ko"), *qe = js(q, "text_en");
				if (!qk || !jnum(q, "at_s", &at) || !jnum(q, "answer_s", &ans) || at < 0 ||
				    ans < 1 || ans > 3600 || (m->nq && at < m->q[m->nq - 1].at_s))
					continue;
				m->q[m->nq].at_s = at;
				m->q[m->nq].answer_s = (int)ans;
				m->q[m->nq].ko = xstrdup(qk);
				m->q[m->nq].en = xstrdup(qe ? qe : qk);
				m->nq++;
			}
		}
		snprintf(mi[n].id, sizeof(mi[n].id), "%s", id);
		snprintf(mi[n].url, sizeof(mi[n].url), "%s", url);
		snprintf(mi[n].sub_url, sizeof(mi[n].sub_url), "%s", sub ? sub : "");
		snprintf(mi[n].sha, sizeof(mi[n].sha), "%s", sha);
		mi[n].size = (int64_t)size;
		n++;
		a->nmedia++;
	}
	a->media_load = LD_DONE;
	if (a->mc)
		mc_set_catalog(a->mc, mi, n);
	free(mi);
}

void prac_free(app *a)
{
	prac_close(a);
	free_media(a);
}

void prac_close(app *a)
{
	if (a->pl_index < 0 && !a->pl_checking)
		return;
	if (a->player)
		ply_close(a->player);
	vtt_free(&a->pl_vtt);
	a->pl_index = -1;
	a->pl_checking = 0;
	a->pl_tag++;
	a->pl_error = 0;
	a->pl_q = a->pl_asking = 0;
	a->pl_drag = 0;
	a->pl_captions = 1;
	a->pl_view = (sph_view){0, 0, 80};
	a->dirty = 1;
}

void prac_open(app *a, int index)
{
	int pct;
	if (index < 0 || index >= a->nmedia)
		return;
	a->pr_msg = 0;
	if (!a->mc || mc_status(a->mc, a->media[index].id, &pct) != MC_READY) {
		/* not on disk yet: first in line now */
		if (a->mc)
			mc_want(a->mc, a->media[index].id);
		a->pr_msg = S_PR_NOT_YET;
		return;
	}
	prac_close(a);
	if (!a->player)
		a->player = ply_create(a->cfg->audio, a->notify, a->notify_ctx);
	a->pl_index = index;
	a->pl_vr = a->media[index].vr360;
	a->pl_checking = 1;
	a->pl_tag++;
	mc_verify(a->mc, a->media[index].id, a->pl_tag);
	app_go(a, SCR_PLAYER);
}

void prac_on_verified(app *a, mc_verified *v)
{
	if (v->tag != a->pl_tag || a->pl_index < 0 || strcmp(v->id, a->media[a->pl_index].id) != 0)
		return; /* an answer for a video no longer wanted */
	a->pl_checking = 0;
	if (!v->ok) {
		a->pl_error = v->missing ? S_PL_MISSING : S_PL_CORRUPT;
		return;
	}
	if (v->sub_text && vtt_parse(v->sub_text, strlen(v->sub_text), &a->pl_vtt) < 0)
		log_info("captions", "id=%s result=unreadable", v->id);
	if (ply_open(a->player, v->path) < 0) {
		log_warn("player", "id=%s error=\"%s\"", v->id, ply_error(a->player));
		a->pl_error = S_PL_CANT_PLAY;
	}
}

int prac_playing(const app *a)
{
	return a->pl_index >= 0 && a->player &&
	       (ply_state(a->player) == PLY_PLAYING || ply_state(a->player) == PLY_OPENING);
}

/* Returns 1 when the screen must be drawn again. */
int prac_tick(app *a)
{
	int changed = 0;
	if (a->screen != SCR_PLAYER && (a->pl_index >= 0 || a->pl_checking))
		prac_close(a); /* left by any way: home, back, the idle reset */
	if (a->pl_index < 0 || !a->player)
		return 0;
	changed |= ply_poll(a->player);
	/* voice guidance is heard over the interview, not under it */
	if (ply_ducked(a->player) != (a->a11y_voice && vc_speaking(a->voice))) {
		ply_duck(a->player, !ply_ducked(a->player));
		changed = 1;
	}
	int st = ply_state(a->player);
	if (!a->pl_vr && ply_is_360(a->player)) {
		/* the file says equirectangular though the catalogue did not */
		a->pl_vr = 1;
		changed = 1;
	}
	if (st == PLY_ERROR && !a->pl_error) {
		a->pl_error = S_PL_CANT_PLAY;
		log_warn("player", "id=%s error=\"%s\"", a->media[a->pl_index].id, ply_error(a->player));
		changed = 1;
	}
	struct media_item *m = &a->media[a->pl_index];
	if (st == PLY_PLAYING && !a->pl_asking && a->pl_q < m->nq) {
		int64_t t = ply_time_ms(a->player);
		if (t >= (int64_t)(m->q[a->pl_q].at_s * 1000)) {
			ply_pause(a->player, 1);
			a->pl_asking = 1;
			a->pl_ask_since = clk_ms(a->clock);
			a->pl_q++;
			snprintf(a->focus, sizeof(a->focus), "player.next_question");
			changed = 1;
		}
	}
	/* watching or answering aloud is not being idle; once the answer time is over
	 * and nobody goes on, the idle timer runs again (someone may have walked away) */
	int answering = a->pl_asking && a->pl_q > 0 &&
			clk_ms(a->clock) - a->pl_ask_since < m->q[a->pl_q - 1].answer_s * 1000LL;
	if (st == PLY_PLAYING || answering)
		a->last_input = clk_ms(a->clock);
	return changed;
}

void prac_action(app *a, int action, int arg)
{
	ply *p = a->player;
	if (a->pl_index < 0 || !p)
		return;
	switch (action) {
	case A_PL_PLAY:
		if (a->pl_asking)
			break;
		if (ply_state(p) == PLY_ENDED)
			ply_seek(p, 0);
		else
			ply_pause(p, ply_state(p) == PLY_PLAYING);
		break;
	case A_PL_BACK10:
	case A_PL_FWD10: {
		int64_t t = ply_time_ms(p) + (action == A_PL_FWD10 ? 10000 : -10000);
		ply_seek(p, t);
		/* questions before the new position count as asked; after it, again */
		struct media_item *m = &a->media[a->pl_index];
		a->pl_q = 0;
		while (a->pl_q < m->nq && m->q[a->pl_q].at_s * 1000 < (double)t - 500)
			a->pl_q++;
		break;
	}
	case A_PL_SEEK: { /* arg: position in 1/1000 of the length */
		int64_t len = ply_length_ms(p), t = len * arg / 1000;
		struct media_item *m = &a->media[a->pl_index];
		ply_seek(p, t);
		a->pl_q = 0;
		while (a->pl_q < m->nq && m->q[a->pl_q].at_s * 1000 < (double)t - 500)
			a->pl_q++;
		break;
	}
	case A_PL_VOL: ply_set_volume(p, ply_volume(p) + (arg ? 10 : -10)); break;
	case A_PL_CAPTIONS: a->pl_captions = !a->pl_captions; break;
	case A_PL_ZOOM:
		a->pl_view.fov += arg ? -10.0f : 10.0f;
		sph_clamp(&a->pl_view);
		break;
	case A_PL_LOOK:
		a->pl_view.yaw += arg ? 30.0f : -30.0f;
		sph_clamp(&a->pl_view);
		break;
	case A_PL_NEXT_Q:
		a->pl_asking = 0;
		a->focus[0] = '\0';
		ply_pause(p, 0);
		break;
	case A_PL_REPLAY:
		a->pl_q = 0;
		a->pl_asking = 0;
		ply_seek(p, 0);
		ply_pause(p, 0);
		break;
	default:
		break;
	}
	a->dirty = 1;
}

/* The 360 view follows a finger on the picture; the progress bar scrubs. */
int prac_drag(app *a, int phase, float x, float y, float dx, float dy)
{
	if (a->screen != SCR_PLAYER || a->pl_index < 0 || a->pl_asking)
		return 0;
	if (phase == 0) {
		if (a->pl_vr && ui_contains(a->pl_video, (int)x, (int)y))
			a->pl_drag = 1;
		else if (ui_contains(ui_inset(a->pl_seek, -a->th.pad), (int)x, (int)y))
			a->pl_drag = 2;
		else
			a->pl_drag = 0;
		return a->pl_drag != 0;
	}
	if (!a->pl_drag)
		return 0;
	if (a->pl_drag == 1) {
		sph_drag(&a->pl_view, dx, dy, a->pl_video.w, a->pl_video.h);
	} else if (phase == 2 && a->pl_seek.w > 0) {
		/* scrubbing seeks once, where the finger is let go */
		int per = (int)((x - (float)a->pl_seek.x) * 1000 / (float)a->pl_seek.w);
		prac_action(a, A_PL_SEEK, per < 0 ? 0 : per > 1000 ? 1000 : per);
	}
	if (phase == 2)
		a->pl_drag = 0;
	a->dirty = 1;
	return 1;
}

void prac_pinch(app *a, float ddist)
{
	if (a->screen != SCR_PLAYER || !a->pl_vr)
		return;
	a->pl_view.fov *= 1.0f - ddist * 2.0f;
	sph_clamp(&a->pl_view);
	a->dirty = 1;
}

void prac_draw(app *a, SDL_Renderer *r, SDL_Rect dst)
{
	static SDL_Vertex verts[SPH_MAX_VERTS];
	int w, h;
	SDL_SetRenderDrawColor(r, a->th.video_bg.r, a->th.video_bg.g, a->th.video_bg.b, 255);
	SDL_RenderFillRect(r, &dst);
	SDL_Texture *tex = a->player ? ply_texture(a->player, r, &w, &h) : NULL;
	if (!tex || w <= 0 || h <= 0)
		return;
	if (a->pl_vr || ply_is_360(a->player)) {
		int n = sph_mesh(&a->pl_view, dst, verts);
		if (n)
			SDL_RenderGeometry(r, tex, verts, n, NULL, 0);
		return;
	}
	/* letterboxed: the whole picture, its shape kept */
	SDL_Rect fit = dst;
	if ((long long)dst.w * h > (long long)dst.h * w) {
		fit.w = (int)((long long)dst.h * w / h);
		fit.x = dst.x + (dst.w - fit.w) / 2;
	} else {
		fit.h = (int)((long long)dst.w * h / w);
		fit.y = dst.y + (dst.h - fit.h) / 2;
	}
	SDL_RenderCopy(r, tex, NULL, &fit);
}

json_object *prac_state_json(app *a)
{
	json_object *o;
	if (a->screen != SCR_PLAYER || a->pl_index < 0)
		return NULL;
	struct media_item *m = &a->media[a->pl_index];
	int st = a->player ? ply_state(a->player) : PLY_IDLE;
	static const char *const names[] = {"idle", "opening", "playing", "paused", "ended", "error"};
	o = json_object_new_object();
	json_object_object_add(o, "media", json_object_new_string(m->id));
	json_object_object_add(o, "kind", json_object_new_string(a->pl_vr ? "vr360" : "flat"));
	json_object_object_add(o, "position_s",
			       json_object_new_double(a->player ? (double)ply_time_ms(a->player) / 1000.0 : 0));
	json_object_object_add(o, "playing", json_object_new_boolean(st == PLY_PLAYING));
	json_object_object_add(o, "yaw", json_object_new_double(a->pl_view.yaw));
	json_object_object_add(o, "pitch", json_object_new_double(a->pl_view.pitch));
	json_object_object_add(o, "fov", json_object_new_double(a->pl_view.fov));
	/* additions: what the screen shows besides */
	json_object_object_add(o, "state", json_object_new_string(a->pl_checking ? "checking"
							  : a->pl_error  ? "error"
									 : names[st]));
	json_object_object_add(o, "question", a->pl_asking ? json_object_new_int(a->pl_q) : NULL);
	json_object_object_add(o, "captions", json_object_new_boolean(a->pl_captions));
	json_object_object_add(o, "volume", json_object_new_int(a->player ? ply_volume(a->player) : 0));
	json_object_object_add(o, "ducked", json_object_new_boolean(a->player && ply_ducked(a->player)));
	json_object_object_add(o, "volume_applied",
			       json_object_new_int(a->player ? ply_applied_volume(a->player) : 0));
	if (a->player) {
		ply_stats s;
		ply_get_stats(a->player, &s);
		json_object_object_add(o, "frames_decoded", json_object_new_int64((int64_t)s.decoded));
		json_object_object_add(o, "frames_shown", json_object_new_int64((int64_t)s.shown));
		json_object_object_add(o, "frames_lost", json_object_new_int(s.lost));
		json_object_object_add(o, "first_frame_ms", json_object_new_double(s.first_frame_ms));
	}
	return o;
}
