/*
 * PHP functions of the Proxmox VE client (src/pve/): the server module's connection
 * test and the lists the product settings offer (nodes, templates, storages, bridges).
 *
 * Every function takes the WHMCS server entry as an array - either the tblservers names
 * (hostname, ip, port, secure, username, password, accesshash) or the module-parameter
 * names WHMCS passes (serverhostname, serverip, ..., serverpassword already decrypted).
 * A malformed entry throws PuqKvm\ValidationException naming each field; a remote
 * failure throws PuqKvm\ProxmoxException / HttpException with the HTTP status and
 * Proxmox's own text (never the token). The connection test instead reports each step,
 * since telling the admin exactly what fails is its purpose.
 *
 * Calls use the Default Timeout of Settings -> General when the database is configured
 * (the addon has run), else its default of 10 s. Each call runs its own engine: these
 * are rare admin calls, and the engine's connection reuse still serves the several
 * requests of one call.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_conn.h"
#include "puqkvm/settings.h"

/* The member under either name, as a string (numbers and bools converted); NULL if absent. */
static zend_string *member(HashTable *ht, const char *a, const char *b)
{
	zval *v = zend_hash_str_find(ht, a, strlen(a));
	if (!v && b)
		v = zend_hash_str_find(ht, b, strlen(b));
	if (!v || Z_TYPE_P(v) == IS_NULL)
		return NULL;
	return zval_get_string(v);
}

/* Default Timeout in ms from the settings, or 10 s when they cannot be read. */
static long default_timeout_ms(void)
{
	long ms = 10000;
	struct puq_db *db = php_puqkvm_db();
	if (!db) {
		/* no database yet (addon not activated): the test still runs, on defaults */
		zend_clear_exception();
		return ms;
	}
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_settings_load(db, &s, &err) == 0) {
		long long v = puq_settings_get_int(&s, "default_timeout");
		if (v > 0)
			ms = (long)v * 1000;
		puq_settings_free(&s);
	}
	return ms;
}

/* Fills c from the server array; fills err and returns false on bad input. */
static bool conn_parse(HashTable *ht, struct puq_pve_conn *c, struct puq_error *err)
{
	zend_string *f[6];
	static const char *const names[6][2] = {{"hostname", "serverhostname"},
		{"ip", "serverip"}, {"port", "serverport"}, {"username", "serverusername"},
		{"password", "serverpassword"}, {"accesshash", "serveraccesshash"}};
	for (int i = 0; i < 6; i++)
		f[i] = member(ht, names[i][0], names[i][1]);
	zval *sec = zend_hash_str_find(ht, "secure", sizeof("secure") - 1);
	if (!sec)
		sec = zend_hash_str_find(ht, "serversecure", sizeof("serversecure") - 1);
	/* WHMCS passes "on", 1 or true for a ticked box; absent means ticked (Proxmox is HTTPS) */
	bool secure = !sec || zend_is_true(sec);

	struct puq_pve_server s = {
		.hostname = f[0] ? ZSTR_VAL(f[0]) : NULL, .ip = f[1] ? ZSTR_VAL(f[1]) : NULL,
		.port = f[2] ? ZSTR_VAL(f[2]) : NULL, .username = f[3] ? ZSTR_VAL(f[3]) : NULL,
		.password = f[4] ? ZSTR_VAL(f[4]) : NULL, .accesshash = f[5] ? ZSTR_VAL(f[5]) : NULL,
		.secure = secure};
	puq_error_clear(err);
	int rc = puq_pve_conn_from_server(c, &s, err);
	for (int i = 0; i < 6; i++)
		if (f[i])
			zend_string_release(f[i]);
	if (rc)
		return false;
	c->timeout_ms = default_timeout_ms();
	return true;
}

/* Fills c from the server array; throws and returns false on bad input. */
static bool conn_from_array(HashTable *ht, struct puq_pve_conn *c)
{
	struct puq_error err;
	if (conn_parse(ht, c, &err))
		return true;
	php_puqkvm_throw(&err);
	return false;
}

