/*
 * Migrations (src/store/migrate.c, schema.c, schema_lint.c) against a real MariaDB:
 * a fresh database, a second run, dry runs, adoption of an earlier module's tables
 * with their rows, collations following WHMCS's tblhosting, data steps, the schema
 * check, two migrations at once, and dropping the module's tables.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/schema.h"
#include "testdb.h"

static struct puq_testdb t;

static int fresh_whmcs(void **state)
{
	return puq_testdb_create(&t, true);
}

static int fresh_empty(void **state)
{
	return puq_testdb_create(&t, false);
}

static int drop(void **state)
{
	puq_testdb_drop(&t);
	return 0;
}

static struct puq_db_rows *query(struct puq_db *db, const char *sql,
	const struct puq_db_value *params, size_t n)
{
	struct puq_error err;
	struct puq_db_rows *rows = NULL;
	puq_error_clear(&err);
	int rc = puq_db_query(db, &err, sql, params, n, &rows);
	if (rc < 0)
		fail_msg("%s: %s", sql, err.text);
	return rows;
}

static long long scalar(struct puq_db *db, const char *sql, const struct puq_db_value *params,
	size_t n)
{
	struct puq_db_rows *rows = query(db, sql, params, n);
	long long v = puq_db_cell_int(rows, 0, 0, -1);
	puq_db_rows_free(rows);
	return v;
}

/* How many tables of the module's list exist in the test database. */
static long long module_tables(void)
{
	long long n = 0;
	for (size_t k = 0; puq_schema_module.tables[k]; k++)
		n += scalar(t.db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
			"DATABASE() AND TABLE_NAME = ?", PUQ_ARGS(PUQ_TEXT(puq_schema_module.tables[k]->name)));
	return n;
}

static long long declared_tables(void)
{
	long long n = 0;
	while (puq_schema_module.tables[n])
		n++;
	return n;
}

static const char *version_line(void)
{
	static char line[40];
	snprintf(line, sizeof(line), "set schema version %d", PUQ_SCHEMA_VERSION);
	return line;
}

/* What a fresh database needs: every table, every data step, the version. */
static size_t fresh_changes(void)
{
	size_t steps = 0;
	while (puq_schema_module.steps && puq_schema_module.steps[steps].name)
		steps++;
	return (size_t)declared_tables() + steps + 1;
}

static int migrate(struct puq_db *db, bool dry_run, struct puq_migrate_report *r,
	struct puq_error *err)
{
	puq_migrate_report_init(r);
	puq_error_clear(err);
	return puq_db_migrate(db, dry_run, r, err);
}

static bool has_change(const struct puq_migrate_report *r, const char *line)
{
	char needle[200];
	snprintf(needle, sizeof(needle), "%s\n", line);
	const char *all = puq_buf_cstr(&r->changes);
	const char *p = strstr(all, needle);
	return p && (p == all || p[-1] == '\n');
}

/* ---- the table list ------------------------------------------------------------------- */

static void the_module_schema_is_well_formed(void **state)
{
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_schema_lint(&puq_schema_module, &err);
	if (rc < 0)
		fail_msg("schema.c: %s", err.text);
	assert_int_equal(puq_schema_module.version, PUQ_SCHEMA_VERSION);
}

static const struct puq_schema_table bad_table = {
	.name = "puq_bad",
	.owner = "test",
	.columns = PUQ_COLUMNS(
		{"id", "INT NOT NULL"},
		{"count", "INT NOT NULL"},
		{"notes", "TEXT NOT NULL"},
		{"id", "INT NULL"}),
	.indexes = PUQ_INDEXES(PUQ_KEY("by_owner", "owner_id"), PUQ_UNIQUE("count", "count")),
};

