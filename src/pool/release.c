/*
 * Releasing addresses, and reading who holds what.
 *
 * An address is free again only when the allocation holding it is released - by the
 * engine when a terminate has completed (Proxmox confirmed the VM gone), on redeploy,
 * when a package lowers the counts, or by an admin. Releasing keeps the row as history
 * (live = NULL, released_at, release_reason), lowers the pool's count, removes the
 * address from the runs index and rewrites the service's tblhosting fields, all in one
 * transaction.
 *
 * Lock order, shared with allocation so that concurrent claims and releases queue
 * instead of deadlocking: the service's tblhosting row, then pool rows in id order,
 * then allocation and runs rows.
 *
 * Services WHMCS shows as Terminated or Cancelled (or that were deleted) while still
 * holding addresses were terminated outside the module. Their addresses are not freed
 * silently - the VM may still be running - but listed for an admin to release.
 */
#include <stdio.h>

#include "internal.h"

/* Most stale holdings one call returns; the page says when there are more. */
#define STALE_LIMIT 1000

int puq_pool_release_row(struct puq_db *db, const struct puq_address *a,
	enum puq_release_reason reason, struct puq_error *err)
{
	unsigned long long changed = 0;
	int rc = puq_db_exec(db, err,
		"UPDATE " ALLOC_TABLE " SET live = NULL, released_at = NOW(), release_reason = ?"
		" WHERE id = ? AND live = 1",
		PUQ_ARGS(PUQ_TEXT(puq_release_reason_name(reason)), PUQ_INT(a->id)), &changed);
	if (rc < 0 || changed == 0)
		return rc < 0 ? rc : 0;
	if (a->pool_id) {
		rc = puq_db_exec(db, err,
			"UPDATE " POOL_TABLE " SET used = used - 1 WHERE id = ? AND used > 0",
			PUQ_ARGS(PUQ_INT(a->pool_id)), NULL);
		if (rc < 0)
			return rc;
	}
	return puq_pool_runs_remove(db, &a->ip, err);
}

/* Locks the service row when it still exists. */
static int lock_service(struct puq_db *db, long long service_id, bool *exists,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err, "SELECT id FROM tblhosting WHERE id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(service_id)), &rows);
	if (rc < 0)
		return rc;
	*exists = rows->nrows == 1;
	puq_db_rows_free(rows);
	return 0;
}

/* Locks the pool rows of the listed allocations in id order (the shared lock order). */
static int lock_pools(struct puq_db *db, const struct puq_address_list *list,
	struct puq_error *err)
{
	long long last = 0;
	for (;;) {
		long long next = 0;
		for (size_t i = 0; i < list->n; i++) {
			long long id = list->items[i].pool_id;
			if (id > last && (next == 0 || id < next))
				next = id;
		}
		if (next == 0)
			return 0;
		struct puq_db_rows *rows = NULL;
		int rc = puq_db_query(db, err, "SELECT id FROM " POOL_TABLE " WHERE id = ? FOR UPDATE",
			PUQ_ARGS(PUQ_INT(next)), &rows);
		if (rc < 0)
			return rc;
		puq_db_rows_free(rows);
		last = next;
	}
}

static int query_addresses(struct puq_db *db, const char *sql, const struct puq_db_value *args,
	size_t nargs, struct puq_address_list *out, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err, sql, args, nargs, &rows);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < rows->nrows && rc == 0; i++) {
		struct puq_address a;
		rc = puq_address_decode(rows, i, 0, &a, err);
		if (rc == 0 && rows->ncols > ALLOC_NCOLUMNS)
			puq_strlcpy(a.service_status,
				puq_db_cell(rows, i, ALLOC_NCOLUMNS) ? puq_db_cell(rows, i, ALLOC_NCOLUMNS) : "",
				sizeof(a.service_status));
		if (rc == 0)
			rc = puq_address_list_push(out, &a, err);
	}
	puq_db_rows_free(rows);
	return rc;
}

struct release_service {
	long long service_id;
	enum puq_release_reason reason;
	size_t released;
};

