/*
 * String helpers every room of the core uses: duplication through the core's allocator
 * and a bounded copy that reports truncation.
 */
#include "puqkvm/common.h"

char *puq_strndup(const char *s, size_t n)
{
	if (!s)
		return NULL;
	char *copy = PUQ_MALLOC(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	return copy;
}

char *puq_strdup(const char *s)
{
	return s ? puq_strndup(s, strlen(s)) : NULL;
}

size_t puq_strlcpy(char *dst, const char *src, size_t dstsize)
{
	size_t len = strlen(src);
	if (dstsize > 0) {
		size_t n = len < dstsize - 1 ? len : dstsize - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
