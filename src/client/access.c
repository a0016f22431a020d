/*
 * The client area's one entry point: who may do what, then the action.
 *
 * The action table names each action, whether it changes anything, the permission it
 * needs and its handler. Authorisation reads the service (tblhosting) and its VM row in
 * one query: another client's service is refused with the same answer as a missing
 * one, so a client cannot probe for services. The product's permissions and quotas
 * come from puq_job_product (quotas as ordered, permissions as the product has them).
 */
#include "internal.h"
#include "puqkvm/backup.h"
#include "puqkvm/snapshot.h"

/* ---- backups and snapshots (the rooms do the work) ---- */

static int backups(struct client_call *c, json_t **out, struct puq_error *err)
{
	return puq_backup_list(c->env, c->q->service_id, c->q->now, c->q->utc_offset_s, out, err);
}

static int backup_kind(struct client_call *c, enum puq_job_kind k, const char *key, json_t **out,
	struct puq_error *err)
{
	return puq_backup_start(c->env, c->q->service_id, k, client_arg_str(c, key), out, err);
}

static int backup_now(struct client_call *c, json_t **out, struct puq_error *err)
{
	return backup_kind(c, PUQ_JOB_BACKUP, "note", out, err);
}

static int backup_restore(struct client_call *c, json_t **out, struct puq_error *err)
{
	return backup_kind(c, PUQ_JOB_RESTORE, "volid", out, err);
}

static int backup_delete(struct client_call *c, json_t **out, struct puq_error *err)
{
	return backup_kind(c, PUQ_JOB_BACKUP_DELETE, "volid", out, err);
}

static int schedule_saved(struct client_call *c, json_t **out, struct puq_error *err,
	int (*save)(struct puq_db *, long long, const json_t *, long long, struct puq_error *))
{
	const json_t *grid = c->q->args ? json_object_get(c->q->args, "schedule") : NULL;
	json_t *none = grid ? NULL : json_object(); /* no field: every day off */
	int rc = save(c->env->db, c->q->service_id, grid ? grid : none,
		c->q->now + c->q->utc_offset_s, err);
	json_decref(none);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:b}", "saved", 1);
	return *out ? 0 : puq_error_set(err, PUQ_ENOMEM, NULL);
}

static int backup_schedule(struct client_call *c, json_t **out, struct puq_error *err)
{
	return schedule_saved(c, out, err, puq_backup_schedule_save);
}

static int snapshots(struct client_call *c, json_t **out, struct puq_error *err)
{
	return puq_snapshot_list(c->env, c->q->service_id, c->q->now, c->q->utc_offset_s, out, err);
}

static int snapshot_kind(struct client_call *c, enum puq_job_kind k, const char *key,
	json_t **out, struct puq_error *err)
{
	return puq_snapshot_start(c->env, c->q->service_id, k, client_arg_str(c, key), c->q->now, out,
		err);
}

static int snapshot_take(struct client_call *c, json_t **out, struct puq_error *err)
{
	return snapshot_kind(c, PUQ_JOB_SNAPSHOT, "description", out, err);
}

static int snapshot_rollback(struct client_call *c, json_t **out, struct puq_error *err)
{
	return snapshot_kind(c, PUQ_JOB_ROLLBACK, "name", out, err);
}

static int snapshot_delete(struct client_call *c, json_t **out, struct puq_error *err)
{
	return snapshot_kind(c, PUQ_JOB_SNAPSHOT_DELETE, "name", out, err);
}

static int snapshot_schedule(struct client_call *c, json_t **out, struct puq_error *err)
{
	return schedule_saved(c, out, err, puq_snapshot_schedule_save);
}

/* ---- the table ---- */

/* needs: what a write needs besides an active service */
enum { NEED_NONE, NEED_READY, NEED_IDLE /* ready and no job running */ };

