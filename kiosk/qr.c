#include "qr.h"

#include <qrencode.h>
#include <string.h>

SDL_Texture *qr_texture(SDL_Renderer *r, const char *text, int *modules)
{
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	SDL_Surface *s;
	SDL_Texture *t;
	int side;

	if (!q)
		return NULL;
	side = q->width + 8;
	s = SDL_CreateRGBSurfaceWithFormat(0, side, side, 32, SDL_PIXELFORMAT_ARGB8888);
	if (!s) {
		QRcode_free(q);
		return NULL;
	}
	for (int y = 0; y < side; y++) {
		uint32_t *row = (uint32_t *)((unsigned char *)s->pixels + y * s->pitch);
		for (int x = 0; x < side; x++) {
			int mx = x - 4, my = y - 4, dark = 0;
			if (mx >= 0 && my >= 0 && mx < q->width && my < q->width)
				dark = q->data[my * q->width + mx] & 1;
			row[x] = dark ? 0xff000000u : 0xffffffffu;
		}
	}
	t = SDL_CreateTextureFromSurface(r, s);
	if (t)
		SDL_SetTextureScaleMode(t, SDL_ScaleModeNearest);
	SDL_FreeSurface(s);
	QRcode_free(q);
	*modules = side;
	return t;
}
