/*
 * Glue of the store room: the process's database connection and the PHP functions that
 * configure it, migrate the schema and report on it.
 *
 * The connection lives in this room's globals (one per thread under ZTS, registered
 * with ts_allocate_fast_id from MINIT so the module entry needs no globals of its own)
 * and outlives requests: a PHP-FPM worker connects once. puqkvm_db_configure() only
 * records the settings (a change closes the old connection); the first function that
 * needs the database connects. Other glue rooms call php_puqkvm_db(), which also checks
 * the schema version once per request, so a new extension binary meeting an old schema
 * throws PuqKvm\SchemaException instead of running SQL against missing columns.
 * RSHUTDOWN rolls back a transaction that an aborted request (fatal error, timeout)
 * left open.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "php_puqkvm.h" /* the TSRM cache the globals macro needs under ZTS */
#include "puqkvm/store.h"

struct db_globals {
	struct puq_db *db;
	struct puq_db_config cfg;
	bool configured;
	bool schema_checked; /* this request */
};

#ifdef ZTS
static int db_globals_id;
static size_t db_globals_offset;
#define DBG(v) ZEND_TSRMG_FAST(db_globals_offset, struct db_globals *, v)
#else
static struct db_globals db_globals;
#define DBG(v) (db_globals.v)
#endif

static void db_globals_ctor(struct db_globals *g)
{
	memset(g, 0, sizeof(*g));
}

static void db_globals_dtor(struct db_globals *g)
{
	puq_db_close(g->db);
	g->db = NULL;
	puq_db_config_wipe(&g->cfg);
	g->configured = false;
}

static zend_result db_minit(INIT_FUNC_ARGS)
{
#ifdef ZTS
	ts_allocate_fast_id(&db_globals_id, &db_globals_offset, sizeof(struct db_globals),
		(ts_allocate_ctor)db_globals_ctor, (ts_allocate_dtor)db_globals_dtor);
#else
	db_globals_ctor(&db_globals);
#endif
	return SUCCESS;
}

static void db_mshutdown(void)
{
#ifdef ZTS
	ts_free_id(db_globals_id);
#else
	db_globals_dtor(&db_globals);
#endif
}

static void db_rinit(void)
{
	DBG(schema_checked) = false;
}

static void db_rshutdown(void)
{
	puq_db_rollback_if_open(DBG(db));
}

const struct php_puqkvm_room php_puqkvm_room_db = {
	.name = "db",
	.minit = db_minit,
	.mshutdown = db_mshutdown,
	.rinit = db_rinit,
	.rshutdown = db_rshutdown,
};

struct puq_db *php_puqkvm_db_unchecked(void)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (!DBG(configured)) {
		puq_error_set(&err, PUQ_EDBCONFIG,
			"the database connection is not configured: call puqkvm_db_configure() with the "
			"db_* values of WHMCS's configuration.php first");
		php_puqkvm_throw(&err);
		return NULL;
	}
	if (!DBG(db) && puq_db_open(&DBG(db), &DBG(cfg), &err) < 0) {
		php_puqkvm_throw(&err);
		return NULL;
	}
	return DBG(db);
}

struct puq_db *php_puqkvm_db(void)
{
	struct puq_db *db = php_puqkvm_db_unchecked();
	if (!db || DBG(schema_checked))
		return db;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_schema_check(db, &err) < 0) {
		php_puqkvm_throw(&err);
		return NULL;
	}
	DBG(schema_checked) = true;
	return db;
}

/* ---- PHP functions ----------------------------------------------------------------------- */

