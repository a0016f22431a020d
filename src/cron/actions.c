/*
 * The database actions steps ask for: naming the VM and allocating its addresses, the
 * reallocation of a change of package, VMID reservations, and the ends of terminate,
 * reinstall and redeploy.
 *
 * Each action is one transaction, and the transitional ones carry their transition in
 * it: the addresses are held exactly when the row says set_ip, and they are released
 * exactly when it says remove (or creation after a redeploy) - never one without the
 * other, and only while this worker holds the lease (a conditional UPDATE that matches
 * nothing rolls everything back). VMIDs are reserved under the primary key of the
 * reservations table: the lowest VMID from First VM ID that no service holds and that
 * Proxmox did not report as used outside the module.
 */
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "engine.h"
#include "puqkvm/killpoint.h"
#include "puqkvm/vmlist.h"

static unsigned urandom(void *ctx)
{
	(void)ctx;
	unsigned v = 0;
	if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
		v = (unsigned)rand();
	return v;
}

bool cron_action_transitions(enum puq_vm_db_op op)
{
	switch (op) {
	case PUQ_VM_DB_ALLOCATE:
	case PUQ_VM_DB_TERMINATED:
	case PUQ_VM_DB_TERMINATE_FAILED:
	case PUQ_VM_DB_REINSTALLED:
	case PUQ_VM_DB_REDEPLOYED:
		return true;
	default:
		return false;
	}
}

struct act {
	struct cron_engine *e;
	struct cron_vm *v;
	const struct puq_vm_out *out;
	double seconds;
	long long n;
	/* ALLOCATE's results, applied to memory after the commit */
	char name[PUQ_VM_NAME_MAX];
	char fqdn[PUQ_VM_TEXT_MAX + PUQ_VM_NAME_MAX];
	char username[64];
	char *rev_dns;
	char note[PUQ_ERROR_TEXT_MAX];
	size_t nsteps; /* steps of the run before the transaction (a retry starts there) */
};

/* The rDNS map for the held addresses: kept names, the FQDN for new addresses. */
static char *rev_dns_for(const struct puq_address_list *held, const json_t *old, const char *fqdn)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < held->n; i++) {
		char key[PUQ_IP_TEXT_MAX];
		puq_ip_format(&held->items[i].ip, PUQ_IP_EXPANDED, key);
		const char *prev = old ? json_string_value(json_object_get(old, key)) : NULL;
		if (prev && *prev)
			json_object_set_new(o, key, json_string(prev));
		else if (fqdn && strchr(fqdn, '.'))
			json_object_set_new(o, key, json_string(fqdn));
	}
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(o);
	return s;
}

static int allocate_addresses(struct act *a, struct puq_address_list *held, struct puq_error *err)
{
	const struct puq_vm_product *p = &a->v->vm.product;
	struct puq_alloc_request req = {
		.service_id = a->v->vm.service_id,
		.server_id = a->v->vm.server_id,
		.ipv4_count = p->dhcp4 ? 0 : (unsigned)p->ipv4_count,
		.ipv6_count = p->dhcp6 ? 0 : (unsigned)p->ipv6_count,
		.auto_bridge_vlan = p->auto_bridge_vlan,
		.bridge = p->bridge,
		.vlan = p->vlan,
	};
	return puq_pool_allocate(a->e->db, &req, held, err);
}

static int step_row(struct act *a, const char *to, const char *result, const char *message,
	struct puq_error *err)
{
	struct cron_vm *v = a->v;
	return puq_vm_run_step(a->e->db, &v->run, puq_vm_state_label(v->vm.state),
		puq_vm_state_name(v->vm.state), to, result, message, a->seconds, err);
}

static int lost(unsigned long long changed, struct puq_error *err)
{
	return changed ? 0 : puq_error_set(err, PUQ_ELEASE, NULL);
}

