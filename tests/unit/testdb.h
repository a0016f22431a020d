/*
 * A private MariaDB database for a unit test that needs one.
 *
 * puq_testdb_create() creates `puqkvm_t_<pid>_<random>` on the MariaDB started by
 * scripts/services (settings from the PUQKVM_DB_* environment, else .state/services.env),
 * optionally loads the WHMCS tables of tests/whmcs/schema.sql, and opens a connection
 * to it; puq_testdb_drop() closes it and drops the database. Tests never share a
 * database, so they can run in parallel and assume nothing about leftovers.
 */
#ifndef PUQKVM_TESTDB_H
#define PUQKVM_TESTDB_H

#include <stdbool.h>

#include "puqkvm/store.h"

struct puq_testdb {
	char name[64];
	struct puq_db_config cfg; /* points at the test database */
	struct puq_db *db;        /* an open connection to it */
};

/* Returns 0, or -1 after printing why to stderr (services not running, ...). */
int puq_testdb_create(struct puq_testdb *t, bool whmcs_tables);
/* Another connection to the same database (free with puq_db_close), NULL on failure. */
struct puq_db *puq_testdb_connect(const struct puq_testdb *t);
/* Runs one statement, printing the error to stderr; returns the puq_db_exec result. */
int puq_testdb_exec(struct puq_db *db, const char *sql);
/* Closes t->db and drops the database; safe to call twice. */
void puq_testdb_drop(struct puq_testdb *t);

#endif
