/*
 * The Cloudflare driver, second phase: the records looked up at the owned names become
 * operations - records with a wanted content stay, records with an unwanted one are
 * patched in place to a missing content, missing contents are posted, extras deleted -
 * grouped per RRset into batches of at most CF_BATCH_OPS operations, sent to the batch
 * endpoint one at a time. A refused batch is halved until the refused RRset stands
 * alone (cloudflare.c describes the whole driver).
 */
#include <stdio.h>

#include "cloudflare.h"

/* ---- phase 2: apply ---------------------------------------------------------------- */

static int push_op(struct cf_state *st, enum cf_op_kind kind, size_t change,
                   const char *id, const char *content)
{
	struct cf_op *ops = PUQ_REALLOC(st->ops, (st->nops + 1) * sizeof(*ops));
	if (!ops)
		return -PUQ_ENOMEM;
	st->ops = ops;
	st->ops[st->nops++] = (struct cf_op){kind, change, id, content};
	return 0;
}

/* Turns the looked-up records into operations and batches. */
int puq_dns_cf_plan(struct puq_dns_job *job)
{
	struct cf_state *st = job->state;
	for (size_t c = 0; c < job->nchanges; c++) {
		const struct puq_dns_change *ch = &job->changes[c];
		if (job->results[c].state != PUQ_DNS_PENDING)
			continue;
		st->op_first[c] = st->nops;
		/* which wanted contents exist already */
		bool *have = PUQ_CALLOC(ch->ncontents ? ch->ncontents : 1, sizeof(bool));
		if (!have)
			return -PUQ_ENOMEM;
		for (size_t r = 0; r < st->nrecords; r++) {
			struct cf_record *rec = &st->records[r];
			if (rec->change != c)
				continue;
			for (size_t k = 0; k < ch->ncontents; k++)
				if (!have[k] &&
				    puq_dns_cf_same_content(ch->type, rec->content, ch->contents[k])) {
					have[k] = rec->keep = true;
					break;
				}
		}
		/* records with unwanted content: patch to a missing content, else delete */
		size_t k = 0;
		int rc = 0;
		for (size_t r = 0; r < st->nrecords && rc == 0; r++) {
			struct cf_record *rec = &st->records[r];
			if (rec->change != c || rec->keep)
				continue;
			while (k < ch->ncontents && have[k])
				k++;
			if (k < ch->ncontents) {
				have[k] = true;
				rc = push_op(st, CF_PATCH, c, rec->id, ch->contents[k]);
			} else {
				rc = push_op(st, CF_DELETE, c, rec->id, NULL);
			}
		}
		for (k = 0; k < ch->ncontents && rc == 0; k++)
			if (!have[k])
				rc = push_op(st, CF_POST, c, NULL, ch->contents[k]);
		PUQ_FREE(have);
		if (rc < 0)
			return rc;
		st->op_count[c] = st->nops - st->op_first[c];
		if (st->op_count[c] == 0)
			puq_dns_job_ok(job, c); /* already as wanted */
		else
			st->active[st->nactive++] = c;
	}
	/* batches of whole RRsets, at most CF_BATCH_OPS operations each */
	size_t lo = 0, ops = 0;
	for (size_t a = 0; a < st->nactive; a++) {
		size_t n = st->op_count[st->active[a]];
		if (ops > 0 && ops + n > CF_BATCH_OPS) {
			if (puq_dns_ranges_add(&st->batches, lo, a, (size_t)-1) < 0)
				return -PUQ_ENOMEM;
			lo = a;
			ops = 0;
		}
		ops += n;
	}
	if (st->nactive > lo &&
	    puq_dns_ranges_add(&st->batches, lo, st->nactive, (size_t)-1) < 0)
		return -PUQ_ENOMEM;
	return 0;
}

