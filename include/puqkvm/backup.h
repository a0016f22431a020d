/*
 * backup: a VM's backups - the client area's list, Backup now, Restore, Remove and the
 * weekly schedule - and the cron tasks nowBackupStatus, restoreBackupStatus and
 * scheduleBackup.
 *
 * Backups are vzdump archives of the VM in the product's backups storage; the listing
 * of that storage (content "backup", the VM's VMID) is the truth, so backups made or
 * removed by an administrator count as well. The quota is the service's `Backups`
 * option (or the product default): Backup now is refused at the quota, a scheduled
 * backup removes the oldest ones first. Each operation is a job (job.h): it starts only
 * while nothing else holds the VM, and its Proxmox task is followed by its UPID.
 *
 * Ownership: JSON results are new references.
 */
#ifndef PUQKVM_BACKUP_H
#define PUQKVM_BACKUP_H

#include <jansson.h>

#include "puqkvm/cron.h"
#include "puqkvm/job.h"

/* Longest backup note a client may write. */
#define PUQ_BACKUP_NOTE_MAX 200

/*
 * The backups page: {storage, quota, count, items: [{volid, date (local), ctime, size,
 * size_text, notes, protected}] newest first, schedule {"0":"HH:MM",...}, next_run
 * (local "YYYY-MM-DD HH:MM" or ""), job (puq_job_describe)}. now and utc_offset_s give
 * the local times. Reads the storage through env (and refreshes the cached count).
 */
int puq_backup_list(const struct puq_job_env *env, long long service_id, long long now,
	int utc_offset_s, json_t **out, struct puq_error *err);

/*
 * Starts a backup (arg: the client's note), a restore or a removal (arg: the backup's
 * volid, which must be one of the VM's backups: field error "volid" otherwise), and
 * sends its first task at once. *out is the job as puq_job_describe gives it.
 * -PUQ_EBUSY when something else holds the VM; -PUQ_ESTATE when backups are not part
 * of the service.
 */
int puq_backup_start(const struct puq_job_env *env, long long service_id,
	enum puq_job_kind kind, const char *arg, json_t **out, struct puq_error *err);

/*
 * Saves the weekly schedule (a client's grid, see puq_schedule_from_json). Slots before
 * now_local (the local epoch) are not caught up: the first backup is at the next slot.
 */
int puq_backup_schedule_save(struct puq_db *db, long long service_id, const json_t *grid,
	long long now_local, struct puq_error *err);

/* ---- cron tasks (src/backup/tasks.c) ---- */

/* Follows every running backup, snapshot and removal job to its end. */
int puq_backup_task_now_status(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err);
/* Follows every running restore; a finished one hands the VM to the engine. */
int puq_backup_task_restore_status(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err);
/* Starts the backups whose weekly slot has come (rotating the oldest out at the quota). */
int puq_backup_task_schedule(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err);

#endif
