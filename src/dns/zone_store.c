/*
 * DNS zones in the database (puq_proxmox_kvm_dns_zones): list, get, create, update,
 * delete.
 *
 * Every write validates first (zone.c) and writes nothing on error. One column per
 * field of the zone field table, in table order, so the SQL below and the table stay
 * in step (a static assertion checks the count). A zone may share its name with other
 * rows - a primary on PowerDNS and a secondary on HestiaCP - but the same zone twice on
 * the same provider endpoint is refused, since every record would be written twice.
 */
#include <stdio.h>

#include "puqkvm/dns.h"

#define COLUMNS                                                                          \
	"`zone`, `account_id`, `zone_id`, `api_token`, `server_url`, `admin_user`, "         \
	"`admin_password`, `user`, `api_key`"

_Static_assert(PUQ_DNS_ZF__COUNT == 9, "COLUMNS lists every zone field in table order");

void puq_dns_zones_free(struct puq_dns_zones *zs)
{
	for (size_t i = 0; zs->items && i < zs->count; i++)
		puq_dns_zone_free(&zs->items[i]);
	PUQ_FREE(zs->items);
	zs->items = NULL;
	zs->count = 0;
}

/* Row r of "SELECT id, type, COLUMNS" into z. */
static int zone_from_row(const struct puq_db_rows *rows, size_t r, struct puq_dns_zone *z)
{
	puq_dns_zone_init(z);
	z->id = puq_db_cell_int(rows, r, 0, 0);
	z->provider = puq_dns_provider_parse(puq_db_cell(rows, r, 1));
	for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++) {
		const char *v = puq_db_cell(rows, r, 2 + (size_t)f);
		if (v && *v && puq_dns_zone_set(z, (enum puq_dns_zone_field)f, v) < 0) {
			puq_dns_zone_free(z);
			return -PUQ_ENOMEM;
		}
	}
	return 0;
}

int puq_dns_zone_list(struct puq_db *db, struct puq_dns_zones *out, struct puq_error *err)
{
	out->items = NULL;
	out->count = 0;
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
	                      "SELECT `id`, `type`, " COLUMNS
	                      " FROM `puq_proxmox_kvm_dns_zones` ORDER BY `id`",
	                      PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	out->items = PUQ_CALLOC(rows->nrows ? rows->nrows : 1, sizeof(*out->items));
	if (!out->items) {
		puq_db_rows_free(rows);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	for (size_t r = 0; r < rows->nrows; r++) {
		if (zone_from_row(rows, r, &out->items[out->count]) < 0) {
			puq_db_rows_free(rows);
			puq_dns_zones_free(out);
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		}
		out->count++;
	}
	puq_db_rows_free(rows);
	return 0;
}

int puq_dns_zone_get(struct puq_db *db, long long id, struct puq_dns_zone *out,
                     struct puq_error *err)
{
	puq_dns_zone_init(out);
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
	                      "SELECT `id`, `type`, " COLUMNS
	                      " FROM `puq_proxmox_kvm_dns_zones` WHERE `id` = ?",
	                      PUQ_ARGS(PUQ_INT(id)), &rows);
	if (rc < 0)
		return rc;
	if (rows->nrows == 0) {
		puq_db_rows_free(rows);
		return puq_error_set(err, PUQ_ENOTFOUND, "DNS zone %lld does not exist", id);
	}
	rc = zone_from_row(rows, 0, out);
	puq_db_rows_free(rows);
	return rc < 0 ? puq_error_set(err, PUQ_ENOMEM, NULL) : 0;
}

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The same zone on the same provider endpoint already configured (other than z->id)? */
static int check_duplicate(struct puq_db *db, const struct puq_dns_zone *z,
                           struct puq_error *err)
{
	struct puq_dns_zones all;
	int rc = puq_dns_zone_list(db, &all, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < all.count; i++) {
		const struct puq_dns_zone *o = &all.items[i];
		if (o->id == z->id || o->provider != z->provider ||
		    !same(o->f[PUQ_DNS_ZF_ZONE], z->f[PUQ_DNS_ZF_ZONE]))
			continue;
		bool dup = false;
		switch (z->provider) {
		case PUQ_DNS_CLOUDFLARE:
			dup = same(o->f[PUQ_DNS_ZF_ZONE_ID], z->f[PUQ_DNS_ZF_ZONE_ID]);
			break;
		case PUQ_DNS_HESTIACP:
			dup = same(o->f[PUQ_DNS_ZF_SERVER_URL], z->f[PUQ_DNS_ZF_SERVER_URL]) &&
			      same(o->f[PUQ_DNS_ZF_USER], z->f[PUQ_DNS_ZF_USER]);
			break;
		default:
			dup = same(o->f[PUQ_DNS_ZF_SERVER_URL], z->f[PUQ_DNS_ZF_SERVER_URL]);
			break;
		}
		if (dup) {
			puq_error_field(
			    err, "zone",
			    "Zone %s is already configured for this %s %s (DNS zone ID %lld)",
			    z->f[PUQ_DNS_ZF_ZONE], puq_dns_provider_label(z->provider),
			    z->provider == PUQ_DNS_CLOUDFLARE ? "zone ID" : "server", o->id);
			puq_dns_zones_free(&all);
			return -PUQ_EVALIDATION;
		}
	}
	puq_dns_zones_free(&all);
	return 0;
}

