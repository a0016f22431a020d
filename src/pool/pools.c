/*
 * Pool records: create, edit, delete, read and list.
 *
 * Input is validated in two steps: puq_pool_validate() for everything that needs no
 * database, then - inside the writing transaction, so a concurrent edit cannot slip
 * between check and write - the server (exists and uses this module) and overlap with
 * the other pools of the same server, bridge, VLAN and family. The overlap query reads
 * those pools with FOR UPDATE, which also locks the index gap a concurrent insert of
 * an overlapping pool would need. Problems of both steps come back together as field
 * errors; nothing is written unless there are none.
 *
 * A pool row carries its binary range (start_bin, stop_bin) next to the text, and the
 * number of live allocations drawn from it (used), maintained by allocation and release.
 */
#include <stdio.h>
#include <strings.h>

#include "internal.h"

struct pool_write {
	long long id; /* 0 = create */
	const struct puq_pool_input *in;
	struct puq_pool pool;
	long long new_id;
};

/* Adds field errors for the server and for overlaps; 0 or a database error. */
static int check_in_db(struct puq_db *db, struct pool_write *w, bool validated,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	const struct puq_pool *p = &w->pool;

	if (w->in->server_id > 0) {
		int rc = puq_db_query(db, err, "SELECT name, type FROM tblservers WHERE id = ?",
			PUQ_ARGS(PUQ_INT(w->in->server_id)), &rows);
		if (rc < 0)
			return rc;
		if (rows->nrows == 0) {
			puq_error_field(err, "server", "server %lld does not exist in WHMCS",
				w->in->server_id);
		} else {
			const char *type = puq_db_cell(rows, 0, 1);
			if (!type || strcasecmp(type, PUQ_POOL_SERVER_MODULE) != 0)
				puq_error_field(err, "server",
					"server %s does not use the PUQ Proxmox KVM module",
					puq_db_cell(rows, 0, 0) ? puq_db_cell(rows, 0, 0) : "");
		}
		puq_db_rows_free(rows);
		rows = NULL;
	}
	if (!validated)
		return 0;

	unsigned char a[16], b[16];
	puq_ip_to_bytes(&p->start, a);
	puq_ip_to_bytes(&p->stop, b);
	int rc = puq_db_query(db, err,
		"SELECT id, start_ip, stop_ip FROM " POOL_TABLE
		" WHERE server_id = ? AND type = ? AND bridge = ? AND vlan = ?"
		" AND start_bin <= ? AND stop_bin >= ? AND id <> ? ORDER BY id LIMIT 1 FOR UPDATE",
		PUQ_ARGS(PUQ_INT(p->server_id), PUQ_TEXT(POOL_TYPE(p->family)), PUQ_TEXT(p->bridge),
			PUQ_INT(p->vlan), PUQ_BLOB(b, 16), PUQ_BLOB(a, 16), PUQ_INT(w->id)),
		&rows);
	if (rc < 0)
		return rc;
	if (rows->nrows)
		puq_error_field(err, "start",
			"the range overlaps pool %lld (%s - %s) on the same server, bridge and VLAN",
			puq_db_cell_int(rows, 0, 0, 0), puq_db_cell(rows, 0, 1), puq_db_cell(rows, 0, 2));
	puq_db_rows_free(rows);
	return 0;
}

