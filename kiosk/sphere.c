#include "sphere.h"

#include <math.h>

#define DEG ((float)M_PI / 180.0f)

void sph_clamp(sph_view *v)
{
	while (v->yaw > 180.0f)
		v->yaw -= 360.0f;
	while (v->yaw <= -180.0f)
		v->yaw += 360.0f;
	if (v->pitch > SPH_PITCH_MAX)
		v->pitch = SPH_PITCH_MAX;
	if (v->pitch < -SPH_PITCH_MAX)
		v->pitch = -SPH_PITCH_MAX;
	if (v->fov < SPH_FOV_MIN)
		v->fov = SPH_FOV_MIN;
	if (v->fov > SPH_FOV_MAX)
		v->fov = SPH_FOV_MAX;
}

static float vfov(const sph_view *v, int w, int h)
{
	return 2.0f * atanf(tanf(v->fov * DEG / 2.0f) * (float)h / (float)w) / DEG;
}

void sph_drag(sph_view *v, float dx, float dy, int w, int h)
{
	if (w <= 0 || h <= 0)
		return;
	v->yaw -= dx * v->fov / (float)w;
	v->pitch += dy * vfov(v, w, h) / (float)h;
	sph_clamp(v);
}

/* World direction of (lon, lat) into camera space. */
static void to_camera(const sph_view *v, float lon, float lat, float *x, float *y, float *z)
{
	float cl = cosf(lat), wx = cl * sinf(lon), wy = sinf(lat), wz = cl * cosf(lon);
	float cy = cosf(v->yaw * DEG), sy = sinf(v->yaw * DEG);
	float cp = cosf(v->pitch * DEG), sp = sinf(v->pitch * DEG);
	float x1 = wx * cy - wz * sy, z1 = wx * sy + wz * cy;
	*x = x1;
	*y = wy * cp - z1 * sp;
	*z = wy * sp + z1 * cp;
}

int sph_mesh(const sph_view *v, SDL_Rect dst, SDL_Vertex *out)
{
	float f = (float)dst.w / 2.0f / tanf(v->fov * DEG / 2.0f);
	float cx = (float)dst.x + (float)dst.w / 2.0f, cy = (float)dst.y + (float)dst.h / 2.0f;
	static const int corner[6][2] = {{0, 0}, {1, 0}, {0, 1}, {1, 0}, {1, 1}, {0, 1}};
	int n = 0;

	for (int j = 0; j < SPH_LAT; j++) {
		for (int i = 0; i < SPH_LON; i++) {
			SDL_Vertex q[6];
			int ok = 1;
			float minx = 1e9f, maxx = -1e9f, miny = 1e9f, maxy = -1e9f;
			for (int k = 0; k < 6 && ok; k++) {
				int ii = i + corner[k][0], jj = j + corner[k][1];
				float u = (float)ii / SPH_LON, vv = (float)jj / SPH_LAT;
				float lon = (u * 360.0f - 180.0f) * DEG, lat = (90.0f - vv * 180.0f) * DEG;
				float x, y, z;
				to_camera(v, lon, lat, &x, &y, &z);
				if (z < 0.1f) {
					ok = 0; /* behind or beside the eye: never on screen */
					break;
				}
				q[k].position.x = cx + f * x / z;
				q[k].position.y = cy - f * y / z;
				q[k].tex_coord.x = u;
				q[k].tex_coord.y = vv;
				q[k].color = (SDL_Color){255, 255, 255, 255};
				minx = fminf(minx, q[k].position.x);
				maxx = fmaxf(maxx, q[k].position.x);
				miny = fminf(miny, q[k].position.y);
				maxy = fmaxf(maxy, q[k].position.y);
			}
			if (!ok || maxx < (float)dst.x || minx > (float)(dst.x + dst.w) ||
			    maxy < (float)dst.y || miny > (float)(dst.y + dst.h))
				continue;
			for (int k = 0; k < 6; k++)
				out[n++] = q[k];
		}
	}
	return n;
}

void sph_uv_at(const sph_view *v, SDL_Rect dst, float sx, float sy, float *u, float *vv)
{
	float f = (float)dst.w / 2.0f / tanf(v->fov * DEG / 2.0f);
	float x = sx - ((float)dst.x + (float)dst.w / 2.0f);
	float y = ((float)dst.y + (float)dst.h / 2.0f) - sy;
	float z = f;
	float cy = cosf(v->yaw * DEG), syw = sinf(v->yaw * DEG);
	float cp = cosf(v->pitch * DEG), sp = sinf(v->pitch * DEG);
	/* undo the pitch, then the yaw */
	float y1 = y * cp + z * sp, z1 = -y * sp + z * cp;
	float wx = x * cy + z1 * syw, wz = -x * syw + z1 * cy;
	float lon = atan2f(wx, wz), lat = atan2f(y1, sqrtf(wx * wx + wz * wz));
	*u = (lon / DEG + 180.0f) / 360.0f;
	*vv = (90.0f - lat / DEG) / 180.0f;
}
