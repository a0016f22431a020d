/*
 * Interpreters of Proxmox VE's read answers: nodes, cluster resources (guests and
 * templates), storages, bridges, storage content (backups, ISOs), VM status,
 * snapshots, the VNC proxy ticket, IPSet entries and the login ticket.
 *
 * Shapes follow research/apis.md 1.6 and the official schema. Entries that lack the
 * identifying field are skipped rather than failing the whole list (Proxmox omits
 * fields it has no value for); a "data" that is not a list is PUQ_EPROTO. Strings are
 * truncated to the struct's fixed buffers; all of them are far larger than the ids
 * Proxmox allows.
 */
#include <stdio.h>
#include <string.h>

#include "puqkvm/pve.h"

/* Allocates room for every element of an array answer; NULL items when empty. */
static int list_alloc(const json_t *data, size_t elem, void **items, const char *what,
	struct puq_error *err)
{
	*items = NULL;
	if (!json_is_array(data))
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE: %s is not a list", what);
	size_t n = json_array_size(data);
	if (n && !(*items = PUQ_CALLOC(n, elem)))
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	return 0;
}

static void copy(char *dst, size_t size, const char *src)
{
	puq_strlcpy(dst, src ? src : "", size);
}

#define COPY(dst, obj, key) copy((dst), sizeof(dst), puq_pve_get_str((obj), (key)))

int puq_pve_parse_nodes(const json_t *data, struct puq_pve_node_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items, "the node list", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *name = puq_pve_get_str(e, "node");
		if (!name)
			continue;
		struct puq_pve_node *n = &out->items[out->n++];
		copy(n->name, sizeof(n->name), name);
		const char *status = puq_pve_get_str(e, "status");
		n->online = status && strcmp(status, "online") == 0;
		COPY(n->ssl_fingerprint, e, "ssl_fingerprint");
		puq_pve_get_int(e, "maxcpu", &n->maxcpu);
		puq_pve_get_int(e, "maxmem", &n->maxmem);
		puq_pve_get_int(e, "mem", &n->mem);
		puq_pve_get_number(e, "cpu", &n->cpu);
	}
	return 0;
}

void puq_pve_node_list_free(struct puq_pve_node_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

int puq_pve_parse_guests(const json_t *data, bool templates_only,
	struct puq_pve_guest_list *out, struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items,
		"the resource list", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *type = puq_pve_get_str(e, "type");
		long long vmid;
		if (!type || strcmp(type, "qemu") != 0 || !puq_pve_get_int(e, "vmid", &vmid))
			continue;
		bool tmpl = puq_pve_get_bool(e, "template", false);
		if (templates_only && !tmpl)
			continue;
		struct puq_pve_guest *g = &out->items[out->n++];
		g->vmid = vmid;
		g->template_ = tmpl;
		COPY(g->node, e, "node");
		COPY(g->name, e, "name");
		COPY(g->status, e, "status");
		COPY(g->lock, e, "lock");
	}
	return 0;
}

void puq_pve_guest_list_free(struct puq_pve_guest_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

int puq_pve_find_guest(const struct puq_pve_guest_list *l, long long vmid,
	const struct puq_pve_guest **out, struct puq_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->items[i].vmid == vmid) {
			*out = &l->items[i];
			return 0;
		}
	}
	*out = NULL;
	return puq_error_set(err, PUQ_EPVENOTFOUND, "VM %lld is not on any node of the cluster",
		vmid);
}

int puq_pve_parse_storages(const json_t *data, struct puq_pve_storage_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items,
		"the storage list", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *name = puq_pve_get_str(e, "storage");
		if (!name)
			continue;
		struct puq_pve_storage *s = &out->items[out->n++];
		copy(s->name, sizeof(s->name), name);
		COPY(s->type, e, "type");
		if (!s->type[0])
			COPY(s->type, e, "plugintype");
		COPY(s->content, e, "content");
		s->shared = puq_pve_get_bool(e, "shared", false);
		s->active = puq_pve_get_bool(e, "active", true);
		s->enabled = puq_pve_get_bool(e, "enabled", true);
		puq_pve_get_int(e, "total", &s->total);
		puq_pve_get_int(e, "used", &s->used);
		puq_pve_get_int(e, "avail", &s->avail);
	}
	return 0;
}

void puq_pve_storage_list_free(struct puq_pve_storage_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

bool puq_pve_storage_has_content(const struct puq_pve_storage *s, const char *content)
{
	size_t n = strlen(content);
	for (const char *p = s->content; *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, content, n) == 0)
			return true;
		p += len;
		p += *p == ',';
	}
	return false;
}

