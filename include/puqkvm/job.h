/*
 * job: the one piece of work a VM runs besides the provisioning engine's - a backup, a
 * restore, a snapshot and the rest of issue 8 - and the weekly schedules that start some
 * of them.
 *
 * The slot. Each VM row (puqProxmoxKVM_vm_info) has one job slot: job_kind, a random
 * job_token, the argument (a backup's volume, a snapshot's name), the phase whose
 * Proxmox task was committed and its UPID. A job starts with one conditional UPDATE
 * that succeeds only while the slot is empty, the VM rests in ready with nothing due,
 * and no worker holds its lease: so no job starts while the engine or another job holds
 * the VM, and two clicks start one job. A Proxmox lock (a backup started by hand, a
 * migration) is found by the job's first read and ends it as "busy".
 *
 * Phases. A job is a short chain of Proxmox tasks (rotate, then dump; stop, then
 * restore). Before each task-starting call the phase is committed as the intent
 * (job_phase, job_started_at by the database's clock, job_upid empty); the UPID is
 * committed when Proxmox answers. Whoever advances the job next - the client area's
 * status poll, or the cron tasks nowBackupStatus / restoreBackupStatus - polls that
 * task. An intent without a UPID older than the recovery window means the answer was
 * lost: the node's task list is searched for the task (by type, VMID and start time)
 * and only when Proxmox has none is the phase sent again. Every commit is conditional on
 * (token, phase, UPID) as read, so two advancers never both start the next task.
 *
 * Steps. What a job does is decided by pure step functions (src/job/steps.c): from the
 * job, the last answer or finished task, they choose the next read, the next task, or
 * the end. The executor (src/job/run.c) performs the requests and the commits.
 *
 * A restore ends by handing the VM to the engine's change-package chain at
 * cp_update_ip with action "restore": the package's resources are re-applied by the
 * engine's own idempotent steps (shrinks skipped), the VM is started and the "Backup
 * restored" e-mail sent when it is ready again.
 *
 * Ownership: struct puq_job is plain data; struct puq_job_out owns its request
 * (puq_job_out_reset); JSON results are new references.
 */
#ifndef PUQKVM_JOB_H
#define PUQKVM_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/error.h"
#include "puqkvm/http.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_conn.h"
#include "puqkvm/settings.h"
#include "puqkvm/store.h"
#include "puqkvm/vm.h"

#define PUQ_JOB_ARG_MAX 256

/* ---- weekly schedules (src/job/schedule.c) ------------------------------------------------ */

/*
 * A weekly schedule as the original module stores it (vm_backup_schedule,
 * vm_snapshot_schedule): {"0":"07:00","3":"23:30"}, weekday 0 = Sunday, a missing day
 * is off. Times are the WHMCS installation's local time.
 */
struct puq_schedule {
	int minute[7]; /* minutes after local midnight, -1 = off */
};

void puq_schedule_init(struct puq_schedule *s);
bool puq_schedule_empty(const struct puq_schedule *s);
/*
 * Reads a stored schedule; NULL, "" or "{}" is an empty schedule. A stored value that
 * cannot be read is an empty schedule too (err says why; returns -PUQ_EPARSE), so a
 * damaged row never stops the cron.
 */
int puq_schedule_parse(const char *text, struct puq_schedule *out, struct puq_error *err);
/*
 * A schedule submitted by a client: an object weekday => "HH:MM" (or "" / null = off),
 * weekdays as "0".."6". Every bad entry is a field error "schedule.<day>".
 */
int puq_schedule_from_json(const json_t *in, struct puq_schedule *out, struct puq_error *err);
/* The stored form (a JSON object, compact, days in order); new reference. */
json_t *puq_schedule_to_json(const struct puq_schedule *s);

/*
 * Times are "local epochs": seconds since 1970-01-01 00:00 of the local wall clock
 * (UTC + the installation's offset), so calendar arithmetic is plain gmtime/timegm.
 *
 * The slot to run now: the latest scheduled time at or before now that is newer than
 * last (the slot run before, 0 = none) and at most grace seconds old; 0 when none. A
 * cron that did not run at a slot's minute, or a VM busy then, still gets the slot up
 * to grace later, once; an older slot is skipped for the next.
 */
long long puq_schedule_due(const struct puq_schedule *s, long long now_local, long long last,
	long long grace);
/* The next scheduled time after now (0 = none): for the client area's display. */
long long puq_schedule_next(const struct puq_schedule *s, long long now_local);
/* A local epoch as "YYYY-MM-DD HH:MM:SS" (DATETIME) and back (0 for NULL or garbage). */
void puq_local_format(long long t, char out[20]);
long long puq_local_parse(const char *text);

