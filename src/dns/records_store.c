/*
 * The desired records in the database (puq_proxmox_kvm_dns_records).
 *
 * One row per (service, type, name): the content the service wants there and a state,
 * "present" or "absent". A record the service stops wanting (a released address, a
 * terminated service) becomes an absent tombstone instead of vanishing, so a removal
 * that a provider did not confirm is retried by the next sync of the service; the row
 * goes away only once every matching zone confirmed. last_error and synced_at tell the
 * admin where each record stands. A resync also takes up the other services' rows still
 * pending - tombstones and failed writes (puq_dns_rows_pending) - since a terminated
 * service has no later operation of its own.
 *
 * Statements that take lists (IN (...)) are sent in chunks of CHUNK values, so their
 * text - the key of the statement cache - takes few shapes.
 */
#include <stdio.h>

#include "puqkvm/dns_driver.h"

#define CHUNK 256

void puq_dns_rowset_free(struct puq_dns_rowset *rs)
{
	for (size_t i = 0; rs->rows && i < rs->count; i++) {
		PUQ_FREE(rs->rows[i].name);
		PUQ_FREE(rs->rows[i].content);
		PUQ_FREE(rs->rows[i].ip);
	}
	PUQ_FREE(rs->rows);
	rs->rows = NULL;
	rs->count = 0;
}

/* ---- storing the desired set ----------------------------------------------------------
 */

struct store_ctx {
	long long service_id;
	const struct puq_dns_records *recs;
};

static int store_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct store_ctx *s = arg;
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
	                      "SELECT `id`, `type`, `name`, `content`, `state` FROM "
	                      "`puq_proxmox_kvm_dns_records` "
	                      "WHERE `service_id` = ? FOR UPDATE",
	                      PUQ_ARGS(PUQ_INT(s->service_id)), &rows);
	if (rc < 0)
		return rc;
	size_t nrec = s->recs ? s->recs->count : 0;
	bool *matched = PUQ_CALLOC(nrec ? nrec : 1, sizeof(bool));
	if (!matched) {
		puq_db_rows_free(rows);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	for (size_t r = 0; r < rows->nrows && rc == 0; r++) {
		long long id = puq_db_cell_int(rows, r, 0, 0);
		int type = puq_dns_rtype_parse(puq_db_cell(rows, r, 1));
		const char *name = puq_db_cell(rows, r, 2), *content = puq_db_cell(rows, r, 3);
		bool present = strcmp(puq_db_cell(rows, r, 4) ? puq_db_cell(rows, r, 4) : "",
		                      "present") == 0;
		const struct puq_dns_record *want = NULL;
		for (size_t k = 0; k < nrec && !want; k++)
			if ((int)s->recs->items[k].type == type &&
			    strcmp(s->recs->items[k].name, name ? name : "") == 0) {
				want = &s->recs->items[k];
				matched[k] = true;
			}
		if (want && (!present || strcmp(want->content, content ? content : "") != 0))
			rc = puq_db_exec(
			    db, err,
			    "UPDATE `puq_proxmox_kvm_dns_records` SET `content` = ?, `ip` = ?, "
			    "`state` = 'present', `synced_at` = NULL, `last_error` = NULL WHERE `id` "
			    "= ?",
			    PUQ_ARGS(PUQ_TEXT(want->content), PUQ_TEXT(want->ip), PUQ_INT(id)), NULL);
		else if (!want && present)
			rc = puq_db_exec(
			    db, err,
			    "UPDATE `puq_proxmox_kvm_dns_records` SET `state` = 'absent', "
			    "`synced_at` = NULL WHERE `id` = ?",
			    PUQ_ARGS(PUQ_INT(id)), NULL);
	}
	puq_db_rows_free(rows);

	/* the new ones in one multi-row INSERT */
	size_t nnew = 0;
	for (size_t k = 0; k < nrec; k++)
		nnew += !matched[k];
	if (rc == 0 && nnew > 0) {
		struct puq_buf sql = PUQ_BUF_INIT;
		struct puq_db_value *args = PUQ_CALLOC(nnew * 5, sizeof(*args));
		puq_buf_puts(&sql,
		             "INSERT INTO `puq_proxmox_kvm_dns_records` "
		             "(`service_id`, `type`, `name`, `content`, `ip`, `state`) VALUES ");
		size_t a = 0;
		for (size_t k = 0; k < nrec && args; k++) {
			if (matched[k])
				continue;
			const struct puq_dns_record *rec = &s->recs->items[k];
			puq_buf_puts(&sql, a ? ", (?, ?, ?, ?, ?, 'present')"
			                     : "(?, ?, ?, ?, ?, 'present')");
			args[a++] = PUQ_INT(s->service_id);
			args[a++] = PUQ_TEXT(puq_dns_rtype_name(rec->type));
			args[a++] = PUQ_TEXT(rec->name);
			args[a++] = PUQ_TEXT(rec->content);
			args[a++] = PUQ_TEXT(rec->ip);
		}
		if (!args || puq_buf_failed(&sql))
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
		else
			rc = puq_db_exec(db, err, puq_buf_cstr(&sql), args, a, NULL);
		PUQ_FREE(args);
		puq_buf_free(&sql);
	}
	PUQ_FREE(matched);
	return rc;
}

