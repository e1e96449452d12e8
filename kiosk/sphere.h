/*
 * sphere.h - the 360° view: projects an equirectangular frame onto the screen as a
 * triangle mesh for SDL_RenderGeometry, which every SDL renderer (software
 * included) draws. libvlc's own viewpoint works only in its OpenGL outputs, not with
 * the video callbacks the kiosk uses, so the kiosk does the projection itself.
 *
 * Angles are degrees. yaw turns right as it grows (0 = the middle of the frame),
 * pitch looks up, fov is the horizontal field of view of the destination rectangle.
 * Longitude λ maps to u = (λ + 180) / 360 and latitude φ to v = (90 − φ) / 180.
 * Pure functions; any thread.
 */
#ifndef K_SPHERE_H
#define K_SPHERE_H

#include <SDL2/SDL.h>

#define SPH_LON 64
#define SPH_LAT 32
#define SPH_MAX_VERTS (SPH_LON * SPH_LAT * 6)

#define SPH_FOV_MIN 40.0f
#define SPH_FOV_MAX 110.0f
#define SPH_PITCH_MAX 85.0f

typedef struct sph_view {
	float yaw, pitch, fov;
} sph_view;

/* Keeps yaw in (-180, 180], pitch and fov within their limits. */
void sph_clamp(sph_view *v);

/* Turns the view for a finger drag of (dx, dy) pixels on a w x h picture: the
 * picture follows the finger (dragging left turns the view right). */
void sph_drag(sph_view *v, float dx, float dy, int w, int h);

/* Fills out (SPH_MAX_VERTS) with the triangles that show the view in dst; returns
 * the vertex count. Texture coordinates are normalised (0..1). */
int sph_mesh(const sph_view *v, SDL_Rect dst, SDL_Vertex *out);

/* What texture coordinate the view shows at screen point (sx, sy) of dst: the exact
 * inverse, for tests. */
void sph_uv_at(const sph_view *v, SDL_Rect dst, float sx, float sy, float *u, float *vv);

#endif