#define ZONE_VALUES(z)                                                                   \
	PUQ_TEXT((z)->f[0]), PUQ_TEXT((z)->f[1]), PUQ_TEXT((z)->f[2]), PUQ_TEXT((z)->f[3]),  \
	    PUQ_TEXT((z)->f[4]), PUQ_TEXT((z)->f[5]), PUQ_TEXT((z)->f[6]),                   \
	    PUQ_TEXT((z)->f[7]), PUQ_TEXT((z)->f[8])

struct write_ctx {
	const struct puq_dns_zone *zone;
	long long id; /* update: the row; create: the new id */
};

static int create_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct write_ctx *w = arg;
	int rc = check_duplicate(db, w->zone, err);
	if (rc < 0)
		return rc;
	rc = puq_db_exec(db, err,
	                 "INSERT INTO `puq_proxmox_kvm_dns_zones` (`type`, " COLUMNS
	                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	                 PUQ_ARGS(PUQ_TEXT(puq_dns_provider_name(w->zone->provider)),
	                          ZONE_VALUES(w->zone)),
	                 NULL);
	if (rc == 0)
		w->id = (long long)puq_db_insert_id(db);
	return rc;
}

static int update_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct write_ctx *w = arg;
	int rc = check_duplicate(db, w->zone, err);
	if (rc < 0)
		return rc;
	return puq_db_exec(
	    db, err,
	    "UPDATE `puq_proxmox_kvm_dns_zones` SET `type` = ?, `zone` = ?, `account_id` = "
	    "?, "
	    "`zone_id` = ?, `api_token` = ?, `server_url` = ?, `admin_user` = ?, "
	    "`admin_password` = ?, `user` = ?, `api_key` = ? WHERE `id` = ?",
	    PUQ_ARGS(PUQ_TEXT(puq_dns_provider_name(w->zone->provider)), ZONE_VALUES(w->zone),
	             PUQ_INT(w->id)),
	    NULL);
}

int puq_dns_zone_create(struct puq_db *db, const struct puq_dns_zone *in, long long *id,
                        struct puq_error *err)
{
	struct puq_dns_zone z;
	int rc = puq_dns_zone_validate(in, NULL, &z, err);
	if (rc == 0) {
		struct write_ctx w = {&z, 0};
		rc = puq_db_transaction(db, create_txn, &w, err);
		if (rc == 0 && id)
			*id = w.id;
	}
	puq_dns_zone_free(&z);
	return rc;
}

int puq_dns_zone_update(struct puq_db *db, long long id, const struct puq_dns_zone *in,
                        struct puq_error *err)
{
	struct puq_dns_zone stored, z;
	int rc = puq_dns_zone_get(db, id, &stored, err);
	if (rc < 0)
		return rc;
	rc = puq_dns_zone_validate(in, &stored, &z, err);
	if (rc == 0) {
		struct write_ctx w = {&z, id};
		rc = puq_db_transaction(db, update_txn, &w, err);
	}
	puq_dns_zone_free(&z);
	puq_dns_zone_free(&stored);
	return rc;
}

int puq_dns_zone_delete(struct puq_db *db, long long id, struct puq_error *err)
{
	unsigned long long affected = 0;
	int rc =
	    puq_db_exec(db, err, "DELETE FROM `puq_proxmox_kvm_dns_zones` WHERE `id` = ?",
	                PUQ_ARGS(PUQ_INT(id)), &affected);
	if (rc < 0)
		return rc;
	if (affected == 0)
		return puq_error_set(err, PUQ_ENOTFOUND, "DNS zone %lld does not exist", id);
	return 0;
}