/* Performs r on c with a fresh engine; *data on success, else err filled. */
static int pve_call(struct puq_pve_conn *c, struct puq_pve_req *r, json_t **data,
	struct puq_error *err)
{
	struct puq_http_options opt = {.default_timeout_ms = c->timeout_ms, .max_per_host = 4};
	struct puq_http_engine *e = puq_http_engine_new(&opt, err);
	*data = NULL;
	if (!e)
		return -err->code;
	int rc = puq_pve_call(e, c, r, data, err);
	puq_http_engine_free(e);
	return rc;
}

/* Common head of the list functions: parse args, connect, perform, or throw. */
static json_t *fetch(HashTable *server, struct puq_pve_req *r)
{
	struct puq_pve_conn c;
	struct puq_error err;
	json_t *data = NULL;
	if (!conn_from_array(server, &c)) {
		puq_pve_req_free(r);
		return NULL;
	}
	puq_error_clear(&err);
	int rc = pve_call(&c, r, &data, &err);
	puq_pve_req_free(r);
	puq_pve_conn_free(&c);
	if (rc) {
		php_puqkvm_throw(&err);
		return NULL;
	}
	return data;
}

static void add_str(zval *arr, const char *key, const char *value)
{
	add_assoc_string(arr, key, value ? value : "");
}

static void add_step(zval *steps, const char *step, bool ok, const char *message)
{
	zval s;
	array_init(&s);
	add_assoc_string(&s, "step", step);
	add_assoc_bool(&s, "ok", ok);
	add_assoc_string(&s, "message", message);
	add_next_index_zval(steps, &s);
}

/* What to do about a failed first contact. */
static const char *hint(int code)
{
	switch (code) {
	case PUQ_ETLS:
		return " - the certificate is not trusted: put the SHA-256 fingerprint Proxmox shows "
			   "(node > System > Certificates) into Access Hash as fingerprint=..., or "
			   "ca_file=/path/to/pve-root-ca.pem";
	case PUQ_ETIMEOUT:
		return " - check host, port (8006) and firewalls between WHMCS and Proxmox";
	case PUQ_EAUTH:
		return " - check the token id (user@realm!tokenid) and its secret";
	default:
		return "";
	}
}

