/*
 * The HestiaCP driver (src/dns/hestia.c): list-then-diff, adds before deletes, exit
 * codes with returncode=yes, credentials in the form (never in what is logged), and the
 * Test button. Responses: tests/fixtures/dns/hestiacp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "dns_fixture.h"

static const struct puq_dns_endpoint ep = {5000, NULL, NULL};

static void answer_text(struct puq_dns_job *job, struct puq_dns_calls *calls, long status,
	const char *text)
{
	struct puq_http_response r = {0};
	r.status = status;
	r.body = (char *)text;
	r.body_len = strlen(text);
	job->driver->interpret(job, &calls->items[0], &r);
}

static const char *form(const struct puq_dns_call *call, const char *key)
{
	static char value[256];
	if (!dns_test_form(call->req, key, value, sizeof(value)))
		return NULL;
	return value;
}

/*
 * The zone has PTRs at .10 (old content), .11 (ours, right) and .99 (foreign). We want
 * .10 -> vm10, .11 unchanged, .12 new, and .13 removed (absent already).
 */
static void list_then_diff(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_HESTIACP, "2.0.192.in-addr.arpa");
	static const struct dns_test_change ch[] = {
		{PUQ_DNS_PTR, "10.2.0.192.in-addr.arpa", "vm10.example.com"},
		{PUQ_DNS_PTR, "11.2.0.192.in-addr.arpa", "vm11.example.com"},
		{PUQ_DNS_PTR, "12.2.0.192.in-addr.arpa", "vm12.example.com"},
		{PUQ_DNS_PTR, "13.2.0.192.in-addr.arpa", NULL},
	};
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ch, 4);
	struct puq_dns_calls calls = {0};

	dns_test_next(&job, &calls, 1);
	const struct puq_dns_call *c = &calls.items[0];
	assert_string_equal(c->req->method, "POST");
	assert_string_equal(c->req->url, "https://hestia.test:8083/api/");
	assert_string_equal(form(c, "cmd"), "v-list-dns-records");
	assert_string_equal(form(c, "arg1"), "client1");
	assert_string_equal(form(c, "arg2"), "2.0.192.in-addr.arpa");
	assert_string_equal(form(c, "arg3"), "json");
	assert_string_equal(form(c, "returncode"), "no");
	assert_string_equal(form(c, "user"), "admin");
	assert_string_equal(form(c, "password"), "hestia-secret-password");
	dns_test_answer(&job, &calls, 0, 200, "hestiacp/list_records_200.json");
	/* .11 is right already and .13 is not there: done without a command */
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.results[3].state, PUQ_DNS_DONE_OK);

	/* adds first: .10's new content, then .12 */
	dns_test_next(&job, &calls, 1);
	c = &calls.items[0];
	assert_string_equal(form(c, "cmd"), "v-add-dns-record");
	assert_string_equal(form(c, "returncode"), "yes");
	assert_string_equal(form(c, "arg3"), "10");
	assert_string_equal(form(c, "arg4"), "PTR");
	assert_string_equal(form(c, "arg5"), "vm10.example.com");
	assert_string_equal(form(c, "arg8"), "no"); /* not the last command: no reload */
	assert_string_equal(form(c, "arg9"), "3600");
	answer_text(&job, &calls, 200, "0");
	assert_int_equal(job.results[0].state, PUQ_DNS_PENDING); /* its old record remains */

	dns_test_next(&job, &calls, 1);
	c = &calls.items[0];
	assert_string_equal(form(c, "cmd"), "v-add-dns-record");
	assert_string_equal(form(c, "arg3"), "12");
	answer_text(&job, &calls, 200, "0\n");
	assert_int_equal(job.results[2].state, PUQ_DNS_DONE_OK);

	/* then the delete of .10's old record (ID 22); the last command reloads DNS */
	dns_test_next(&job, &calls, 1);
	c = &calls.items[0];
	assert_string_equal(form(c, "cmd"), "v-delete-dns-record");
	assert_string_equal(form(c, "arg3"), "22");
	assert_string_equal(form(c, "arg4"), "yes");
	answer_text(&job, &calls, 200, "0");
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_OK);
	dns_test_next(&job, &calls, 0);
	assert_true(puq_dns_job_all_done(&job));
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* A failed add keeps the old records (no delete is sent); codes 4 and 3 are fine. */
static void exit_codes(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_HESTIACP, "2.0.192.in-addr.arpa");
	static const struct dns_test_change ch2[] = {
		{PUQ_DNS_PTR, "10.2.0.192.in-addr.arpa", "vm10.example.com"},
		{PUQ_DNS_PTR, "12.2.0.192.in-addr.arpa", "vm12.example.com"},
		{PUQ_DNS_PTR, "11.2.0.192.in-addr.arpa", NULL},
	};
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ch2, 3);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);
	dns_test_answer(&job, &calls, 0, 200, "hestiacp/list_records_200.json");
	dns_test_next(&job, &calls, 1); /* add .10 */
	answer_text(&job, &calls, 200, "2"); /* E_INVALID */
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_ERR);
	assert_non_null(strstr(job.results[0].message, "exit code 2 (E_INVALID"));
	assert_null(strstr(job.results[0].request, "hestia-secret-password"));
	assert_non_null(strstr(job.results[0].request, "password=***"));
	dns_test_next(&job, &calls, 1); /* add .12 */
	assert_string_equal(form(&calls.items[0], "arg3"), "12");
	answer_text(&job, &calls, 200, "4"); /* E_EXISTS: there already */
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_OK);
	dns_test_next(&job, &calls, 1); /* delete .11 (ID 23); .10's old record is kept */
	assert_string_equal(form(&calls.items[0], "cmd"), "v-delete-dns-record");
	assert_string_equal(form(&calls.items[0], "arg3"), "23");
	answer_text(&job, &calls, 200, "3"); /* E_NOTEXIST: gone already */
	assert_int_equal(job.results[2].state, PUQ_DNS_DONE_OK);
	dns_test_next(&job, &calls, 0);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

