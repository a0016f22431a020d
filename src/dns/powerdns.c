/*
 * The PowerDNS Authoritative driver (HTTP API v1, tested against 4.7).
 *
 * PowerDNS edits whole RRsets, which is exactly what the module owns: one PATCH per
 * zone carries every change as REPLACE (the complete RRset, atomically) or DELETE
 * (idempotent: deleting a missing RRset is 204). The PATCH is one transaction, so when
 * PowerDNS refuses it (422) nothing was written; the batch is then halved and resent
 * until the refused RRset stands alone, and everything else is applied. Big syncs go
 * in batches of PDNS_BATCH RRsets, one at a time per zone.
 *
 * Wire rules from research/apis.md §4: names end with a dot; PTR content too (PowerDNS
 * re-prints the content and compares); the zone id is the name with every byte outside
 * [A-Za-z0-9.-] written =XX; always send Accept: application/json, because only then
 * are 4xx bodies JSON. The RRsets carry a comment naming the module as their owner.
 */
#include <stdio.h>
#include <strings.h>

#include "puqkvm/dns_driver.h"

#define PDNS_BATCH   1000 /* RRsets per PATCH */
#define PDNS_TTL     3600
#define PDNS_OWNER   "puqkvm"
/* A 5xx wrote nothing - on SQLite it is "database is locked" while another writer's
 * PATCH runs, which several cron workers make common: send again, a few times. */
#define PDNS_RETRIES 8

enum { PDNS_PATCH = 1, PDNS_TEST };

struct pdns_state {
	struct puq_dns_ranges queue;
	bool stopped; /* a zone-wide failure: nothing more is sent */
	int retries;  /* left for 5xx answers */
};

/* The API base: the server URL plus /api/v1/servers/localhost unless it names one. */
static void api_base(const struct puq_dns_zone *zone, struct puq_buf *b)
{
	const char *url =
	    zone->f[PUQ_DNS_ZF_SERVER_URL] ? zone->f[PUQ_DNS_ZF_SERVER_URL] : "";
	size_t len = strlen(url);
	while (len > 0 && url[len - 1] == '/')
		len--;
	puq_buf_append(b, url, len);
	if (strstr(url, "/api/v1/servers/"))
		return;
	if (len >= 7 && strncmp(url + len - 7, "/api/v1", 7) == 0)
		puq_buf_puts(b, "/servers/localhost");
	else
		puq_buf_puts(b, "/api/v1/servers/localhost");
}

/* ".../zones/<id>": the zone id is the canonical name, =XX-escaped (uppercase hex). */
static char *zone_url(const struct puq_dns_zone *zone, const char *suffix)
{
	struct puq_buf b = PUQ_BUF_INIT;
	api_base(zone, &b);
	puq_buf_puts(&b, "/zones/");
	for (const char *c = zone->f[PUQ_DNS_ZF_ZONE]; c && *c; c++) {
		unsigned char u = (unsigned char)*c;
		if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
		    u == '.' || u == '-')
			puq_buf_putc(&b, (char)u);
		else
			puq_buf_printf(&b, "=%02X", u);
	}
	puq_buf_putc(&b, '.');
	if (suffix)
		puq_buf_puts(&b, suffix);
	return puq_buf_steal(&b);
}

static struct puq_http_request *new_request(const struct puq_dns_zone *zone,
                                            const char *method, const char *suffix)
{
	char *url = zone_url(zone, suffix);
	struct puq_http_request *req = url ? puq_http_request_new(method, url) : NULL;
	PUQ_FREE(url);
	if (!req)
		return NULL;
	if (puq_http_request_header(req, "Accept", "application/json") < 0 ||
	    puq_http_request_secret_header(
	        req, "X-API-Key",
	        zone->f[PUQ_DNS_ZF_API_KEY] ? zone->f[PUQ_DNS_ZF_API_KEY] : "") < 0) {
		puq_http_request_free(req);
		return NULL;
	}
	return req;
}