static int write_txn(struct puq_db *db, void *ctx, struct puq_error *err)
{
	struct pool_write *w = ctx;
	struct puq_db_rows *rows = NULL;
	long long used = 0;
	int rc;

	/* Each attempt starts from a clean error: a retried transaction re-checks. */
	puq_error_clear(err);
	if (w->id) {
		rc = puq_db_query(db, err,
			"SELECT type, used FROM " POOL_TABLE " WHERE id = ? FOR UPDATE",
			PUQ_ARGS(PUQ_INT(w->id)), &rows);
		if (rc < 0)
			return rc;
		if (rows->nrows == 0) {
			puq_db_rows_free(rows);
			return puq_error_set(err, PUQ_ENOTFOUND, "pool %lld does not exist", w->id);
		}
		enum puq_ip_family family =
			puq_db_cell(rows, 0, 0) && strcasecmp(puq_db_cell(rows, 0, 0), "ipv6") == 0
				? PUQ_IP_V6
				: PUQ_IP_V4;
		used = puq_db_cell_int(rows, 0, 1, 0);
		puq_db_rows_free(rows);
		rc = puq_pool_validate(w->in, &w->pool, err);
		if (rc == 0 && used > 0 && family != w->pool.family)
			puq_error_field(err, "type", "the pool holds %lld addresses; it cannot change "
			                "type until they are released", used);
	} else {
		rc = puq_pool_validate(w->in, &w->pool, err);
	}
	bool validated = rc == 0 && err->nfields == 0;
	rc = check_in_db(db, w, validated, err);
	if (rc < 0)
		return rc;
	if (err->nfields)
		return -PUQ_EVALIDATION;

	const struct puq_pool *p = &w->pool;
	char gw[PUQ_IP_TEXT_MAX], d1[PUQ_IP_TEXT_MAX], d2[PUQ_IP_TEXT_MAX];
	char s[PUQ_IP_TEXT_MAX], e[PUQ_IP_TEXT_MAX];
	unsigned char sb[16], eb[16];
	puq_ip_format(&p->gateway, PUQ_IP_CANONICAL, gw);
	puq_pool_ip_text(&p->dns1, PUQ_IP_CANONICAL, d1);
	puq_pool_ip_text(&p->dns2, PUQ_IP_CANONICAL, d2);
	puq_ip_format(&p->start, PUQ_IP_CANONICAL, s);
	puq_ip_format(&p->stop, PUQ_IP_CANONICAL, e);
	puq_ip_to_bytes(&p->start, sb);
	puq_ip_to_bytes(&p->stop, eb);
	const char *type = POOL_TYPE(p->family);

	if (w->id) {
		return puq_db_exec(db, err,
			"UPDATE " POOL_TABLE " SET server_id = ?, type = ?, bridge = ?,"
			" vlan = ?, gateway = ?, mask = ?, dns1 = ?, dns2 = ?, start_ip = ?, stop_ip = ?,"
			" start_bin = ?, stop_bin = ? WHERE id = ?",
			PUQ_ARGS(PUQ_INT(p->server_id), PUQ_TEXT(type), PUQ_TEXT(p->bridge), PUQ_INT(p->vlan), PUQ_TEXT(gw), PUQ_INT(p->mask),
				PUQ_TEXT(d1), PUQ_TEXT(d2), PUQ_TEXT(s), PUQ_TEXT(e), PUQ_BLOB(sb, 16),
				PUQ_BLOB(eb, 16), PUQ_INT(w->id)),
			NULL);
	}
	rc = puq_db_exec(db, err,
		"INSERT INTO " POOL_TABLE " (server_id, type, bridge, vlan, gateway, mask,"
		" dns1, dns2, start_ip, stop_ip, start_bin, stop_bin, used)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
		PUQ_ARGS(PUQ_INT(p->server_id), PUQ_TEXT(type), PUQ_TEXT(p->bridge), PUQ_INT(p->vlan), PUQ_TEXT(gw), PUQ_INT(p->mask),
			PUQ_TEXT(d1), PUQ_TEXT(d2), PUQ_TEXT(s), PUQ_TEXT(e), PUQ_BLOB(sb, 16),
			PUQ_BLOB(eb, 16)),
		NULL);
	if (rc < 0)
		return rc;
	w->new_id = (long long)puq_db_insert_id(db);
	return 0;
}

int puq_pool_create(struct puq_db *db, const struct puq_pool_input *in, long long *id,
	struct puq_error *err)
{
	struct pool_write w = {.id = 0, .in = in};
	struct puq_error local;
	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}
	int rc = puq_db_transaction(db, write_txn, &w, err);
	if (rc == 0 && id)
		*id = w.new_id;
	return rc;
}

int puq_pool_update(struct puq_db *db, long long id, const struct puq_pool_input *in,
	struct puq_error *err)
{
	if (id <= 0)
		return puq_error_set(err, PUQ_ENOTFOUND, "pool %lld does not exist", id);
	struct pool_write w = {.id = id, .in = in};
	struct puq_error local;
	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}
	return puq_db_transaction(db, write_txn, &w, err);
}

