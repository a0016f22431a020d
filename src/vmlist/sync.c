/*
 * The list's copies of WHMCS fields (and of the main address as a sort key), kept in
 * step with their sources.
 *
 * One multi-table UPDATE recomputes the copies of every VM row in scope from the live
 * values (internal.h defines them once) and writes only rows whose copy differs, so a
 * sync is idempotent and costs one indexed lookup per row when nothing changed. The
 * scope follows what changed in WHMCS: a service (its status, client, product or
 * server), every service of a client, product, server or order, or all rows (the
 * daily reconcile, the schema backfill and the repair).
 */
#include <stdio.h>

#include "internal.h"

#define VMLIST_SET                                                                       \
	" SET v.list_status = " VMLIST_LIVE_STATUS ", v.list_client = " VMLIST_LIVE_CLIENT ","  \
	" v.list_product = " VMLIST_LIVE_PRODUCT ", v.list_server = " VMLIST_LIVE_SERVER ","    \
	" v.list_ip = " VMLIST_LIVE_IP

int puq_vmlist_sync(struct puq_db *db, enum puq_vmlist_scope scope, long long id,
	size_t *changed, struct puq_error *err)
{
	static const char *const where[] = {
		[PUQ_VMLIST_SERVICE] = " WHERE v.service_id = ? AND ",
		[PUQ_VMLIST_CLIENT] = " WHERE h.userid = ? AND ",
		[PUQ_VMLIST_PRODUCT] = " WHERE h.packageid = ? AND ",
		[PUQ_VMLIST_SERVER] = " WHERE h.server = ? AND ",
		[PUQ_VMLIST_ORDER] = " WHERE h.orderid = ? AND ",
		[PUQ_VMLIST_ALL] = " WHERE ? = 0 AND ",
	};
	if ((unsigned)scope > PUQ_VMLIST_ALL)
		return puq_error_set(err, PUQ_EINVAL, "unknown list sync scope %d", (int)scope);
	if (scope == PUQ_VMLIST_ALL)
		id = 0;
	/* the statement texts are fixed per scope, so each is prepared once and cached */
	char sql[4096];
	int len = snprintf(sql, sizeof(sql), "UPDATE " PUQ_VM_TABLE " v" VMLIST_JOINS VMLIST_SET "%s"
		VMLIST_STALE, where[scope]);
	if (len < 0 || (size_t)len >= sizeof(sql))
		return puq_error_set(err, PUQ_EINTERNAL, "list sync statement too long");
	unsigned long long n = 0;
	int rc = puq_db_exec(db, err, sql, PUQ_ARGS(PUQ_INT(id)), &n);
	if (rc == 0 && changed)
		*changed = (size_t)n;
	return rc;
}

int puq_vmlist_schema_backfill(struct puq_db *db, struct puq_error *err)
{
	/* a database without VM rows (a fresh install, or tests without WHMCS's tables)
	 * has nothing to copy */
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err, "SELECT 1 FROM " PUQ_VM_TABLE " LIMIT 1", PUQ_NOARGS, &r);
	if (rc < 0)
		return rc;
	bool any = r->nrows > 0;
	puq_db_rows_free(r);
	return any ? puq_vmlist_sync(db, PUQ_VMLIST_ALL, 0, NULL, err) : 0;
}
