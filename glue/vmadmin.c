/*
 * Glue of the vmlist and vmadmin rooms: the VM Management list and its actions, the
 * DB Record editor, and the admin service tab (attach an existing VM, the rDNS table,
 * the live information box).
 *
 * Every action takes the actor - the admin as the activity log should name them, e.g.
 * "admin alice (ID 1)" - which the core writes into the action's activity entry in the
 * same transaction. The functions that talk to Proxmox (attach, live) take WHMCS's
 * server-module $params, whose server fields carry the decrypted token secret; they
 * use one http engine per call for their few requests.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <jansson.h>

#include "dns_glue.h"
#include "glue.h"
#include "puqkvm/pve_conn.h"
#include "puqkvm/vm_store.h"
#include "puqkvm/vmadmin.h"
#include "puqkvm/vmlist.h"

/* A string member (numbers converted), or NULL when absent or null. Owned by the caller. */
static zend_string *member_str(HashTable *ht, const char *key)
{
	zval *v = zend_hash_str_find(ht, key, strlen(key));
	if (!v || Z_TYPE_P(v) == IS_NULL)
		return NULL;
	return zval_get_string(v);
}

static zend_long member_long(HashTable *ht, const char *a, const char *b)
{
	zval *v = zend_hash_str_find(ht, a, strlen(a));
	if (!v && b)
		v = zend_hash_str_find(ht, b, strlen(b));
	return v ? zval_get_long(v) : 0;
}

/* Throws err and returns true when rc failed. */
static bool failed(int rc, const struct puq_error *err)
{
	if (rc >= 0)
		return false;
	php_puqkvm_throw(err);
	return true;
}

/* ---- the list ------------------------------------------------------------------------------ */

struct query_args {
	struct puq_vmlist_query q;
	zend_string *s[5];
};

static void query_free(struct query_args *a)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(a->s); i++)
		if (a->s[i])
			zend_string_release(a->s[i]);
}

/* $query to a core query; bad sort or dir are field errors in err. */
static void query_from(HashTable *ht, struct query_args *a, struct puq_error *err)
{
	memset(a, 0, sizeof(*a));
	puq_vmlist_query_init(&a->q);
	if (!ht)
		return;
	a->s[0] = member_str(ht, "search");
	a->s[1] = member_str(ht, "service_status");
	a->s[2] = member_str(ht, "vm_status");
	a->s[3] = member_str(ht, "cursor");
	a->s[4] = member_str(ht, "sort");
	a->q.search = a->s[0] ? ZSTR_VAL(a->s[0]) : NULL;
	a->q.service_status = a->s[1] ? ZSTR_VAL(a->s[1]) : NULL;
	a->q.vm_status = a->s[2] ? ZSTR_VAL(a->s[2]) : NULL;
	a->q.cursor = a->s[3] ? ZSTR_VAL(a->s[3]) : NULL;
	if (a->s[4] && ZSTR_LEN(a->s[4]) && puq_vmlist_sort_parse(ZSTR_VAL(a->s[4]), &a->q.sort) < 0)
		puq_error_field(err, "sort", "unknown column");
	zend_string *dir = member_str(ht, "dir");
	if (dir) {
		if (zend_string_equals_literal(dir, "asc"))
			a->q.desc = false;
		else if (zend_string_equals_literal(dir, "desc"))
			a->q.desc = true;
		else if (ZSTR_LEN(dir))
			puq_error_field(err, "dir", "must be asc or desc");
		zend_string_release(dir);
	} else if (a->q.sort != PUQ_VMLIST_SORT_ID) {
		a->q.desc = false; /* names read A to Z unless asked otherwise */
	}
	if (zend_hash_str_exists(ht, "limit", sizeof("limit") - 1))
		a->q.limit = (int)member_long(ht, "limit", NULL);
}

PHP_FUNCTION(puqkvm_vmlist_page)
{
	HashTable *query = NULL;
	ZEND_PARSE_PARAMETERS_START(0, 1)
	Z_PARAM_OPTIONAL
	Z_PARAM_ARRAY_HT(query)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct query_args a;
	struct puq_error err;
	json_t *j = NULL;
	puq_error_clear(&err);
	query_from(query, &a, &err);
	/* the core adds its own field errors to those of sort and dir */
	int rc = puq_vmlist_page(db, &a.q, &j, &err);
	query_free(&a);
	if (failed(rc, &err))
		RETURN_THROWS();
	php_puqkvm_json_to_zval(return_value, j);
	json_decref(j);
}

