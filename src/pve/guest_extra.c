/*
 * What the guest jobs (backups, snapshots), the traffic statistics and the client area
 * need of the Proxmox VE API beyond the provisioning calls: the node's task list (to
 * find a task whose starting call lost its answer), moving a firewall rule, the rules
 * as Proxmox lists them, the guest agent's password change, and the RRD samples.
 *
 * Builders only fill a struct puq_pve_req; parsers turn an answer's "data" into C
 * values, accepting numbers as numeric strings as everywhere in this room.
 */
#include <stdlib.h>
#include <string.h>

#include "puqkvm/pve.h"

#define VM "/nodes/%s/qemu/%lld"

static void copy(char *dst, size_t size, const char *src)
{
	puq_strlcpy(dst, src ? src : "", size);
}

static int array_alloc(const json_t *data, size_t size, void **out, const char *what,
	struct puq_error *err)
{
	*out = NULL;
	if (!json_is_array(data))
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE answered %s with no list", what);
	size_t n = json_array_size(data);
	*out = PUQ_CALLOC(n ? n : 1, size);
	return *out ? 0 : puq_error_set(err, PUQ_ENOMEM, NULL);
}

/* ---- tasks ---- */

int puq_pve_req_tasks(struct puq_pve_req *r, const char *node, long long vmid,
	const char *typefilter, long long since, long long until, int limit)
{
	int rc = puq_pve_req_init(r, "GET", "/nodes/%s/tasks", node);
	if (rc)
		return rc;
	/* "all": running tasks are listed too, and tasks of every user of the cluster */
	puq_pve_req_str(r, "source", "all");
	if (vmid > 0)
		puq_pve_req_int(r, "vmid", vmid);
	if (typefilter)
		puq_pve_req_str(r, "typefilter", typefilter);
	if (since > 0)
		puq_pve_req_int(r, "since", since);
	if (until > 0)
		puq_pve_req_int(r, "until", until);
	puq_pve_req_int(r, "limit", limit > 0 ? limit : 50);
	return 0;
}

int puq_pve_parse_tasks(const json_t *data, struct puq_pve_task_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	int rc = array_alloc(data, sizeof(*out->items), (void **)&out->items, "the task list", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		const char *upid = puq_pve_get_str(e, "upid");
		if (!upid || strlen(upid) >= PUQ_PVE_UPID_MAX)
			continue;
		struct puq_pve_task_entry *t = &out->items[out->n++];
		copy(t->upid, sizeof(t->upid), upid);
		copy(t->type, sizeof(t->type), puq_pve_get_str(e, "type"));
		copy(t->id, sizeof(t->id), puq_pve_get_str(e, "id"));
		puq_pve_get_int(e, "starttime", &t->starttime);
		/* a running task has no endtime; "status" is "running" or the exit status */
		const char *status = puq_pve_get_str(e, "status");
		long long end = 0;
		t->running = (status && strcmp(status, "running") == 0) ||
			(!status && !puq_pve_get_int(e, "endtime", &end));
		if (!t->running && status) {
			copy(t->status, sizeof(t->status), status);
			t->ok = strcmp(status, "OK") == 0 || strncmp(status, "WARNINGS", 8) == 0;
		}
		/* the UPID names the starter with its token id, whatever the list's fields say */
		struct puq_pve_upid u;
		if (puq_pve_upid_parse(t->upid, &u, NULL) == 0)
			copy(t->user, sizeof(t->user), u.user);
	}
	return 0;
}

