/*
 * What the Zend glue files share: the lifecycle hooks each glue room registers with the
 * module, and the bridge from a core struct puq_error to a PHP exception.
 *
 * A glue room (glue/<room>.c) converts PHP arguments to core structs, calls the core and
 * converts the result back. It holds no business logic.
 */
#ifndef PUQKVM_GLUE_H
#define PUQKVM_GLUE_H

#include "php.h"
#include "zend_exceptions.h"

#include "puqkvm/error.h"

/* Lifecycle hooks of one glue room; any member may be NULL. */
struct php_puqkvm_room {
	const char *name;
	zend_result (*minit)(INIT_FUNC_ARGS);
	void (*mshutdown)(void);
	void (*rinit)(void);
	void (*rshutdown)(void);
};

/* Exception classes, registered in MINIT (php_puqkvm.c) before any room starts. */
extern zend_class_entry *php_puqkvm_ce_exception;
extern zend_class_entry *php_puqkvm_ce_validation;
extern zend_class_entry *php_puqkvm_ce_http;
extern zend_class_entry *php_puqkvm_ce_category[PUQ_CAT__COUNT];

/*
 * Throws the PuqKvm exception for err's category, code = err->code, message = err->text.
 * A validation error carries every (field, message) pair in getErrors(); an HTTP or
 * provider error carries the remote status in getHttpStatus().
 */
void php_puqkvm_throw(const struct puq_error *err);

/* ---- the database (glue/db.c) ---- */

struct puq_db;
/* The db room's lifecycle: connection in per-thread globals, rollback at RSHUTDOWN. */
extern const struct php_puqkvm_room php_puqkvm_room_db;
/*
 * The process's database connection, for glue functions that touch the module's
 * tables. Connects on first use (after puqkvm_db_configure()) and checks the schema
 * version once per request. On failure it has thrown PuqKvm\DatabaseException or
 * PuqKvm\SchemaException and returns NULL: do `if (!db) RETURN_THROWS();`.
 * The connection stays owned by the glue; never close it.
 */
struct puq_db *php_puqkvm_db(void);
/* As php_puqkvm_db() without the schema check: for migrating and reporting on it. */
struct puq_db *php_puqkvm_db_unchecked(void);

/* ---- dns (glue/dns.c) ---- */

/* The dns room's lifecycle: its INI entry (puqkvm.cloudflare_api). */
extern const struct php_puqkvm_room php_puqkvm_room_dns;

/* ---- json (glue/json.c) ---- */

typedef struct json_t json_t;
/* A core JSON value as a PHP value (objects as associative arrays). */
void php_puqkvm_json_to_zval(zval *out, const json_t *j);

/* ---- pve (glue/pve.c) ---- */

struct puq_pve_conn;
/*
 * Fills c from a WHMCS server array (tblservers or module-parameter names) with the
 * Default Timeout; on bad input it has thrown PuqKvm\ValidationException and returns
 * false (c is then not to be freed).
 */
bool php_puqkvm_pve_conn_from_array(HashTable *server, struct puq_pve_conn *c);
struct puq_error;
/* As php_puqkvm_pve_conn_from_array(), but the refusal goes into err (nothing thrown). */
bool php_puqkvm_pve_conn_parse(HashTable *server, struct puq_pve_conn *c, struct puq_error *err);

/* ---- text (glue/text.c) ---- */

/*
 * Adds a field error to err for every key or string value of ht (nested arrays named
 * "prefix.key.sub") that the core could not keep as text: a NUL byte, bytes that are not
 * UTF-8, a character beyond U+FFFF (include/puqkvm/text.h). Returns how many; ht may be
 * NULL. Nothing is thrown: the caller throws err with its own field errors.
 */
size_t php_puqkvm_text_check(HashTable *ht, const char *prefix, struct puq_error *err);

/* Throws a \ValueError naming the argument: "puqkvm_x(): Argument #1 ($ip) ...". */
#define php_puqkvm_value_error(argnum, ...) zend_argument_value_error((argnum), __VA_ARGS__)

#endif
