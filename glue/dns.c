/*
 * Glue of the dns room: zones for the DNS Zones page, the Test button, the four DNS
 * operations for the engine and the admin, the matching helper, and what the legacy
 * dns.php endpoint and the legacy import need.
 *
 * Zones leave as arrays whose secrets are always PUQ_DNS_KEEP ("__KEEP__"): no function
 * here returns a stored secret. A submitted zone may carry strings, numbers or null per
 * field; anything else is a field error, reported with the core's, and nothing is saved.
 *
 * The four operations are in glue/dns_ops.c. Timeouts come from Settings > General: the
 * Heavy Operations Timeout for operations, the Default Timeout for the Test button.
 *
 * INI: puqkvm.cloudflare_api (system) overrides the Cloudflare API base URL, for a
 * private gateway and for the test simulator.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dns_glue.h"
#include "puqkvm/settings.h"
#include "puqkvm/text.h"

static int dns_module_number;

PHP_INI_BEGIN()
PHP_INI_ENTRY("puqkvm.cloudflare_api", PUQ_DNS_CLOUDFLARE_API, PHP_INI_SYSTEM, NULL)
PHP_INI_END()

static zend_result dns_minit(INIT_FUNC_ARGS)
{
	dns_module_number = module_number;
	return zend_register_ini_entries(ini_entries, module_number);
}

static void dns_mshutdown(void)
{
	zend_unregister_ini_entries(dns_module_number);
}

const struct php_puqkvm_room php_puqkvm_room_dns = {
    .name = "dns",
    .minit = dns_minit,
    .mshutdown = dns_mshutdown,
};

const char *php_puqkvm_dns_cloudflare_api(void)
{
	const char *v = INI_STR("puqkvm.cloudflare_api");
	return v && *v ? v : PUQ_DNS_CLOUDFLARE_API;
}

/* A timeout setting in milliseconds (its default when the settings cannot be read). */
long php_puqkvm_dns_timeout_ms(struct puq_db *db, const char *name, long dflt_s)
{
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	long secs = dflt_s;
	if (puq_settings_load(db, &s, &err) == 0) {
		long long v = puq_settings_get_int(&s, name);
		if (v > 0)
			secs = (long)v;
		puq_settings_free(&s);
	}
	return secs * 1000;
}

/* ---- zones ------------------------------------------------------------------------- */

static void zone_to_array(zval *out, struct puq_dns_zone *z)
{
	puq_dns_zone_mask(z); /* never a stored secret in a PHP value */
	array_init_size(out, 4 + PUQ_DNS_ZF__COUNT);
	add_assoc_long(out, "id", (zend_long)z->id);
	add_assoc_string(out, "type", puq_dns_provider_name(z->provider));
	add_assoc_string(out, "type_label", puq_dns_provider_label(z->provider));
	for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++) {
		const char *key = puq_dns_zone_field_key((enum puq_dns_zone_field)f);
		if (puq_dns_zone_field_used(z->provider, (enum puq_dns_zone_field)f))
			add_assoc_string(out, key, z->f[f] ? z->f[f] : "");
		else
			add_assoc_null(out, key);
	}
}

