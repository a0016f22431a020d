/*
 * What the files of the vmadmin room share: the activity entry every admin action
 * writes, the check of its actor and the lock it takes.
 */
#ifndef PUQKVM_VMADMIN_INTERNAL_H
#define PUQKVM_VMADMIN_INTERNAL_H

#include "puqkvm/vm_store.h"
#include "puqkvm/vmadmin.h"

#define ALLOC_TABLE "puq_proxmox_kvm_ip_allocations"

/* Checks the actor text of an admin action (field "actor"). */
int vmadmin_check_actor(const char *actor, struct puq_error *err);

/*
 * Queues the activity log entry of an admin action in the caller's transaction:
 * "<actor>: <what> - Service ID: <id>". client_id 0 is looked up from tblhosting.
 */
int vmadmin_audit(struct puq_db *db, long long service_id, long long client_id,
	const char *actor, const char *what, struct puq_error *err);

/*
 * Locks the service's tblhosting row (when WHMCS still has it), then its VM row - the
 * engine's lock order - and reads the VM's status into status (64 bytes; "-" when the
 * service has no VM row) and its client (may be NULL).
 */
int vmadmin_lock(struct puq_db *db, long long service_id, char status[64], long long *client_id,
	struct puq_error *err);

#endif