PHP_FUNCTION(puqkvm_pve_test_connection)
{
	HashTable *server;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(server)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_pve_conn c;
	if (!conn_from_array(server, &c))
		RETURN_THROWS();

	zval steps, missing, nodes;
	array_init(return_value);
	array_init(&steps);
	array_init(&missing);
	array_init(&nodes);
	char msg[PUQ_ERROR_TEXT_MAX + 300];
	struct puq_error err;
	struct puq_pve_req r;
	json_t *data = NULL;
	bool ok = false;
	int http_status = 0;
	char version[64] = "";

	/* 1+2: reachability, TLS and authentication in one authenticated read */
	puq_error_clear(&err);
	puq_pve_req_version(&r);
	int rc = pve_call(&c, &r, &data, &err);
	puq_pve_req_free(&r);
	const struct puq_pve_host *h = &c.hosts[c.current % c.nhosts];
	if (rc == 0 || err.http_status) {
		snprintf(msg, sizeof(msg), "%s:%u answered over verified TLS", h->name, h->port);
		add_step(&steps, "reachability", true, msg);
	} else {
		snprintf(msg, sizeof(msg), "%s%s", err.text, hint(err.code));
		add_step(&steps, "reachability", false, msg);
	}
	if (rc == 0) {
		snprintf(version, sizeof(version), "%s", puq_pve_get_str(data, "version") ?
			puq_pve_get_str(data, "version") : "");
		snprintf(msg, sizeof(msg), "token %s accepted; Proxmox VE %s", c.user, version);
		add_step(&steps, "authentication", true, msg);
	} else if (err.http_status) {
		http_status = err.http_status;
		snprintf(msg, sizeof(msg), "%s%s", err.text, hint(err.code));
		add_step(&steps, "authentication", false, msg);
	}
	json_decref(data);
	data = NULL;

	/* 3: privileges, each missing one named with what breaks without it */
	if (rc == 0) {
		puq_error_clear(&err);
		puq_pve_req_permissions(&r, NULL);
		rc = pve_call(&c, &r, &data, &err);
		puq_pve_req_free(&r);
		if (rc == 0) {
			struct puq_pve_missing miss[32];
			size_t n = puq_pve_check_privileges(data, miss, PUQ_ARRAY_LEN(miss));
			for (size_t i = 0; i < n && i < PUQ_ARRAY_LEN(miss); i++) {
				zval m;
				array_init(&m);
				add_str(&m, "privilege", miss[i].priv);
				add_str(&m, "path", miss[i].path);
				add_str(&m, "needed_for", miss[i].what);
				add_next_index_zval(&missing, &m);
			}
			if (n == 0)
				add_step(&steps, "privileges", true, "the token has every privilege the module uses");
			else {
				snprintf(msg, sizeof(msg), "the token lacks %zu privilege%s: %s on %s (%s)%s", n,
					n == 1 ? "" : "s", miss[0].priv, miss[0].path, miss[0].what,
					n > 1 ? ", ... (see missing_privileges)" : "");
				add_step(&steps, "privileges", false, msg);
			}
		} else {
			http_status = err.http_status;
			snprintf(msg, sizeof(msg), "cannot read the token's permissions: %s", err.text);
			add_step(&steps, "privileges", false, msg);
		}
		json_decref(data);
		data = NULL;

		/* 4: the nodes of the cluster */
		puq_error_clear(&err);
		puq_pve_req_nodes(&r);
		int nrc = pve_call(&c, &r, &data, &err);
		puq_pve_req_free(&r);
		struct puq_pve_node_list list = {0};
		if (nrc == 0 && puq_pve_parse_nodes(data, &list, &err) == 0) {
			size_t online = 0;
			for (size_t i = 0; i < list.n; i++) {
				add_next_index_string(&nodes, list.items[i].name);
				online += list.items[i].online;
			}
			snprintf(msg, sizeof(msg), "%zu node%s, %zu online", list.n, list.n == 1 ? "" : "s",
				online);
			add_step(&steps, "nodes", online > 0, online ? msg : "no node is online");
			ok = rc == 0 && online > 0;
			puq_pve_node_list_free(&list);
		} else {
			add_step(&steps, "nodes", false, err.text);
		}
		json_decref(data);
	}

	/* the summary line WHMCS shows */
	zval *first_bad = NULL, *step;
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL(steps), step) {
		zval *sok = zend_hash_str_find(Z_ARRVAL_P(step), "ok", 2);
		if (!first_bad && sok && Z_TYPE_P(sok) == IS_FALSE)
			first_bad = step;
	} ZEND_HASH_FOREACH_END();
	if (first_bad)
		ok = false;
	if (first_bad) {
		zval *m = zend_hash_str_find(Z_ARRVAL_P(first_bad), "message", 7);
		add_assoc_str(return_value, "message", zend_string_copy(Z_STR_P(m)));
	} else {
		snprintf(msg, sizeof(msg), "connected to Proxmox VE %s at %s:%u", version, h->name, h->port);
		add_assoc_string(return_value, "message", msg);
	}
	add_assoc_bool(return_value, "ok", ok);
	snprintf(msg, sizeof(msg), "%s:%u", h->name, h->port);
	add_assoc_string(return_value, "address", msg);
	add_assoc_string(return_value, "version", version);
	add_assoc_long(return_value, "http_status", http_status);
	add_assoc_zval(return_value, "steps", &steps);
	add_assoc_zval(return_value, "missing_privileges", &missing);
	add_assoc_zval(return_value, "nodes", &nodes);
	puq_pve_conn_free(&c);
}