PHP_FUNCTION(puqkvm_vmlist_count)
{
	HashTable *query = NULL;
	ZEND_PARSE_PARAMETERS_START(0, 1)
	Z_PARAM_OPTIONAL
	Z_PARAM_ARRAY_HT(query)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct query_args a;
	struct puq_error err;
	long long n = 0;
	puq_error_clear(&err);
	query_from(query, &a, &err);
	int rc = puq_vmlist_count(db, &a.q, &n, &err);
	query_free(&a);
	if (failed(rc, &err))
		RETURN_THROWS();
	RETURN_LONG((zend_long)n);
}

PHP_FUNCTION(puqkvm_vmlist_options)
{
	ZEND_PARSE_PARAMETERS_NONE();
	zval statuses, vm, sorts, resettable;
	array_init(return_value);
	array_init(&statuses);
	for (const char *const *s = puq_vmlist_service_statuses(); *s; s++)
		add_next_index_string(&statuses, *s);
	array_init(&vm);
	array_init(&resettable);
	for (int i = 0; i < PUQ_VM_STATE__COUNT; i++) {
		add_next_index_string(&vm, puq_vm_state_name((enum puq_vm_state)i));
		if (puq_vm_state_resettable((enum puq_vm_state)i))
			add_next_index_string(&resettable, puq_vm_state_name((enum puq_vm_state)i));
	}
	array_init(&sorts);
	for (int i = 0; i < PUQ_VMLIST_SORT__COUNT; i++)
		add_next_index_string(&sorts, puq_vmlist_sort_name((enum puq_vmlist_sort)i));
	add_assoc_zval(return_value, "service_statuses", &statuses);
	add_assoc_zval(return_value, "vm_statuses", &vm);
	add_assoc_zval(return_value, "resettable", &resettable);
	add_assoc_zval(return_value, "sorts", &sorts);
	add_assoc_long(return_value, "page_max", PUQ_VMLIST_PAGE_MAX);
}

PHP_FUNCTION(puqkvm_vmlist_sync)
{
	zend_string *scope;
	zend_long id = 0;
	ZEND_PARSE_PARAMETERS_START(1, 2)
	Z_PARAM_STR(scope)
	Z_PARAM_OPTIONAL
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	static const char *const names[] = {"service", "client", "product", "server", "order", "all"};
	int which = -1;
	for (int i = 0; i < (int)PUQ_ARRAY_LEN(names); i++)
		if (strcmp(ZSTR_VAL(scope), names[i]) == 0)
			which = i;
	if (which < 0) {
		php_puqkvm_value_error(1, "must be service, client, product, server, order or all");
		RETURN_THROWS();
	}
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	size_t n = 0;
	puq_error_clear(&err);
	if (failed(puq_vmlist_sync(db, (enum puq_vmlist_scope)which, id, &n, &err), &err))
		RETURN_THROWS();
	RETURN_LONG((zend_long)n);
}

PHP_FUNCTION(puqkvm_vmadmin_rules)
{
	zend_string *status;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_STR(status)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_vmlist_rules r;
	puq_vmlist_rules_for(ZSTR_VAL(status), &r);
	array_init(return_value);
	add_assoc_bool(return_value, "redeploy", r.redeploy);
	add_assoc_bool(return_value, "reset", r.reset);
	add_assoc_bool(return_value, "log", r.log);
	add_assoc_bool(return_value, "record", r.record);
	add_assoc_bool(return_value, "delete", r.delete_record);
}

/* ---- actions --------------------------------------------------------------------------------- */

#define DB_CALL(call)                                                                    \
	do {                                                                                 \
		struct puq_db *db = php_puqkvm_db();                                             \
		if (!db)                                                                         \
			RETURN_THROWS();                                                             \
		struct puq_error err;                                                            \
		puq_error_clear(&err);                                                           \
		if (failed((call), &err))                                                        \
			RETURN_THROWS();                                                             \
	} while (0)

