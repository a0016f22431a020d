/*
 * The four DNS operations: create (deploy), refresh (change package), delete
 * (terminate) and resync ("Set DNS records").
 *
 * Each is the same reconcile with a different first step:
 *
 *   1. the desired records of the services are computed from the explicit inputs and
 *      stored (delete: everything of the services becomes absent) - all inputs are
 *      validated before anything is stored, so bad input changes nothing;
 *   2. the rows of the services (and other services' rows at the same names) are
 *      planned into one job per matching zone (plan.c) - tombstones of earlier failed
 *      removals included, which is how a later resync converges;
 *   3. the jobs run on the http engine, all zones at once (run.c); every RRset result
 *      becomes a line for the caller ("fwd OK [powerdns] example.com ← ... → ...");
 *   4. the rows are settled (records_store.c) and, when WHMCS logs module calls, every
 *      failure and a summary go to tblmodulelog.
 *
 * Provider trouble never makes an operation fail: it shows in the report, the lines and
 * the module log. Only bad input and database failures are returned as errors.
 */
#include <stdio.h>

#include "puqkvm/dns_driver.h"

static const char *const op_names[] = {"create", "refresh", "delete", "resync"};

const char *puq_dns_op_name(enum puq_dns_op op)
{
	return (unsigned)op < PUQ_ARRAY_LEN(op_names) ? op_names[op] : "?";
}

void puq_dns_report_init(struct puq_dns_report *r)
{
	memset(r, 0, sizeof(*r));
	puq_buf_init(&r->lines);
}

void puq_dns_report_free(struct puq_dns_report *r)
{
	puq_buf_free(&r->lines);
	memset(r, 0, sizeof(*r));
}

struct op_run {
	const struct puq_dns_ctx *ctx;
	enum puq_dns_op op;
	struct puq_dns_report *report;
	bool log;            /* WHMCS module logging is on */
	struct puq_buf errs; /* ERR lines, for the summary entry */
};

/* Formats the line of one change's result and hands it out. */
static void on_resolved(void *arg, struct puq_dns_job *job, size_t i)
{
	struct op_run *run = arg;
	const struct puq_dns_change *ch = &job->changes[i];
	const struct puq_dns_result *res = &job->results[i];
	bool ok = res->state == PUQ_DNS_DONE_OK;
	bool removal = ch->ncontents == 0;
	const char *kind = ch->type == PUQ_DNS_PTR ? (removal ? "rev-del" : "rev")
	                                           : (removal ? "fwd-del" : "fwd");
	const char *zone = job->zone->f[PUQ_DNS_ZF_ZONE];
	const char *provider = puq_dns_provider_name(job->zone->provider);

	struct puq_buf content = PUQ_BUF_INIT;
	puq_buf_append(&content, "", 0);
	for (size_t k = 0; k < ch->ncontents; k++) {
		if (k)
			puq_buf_puts(&content, ", ");
		puq_buf_puts(&content, ch->contents[k]);
	}
	struct puq_buf text = PUQ_BUF_INIT;
	puq_buf_printf(&text, "%s %s [%s] %s \xe2\x86\x90 %s", kind, ok ? "OK" : "ERR",
	               provider, zone, ch->name);
	if (removal)
		puq_buf_printf(&text, " (%s)", puq_dns_rtype_name(ch->type));
	else
		puq_buf_printf(&text, " \xe2\x86\x92 %s", puq_buf_cstr(&content));
	if (!ok)
		puq_buf_printf(&text, ": %s", res->message ? res->message : "failed");

	struct puq_dns_line line = {
	    .text = puq_buf_cstr(&text),
	    .ok = ok,
	    .removal = removal,
	    .kind = kind,
	    .provider = job->zone->provider,
	    .zone_id = job->zone->id,
	    .zone = zone,
	    .name = ch->name,
	    .type = puq_dns_rtype_name(ch->type),
	    .content = puq_buf_cstr(&content),
	    .message = ok ? "" : (res->message ? res->message : "failed"),
	};
	struct puq_dns_report *rep = run->report;
	if (ok)
		rep->ok++;
	else
		rep->failed++;
	puq_buf_puts(&rep->lines, line.text);
	puq_buf_putc(&rep->lines, '\n');
	if (run->ctx->on_line)
		run->ctx->on_line(run->ctx->line_ctx, &line);

	if (!ok && run->log) {
		char action[64];
		snprintf(action, sizeof(action), "DNS %s: %s ERR", puq_dns_op_name(run->op),
		         kind);
		struct puq_error ignored;
		puq_error_clear(&ignored);
		/* best effort: a full module log must not turn into a failed operation */
		puq_dns_modlog_write(run->ctx->db, action, res->request ? res->request : "",
		                     res->response ? res->response : res->message, line.text,
		                     &ignored);
		puq_buf_puts(&run->errs, line.text);
		puq_buf_putc(&run->errs, '\n');
	}
	puq_buf_free(&text);
	puq_buf_free(&content);
}

