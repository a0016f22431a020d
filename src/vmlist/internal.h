/*
 * What the files of the vmlist room share: the SQL of the list's copies - the one
 * definition the sync writes and the page compares with, so they cannot disagree.
 */
#ifndef PUQKVM_VMLIST_INTERNAL_H
#define PUQKVM_VMLIST_INTERNAL_H

#include "puqkvm/vm_store.h"
#include "puqkvm/vmlist.h"

#define VMLIST_ALLOC_TABLE "puq_proxmox_kvm_ip_allocations"

/* The VM row's (v) WHMCS service, client, product and server, by primary keys. */
#define VMLIST_JOINS                                                                     \
	" LEFT JOIN tblhosting h ON h.id = v.service_id"                                     \
	" LEFT JOIN tblclients c ON c.id = h.userid"                                         \
	" LEFT JOIN tblproducts p ON p.id = h.packageid"                                     \
	" LEFT JOIN tblservers s ON s.id = h.server"

/* The live value of each copy. Lengths match the columns (strict mode refuses more). */
#define VMLIST_LIVE_STATUS "COALESCE(h.domainstatus, '')"
#define VMLIST_LIVE_CLIENT                                                               \
	"LEFT(TRIM(CONCAT(COALESCE(c.firstname, ''), ' ', COALESCE(c.lastname, ''),"        \
	" IF(COALESCE(c.companyname, '') = '', '', CONCAT(' (', c.companyname, ')')))), 190)"
#define VMLIST_LIVE_PRODUCT "LEFT(COALESCE(p.name, ''), 190)"
#define VMLIST_LIVE_SERVER "LEFT(COALESCE(s.name, ''), 190)"
/* The main address as a sort key: the family byte, then the 16 address bytes; IPv4
 * (4) sorts before IPv6 (6), both numerically. */
#define VMLIST_LIVE_IP                                                                   \
	"COALESCE((SELECT CONCAT(CHAR(a.family), a.address) FROM " VMLIST_ALLOC_TABLE " a"   \
	" WHERE a.service_id = v.service_id AND a.live = 1"                                  \
	" ORDER BY a.is_main DESC, a.family, a.address LIMIT 1), X'')"

/* True when any copy of the row differs from its live value (byte for byte). */
#define VMLIST_STALE                                                                     \
	"(BINARY v.list_status <> BINARY " VMLIST_LIVE_STATUS                                \
	" OR BINARY v.list_client <> BINARY " VMLIST_LIVE_CLIENT                             \
	" OR BINARY v.list_product <> BINARY " VMLIST_LIVE_PRODUCT                           \
	" OR BINARY v.list_server <> BINARY " VMLIST_LIVE_SERVER                             \
	" OR v.list_ip <> " VMLIST_LIVE_IP ")"

#endif
