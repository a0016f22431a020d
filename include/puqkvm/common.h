/*
 * Shared basics of the puqkvm core: the one allocation macro family every core file uses,
 * the engine version and small helpers. The core is plain C99 and never includes php.h;
 * the same files are compiled into the PHP extension and into the C unit tests.
 */
#ifndef PUQKVM_COMMON_H
#define PUQKVM_COMMON_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PUQKVM_VERSION "0.1.0"

/*
 * All core allocations go through these macros, so a build can route them elsewhere
 * (a counting allocator in tests, for instance) by defining PUQ_ALLOCATOR_OVERRIDE.
 * The core never uses emalloc: its objects may outlive a PHP request.
 */
#ifndef PUQ_ALLOCATOR_OVERRIDE
#define PUQ_MALLOC(n)     malloc(n)
#define PUQ_CALLOC(n, sz) calloc((n), (sz))
#define PUQ_REALLOC(p, n) realloc((p), (n))
#define PUQ_FREE(p)       free(p)
#endif

#define PUQ_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PUQ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#define PUQ_UNUSED            __attribute__((unused))
#else
#define PUQ_PRINTF(fmt, args)
#define PUQ_UNUSED
#endif

/* strdup through PUQ_MALLOC; NULL in gives NULL out. The caller frees with PUQ_FREE. */
char *puq_strdup(const char *s);
/* As puq_strdup, for the first n bytes of s (which need not be terminated). */
char *puq_strndup(const char *s, size_t n);

/*
 * Bounded copy that always terminates dst (when dstsize > 0) and returns the length of
 * src, so truncation is detected with `>= dstsize`.
 */
size_t puq_strlcpy(char *dst, const char *src, size_t dstsize);

#endif
