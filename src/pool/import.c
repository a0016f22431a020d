/*
 * Legacy import: the pools of the "PUQ Customization" addon and the addresses
 * services already hold.
 *
 * Pools. When the module's pool table is empty, the first legacy table that exists is
 * read: puq_customization_module_puq_proxmox_kvm_ip_pools (the migration guide's
 * name), then puq_customization_ip_pools (the IP Pools page's). Their column names
 * were never documented, so each field is looked up under every name that addon or
 * its forks used (see `aliases` and the README's table); a server column holding a
 * comma-separated list of server ids gives one pool per server. Each row goes
 * through the same validation as the Add form; a row that fails is not imported and
 * the report names it with the reasons.
 *
 * Holdings. The addresses in tblhosting.dedicatedip/assignedips of every service on a
 * server of this module that WHMCS does not show as Terminated, Cancelled or Fraud
 * are recorded as allocations when they lie in one of that server's pools or on its
 * legacy list - otherwise this module would hand them out again. An address two
 * services claim is recorded for the first (lowest service id) and reported. This
 * part runs whenever the import runs: it only adds what is missing, so it is
 * idempotent by the UNIQUE key.
 *
 * Everything runs in one transaction. A dry run performs the very same work and then
 * rolls it back, so its report is exactly what a real run would do.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "internal.h"

static const char *const legacy_tables[] = {
	"puq_customization_module_puq_proxmox_kvm_ip_pools",
	"puq_customization_ip_pools",
};

enum field { F_SERVER, F_TYPE, F_BRIDGE, F_VLAN, F_GATEWAY, F_MASK, F_DNS1, F_DNS2, F_START,
	F_STOP, F__COUNT };

/* Column names each field was stored under, preferred first. */
static const char *const aliases[F__COUNT][10] = {
	[F_SERVER] = {"server_id", "server", "serverid", "server_ids", "servers", NULL},
	[F_TYPE] = {"type", "ip_type", "iptype", "version", "family", NULL},
	[F_BRIDGE] = {"bridge", "vmbr", NULL},
	[F_VLAN] = {"vlan", "vlan_tag", "vlan_id", "vlantag", "tag", NULL},
	[F_GATEWAY] = {"gateway", "gw", NULL},
	[F_MASK] = {"mask", "netmask", "prefix", "cidr", NULL},
	[F_DNS1] = {"dns1", "dns_1", "dns", "nameserver1", NULL},
	[F_DNS2] = {"dns2", "dns_2", "nameserver2", NULL},
	[F_START] = {"start_ip", "address_start", "ip_start", "start", "first_ip", "from_ip",
		"range_start", "ip_from", NULL},
	[F_STOP] = {"stop_ip", "address_stop", "ip_stop", "stop", "end_ip", "end", "last_ip",
		"to_ip", "range_end", NULL},
};

/* Statuses whose holdings are not imported (WHMCS reuses their addresses). */
#define GONE_STATUSES "('Terminated', 'Cancelled', 'Fraud')"

struct import_ctx {
	struct puq_pool_import_report *report;
	bool dry_run_done; /* the dry run finished its work and asked for the rollback */
};

static void logf_(struct puq_pool_import_report *r, const char *fmt, ...) PUQ_PRINTF(2, 3);

static void logf_(struct puq_pool_import_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	puq_buf_vprintf(&r->log, fmt, ap);
	va_end(ap);
	puq_buf_putc(&r->log, '\n');
}

void puq_pool_import_report_init(struct puq_pool_import_report *r)
{
	memset(r, 0, sizeof(*r));
	puq_buf_init(&r->log);
}

void puq_pool_import_report_free(struct puq_pool_import_report *r)
{
	puq_buf_free(&r->log);
}

static int count_rows(struct puq_db *db, const char *sql, long long *n, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err, sql, PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	*n = puq_db_cell_int(rows, 0, 0, 0);
	puq_db_rows_free(rows);
	return 0;
}

static int table_exists(struct puq_db *db, const char *name, bool *exists,
	struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err,
		"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()"
		" AND table_name = ?",
		PUQ_ARGS(PUQ_TEXT(name)), &rows);
	if (rc < 0)
		return rc;
	*exists = puq_db_cell_int(rows, 0, 0, 0) > 0;
	puq_db_rows_free(rows);
	return 0;
}

/* A dotted IPv4 netmask ("255.255.255.0") as a prefix length, else -1. */
static int dotted_mask(const char *text)
{
	struct puq_ip ip;
	if (!text || puq_ip_parse_cstr(text, PUQ_IP_V4, &ip, NULL) != 0)
		return -1;
	uint32_t v = (uint32_t)ip.value, inv = ~v;
	if ((inv & (inv + 1)) != 0) /* the host part must be a run of ones */
		return -1;
	int bits = 0;
	while (v) {
		bits += (int)(v >> 31);
		v <<= 1;
	}
	return bits;
}

