/*
 * The admin's actions on a VM row: Redeploy, Reset, Delete Record, attaching an
 * existing Proxmox VM, and the release of a held address.
 *
 * Each is one transaction that takes the service's tblhosting row and then the VM row
 * (the engine's lock order, so an action and a worker queue instead of deadlocking),
 * re-checks the action's rule against the status it now holds - the page's buttons
 * only mirror the rule - does the work through the engine's own calls where there is
 * one (they run inside this transaction), and queues the activity entry naming the
 * admin, the service and what changed. Nothing here talks to Proxmox.
 */
#include <stdio.h>
#include <sys/random.h>

#include "internal.h"
#include "puqkvm/cron.h"
#include "puqkvm/pool.h"
#include "puqkvm/vmlist.h"

#define VMIDS_TABLE "puq_proxmox_kvm_vmids"

/* ---- shared ---------------------------------------------------------------------------- */

int vmadmin_check_actor(const char *actor, struct puq_error *err)
{
	if (!actor || !*actor)
		return puq_error_field(err, "actor", "the admin doing this must be named");
	if (strlen(actor) > PUQ_VMADMIN_ACTOR_MAX)
		return puq_error_field(err, "actor", "is longer than %d characters",
			PUQ_VMADMIN_ACTOR_MAX);
	return 0;
}

int vmadmin_audit(struct puq_db *db, long long service_id, long long client_id,
	const char *actor, const char *what, struct puq_error *err)
{
	if (client_id <= 0) {
		struct puq_db_rows *r = NULL;
		int rc = puq_db_query(db, err, "SELECT userid FROM tblhosting WHERE id = ?",
			PUQ_ARGS(PUQ_INT(service_id)), &r);
		if (rc < 0)
			return rc;
		client_id = puq_db_cell_int(r, 0, 0, 0);
		puq_db_rows_free(r);
	}
	unsigned char rnd[8];
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return puq_error_set(err, PUQ_EINTERNAL, "no random bytes for the activity entry");
	char key[64];
	int n = snprintf(key, sizeof(key), "admin:%lld:", service_id);
	for (size_t i = 0; i < sizeof(rnd) && n > 0 && (size_t)n + 2 < sizeof(key); i++)
		n += snprintf(key + n, sizeof(key) - (size_t)n, "%02x", rnd[i]);
	char text[2048];
	snprintf(text, sizeof(text), "%s: %s - Service ID: %lld", actor, what, service_id);
	return puq_outbox_activity(db, service_id, client_id, text, key, err);
}

int vmadmin_lock(struct puq_db *db, long long service_id, char status[64], long long *client_id,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err, "SELECT userid FROM tblhosting WHERE id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (client_id)
		*client_id = puq_db_cell_int(r, 0, 0, 0);
	puq_db_rows_free(r);
	rc = puq_db_query(db, err,
		"SELECT vm_status, client_id FROM " PUQ_VM_TABLE " WHERE service_id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows) {
		const char *s = puq_db_cell(r, 0, 0);
		puq_strlcpy(status, s ? s : "", 64);
		if (client_id && *client_id <= 0) /* the service is gone from WHMCS */
			*client_id = puq_db_cell_int(r, 0, 1, 0);
	} else {
		puq_strlcpy(status, "-", 64);
	}
	puq_db_rows_free(r);
	return 0;
}

static int no_row(long long service_id, struct puq_error *err)
{
	return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM record", service_id);
}

static const char *shown(const char *status)
{
	return status[0] ? status : "(empty)";
}

/* ---- redeploy, reset --------------------------------------------------------------------- */

struct act_ctx {
	long long service_id;
	const char *actor;
	const char *status; /* reset: the target */
	bool release;       /* delete record */
	size_t released;
};

