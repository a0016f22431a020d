/*
 * The Cloudflare driver (API v4, bearer token).
 *
 * Cloudflare stores records, not RRsets, so a zone job runs in two phases:
 *
 *  1. Look-up. The records at the names concerned are read: by name (one GET per name)
 *     when there are few, else by listing the zone per record type, page by page until
 *     result_info says there is no more. Records at other names or of other types are
 *     never looked at again, so nothing outside the owned RRsets can be touched.
 *  2. Apply. Each RRset becomes operations: records whose content is wanted stay;
 *     records with unwanted content are patched in place to a wanted content (so the
 *     name never stops resolving), extra wanted contents are posted, extra records
 *     deleted. The operations go to the batch endpoint, at most CF_BATCH_OPS per call
 *     (the Free plan's limit); a batch is one transaction, so when Cloudflare refuses
 *     one (4xx) it is halved and resent until the refused RRset stands alone, and the
 *     rest is applied. Records written carry a comment naming the module. This phase
 *     lives in cloudflare_batch.c.
 *
 * Errors are read from the envelope's errors[] (code first, status second, as
 * research/apis.md §2.2 advises). 401/403, an unknown zone id, 429 (which blocks every
 * call for minutes) and 5xx stop the zone's job; its remaining RRsets fail and a later
 * resync converges. 81058 "identical record exists" on create and 81044 "record does
 * not exist" on delete mean the wanted state is already there.
 */
#include <stdio.h>
#include <strings.h>

#include "cloudflare.h"
#include "puqkvm/ip.h"

/* ---- requests ---------------------------------------------------------------------- */

struct puq_http_request *puq_dns_cf_request(const struct puq_dns_zone *zone,
                                            const struct puq_dns_endpoint *ep,
                                            const char *method, const char *path)
{
	struct puq_buf url = PUQ_BUF_INIT;
	const char *base =
	    ep && ep->cloudflare_api ? ep->cloudflare_api : PUQ_DNS_CLOUDFLARE_API;
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	puq_buf_append(&url, base, blen);
	puq_buf_puts(&url, "/zones/");
	const char *zid = zone->f[PUQ_DNS_ZF_ZONE_ID] ? zone->f[PUQ_DNS_ZF_ZONE_ID] : "";
	puq_buf_urlencode(&url, zid, strlen(zid));
	puq_buf_puts(&url, path);
	struct puq_http_request *req =
	    puq_buf_failed(&url) ? NULL : puq_http_request_new(method, puq_buf_cstr(&url));
	puq_buf_free(&url);
	if (!req)
		return NULL;
	char auth[1100];
	snprintf(auth, sizeof(auth), "Bearer %s",
	         zone->f[PUQ_DNS_ZF_API_TOKEN] ? zone->f[PUQ_DNS_ZF_API_TOKEN] : "");
	int rc = puq_http_request_secret_header(req, "Authorization", auth);
	memset(auth, 0, sizeof(auth));
	if (rc < 0 || puq_http_request_header(req, "Accept", "application/json") < 0) {
		puq_http_request_free(req);
		return NULL;
	}
	return req;
}

/* ---- comparison -------------------------------------------------------------------- */

/* Strips one trailing dot (Cloudflare never returns one, but be lenient). */
static size_t bare_len(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && s[n - 1] == '.' ? n - 1 : n;
}

static bool same_name(const char *a, const char *b)
{
	size_t la = bare_len(a), lb = bare_len(b);
	return la == lb && strncasecmp(a, b, la) == 0;
}

