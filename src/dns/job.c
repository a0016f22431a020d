/*
 * Zone jobs: the bookkeeping every driver shares.
 *
 * A job holds one zone's RRset changes and a result per change. Drivers report through
 * puq_dns_job_ok/fail, which also queue the change for the runner to print as a line,
 * and which keep what the module log needs of a failure: the message, the request
 * (secret headers masked by the http room, form fields and any secret value of the
 * zone scrubbed here) and the start of the response body.
 */
#include <stdarg.h>
#include <stdio.h>

#include "puqkvm/dns_driver.h"

#define RESPONSE_KEEP 2048 /* bytes of a failed response kept for the module log */

const struct puq_dns_driver *puq_dns_driver_for(enum puq_dns_provider p)
{
	switch (p) {
	case PUQ_DNS_CLOUDFLARE:
		return &puq_dns_driver_cloudflare;
	case PUQ_DNS_HESTIACP:
		return &puq_dns_driver_hestiacp;
	case PUQ_DNS_POWERDNS:
		return &puq_dns_driver_powerdns;
	default:
		return NULL;
	}
}

int puq_dns_job_init(struct puq_dns_job *job, const struct puq_dns_zone *zone,
                     const struct puq_dns_endpoint *ep, struct puq_dns_change *changes,
                     size_t nchanges)
{
	memset(job, 0, sizeof(*job));
	job->zone = zone;
	job->ep = ep;
	job->driver = puq_dns_driver_for(zone->provider);
	job->changes = changes;
	job->nchanges = nchanges;
	job->results = PUQ_CALLOC(nchanges ? nchanges : 1, sizeof(*job->results));
	job->resolved = PUQ_CALLOC(nchanges ? nchanges : 1, sizeof(*job->resolved));
	if (!job->results || !job->resolved) {
		puq_dns_job_free(job);
		return -PUQ_ENOMEM;
	}
	return 0;
}

void puq_dns_job_free(struct puq_dns_job *job)
{
	if (job->driver && job->started && job->driver->end)
		job->driver->end(job);
	for (size_t i = 0; job->results && i < job->nchanges; i++) {
		PUQ_FREE(job->results[i].message);
		PUQ_FREE(job->results[i].request);
		PUQ_FREE(job->results[i].response);
	}
	PUQ_FREE(job->results);
	PUQ_FREE(job->resolved);
	PUQ_FREE(job->changes);
	memset(job, 0, sizeof(*job));
}

static void resolved(struct puq_dns_job *job, size_t i)
{
	job->resolved[job->nresolved++] = i;
}

void puq_dns_job_ok(struct puq_dns_job *job, size_t i)
{
	if (i >= job->nchanges || job->results[i].state != PUQ_DNS_PENDING)
		return;
	job->results[i].state = PUQ_DNS_DONE_OK;
	resolved(job, i);
}

