/*
 * render.h - turns the ui tree into SDL render calls with the theme's colours.
 * Images (the QR code) come from a callback so this module knows nothing of what
 * they are. Main thread only.
 */
#ifndef K_RENDER_H
#define K_RENDER_H

#include <SDL2/SDL.h>

#include "text.h"
#include "theme.h"
#include "ui.h"

/* Draws image handle `image` into dst. */
typedef void (*rnd_image_fn)(void *ctx, SDL_Renderer *r, int image, SDL_Rect dst);

void rnd_tree(SDL_Renderer *r, txt *t, const theme *th, const ui_tree *tree,
	      rnd_image_fn image, void *ctx);

#endif
