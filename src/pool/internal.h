/*
 * What the files of src/pool/ share and nobody else needs: table names, the runs
 * index and row decoding.
 */
#ifndef PUQKVM_POOL_INTERNAL_H
#define PUQKVM_POOL_INTERNAL_H

#include "puqkvm/pool.h"

#define POOL_TABLE  "puq_proxmox_kvm_ip_pools"
#define ALLOC_TABLE "puq_proxmox_kvm_ip_allocations"
#define RUNS_TABLE  "puq_proxmox_kvm_ip_runs"

/* The columns every pool query selects, in this order (see puq_pool_decode). */
#define POOL_COLUMNS                                                                     \
	"p.id, p.server_id, p.type, p.bridge, p.vlan, p.gateway, p.mask, p.dns1, p.dns2, " \
	"p.start_ip, p.stop_ip, p.used"
#define POOL_NCOLUMNS 12

/* The pools' type column: "ipv4" / "ipv6". */
#define POOL_TYPE(family) ((family) == PUQ_IP_V6 ? "ipv6" : "ipv4")

/* The columns every allocation query selects, in this order (see puq_address_decode). */
#define ALLOC_COLUMNS                                                                    \
	"a.id, a.service_id, a.server_id, a.pool_id, a.family, a.address, a.bridge, "       \
	"a.vlan, a.mask, a.gateway, a.dns1, a.dns2, a.is_main, a.live, "                    \
	"DATE_FORMAT(a.allocated_at, '%Y-%m-%d %H:%i:%s'), "                                \
	"COALESCE(DATE_FORMAT(a.released_at, '%Y-%m-%d %H:%i:%s'), ''), "                   \
	"COALESCE(a.release_reason, '')"
#define ALLOC_NCOLUMNS 17

/* Decodes row `row` of a POOL_COLUMNS result starting at column `col`. */
int puq_pool_decode(const struct puq_db_rows *r, size_t row, size_t col,
	struct puq_pool_info *out, struct puq_error *err);
/* Decodes row `row` of an ALLOC_COLUMNS result starting at column `col`. */
int puq_address_decode(const struct puq_db_rows *r, size_t row, size_t col,
	struct puq_address *out, struct puq_error *err);
/* Appends one item to a list (growing it); -PUQ_ENOMEM on failure. */
int puq_address_list_push(struct puq_address_list *list, const struct puq_address *a,
	struct puq_error *err);

/* Text of an optional address for a column: "" when not set. */
void puq_pool_ip_text(const struct puq_ip *ip, enum puq_ip_style style,
	char out[PUQ_IP_TEXT_MAX]);
/* Parses an optional address column ("" = not set). */
int puq_pool_ip_column(const char *text, struct puq_ip *out, struct puq_error *err);

/* ---- runs: the live addresses as maximal runs of consecutive values (runs.c) -------
 * All of these lock the rows they read (FOR UPDATE) and must run inside a transaction
 * that also writes the matching allocation rows. */

/* The lowest address of [first, last] no live allocation holds: 1 with *out set, or
 * 0 when every address of the range is held. */
int puq_pool_runs_lowest_free(struct puq_db *db, const struct puq_ip *first,
	const struct puq_ip *last, struct puq_ip *out, struct puq_error *err);
/* Records ip as held / free again. */
int puq_pool_runs_add(struct puq_db *db, const struct puq_ip *ip, struct puq_error *err);
int puq_pool_runs_remove(struct puq_db *db, const struct puq_ip *ip, struct puq_error *err);
/* Recomputes every run from the live allocation rows (repair, import, seeding). */
int puq_pool_runs_rebuild(struct puq_db *db, struct puq_error *err);

/* ---- release (release.c) ----------------------------------------------------------------- */

/* Releases one live allocation row that the caller has locked: history kept, the
 * pool's count and the runs updated. tblhosting is the caller's to rewrite. */
int puq_pool_release_row(struct puq_db *db, const struct puq_address *a,
	enum puq_release_reason reason, struct puq_error *err);

/* ---- tblhosting (tblhosting.c) --------------------------------------------------------- */

/* Writes dedicatedip and assignedips of the service from its live allocations. */
int puq_pool_write_tblhosting(struct puq_db *db, long long service_id,
	struct puq_error *err);

#endif