static int allocate_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act *a = arg;
	cron_run_trim(&a->v->run, a->nsteps);
	struct cron_vm *v = a->v;
	const struct puq_vm_product *p = &v->vm.product;
	struct puq_address_list held = {0};
	unsigned long long changed = 0;
	int rc;

	if (v->vm.name[0]) {
		puq_strlcpy(a->name, v->vm.name, sizeof(a->name));
	} else {
		struct puq_vm_name_input in = {.client_id = v->vm.client_id,
			.service_id = v->vm.service_id, .now = time(NULL), .rnd = urandom};
		if ((rc = puq_vm_name_expand(p->name_rule, &in, a->name, err)) < 0)
			return rc;
	}
	if (p->main_domain[0])
		snprintf(a->fqdn, sizeof(a->fqdn), "%s.%s", a->name, p->main_domain);
	else
		puq_strlcpy(a->fqdn, a->name, sizeof(a->fqdn));
	if (v->vm.username[0])
		puq_strlcpy(a->username, v->vm.username, sizeof(a->username));
	else if (p->os_username[0])
		puq_strlcpy(a->username, p->os_username, sizeof(a->username));
	else
		puq_vm_random_username(urandom, NULL, a->username);

	if ((rc = allocate_addresses(a, &held, err)) < 0)
		return rc;
	free(a->rev_dns);
	a->rev_dns = rev_dns_for(&held, v->vm.rev_dns, a->fqdn);
	a->n = (long long)held.n;
	puq_address_list_free(&held);
	if (!a->rev_dns)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	rc = puq_db_exec(db, err, "UPDATE tblhosting SET domain = ?, username = ? WHERE id = ?",
		PUQ_ARGS(PUQ_TEXT(a->fqdn), PUQ_TEXT(a->username), PUQ_INT(v->vm.service_id)), NULL);
	if (rc == 0)
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_name = ?, fqdn = ?, os_username = ?, vm_rev_dns = ?,"
			" vm_status = ?, rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			" WHERE service_id = ? AND lease_token = ? AND vm_status = ?",
			PUQ_ARGS(PUQ_TEXT(a->name), PUQ_TEXT(a->fqdn), PUQ_TEXT(a->username),
				PUQ_TEXT(a->rev_dns), PUQ_TEXT(puq_vm_state_name(a->out->next)),
				PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token),
				PUQ_TEXT(puq_vm_state_name(v->vm.state))),
			&changed);
	if (rc == 0)
		rc = lost(changed, err);
	if (rc == 0) {
		snprintf(a->note, sizeof(a->note), "%s (%s): %lld address(es), user %s",
			a->name, a->fqdn, a->n, a->username);
		rc = step_row(a, puq_vm_state_name(a->out->next), "success", a->note, err);
	}
	if (rc == 0) /* the VM list's address sort key follows the addresses (vmlist.h) */
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, v->vm.service_id, NULL, err);
	return rc;
}

static int reallocate_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act *a = arg;
	struct cron_vm *v = a->v;
	struct puq_address_list held = {0};
	unsigned long long changed = 0;
	int rc = allocate_addresses(a, &held, err);
	if (rc < 0)
		return rc;
	free(a->rev_dns);
	a->rev_dns = rev_dns_for(&held, v->vm.rev_dns, v->vm.fqdn);
	a->n = (long long)held.n;
	puq_address_list_free(&held);
	if (!a->rev_dns)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET vm_rev_dns = ?, rev = rev + 1"
		" WHERE service_id = ? AND lease_token = ?",
		PUQ_ARGS(PUQ_TEXT(a->rev_dns), PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token)),
		&changed);
	if (rc == 0)
		rc = lost(changed, err);
	if (rc == 0) /* the VM list's address sort key follows the addresses (vmlist.h) */
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, v->vm.service_id, NULL, err);
	return rc;
}