static const struct {
	struct puq_client_action a;
	int need;
	client_handler_fn fn;
} actions[] = {
	{{"overview", false, NULL}, NEED_NONE, client_overview},
	{{"job", false, NULL}, NEED_NONE, client_job},
	{{"start", true, "start"}, NEED_IDLE, client_power},
	{{"stop", true, "stop"}, NEED_IDLE, client_power},
	{{"reboot", true, "stop"}, NEED_IDLE, client_power},
	{{"rdns", false, "revdns"}, NEED_NONE, client_rdns},
	{{"rdns_save", true, "revdns"}, NEED_READY, client_rdns_save},
	{{"backups", false, "backups"}, NEED_NONE, backups},
	{{"backup_now", true, "backups"}, NEED_READY, backup_now},
	{{"backup_restore", true, "backups"}, NEED_READY, backup_restore},
	{{"backup_delete", true, "backups"}, NEED_READY, backup_delete},
	{{"backup_schedule", true, "backups"}, NEED_NONE, backup_schedule},
	{{"snapshots", false, "snapshots"}, NEED_NONE, snapshots},
	{{"snapshot_take", true, "snapshots"}, NEED_READY, snapshot_take},
	{{"snapshot_rollback", true, "snapshots"}, NEED_READY, snapshot_rollback},
	{{"snapshot_delete", true, "snapshots"}, NEED_READY, snapshot_delete},
	{{"snapshot_schedule", true, "snapshot_schedule"}, NEED_NONE, snapshot_schedule},
	{{"reinstall_options", false, "reinstall"}, NEED_NONE, client_reinstall_options},
	{{"reinstall", true, "reinstall"}, NEED_IDLE, client_reinstall},
	{{"reset_password", true, "reset_password"}, NEED_IDLE, client_reset_password},
	{{"charts", false, "charts"}, NEED_NONE, client_charts},
	{{"iso", false, "iso"}, NEED_NONE, client_iso},
	{{"iso_mount", true, "iso"}, NEED_IDLE, client_iso_mount},
	{{"iso_unmount", true, "iso"}, NEED_IDLE, client_iso_mount},
	{{"firewall", false, "firewall"}, NEED_NONE, client_firewall},
	{{"firewall_policy", true, "firewall"}, NEED_READY, client_firewall_policy},
	{{"firewall_rule_add", true, "firewall"}, NEED_READY, client_firewall_rule_add},
	{{"firewall_rule_delete", true, "firewall"}, NEED_READY, client_firewall_rule_delete},
	{{"firewall_rule_move", true, "firewall"}, NEED_READY, client_firewall_rule_move},
};

size_t puq_client_action_count(void)
{
	return PUQ_ARRAY_LEN(actions);
}

const struct puq_client_action *puq_client_action_at(size_t i)
{
	return i < PUQ_ARRAY_LEN(actions) ? &actions[i].a : NULL;
}

static int action_index(const char *name)
{
	for (size_t i = 0; name && i < PUQ_ARRAY_LEN(actions); i++)
		if (strcmp(actions[i].a.name, name) == 0)
			return (int)i;
	return -1;
}

const struct puq_client_action *puq_client_action_find(const char *name)
{
	int i = action_index(name);
	return i < 0 ? NULL : &actions[i].a;
}

bool client_allowed(const struct puq_vm_product *p, const char *flag)
{
	if (!flag)
		return true;
	const struct {
		const char *flag;
		bool on;
	} flags[] = {
		{"start", p->client_start},
		{"stop", p->client_stop},
		{"charts", p->client_charts},
		{"reinstall", p->client_reinstall},
		{"reset_password", p->client_reset_password},
		{"revdns", p->client_revdns},
		{"iso", p->client_iso && p->iso_storage[0]},
		{"firewall", p->client_firewall},
		{"backups", p->backups > 0 && p->backup_storage[0]},
		{"snapshots", p->snapshots > 0},
		{"snapshot_schedule", p->snapshots > 0 && p->snapshot_schedule},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(flags); i++)
		if (strcmp(flags[i].flag, flag) == 0)
			return flags[i].on;
	return false;
}

/* ---- authorisation ---- */