/* How late a schedule slot may still run (a cron that missed it, a busy VM). */
#define PUQ_SCHEDULE_GRACE_S (12 * 3600)

/* A byte count for people: "512 MiB", "1.5 GiB" (binary units). */
void puq_job_size_text(unsigned long long bytes, char out[24]);
/* A client's free text (backup notes, snapshot descriptions): trimmed, printable, no
 * more than max characters (UTF-8 counts as characters). Field error on `field`. */
int puq_job_text_check(const char *in, size_t max, const char *field, char out[PUQ_JOB_ARG_MAX],
	struct puq_error *err);

/* ---- kinds and phases --------------------------------------------------------------------- */

#define PUQ_JOB_KINDS(XX)                                                                \
	XX(NONE, "", "")                                                                     \
	XX(BACKUP, "backup", "Backup")                                                       \
	XX(RESTORE, "restore", "Restore")                                                    \
	XX(BACKUP_DELETE, "backup_delete", "Remove backup")                                  \
	XX(SNAPSHOT, "snapshot", "Snapshot")                                                 \
	XX(ROLLBACK, "rollback", "Rollback")                                                 \
	XX(SNAPSHOT_DELETE, "snapshot_delete", "Remove snapshot")                            \
	XX(SNAPSHOT_EXPIRE, "snapshot_expire", "Remove expired snapshots")

enum puq_job_kind {
#define PUQ_XX_JK(id, name, label) PUQ_JOB_##id,
	PUQ_JOB_KINDS(PUQ_XX_JK)
#undef PUQ_XX_JK
	PUQ_JOB_KIND__COUNT
};
const char *puq_job_kind_name(enum puq_job_kind k);
const char *puq_job_kind_label(enum puq_job_kind k);
/* PUQ_JOB_NONE for "" or an unknown name. */
enum puq_job_kind puq_job_kind_parse(const char *name);
/* The kinds restoreBackupStatus follows (restore); nowBackupStatus follows the others. */
bool puq_job_kind_is_restore(enum puq_job_kind k);

/* The task-starting phases: id, stored name, the type of the Proxmox task it starts. */
#define PUQ_JOB_PHASES(XX)                                                               \
	XX(NONE, "", "")                                                                     \
	XX(BACKUP_ROTATE, "backup_rotate", "imgdel")                                         \
	XX(DUMP, "dump", "vzdump")                                                           \
	XX(STOP, "stop", "qmshutdown")                                                       \
	XX(RESTORE, "restore", "qmrestore")                                                  \
	XX(BACKUP_DELETE, "backup_delete", "imgdel")                                         \
	XX(SNAP_ROTATE, "snap_rotate", "qmdelsnapshot")                                      \
	XX(SNAP, "snap", "qmsnapshot")                                                       \
	XX(ROLLBACK, "rollback", "qmrollback")                                               \
	XX(SNAP_DELETE, "snap_delete", "qmdelsnapshot")

enum puq_job_phase {
#define PUQ_XX_JP(id, name, type) PUQ_JOB_PHASE_##id,
	PUQ_JOB_PHASES(PUQ_XX_JP)
#undef PUQ_XX_JP
	PUQ_JOB_PHASE__COUNT
};
const char *puq_job_phase_name(enum puq_job_phase p);
const char *puq_job_phase_task_type(enum puq_job_phase p);
enum puq_job_phase puq_job_phase_parse(const char *name);

/* Where a job came from: the client (or admin), a schedule, the snapshot lifetime. */
#define PUQ_JOB_ORIGIN_CLIENT   "client"
#define PUQ_JOB_ORIGIN_SCHEDULE "schedule"
#define PUQ_JOB_ORIGIN_LIFETIME "lifetime"

/* ---- the job as a step sees it ------------------------------------------------------------ */

struct puq_job {
	long long service_id, client_id, product_id, server_id;
	long long vmid;
	char node[PUQ_PVE_NAME_MAX];   /* where the VM is (resolved when the job starts) */
	enum puq_job_kind kind;
	enum puq_job_phase phase;      /* the committed task's phase, NONE before the first */
	char token[33];
	char arg[PUQ_JOB_ARG_MAX];     /* a backup's volid, a snapshot's name */
	char note[PUQ_JOB_ARG_MAX];    /* a backup's notes, a snapshot's description */
	char origin[16];
	char upid[PUQ_PVE_UPID_MAX];   /* "" until Proxmox answered the phase's call */
	long long slot;                /* the schedule slot served (local epoch), 0 = none */
	long long intent_at;           /* when the phase was committed (UTC epoch, db clock) */
	long long intent_age_s;        /* seconds since then, by the database's clock */
	long long now;                 /* the wall clock (UTC epoch) for lifetime decisions */
	struct puq_vm_product product; /* quotas as ordered, storages as the product has them */
};

