/*
 * The client area's actions on the guest: reverse DNS names, ISO images, a new password
 * and reinstalling the OS.
 *
 * rDNS names are validated and saved by the VM Management room (the same rules as the
 * admin's table: every address must be the service's, every name a host name), then the
 * engine resyncs the VM's records to every matching zone (set_dns_records). An ISO can
 * only be one the product's ISO storage lists; it goes into the VM's CD-ROM drive (never
 * the cloud-init drive), or a free IDE slot when there is none. A new password is
 * applied through cloud-init and, when the guest agent runs, at once inside the guest;
 * tblhosting gets it (as WHMCS encrypted it) and the "Reset password" e-mail is queued in
 * the same transaction. A reinstall takes one of the product's "Operating System"
 * choices and the typed confirmation, then queues the engine's reinstall.
 */
#include <ctype.h>
#include <stdlib.h>
#include <sys/random.h>

#include "internal.h"
#include "puqkvm/cron.h"
#include "puqkvm/pve_config.h"
#include "puqkvm/vmadmin.h"

/* ---- reverse DNS ---- */

int client_rdns(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_vm vm;
	int rc = puq_vm_load(c->env->db, c->q->service_id, &vm, NULL, err);
	if (rc < 0)
		return rc;
	json_t *items = json_array();
	for (size_t i = 0; items && i < vm.addrs.n; i++) {
		const struct puq_address *x = &vm.addrs.items[i];
		char ip[PUQ_IP_TEXT_MAX], key[PUQ_IP_TEXT_MAX];
		puq_ip_format(&x->ip, PUQ_IP_CANONICAL, ip);
		puq_ip_format(&x->ip, PUQ_IP_EXPANDED, key);
		const char *host = vm.rev_dns ? json_string_value(json_object_get(vm.rev_dns, key)) : NULL;
		json_array_append_new(items, json_pack("{s:s,s:s,s:i,s:b,s:s}", "ip", ip, "key", key,
			"family", x->ip.family == PUQ_IP_V6 ? 6 : 4, "main", x->main, "host",
			host ? host : ""));
	}
	*out = json_pack("{s:s,s:o}", "default", vm.fqdn, "items", items ? items : json_array());
	puq_vm_free(&vm);
	return 0;
}

int client_rdns_save(struct client_call *c, json_t **out, struct puq_error *err)
{
	const json_t *names = c->q->args ? json_object_get(c->q->args, "names") : NULL;
	if (!json_is_object(names))
		return puq_error_field(err, "names", "must map each address to a host name");
	size_t n = json_object_size(names), i = 0, changed = 0;
	struct puq_vmadmin_rdns *list = PUQ_CALLOC(n ? n : 1, sizeof(*list));
	if (!list)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)names, key, v)
	{
		list[i].ip = key;
		list[i].host = json_is_string(v) ? json_string_value(v) : "";
		i++;
	}
	char actor[64];
	snprintf(actor, sizeof(actor), "Client #%lld (client area)", c->q->client_id);
	int rc = puq_vmadmin_rdns_save(c->env->db, c->q->service_id, list, n, actor, &changed, err);
	PUQ_FREE(list);
	if (rc < 0)
		return rc;
	/* the engine pushes the records to every matching zone (best effort, logged) */
	if (changed && (rc = puq_vm_queue_dns(c->env->db, c->q->service_id, err)) < 0)
		return rc;
	*out = json_pack("{s:I,s:b}", "changed", (json_int_t)changed, "queued", changed > 0);
	return 0;
}

/* ---- ISO images ---- */

void puq_client_iso_folder(const char *file, char out[64])
{
	const char *dash = file ? strchr(file, '-') : NULL;
	size_t n = dash ? (size_t)(dash - file) : 0;
	if (n == 0 || n >= 64) {
		puq_strlcpy(out, "OTHER", 64);
		return;
	}
	memcpy(out, file, n);
	out[n] = '\0';
}