PHP_FUNCTION(puqkvm_vmadmin_redeploy)
{
	zend_long id;
	zend_string *actor;
	ZEND_PARSE_PARAMETERS_START(2, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	DB_CALL(puq_vmadmin_redeploy(db, id, ZSTR_VAL(actor), &err));
}

PHP_FUNCTION(puqkvm_vmadmin_reset)
{
	zend_long id;
	zend_string *status, *actor;
	ZEND_PARSE_PARAMETERS_START(3, 3)
	Z_PARAM_LONG(id)
	Z_PARAM_STR(status)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	DB_CALL(puq_vmadmin_reset(db, id, ZSTR_VAL(status), ZSTR_VAL(actor), &err));
}

PHP_FUNCTION(puqkvm_vmadmin_delete_record)
{
	zend_long id;
	bool release;
	zend_string *actor;
	ZEND_PARSE_PARAMETERS_START(3, 3)
	Z_PARAM_LONG(id)
	Z_PARAM_BOOL(release)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	size_t released = 0;
	DB_CALL(puq_vmadmin_delete_record(db, id, release, ZSTR_VAL(actor), &released, &err));
	RETURN_LONG((zend_long)released);
}

PHP_FUNCTION(puqkvm_vmadmin_release_address)
{
	zend_long id;
	zend_string *actor;
	ZEND_PARSE_PARAMETERS_START(2, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	DB_CALL(puq_vmadmin_release_allocation(db, id, ZSTR_VAL(actor), &err));
}

/* ---- DB Record ---------------------------------------------------------------------------------- */

PHP_FUNCTION(puqkvm_vmadmin_record)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	json_t *j = NULL;
	DB_CALL(puq_vmadmin_record(db, id, &j, &err));
	php_puqkvm_json_to_zval(return_value, j);
	json_decref(j);
}

/* False after throwing the field errors of values the core could not keep as text. */
static bool text_ok(HashTable *values, const char *prefix)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (!php_puqkvm_text_check(values, prefix, &err))
		return true;
	php_puqkvm_throw(&err);
	return false;
}

PHP_FUNCTION(puqkvm_vmadmin_record_save)
{
	zend_long id;
	HashTable *values;
	zend_string *actor;
	ZEND_PARSE_PARAMETERS_START(3, 3)
	Z_PARAM_LONG(id)
	Z_PARAM_ARRAY_HT(values)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	if (!text_ok(values, NULL))
		RETURN_THROWS();
	size_t n = zend_hash_num_elements(values);
	struct puq_vmadmin_edit *edits = ecalloc(n ? n : 1, sizeof(*edits));
	zend_string **strs = ecalloc(2 * (n ? n : 1), sizeof(*strs));
	size_t k = 0;
	zend_string *key;
	zend_ulong idx;
	zval *v;
	ZEND_HASH_FOREACH_KEY_VAL(values, idx, key, v)
	{
		strs[2 * k] = key ? zend_string_copy(key) : zend_long_to_str((zend_long)idx);
		strs[2 * k + 1] = Z_TYPE_P(v) == IS_NULL ? NULL : zval_get_string(v);
		edits[k].name = ZSTR_VAL(strs[2 * k]);
		edits[k].value = strs[2 * k + 1] ? ZSTR_VAL(strs[2 * k + 1]) : NULL;
		k++;
	}
	ZEND_HASH_FOREACH_END();
	struct puq_db *db = php_puqkvm_db();
	char *summary = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = db ? puq_vmadmin_record_save(db, id, edits, k, ZSTR_VAL(actor), &summary, &err) : -1;
	for (size_t i = 0; i < 2 * k; i++)
		if (strs[i])
			zend_string_release(strs[i]);
	efree(strs);
	efree(edits);
	if (!db)
		RETURN_THROWS();
	if (failed(rc, &err))
		RETURN_THROWS();
	RETVAL_STRING(summary ? summary : "");
	free(summary);
}

/* ---- the service tab ----------------------------------------------------------------------------- */

/* One engine and connection for the few Proxmox reads of a call. */
struct pve_session {
	struct puq_pve_conn conn;
	struct puq_http_engine *engine;
};

static bool session_open(HashTable *params, struct pve_session *s, struct puq_error *err)
{
	s->engine = NULL;
	if (!php_puqkvm_pve_conn_from_array(params, &s->conn))
		return false;
	struct puq_http_options opt = {.default_timeout_ms = s->conn.timeout_ms, .max_per_host = 2};
	s->engine = puq_http_engine_new(&opt, err);
	if (!s->engine) {
		puq_pve_conn_free(&s->conn);
		php_puqkvm_throw(err);
		return false;
	}
	return true;
}

