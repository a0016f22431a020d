/*
 * The HestiaCP driver (the panel's CLI-over-HTTP API, POST {server}api/).
 *
 * HestiaCP has neither batches nor upserts, and v-add-dns-record does not even say
 * which ID it gave the record, so a zone job lists first and then diffs:
 *
 *  1. v-list-dns-records USER DOMAIN json: the zone's records by ID. Only records at
 *     an owned name and type are looked at; everything else in the zone is invisible
 *     to the rest of the job.
 *  2. For each RRset: wanted contents missing from the zone are added, records with an
 *     unwanted content deleted. All adds run before any delete, so a name whose record
 *     changes always resolves; an RRset whose add failed keeps its old records.
 *
 * Commands run one at a time (each edits the zone file) with returncode=yes, so the
 * answer is the command's exit code even in the legacy password mode, which answers
 * HTTP 200 for failures. Exit 4 (exists) on add and 3 (does not exist) on delete mean
 * the wanted state is there already. Only the last command asks HestiaCP to reload DNS.
 *
 * Credentials: the admin user and password (legacy mode), or, when the password field
 * holds an access key "ACCESSKEYID:SECRET", the key (hash=...). Both travel in the form
 * body, which is scrubbed before anything is logged.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "puqkvm/dns_driver.h"
#include "puqkvm/ip.h"

#define HESTIA_TTL "3600"

enum { HE_LIST = 1, HE_ADD, HE_DELETE, HE_TEST };

/* HestiaCP's exit codes (func/main.sh), for messages. */
static const char *const exit_names[] = {
    "OK",          "E_ARGS",        "E_INVALID", "E_NOTEXIST", "E_EXISTS",
    "E_SUSPENDED", "E_UNSUSPENDED", "E_INUSE",   "E_LIMIT",    "E_PASSWORD",
    "E_FORBIDEN",  "E_DISABLED",    "E_PARSING", "E_DISK",     "E_LA",
    "E_CONNECT",   "E_FTP",         "E_DB",      "E_RRD",      "E_UPDATE",
    "E_RESTART",   "E_API_DISABLED"};
static const char *const exit_texts[] = {"success",
                                         "not enough arguments",
                                         "invalid object or argument",
                                         "object does not exist",
                                         "object already exists",
                                         "object suspended",
                                         "already unsuspended",
                                         "in use",
                                         "package limit reached",
                                         "wrong password or key",
                                         "forbidden",
                                         "subsystem disabled",
                                         "broken configuration",
                                         "disk full",
                                         "load too high",
                                         "connection failed",
                                         "FTP not responding",
                                         "DB not responding",
                                         "RRD failure",
                                         "update failed",
                                         "service restart failed",
                                         "API disabled"};

struct he_op {
	int what; /* HE_ADD or HE_DELETE */
	size_t change;
	char *id;            /* delete: the record ID */
	const char *content; /* add: borrowed from the change */
};

struct he_state {
	bool listed;
	bool stopped;
	struct he_op *ops;
	size_t nops, next;
	bool *failed; /* per change: an operation failed, skip the rest of it */
};

static bool access_key(const char *password)
{
	/* 20 alphanumerics, ':', the 40-character secret */
	if (!password || strlen(password) != 61 || password[20] != ':')
		return false;
	for (int i = 0; i < 20; i++)
		if (!isalnum((unsigned char)password[i]))
			return false;
	return true;
}

static void form_field(struct puq_buf *b, const char *key, const char *value)
{
	if (b->len)
		puq_buf_putc(b, '&');
	puq_buf_puts(b, key);
	puq_buf_putc(b, '=');
	puq_buf_urlencode(b, value ? value : "", value ? strlen(value) : 0);
}

/* A command with its arguments; args end with NULL. */
static struct puq_http_request *command(const struct puq_dns_zone *zone,
                                        const struct puq_dns_endpoint *ep,
                                        bool returncode, const char *cmd,
                                        const char **args)
{
	struct puq_buf url = PUQ_BUF_INIT, body = PUQ_BUF_INIT;
	puq_buf_puts(&url,
	             zone->f[PUQ_DNS_ZF_SERVER_URL] ? zone->f[PUQ_DNS_ZF_SERVER_URL] : "");
	puq_buf_puts(&url, "api/");
	const char *password = zone->f[PUQ_DNS_ZF_ADMIN_PASSWORD];
	if (access_key(password)) {
		form_field(&body, "hash", password);
	} else {
		form_field(&body, "user", zone->f[PUQ_DNS_ZF_ADMIN_USER]);
		form_field(&body, "password", password);
	}
	form_field(&body, "returncode", returncode ? "yes" : "no");
	form_field(&body, "cmd", cmd);
	for (int i = 0; args[i]; i++) {
		char key[16];
		snprintf(key, sizeof(key), "arg%d", i + 1);
		form_field(&body, key, args[i]);
	}
	struct puq_http_request *req = NULL;
	if (!puq_buf_failed(&url) && !puq_buf_failed(&body))
		req = puq_http_request_new("POST", puq_buf_cstr(&url));
	if (req && puq_http_request_body(req, "application/x-www-form-urlencoded", body.data,
	                                 body.len) < 0) {
		puq_http_request_free(req);
		req = NULL;
	}
	if (body.data)
		memset(body.data, 0, body.len); /* the password was in there */
	puq_buf_free(&body);
	puq_buf_free(&url);
	if (req) {
		req->timeout_ms = ep ? ep->timeout_ms : 0;
		req->tls = ep ? ep->tls : NULL;
	}
	return req;
}

