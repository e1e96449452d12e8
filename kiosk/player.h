/*
 * player.h - video playback with libvlc, drawn by the kiosk: libvlc decodes into
 * planes this module owns (I420, through libvlc_video_set_callbacks and
 * set_format_callbacks); its threads only fill those buffers and flag a new frame.
 * The main thread uploads the newest frame into an SDL IYUV texture in
 * ply_texture(); every SDL call stays on the main thread. Audio goes through libvlc.
 *
 * libvlc starts on a thread of its own when the player is created (plugin loading
 * takes a while), and a player is stopped and freed on a thread too (stopping
 * joins libvlc's decoder threads), so opening and leaving a video never stall the
 * UI. Main thread only, except where noted.
 */
#ifndef K_PLAYER_H
#define K_PLAYER_H

#include <SDL2/SDL.h>
#include <stdint.h>

typedef struct ply ply;

enum ply_state { PLY_IDLE, PLY_OPENING, PLY_PLAYING, PLY_PAUSED, PLY_ENDED, PLY_ERROR };

typedef struct ply_stats {
	unsigned long decoded;	 /* frames libvlc handed over */
	unsigned long shown;	 /* frames uploaded to the texture */
	unsigned long replaced;	 /* frames overwritten before the UI took them */
	int lost;		 /* libvlc's own count of late frames it dropped */
	double first_frame_ms;	 /* from ply_open to the first frame, -1 before */
} ply_stats;

/* audio: 0 gives libvlc no audio output at all (headless tests). notify(ctx) is
 * called from libvlc's threads when a frame or an event arrives (wakes the loop). */
ply *ply_create(int audio, void (*notify)(void *), void *ctx);
void ply_destroy(ply *p);

/* Starts playing the file at path (a verified cache file). Returns 0, or -1 when
 * libvlc could not start (ply_error says why). */
int ply_open(ply *p, const char *path);
/* Stops and frees the decoder (on a thread). Safe when nothing is open. */
void ply_close(ply *p);

void ply_pause(ply *p, int paused);
/* Seeks to ms (clamped to the length). */
void ply_seek(ply *p, int64_t ms);
/* 0..100 */
void ply_set_volume(ply *p, int volume);
int ply_volume(const ply *p);
/* Ducking: while on (voice guidance speaks) the sound plays at a quarter of the
 * volume; ply_volume still answers the chosen one. */
void ply_duck(ply *p, int on);
int ply_ducked(const ply *p);
/* The volume last handed to libvlc (the chosen one, or lowered while ducked). */
int ply_applied_volume(const ply *p);

/* Runs on each loop turn: picks up libvlc's events. Returns 1 when something
 * visible changed (a frame, the state). */
int ply_poll(ply *p);
int ply_state(const ply *p);
int64_t ply_time_ms(ply *p);
int64_t ply_length_ms(ply *p);
/* 1 when libvlc reports an equirectangular (360°) projection for the video. */
int ply_is_360(ply *p);
const char *ply_error(const ply *p);

/* The newest frame as an IYUV texture (created or resized as needed), uploaded
 * when a new one arrived since the last call; NULL before the first frame.
 * *w, *h receive the frame size. */
SDL_Texture *ply_texture(ply *p, SDL_Renderer *r, int *w, int *h);

void ply_get_stats(ply *p, ply_stats *s);

#endif
