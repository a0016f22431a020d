/*
 * snapshot: a VM's snapshots - the client area's list, Take, Roll back, Remove and the
 * weekly schedule - and the cron tasks removeOldSnapshots and scheduleSnapshot.
 *
 * The quota is the service's `Snapshots` option (or the product default). The product
 * chooses one of two modes: lifetime (snapshots older than 1-10 days are removed by
 * removeOldSnapshots; 0 keeps them) or schedule (clients set a weekly schedule,
 * snapshots named sched_YYYYMMDD_HHMM with the description "Scheduler: YYYY-MM-DD",
 * the oldest removed first at the quota; no lifetime). A client's snapshot is named
 * snap_YYYYMMDD_HHMMSS (UTC) and carries the client's description. Each operation is a
 * job (job.h).
 *
 * Ownership: JSON results are new references.
 */
#ifndef PUQKVM_SNAPSHOT_H
#define PUQKVM_SNAPSHOT_H

#include <jansson.h>

#include "puqkvm/cron.h"
#include "puqkvm/job.h"

/* Longest snapshot description a client may write. */
#define PUQ_SNAPSHOT_DESCRIPTION_MAX 200

/*
 * The snapshots page: {quota, count, mode ("lifetime" | "schedule"), lifetime_days,
 * items: [{name, description, date (local), snaptime, expires_in (seconds, lifetime
 * mode, else null)}] newest first, schedule, next_run, job}. Reads the VM's snapshots
 * through env (and refreshes the cached count).
 */
int puq_snapshot_list(const struct puq_job_env *env, long long service_id, long long now,
	int utc_offset_s, json_t **out, struct puq_error *err);

/*
 * Takes a snapshot (arg: the client's description), rolls back to one or removes one
 * (arg: its name, which must be one of the VM's snapshots: field error "name"
 * otherwise), sending its first task at once. now names a new snapshot. *out: the job.
 */
int puq_snapshot_start(const struct puq_job_env *env, long long service_id,
	enum puq_job_kind kind, const char *arg, long long now, json_t **out,
	struct puq_error *err);

/* Saves the weekly schedule (schedule mode only); slots before now_local are skipped. */
int puq_snapshot_schedule_save(struct puq_db *db, long long service_id, const json_t *grid,
	long long now_local, struct puq_error *err);

/* ---- cron tasks (src/snapshot/tasks.c) ---- */

/* Removes snapshots past the product's lifetime (lifetime mode, VMs with snapshots). */
int puq_snapshot_task_expire(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err);
/* Takes the snapshots whose weekly slot has come (FIFO rotation at the quota). */
int puq_snapshot_task_schedule(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err);

#endif
