/*
 * Glue of the vm room: what the server module and the admin pages call to queue work on
 * a VM (CreateAccount, ChangePackage, Terminate, Suspend, power, Reinstall, Redeploy,
 * Set DNS records, Reset), to read a VM and its run log, and the product settings the
 * module's ConfigOptions is generated from.
 *
 * The provisioning functions take WHMCS's own $params array: serviceid, userid, pid,
 * serverid, configoption1..24 and configoptions (name => value), plus
 * password_encrypted when the shim has a new service password (encrypted by WHMCS's
 * encrypt(): the core never sees WHMCS's key). Everything is validated by the core;
 * a bad setting or option throws PuqKvm\ValidationException naming each field.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <jansson.h>

#include "glue.h"
#include "puqkvm/vm_store.h"

/* ---- $params to an order ---------------------------------------------------------------- */

struct order_args {
	struct puq_vm_order o;
	zend_string *strs[PUQ_VM_SLOTS + 1];
	struct puq_vm_option *opts;
	zend_string **optstrs; /* 2 per option */
	size_t nopts;
};

static zend_long long_member(HashTable *ht, const char *a, const char *b)
{
	zval *v = zend_hash_str_find(ht, a, strlen(a));
	if (!v && b)
		v = zend_hash_str_find(ht, b, strlen(b));
	return v ? zval_get_long(v) : 0;
}

static void order_free(struct order_args *a)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(a->strs); i++)
		if (a->strs[i])
			zend_string_release(a->strs[i]);
	for (size_t i = 0; a->optstrs && i < 2 * a->nopts; i++)
		if (a->optstrs[i])
			zend_string_release(a->optstrs[i]);
	efree(a->opts);
	efree(a->optstrs);
}

static void order_from(HashTable *p, struct order_args *a)
{
	memset(a, 0, sizeof(*a));
	a->o.service_id = long_member(p, "serviceid", "accountid");
	a->o.client_id = long_member(p, "userid", NULL);
	a->o.product_id = long_member(p, "pid", "packageid");
	a->o.server_id = long_member(p, "serverid", NULL);
	for (int i = 0; i < PUQ_VM_SLOTS; i++) {
		char key[24];
		snprintf(key, sizeof(key), "configoption%d", i + 1);
		zval *v = zend_hash_str_find(p, key, strlen(key));
		if (v && Z_TYPE_P(v) != IS_NULL) {
			a->strs[i] = zval_get_string(v);
			a->o.slots[i] = ZSTR_VAL(a->strs[i]);
		}
	}
	zval *pw = zend_hash_str_find(p, "password_encrypted", sizeof("password_encrypted") - 1);
	if (pw && Z_TYPE_P(pw) == IS_STRING) {
		a->strs[PUQ_VM_SLOTS] = zend_string_copy(Z_STR_P(pw));
		a->o.password_enc = ZSTR_VAL(a->strs[PUQ_VM_SLOTS]);
	}
	zval *co = zend_hash_str_find(p, "configoptions", sizeof("configoptions") - 1);
	if (co && Z_TYPE_P(co) == IS_ARRAY) {
		HashTable *ht = Z_ARRVAL_P(co);
		size_t n = zend_hash_num_elements(ht);
		a->opts = ecalloc(n ? n : 1, sizeof(*a->opts));
		a->optstrs = ecalloc(2 * (n ? n : 1), sizeof(*a->optstrs));
		zend_string *k;
		zend_ulong idx;
		zval *v;
		ZEND_HASH_FOREACH_KEY_VAL(ht, idx, k, v)
		{
			zend_string *name = k ? zend_string_copy(k) : zend_long_to_str((zend_long)idx);
			zend_string *value = zval_get_string(v);
			a->optstrs[2 * a->nopts] = name;
			a->optstrs[2 * a->nopts + 1] = value;
			a->opts[a->nopts].name = ZSTR_VAL(name);
			a->opts[a->nopts].value = ZSTR_VAL(value);
			a->nopts++;
		}
		ZEND_HASH_FOREACH_END();
	}
	a->o.options = a->opts;
	a->o.noptions = a->nopts;
}

static struct puq_db *db_or_throw(void)
{
	return php_puqkvm_db();
}

/* ---- queueing ---------------------------------------------------------------------------- */

PHP_FUNCTION(puqkvm_vm_create)
{
	HashTable *params;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_ARRAY_HT(params)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = db_or_throw();
	if (!db)
		RETURN_THROWS();
	struct order_args a;
	struct puq_error err;
	puq_error_clear(&err);
	order_from(params, &a);
	int rc = puq_vm_queue_create(db, &a.o, &err);
	order_free(&a);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_vm_change_package)
{
	HashTable *params;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_ARRAY_HT(params)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = db_or_throw();
	if (!db)
		RETURN_THROWS();
	struct order_args a;
	struct puq_error err;
	bool queued = false;
	puq_error_clear(&err);
	order_from(params, &a);
	int rc = puq_vm_queue_change_package(db, &a.o, &queued, &err);
	order_free(&a);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	RETURN_BOOL(queued);
}

PHP_FUNCTION(puqkvm_vm_product_check)
{
	HashTable *params;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_ARRAY_HT(params)
	ZEND_PARSE_PARAMETERS_END();
	struct order_args a;
	struct puq_error err;
	struct puq_vm_product p;
	puq_error_clear(&err);
	order_from(params, &a);
	int rc = puq_vm_product_resolve(a.o.slots, a.o.options, a.o.noptions, &p, &err);
	order_free(&a);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	json_t *j = puq_vm_product_to_json(&p);
	if (!j) {
		zend_throw_error(NULL, "out of memory");
		RETURN_THROWS();
	}
	php_puqkvm_json_to_zval(return_value, j);
	json_decref(j);
}

