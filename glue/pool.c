/*
 * Glue of the pool room: IP pools for the admin page, allocation and release for the
 * provisioning engine, the legacy import for the addon's activation.
 *
 * Pools and addresses come back as plain arrays whose keys the IP Pools page uses
 * directly. Addresses are given canonical (RFC 5952) with the expanded form beside
 * them; counts, which can pass 2^64 for an IPv6 pool, are decimal strings, and the
 * usage line ("21.52% (17/79)") and the rDNS zone are computed here by the core, so
 * PHP never does address arithmetic. A submitted pool form may carry strings, ints or
 * null; anything else is a field error reported with the core's own, and nothing is
 * saved.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/pool.h"

/* ---- core structs to PHP arrays ---------------------------------------------------------- */

static void add_ip(zval *arr, const char *key, const struct puq_ip *ip)
{
	char text[PUQ_IP_TEXT_MAX] = "";
	if (ip->family != PUQ_IP_ANY)
		puq_ip_format(ip, PUQ_IP_CANONICAL, text);
	add_assoc_string(arr, key, text);
}

static void add_count(zval *arr, const char *key, const struct puq_ip_count *c)
{
	char text[PUQ_IP_COUNT_MAX];
	puq_ip_count_format(c, text);
	add_assoc_string(arr, key, text);
}

static void pool_to_array(zval *out, const struct puq_pool_info *info)
{
	const struct puq_pool *p = &info->pool;
	char usage[PUQ_IP_USAGE_MAX], zone[PUQ_IP_PTR_MAX];

	array_init_size(out, 20);
	add_assoc_long(out, "id", (zend_long)p->id);
	add_assoc_long(out, "server_id", (zend_long)p->server_id);
	add_assoc_string(out, "server_name", info->server_name);
	add_assoc_string(out, "type", p->family == PUQ_IP_V6 ? "IPv6" : "IPv4");
	add_assoc_string(out, "bridge", p->bridge);
	add_assoc_long(out, "vlan", p->vlan);
	add_ip(out, "gateway", &p->gateway);
	add_assoc_long(out, "mask", (zend_long)p->mask);
	add_ip(out, "dns1", &p->dns1);
	add_ip(out, "dns2", &p->dns2);
	add_ip(out, "start", &p->start);
	add_ip(out, "stop", &p->stop);
	add_count(out, "total", &info->total);
	add_count(out, "used", &info->used);
	puq_ip_usage_format(&info->used, &info->total, usage);
	add_assoc_string(out, "usage", usage);
	add_assoc_double(out, "usage_percent",
		puq_ip_usage_basis_points(&info->used, &info->total) / 100.0);
	if (!info->unreadable && puq_ip_rdns_zone(&p->gateway, (int)p->mask, zone, NULL) == 1)
		add_assoc_string(out, "rdns_zone", zone);
	else
		add_assoc_null(out, "rdns_zone");
	add_assoc_bool(out, "unreadable", info->unreadable);
}

static void address_to_array(zval *out, const struct puq_address *a, bool with_status)
{
	char text[PUQ_IP_TEXT_MAX];

	array_init_size(out, 20);
	add_assoc_long(out, "id", (zend_long)a->id);
	add_assoc_long(out, "service_id", (zend_long)a->service_id);
	add_assoc_long(out, "server_id", (zend_long)a->server_id);
	if (a->pool_id)
		add_assoc_long(out, "pool_id", (zend_long)a->pool_id);
	else
		add_assoc_null(out, "pool_id"); /* the server's Assigned IP Addresses list */
	add_assoc_long(out, "family", a->ip.family == PUQ_IP_V6 ? 6 : 4);
	add_ip(out, "ip", &a->ip);
	puq_ip_format(&a->ip, PUQ_IP_EXPANDED, text);
	add_assoc_string(out, "ip_expanded", text);
	add_assoc_string(out, "bridge", a->bridge);
	add_assoc_long(out, "vlan", a->vlan);
	add_assoc_long(out, "mask", (zend_long)a->mask);
	add_ip(out, "gateway", &a->gateway);
	add_ip(out, "dns1", &a->dns1);
	add_ip(out, "dns2", &a->dns2);
	add_assoc_bool(out, "main", a->main);
	add_assoc_bool(out, "live", a->live);
	add_assoc_string(out, "allocated_at", a->allocated_at);
	if (a->released_at[0]) {
		add_assoc_string(out, "released_at", a->released_at);
		add_assoc_string(out, "release_reason", a->release_reason);
	} else {
		add_assoc_null(out, "released_at");
		add_assoc_null(out, "release_reason");
	}
	if (with_status)
		add_assoc_string(out, "service_status", a->service_status);
}

