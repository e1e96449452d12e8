#include "shot.h"

#include <errno.h>
#include <png.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

int shot_write_png(const char *path, int w, int h, const void *pixels, int pitch, char *err,
		   size_t errlen)
{
	char tmp[4096];
	FILE *f;
	png_structp png;
	png_infop info;
	unsigned char *row = NULL;

	snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	f = fopen(tmp, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info || setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		fclose(f);
		unlink(tmp);
		free(row);
		snprintf(err, errlen, "%s: PNG encoding failed (disk full?)", path);
		return -1;
	}
	png_init_io(png, f);
	png_set_compression_level(png, 3);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	row = xmalloc((size_t)w * 3);
	for (int y = 0; y < h; y++) {
		const uint32_t *src = (const uint32_t *)((const unsigned char *)pixels + (size_t)y * pitch);
		for (int x = 0; x < w; x++) {
			row[x * 3] = (unsigned char)(src[x] >> 16);
			row[x * 3 + 1] = (unsigned char)(src[x] >> 8);
			row[x * 3 + 2] = (unsigned char)src[x];
		}
		png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(row);
	if (fflush(f) != 0 || fclose(f) != 0) {
		unlink(tmp);
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		return -1;
	}
	if (rename(tmp, path) < 0) {
		unlink(tmp);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