/* Imports one legacy row (for each server it names). */
static int import_row(struct puq_db *db, struct import_ctx *ctx, const struct puq_db_rows *rows,
	size_t row, const int col[F__COUNT], const char *source, struct puq_error *err)
{
	struct puq_pool_import_report *r = ctx->report;
	const char *v[F__COUNT];
	for (int f = 0; f < F__COUNT; f++)
		v[f] = col[f] >= 0 && puq_db_cell(rows, row, (size_t)col[f])
		           ? puq_db_cell(rows, row, (size_t)col[f])
		           : "";
	long long legacy_id = 0;
	int idcol = puq_db_col(rows, "id");
	if (idcol >= 0)
		legacy_id = puq_db_cell_int(rows, row, (size_t)idcol, 0);

	char mask[16];
	int dotted = dotted_mask(v[F_MASK]);
	if (dotted >= 0) {
		snprintf(mask, sizeof(mask), "%d", dotted);
		v[F_MASK] = mask;
	}
	const char *type = v[F_TYPE];
	if (!*type)
		type = strchr(v[F_START], ':') ? "IPv6" : "IPv4";

	/* "3" or "3,5,8": one pool per server */
	const char *s = v[F_SERVER];
	do {
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		long long server_id = strtoll(s, NULL, 10);
		while (*s && *s != ',')
			s++;
		struct puq_pool_input in = {
			.server_id = server_id,
			.type = type,
			.bridge = v[F_BRIDGE],
			.vlan = *v[F_VLAN] ? v[F_VLAN] : "0",
			.gateway = v[F_GATEWAY],
			.mask = v[F_MASK],
			.dns1 = v[F_DNS1],
			.dns2 = v[F_DNS2],
			.start = v[F_START],
			.stop = v[F_STOP],
		};
		struct puq_error e;
		long long id = 0;
		puq_error_clear(&e);
		int rc = puq_pool_create(db, &in, &id, &e);
		if (rc == -PUQ_EVALIDATION) {
			r->rejected++;
			logf_(r, "%s row %lld (server %lld): not imported:", source, legacy_id, server_id);
			for (size_t k = 0; k < e.nfields; k++)
				logf_(r, "  %s: %s", e.fields[k].field, e.fields[k].message);
			continue;
		}
		if (rc < 0) {
			*err = e;
			return rc;
		}
		r->pools++;
		if (r->dry_run)
			logf_(r, "%s row %lld: would become a pool of server %lld, %s - %s", source,
				legacy_id, server_id, v[F_START], v[F_STOP]);
		else
			logf_(r, "%s row %lld: pool %lld for server %lld, %s - %s", source, legacy_id, id,
				server_id, v[F_START], v[F_STOP]);
	} while (*s);
	return 0;
}

static int import_pools(struct puq_db *db, struct import_ctx *ctx, struct puq_error *err)
{
	struct puq_pool_import_report *r = ctx->report;
	long long existing = 0;
	int rc = count_rows(db, "SELECT COUNT(*) FROM " POOL_TABLE, &existing, err);
	if (rc < 0)
		return rc;
	if (existing > 0) {
		r->skipped = true;
		logf_(r, "pools: the module already has %lld pool%s; nothing imported", existing,
			existing == 1 ? "" : "s");
		return 0;
	}
	for (size_t t = 0; t < PUQ_ARRAY_LEN(legacy_tables); t++) {
		bool exists;
		rc = table_exists(db, legacy_tables[t], &exists, err);
		if (rc < 0)
			return rc;
		if (!exists)
			continue;
		puq_strlcpy(r->source, legacy_tables[t], sizeof(r->source));

		/* The name is one of ours, never input. */
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT * FROM `%s`", legacy_tables[t]);
		struct puq_db_rows *rows = NULL;
		rc = puq_db_query(db, err, sql, PUQ_NOARGS, &rows);
		if (rc < 0)
			return rc;
		int col[F__COUNT];
		for (int f = 0; f < F__COUNT; f++) {
			col[f] = -1;
			for (int k = 0; aliases[f][k] && col[f] < 0; k++)
				col[f] = puq_db_col(rows, aliases[f][k]);
		}
		logf_(r, "pools: reading %zu row%s of %s", rows->nrows, rows->nrows == 1 ? "" : "s",
			legacy_tables[t]);
		for (size_t i = 0; i < rows->nrows && rc == 0; i++)
			rc = import_row(db, ctx, rows, i, col, legacy_tables[t], err);
		puq_db_rows_free(rows);
		return rc;
	}
	logf_(r, "pools: no legacy pool table found");
	return 0;
}

