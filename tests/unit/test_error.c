/* The error table and struct puq_error (src/base/error.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/error.h"

static void set_returns_negative_code_and_formats(void **state)
{
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_error_set(&err, PUQ_ENOTFOUND, "pool %d not found", 7),
		-PUQ_ENOTFOUND);
	assert_int_equal(err.code, PUQ_ENOTFOUND);
	assert_string_equal(err.text, "pool 7 not found");
	assert_int_equal(puq_error_set(&err, PUQ_EDB, NULL), -PUQ_EDB);
	assert_string_equal(err.text, "database error");
	assert_int_equal(puq_error_set(NULL, PUQ_EDB, "x"), -PUQ_EDB);
}

static void table_lookups(void **state)
{
	assert_string_equal(puq_error_name(PUQ_EVALIDATION), "PUQ_EVALIDATION");
	assert_string_equal(puq_error_name(-PUQ_EVALIDATION), "PUQ_EVALIDATION");
	assert_int_equal(puq_error_category(PUQ_ESCHEMA), PUQ_CAT_SCHEMA);
	assert_string_equal(puq_error_category_class(PUQ_CAT_PROXMOX), "ProxmoxException");
	assert_string_equal(puq_error_name(12345), "PUQ_EUNKNOWN");
	assert_int_equal(puq_error_category(12345), PUQ_CAT_GENERIC);
}

static void fields_collect_every_problem_once(void **state)
{
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_error_field(&err, "vlan", "must be 0-4094"), -PUQ_EVALIDATION);
	assert_string_equal(err.text, "validation failed: vlan: must be 0-4094");
	puq_error_field(&err, "gateway", "not an IPv4 address");
	puq_error_field(&err, "vlan", "second message is ignored");
	assert_int_equal(err.code, PUQ_EVALIDATION);
	assert_int_equal(err.nfields, 2);
	assert_string_equal(puq_error_field_message(&err, "vlan"), "must be 0-4094");
	assert_string_equal(puq_error_field_message(&err, "gateway"), "not an IPv4 address");
	assert_null(puq_error_field_message(&err, "mask"));
	assert_string_equal(err.text, "validation failed in 2 fields");
}

static void fields_overflow_into_text(void **state)
{
	struct puq_error err;
	char name[16];
	puq_error_clear(&err);
	for (int i = 0; i < PUQ_FIELD_ERRORS_MAX + 2; i++) {
		snprintf(name, sizeof(name), "f%d", i);
		puq_error_field(&err, name, "bad");
	}
	assert_int_equal(err.nfields, PUQ_FIELD_ERRORS_MAX);
	assert_non_null(strstr(err.text, "f25: bad"));
}

static void prefix_adds_context_and_truncates(void **state)
{
	struct puq_error err;
	puq_error_clear(&err);
	puq_error_set(&err, PUQ_EHTTP, "connection refused");
	puq_error_prefix(&err, "server %s", "pve1");
	assert_string_equal(err.text, "server pve1: connection refused");

	memset(err.text, 'x', sizeof(err.text) - 1);
	err.text[sizeof(err.text) - 1] = '\0';
	puq_error_prefix(&err, "ctx");
	assert_int_equal(strlen(err.text), sizeof(err.text) - 1);
	assert_memory_equal(err.text, "ctx: xxx", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_returns_negative_code_and_formats),
		cmocka_unit_test(table_lookups),
		cmocka_unit_test(fields_collect_every_problem_once),
		cmocka_unit_test(fields_overflow_into_text),
		cmocka_unit_test(prefix_adds_context_and_truncates),
	};
	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