/* "Error: ..." text of a failed command, or a status description. */
static void failure_text(const struct puq_http_response *resp, char *out, size_t outsz)
{
	if (resp->status == 0 || !resp->body || !resp->body_len) {
		char detail[300];
		puq_dns_describe_failure(resp, detail, sizeof(detail));
		snprintf(out, outsz, "HestiaCP %s", detail);
		return;
	}
	size_t n = resp->body_len;
	while (n > 0 && isspace((unsigned char)resp->body[n - 1]))
		n--;
	if (resp->status == 200) /* the legacy mode's way of failing */
		snprintf(out, outsz, "HestiaCP: %.*s", (int)(n > 300 ? 300 : n), resp->body);
	else
		snprintf(out, outsz, "HestiaCP: %.*s (HTTP %ld)", (int)(n > 300 ? 300 : n),
		         resp->body, resp->status);
}

static void exit_text(long code, char *out, size_t outsz)
{
	if (code >= 0 && (size_t)code < PUQ_ARRAY_LEN(exit_names))
		snprintf(out, outsz, "HestiaCP exit code %ld (%s: %s)", code, exit_names[code],
		         exit_texts[code]);
	else
		snprintf(out, outsz, "HestiaCP exit code %ld", code);
}

/* The record's full name from HestiaCP's zone-relative RECORD. */
static void full_name(const char *record, const char *zone, char *out, size_t outsz)
{
	if (strcmp(record, "@") == 0 || record[0] == '\0')
		snprintf(out, outsz, "%s", zone);
	else
		snprintf(out, outsz, "%s.%s", record, zone);
	size_t n = strlen(out);
	if (n > 0 && out[n - 1] == '.')
		out[n - 1] = '\0';
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
}

/* The zone-relative RECORD HestiaCP wants for a name of the zone. */
static void relative_name(const char *name, const char *zone, char *out, size_t outsz)
{
	size_t nl = strlen(name), zl = strlen(zone);
	if (nl == zl)
		snprintf(out, outsz, "@");
	else
		snprintf(out, outsz, "%.*s", (int)(nl - zl - 1), name);
}

static bool same_value(enum puq_dns_rtype type, const char *have, const char *want)
{
	size_t hl = strlen(have), wl = strlen(want);
	if (hl > 0 && have[hl - 1] == '.')
		hl--;
	if (wl > 0 && want[wl - 1] == '.')
		wl--;
	if (type == PUQ_DNS_PTR)
		return hl == wl && strncasecmp(have, want, hl) == 0;
	struct puq_ip x, y;
	return puq_ip_parse(have, hl, PUQ_IP_ANY, &x, NULL) == 0 &&
	       puq_ip_parse(want, wl, PUQ_IP_ANY, &y, NULL) == 0 && puq_ip_cmp(&x, &y) == 0;
}

static int push_op(struct he_state *st, int what, size_t change, const char *id,
                   const char *content)
{
	struct he_op *ops = PUQ_REALLOC(st->ops, (st->nops + 1) * sizeof(*ops));
	if (!ops)
		return -PUQ_ENOMEM;
	st->ops = ops;
	char *idcopy = id ? puq_strdup(id) : NULL;
	if (id && !idcopy)
		return -PUQ_ENOMEM;
	st->ops[st->nops++] = (struct he_op){what, change, idcopy, content};
	return 0;
}