PHP_FUNCTION(puqkvm_db_configure)
{
	HashTable *config;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(config)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db_config cfg;
	struct puq_error err;
	memset(&cfg, 0, sizeof(cfg));
	puq_error_clear(&err);

	zend_string *key;
	zval *value;
	ZEND_HASH_FOREACH_STR_KEY_VAL(config, key, value) {
		if (!key)
			continue; /* configuration.php has only named variables */
		ZVAL_DEREF(value);
		switch (Z_TYPE_P(value)) {
		case IS_STRING:
			if (memchr(Z_STRVAL_P(value), '\0', Z_STRLEN_P(value)))
				puq_error_field(&err, ZSTR_VAL(key), "contains a NUL byte");
			else
				puq_db_config_set(&cfg, ZSTR_VAL(key), Z_STRVAL_P(value), &err);
			break;
		case IS_LONG:
		case IS_TRUE:
		case IS_FALSE:
		case IS_NULL: {
			zend_string *s = zval_get_string(value);
			puq_db_config_set(&cfg, ZSTR_VAL(key), ZSTR_VAL(s), &err);
			zend_string_release(s);
			break;
		}
		default:
			if (puq_db_config_set(&cfg, ZSTR_VAL(key), "", NULL) != 1)
				puq_error_field(&err, ZSTR_VAL(key), "must be a string or a number");
		}
	} ZEND_HASH_FOREACH_END();

	if (puq_db_config_finish(&cfg, &err) < 0 || err.nfields) {
		puq_db_config_wipe(&cfg);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	/* a different database: the old connection (and its statements) must go */
	if (DBG(db) && memcmp(&cfg, &DBG(cfg), sizeof(cfg)) != 0) {
		puq_db_close(DBG(db));
		DBG(db) = NULL;
	}
	puq_db_config_wipe(&DBG(cfg));
	DBG(cfg) = cfg;
	DBG(configured) = true;
	DBG(schema_checked) = false;
	puq_db_config_wipe(&cfg);
}

static void report_to_array(zval *out, const struct puq_migrate_report *r, bool with_versions)
{
	zval changes;
	array_init(out);
	if (with_versions) {
		add_assoc_long(out, "from", r->from_version);
		add_assoc_long(out, "to", r->to_version);
		add_assoc_bool(out, "dry_run", r->dry_run);
	}
	array_init(&changes);
	const char *p = puq_buf_cstr(&r->changes);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		add_next_index_stringl(&changes, p, n);
		p += n + (nl ? 1 : 0);
	}
	add_assoc_zval(out, "changes", &changes);
}

PHP_FUNCTION(puqkvm_migrate)
{
	bool dry_run = false;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_BOOL(dry_run)
	ZEND_PARSE_PARAMETERS_END();

	struct puq_db *db = php_puqkvm_db_unchecked();
	if (!db)
		RETURN_THROWS();
	struct puq_migrate_report r;
	struct puq_error err;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	int rc = puq_db_migrate(db, dry_run, &r, &err);
	DBG(schema_checked) = false;
	if (rc < 0) {
		puq_migrate_report_free(&r);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	report_to_array(return_value, &r, true);
	puq_migrate_report_free(&r);
}

PHP_FUNCTION(puqkvm_schema_status)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db_unchecked();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	int version = 0;
	puq_error_clear(&err);
	if (puq_db_schema_version(db, &version, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	int rc = puq_db_schema_check(db, &err);
	if (rc < 0 && rc != -PUQ_ESCHEMA) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	add_assoc_long(return_value, "current", version);
	add_assoc_long(return_value, "required", PUQ_SCHEMA_VERSION);
	add_assoc_bool(return_value, "ok", rc == 0);
	add_assoc_string(return_value, "message", rc == 0 ? "" : err.text);
}

PHP_FUNCTION(puqkvm_drop_tables)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db_unchecked();
	if (!db)
		RETURN_THROWS();
	struct puq_migrate_report r;
	struct puq_error err;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	int rc = puq_db_drop_tables(db, &r, &err);
	DBG(schema_checked) = false;
	if (rc < 0) {
		puq_migrate_report_free(&r);
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	/* "drop table x" lines -> ["x", ...] */
	array_init(return_value);
	const char *p = puq_buf_cstr(&r.changes);
	static const char prefix[] = "drop table ";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > sizeof(prefix) - 1 && strncmp(p, prefix, sizeof(prefix) - 1) == 0)
			add_next_index_stringl(return_value, p + sizeof(prefix) - 1, n - (sizeof(prefix) - 1));
		p += n + (nl ? 1 : 0);
	}
	puq_migrate_report_free(&r);
}