static void addresses_to_array(zval *out, const struct puq_address_list *list,
	bool with_status)
{
	array_init_size(out, (uint32_t)list->n);
	for (size_t i = 0; i < list->n; i++) {
		zval item;
		address_to_array(&item, &list->items[i], with_status);
		add_next_index_zval(out, &item);
	}
}

/* ---- the pool form ----------------------------------------------------------------------- */

/* Field names of the form, in struct puq_pool_input order after server. */
static const char *const form_fields[] = {"type", "bridge", "vlan", "gateway", "mask", "dns1",
	"dns2", "start", "stop"};

/*
 * Reads the form array into in. Text values point into strs (which the caller
 * releases with release_form). A value that is not a string, number or null becomes a
 * field error in err.
 */
static void read_form(HashTable *form, struct puq_pool_input *in, zend_string *strs[9],
	struct puq_error *err)
{
	const char **dst[9] = {&in->type, &in->bridge, &in->vlan, &in->gateway, &in->mask,
		&in->dns1, &in->dns2, &in->start, &in->stop};

	memset(in, 0, sizeof(*in));
	zval *server = zend_hash_str_find(form, "server", sizeof("server") - 1);
	if (server && Z_TYPE_P(server) != IS_NULL) {
		if (Z_TYPE_P(server) == IS_LONG) {
			in->server_id = (long long)Z_LVAL_P(server);
		} else if (Z_TYPE_P(server) == IS_STRING &&
			is_numeric_string(Z_STRVAL_P(server), Z_STRLEN_P(server), NULL, NULL, 0) ==
				IS_LONG) {
			in->server_id = (long long)ZEND_STRTOL(Z_STRVAL_P(server), NULL, 10);
		} else {
			puq_error_field(err, "server", "select the Proxmox server");
		}
	}
	for (size_t i = 0; i < PUQ_ARRAY_LEN(form_fields); i++) {
		zval *v = zend_hash_str_find(form, form_fields[i], strlen(form_fields[i]));
		strs[i] = NULL;
		if (!v || Z_TYPE_P(v) == IS_NULL) {
			*dst[i] = "";
			continue;
		}
		if (Z_TYPE_P(v) != IS_STRING && Z_TYPE_P(v) != IS_LONG && Z_TYPE_P(v) != IS_DOUBLE) {
			puq_error_field(err, form_fields[i], "must be a single value");
			*dst[i] = "";
			continue;
		}
		strs[i] = zval_get_string(v);
		/* an embedded NUL would cut the value short unseen: refuse it */
		if (strlen(ZSTR_VAL(strs[i])) != ZSTR_LEN(strs[i]))
			puq_error_field(err, form_fields[i], "contains a NUL byte");
		*dst[i] = ZSTR_VAL(strs[i]);
	}
}

static void release_form(zend_string *strs[9])
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(form_fields); i++)
		if (strs[i])
			zend_string_release(strs[i]);
}

