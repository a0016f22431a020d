/*
 * What the API token must be allowed to do, and which privileges it lacks.
 *
 * The table lists every operation of the module with the privileges Proxmox checks for
 * it (research/apis.md 1.7; qemu-server API2/Qemu.pm, pve-manager VZDump.pm). The check
 * reads GET /access/permissions, which answers the caller's effective privileges per
 * ACL path (for a privilege-separated token: the intersection of user and token ACLs).
 * Each listed path carries the privileges in force there, propagation already applied;
 * a path without an entry inherits from the nearest listed parent, up to "/".
 */
#include <stdio.h>
#include <string.h>

#include "puqkvm/pve.h"
#include "puqkvm/pve_conn.h"

static const struct puq_pve_need needs[] = {
	{"see VMs, templates and their status", "/vms", "VM.Audit"},
	{"list nodes and read tasks", "/nodes", "Sys.Audit"},
	{"list storages and backups", "/storage", "Datastore.Audit"},
	{"clone VMs from templates", "/vms", "VM.Clone,VM.Allocate"},
	{"allocate disks (clone, resize, backup)", "/storage", "Datastore.AllocateSpace"},
	{"set CPU and RAM", "/vms", "VM.Config.CPU,VM.Config.Memory"},
	{"resize disks and set disk limits", "/vms", "VM.Config.Disk"},
	{"set the network and firewall", "/vms", "VM.Config.Network"},
	{"attach VMs to bridges (PVE 8+)", "/sdn/zones/localnetwork", "SDN.Use"},
	{"write cloud-init settings", "/vms", "VM.Config.Cloudinit"},
	{"set name and options", "/vms", "VM.Config.Options"},
	{"start, stop and reboot VMs", "/vms", "VM.PowerMgmt"},
	{"migrate VMs to the target node", "/vms", "VM.Migrate"},
	{"take and roll back snapshots", "/vms", "VM.Snapshot,VM.Snapshot.Rollback"},
	{"back up and restore VMs", "/vms", "VM.Backup"},
	{"open the VNC console", "/vms", "VM.Console"},
	{NULL, NULL, NULL},
};

const struct puq_pve_need *puq_pve_needs(void)
{
	return needs;
}

/* The privileges object that applies to path: the entry itself or its nearest parent. */
static const json_t *effective(const json_t *perms, const char *path)
{
	char p[128];
	puq_strlcpy(p, path, sizeof(p));
	for (;;) {
		const json_t *e = json_object_get(perms, p);
		if (json_is_object(e))
			return e;
		char *slash = strrchr(p, '/');
		if (!slash || slash == p) {
			if (strcmp(p, "/") == 0)
				return NULL;
			strcpy(p, "/");
		} else {
			*slash = '\0';
		}
	}
}

/* Proxmox answers effective privileges per listed path (propagation from parents
 * already applied), so the nearest listed entry is authoritative. */
static bool has(const json_t *perms, const char *path, const char *priv)
{
	const json_t *e = effective(perms, path);
	return e && puq_pve_get_bool(e, priv, false);
}

size_t puq_pve_check_privileges(const json_t *permissions, struct puq_pve_missing *out,
	size_t max)
{
	size_t total = 0;
	for (const struct puq_pve_need *n = needs; n->what; n++) {
		for (const char *p = n->privs; *p;) {
			char priv[40];
			size_t len = strcspn(p, ",");
			puq_strlcpy(priv, p, len + 1 < sizeof(priv) ? len + 1 : sizeof(priv));
			p += len;
			p += *p == ',';
			if (has(permissions, n->path, priv))
				continue;
			/* one entry per privilege; later uses are named in the same line */
			size_t i;
			for (i = 0; i < total && i < max; i++)
				if (strcmp(out[i].priv, priv) == 0 && strcmp(out[i].path, n->path) == 0)
					break;
			if (i < total && i < max) {
				size_t l = strlen(out[i].what);
				snprintf(out[i].what + l, sizeof(out[i].what) - l, "; %s", n->what);
				continue;
			}
			if (total < max) {
				puq_strlcpy(out[total].priv, priv, sizeof(out[total].priv));
				puq_strlcpy(out[total].path, n->path, sizeof(out[total].path));
				puq_strlcpy(out[total].what, n->what, sizeof(out[total].what));
			}
			total++;
		}
	}
	return total;
}
