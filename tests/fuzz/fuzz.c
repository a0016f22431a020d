/*
 * The shared checks of the fuzz targets (see fuzz.h). A broken invariant prints the
 * call and the reason on stderr and aborts; libFuzzer then writes the input to a
 * crash-* file, which becomes a regression seed in tests/fuzz/corpus/<target>/.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n==fuzz== invariant broken at %s:%d: %s\n==fuzz== ", file, line,
	        cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = PUQ_MALLOC(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

bool fuzz_terminated(const char *buf, size_t size)
{
	return memchr(buf, '\0', size) != NULL;
}

void fuzz_error_init(struct puq_error *err)
{
	memset(err, 0xA5, sizeof(*err));
	puq_error_clear(err);
}

void fuzz_check_result(const char *what, int rc, const struct puq_error *err)
{
	if (rc == 0) {
		FUZZ_CHECK(err->code == PUQ_OK && err->text[0] == '\0' && err->nfields == 0,
		           "%s succeeded but left an error behind (code %d)", what, err->code);
		return;
	}
	FUZZ_CHECK(rc < 0, "%s returned %d: neither 0 nor a negative code", what, rc);
	FUZZ_CHECK(err->code == -rc, "%s returned %d but the error says %d", what, rc,
	           err->code);
	FUZZ_CHECK(strcmp(puq_error_name(err->code), "PUQ_EUNKNOWN") != 0,
	           "%s failed with code %d, which is not in the error table", what,
	           err->code);
	FUZZ_CHECK(fuzz_terminated(err->text, sizeof(err->text)),
	           "%s: the error text is not terminated", what);
	FUZZ_CHECK(err->text[0] != '\0', "%s failed (%s) with an empty error text", what,
	           puq_error_name(err->code));
	FUZZ_CHECK(err->nfields <= PUQ_FIELD_ERRORS_MAX, "%s: %zu field errors", what,
	           err->nfields);
	for (size_t i = 0; i < err->nfields; i++) {
		const struct puq_field_error *f = &err->fields[i];
		FUZZ_CHECK(fuzz_terminated(f->field, sizeof(f->field)) &&
		               fuzz_terminated(f->message, sizeof(f->message)),
		           "%s: field error %zu is not terminated", what, i);
		FUZZ_CHECK(f->field[0] && f->message[0], "%s: field error %zu is empty", what, i);
	}
}

bool fuzz_contains(const char *s, const char *needle)
{
	return s && needle && strstr(s, needle) != NULL;
}