/* Runs create (id 0) or update; returns false after throwing. */
static bool save_pool(long long id, HashTable *form, long long *new_id)
{
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		return false;
	struct puq_pool_input in;
	zend_string *strs[9];
	struct puq_error err, form_err;
	puq_error_clear(&err);
	puq_error_clear(&form_err);
	read_form(form, &in, strs, &form_err);

	if (form_err.nfields) {
		/* the form's own problems first, then what the core finds in the rest; nothing
		 * is written */
		puq_pool_validate(&in, NULL, &err);
		for (size_t i = 0; i < err.nfields; i++)
			puq_error_field(&form_err, err.fields[i].field, "%s", err.fields[i].message);
		release_form(strs);
		php_puqkvm_throw(&form_err);
		return false;
	}
	int rc = id ? puq_pool_update(db, id, &in, &err) : puq_pool_create(db, &in, new_id, &err);
	release_form(strs);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		return false;
	}
	return true;
}

/* ---- PHP functions ----------------------------------------------------------------------- */

PHP_FUNCTION(puqkvm_pool_list)
{
	zend_long server_id = 0;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(server_id)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_pool_list list;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_list(db, (long long)server_id, &list, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)list.n);
	for (size_t i = 0; i < list.n; i++) {
		zval item;
		pool_to_array(&item, &list.items[i]);
		add_next_index_zval(return_value, &item);
	}
	puq_pool_list_free(&list);
}

PHP_FUNCTION(puqkvm_pool_get)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_pool_info info;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_get(db, (long long)id, &info, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	pool_to_array(return_value, &info);
}

PHP_FUNCTION(puqkvm_pool_create)
{
	HashTable *form;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(form)
	ZEND_PARSE_PARAMETERS_END();

	long long id = 0;
	if (!save_pool(0, form, &id))
		RETURN_THROWS();
	RETURN_LONG((zend_long)id);
}

PHP_FUNCTION(puqkvm_pool_update)
{
	zend_long id;
	HashTable *form;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_LONG(id)
		Z_PARAM_ARRAY_HT(form)
	ZEND_PARSE_PARAMETERS_END();

	if (id <= 0) {
		php_puqkvm_value_error(1, "must be a pool id greater than 0");
		RETURN_THROWS();
	}
	if (!save_pool((long long)id, form, NULL))
		RETURN_THROWS();
}