bool puq_dns_cf_same_content(enum puq_dns_rtype type, const char *a, const char *b)
{
	if (type == PUQ_DNS_PTR)
		return same_name(a, b);
	struct puq_ip x, y;
	if (puq_ip_parse_cstr(a, PUQ_IP_ANY, &x, NULL) == 0 &&
	    puq_ip_parse_cstr(b, PUQ_IP_ANY, &y, NULL) == 0)
		return puq_ip_cmp(&x, &y) == 0;
	return strcasecmp(a, b) == 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct cf_key *x = a, *y = b;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

/* The change whose RRset a listed record belongs to, or (size_t)-1. */
static size_t find_change(const struct puq_dns_job *job, const struct cf_state *st,
                          int type, const char *name)
{
	size_t lo = 0, hi = job->nchanges;
	size_t len = bare_len(name);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cf_key *k = &st->order[mid];
		int d = k->type - type;
		if (d == 0) {
			d = strncasecmp(k->name, name, len);
			if (d == 0 && k->name[len] != '\0')
				d = 1;
		}
		if (d == 0)
			return k->change;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* ---- phase 1: look-up -------------------------------------------------------------- */

static int add_query(struct cf_state *st, const char *key, const char *value, long page)
{
	struct puq_buf q = PUQ_BUF_INIT;
	puq_buf_puts(&q, key);
	puq_buf_putc(&q, '=');
	puq_buf_urlencode(&q, value, strlen(value));
	char *text = puq_buf_steal(&q);
	if (!text)
		return -PUQ_ENOMEM;
	struct cf_query *items =
	    PUQ_REALLOC(st->queries, (st->nqueries + 1) * sizeof(*items));
	if (!items) {
		PUQ_FREE(text);
		return -PUQ_ENOMEM;
	}
	st->queries = items;
	st->queries[st->nqueries].query = text;
	st->queries[st->nqueries].page = page;
	st->nqueries++;
	return 0;
}

static int cf_begin(struct puq_dns_job *job)
{
	struct cf_state *st = PUQ_CALLOC(1, sizeof(*st));
	if (!st)
		return -PUQ_ENOMEM;
	job->state = st;
	st->phase = CF_LOOKUP;
	size_t n = job->nchanges;
	st->order = PUQ_CALLOC(n ? n : 1, sizeof(*st->order));
	st->op_first = PUQ_CALLOC(n ? n : 1, sizeof(size_t));
	st->op_count = PUQ_CALLOC(n ? n : 1, sizeof(size_t));
	st->active = PUQ_CALLOC(n ? n : 1, sizeof(size_t));
	if (!st->order || !st->op_first || !st->op_count || !st->active)
		return -PUQ_ENOMEM;
	for (size_t i = 0; i < n; i++)
		st->order[i] =
		    (struct cf_key){(int)job->changes[i].type, job->changes[i].name, i};
	qsort(st->order, n, sizeof(*st->order), cmp_key);

	/* distinct names (changes are unique per (type, name), names may repeat) */
	size_t names = 0;
	for (size_t i = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen && names <= CF_LOOKUP_NAMES; j++)
			seen = strcasecmp(job->changes[i].name, job->changes[j].name) == 0;
		if (!seen)
			names++;
	}
	if (names <= CF_LOOKUP_NAMES) {
		for (size_t i = 0; i < n; i++) {
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = strcasecmp(job->changes[i].name, job->changes[j].name) == 0;
			if (!seen && add_query(st, "name", job->changes[i].name, 1) < 0)
				return -PUQ_ENOMEM;
		}
	} else {
		bool types[3] = {false, false, false};
		for (size_t i = 0; i < n; i++)
			types[job->changes[i].type] = true;
		for (int t = 0; t < 3; t++)
			if (types[t] && add_query(st, "type", puq_dns_rtype_name(t), 1) < 0)
				return -PUQ_ENOMEM;
	}
	return 0;
}

static void cf_end(struct puq_dns_job *job)
{
	struct cf_state *st = job->state;
	if (!st)
		return;
	for (size_t i = 0; i < st->nqueries; i++)
		PUQ_FREE(st->queries[i].query);
	PUQ_FREE(st->queries);
	for (size_t i = 0; i < st->nrecords; i++) {
		PUQ_FREE(st->records[i].id);
		PUQ_FREE(st->records[i].content);
	}
	PUQ_FREE(st->records);
	PUQ_FREE(st->order);
	PUQ_FREE(st->ops);
	PUQ_FREE(st->op_first);
	PUQ_FREE(st->op_count);
	PUQ_FREE(st->active);
	puq_dns_ranges_free(&st->batches);
	PUQ_FREE(st);
	job->state = NULL;
}

/* "Cloudflare error 81058: An identical record already exists." from the envelope. */
int puq_dns_cf_envelope_error(const json_t *j, const struct puq_http_response *resp,
                              char *out, size_t outsz)
{
	const json_t *errors = j ? json_object_get(j, "errors") : NULL;
	const json_t *first = json_is_array(errors) ? json_array_get(errors, 0) : NULL;
	if (first) {
		long long code = 0;
		puq_json_int(first, "code", &code);
		const char *msg = puq_json_str(first, "message");
		int n = snprintf(out, outsz, "Cloudflare error %lld: %s", code, msg ? msg : "");
		const json_t *chain = json_object_get(first, "error_chain");
		const json_t *inner = json_is_array(chain) ? json_array_get(chain, 0) : NULL;
		const char *imsg = inner ? puq_json_str(inner, "message") : NULL;
		if (imsg && n > 0 && (size_t)n < outsz)
			snprintf(out + n, outsz - (size_t)n, " (%s)", imsg);
		return (int)code;
	}
	char detail[200];
	puq_dns_describe_failure(resp, detail, sizeof(detail));
	snprintf(out, outsz, "Cloudflare: %s", detail);
	return 0;
}

/* Zone-wide failures: the job stops. Returns true with the message in out. */
bool puq_dns_cf_zone_failure(const struct puq_http_response *resp, int code,
                             const char *text_in, char *out, size_t outsz)
{
	char text[400]; /* text_in may be out itself; leaves room for the status */
	snprintf(text, sizeof(text), "%s", text_in);
	if (resp->status == 0) {
		char detail[300];
		puq_dns_describe_failure(resp, detail, sizeof(detail));
		snprintf(out, outsz, "Cloudflare API unreachable: %s", detail);
		return true;
	}
	if (resp->status == 429) {
		snprintf(out, outsz,
		         "Cloudflare rate limit reached (HTTP 429): every call is "
		         "refused for a few minutes; resync later");
		return true;
	}
	if (resp->status == 401 || resp->status == 403 || resp->status >= 500 ||
	    code == 7003 || code == 7000 || code == 6003 || code == 9106 || code == 9109 ||
	    code == 10000 || code == 1000) {
		if (code) /* without an envelope the text names the status already */
			snprintf(out, outsz, "%s (HTTP %ld)", text, resp->status);
		else
			snprintf(out, outsz, "%s", text);
		return true;
	}
	return false;
}

static int remember(struct cf_state *st, const char *id, const char *content,
                    size_t change)
{
	if (st->nrecords == st->caprecords) {
		size_t cap = st->caprecords ? st->caprecords * 2 : 16;
		struct cf_record *items = PUQ_REALLOC(st->records, cap * sizeof(*items));
		if (!items)
			return -PUQ_ENOMEM;
		st->records = items;
		st->caprecords = cap;
	}
	struct cf_record *r = &st->records[st->nrecords];
	r->id = puq_strdup(id);
	r->content = puq_strdup(content);
	r->change = change;
	r->keep = false;
	if (!r->id || !r->content) {
		PUQ_FREE(r->id);
		PUQ_FREE(r->content);
		return -PUQ_ENOMEM;
	}
	st->nrecords++;
	return 0;
}

static void lookup_answer(struct puq_dns_job *job, const struct puq_dns_call *call,
                          const struct puq_http_response *resp)
{
	struct cf_state *st = job->state;
	char msg[512];
	json_error_t jerr;
	json_t *j = resp->body ? json_loadb(resp->body, resp->body_len, 0, &jerr) : NULL;
	const json_t *result = j ? json_object_get(j, "result") : NULL;
	if (resp->status != 200 || !json_is_array(result) ||
	    !puq_json_bool(j, "success", false)) {
		int code = puq_dns_cf_envelope_error(j, resp, msg, sizeof(msg));
		if (!puq_dns_cf_zone_failure(resp, code, msg, msg, sizeof(msg)) &&
		    resp->status == 200)
			snprintf(msg, sizeof(msg),
			         "Cloudflare answered the record listing without a "
			         "result list");
		st->stopped = true;
		puq_dns_job_fail_pending(job, call->req, resp, "%s", msg);
		json_decref(j);
		return;
	}
	size_t i;
	json_t *rec;
	json_array_foreach(result, i, rec)
	{
		const char *id = puq_json_str(rec, "id"), *name = puq_json_str(rec, "name");
		const char *type = puq_json_str(rec, "type"),
		           *content = puq_json_str(rec, "content");
		int t = puq_dns_rtype_parse(type);
		if (!id || !name || !content || t < 0)
			continue;
		size_t c = find_change(job, st, t, name);
		if (c == (size_t)-1)
			continue; /* not an RRset this job owns: never touched */
		if (remember(st, id, content, c) < 0) {
			st->stopped = true;
			puq_dns_job_fail_pending(job, NULL, NULL, "out of memory");
			break;
		}
	}
	const json_t *info = json_object_get(j, "result_info");
	long long page = 0, pages = 0;
	if (info && puq_json_int(info, "page", &page) &&
	    puq_json_int(info, "total_pages", &pages) && page < pages && !st->stopped) {
		/* the query text of this call follows "?"; ask for the next page of it */
		const char *q = strchr(call->req->url, '?');
		struct cf_query *items =
		    q ? PUQ_REALLOC(st->queries, (st->nqueries + 1) * sizeof(*items)) : NULL;
		char *text = NULL;
		if (items) {
			st->queries = items;
			size_t qlen = strcspn(q + 1, "&");
			text = puq_strndup(q + 1, qlen);
		}
		if (!text) {
			st->stopped = true;
			puq_dns_job_fail_pending(job, NULL, NULL, "out of memory");
		} else {
			st->queries[st->nqueries].query = text;
			st->queries[st->nqueries].page = call->page + 1;
			st->nqueries++;
		}
	}
	json_decref(j);
}

/* ---- the driver -------------------------------------------------------------------- */

static int cf_next(struct puq_dns_job *job, struct puq_dns_calls *out)
{
	struct cf_state *st = job->state;
	if (st->stopped)
		return 0;
	if (st->phase == CF_LOOKUP && st->nqueries > 0) {
		for (size_t i = 0; i < st->nqueries; i++) {
			char path[1200];
			snprintf(path, sizeof(path), "/dns_records?%s&per_page=%d&page=%ld",
			         st->queries[i].query, CF_PER_PAGE, st->queries[i].page);
			struct puq_http_request *req =
			    puq_dns_cf_request(job->zone, job->ep, "GET", path);
			struct puq_dns_call *call = puq_dns_calls_push(out, job, req, CF_LOOKUP);
			if (!call)
				return -PUQ_ENOMEM;
			call->page = st->queries[i].page;
			PUQ_FREE(st->queries[i].query);
		}
		st->nqueries = 0;
		return 0;
	}
	if (st->phase == CF_LOOKUP) {
		st->phase = CF_BATCH;
		if (puq_dns_cf_plan(job) < 0)
			return -PUQ_ENOMEM;
	}
	struct puq_dns_range r;
	if (!puq_dns_ranges_pop(&st->batches, &r))
		return 0;
	return puq_dns_cf_batch_call(job, out, &r);
}

static void cf_interpret(struct puq_dns_job *job, const struct puq_dns_call *call,
                         const struct puq_http_response *resp)
{
	if (call->what == CF_LOOKUP)
		lookup_answer(job, call, resp);
	else
		puq_dns_cf_batch_answer(job, call, resp);
}

static struct puq_http_request *cf_test_request(const struct puq_dns_zone *zone,
                                                const struct puq_dns_endpoint *ep)
{
	struct puq_http_request *req = puq_dns_cf_request(zone, ep, "GET", "");
	if (req) {
		req->timeout_ms = ep->timeout_ms;
		req->tls = ep->tls;
	}
	return req;
}

static void cf_test_interpret(const struct puq_dns_zone *zone,
                              const struct puq_http_response *resp,
                              struct puq_dns_test_result *res)
{
	res->ok = false;
	res->http_status = resp->status;
	json_error_t jerr;
	json_t *j = resp->body ? json_loadb(resp->body, resp->body_len, 0, &jerr) : NULL;
	const json_t *result = j ? json_object_get(j, "result") : NULL;
	if (resp->status != 200 || !puq_json_bool(j, "success", false) ||
	    !json_is_object(result)) {
		char msg[400];
		int code = puq_dns_cf_envelope_error(j, resp, msg, sizeof(msg));
		(void)code;
		snprintf(res->message, sizeof(res->message), "%s (HTTP %ld)", msg, resp->status);
		json_decref(j);
		return;
	}
	const char *name = puq_json_str(result, "name");
	const char *status = puq_json_str(result, "status");
	const json_t *account = json_object_get(result, "account");
	const char *account_id = account ? puq_json_str(account, "id") : NULL;
	const char *want_account = zone->f[PUQ_DNS_ZF_ACCOUNT_ID];
	if (!name || !same_name(name, zone->f[PUQ_DNS_ZF_ZONE])) {
		snprintf(res->message, sizeof(res->message),
		         "Zone ID %s belongs to zone %s, not %s", zone->f[PUQ_DNS_ZF_ZONE_ID],
		         name ? name : "(unnamed)", zone->f[PUQ_DNS_ZF_ZONE]);
	} else if (want_account && *want_account && account_id &&
	           strcasecmp(account_id, want_account) != 0) {
		snprintf(res->message, sizeof(res->message),
		         "zone %s belongs to account %s, not to the Account ID configured", name,
		         account_id);
	} else {
		res->ok = true;
		snprintf(res->message, sizeof(res->message), "zone %s found (%s)", name,
		         status ? status : "status unknown");
	}
	json_decref(j);
}

const struct puq_dns_driver puq_dns_driver_cloudflare = {
    .provider = PUQ_DNS_CLOUDFLARE,
    .name = "cloudflare",
    .begin = cf_begin,
    .next = cf_next,
    .interpret = cf_interpret,
    .end = cf_end,
    .test_request = cf_test_request,
    .test_interpret = cf_test_interpret,
};
