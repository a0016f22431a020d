/* What a text column of the module can keep (src/base/text.c): a table of values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/text.h"

struct text_case {
	const char *bytes;
	size_t len;
	const char *problem; /* the start of the message, NULL when the text is kept */
};

#define T(s, problem) {s, sizeof(s) - 1, problem}

static const struct text_case cases[] = {
	T("", NULL),
	T("plain ASCII with 'quotes', \"double\", \\ % _ ;--", NULL),
	T("new\nline\ttab\x01control", NULL),
	T("\xc3\xa9 \xe4\xb8\xad \xce\xa9 \xef\xbf\xbd", NULL), /* é 中 Ω U+FFFD */
	T("\xed\x9f\xbf", NULL),                                  /* U+D7FF, just below the surrogates */
	T("\xef\xbf\xbf", NULL),                                  /* U+FFFF, the last kept */
	T("nul\0byte", "must not contain a NUL byte"),
	T("\0", "must not contain a NUL byte"),
	T("emoji \xf0\x9f\x98\x80", "must not contain emoji"),   /* U+1F600 */
	T("\xf0\x9d\x84\x9e", "must not contain emoji"),          /* U+1D11E */
	T("\xf4\x8f\xbf\xbf", "must not contain emoji"),          /* U+10FFFF */
	T("\xff", "must be UTF-8 text"),
	T("\xf5\x80\x80\x80", "must be UTF-8 text"),              /* beyond U+10FFFF */
	T("\xc0\xaf", "must be UTF-8 text"),                      /* overlong "/" */
	T("\xe0\x80\xaf", "must be UTF-8 text"),                  /* overlong "/" */
	T("\xed\xa0\x80", "must be UTF-8 text"),                  /* U+D800, a surrogate */
	T("\x80", "must be UTF-8 text"),                          /* a lone continuation */
	T("cut \xc3", "must be UTF-8 text"),                      /* truncated at the end */
	T("cut \xe4\xb8", "must be UTF-8 text"),
	T("\xc3(", "must be UTF-8 text"),
};

static void table(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = puq_text_problem(cases[i].bytes, cases[i].len);
		if (!cases[i].problem) {
			if (got)
				fail_msg("case %zu: kept text refused: %s", i, got);
		} else if (!got || strncmp(got, cases[i].problem, strlen(cases[i].problem)) != 0) {
			fail_msg("case %zu: expected \"%s...\", got %s", i, cases[i].problem,
				got ? got : "(kept)");
		}
	}
}

static void the_length_counts_not_the_terminator(void **state)
{
	/* a value is its bytes: the check never stops at a NUL or reads past len */
	assert_non_null(puq_text_problem("ab\0cd", 5));
	assert_null(puq_text_problem("ab\0cd", 2));
	assert_non_null(puq_text_problem("\xc3\xa9", 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(the_length_counts_not_the_terminator),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