static void lint_reports_every_mistake(void **state)
{
	static const struct puq_schema_table *const tables[] = {&bad_table, &bad_table, NULL};
	static const struct puq_schema bad = {.version = 1, .tables = tables};
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_schema_lint(&bad, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "puq_bad.count"));
	assert_non_null(strstr(puq_error_field_message(&err, "puq_bad.count"), "DEFAULT"));
	assert_non_null(puq_error_field_message(&err, "puq_bad.notes"));
	assert_non_null(strstr(puq_error_field_message(&err, "puq_bad.by_owner"), "owner_id"));
	assert_non_null(puq_error_field_message(&err, "puq_bad"));           /* declared twice */
	assert_non_null(puq_error_field_message(&err, PUQ_SCHEMA_META_TABLE)); /* missing */
	/* id is NOT NULL without DEFAULT but has no primary key either */
	assert_non_null(puq_error_field_message(&err, "puq_bad.id"));
}

/* ---- fresh database --------------------------------------------------------------------- */

static void a_fresh_database_is_migrated_and_a_second_run_changes_nothing(void **state)
{
	struct puq_migrate_report r;
	struct puq_error err;

	puq_error_clear(&err);
	assert_int_equal(puq_db_schema_check(t.db, &err), -PUQ_ESCHEMA);
	assert_non_null(strstr(err.text, "activate"));

	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	assert_int_equal(r.from_version, 0);
	assert_int_equal(r.to_version, PUQ_SCHEMA_VERSION);
	assert_true(has_change(&r, "create table puq_proxmox_kvm_meta"));
	assert_true(has_change(&r, "create table puq_proxmox_kvm_settings"));
	assert_true(has_change(&r, "create table puqProxmoxKVM_vm_info"));
	assert_true(has_change(&r, version_line()));
	assert_int_equal(r.nchanges, fresh_changes());
	puq_migrate_report_free(&r);
	assert_int_equal(module_tables(), declared_tables());

	puq_error_clear(&err);
	assert_int_equal(puq_db_schema_check(t.db, &err), 0);
	int version = -1;
	assert_int_equal(puq_db_schema_version(t.db, &version, &err), 0);
	assert_int_equal(version, PUQ_SCHEMA_VERSION);

	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	assert_int_equal(r.from_version, PUQ_SCHEMA_VERSION);
	assert_int_equal(r.nchanges, 0);
	assert_string_equal(puq_buf_cstr(&r.changes), "");
	puq_migrate_report_free(&r);

	/* the tables take WHMCS's collation (tblhosting: utf8_unicode_ci) */
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'puq%' AND TABLE_COLLATION <> "
		"(SELECT TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
		"DATABASE() AND TABLE_NAME = 'tblhosting')", PUQ_NOARGS), 0);
	/* so a join with WHMCS's tables on text columns works */
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM puqProxmoxKVM_vm_info v JOIN tblhosting h "
		"ON h.domain = v.vm_name", PUQ_NOARGS), 0);
}

static void a_dry_run_reports_and_changes_nothing(void **state)
{
	struct puq_migrate_report r;
	struct puq_error err;
	assert_int_equal(migrate(t.db, true, &r, &err), 0);
	assert_true(r.dry_run);
	assert_true(has_change(&r, "create table puq_proxmox_kvm_ip_pools"));
	assert_true(has_change(&r, version_line()));
	assert_int_equal(r.nchanges, fresh_changes());
	puq_migrate_report_free(&r);
	assert_int_equal(module_tables(), 0);
	puq_error_clear(&err);
	assert_int_equal(puq_db_schema_check(t.db, &err), -PUQ_ESCHEMA);
}

/* ---- adoption ----------------------------------------------------------------------------- */

