/*
 * The DB Record editor: the raw puqProxmoxKVM_vm_info row for inspection, and the
 * admin's edits of it, validated here field by field.
 *
 * Only the original module's columns and the VM's location are editable (the table
 * below); the engine's bookkeeping (lease, queue, task intent, the stored product) is
 * shown read-only, because a hand-edited lease or intent would make a worker act on
 * something that is not true. What is editable is still checked: a status the engine
 * does not know, a MAC, an address or JSON that does not parse, a VMID that another
 * service holds are each refused with their field, and nothing is saved. A new
 * status drops a worker's lease and recomputes `due`, exactly as Reset does, so the
 * cron sees the edit; a new VMID moves the service's reservation.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "internal.h"

#define VMIDS_TABLE "puq_proxmox_kvm_vmids"

enum kind { K_INT, K_NAME, K_STATUS, K_MAC, K_RDNS, K_UPID, K_SCHEDULE, K_JSON, K_DATETIME,
	K_NODE, K_FQDN };

static const char *const kind_names[] = {"int", "text", "status", "mac", "rdns", "upid",
	"schedule", "json", "datetime", "text", "text"};

struct editable {
	const char *name;
	enum kind kind;
	bool nullable;
	const char *help;
};

static const struct editable editable[] = {
	{"vm_id", K_INT, false, "Proxmox VMID; 0 = none. Another service's VMID is refused."},
	{"vm_name", K_NAME, false, "VM name / host label; the FQDN is this plus the main domain."},
	{"vm_status", K_STATUS, false, "State-machine cursor: one of the statuses the engine knows."},
	{"vm_net0_mac", K_MAC, false, "net0 MAC kept across reinstall, e.g. BC:24:11:00:00:01; empty = none."},
	{"vm_rev_dns", K_RDNS, true, "JSON object {\"address\": \"host name\"}; IPv6 keys fully expanded."},
	{"vm_snapshots", K_INT, false, "Cached snapshot count."},
	{"vm_backups", K_INT, false, "Cached backup count."},
	{"vm_backup_now_utid", K_UPID, true, "UPID of a running backup; empty = none."},
	{"vm_backup_restore_utid", K_UPID, true, "UPID of a running restore; empty = none."},
	{"vm_backup_schedule", K_SCHEDULE, true, "JSON {\"0\": \"07:00\", ...}: weekday 0 = Sunday to 6."},
	{"vm_last_action_log", K_JSON, true, "JSON of the last run."},
	{"vm_snapshot_schedule", K_SCHEDULE, true, "JSON {\"0\": \"07:00\", ...}: weekday 0 = Sunday to 6."},
	{"vm_snapshot_last", K_DATETIME, true, "YYYY-MM-DD HH:MM:SS of the last scheduled snapshot."},
	{"node", K_NODE, false, "The Proxmox node the VM is on."},
	{"fqdn", K_FQDN, false, "The VM's fully qualified name."},
};

static const struct editable *find_editable(const char *name)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(editable); i++)
		if (strcmp(editable[i].name, name) == 0)
			return &editable[i];
	return NULL;
}

/* ---- reading ------------------------------------------------------------------------------ */

int puq_vmadmin_record(struct puq_db *db, long long service_id, json_t **out,
	struct puq_error *err)
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
	json_t *cols = json_array();
	for (size_t c = 0; cols && c < r->ncols; c++) {
		const struct editable *e = find_editable(r->names[c]);
		const char *v = puq_db_cell(r, 0, c);
		/* binary sort key: shown as hex, never as raw bytes */
		json_t *val = NULL;
		if (v && strcmp(r->names[c], "list_ip") == 0) {
			char hex[40] = "";
			for (size_t i = 0; i < puq_db_cell_len(r, 0, c) && i < 17; i++)
				snprintf(hex + 2 * i, 3, "%02x", (unsigned char)v[i]);
			val = json_string(hex);
		} else {
			val = v ? json_stringn(v, puq_db_cell_len(r, 0, c)) : json_null();
		}
		json_array_append_new(cols, json_pack("{s:s,s:o,s:b,s:s,s:s}", "name", r->names[c],
			"value", val ? val : json_null(), "editable", e != NULL, "kind",
			e ? kind_names[e->kind] : "readonly", "help", e ? e->help : ""));
	}
	puq_db_rows_free(r);
	json_t *o = cols ? json_pack("{s:I,s:o}", "service_id", (json_int_t)service_id, "columns",
		cols) : NULL;
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}

