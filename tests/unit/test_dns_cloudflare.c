/*
 * The Cloudflare driver (src/dns/cloudflare.c): look-ups by name and by listing with
 * pagination, the batch it builds, isolation of a refused record, the envelope's error
 * codes, and the Test button. Responses: tests/fixtures/dns/cloudflare.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "dns_fixture.h"

static const struct puq_dns_endpoint ep = {5000, "http://cf.test/client/v4", NULL};

#define ZONE_URL "http://cf.test/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353"

static void answer_failure(struct puq_dns_job *job, struct puq_dns_calls *calls, size_t i)
{
	struct puq_http_response *r = dns_test_failure(PUQ_EHTTP, "Connection refused");
	job->driver->interpret(job, &calls->items[i], r);
	dns_test_response_free(r);
}

/* Few names: one look-up per name; a wrong A is patched in place, the AAAA posted. */
static void lookup_by_name_then_batch(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_CLOUDFLARE, "example.com");
	static const struct dns_test_change ch[] = {
		{PUQ_DNS_A, "vm1.example.com", "192.0.2.10"},
		{PUQ_DNS_AAAA, "vm1.example.com", "2001:db8::10"},
	};
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ch, 2);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1); /* one name, one look-up */
	const struct puq_http_request *req = calls.items[0].req;
	assert_string_equal(req->method, "GET");
	assert_string_equal(req->url, ZONE_URL "/dns_records?name=vm1.example.com&per_page=5000&page=1");
	assert_string_equal(dns_test_header(req, "Authorization"), "Bearer cf-secret-token-0123456789");
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/records_by_name_200.json");

	dns_test_next(&job, &calls, 1);
	req = calls.items[0].req;
	assert_string_equal(req->method, "POST");
	assert_string_equal(req->url, ZONE_URL "/dns_records/batch");
	json_t *body = dns_test_body_json(&calls.items[0]);
	assert_null(json_object_get(body, "deletes")); /* the TXT at that name is not ours */
	json_t *patch = json_array_get(json_object_get(body, "patches"), 0);
	assert_string_equal(puq_json_str(patch, "id"), "372e67954025e0ba6aaa6d586b9e0b59");
	assert_string_equal(puq_json_str(patch, "content"), "192.0.2.10");
	assert_non_null(strstr(puq_json_str(patch, "comment"), "puqkvm"));
	json_t *post = json_array_get(json_object_get(body, "posts"), 0);
	assert_string_equal(puq_json_str(post, "type"), "AAAA");
	assert_string_equal(puq_json_str(post, "name"), "vm1.example.com");
	assert_string_equal(puq_json_str(post, "content"), "2001:db8::10");
	long long ttl = 0;
	assert_true(puq_json_int(post, "ttl", &ttl));
	assert_int_equal(ttl, 1);
	assert_false(puq_json_bool(post, "proxied", true));
	assert_int_equal(json_array_size(json_object_get(body, "posts")), 1);
	json_decref(body);

	dns_test_answer(&job, &calls, 0, 200, "cloudflare/batch_200.json");
	assert_true(puq_dns_job_all_done(&job));
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_OK);
	dns_test_next(&job, &calls, 0);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* Many names: the zone's PTRs are listed page by page; foreign records are untouched. */
