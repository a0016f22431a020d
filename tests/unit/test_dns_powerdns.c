/*
 * The PowerDNS driver (src/dns/powerdns.c): the PATCH it builds and how it reads
 * PowerDNS 4.7's answers, recorded from the real server (tests/fixtures/dns/powerdns).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "dns_fixture.h"

static const struct puq_dns_endpoint ep = {5000, NULL, NULL};

static const struct dns_test_change forward[] = {
	{PUQ_DNS_A, "vm1.example.com", "192.0.2.10"},
	{PUQ_DNS_AAAA, "vm1.example.com", "2001:db8::10"},
	{PUQ_DNS_A, "gone.example.com", NULL},
};

static void one_patch_with_every_rrset(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "example.com");
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, forward, 3);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);

	const struct puq_http_request *req = calls.items[0].req;
	assert_string_equal(req->method, "PATCH");
	assert_string_equal(req->url,
		"http://pdns.test:8081/api/v1/servers/localhost/zones/example.com.");
	assert_string_equal(dns_test_header(req, "X-API-Key"), "pdns-secret-api-key");
	assert_string_equal(dns_test_header(req, "Accept"), "application/json");
	assert_int_equal(req->timeout_ms, 5000);

	json_t *body = dns_test_body_json(&calls.items[0]);
	json_t *rrsets = json_object_get(body, "rrsets");
	assert_int_equal(json_array_size(rrsets), 3);
	json_t *a = json_array_get(rrsets, 0);
	assert_string_equal(puq_json_str(a, "name"), "vm1.example.com.");
	assert_string_equal(puq_json_str(a, "type"), "A");
	assert_string_equal(puq_json_str(a, "changetype"), "REPLACE");
	long long ttl = 0;
	assert_true(puq_json_int(a, "ttl", &ttl));
	assert_int_equal(ttl, 3600);
	json_t *rec = json_array_get(json_object_get(a, "records"), 0);
	assert_string_equal(puq_json_str(rec, "content"), "192.0.2.10");
	assert_false(puq_json_bool(rec, "disabled", true));
	json_t *comment = json_array_get(json_object_get(a, "comments"), 0);
	assert_string_equal(puq_json_str(comment, "account"), "puqkvm");
	json_t *del = json_array_get(rrsets, 2);
	assert_string_equal(puq_json_str(del, "changetype"), "DELETE");
	assert_null(json_object_get(del, "records"));
	json_decref(body);

	dns_test_answer(&job, &calls, 0, 204, NULL);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(job.results[i].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.nresolved, 3);
	dns_test_next(&job, &calls, 0);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

static void ptr_content_is_absolute_and_ids_are_escaped(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "0/26.2.0.192.in-addr.arpa");
	puq_dns_zone_set(&zone, PUQ_DNS_ZF_SERVER_URL, "https://pdns.test/api/v1");
	static const struct dns_test_change ptr[] = {
		{PUQ_DNS_PTR, "10.0/26.2.0.192.in-addr.arpa", "vm1.example.com"},
	};
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ptr, 1);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);
	assert_string_equal(calls.items[0].req->url,
		"https://pdns.test/api/v1/servers/localhost/zones/0=2F26.2.0.192.in-addr.arpa.");
	json_t *body = dns_test_body_json(&calls.items[0]);
	json_t *rr = json_array_get(json_object_get(body, "rrsets"), 0);
	json_t *rec = json_array_get(json_object_get(rr, "records"), 0);
	assert_string_equal(puq_json_str(rec, "content"), "vm1.example.com.");
	json_decref(body);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);

	/* a URL naming the server is used as it is */
	puq_dns_zone_set(&zone, PUQ_DNS_ZF_SERVER_URL, "https://pdns.test/api/v1/servers/ns1");
	dns_test_job(&job, &zone, &ep, ptr, 1);
	dns_test_next(&job, &calls, 1);
	assert_string_equal(calls.items[0].req->url,
		"https://pdns.test/api/v1/servers/ns1/zones/0=2F26.2.0.192.in-addr.arpa.");
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* A refused PATCH is halved until the bad RRset stands alone; the others are applied. */
static void bad_rrset_isolated(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "example.com");
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, forward, 3);
	struct puq_dns_calls calls = {0};

	dns_test_next(&job, &calls, 1); /* [0, 3) */
	dns_test_answer(&job, &calls, 0, 422, "powerdns/patch_422_bad_a.json");
	assert_int_equal(job.nresolved, 0);
	dns_test_next(&job, &calls, 1); /* [0, 1) */
	assert_int_equal(calls.items[0].lo, 0);
	assert_int_equal(calls.items[0].hi, 1);
	dns_test_answer(&job, &calls, 0, 204, NULL);
	dns_test_next(&job, &calls, 1); /* [1, 3) */
	dns_test_answer(&job, &calls, 0, 422, "powerdns/patch_422_bad_a.json");
	dns_test_next(&job, &calls, 1); /* [1, 2) */
	dns_test_answer(&job, &calls, 0, 204, NULL);
	dns_test_next(&job, &calls, 1); /* [2, 3) */
	json_t *body = dns_test_body_json(&calls.items[0]);
	assert_int_equal(json_array_size(json_object_get(body, "rrsets")), 1);
	json_decref(body);
	dns_test_answer(&job, &calls, 0, 422, "powerdns/patch_422_bad_a.json");
	dns_test_next(&job, &calls, 0);

	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.results[2].state, PUQ_DNS_DONE_ERR);
	assert_int_equal(job.results[2].http_status, 422);
	assert_non_null(strstr(job.results[2].message, "Parsing record content"));
	/* the request kept for the module log names the zone but never the key */
	assert_non_null(strstr(job.results[2].request, "PATCH"));
	assert_null(strstr(job.results[2].request, "pdns-secret-api-key"));
	assert_non_null(strstr(job.results[2].response, "not-an-ip"));
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* 401, 404 and transport failures fail the whole zone at once and stop. */
static void zone_wide_failures(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "example.com");
	struct {
		long status;
		const char *file;
		const char *expect;
	} cases[] = {
		{401, "powerdns/patch_401.json", "refused the API key"},
		{404, "powerdns/patch_404.json", "does not exist on the PowerDNS server"},
		{0, NULL, "unreachable: timed out"},
	};
	for (size_t c = 0; c < PUQ_ARRAY_LEN(cases); c++) {
		struct puq_dns_job job;
		dns_test_job(&job, &zone, &ep, forward, 3);
		struct puq_dns_calls calls = {0};
		dns_test_next(&job, &calls, 1);
		if (cases[c].status) {
			dns_test_answer(&job, &calls, 0, cases[c].status, cases[c].file);
		} else {
			struct puq_http_response *r = dns_test_failure(PUQ_ETIMEOUT, "Operation timed out");
			job.driver->interpret(&job, &calls.items[0], r);
			dns_test_response_free(r);
		}
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(job.results[i].state, PUQ_DNS_DONE_ERR);
			if (!strstr(job.results[i].message, cases[c].expect))
				fail_msg("case %zu: %s", c, job.results[i].message);
		}
		dns_test_next(&job, &calls, 0);
		puq_dns_calls_free(&calls);
		puq_dns_job_free(&job);
	}
	puq_dns_zone_free(&zone);
}