static int redeploy_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act_ctx *c = arg;
	char status[64], what[160];
	long long client = 0;
	int rc = vmadmin_lock(db, c->service_id, status, &client, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return no_row(c->service_id, err);
	if (strcmp(status, "ready") == 0)
		return puq_error_set(err, PUQ_ESTATE, "Redeploy is only for a VM that is not ready; "
			"the VM of service %lld is ready (use Reinstall to rebuild a working VM)",
			c->service_id);
	if ((rc = puq_vm_queue_redeploy(db, c->service_id, err)) < 0)
		return rc;
	snprintf(what, sizeof(what), "VM redeploy requested (status was %s)", shown(status));
	return vmadmin_audit(db, c->service_id, client, c->actor, what, err);
}

int puq_vmadmin_redeploy(struct puq_db *db, long long service_id, const char *actor,
	struct puq_error *err)
{
	if (vmadmin_check_actor(actor, err) < 0)
		return -err->code;
	struct act_ctx c = {.service_id = service_id, .actor = actor};
	return puq_db_transaction(db, redeploy_txn, &c, err);
}

static int reset_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act_ctx *c = arg;
	char status[64], what[200];
	long long client = 0;
	int rc = vmadmin_lock(db, c->service_id, status, &client, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return no_row(c->service_id, err);
	if ((rc = puq_vm_reset(db, c->service_id, c->status, err)) < 0)
		return rc;
	snprintf(what, sizeof(what), "VM status reset from %s to %s", shown(status), c->status);
	return vmadmin_audit(db, c->service_id, client, c->actor, what, err);
}

int puq_vmadmin_reset(struct puq_db *db, long long service_id, const char *status,
	const char *actor, struct puq_error *err)
{
	enum puq_vm_state st = puq_vm_state_parse(status);
	if (st == PUQ_VM_STATE_UNKNOWN || !puq_vm_state_resettable(st))
		puq_error_field(err, "status", "must be one of ready, creation, set_ip, "
			"change_package, set_dns_records, terminate, remove");
	vmadmin_check_actor(actor, err);
	if (err->code)
		return -err->code;
	struct act_ctx c = {.service_id = service_id, .actor = actor, .status = status};
	return puq_db_transaction(db, reset_txn, &c, err);
}

/* ---- delete record ---------------------------------------------------------------------- */

static int delete_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act_ctx *c = arg;
	char status[64], what[200];
	long long client = 0;
	c->released = 0;
	int rc = vmadmin_lock(db, c->service_id, status, &client, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return no_row(c->service_id, err);
	if (strcmp(status, "error_terminate") != 0 && strcmp(status, "remove") != 0)
		return puq_error_set(err, PUQ_ESTATE, "Delete Record is only for a VM in "
			"error_terminate or remove; the VM of service %lld is %s: reset it first",
			c->service_id, shown(status));
	if (c->release &&
		(rc = puq_pool_release_service(db, c->service_id, PUQ_RELEASE_ADMIN, &c->released,
			 err)) < 0)
		return rc;
	/* the VM may still exist in Proxmox (error_terminate): its VMID is never reissued */
	rc = puq_db_exec(db, err, "UPDATE " VMIDS_TABLE " SET service_id = 0 WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(c->service_id)), NULL);
	if (rc == 0)
		rc = puq_db_exec(db, err, "DELETE FROM " PUQ_VM_TABLE " WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(c->service_id)), NULL);
	if (rc < 0)
		return rc;
	if (c->release)
		snprintf(what, sizeof(what), "VM record deleted (status %s), %zu address(es) released",
			status, c->released);
	else
		snprintf(what, sizeof(what), "VM record deleted (status %s)", status);
	return vmadmin_audit(db, c->service_id, client, c->actor, what, err);
}

int puq_vmadmin_delete_record(struct puq_db *db, long long service_id, bool release,
	const char *actor, size_t *released, struct puq_error *err)
{
	if (vmadmin_check_actor(actor, err) < 0)
		return -err->code;
	struct act_ctx c = {.service_id = service_id, .actor = actor, .release = release};
	int rc = puq_db_transaction(db, delete_txn, &c, err);
	if (rc == 0 && released)
		*released = c.released;
	return rc;
}

/* ---- release of one address ---------------------------------------------------------------- */

struct release_ctx {
	long long id;
	const char *actor;
};

static int release_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct release_ctx *c = arg;
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err,
		"SELECT service_id, ip FROM " ALLOC_TABLE " WHERE id = ? AND live = 1",
		PUQ_ARGS(PUQ_INT(c->id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "address %lld is not held any more", c->id);
	}
	long long service = puq_db_cell_int(r, 0, 0, 0);
	char ip[PUQ_IP_TEXT_MAX], what[200];
	puq_strlcpy(ip, puq_db_cell(r, 0, 1) ? puq_db_cell(r, 0, 1) : "", sizeof(ip));
	puq_db_rows_free(r);
	rc = puq_pool_release_allocation(db, c->id, PUQ_RELEASE_ADMIN, err);
	if (rc == 0)
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, service, NULL, err);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "IP address %s released", ip);
	return vmadmin_audit(db, service, 0, c->actor, what, err);
}