/* Reads a submitted zone; values that are not single values become field errors. */
static int read_zone(HashTable *form, struct puq_dns_zone *in, struct puq_error *err)
{
	puq_dns_zone_init(in);
	bool bad = false;
	zval *type = zend_hash_str_find(form, "type", sizeof("type") - 1);
	if (type && Z_TYPE_P(type) == IS_STRING) {
		in->provider = puq_dns_provider_parse(Z_STRVAL_P(type));
		if (in->provider == PUQ_DNS_NONE)
			in->provider = (enum puq_dns_provider) - 1; /* the core names it */
	} else if (type && Z_TYPE_P(type) != IS_NULL) {
		puq_error_field(err, "type", "Type must be Cloudflare, HestiaCP or PowerDNS");
		bad = true;
	}
	for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++) {
		const char *key = puq_dns_zone_field_key((enum puq_dns_zone_field)f);
		zval *v = zend_hash_str_find(form, key, strlen(key));
		if (!v || Z_TYPE_P(v) == IS_NULL)
			continue;
		if (Z_TYPE_P(v) != IS_STRING && Z_TYPE_P(v) != IS_LONG) {
			puq_error_field(err, key, "%s must be text",
			                puq_dns_zone_field_label((enum puq_dns_zone_field)f));
			bad = true;
			continue;
		}
		const char *why = Z_TYPE_P(v) == IS_STRING ? puq_text_problem(Z_STRVAL_P(v), Z_STRLEN_P(v))
		                                           : NULL;
		if (why) {
			puq_error_field(err, key, "%s %s",
			                puq_dns_zone_field_label((enum puq_dns_zone_field)f), why);
			bad = true;
			continue;
		}
		zend_string *s = zval_get_string(v);
		int rc = puq_dns_zone_set(in, (enum puq_dns_zone_field)f, ZSTR_VAL(s));
		zend_string_release(s);
		if (rc < 0)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	return bad ? -PUQ_EVALIDATION : 0;
}

PHP_FUNCTION(puqkvm_dns_zone_list)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_zones zones;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_list(db, &zones, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)zones.count);
	for (size_t i = 0; i < zones.count; i++) {
		zval item;
		zone_to_array(&item, &zones.items[i]);
		add_next_index_zval(return_value, &item);
	}
	puq_dns_zones_free(&zones);
}

PHP_FUNCTION(puqkvm_dns_zone_get)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_zone z;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_get(db, (long long)id, &z, &err) < 0) {
		puq_dns_zone_free(&z);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	zone_to_array(return_value, &z);
	puq_dns_zone_free(&z);
}

PHP_FUNCTION(puqkvm_dns_zone_create)
{
	HashTable *form;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_ARRAY_HT(form)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_zone in;
	struct puq_error err;
	puq_error_clear(&err);
	long long id = 0;
	int rc = read_zone(form, &in, &err);
	if (rc == 0) {
		rc = puq_dns_zone_create(db, &in, &id, &err);
	} else if (rc == -PUQ_EVALIDATION) { /* the core's findings too, nothing written */
		struct puq_dns_zone out;
		puq_dns_zone_validate(&in, NULL, &out, &err);
		puq_dns_zone_free(&out);
	}
	puq_dns_zone_free(&in);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)id);
}

PHP_FUNCTION(puqkvm_dns_zone_update)
{
	zend_long id;
	HashTable *form;
	ZEND_PARSE_PARAMETERS_START(2, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_ARRAY_HT(form)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_zone in;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = read_zone(form, &in, &err);
	if (rc == 0) {
		rc = puq_dns_zone_update(db, (long long)id, &in, &err);
	} else if (rc == -PUQ_EVALIDATION) { /* the core's findings too, nothing written */
		struct puq_dns_zone stored, out;
		struct puq_error ignored;
		puq_error_clear(&ignored);
		if (puq_dns_zone_get(db, (long long)id, &stored, &ignored) == 0) {
			puq_dns_zone_validate(&in, &stored, &out, &err);
			puq_dns_zone_free(&out);
		}
		puq_dns_zone_free(&stored);
	}
	puq_dns_zone_free(&in);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_dns_zone_delete)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_delete(db, (long long)id, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_dns_zone_test)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_zone z;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_get(db, (long long)id, &z, &err) < 0) {
		puq_dns_zone_free(&z);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	struct puq_dns_ctx ctx = {.db = db,
	                          .timeout_ms =
	                              php_puqkvm_dns_timeout_ms(db, "default_timeout", 10),
	                          .cloudflare_api = php_puqkvm_dns_cloudflare_api()};
	struct puq_dns_test_result res;
	int rc = puq_dns_zone_test(&ctx, &z, &res, &err);
	puq_dns_zone_free(&z);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, 3);
	add_assoc_bool(return_value, "ok", res.ok);
	add_assoc_string(return_value, "message", res.message);
	add_assoc_long(return_value, "http_status", res.http_status);
}

