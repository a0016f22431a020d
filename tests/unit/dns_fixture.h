/*
 * Helpers of the DNS driver tests: zones, jobs over changes, and responses read from
 * the recorded fixtures in tests/fixtures/dns/.
 */
#ifndef PUQKVM_TEST_DNS_FIXTURE_H
#define PUQKVM_TEST_DNS_FIXTURE_H

#include "puqkvm/dns_driver.h"

/* A zone of provider p named name with the test credentials (free with zone_free). */
void dns_test_zone(struct puq_dns_zone *z, enum puq_dns_provider p, const char *name);

/* A response with status and the body of tests/fixtures/dns/<file> (NULL = empty). */
struct puq_http_response *dns_test_response(long status, const char *file);
/* A transport failure (status 0). */
struct puq_http_response *dns_test_failure(int error, const char *text);
void dns_test_response_free(struct puq_http_response *r);

/* Change i of a test job: type, name, the one content (NULL = removal). */
struct dns_test_change {
	enum puq_dns_rtype type;
	const char *name;
	const char *content;
};

/* A job over the changes (contents kept in the array). */
void dns_test_job(struct puq_dns_job *job, const struct puq_dns_zone *zone,
	const struct puq_dns_endpoint *ep, const struct dns_test_change *changes, size_t n);

/* next(): asserts it produced exactly `expect` calls, returned in *calls. */
void dns_test_next(struct puq_dns_job *job, struct puq_dns_calls *calls, size_t expect);
/* interpret() of call i with a response read from a fixture. */
void dns_test_answer(struct puq_dns_job *job, struct puq_dns_calls *calls, size_t i,
	long status, const char *file);

/* The request body of a call parsed as JSON (new reference). */
json_t *dns_test_body_json(const struct puq_dns_call *call);
/* The value of a request header, or NULL. */
const char *dns_test_header(const struct puq_http_request *req, const char *name);
/* A form field of a request body (url-decoded into out), false when absent. */
bool dns_test_form(const struct puq_http_request *req, const char *key, char *out,
	size_t outsz);

#endif