PHP_FUNCTION(puqkvm_vm_product_settings)
{
	ZEND_PARSE_PARAMETERS_NONE();
	static const char *const types[] = {"int", "bool", "choice", "text"};
	array_init(return_value);
	for (size_t i = 0; i < puq_vm_settings_count(); i++) {
		const struct puq_vm_setting_def *d = puq_vm_settings_def(i);
		zval e, choices;
		array_init(&e);
		add_assoc_string(&e, "name", d->name);
		add_assoc_long(&e, "slot", d->slot);
		add_assoc_string(&e, "type", types[d->type]);
		add_assoc_string(&e, "default", d->dflt);
		add_assoc_long(&e, "min", (zend_long)d->min);
		add_assoc_long(&e, "max", (zend_long)d->max);
		array_init(&choices);
		if (d->choices) {
			const char *p = d->choices;
			for (;;) {
				const char *c = strchr(p, ',');
				size_t n = c ? (size_t)(c - p) : strlen(p);
				add_next_index_stringl(&choices, p, n);
				if (!c)
					break;
				p = c + 1;
			}
		}
		add_assoc_zval(&e, "choices", &choices);
		if (d->loader)
			add_assoc_string(&e, "loader", d->loader);
		else
			add_assoc_null(&e, "loader");
		add_assoc_string(&e, "label", d->label);
		add_assoc_string(&e, "help", d->help ? d->help : "");
		add_next_index_zval(return_value, &e);
	}
}

/* A queueing call on one service id: rc from fn, thrown on failure. */
#define SERVICE_CALL(call)                                                               \
	do {                                                                                 \
		struct puq_db *db = db_or_throw();                                               \
		if (!db)                                                                         \
			RETURN_THROWS();                                                             \
		struct puq_error err;                                                            \
		puq_error_clear(&err);                                                           \
		if ((call) < 0) {                                                                \
			php_puqkvm_throw(&err);                                                      \
			RETURN_THROWS();                                                             \
		}                                                                                \
	} while (0)

PHP_FUNCTION(puqkvm_vm_terminate)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	SERVICE_CALL(puq_vm_queue_terminate(db, id, &err));
}

PHP_FUNCTION(puqkvm_vm_suspend)
{
	zend_long id;
	bool suspended = true;
	ZEND_PARSE_PARAMETERS_START(1, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_OPTIONAL
	Z_PARAM_BOOL(suspended)
	ZEND_PARSE_PARAMETERS_END();
	SERVICE_CALL(puq_vm_queue_suspend(db, id, suspended, &err));
}

PHP_FUNCTION(puqkvm_vm_power)
{
	zend_long id;
	zend_string *action;
	ZEND_PARSE_PARAMETERS_START(2, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_STR(action)
	ZEND_PARSE_PARAMETERS_END();
	if (strcmp(ZSTR_VAL(action), "start") != 0 && strcmp(ZSTR_VAL(action), "stop") != 0) {
		php_puqkvm_value_error(2, "must be \"start\" or \"stop\"");
		RETURN_THROWS();
	}
	SERVICE_CALL(puq_vm_queue_power(db, id, ZSTR_VAL(action), &err));
}

PHP_FUNCTION(puqkvm_vm_reinstall)
{
	zend_long id, template_vmid = 0;
	zend_string *password = NULL;
	ZEND_PARSE_PARAMETERS_START(1, 3)
	Z_PARAM_LONG(id)
	Z_PARAM_OPTIONAL
	Z_PARAM_LONG(template_vmid)
	Z_PARAM_STR_OR_NULL(password)
	ZEND_PARSE_PARAMETERS_END();
	SERVICE_CALL(puq_vm_queue_reinstall(db, id, template_vmid,
		password ? ZSTR_VAL(password) : NULL, &err));
}

PHP_FUNCTION(puqkvm_vm_redeploy)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	SERVICE_CALL(puq_vm_queue_redeploy(db, id, &err));
}

PHP_FUNCTION(puqkvm_vm_set_dns_records)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	SERVICE_CALL(puq_vm_queue_dns(db, id, &err));
}

PHP_FUNCTION(puqkvm_vm_reset)
{
	zend_long id;
	zend_string *status;
	ZEND_PARSE_PARAMETERS_START(2, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_STR(status)
	ZEND_PARSE_PARAMETERS_END();
	SERVICE_CALL(puq_vm_reset(db, id, ZSTR_VAL(status), &err));
}

/* ---- reading ------------------------------------------------------------------------------- */

static void json_result(zval *return_value, int rc, json_t *j, struct puq_error *err)
{
	if (rc < 0) {
		php_puqkvm_throw(err);
		return;
	}
	php_puqkvm_json_to_zval(return_value, j);
	json_decref(j);
}

PHP_FUNCTION(puqkvm_vm_get)
{
	zend_long id;
	ZEND_PARSE_PARAMETERS_START(1, 1)
	Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = db_or_throw();
	if (!db)
		RETURN_THROWS();
	json_t *j = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_vm_info(db, id, &j, &err);
	json_result(return_value, rc, j, &err);
}

PHP_FUNCTION(puqkvm_vm_runs)
{
	zend_long id, limit = PUQ_VM_RUNS_KEPT;
	ZEND_PARSE_PARAMETERS_START(1, 2)
	Z_PARAM_LONG(id)
	Z_PARAM_OPTIONAL
	Z_PARAM_LONG(limit)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = db_or_throw();
	if (!db)
		RETURN_THROWS();
	json_t *j = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_vm_runs(db, id, (int)limit, &j, &err);
	json_result(return_value, rc, j, &err);
}