/* ---- validation ----------------------------------------------------------------------------- */

static bool parse_int(const char *s, long long min, long long max, long long *out)
{
	char *end;
	if (!s || !*s || isspace((unsigned char)*s))
		return false;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool valid_mac(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool valid_label_chars(const char *s, const char *extra, size_t max)
{
	size_t n = strlen(s);
	if (n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && !strchr(extra, s[i]))
			return false;
	return true;
}

static bool valid_datetime(const char *s)
{
	int y, mo, d, h, mi, se;
	char tail;
	if (strlen(s) != 19 || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &se, &tail) != 6)
		return false;
	return y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 &&
		se <= 59 && h >= 0 && mi >= 0 && se >= 0;
}

/* {"0".."6": "HH:MM"} */
static const char *check_schedule(const json_t *j)
{
	if (!json_is_object(j))
		return "must be a JSON object of weekday (0 = Sunday .. 6) to \"HH:MM\"";
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)j, k, v)
	{
		int h, m;
		char tail;
		const char *t = json_string_value(v);
		if (strlen(k) != 1 || k[0] < '0' || k[0] > '6')
			return "has a key that is not a weekday 0 (Sunday) to 6";
		if (!t || strlen(t) != 5 || sscanf(t, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 ||
			h > 23 || m < 0 || m > 59 || t[2] != ':')
			return "has a time that is not HH:MM";
	}
	return NULL;
}

