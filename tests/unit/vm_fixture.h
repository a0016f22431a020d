/*
 * What the engine tests share: the Proxmox simulator as a child process (its control
 * endpoint for counters, knobs and VM state), a private database with the WHMCS tables
 * and the module schema, a WHMCS server entry pointing at the simulator, services, an
 * IPv4 pool, and hooks that decrypt by identity (the test stores secrets in clear) and
 * collect the output lines.
 */
#ifndef PUQKVM_TEST_VM_FIXTURE_H
#define PUQKVM_TEST_VM_FIXTURE_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

#include "puqkvm/buf.h"
#include "puqkvm/cron.h"
#include "puqkvm/vm_store.h"
#include "testdb.h"

struct vm_fixture {
	pid_t sim_pid;
	int sim_port;
	char sim_fp[100];
	struct puq_testdb t;
	struct puq_buf out;      /* every output line */
	struct puq_cron_hooks hooks;
};

/* Starts the simulator (extra args NULL-terminated) and the database. 0 or -1. */
int vmf_start(struct vm_fixture *f, const char *const *sim_args);
void vmf_stop(struct vm_fixture *f);
/* POST/GET the simulator's control endpoint "/__sim/<name>"; the answer (new ref) or NULL. */
json_t *vmf_sim(struct vm_fixture *f, const char *method, const char *name, const char *body);
/* A Proxmox API call on the simulator with the test token: method, path below
 * /api2/json, form body or NULL. Returns the HTTP status (0 on transport failure). */
long vmf_pve(struct vm_fixture *f, const char *method, const char *path, const char *form);
/* How often the simulator served "METHOD /schema/path" (counters.endpoints). */
long long vmf_calls(struct vm_fixture *f, const char *endpoint);
/* A service (tblhosting row) on server 1 for client 7, with password "secret-<id>". */
int vmf_service(struct vm_fixture *f, long long id);
/* Queues CreateAccount for service id with "key=value" product settings (slot names). */
int vmf_create(struct vm_fixture *f, long long id, const char *const *settings,
	struct puq_error *err);
/* One cron pass (processVirtualMachines, once) with the test hooks. */
int vmf_tick(struct vm_fixture *f, struct puq_cron_vm_stats *stats);
/* The VM's vm_status ("" when no row). */
const char *vmf_status(struct vm_fixture *f, long long id, char out[64]);
/* One integer of a query with one row, or -1. */
long long vmf_int(struct vm_fixture *f, const char *sql);

#endif
