/*
 * store: the core's access to the WHMCS database (MariaDB / MySQL through Connector/C).
 *
 * - A connection (struct puq_db) is opened from a struct puq_db_config; the PHP glue keeps
 *   one per process and re-opens it when the server went away (outside a transaction).
 * - Every statement is prepared; parameters are passed as an array of struct
 *   puq_db_value built with the PUQ_INT/PUQ_TEXT/... macros and PUQ_ARGS(...). Prepared
 *   statements are cached per connection by SQL text, so a hot statement is prepared once.
 * - Results are materialised into struct puq_db_rows (binary-safe cells, NULL = SQL NULL).
 *   Queries in the core are written to return small result sets (never a whole range).
 * - puq_db_transaction() runs a callback inside BEGIN/COMMIT and retries it from the start
 *   on deadlock (1213) or lock wait timeout (1205); the callback must therefore only touch
 *   the database (no HTTP, no effects outside it).
 * - Schema: puq_db_migrate() brings the module tables to PUQ_SCHEMA_VERSION, serialised
 *   across processes with GET_LOCK, adopting same-named tables of an earlier module;
 *   puq_db_schema_check() is the cheap check every entry point makes. The table list
 *   itself lives in src/store/schema.c (see puqkvm/schema.h).
 *
 * Session: every connection runs with sql_mode
 * STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION (a too-long value
 * is an error, never a silent truncation; WHMCS's zero dates stay readable), the
 * configured innodb_lock_wait_timeout, and the server's default isolation level (a
 * server on binlog_format=STATEMENT refuses writes under READ COMMITTED).
 *
 * SQL stays portable to MySQL 8.0 and MariaDB >= 10.6: no RETURNING, no IF NOT EXISTS
 * on columns, no INET6.
 */
#ifndef PUQKVM_STORE_H
#define PUQKVM_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"

/*
 * The schema version this build needs; bump it with every change of the table list.
 * A fingerprint of the table list is stored next to it, so a change that forgot the
 * bump is still noticed by puq_db_schema_check().
 */
#define PUQ_SCHEMA_VERSION 5

struct puq_db_config {
	char host[256];         /* "127.0.0.1", "localhost" (then socket is used) */
	unsigned port;          /* 0 = default 3306 */
	char socket[256];       /* "" = default */
	char user[128];
	char password[256];     /* never logged, never copied into an error text */
	char database[128];
	char charset[32];       /* connection charset, "" = utf8mb4 */
	unsigned connect_timeout; /* seconds, 0 = 10 */
	unsigned lock_wait_timeout; /* innodb_lock_wait_timeout for the session, 0 = 10 */
	/* TLS, as WHMCS's db_tls_* settings; all "" = no TLS. A CA turns TLS on and makes it
	 * mandatory; verify_cert additionally checks the server's name. */
	char tls_ca[256];
	char tls_ca_path[256];
	char tls_cert[256];
	char tls_key[256];
	char tls_cipher[128];
	bool tls_verify_cert;
};

/*
 * Sets one value of cfg from a WHMCS configuration.php variable: db_host (which may be
 * "host:port", "host:/socket/path", "/socket/path" or "[v6]:port"), db_port,
 * db_username, db_password, db_name, db_charset (or WHMCS's mysql_charset), db_socket,
 * db_tls_ca, db_tls_ca_path, db_tls_cert, db_tls_key, db_tls_cipher, db_tls_verify_cert.
 * Returns 0 when set, 1 when the key is not a database setting (ignored), or
 * -PUQ_EVALIDATION with a field error named after the key. The value is copied.
 * Start from a zeroed struct; call puq_db_config_finish() after the last value.
 */
int puq_db_config_set(struct puq_db_config *cfg, const char *key, const char *value,
	struct puq_error *err);
/* Splits db_host into host/port/socket and checks that the required values are there. */
int puq_db_config_finish(struct puq_db_config *cfg, struct puq_error *err);
/* Overwrites the password and every other byte of cfg (call before freeing a copy). */
void puq_db_config_wipe(struct puq_db_config *cfg);

struct puq_db;

