/*
 * cron: the engine that performs the pipelines, the task registry of Settings > Cron,
 * the outbox of e-mails and activity log entries, and the worker heartbeat.
 *
 * processVirtualMachines (puq_cron_process_vms) claims due VMs with committed leases
 * (DESIGN.md principle 2: a short transaction, SELECT ... FOR UPDATE SKIP LOCKED where
 * the server has it, else a conditional UPDATE checked by affected rows; the expiry is
 * computed by the database's clock), drives each through every step it can (src/vm's
 * pure steps) with one curl multi engine for all of them, renews the leases while it
 * waits, and makes every transition a conditional UPDATE on (lease token, expected
 * status): a VM taken away - by an admin's reset, a terminate, another worker after an
 * expired lease - is dropped at its next transition. Any number of workers, on one host
 * or several, share the due VMs this way; a crashed worker's VMs are claimed again when
 * its leases expire. Task-starting requests commit their intent first and their UPID
 * after, so no clone, migration or delete is ever sent twice for one intent.
 *
 * The other tasks are singletons: a per-task lock row (owner, token, expiry) with stale
 * takeover after the Lock Timeout. Their intervals are settings (cron_interval_<task>,
 * minutes, 0 = disabled).
 *
 * Hooks: the core cannot decrypt what WHMCS encrypted (server passwords, service
 * passwords) and cannot print; the caller (the PHP glue, or a test) provides both.
 * Hooks are called from the engine's own loop, never from inside a transfer callback.
 */
#ifndef PUQKVM_CRON_H
#define PUQKVM_CRON_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/error.h"
#include "puqkvm/http.h"
#include "puqkvm/store.h"

struct puq_cron_hooks {
	/* Decrypts a WHMCS-encrypted value into out (NUL-terminated). 0, or < 0 with err. */
	int (*decrypt)(void *ctx, const char *cipher, char *out, size_t out_size,
		struct puq_error *err);
	/* One line of live output, without a newline. */
	void (*line)(void *ctx, const char *text);
	/* Called about once a second while processVirtualMachines runs, outside any
	 * transaction (the addon delivers the outbox from here). May be NULL. */
	void (*tick)(void *ctx);
	void *ctx;
};

/* ---- processVirtualMachines ------------------------------------------------------------ */

struct puq_cron_vm_options {
	const char *worker_id;        /* NULL = "<host>:<pid>:<random>" */
	double deadline_s;            /* stop claiming after this many seconds (0 = never) and
	                                 end the runs still waiting at deadline + 5 s */
	bool loop;                    /* keep looking for due VMs until the deadline or stop */
	double idle_poll_s;           /* loop: how often an idle worker looks (0 = 0.25 s) */
	long long service_id;         /* only this VM (0 = every due VM) */
	unsigned concurrency;         /* 0 = the cron_concurrency setting */
	double lease_s;               /* 0 = 60 */
	struct puq_http_engine *http; /* NULL = a libcurl engine made for the run */
	const char *cloudflare_api;   /* NULL = the default */
	volatile const int *stop;     /* when it becomes non-zero: finish the current steps */
	bool quiet;                   /* only errors and the summary as lines */
};

struct puq_cron_vm_stats {
	size_t processed; /* runs */
	size_t errors;    /* runs that ended in an error */
	size_t steps;     /* steps recorded */
	size_t requests;  /* Proxmox requests sent */
	size_t lost;      /* VMs dropped because their lease was taken away */
	size_t commits;   /* database transactions of transitions */
};

int puq_cron_process_vms(struct puq_db *db, const struct puq_cron_vm_options *opt,
	const struct puq_cron_hooks *hooks, struct puq_cron_vm_stats *stats,
	struct puq_error *err);

/* ---- the task registry ------------------------------------------------------------------- */

struct puq_cron_run_options;
struct puq_settings;

/* What a singleton task gets (backups, snapshots, statistics). Borrowed. */
struct puq_cron_task_ctx {
	struct puq_db *db;
	const struct puq_cron_hooks *hooks;
	const struct puq_cron_run_options *opt;
	const struct puq_settings *settings;
	long long now;    /* the wall clock, UTC epoch seconds */
	int utc_offset_s; /* the installation's local time minus UTC (schedules are local) */
};
struct puq_cron_task_stats {
	size_t processed; /* VMs worked on */
	size_t errors;    /* of them, failed */
	size_t busy;      /* of them, left for a later run (busy VM, running task) */
};
/* A task's work; < 0 only when the task as a whole failed (the database). */
typedef int (*puq_cron_task_fn)(const struct puq_cron_task_ctx *ctx,
	struct puq_cron_task_stats *st, struct puq_error *err);

