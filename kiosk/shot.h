/*
 * shot.h - writes screenshots as PNG through libpng. libpng is already on every
 * kiosk (SDL2_ttf's FreeType links it) and none of the chosen libraries writes PNG.
 */
#ifndef K_SHOT_H
#define K_SHOT_H

#include <stddef.h>

/* Writes w x h pixels of 32-bit ARGB (SDL_PIXELFORMAT_ARGB8888, pitch bytes per
 * row) to path, atomically (a temporary file renamed). Returns 0 or -1 with err. */
int shot_write_png(const char *path, int w, int h, const void *pixels, int pitch, char *err,
		   size_t errlen);

#endif