PHP_FUNCTION(puqkvm_pool_delete)
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
	if (puq_pool_delete(db, (long long)id, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_pool_allocate)
{
	zend_long service_id, server_id, v4, v6, vlan = 0;
	bool auto_bridge_vlan = true;
	zend_string *bridge = NULL;
	ZEND_PARSE_PARAMETERS_START(4, 7)
		Z_PARAM_LONG(service_id)
		Z_PARAM_LONG(server_id)
		Z_PARAM_LONG(v4)
		Z_PARAM_LONG(v6)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(auto_bridge_vlan)
		Z_PARAM_STR(bridge)
		Z_PARAM_LONG(vlan)
	ZEND_PARSE_PARAMETERS_END();

	if (v4 < 0 || v4 > PUQ_POOL_MAX_PER_SERVICE) {
		php_puqkvm_value_error(3, "must be between 0 and %d", PUQ_POOL_MAX_PER_SERVICE);
		RETURN_THROWS();
	}
	if (v6 < 0 || v6 > PUQ_POOL_MAX_PER_SERVICE) {
		php_puqkvm_value_error(4, "must be between 0 and %d", PUQ_POOL_MAX_PER_SERVICE);
		RETURN_THROWS();
	}
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_alloc_request req = {
		.service_id = (long long)service_id,
		.server_id = (long long)server_id,
		.ipv4_count = (unsigned)v4,
		.ipv6_count = (unsigned)v6,
		.auto_bridge_vlan = auto_bridge_vlan,
		.bridge = bridge ? ZSTR_VAL(bridge) : "",
		.vlan = vlan < 0 || vlan > 4094 ? -1 : (int)vlan,
	};
	struct puq_address_list held;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_allocate(db, &req, &held, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	addresses_to_array(return_value, &held, false);
	puq_address_list_free(&held);
}

PHP_FUNCTION(puqkvm_pool_release_service)
{
	zend_long service_id;
	zend_string *reason;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_LONG(service_id)
		Z_PARAM_STR(reason)
	ZEND_PARSE_PARAMETERS_END();

	static const enum puq_release_reason reasons[] = {PUQ_RELEASE_TERMINATE,
		PUQ_RELEASE_REDEPLOY, PUQ_RELEASE_PACKAGE, PUQ_RELEASE_ADMIN};
	size_t r = 0;
	while (r < PUQ_ARRAY_LEN(reasons) &&
		!zend_string_equals_cstr(reason, puq_release_reason_name(reasons[r]),
			strlen(puq_release_reason_name(reasons[r]))))
		r++;
	if (r == PUQ_ARRAY_LEN(reasons)) {
		php_puqkvm_value_error(2, "must be \"terminate\", \"redeploy\", \"package\" or \"admin\"");
		RETURN_THROWS();
	}
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	size_t released = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_release_service(db, (long long)service_id, reasons[r], &released, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)released);
}

PHP_FUNCTION(puqkvm_pool_release_allocation)
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
	if (puq_pool_release_allocation(db, (long long)id, PUQ_RELEASE_ADMIN, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_pool_addresses)
{
	zend_long service_id;
	bool history = false;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_LONG(service_id)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(history)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_address_list list;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_service_addresses(db, (long long)service_id, history, &list, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	addresses_to_array(return_value, &list, false);
	puq_address_list_free(&list);
}

PHP_FUNCTION(puqkvm_pool_stale_holdings)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_address_list list;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_stale_holdings(db, &list, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	addresses_to_array(return_value, &list, true);
	puq_address_list_free(&list);
}

PHP_FUNCTION(puqkvm_pool_import_legacy)
{
	bool dry_run = false;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(dry_run)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_pool_import_report rep;
	struct puq_error err;
	puq_pool_import_report_init(&rep);
	puq_error_clear(&err);
	if (puq_pool_import_legacy(db, dry_run, &rep, &err) < 0) {
		puq_pool_import_report_free(&rep);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, 8);
	add_assoc_bool(return_value, "dry_run", rep.dry_run);
	add_assoc_bool(return_value, "skipped", rep.skipped);
	add_assoc_string(return_value, "source", rep.source);
	add_assoc_long(return_value, "pools", (zend_long)rep.pools);
	add_assoc_long(return_value, "allocations", (zend_long)rep.allocations);
	add_assoc_long(return_value, "rejected", (zend_long)rep.rejected);
	add_assoc_string(return_value, "log", puq_buf_cstr(&rep.log));
	puq_pool_import_report_free(&rep);
}

PHP_FUNCTION(puqkvm_pool_repair)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_repair(db, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_pool_server_list_check)
{
	zend_string *text;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(text)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_server_line *lines = NULL;
	size_t n = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_server_list_parse(ZSTR_VAL(text), ZSTR_LEN(text), &lines, &n, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		zval item;
		array_init_size(&item, 8);
		add_assoc_long(&item, "line", (zend_long)lines[i].line);
		add_assoc_string(&item, "bridge", lines[i].bridge);
		add_assoc_long(&item, "vlan", lines[i].vlan);
		add_ip(&item, "ip", &lines[i].ip);
		add_assoc_long(&item, "mask", (zend_long)lines[i].mask);
		add_ip(&item, "gateway", &lines[i].gateway);
		add_ip(&item, "dns1", &lines[i].dns1);
		add_ip(&item, "dns2", &lines[i].dns2);
		add_next_index_zval(return_value, &item);
	}
	PUQ_FREE(lines);
}

PHP_FUNCTION(puqkvm_pool_servers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_pool_server *servers = NULL;
	size_t n = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_servers(db, &servers, &n, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		zval item;
		array_init_size(&item, 2);
		add_assoc_long(&item, "id", (zend_long)servers[i].id);
		add_assoc_string(&item, "name", servers[i].name);
		add_next_index_zval(return_value, &item);
	}
	PUQ_FREE(servers);
}
