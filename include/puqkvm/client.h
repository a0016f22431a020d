/*
 * client: the server module's client area - what a client may see and do with their
 * VM - as one entry point the shim calls with the logged-in client and an action.
 *
 * Every call is authorised here, on the server, before anything else: the service must
 * belong to the client of the session (tblhosting.userid; the request's own fields never
 * say who the client is), the product must allow the action (the client area
 * permissions and the backup / snapshot quotas, read from the product as it is now),
 * and actions that change something need the service active and the VM resting in
 * ready. A refused call is -PUQ_EDENIED (the shim shows "Access Denied" and logs the
 * attempt) or -PUQ_ESTATE (not now: the VM is busy, the service suspended).
 *
 * Actions (args is a JSON object of the request's fields):
 *   overview                   status, uptime, CPU, RAM, disks, network, addresses, the
 *                              permissions (for dimming), the running job
 *   job                        advances and shows the running job (the page's poll)
 *   start, stop, reboot        power (stop: clean shutdown, forced after a minute)
 *   rdns, rdns_save            reverse DNS per address {names: {ip: host}}
 *   backups, backup_now, backup_restore, backup_delete, backup_schedule
 *   snapshots, snapshot_take, snapshot_rollback, snapshot_delete, snapshot_schedule
 *   reinstall_options, reinstall {template, confirm: "REINSTALL"}
 *   reset_password             the new password comes from the shim (plain + encrypted)
 *   charts {timeframe}         CPU/RAM, disk I/O and network from RRD
 *   iso, iso_mount {volid}, iso_unmount
 *   firewall, firewall_policy {in, out}, firewall_rule_add {rule}, firewall_rule_delete
 *   {pos}, firewall_rule_move {from, to}
 *
 * Ownership: *out is a new reference; everything passed in is borrowed.
 */
#ifndef PUQKVM_CLIENT_H
#define PUQKVM_CLIENT_H

#include <stdbool.h>

#include <jansson.h>

#include "puqkvm/job.h"

struct puq_client_req {
	long long service_id;
	long long client_id;     /* the session's client */
	const char *action;
	const json_t *args;      /* an object; NULL = no fields */
	long long now;           /* UTC epoch */
	int utc_offset_s;        /* local time minus UTC (schedules, dates shown) */
	const char *password;     /* reset password / reinstall: the new password (plain) */
	const char *password_enc; /* ... and as WHMCS's encrypt() made it, for tblhosting */
};

/* The action's permission and kind, for the shim (CSRF on writes) and the tests. */
struct puq_client_action {
	const char *name;
	bool write;       /* changes something: needs the CSRF token, an active service */
	const char *flag; /* the permission ("start", "backups", ...), NULL = always */
};
const struct puq_client_action *puq_client_action_find(const char *name);
size_t puq_client_action_count(void);
const struct puq_client_action *puq_client_action_at(size_t i);

/*
 * Authorises and runs one action; env->conn_for gives the Proxmox connection of the
 * service's server. *out: the action's answer (always an object).
 */
int puq_client_call(const struct puq_job_env *env, const struct puq_client_req *q, json_t **out,
	struct puq_error *err);

/* ---- pure parts (unit-tested) ---- */

/* A firewall rule as a client submits it, checked. Strings "" when not given. */
struct puq_client_fw_rule {
	char type[4];     /* in | out */
	char action[8];   /* ACCEPT | DROP | REJECT */
	char proto[8];    /* "" (any) | tcp | udp | icmp | icmpv6 */
	char source[64], dest[64]; /* "" | address | address/prefix */
	char sport[96], dport[96]; /* "" | port, a:b, lists of those (tcp/udp only) */
	char comment[PUQ_JOB_ARG_MAX];
};
/* Every bad field is a field error "rule.<field>"; *out only on success. */
int puq_client_fw_rule_check(const json_t *in, struct puq_client_fw_rule *out,
	struct puq_error *err);
/* A port specification Proxmox takes: "80", "1024:2048", "22,80,443:444" (1-65535). */
bool puq_client_ports_valid(const char *s);

/* The ISO page's folder of an image file name: the text before the first '-', or "OTHER". */
void puq_client_iso_folder(const char *file, char out[64]);

/*
 * Chart series from RRD samples: {timeframe, step, points: [{t, cpu, mem, diskread,
 * diskwrite, netin, netout}]}; cpu and mem in percent, the rest in MB/s; a sample
 * without values gives nulls. New reference, NULL on out of memory.
 */
json_t *puq_client_chart(const struct puq_pve_rrd *rrd, const char *timeframe);

#endif