static int reserve_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act *a = arg;
	struct cron_vm *v = a->v;
	long long first = v->vm.product.first_vmid > 0 ? v->vm.product.first_vmid : 100;
	/* search from where this worker's last reservation ended: below it everything was
	 * taken a moment ago, so the search stays short however many VMIDs are reserved
	 * (a VMID freed below is found again by the next worker that starts afresh) */
	long long from = a->e->vmid_hint > first ? a->e->vmid_hint : first;
	for (int attempt = 0; attempt < 50; attempt++) {
		struct puq_db_rows *r = NULL;
		long long cand = from;
		int rc = puq_db_query(db, err,
			"SELECT 1 FROM " CRON_VMIDS_TABLE " WHERE vmid = ?", PUQ_ARGS(PUQ_INT(from)), &r);
		if (rc < 0)
			return rc;
		bool taken = r->nrows > 0;
		puq_db_rows_free(r);
		if (taken) {
			rc = puq_db_query(db, err,
				"SELECT v.vmid + 1 FROM " CRON_VMIDS_TABLE " v LEFT JOIN " CRON_VMIDS_TABLE
				" n ON n.vmid = v.vmid + 1 WHERE v.vmid >= ? AND n.vmid IS NULL"
				" ORDER BY v.vmid LIMIT 1",
				PUQ_ARGS(PUQ_INT(from)), &r);
			if (rc < 0)
				return rc;
			cand = r->nrows ? puq_db_cell_int(r, 0, 0, 0) : 0;
			puq_db_rows_free(r);
		}
		if (cand <= 0 || cand > 999999999)
			return puq_error_set(err, PUQ_EEXHAUSTED, "no free VMID from %lld upward", first);
		rc = puq_db_exec(db, err,
			"INSERT INTO " CRON_VMIDS_TABLE " (vmid, service_id, server_id) VALUES (?, ?, ?)",
			PUQ_ARGS(PUQ_INT(cand), PUQ_INT(v->vm.service_id), PUQ_INT(v->vm.server_id)), NULL);
		if (rc == -PUQ_EDUPLICATE) { /* another worker took it a moment ago */
			puq_error_clear(err);
			from = cand + 1;
			continue;
		}
		if (rc < 0)
			return rc;
		unsigned long long changed = 0;
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_id = ?, rev = rev + 1"
			" WHERE service_id = ? AND lease_token = ?",
			PUQ_ARGS(PUQ_INT(cand), PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token)),
			&changed);
		if (rc < 0 || (rc = lost(changed, err)) < 0)
			return rc;
		a->n = cand;
		return 0;
	}
	return puq_error_set(err, PUQ_EBUSY, "could not reserve a VMID: too many concurrent reservations");
}

static int reject_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act *a = arg;
	struct cron_vm *v = a->v;
	unsigned long long changed = 0;
	/* remembered as used outside the module (service 0), so it is never offered again */
	int rc = puq_db_exec(db, err,
		"UPDATE " CRON_VMIDS_TABLE " SET service_id = 0 WHERE vmid = ? AND service_id = ?",
		PUQ_ARGS(PUQ_INT(a->out->db_arg), PUQ_INT(v->vm.service_id)), NULL);
	if (rc == 0)
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_id = 0, rev = rev + 1"
			" WHERE service_id = ? AND lease_token = ?",
			PUQ_ARGS(PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token)), &changed);
	return rc < 0 ? rc : lost(changed, err);
}

static int clear_intent_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act *a = arg;
	unsigned long long changed = 0;
	int rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET task_kind = '', task_vmid = 0, task_node = '',"
		" task_target = '', task_upid = '', task_started_at = NULL, rev = rev + 1"
		" WHERE service_id = ? AND lease_token = ?",
		PUQ_ARGS(PUQ_INT(a->v->vm.service_id), PUQ_TEXT(a->v->meta.lease_token)), &changed);
	return rc < 0 ? rc : lost(changed, err);
}

