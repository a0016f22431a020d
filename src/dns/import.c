/*
 * Legacy import: the DNS zones of the "PUQ Customization" addon.
 *
 * When the module's zone table is empty, the legacy table
 * puq_customization_module_puq_proxmox_kvm_dns_zones (the migration guide's name) is
 * read, if it exists. Its columns were never documented, so every field is looked up
 * under each name that addon's versions and forks are known or likely to have used
 * (`aliases` below, documented in the README), first as a column, then as a key of a
 * JSON column (config/settings/credentials/data) for installations that kept the
 * provider fields in one. The secret of each provider is looked up under the provider's
 * own names first (a PowerDNS "api_key", a Cloudflare "api_token"), so a table with one
 * shared "key" column still maps right. Each row then goes through the same validation
 * as the Add form; a row that fails is not imported and the report names it with the
 * reasons - never with a secret.
 *
 * Everything happens in one transaction. A dry run does the very same work and rolls it
 * back, so its report is exactly what a real run would do. A second run imports nothing
 * (the table is no longer empty). The schema's data step "dns_import_legacy_v1" runs it
 * once on the first migration - that is, on the addon's first activation.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "puqkvm/dns.h"

#define LEGACY_TABLE "puq_customization_module_puq_proxmox_kvm_dns_zones"

/* Column (or JSON key) names each field was stored under, preferred first. */
static const char *const zone_aliases[] = {"zone", "zone_name", "name", "domain", NULL};
static const char *const type_aliases[] = {"type", "provider", "dns_type", "driver",
                                           NULL};
static const char *const json_aliases[] = {"config", "settings", "credentials", "data",
                                           "params", "options",  NULL};
static const char *const aliases[PUQ_DNS_ZF__COUNT][9] = {
    [PUQ_DNS_ZF_ACCOUNT_ID] = {"account_id", "cf_account_id", "accountid", "account",
                               NULL},
    [PUQ_DNS_ZF_ZONE_ID] = {"zone_id", "cf_zone_id", "zoneid", NULL},
    [PUQ_DNS_ZF_API_TOKEN] = {"api_token", "cf_api_token", "token", "api_key", "key",
                              NULL},
    [PUQ_DNS_ZF_SERVER_URL] = {"server_url", "server", "url", "api_url", "host",
                               "hostname", NULL},
    [PUQ_DNS_ZF_ADMIN_USER] = {"admin_user", "admin", "admin_username", "username",
                               "login", NULL},
    [PUQ_DNS_ZF_ADMIN_PASSWORD] = {"admin_password", "admin_pass", "password", "pass",
                                   NULL},
    [PUQ_DNS_ZF_USER] = {"user", "hestia_user", "owner", "dns_user", NULL},
    [PUQ_DNS_ZF_API_KEY] = {"api_key", "pdns_api_key", "key", "api_token", "token", NULL},
};

void puq_dns_import_report_init(struct puq_dns_import_report *r)
{
	memset(r, 0, sizeof(*r));
	puq_buf_init(&r->log);
}

void puq_dns_import_report_free(struct puq_dns_import_report *r)
{
	puq_buf_free(&r->log);
}

static void note(struct puq_dns_import_report *r, const char *fmt, ...) PUQ_PRINTF(2, 3);

static void note(struct puq_dns_import_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	puq_buf_vprintf(&r->log, fmt, ap);
	va_end(ap);
	puq_buf_putc(&r->log, '\n');
}