/* Opens a connection; *out is set only on success. Free with puq_db_close(). */
int puq_db_open(struct puq_db **out, const struct puq_db_config *cfg, struct puq_error *err);
void puq_db_close(struct puq_db *db);
/* Checks the connection and reconnects if it was lost and no transaction is open. */
int puq_db_ping(struct puq_db *db, struct puq_error *err);
/* Server facts detected at open. */
bool puq_db_supports_skip_locked(const struct puq_db *db);
const char *puq_db_server_version(const struct puq_db *db);
/* The configuration the connection was opened with (the glue compares it). */
const struct puq_db_config *puq_db_config(const struct puq_db *db);

/* Counters for tests and benchmarks; they only ever grow. */
struct puq_db_stats {
	unsigned long long prepares;    /* statements sent to the server for preparation */
	unsigned long long cache_hits;  /* executions that reused a cached statement */
	unsigned long long executions;
	unsigned long long reconnects;
	unsigned long long txn_retries; /* transaction attempts repeated after a deadlock */
};
void puq_db_stats(const struct puq_db *db, struct puq_db_stats *out);

/* ---- parameters ---------------------------------------------------------------------- */

enum puq_db_type { PUQ_DB_NULL, PUQ_DB_INT, PUQ_DB_UINT, PUQ_DB_DOUBLE, PUQ_DB_TEXT, PUQ_DB_BLOB };

struct puq_db_value {
	enum puq_db_type type;
	long long i;
	unsigned long long u;
	double d;
	const void *s; /* TEXT/BLOB bytes, borrowed for the duration of the call */
	size_t len;
};

#define PUQ_NULL         ((struct puq_db_value){.type = PUQ_DB_NULL})
#define PUQ_INT(x)       ((struct puq_db_value){.type = PUQ_DB_INT, .i = (long long)(x)})
#define PUQ_UINT(x)      ((struct puq_db_value){.type = PUQ_DB_UINT, .u = (unsigned long long)(x)})
#define PUQ_DOUBLE(x)    ((struct puq_db_value){.type = PUQ_DB_DOUBLE, .d = (double)(x)})
/* A NULL C string becomes SQL NULL. */
#define PUQ_TEXT(x)      puq_db_text(x)
#define PUQ_TEXTN(x, n)  ((struct puq_db_value){.type = PUQ_DB_TEXT, .s = (x), .len = (n)})
#define PUQ_BLOB(x, n)   ((struct puq_db_value){.type = PUQ_DB_BLOB, .s = (x), .len = (n)})

static inline struct puq_db_value puq_db_text(const char *s)
{
	struct puq_db_value v = {.type = s ? PUQ_DB_TEXT : PUQ_DB_NULL, .s = s, .len = s ? strlen(s) : 0};
	return v;
}

/* PUQ_ARGS(PUQ_INT(1), PUQ_TEXT(name)) expands to "array, count" for the calls below. */
#define PUQ_ARGS(...)                                                                    \
	((const struct puq_db_value[]){__VA_ARGS__}),                                        \
		(sizeof((const struct puq_db_value[]){__VA_ARGS__}) / sizeof(struct puq_db_value))
#define PUQ_NOARGS NULL, 0

/* ---- results ------------------------------------------------------------------------- */

struct puq_db_rows {
	size_t nrows;
	size_t ncols;
	char **names;  /* ncols column labels */
	char **cells;  /* nrows * ncols; NULL for SQL NULL, else NUL-terminated bytes */
	size_t *lens;  /* byte length of each cell (binary-safe) */
	char *storage; /* internal: the one block the cells point into */
};

/* Cell accessors; row/col out of range gives NULL / 0. */
const char *puq_db_cell(const struct puq_db_rows *r, size_t row, size_t col);
size_t puq_db_cell_len(const struct puq_db_rows *r, size_t row, size_t col);
/* The cell as an integer; dflt when NULL, out of range or not entirely a number. */
long long puq_db_cell_int(const struct puq_db_rows *r, size_t row, size_t col, long long dflt);
/* Column index by label, or -1. */
int puq_db_col(const struct puq_db_rows *r, const char *name);
/* Frees r and everything it holds; NULL is a no-op. */
void puq_db_rows_free(struct puq_db_rows *r);