static json_t *op_json(const struct puq_dns_job *job, const struct cf_op *op)
{
	const struct puq_dns_change *ch = &job->changes[op->change];
	switch (op->kind) {
	case CF_DELETE:
		return json_pack("{s:s}", "id", op->id);
	case CF_PATCH:
		return json_pack("{s:s, s:s, s:s}", "id", op->id, "content", op->content,
		                 "comment", CF_COMMENT);
	case CF_POST: {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s}", "type",
		                      puq_dns_rtype_name(ch->type), "name", ch->name, "content",
		                      op->content, "ttl", 1, "comment", CF_COMMENT);
		if (o && ch->type != PUQ_DNS_PTR) /* proxied exists for A/AAAA/CNAME only */
			json_object_set_new(o, "proxied", json_false());
		return o;
	}
	}
	return NULL;
}

int puq_dns_cf_batch_call(struct puq_dns_job *job, struct puq_dns_calls *out,
                          const struct puq_dns_range *r)
{
	struct cf_state *st = job->state;
	json_t *lists[3] = {json_array(), json_array(), json_array()};
	for (size_t a = r->lo; a < r->hi; a++) {
		size_t c = st->active[a];
		for (size_t o = st->op_first[c]; o < st->op_first[c] + st->op_count[c]; o++)
			json_array_append_new(lists[st->ops[o].kind], op_json(job, &st->ops[o]));
	}
	json_t *body = json_object();
	static const char *const keys[3] = {"deletes", "patches", "posts"};
	for (int k = 0; k < 3; k++) {
		if (lists[k] && json_array_size(lists[k]) > 0)
			json_object_set(body, keys[k], lists[k]);
		json_decref(lists[k]);
	}
	struct puq_http_request *req =
	    body ? puq_dns_cf_request(job->zone, job->ep, "POST", "/dns_records/batch")
	         : NULL;
	int rc = req ? puq_http_request_json(req, body) : -PUQ_ENOMEM;
	json_decref(body);
	if (rc < 0) {
		puq_http_request_free(req);
		return -PUQ_ENOMEM;
	}
	struct puq_dns_call *call = puq_dns_calls_push(out, job, req, CF_BATCH);
	if (!call)
		return -PUQ_ENOMEM;
	call->lo = r->lo;
	call->hi = r->hi;
	return 0;
}

/* A refused single RRset whose refusal means "already as wanted". */
static bool benign(const struct cf_state *st, size_t c, int code)
{
	bool only_posts = true, only_deletes = true;
	for (size_t o = st->op_first[c]; o < st->op_first[c] + st->op_count[c]; o++) {
		only_posts &= st->ops[o].kind == CF_POST;
		only_deletes &= st->ops[o].kind == CF_DELETE;
	}
	return (code == 81058 && only_posts) || (code == 81044 && only_deletes);
}

void puq_dns_cf_batch_answer(struct puq_dns_job *job, const struct puq_dns_call *call,
                             const struct puq_http_response *resp)
{
	struct cf_state *st = job->state;
	json_error_t jerr;
	json_t *j = resp->body ? json_loadb(resp->body, resp->body_len, 0, &jerr) : NULL;
	if (resp->status >= 200 && resp->status < 300 && puq_json_bool(j, "success", false)) {
		for (size_t a = call->lo; a < call->hi; a++)
			puq_dns_job_ok(job, st->active[a]);
		json_decref(j);
		return;
	}
	char msg[512];
	int code = puq_dns_cf_envelope_error(j, resp, msg, sizeof(msg));
	json_decref(j);
	if (puq_dns_cf_zone_failure(resp, code, msg, msg, sizeof(msg))) {
		st->stopped = true;
		puq_dns_job_fail_pending(job, call->req, resp, "%s", msg);
		return;
	}
	if (call->hi - call->lo > 1) {
		if (puq_dns_ranges_split_front(&st->batches, call->lo, call->hi) < 0) {
			st->stopped = true;
			puq_dns_job_fail_pending(job, call->req, resp, "out of memory");
		}
		return;
	}
	size_t c = st->active[call->lo];
	if (benign(st, c, code))
		puq_dns_job_ok(job, c);
	else
		puq_dns_job_fail(job, c, call->req, resp, "%s (HTTP %ld)", msg, resp->status);
}
