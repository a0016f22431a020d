/*
 * Glue of the client area, backups, snapshots and statistics: what the server module's
 * client area, its metric provider and the tests call.
 *
 * puqkvm_client_call() hands one client-area action to the core (src/client), which
 * authorises it against the session's client and the product and performs it; the
 * request's fields arrive as a PHP array and travel as JSON. The Proxmox connection is
 * the service's server entry as WHMCS passes it (password decrypted by WHMCS), with the
 * timeouts of Settings > General. The local time offset defaults to PHP's (WHMCS's)
 * time zone, so schedules and dates follow the installation's clock.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <jansson.h>

#include "glue.h"
#include "ext/date/php_date.h"
#include "puqkvm/client.h"
#include "puqkvm/settings.h"
#include "puqkvm/stats.h"

/* ---- PHP values to JSON ---- */

static json_t *to_json(zval *v, int depth)
{
	ZVAL_DEREF(v);
	if (depth > 16)
		return json_null();
	switch (Z_TYPE_P(v)) {
	case IS_NULL:
	case IS_UNDEF:
		return json_null();
	case IS_FALSE:
		return json_false();
	case IS_TRUE:
		return json_true();
	case IS_LONG:
		return json_integer((json_int_t)Z_LVAL_P(v));
	case IS_DOUBLE:
		return json_real(Z_DVAL_P(v));
	case IS_STRING:
		return json_stringn(Z_STRVAL_P(v), Z_STRLEN_P(v));
	case IS_ARRAY: {
		HashTable *ht = Z_ARRVAL_P(v);
		zend_string *k;
		zend_ulong idx;
		zval *e;
		json_t *out = zend_array_is_list(ht) ? json_array() : json_object();
		ZEND_HASH_FOREACH_KEY_VAL(ht, idx, k, e)
		{
			json_t *j = to_json(e, depth + 1);
			if (json_is_array(out)) {
				json_array_append_new(out, j);
			} else {
				char key[32];
				if (!k)
					snprintf(key, sizeof(key), ZEND_ULONG_FMT, idx);
				json_object_setn_new(out, k ? ZSTR_VAL(k) : key, k ? ZSTR_LEN(k) : strlen(key), j);
			}
		}
		ZEND_HASH_FOREACH_END();
		return out;
	}
	default:
		return json_null(); /* objects and resources carry nothing a client may send */
	}
}

/* ---- the connection ---- */

struct one_server {
	struct puq_pve_conn conn;
	long long server_id; /* 0 = not said */
	bool refused;        /* the server entry is not usable: why says why */
	struct puq_error why;
};

static struct puq_pve_conn *conn_for(void *ctx, long long server_id, struct puq_error *err)
{
	struct one_server *s = ctx;
	if (s->refused) {
		*err = s->why;
		return NULL;
	}
	if (s->server_id > 0 && server_id != s->server_id) {
		puq_error_set(err, PUQ_ECONFLICT, "the service's server is not the one given");
		return NULL;
	}
	return &s->conn;
}

static const char *member_str(HashTable *ht, const char *key)
{
	zval *v = ht ? zend_hash_str_find(ht, key, strlen(key)) : NULL;
	return v && Z_TYPE_P(v) == IS_STRING ? Z_STRVAL_P(v) : NULL;
}

static zend_long member_long(HashTable *ht, const char *key, zend_long dflt, bool *set)
{
	zval *v = ht ? zend_hash_str_find(ht, key, strlen(key)) : NULL;
	if (set)
		*set = v != NULL;
	return v ? zval_get_long(v) : dflt;
}

/*
 * False after throwing the field errors of arguments the core could not keep as text (a
 * note cut short at a NUL byte, an emoji). Fields are named as the core names them, so
 * the page can mark them: rdns_save's names are "rdns.<address>".
 */
static bool args_text_ok(HashTable *args)
{
	struct puq_error err;
	puq_error_clear(&err);
	zend_string *key;
	zend_ulong idx;
	zval *v;
	HashTable one;
	ZEND_HASH_FOREACH_KEY_VAL(args, idx, key, v)
	{
		ZVAL_DEREF(v);
		if (key && Z_TYPE_P(v) == IS_ARRAY) {
			const char *prefix = zend_string_equals_literal(key, "names") ? "rdns" : ZSTR_VAL(key);
			php_puqkvm_text_check(Z_ARRVAL_P(v), prefix, &err);
			continue;
		}
		/* a single member, checked under its own name */
		zend_hash_init(&one, 1, NULL, NULL, 0);
		if (key)
			zend_hash_add_new(&one, key, v);
		else
			zend_hash_index_add_new(&one, idx, v);
		php_puqkvm_text_check(&one, NULL, &err);
		zend_hash_destroy(&one);
	}
	ZEND_HASH_FOREACH_END();
	if (!err.code)
		return true;
	php_puqkvm_throw(&err);
	return false;
}