static int delete_txn(struct puq_db *db, void *ctx, struct puq_error *err)
{
	long long id = *(long long *)ctx;
	struct puq_db_rows *rows = NULL;

	int rc = puq_db_query(db, err, "SELECT id FROM " POOL_TABLE " WHERE id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(id)), &rows);
	if (rc < 0)
		return rc;
	size_t found = rows->nrows;
	puq_db_rows_free(rows);
	if (!found)
		return puq_error_set(err, PUQ_ENOTFOUND, "pool %lld does not exist", id);

	rc = puq_db_query(db, err,
		"SELECT service_id, COUNT(*) FROM " ALLOC_TABLE " WHERE pool_id = ? AND live = 1"
		" GROUP BY service_id ORDER BY service_id",
		PUQ_ARGS(PUQ_INT(id)), &rows);
	if (rc < 0)
		return rc;
	if (rows->nrows) {
		long long addresses = 0;
		struct puq_buf services = PUQ_BUF_INIT;
		for (size_t i = 0; i < rows->nrows; i++) {
			addresses += puq_db_cell_int(rows, i, 1, 0);
			if (i < 10)
				puq_buf_printf(&services, "%s#%lld", i ? ", " : "",
					puq_db_cell_int(rows, i, 0, 0));
		}
		if (rows->nrows > 10)
			puq_buf_printf(&services, " and %zu more", rows->nrows - 10);
		rc = puq_error_set(err, PUQ_EINUSE,
			"pool %lld still holds %lld address%s of %zu service%s (%s); terminate or "
			"move those services, or release their addresses, before deleting it",
			id, addresses, addresses == 1 ? "" : "es", rows->nrows,
			rows->nrows == 1 ? "" : "s", puq_buf_cstr(&services));
		puq_buf_free(&services);
		puq_db_rows_free(rows);
		return rc;
	}
	puq_db_rows_free(rows);
	return puq_db_exec(db, err, "DELETE FROM " POOL_TABLE " WHERE id = ?",
		PUQ_ARGS(PUQ_INT(id)), NULL);
}

int puq_pool_delete(struct puq_db *db, long long id, struct puq_error *err)
{
	return puq_db_transaction(db, delete_txn, &id, err);
}

int puq_pool_get(struct puq_db *db, long long id, struct puq_pool_info *out,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
		"SELECT " POOL_COLUMNS ", COALESCE(s.name, '') FROM " POOL_TABLE " p"
		" LEFT JOIN tblservers s ON s.id = p.server_id WHERE p.id = ?",
		PUQ_ARGS(PUQ_INT(id)), &rows);
	if (rc < 0)
		return rc;
	if (rows->nrows == 0) {
		puq_db_rows_free(rows);
		return puq_error_set(err, PUQ_ENOTFOUND, "pool %lld does not exist", id);
	}
	rc = puq_pool_decode(rows, 0, 0, out, err);
	if (rc == 0)
		puq_strlcpy(out->server_name, puq_db_cell(rows, 0, POOL_NCOLUMNS),
			sizeof(out->server_name));
	puq_db_rows_free(rows);
	return rc;
}

int puq_pool_list(struct puq_db *db, long long server_id, struct puq_pool_list *out,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	out->n = 0;
	out->items = NULL;
	int rc = puq_db_query(db, err,
		"SELECT " POOL_COLUMNS ", COALESCE(s.name, '') FROM " POOL_TABLE " p"
		" LEFT JOIN tblservers s ON s.id = p.server_id WHERE (? = 0 OR p.server_id = ?)"
		" ORDER BY p.id",
		PUQ_ARGS(PUQ_INT(server_id), PUQ_INT(server_id)), &rows);
	if (rc < 0)
		return rc;
	if (rows->nrows) {
		out->items = PUQ_CALLOC(rows->nrows, sizeof(*out->items));
		if (!out->items) {
			puq_db_rows_free(rows);
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		}
	}
	for (size_t i = 0; i < rows->nrows && rc == 0; i++) {
		rc = puq_pool_decode(rows, i, 0, &out->items[i], err);
		if (rc == 0) {
			puq_strlcpy(out->items[i].server_name, puq_db_cell(rows, i, POOL_NCOLUMNS),
				sizeof(out->items[i].server_name));
			out->n++;
		}
	}
	puq_db_rows_free(rows);
	if (rc < 0)
		puq_pool_list_free(out);
	return rc;
}

int puq_pool_servers(struct puq_db *db, struct puq_pool_server **out, size_t *n,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	*out = NULL;
	*n = 0;
	int rc = puq_db_query(db, err,
		"SELECT id, name FROM tblservers WHERE type = ? ORDER BY name, id",
		PUQ_ARGS(PUQ_TEXT(PUQ_POOL_SERVER_MODULE)), &rows);
	if (rc < 0)
		return rc;
	if (rows->nrows) {
		*out = PUQ_CALLOC(rows->nrows, sizeof(**out));
		if (!*out) {
			puq_db_rows_free(rows);
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		}
	}
	for (size_t i = 0; i < rows->nrows; i++) {
		(*out)[i].id = puq_db_cell_int(rows, i, 0, 0);
		puq_strlcpy((*out)[i].name, puq_db_cell(rows, i, 1) ? puq_db_cell(rows, i, 1) : "",
			sizeof((*out)[i].name));
	}
	*n = rows->nrows;
	puq_db_rows_free(rows);
	return 0;
}
