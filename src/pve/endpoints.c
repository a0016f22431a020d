/*
 * Request builders for the cluster-wide and node-level endpoints: version, nodes,
 * cluster resources and nextid, storages and their content, bridges, backups (vzdump,
 * restore, volume deletion), access (ticket login, permissions) and tasks.
 *
 * Each builder only fills a struct puq_pve_req; research/apis.md 1.5 lists the
 * endpoints and their parameters. Calls that start a Proxmox task use the heavy
 * timeout, since Proxmox may take long to fork the worker under load.
 */
#include <string.h>

#include "puqkvm/pve.h"

int puq_pve_req_version(struct puq_pve_req *r)
{
	return puq_pve_req_init(r, "GET", "/version");
}

int puq_pve_req_nodes(struct puq_pve_req *r)
{
	return puq_pve_req_init(r, "GET", "/nodes");
}

int puq_pve_req_resources(struct puq_pve_req *r, const char *type)
{
	int rc = puq_pve_req_init(r, "GET", "/cluster/resources");
	if (rc == 0 && type)
		puq_pve_req_str(r, "type", type);
	return rc;
}

int puq_pve_req_nextid(struct puq_pve_req *r, long long vmid)
{
	int rc = puq_pve_req_init(r, "GET", "/cluster/nextid");
	if (rc == 0 && vmid > 0)
		puq_pve_req_int(r, "vmid", vmid);
	return rc;
}

int puq_pve_req_storages(struct puq_pve_req *r, const char *node, const char *content)
{
	int rc = puq_pve_req_init(r, "GET", "/nodes/%s/storage", node);
	if (rc == 0) {
		if (content)
			puq_pve_req_str(r, "content", content);
		puq_pve_req_bool(r, "enabled", true);
	}
	return rc;
}

int puq_pve_req_storage_content(struct puq_pve_req *r, const char *node,
	const char *storage, const char *content, long long vmid)
{
	int rc = puq_pve_req_init(r, "GET", "/nodes/%s/storage/%s/content", node, storage);
	if (rc == 0) {
		if (content)
			puq_pve_req_str(r, "content", content);
		if (vmid > 0)
			puq_pve_req_int(r, "vmid", vmid);
	}
	return rc;
}

int puq_pve_req_bridges(struct puq_pve_req *r, const char *node)
{
	int rc = puq_pve_req_init(r, "GET", "/nodes/%s/network", node);
	if (rc == 0)
		puq_pve_req_str(r, "type", "any_bridge");
	return rc;
}

int puq_pve_req_volume_delete(struct puq_pve_req *r, const char *node,
	const char *storage, const char *volid)
{
	int rc = puq_pve_req_init(r, "DELETE", "/nodes/%s/storage/%s/content/%s", node,
		storage, volid);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	return rc;
}

int puq_pve_req_vzdump(struct puq_pve_req *r, const char *node, long long vmid,
	const struct puq_pve_backup *b)
{
	int rc = puq_pve_req_init(r, "POST", "/nodes/%s/vzdump", node);
	if (rc)
		return rc;
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	puq_pve_req_int(r, "vmid", vmid);
	if (b->storage)
		puq_pve_req_str(r, "storage", b->storage);
	puq_pve_req_str(r, "mode", b->mode ? b->mode : "snapshot");
	puq_pve_req_str(r, "compress", b->compress ? b->compress : "zstd");
	/* notes-template and protected require a storage (400 otherwise). The template is
	 * read with escapes - "newline and backslash need to be escaped as '\n' and '\\'"
	 * (the schema) - so a note's backslash goes as two; a note holds no line break. */
	if (b->notes && b->storage) {
		struct puq_buf t = PUQ_BUF_INIT;
		for (const char *p = b->notes; *p; p++) {
			if (*p == '\\')
				puq_buf_putc(&t, '\\');
			puq_buf_putc(&t, *p);
		}
		if (puq_buf_failed(&t))
			r->form.failed = true; /* puq_pve_req_check() reports it */
		else
			puq_pve_req_str(r, "notes-template", puq_buf_cstr(&t));
		puq_buf_free(&t);
	}
	if (b->protect && b->storage)
		puq_pve_req_bool(r, "protected", true);
	return 0;
}

int puq_pve_req_restore(struct puq_pve_req *r, const char *node, long long vmid,
	const char *archive, const char *storage, bool force, bool unique)
{
	int rc = puq_pve_req_init(r, "POST", "/nodes/%s/qemu", node);
	if (rc)
		return rc;
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	/* only these keys go with archive: any other config key would override the backup */
	puq_pve_req_int(r, "vmid", vmid);
	puq_pve_req_str(r, "archive", archive);
	if (storage)
		puq_pve_req_str(r, "storage", storage);
	if (force)
		puq_pve_req_bool(r, "force", true);
	if (unique)
		puq_pve_req_bool(r, "unique", true);
	return 0;
}

int puq_pve_req_ticket(struct puq_pve_req *r, const char *username, const char *password)
{
	int rc = puq_pve_req_init(r, "POST", "/access/ticket");
	r->sensitive = true;
	puq_pve_req_str(r, "username", username);
	puq_pve_req_str(r, "password", password);
	return rc;
}

int puq_pve_req_permissions(struct puq_pve_req *r, const char *path)
{
	int rc = puq_pve_req_init(r, "GET", "/access/permissions");
	if (rc == 0 && path)
		puq_pve_req_str(r, "path", path);
	return rc;
}

int puq_pve_req_task_status(struct puq_pve_req *r, const char *upid, struct puq_error *err)
{
	struct puq_pve_upid u;
	int rc = puq_pve_upid_parse(upid, &u, err);
	if (rc)
		return rc;
	return puq_pve_req_init(r, "GET", "/nodes/%s/tasks/%s/status", u.node, upid);
}

int puq_pve_req_task_log(struct puq_pve_req *r, const char *upid, unsigned start,
	unsigned limit, struct puq_error *err)
{
	struct puq_pve_upid u;
	int rc = puq_pve_upid_parse(upid, &u, err);
	if (rc)
		return rc;
	rc = puq_pve_req_init(r, "GET", "/nodes/%s/tasks/%s/log", u.node, upid);
	puq_pve_req_int(r, "start", start);
	puq_pve_req_int(r, "limit", limit ? limit : 50);
	return rc;
}
