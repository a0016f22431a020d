/*
 * vm_store: the VM rows (puqProxmoxKVM_vm_info) and their run log, in the database.
 *
 * Queueing. The server module's functions only write rows and return: CreateAccount
 * stores the resolved product and sets creation, ChangePackage sets change_package
 * (or keeps the new product pending until the VM is ready), TerminateAccount sets
 * terminate, Suspend/Unsuspend and the Start/Stop buttons leave a power request,
 * Reinstall, Redeploy and "Set DNS records" set their states. Each maintains the row's
 * `due` flag and `next_run_at`, which is all the cron's claim query looks at. Actions
 * that replace the VM's work (terminate, reinstall, redeploy, an admin reset) also
 * clear the lease, so a worker holding the VM loses its next transition and drops it:
 * the newer request wins.
 *
 * Run log: one row per run of a VM (a worker's claim of it: action, result, times) in
 * puq_proxmox_kvm_vm_runs, one row per step in puq_proxmox_kvm_vm_steps; the last 50
 * runs per VM are kept. vm_last_action_log keeps a compact JSON of the last run, as the
 * original module's column did.
 *
 * Ownership: struct puq_vm values filled here own their address list and rev_dns
 * (puq_vm_free); JSON results are new references.
 */
#ifndef PUQKVM_VM_STORE_H
#define PUQKVM_VM_STORE_H

#include <stdbool.h>

#include <jansson.h>

#include "puqkvm/store.h"
#include "puqkvm/vm.h"

#define PUQ_VM_TABLE "puqProxmoxKVM_vm_info"
#define PUQ_VM_RUNS_TABLE "puq_proxmox_kvm_vm_runs"
#define PUQ_VM_STEPS_TABLE "puq_proxmox_kvm_vm_steps"
#define PUQ_VM_RUNS_KEPT 50
/* The WHMCS module name of module log entries about VMs. */
#define PUQ_VM_LOG_MODULE "puqProxmoxKVM"

/*
 * The SQL expression of the `due` flag, to assign last in an UPDATE's SET list (MySQL
 * and MariaDB evaluate assignments left to right, so it sees the new values).
 */
#define PUQ_VM_DUE_EXPR                                                                  \
	"(vm_status NOT IN ('ready','remove','error_terminate','') OR "                     \
	"(vm_status = 'ready' AND (power_request <> '' OR pending_product IS NOT NULL)))"

/* What the engine needs of a row besides struct puq_vm. */
struct puq_vm_meta {
	char lease_token[33];
	long long action_seq;
	int attempts;
	bool pending_product;  /* a change of package waits for ready */
	char password_enc[1024]; /* tblhosting.password, WHMCS-encrypted */
};

/* Frees what puq_vm_load put into vm (addresses, rev_dns) and the password copy. */
void puq_vm_free(struct puq_vm *vm);

/*
 * Loads a row with its product, intent and live addresses. -PUQ_ENOTFOUND when the
 * service has no row; -PUQ_EPARSE when the stored product cannot be read.
 */
int puq_vm_load(struct puq_db *db, long long service_id, struct puq_vm *vm,
	struct puq_vm_meta *meta, struct puq_error *err);
/* Reloads the live addresses and rev_dns of vm (after an allocation). */
int puq_vm_load_addresses(struct puq_db *db, struct puq_vm *vm, struct puq_error *err);

/* ---- queueing (the server module's calls) ---------------------------------------------- */

/* An order: the WHMCS service and what the product resolves from. Borrowed. */
struct puq_vm_order {
	long long service_id, client_id, product_id, server_id;
	const char *slots[PUQ_VM_SLOTS];          /* configoption1..24 */
	const struct puq_vm_option *options;      /* configurable options */
	size_t noptions;
	const char *password_enc; /* the service password, encrypted by WHMCS; NULL keeps it */
};

/*
 * CreateAccount: validates the product (field errors), writes the row in creation
 * (a row left in remove is reused) and tblhosting.username/password, and makes the VM
 * due now. -PUQ_ECONFLICT when the service already has a live VM.
 */
