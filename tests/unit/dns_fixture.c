/* Helpers of the DNS driver tests (see dns_fixture.h). */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "dns_fixture.h"

#define TEST_SECRET_TOKEN    "cf-secret-token-0123456789"
#define TEST_SECRET_PASSWORD "hestia-secret-password"
#define TEST_SECRET_KEY      "pdns-secret-api-key"

void dns_test_zone(struct puq_dns_zone *z, enum puq_dns_provider p, const char *name)
{
	puq_dns_zone_init(z);
	z->id = 1;
	z->provider = p;
	puq_dns_zone_set(z, PUQ_DNS_ZF_ZONE, name);
	switch (p) {
	case PUQ_DNS_CLOUDFLARE:
		puq_dns_zone_set(z, PUQ_DNS_ZF_ZONE_ID, "023e105f4ecef8ad9ca31a8372d0c353");
		puq_dns_zone_set(z, PUQ_DNS_ZF_ACCOUNT_ID, "0123456789abcdef0123456789abcdef");
		puq_dns_zone_set(z, PUQ_DNS_ZF_API_TOKEN, TEST_SECRET_TOKEN);
		break;
	case PUQ_DNS_HESTIACP:
		puq_dns_zone_set(z, PUQ_DNS_ZF_SERVER_URL, "https://hestia.test:8083/");
		puq_dns_zone_set(z, PUQ_DNS_ZF_ADMIN_USER, "admin");
		puq_dns_zone_set(z, PUQ_DNS_ZF_ADMIN_PASSWORD, TEST_SECRET_PASSWORD);
		puq_dns_zone_set(z, PUQ_DNS_ZF_USER, "client1");
		break;
	default:
		puq_dns_zone_set(z, PUQ_DNS_ZF_SERVER_URL, "http://pdns.test:8081");
		puq_dns_zone_set(z, PUQ_DNS_ZF_API_KEY, TEST_SECRET_KEY);
		break;
	}
}

static char *read_fixture(const char *file, size_t *len)
{
	char path[1024];
	const char *root = getenv("PUQKVM_ROOT");
	snprintf(path, sizeof(path), "%s/tests/fixtures/dns/%s", root ? root : "/work/main", file);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read fixture %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = PUQ_MALLOC((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read of %s", path);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

struct puq_http_response *dns_test_response(long status, const char *file)
{
	struct puq_http_response *r = PUQ_CALLOC(1, sizeof(*r));
	r->status = status;
	if (file) {
		r->body = read_fixture(file, &r->body_len);
		r->content_type = puq_strdup(strstr(file, ".json") ? "application/json" : "text/plain");
	}
	return r;
}

struct puq_http_response *dns_test_failure(int error, const char *text)
{
	struct puq_http_response *r = PUQ_CALLOC(1, sizeof(*r));
	r->error = error;
	snprintf(r->error_text, sizeof(r->error_text), "%s", text);
	return r;
}

void dns_test_response_free(struct puq_http_response *r)
{
	if (!r)
		return;
	PUQ_FREE(r->body);
	PUQ_FREE(r->content_type);
	PUQ_FREE(r->reason);
	PUQ_FREE(r);
}

void dns_test_job(struct puq_dns_job *job, const struct puq_dns_zone *zone,
	const struct puq_dns_endpoint *ep, const struct dns_test_change *tc, size_t n)
{
	struct puq_dns_change *changes = PUQ_CALLOC(n ? n : 1, sizeof(*changes));
	for (size_t i = 0; i < n; i++) {
		changes[i].type = tc[i].type;
		changes[i].name = tc[i].name;
		changes[i].contents = tc[i].content ? &tc[i].content : NULL;
		changes[i].ncontents = tc[i].content ? 1 : 0;
		changes[i].rrset = i;
	}
	assert_int_equal(puq_dns_job_init(job, zone, ep, changes, n), 0);
	assert_non_null(job->driver);
	assert_int_equal(job->driver->begin(job), 0);
	job->started = true;
}

void dns_test_next(struct puq_dns_job *job, struct puq_dns_calls *calls, size_t expect)
{
	puq_dns_calls_free(calls);
	assert_int_equal(job->driver->next(job, calls), 0);
	if (calls->count != expect)
		fail_msg("next() made %zu calls, expected %zu", calls->count, expect);
}

void dns_test_answer(struct puq_dns_job *job, struct puq_dns_calls *calls, size_t i,
	long status, const char *file)
{
	struct puq_http_response *r = dns_test_response(status, file);
	job->driver->interpret(job, &calls->items[i], r);
	dns_test_response_free(r);
}

json_t *dns_test_body_json(const struct puq_dns_call *call)
{
	json_error_t jerr;
	json_t *j = json_loadb(call->req->body, call->req->body_len, 0, &jerr);
	if (!j)
		fail_msg("request body is not JSON: %s", jerr.text);
	return j;
}

const char *dns_test_header(const struct puq_http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' : tolower((unsigned char)c) - 'a' + 10;
}

bool dns_test_form(const struct puq_http_request *req, const char *key, char *out,
	size_t outsz)
{
	size_t kl = strlen(key);
	const char *p = req->body, *end = req->body + req->body_len;
	while (p && p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if ((size_t)(stop - p) > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t o = 0;
			for (const char *c = p + kl + 1; c < stop && o + 1 < outsz; c++) {
				if (*c == '%' && c + 2 < stop) {
					out[o++] = (char)(hexval(c[1]) * 16 + hexval(c[2]));
					c += 2;
				} else {
					out[o++] = *c == '+' ? ' ' : *c;
				}
			}
			out[o] = '\0';
			return true;
		}
		p = amp ? amp + 1 : NULL;
	}
	return false;
}