static void listing_with_pagination(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_CLOUDFLARE, "2.0.192.in-addr.arpa");
	static char names[12][40], hosts[12][40];
	struct dns_test_change ch[12];
	for (int i = 0; i < 11; i++) {
		snprintf(names[i], sizeof(names[i]), "%d.2.0.192.in-addr.arpa", 10 + i);
		snprintf(hosts[i], sizeof(hosts[i]), "vm%d.example.com", 10 + i);
		ch[i] = (struct dns_test_change){PUQ_DNS_PTR, names[i], hosts[i]};
	}
	ch[1].content = NULL; /* 11: a removal of a record that is not there */
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ch, 11);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);
	assert_string_equal(calls.items[0].req->url,
		ZONE_URL "/dns_records?type=PTR&per_page=5000&page=1");
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/records_ptr_page1_200.json");
	dns_test_next(&job, &calls, 1);
	assert_string_equal(calls.items[0].req->url,
		ZONE_URL "/dns_records?type=PTR&per_page=5000&page=2");
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/records_ptr_page2_200.json");

	dns_test_next(&job, &calls, 1);
	/* 12 exists with the right content and 11 is absent already: done without the batch */
	assert_int_equal(job.results[2].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_OK);
	json_t *body = dns_test_body_json(&calls.items[0]);
	char *text = json_dumps(body, 0);
	assert_null(strstr(text, "22222222222222222222222222222222")); /* foreign PTR at .99 */
	assert_null(json_object_get(body, "deletes"));
	json_t *patches = json_object_get(body, "patches");
	assert_int_equal(json_array_size(patches), 1);
	assert_string_equal(puq_json_str(json_array_get(patches, 0), "id"),
		"11111111111111111111111111111111");
	assert_string_equal(puq_json_str(json_array_get(patches, 0), "content"), "vm10.example.com");
	json_t *posts = json_object_get(body, "posts");
	assert_int_equal(json_array_size(posts), 8); /* 13 .. 20 */
	assert_null(json_object_get(json_array_get(posts, 0), "proxied")); /* not for PTR */
	free(text);
	json_decref(body);
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/batch_200.json");
	assert_true(puq_dns_job_all_done(&job));
	for (size_t i = 0; i < 11; i++)
		assert_int_equal(job.results[i].state, PUQ_DNS_DONE_OK);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* A refused batch is halved until the refused RRset stands alone. */
static void bad_record_isolated(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_CLOUDFLARE, "example.com");
	static const struct dns_test_change ch[] = {
		{PUQ_DNS_A, "a.example.com", "192.0.2.1"},
		{PUQ_DNS_A, "b.example.com", "192.0.2.2"},
		{PUQ_DNS_A, "c.example.com", "192.0.2.3"},
	};
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, ch, 3);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 3); /* three names, looked up at once */
	for (size_t i = 0; i < 3; i++)
		dns_test_answer(&job, &calls, i, 200, "cloudflare/records_empty_200.json");
	dns_test_next(&job, &calls, 1); /* [0,3) */
	dns_test_answer(&job, &calls, 0, 400, "cloudflare/batch_400_81053.json");
	dns_test_next(&job, &calls, 1); /* [0,1) */
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/batch_200.json");
	dns_test_next(&job, &calls, 1); /* [1,3) */
	dns_test_answer(&job, &calls, 0, 400, "cloudflare/batch_400_81053.json");
	dns_test_next(&job, &calls, 1); /* [1,2) */
	dns_test_answer(&job, &calls, 0, 400, "cloudflare/batch_400_81053.json");
	dns_test_next(&job, &calls, 1); /* [2,3) */
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/batch_200.json");
	dns_test_next(&job, &calls, 0);
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_OK);
	assert_int_equal(job.results[1].state, PUQ_DNS_DONE_ERR);
	assert_int_equal(job.results[2].state, PUQ_DNS_DONE_OK);
	assert_string_equal(job.results[1].message, "Cloudflare error 81053: An A, AAAA, or CNAME "
	                                            "record with that host already exists. (HTTP 400)");
	assert_null(strstr(job.results[1].request, "cf-secret-token"));
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* 81058 on a create and 81044 on a delete: the wanted state is there already. */
static void benign_refusals(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_CLOUDFLARE, "example.com");
	static const struct dns_test_change post[] = {{PUQ_DNS_A, "a.example.com", "192.0.2.1"}};
	struct puq_dns_job job;
	dns_test_job(&job, &zone, &ep, post, 1);
	struct puq_dns_calls calls = {0};
	dns_test_next(&job, &calls, 1);
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/records_empty_200.json");
	dns_test_next(&job, &calls, 1);
	dns_test_answer(&job, &calls, 0, 400, "cloudflare/batch_400_81058.json");
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_OK);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);

	static const struct dns_test_change del[] = {{PUQ_DNS_A, "vm1.example.com", NULL}};
	dns_test_job(&job, &zone, &ep, del, 1);
	dns_test_next(&job, &calls, 1);
	dns_test_answer(&job, &calls, 0, 200, "cloudflare/records_by_name_200.json");
	dns_test_next(&job, &calls, 1);
	json_t *body = dns_test_body_json(&calls.items[0]);
	json_t *d = json_array_get(json_object_get(body, "deletes"), 0);
	assert_string_equal(puq_json_str(d, "id"), "372e67954025e0ba6aaa6d586b9e0b59");
	assert_int_equal(json_array_size(json_object_get(body, "deletes")), 1); /* not the TXT */
	json_decref(body);
	dns_test_answer(&job, &calls, 0, 404, "cloudflare/batch_400_81044.json");
	assert_int_equal(job.results[0].state, PUQ_DNS_DONE_OK);
	puq_dns_calls_free(&calls);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
}

