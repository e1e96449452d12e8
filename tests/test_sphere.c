/*
 * The 360° projection: the view's centre shows the right longitude and latitude,
 * dragging turns the way the contract says (left drag = yaw up), the mesh the
 * renderer draws agrees with the exact inverse mapping across the screen, and the
 * seam at the back of the sphere is drawn without wrap-around triangles.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "sphere.h"

static SDL_Vertex verts[SPH_MAX_VERTS];

/* The mesh's texture coordinate at (x, y): barycentric in the triangle holding it. */
static int mesh_uv(const SDL_Vertex *v, int n, float x, float y, float *u, float *w)
{
	for (int i = 0; i + 2 < n; i += 3) {
		SDL_FPoint a = v[i].position, b = v[i + 1].position, c = v[i + 2].position;
		float d = (b.y - c.y) * (a.x - c.x) + (c.x - b.x) * (a.y - c.y);
		if (fabsf(d) < 1e-6f)
			continue;
		float l1 = ((b.y - c.y) * (x - c.x) + (c.x - b.x) * (y - c.y)) / d;
		float l2 = ((c.y - a.y) * (x - c.x) + (a.x - c.x) * (y - c.y)) / d;
		float l3 = 1 - l1 - l2;
		if (l1 < -1e-4f || l2 < -1e-4f || l3 < -1e-4f)
			continue;
		*u = l1 * v[i].tex_coord.x + l2 * v[i + 1].tex_coord.x + l3 * v[i + 2].tex_coord.x;
		*w = l1 * v[i].tex_coord.y + l2 * v[i + 1].tex_coord.y + l3 * v[i + 2].tex_coord.y;
		return 1;
	}
	return 0;
}

static void test_centre(void **s)
{
	SDL_Rect r = {0, 100, 1080, 1200};
	float u, v;
	(void)s;
	sph_view view = {0, 0, 80};
	sph_uv_at(&view, r, 540, 700, &u, &v);
	assert_float_equal(u, 0.5f, 1e-4f);
	assert_float_equal(v, 0.5f, 1e-4f);
	view.yaw = 90;
	sph_uv_at(&view, r, 540, 700, &u, &v);
	assert_float_equal(u, 0.75f, 1e-4f);
	view.yaw = -90;
	sph_uv_at(&view, r, 540, 700, &u, &v);
	assert_float_equal(u, 0.25f, 1e-4f);
	view.yaw = 0;
	view.pitch = 30;
	sph_uv_at(&view, r, 540, 700, &u, &v);
	assert_float_equal(v, 60.0f / 180.0f, 1e-4f);
	/* right of centre is further right on the sphere; above is higher */
	view.pitch = 0;
	float u2, v2;
	sph_uv_at(&view, r, 800, 700, &u2, &v2);
	assert_true(u2 > 0.5f);
	sph_uv_at(&view, r, 540, 300, &u2, &v2);
	assert_true(v2 < 0.5f);
}

static void test_drag(void **s)
{
	(void)s;
	sph_view v = {0, 0, 80};
	sph_drag(&v, -270, 0, 1080, 1200); /* a quarter of the width to the left */
	assert_float_equal(v.yaw, 20.0f, 1e-3f);
	sph_drag(&v, 0, 10000, 1080, 1200);
	assert_float_equal(v.pitch, SPH_PITCH_MAX, 1e-3f);
	v = (sph_view){170, 0, 80};
	sph_drag(&v, -1080, 0, 1080, 1200);
	assert_float_equal(v.yaw, -110.0f, 1e-3f); /* wrapped */
	v.fov = 500;
	sph_clamp(&v);
	assert_float_equal(v.fov, SPH_FOV_MAX, 1e-3f);
}

static void test_mesh_matches(void **s)
{
	SDL_Rect r = {0, 100, 1080, 1200};
	static const sph_view views[] = {{0, 0, 80}, {135, 20, 60}, {180, -40, 100}, {-179, 80, 110}};
	(void)s;
	for (size_t k = 0; k < sizeof(views) / sizeof(*views); k++) {
		int n = sph_mesh(&views[k], r, verts);
		assert_true(n > 0 && n % 3 == 0 && n <= SPH_MAX_VERTS);
		for (int i = 0; i < n; i++) {
			/* no triangle spans the seam: coordinates stay within a cell */
			if (i % 3 == 0) {
				float du = fabsf(verts[i].tex_coord.x - verts[i + 1].tex_coord.x) +
					   fabsf(verts[i].tex_coord.x - verts[i + 2].tex_coord.x);
				assert_true(du < 3.0f / SPH_LON);
			}
		}
		int covered = 0, probes = 0;
		for (int y = r.y + 40; y < r.y + r.h; y += 97) {
			for (int x = 20; x < r.w; x += 89) {
				float mu, mv, eu, ev;
				probes++;
				if (!mesh_uv(verts, n, (float)x, (float)y, &mu, &mv))
					continue;
				covered++;
				sph_uv_at(&views[k], r, (float)x, (float)y, &eu, &ev);
				float du = fabsf(mu - eu);
				if (du > 0.5f)
					du = 1.0f - du; /* the same place across the seam */
				assert_true(du < 0.01f);
				assert_true(fabsf(mv - ev) < 0.01f);
			}
		}
		/* the whole picture is covered */
		assert_int_equal(covered, probes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_centre),
		cmocka_unit_test(test_drag),
		cmocka_unit_test(test_mesh_matches),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