static json_t *rrset_json(const struct puq_dns_change *c)
{
	char name[PUQ_DNS_NAME_MAX + 2];
	snprintf(name, sizeof(name), "%s.", c->name);
	json_t *rr =
	    json_pack("{s:s, s:s}", "name", name, "type", puq_dns_rtype_name(c->type));
	if (!rr)
		return NULL;
	if (c->ncontents == 0) {
		json_object_set_new(rr, "changetype", json_string("DELETE"));
		return rr;
	}
	json_t *records = json_array();
	for (size_t i = 0; records && i < c->ncontents; i++) {
		char content[PUQ_DNS_NAME_MAX + 2];
		/* host names in content must be absolute, or PowerDNS answers 422 */
		snprintf(content, sizeof(content), c->type == PUQ_DNS_PTR ? "%s." : "%s",
		         c->contents[i]);
		json_array_append_new(records,
		                      json_pack("{s:s, s:b}", "content", content, "disabled", 0));
	}
	json_object_set_new(rr, "changetype", json_string("REPLACE"));
	json_object_set_new(rr, "ttl", json_integer(PDNS_TTL));
	json_object_set_new(rr, "records", records);
	json_object_set_new(rr, "comments",
	                    json_pack("[{s:s, s:s}]", "content",
	                              "managed by puqkvm (WHMCS Proxmox KVM)", "account",
	                              PDNS_OWNER));
	return rr;
}

static int pdns_begin(struct puq_dns_job *job)
{
	struct pdns_state *st = PUQ_CALLOC(1, sizeof(*st));
	if (!st)
		return -PUQ_ENOMEM;
	job->state = st;
	st->retries = PDNS_RETRIES;
	return puq_dns_ranges_add(&st->queue, 0, job->nchanges, PDNS_BATCH);
}

static void pdns_end(struct puq_dns_job *job)
{
	struct pdns_state *st = job->state;
	if (st)
		puq_dns_ranges_free(&st->queue);
	PUQ_FREE(st);
	job->state = NULL;
}

static int pdns_next(struct puq_dns_job *job, struct puq_dns_calls *out)
{
	struct pdns_state *st = job->state;
	struct puq_dns_range r;
	if (st->stopped || !puq_dns_ranges_pop(&st->queue, &r))
		return 0;

	json_t *rrsets = json_array();
	for (size_t i = r.lo; rrsets && i < r.hi; i++)
		if (json_array_append_new(rrsets, rrset_json(&job->changes[i])) < 0) {
			json_decref(rrsets);
			rrsets = NULL;
		}
	json_t *body = rrsets ? json_pack("{s:o}", "rrsets", rrsets) : NULL;
	struct puq_http_request *req = body ? new_request(job->zone, "PATCH", NULL) : NULL;
	int rc = req ? puq_http_request_json(req, body) : -PUQ_ENOMEM;
	json_decref(body);
	if (rc < 0) {
		puq_http_request_free(req);
		return -PUQ_ENOMEM;
	}
	struct puq_dns_call *call = puq_dns_calls_push(out, job, req, PDNS_PATCH);
	if (!call)
		return -PUQ_ENOMEM;
	call->lo = r.lo;
	call->hi = r.hi;
	return 0;
}

/* PowerDNS's error text: {"error": "..."} with Accept json, else the plain body. */
static void error_text(const struct puq_http_response *resp, char *out, size_t outsz)
{
	json_error_t jerr;
	json_t *j = resp->body ? json_loadb(resp->body, resp->body_len, 0, &jerr) : NULL;
	const char *e = j ? puq_json_str(j, "error") : NULL;
	if (e)
		snprintf(out, outsz, "%s", e);
	else if (resp->body && resp->body_len)
		snprintf(out, outsz, "%.*s", (int)(resp->body_len > 300 ? 300 : resp->body_len),
		         resp->body);
	else
		puq_dns_describe_failure(resp, out, outsz);
	json_decref(j);
}

/* A failure of the whole zone (auth, missing zone, server down): no point going on. */
static bool zone_failure(const struct puq_dns_zone *zone,
                         const struct puq_http_response *resp, char *out, size_t outsz)
{
	char detail[400];
	if (resp->status == 0) {
		puq_dns_describe_failure(resp, detail, sizeof(detail));
		snprintf(out, outsz, "PowerDNS API unreachable: %s", detail);
		return true;
	}
	if (resp->status == 401 || resp->status == 403) {
		snprintf(out, outsz, "PowerDNS refused the API key (HTTP %ld)", resp->status);
		return true;
	}
	if (resp->status == 404) {
		snprintf(out, outsz, "zone %s. does not exist on the PowerDNS server (HTTP 404)",
		         zone->f[PUQ_DNS_ZF_ZONE]);
		return true;
	}
	if (resp->status >= 500 || resp->status == 405) {
		error_text(resp, detail, sizeof(detail));
		snprintf(out, outsz, "PowerDNS error HTTP %ld: %s", resp->status, detail);
		return true;
	}
	return false;
}

