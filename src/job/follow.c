/*
 * Following jobs from the cron: the runner a task holds (an engine, the Proxmox
 * connections, the timeouts) and the loop that advances every VM's job.
 *
 * Every job is advanced once without waiting; those whose task still runs are polled
 * again round-robin, one request each per pass, until all ended or the budget is spent.
 * What still runs then is left to the next run: its UPID is in the row.
 */
#include <string.h>
#include <time.h>

#include "puqkvm/job.h"
#include "puqkvm/vm_store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int puq_job_runner_init(struct puq_job_runner *r, struct puq_db *db,
	const struct puq_settings *settings,
	int (*decrypt)(void *ctx, const char *cipher, char *out, size_t out_size,
		struct puq_error *err),
	void (*line)(void *ctx, const char *text), void *hooks_ctx, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	long timeout_ms = (long)puq_settings_get_int(settings, "default_timeout") * 1000;
	long heavy_s = (long)puq_settings_get_int(settings, "heavy_timeout");
	struct puq_http_options opt = {.default_timeout_ms = timeout_ms, .max_per_host = 8};
	if (!(r->http = puq_http_engine_new(&opt, err)))
		return -err->code;
	r->servers = puq_job_servers_new(db, r->http, decrypt, hooks_ctx, timeout_ms, heavy_s * 1000);
	if (!r->servers) {
		puq_http_engine_free(r->http);
		r->http = NULL;
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	r->env.db = db;
	r->env.http = r->http;
	r->env.conn_for = puq_job_servers_conn;
	r->env.conn_ctx = r->servers;
	r->env.line = line;
	r->env.line_ctx = hooks_ctx;
	r->env.recover_after_s = heavy_s + 30;
	return 0;
}

void puq_job_runner_free(struct puq_job_runner *r)
{
	puq_job_servers_free(r->servers);
	puq_http_engine_free(r->http);
	memset(r, 0, sizeof(*r));
}

static void count(struct puq_job_counts *c, const struct puq_job_result *res)
{
	if (res->state != PUQ_JOB_FINISHED)
		return;
	if (res->ok)
		c->finished++;
	else if (res->busy)
		c->busy++;
	else
		c->failed++;
}

int puq_job_follow(const struct puq_job_env *env, bool restores, double budget_s,
	struct puq_job_counts *c, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	memset(c, 0, sizeof(*c));
	int rc = puq_db_query(env->db, err,
		"SELECT service_id FROM " PUQ_VM_TABLE " WHERE job_kind <> ''"
		" AND (job_kind = 'restore') = ? ORDER BY service_id",
		PUQ_ARGS(PUQ_INT(restores ? 1 : 0)), &r);
	if (rc < 0)
		return rc;
	size_t n = r->nrows;
	long long *ids = PUQ_CALLOC(n ? n : 1, sizeof(*ids));
	if (!ids) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = puq_db_cell_int(r, i, 0, 0);
	puq_db_rows_free(r);
	double deadline = now_s() + budget_s;
	long poll_ms = env->poll_ms > 0 ? env->poll_ms : 1000;
	while (n > 0) {
		size_t keep = 0;
		double pass = now_s();
		for (size_t i = 0; i < n; i++) {
			struct puq_job_result res;
			if ((rc = puq_job_advance(env, ids[i], 0, &res, err)) < 0)
				break;
			count(c, &res);
			if (res.state == PUQ_JOB_RUNNING)
				ids[keep++] = ids[i];
		}
		if (rc < 0)
			break;
		n = keep;
		if (n == 0 || now_s() >= deadline)
			break;
		double wait = poll_ms / 1000.0 - (now_s() - pass);
		if (wait > 0) {
			struct timespec ts = {.tv_sec = (time_t)wait,
				.tv_nsec = (long)((wait - (double)(time_t)wait) * 1e9)};
			nanosleep(&ts, NULL);
		}
	}
	c->running = n;
	PUQ_FREE(ids);
	return rc;
}