int puq_dns_rows_store(struct puq_db *db, long long service_id,
                       const struct puq_dns_records *recs, struct puq_error *err)
{
	struct store_ctx s = {service_id, recs};
	return puq_db_transaction(db, store_txn, &s, err);
}

/* ---- loading ---------------------------------------------------------------------- */

static int add_rows(struct puq_dns_rowset *out, size_t *cap,
                    const struct puq_db_rows *rows, bool in_scope)
{
	for (size_t r = 0; r < rows->nrows; r++) {
		long long id = puq_db_cell_int(rows, r, 0, 0);
		bool seen = false; /* rows at a service's own names come back twice */
		for (size_t i = 0; i < out->count && !seen && !in_scope; i++)
			seen = out->rows[i].id == id;
		int type = puq_dns_rtype_parse(puq_db_cell(rows, r, 2));
		if (seen || type < 0)
			continue;
		if (out->count == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;
			struct puq_dns_row *items = PUQ_REALLOC(out->rows, ncap * sizeof(*items));
			if (!items)
				return -PUQ_ENOMEM;
			out->rows = items;
			*cap = ncap;
		}
		struct puq_dns_row *row = &out->rows[out->count];
		memset(row, 0, sizeof(*row));
		row->id = id;
		row->service_id = puq_db_cell_int(rows, r, 1, 0);
		row->type = (enum puq_dns_rtype)type;
		row->name = puq_strdup(puq_db_cell(rows, r, 3) ? puq_db_cell(rows, r, 3) : "");
		row->content = puq_strdup(puq_db_cell(rows, r, 4) ? puq_db_cell(rows, r, 4) : "");
		row->ip = puq_strdup(puq_db_cell(rows, r, 5) ? puq_db_cell(rows, r, 5) : "");
		const char *state = puq_db_cell(rows, r, 6);
		row->present = state && strcmp(state, "present") == 0;
		row->in_scope = in_scope;
		out->count++;
		if (!row->name || !row->content || !row->ip)
			return -PUQ_ENOMEM;
	}
	return 0;
}

/* "(?, ?, ...)" with n placeholders. */
static void placeholders(struct puq_buf *b, size_t n)
{
	puq_buf_putc(b, '(');
	for (size_t i = 0; i < n; i++)
		puq_buf_puts(b, i ? ", ?" : "?");
	puq_buf_putc(b, ')');
}

#define ROW_COLUMNS                                                                      \
	"SELECT `id`, `service_id`, `type`, `name`, `content`, `ip`, `state` FROM "          \
	"`puq_proxmox_kvm_dns_records` WHERE "

int puq_dns_rows_load(struct puq_db *db, const long long *service_ids, size_t n,
                      struct puq_dns_rowset *out, struct puq_error *err)
{
	out->rows = NULL;
	out->count = 0;
	size_t cap = 0;
	struct puq_db_value *args = PUQ_CALLOC(CHUNK, sizeof(*args));
	if (!args)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	int rc = 0;
	for (size_t at = 0; at < n && rc == 0; at += CHUNK) {
		size_t m = n - at < CHUNK ? n - at : CHUNK;
		struct puq_buf sql = PUQ_BUF_INIT;
		puq_buf_puts(&sql, ROW_COLUMNS "`service_id` IN ");
		placeholders(&sql, m);
		for (size_t i = 0; i < m; i++)
			args[i] = PUQ_INT(service_ids[at + i]);
		struct puq_db_rows *rows = NULL;
		rc = puq_buf_failed(&sql)
		         ? puq_error_set(err, PUQ_ENOMEM, NULL)
		         : puq_db_query(db, err, puq_buf_cstr(&sql), args, m, &rows);
		puq_buf_free(&sql);
		if (rc == 0 && add_rows(out, &cap, rows, true) < 0)
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
		puq_db_rows_free(rows);
	}
	/* other services' rows at the same names: they shape the RRsets */
	size_t own = out->count;
	for (size_t at = 0; at < own && rc == 0; at += CHUNK) {
		size_t m = own - at < CHUNK ? own - at : CHUNK;
		struct puq_buf sql = PUQ_BUF_INIT;
		puq_buf_puts(&sql, ROW_COLUMNS "`name` IN ");
		placeholders(&sql, m);
		for (size_t i = 0; i < m; i++)
			args[i] = PUQ_TEXT(out->rows[at + i].name);
		struct puq_db_rows *rows = NULL;
		rc = puq_buf_failed(&sql)
		         ? puq_error_set(err, PUQ_ENOMEM, NULL)
		         : puq_db_query(db, err, puq_buf_cstr(&sql), args, m, &rows);
		puq_buf_free(&sql);
		/* every row of the operation's services is loaded already, so what is new
		 * here belongs to other services */
		if (rc == 0 && add_rows(out, &cap, rows, false) < 0)
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
		puq_db_rows_free(rows);
	}
	PUQ_FREE(args);
	if (rc < 0)
		puq_dns_rowset_free(out);
	return rc;
}

