/*
 * The DNS driver harness (see dns_harness.h for the input format).
 *
 * A zone job is set up over one scenario's changes and driven like the runner does:
 * next() is asked for calls only when every call of the previous round is answered,
 * and each call's answer goes to interpret(). Invariants checked on the way and at
 * the end:
 *  - every request is well-formed: a known method, a URL on the zone's endpoint with
 *    no blank or control character, a JSON body that parses when it says JSON;
 *  - the driver finishes (a bounded number of rounds) and, once next() has nothing to
 *    send, every change has a result (the runner would otherwise report an internal
 *    error); each change is reported resolved exactly once;
 *  - a failed change carries a message; no message, logged request or logged response
 *    holds a secret of the zone, whether the answers echo it or not;
 *  - the Test button's reading is terminated, not empty, and ok only for a 200.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns_harness.h"
#include "fuzz.h"
#include "puqkvm/dns_driver.h"

#define MAX_ROUNDS 4000
#define SEPARATOR  "\n@@\n"

/* Secrets with characters that URL encoding changes, so both spellings are checked. */
#define SECRET_TOKEN    "cf-secret-token-0123456789"
#define SECRET_PASSWORD "hestia secret&pass=1"
#define SECRET_ACCESS   "AbCdEfGhIj0123456789:0123456789abcdefghij0123456789ABCDEFGHIJ"
#define SECRET_KEY      "pdns-secret-api-key"

struct change_spec {
	enum puq_dns_rtype type;
	const char *name;
	const char *contents[3]; /* NULL-terminated; none = remove the RRset */
};

struct scenario {
	const char *zone;
	struct change_spec changes[14];
};

/* Changes as the planner makes them: names inside the zone, one RRset per (type, name).
 */
static const struct scenario scenarios[] = {
    {"example.com", {{PUQ_DNS_A, "vm1.example.com", {"192.0.2.10"}}}},
    {"example.com",
     {{PUQ_DNS_A, "vm1.example.com", {"192.0.2.10"}},
      {PUQ_DNS_AAAA, "vm1.example.com", {"2001:db8::10"}},
      {PUQ_DNS_A, "vm2.example.com", {NULL}},
      {PUQ_DNS_AAAA, "vm3.example.com", {"2001:db8::1", "2001:db8::2"}}}},
    {"2.0.192.in-addr.arpa",
     {{PUQ_DNS_PTR, "10.2.0.192.in-addr.arpa", {"vm1.example.com"}},
      {PUQ_DNS_PTR, "11.2.0.192.in-addr.arpa", {NULL}},
      {PUQ_DNS_PTR, "12.2.0.192.in-addr.arpa", {"vm12.example.com"}}}},
    {"example.com",
     {{PUQ_DNS_A, "a1.example.com", {"192.0.2.1"}},
      {PUQ_DNS_A, "a2.example.com", {NULL}},
      {PUQ_DNS_A, "a3.example.com", {"192.0.2.3", "192.0.2.33"}},
      {PUQ_DNS_AAAA, "a3.example.com", {"2001:db8::3"}},
      {PUQ_DNS_A, "a4.example.com", {"192.0.2.4"}},
      {PUQ_DNS_A, "a5.example.com", {"192.0.2.5"}},
      {PUQ_DNS_A, "a6.example.com", {NULL}},
      {PUQ_DNS_A, "a7.example.com", {"192.0.2.7"}},
      {PUQ_DNS_A, "a8.example.com", {"192.0.2.8"}},
      {PUQ_DNS_A, "a9.example.com", {"192.0.2.9"}},
      {PUQ_DNS_AAAA, "a10.example.com", {"2001:db8::a"}},
      {PUQ_DNS_A, "a11.example.com", {"192.0.2.11", "192.0.2.12", "192.0.2.13"}}}},
    {"8.b.d.0.1.0.0.2.ip6.arpa",
     {{PUQ_DNS_PTR,
       "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
       {"vm1.example.com"}}}},
    {"example.com",
     {{PUQ_DNS_A, "example.com", {"192.0.2.1"}}, {PUQ_DNS_AAAA, "example.com", {NULL}}}},
};

