/*
 * The hourly traffic rows: adding a collection with its watermark, purging old hours,
 * and the sums the metric provider reports.
 *
 * Hours are written as UTC text formatted here ("YYYY-MM-DD HH:00:00"), never through
 * the database's time zone, so the rows mean the same whatever the session's zone.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "puqkvm/stats.h"
#include "puqkvm/vm_store.h"

static void utc_text(long long t, char out[20])
{
	time_t tt = (time_t)t;
	struct tm tm;
	out[0] = '\0';
	if (gmtime_r(&tt, &tm) && tm.tm_year >= 70 && tm.tm_year < 8100)
		strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm);
}

struct store_ctx {
	long long service_id, vmid, from;
	const struct puq_stats_result *r;
};

static int store_txn(struct puq_db *db, void *vctx, struct puq_error *err)
{
	struct store_ctx *c = vctx;
	unsigned long long changed = 0;
	/* the watermark first: a collector that lost the race writes nothing */
	int rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET stats_watermark = ? WHERE service_id = ?"
		" AND stats_watermark = ?",
		PUQ_ARGS(PUQ_INT(c->r->watermark), PUQ_INT(c->service_id), PUQ_INT(c->from)), &changed);
	if (rc < 0)
		return rc;
	if (changed != 1)
		return puq_error_set(err, PUQ_ELEASE, "the watermark moved: another collector counted");
	for (size_t i = 0; i < c->r->n; i++) {
		char hour[20];
		utc_text(c->r->hours[i].hour, hour);
		rc = puq_db_exec(db, err,
			"INSERT INTO " PUQ_STATS_TABLE " (service_id, vm_id, hour, netin, netout)"
			" VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE netin = netin + VALUES(netin),"
			" netout = netout + VALUES(netout), vm_id = VALUES(vm_id)",
			PUQ_ARGS(PUQ_INT(c->service_id), PUQ_INT(c->vmid), PUQ_TEXT(hour),
				PUQ_UINT((unsigned long long)llround(c->r->hours[i].in)),
				PUQ_UINT((unsigned long long)llround(c->r->hours[i].out))),
			NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int puq_stats_store(struct puq_db *db, long long service_id, long long vmid, long long from,
	const struct puq_stats_result *r, struct puq_error *err)
{
	struct store_ctx c = {.service_id = service_id, .vmid = vmid, .from = from, .r = r};
	return puq_db_transaction(db, store_txn, &c, err);
}

int puq_stats_purge(struct puq_db *db, long long now, unsigned long long *deleted,
	struct puq_error *err)
{
	char cutoff[20];
	unsigned long long n = 0;
	utc_text(now - PUQ_STATS_KEEP_DAYS * 86400LL, cutoff);
	int rc = puq_db_exec(db, err, "DELETE FROM " PUQ_STATS_TABLE " WHERE hour < ?",
		PUQ_ARGS(PUQ_TEXT(cutoff)), &n);
	if (deleted)
		*deleted = n;
	return rc;
}

int puq_stats_usage(struct puq_db *db, long long server_id, long long service_id,
	long long since, json_t **out, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	char from[20];
	*out = NULL;
	utc_text(since > 0 ? since : 0, from);
	int rc = puq_db_query(db, err,
		"SELECT s.service_id, h.domain, h.username, CAST(SUM(s.netin) AS CHAR),"
		" CAST(SUM(s.netout) AS CHAR) FROM " PUQ_STATS_TABLE " s"
		" JOIN tblhosting h ON h.id = s.service_id"
		" WHERE s.hour >= ? AND (? = 0 OR h.server = ?) AND (? = 0 OR s.service_id = ?)"
		" GROUP BY s.service_id, h.domain, h.username ORDER BY s.service_id",
		PUQ_ARGS(PUQ_TEXT(from), PUQ_INT(server_id), PUQ_INT(server_id), PUQ_INT(service_id),
			PUQ_INT(service_id)),
		&r);
	if (rc < 0)
		return rc;
	json_t *a = json_array();
	for (size_t i = 0; a && i < r->nrows; i++) {
		const char *dom = puq_db_cell(r, i, 1), *user = puq_db_cell(r, i, 2);
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:I,s:I}", "service_id",
			(json_int_t)puq_db_cell_int(r, i, 0, 0), "domain", dom ? dom : "", "username",
			user ? user : "", "in", (json_int_t)puq_db_cell_int(r, i, 3, 0), "out",
			(json_int_t)puq_db_cell_int(r, i, 4, 0)));
	}
	puq_db_rows_free(r);
	if (!a)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = a;
	return 0;
}