enum puq_job_event_kind {
	PUQ_JOB_EV_START, /* the job (re)starts its decisions: nothing in hand */
	PUQ_JOB_EV_READ,  /* the answer to the step's READ: rc 0 with data, or rc < 0 with err */
	PUQ_JOB_EV_TASK,  /* the committed phase's task stopped: task (rc < 0: it could not
	                     be started, err says why) */
};

struct puq_job_event {
	enum puq_job_event_kind kind;
	int rc;
	struct puq_error err;
	const json_t *data; /* READ: borrowed for the call */
	struct puq_pve_task task;
};

enum puq_job_do {
	PUQ_JOB_DO_READ,    /* perform out.req, call again with EV_READ */
	PUQ_JOB_DO_TASK,    /* commit out.phase as the intent, perform out.req (a task) */
	PUQ_JOB_DO_DONE,    /* the job succeeded: out.text */
	PUQ_JOB_DO_FAIL,    /* the job failed: out.text, out.busy (retry a schedule later) */
	PUQ_JOB_DO_HANDOFF, /* the restore is done: hand the VM to the engine (out.text) */
};

struct puq_job_out {
	enum puq_job_do kind;
	struct puq_pve_req req;
	enum puq_job_phase phase; /* TASK */
	bool null_is_done;        /* TASK: a null answer means it already happened (volume
	                             deletion answers null when done at once) */
	bool busy;                /* FAIL: the VM was busy; a schedule tries again later */
	long long backups, snapshots; /* DONE/FAIL: the counts seen last, -1 = unknown */
	char text[PUQ_ERROR_TEXT_MAX];
};
void puq_job_out_init(struct puq_job_out *o);
void puq_job_out_reset(struct puq_job_out *o);

/* What a step keeps between its calls within one executor run. */
struct puq_job_scratch {
	int stage;
	bool running;   /* the VM was running when the job looked */
	size_t done;    /* things removed so far (rotation, expiry) */
};

/*
 * Runs the job's step once: fills out (initialised by the caller). Returns 0, or a
 * negative code when out could not be built (out of memory).
 */
int puq_job_step(const struct puq_job *job, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *out);

/*
 * The backups of vmid in a storage listing, oldest first (the listing may hold other
 * VMs' volumes and other content). Fills idx[] with positions in l, returns the count.
 */
size_t puq_job_backups_of(const struct puq_pve_volume_list *l, long long vmid, size_t *idx,
	size_t max);
/* The snapshots of a listing, oldest first (positions in l into idx[]); returns the count. */
size_t puq_job_snapshots_sorted(const struct puq_pve_snapshot_list *l, size_t *idx,
	size_t max);

/* ---- the executor (src/job/row.c, src/job/run.c) ------------------------------------------ */

/* What the executor needs around it. Borrowed. */
struct puq_job_env {
	struct puq_db *db;
	struct puq_http_engine *http;
	/* The Proxmox connection of a WHMCS server (kept by the caller); NULL with err. */
	struct puq_pve_conn *(*conn_for)(void *ctx, long long server_id, struct puq_error *err);
	void *conn_ctx;
	void (*line)(void *ctx, const char *text); /* progress lines; may be NULL */
	void *line_ctx;
	long recover_after_s; /* an intent without UPID older than this is recovered (0 = 120) */
	long poll_ms;         /* between task polls while waiting (0 = 1000) */
};

/* Loads a VM's job (kind NONE when the slot is empty) with its product. */
int puq_job_load(struct puq_db *db, long long service_id, struct puq_job *out,
	struct puq_error *err);

/* A new job; strings borrowed. */
struct puq_job_new {
	long long service_id;
	enum puq_job_kind kind;
	const char *arg, *note;
	const char *origin;
	long long slot; /* local epoch, 0 = none */
};
/*
 * Takes the VM's job slot (see above). -PUQ_EBUSY with a sentence saying what holds the
 * VM ("a backup is running", "the VM is being deployed", ...) when it cannot be taken;
 * -PUQ_ENOTFOUND when the service has no VM row.
 */