static size_t scenario_size(const struct scenario *s)
{
	size_t n = 0;
	while (n < PUQ_ARRAY_LEN(s->changes) && s->changes[n].name)
		n++;
	return n;
}

static void make_zone(struct puq_dns_zone *z, enum puq_dns_provider p, const char *name,
                      bool access_key)
{
	puq_dns_zone_init(z);
	z->id = 7;
	z->provider = p;
	puq_dns_zone_set(z, PUQ_DNS_ZF_ZONE, name);
	switch (p) {
	case PUQ_DNS_CLOUDFLARE:
		puq_dns_zone_set(z, PUQ_DNS_ZF_ZONE_ID, "023e105f4ecef8ad9ca31a8372d0c353");
		puq_dns_zone_set(z, PUQ_DNS_ZF_ACCOUNT_ID, "0123456789abcdef0123456789abcdef");
		puq_dns_zone_set(z, PUQ_DNS_ZF_API_TOKEN, SECRET_TOKEN);
		break;
	case PUQ_DNS_HESTIACP:
		puq_dns_zone_set(z, PUQ_DNS_ZF_SERVER_URL, "https://hestia.test:8083/");
		puq_dns_zone_set(z, PUQ_DNS_ZF_ADMIN_USER, "admin");
		puq_dns_zone_set(z, PUQ_DNS_ZF_ADMIN_PASSWORD,
		                 access_key ? SECRET_ACCESS : SECRET_PASSWORD);
		puq_dns_zone_set(z, PUQ_DNS_ZF_USER, "client1");
		break;
	default:
		puq_dns_zone_set(z, PUQ_DNS_ZF_SERVER_URL, "http://pdns.test:8081");
		puq_dns_zone_set(z, PUQ_DNS_ZF_API_KEY, SECRET_KEY);
		break;
	}
}

static const char *endpoint_of(enum puq_dns_provider p)
{
	return p == PUQ_DNS_CLOUDFLARE ? "https://api.fuzz.test/client/v4/zones/"
	       : p == PUQ_DNS_HESTIACP
	           ? "https://hestia.test:8083/api/"
	           : "http://pdns.test:8081/api/v1/servers/localhost/zones/";
}

/* ---- answers ---------------------------------------------------------------------- */

struct answers {
	const char *next, *end;
};

/* The next answer of the input, or a refused connection once they run out. */
static struct puq_http_response *next_answer(struct answers *a)
{
	struct puq_http_response *r = PUQ_CALLOC(1, sizeof(*r));
	if (a->next >= a->end) {
		r->error = PUQ_EHTTP;
		snprintf(r->error_text, sizeof(r->error_text), "Failed to connect: refused");
		return r;
	}
	const char *stop = a->end;
	for (const char *p = a->next; p + strlen(SEPARATOR) <= a->end; p++)
		if (memcmp(p, SEPARATOR, strlen(SEPARATOR)) == 0) {
			stop = p;
			break;
		}
	const char *nl = memchr(a->next, '\n', (size_t)(stop - a->next));
	const char *line_end = nl ? nl : stop;
	char *line = fuzz_cstr((const uint8_t *)a->next, (size_t)(line_end - a->next));
	char *end;
	long status = strtol(line, &end, 10);
	if (end == line || status < 0 || status > 999)
		status = 0;
	const char *reason = end + (*end == ' ');
	if (status == 0) {
		/* curl's words: they never hold what the answer says (nor a request body) */
		bool timeout = strstr(reason, "timed out") != NULL;
		r->error = timeout ? PUQ_ETIMEOUT : PUQ_EHTTP;
		snprintf(r->error_text, sizeof(r->error_text), "%s",
		         timeout
		             ? "Operation timed out after 5000 milliseconds"
		             : "Failed to connect to the server port 443: Connection refused");
	} else {
		r->status = status;
		r->reason = *reason ? puq_strdup(reason) : NULL;
		r->content_type = puq_strdup("application/json");
		/* the body as the engine hands it: its bytes plus a terminator */
		const char *body = nl ? nl + 1 : stop;
		r->body_len = (size_t)(stop - body);
		r->body = PUQ_MALLOC(r->body_len + 1);
		memcpy(r->body, body, r->body_len);
		r->body[r->body_len] = '\0';
	}
	PUQ_FREE(line);
	a->next = stop < a->end ? stop + strlen(SEPARATOR) : a->end;
	return r;
}