static int release_service_txn(struct puq_db *db, void *ctx, struct puq_error *err)
{
	struct release_service *r = ctx;
	struct puq_address_list held = {0, NULL};
	bool exists;

	r->released = 0;
	int rc = lock_service(db, r->service_id, &exists, err);
	if (rc == 0)
		rc = query_addresses(db,
			"SELECT " ALLOC_COLUMNS " FROM " ALLOC_TABLE " a WHERE a.service_id = ?"
			" AND a.live = 1 ORDER BY a.id",
			PUQ_ARGS(PUQ_INT(r->service_id)), &held, err);
	if (rc == 0)
		rc = lock_pools(db, &held, err);
	for (size_t i = 0; i < held.n && rc == 0; i++) {
		rc = puq_pool_release_row(db, &held.items[i], r->reason, err);
		r->released += rc == 0;
	}
	if (rc == 0 && exists && held.n)
		rc = puq_pool_write_tblhosting(db, r->service_id, err);
	puq_address_list_free(&held);
	return rc;
}

int puq_pool_release_service(struct puq_db *db, long long service_id,
	enum puq_release_reason reason, size_t *released, struct puq_error *err)
{
	struct release_service r = {service_id, reason, 0};
	int rc = puq_db_transaction(db, release_service_txn, &r, err);
	if (released)
		*released = rc == 0 ? r.released : 0;
	return rc;
}

struct release_one {
	long long allocation_id;
	enum puq_release_reason reason;
};

static int release_one_txn(struct puq_db *db, void *ctx, struct puq_error *err)
{
	struct release_one *r = ctx;
	struct puq_db_rows *rows = NULL;
	struct puq_address_list one = {0, NULL};
	bool exists;

	int rc = puq_db_query(db, err, "SELECT service_id FROM " ALLOC_TABLE " WHERE id = ?",
		PUQ_ARGS(PUQ_INT(r->allocation_id)), &rows);
	if (rc < 0)
		return rc;
	long long service_id = rows->nrows ? puq_db_cell_int(rows, 0, 0, 0) : 0;
	puq_db_rows_free(rows);
	if (!service_id)
		return puq_error_set(err, PUQ_ENOTFOUND, "allocation %lld does not exist",
			r->allocation_id);

	rc = lock_service(db, service_id, &exists, err);
	if (rc == 0)
		rc = query_addresses(db,
			"SELECT " ALLOC_COLUMNS " FROM " ALLOC_TABLE " a WHERE a.id = ? AND a.live = 1"
			" FOR UPDATE",
			PUQ_ARGS(PUQ_INT(r->allocation_id)), &one, err);
	if (rc == 0 && one.n == 0)
		rc = puq_error_set(err, PUQ_ENOTFOUND,
			"allocation %lld is not held any more (already released)", r->allocation_id);
	if (rc == 0)
		rc = lock_pools(db, &one, err);
	if (rc == 0)
		rc = puq_pool_release_row(db, &one.items[0], r->reason, err);
	if (rc == 0 && exists)
		rc = puq_pool_write_tblhosting(db, service_id, err);
	puq_address_list_free(&one);
	return rc;
}

int puq_pool_release_allocation(struct puq_db *db, long long allocation_id,
	enum puq_release_reason reason, struct puq_error *err)
{
	struct release_one r = {allocation_id, reason};
	return puq_db_transaction(db, release_one_txn, &r, err);
}

int puq_pool_service_addresses(struct puq_db *db, long long service_id, bool history,
	struct puq_address_list *out, struct puq_error *err)
{
	out->n = 0;
	out->items = NULL;
	int rc = query_addresses(db,
		history ? "SELECT " ALLOC_COLUMNS " FROM " ALLOC_TABLE " a WHERE a.service_id = ?"
		          " ORDER BY a.allocated_at, a.id"
		        : "SELECT " ALLOC_COLUMNS " FROM " ALLOC_TABLE " a WHERE a.service_id = ?"
		          " AND a.live = 1 ORDER BY a.is_main DESC, a.family, a.address",
		PUQ_ARGS(PUQ_INT(service_id)), out, err);
	if (rc < 0)
		puq_address_list_free(out);
	return rc;
}

int puq_pool_stale_holdings(struct puq_db *db, struct puq_address_list *out,
	struct puq_error *err)
{
	out->n = 0;
	out->items = NULL;
	int rc = query_addresses(db,
		"SELECT " ALLOC_COLUMNS ", COALESCE(h.domainstatus, '') FROM " ALLOC_TABLE " a"
		" LEFT JOIN tblhosting h ON h.id = a.service_id"
		" WHERE a.live = 1 AND (h.id IS NULL OR h.domainstatus IN ('Terminated', 'Cancelled'))"
		" ORDER BY a.service_id, a.family, a.address LIMIT ?",
		PUQ_ARGS(PUQ_INT(STALE_LIMIT)), out, err);
	if (rc < 0)
		puq_address_list_free(out);
	return rc;
}