void puq_pve_task_list_free(struct puq_pve_task_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

/* ---- firewall rules ---- */

int puq_pve_req_fw_rule_move(struct puq_pve_req *r, const char *node, long long vmid,
	unsigned pos, unsigned moveto, const char *digest)
{
	int rc = puq_pve_req_init(r, "PUT", VM "/firewall/rules/%lld", node, vmid, (long long)pos);
	if (rc)
		return rc;
	puq_pve_req_int(r, "moveto", moveto);
	if (digest && *digest)
		puq_pve_req_str(r, "digest", digest);
	return 0;
}

int puq_pve_parse_fw_rules(const json_t *data, struct puq_pve_fw_rule_list *out,
	struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	out->digest[0] = '\0';
	int rc = array_alloc(data, sizeof(*out->items), (void **)&out->items,
		"the firewall rules", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		long long pos = (long long)i;
		struct puq_pve_fw_rule_entry *f = &out->items[out->n++];
		puq_pve_get_int(e, "pos", &pos);
		f->pos = pos >= 0 ? (unsigned)pos : (unsigned)i;
		copy(f->type, sizeof(f->type), puq_pve_get_str(e, "type"));
		copy(f->action, sizeof(f->action), puq_pve_get_str(e, "action"));
		copy(f->proto, sizeof(f->proto), puq_pve_get_str(e, "proto"));
		copy(f->macro, sizeof(f->macro), puq_pve_get_str(e, "macro"));
		copy(f->iface, sizeof(f->iface), puq_pve_get_str(e, "iface"));
		copy(f->source, sizeof(f->source), puq_pve_get_str(e, "source"));
		copy(f->dest, sizeof(f->dest), puq_pve_get_str(e, "dest"));
		copy(f->sport, sizeof(f->sport), puq_pve_get_str(e, "sport"));
		copy(f->dport, sizeof(f->dport), puq_pve_get_str(e, "dport"));
		copy(f->comment, sizeof(f->comment), puq_pve_get_str(e, "comment"));
		f->enable = puq_pve_get_bool(e, "enable", false);
		if (!out->digest[0])
			copy(out->digest, sizeof(out->digest), puq_pve_get_str(e, "digest"));
	}
	return 0;
}

void puq_pve_fw_rule_list_free(struct puq_pve_fw_rule_list *l)
{
	PUQ_FREE(l->items);
	l->items = NULL;
	l->n = 0;
}

/* ---- guest agent ---- */

int puq_pve_req_agent_set_password(struct puq_pve_req *r, const char *node, long long vmid,
	const char *username, const char *password, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	if (!username || !*username || strlen(username) > 64)
		puq_error_field(err, "username", "must be a user name of at most 64 characters");
	/* the agent's schema: 5 to 1024 characters */
	if (!password || strlen(password) < 5 || strlen(password) > 1024)
		puq_error_field(err, "password", "must be 5 to 1024 characters long");
	if (err && err->code)
		return -err->code;
	int rc = puq_pve_req_init(r, "POST", VM "/agent/set-user-password", node, vmid);
	r->sensitive = true;
	puq_pve_req_str(r, "username", username);
	puq_pve_req_str(r, "password", password);
	return rc;
}

/* ---- RRD samples ---- */

static int point_cmp(const void *a, const void *b)
{
	long long x = ((const struct puq_pve_rrd_point *)a)->time;
	long long y = ((const struct puq_pve_rrd_point *)b)->time;
	return x < y ? -1 : x > y;
}

int puq_pve_parse_rrd(const json_t *data, struct puq_pve_rrd *out, struct puq_error *err)
{
	size_t i;
	json_t *e;
	out->n = 0;
	out->step = 0;
	int rc = array_alloc(data, sizeof(*out->items), (void **)&out->items, "the RRD data", err);
	if (rc)
		return rc;
	json_array_foreach(data, i, e)
	{
		struct puq_pve_rrd_point *p = &out->items[out->n];
		memset(p, 0, sizeof(*p));
		if (!puq_pve_get_int(e, "time", &p->time)) {
			puq_pve_rrd_free(out);
			return puq_error_set(err, PUQ_EPROTO, "an RRD sample without a time");
		}
		if (puq_pve_get_number(e, "cpu", &p->cpu)) {
			p->have |= PUQ_RRD_CPU;
			puq_pve_get_number(e, "maxcpu", &p->maxcpu);
		}
		if (puq_pve_get_number(e, "mem", &p->mem)) {
			p->have |= PUQ_RRD_MEM;
			puq_pve_get_number(e, "maxmem", &p->maxmem);
		}
		if (puq_pve_get_number(e, "netin", &p->netin) &&
			puq_pve_get_number(e, "netout", &p->netout))
			p->have |= PUQ_RRD_NET;
		if (puq_pve_get_number(e, "diskread", &p->diskread) &&
			puq_pve_get_number(e, "diskwrite", &p->diskwrite))
			p->have |= PUQ_RRD_DISK;
		out->n++;
	}
	qsort(out->items, out->n, sizeof(*out->items), point_cmp);
	/* the step is the smallest gap: a missing sample must not double it */
	for (size_t k = 1; k < out->n; k++) {
		long long gap = out->items[k].time - out->items[k - 1].time;
		if (gap > 0 && (out->step == 0 || gap < out->step))
			out->step = gap;
	}
	return 0;
}

void puq_pve_rrd_free(struct puq_pve_rrd *r)
{
	PUQ_FREE(r->items);
	r->items = NULL;
	r->n = 0;
	r->step = 0;
}