/* Splits a tblhosting address field on newlines, commas and blanks. */
static const char *next_token(const char *s, char *out, size_t size)
{
	while (*s && (isspace((unsigned char)*s) || *s == ','))
		s++;
	size_t n = 0;
	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != ',')
		n++;
	size_t k = n < size - 1 ? n : size - 1;
	memcpy(out, s, k);
	out[k] = '\0';
	return n ? s + n : NULL;
}

/* The source of an address on a server: a pool containing it, or its list line. */
static int find_source(struct puq_db *db, long long server_id, const struct puq_ip *ip,
	const struct puq_server_line *lines, size_t nlines, struct puq_address *a,
	struct puq_error *err)
{
	unsigned char bin[16];
	struct puq_db_rows *rows = NULL;
	puq_ip_to_bytes(ip, bin);
	int rc = puq_db_query(db, err,
		"SELECT " POOL_COLUMNS " FROM " POOL_TABLE " p WHERE p.server_id = ? AND p.type = ?"
		" AND p.start_bin <= ? AND p.stop_bin >= ? ORDER BY p.id LIMIT 1",
		PUQ_ARGS(PUQ_INT(server_id), PUQ_TEXT(POOL_TYPE(ip->family)), PUQ_BLOB(bin, 16),
			PUQ_BLOB(bin, 16)),
		&rows);
	if (rc < 0)
		return rc;
	if (rows->nrows) {
		struct puq_pool_info info;
		rc = puq_pool_decode(rows, 0, 0, &info, err);
		puq_db_rows_free(rows);
		if (rc < 0)
			return rc;
		if (info.unreadable)
			return 0;
		a->pool_id = info.pool.id;
		puq_strlcpy(a->bridge, info.pool.bridge, sizeof(a->bridge));
		a->vlan = info.pool.vlan;
		a->mask = info.pool.mask;
		a->gateway = info.pool.gateway;
		a->dns1 = info.pool.dns1;
		a->dns2 = info.pool.dns2;
		return 1;
	}
	puq_db_rows_free(rows);
	for (size_t i = 0; i < nlines; i++) {
		if (puq_ip_cmp(&lines[i].ip, ip) != 0)
			continue;
		a->pool_id = 0;
		puq_strlcpy(a->bridge, lines[i].bridge, sizeof(a->bridge));
		a->vlan = lines[i].vlan;
		a->mask = lines[i].mask;
		a->gateway = lines[i].gateway;
		a->dns1 = lines[i].dns1;
		a->dns2 = lines[i].dns2;
		return 1;
	}
	return 0;
}

static int adopt_address(struct puq_db *db, struct import_ctx *ctx, const struct puq_address *a,
	struct puq_error *err)
{
	unsigned char bin[16];
	char ip[PUQ_IP_TEXT_MAX], gw[PUQ_IP_TEXT_MAX], d1[PUQ_IP_TEXT_MAX], d2[PUQ_IP_TEXT_MAX];
	struct puq_db_rows *rows = NULL;
	puq_ip_to_bytes(&a->ip, bin);
	puq_ip_format(&a->ip, PUQ_IP_EXPANDED, ip);

	int rc = puq_db_query(db, err,
		"SELECT service_id FROM " ALLOC_TABLE " WHERE family = ? AND address = ? AND live = 1",
		PUQ_ARGS(PUQ_INT(a->ip.family), PUQ_BLOB(bin, 16)), &rows);
	if (rc < 0)
		return rc;
	long long holder = rows->nrows ? puq_db_cell_int(rows, 0, 0, 0) : 0;
	puq_db_rows_free(rows);
	if (holder) {
		if (holder != a->service_id)
			logf_(ctx->report, "%s is in tblhosting of services #%lld and #%lld; recorded for "
			      "#%lld only: correct the other service", ip, holder, a->service_id, holder);
		return 0;
	}

	puq_pool_ip_text(&a->gateway, PUQ_IP_CANONICAL, gw);
	puq_pool_ip_text(&a->dns1, PUQ_IP_CANONICAL, d1);
	puq_pool_ip_text(&a->dns2, PUQ_IP_CANONICAL, d2);
	rc = puq_db_exec(db, err,
		"INSERT INTO " ALLOC_TABLE " (family, address, ip, live, service_id, server_id,"
		" pool_id, bridge, vlan, mask, gateway, dns1, dns2, is_main, allocated_at)"
		" VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW())",
		PUQ_ARGS(PUQ_INT(a->ip.family), PUQ_BLOB(bin, 16), PUQ_TEXT(ip),
			PUQ_INT(a->service_id), PUQ_INT(a->server_id),
			a->pool_id ? PUQ_INT(a->pool_id) : PUQ_NULL, PUQ_TEXT(a->bridge),
			PUQ_INT(a->vlan), PUQ_INT(a->mask), PUQ_TEXT(gw), PUQ_TEXT(d1), PUQ_TEXT(d2),
			PUQ_INT(a->main ? 1 : 0)),
		NULL);
	if (rc < 0)
		return rc;
	if (a->pool_id)
		rc = puq_db_exec(db, err, "UPDATE " POOL_TABLE " SET used = used + 1 WHERE id = ?",
			PUQ_ARGS(PUQ_INT(a->pool_id)), NULL);
	if (rc == 0)
		rc = puq_pool_runs_add(db, &a->ip, err);
	if (rc == 0)
		ctx->report->allocations++;
	return rc;
}