static void write_summary(struct op_run *run, const long long *ids, size_t n)
{
	struct puq_dns_report *rep = run->report;
	struct puq_buf request = PUQ_BUF_INIT, response = PUQ_BUF_INIT;
	puq_buf_printf(&request, "DNS %s for service%s", puq_dns_op_name(run->op),
	               n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < 50; i++)
		puq_buf_printf(&request, "%s %lld", i ? "," : "", ids[i]);
	if (n > 50)
		puq_buf_printf(&request, " and %zu more", n - 50);
	puq_buf_printf(&response, "%zu OK, %zu ERR, %zu requests", rep->ok, rep->failed,
	               rep->requests);
	char action[64];
	snprintf(action, sizeof(action), "DNS %s: summary", puq_dns_op_name(run->op));
	struct puq_error ignored;
	puq_error_clear(&ignored);
	puq_dns_modlog_write(run->ctx->db, action, puq_buf_cstr(&request),
	                     puq_buf_cstr(&response), puq_buf_cstr(&run->errs), &ignored);
	puq_buf_free(&request);
	puq_buf_free(&response);
}

/* Steps 2-4 for the services (the desired rows are stored already). */
static int reconcile(struct op_run *run, const long long *ids, size_t n,
                     struct puq_error *err)
{
	const struct puq_dns_ctx *ctx = run->ctx;
	struct puq_dns_zones zones = {0};
	struct puq_dns_rowset rows = {0};
	struct puq_dns_plan plan = {0};
	struct puq_http_engine *own = NULL;
	long timeout = ctx->timeout_ms > 0 ? ctx->timeout_ms : 60000;
	struct puq_dns_endpoint ep = {
	    timeout, ctx->cloudflare_api ? ctx->cloudflare_api : PUQ_DNS_CLOUDFLARE_API,
	    ctx->tls};

	int rc = puq_dns_zone_list(ctx->db, &zones, err);
	if (rc == 0)
		rc = puq_dns_rows_load(ctx->db, ids, n, &rows, err);
	if (rc == 0)
		rc = puq_dns_plan_build(&plan, &zones, rows.rows, rows.count, &ep, err);
	if (rc == 0 && plan.njobs > 0) {
		struct puq_http_engine *http = ctx->http;
		if (!http) {
			struct puq_http_options opt = {.default_timeout_ms = timeout,
			                               .connect_timeout_ms =
			                                   timeout < 10000 ? timeout : 10000};
			http = own = puq_http_engine_new(&opt, err);
			if (!http)
				rc = err && err->code ? -err->code : -PUQ_EHTTP;
		}
		if (rc == 0) {
			long made = puq_dns_run(http, plan.jobs, plan.njobs, on_resolved, run);
			if (made > 0)
				run->report->requests += (size_t)made;
		}
	}
	if (rc == 0) {
		puq_dns_plan_collect(&plan);
		rc = puq_dns_rows_settle(ctx->db, &rows, &plan, err);
	}
	if (rc == 0 && run->log && run->report->failed > 0)
		write_summary(run, ids, n);
	puq_http_engine_free(own);
	puq_dns_plan_free(&plan);
	puq_dns_rowset_free(&rows);
	puq_dns_zones_free(&zones);
	return rc;
}

static int begin(struct op_run *run, const struct puq_dns_ctx *ctx, enum puq_dns_op op,
                 size_t n, struct puq_dns_report *report, struct puq_error *err)
{
	memset(run, 0, sizeof(*run));
	run->ctx = ctx;
	run->op = op;
	run->report = report;
	report->op = op;
	report->services = n;
	puq_buf_init(&run->errs);
	if (!ctx || !ctx->db)
		return puq_error_set(err, PUQ_EINVAL,
		                     "no database connection for the DNS operation");
	/* asked once per operation, as WHMCS would for each logModuleCall */
	run->log = !ctx->no_module_log && puq_dns_modlog_enabled(ctx->db);
	return 0;
}