int puq_job_begin(struct puq_db *db, const struct puq_job_new *n, char token[33],
	struct puq_error *err);

enum puq_job_state { PUQ_JOB_IDLE, PUQ_JOB_RUNNING, PUQ_JOB_FINISHED, PUQ_JOB_LOST };

struct puq_job_result {
	enum puq_job_state state;
	enum puq_job_kind kind;
	bool ok;     /* FINISHED: success */
	bool busy;   /* FINISHED: failed because the VM was busy */
	char message[PUQ_ERROR_TEXT_MAX];
};

/*
 * Advances the VM's job as far as it goes: polls its task, starts the next phase, ends
 * it. Waits for a running task up to budget_ms (0 = never waits: the client area's
 * poll). The result says whether the job still runs, finished (how), or was taken
 * over by another advancer (LOST). A failure of Proxmox ends the job with its message;
 * the return value is negative only when the database failed.
 */
int puq_job_advance(const struct puq_job_env *env, long long service_id, long budget_ms,
	struct puq_job_result *res, struct puq_error *err);

/*
 * The VM's job for display: {kind, label, phase, origin, arg, note, running, started_at,
 * last: {kind, result, message, finished_at} | null}.
 */
int puq_job_describe(struct puq_db *db, long long service_id, json_t **out,
	struct puq_error *err);

/* What the client area's pages need of a VM row. */
struct puq_job_vm {
	long long vmid, server_id;
	char node[PUQ_PVE_NAME_MAX];
	char backup_schedule[512], snapshot_schedule[512]; /* stored forms, "" when none */
};
/* -PUQ_ENOTFOUND without a row, -PUQ_ESTATE while the service has no VM yet. */
int puq_job_vm_load(struct puq_db *db, long long service_id, struct puq_job_vm *out,
	struct puq_error *err);

/*
 * The product a job runs against: the per-service values (quotas) as stored with the
 * VM when it was ordered or last changed, the product-wide settings (backup and ISO
 * storage, snapshot schedule mode and lifetime, client permissions) as the product has
 * them now (tblproducts.configoption1..24).
 */
int puq_job_product(struct puq_db *db, long long service_id, struct puq_vm_product *out,
	struct puq_error *err);

/* ---- cron tasks (src/job/follow.c) -------------------------------------------------------- */

/* What a cron task that works on jobs holds for its run. */
struct puq_job_runner {
	struct puq_job_env env;
	struct puq_http_engine *http;
	struct puq_job_servers *servers;
};
/*
 * A runner for a cron task: an engine, the server connections (passwords decrypted by
 * decrypt), the timeouts of Settings > General, the recovery window (the Heavy
 * Operations Timeout plus 30 s: no call waits longer for its answer) and line for
 * progress lines. Free with puq_job_runner_free.
 */
int puq_job_runner_init(struct puq_job_runner *r, struct puq_db *db,
	const struct puq_settings *settings,
	int (*decrypt)(void *ctx, const char *cipher, char *out, size_t out_size,
		struct puq_error *err),
	void (*line)(void *ctx, const char *text), void *hooks_ctx, struct puq_error *err);
void puq_job_runner_free(struct puq_job_runner *r);

struct puq_job_counts {
	size_t finished; /* ended well */
	size_t failed;   /* ended with an error */
	size_t busy;     /* ended because the VM was busy (a schedule tries again) */
	size_t running;  /* still running when the budget ran out */
};
/*
 * Advances every VM's job (restores, or every other kind) until each has ended or
 * budget_s passed, polling the running tasks round-robin.
 */
int puq_job_follow(const struct puq_job_env *env, bool restores, double budget_s,
	struct puq_job_counts *c, struct puq_error *err);

/* ---- Proxmox connections of a cron task (src/job/servers.c) ------------------------------- */

struct puq_job_servers;
/*
 * Connections per WHMCS server entry, opened on first use: the server's password is
 * decrypted by decrypt (WHMCS encrypts it; the core cannot), timeouts from the settings.
 */
struct puq_job_servers *puq_job_servers_new(struct puq_db *db, struct puq_http_engine *http,
	int (*decrypt)(void *ctx, const char *cipher, char *out, size_t out_size,
		struct puq_error *err),
	void *decrypt_ctx, long timeout_ms, long heavy_timeout_ms);
void puq_job_servers_free(struct puq_job_servers *s);
/* For struct puq_job_env.conn_for (ctx = the servers). */
struct puq_pve_conn *puq_job_servers_conn(void *ctx, long long server_id, struct puq_error *err);

#endif
