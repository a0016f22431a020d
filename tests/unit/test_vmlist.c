/*
 * Unit tests of the vmlist room's pure parts: the buttons each status shows on a row,
 * the sort names and the default query.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "puqkvm/vmlist.h"

static void test_rules(void **state)
{
	(void)state;
	struct puq_vmlist_rules r;
	static const struct {
		const char *status;
		bool redeploy, del;
	} cases[] = {
		{"ready", false, false}, {"clone", true, false}, {"creation", true, false},
		{"error_terminate", true, true}, {"remove", true, true}, {"terminate", true, false},
		{"", true, false}, {NULL, true, false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		puq_vmlist_rules_for(cases[i].status, &r);
		assert_int_equal(r.redeploy, cases[i].redeploy);
		assert_int_equal(r.delete_record, cases[i].del);
		assert_true(r.reset && r.log && r.record);
	}
}

static void test_sorts(void **state)
{
	(void)state;
	enum puq_vmlist_sort s;
	for (int i = 0; i < PUQ_VMLIST_SORT__COUNT; i++) {
		assert_int_equal(puq_vmlist_sort_parse(puq_vmlist_sort_name((enum puq_vmlist_sort)i), &s), 0);
		assert_int_equal((int)s, i);
	}
	assert_int_equal(puq_vmlist_sort_parse("colour", &s), -PUQ_EINVAL);
	assert_int_equal(puq_vmlist_sort_parse(NULL, &s), -PUQ_EINVAL);
	struct puq_vmlist_query q;
	puq_vmlist_query_init(&q);
	assert_int_equal(q.sort, PUQ_VMLIST_SORT_ID);
	assert_true(q.desc);
	assert_int_equal(q.limit, PUQ_VMLIST_PAGE_DEFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_sorts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