/* Occurrences of needle in hay (needle non-empty). */
static const char *find(const char *hay, size_t len, const char *needle, size_t nlen)
{
	for (size_t i = 0; i + nlen <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

char *puq_dns_scrub(const struct puq_dns_zone *zone, const char *src, size_t len)
{
	struct puq_buf out = PUQ_BUF_INIT;
	puq_buf_append(&out, "", 0);
	size_t pos = 0;
	while (pos < len) {
		const char *best = NULL;
		size_t best_len = 0;
		for (int f = 0; zone && f < PUQ_DNS_ZF__COUNT; f++) {
			const char *secret = zone->f[f];
			if (!puq_dns_zone_field_secret((enum puq_dns_zone_field)f) || !secret ||
			    strlen(secret) < 4) /* a 1-3 character "secret" would shred the text */
				continue;
			size_t sl = strlen(secret);
			const char *hit = find(src + pos, len - pos, secret, sl);
			if (hit && (!best || hit < best)) {
				best = hit;
				best_len = sl;
			}
			/* the form-encoded and JSON-escaped spellings, too */
			struct puq_buf enc = PUQ_BUF_INIT;
			puq_buf_urlencode(&enc, secret, sl);
			if (!puq_buf_failed(&enc) && enc.len != sl) {
				hit = find(src + pos, len - pos, enc.data, enc.len);
				if (hit && (!best || hit < best)) {
					best = hit;
					best_len = enc.len;
				}
			}
			puq_buf_free(&enc);
		}
		if (!best) {
			puq_buf_append(&out, src + pos, len - pos);
			break;
		}
		puq_buf_append(&out, src + pos, (size_t)(best - (src + pos)));
		for (size_t k = 0; k < best_len; k++) /* as logModuleCall masks: same length */
			puq_buf_putc(&out, '*');
		pos = (size_t)(best - src) + best_len;
	}
	return puq_buf_steal(&out);
}

/* Form fields that carry HestiaCP credentials, masked whatever their value. */
static void mask_form_secrets(char *body)
{
	static const char *const keys[] = {"password=", "hash=", "secret_key="};
	for (size_t k = 0; k < PUQ_ARRAY_LEN(keys); k++) {
		size_t kl = strlen(keys[k]);
		for (char *p = body; (p = strstr(p, keys[k])) != NULL; p += kl) {
			if (p != body && p[-1] != '&')
				continue;
			char *v = p + kl;
			size_t vl = strcspn(v, "&");
			if (vl >= 3) {
				memcpy(v, "***", 3);
				memmove(v + 3, v + vl, strlen(v + vl) + 1);
			}
		}
	}
}

static char *describe_request(const struct puq_dns_zone *zone,
                              const struct puq_http_request *req)
{
	if (!req)
		return NULL;
	struct puq_buf b = PUQ_BUF_INIT;
	char *head = puq_http_request_describe(req);
	puq_buf_puts(&b, head ? head : req->url);
	PUQ_FREE(head);
	if (req->body && req->body_len) {
		char *body = puq_strndup(req->body, req->body_len);
		if (body) {
			mask_form_secrets(body);
			puq_buf_puts(&b, "\n\n");
			puq_buf_puts(&b, body);
			PUQ_FREE(body);
		}
	}
	char *text = puq_buf_steal(&b);
	if (!text)
		return NULL;
	char *clean = puq_dns_scrub(zone, text, strlen(text));
	PUQ_FREE(text);
	return clean;
}

static void fail_one(struct puq_dns_job *job, size_t i,
                     const struct puq_http_request *req,
                     const struct puq_http_response *resp, const char *message)
{
	if (i >= job->nchanges || job->results[i].state != PUQ_DNS_PENDING)
		return;
	struct puq_dns_result *r = &job->results[i];
	r->state = PUQ_DNS_DONE_ERR;
	r->http_status = resp ? resp->status : 0;
	r->message = puq_dns_scrub(job->zone, message, strlen(message));
	r->request = describe_request(job->zone, req);
	if (resp && resp->body && resp->body_len) {
		size_t n = resp->body_len < RESPONSE_KEEP ? resp->body_len : RESPONSE_KEEP;
		r->response = puq_dns_scrub(job->zone, resp->body, n);
	}
	resolved(job, i);
}

void puq_dns_job_fail(struct puq_dns_job *job, size_t i,
                      const struct puq_http_request *req,
                      const struct puq_http_response *resp, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	fail_one(job, i, req, resp, message);
}

void puq_dns_job_fail_pending(struct puq_dns_job *job, const struct puq_http_request *req,
                              const struct puq_http_response *resp, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < job->nchanges; i++)
		fail_one(job, i, req, resp, message);
}

bool puq_dns_job_all_done(const struct puq_dns_job *job)
{
	for (size_t i = 0; i < job->nchanges; i++)
		if (job->results[i].state == PUQ_DNS_PENDING)
			return false;
	return true;
}

struct puq_dns_call *puq_dns_calls_push(struct puq_dns_calls *calls,
                                        struct puq_dns_job *job,
                                        struct puq_http_request *req, int what)
{
	if (!req)
		return NULL;
	if (calls->count == calls->cap) {
		size_t cap = calls->cap ? calls->cap * 2 : 4;
		struct puq_dns_call *items = PUQ_REALLOC(calls->items, cap * sizeof(*items));
		if (!items) {
			puq_http_request_free(req);
			return NULL;
		}
		calls->items = items;
		calls->cap = cap;
	}
	struct puq_dns_call *c = &calls->items[calls->count++];
	memset(c, 0, sizeof(*c));
	c->req = req;
	c->job = job;
	c->what = what;
	req->timeout_ms = job->ep ? job->ep->timeout_ms : 0;
	req->tls = job->ep ? job->ep->tls : NULL;
	return c;
}

void puq_dns_calls_free(struct puq_dns_calls *calls)
{
	for (size_t i = 0; i < calls->count; i++)
		puq_http_request_free(calls->items[i].req);
	PUQ_FREE(calls->items);
	memset(calls, 0, sizeof(*calls));
}

void puq_dns_describe_failure(const struct puq_http_response *resp, char *out,
                              size_t outsz)
{
	if (!resp) {
		snprintf(out, outsz, "no response");
	} else if (resp->status == 0) {
		const char *what = resp->error == PUQ_ETIMEOUT ? "timed out"
		                   : resp->error == PUQ_ETLS   ? "TLS verification failed"
		                                               : "connection failed";
		snprintf(out, outsz, "%s%s%s", what, resp->error_text[0] ? ": " : "",
		         resp->error_text);
	} else {
		snprintf(out, outsz, "HTTP %ld%s%s", resp->status, resp->reason ? " " : "",
		         resp->reason ? resp->reason : "");
	}
}

/* ---- range queue ------------------------------------------------------------------ */

static int ranges_reserve(struct puq_dns_ranges *q, size_t more)
{
	if (q->count + more <= q->cap)
		return 0;
	size_t cap = q->cap ? q->cap * 2 : 8;
	while (cap < q->count + more)
		cap *= 2;
	struct puq_dns_range *items = PUQ_REALLOC(q->items, cap * sizeof(*items));
	if (!items)
		return -PUQ_ENOMEM;
	q->items = items;
	q->cap = cap;
	return 0;
}

int puq_dns_ranges_add(struct puq_dns_ranges *q, size_t lo, size_t hi, size_t max)
{
	for (size_t at = lo; at < hi; at += max) {
		if (ranges_reserve(q, 1) < 0)
			return -PUQ_ENOMEM;
		q->items[q->count].lo = at;
		q->items[q->count].hi = hi - at > max ? at + max : hi;
		q->count++;
	}
	return 0;
}

int puq_dns_ranges_split_front(struct puq_dns_ranges *q, size_t lo, size_t hi)
{
	if (ranges_reserve(q, 2) < 0)
		return -PUQ_ENOMEM;
	size_t mid = lo + (hi - lo) / 2;
	memmove(q->items + 2, q->items, q->count * sizeof(*q->items));
	q->items[0] = (struct puq_dns_range){lo, mid};
	q->items[1] = (struct puq_dns_range){mid, hi};
	q->count += 2;
	return 0;
}

int puq_dns_ranges_push_front(struct puq_dns_ranges *q, size_t lo, size_t hi)
{
	if (ranges_reserve(q, 1) < 0)
		return -PUQ_ENOMEM;
	memmove(q->items + 1, q->items, q->count * sizeof(*q->items));
	q->items[0] = (struct puq_dns_range){lo, hi};
	q->count++;
	return 0;
}

bool puq_dns_ranges_pop(struct puq_dns_ranges *q, struct puq_dns_range *out)
{
	if (q->count == 0)
		return false;
	*out = q->items[0];
	memmove(q->items, q->items + 1, (q->count - 1) * sizeof(*q->items));
	q->count--;
	return true;
}

void puq_dns_ranges_free(struct puq_dns_ranges *q)
{
	PUQ_FREE(q->items);
	memset(q, 0, sizeof(*q));
}
