/*
 * The pool room's data step (registered in src/store/schema.c): makes derived data
 * agree with what the tables hold, after a migration adopted an earlier module's pool
 * table or after rows were written by something other than this module.
 *
 * - Pool rows without a binary range get one from their start/stop text (rows whose
 *   text cannot be read keep NULL and are never matched by overlap checks; the page
 *   shows them and an edit repairs them).
 * - Each pool's count of live allocations is recounted.
 * - The runs index is rebuilt from the live allocations.
 *
 * Every part recomputes from scratch, so running the step twice is harmless.
 */
#include <strings.h>

#include "internal.h"

static int fill_ranges(struct puq_db *db, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
		"SELECT id, type, start_ip, stop_ip FROM " POOL_TABLE
		" WHERE start_bin IS NULL OR stop_bin IS NULL",
		PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < rows->nrows && rc == 0; i++) {
		const char *type = puq_db_cell(rows, i, 1);
		enum puq_ip_family f = type && strcasecmp(type, "ipv6") == 0 ? PUQ_IP_V6 : PUQ_IP_V4;
		struct puq_ip start, stop;
		struct puq_error why;
		puq_error_clear(&why);
		if (puq_ip_parse_cstr(puq_db_cell(rows, i, 2), f, &start, &why) != 0 ||
			puq_ip_parse_cstr(puq_db_cell(rows, i, 3), f, &stop, &why) != 0)
			continue;
		unsigned char a[16], b[16];
		puq_ip_to_bytes(&start, a);
		puq_ip_to_bytes(&stop, b);
		rc = puq_db_exec(db, err,
			"UPDATE " POOL_TABLE " SET start_bin = ?, stop_bin = ? WHERE id = ?",
			PUQ_ARGS(PUQ_BLOB(a, 16), PUQ_BLOB(b, 16),
				PUQ_INT(puq_db_cell_int(rows, i, 0, 0))),
			NULL);
	}
	puq_db_rows_free(rows);
	return rc;
}

static int backfill_txn(struct puq_db *db, void *ctx PUQ_UNUSED, struct puq_error *err)
{
	int rc = fill_ranges(db, err);
	if (rc == 0)
		rc = puq_db_exec(db, err,
			"UPDATE " POOL_TABLE " p SET used = (SELECT COUNT(*) FROM " ALLOC_TABLE " a"
			" WHERE a.pool_id = p.id AND a.live = 1)",
			PUQ_NOARGS, NULL);
	if (rc == 0)
		rc = puq_pool_runs_rebuild(db, err);
	return rc;
}

int puq_pool_schema_backfill(struct puq_db *db, struct puq_error *err)
{
	return puq_db_transaction(db, backfill_txn, NULL, err);
}

int puq_pool_repair(struct puq_db *db, struct puq_error *err)
{
	return puq_pool_schema_backfill(db, err);
}