PHP_FUNCTION(puqkvm_client_call)
{
	HashTable *server, *args = NULL, *options = NULL;
	zend_long service_id, client_id;
	zend_string *action;
	ZEND_PARSE_PARAMETERS_START(4, 6)
	Z_PARAM_ARRAY_HT(server)
	Z_PARAM_LONG(service_id)
	Z_PARAM_LONG(client_id)
	Z_PARAM_STR(action)
	Z_PARAM_OPTIONAL
	Z_PARAM_ARRAY_HT(args)
	Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	if (args && !args_text_ok(args))
		RETURN_THROWS();
	struct one_server s;
	memset(&s, 0, sizeof(s));
	/* A bad server entry is reported only to an action that needs Proxmox: the client is
	 * authorised first, so a service that is not the caller's (or does not exist) is
	 * refused the same way whatever its server entry holds. */
	s.refused = !php_puqkvm_pve_conn_parse(server, &s.conn, &s.why);
	s.server_id = member_long(server, "serverid", 0, NULL);
	struct puq_settings st;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_settings_load(db, &st, &err) == 0) {
		s.conn.heavy_timeout_ms = (long)puq_settings_get_int(&st, "heavy_timeout") * 1000;
		puq_settings_free(&st);
	}
	struct puq_http_options hopt = {.default_timeout_ms = s.conn.timeout_ms, .max_per_host = 4};
	struct puq_http_engine *http = puq_http_engine_new(&hopt, &err);
	if (!http) {
		puq_pve_conn_free(&s.conn);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	bool offset_set = false;
	struct puq_client_req q = {.service_id = service_id, .client_id = client_id,
		.action = ZSTR_VAL(action)};
	q.now = member_long(options, "now", 0, NULL);
	if (q.now <= 0)
		q.now = (long long)time(NULL);
	q.utc_offset_s = (int)member_long(options, "utc_offset", 0, &offset_set);
	if (!offset_set)
		q.utc_offset_s = php_idate('Z', (time_t)q.now, 1);
	q.password = member_str(options, "password");
	q.password_enc = member_str(options, "password_encrypted");
	zval argz;
	json_t *jargs = NULL;
	if (args) {
		ZVAL_ARR(&argz, args);
		jargs = to_json(&argz, 0);
		if (json_is_array(jargs) && json_array_size(jargs) == 0) { /* PHP's [] */
			json_decref(jargs);
			jargs = json_object();
		}
	}
	q.args = jargs;
	struct puq_job_env env = {.db = db, .http = http, .conn_for = conn_for, .conn_ctx = &s,
		.recover_after_s = s.conn.heavy_timeout_ms / 1000 + 30};
	json_t *out = NULL;
	int rc = puq_client_call(&env, &q, &out, &err);
	json_decref(jargs);
	puq_http_engine_free(http);
	puq_pve_conn_free(&s.conn);
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	php_puqkvm_json_to_zval(return_value, out);
	json_decref(out);
}

PHP_FUNCTION(puqkvm_client_actions)
{
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	for (size_t i = 0; i < puq_client_action_count(); i++) {
		const struct puq_client_action *a = puq_client_action_at(i);
		zval e;
		array_init(&e);
		add_assoc_bool(&e, "write", a->write);
		if (a->flag)
			add_assoc_string(&e, "permission", a->flag);
		else
			add_assoc_null(&e, "permission");
		add_assoc_zval(return_value, a->name, &e);
	}
}

PHP_FUNCTION(puqkvm_stats_usage)
{
	zend_long server_id = 0, service_id = 0, since = 0;
	ZEND_PARSE_PARAMETERS_START(0, 3)
	Z_PARAM_OPTIONAL
	Z_PARAM_LONG(server_id)
	Z_PARAM_LONG(service_id)
	Z_PARAM_LONG(since)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	json_t *out = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_stats_usage(db, server_id, service_id, since, &out, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	php_puqkvm_json_to_zval(return_value, out);
	json_decref(out);
}