static int authorise(struct client_call *c, int idx, struct puq_error *err)
{
	const struct puq_client_req *q = c->q;
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(c->env->db, err,
		"SELECT h.userid, h.domainstatus, h.username, v.vm_status, v.job_kind, v.suspended"
		" FROM tblhosting h LEFT JOIN " PUQ_VM_TABLE " v ON v.service_id = h.id WHERE h.id = ?",
		PUQ_ARGS(PUQ_INT(q->service_id)), &r);
	if (rc < 0)
		return rc;
	bool owner = r->nrows == 1 && q->client_id > 0 &&
		puq_db_cell_int(r, 0, 0, 0) == q->client_id;
	bool has_vm = owner && puq_db_cell(r, 0, 3) != NULL;
	if (owner) {
		const char *v;
		c->active = (v = puq_db_cell(r, 0, 1)) && strcmp(v, "Active") == 0;
		puq_strlcpy(c->username, (v = puq_db_cell(r, 0, 2)) ? v : "", sizeof(c->username));
		puq_strlcpy(c->vm_status, (v = puq_db_cell(r, 0, 3)) ? v : "", sizeof(c->vm_status));
		c->job_running = (v = puq_db_cell(r, 0, 4)) && *v;
		c->suspended = puq_db_cell_int(r, 0, 5, 0) != 0;
	}
	puq_db_rows_free(r);
	if (!owner)
		return puq_error_set(err, PUQ_EDENIED, "access denied: service %lld is not a service "
			"of client %lld (action %.40s)", q->service_id, q->client_id, actions[idx].a.name);
	if (!has_vm)
		return puq_error_set(err, PUQ_ESTATE, "the service has no virtual machine yet");
	if ((rc = puq_job_product(c->env->db, q->service_id, &c->product, err)) < 0)
		return rc;
	if (!client_allowed(&c->product, actions[idx].a.flag))
		return puq_error_set(err, PUQ_EDENIED, "access denied: the product does not allow "
			"%.40s for service %lld (client %lld)", actions[idx].a.name, q->service_id,
			q->client_id);
	if (!actions[idx].a.write)
		return 0;
	if (!c->active || c->suspended)
		return puq_error_set(err, PUQ_ESTATE, "the service is not active: this cannot be "
			"done now");
	int need = actions[idx].need;
	if (need != NEED_NONE && strcmp(c->vm_status, "ready") != 0)
		return puq_error_set(err, PUQ_ESTATE, "the VM is busy (%s): try again when it is ready",
			c->vm_status);
	if (need == NEED_IDLE && c->job_running)
		return puq_error_set(err, PUQ_EBUSY, "a backup or snapshot task runs on this VM: try "
			"again when it has finished");
	return 0;
}

int puq_client_call(const struct puq_job_env *env, const struct puq_client_req *q, json_t **out,
	struct puq_error *err)
{
	struct client_call c;
	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.env = env;
	c.q = q;
	int idx = action_index(q->action);
	if (idx < 0)
		return puq_error_field(err, "action", "unknown action '%.40s'", q->action ? q->action : "");
	if (q->args && !json_is_object(q->args))
		return puq_error_field(err, "args", "must be an object");
	int rc = authorise(&c, idx, err);
	if (rc < 0)
		return rc;
	rc = actions[idx].fn(&c, out, err);
	if (rc == 0 && !*out)
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	return rc;
}

/* ---- helpers ---- */

const char *client_arg_str(const struct client_call *c, const char *key)
{
	const json_t *v = c->q->args ? json_object_get(c->q->args, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : "";
}

bool client_arg_int(const struct client_call *c, const char *key, long long *out)
{
	const json_t *v = c->q->args ? json_object_get(c->q->args, key) : NULL;
	return v && puq_pve_json_int(v, out);
}

int client_pve(struct client_call *c, struct puq_pve_conn *conn, struct puq_pve_req *req,
	json_t **data, struct puq_error *err)
{
	*data = NULL;
	int rc = puq_pve_call(c->env->http, conn, req, data, err);
	puq_pve_req_free(req);
	return rc;
}

int client_locate(struct client_call *c, long long *vmid, char node[PUQ_PVE_NAME_MAX],
	struct puq_pve_conn **conn, json_t **guest, struct puq_error *err)
{
	struct puq_job_vm b;
	struct puq_pve_req req;
	json_t *data = NULL;
	if (guest)
		*guest = NULL;
	int rc = puq_job_vm_load(c->env->db, c->q->service_id, &b, err);
	if (rc < 0)
		return rc;
	if (!(*conn = c->env->conn_for(c->env->conn_ctx, b.server_id, err)))
		return -err->code;
	*vmid = b.vmid;
	if ((rc = puq_pve_req_resources(&req, "vm")) < 0)
		return puq_error_set(err, -rc, NULL);
	if ((rc = client_pve(c, *conn, &req, &data, err)) < 0)
		return rc;
	/* the VM's own entry, found by VMID: where it runs now */
	size_t i;
	json_t *e, *found = NULL;
	json_array_foreach(data, i, e)
	{
		long long id = 0;
		const char *type = puq_pve_get_str(e, "type");
		if (puq_pve_get_int(e, "vmid", &id) && id == b.vmid && (!type || strcmp(type, "qemu") == 0))
			found = e;
	}
	if (!found || !puq_pve_get_str(found, "node")) {
		json_decref(data);
		return puq_error_set(err, PUQ_ESTATE, "the VM %lld was not found in Proxmox VE", b.vmid);
	}
	puq_strlcpy(node, puq_pve_get_str(found, "node"), PUQ_PVE_NAME_MAX);
	if (guest)
		*guest = json_incref(found);
	json_decref(data);
	return 0;
}
