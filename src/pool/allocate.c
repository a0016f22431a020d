/*
 * Allocation: bring a service's holdings to the counts its package asks for.
 *
 * One transaction per attempt: lock the service's tblhosting row (so two workers
 * allocating for one service queue, and the call is idempotent), read what it holds,
 * release the surplus of each family (non-main, highest addresses first), claim the
 * missing addresses (claim.c: pools, then the legacy list, lowest free first), make
 * sure one address is marked main, and rewrite tblhosting.dedicatedip/assignedips.
 * Any failure rolls all of it back.
 *
 * Bridge and VLAN. Every address of a service sits on its one NIC, so they share a
 * bridge and VLAN. With Auto bridge/VLAN off those are the product's and only pools
 * and lines on them qualify. With it on, a service that already holds addresses keeps
 * its NIC's pair; a new service tries each pair the server offers - in the order of
 * its pools' ids, then of its list's lines - until one can supply every family the
 * package needs, each pair in its own transaction attempt.
 */
#include <stdio.h>

#include "claim.h"

struct pair {
	char bridge[PUQ_BRIDGE_TEXT_MAX];
	int vlan;
};

struct alloc_ctx {
	const struct puq_alloc_request *req;
	const struct pair *pair; /* the pair this attempt tries, or NULL */
	struct puq_address_list held; /* output: live addresses after the transaction */
	enum puq_ip_family exhausted; /* the family that ran out */
};

static const char *family_name(enum puq_ip_family f)
{
	return f == PUQ_IP_V4 ? "IPv4" : "IPv6";
}

static unsigned wanted(const struct puq_alloc_request *req, enum puq_ip_family f)
{
	return f == PUQ_IP_V4 ? req->ipv4_count : req->ipv6_count;
}

static int validate_request(const struct puq_alloc_request *req, struct puq_error *err)
{
	size_t before = err->nfields;
	if (req->service_id <= 0)
		puq_error_field(err, "service", "a service id is required");
	if (req->server_id <= 0)
		puq_error_field(err, "server", "a server id is required");
	if (req->ipv4_count > PUQ_POOL_MAX_PER_SERVICE)
		puq_error_field(err, "ipv4_count", "at most %d IPv4 addresses per service",
			PUQ_POOL_MAX_PER_SERVICE);
	if (req->ipv6_count > PUQ_POOL_MAX_PER_SERVICE)
		puq_error_field(err, "ipv6_count", "at most %d IPv6 addresses per service",
			PUQ_POOL_MAX_PER_SERVICE);
	if (!req->auto_bridge_vlan) {
		const char *why = puq_pool_check_bridge(req->bridge);
		if (why)
			puq_error_field(err, "bridge", "%s", why);
		if (req->vlan < 0 || req->vlan > 4094)
			puq_error_field(err, "vlan", "the VLAN tag must be 0-4094 (0 = untagged)");
	}
	return err->nfields > before ? -PUQ_EVALIDATION : 0;
}

static int load_held(struct puq_db *db, long long service_id, struct puq_address_list *out,
	struct puq_error *err)
{
	puq_address_list_free(out);
	return puq_pool_service_addresses(db, service_id, false, out, err);
}

/* The index in held of the surplus address to release next in family f: not main if
 * possible, the highest address. -1 when none. */
static long surplus_victim(const struct puq_address_list *held, enum puq_ip_family f)
{
	long best = -1;
	for (size_t i = 0; i < held->n; i++) {
		const struct puq_address *a = &held->items[i];
		if (!a->live || a->ip.family != f)
			continue;
		if (best < 0) {
			best = (long)i;
			continue;
		}
		const struct puq_address *b = &held->items[best];
		if ((b->main && !a->main) ||
			(b->main == a->main && puq_ip_cmp(&a->ip, &b->ip) > 0))
			best = (long)i;
	}
	return best;
}

static int release_surplus(struct puq_db *db, struct alloc_ctx *ctx, enum puq_ip_family f,
	unsigned have, struct puq_error *err)
{
	unsigned want = wanted(ctx->req, f);
	while (have > want) {
		long v = surplus_victim(&ctx->held, f);
		if (v < 0)
			break;
		int rc = puq_pool_release_row(db, &ctx->held.items[v], PUQ_RELEASE_PACKAGE, err);
		if (rc < 0)
			return rc;
		ctx->held.items[v].live = false;
		have--;
	}
	return 0;
}