static void tables_of_an_earlier_module_are_adopted_with_their_rows(void **state)
{
	/* what an older module left: fewer columns, no index, and rows */
	assert_int_equal(puq_testdb_exec(t.db,
		"CREATE TABLE puq_proxmox_kvm_ip_pools (id INT UNSIGNED NOT NULL AUTO_INCREMENT "
		"PRIMARY KEY, server_id INT NOT NULL, bridge VARCHAR(64) NOT NULL, "
		"legacy_note VARCHAR(32) NULL) ENGINE=InnoDB"), 0);
	assert_int_equal(puq_testdb_exec(t.db,
		"INSERT INTO puq_proxmox_kvm_ip_pools (server_id, bridge, legacy_note) VALUES "
		"(1, 'vmbr0', 'a'), (2, 'vmbr1', 'b'), (2, 'vmbr2', NULL)"), 0);
	assert_int_equal(puq_testdb_exec(t.db,
		"CREATE TABLE puqProxmoxKVM_vm_info (service_id INT NOT NULL, vm_id INT NOT NULL, "
		"vm_status VARCHAR(64) NOT NULL) ENGINE=InnoDB"), 0);
	assert_int_equal(puq_testdb_exec(t.db,
		"INSERT INTO puqProxmoxKVM_vm_info VALUES (5546, 2001, 'ready'), (5547, 2002, 'clone')"), 0);

	struct puq_migrate_report r;
	struct puq_error err;
	assert_int_equal(migrate(t.db, true, &r, &err), 0);
	assert_true(has_change(&r, "add column puq_proxmox_kvm_ip_pools.gateway"));
	assert_true(has_change(&r, "add index puq_proxmox_kvm_ip_pools.server_type"));
	assert_true(has_change(&r, "add primary key puqProxmoxKVM_vm_info"));
	assert_false(has_change(&r, "create table puq_proxmox_kvm_ip_pools"));
	assert_false(has_change(&r, "add column puq_proxmox_kvm_ip_pools.bridge"));
	puq_migrate_report_free(&r);

	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	assert_true(has_change(&r, "add column puqProxmoxKVM_vm_info.vm_last_action_log"));
	puq_migrate_report_free(&r);

	/* every row kept, old columns kept, new columns filled with their defaults */
	struct puq_db_rows *rows = query(t.db, "SELECT server_id, bridge, legacy_note, type, vlan, "
		"start_ip FROM puq_proxmox_kvm_ip_pools ORDER BY id", PUQ_NOARGS);
	assert_int_equal(rows->nrows, 3);
	assert_string_equal(puq_db_cell(rows, 1, 1), "vmbr1");
	assert_string_equal(puq_db_cell(rows, 0, 2), "a");
	assert_null(puq_db_cell(rows, 2, 2));
	assert_string_equal(puq_db_cell(rows, 0, 3), "ipv4");
	assert_string_equal(puq_db_cell(rows, 0, 4), "0");
	assert_string_equal(puq_db_cell(rows, 0, 5), "");
	puq_db_rows_free(rows);
	rows = query(t.db, "SELECT service_id, vm_id, vm_status, vm_name, vm_rev_dns FROM "
		"puqProxmoxKVM_vm_info ORDER BY service_id", PUQ_NOARGS);
	assert_int_equal(rows->nrows, 2);
	assert_string_equal(puq_db_cell(rows, 0, 2), "ready");
	assert_string_equal(puq_db_cell(rows, 1, 1), "2002");
	assert_string_equal(puq_db_cell(rows, 1, 3), "");
	assert_null(puq_db_cell(rows, 1, 4));
	puq_db_rows_free(rows);
	/* new columns sit where the table list puts them (after their predecessor) */
	assert_int_equal(scalar(t.db, "SELECT ORDINAL_POSITION FROM information_schema.COLUMNS WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'puqProxmoxKVM_vm_info' AND "
		"COLUMN_NAME = 'vm_name'", PUQ_NOARGS), 3);

	puq_error_clear(&err);
	assert_int_equal(puq_db_schema_check(t.db, &err), 0);
	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	assert_int_equal(r.nchanges, 0);
	puq_migrate_report_free(&r);
}

