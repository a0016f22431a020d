/*
 * The VM rows: loading one for the engine, and the queueing calls of the server module
 * and the admin (CreateAccount, ChangePackage, Terminate, Suspend, power, Reinstall,
 * Redeploy, Set DNS records, Reset).
 *
 * Every queueing call is one short transaction that takes the service's tblhosting row
 * first and the VM row second (the lock order of the pool room, so allocation and
 * queueing never deadlock), checks the state the call needs and writes the new state,
 * `due` and `next_run_at`. No call talks to Proxmox: they return in milliseconds and the
 * cron does the work. Calls that replace the VM's work clear the lease - the worker
 * holding the VM finds its next conditional transition refused and drops it.
 */
#include <stdio.h>
#include <sys/random.h>

#include "puqkvm/vm_store.h"
#include "puqkvm/vmlist.h"

#define RESET_LEASE "lease_owner = NULL, lease_token = NULL, lease_until = NULL"
#define RESET_ERRORS "attempts = 0, failing_since = NULL, needs_attention = 0"

static unsigned urandom(void *ctx)
{
	(void)ctx;
	unsigned v = 0;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (unsigned)rand();
	return v;
}

static void copy_cell(char *dst, size_t size, const struct puq_db_rows *r, size_t col)
{
	const char *v = puq_db_cell(r, 0, col);
	puq_strlcpy(dst, v ? v : "", size);
}

void puq_vm_free(struct puq_vm *vm)
{
	puq_address_list_free(&vm->addrs);
	json_decref(vm->rev_dns);
	vm->rev_dns = NULL;
}

int puq_vm_load_addresses(struct puq_db *db, struct puq_vm *vm, struct puq_error *err)
{
	puq_address_list_free(&vm->addrs);
	return puq_pool_service_addresses(db, vm->service_id, false, &vm->addrs, err);
}

int puq_vm_load(struct puq_db *db, long long service_id, struct puq_vm *vm,
	struct puq_vm_meta *meta, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	memset(vm, 0, sizeof(*vm));
	if (meta)
		memset(meta, 0, sizeof(*meta));
	int rc = puq_db_query(db, err,
		"SELECT v.service_id, v.client_id, v.product_id, v.server_id, v.vm_id, v.vm_name,"
		" v.fqdn, v.vm_status, v.action, v.node, v.vm_net0_mac, v.suspended, v.power_request,"
		" v.product, v.pending_product IS NOT NULL, v.task_kind, v.task_vmid, v.task_node,"
		" v.task_target, v.task_upid, v.lease_token, v.action_seq, v.attempts, v.vm_rev_dns,"
		" v.os_username, h.password, COALESCE(UNIX_TIMESTAMP(v.task_started_at), 0)"
		" FROM " PUQ_VM_TABLE " v LEFT JOIN tblhosting h ON h.id = v.service_id"
		" WHERE v.service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM record", service_id);
	}
	vm->service_id = puq_db_cell_int(r, 0, 0, 0);
	vm->client_id = puq_db_cell_int(r, 0, 1, 0);
	vm->product_id = puq_db_cell_int(r, 0, 2, 0);
	vm->server_id = puq_db_cell_int(r, 0, 3, 0);
	vm->vmid = puq_db_cell_int(r, 0, 4, 0);
	copy_cell(vm->name, sizeof(vm->name), r, 5);
	copy_cell(vm->fqdn, sizeof(vm->fqdn), r, 6);
	vm->state = puq_vm_state_parse(puq_db_cell(r, 0, 7));
	vm->action = puq_vm_action_parse(puq_db_cell(r, 0, 8));
	copy_cell(vm->node, sizeof(vm->node), r, 9);
	copy_cell(vm->mac, sizeof(vm->mac), r, 10);
	vm->suspended = puq_db_cell_int(r, 0, 11, 0) != 0;
	copy_cell(vm->power, sizeof(vm->power), r, 12);
	copy_cell(vm->intent.kind, sizeof(vm->intent.kind), r, 15);
	vm->intent.vmid = puq_db_cell_int(r, 0, 16, 0);
	copy_cell(vm->intent.node, sizeof(vm->intent.node), r, 17);
	copy_cell(vm->intent.target, sizeof(vm->intent.target), r, 18);
	copy_cell(vm->intent.upid, sizeof(vm->intent.upid), r, 19);
	vm->intent.at = puq_db_cell_int(r, 0, 26, 0);
	copy_cell(vm->username, sizeof(vm->username), r, 24);
	if (meta) {
		copy_cell(meta->lease_token, sizeof(meta->lease_token), r, 20);
		meta->action_seq = puq_db_cell_int(r, 0, 21, 0);
		meta->attempts = (int)puq_db_cell_int(r, 0, 22, 0);
		meta->pending_product = puq_db_cell_int(r, 0, 14, 0) != 0;
		copy_cell(meta->password_enc, sizeof(meta->password_enc), r, 25);
	}
	const char *rev = puq_db_cell(r, 0, 23);
	if (rev && *rev) {
		json_t *j = json_loads(rev, 0, NULL);
		if (json_is_object(j))
			vm->rev_dns = j;
		else
			json_decref(j);
	}
	const char *prod = puq_db_cell(r, 0, 13);
	json_t *pj = prod && *prod ? json_loads(prod, 0, NULL) : NULL;
	const char *none[PUQ_VM_SLOTS] = {0};
	if (pj)
		rc = puq_vm_product_from_json(pj, &vm->product, err);
	else /* an adopted row: defaults, so terminate and DNS still work; deploy refuses */
		rc = puq_vm_product_resolve(none, NULL, 0, &vm->product, err);
	if (!pj && rc == 0 && vm->product.template_vmid == 0)
		vm->product.first_vmid = 0; /* marks "no stored product" for the engine */
	json_decref(pj);
	puq_db_rows_free(r);
	if (rc == 0)
		rc = puq_vm_load_addresses(db, vm, err);
	if (rc < 0)
		puq_vm_free(vm);
	return rc;
}

