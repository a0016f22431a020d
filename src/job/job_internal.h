/*
 * Private to the job room: the executor's writes to the job slot (row.c), used by the
 * executor (run.c). Each is conditional on the job's token and the phase and UPID the
 * caller read; -PUQ_ELEASE says another process moved the job on.
 */
#ifndef PUQKVM_JOB_INTERNAL_H
#define PUQKVM_JOB_INTERNAL_H

#include "puqkvm/job.h"
#include "puqkvm/vm_store.h"

/* Records where the job found the VM (the node it runs on now). */
int job_commit_node(struct puq_db *db, const struct puq_job *j, struct puq_error *err);
/* The intent: phase committed (UPID empty) before its task is started; updates j. */
int job_commit_intent(struct puq_db *db, struct puq_job *j, enum puq_job_phase phase,
	struct puq_error *err);
/* The phase's UPID, once Proxmox answered; updates j. */
int job_commit_upid(struct puq_db *db, struct puq_job *j, const char *upid,
	struct puq_error *err);
/*
 * Ends the job: result "ok", "error" or "busy", the message for the client area, the
 * counts seen (-1 = unknown) and, with slot_done, the schedule slot recorded as run.
 */
int job_finish(struct puq_db *db, const struct puq_job *j, const char *result,
	const char *text, long long backups, long long snapshots, bool slot_done,
	struct puq_error *err);
/* A finished restore: the VM goes to the engine's change-package chain (*handed). */
int job_handoff(struct puq_db *db, const struct puq_job *j, const char *text, bool *handed,
	struct puq_error *err);

#endif
