/*
 * What the files of src/store/ share and nobody else sees: the layout of struct puq_db
 * and the one function every statement goes through.
 *
 * db.c opens and re-opens the connection and maps server errors to PUQ_E* codes,
 * stmt.c prepares, caches, binds and fetches, txn.c runs transactions, migrate.c and
 * schema_lint.c work on the declarative table list of schema.c.
 */
#ifndef PUQKVM_STORE_INTERNAL_H
#define PUQKVM_STORE_INTERNAL_H

#include <mysql.h>
#include <time.h>

#include "puqkvm/store.h"

/*
 * Statements cached per connection. A server caps prepared statements across all
 * connections (max_prepared_stmt_count, 16382 by default), and a WHMCS host may run
 * hundreds of PHP workers, so the cache stays small and evicts the least recently used.
 */
#define PUQ_DB_STMT_CACHE   64
#define PUQ_DB_STMT_BUCKETS 128 /* power of two */

/* A connection idle this long is pinged before use, so a statement that is not safe to
 * repeat never meets a connection the server already closed (wait_timeout). */
#define PUQ_DB_IDLE_PING_SECONDS 30

struct puq_db_stmt {
	char *sql;        /* the cache key; NULL = free slot */
	size_t sql_len;
	uint32_t hash;
	MYSQL_STMT *stmt;
	unsigned long long last_used;
	int next;         /* next slot in the same bucket, -1 = end */
};

struct puq_db {
	MYSQL *mysql;       /* NULL after the connection was dropped; re-opened on next use */
	struct puq_db_config cfg;
	char server_version[96];
	unsigned long server_num; /* 101119 for 10.11.19 */
	bool is_mariadb;
	int txn_depth;      /* > 0 inside puq_db_transaction */
	bool txn_broken;    /* the connection was lost inside the open transaction */
	bool busy;          /* a statement is in flight (an abort mid-way leaves it set) */
	unsigned last_errno; /* the server's number for the last error, 0 after success */
	time_t last_activity;
	unsigned long long clock; /* LRU clock of the statement cache */
	struct puq_db_stmt cache[PUQ_DB_STMT_CACHE];
	int buckets[PUQ_DB_STMT_BUCKETS];
	struct puq_db_stats stats;
};

/* puq_db_run flags */
#define PUQ_RUN_NOCACHE 1u /* prepare, run, close: DDL and one-off statements */
#define PUQ_RUN_QUERY   2u /* a read: safe to run again after a lost connection */

/*
 * Prepares (or finds in the cache), binds, executes and, when out is not NULL,
 * materialises the result. Handles the lost-connection rules described in store.h.
 */
int puq_db_run(struct puq_db *db, struct puq_error *err, const char *sql,
	const struct puq_db_value *params, size_t nparams, struct puq_db_rows **out,
	unsigned long long *affected, unsigned flags);

/* Opens db->mysql with db->cfg and sets the session up. */
int puq_db_connect(struct puq_db *db, struct puq_error *err);
/* Makes sure db->mysql is usable: re-opens a dropped connection (never inside a
 * transaction) and pings one that was idle for PUQ_DB_IDLE_PING_SECONDS. */
int puq_db_ensure(struct puq_db *db, struct puq_error *err);
/* Closes db->mysql (if any) and every cached statement; the next use reconnects. */
void puq_db_drop_connection(struct puq_db *db);
/* Sends a constant statement over the text protocol (transaction control only:
 * START TRANSACTION cannot be prepared on MySQL 8). */
int puq_db_simple(struct puq_db *db, struct puq_error *err, const char *sql);

/*
 * Turns a server or client error into a PUQ_E* code and fills err. what names the
 * statement for the message (the SQL text, shortened; it holds no values).
 */
int puq_db_error(struct puq_db *db, struct puq_error *err, unsigned errnum,
	const char *message, const char *what);
/* True for the client errors that mean the connection is gone. */
bool puq_db_errno_lost(unsigned errnum);

/* Frees every cached statement (after the connection was closed). */
void puq_db_cache_clear(struct puq_db *db);

/* ---- the table list (schema_lint.c) ---- */
struct puq_schema_table;
/* Reads the next name of an index column list ("a, b(16)") into name; false at the end. */
bool puq_schema_next_column(const char **cursor, char *name, size_t size, unsigned *prefix);
/* Whether column is part of the table's declared primary key. */
bool puq_schema_in_primary(const struct puq_schema_table *t, const char *column);

#endif
