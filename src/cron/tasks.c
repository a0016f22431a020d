/*
 * The cron tasks of Settings > Cron: the registry, intervals, per-task locks, and the
 * run that prints the spec's live lines.
 *
 * A task is due when its interval (cron_interval_<task>, minutes; 0 disables it) has
 * passed since its last start, measured by the database's clock with five seconds of
 * slack, so a minutely crontab never skips a one-minute task because of drift. The
 * singleton tasks take their row's lock (owner, token, expiry = now + Lock Timeout)
 * with one conditional UPDATE; a lock whose expiry passed is stale and taken over, so a
 * killed cron run never blocks a task for longer than the Lock Timeout.
 * processVirtualMachines takes no task lock: any number of workers share the VMs through
 * their leases.
 *
 * The backup, snapshot and statistics tasks are run functions of their rooms (src/backup,
 * src/snapshot, src/stats), called with the run's clock and the installation's UTC
 * offset (their weekly schedules are local times).
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "engine.h"
#include "puqkvm/backup.h"
#include "puqkvm/snapshot.h"
#include "puqkvm/stats.h"

#define TASKS "puq_proxmox_kvm_cron_tasks"

static const struct puq_cron_task_def tasks[] = {
	{"processVirtualMachines", "Process Virtual Machines", false, true, NULL},
	/* backups, snapshots, statistics: src/backup, src/snapshot, src/stats */
	{"removeOldSnapshots", "Remove Old Snapshots", true, true, puq_snapshot_task_expire},
	{"restoreBackupStatus", "Restore Backup Status", true, true, puq_backup_task_restore_status},
	{"nowBackupStatus", "Now Backup Status", true, true, puq_backup_task_now_status},
	{"scheduleBackup", "Schedule Backup", true, true, puq_backup_task_schedule},
	{"scheduleSnapshot", "Schedule Snapshot", true, true, puq_snapshot_task_schedule},
	{"collectingStatistics", "Collecting Statistics", true, true, puq_stats_task_collect},
};

size_t puq_cron_task_count(void)
{
	return PUQ_ARRAY_LEN(tasks);
}

const struct puq_cron_task_def *puq_cron_task(size_t i)
{
	return i < PUQ_ARRAY_LEN(tasks) ? &tasks[i] : NULL;
}

const struct puq_cron_task_def *puq_cron_task_find(const char *name)
{
	for (size_t i = 0; name && i < PUQ_ARRAY_LEN(tasks); i++)
		if (strcmp(tasks[i].name, name) == 0)
			return &tasks[i];
	return NULL;
}

static void line(const struct puq_cron_hooks *h, const char *fmt, ...) PUQ_PRINTF(2, 3);
static void line(const struct puq_cron_hooks *h, const char *fmt, ...)
{
	if (!h || !h->line)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	h->line(h->ctx, buf);
}

static long long interval_of(const struct puq_settings *s, const char *task)
{
	char name[96];
	snprintf(name, sizeof(name), "cron_interval_%s", task);
	return puq_settings_get_int(s, name);
}

