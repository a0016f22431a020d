/*
 * Checks a value against what a text column of the module can hold (see
 * include/puqkvm/text.h): no NUL byte, well-formed UTF-8 (no overlong forms, no UTF-16
 * surrogates) and no character outside the Basic Multilingual Plane, i.e. nothing that
 * needs four bytes. One pass over the bytes, no allocation.
 */
#include "puqkvm/text.h"

#include <stdbool.h>

static bool cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

const char *puq_text_problem(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		if (c == 0)
			return "must not contain a NUL byte";
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			if (i + 1 >= len || !cont(p[i + 1]))
				return "must be UTF-8 text";
			i += 2;
			continue;
		}
		if (c >= 0xE0 && c <= 0xEF) {
			if (i + 2 >= len || !cont(p[i + 1]) || !cont(p[i + 2]) ||
				(c == 0xE0 && p[i + 1] < 0xA0) || /* overlong */
				(c == 0xED && p[i + 1] > 0x9F))   /* a UTF-16 surrogate */
				return "must be UTF-8 text";
			i += 3;
			continue;
		}
		if (c >= 0xF0 && c <= 0xF4)
			return "must not contain emoji or other characters beyond U+FFFF (the WHMCS "
			       "database stores at most three bytes per character)";
		return "must be UTF-8 text";
	}
	return NULL;
}
