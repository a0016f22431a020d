/*
 * Private to the vm room: what the step files (deploy.c, change.c, teardown.c) share -
 * the ways a step states its decision, reading the VM's config before acting on it, and
 * the step functions the dispatcher (steps.c) calls.
 */
#ifndef PUQKVM_VM_STEPS_H
#define PUQKVM_VM_STEPS_H

#include <stdio.h>

#include "puqkvm/pve_config.h"
#include "puqkvm/vm.h"

typedef int (*puq_vm_step_fn)(struct puq_vm_step *s);

/* ---- decisions ---- */
void vm_next(struct puq_vm_step *s, enum puq_vm_state next, const char *fmt, ...)
	PUQ_PRINTF(3, 4);
void vm_skip(struct puq_vm_step *s, enum puq_vm_state next, const char *fmt, ...)
	PUQ_PRINTF(3, 4);
void vm_wait(struct puq_vm_step *s, long ms, const char *fmt, ...) PUQ_PRINTF(3, 4);
void vm_fail(struct puq_vm_step *s, int code, const char *fmt, ...) PUQ_PRINTF(3, 4);
void vm_log(struct puq_vm_step *s, const char *label, const char *fmt, ...) PUQ_PRINTF(3, 4);
/* ERROR carrying the event's error, with a prefix saying what was attempted. */
void vm_fail_event(struct puq_vm_step *s, const char *what);
void vm_db(struct puq_vm_step *s, enum puq_vm_db_op op, enum puq_vm_state next);
void vm_dns(struct puq_vm_step *s, enum puq_vm_dns_op op);
void vm_poll(struct puq_vm_step *s, const char *upid, long budget_ms);
/* out->req has been built: send it (task: follow the UPID it answers). */
void vm_send(struct puq_vm_step *s, bool task, long budget_ms);
/* A request builder failed: ERROR, or -ENOMEM. */
int vm_build_failed(struct puq_vm_step *s, int rc, struct puq_error *err);

/* The state a chain moves to after the current one. */
enum puq_vm_state vm_following(enum puq_vm_state s);

/* ---- reading the config ---- */
enum { VM_CFG_SENT = 1, VM_CFG_NOW = 2, VM_CFG_HAVE = 0 };
/*
 * Makes sure sc->config holds the VM's config: asks for it (VM_CFG_SENT, the step
 * returns), or it just arrived (VM_CFG_NOW: decide from it, ignore the event), or it was
 * there (VM_CFG_HAVE: the event answers the step's own request). A locked VM becomes a
 * WAIT; a missing VM an ERROR (both VM_CFG_SENT). Negative on out of memory.
 */
int vm_need_config(struct puq_vm_step *s);
bool vm_event_is(const struct puq_vm_step *s, enum puq_vm_event_kind k);
/* The error text of an HTTP or task event failure. */
const char *vm_event_error(const struct puq_vm_step *s);
/* A request that got no answer (timeout, transport): whether Proxmox did it is unknown. */
bool vm_outcome_unknown(const struct puq_vm_event *ev);

/* ---- a lost answer (recover.c) ---- */
enum vm_lost {
	VM_LOST_NONE,    /* no such task: the request never reached Proxmox */
	VM_LOST_RUNNING, /* the task runs (upid) */
	VM_LOST_OK,      /* the task ended well (upid) */
	VM_LOST_FAILED,  /* the task failed (upid, status): the intent is over */
	VM_LOST_UNKNOWN, /* the list may not be read by this token: cannot tell */
	VM_LOST_ERROR,   /* the list could not be read now: try again later */
};
/* Asks the node's task list for the intent's task; the answer comes at phase. */
int vm_lost_ask(struct puq_vm_step *s, int phase);
/* Reads that answer (the event): what became of the intent's request. */
enum vm_lost vm_lost_read(struct puq_vm_step *s, char upid[PUQ_PVE_UPID_MAX],
	char *status, size_t status_size);

/* ---- shared pieces ---- */
/* The system disk and the additional (first other real) disk of sc->config. */
int vm_system_disk(struct puq_vm_step *s, struct puq_pve_disk *out);
bool vm_additional_disk(struct puq_vm_step *s, const struct puq_pve_disk *sys,
	struct puq_pve_disk *out);
/* Compact "12G" for a byte count. */
void vm_size_text(unsigned long long bytes, char out[32]);

/* ---- the steps ---- */
int puq_vm_step_allocate(struct puq_vm_step *s);
int puq_vm_step_clone(struct puq_vm_step *s);
int puq_vm_step_dns_create(struct puq_vm_step *s);
int puq_vm_step_migrate(struct puq_vm_step *s);
int puq_vm_step_cpu_ram(struct puq_vm_step *s);
int puq_vm_step_sys_size(struct puq_vm_step *s);
int puq_vm_step_sys_bw(struct puq_vm_step *s);
int puq_vm_step_add_disk(struct puq_vm_step *s);
int puq_vm_step_add_size(struct puq_vm_step *s);
int puq_vm_step_add_bw(struct puq_vm_step *s);
int puq_vm_step_network(struct puq_vm_step *s);
int puq_vm_step_firewall(struct puq_vm_step *s);
int puq_vm_step_cloudinit(struct puq_vm_step *s);
int puq_vm_step_start(struct puq_vm_step *s);
int puq_vm_step_check_running(struct puq_vm_step *s);
int puq_vm_step_power(struct puq_vm_step *s);
int puq_vm_step_cp_update_ip(struct puq_vm_step *s);
int puq_vm_step_cp_stop(struct puq_vm_step *s);
int puq_vm_step_remove_old(struct puq_vm_step *s);
int puq_vm_step_dns_resync(struct puq_vm_step *s);
int puq_vm_step_terminate(struct puq_vm_step *s);

#endif