/* Addresses, VMID and the service's identity go (terminate, redeploy). */
static int release_identity(struct act *a, enum puq_release_reason reason, struct puq_error *err)
{
	struct cron_vm *v = a->v;
	int rc = puq_pool_release_service(a->e->db, v->vm.service_id, reason, NULL, err);
	if (reason == PUQ_RELEASE_TERMINATE)
		puq_killpoint("terminate_release"); /* crash tests: released, not committed */
	if (rc == 0)
		rc = puq_db_exec(a->e->db, err,
			"UPDATE tblhosting SET domain = '', dedicatedip = '', assignedips = '' WHERE id = ?",
			PUQ_ARGS(PUQ_INT(v->vm.service_id)), NULL);
	if (rc == 0)
		rc = puq_db_exec(a->e->db, err, "DELETE FROM " CRON_VMIDS_TABLE " WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(v->vm.service_id)), NULL);
	return rc;
}

#define CLEAR_TASK " task_kind = '', task_vmid = 0, task_node = '', task_target = '',"  \
	" task_upid = '', task_started_at = NULL,"
#define CLEAR_IDENTITY " vm_id = 0, vm_name = '', fqdn = '', node = '', vm_net0_mac = '',"  \
	" vm_rev_dns = NULL,"

static int end_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct act *a = arg;
	cron_run_trim(&a->v->run, a->nsteps);
	struct cron_vm *v = a->v;
	enum puq_vm_db_op op = a->out->db;
	unsigned long long changed = 0;
	char key[96], text[PUQ_ERROR_TEXT_MAX + 160];
	int rc = 0;
	const char *sql = NULL;
	if (op == PUQ_VM_DB_TERMINATED) {
		rc = release_identity(a, PUQ_RELEASE_TERMINATE, err);
		sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'remove'," CLEAR_TASK CLEAR_IDENTITY
			  " power_request = '', pending_product = NULL, rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			  " WHERE service_id = ? AND lease_token = ? AND vm_status = ?";
	} else if (op == PUQ_VM_DB_REDEPLOYED) {
		rc = release_identity(a, PUQ_RELEASE_REDEPLOY, err);
		sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'creation'," CLEAR_TASK CLEAR_IDENTITY
			  " rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			  " WHERE service_id = ? AND lease_token = ? AND vm_status = ?";
	} else if (op == PUQ_VM_DB_REINSTALLED) {
		sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'set_ip', node = ''," CLEAR_TASK
			  " rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			  " WHERE service_id = ? AND lease_token = ? AND vm_status = ?";
	} else {
		sql = "UPDATE " PUQ_VM_TABLE " SET vm_status = 'error_terminate'," CLEAR_TASK
			  " rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			  " WHERE service_id = ? AND lease_token = ? AND vm_status = ?";
	}
	if (rc == 0)
		rc = puq_db_exec(db, err, sql,
			PUQ_ARGS(PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token),
				PUQ_TEXT(puq_vm_state_name(v->vm.state))),
			&changed);
	if (rc == 0)
		rc = lost(changed, err);
	if (rc == 0)
		rc = step_row(a, puq_vm_state_name(a->out->next),
			op == PUQ_VM_DB_TERMINATE_FAILED ? "error" : "success", a->out->text, err);
	if (rc == 0 && op == PUQ_VM_DB_TERMINATED) {
		snprintf(key, sizeof(key), "terminated:%lld:%lld", v->vm.service_id, v->meta.action_seq);
		snprintf(text, sizeof(text), "Service ID: %lld - VM %lld terminated successfully, "
			"addresses released", v->vm.service_id, v->vm.vmid);
		rc = puq_outbox_activity(db, v->vm.service_id, v->vm.client_id, text, key, err);
	}
	if (rc == 0 && op == PUQ_VM_DB_TERMINATE_FAILED) {
		snprintf(key, sizeof(key), "terminate_failed:%lld:%lld", v->vm.service_id,
			v->meta.action_seq);
		snprintf(text, sizeof(text), "Service ID: %lld - Service termination FAILED — admin "
			"attention required. Error: %s", v->vm.service_id, a->out->text);
		rc = puq_outbox_activity(db, v->vm.service_id, v->vm.client_id, text, key, err);
	}
	if (rc == 0 && (op == PUQ_VM_DB_TERMINATED || op == PUQ_VM_DB_REDEPLOYED))
		rc = puq_vmlist_sync(db, PUQ_VMLIST_SERVICE, v->vm.service_id, NULL, err);
	return rc;
}