/* {"address": "host"}: keys rewritten fully expanded; *out owns the result. */
static const char *check_rdns(const json_t *j, char **out)
{
	if (!json_is_object(j))
		return "must be a JSON object of address to host name";
	json_t *norm = json_object();
	const char *k;
	json_t *v;
	const char *problem = NULL;
	json_object_foreach((json_t *)j, k, v)
	{
		struct puq_ip ip;
		struct puq_error e;
		char key[PUQ_IP_TEXT_MAX], host[PUQ_DNS_NAME_MAX];
		puq_error_clear(&e);
		if (puq_ip_parse_cstr(k, PUQ_IP_ANY, &ip, &e) < 0) {
			problem = "has a key that is not an IP address";
			break;
		}
		if (!json_is_string(v) || puq_dns_hostname_normalize(json_string_value(v), host, &e) < 0) {
			problem = "has a value that is not a host name";
			break;
		}
		puq_ip_format(&ip, PUQ_IP_EXPANDED, key);
		json_object_set_new(norm, key, json_string(host));
	}
	if (!problem) {
		*out = norm ? json_dumps(norm, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		if (!*out)
			problem = "cannot be stored (out of memory)";
	}
	json_decref(norm);
	return problem;
}

/* Checks one edit; *value gets the text to store (owned when *owned). */
static void check_edit(const struct editable *e, const char *in, const char **value, char **owned,
	struct puq_error *err)
{
	*value = in;
	*owned = NULL;
	if (!in || (!*in && e->nullable)) {
		if (e->nullable)
			*value = NULL;
		else
			puq_error_field(err, e->name, "cannot be empty");
		return;
	}
	long long n;
	switch (e->kind) {
	case K_INT:
		if (!parse_int(in, 0, strcmp(e->name, "vm_id") ? 2147483647LL : 999999999LL, &n))
			puq_error_field(err, e->name, "must be a whole number of 0 or more");
		break;
	case K_NAME:
		if (!valid_label_chars(in, "._", 255))
			puq_error_field(err, e->name, "may hold letters, digits, '-', '.' and '_' only "
				"(at most 255)");
		break;
	case K_NODE:
		if (!valid_label_chars(in, "._", PUQ_PVE_NAME_MAX - 1))
			puq_error_field(err, e->name, "must be a Proxmox node name");
		break;
	case K_FQDN: {
		char host[PUQ_DNS_NAME_MAX];
		struct puq_error e2;
		puq_error_clear(&e2);
		if (*in && puq_dns_hostname_normalize(in, host, &e2) < 0)
			puq_error_field(err, e->name, "must be a host name such as vm1.example.com");
		break;
	}
	case K_STATUS:
		if (puq_vm_state_parse(in) == PUQ_VM_STATE_UNKNOWN)
			puq_error_field(err, e->name, "unknown status: use one of the statuses of the "
				"status reference (creation .. remove)");
		break;
	case K_MAC:
		if (*in && !valid_mac(in))
			puq_error_field(err, e->name, "must be a MAC address such as BC:24:11:00:00:01");
		break;
	case K_UPID: {
		struct puq_pve_upid u;
		struct puq_error e2;
		puq_error_clear(&e2);
		if (strlen(in) > 255 || puq_pve_upid_parse(in, &u, &e2) < 0)
			puq_error_field(err, e->name, "must be a Proxmox task id (UPID:...)");
		break;
	}
	case K_DATETIME:
		if (!valid_datetime(in))
			puq_error_field(err, e->name, "must be a date and time YYYY-MM-DD HH:MM:SS");
		break;
	case K_RDNS:
	case K_SCHEDULE:
	case K_JSON: {
		json_error_t je;
		json_t *j = json_loads(in, JSON_DECODE_ANY, &je);
		const char *problem = NULL;
		if (!j)
			problem = "is not valid JSON";
		else if (e->kind == K_SCHEDULE)
			problem = check_schedule(j);
		else if (e->kind == K_RDNS && (problem = check_rdns(j, owned)) == NULL)
			*value = *owned;
		json_decref(j);
		if (problem)
			puq_error_field(err, e->name, "%s", problem);
		break;
	}
	}
}

/* ---- saving ------------------------------------------------------------------------------- */

struct save_ctx {
	long long service_id;
	const struct puq_vmadmin_edit *edits;
	const char **values;
	size_t n;
	const char *actor;
	struct puq_buf summary;
};

static int move_vmid(struct puq_db *db, long long service_id, long long vmid, long long server,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err,
		"SELECT service_id FROM " PUQ_VM_TABLE " WHERE vm_id = ? AND service_id <> ? LIMIT 1",
		PUQ_ARGS(PUQ_INT(vmid), PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	long long other = r->nrows ? puq_db_cell_int(r, 0, 0, 0) : 0;
	puq_db_rows_free(r);
	if (!other) {
		rc = puq_db_query(db, err, "SELECT service_id FROM " VMIDS_TABLE " WHERE vmid = ? FOR UPDATE",
			PUQ_ARGS(PUQ_INT(vmid)), &r);
		if (rc < 0)
			return rc;
		long long holder = r->nrows ? puq_db_cell_int(r, 0, 0, 0) : 0;
		puq_db_rows_free(r);
		if (holder > 0 && holder != service_id)
			other = holder;
	}
	if (other)
		return puq_error_field(err, "vm_id", "VMID %lld belongs to service %lld", vmid, other);
	rc = puq_db_exec(db, err,
		"UPDATE " VMIDS_TABLE " SET service_id = 0 WHERE service_id = ? AND vmid <> ?",
		PUQ_ARGS(PUQ_INT(service_id), PUQ_INT(vmid)), NULL);
	if (rc == 0)
		rc = puq_db_exec(db, err,
			"INSERT INTO " VMIDS_TABLE " (vmid, service_id, server_id) VALUES (?, ?, ?)"
			" ON DUPLICATE KEY UPDATE service_id = VALUES(service_id)",
			PUQ_ARGS(PUQ_INT(vmid), PUQ_INT(service_id), PUQ_INT(server)), NULL);
	return rc;
}

static bool same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int save_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct save_ctx *c = arg;
	char status[64];
	long long client = 0;
	puq_buf_reset(&c->summary);
	int rc = vmadmin_lock(db, c->service_id, status, &client, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM record",
			c->service_id);
	struct puq_db_rows *r = NULL;
	rc = puq_db_query(db, err, "SELECT * FROM " PUQ_VM_TABLE " WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(c->service_id)), &r);
	if (rc < 0)
		return rc;
	struct puq_buf sql;
	puq_buf_init(&sql);
	puq_buf_puts(&sql, "UPDATE " PUQ_VM_TABLE " SET rev = rev + 1");
	struct puq_db_value params[PUQ_ARRAY_LEN(editable) + 1];
	size_t np = 0;
	bool status_changed = false;
	for (size_t i = 0; i < c->n; i++) {
		const char *name = c->edits[i].name;
		int col = puq_db_col(r, name);
		const char *old = col >= 0 ? puq_db_cell(r, 0, (size_t)col) : NULL;
		if (same(old, c->values[i]) || np >= PUQ_ARRAY_LEN(editable))
			continue;
		if (strcmp(name, "vm_id") == 0) {
			long long vmid = atoll(c->values[i]);
			long long server = puq_db_cell_int(r, 0, (size_t)puq_db_col(r, "server_id"), 0);
			if (vmid > 0 && (rc = move_vmid(db, c->service_id, vmid, server, err)) < 0)
				break;
		}
		if (strcmp(name, "vm_status") == 0)
			status_changed = true;
		puq_buf_printf(&sql, ", %s = ?", name);
		params[np++] = PUQ_TEXT(c->values[i]);
		bool long_value = (old && strlen(old) > 60) || (c->values[i] && strlen(c->values[i]) > 60);
		if (long_value)
			puq_buf_printf(&c->summary, "%s%s changed", c->summary.len ? "; " : "", name);
		else
			puq_buf_printf(&c->summary, "%s%s: %s -> %s", c->summary.len ? "; " : "", name,
				old ? (*old ? old : "''") : "NULL",
				c->values[i] ? (*c->values[i] ? c->values[i] : "''") : "NULL");
	}
	puq_db_rows_free(r);
	if (rc == 0 && np > 0) {
		if (status_changed) /* as Reset: the edit wins over a worker, the cron sees it */
			puq_buf_puts(&sql, ", attempts = 0, failing_since = NULL, needs_attention = 0,"
				" lease_owner = NULL, lease_token = NULL, lease_until = NULL,"
				" next_run_at = NOW()");
		puq_buf_puts(&sql, ", due = " PUQ_VM_DUE_EXPR " WHERE service_id = ?");
		params[np++] = PUQ_INT(c->service_id);
		if (puq_buf_failed(&sql) || puq_buf_failed(&c->summary))
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
		else
			rc = puq_db_exec(db, err, sql.data, params, np, NULL);
		if (rc == 0) {
			struct puq_buf what;
			puq_buf_init(&what);
			puq_buf_printf(&what, "DB Record edited: %.1500s", c->summary.data);
			rc = puq_buf_failed(&what) ? puq_error_set(err, PUQ_ENOMEM, NULL)
				: vmadmin_audit(db, c->service_id, client, c->actor, what.data, err);
			puq_buf_free(&what);
		}
	}
	puq_buf_free(&sql);
	return rc;
}

int puq_vmadmin_record_save(struct puq_db *db, long long service_id,
	const struct puq_vmadmin_edit *edits, size_t n, const char *actor, char **summary,
	struct puq_error *err)
{
	if (summary)
		*summary = NULL;
	vmadmin_check_actor(actor, err);
	const char **values = PUQ_CALLOC(n ? n : 1, sizeof(*values));
	char **owned = PUQ_CALLOC(n ? n : 1, sizeof(*owned));
	if (!values || !owned) {
		PUQ_FREE(values);
		PUQ_FREE(owned);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	for (size_t i = 0; i < n; i++) {
		const char *name = edits[i].name ? edits[i].name : "";
		const struct editable *e = find_editable(name);
		bool dup = false;
		for (size_t k = 0; k < i && !dup; k++)
			dup = edits[k].name && strcmp(edits[k].name, name) == 0;
		if (dup)
			puq_error_field(err, name, "is given twice");
		else if (!e)
			puq_error_field(err, name[0] ? name : "column",
				"is not an editable column of the VM record");
		else
			check_edit(e, edits[i].value, &values[i], &owned[i], err);
	}
	int rc = -err->code;
	if (!err->code) {
		struct save_ctx c = {.service_id = service_id, .edits = edits, .values = values,
			.n = n, .actor = actor};
		puq_buf_init(&c.summary);
		rc = puq_db_transaction(db, save_txn, &c, err);
		if (rc == 0 && summary)
			*summary = puq_strdup(c.summary.data ? c.summary.data : "");
		puq_buf_free(&c.summary);
	}
	for (size_t i = 0; i < n; i++)
		PUQ_FREE(owned[i]);
	PUQ_FREE(owned);
	PUQ_FREE(values);
	return rc;
}