static void answer_free(struct puq_http_response *r)
{
	PUQ_FREE(r->body);
	PUQ_FREE(r->reason);
	PUQ_FREE(r->content_type);
	PUQ_FREE(r);
}

/* ---- checks ----------------------------------------------------------------------- */

/* No secret of the zone, as typed or URL-encoded, in text. */
static void check_no_secret(const struct puq_dns_zone *zone, const char *what,
                            const char *text)
{
	for (int f = 0; text && f < PUQ_DNS_ZF__COUNT; f++) {
		const char *secret = zone->f[f];
		if (!secret || !puq_dns_zone_field_secret((enum puq_dns_zone_field)f))
			continue;
		struct puq_buf enc = PUQ_BUF_INIT;
		puq_buf_urlencode(&enc, secret, strlen(secret));
		FUZZ_CHECK(!strstr(text, secret) && !strstr(text, puq_buf_cstr(&enc)),
		           "%s holds the secret '%s':\n%s", what, secret, text);
		puq_buf_free(&enc);
	}
}

static void check_request(const struct puq_dns_zone *zone,
                          const struct puq_http_request *req)
{
	enum puq_dns_provider p = zone->provider;
	FUZZ_CHECK(req != NULL, "a call without a request");
	static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE"};
	bool known = false;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(methods); i++)
		known |= strcmp(req->method, methods[i]) == 0;
	FUZZ_CHECK(known, "method '%s'", req->method);
	const char *base = endpoint_of(p);
	FUZZ_CHECK(strncmp(req->url, base, strlen(base)) == 0, "URL '%s' is not on %s",
	           req->url, base);
	for (const unsigned char *c = (const unsigned char *)req->url; *c; c++)
		FUZZ_CHECK(*c > 0x20 && *c < 0x7f, "URL '%s' holds byte 0x%02x", req->url, *c);
	for (size_t i = 0; i < req->nheaders; i++)
		FUZZ_CHECK(!strpbrk(req->headers[i].value, "\r\n"), "header %s splits",
		           req->headers[i].name);
	const char *type = NULL;
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, "Content-Type") == 0)
			type = req->headers[i].value;
	if (req->body_len && type && strstr(type, "json")) {
		json_error_t jerr;
		json_t *j = json_loadb(req->body, req->body_len, 0, &jerr);
		FUZZ_CHECK(j != NULL, "request body is not JSON (%s): %.*s", jerr.text,
		           (int)req->body_len, req->body);
		json_decref(j);
	}
	char *described = puq_http_request_describe(req);
	check_no_secret(zone, "a described request", described);
	PUQ_FREE(described);
}

static void check_results(const struct puq_dns_job *job)
{
	const struct puq_dns_zone *zone = job->zone;
	bool *seen = PUQ_CALLOC(job->nchanges ? job->nchanges : 1, sizeof(bool));
	size_t done = 0;
	for (size_t i = 0; i < job->nchanges; i++)
		done += job->results[i].state != PUQ_DNS_PENDING;
	FUZZ_CHECK(job->nresolved == done, "%zu changes resolved, %zu reported", done,
	           job->nresolved);
	for (size_t k = 0; k < job->nresolved; k++) {
		size_t i = job->resolved[k];
		FUZZ_CHECK(i < job->nchanges && !seen[i], "change %zu reported twice or unknown",
		           i);
		seen[i] = true;
	}
	for (size_t i = 0; i < job->nchanges; i++) {
		const struct puq_dns_result *r = &job->results[i];
		if (r->state == PUQ_DNS_DONE_ERR) {
			FUZZ_CHECK(r->message && r->message[0], "change %zu failed without a message",
			           i);
		} else if (r->state == PUQ_DNS_DONE_OK) {
			FUZZ_CHECK(!r->message, "change %zu succeeded with a message", i);
		}
		check_no_secret(zone, "a failure message", r->message);
		check_no_secret(zone, "a logged request", r->request);
		check_no_secret(zone, "a logged response", r->response);
	}
	PUQ_FREE(seen);
}