/* ---- queueing ---------------------------------------------------------------------------- */

/* Locks tblhosting then the VM row; *status gets the VM's status ("" when no row). */
static int lock_rows(struct puq_db *db, long long service_id, char status[64], bool *suspended,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err, "SELECT id FROM tblhosting WHERE id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	bool found = r->nrows > 0;
	puq_db_rows_free(r);
	if (!found)
		return puq_error_set(err, PUQ_ENOTFOUND, "WHMCS has no service %lld", service_id);
	rc = puq_db_query(db, err,
		"SELECT vm_status, suspended FROM " PUQ_VM_TABLE " WHERE service_id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	status[0] = '\0';
	if (r->nrows) {
		puq_strlcpy(status, puq_db_cell(r, 0, 0) ? puq_db_cell(r, 0, 0) : "", 64);
		if (suspended)
			*suspended = puq_db_cell_int(r, 0, 1, 0) != 0;
	} else {
		puq_strlcpy(status, "-", 64); /* no row */
	}
	puq_db_rows_free(r);
	return 0;
}

struct create_ctx {
	const struct puq_vm_order *o;
	const char *product;
	char username[64];
};

static int create_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct create_ctx *c = arg;
	const struct puq_vm_order *o = c->o;
	char status[64];
	int rc = lock_rows(db, o->service_id, status, NULL, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") != 0 && strcmp(status, "remove") != 0 && status[0])
		return puq_error_set(err, PUQ_ECONFLICT, "service %lld already has a VM (status %s): "
			"use Redeploy to build it again, or Terminate first", o->service_id, status);
	rc = puq_db_exec(db, err, "UPDATE tblhosting SET username = ? WHERE id = ?",
		PUQ_ARGS(PUQ_TEXT(c->username), PUQ_INT(o->service_id)), NULL);
	if (rc == 0 && o->password_enc && *o->password_enc)
		rc = puq_db_exec(db, err, "UPDATE tblhosting SET password = ? WHERE id = ?",
			PUQ_ARGS(PUQ_TEXT(o->password_enc), PUQ_INT(o->service_id)), NULL);
	if (rc < 0)
		return rc;
	rc = puq_db_exec(db, err,
		"INSERT INTO " PUQ_VM_TABLE " (service_id, client_id, product_id, server_id, product,"
		" vm_status, action, action_seq, os_username, next_run_at, due, rev)"
		" VALUES (?, ?, ?, ?, ?, 'creation', 'deploy', 1, ?, NOW(), 1, 1)"
		" ON DUPLICATE KEY UPDATE client_id = VALUES(client_id), product_id = VALUES(product_id),"
		" server_id = VALUES(server_id), product = VALUES(product), pending_product = NULL,"
		" vm_status = 'creation', action = 'deploy', action_seq = action_seq + 1, vm_id = 0,"
		" vm_name = '', fqdn = '', node = '', vm_net0_mac = '', vm_rev_dns = NULL,"
		" os_username = VALUES(os_username), task_kind = '', task_vmid = 0, task_node = '',"
		" task_target = '', task_upid = '', task_started_at = NULL, suspended = 0,"
		" power_request = '', " RESET_ERRORS ", " RESET_LEASE ", next_run_at = NOW(),"
		" rev = rev + 1, due = 1",
		PUQ_ARGS(PUQ_INT(o->service_id), PUQ_INT(o->client_id), PUQ_INT(o->product_id),
			PUQ_INT(o->server_id), PUQ_TEXT(c->product), PUQ_TEXT(c->username)),
		NULL);
	if (rc == 0) /* the VM list's copies of the service's WHMCS fields (vmlist.h) */
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, o->service_id, NULL, err);
	return rc;
}

