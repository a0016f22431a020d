/*
 * The vm room's data step: rows of an adopted puqProxmoxKVM_vm_info (the original
 * module's table) get the engine's bookkeeping. A row in a pipeline state becomes due,
 * so the cron sees it (it reports what is missing, such as a stored product, instead of
 * ignoring the row), and every VMID the table holds is reserved, so a new VM never gets
 * the VMID of an existing one. Safe to run twice: both statements only fill what is not
 * there yet.
 */
#include "puqkvm/schema.h"
#include "puqkvm/vm_store.h"

int puq_vm_schema_backfill(struct puq_db *db, struct puq_error *err)
{
	int rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET next_run_at = COALESCE(next_run_at, NOW()), rev = rev + 1,"
		" due = " PUQ_VM_DUE_EXPR " WHERE due = 0",
		PUQ_NOARGS, NULL);
	if (rc < 0)
		return rc;
	return puq_db_exec(db, err,
		"INSERT INTO puq_proxmox_kvm_vmids (vmid, service_id, server_id)"
		" SELECT v.vm_id, MIN(v.service_id), MIN(v.server_id) FROM " PUQ_VM_TABLE " v"
		" LEFT JOIN puq_proxmox_kvm_vmids r ON r.vmid = v.vm_id"
		" WHERE v.vm_id > 0 AND r.vmid IS NULL AND v.vm_status <> 'remove'"
		" GROUP BY v.vm_id",
		PUQ_NOARGS, NULL);
}