static void session_close(struct pve_session *s)
{
	puq_http_engine_free(s->engine);
	puq_pve_conn_free(&s->conn);
}

/* The guest vmid of /cluster/resources, as a new reference (NULL when Proxmox has none). */
static int find_guest(struct pve_session *s, long long vmid, json_t **guest, struct puq_error *err)
{
	struct puq_pve_req r;
	json_t *data = NULL;
	*guest = NULL;
	puq_pve_req_resources(&r, "vm");
	int rc = puq_pve_call(s->engine, &s->conn, &r, &data, err);
	puq_pve_req_free(&r);
	if (rc < 0)
		return rc;
	size_t i;
	json_t *g;
	json_array_foreach(data, i, g)
	{
		long long id = 0;
		const char *type = puq_pve_get_str(g, "type");
		if (puq_pve_get_int(g, "vmid", &id) && id == vmid && (!type || !strcmp(type, "qemu"))) {
			*guest = json_incref(g);
			break;
		}
	}
	json_decref(data);
	return 0;
}

PHP_FUNCTION(puqkvm_vmadmin_attach)
{
	HashTable *params;
	zend_long vmid;
	zend_string *actor;
	ZEND_PARSE_PARAMETERS_START(3, 3)
	Z_PARAM_ARRAY_HT(params)
	Z_PARAM_LONG(vmid)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	puq_error_clear(&err);
	if (vmid < 100 || vmid > 999999999) {
		puq_error_field(&err, "vmid", "must be a Proxmox VM id (100 to 999999999)");
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	struct pve_session s;
	if (!session_open(params, &s, &err))
		RETURN_THROWS();
	json_t *guest = NULL;
	int rc = find_guest(&s, vmid, &guest, &err);
	session_close(&s);
	if (rc == 0 && !guest)
		rc = puq_error_set(&err, PUQ_ENOTFOUND, "Proxmox has no VM %lld: check the VM id",
			(long long)vmid);
	else if (rc == 0 && puq_pve_get_bool(guest, "template", false))
		rc = puq_error_set(&err, PUQ_ECONFLICT, "Proxmox VM %lld is a template, not a VM",
			(long long)vmid);
	char node[PUQ_PVE_NAME_MAX] = "", name[256] = "";
	if (rc == 0) {
		const char *n = puq_pve_get_str(guest, "node"), *nm = puq_pve_get_str(guest, "name");
		puq_strlcpy(node, n ? n : "", sizeof(node));
		puq_strlcpy(name, nm ? nm : "", sizeof(name));
	}
	json_decref(guest);
	if (failed(rc, &err))
		RETURN_THROWS();
	zend_string *product = member_str(params, "product_json");
	struct puq_vmadmin_attach a = {
		.service_id = member_long(params, "serviceid", "accountid"),
		.client_id = member_long(params, "userid", NULL),
		.product_id = member_long(params, "pid", "packageid"),
		.server_id = member_long(params, "serverid", NULL),
		.vmid = vmid, .node = node, .name = name,
		.product = product ? ZSTR_VAL(product) : NULL};
	rc = puq_vmadmin_attach(db, &a, ZSTR_VAL(actor), &err);
	if (product)
		zend_string_release(product);
	if (failed(rc, &err))
		RETURN_THROWS();
	array_init(return_value);
	add_assoc_long(return_value, "vmid", vmid);
	add_assoc_string(return_value, "node", node);
	add_assoc_string(return_value, "name", name);
}

static void report_to_array(zval *out, const struct puq_dns_report *r, bool pushed)
{
	array_init(out);
	add_assoc_bool(out, "pushed", pushed);
	add_assoc_long(out, "ok", (zend_long)r->ok);
	add_assoc_long(out, "failed", (zend_long)r->failed);
	add_assoc_long(out, "requests", (zend_long)r->requests);
	zval lines;
	array_init(&lines);
	const char *p = r->lines.data;
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		add_next_index_stringl(&lines, p, n);
		p = nl ? nl + 1 : p + n;
	}
	add_assoc_zval(out, "lines", &lines);
}