/* Resolves the order's product into JSON text (owned). */
static int order_product(const struct puq_vm_order *o, struct puq_vm_product *p, char **json,
	struct puq_error *err)
{
	int rc = puq_vm_product_resolve(o->slots, o->options, o->noptions, p, err);
	if (rc < 0)
		return rc;
	json_t *j = puq_vm_product_to_json(p);
	*json = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	return *json ? 0 : puq_error_set(err, PUQ_ENOMEM, NULL);
}

static int check_order(const struct puq_vm_order *o, struct puq_error *err)
{
	if (o->service_id <= 0)
		puq_error_field(err, "serviceid", "must be a WHMCS service id");
	if (o->server_id <= 0)
		puq_error_field(err, "serverid", "the service has no server: assign a Proxmox server "
			"(or a server group) to the product");
	return err->code ? -err->code : 0;
}

int puq_vm_queue_create(struct puq_db *db, const struct puq_vm_order *o, struct puq_error *err)
{
	struct create_ctx c = {.o = o};
	struct puq_vm_product p;
	char *json = NULL;
	check_order(o, err);
	if (order_product(o, &p, &json, err) < 0 || err->code) {
		free(json);
		return -err->code;
	}
	c.product = json;
	if (p.os_username[0])
		puq_strlcpy(c.username, p.os_username, sizeof(c.username));
	else
		puq_vm_random_username(urandom, NULL, c.username);
	int rc = puq_db_transaction(db, create_txn, &c, err);
	free(json);
	return rc;
}

struct cp_ctx {
	const struct puq_vm_order *o;
	const char *product;
	bool queued;
};

static int cp_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct cp_ctx *c = arg;
	char status[64];
	int rc = lock_rows(db, c->o->service_id, status, NULL, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM: create it first",
			c->o->service_id);
	if (!strcmp(status, "terminate") || !strcmp(status, "remove") ||
		!strcmp(status, "error_terminate"))
		return puq_error_set(err, PUQ_ESTATE, "the VM of service %lld is %s: a package "
			"cannot change", c->o->service_id, status);
	c->queued = strcmp(status, "ready") != 0 && strcmp(status, "change_package") != 0;
	if (c->queued) /* applied when the VM reaches ready */
		return puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET pending_product = ?, product_id = ?, rev = rev + 1,"
			" due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?",
			PUQ_ARGS(PUQ_TEXT(c->product), PUQ_INT(c->o->product_id), PUQ_INT(c->o->service_id)),
			NULL);
	return puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET product = ?, pending_product = NULL, product_id = ?,"
		" vm_status = 'change_package', action = 'change_package', action_seq = action_seq + 1,"
		" " RESET_ERRORS ", " RESET_LEASE ", next_run_at = NOW(), rev = rev + 1,"
		" due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?",
		PUQ_ARGS(PUQ_TEXT(c->product), PUQ_INT(c->o->product_id), PUQ_INT(c->o->service_id)),
		NULL);
}

int puq_vm_queue_change_package(struct puq_db *db, const struct puq_vm_order *o, bool *queued,
	struct puq_error *err)
{
	struct cp_ctx c = {.o = o};
	struct puq_vm_product p;
	char *json = NULL;
	check_order(o, err);
	if (order_product(o, &p, &json, err) < 0 || err->code) {
		free(json);
		return -err->code;
	}
	c.product = json;
	int rc = puq_db_transaction(db, cp_txn, &c, err);
	free(json);
	if (rc == 0 && queued)
		*queued = c.queued;
	return rc;
}

