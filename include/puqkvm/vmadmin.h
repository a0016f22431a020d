/*
 * vmadmin: what the admin sees and does on the VM Management page and the service tab,
 * beyond the engine's queueing calls (vm_store.h).
 *
 * The list itself, and the copies of WHMCS fields it sorts by, are vmlist.h's; the
 * actions here keep those copies in step (puq_vmlist_sync) in their transactions.
 *
 * Actions. Redeploy, Reset, Delete Record, the DB Record editor, attaching an existing
 * VM, the rDNS table and the release of addresses each re-check their rule inside
 * their transaction (the page's buttons only mirror puq_vmlist_rules_for) and write
 * one activity log entry to the outbox in that transaction: who did it ("actor", e.g.
 * "admin alice (ID 1)"), the service, and what changed.
 *
 * Ownership: JSON results are new references the caller releases; strings passed in
 * are borrowed for the call.
 */
#ifndef PUQKVM_VMADMIN_H
#define PUQKVM_VMADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/dns.h"
#include "puqkvm/store.h"
#include "puqkvm/vm.h"

/* ---- actions ------------------------------------------------------------------------ */

/* Longest actor text ("admin alice (ID 1)") an activity entry carries. */
#define PUQ_VMADMIN_ACTOR_MAX 128

/* Redeploy, only when the VM is not ready (spec); the engine refuses it during terminate. */
int puq_vmadmin_redeploy(struct puq_db *db, long long service_id, const char *actor,
	struct puq_error *err);
/* Reset to one of the re-runnable states (field error "status" for any other). */
int puq_vmadmin_reset(struct puq_db *db, long long service_id, const char *status,
	const char *actor, struct puq_error *err);
/*
 * Delete Record, only in error_terminate or remove: removes the vm_info row and nothing
 * in Proxmox or tblhosting. With release, the addresses the row still holds are released
 * too (*released gets how many, may be NULL); without, they stay held and the IP Pools
 * page lists them. A VMID reserved for the row is remembered as used outside the module.
 */
int puq_vmadmin_delete_record(struct puq_db *db, long long service_id, bool release,
	const char *actor, size_t *released, struct puq_error *err);
/* The IP Pools page's release of one held address, with its activity entry. */
int puq_vmadmin_release_allocation(struct puq_db *db, long long allocation_id,
	const char *actor, struct puq_error *err);

/* ---- the DB Record editor ---------------------------------------------------------------- */

/*
 * The raw row: {columns: [{name, value (text or null), editable, kind, help}]}, in the
 * table's order. kind: int, text, status, mac, json, rdns, schedule, datetime, upid.
 */
int puq_vmadmin_record(struct puq_db *db, long long service_id, json_t **out,
	struct puq_error *err);

/* One edited column; value NULL = SQL NULL (accepted where the column allows it). */
struct puq_vmadmin_edit {
	const char *name;
	const char *value;
};

/*
 * Validates every edit (unknown or read-only column, bad number, unknown status,
 * malformed MAC, address or JSON, a VMID another service holds: one field error each)
 * and saves them in one transaction: nothing is written when any is bad. A new
 * vm_status also recomputes `due` and drops a worker's lease; a new vm_id moves the
 * VMID reservation. *summary (may be NULL) gets "vm_status: a -> b; vm_id: 1 -> 2" or
 * "" when nothing changed (owned, free()).
 */
int puq_vmadmin_record_save(struct puq_db *db, long long service_id,
	const struct puq_vmadmin_edit *edits, size_t n, const char *actor, char **summary,
	struct puq_error *err);

/* ---- the service tab -------------------------------------------------------------------- */

/* Attaching an existing Proxmox VM (found there by the caller). Borrowed. */
struct puq_vmadmin_attach {
	long long service_id, client_id, product_id, server_id;
	long long vmid;
	const char *node;    /* where Proxmox has it */
	const char *name;    /* its name in Proxmox ("" keeps the row's) */
	const char *product; /* the product as JSON (vm.h), used when the service has no row */
};
/*
 * Sets the service's VM to vmid: refused (-PUQ_ECONFLICT) when another service's row or
 * reservation holds it; the row (created in ready when missing) gets vm_id, node and
 * name, drops any task intent and lease, and rests in ready.
 */
int puq_vmadmin_attach(struct puq_db *db, const struct puq_vmadmin_attach *a,
	const char *actor, struct puq_error *err);

/* One rDNS name: the address as typed (any text form) and the host name ("" = default). */
struct puq_vmadmin_rdns {
	const char *ip;
	const char *host;
};
/*
 * Saves the service's rDNS names (vm_rev_dns, keys fully expanded). Every address must
 * be one the service holds ("rdns.<ip>": not assigned to this service) and every name a
 * host name; nothing is saved otherwise. *changed gets how many names changed.
 */
int puq_vmadmin_rdns_save(struct puq_db *db, long long service_id,
	const struct puq_vmadmin_rdns *names, size_t n, const char *actor, size_t *changed,
	struct puq_error *err);
/* The service's DNS records resynced to every matching zone (after an rDNS edit). */
int puq_vmadmin_dns_push(const struct puq_dns_ctx *ctx, long long service_id,
	struct puq_dns_report *report, struct puq_error *err);

/*
 * The service tab's live information, from three Proxmox answers (pure): the guest of
 * /cluster/resources (NULL when Proxmox does not know the VMID), status/current and the
 * config (NULL when not fetched). vm supplies the local status and the package values
 * the real ones are compared with. *out:
 *   {found, node, status, qmpstatus, uptime, uptime_text, lock, local_status,
 *    cpu: {cores, usage, level}, memory: {used, total, percent, package_mb},
 *    disks: [{key, role, volid, size, size_text, package_gb, mbps_rd, mbps_wr, iops_rd,
 *             iops_wr, package: {mbps_rd, mbps_wr, iops_rd, iops_wr}}],
 *    network: [{key, model, mac, bridge, tag, rate, package: {bridge, vlan, rate}}],
 *    iso}
 */
int puq_vmadmin_live_summary(const struct puq_vm *vm, const json_t *guest,
	const json_t *status, const json_t *config, json_t **out, struct puq_error *err);

#endif