int puq_vmadmin_release_allocation(struct puq_db *db, long long allocation_id,
	const char *actor, struct puq_error *err)
{
	if (vmadmin_check_actor(actor, err) < 0)
		return -err->code;
	struct release_ctx c = {.id = allocation_id, .actor = actor};
	return puq_db_transaction(db, release_txn, &c, err);
}

/* ---- attach an existing VM -------------------------------------------------------------- */

struct attach_ctx {
	const struct puq_vmadmin_attach *a;
	const char *actor;
};

static int attach_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct attach_ctx *c = arg;
	const struct puq_vmadmin_attach *a = c->a;
	char status[64], what[400];
	long long client = 0, old_vmid = 0;
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err, "SELECT id FROM tblhosting WHERE id = ?",
		PUQ_ARGS(PUQ_INT(a->service_id)), &r);
	if (rc < 0)
		return rc;
	bool whmcs_has = r->nrows > 0;
	puq_db_rows_free(r);
	if (!whmcs_has)
		return puq_error_set(err, PUQ_ENOTFOUND, "WHMCS has no service %lld", a->service_id);
	if ((rc = vmadmin_lock(db, a->service_id, status, &client, err)) < 0)
		return rc;
	/* another service's row, then another service's reservation */
	rc = puq_db_query(db, err,
		"SELECT service_id FROM " PUQ_VM_TABLE " WHERE vm_id = ? AND service_id <> ? LIMIT 1",
		PUQ_ARGS(PUQ_INT(a->vmid), PUQ_INT(a->service_id)), &r);
	if (rc < 0)
		return rc;
	long long other = r->nrows ? puq_db_cell_int(r, 0, 0, 0) : 0;
	puq_db_rows_free(r);
	if (!other) {
		rc = puq_db_query(db, err,
			"SELECT service_id FROM " VMIDS_TABLE " WHERE vmid = ? FOR UPDATE",
			PUQ_ARGS(PUQ_INT(a->vmid)), &r);
		if (rc < 0)
			return rc;
		long long holder = r->nrows ? puq_db_cell_int(r, 0, 0, 0) : -1;
		puq_db_rows_free(r);
		if (holder > 0 && holder != a->service_id)
			other = holder;
	}
	if (other)
		return puq_error_set(err, PUQ_ECONFLICT, "Proxmox VM %lld belongs to service %lld: "
			"a VM can be attached to one service only", a->vmid, other);

	if (strcmp(status, "-") == 0) {
		struct puq_vm_product p;
		json_t *pj = a->product ? json_loads(a->product, 0, NULL) : NULL;
		rc = pj ? puq_vm_product_from_json(pj, &p, err)
				: puq_error_field(err, "product", "the product settings are missing or not JSON");
		json_decref(pj);
		if (rc < 0)
			return rc;
		rc = puq_db_exec(db, err,
			"INSERT INTO " PUQ_VM_TABLE " (service_id, client_id, product_id, server_id, product,"
			" vm_id, vm_name, node, vm_status, action, due, rev)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ready', '', 0, 1)",
			PUQ_ARGS(PUQ_INT(a->service_id), PUQ_INT(a->client_id), PUQ_INT(a->product_id),
				PUQ_INT(a->server_id), PUQ_TEXT(a->product), PUQ_INT(a->vmid),
				PUQ_TEXT(a->name ? a->name : ""), PUQ_TEXT(a->node ? a->node : "")),
			NULL);
	} else {
		rc = puq_db_query(db, err, "SELECT vm_id FROM " PUQ_VM_TABLE " WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(a->service_id)), &r);
		if (rc < 0)
			return rc;
		old_vmid = puq_db_cell_int(r, 0, 0, 0);
		puq_db_rows_free(r);
		const char *name = a->name ? a->name : "";
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_id = ?, node = ?, vm_name = IF(? = '', vm_name, ?),"
			" vm_status = 'ready', action = '', task_kind = '', task_vmid = 0, task_node = '',"
			" task_target = '', task_upid = '', task_started_at = NULL, power_request = '',"
			" attempts = 0, failing_since = NULL, needs_attention = 0, lease_owner = NULL,"
			" lease_token = NULL, lease_until = NULL, rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			" WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(a->vmid), PUQ_TEXT(a->node ? a->node : ""), PUQ_TEXT(name),
				PUQ_TEXT(name), PUQ_INT(a->service_id)),
			NULL);
	}
	/* the old VMID stays out of circulation (the VM may still be there); the new one
	 * is this service's */
	if (rc == 0)
		rc = puq_db_exec(db, err,
			"UPDATE " VMIDS_TABLE " SET service_id = 0 WHERE service_id = ? AND vmid <> ?",
			PUQ_ARGS(PUQ_INT(a->service_id), PUQ_INT(a->vmid)), NULL);
	if (rc == 0)
		rc = puq_db_exec(db, err,
			"INSERT INTO " VMIDS_TABLE " (vmid, service_id, server_id) VALUES (?, ?, ?)"
			" ON DUPLICATE KEY UPDATE service_id = VALUES(service_id),"
			" server_id = VALUES(server_id)",
			PUQ_ARGS(PUQ_INT(a->vmid), PUQ_INT(a->service_id), PUQ_INT(a->server_id)), NULL);
	if (rc == 0)
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, a->service_id, NULL, err);
	if (rc < 0)
		return rc;
	if (old_vmid && old_vmid != a->vmid)
		snprintf(what, sizeof(what), "Proxmox VM %lld (%s on %s) attached, replacing VM %lld",
			a->vmid, a->name && *a->name ? a->name : "unnamed", a->node ? a->node : "?",
			old_vmid);
	else
		snprintf(what, sizeof(what), "Proxmox VM %lld (%s on %s) attached", a->vmid,
			a->name && *a->name ? a->name : "unnamed", a->node ? a->node : "?");
	return vmadmin_audit(db, a->service_id, client, c->actor, what, err);
}

int puq_vmadmin_attach(struct puq_db *db, const struct puq_vmadmin_attach *a,
	const char *actor, struct puq_error *err)
{
	if (a->service_id <= 0)
		puq_error_field(err, "serviceid", "must be a WHMCS service id");
	if (a->vmid < 100 || a->vmid > 999999999)
		puq_error_field(err, "vmid", "must be a Proxmox VM id (100 to 999999999)");
	if (a->name && strlen(a->name) > 255)
		puq_error_field(err, "name", "is longer than 255 characters");
	if (a->node && strlen(a->node) >= PUQ_PVE_NAME_MAX)
		puq_error_field(err, "node", "is longer than %d characters", PUQ_PVE_NAME_MAX - 1);
	vmadmin_check_actor(actor, err);
	if (err->code)
		return -err->code;
	struct attach_ctx c = {.a = a, .actor = actor};
	return puq_db_transaction(db, attach_txn, &c, err);
}