struct puq_cron_task_def {
	const char *name;  /* the CLI name, also the setting cron_interval_<name> */
	const char *label;
	bool singleton;    /* runs under the per-task lock */
	bool available;    /* false: registered, not in this release */
	puq_cron_task_fn run; /* NULL: processVirtualMachines */
};
size_t puq_cron_task_count(void);
const struct puq_cron_task_def *puq_cron_task(size_t i);
const struct puq_cron_task_def *puq_cron_task_find(const char *name);

struct puq_cron_run_options {
	const char *task;         /* run only this task, ignoring its interval; NULL = all due */
	bool force;               /* ignore the intervals */
	bool no_lock;             /* debug: run singleton tasks without their lock */
	struct puq_cron_vm_options vms; /* processVirtualMachines */
	long long now;            /* the schedules' wall clock (UTC epoch), 0 = the real one */
	int utc_offset_s;         /* local time minus UTC, for the weekly schedules */
	double job_budget_s;      /* how long the job tasks follow running tasks (0 = 30 s) */
};

struct puq_cron_report {
	size_t tasks_run;
	size_t processed;
	size_t errors;
	size_t busy;      /* tasks skipped because another process holds their lock */
};

/*
 * Runs the tasks (all that are due, or one), printing the spec's lines: "PUQ Proxmox
 * KVM Cron Start", per task "[<task>] Running (interval: 1m, last: HH:MM:SS)", the VM
 * steps, "[<task>] Done (X.Xs) — processed: N, errors: M", "PUQ Proxmox KVM Cron End".
 * An unknown task is -PUQ_EINVAL.
 */
int puq_cron_run(struct puq_db *db, const struct puq_cron_run_options *opt,
	const struct puq_cron_hooks *hooks, struct puq_cron_report *report,
	struct puq_error *err);

/*
 * The tasks with their state: [{name, label, interval, available, last_run_at,
 * last_finished_at, last_status, last_message, locked_by, lock_expires_at, due}].
 */
int puq_cron_list(struct puq_db *db, json_t **out, struct puq_error *err);

/* ---- workers ------------------------------------------------------------------------------ */

/* Records a worker's heartbeat (mode "loop" or "once"). */
int puq_cron_worker_beat(struct puq_db *db, const char *worker_id, const char *mode,
	struct puq_error *err);
int puq_cron_worker_gone(struct puq_db *db, const char *worker_id, struct puq_error *err);
/* How many looping workers beat within the last `within_s` seconds. */
int puq_cron_workers_alive(struct puq_db *db, int within_s, long long *count,
	struct puq_error *err);
/* A worker id: "<host>:<pid>:<8 hex>". */
void puq_cron_worker_id(char out[128]);

/* ---- outbox ------------------------------------------------------------------------------- */

/* The e-mail templates the module creates on activation, by unique name. */
struct puq_cron_email_template {
	const char *name;
	const char *subject;
	const char *message;
};
size_t puq_cron_email_template_count(void);
const struct puq_cron_email_template *puq_cron_email_template(size_t i);
/* Creates the module's templates that do not exist yet; *created (may be NULL). */
int puq_cron_email_templates_install(struct puq_db *db, size_t *created, struct puq_error *err);

/*
 * Queues an e-mail or an activity log entry. Call inside the transaction of the change
 * that causes it; dedupe_key makes a repeat a no-op.
 */
int puq_outbox_email(struct puq_db *db, long long service_id, long long client_id,
	const char *template_name, const char *dedupe_key, struct puq_error *err);
int puq_outbox_activity(struct puq_db *db, long long service_id, long long client_id,
	const char *description, const char *dedupe_key, struct puq_error *err);

/*
 * Claims up to limit undelivered entries for the caller (a lease of lease_s seconds).
 * An entry claimed before whose delivery was never acknowledged (the deliverer died) is
 * first looked up in WHMCS's own logs (tblemails by its reference, tblactivitylog by
 * its text): found, it is marked sent and not returned, so nothing is delivered twice.
 * *out: [{id, kind, service_id, client_id, template, description, reference}].
 */
int puq_outbox_claim(struct puq_db *db, const char *worker, int limit, int lease_s,
	json_t **out, struct puq_error *err);
/* Marks an entry delivered (ok) or failed (retried on a later claim, error kept). */
int puq_outbox_ack(struct puq_db *db, long long id, const char *worker, bool ok,
	const char *error, struct puq_error *err);
/* The reference an entry carries into WHMCS ("PKVM-<id>"). */
void puq_outbox_reference(long long id, char out[32]);

#endif