/* The VM's CD-ROM drive (not the cloud-init one) into key/value; false when it has none. */
static bool cdrom_of(const json_t *config, char key[PUQ_PVE_KEY_MAX], char file[256])
{
	static const char *const buses[] = {"ide", "sata", "scsi"};
	static const int limits[] = {4, 6, 31};
	for (size_t b = 0; b < PUQ_ARRAY_LEN(buses); b++)
		for (int i = 0; i < limits[b]; i++) {
			char k[PUQ_PVE_KEY_MAX], tmp[64];
			snprintf(k, sizeof(k), "%s%d", buses[b], i);
			const char *v = puq_pve_config_value(config, k, tmp, sizeof(tmp));
			struct puq_pve_disk d;
			if (!v || puq_pve_disk_parse(k, v, &d, NULL) < 0 || !d.cdrom || d.cloudinit)
				continue;
			puq_strlcpy(key, k, PUQ_PVE_KEY_MAX);
			puq_strlcpy(file, d.file, 256);
			return true;
		}
	return false;
}

/* The ISO storage's images (parsed) and the VM's config. */
static int iso_reads(struct client_call *c, struct puq_pve_conn **conn, long long *vmid,
	char node[PUQ_PVE_NAME_MAX], struct puq_pve_volume_list *isos, json_t **config,
	struct puq_error *err)
{
	struct puq_pve_req req;
	json_t *data = NULL;
	memset(isos, 0, sizeof(*isos));
	*config = NULL;
	int rc = client_locate(c, vmid, node, conn, NULL, err);
	if (rc == 0 && (rc = puq_pve_req_storage_content(&req, node, c->product.iso_storage, "iso",
			0)) < 0)
		return puq_error_set(err, -rc, NULL);
	if (rc == 0 && (rc = client_pve(c, *conn, &req, &data, err)) == 0) {
		rc = puq_pve_parse_volumes(data, isos, err);
		json_decref(data);
	}
	if (rc == 0 && (rc = puq_pve_req_config_get(&req, node, *vmid, true)) < 0)
		return puq_error_set(err, -rc, NULL);
	if (rc == 0)
		rc = client_pve(c, *conn, &req, config, err);
	if (rc < 0)
		puq_pve_volume_list_free(isos);
	return rc;
}

/* The file name of an ISO volume ("local:iso/x.iso" -> "x.iso"). */
static const char *iso_file(const char *volid)
{
	const char *slash = strrchr(volid, '/');
	const char *colon = strchr(volid, ':');
	return slash ? slash + 1 : colon ? colon + 1 : volid;
}

int client_iso(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_pve_conn *conn;
	struct puq_pve_volume_list isos;
	json_t *config = NULL;
	long long vmid;
	char node[PUQ_PVE_NAME_MAX], key[PUQ_PVE_KEY_MAX] = "", file[256] = "";
	int rc = iso_reads(c, &conn, &vmid, node, &isos, &config, err);
	if (rc < 0)
		return rc;
	bool drive = cdrom_of(config, key, file);
	json_decref(config);
	json_t *items = json_array();
	for (size_t i = 0; items && i < isos.n; i++) {
		char folder[64], size[24];
		const char *name = iso_file(isos.items[i].volid);
		puq_client_iso_folder(name, folder);
		puq_job_size_text((unsigned long long)(isos.items[i].size > 0 ? isos.items[i].size : 0),
			size);
		json_array_append_new(items, json_pack("{s:s,s:s,s:s,s:s}", "volid", isos.items[i].volid,
			"file", name, "folder", folder, "size_text", size));
	}
	puq_pve_volume_list_free(&isos);
	bool mounted = drive && strcmp(file, "none") != 0 && file[0];
	*out = json_pack("{s:s,s:s,s:s,s:o}", "storage", c->product.iso_storage, "mounted",
		mounted ? file : "", "drive", key, "items", items ? items : json_array());
	return 0;
}

