/*
 * The migration engine: brings a database to the declarative table list of schema.c.
 *
 * A run takes GET_LOCK on a name derived from the database, so two processes (two cron
 * runs, a cron run and an admin opening the addon) never migrate the same database at
 * once; the second waits, then finds nothing left to do. Under the lock it reads what
 * exists from information_schema and, table by table, issues one CREATE TABLE for a
 * missing table or one ALTER TABLE adding every missing column and index of an existing
 * one. DDL commits on its own, so each statement is a step that either happened or
 * not, and a run interrupted anywhere is finished by the next. Then the data steps not
 * yet recorded run in order, and the version and fingerprint are stored in the meta
 * table last: a reader that sees the new version sees every table it implies.
 *
 * New tables get the collation of tblhosting (else the database default) so that joins
 * with WHMCS's tables never mix collations. Existing columns are never altered, so an
 * adopted table keeps every row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <mysqld_error.h>

#include "puqkvm/schema.h"
#include "store_internal.h"

/* GET_LOCK is server-wide: the name carries the database so that two WHMCS databases on
 * one server (or parallel test databases) do not wait for each other. 15 + 48 chars
 * stay under MySQL's limit of 64. */
#define LOCK_NAME_SQL "CONCAT('puqkvm_migrate:', LEFT(DATABASE(), 48))"
#define LOCK_WAIT_SECONDS 60

#define META_VERSION     "schema_version"
#define META_FINGERPRINT "schema_fingerprint"
#define META_STEP_PREFIX "step:"

void puq_migrate_report_init(struct puq_migrate_report *r)
{
	memset(r, 0, sizeof(*r));
	puq_buf_init(&r->changes);
}

void puq_migrate_report_free(struct puq_migrate_report *r)
{
	puq_buf_free(&r->changes);
	r->nchanges = 0;
}

static void report_add(struct puq_migrate_report *r, const char *fmt, ...) PUQ_PRINTF(2, 3);
static void report_add(struct puq_migrate_report *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	puq_buf_vprintf(&r->changes, fmt, ap);
	va_end(ap);
	puq_buf_putc(&r->changes, '\n');
	r->nchanges++;
}

/* ---- the meta table --------------------------------------------------------------------- */

/* All meta rows, or *rows = NULL when the meta table does not exist yet. */
static int read_meta(struct puq_db *db, struct puq_error *err, struct puq_db_rows **rows)
{
	int rc = puq_db_query(db, err, "SELECT name, value FROM " PUQ_SCHEMA_META_TABLE,
		PUQ_NOARGS, rows);
	if (rc == -PUQ_ESCHEMA && db->last_errno == ER_NO_SUCH_TABLE) {
		puq_error_clear(err);
		*rows = NULL;
		return 0;
	}
	return rc;
}

static const char *meta_get(const struct puq_db_rows *rows, const char *name)
{
	for (size_t r = 0; rows && r < rows->nrows; r++)
		if (strcmp(puq_db_cell(rows, r, 0), name) == 0)
			return puq_db_cell(rows, r, 1) ? puq_db_cell(rows, r, 1) : "";
	return NULL;
}

static int meta_version(const struct puq_db_rows *rows)
{
	const char *v = meta_get(rows, META_VERSION);
	return v ? atoi(v) : 0;
}

static int meta_put(struct puq_db *db, struct puq_error *err, const char *name, const char *value)
{
	return puq_db_exec(db, err,
		"INSERT INTO " PUQ_SCHEMA_META_TABLE " (name, value) VALUES (?, ?) "
		"ON DUPLICATE KEY UPDATE value = ?",
		PUQ_ARGS(PUQ_TEXT(name), PUQ_TEXT(value), PUQ_TEXT(value)), NULL);
}

int puq_db_schema_version(struct puq_db *db, int *version, struct puq_error *err)
{
	struct puq_db_rows *rows;
	int rc = read_meta(db, err, &rows);
	if (rc < 0)
		return rc;
	*version = meta_version(rows);
	puq_db_rows_free(rows);
	return 0;
}