/* A row's value for a field: a column, else a key of its JSON column. NULL if none. */
static const char *value_of(const struct puq_db_rows *rows, size_t row,
                            const json_t *json, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		int col = puq_db_col(rows, names[i]);
		const char *v = col >= 0 ? puq_db_cell(rows, row, (size_t)col) : NULL;
		if (v && *v)
			return v;
	}
	for (size_t i = 0; json && names[i]; i++) {
		const char *v = puq_json_str(json, names[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

static enum puq_dns_provider legacy_provider(const char *type)
{
	if (!type)
		return PUQ_DNS_NONE;
	if (strncasecmp(type, "hestia", 6) == 0)
		return PUQ_DNS_HESTIACP;
	if (strcasecmp(type, "pdns") == 0)
		return PUQ_DNS_POWERDNS;
	return puq_dns_provider_parse(type);
}

struct import_ctx {
	struct puq_dns_import_report *report;
	bool dry_run_done;
};

static int import_rows(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct import_ctx *ctx = arg;
	struct puq_dns_import_report *r = ctx->report;
	/* a transaction retried after a deadlock starts over, and so does the report */
	r->zones = r->rejected = 0;
	r->skipped = false;
	puq_buf_reset(&r->log);
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(db, err, "SELECT COUNT(*) FROM `puq_proxmox_kvm_dns_zones`",
	                      PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	long long existing = puq_db_cell_int(rows, 0, 0, 0);
	puq_db_rows_free(rows);
	if (existing > 0) {
		r->skipped = true;
		note(r, "the module already has %lld DNS zones: nothing imported", existing);
		return 0;
	}
	rc = puq_db_query(db, err, "SELECT * FROM `" LEGACY_TABLE "`", PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	int idcol = puq_db_col(rows, "id");
	for (size_t row = 0; row < rows->nrows && rc == 0; row++) {
		long long legacy_id =
		    idcol >= 0 ? puq_db_cell_int(rows, row, (size_t)idcol, 0) : 0;
		json_t *json = NULL;
		const char *jtext = value_of(rows, row, NULL, json_aliases);
		json_error_t jerr;
		if (jtext)
			json = json_loads(jtext, 0, &jerr);
		if (json && !json_is_object(json)) {
			json_decref(json);
			json = NULL;
		}
		struct puq_dns_zone in;
		puq_dns_zone_init(&in);
		in.provider = legacy_provider(value_of(rows, row, json, type_aliases));
		if (in.provider == PUQ_DNS_NONE)
			in.provider = (enum puq_dns_provider) - 1; /* reported as a bad type */
		const char *zone = value_of(rows, row, json, zone_aliases);
		rc = puq_dns_zone_set(&in, PUQ_DNS_ZF_ZONE, zone);
		for (int f = 0; f < PUQ_DNS_ZF__COUNT && rc == 0; f++) {
			if (f == PUQ_DNS_ZF_ZONE ||
			    !puq_dns_zone_field_used(in.provider, (enum puq_dns_zone_field)f))
				continue;
			rc = puq_dns_zone_set(&in, (enum puq_dns_zone_field)f,
			                      value_of(rows, row, json, aliases[f]));
		}
		json_decref(json);
		if (rc < 0) {
			puq_dns_zone_free(&in);
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
			break;
		}
		struct puq_error e;
		long long id = 0;
		puq_error_clear(&e);
		int zrc = puq_dns_zone_create(db, &in, &id, &e);
		if (zrc == -PUQ_EVALIDATION) {
			r->rejected++;
			note(r, "row %lld (%s): not imported:", legacy_id,
			     zone ? zone : "no zone name");
			for (size_t k = 0; k < e.nfields; k++)
				note(r, "  %s: %s", e.fields[k].field, e.fields[k].message);
		} else if (zrc < 0) {
			*err = e;
			rc = zrc;
		} else {
			r->zones++;
			note(r, "row %lld: %s zone %s%s", legacy_id,
			     puq_dns_provider_label(in.provider), zone,
			     r->dry_run ? " would be imported" : " imported");
		}
		puq_dns_zone_free(&in);
	}
	puq_db_rows_free(rows);
	if (rc == 0 && r->dry_run) {
		ctx->dry_run_done = true;
		return puq_error_set(err, PUQ_ESTATE, "dry run"); /* rolls the transaction back */
	}
	return rc;
}

int puq_dns_import_legacy(struct puq_db *db, bool dry_run,
                          struct puq_dns_import_report *report, struct puq_error *err)
{
	report->dry_run = dry_run;
	struct puq_db_rows *rows = NULL;
	int rc = puq_db_query(
	    db, err,
	    "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
	    "AND table_name = ?",
	    PUQ_ARGS(PUQ_TEXT(LEGACY_TABLE)), &rows);
	if (rc < 0)
		return rc;
	bool exists = puq_db_cell_int(rows, 0, 0, 0) > 0;
	puq_db_rows_free(rows);
	if (!exists) {
		note(report, "no legacy table %s: nothing to import", LEGACY_TABLE);
		return 0;
	}
	puq_strlcpy(report->source, LEGACY_TABLE, sizeof(report->source));

	struct import_ctx ctx = {report, false};
	struct puq_error e;
	puq_error_clear(&e);
	rc = puq_db_transaction(db, import_rows, &ctx, &e);
	if (rc < 0 && ctx.dry_run_done)
		return 0;
	if (rc < 0) {
		if (err)
			*err = e;
		return rc;
	}
	return 0;
}

int puq_dns_schema_import(struct puq_db *db, struct puq_error *err)
{
	struct puq_dns_import_report rep;
	puq_dns_import_report_init(&rep);
	int rc = puq_dns_import_legacy(db, false, &rep, err);
	puq_dns_import_report_free(&rep);
	return rc;
}