/* A 5xx (SQLite's "database is locked") wrote nothing: the batch is sent again. */
static void server_errors_retried(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "example.com");
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, forward, 3);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);
	dns_test_answer(&job, &calls, 0, 500, NULL);
	dns_test_next(&job, &calls, 1);
	assert_int_equal(calls.items[0].hi - calls.items[0].lo, 3);
	dns_test_answer(&job, &calls, 0, 204, NULL);
	assert_true(puq_dns_job_all_done(&job));
	assert_int_equal(job.results[2].state, PUQ_DNS_DONE_OK);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);

	/* but not forever: eight times, enough for several cron workers writing at once */
	dns_test_job(&job, &zone, &ep, forward, 3);
	for (int i = 0; i < 9; i++) {
		dns_test_next(&job, &calls, 1);
		dns_test_answer(&job, &calls, 0, 500, NULL);
	}
	dns_test_next(&job, &calls, 0);
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_ERR);
	assert_non_null(strstr(job.results[0].message, "PowerDNS error HTTP 500"));
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

static void big_syncs_are_batched(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "example.com");
	enum { N = 2500 };
	static struct dns_test_change many[N];
	static char names[N][32];
	for (int i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "vm%d.example.com", i);
		many[i] = (struct dns_test_change){PUQ_DNS_A, names[i], "192.0.2.1"};
	}
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, many, N);
	struct puq_dns_calls calls = {0};
	size_t patches = 0;
	for (;;) {
		puq_dns_calls_free(&calls);
		assert_int_equal(job.driver->next(&job, &calls), 0);
		if (calls.count == 0)
			break;
		patches++;
		dns_test_answer(&job, &calls, 0, 204, NULL);
	}
	assert_int_equal(patches, 3); /* 1000 + 1000 + 500 */
	assert_true(puq_dns_job_all_done(&job));
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

static void test_button(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_POWERDNS, "fixture.example");
	const struct puq_dns_driver *d = &puq_dns_driver_powerdns;
	struct puq_http_request *req = d->test_request(&zone, &ep);
	assert_string_equal(req->method, "GET");
	assert_string_equal(req->url, "http://pdns.test:8081/api/v1/servers/localhost/zones/"
	                              "fixture.example.?rrsets=false");
	puq_http_request_free(req);

	struct puq_dns_test_result res;
	struct puq_http_response *r = dns_test_response(200, "powerdns/zone_get_200.json");
	memset(&res, 0, sizeof(res));
	d->test_interpret(&zone, r, &res);
	assert_true(res.ok);
	assert_string_equal(res.message, "zone fixture.example. found (Native, serial 2026112501)");
	dns_test_response_free(r);

	r = dns_test_response(401, "powerdns/zone_get_401.json");
	d->test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_int_equal(res.http_status, 401);
	assert_non_null(strstr(res.message, "refused the API key"));
	dns_test_response_free(r);

	r = dns_test_response(404, "powerdns/zone_get_404.json");
	d->test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "does not exist"));
	dns_test_response_free(r);

	/* the zone the server returned must be the zone configured */
	puq_dns_zone_set(&zone, PUQ_DNS_ZF_ZONE, "other.example");
	r = dns_test_response(200, "powerdns/zone_get_200.json");
	d->test_interpret(&zone, r, &res);
	assert_false(res.ok);
	dns_test_response_free(r);
	puq_dns_zone_free(&zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_patch_with_every_rrset),
		cmocka_unit_test(ptr_content_is_absolute_and_ids_are_escaped),
		cmocka_unit_test(bad_rrset_isolated),
		cmocka_unit_test(zone_wide_failures),
		cmocka_unit_test(server_errors_retried),
		cmocka_unit_test(big_syncs_are_batched),
		cmocka_unit_test(test_button),
	};
	return cmocka_run_group_tests_name("dns_powerdns", tests, NULL, NULL);
}
