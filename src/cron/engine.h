/*
 * Private to the cron room: the state of one processVirtualMachines run, shared by the
 * loop (engine.c), the lease and transition statements (lease.c), the database actions
 * steps ask for (actions.c), the DNS batches (dnsbatch.c) and the server connections
 * (servers.c).
 */
#ifndef PUQKVM_CRON_ENGINE_H
#define PUQKVM_CRON_ENGINE_H

#include "puqkvm/cron.h"
#include "puqkvm/dns.h"
#include "puqkvm/pve_conn.h"
#include "puqkvm/settings.h"
#include "puqkvm/vm.h"
#include "puqkvm/vm_store.h"

#define CRON_SLOTS_TABLE "puq_proxmox_kvm_clone_slots"
#define CRON_VMIDS_TABLE "puq_proxmox_kvm_vmids"

struct cron_server {
	long long id;
	struct puq_pve_conn conn;
	bool ok;
	char why[PUQ_ERROR_TEXT_MAX]; /* when not ok */
	int why_code;
};

/* A read several VMs share (cluster resources, nodes, a template's config). */
struct cron_shared {
	char key[600];
	bool done;
	double fetched;
	int rc;
	struct puq_error err;
	json_t *data;
	struct cron_vm **waiters;
	size_t nwait, capwait;
	struct cron_shared *next;
};

enum cron_wait {
	CW_READY, /* ev holds what the step gets next */
	CW_HTTP,  /* a request is in flight */
	CW_SLEEP, /* until wake_at: then poll the task, or call the step again */
	CW_DNS,   /* in the next DNS batch */
	CW_DONE,  /* the run ended; freed by the loop */
};

/*
 * Task events the engine settles itself before the step sees them, marked in ev.n of a
 * PUQ_VM_EV_TASK event (before_step in step.c).
 */
enum cron_task_mark {
	CRON_TASK_BUDGET_SPENT = -1, /* still running when the run's budget is spent */
	CRON_TASK_ACCEPTED = -2,     /* Proxmox answered a UPID: commit it, then poll */
	CRON_TASK_UNKNOWN = -3,      /* an intent's task whose status could not be read */
};

struct cron_vm {
	struct puq_vm vm;
	struct puq_vm_meta meta;
	struct cron_server *srv;
	struct puq_vm_scratch sc;
	struct puq_vm_event ev;
	json_t *ev_data;          /* owns what ev.data points to */
	enum cron_wait wait;
	double wake_at;
	/* a followed task */
	bool polling;
	char upid[PUQ_PVE_UPID_MAX];
	double task_started, task_deadline;
	bool task_is_intent;      /* its UPID is stored with the intent */
	bool task_answer;         /* the request in flight answers a UPID */
	/* the step in progress */
	enum puq_vm_state step_from;
	double step_started;
	char step_label[64];
	/* the run */
	struct puq_vm_run run;
	bool run_open;
	char password[256];
	enum puq_vm_dns_op dns_op;
	size_t dns_ok, dns_failed;
	int dns_rc;
	char dns_error[PUQ_ERROR_TEXT_MAX];
	bool header_printed;
	json_t *cfg_cache;        /* the VM's config as last read, while nothing wrote to it */
	/*
	 * Transitions not written yet: steps are idempotent, so the progress of steps that
	 * only read or make repeatable changes is written in one transaction at the next
	 * point that needs it (a task-starting request, a database action, a wait, ready,
	 * the end of the run, or after a second) instead of one commit per step.
	 */
	enum puq_vm_state committed; /* vm_status as the database has it */
	bool pending;
	double pending_since;
	char acc_node[PUQ_PVE_NAME_MAX], acc_mac[18];
	bool acc_clear_intent, acc_clear_power;
	const char *acc_email;
	json_t *queued;           /* step rows not written yet */
	size_t seq;               /* steps so far, written or not */
	bool reload;              /* the row changed under the run (a waiting change of package) */
	bool dropped;             /* the lease was lost: nothing more is written */
	char step_note[PUQ_ERROR_TEXT_MAX]; /* the last WAIT's reason */
};

struct cron_engine {
	struct puq_db *db;
	const struct puq_cron_vm_options *opt;
	const struct puq_cron_hooks *hooks;
	struct puq_http_engine *http;
	bool own_http;
	struct puq_vm_env env;
	char worker[128];
	double lease_s;
	unsigned concurrency;
	long clone_cap;
	long attention_after_s;
	long heavy_timeout_ms, default_timeout_ms;
	unsigned pve_connections;
	struct cron_server *servers;
	size_t nservers, capservers;
	struct cron_vm **vms;
	size_t nvms, capvms;
	struct cron_shared *shared;
	struct puq_cron_vm_stats *stats;
	bool skip_locked;
	long long vmid_hint;      /* the VMID after the last one this worker reserved */
};

