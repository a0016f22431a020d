/*
 * Helpers shared by the libFuzzer targets: invariant checks that abort (so libFuzzer
 * saves the input as a crash), and the checks every core function's error owes its
 * caller. Ownership: fuzz_cstr returns a PUQ_MALLOC'd copy the caller frees.
 */
#ifndef PUQKVM_FUZZ_H
#define PUQKVM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "puqkvm/error.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    PUQ_PRINTF(4, 5) __attribute__((noreturn));

/* An invariant: when cond is false, prints the reason and aborts. */
#define FUZZ_CHECK(cond, ...)                                                            \
	do {                                                                                 \
		if (!(cond))                                                                     \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                           \
	} while (0)

/* The input as a NUL-terminated string in a buffer of exactly size + 1 bytes, so ASan
 * sees any read past its end. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Whether buf holds a NUL within its size bytes. */
bool fuzz_terminated(const char *buf, size_t size);

/*
 * An error struct as a caller prepares it: stale bytes everywhere (so a function that
 * returns a failure without writing its text is caught), then puq_error_clear.
 */
void fuzz_error_init(struct puq_error *err);

/*
 * What a core function owes its caller: on success (rc == 0) an untouched error; on
 * failure rc == -err->code, a known code, and a text that is terminated and not empty;
 * every field error named and terminated. `what` names the call in the report.
 */
void fuzz_check_result(const char *what, int rc, const struct puq_error *err);

/* Whether s contains needle (both terminated). */
bool fuzz_contains(const char *s, const char *needle);

#endif
