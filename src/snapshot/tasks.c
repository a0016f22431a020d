/*
 * The snapshot cron tasks.
 *
 * removeOldSnapshots looks only at VMs that have snapshots (the cached count) whose
 * product is in lifetime mode with a lifetime; each gets a job that removes, oldest
 * first, every snapshot older than the lifetime. scheduleSnapshot takes the snapshots
 * whose weekly slot has come, in schedule mode, rotating the oldest out at the quota;
 * like scheduleBackup, a busy VM keeps its slot for the next run (up to the grace).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "puqkvm/snapshot.h"
#include "puqkvm/vm_store.h"

static double budget_of(const struct puq_cron_task_ctx *ctx)
{
	return ctx->opt && ctx->opt->job_budget_s > 0 ? ctx->opt->job_budget_s : 30;
}

static void line(const struct puq_cron_task_ctx *ctx, const char *fmt, ...) PUQ_PRINTF(2, 3);
static void line(const struct puq_cron_task_ctx *ctx, const char *fmt, ...)
{
	if (!ctx->hooks || !ctx->hooks->line)
		return;
	char buf[PUQ_ERROR_TEXT_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ctx->hooks->line(ctx->hooks->ctx, buf);
}

static int runner_of(const struct puq_cron_task_ctx *ctx, struct puq_job_runner *r,
	struct puq_error *err)
{
	return puq_job_runner_init(r, ctx->db, ctx->settings, ctx->hooks ? ctx->hooks->decrypt : NULL,
		ctx->hooks ? ctx->hooks->line : NULL, ctx->hooks ? ctx->hooks->ctx : NULL, err);
}

static bool db_failure(int code)
{
	return code == PUQ_EDB || code == PUQ_EDBLOST || code == PUQ_EDEADLOCK ||
		code == PUQ_EDBCONNECT;
}

/* Starts a job for each row a query returned (by a decision per row), then follows. */
typedef bool (*want_fn)(const struct puq_cron_task_ctx *ctx, const struct puq_db_rows *r,
	size_t i, struct puq_job_new *n, char name[PUQ_JOB_ARG_MAX], char note[PUQ_JOB_ARG_MAX]);

static int start_each(const struct puq_cron_task_ctx *ctx, struct puq_db_rows *r, want_fn want,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	struct puq_job_runner run;
	bool started = false;
	int rc = runner_of(ctx, &run, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < r->nrows; i++) {
		struct puq_job_new n;
		char name[PUQ_JOB_ARG_MAX], note[PUQ_JOB_ARG_MAX], token[33];
		struct puq_error e;
		memset(&n, 0, sizeof(n));
		if (!want(ctx, r, i, &n, name, note))
			continue;
		puq_error_clear(&e);
		st->processed++;
		if (puq_job_begin(ctx->db, &n, token, &e) < 0) {
			if (db_failure(e.code)) {
				rc = puq_error_set(err, e.code, "%s", e.text);
				break;
			}
			line(ctx, "  sid %lld: %s; tried again at the next run", n.service_id, e.text);
			st->busy++;
			continue;
		}
		struct puq_job_result res;
		if ((rc = puq_job_advance(&run.env, n.service_id, 0, &res, err)) < 0)
			break;
		started = true;
		if (res.state == PUQ_JOB_FINISHED && !res.ok)
			res.busy ? st->busy++ : st->errors++;
	}
	if (rc == 0 && started) {
		struct puq_job_counts c;
		rc = puq_job_follow(&run.env, false, budget_of(ctx), &c, err);
		st->errors += c.failed;
		if (c.running)
			line(ctx, "  %zu still running: followed by nowBackupStatus", c.running);
	}
	puq_job_runner_free(&run);
	return rc;
}

/* ---- removeOldSnapshots ---- */

static bool want_expire(const struct puq_cron_task_ctx *ctx, const struct puq_db_rows *r,
	size_t i, struct puq_job_new *n, char name[PUQ_JOB_ARG_MAX], char note[PUQ_JOB_ARG_MAX])
{
	struct puq_vm_product p;
	long long sid = puq_db_cell_int(r, i, 0, 0);
	(void)name;
	(void)note;
	if (puq_job_product(ctx->db, sid, &p, NULL) < 0 || p.snapshot_schedule ||
		p.snapshot_lifetime_days <= 0)
		return false;
	n->service_id = sid;
	n->kind = PUQ_JOB_SNAPSHOT_EXPIRE;
	n->origin = PUQ_JOB_ORIGIN_LIFETIME;
	return true;
}

int puq_snapshot_task_expire(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(ctx->db, err,
		"SELECT service_id FROM " PUQ_VM_TABLE " WHERE vm_snapshots > 0 AND vm_id > 0"
		" AND vm_status NOT IN ('remove', 'error_terminate', 'terminate') ORDER BY service_id",
		PUQ_NOARGS, &r);
	if (rc < 0)
		return rc;
	rc = start_each(ctx, r, want_expire, st, err);
	puq_db_rows_free(r);
	return rc;
}

/* ---- scheduleSnapshot ---- */

static bool want_scheduled(const struct puq_cron_task_ctx *ctx, const struct puq_db_rows *r,
	size_t i, struct puq_job_new *n, char name[PUQ_JOB_ARG_MAX], char note[PUQ_JOB_ARG_MAX])
{
	struct puq_schedule s;
	struct puq_vm_product p;
	struct puq_error e;
	long long sid = puq_db_cell_int(r, i, 0, 0);
	puq_error_clear(&e);
	if (puq_schedule_parse(puq_db_cell(r, i, 1), &s, &e) < 0) {
		line(ctx, "  sid %lld: %s", sid, e.text);
		return false;
	}
	long long slot = puq_schedule_due(&s, ctx->now + ctx->utc_offset_s,
		puq_local_parse(puq_db_cell(r, i, 2)), PUQ_SCHEDULE_GRACE_S);
	if (!slot || puq_job_product(ctx->db, sid, &p, NULL) < 0 || !p.snapshot_schedule ||
		p.snapshots <= 0)
		return false;
	char when[20];
	puq_local_format(slot, when); /* "YYYY-MM-DD HH:MM:SS" */
	/* the name from the slot: taking it twice finds it taken (no second snapshot) */
	snprintf(name, PUQ_JOB_ARG_MAX, "sched_%.4s%.2s%.2s_%.2s%.2s", when, when + 5, when + 8,
		when + 11, when + 14);
	snprintf(note, PUQ_JOB_ARG_MAX, "Scheduler: %.10s", when);
	n->service_id = sid;
	n->kind = PUQ_JOB_SNAPSHOT;
	n->arg = name;
	n->note = note;
	n->origin = PUQ_JOB_ORIGIN_SCHEDULE;
	n->slot = slot;
	return true;
}

int puq_snapshot_task_schedule(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(ctx->db, err,
		"SELECT service_id, vm_snapshot_schedule,"
		" DATE_FORMAT(vm_snapshot_last, '%Y-%m-%d %H:%i:%s') FROM " PUQ_VM_TABLE
		" WHERE vm_snapshot_schedule IS NOT NULL AND vm_snapshot_schedule NOT IN ('', '{}', '[]')"
		" AND vm_status NOT IN ('remove', 'error_terminate', 'terminate') AND vm_id > 0"
		" ORDER BY service_id",
		PUQ_NOARGS, &r);
	if (rc < 0)
		return rc;
	rc = start_each(ctx, r, want_scheduled, st, err);
	puq_db_rows_free(r);
	return rc;
}
