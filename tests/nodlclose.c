/*
 * nodlclose.c - preloaded into the kiosk by the sanitized end-to-end tests only:
 * libvlc unloads its plugins at release, and memory that only a plugin's static
 * data still pointed at then looks leaked to LeakSanitizer. With the modules kept
 * mapped, a leak report names real leaks, and the tests can demand a clean exit.
 */
int dlclose(void *handle);

int dlclose(void *handle)
{
	(void)handle;
	return 0;
}
