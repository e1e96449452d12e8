/*
 * qr.h - QR codes (libqrencode) as SDL textures, one module per pixel, to be drawn
 * scaled with nearest-neighbour sampling. Main thread only.
 */
#ifndef K_QR_H
#define K_QR_H

#include <SDL2/SDL.h>

/* A texture of the QR code of text, with a 4-module quiet zone, or NULL. The caller
 * owns it (SDL_DestroyTexture). *modules receives its side in modules. */
SDL_Texture *qr_texture(SDL_Renderer *r, const char *text, int *modules);

#endif