int puq_schema_check(struct puq_db *db, const struct puq_schema *s, struct puq_error *err)
{
	struct puq_db_rows *rows;
	int rc = read_meta(db, err, &rows);
	if (rc < 0)
		return rc;
	if (!rows) {
		return puq_error_set(err, PUQ_ESCHEMA,
			"the puqkvm tables are not installed in this database: activate the "
			"puq_proxmox_kvm addon (Setup > Addon Modules), which runs the migrations");
	}
	int version = meta_version(rows);
	const char *stored_fp = meta_get(rows, META_FINGERPRINT);
	char fp[17];
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)puq_schema_fingerprint(s));

	if (version > s->version)
		rc = puq_error_set(err, PUQ_ESCHEMA,
			"the database schema (version %d) is newer than this puqkvm build needs (%d): "
			"install the puqkvm version that migrated it", version, s->version);
	else if (version < s->version || !stored_fp || strcmp(stored_fp, fp) != 0)
		rc = puq_error_set(err, PUQ_ESCHEMA,
			"the database schema (version %d) does not match this puqkvm build (version %d): "
			"open the puq_proxmox_kvm addon page or run its upgrade to migrate", version,
			s->version);
	puq_db_rows_free(rows);
	return rc;
}

/* ---- what exists ------------------------------------------------------------------------- */

struct existing {
	struct puq_db_rows *columns; /* TABLE_NAME, COLUMN_NAME of every module table */
	struct puq_db_rows *indexes; /* TABLE_NAME, INDEX_NAME */
};

static bool has_row(const struct puq_db_rows *r, const char *table, const char *name)
{
	for (size_t i = 0; r && i < r->nrows; i++)
		if (strcasecmp(puq_db_cell(r, i, 0), table) == 0 &&
			(!name || strcasecmp(puq_db_cell(r, i, 1), name) == 0))
			return true;
	return false;
}

static size_t count_tables(const struct puq_schema *s)
{
	size_t n = 0;
	while (s->tables[n])
		n++;
	return n;
}

/* Runs "<head> IN (?, ?, ...)" with the schema's table names. */
static int query_for_tables(struct puq_db *db, struct puq_error *err, const struct puq_schema *s,
	const char *head, struct puq_db_rows **out)
{
	size_t n = count_tables(s);
	struct puq_db_value *names = PUQ_CALLOC(n, sizeof(*names));
	struct puq_buf sql = PUQ_BUF_INIT;
	if (!names)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	puq_buf_puts(&sql, head);
	puq_buf_puts(&sql, " IN (");
	for (size_t i = 0; i < n; i++) {
		puq_buf_puts(&sql, i ? ", ?" : "?");
		names[i] = PUQ_TEXT(s->tables[i]->name);
	}
	puq_buf_putc(&sql, ')');
	int rc = puq_buf_failed(&sql)
		? puq_error_set(err, PUQ_ENOMEM, NULL)
		: puq_db_run(db, err, puq_buf_cstr(&sql), names, n, out, NULL,
			PUQ_RUN_NOCACHE | PUQ_RUN_QUERY);
	puq_buf_free(&sql);
	PUQ_FREE(names);
	return rc;
}

