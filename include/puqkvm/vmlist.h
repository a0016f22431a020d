/*
 * vmlist: the VM Management list - the VM rows' copies of the fields it sorts, filters
 * and searches by, kept in step with WHMCS, and the pages read over them.
 *
 * One row per puqProxmoxKVM_vm_info row, with the WHMCS service, client, product and
 * server it belongs to. WHMCS's own tables cannot sort or filter that set cheaply
 * (tblservers has no name index, a client name sort would join every row), so the VM
 * row carries copies of the fields the list sorts, filters and searches by:
 * list_status (tblhosting.domainstatus), list_client, list_product, list_server and
 * list_ip (the main address as a sort key). The module's own fields (vm_id, vm_name,
 * vm_status) are not copied: they are read where they live, so they cannot drift.
 * Each sort has an index ending in the primary key, so a page is a keyset range scan
 * (never OFFSET) and costs the same at 1,000 or 100,000 services.
 *
 * The copies are derived, never entered: puq_vmlist_sync recomputes them from the
 * sources in one statement, so syncing twice is harmless and a full rebuild
 * (PUQ_VMLIST_ALL) repairs anything. They are synced in the transactions that change
 * what they copy from the module's side (the engine's address changes, the admin
 * actions of vmadmin.h), by the addon's WHMCS hooks for changes only WHMCS makes
 * (service status, client, product and server edits), daily as a whole, and on every
 * page read: the page shows the live WHMCS values and re-syncs any row whose copy
 * differs. The engine (vm, cron) and the admin actions (vmadmin) call the sync from
 * their transactions, so this room calls neither cron nor vmadmin; of the vm room it
 * uses only the VM table's name and the state names the vm_status filter accepts.
 *
 * Ownership: JSON results are new references the caller releases; strings passed in
 * are borrowed for the call.
 */
#ifndef PUQKVM_VMLIST_H
#define PUQKVM_VMLIST_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/store.h"

/* ---- the list ------------------------------------------------------------------------- */

#define PUQ_VMLIST_PAGE_DEFAULT 25
#define PUQ_VMLIST_PAGE_MAX     100
#define PUQ_VMLIST_SEARCH_MAX   100

/* The sortable columns: id, name as the page sends it. */
#define PUQ_VMLIST_SORTS(XX)                                                             \
	XX(ID, "id")                                                                         \
	XX(CLIENT, "client")                                                                 \
	XX(PRODUCT, "product")                                                               \
	XX(SERVER, "server")                                                                 \
	XX(VM, "vm")                                                                         \
	XX(VM_STATUS, "vm_status")                                                           \
	XX(SERVICE, "service")                                                               \
	XX(IPS, "ips")

enum puq_vmlist_sort {
#define PUQ_XX_SORT(id, name) PUQ_VMLIST_SORT_##id,
	PUQ_VMLIST_SORTS(PUQ_XX_SORT)
#undef PUQ_XX_SORT
	PUQ_VMLIST_SORT__COUNT
};

const char *puq_vmlist_sort_name(enum puq_vmlist_sort s);
/* -PUQ_EINVAL for an unknown name. */
int puq_vmlist_sort_parse(const char *name, enum puq_vmlist_sort *out);

/* The WHMCS service statuses the filter offers (NULL-terminated). */
const char *const *puq_vmlist_service_statuses(void);

struct puq_vmlist_query {
	const char *search;         /* NULL or "" = everything */
	const char *service_status; /* NULL or "" = every status */
	const char *vm_status;      /* NULL or "" = every status */
	enum puq_vmlist_sort sort;
	bool desc;
	const char *cursor;         /* a page's "next" or "prev"; NULL = the first page */
	int limit;                  /* 1..PUQ_VMLIST_PAGE_MAX */
};

/* The default view: newest service first, PUQ_VMLIST_PAGE_DEFAULT rows. */
void puq_vmlist_query_init(struct puq_vmlist_query *q);

/*
 * One page. Bad filters, sort or cursor are field errors (service_status, vm_status,
 * search, cursor, limit). *out:
 *   {rows: [{service_id, client_id, client, product_id, product, server_id, server,
 *            vm_id, vm_name, vm_status, service_status, action, needs_attention,
 *            ips: [{ip, family, main, rdns}], actions: {redeploy, reset, log, record,
 *            delete}}],
 *    next: cursor|null, prev: cursor|null, resynced: n}
 * Addresses are shown as tblhosting carries them (IPv6 fully expanded), each with its
 * rDNS name from vm_rev_dns when one is set.
 */
int puq_vmlist_page(struct puq_db *db, const struct puq_vmlist_query *q, json_t **out,
	struct puq_error *err);
/* How many rows match the filters and search (cursor and limit ignored). */
int puq_vmlist_count(struct puq_db *db, const struct puq_vmlist_query *q, long long *n,
	struct puq_error *err);

/*
 * Which buttons the spec shows for a status (spec: Administrative actions): a row's
 * "actions". The actions themselves (vmadmin.h) re-check their rule in their
 * transaction; these only mirror it.
 */
struct puq_vmlist_rules {
	bool redeploy;      /* status != ready */
	bool reset, log, record;
	bool delete_record; /* error_terminate or remove */
};
void puq_vmlist_rules_for(const char *vm_status, struct puq_vmlist_rules *out);

/* ---- the copies --------------------------------------------------------------------- */

enum puq_vmlist_scope {
	PUQ_VMLIST_SERVICE, /* id = tblhosting.id */
	PUQ_VMLIST_CLIENT,  /* id = tblclients.id */
	PUQ_VMLIST_PRODUCT, /* id = tblproducts.id */
	PUQ_VMLIST_SERVER,  /* id = tblservers.id */
	PUQ_VMLIST_ORDER,   /* id = tblorders.id (tblhosting.orderid) */
	PUQ_VMLIST_ALL,     /* id ignored: the daily reconcile and the repair */
};

/*
 * Recomputes the list copies of the VM rows in scope from WHMCS's tables and the live
 * addresses; rows already right are not written. *changed (may be NULL) gets how many
 * rows were. Runs inside the caller's transaction when one is open.
 */
int puq_vmlist_sync(struct puq_db *db, enum puq_vmlist_scope scope, long long id,
	size_t *changed, struct puq_error *err);
/* The schema's data step: the copies of every row, in one statement per table join. */
int puq_vmlist_schema_backfill(struct puq_db *db, struct puq_error *err);

#endif