/* Marks one address main when none is: the first IPv4 claimed, else the first IPv6. */
static int ensure_main(struct puq_db *db, long long service_id, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
		"SELECT id, is_main FROM " ALLOC_TABLE " WHERE service_id = ? AND live = 1"
		" ORDER BY is_main DESC, family, id LIMIT 1",
		PUQ_ARGS(PUQ_INT(service_id)), &rows);
	if (rc < 0)
		return rc;
	long long id = 0;
	if (rows->nrows && puq_db_cell_int(rows, 0, 1, 0) == 0)
		id = puq_db_cell_int(rows, 0, 0, 0);
	puq_db_rows_free(rows);
	if (!id)
		return 0;
	return puq_db_exec(db, err, "UPDATE " ALLOC_TABLE " SET is_main = 1 WHERE id = ?",
		PUQ_ARGS(PUQ_INT(id)), NULL);
}

static int exhausted(struct puq_db *db, struct alloc_ctx *ctx, const struct puq_claim *c,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	char name[128] = "";
	if (puq_db_query(db, err, "SELECT name FROM tblservers WHERE id = ?",
			PUQ_ARGS(PUQ_INT(ctx->req->server_id)), &rows) == 0) {
		if (rows->nrows && puq_db_cell(rows, 0, 0))
			puq_strlcpy(name, puq_db_cell(rows, 0, 0), sizeof(name));
		puq_db_rows_free(rows);
	}
	ctx->exhausted = c->family;
	char where[128] = "";
	if (c->filter.set)
		snprintf(where, sizeof(where), " on bridge %s, VLAN %d", c->filter.bridge,
			c->filter.vlan);
	return puq_error_set(err, PUQ_EEXHAUSTED,
		"no free %s address for service #%lld on server %s (ID %lld)%s: its pools and its "
		"Assigned IP Addresses list are used up; add addresses or another pool",
		family_name(c->family), ctx->req->service_id, name, ctx->req->server_id, where);
}

static int alloc_txn(struct puq_db *db, void *vctx, struct puq_error *err)
{
	struct alloc_ctx *ctx = vctx;
	const struct puq_alloc_request *req = ctx->req;
	struct puq_claim c;
	struct puq_db_rows *rows = NULL;

	memset(&c, 0, sizeof(c));
	c.service_id = req->service_id;
	c.server_id = req->server_id;

	int rc = puq_db_query(db, err, "SELECT id FROM tblhosting WHERE id = ? FOR UPDATE",
		PUQ_ARGS(PUQ_INT(req->service_id)), &rows);
	if (rc < 0)
		return rc;
	size_t found = rows->nrows;
	puq_db_rows_free(rows);
	if (!found)
		return puq_error_set(err, PUQ_ENOTFOUND, "service #%lld does not exist",
			req->service_id);

	rc = load_held(db, req->service_id, &ctx->held, err);
	if (rc < 0)
		return rc;

	/* The NIC's bridge/VLAN: the product's, the held addresses', or this attempt's. */
	if (!req->auto_bridge_vlan) {
		c.filter.set = true;
		puq_strlcpy(c.filter.bridge, req->bridge, sizeof(c.filter.bridge));
		c.filter.vlan = req->vlan;
	} else if (ctx->held.n) {
		c.filter.set = true;
		puq_strlcpy(c.filter.bridge, ctx->held.items[0].bridge, sizeof(c.filter.bridge));
		c.filter.vlan = ctx->held.items[0].vlan;
	} else if (ctx->pair) {
		c.filter.set = true;
		puq_strlcpy(c.filter.bridge, ctx->pair->bridge, sizeof(c.filter.bridge));
		c.filter.vlan = ctx->pair->vlan;
	}

	static const enum puq_ip_family families[] = {PUQ_IP_V4, PUQ_IP_V6};
	bool changed = false;
	for (size_t f = 0; f < PUQ_ARRAY_LEN(families) && rc == 0; f++) {
		unsigned have = 0;
		for (size_t i = 0; i < ctx->held.n; i++)
			have += ctx->held.items[i].live && ctx->held.items[i].ip.family == families[f];
		if (have > wanted(req, families[f])) {
			rc = release_surplus(db, ctx, families[f], have, err);
			changed = true;
			continue;
		}
		c.family = families[f];
		for (unsigned k = have; k < wanted(req, families[f]) && rc == 0; k++) {
			rc = puq_pool_claim(db, &c, err);
			if (rc == 0)
				rc = exhausted(db, ctx, &c, err);
			else if (rc > 0) {
				rc = 0;
				changed = true;
			}
		}
	}
	puq_claim_reset(&c);
	if (rc == 0 && changed)
		rc = ensure_main(db, req->service_id, err);
	if (rc == 0 && changed)
		rc = puq_pool_write_tblhosting(db, req->service_id, err);
	if (rc == 0)
		rc = load_held(db, req->service_id, &ctx->held, err);
	return rc;
}