static int load_existing(struct puq_db *db, struct puq_error *err, const struct puq_schema *s,
	struct existing *ex)
{
	int rc = query_for_tables(db, err, s,
		"SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.COLUMNS "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME", &ex->columns);
	if (rc == 0)
		rc = query_for_tables(db, err, s,
			"SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS "
			"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME", &ex->indexes);
	return rc;
}

static void existing_free(struct existing *ex)
{
	puq_db_rows_free(ex->columns);
	puq_db_rows_free(ex->indexes);
	ex->columns = ex->indexes = NULL;
}

/* The collation new tables get: tblhosting's, else the database default. */
static int target_collation(struct puq_db *db, struct puq_error *err, char *out, size_t size)
{
	struct puq_db_rows *rows;
	int rc = puq_db_query(db, err,
		"SELECT COALESCE("
		"(SELECT TABLE_COLLATION FROM information_schema.TABLES "
		"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tblhosting'), "
		"(SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA "
		"WHERE SCHEMA_NAME = DATABASE()))",
		PUQ_NOARGS, &rows);
	if (rc < 0)
		return rc;
	const char *c = puq_db_cell(rows, 0, 0);
	out[0] = '\0';
	/* spliced into DDL: accept only what a collation name can be */
	if (c && strlen(c) < size && strspn(c, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(c))
		puq_strlcpy(out, c, size);
	puq_db_rows_free(rows);
	return 0;
}

/* ---- writing DDL ------------------------------------------------------------------------- */

static void put_index(struct puq_buf *b, const struct puq_schema_index *i)
{
	switch (i->kind) {
	case PUQ_INDEX_PRIMARY:
		puq_buf_puts(b, "PRIMARY KEY (");
		break;
	case PUQ_INDEX_UNIQUE:
		puq_buf_printf(b, "UNIQUE KEY `%s` (", i->name);
		break;
	case PUQ_INDEX_KEY:
		puq_buf_printf(b, "KEY `%s` (", i->name);
		break;
	}
	const char *cur = i->columns;
	char name[72];
	unsigned prefix;
	bool first = true;
	while (puq_schema_next_column(&cur, name, sizeof(name), &prefix)) {
		puq_buf_printf(b, "%s`%s`", first ? "" : ", ", name);
		if (prefix)
			puq_buf_printf(b, "(%u)", prefix);
		first = false;
	}
	puq_buf_putc(b, ')');
}

static const char *index_label(const struct puq_schema_index *i)
{
	return i->kind == PUQ_INDEX_UNIQUE ? "unique key" : "index";
}

static void build_create(struct puq_buf *b, const struct puq_schema_table *t,
	const char *collation)
{
	puq_buf_printf(b, "CREATE TABLE `%s` (", t->name);
	bool first = true;
	for (const struct puq_schema_column *c = t->columns; c->name; c++) {
		puq_buf_printf(b, "%s`%s` %s", first ? "" : ", ", c->name, c->definition);
		first = false;
	}
	for (const struct puq_schema_index *i = t->indexes; i && i->name; i++) {
		puq_buf_puts(b, ", ");
		put_index(b, i);
	}
	puq_buf_puts(b, ") ENGINE=InnoDB");
	if (collation[0])
		puq_buf_printf(b, " DEFAULT COLLATE=%s", collation);
}

/* The ALTER TABLE for what t lacks, or an empty buffer; each addition goes to report. */
static void build_alter(struct puq_buf *b, const struct puq_schema_table *t,
	const struct existing *ex, struct puq_migrate_report *report)
{
	struct puq_buf clauses = PUQ_BUF_INIT;
	const char *prev = NULL;
	for (const struct puq_schema_column *c = t->columns; c->name; prev = c->name, c++) {
		if (has_row(ex->columns, t->name, c->name))
			continue;
		puq_buf_printf(&clauses, "%s ADD COLUMN `%s` %s", clauses.len ? "," : "", c->name,
			c->definition);
		if (prev)
			puq_buf_printf(&clauses, " AFTER `%s`", prev);
		else
			puq_buf_puts(&clauses, " FIRST");
		report_add(report, "add column %s.%s", t->name, c->name);
	}
	for (const struct puq_schema_index *i = t->indexes; i && i->name; i++) {
		if (has_row(ex->indexes, t->name, i->name))
			continue;
		puq_buf_puts(&clauses, clauses.len ? ", ADD " : " ADD ");
		put_index(&clauses, i);
		if (i->kind == PUQ_INDEX_PRIMARY)
			report_add(report, "add primary key %s", t->name);
		else
			report_add(report, "add %s %s.%s", index_label(i), t->name, i->name);
	}
	if (clauses.len) {
		puq_buf_printf(b, "ALTER TABLE `%s`", t->name);
		puq_buf_append(b, puq_buf_cstr(&clauses), clauses.len);
	}
	if (puq_buf_failed(&clauses))
		b->failed = true;
	puq_buf_free(&clauses);
}

/* Runs one DDL statement; a failure becomes PUQ_EMIGRATE naming what was attempted. */
static int run_ddl(struct puq_db *db, struct puq_error *err, const char *sql, const char *what,
	const char *table)
{
	int rc = puq_db_run(db, err, sql, PUQ_NOARGS, NULL, NULL, PUQ_RUN_NOCACHE);
	if (rc == 0)
		return 0;
	char cause[PUQ_ERROR_TEXT_MAX];
	puq_strlcpy(cause, err->text, sizeof(cause));
	const char *advice = "";
	if (db->last_errno == ER_DUP_ENTRY || db->last_errno == ER_DUP_ENTRY_WITH_KEY_NAME)
		advice = "; remove the rows with duplicate values and run the migration again";
	return puq_error_set(err, PUQ_EMIGRATE, "cannot %s %s: %s%s", what, table, cause, advice);
}

/* ---- the lock ----------------------------------------------------------------------------- */

static int lock_take(struct puq_db *db, struct puq_error *err)
{
	struct puq_db_rows *rows;
	int rc = puq_db_query(db, err, "SELECT GET_LOCK(" LOCK_NAME_SQL ", ?)",
		PUQ_ARGS(PUQ_INT(LOCK_WAIT_SECONDS)), &rows);
	if (rc < 0)
		return rc;
	long long got = puq_db_cell_int(rows, 0, 0, -1);
	puq_db_rows_free(rows);
	if (got == 1)
		return 0;
	return puq_error_set(err, PUQ_EBUSY,
		"another process has been migrating the puqkvm schema for %d s: try again when it "
		"has finished", LOCK_WAIT_SECONDS);
}

static void lock_release(struct puq_db *db)
{
	struct puq_error scratch;
	struct puq_db_rows *rows = NULL;
	puq_error_clear(&scratch);
	if (db->mysql) /* a lost connection released the lock already */
		puq_db_query(db, &scratch, "SELECT RELEASE_LOCK(" LOCK_NAME_SQL ")", PUQ_NOARGS, &rows);
	puq_db_rows_free(rows);
}

/* The lock belongs to the connection: after a reconnect it is no longer held. */
static int lock_still_held(struct puq_db *db, unsigned long long reconnects, struct puq_error *err)
{
	if (db->stats.reconnects == reconnects)
		return 0;
	return puq_error_set(err, PUQ_EMIGRATE,
		"the database connection was re-opened during the migration, which released its "
		"lock; run the migration again");
}

/* ---- migrate ------------------------------------------------------------------------------ */

static int apply_tables(struct puq_db *db, struct puq_error *err, const struct puq_schema *s,
	bool dry_run, struct puq_migrate_report *report, unsigned long long reconnects)
{
	char collation[64];
	struct existing ex = {NULL, NULL};
	int rc = target_collation(db, err, collation, sizeof(collation));
	if (rc == 0)
		rc = load_existing(db, err, s, &ex);

	struct puq_buf sql = PUQ_BUF_INIT;
	for (size_t k = 0; rc == 0 && s->tables[k]; k++) {
		const struct puq_schema_table *t = s->tables[k];
		const char *what;
		puq_buf_reset(&sql);
		if (!has_row(ex.columns, t->name, NULL)) {
			build_create(&sql, t, collation);
			report_add(report, "create table %s", t->name);
			what = "create table";
		} else {
			build_alter(&sql, t, &ex, report);
			what = "alter table";
		}
		if (puq_buf_failed(&sql) || puq_buf_failed(&report->changes)) {
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
			break;
		}
		if (dry_run || sql.len == 0)
			continue;
		rc = lock_still_held(db, reconnects, err);
		if (rc == 0)
			rc = run_ddl(db, err, puq_buf_cstr(&sql), what, t->name);
	}
	puq_buf_free(&sql);
	existing_free(&ex);
	return rc;
}

static int apply_steps(struct puq_db *db, struct puq_error *err, const struct puq_schema *s,
	const struct puq_db_rows *meta, bool dry_run, struct puq_migrate_report *report,
	unsigned long long reconnects)
{
	for (size_t k = 0; s->steps && s->steps[k].name; k++) {
		const struct puq_schema_step *st = &s->steps[k];
		char key[80];
		snprintf(key, sizeof(key), META_STEP_PREFIX "%s", st->name);
		if (meta_get(meta, key))
			continue;
		report_add(report, "run data step %s", st->name);
		if (dry_run)
			continue;
		int rc = lock_still_held(db, reconnects, err);
		if (rc == 0)
			rc = st->run(db, err);
		if (rc < 0) {
			puq_error_prefix(err, "data step %s failed", st->name);
			return rc;
		}
		rc = meta_put(db, err, key, "done");
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int migrate_locked(struct puq_db *db, struct puq_error *err, const struct puq_schema *s,
	bool dry_run, struct puq_migrate_report *report, unsigned long long reconnects)
{
	struct puq_db_rows *meta;
	int rc = read_meta(db, err, &meta);
	if (rc < 0)
		return rc;
	report->from_version = meta_version(meta);
	if (report->from_version > s->version) {
		rc = puq_error_set(err, PUQ_EMIGRATE,
			"the database schema (version %d) is newer than this puqkvm build (%d): install "
			"the puqkvm version that migrated it; nothing was changed", report->from_version,
			s->version);
		puq_db_rows_free(meta);
		return rc;
	}

	rc = apply_tables(db, err, s, dry_run, report, reconnects);
	if (rc == 0)
		rc = apply_steps(db, err, s, meta, dry_run, report, reconnects);

	char version[16], fp[17];
	snprintf(version, sizeof(version), "%d", s->version);
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)puq_schema_fingerprint(s));
	const char *stored_version = meta_get(meta, META_VERSION);
	const char *stored_fp = meta_get(meta, META_FINGERPRINT);
	if (rc == 0 && (!stored_version || strcmp(stored_version, version) != 0 || !stored_fp ||
		strcmp(stored_fp, fp) != 0)) {
		report_add(report, "set schema version %d", s->version);
		/* the fingerprint first: a reader that sees the new version must see both */
		if (!dry_run)
			rc = meta_put(db, err, META_FINGERPRINT, fp);
		if (!dry_run && rc == 0)
			rc = meta_put(db, err, META_VERSION, version);
	}
	puq_db_rows_free(meta);
	return rc;
}

int puq_schema_migrate(struct puq_db *db, const struct puq_schema *s, bool dry_run,
	struct puq_migrate_report *report, struct puq_error *err)
{
	report->dry_run = dry_run;
	report->to_version = s->version;
	if (db->txn_depth > 0)
		return puq_error_set(err, PUQ_EINTERNAL,
			"migrations cannot run inside a transaction (DDL commits it)");

	struct puq_error lint;
	puq_error_clear(&lint);
	if (puq_schema_lint(s, &lint) < 0)
		return puq_error_set(err, PUQ_EMIGRATE,
			"the table list of this puqkvm build is invalid (%s); nothing was changed",
			lint.text);

	if (dry_run) /* reads only: no lock, nothing to serialise */
		return migrate_locked(db, err, s, true, report, db->stats.reconnects);

	int rc = lock_take(db, err);
	if (rc < 0)
		return rc;
	rc = migrate_locked(db, err, s, false, report, db->stats.reconnects);
	lock_release(db);
	return rc;
}

int puq_schema_drop(struct puq_db *db, const struct puq_schema *s,
	struct puq_migrate_report *report, struct puq_error *err)
{
	if (db->txn_depth > 0)
		return puq_error_set(err, PUQ_EINTERNAL,
			"tables cannot be dropped inside a transaction (DDL commits it)");
	int rc = lock_take(db, err);
	if (rc < 0)
		return rc;
	unsigned long long reconnects = db->stats.reconnects;
	struct existing ex = {NULL, NULL};
	rc = load_existing(db, err, s, &ex);
	size_t n = count_tables(s);
	/* reverse order: a table is dropped before the ones it was declared after */
	for (size_t k = n; rc == 0 && k-- > 0;) {
		const char *name = s->tables[k]->name;
		if (!has_row(ex.columns, name, NULL))
			continue;
		char sql[128];
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS `%s`", name);
		rc = lock_still_held(db, reconnects, err);
		if (rc == 0)
			rc = run_ddl(db, err, sql, "drop table", name);
		if (rc == 0)
			report_add(report, "drop table %s", name);
	}
	existing_free(&ex);
	lock_release(db);
	return rc;
}

/* ---- the module's schema ------------------------------------------------------------------ */

int puq_db_migrate(struct puq_db *db, bool dry_run, struct puq_migrate_report *report,
	struct puq_error *err)
{
	return puq_schema_migrate(db, &puq_schema_module, dry_run, report, err);
}

int puq_db_schema_check(struct puq_db *db, struct puq_error *err)
{
	return puq_schema_check(db, &puq_schema_module, err);
}

int puq_db_drop_tables(struct puq_db *db, struct puq_migrate_report *report,
	struct puq_error *err)
{
	return puq_schema_drop(db, &puq_schema_module, report, err);
}