/* ---- outcome ------------------------------------------------------------------------
 */

/* Runs sql + " (?, ...)" over ids in chunks. */
static int exec_ids(struct puq_db *db, const char *sql, const long long *ids, size_t n,
                    struct puq_error *err)
{
	struct puq_db_value *args = PUQ_CALLOC(CHUNK, sizeof(*args));
	if (!args)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	int rc = 0;
	for (size_t at = 0; at < n && rc == 0; at += CHUNK) {
		size_t m = n - at < CHUNK ? n - at : CHUNK;
		struct puq_buf b = PUQ_BUF_INIT;
		puq_buf_puts(&b, sql);
		placeholders(&b, m);
		for (size_t i = 0; i < m; i++)
			args[i] = PUQ_INT(ids[at + i]);
		rc = puq_buf_failed(&b) ? puq_error_set(err, PUQ_ENOMEM, NULL)
		                        : puq_db_exec(db, err, puq_buf_cstr(&b), args, m, NULL);
		puq_buf_free(&b);
	}
	PUQ_FREE(args);
	return rc;
}

int puq_dns_rows_settle(struct puq_db *db, const struct puq_dns_rowset *rs,
                        const struct puq_dns_plan *plan, struct puq_error *err)
{
	long long *synced = PUQ_CALLOC(rs->count ? rs->count : 1, sizeof(long long));
	long long *gone = PUQ_CALLOC(rs->count ? rs->count : 1, sizeof(long long));
	size_t nsynced = 0, ngone = 0;
	int rc = 0;
	if (!synced || !gone)
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	for (size_t i = 0; i < rs->count && rc == 0; i++) {
		const struct puq_dns_row *row = &rs->rows[i];
		if (!row->in_scope)
			continue;
		const struct puq_dns_rrset *rr = &plan->rrsets[plan->row_rrset[i]];
		if (rr->nerr == 0) {
			if (row->present)
				synced[nsynced++] = row->id;
			else
				gone[ngone++] = row->id;
		} else {
			/* state guards: a concurrent operation may have changed the row since */
			rc = puq_db_exec(
			    db, err,
			    "UPDATE `puq_proxmox_kvm_dns_records` SET `last_error` = ? WHERE `id` = "
			    "? "
			    "AND `content` = ?",
			    PUQ_ARGS(PUQ_TEXT(rr->error), PUQ_INT(row->id), PUQ_TEXT(row->content)),
			    NULL);
		}
	}
	if (rc == 0 && nsynced)
		rc = exec_ids(db,
		              "UPDATE `puq_proxmox_kvm_dns_records` SET `synced_at` = NOW(), "
		              "`last_error` = NULL "
		              "WHERE `state` = 'present' AND `id` IN ",
		              synced, nsynced, err);
	if (rc == 0 && ngone)
		rc = exec_ids(db,
		              "DELETE FROM `puq_proxmox_kvm_dns_records` WHERE `state` = "
		              "'absent' AND `id` IN ",
		              gone, ngone, err);
	PUQ_FREE(synced);
	PUQ_FREE(gone);
	return rc;
}

int puq_dns_rows_pending(struct puq_db *db, size_t limit, long long **ids, size_t *n,
                         struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	*ids = NULL;
	*n = 0;
	int rc = puq_db_query(db, err,
	                      "SELECT DISTINCT `service_id` FROM `puq_proxmox_kvm_dns_records` "
	                      "WHERE `state` = 'absent' OR `last_error` IS NOT NULL "
	                      "ORDER BY `service_id` LIMIT ?",
	                      PUQ_ARGS(PUQ_INT((long long)limit)), &rows);
	if (rc < 0)
		return rc;
	*ids = PUQ_CALLOC(rows->nrows ? rows->nrows : 1, sizeof(**ids));
	if (!*ids) {
		puq_db_rows_free(rows);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	for (size_t i = 0; i < rows->nrows; i++)
		(*ids)[(*n)++] = puq_db_cell_int(rows, i, 0, 0);
	puq_db_rows_free(rows);
	return 0;
}