static void zone_wide_failures(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_HESTIACP, "2.0.192.in-addr.arpa");
	static const struct dns_test_change ch[] = {
		{PUQ_DNS_PTR, "10.2.0.192.in-addr.arpa", "vm10.example.com"},
		{PUQ_DNS_PTR, "12.2.0.192.in-addr.arpa", "vm12.example.com"},
	};
	struct {
		long status;
		const char *file;
		const char *expect;
	} cases[] = {
		{401, "hestiacp/auth_401_ip.txt", "IP is not allowed to connect with API"},
		{400, "hestiacp/list_records_400_e_notexist.txt", "doesn't exist"},
		/* legacy mode answers 200 with the error text */
		{200, "hestiacp/list_records_400_e_notexist.txt", "doesn't exist"},
	};
	for (size_t k = 0; k < PUQ_ARRAY_LEN(cases); k++) {
		struct puq_dns_job job;
		dns_test_job(&job, &zone, &ep, ch, 2);
		struct puq_dns_calls calls = {0};
		dns_test_next(&job, &calls, 1);
		dns_test_answer(&job, &calls, 0, cases[k].status, cases[k].file);
		for (size_t i = 0; i < 2; i++)
			if (job.results[i].state != PUQ_DNS_DONE_ERR ||
				!strstr(job.results[i].message, cases[k].expect))
				fail_msg("case %zu: %s", k, job.results[i].message);
		dns_test_next(&job, &calls, 0);
		puq_dns_calls_free(&calls);
		puq_dns_job_free(&job);
	}
	/* wrong credentials on a command (exit 9) stop the zone too */
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ch, 2);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);
	dns_test_answer(&job, &calls, 0, 200, "hestiacp/list_records_200.json");
	dns_test_next(&job, &calls, 1);
	answer_text(&job, &calls, 200, "9");
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_ERR);
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_ERR);
	assert_non_null(strstr(job.results[1].message, "E_PASSWORD"));
	dns_test_next(&job, &calls, 0);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* An access key in the password field is sent as hash=, not as user/password. */
static void access_key_mode(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_HESTIACP, "2.0.192.in-addr.arpa");
	puq_dns_zone_set(&zone, PUQ_DNS_ZF_ADMIN_PASSWORD,
		"AK7G2F9Q1LMNB8XZ3C4V:Zr8aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	struct puq_http_request *req = puq_dns_driver_hestiacp.test_request(&zone, &ep);
	struct puq_dns_call call = {.req = req};
	assert_string_equal(form(&call, "hash"),
		"AK7G2F9Q1LMNB8XZ3C4V:Zr8aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	assert_null(form(&call, "password"));
	assert_string_equal(form(&call, "cmd"), "v-list-dns-domains");
	assert_string_equal(form(&call, "arg1"), "client1");
	puq_http_request_free(req);
	puq_dns_zone_free(&zone);
}

static void test_button(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_HESTIACP, "2.0.192.in-addr.arpa");
	struct puq_dns_test_result res;
	memset(&res, 0, sizeof(res));
	struct puq_http_response *r = dns_test_response(200, "hestiacp/list_domains_200.json");
	puq_dns_driver_hestiacp.test_interpret(&zone, r, &res);
	assert_true(res.ok);
	assert_string_equal(res.message, "zone 2.0.192.in-addr.arpa found (21 records)");
	puq_dns_zone_set(&zone, PUQ_DNS_ZF_ZONE, "3.0.192.in-addr.arpa");
	puq_dns_driver_hestiacp.test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "has no DNS domain 3.0.192.in-addr.arpa"));
	dns_test_response_free(r);
	r = dns_test_response(400, "hestiacp/list_domains_400_user.txt");
	puq_dns_driver_hestiacp.test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_string_equal(res.message, "HestiaCP: Error: user bob doesn't exist (HTTP 400)");
	dns_test_response_free(r);
	puq_dns_zone_free(&zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_then_diff),
		cmocka_unit_test(exit_codes),
		cmocka_unit_test(zone_wide_failures),
		cmocka_unit_test(access_key_mode),
		cmocka_unit_test(test_button),
	};
	return cmocka_run_group_tests_name("dns_hestia", tests, NULL, NULL);
}
