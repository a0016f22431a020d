/*
 * The module's tables, declared as data (src/store/schema.c), and the migration engine
 * that brings a database to them (src/store/migrate.c).
 *
 * A table is a list of columns (name + full SQL definition) and a list of indexes
 * (primary, unique, plain). The engine compares that with information_schema and
 * emits only what is missing: CREATE TABLE for a missing table, one ALTER TABLE with
 * every missing column and index for a table that exists. It never drops or changes an
 * existing column, so adopting a same-named table of an earlier module keeps its rows;
 * a change of a column's type is a data step (below), written by hand.
 *
 * Data steps are functions run once, in order, after the tables are in place (legacy
 * imports, backfills). Each is recorded in the meta table when it returns 0; a step must
 * be idempotent because a crash between its work and that record runs it again.
 */
#ifndef PUQKVM_SCHEMA_H
#define PUQKVM_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "puqkvm/store.h"

/* The table holding the schema version, the fingerprint and the applied data steps. */
#define PUQ_SCHEMA_META_TABLE "puq_proxmox_kvm_meta"

struct puq_schema_column {
	const char *name;
	/* Everything after the name: "INT UNSIGNED NOT NULL DEFAULT 0". A NOT NULL column
	 * needs a DEFAULT (rows of an adopted table must get a value) unless it is
	 * AUTO_INCREMENT or part of the primary key; TEXT/BLOB columns are NULL. */
	const char *definition;
};

enum puq_schema_index_kind { PUQ_INDEX_KEY, PUQ_INDEX_UNIQUE, PUQ_INDEX_PRIMARY };

struct puq_schema_index {
	const char *name;    /* "PRIMARY" for the primary key */
	enum puq_schema_index_kind kind;
	const char *columns; /* column names, comma-separated, with an optional prefix
	                        length: "server_id, type" or "zone(64)" */
};

struct puq_schema_table {
	const char *name;
	const char *owner; /* the room that owns the definition: "foundation", "pool", ... */
	const struct puq_schema_column *columns; /* ends with {NULL} */
	const struct puq_schema_index *indexes;  /* ends with {NULL}; may be NULL */
};

/* Shorthands that keep a table declaration readable (see src/store/schema.c). */
#define PUQ_COLUMNS(...) ((const struct puq_schema_column[]){__VA_ARGS__, {NULL, NULL}})
#define PUQ_INDEXES(...) ((const struct puq_schema_index[]){__VA_ARGS__, {NULL, PUQ_INDEX_KEY, NULL}})
#define PUQ_PRIMARY(cols)      {"PRIMARY", PUQ_INDEX_PRIMARY, (cols)}
#define PUQ_UNIQUE(name, cols) {(name), PUQ_INDEX_UNIQUE, (cols)}
#define PUQ_KEY(name, cols)    {(name), PUQ_INDEX_KEY, (cols)}

typedef int (*puq_schema_step_fn)(struct puq_db *db, struct puq_error *err);

struct puq_schema_step {
	const char *name; /* unique and never renamed: it is the record of having run */
	puq_schema_step_fn run;
};

struct puq_schema {
	int version;
	const struct puq_schema_table *const *tables; /* ends with NULL */
	const struct puq_schema_step *steps;          /* ends with {NULL}; may be NULL */
};

/* The module's schema (src/store/schema.c). */
extern const struct puq_schema puq_schema_module;
/* The meta table's definition, for schemas built by tests. */
extern const struct puq_schema_table puq_schema_meta_table;

/*
 * Checks a schema description for mistakes a migration would only find on a customer's
 * database: duplicate names, bad identifiers, a NOT NULL column without DEFAULT, an index
 * naming an unknown column, a missing meta table. Field errors name "table.column".
 */
int puq_schema_lint(const struct puq_schema *s, struct puq_error *err);

/* A 64-bit fingerprint of everything the engine would create (tables, columns, indexes). */
uint64_t puq_schema_fingerprint(const struct puq_schema *s);

/* puq_db_migrate / puq_db_schema_check / puq_db_drop_tables for a given schema. */
int puq_schema_migrate(struct puq_db *db, const struct puq_schema *s, bool dry_run,
	struct puq_migrate_report *report, struct puq_error *err);
int puq_schema_check(struct puq_db *db, const struct puq_schema *s, struct puq_error *err);
int puq_schema_drop(struct puq_db *db, const struct puq_schema *s,
	struct puq_migrate_report *report, struct puq_error *err);

#endif
