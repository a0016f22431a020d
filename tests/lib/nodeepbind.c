/*
 * LD_PRELOAD shim for running PHP under AddressSanitizer: PHP dlopens extensions with
 * RTLD_DEEPBIND, which the sanitizer runtime refuses. This strips that flag.
 * Build: cc -shared -fPIC -o nodeepbind.so nodeepbind.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>

void *dlopen(const char *file, int mode)
{
	static void *(*real)(const char *, int);
	if (!real)
		real = (void *(*)(const char *, int))dlsym(RTLD_NEXT, "dlopen");
	return real(file, mode & ~RTLD_DEEPBIND);
}