int client_iso_mount(struct client_call *c, json_t **out, struct puq_error *err)
{
	bool mount = strcmp(c->q->action, "iso_mount") == 0;
	const char *volid = client_arg_str(c, "volid");
	struct puq_pve_conn *conn;
	struct puq_pve_volume_list isos;
	struct puq_pve_req req;
	json_t *config = NULL, *data = NULL;
	long long vmid;
	char node[PUQ_PVE_NAME_MAX], key[PUQ_PVE_KEY_MAX] = "", file[256] = "", value[320];
	if (mount && !*volid)
		return puq_error_field(err, "volid", "choose an image");
	int rc = iso_reads(c, &conn, &vmid, node, &isos, &config, err);
	if (rc < 0)
		return rc;
	bool listed = false;
	for (size_t i = 0; mount && i < isos.n && !listed; i++)
		listed = strcmp(isos.items[i].volid, volid) == 0;
	puq_pve_volume_list_free(&isos);
	bool drive = cdrom_of(config, key, file);
	if (mount && !drive) /* no CD-ROM drive yet: the first free IDE slot gets one */
		rc = puq_pve_config_free_slot(config, "ide", key, err);
	json_decref(config);
	if (rc < 0)
		return rc;
	if (mount && !listed)
		return puq_error_field(err, "volid", "is not an image of the ISO storage");
	if (!mount && (!drive || strcmp(file, "none") == 0)) {
		*out = json_pack("{s:b,s:s}", "changed", 0, "mounted", "");
		return 0;
	}
	snprintf(value, sizeof(value), "%s,media=cdrom", mount ? volid : "none");
	if ((rc = puq_pve_req_config_set(&req, node, vmid, false, NULL)) < 0)
		return puq_error_set(err, -rc, NULL);
	if ((rc = puq_pve_config_put(&req, key, value, err)) < 0) {
		puq_pve_req_free(&req);
		return rc;
	}
	if ((rc = client_pve(c, conn, &req, &data, err)) < 0)
		return rc;
	json_decref(data);
	*out = json_pack("{s:b,s:s,s:s}", "changed", 1, "mounted", mount ? volid : "", "drive", key);
	return 0;
}

/* ---- a new password ---- */

static bool password_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;
	if (n < 8 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isgraph((unsigned char)p[i]))
			return false;
	return true;
}

/* Whether the config enables the guest agent ("1", "enabled=1,...", "1,fstrim..."). */
static bool agent_on(const json_t *config)
{
	char tmp[64];
	const char *v = puq_pve_config_value(config, "agent", tmp, sizeof(tmp));
	return v && (v[0] == '1' || strstr(v, "enabled=1"));
}

struct password_ctx {
	long long service_id, client_id;
	const char *enc, *email;
};

static int password_txn(struct puq_db *db, void *vctx, struct puq_error *err)
{
	struct password_ctx *c = vctx;
	unsigned char rnd[8];
	char key[64];
	int rc = puq_db_exec(db, err, "UPDATE tblhosting SET password = ? WHERE id = ?",
		PUQ_ARGS(PUQ_TEXT(c->enc), PUQ_INT(c->service_id)), NULL);
	if (rc < 0 || !c->email || !*c->email)
		return rc;
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return puq_error_set(err, PUQ_EINTERNAL, "no random bytes for the e-mail's key");
	int n = snprintf(key, sizeof(key), "reset:%lld:", c->service_id);
	for (size_t i = 0; i < sizeof(rnd) && n > 0 && (size_t)n + 3 < sizeof(key); i++)
		n += snprintf(key + n, sizeof(key) - (size_t)n, "%02x", rnd[i]);
	return puq_outbox_email(db, c->service_id, c->client_id, c->email, key, err);
}

int client_reset_password(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_pve_conn *conn;
	struct puq_pve_req req;
	struct puq_error e;
	json_t *config = NULL, *status = NULL, *data = NULL;
	long long vmid;
	char node[PUQ_PVE_NAME_MAX], note[PUQ_ERROR_TEXT_MAX] = "";
	if (!password_ok(c->q->password) || !c->q->password_enc || !*c->q->password_enc)
		return puq_error_set(err, PUQ_EINVAL, "the new password must be 8 to 64 printable "
			"characters, and come encrypted too");
	int rc = client_locate(c, &vmid, node, &conn, NULL, err);
	if (rc == 0 && (rc = puq_pve_req_config_get(&req, node, vmid, true)) == 0)
		rc = client_pve(c, conn, &req, &config, err);
	if (rc == 0 && (rc = puq_pve_req_status(&req, node, vmid)) == 0)
		rc = client_pve(c, conn, &req, &status, err);
	if (rc < 0) {
		json_decref(config);
		return rc;
	}
	bool agent = agent_on(config);
	const char *st = puq_pve_get_str(status, "status");
	bool running = st && strcmp(st, "running") == 0;
	json_decref(config);
	json_decref(status);
	/* cloud-init: the password the guest gets at its next boot */
	if ((rc = puq_pve_req_config_set(&req, node, vmid, false, NULL)) < 0)
		return puq_error_set(err, -rc, NULL);
	if ((rc = puq_pve_config_put(&req, "cipassword", c->q->password, err)) < 0) {
		puq_pve_req_free(&req);
		return rc;
	}
	req.sensitive = true;
	if ((rc = client_pve(c, conn, &req, &data, err)) < 0)
		return rc;
	json_decref(data);
	/* the guest agent: the password changes now, without a reboot */
	bool applied = false;
	if (agent && running && c->username[0]) {
		puq_error_clear(&e);
		if (puq_pve_req_agent_set_password(&req, node, vmid, c->username, c->q->password, &e) == 0 &&
			client_pve(c, conn, &req, &data, &e) == 0)
			applied = true;
		else
			snprintf(note, sizeof(note), "the guest agent did not answer (%.300s): the new "
				"password applies at the next start", e.text);
		json_decref(data);
	} else {
		snprintf(note, sizeof(note), "the new password applies at the next start of the VM");
	}
	struct password_ctx pc = {.service_id = c->q->service_id, .client_id = c->q->client_id,
		.enc = c->q->password_enc, .email = c->product.email_reset};
	if ((rc = puq_db_transaction(c->env->db, password_txn, &pc, err)) < 0)
		return rc;
	*out = json_pack("{s:b,s:b,s:s}", "applied_now", applied, "emailed",
		c->product.email_reset[0] != '\0', "note", note);
	return 0;
}