double cron_now(void);
void cron_line(struct cron_engine *e, const char *fmt, ...) PUQ_PRINTF(2, 3);
void cron_vm_line(struct cron_engine *e, struct cron_vm *v, const char *fmt, ...)
	PUQ_PRINTF(3, 4);

/* Forgets the run's steps after the first n (a rolled back or retried transaction). */
void cron_run_trim(struct puq_vm_run *run, size_t n);

/* ---- transfer.c ---- */
void cron_ev_clear(struct cron_vm *v);
/* The next call of the step gets EV_START (after a wait, a phase, a new step). */
void cron_ev_start(struct cron_vm *v);
/* The answer for the step; data is stolen. */
void cron_ev_result(struct cron_vm *v, enum puq_vm_event_kind kind, int rc,
	const struct puq_error *err, json_t *data);
void cron_ev_error(struct cron_vm *v, enum puq_vm_event_kind kind, int code, const char *text);
/* Forgets the VM's cached config (something wrote, or may have). */
void cron_cfg_forget(struct cron_vm *v);
/* Sends r for v (sh: as the shared read sh); answers arrive on v or sh's waiters. */
int cron_submit(struct cron_engine *e, struct cron_vm *v, struct cron_shared *sh,
	const struct puq_pve_req *r, struct puq_error *err);
/* A read several VMs may share: answered from the cache, joined to one in flight, or sent. */
int cron_shared_read(struct cron_engine *e, struct cron_vm *v, const struct puq_pve_req *r,
	struct puq_error *err);
/* Frees shared reads older than their lifetime (all: every finished one). */
void cron_shared_prune(struct cron_engine *e, bool all);

/* ---- engine.c: runs ---- */
void cron_vm_dispose(struct cron_vm *v);
/* The VM was taken away (reset, terminate, another worker): writes nothing more. */
void cron_drop(struct cron_engine *e, struct cron_vm *v);
/* Ends the run: writes the progress, releases the lease, closes the run log. */
void cron_end_run(struct cron_engine *e, struct cron_vm *v, const char *result,
	const char *message);
/* Queues a step's row of the run log (written with the next flush). */
void cron_log_step(struct cron_engine *e, struct cron_vm *v, const char *label,
	const char *to, const char *result, const char *message);
/* Writes the VM's progress; false when the VM was dropped or disposed meanwhile. */
bool cron_flush_vm(struct cron_engine *e, struct cron_vm *v);
void cron_new_step(struct cron_vm *v);
/* Loads the row again (a change of package queued during the run starts now). */
void cron_reload(struct cron_engine *e, struct cron_vm *v);

/* ---- step.c ---- */
/* Steps a ready VM until it has to wait. */
void cron_drive(struct cron_engine *e, struct cron_vm *v, bool stopping);
/* A sleeping VM's time has come: poll its task, or step it again. */
void cron_wake(struct cron_engine *e, struct cron_vm *v, bool stopping);

/* ---- lease.c ---- */
/* Claims up to max due VMs; their ids and tokens go to ids[] / tokens[]. */
int cron_claim(struct cron_engine *e, size_t max, long long *ids, char (*tokens)[33],
	size_t *n, struct puq_error *err);
int cron_renew(struct cron_engine *e, struct puq_error *err);
/*
 * Writes what v did since the last write: its status (conditional on the lease and the
 * status the database has), the accumulated row changes, the queued step rows and,
 * reaching ready, the e-mail and a waiting change of package - one transaction.
 * -PUQ_ELEASE when the VM was taken away.
 */
int cron_flush(struct cron_engine *e, struct cron_vm *v, struct puq_error *err);
/* Commits the intent of out (and takes the clone slots it names). -PUQ_EBUSY: no slot. */
int cron_commit_intent(struct cron_engine *e, struct cron_vm *v, const struct puq_vm_out *out,
	struct puq_error *err);
int cron_commit_upid(struct cron_engine *e, struct cron_vm *v, const char *upid,
	struct puq_error *err);
int cron_release_slots(struct cron_engine *e, long long service_id, struct puq_error *err);
/* Ends the run: result success / waiting / error; releases the lease (conditionally). */
int cron_release(struct cron_engine *e, struct cron_vm *v, const char *result,
	const char *message, struct puq_error *err);

/* ---- actions.c ---- */
/*
 * Runs a database action of out; transitional actions include the transition (and the
 * step log entry). *n receives a number the action produced (a VMID).
 */
int cron_action(struct cron_engine *e, struct cron_vm *v, const struct puq_vm_out *out,
	double seconds, long long *n, struct puq_error *err);
bool cron_action_transitions(enum puq_vm_db_op op);

/* ---- dnsbatch.c ---- */
/* Runs every VM waiting in CW_DNS through its operation (batched), then marks it ready. */
void cron_dns_batch(struct cron_engine *e);

/* ---- servers.c ---- */
struct cron_server *cron_server(struct cron_engine *e, long long server_id);
void cron_servers_free(struct cron_engine *e);

#endif