static int import_holdings(struct puq_db *db, struct import_ctx *ctx, struct puq_error *err)
{
	struct puq_db_rows *rows = NULL;
	/* Services in id order: the lowest id keeps an address two services claim. */
	int rc = puq_db_query(db, err,
		"SELECT h.id, h.server, h.dedicatedip, h.assignedips, s.assignedips"
		" FROM tblhosting h JOIN tblservers s ON s.id = h.server"
		" WHERE s.type = ? AND h.domainstatus NOT IN " GONE_STATUSES
		" AND (h.dedicatedip <> '' OR h.assignedips <> '') ORDER BY h.server, h.id",
		PUQ_ARGS(PUQ_TEXT(PUQ_POOL_SERVER_MODULE)), &rows);
	if (rc < 0)
		return rc;

	long long list_server = 0;
	struct puq_server_line *lines = NULL;
	size_t nlines = 0;
	size_t skipped = 0;
	for (size_t i = 0; i < rows->nrows && rc == 0; i++) {
		long long service = puq_db_cell_int(rows, i, 0, 0);
		long long server = puq_db_cell_int(rows, i, 1, 0);
		if (server != list_server) {
			struct puq_error e;
			puq_error_clear(&e);
			PUQ_FREE(lines);
			lines = NULL;
			nlines = 0;
			list_server = server;
			if (puq_pool_server_list_parse(puq_db_cell(rows, i, 4), puq_db_cell_len(rows, i, 4),
					&lines, &nlines, &e) < 0)
				logf_(ctx->report, "server %lld: its Assigned IP Addresses list has errors "
				      "(%s); its addresses are matched against pools only", server, e.text);
		}
		for (int field = 2; field <= 3 && rc == 0; field++) {
			const char *p = puq_db_cell(rows, i, (size_t)field);
			char token[64];
			while (p && rc == 0 && (p = next_token(p, token, sizeof(token)))) {
				struct puq_address a;
				memset(&a, 0, sizeof(a));
				if (puq_ip_parse_cstr(token, PUQ_IP_ANY, &a.ip, NULL) != 0)
					continue;
				a.service_id = service;
				a.server_id = server;
				a.main = field == 2;
				rc = find_source(db, server, &a.ip, lines, nlines, &a, err);
				if (rc == 0) {
					skipped++;
					continue;
				}
				if (rc > 0)
					rc = adopt_address(db, ctx, &a, err);
			}
		}
	}
	PUQ_FREE(lines);
	size_t services = rows->nrows;
	puq_db_rows_free(rows);
	if (rc < 0)
		return rc;
	logf_(ctx->report, "holdings: %zu address%s of %zu service%s recorded; %zu outside every "
	      "pool and list left alone", ctx->report->allocations,
		ctx->report->allocations == 1 ? "" : "es", services, services == 1 ? "" : "s", skipped);
	return 0;
}

/* A dry run ends with this code so that the transaction rolls back. */
#define DRY_RUN_DONE PUQ_ESTATE

static int import_txn(struct puq_db *db, void *vctx, struct puq_error *err)
{
	struct import_ctx *ctx = vctx;
	struct puq_pool_import_report *r = ctx->report;
	bool dry = r->dry_run;

	/* A retried attempt starts its report over. */
	puq_buf_reset(&r->log);
	r->pools = r->allocations = r->rejected = 0;
	r->skipped = false;
	r->source[0] = '\0';

	ctx->dry_run_done = false;
	int rc = import_pools(db, ctx, err);
	if (rc == 0)
		rc = import_holdings(db, ctx, err);
	if (rc == 0 && dry) {
		ctx->dry_run_done = true;
		return puq_error_set(err, DRY_RUN_DONE, "dry run");
	}
	return rc;
}

int puq_pool_import_legacy(struct puq_db *db, bool dry_run,
	struct puq_pool_import_report *report, struct puq_error *err)
{
	struct import_ctx ctx = {report, false};
	report->dry_run = dry_run;
	int rc = puq_db_transaction(db, import_txn, &ctx, err);
	if (ctx.dry_run_done && rc == -DRY_RUN_DONE) {
		puq_error_clear(err);
		rc = 0;
	}
	if (rc == 0 && puq_buf_failed(&report->log))
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	return rc;
}