/* ---- statements ---------------------------------------------------------------------- */

/*
 * Executes a statement that returns no rows. *affected (may be NULL) receives the
 * number of changed rows (found rows for UPDATE, see CLIENT_FOUND_ROWS: off, so an
 * UPDATE that sets the same values reports 0). Duplicate-key violations return
 * -PUQ_EDUPLICATE, deadlocks and lock wait timeouts -PUQ_EDEADLOCK.
 *
 * Outside a transaction a lost connection is re-opened; the statement is sent again
 * only when the server cannot have run it (it was never sent), otherwise
 * -PUQ_EDBLOST says the outcome is unknown. Inside a transaction a lost connection
 * always gives -PUQ_EDBLOST and puq_db_transaction() starts over.
 */
int puq_db_exec(struct puq_db *db, struct puq_error *err, const char *sql,
	const struct puq_db_value *params, size_t nparams, unsigned long long *affected);

/*
 * Runs a query; on success *out holds the rows (free with puq_db_rows_free). Outside
 * a transaction a query whose connection was lost is run again once on a new one.
 */
int puq_db_query(struct puq_db *db, struct puq_error *err, const char *sql,
	const struct puq_db_value *params, size_t nparams, struct puq_db_rows **out);

/* The AUTO_INCREMENT id of the last INSERT on this connection. */
unsigned long long puq_db_insert_id(struct puq_db *db);

/* ---- transactions -------------------------------------------------------------------- */

typedef int (*puq_db_txn_fn)(struct puq_db *db, void *ctx, struct puq_error *err);

/*
 * BEGIN; fn(db, ctx, err); COMMIT. A negative return from fn rolls back and is returned.
 * -PUQ_EDEADLOCK from fn or from COMMIT rolls back and runs fn again from the start
 * (bounded attempts with jittered backoff); so does a connection lost before COMMIT.
 * A connection lost during COMMIT gives -PUQ_EDBLOST (outcome unknown, not retried).
 * Nested calls run fn inside the open transaction (no savepoints).
 */
int puq_db_transaction(struct puq_db *db, puq_db_txn_fn fn, void *ctx, struct puq_error *err);
bool puq_db_in_transaction(const struct puq_db *db);
/*
 * Rolls back a transaction left open (by an aborted request); no-op otherwise. When a
 * statement was interrupted half-way, the connection is closed instead (the server
 * rolls back) and re-opened on next use.
 */
void puq_db_rollback_if_open(struct puq_db *db);

/* ---- schema -------------------------------------------------------------------------- */

struct puq_migrate_report {
	int from_version; /* 0 = no module schema yet */
	int to_version;
	bool dry_run;
	struct puq_buf changes; /* one change per line: "create table x", "add column t.c", ... */
	size_t nchanges;
};

/*
 * Brings every module table to PUQ_SCHEMA_VERSION. Serialised with GET_LOCK; each step
 * is safe to re-run. Same-named tables of an earlier module are adopted: missing columns
 * and indexes are added, rows are kept. New tables use the WHMCS database's character
 * set and collation (that of tblhosting when it exists, else the database default).
 * With dry_run nothing is changed and the report lists what would be. The caller
 * initialises the report with puq_migrate_report_init and frees it.
 */
int puq_db_migrate(struct puq_db *db, bool dry_run, struct puq_migrate_report *report,
	struct puq_error *err);
void puq_migrate_report_init(struct puq_migrate_report *r);
void puq_migrate_report_free(struct puq_migrate_report *r);

/* Current stored schema version (0 when none), cheap. */
int puq_db_schema_version(struct puq_db *db, int *version, struct puq_error *err);
/* -PUQ_ESCHEMA with an instruction when the stored version differs from this build's. */
int puq_db_schema_check(struct puq_db *db, struct puq_error *err);

/*
 * Drops every module table of the table list that exists (never a WHMCS table), under
 * the migration lock; report->changes lists "drop table x" per table dropped.
 */
int puq_db_drop_tables(struct puq_db *db, struct puq_migrate_report *report,
	struct puq_error *err);

#endif
