/*
 * Growable buffer (include/puqkvm/buf.h). Grows geometrically; a failed allocation marks
 * the buffer failed instead of returning an error from every append.
 */
#include <stdio.h>

#include "puqkvm/buf.h"

void puq_buf_init(struct puq_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

void puq_buf_free(struct puq_buf *b)
{
	PUQ_FREE(b->data);
	puq_buf_init(b);
}

void puq_buf_reset(struct puq_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
	b->failed = false;
}

static bool reserve(struct puq_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra > ((size_t)-1) / 2 - b->len) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *data = PUQ_REALLOC(b->data, cap);
	if (!data) {
		b->failed = true;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

void puq_buf_append(struct puq_buf *b, const void *data, size_t len)
{
	if (!reserve(b, len))
		return;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void puq_buf_puts(struct puq_buf *b, const char *s)
{
	puq_buf_append(b, s, strlen(s));
}

void puq_buf_putc(struct puq_buf *b, char c)
{
	puq_buf_append(b, &c, 1);
}

void puq_buf_vprintf(struct puq_buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void puq_buf_printf(struct puq_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	puq_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void puq_buf_urlencode(struct puq_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!reserve(b, len * 3))
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '-' || c == '_' || c == '.' || c == '~') {
			b->data[b->len++] = (char)c;
		} else {
			b->data[b->len++] = '%';
			b->data[b->len++] = hex[c >> 4];
			b->data[b->len++] = hex[c & 15];
		}
	}
	b->data[b->len] = '\0';
}

bool puq_buf_failed(const struct puq_buf *b)
{
	return b->failed;
}

const char *puq_buf_cstr(const struct puq_buf *b)
{
	return b->data ? b->data : "";
}

char *puq_buf_steal(struct puq_buf *b)
{
	if (b->failed) {
		puq_buf_free(b);
		return NULL;
	}
	char *data = b->data;
	if (!data)
		data = puq_strdup("");
	puq_buf_init(b);
	return data;
}