/*
 * The bridge/VLAN pairs a new service may try with Auto bridge/VLAN on: every pair of
 * the server's pools (by first pool id), then of its list (by line), without repeats.
 * Read without locks: it only orders the attempts, each of which re-checks.
 */
static int candidate_pairs(struct puq_db *db, const struct puq_alloc_request *req,
	struct pair **out, size_t *n, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	struct puq_server_line *lines = NULL;
	size_t nlines = 0;
	*out = NULL;
	*n = 0;

	int rc = puq_db_query(db, err,
		"SELECT bridge, vlan FROM " POOL_TABLE " WHERE server_id = ? GROUP BY bridge, vlan"
		" ORDER BY MIN(id)",
		PUQ_ARGS(PUQ_INT(req->server_id)), &rows);
	if (rc < 0)
		return rc;
	struct puq_db_rows *srv = NULL;
	rc = puq_db_query(db, err, "SELECT assignedips FROM tblservers WHERE id = ?",
		PUQ_ARGS(PUQ_INT(req->server_id)), &srv);
	if (rc < 0) {
		puq_db_rows_free(rows);
		return rc;
	}
	if (srv->nrows) {
		/* A bad list is reported by the attempt that needs it, not here. */
		struct puq_error ignore;
		puq_error_clear(&ignore);
		puq_pool_server_list_parse(puq_db_cell(srv, 0, 0), puq_db_cell_len(srv, 0, 0),
			&lines, &nlines, &ignore);
	}
	puq_db_rows_free(srv);

	struct pair *pairs = PUQ_CALLOC(rows->nrows + nlines + 1, sizeof(*pairs));
	if (!pairs) {
		puq_db_rows_free(rows);
		PUQ_FREE(lines);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	size_t count = 0;
	for (size_t i = 0; i < rows->nrows + nlines; i++) {
		struct pair p;
		if (i < rows->nrows) {
			puq_strlcpy(p.bridge, puq_db_cell(rows, i, 0) ? puq_db_cell(rows, i, 0) : "",
				sizeof(p.bridge));
			p.vlan = (int)puq_db_cell_int(rows, i, 1, 0);
		} else {
			puq_strlcpy(p.bridge, lines[i - rows->nrows].bridge, sizeof(p.bridge));
			p.vlan = lines[i - rows->nrows].vlan;
		}
		bool seen = false;
		for (size_t k = 0; k < count && !seen; k++)
			seen = strcmp(pairs[k].bridge, p.bridge) == 0 && pairs[k].vlan == p.vlan;
		if (!seen)
			pairs[count++] = p;
	}
	puq_db_rows_free(rows);
	PUQ_FREE(lines);
	*out = pairs;
	*n = count;
	return 0;
}

int puq_pool_allocate(struct puq_db *db, const struct puq_alloc_request *req,
	struct puq_address_list *held, struct puq_error *err)
{
	struct alloc_ctx ctx = {.req = req};
	struct pair *pairs = NULL;
	size_t npairs = 0;
	struct puq_error local;

	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}

	if (held) {
		held->n = 0;
		held->items = NULL;
	}
	int rc = validate_request(req, err);
	if (rc < 0)
		return rc;

	if (req->auto_bridge_vlan) {
		/* Pairs matter only for a service that holds nothing yet. */
		struct puq_address_list now = {0, NULL};
		rc = puq_pool_service_addresses(db, req->service_id, false, &now, err);
		if (rc == 0 && now.n == 0 && req->ipv4_count + req->ipv6_count > 0)
			rc = candidate_pairs(db, req, &pairs, &npairs, err);
		puq_address_list_free(&now);
		if (rc < 0)
			return rc;
	}

	struct puq_error first;
	puq_error_clear(&first);
	size_t attempt = 0;
	do {
		ctx.pair = npairs ? &pairs[attempt] : NULL;
		rc = puq_db_transaction(db, alloc_txn, &ctx, err);
		if (rc != -PUQ_EEXHAUSTED)
			break;
		if (attempt == 0)
			first = *err;
	} while (++attempt < npairs);

	if (rc == -PUQ_EEXHAUSTED && npairs > 1) {
		*err = first;
		puq_error_prefix(err, "none of the server's %zu bridge/VLAN pairs can supply "
		                 "every address; first pair tried", npairs);
	}
	PUQ_FREE(pairs);
	if (rc == 0 && held)
		*held = ctx.held;
	else
		puq_address_list_free(&ctx.held);
	return rc;
}
