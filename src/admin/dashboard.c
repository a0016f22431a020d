/*
 * The numbers on the addon's dashboard cards.
 *
 * One statement of scalar subqueries: a page load costs a single round trip however
 * many cards there are. "KVM Services" counts what WHMCS counts as active
 * (tblhosting.domainstatus = 'Active') among products whose server module is
 * puqProxmoxKVM; the literals take the column's collation, so the comparison works on
 * a utf8 WHMCS database as on a utf8mb4 one.
 */
#include <string.h>

#include "puqkvm/dashboard.h"

/* Statuses that end a VM's pipeline; anything else is work in progress. */
#define VM_RESTING "'ready', 'remove', 'error_terminate', ''"

int puq_dashboard_load(struct puq_db *db, struct puq_dashboard *d, struct puq_error *err)
{
	memset(d, 0, sizeof(*d));
	struct puq_db_rows *rows;
	int rc = puq_db_query(db, err,
		"SELECT "
		"(SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools), "
		"(SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones), "
		"(SELECT COUNT(*) FROM tblhosting h JOIN tblproducts p ON p.id = h.packageid "
		" WHERE h.domainstatus = 'Active' AND p.servertype = 'puqProxmoxKVM'), "
		"(SELECT COUNT(*) FROM puqProxmoxKVM_vm_info), "
		"(SELECT COUNT(*) FROM puqProxmoxKVM_vm_info WHERE vm_status NOT IN (" VM_RESTING ")), "
		"(SELECT COUNT(*) FROM puqProxmoxKVM_vm_info WHERE vm_status = 'error_terminate'), "
		"(SELECT COUNT(*) FROM puqProxmoxKVM_vm_info WHERE needs_attention = 1)",
		PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	d->ip_pools = puq_db_cell_int(rows, 0, 0, 0);
	d->dns_zones = puq_db_cell_int(rows, 0, 1, 0);
	d->kvm_services = puq_db_cell_int(rows, 0, 2, 0);
	d->vms_total = puq_db_cell_int(rows, 0, 3, 0);
	d->vms_in_progress = puq_db_cell_int(rows, 0, 4, 0);
	d->vms_failed = puq_db_cell_int(rows, 0, 5, 0);
	d->vms_attention = puq_db_cell_int(rows, 0, 6, 0);
	puq_db_rows_free(rows);
	return 0;
}