static void pdns_interpret(struct puq_dns_job *job, const struct puq_dns_call *call,
                           const struct puq_http_response *resp)
{
	struct pdns_state *st = job->state;
	char msg[512];
	if (resp->status >= 200 && resp->status < 300) {
		for (size_t i = call->lo; i < call->hi; i++)
			puq_dns_job_ok(job, i);
		return;
	}
	/* the PATCH is one transaction: after a server error nothing was written, and
	 * another writer holding the backend's lock is the usual cause; try again */
	if (resp->status >= 500 && st->retries > 0 &&
	    puq_dns_ranges_push_front(&st->queue, call->lo, call->hi) == 0) {
		st->retries--;
		return;
	}
	if (zone_failure(job->zone, resp, msg, sizeof(msg))) {
		st->stopped = true;
		puq_dns_job_fail_pending(job, call->req, resp, "%s", msg);
		return;
	}
	/* 400/422: the transaction wrote nothing; isolate the RRset PowerDNS refused */
	if (call->hi - call->lo > 1) {
		if (puq_dns_ranges_split_front(&st->queue, call->lo, call->hi) == 0)
			return;
		st->stopped = true;
		puq_dns_job_fail_pending(job, call->req, resp, "out of memory");
		return;
	}
	error_text(resp, msg, sizeof(msg));
	puq_dns_job_fail(job, call->lo, call->req, resp,
	                 "PowerDNS refused the change (HTTP %ld): %s", resp->status, msg);
}

static struct puq_http_request *pdns_test_request(const struct puq_dns_zone *zone,
                                                  const struct puq_dns_endpoint *ep)
{
	struct puq_http_request *req = new_request(zone, "GET", "?rrsets=false");
	if (req) {
		req->timeout_ms = ep->timeout_ms;
		req->tls = ep->tls;
	}
	return req;
}

static void pdns_test_interpret(const struct puq_dns_zone *zone,
                                const struct puq_http_response *resp,
                                struct puq_dns_test_result *res)
{
	res->http_status = resp->status;
	res->ok = false;
	if (resp->status != 200) {
		char msg[400];
		if (!zone_failure(zone, resp, msg, sizeof(msg))) {
			char detail[300];
			error_text(resp, detail, sizeof(detail));
			snprintf(msg, sizeof(msg), "PowerDNS error HTTP %ld: %s", resp->status,
			         detail);
		}
		snprintf(res->message, sizeof(res->message), "%s", msg);
		return;
	}
	json_error_t jerr;
	json_t *j = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, &jerr);
	const char *name = j ? puq_json_str(j, "name") : NULL;
	const char *kind = j ? puq_json_str(j, "kind") : NULL;
	long long serial = 0;
	if (j)
		puq_json_int(j, "serial", &serial);
	char want[PUQ_DNS_NAME_MAX + 2];
	snprintf(want, sizeof(want), "%s.", zone->f[PUQ_DNS_ZF_ZONE]);
	if (!name) {
		snprintf(
		    res->message, sizeof(res->message),
		    "the server answered 200 but not with a PowerDNS zone: is the Server URL the "
		    "PowerDNS API?");
	} else if (strcasecmp(name, want) != 0) {
		snprintf(res->message, sizeof(res->message),
		         "PowerDNS returned zone %s instead of %s", name, want);
	} else {
		res->ok = true;
		snprintf(res->message, sizeof(res->message), "zone %s found (%s, serial %lld)",
		         name, kind ? kind : "?", serial);
	}
	json_decref(j);
}

const struct puq_dns_driver puq_dns_driver_powerdns = {
    .provider = PUQ_DNS_POWERDNS,
    .name = "powerdns",
    .begin = pdns_begin,
    .next = pdns_next,
    .interpret = pdns_interpret,
    .end = pdns_end,
    .test_request = pdns_test_request,
    .test_interpret = pdns_test_interpret,
};