/* A state change of an existing row; sets are the SET clause (without due). */
struct simple_ctx {
	long long service_id;
	const char *const *allowed; /* statuses allowed, NULL = any existing */
	const char *const *refused; /* statuses refused */
	const char *sql;            /* the UPDATE, one parameter: service_id */
	const char *what;           /* for messages */
	bool missing_ok;
	bool need_unsuspended;
	const char *password_enc;
	const char *product;        /* reinstall: the new product JSON, or NULL */
	const char *s1, *s2;        /* when set, the UPDATE's first two parameters */
};

static bool listed(const char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

static int simple_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct simple_ctx *c = arg;
	char status[64];
	bool suspended = false;
	int rc = lock_rows(db, c->service_id, status, &suspended, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return c->missing_ok ? 0 : puq_error_set(err, PUQ_ENOTFOUND,
			"service %lld has no VM record", c->service_id);
	if ((c->allowed && !listed(c->allowed, status)) || listed(c->refused, status))
		return puq_error_set(err, PUQ_ESTATE, "%s is not possible while the VM is %s",
			c->what, status[0] ? status : "without status");
	if (c->need_unsuspended && suspended)
		return puq_error_set(err, PUQ_ESTATE, "%s: the service is suspended; unsuspend it first",
			c->what);
	if (c->password_enc && *c->password_enc &&
		(rc = puq_db_exec(db, err, "UPDATE tblhosting SET password = ? WHERE id = ?",
			 PUQ_ARGS(PUQ_TEXT(c->password_enc), PUQ_INT(c->service_id)), NULL)) < 0)
		return rc;
	if (c->product &&
		(rc = puq_db_exec(db, err, "UPDATE " PUQ_VM_TABLE " SET product = ? WHERE service_id = ?",
			 PUQ_ARGS(PUQ_TEXT(c->product), PUQ_INT(c->service_id)), NULL)) < 0)
		return rc;
	if (c->s1)
		return puq_db_exec(db, err, c->sql,
			PUQ_ARGS(PUQ_TEXT(c->s1), PUQ_TEXT(c->s2), PUQ_INT(c->service_id)), NULL);
	return puq_db_exec(db, err, c->sql, PUQ_ARGS(PUQ_INT(c->service_id)), NULL);
}

static const char *const terminal[] = {"terminate", "remove", "error_terminate", NULL};

int puq_vm_queue_terminate(struct puq_db *db, long long service_id, struct puq_error *err)
{
	struct simple_ctx c = {.service_id = service_id, .what = "Terminate", .missing_ok = true,
		.sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = IF(vm_status = 'remove', 'remove',"
			" 'terminate'), action = 'terminate', action_seq = action_seq + 1,"
			" pending_product = NULL, power_request = '', " RESET_ERRORS ", " RESET_LEASE ","
			" next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"};
	return puq_db_transaction(db, simple_txn, &c, err);
}

int puq_vm_queue_suspend(struct puq_db *db, long long service_id, bool suspended,
	struct puq_error *err)
{
	struct simple_ctx c = {.service_id = service_id,
		.what = suspended ? "Suspend" : "Unsuspend",
		.sql = suspended
			? "UPDATE " PUQ_VM_TABLE " SET suspended = 1, power_request = 'stop',"
			  " next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"
			: "UPDATE " PUQ_VM_TABLE " SET suspended = 0, power_request = 'start',"
			  " next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"};
	return puq_db_transaction(db, simple_txn, &c, err);
}

int puq_vm_queue_power(struct puq_db *db, long long service_id, const char *what,
	struct puq_error *err)
{
	bool start = what && strcmp(what, "start") == 0;
	if (!start && !(what && strcmp(what, "stop") == 0))
		return puq_error_field(err, "action", "must be start or stop");
	struct simple_ctx c = {.service_id = service_id, .what = start ? "Start" : "Stop",
		.refused = terminal, .need_unsuspended = start,
		.sql = start
			? "UPDATE " PUQ_VM_TABLE " SET power_request = 'start', next_run_at = NOW(),"
			  " rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"
			: "UPDATE " PUQ_VM_TABLE " SET power_request = 'stop', next_run_at = NOW(),"
			  " rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"};
	return puq_db_transaction(db, simple_txn, &c, err);
}

int puq_vm_queue_reinstall(struct puq_db *db, long long service_id, long long template_vmid,
	const char *password_enc, struct puq_error *err)
{
	char *json = NULL;
	if (template_vmid < 0 || template_vmid > 999999999)
		return puq_error_field(err, "template", "must be a template VMID");
	if (template_vmid > 0) {
		struct puq_vm vm;
		int rc = puq_vm_load(db, service_id, &vm, NULL, err);
		if (rc < 0)
			return rc;
		vm.product.template_vmid = template_vmid;
		json_t *j = puq_vm_product_to_json(&vm.product);
		json = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(j);
		puq_vm_free(&vm);
		if (!json)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	struct simple_ctx c = {.service_id = service_id, .what = "Reinstall", .refused = terminal,
		.password_enc = password_enc, .product = json,
		.sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'reinstall', action = 'reinstall',"
			" action_seq = action_seq + 1, " RESET_ERRORS ", " RESET_LEASE ", next_run_at = NOW(),"
			" rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"};
	int rc = puq_db_transaction(db, simple_txn, &c, err);
	free(json);
	return rc;
}

int puq_vm_queue_redeploy(struct puq_db *db, long long service_id, struct puq_error *err)
{
	static const char *const refused[] = {"terminate", NULL};
	struct simple_ctx c = {.service_id = service_id, .what = "Redeploy", .refused = refused,
		.sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'reinstall', action = 'redeploy',"
			" action_seq = action_seq + 1, pending_product = NULL, " RESET_ERRORS ", "
			RESET_LEASE ", next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			" WHERE service_id = ?"};
	return puq_db_transaction(db, simple_txn, &c, err);
}

int puq_vm_queue_dns(struct puq_db *db, long long service_id, struct puq_error *err)
{
	static const char *const allowed[] = {"ready", "set_dns_records", NULL};
	struct simple_ctx c = {.service_id = service_id, .what = "Set DNS records",
		.allowed = allowed,
		.sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'set_dns_records',"
			" action = 'set_dns_records', action_seq = action_seq + 1, " RESET_ERRORS ","
			" next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"};
	return puq_db_transaction(db, simple_txn, &c, err);
}

int puq_vm_reset(struct puq_db *db, long long service_id, const char *status,
	struct puq_error *err)
{
	enum puq_vm_state st = puq_vm_state_parse(status);
	if (st == PUQ_VM_STATE_UNKNOWN || !puq_vm_state_resettable(st))
		return puq_error_field(err, "status", "must be one of ready, creation, set_ip, "
			"change_package, set_dns_records, terminate, remove");
	const char *action = st == PUQ_VM_CREATION || st == PUQ_VM_SET_IP ? "deploy"
		: st == PUQ_VM_CHANGE_PACKAGE ? "change_package"
		: st == PUQ_VM_SET_DNS_RECORDS ? "set_dns_records"
		: st == PUQ_VM_TERMINATE ? "terminate" : "";
	struct simple_ctx c = {.service_id = service_id, .what = "Reset",
		.s1 = puq_vm_state_name(st), .s2 = action,
		.sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = ?, action = ?,"
			" action_seq = action_seq + 1, " RESET_ERRORS ", " RESET_LEASE ", next_run_at = NOW(),"
			" rev = rev + 1, due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?"};
	return puq_db_transaction(db, simple_txn, &c, err);
}

int puq_vm_info(struct puq_db *db, long long service_id, json_t **out, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	*out = NULL;
	int rc = puq_db_query(db, err, "SELECT * FROM " PUQ_VM_TABLE " WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM record", service_id);
	}
	json_t *o = json_object();
	for (size_t c = 0; o && c < r->ncols; c++) {
		const char *v = puq_db_cell(r, 0, c);
		const char *name = r->names[c];
		json_t *val = NULL;
		if (v && (!strcmp(name, "product") || !strcmp(name, "pending_product") ||
				!strcmp(name, "vm_rev_dns") || !strcmp(name, "vm_last_action_log")))
			val = json_loads(v, 0, NULL);
		if (!val)
			val = v ? json_string(v) : json_null();
		json_object_set_new(o, name, val);
	}
	puq_db_rows_free(r);
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}
