/*
 * Claiming one address for a service: from the server's pools, else from the server's
 * legacy "Assigned IP Addresses" list.
 *
 * Pools are read in id order with FOR UPDATE, which serialises claims on the same
 * server and family (the per-pool row lock phpIPAM uses, at server granularity). In
 * each pool the runs index gives the lowest free address in one lookup; the allocation
 * row is inserted (its UNIQUE key is the final guard), the run extended and the pool's
 * count raised - all in the caller's transaction.
 *
 * The legacy list is parsed from tblservers.assignedips, locked FOR UPDATE, only when
 * the pools have nothing left; its lines are tried in order, each with one indexed
 * lookup. A list with bad lines fails the claim with every bad line named, rather
 * than silently skipping addresses the admin meant to offer.
 *
 * If an insert meets the UNIQUE key, the runs index missed a live address (rows
 * written by another tool, say): the address is added to the runs and the search
 * continues, so the index heals itself instead of failing the deploy.
 */
#include <stdio.h>

#include "claim.h"
#include "puqkvm/killpoint.h"

/* How many times one claim may heal the runs index before it gives up. */
#define HEAL_LIMIT 64

static bool filter_matches(const struct puq_claim_filter *f, const char *bridge, int vlan)
{
	return !f->set || (strcmp(f->bridge, bridge) == 0 && f->vlan == vlan);
}

static int insert_allocation(struct puq_db *db, const struct puq_claim *c,
	struct puq_error *err)
{
	unsigned char bin[16];
	char ip[PUQ_IP_TEXT_MAX], gw[PUQ_IP_TEXT_MAX], d1[PUQ_IP_TEXT_MAX], d2[PUQ_IP_TEXT_MAX];
	const struct puq_address *a = &c->address;
	puq_ip_to_bytes(&a->ip, bin);
	puq_ip_format(&a->ip, PUQ_IP_EXPANDED, ip);
	puq_pool_ip_text(&a->gateway, PUQ_IP_CANONICAL, gw);
	puq_pool_ip_text(&a->dns1, PUQ_IP_CANONICAL, d1);
	puq_pool_ip_text(&a->dns2, PUQ_IP_CANONICAL, d2);
	return puq_db_exec(db, err,
		"INSERT INTO " ALLOC_TABLE " (family, address, ip, live, service_id, server_id,"
		" pool_id, bridge, vlan, mask, gateway, dns1, dns2, is_main, allocated_at)"
		" VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NOW())",
		PUQ_ARGS(PUQ_INT(a->ip.family), PUQ_BLOB(bin, 16), PUQ_TEXT(ip),
			PUQ_INT(a->service_id), PUQ_INT(a->server_id),
			a->pool_id ? PUQ_INT(a->pool_id) : PUQ_NULL, PUQ_TEXT(a->bridge),
			PUQ_INT(a->vlan), PUQ_INT(a->mask), PUQ_TEXT(gw), PUQ_TEXT(d1), PUQ_TEXT(d2)),
		NULL);
}

/* Inserts the claim and records it in the runs; 1 done, 0 the address was taken
 * (and is now in the runs), <0 error. */
static int take(struct puq_db *db, struct puq_claim *c, struct puq_error *err)
{
	int rc = insert_allocation(db, c, err);
	if (rc == -PUQ_EDUPLICATE) {
		puq_error_clear(err);
		rc = puq_pool_runs_add(db, &c->address.ip, err);
		return rc < 0 ? rc : 0;
	}
	if (rc < 0)
		return rc;
	c->address.id = (long long)puq_db_insert_id(db);
	c->address.live = true;
	puq_killpoint("pool_claim"); /* crash tests: a claim inside its open transaction */
	rc = puq_pool_runs_add(db, &c->address.ip, err);
	if (rc == 0 && c->address.pool_id)
		rc = puq_db_exec(db, err, "UPDATE " POOL_TABLE " SET used = used + 1 WHERE id = ?",
			PUQ_ARGS(PUQ_INT(c->address.pool_id)), NULL);
	return rc < 0 ? rc : 1;
}