/* Rate limits, credentials, a wrong zone id and an outage stop the zone at once. */
static void zone_wide_failures(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_CLOUDFLARE, "example.com");
	static const struct dns_test_change ch[] = {
		{PUQ_DNS_A, "a.example.com", "192.0.2.1"},
		{PUQ_DNS_AAAA, "a.example.com", "2001:db8::1"},
	};
	struct {
		long status;
		const char *file;
		const char *expect;
	} cases[] = {
		{429, NULL, "rate limit"},
		{403, "cloudflare/auth_403_10000.json", "Cloudflare error 10000: Authentication error"},
		{400, "cloudflare/auth_400_6003.json", "Invalid format for Authorization header"},
		{400, "cloudflare/zone_get_400_7003.json", "Cloudflare error 7003"},
		{503, NULL, "HTTP 503"},
		{0, NULL, "unreachable: connection failed: Connection refused"},
	};
	for (size_t c = 0; c < PUQ_ARRAY_LEN(cases); c++) {
		struct puq_dns_job job;
		dns_test_job(&job, &zone, &ep, ch, 2);
		struct puq_dns_calls calls = {0};
		dns_test_next(&job, &calls, 1);
		if (cases[c].status)
			dns_test_answer(&job, &calls, 0, cases[c].status, cases[c].file);
		else
			answer_failure(&job, &calls, 0);
		for (size_t i = 0; i < 2; i++) {
			assert_int_equal(job.results[i].state, PUQ_DNS_DONE_ERR);
			if (!strstr(job.results[i].message, cases[c].expect))
				fail_msg("case %zu: %s", c, job.results[i].message);
		}
		dns_test_next(&job, &calls, 0); /* nothing more is sent */
		puq_dns_calls_free(&calls);
		puq_dns_job_free(&job);
	}
	puq_dns_zone_free(&zone);
}

static void test_button(void **state)
{
	(void)state;
	struct puq_dns_zone zone;
	dns_test_zone(&zone, PUQ_DNS_CLOUDFLARE, "example.com");
	const struct puq_dns_driver *d = &puq_dns_driver_cloudflare;
	struct puq_http_request *req = d->test_request(&zone, &ep);
	assert_string_equal(req->url, ZONE_URL);
	puq_http_request_free(req);

	struct puq_dns_test_result res;
	memset(&res, 0, sizeof(res));
	struct puq_http_response *r = dns_test_response(200, "cloudflare/zone_get_200.json");
	d->test_interpret(&zone, r, &res);
	assert_true(res.ok);
	assert_string_equal(res.message, "zone example.com found (active)");

	puq_dns_zone_set(&zone, PUQ_DNS_ZF_ACCOUNT_ID, "ffffffffffffffffffffffffffffffff");
	d->test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "belongs to account"));

	puq_dns_zone_set(&zone, PUQ_DNS_ZF_ZONE, "example.net");
	d->test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "belongs to zone example.com"));
	dns_test_response_free(r);

	r = dns_test_response(403, "cloudflare/auth_403_10000.json");
	d->test_interpret(&zone, r, &res);
	assert_false(res.ok);
	assert_string_equal(res.message, "Cloudflare error 10000: Authentication error (HTTP 403)");
	dns_test_response_free(r);
	puq_dns_zone_free(&zone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_by_name_then_batch),
		cmocka_unit_test(listing_with_pagination),
		cmocka_unit_test(bad_record_isolated),
		cmocka_unit_test(benign_refusals),
		cmocka_unit_test(zone_wide_failures),
		cmocka_unit_test(test_button),
	};
	return cmocka_run_group_tests_name("dns_cloudflare", tests, NULL, NULL);
}