/* Diffs the listing against the changes into operations: adds first, then deletes. */
static int plan_ops(struct puq_dns_job *job, const json_t *records)
{
	struct he_state *st = job->state;
	const char *zone = job->zone->f[PUQ_DNS_ZF_ZONE];
	for (int pass = 0; pass < 2; pass++) { /* adds, then deletes */
		for (size_t c = 0; c < job->nchanges; c++) {
			const struct puq_dns_change *ch = &job->changes[c];
			bool have[64] = {false};
			size_t nwant = ch->ncontents < 64 ? ch->ncontents : 64;
			const char *key;
			json_t *rec;
			json_object_foreach((json_t *)records, key, rec)
			{
				const char *record = puq_json_str(rec, "RECORD");
				const char *type = puq_json_str(rec, "TYPE");
				const char *value = puq_json_str(rec, "VALUE");
				const char *id = puq_json_str(rec, "ID");
				if (!record || !type || !value)
					continue;
				char name[PUQ_DNS_NAME_MAX + 64];
				full_name(record, zone, name, sizeof(name));
				if (puq_dns_rtype_parse(type) != (int)ch->type ||
				    strcmp(name, ch->name) != 0)
					continue; /* not this RRset */
				bool wanted = false;
				for (size_t k = 0; k < nwant && !wanted; k++)
					if (!have[k] && same_value(ch->type, value, ch->contents[k]))
						wanted = have[k] = true;
				if (!wanted && pass == 1 &&
				    push_op(st, HE_DELETE, c, id ? id : key, NULL) < 0)
					return -PUQ_ENOMEM;
			}
			if (pass == 0)
				for (size_t k = 0; k < nwant; k++)
					if (!have[k] && push_op(st, HE_ADD, c, NULL, ch->contents[k]) < 0)
						return -PUQ_ENOMEM;
		}
	}
	/* RRsets with nothing to do are already right */
	for (size_t c = 0; c < job->nchanges; c++) {
		bool any = false;
		for (size_t o = 0; o < st->nops && !any; o++)
			any = st->ops[o].change == c;
		if (!any)
			puq_dns_job_ok(job, c);
	}
	return 0;
}

static int he_begin(struct puq_dns_job *job)
{
	struct he_state *st = PUQ_CALLOC(1, sizeof(*st));
	if (!st)
		return -PUQ_ENOMEM;
	job->state = st;
	st->failed = PUQ_CALLOC(job->nchanges ? job->nchanges : 1, sizeof(bool));
	return st->failed ? 0 : -PUQ_ENOMEM;
}

static void he_end(struct puq_dns_job *job)
{
	struct he_state *st = job->state;
	if (!st)
		return;
	for (size_t i = 0; i < st->nops; i++)
		PUQ_FREE(st->ops[i].id);
	PUQ_FREE(st->ops);
	PUQ_FREE(st->failed);
	PUQ_FREE(st);
	job->state = NULL;
}

/* Whether the operations of change c from index `from` on are all done. */
static bool change_finished(const struct he_state *st, size_t c, size_t from)
{
	for (size_t o = from; o < st->nops; o++)
		if (st->ops[o].change == c)
			return false;
	return true;
}

static int he_next(struct puq_dns_job *job, struct puq_dns_calls *out)
{
	struct he_state *st = job->state;
	const struct puq_dns_zone *z = job->zone;
	if (st->stopped)
		return 0;
	if (!st->listed) {
		const char *args[] = {z->f[PUQ_DNS_ZF_USER], z->f[PUQ_DNS_ZF_ZONE], "json", NULL};
		struct puq_http_request *req =
		    command(z, job->ep, false, "v-list-dns-records", args);
		return puq_dns_calls_push(out, job, req, HE_LIST) ? 0 : -PUQ_ENOMEM;
	}
	while (st->next < st->nops && st->failed[st->ops[st->next].change])
		st->next++; /* an RRset whose add failed keeps its old records */
	if (st->next >= st->nops)
		return 0;

	size_t i = st->next;
	const struct he_op *op = &st->ops[i];
	const struct puq_dns_change *ch = &job->changes[op->change];
	/* reload DNS only with the last command of the zone */
	bool last = true;
	for (size_t o = i + 1; o < st->nops && last; o++)
		last = st->failed[st->ops[o].change];
	const char *restart = last ? "yes" : "no";
	struct puq_http_request *req;
	if (op->what == HE_ADD) {
		char record[PUQ_DNS_NAME_MAX];
		relative_name(ch->name, z->f[PUQ_DNS_ZF_ZONE], record, sizeof(record));
		const char *args[] = {z->f[PUQ_DNS_ZF_USER],
		                      z->f[PUQ_DNS_ZF_ZONE],
		                      record,
		                      puq_dns_rtype_name(ch->type),
		                      op->content,
		                      "",
		                      "",
		                      restart,
		                      HESTIA_TTL,
		                      NULL};
		req = command(z, job->ep, true, "v-add-dns-record", args);
	} else {
		const char *args[] = {z->f[PUQ_DNS_ZF_USER], z->f[PUQ_DNS_ZF_ZONE], op->id,
		                      restart, NULL};
		req = command(z, job->ep, true, "v-delete-dns-record", args);
	}
	struct puq_dns_call *call = puq_dns_calls_push(out, job, req, op->what);
	if (!call)
		return -PUQ_ENOMEM;
	call->lo = i;
	st->next = i + 1;
	return 0;
}