static int claim_from_pools(struct puq_db *db, struct puq_claim *c, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
		"SELECT " POOL_COLUMNS " FROM " POOL_TABLE " p WHERE p.server_id = ? AND p.type = ?"
		" ORDER BY p.id FOR UPDATE",
		PUQ_ARGS(PUQ_INT(c->server_id), PUQ_TEXT(POOL_TYPE(c->family))), &rows);
	if (rc < 0)
		return rc;

	int done = 0;
	for (size_t i = 0; i < rows->nrows && !done; i++) {
		struct puq_pool_info info;
		rc = puq_pool_decode(rows, i, 0, &info, err);
		if (rc < 0)
			break;
		const struct puq_pool *p = &info.pool;
		if (info.unreadable || !filter_matches(&c->filter, p->bridge, p->vlan))
			continue;
		for (int heal = 0; heal < HEAL_LIMIT && !done; heal++) {
			struct puq_ip ip;
			rc = puq_pool_runs_lowest_free(db, &p->start, &p->stop, &ip, err);
			if (rc <= 0)
				break; /* error, or this pool is full */
			memset(&c->address, 0, sizeof(c->address));
			c->address.service_id = c->service_id;
			c->address.server_id = c->server_id;
			c->address.pool_id = p->id;
			c->address.ip = ip;
			puq_strlcpy(c->address.bridge, p->bridge, sizeof(c->address.bridge));
			c->address.vlan = p->vlan;
			c->address.mask = p->mask;
			c->address.gateway = p->gateway;
			c->address.dns1 = p->dns1;
			c->address.dns2 = p->dns2;
			rc = take(db, c, err);
			if (rc < 0)
				break;
			done = rc;
		}
		if (rc < 0)
			break;
	}
	puq_db_rows_free(rows);
	return rc < 0 ? rc : done;
}

/* Loads and parses the server's list once per transaction attempt. */
static int load_list(struct puq_db *db, struct puq_claim *c, struct puq_error *err)
{
	if (c->list_loaded)
		return 0;
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
		"SELECT assignedips, name FROM tblservers WHERE id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(c->server_id)), &rows);
	if (rc < 0)
		return rc;
	c->list_loaded = true;
	if (rows->nrows) {
		puq_strlcpy(c->server_name, puq_db_cell(rows, 0, 1) ? puq_db_cell(rows, 0, 1) : "",
			sizeof(c->server_name));
		rc = puq_pool_server_list_parse(puq_db_cell(rows, 0, 0),
			puq_db_cell_len(rows, 0, 0), &c->lines, &c->nlines, err);
		if (rc < 0)
			puq_error_prefix(err, "the Assigned IP Addresses list of server %s (ID %lld)",
				c->server_name, c->server_id);
	}
	puq_db_rows_free(rows);
	return rc;
}

static int claim_from_list(struct puq_db *db, struct puq_claim *c, struct puq_error *err)
{
	int rc = load_list(db, c, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < c->nlines; i++) {
		const struct puq_server_line *l = &c->lines[i];
		if (l->ip.family != c->family || !filter_matches(&c->filter, l->bridge, l->vlan))
			continue;
		unsigned char bin[16];
		struct puq_db_rows *rows = NULL;
		puq_ip_to_bytes(&l->ip, bin);
		rc = puq_db_query(db, err,
			"SELECT id FROM " ALLOC_TABLE " WHERE family = ? AND address = ? AND live = 1"
			" FOR UPDATE",
			PUQ_ARGS(PUQ_INT(l->ip.family), PUQ_BLOB(bin, 16)), &rows);
		if (rc < 0)
			return rc;
		size_t held = rows->nrows;
		puq_db_rows_free(rows);
		if (held)
			continue;
		memset(&c->address, 0, sizeof(c->address));
		c->address.service_id = c->service_id;
		c->address.server_id = c->server_id;
		c->address.ip = l->ip;
		puq_strlcpy(c->address.bridge, l->bridge, sizeof(c->address.bridge));
		c->address.vlan = l->vlan;
		c->address.mask = l->mask;
		c->address.gateway = l->gateway;
		c->address.dns1 = l->dns1;
		c->address.dns2 = l->dns2;
		rc = take(db, c, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int puq_pool_claim(struct puq_db *db, struct puq_claim *c, struct puq_error *err)
{
	int rc = claim_from_pools(db, c, err);
	if (rc == 0)
		rc = claim_from_list(db, c, err);
	if (rc == 1 && !c->filter.set) {
		/* The first address fixes the NIC: later ones must share its bridge and VLAN. */
		c->filter.set = true;
		puq_strlcpy(c->filter.bridge, c->address.bridge, sizeof(c->filter.bridge));
		c->filter.vlan = c->address.vlan;
	}
	return rc;
}

void puq_claim_reset(struct puq_claim *c)
{
	PUQ_FREE(c->lines);
	c->lines = NULL;
	c->nlines = 0;
	c->list_loaded = false;
}