PHP_FUNCTION(puqkvm_dns_zone_fields)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init_size(return_value, 3);
	for (int p = PUQ_DNS_CLOUDFLARE; p <= PUQ_DNS_POWERDNS; p++) {
		zval provider, list;
		array_init_size(&provider, 3);
		add_assoc_string(&provider, "label", puq_dns_provider_label(p));
		array_init(&list);
		for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++) {
			if (!puq_dns_zone_field_used(p, f))
				continue;
			zval field;
			array_init_size(&field, 4);
			add_assoc_string(&field, "name", puq_dns_zone_field_key(f));
			add_assoc_string(&field, "label", puq_dns_zone_field_label(f));
			add_assoc_bool(&field, "secret", puq_dns_zone_field_secret(f));
			add_assoc_bool(&field, "required", puq_dns_zone_field_required(p, f));
			add_next_index_zval(&list, &field);
		}
		add_assoc_zval(&provider, "fields", &list);
		add_assoc_zval(return_value, puq_dns_provider_name(p), &provider);
	}
}

/* ---- matching, legacy endpoint, legacy import
 * ------------------------------------------ */

PHP_FUNCTION(puqkvm_dns_zones_for)
{
	zend_string *name;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_STR(name)
	ZEND_PARSE_PARAMETERS_END();
	char norm[PUQ_DNS_NAME_MAX];
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_name_normalize(ZSTR_VAL(name), norm, &err) < 0) {
		php_puqkvm_value_error(1, "must be a DNS name: it %s", err.text);
		RETURN_THROWS();
	}
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_zones zones;
	if (puq_dns_zone_list(db, &zones, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	for (size_t i = 0; i < zones.count; i++)
		if (puq_dns_zone_matches(zones.items[i].f[PUQ_DNS_ZF_ZONE], norm)) {
			zval item;
			zone_to_array(&item, &zones.items[i]);
			add_next_index_zval(return_value, &item);
		}
	puq_dns_zones_free(&zones);
}

PHP_FUNCTION(puqkvm_dns_legacy_map)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	json_t *map = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_legacy_map(db, &map, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)json_array_size(map));
	size_t i;
	json_t *e;
	json_array_foreach(map, i, e)
	{
		zval item;
		array_init_size(&item, 3);
		add_assoc_string(&item, "forward",
		                 json_string_value(json_object_get(e, "forward")));
		add_assoc_string(&item, "ip", json_string_value(json_object_get(e, "ip")));
		add_assoc_string(&item, "reverse",
		                 json_string_value(json_object_get(e, "reverse")));
		add_next_index_zval(return_value, &item);
	}
	json_decref(map);
}

PHP_FUNCTION(puqkvm_dns_endpoint_allowed)
{
	zend_string *ip;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_STR(ip)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_settings_load(db, &s, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	bool ok = puq_dns_allowlist_allows(puq_settings_get(&s, "dns_endpoint_allowlist"),
	                                   ZSTR_VAL(ip));
	puq_settings_free(&s);
	RETURN_BOOL(ok);
}

PHP_FUNCTION(puqkvm_dns_import_legacy)
{
	bool dry_run = false;
	ZEND_PARSE_PARAMETERS_START(0, 1)
	Z_PARAM_OPTIONAL
	Z_PARAM_BOOL(dry_run)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dns_import_report rep;
	struct puq_error err;
	puq_dns_import_report_init(&rep);
	puq_error_clear(&err);
	if (puq_dns_import_legacy(db, dry_run, &rep, &err) < 0) {
		puq_dns_import_report_free(&rep);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, 6);
	add_assoc_bool(return_value, "dry_run", rep.dry_run);
	add_assoc_bool(return_value, "skipped", rep.skipped);
	add_assoc_string(return_value, "source", rep.source);
	add_assoc_long(return_value, "zones", (zend_long)rep.zones);
	add_assoc_long(return_value, "rejected", (zend_long)rep.rejected);
	add_assoc_string(return_value, "log", puq_buf_cstr(&rep.log));
	puq_dns_import_report_free(&rep);
}
