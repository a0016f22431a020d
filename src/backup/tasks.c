/*
 * The backup cron tasks.
 *
 * nowBackupStatus and restoreBackupStatus follow the running jobs (restores in the
 * second, every other kind in the first) to their end within the run's budget.
 * scheduleBackup starts the backups whose weekly slot has come: a VM busy at that time
 * (the engine or another job holds it, or Proxmox has it locked) keeps its slot and is
 * tried again at the next run, up to PUQ_SCHEDULE_GRACE_S late; the slot is recorded as
 * run when its backup ends, well or not, so a failing backup is not retried every run.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "puqkvm/backup.h"
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

static void add_counts(struct puq_cron_task_stats *st, const struct puq_job_counts *c)
{
	st->processed += c->finished + c->failed + c->busy;
	st->errors += c->failed;
	st->busy += c->busy + c->running;
}

static int follow(const struct puq_cron_task_ctx *ctx, bool restores,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	struct puq_job_runner r;
	struct puq_job_counts c;
	int rc = runner_of(ctx, &r, err);
	if (rc < 0)
		return rc;
	rc = puq_job_follow(&r.env, restores, budget_of(ctx), &c, err);
	puq_job_runner_free(&r);
	add_counts(st, &c);
	if (c.running)
		line(ctx, "  %zu still running: followed at the next run", c.running);
	return rc;
}

int puq_backup_task_now_status(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	return follow(ctx, false, st, err);
}

int puq_backup_task_restore_status(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	return follow(ctx, true, st, err);
}

int puq_backup_task_schedule(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	long long now_local = ctx->now + ctx->utc_offset_s;
	/* only rows with a schedule; the slot arithmetic is done here, per row */
	int rc = puq_db_query(ctx->db, err,
		"SELECT service_id, vm_backup_schedule,"
		" DATE_FORMAT(backup_schedule_last, '%Y-%m-%d %H:%i:%s') FROM " PUQ_VM_TABLE
		" WHERE vm_backup_schedule IS NOT NULL AND vm_backup_schedule NOT IN ('', '{}', '[]')"
		" AND vm_status NOT IN ('remove', 'error_terminate', 'terminate') AND vm_id > 0"
		" ORDER BY service_id",
		PUQ_NOARGS, &r);
	if (rc < 0)
		return rc;
	struct puq_job_runner run;
	bool started = false;
	if ((rc = runner_of(ctx, &run, err)) < 0) {
		puq_db_rows_free(r);
		return rc;
	}
	for (size_t i = 0; i < r->nrows; i++) {
		long long sid = puq_db_cell_int(r, i, 0, 0);
		struct puq_schedule s;
		struct puq_vm_product p;
		struct puq_error e;
		char token[33], when[20], note[64];
		puq_error_clear(&e);
		if (puq_schedule_parse(puq_db_cell(r, i, 1), &s, &e) < 0) {
			line(ctx, "  sid %lld: %s", sid, e.text);
			st->errors++;
			continue;
		}
		long long slot = puq_schedule_due(&s, now_local, puq_local_parse(puq_db_cell(r, i, 2)),
			PUQ_SCHEDULE_GRACE_S);
		if (!slot)
			continue;
		if (puq_job_product(ctx->db, sid, &p, &e) < 0 || p.backups <= 0 || !p.backup_storage[0])
			continue; /* backups are no longer part of the service: the schedule rests */
		puq_local_format(slot, when);
		when[16] = '\0';
		snprintf(note, sizeof(note), "Scheduled backup %s", when);
		struct puq_job_new n = {.service_id = sid, .kind = PUQ_JOB_BACKUP, .note = note,
			.origin = PUQ_JOB_ORIGIN_SCHEDULE, .slot = slot};
		st->processed++;
		if (puq_job_begin(ctx->db, &n, token, &e) < 0) {
			if (e.code == PUQ_EDB || e.code == PUQ_EDBLOST || e.code == PUQ_EDEADLOCK) {
				rc = puq_error_set(err, e.code, "%s", e.text);
				break;
			}
			line(ctx, "  sid %lld: slot %s: %s; tried again at the next run", sid, when, e.text);
			st->busy++;
			continue;
		}
		struct puq_job_result res;
		if ((rc = puq_job_advance(&run.env, sid, 0, &res, err)) < 0)
			break;
		started = true;
		if (res.state == PUQ_JOB_FINISHED && !res.ok)
			res.busy ? st->busy++ : st->errors++;
		else
			line(ctx, "  sid %lld: slot %s: backup started", sid, when);
	}
	puq_db_rows_free(r);
	if (rc == 0 && started) {
		/* see the started backups through while the run's budget lasts */
		struct puq_job_counts c;
		rc = puq_job_follow(&run.env, false, budget_of(ctx), &c, err);
		st->errors += c.failed;
	}
	puq_job_runner_free(&run);
	return rc;
}
