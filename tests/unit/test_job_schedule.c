/*
 * Weekly schedules (src/job/schedule.c), pure: the stored form read and written, a
 * client's grid validated field by field, and the slot that is due - before and after
 * its minute, across midnight and the week's end, once per slot, up to the grace late -
 * plus the next slot shown to the client and the local-time texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "puqkvm/job.h"

/* A local epoch from "YYYY-MM-DD HH:MM". */
static long long t(const char *text)
{
	long long v = puq_local_parse(text);
	assert_true(v > 0);
	return v;
}

static void test_stored_form(void **state)
{
	struct puq_schedule s;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_schedule_parse("{\"0\":\"07:00\",\"3\":\"3:05\"}", &s, &err), 0);
	assert_int_equal(s.minute[0], 7 * 60);
	assert_int_equal(s.minute[3], 3 * 60 + 5);
	assert_int_equal(s.minute[1], -1);
	json_t *j = puq_schedule_to_json(&s);
	char *text = json_dumps(j, JSON_COMPACT);
	assert_string_equal(text, "{\"0\":\"07:00\",\"3\":\"03:05\"}");
	free(text);
	json_decref(j);
	/* empty forms */
	assert_int_equal(puq_schedule_parse(NULL, &s, &err), 0);
	assert_true(puq_schedule_empty(&s));
	assert_int_equal(puq_schedule_parse("{}", &s, &err), 0);
	assert_true(puq_schedule_empty(&s));
	/* a damaged value reads as empty and says why, so the cron goes on */
	assert_int_equal(puq_schedule_parse("{\"9\":\"07:00\"}", &s, &err), -PUQ_EPARSE);
	assert_true(puq_schedule_empty(&s));
	puq_error_clear(&err);
	assert_int_equal(puq_schedule_parse("[1,2]", &s, &err), -PUQ_EPARSE);
	puq_error_clear(&err);
	assert_int_equal(puq_schedule_parse("{\"1\":\"24:00\"}", &s, &err), -PUQ_EPARSE);
}

static void test_client_grid(void **state)
{
	struct puq_schedule s;
	struct puq_error err;
	puq_error_clear(&err);
	json_t *in = json_pack("{s:s,s:s,s:n}", "1", "23:59", "2", "", "3");
	assert_int_equal(puq_schedule_from_json(in, &s, &err), 0);
	assert_int_equal(s.minute[1], 23 * 60 + 59);
	assert_int_equal(s.minute[2], -1);
	assert_int_equal(s.minute[3], -1);
	json_decref(in);
	/* every bad day reported, nothing taken */
	in = json_pack("{s:s,s:s,s:i,s:s}", "0", "25:00", "6", "7:5", "4", 5, "x", "01:00");
	struct puq_schedule before = s;
	assert_int_equal(puq_schedule_from_json(in, &s, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "schedule.0"));
	assert_non_null(puq_error_field_message(&err, "schedule.6"));
	assert_non_null(puq_error_field_message(&err, "schedule.4"));
	assert_non_null(puq_error_field_message(&err, "schedule"));
	assert_memory_equal(&s, &before, sizeof(s));
	json_decref(in);
	puq_error_clear(&err);
	in = json_array();
	assert_int_equal(puq_schedule_from_json(in, &s, &err), -PUQ_EVALIDATION);
	json_decref(in);
}

static void test_due_slots(void **state)
{
	struct puq_schedule s;
	puq_schedule_init(&s);
	s.minute[6] = 23 * 60 + 50; /* Saturday 23:50 */
	s.minute[0] = 30;           /* Sunday 00:30 */
	long long grace = PUQ_SCHEDULE_GRACE_S;
	/* 2025-01-04 is a Saturday */
	/* the latest slot before 23:49 Saturday is last Sunday 00:30: too old for the grace */
	assert_int_equal(puq_schedule_due(&s, t("2025-01-04 23:49"), 0, grace), 0);
	/* at the minute and after it */
	assert_int_equal(puq_schedule_due(&s, t("2025-01-04 23:50"), 0, grace), t("2025-01-04 23:50"));
	assert_int_equal(puq_schedule_due(&s, t("2025-01-04 23:59"), 0, grace), t("2025-01-04 23:50"));
	/* after midnight and across the week's end the slot keeps its own date */
	assert_int_equal(puq_schedule_due(&s, t("2025-01-05 00:10"), 0, grace), t("2025-01-04 23:50"));
	/* once per slot */
	assert_int_equal(puq_schedule_due(&s, t("2025-01-05 00:10"), t("2025-01-04 23:50"), grace), 0);
	/* Sunday's own slot follows */
	assert_int_equal(puq_schedule_due(&s, t("2025-01-05 00:30"), t("2025-01-04 23:50"), grace),
		t("2025-01-05 00:30"));
	/* a slot missed for longer than the grace is skipped */
	assert_int_equal(puq_schedule_due(&s, t("2025-01-05 12:31"), t("2025-01-04 23:50"), grace), 0);
	assert_int_equal(puq_schedule_due(&s, t("2025-01-05 12:30"), t("2025-01-04 23:50"), grace),
		t("2025-01-05 00:30"));
	/* an empty schedule is never due */
	puq_schedule_init(&s);
	assert_int_equal(puq_schedule_due(&s, t("2025-01-05 00:30"), 0, grace), 0);
	assert_int_equal(puq_schedule_next(&s, t("2025-01-05 00:30")), 0);
}

static void test_next_and_texts(void **state)
{
	struct puq_schedule s;
	char out[20];
	puq_schedule_init(&s);
	s.minute[1] = 2 * 60; /* Monday 02:00 */
	assert_int_equal(puq_schedule_next(&s, t("2025-01-05 23:00")), t("2025-01-06 02:00"));
	assert_int_equal(puq_schedule_next(&s, t("2025-01-06 02:00")), t("2025-01-13 02:00"));
	puq_local_format(t("2025-12-31 23:59"), out);
	assert_string_equal(out, "2025-12-31 23:59:00");
	assert_int_equal(puq_local_parse(NULL), 0);
	assert_int_equal(puq_local_parse("0000-00-00 00:00:00"), 0); /* WHMCS's zero date */
	assert_int_equal(puq_local_parse("garbage"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stored_form),
		cmocka_unit_test(test_client_grid),
		cmocka_unit_test(test_due_slots),
		cmocka_unit_test(test_next_and_texts),
	};
	return cmocka_run_group_tests_name("job_schedule", tests, NULL, NULL);
}