PHP_FUNCTION(puqkvm_vmadmin_rdns_save)
{
	zend_long id;
	HashTable *names;
	zend_string *actor;
	ZEND_PARSE_PARAMETERS_START(3, 3)
	Z_PARAM_LONG(id)
	Z_PARAM_ARRAY_HT(names)
	Z_PARAM_STR(actor)
	ZEND_PARSE_PARAMETERS_END();
	if (!text_ok(names, "rdns"))
		RETURN_THROWS();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	size_t n = zend_hash_num_elements(names);
	struct puq_vmadmin_rdns *list = ecalloc(n ? n : 1, sizeof(*list));
	zend_string **strs = ecalloc(2 * (n ? n : 1), sizeof(*strs));
	size_t k = 0;
	zend_string *key;
	zend_ulong idx;
	zval *v;
	ZEND_HASH_FOREACH_KEY_VAL(names, idx, key, v)
	{
		strs[2 * k] = key ? zend_string_copy(key) : zend_long_to_str((zend_long)idx);
		strs[2 * k + 1] = zval_get_string(v);
		list[k].ip = ZSTR_VAL(strs[2 * k]);
		list[k].host = ZSTR_VAL(strs[2 * k + 1]);
		k++;
	}
	ZEND_HASH_FOREACH_END();
	struct puq_error err;
	size_t changed = 0;
	puq_error_clear(&err);
	int rc = puq_vmadmin_rdns_save(db, id, list, k, ZSTR_VAL(actor), &changed, &err);
	for (size_t i = 0; i < 2 * k; i++)
		zend_string_release(strs[i]);
	efree(strs);
	efree(list);
	if (failed(rc, &err))
		RETURN_THROWS();
	/* pushed only after the names are committed: DNS never blocks the save */
	struct puq_dns_report report;
	puq_dns_report_init(&report);
	bool pushed = false;
	if (changed) {
		struct puq_dns_ctx ctx = {.db = db,
			.timeout_ms = php_puqkvm_dns_timeout_ms(db, "default_timeout", 10),
			.cloudflare_api = php_puqkvm_dns_cloudflare_api()};
		rc = puq_vmadmin_dns_push(&ctx, id, &report, &err);
		pushed = rc == 0 && report.services > 0;
	}
	array_init(return_value);
	add_assoc_long(return_value, "changed", (zend_long)changed);
	zval dns;
	report_to_array(&dns, &report, pushed);
	if (rc < 0)
		add_assoc_string(&dns, "error", err.text);
	add_assoc_zval(return_value, "dns", &dns);
	puq_dns_report_free(&report);
}

PHP_FUNCTION(puqkvm_vmadmin_live)
{
	HashTable *params;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_ARRAY_HT(params)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	long long service = member_long(params, "serviceid", "accountid");
	struct puq_vm vm;
	struct puq_error err;
	puq_error_clear(&err);
	if (failed(puq_vm_load(db, service, &vm, NULL, &err), &err))
		RETURN_THROWS();
	json_t *guest = NULL, *status = NULL, *config = NULL, *summary = NULL;
	int rc = 0;
	bool api_ok = true;
	char api_message[PUQ_ERROR_TEXT_MAX] = "API answer OK";
	if (vm.vmid > 0) {
		struct pve_session s;
		if (!session_open(params, &s, &err)) {
			puq_vm_free(&vm);
			RETURN_THROWS();
		}
		rc = find_guest(&s, vm.vmid, &guest, &err);
		const char *node = guest ? puq_pve_get_str(guest, "node") : NULL;
		struct puq_pve_req r;
		if (rc == 0 && node) {
			puq_pve_req_status(&r, node, vm.vmid);
			rc = puq_pve_call(s.engine, &s.conn, &r, &status, &err);
			puq_pve_req_free(&r);
		}
		if (rc == 0 && node) {
			puq_pve_req_config_get(&r, node, vm.vmid, true);
			rc = puq_pve_call(s.engine, &s.conn, &r, &config, &err);
			puq_pve_req_free(&r);
		}
		session_close(&s);
		if (rc < 0) {
			api_ok = false;
			puq_strlcpy(api_message, err.text, sizeof(api_message));
			puq_error_clear(&err);
		}
	}
	rc = puq_vmadmin_live_summary(&vm, guest, status, config, &summary, &err);
	json_decref(guest);
	json_decref(status);
	json_decref(config);
	puq_vm_free(&vm);
	if (failed(rc, &err))
		RETURN_THROWS();
	json_object_set_new(summary, "api", json_pack("{s:b,s:s}", "ok", api_ok, "message",
		vm.vmid > 0 ? api_message : "no VM yet"));
	php_puqkvm_json_to_zval(return_value, summary);
	json_decref(summary);
}