static void check_test_button(const struct puq_dns_zone *zone,
                              const struct puq_dns_endpoint *ep, struct answers a)
{
	const struct puq_dns_driver *d = puq_dns_driver_for(zone->provider);
	struct puq_http_request *req = d->test_request(zone, ep);
	check_request(zone, req);
	puq_http_request_free(req);
	struct puq_http_response *r = next_answer(&a);
	struct puq_dns_test_result res;
	memset(&res, 0xA5, sizeof(res));
	d->test_interpret(zone, r, &res);
	FUZZ_CHECK(fuzz_terminated(res.message, sizeof(res.message)) && res.message[0],
	           "the Test reading has no message");
	FUZZ_CHECK(!res.ok || r->status == 200, "Test ok on HTTP %ld", r->status);
	FUZZ_CHECK(res.http_status == r->status, "Test status %ld for %ld", res.http_status,
	           r->status);
	/* as src/dns/test.c hands it to the admin */
	char *clean = puq_dns_scrub(zone, res.message, strlen(res.message));
	check_no_secret(zone, "the Test message", clean);
	PUQ_FREE(clean);
	answer_free(r);
}

/* ---- the run ---------------------------------------------------------------------- */

int dns_fuzz_run(enum puq_dns_provider p, const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end = text + size;
	const char *nl = memchr(text, '\n', size);
	const char *first_end = nl ? nl : end;
	char *head = fuzz_cstr(data, (size_t)(first_end - text));
	const struct scenario *sc =
	    &scenarios[strtoul(head, NULL, 10) % PUQ_ARRAY_LEN(scenarios)];
	bool reverse = strchr(head, 'r') != NULL, access_key = strchr(head, 'k') != NULL;
	PUQ_FREE(head);
	struct answers answers = {nl ? nl + 1 : end, end};

	struct puq_dns_zone zone;
	make_zone(&zone, p, sc->zone, access_key);
	struct puq_dns_endpoint ep = {5000, "https://api.fuzz.test/client/v4/", NULL};
	check_test_button(&zone, &ep, answers);

	size_t n = scenario_size(sc);
	struct puq_dns_change *changes = PUQ_CALLOC(n, sizeof(*changes));
	for (size_t i = 0; i < n; i++) {
		const struct change_spec *cs = &sc->changes[i];
		size_t k = 0;
		while (k < PUQ_ARRAY_LEN(cs->contents) && cs->contents[k])
			k++;
		changes[i] =
		    (struct puq_dns_change){cs->type, cs->name, k ? cs->contents : NULL, k, i};
	}
	struct puq_dns_job job;
	FUZZ_CHECK(puq_dns_job_init(&job, &zone, &ep, changes, n) == 0 && job.driver,
	           "job set-up");
	FUZZ_CHECK(job.driver->begin(&job) == 0, "begin()");
	job.started = true;

	size_t rounds = 0;
	for (;;) {
		struct puq_dns_calls calls = {0};
		FUZZ_CHECK(job.driver->next(&job, &calls) == 0, "next() failed");
		if (calls.count == 0) {
			puq_dns_calls_free(&calls);
			break;
		}
		FUZZ_CHECK(++rounds < MAX_ROUNDS, "the driver never finishes (%zu rounds)",
		           rounds);
		for (size_t i = 0; i < calls.count; i++)
			check_request(&zone, calls.items[i].req);
		for (size_t k = 0; k < calls.count; k++) {
			size_t i = reverse ? calls.count - 1 - k : k;
			struct puq_http_response *r = next_answer(&answers);
			job.driver->interpret(&job, &calls.items[i], r);
			answer_free(r);
		}
		puq_dns_calls_free(&calls);
	}
	FUZZ_CHECK(puq_dns_job_all_done(&job),
	           "next() has nothing to send, changes are pending");
	check_results(&job);
	puq_dns_job_free(&job);
	puq_dns_zone_free(&zone);
	return 0;
}