/* ---- reinstall ---- */

/* The product's OS choices [{template, label}] (the current template when it has none). */
static int os_choices(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(c->env->db, err,
		"SELECT s.optionname FROM tblhosting h"
		" JOIN tblproductconfiglinks l ON l.pid = h.packageid"
		" JOIN tblproductconfigoptions o ON o.gid = l.gid"
		" JOIN tblproductconfigoptionssub s ON s.configid = o.id"
		" WHERE h.id = ? AND o.hidden = 0 AND s.hidden = 0"
		" AND (o.optionname = 'Operating System' OR o.optionname LIKE 'Operating System|%'"
		" OR o.optionname LIKE 'OS|%') ORDER BY s.sortorder, s.id",
		PUQ_ARGS(PUQ_INT(c->q->service_id)), &r);
	if (rc < 0)
		return rc;
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->nrows; i++) {
		const char *name = puq_db_cell(r, i, 0);
		char *end = NULL;
		long long vmid = name ? strtoll(name, &end, 10) : 0;
		if (vmid < 100 || !end || (*end && *end != '|'))
			continue; /* not "<template VMID>|<label>" */
		const char *label = *end == '|' ? end + 1 : name;
		json_array_append_new(a, json_pack("{s:I,s:s}", "template", (json_int_t)vmid, "label",
			*label ? label : name));
	}
	puq_db_rows_free(r);
	if (a && json_array_size(a) == 0 && c->product.template_vmid > 0)
		json_array_append_new(a, json_pack("{s:I,s:s}", "template",
			(json_int_t)c->product.template_vmid, "label", "The current operating system"));
	if (!a)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = a;
	return 0;
}

int client_reinstall_options(struct client_call *c, json_t **out, struct puq_error *err)
{
	json_t *choices = NULL;
	int rc = os_choices(c, &choices, err);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:o,s:I}", "choices", choices, "current",
		(json_int_t)c->product.template_vmid);
	return 0;
}

int client_reinstall(struct client_call *c, json_t **out, struct puq_error *err)
{
	json_t *choices = NULL;
	long long tmpl = 0;
	bool listed = false;
	if (strcmp(client_arg_str(c, "confirm"), "REINSTALL") != 0)
		puq_error_field(err, "confirm", "type REINSTALL in capitals to confirm");
	if (!client_arg_int(c, "template", &tmpl))
		puq_error_field(err, "template", "choose an operating system");
	if (err->code)
		return -err->code;
	int rc = os_choices(c, &choices, err);
	if (rc < 0)
		return rc;
	size_t i;
	json_t *e;
	json_array_foreach(choices, i, e)
	listed = listed || json_integer_value(json_object_get(e, "template")) == tmpl;
	json_decref(choices);
	if (!listed)
		return puq_error_field(err, "template", "is not an operating system of this product");
	if (c->q->password_enc && *c->q->password_enc && !password_ok(c->q->password))
		return puq_error_set(err, PUQ_EINVAL, "the new password must be 8 to 64 printable "
			"characters");
	rc = puq_vm_queue_reinstall(c->env->db, c->q->service_id, tmpl,
		c->q->password_enc && *c->q->password_enc ? c->q->password_enc : NULL, err);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:b,s:I}", "queued", 1, "template", (json_int_t)tmpl);
	return 0;
}