static int ensure_rows(struct puq_db *db, struct puq_error *err)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(tasks); i++) {
		int rc = puq_db_exec(db, err,
			"INSERT INTO " TASKS " (task) VALUES (?) ON DUPLICATE KEY UPDATE task = task",
			PUQ_ARGS(PUQ_TEXT(tasks[i].name)), NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

struct state {
	char last[16];      /* "HH:MM:SS" or "never" */
	long long since_s;  /* seconds since the last start, -1 = never */
};

static int task_state(struct puq_db *db, const char *task, struct state *st,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err,
		"SELECT DATE_FORMAT(last_run_at, '%H:%i:%s'), TIMESTAMPDIFF(SECOND, last_run_at, NOW())"
		" FROM " TASKS " WHERE task = ?",
		PUQ_ARGS(PUQ_TEXT(task)), &r);
	if (rc < 0)
		return rc;
	const char *last = r->nrows ? puq_db_cell(r, 0, 0) : NULL;
	puq_strlcpy(st->last, last ? last : "never", sizeof(st->last));
	st->since_s = last ? puq_db_cell_int(r, 0, 1, 0) : -1;
	puq_db_rows_free(r);
	return 0;
}

static int lock_task(struct puq_db *db, const char *task, const char *owner, const char *token,
	long long timeout_s, bool *got, struct puq_error *err)
{
	unsigned long long changed = 0;
	int rc = puq_db_exec(db, err,
		"UPDATE " TASKS " SET lock_owner = ?, lock_token = ?,"
		" lock_expires_at = NOW() + INTERVAL ? SECOND WHERE task = ?"
		" AND (lock_token IS NULL OR lock_expires_at < NOW())",
		PUQ_ARGS(PUQ_TEXT(owner), PUQ_TEXT(token), PUQ_INT(timeout_s), PUQ_TEXT(task)), &changed);
	*got = rc == 0 && changed == 1;
	return rc;
}

static void token_of(char out[33])
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static int run_task(struct puq_db *db, const struct puq_cron_task_def *t,
	const struct puq_cron_run_options *opt, const struct puq_cron_hooks *hooks,
	const struct puq_settings *settings, long long interval, long long lock_timeout,
	struct puq_cron_report *rep, struct puq_error *err)
{
	struct state st;
	char owner[128], token[33];
	int rc = task_state(db, t->name, &st, err);
	if (rc < 0)
		return rc;
	puq_cron_worker_id(owner);
	token_of(token);
	if (t->singleton && !opt->no_lock) {
		bool got = false;
		if ((rc = lock_task(db, t->name, owner, token, lock_timeout, &got, err)) < 0)
			return rc;
		if (!got) {
			line(hooks, "[%s] Locked by another process: skipped (a lock older than %llds is "
				"taken over)", t->name, lock_timeout);
			rep->busy++;
			return 0;
		}
	}
	line(hooks, "[%s] Running (interval: %lldm, last: %s)", t->name, interval, st.last);
	rc = puq_db_exec(db, err,
		"UPDATE " TASKS " SET last_run_at = NOW(), last_status = 'running' WHERE task = ?",
		PUQ_ARGS(PUQ_TEXT(t->name)), NULL);
	if (rc < 0)
		return rc;
	double t0 = cron_now();
	size_t processed = 0, errors = 0;
	char message[PUQ_ERROR_TEXT_MAX] = "";
	const char *status = "ok";
	if (!t->available) {
		snprintf(message, sizeof(message), "not in this release");
		status = "skipped";
		line(hooks, "[%s] Not in this release: nothing to do", t->name);
	} else if (t->run) {
		struct puq_cron_task_ctx ctx = {.db = db, .hooks = hooks, .opt = opt,
			.settings = settings, .now = opt->now > 0 ? opt->now : (long long)time(NULL),
			.utc_offset_s = opt->utc_offset_s};
		struct puq_cron_task_stats st = {0};
		struct puq_error terr;
		puq_error_clear(&terr);
		if (t->run(&ctx, &st, &terr) < 0) {
			status = "error";
			snprintf(message, sizeof(message), "%s", terr.text);
			line(hooks, "[%s] Failed: %s", t->name, terr.text);
			errors++;
		}
		processed += st.processed;
		errors += st.errors;
		if (!message[0])
			snprintf(message, sizeof(message), "processed: %zu, errors: %zu, later: %zu",
				st.processed, st.errors, st.busy);
		if (st.errors && strcmp(status, "ok") == 0)
			status = "error";
	} else {
		struct puq_cron_vm_stats stats;
		struct puq_error terr;
		puq_error_clear(&terr);
		if (puq_cron_process_vms(db, &opt->vms, hooks, &stats, &terr) < 0) {
			status = "error";
			snprintf(message, sizeof(message), "%s", terr.text);
			line(hooks, "[%s] Failed: %s", t->name, terr.text);
			errors++;
		}
		processed += stats.processed;
		errors += stats.errors;
		if (!message[0])
			snprintf(message, sizeof(message), "processed: %zu, errors: %zu, steps: %zu",
				stats.processed, stats.errors, stats.steps);
		if (stats.errors && strcmp(status, "ok") == 0)
			status = "error";
	}
	double secs = cron_now() - t0;
	rc = puq_db_exec(db, err,
		"UPDATE " TASKS " SET last_finished_at = NOW(), last_status = ?, last_message = ?,"
		" lock_owner = IF(lock_token = ?, NULL, lock_owner),"
		" lock_expires_at = IF(lock_token = ?, NULL, lock_expires_at),"
		" lock_token = IF(lock_token = ?, NULL, lock_token) WHERE task = ?",
		PUQ_ARGS(PUQ_TEXT(status), PUQ_TEXT(message), PUQ_TEXT(token), PUQ_TEXT(token),
			PUQ_TEXT(token), PUQ_TEXT(t->name)),
		NULL);
	line(hooks, "[%s] Done (%.1fs) — processed: %zu, errors: %zu", t->name, secs, processed,
		errors);
	rep->tasks_run++;
	rep->processed += processed;
	rep->errors += errors;
	return rc;
}

int puq_cron_run(struct puq_db *db, const struct puq_cron_run_options *opt,
	const struct puq_cron_hooks *hooks, struct puq_cron_report *report,
	struct puq_error *err)
{
	static const struct puq_cron_run_options none = {0};
	struct puq_cron_report local;
	struct puq_settings s;
	if (!opt)
		opt = &none;
	if (!report)
		report = &local;
	memset(report, 0, sizeof(*report));
	const struct puq_cron_task_def *only = NULL;
	if (opt->task && *opt->task && !(only = puq_cron_task_find(opt->task)))
		return puq_error_field(err, "task", "unknown task '%.60s'", opt->task);
	int rc = puq_settings_load(db, &s, err);
	if (rc < 0)
		return rc;
	long long lock_timeout = puq_settings_get_int(&s, "cron_lock_timeout");
	if ((rc = ensure_rows(db, err)) < 0) {
		puq_settings_free(&s);
		return rc;
	}
	line(hooks, "PUQ Proxmox KVM Cron Start");
	for (size_t i = 0; rc == 0 && i < PUQ_ARRAY_LEN(tasks); i++) {
		const struct puq_cron_task_def *t = &tasks[i];
		long long interval = interval_of(&s, t->name);
		if (only && only != t)
			continue;
		if (!only) {
			if (interval == 0)
				continue; /* disabled */
			struct state st;
			if ((rc = task_state(db, t->name, &st, err)) < 0)
				break;
			if (!opt->force && st.since_s >= 0 && st.since_s < interval * 60 - 5)
				continue;
		}
		rc = run_task(db, t, opt, hooks, &s, interval, lock_timeout, report, err);
	}
	line(hooks, "PUQ Proxmox KVM Cron End");
	puq_settings_free(&s);
	return rc;
}

int puq_cron_list(struct puq_db *db, json_t **out, struct puq_error *err)
{
	struct puq_settings s;
	struct puq_db_rows *r = NULL;
	*out = NULL;
	int rc = puq_settings_load(db, &s, err);
	if (rc < 0)
		return rc;
	if ((rc = ensure_rows(db, err)) == 0)
		rc = puq_db_query(db, err,
			"SELECT task, DATE_FORMAT(last_run_at, '%Y-%m-%d %H:%i:%s'),"
			" DATE_FORMAT(last_finished_at, '%Y-%m-%d %H:%i:%s'), last_status, last_message,"
			" IF(lock_expires_at >= NOW(), lock_owner, NULL),"
			" DATE_FORMAT(lock_expires_at, '%Y-%m-%d %H:%i:%s'),"
			" TIMESTAMPDIFF(SECOND, last_run_at, NOW()) FROM " TASKS,
			PUQ_NOARGS, &r);
	if (rc < 0) {
		puq_settings_free(&s);
		return rc;
	}
	json_t *list = json_array();
	for (size_t i = 0; list && i < PUQ_ARRAY_LEN(tasks); i++) {
		const struct puq_cron_task_def *t = &tasks[i];
		size_t row = r->nrows;
		for (size_t k = 0; k < r->nrows; k++)
			if (strcmp(puq_db_cell(r, k, 0), t->name) == 0)
				row = k;
		long long interval = interval_of(&s, t->name);
		bool never = row == r->nrows || !puq_db_cell(r, row, 1);
		long long since = never ? -1 : puq_db_cell_int(r, row, 7, 0);
		bool due = interval > 0 && (never || since >= interval * 60 - 5);
		json_t *o = json_pack("{s:s,s:s,s:I,s:b,s:b,s:b}", "name", t->name, "label", t->label,
			"interval", (json_int_t)interval, "available", t->available, "singleton",
			t->singleton, "due", due);
		const char *keys[] = {"last_run_at", "last_finished_at", "last_status", "last_message",
			"locked_by", "lock_expires_at"};
		for (size_t k = 0; o && k < PUQ_ARRAY_LEN(keys); k++) {
			const char *v = row < r->nrows ? puq_db_cell(r, row, k + 1) : NULL;
			if (k == 5 && !(row < r->nrows && puq_db_cell(r, row, 5)))
				v = NULL; /* an expired lock is no lock */
			json_object_set_new(o, keys[k], v ? json_string(v) : json_null());
		}
		json_array_append_new(list, o);
	}
	puq_db_rows_free(r);
	puq_settings_free(&s);
	if (!list)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = list;
	return 0;
}