int puq_vm_queue_create(struct puq_db *db, const struct puq_vm_order *o, struct puq_error *err);
/*
 * ChangePackage: with the VM ready (or already in change_package) the change starts
 * now; in any other state the new product waits and the change starts when the VM is
 * ready. *queued (may be NULL) says which: false = started, true = waiting.
 */
int puq_vm_queue_change_package(struct puq_db *db, const struct puq_vm_order *o, bool *queued,
	struct puq_error *err);
/* TerminateAccount: terminate now (a worker holding the VM loses it). remove: no-op. */
int puq_vm_queue_terminate(struct puq_db *db, long long service_id, struct puq_error *err);
/* Suspend (stop, and never start until unsuspended) / Unsuspend (start). */
int puq_vm_queue_suspend(struct puq_db *db, long long service_id, bool suspended,
	struct puq_error *err);
/* The admin's Start / Stop: what is "start" or "stop". A start of a suspended service is
 * refused with -PUQ_ESTATE. */
int puq_vm_queue_power(struct puq_db *db, long long service_id, const char *what,
	struct puq_error *err);
/* Reinstall (template_vmid 0 keeps the OS; password_enc NULL keeps the password). */
int puq_vm_queue_reinstall(struct puq_db *db, long long service_id, long long template_vmid,
	const char *password_enc, struct puq_error *err);
/* Redeploy: delete the VM, release addresses and VMID, deploy from creation. */
int puq_vm_queue_redeploy(struct puq_db *db, long long service_id, struct puq_error *err);
/* "Set DNS records": a full resync of the VM's records, from ready. */
int puq_vm_queue_dns(struct puq_db *db, long long service_id, struct puq_error *err);
/*
 * The admin's Reset: moves the VM to status (one of ready, creation, set_ip,
 * change_package, set_dns_records, terminate, remove), clears the lease (the reset wins
 * over a worker), the error counters and the attention flag.
 */
int puq_vm_reset(struct puq_db *db, long long service_id, const char *status,
	struct puq_error *err);

/* The row for display: every column of the spec plus the engine's. */
int puq_vm_info(struct puq_db *db, long long service_id, json_t **out, struct puq_error *err);

/* ---- run log -------------------------------------------------------------------------- */

struct puq_vm_run {
	long long id;
	long long service_id;
	enum puq_vm_action action;
	double started;    /* wall clock, seconds */
	json_t *steps;     /* the steps so far, for vm_last_action_log (owned) */
	size_t nsteps;
	bool failed;
};

/* Opens a run (a row with result "running"); run is initialised here. */
int puq_vm_run_begin(struct puq_db *db, long long service_id, enum puq_vm_action action,
	const char *worker, struct puq_vm_run *run, struct puq_error *err);
/*
 * Records a step: label, from -> to, result ("success", "waiting", "error", "skip"), a
 * message and the duration. Part of the caller's transaction when one is open.
 */
int puq_vm_run_step(struct puq_db *db, struct puq_vm_run *run, const char *label,
	const char *from, const char *to, const char *result, const char *message,
	double seconds, struct puq_error *err);
/*
 * Closes the run with its result and message, writes vm_last_action_log (and, for an
 * error, last_error_action/message) and keeps the last PUQ_VM_RUNS_KEPT runs. Frees the
 * run's memory. The lease token makes the row update conditional (NULL: unconditional).
 */
int puq_vm_run_end(struct puq_db *db, struct puq_vm_run *run, const char *result,
	const char *message, struct puq_error *err);
/* Frees a run without writing (the lease was lost). */
void puq_vm_run_free(struct puq_vm_run *run);

/*
 * The last runs of a service, newest first, each with its steps:
 * [{id, action, result, message, started_at, finished_at, duration, steps: [{seq, label,
 * from, to, result, message, duration, time}]}], plus last_error {action, message}.
 */
int puq_vm_runs(struct puq_db *db, long long service_id, int limit, json_t **out,
	struct puq_error *err);

#endif