static void he_interpret(struct puq_dns_job *job, const struct puq_dns_call *call,
                         const struct puq_http_response *resp)
{
	struct he_state *st = job->state;
	char msg[512];
	if (call->what == HE_LIST) {
		st->listed = true;
		json_error_t jerr;
		json_t *j = NULL;
		if (resp->status == 200 && resp->body && resp->body_len &&
		    strncmp(resp->body, "Error", 5) != 0)
			j = json_loadb(resp->body, resp->body_len, 0, &jerr);
		if (json_is_array(j) && json_array_size(j) == 0) { /* an empty zone */
			json_decref(j);
			j = json_object();
		}
		if (!json_is_object(j)) {
			if (resp->status == 200 && resp->body && strncmp(resp->body, "Error", 5) != 0)
				snprintf(msg, sizeof(msg),
				         "HestiaCP answered the record listing with "
				         "something that is not JSON");
			else
				failure_text(resp, msg, sizeof(msg));
			st->stopped = true;
			puq_dns_job_fail_pending(job, call->req, resp, "%s", msg);
		} else if (plan_ops(job, j) < 0) {
			st->stopped = true;
			puq_dns_job_fail_pending(job, NULL, NULL, "out of memory");
		}
		json_decref(j);
		return;
	}

	const struct he_op *op = &st->ops[call->lo];
	size_t c = op->change;
	long code = -1;
	if (resp->status == 200 && resp->body && resp->body_len) {
		char *end = NULL;
		code = strtol(resp->body, &end, 10);
		while (end && isspace((unsigned char)*end))
			end++;
		if (!end || end == resp->body || *end != '\0')
			code = -1;
	}
	if (code < 0) { /* not an exit code: HTTP-level failure (auth, IP allow-list, down) */
		failure_text(resp, msg, sizeof(msg));
		st->stopped = true;
		puq_dns_job_fail_pending(job, call->req, resp, "%s", msg);
		return;
	}
	bool fine = code == 0 || (op->what == HE_ADD && code == 4) ||
	            (op->what == HE_DELETE && code == 3);
	if (!fine) {
		exit_text(code, msg, sizeof(msg));
		if (code == 9 || code == 10 || code == 21) { /* credentials: the whole zone */
			st->stopped = true;
			puq_dns_job_fail_pending(job, call->req, resp, "%s", msg);
			return;
		}
		st->failed[c] = true;
		puq_dns_job_fail(job, c, call->req, resp, "%s on %s %s", msg,
		                 op->what == HE_ADD ? "v-add-dns-record" : "v-delete-dns-record",
		                 op->what == HE_ADD ? op->content : op->id);
		return;
	}
	if (change_finished(st, c, call->lo + 1))
		puq_dns_job_ok(job, c);
}

static struct puq_http_request *he_test_request(const struct puq_dns_zone *zone,
                                                const struct puq_dns_endpoint *ep)
{
	const char *args[] = {zone->f[PUQ_DNS_ZF_USER], "json", NULL};
	return command(zone, ep, false, "v-list-dns-domains", args);
}

static void he_test_interpret(const struct puq_dns_zone *zone,
                              const struct puq_http_response *resp,
                              struct puq_dns_test_result *res)
{
	res->ok = false;
	res->http_status = resp->status;
	json_error_t jerr;
	json_t *j = NULL;
	if (resp->status == 200 && resp->body && strncmp(resp->body, "Error", 5) != 0)
		j = json_loadb(resp->body, resp->body_len, 0, &jerr);
	if (!j) {
		char msg[400];
		failure_text(resp, msg, sizeof(msg));
		snprintf(res->message, sizeof(res->message), "%s", msg);
		return;
	}
	const json_t *domain =
	    json_is_object(j) ? json_object_get(j, zone->f[PUQ_DNS_ZF_ZONE]) : NULL;
	if (!domain) {
		snprintf(res->message, sizeof(res->message),
		         "HestiaCP user %s has no DNS domain %s (%zu domains listed)",
		         zone->f[PUQ_DNS_ZF_USER], zone->f[PUQ_DNS_ZF_ZONE],
		         json_is_object(j) ? json_object_size(j) : 0);
	} else {
		const char *records = puq_json_str(domain, "RECORDS");
		const char *suspended = puq_json_str(domain, "SUSPENDED");
		res->ok = !suspended || strcmp(suspended, "yes") != 0;
		snprintf(res->message, sizeof(res->message), "zone %s found (%s records%s)",
		         zone->f[PUQ_DNS_ZF_ZONE], records ? records : "?",
		         res->ok ? "" : ", but the domain is suspended");
	}
	json_decref(j);
}

const struct puq_dns_driver puq_dns_driver_hestiacp = {
    .provider = PUQ_DNS_HESTIACP,
    .name = "hestiacp",
    .begin = he_begin,
    .next = he_next,
    .interpret = he_interpret,
    .end = he_end,
    .test_request = he_test_request,
    .test_interpret = he_test_interpret,
};
