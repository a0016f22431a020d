/*
 * A growable byte buffer, always NUL-terminated, for building request bodies, URLs,
 * log lines and reports. Allocation failure is sticky: after it, appends are ignored and
 * puq_buf_failed() says so, so callers check once at the end instead of after each call.
 */
#ifndef PUQKVM_BUF_H
#define PUQKVM_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/common.h"

struct puq_buf {
	char *data; /* NUL-terminated; NULL until the first append */
	size_t len;
	size_t cap;
	bool failed;
};

#define PUQ_BUF_INIT {NULL, 0, 0, false}

void puq_buf_init(struct puq_buf *b);
/* Frees the storage and resets b to empty. */
void puq_buf_free(struct puq_buf *b);
/* Empties b but keeps its storage. */
void puq_buf_reset(struct puq_buf *b);
void puq_buf_append(struct puq_buf *b, const void *data, size_t len);
void puq_buf_puts(struct puq_buf *b, const char *s);
void puq_buf_putc(struct puq_buf *b, char c);
void puq_buf_printf(struct puq_buf *b, const char *fmt, ...) PUQ_PRINTF(2, 3);
void puq_buf_vprintf(struct puq_buf *b, const char *fmt, va_list ap);
/* Appends s percent-encoded for a URL path segment or form value (RFC 3986 unreserved kept). */
void puq_buf_urlencode(struct puq_buf *b, const char *s, size_t len);
bool puq_buf_failed(const struct puq_buf *b);
/* The contents ("" when empty); valid until the next append or free. */
const char *puq_buf_cstr(const struct puq_buf *b);
/* Hands the storage to the caller (free with PUQ_FREE) and resets b; NULL on failure. */
char *puq_buf_steal(struct puq_buf *b);

#endif