static void a_unique_key_over_duplicate_rows_fails_with_advice(void **state)
{
	/* vm_info's primary key (service_id) cannot be added over two rows for one service */
	assert_int_equal(puq_testdb_exec(t.db,
		"CREATE TABLE puqProxmoxKVM_vm_info (service_id INT NOT NULL, vm_id INT NOT NULL) "
		"ENGINE=InnoDB"), 0);
	assert_int_equal(puq_testdb_exec(t.db,
		"INSERT INTO puqProxmoxKVM_vm_info VALUES (7, 100), (7, 101)"), 0);
	struct puq_migrate_report r;
	struct puq_error err;
	assert_int_equal(migrate(t.db, false, &r, &err), -PUQ_EMIGRATE);
	assert_non_null(strstr(err.text, "puqProxmoxKVM_vm_info"));
	assert_non_null(strstr(err.text, "duplicate"));
	puq_migrate_report_free(&r);
	/* the steps before it happened, the version was not written */
	puq_error_clear(&err);
	assert_int_equal(puq_db_schema_check(t.db, &err), -PUQ_ESCHEMA);
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM puqProxmoxKVM_vm_info", PUQ_NOARGS), 2);

	/* once the duplicates are gone, the next run finishes */
	assert_int_equal(puq_testdb_exec(t.db, "DELETE FROM puqProxmoxKVM_vm_info WHERE vm_id = 101"), 0);
	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	puq_migrate_report_free(&r);
	assert_int_equal(puq_db_schema_check(t.db, &err), 0);
}

/* ---- collation -------------------------------------------------------------------------- */

static void tables_follow_tblhosting_over_the_database_default(void **state)
{
	/* the test database defaults to utf8_unicode_ci; this WHMCS was converted to utf8mb4 */
	assert_int_equal(puq_testdb_exec(t.db,
		"CREATE TABLE tblhosting (id INT NOT NULL PRIMARY KEY, domain TEXT NOT NULL) "
		"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"), 0);
	struct puq_migrate_report r;
	struct puq_error err;
	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	puq_migrate_report_free(&r);
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'puq%' AND "
		"TABLE_COLLATION = 'utf8mb4_unicode_ci'", PUQ_NOARGS), declared_tables());
}

static void without_whmcs_tables_the_database_default_is_used(void **state)
{
	struct puq_migrate_report r;
	struct puq_error err;
	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	puq_migrate_report_free(&r);
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'puq%' AND TABLE_COLLATION = "
		"(SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE "
		"SCHEMA_NAME = DATABASE())", PUQ_NOARGS), declared_tables());
}

/* ---- data steps and the schema check ------------------------------------------------------- */

static int step_runs;
static bool step_fails;

static int seed_step(struct puq_db *db, struct puq_error *err)
{
	step_runs++;
	if (step_fails)
		return puq_error_set(err, PUQ_ECONFLICT, "legacy rows are inconsistent");
	return puq_db_exec(db, err, "INSERT INTO puq_test_items (name) VALUES ('seeded')",
		PUQ_NOARGS, NULL);
}

static const struct puq_schema_table test_items = {
	.name = "puq_test_items",
	.owner = "test",
	.columns = PUQ_COLUMNS(
		{"id", "INT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"name", "VARCHAR(32) NOT NULL DEFAULT ''"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id")),
};