int cron_action(struct cron_engine *e, struct cron_vm *v, const struct puq_vm_out *out,
	double seconds, long long *n, struct puq_error *err)
{
	struct act a = {.e = e, .v = v, .out = out, .seconds = seconds};
	puq_db_txn_fn fn = NULL;
	switch (out->db) {
	case PUQ_VM_DB_ALLOCATE: fn = allocate_txn; break;
	case PUQ_VM_DB_REALLOCATE: fn = reallocate_txn; break;
	case PUQ_VM_DB_RESERVE_VMID: fn = reserve_txn; break;
	case PUQ_VM_DB_REJECT_VMID: fn = reject_txn; break;
	case PUQ_VM_DB_CLEAR_INTENT: fn = clear_intent_txn; break;
	case PUQ_VM_DB_TERMINATED:
	case PUQ_VM_DB_TERMINATE_FAILED:
	case PUQ_VM_DB_REINSTALLED:
	case PUQ_VM_DB_REDEPLOYED: fn = end_txn; break;
	case PUQ_VM_DB_NONE: break;
	}
	if (!fn)
		return puq_error_set(err, PUQ_EINTERNAL, "unknown database action %d", (int)out->db);
	a.nsteps = v->run.nsteps;
	int rc = puq_db_transaction(e->db, fn, &a, err);
	if (rc < 0) /* the step row was rolled back: forget it in memory too */
		cron_run_trim(&v->run, a.nsteps);
	if (rc == 0) {
		e->stats->commits++;
		if (cron_action_transitions(out->db))
			e->stats->steps++;
		/* the row changed: so does the VM in memory */
		switch (out->db) {
		case PUQ_VM_DB_ALLOCATE:
			puq_strlcpy(v->vm.name, a.name, sizeof(v->vm.name));
			puq_strlcpy(v->vm.fqdn, a.fqdn, sizeof(v->vm.fqdn));
			puq_strlcpy(v->vm.username, a.username, sizeof(v->vm.username));
			/* fall through */
		case PUQ_VM_DB_REALLOCATE:
			json_decref(v->vm.rev_dns);
			v->vm.rev_dns = json_loads(a.rev_dns, 0, NULL);
			rc = puq_vm_load_addresses(e->db, &v->vm, err);
			break;
		case PUQ_VM_DB_RESERVE_VMID:
			v->vm.vmid = a.n;
			e->vmid_hint = a.n + 1;
			break;
		case PUQ_VM_DB_REJECT_VMID:
			v->vm.vmid = 0;
			e->vmid_hint = out->db_arg + 1;
			break;
		case PUQ_VM_DB_CLEAR_INTENT:
			memset(&v->vm.intent, 0, sizeof(v->vm.intent));
			break;
		case PUQ_VM_DB_TERMINATED:
		case PUQ_VM_DB_REDEPLOYED:
			v->vm.vmid = 0;
			v->vm.name[0] = v->vm.fqdn[0] = v->vm.node[0] = v->vm.mac[0] = '\0';
			json_decref(v->vm.rev_dns);
			v->vm.rev_dns = NULL;
			memset(&v->vm.intent, 0, sizeof(v->vm.intent));
			rc = puq_vm_load_addresses(e->db, &v->vm, err);
			break;
		case PUQ_VM_DB_REINSTALLED:
			v->vm.node[0] = '\0';
			/* fall through */
		default:
			memset(&v->vm.intent, 0, sizeof(v->vm.intent));
		}
		if (cron_action_transitions(out->db))
			v->vm.state = out->next;
	}
	free(a.rev_dns);
	if (n)
		*n = a.n;
	return rc;
}