PHP_FUNCTION(puqkvm_pve_nodes)
{
	HashTable *server;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(server)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_pve_req r;
	puq_pve_req_nodes(&r);
	json_t *data = fetch(server, &r);
	if (!data)
		RETURN_THROWS();
	struct puq_pve_node_list l;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_pve_parse_nodes(data, &l, &err);
	json_decref(data);
	if (rc) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	for (size_t i = 0; i < l.n; i++) {
		zval e;
		array_init(&e);
		add_str(&e, "node", l.items[i].name);
		add_assoc_bool(&e, "online", l.items[i].online);
		add_assoc_long(&e, "maxcpu", (zend_long)l.items[i].maxcpu);
		add_assoc_long(&e, "maxmem", (zend_long)l.items[i].maxmem);
		add_assoc_long(&e, "mem", (zend_long)l.items[i].mem);
		add_assoc_double(&e, "cpu", l.items[i].cpu);
		add_str(&e, "ssl_fingerprint", l.items[i].ssl_fingerprint);
		add_next_index_zval(return_value, &e);
	}
	puq_pve_node_list_free(&l);
}

PHP_FUNCTION(puqkvm_pve_templates)
{
	HashTable *server;
	zend_string *node = NULL;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_ARRAY_HT(server)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(node)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_pve_req r;
	puq_pve_req_resources(&r, "vm");
	json_t *data = fetch(server, &r);
	if (!data)
		RETURN_THROWS();
	struct puq_pve_guest_list l;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_pve_parse_guests(data, true, &l, &err);
	json_decref(data);
	if (rc) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	for (size_t i = 0; i < l.n; i++) {
		if (node && strcmp(ZSTR_VAL(node), l.items[i].node) != 0)
			continue;
		zval e;
		array_init(&e);
		add_assoc_long(&e, "vmid", (zend_long)l.items[i].vmid);
		add_str(&e, "name", l.items[i].name);
		add_str(&e, "node", l.items[i].node);
		add_next_index_zval(return_value, &e);
	}
	puq_pve_guest_list_free(&l);
}

PHP_FUNCTION(puqkvm_pve_storages)
{
	HashTable *server;
	zend_string *node, *content = NULL;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_ARRAY_HT(server)
		Z_PARAM_STR(node)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(content)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_pve_req r;
	puq_pve_req_storages(&r, ZSTR_VAL(node), content ? ZSTR_VAL(content) : NULL);
	json_t *data = fetch(server, &r);
	if (!data)
		RETURN_THROWS();
	struct puq_pve_storage_list l;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_pve_parse_storages(data, &l, &err);
	json_decref(data);
	if (rc) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	for (size_t i = 0; i < l.n; i++) {
		const struct puq_pve_storage *s = &l.items[i];
		zval e;
		array_init(&e);
		add_str(&e, "storage", s->name);
		add_str(&e, "type", s->type);
		add_str(&e, "content", s->content);
		add_assoc_bool(&e, "shared", s->shared);
		add_assoc_bool(&e, "active", s->active);
		add_assoc_long(&e, "total", (zend_long)s->total);
		add_assoc_long(&e, "used", (zend_long)s->used);
		add_assoc_long(&e, "avail", (zend_long)s->avail);
		add_next_index_zval(return_value, &e);
	}
	puq_pve_storage_list_free(&l);
}

PHP_FUNCTION(puqkvm_pve_bridges)
{
	HashTable *server;
	zend_string *node;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_ARRAY_HT(server)
		Z_PARAM_STR(node)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_pve_req r;
	puq_pve_req_bridges(&r, ZSTR_VAL(node));
	json_t *data = fetch(server, &r);
	if (!data)
		RETURN_THROWS();
	struct puq_pve_bridge_list l;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_pve_parse_bridges(data, &l, &err);
	json_decref(data);
	if (rc) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	for (size_t i = 0; i < l.n; i++) {
		zval e;
		array_init(&e);
		add_str(&e, "bridge", l.items[i].name);
		add_str(&e, "type", l.items[i].type);
		add_assoc_bool(&e, "active", l.items[i].active);
		add_str(&e, "comments", l.items[i].comments);
		add_next_index_zval(return_value, &e);
	}
	puq_pve_bridge_list_free(&l);
}

/* ---- for other glue rooms (glue.h) ---------------------------------------------------- */

bool php_puqkvm_pve_conn_from_array(HashTable *server, struct puq_pve_conn *c)
{
	return conn_from_array(server, c);
}

bool php_puqkvm_pve_conn_parse(HashTable *server, struct puq_pve_conn *c, struct puq_error *err)
{
	return conn_parse(server, c, err);
}