int puq_pve_parse_bridges(const json_t *data, struct puq_pve_bridge_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items,
		"the network list", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *name = puq_pve_get_str(e, "iface");
		const char *type = puq_pve_get_str(e, "type");
		if (!name || !type || (strcmp(type, "bridge") != 0 && strcmp(type, "OVSBridge") != 0))
			continue;
		struct puq_pve_bridge *b = &out->items[out->n++];
		copy(b->name, sizeof(b->name), name);
		copy(b->type, sizeof(b->type), type);
		b->active = puq_pve_get_bool(e, "active", false);
		COPY(b->comments, e, "comments");
	}
	return 0;
}

void puq_pve_bridge_list_free(struct puq_pve_bridge_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

int puq_pve_parse_volumes(const json_t *data, struct puq_pve_volume_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items,
		"the storage content", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *volid = puq_pve_get_str(e, "volid");
		if (!volid)
			continue;
		struct puq_pve_volume *v = &out->items[out->n++];
		copy(v->volid, sizeof(v->volid), volid);
		COPY(v->format, e, "format");
		COPY(v->notes, e, "notes");
		puq_pve_get_int(e, "size", &v->size);
		puq_pve_get_int(e, "ctime", &v->ctime);
		puq_pve_get_int(e, "vmid", &v->vmid);
		v->protected_ = puq_pve_get_bool(e, "protected", false);
	}
	return 0;
}

void puq_pve_volume_list_free(struct puq_pve_volume_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

int puq_pve_parse_status(const json_t *data, struct puq_pve_status *out,
	struct puq_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *status = puq_pve_get_str(data, "status");
	if (!status)
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE VM status without 'status'");
	copy(out->status, sizeof(out->status), status);
	COPY(out->qmpstatus, data, "qmpstatus");
	COPY(out->lock, data, "lock");
	puq_pve_get_int(data, "uptime", &out->uptime);
	puq_pve_get_int(data, "mem", &out->mem);
	puq_pve_get_int(data, "maxmem", &out->maxmem);
	puq_pve_get_int(data, "maxdisk", &out->maxdisk);
	puq_pve_get_number(data, "cpu", &out->cpu);
	out->template_ = puq_pve_get_bool(data, "template", false);
	return 0;
}

int puq_pve_parse_snapshots(const json_t *data, struct puq_pve_snapshot_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items,
		"the snapshot list", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *name = puq_pve_get_str(e, "name");
		/* "current" is the pseudo entry "You are here!", not a snapshot */
		if (!name || strcmp(name, "current") == 0)
			continue;
		struct puq_pve_snapshot *s = &out->items[out->n++];
		copy(s->name, sizeof(s->name), name);
		COPY(s->parent, e, "parent");
		COPY(s->description, e, "description");
		puq_pve_get_int(e, "snaptime", &s->snaptime);
		s->vmstate = puq_pve_get_bool(e, "vmstate", false);
	}
	return 0;
}

void puq_pve_snapshot_list_free(struct puq_pve_snapshot_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

int puq_pve_parse_vnc(const json_t *data, struct puq_pve_vnc *out, struct puq_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *ticket = puq_pve_get_str(data, "ticket");
	if (!ticket || !puq_pve_get_int(data, "port", &out->port))
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE vncproxy answer lacks ticket/port");
	copy(out->ticket, sizeof(out->ticket), ticket);
	COPY(out->password, data, "password");
	COPY(out->upid, data, "upid");
	COPY(out->user, data, "user");
	return 0;
}

int puq_pve_parse_ipset(const json_t *data, struct puq_pve_cidr_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = list_alloc(data, sizeof(*out->items), (void **)&out->items, "the IPSet", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *cidr = puq_pve_get_str(e, "cidr");
		if (!cidr)
			continue;
		bool nomatch = puq_pve_get_bool(e, "nomatch", false);
		snprintf(out->items[out->n++], sizeof(out->items[0]), "%s%s", nomatch ? "!" : "",
			cidr);
	}
	return 0;
}

void puq_pve_cidr_list_free(struct puq_pve_cidr_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

int puq_pve_parse_ticket(const json_t *data, struct puq_pve_ticket *out,
	struct puq_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *ticket = puq_pve_get_str(data, "ticket");
	const char *csrf = puq_pve_get_str(data, "CSRFPreventionToken");
	if (puq_pve_get_bool(data, "NeedTFA", false))
		return puq_error_set(err, PUQ_EAUTH,
			"the Proxmox VE user needs two-factor authentication: use an API token");
	if (!ticket || !csrf)
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE login answer lacks the ticket");
	if (puq_strlcpy(out->ticket, ticket, sizeof(out->ticket)) >= sizeof(out->ticket) ||
		puq_strlcpy(out->csrf, csrf, sizeof(out->csrf)) >= sizeof(out->csrf))
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE login ticket is too long");
	COPY(out->username, data, "username");
	return 0;
}