static const struct puq_schema_table test_items_v2 = {
	.name = "puq_test_items",
	.owner = "test",
	.columns = PUQ_COLUMNS(
		{"id", "INT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"name", "VARCHAR(32) NOT NULL DEFAULT ''"},
		{"colour", "VARCHAR(16) NOT NULL DEFAULT 'blue'"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id")),
};

static const struct puq_schema_table *const test_tables[] = {&puq_schema_meta_table, &test_items, NULL};
static const struct puq_schema_table *const test_tables_v2[] = {&puq_schema_meta_table, &test_items_v2, NULL};
static const struct puq_schema_step test_steps[] = {{"seed_items", seed_step}, {NULL, NULL}};
static const struct puq_schema test_schema = {.version = 3, .tables = test_tables, .steps = test_steps};
/* the same version with a column added: the fingerprint notices */
static const struct puq_schema test_schema_changed = {.version = 3, .tables = test_tables_v2, .steps = test_steps};
static const struct puq_schema test_schema_older = {.version = 2, .tables = test_tables, .steps = test_steps};

static void data_steps_run_once_and_only_after_success(void **state)
{
	struct puq_migrate_report r;
	struct puq_error err;
	step_runs = 0;
	step_fails = true;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	assert_int_equal(puq_schema_migrate(t.db, &test_schema, false, &r, &err), -PUQ_ECONFLICT);
	assert_non_null(strstr(err.text, "data step seed_items failed"));
	assert_non_null(strstr(err.text, "inconsistent"));
	puq_migrate_report_free(&r);
	assert_int_equal(step_runs, 1);
	puq_error_clear(&err);
	assert_int_equal(puq_schema_check(t.db, &test_schema, &err), -PUQ_ESCHEMA);

	step_fails = false;
	puq_migrate_report_init(&r);
	assert_int_equal(puq_schema_migrate(t.db, &test_schema, false, &r, &err), 0);
	assert_true(has_change(&r, "run data step seed_items"));
	assert_false(has_change(&r, "create table puq_test_items"));
	puq_migrate_report_free(&r);
	assert_int_equal(step_runs, 2);

	puq_migrate_report_init(&r);
	assert_int_equal(puq_schema_migrate(t.db, &test_schema, false, &r, &err), 0);
	assert_int_equal(r.nchanges, 0);
	puq_migrate_report_free(&r);
	assert_int_equal(step_runs, 2);
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM puq_test_items", PUQ_NOARGS), 1);
	assert_int_equal(puq_schema_check(t.db, &test_schema, &err), 0);
}

static void the_check_notices_any_mismatch(void **state)
{
	struct puq_migrate_report r;
	struct puq_error err;
	step_fails = false;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	assert_int_equal(puq_schema_migrate(t.db, &test_schema, false, &r, &err), 0);
	puq_migrate_report_free(&r);

	/* a changed table list with the same version number */
	puq_error_clear(&err);
	assert_int_equal(puq_schema_check(t.db, &test_schema_changed, &err), -PUQ_ESCHEMA);
	assert_non_null(strstr(err.text, "migrate"));

	/* an older build meeting a newer schema: refuses to run and to migrate */
	puq_error_clear(&err);
	assert_int_equal(puq_schema_check(t.db, &test_schema_older, &err), -PUQ_ESCHEMA);
	assert_non_null(strstr(err.text, "newer"));
	puq_migrate_report_init(&r);
	assert_int_equal(puq_schema_migrate(t.db, &test_schema_older, false, &r, &err), -PUQ_EMIGRATE);
	assert_int_equal(r.nchanges, 0);
	puq_migrate_report_free(&r);

	/* migrating the changed list adds the column and stores the new fingerprint */
	puq_migrate_report_init(&r);
	assert_int_equal(puq_schema_migrate(t.db, &test_schema_changed, false, &r, &err), 0);
	assert_true(has_change(&r, "add column puq_test_items.colour"));
	assert_true(has_change(&r, "set schema version 3"));
	puq_migrate_report_free(&r);
	assert_int_equal(puq_schema_check(t.db, &test_schema_changed, &err), 0);
	assert_int_equal(puq_schema_check(t.db, &test_schema, &err), -PUQ_ESCHEMA);
}

/* ---- two at once ------------------------------------------------------------------------ */

struct racer {
	struct puq_db *db;
	pthread_barrier_t *start;
	int rc;
	size_t nchanges;
	char text[PUQ_ERROR_TEXT_MAX];
};

static void *race(void *p)
{
	struct racer *c = p;
	struct puq_migrate_report r;
	struct puq_error err;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	pthread_barrier_wait(c->start);
	c->rc = puq_db_migrate(c->db, false, &r, &err);
	c->nchanges = r.nchanges;
	puq_strlcpy(c->text, err.text, sizeof(c->text));
	puq_migrate_report_free(&r);
	return NULL;
}

static void two_migrations_at_once_both_succeed(void **state)
{
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, 2);
	struct racer a = {puq_testdb_connect(&t), &start, -1, 0, ""};
	struct racer b = {puq_testdb_connect(&t), &start, -1, 0, ""};
	assert_non_null(a.db);
	assert_non_null(b.db);
	pthread_t ta, tb;
	pthread_create(&ta, NULL, race, &a);
	pthread_create(&tb, NULL, race, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&start);
	if (a.rc != 0 || b.rc != 0)
		fail_msg("a: %d %s / b: %d %s", a.rc, a.text, b.rc, b.text);
	/* one did the work, the other waited for the lock and found nothing to do */
	assert_int_equal(a.nchanges + b.nchanges, fresh_changes());
	assert_true(a.nchanges == 0 || b.nchanges == 0);
	puq_db_close(a.db);
	puq_db_close(b.db);
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_db_schema_check(t.db, &err), 0);
	assert_int_equal(module_tables(), declared_tables());
}

/* ---- dropping ----------------------------------------------------------------------------- */

static void dropping_removes_module_tables_only(void **state)
{
	struct puq_migrate_report r;
	struct puq_error err;
	assert_int_equal(migrate(t.db, false, &r, &err), 0);
	puq_migrate_report_free(&r);
	long long whmcs_before = scalar(t.db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'tbl%'", PUQ_NOARGS);
	assert_true(whmcs_before >= 18);

	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	assert_int_equal(puq_db_drop_tables(t.db, &r, &err), 0);
	assert_int_equal(r.nchanges, declared_tables());
	assert_true(has_change(&r, "drop table puq_proxmox_kvm_settings"));
	puq_migrate_report_free(&r);
	assert_int_equal(module_tables(), 0);
	assert_int_equal(scalar(t.db, "SELECT COUNT(*) FROM information_schema.TABLES WHERE "
		"TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'tbl%'", PUQ_NOARGS), whmcs_before);

	/* nothing left to drop is not an error */
	puq_migrate_report_init(&r);
	assert_int_equal(puq_db_drop_tables(t.db, &r, &err), 0);
	assert_int_equal(r.nchanges, 0);
	puq_migrate_report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_module_schema_is_well_formed),
		cmocka_unit_test(lint_reports_every_mistake),
		cmocka_unit_test_setup_teardown(
			a_fresh_database_is_migrated_and_a_second_run_changes_nothing, fresh_whmcs, drop),
		cmocka_unit_test_setup_teardown(a_dry_run_reports_and_changes_nothing, fresh_whmcs, drop),
		cmocka_unit_test_setup_teardown(tables_of_an_earlier_module_are_adopted_with_their_rows,
			fresh_whmcs, drop),
		cmocka_unit_test_setup_teardown(a_unique_key_over_duplicate_rows_fails_with_advice,
			fresh_whmcs, drop),
		cmocka_unit_test_setup_teardown(tables_follow_tblhosting_over_the_database_default,
			fresh_empty, drop),
		cmocka_unit_test_setup_teardown(without_whmcs_tables_the_database_default_is_used,
			fresh_empty, drop),
		cmocka_unit_test_setup_teardown(data_steps_run_once_and_only_after_success, fresh_empty,
			drop),
		cmocka_unit_test_setup_teardown(the_check_notices_any_mismatch, fresh_empty, drop),
		cmocka_unit_test_setup_teardown(two_migrations_at_once_both_succeed, fresh_whmcs, drop),
		cmocka_unit_test_setup_teardown(dropping_removes_module_tables_only, fresh_whmcs, drop),
	};
	return cmocka_run_group_tests_name("migrate", tests, NULL, NULL);
}