/* Other services a resync takes along, at most. */
#define PENDING_MAX 256

/*
 * A resync also finishes what earlier operations could not: every service's removals
 * and writes a provider failed (a service terminated while its provider was down has
 * no operation of its own left). *ids (allocated) grows by those services; *n too.
 */
static int with_pending(struct op_run *run, long long **ids, size_t *n, struct puq_error *err)
{
	long long *pending = NULL;
	size_t np = 0;
	int rc = puq_dns_rows_pending(run->ctx->db, PENDING_MAX, &pending, &np, err);
	long long *all = rc == 0 ? PUQ_CALLOC(*n + np ? *n + np : 1, sizeof(*all)) : NULL;
	if (rc == 0 && !all)
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	if (rc == 0) {
		size_t m = *n;
		memcpy(all, *ids, *n * sizeof(*all));
		for (size_t i = 0; i < np; i++) {
			bool have = false;
			for (size_t k = 0; k < *n && !have; k++)
				have = all[k] == pending[i];
			if (!have)
				all[m++] = pending[i];
		}
		PUQ_FREE(*ids);
		*ids = all;
		*n = m;
	}
	PUQ_FREE(pending);
	return rc;
}

static int with_inputs(const struct puq_dns_ctx *ctx, enum puq_dns_op op,
                       const struct puq_dns_service *svcs, size_t n,
                       struct puq_dns_report *report, struct puq_error *err)
{
	struct op_run run;
	int rc = begin(&run, ctx, op, n, report, err);
	if (rc < 0)
		return rc;
	struct puq_dns_records *recs = PUQ_CALLOC(n ? n : 1, sizeof(*recs));
	long long *ids = PUQ_CALLOC(n ? n : 1, sizeof(*ids));
	if (!recs || !ids)
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	/* every input is checked before anything is stored */
	for (size_t i = 0; i < n && rc == 0; i++) {
		ids[i] = svcs[i].service_id;
		if (svcs[i].service_id <= 0) {
			rc = puq_error_field(err, "service_id",
			                     "The service ID must be a positive number");
		} else if ((rc = puq_dns_desired(&svcs[i], &recs[i], err)) < 0 && n > 1) {
			puq_error_prefix(err, "service %lld", svcs[i].service_id);
		}
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = puq_dns_rows_store(ctx->db, ids[i], &recs[i], err);
	size_t nids = n;
	if (rc == 0 && op == PUQ_DNS_OP_RESYNC)
		rc = with_pending(&run, &ids, &nids, err);
	if (rc == 0)
		rc = reconcile(&run, ids, nids, err);
	for (size_t i = 0; recs && i < n; i++)
		puq_dns_records_free(&recs[i]);
	PUQ_FREE(recs);
	PUQ_FREE(ids);
	puq_buf_free(&run.errs);
	return rc;
}

int puq_dns_create(const struct puq_dns_ctx *ctx, const struct puq_dns_service *svcs,
                   size_t n, struct puq_dns_report *report, struct puq_error *err)
{
	return with_inputs(ctx, PUQ_DNS_OP_CREATE, svcs, n, report, err);
}

int puq_dns_refresh(const struct puq_dns_ctx *ctx, const struct puq_dns_service *svcs,
                    size_t n, struct puq_dns_report *report, struct puq_error *err)
{
	return with_inputs(ctx, PUQ_DNS_OP_REFRESH, svcs, n, report, err);
}

int puq_dns_resync(const struct puq_dns_ctx *ctx, const struct puq_dns_service *svcs,
                   size_t n, struct puq_dns_report *report, struct puq_error *err)
{
	return with_inputs(ctx, PUQ_DNS_OP_RESYNC, svcs, n, report, err);
}

int puq_dns_delete(const struct puq_dns_ctx *ctx, const long long *service_ids, size_t n,
                   struct puq_dns_report *report, struct puq_error *err)
{
	struct op_run run;
	int rc = begin(&run, ctx, PUQ_DNS_OP_DELETE, n, report, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++)
		if (service_ids[i] <= 0)
			rc = puq_error_field(err, "service_id",
			                     "The service ID must be a positive number");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = puq_dns_rows_store(ctx->db, service_ids[i], NULL, err);
	if (rc == 0)
		rc = reconcile(&run, service_ids, n, err);
	puq_buf_free(&run.errs);
	return rc;
}
