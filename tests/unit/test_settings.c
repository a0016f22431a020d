/*
 * Settings (src/settings/): the definitions, validation of submitted sets (every bad
 * field reported at once, nothing changed), normalisation, and storage in a real
 * database: save, load over defaults, reset, and a failed save that stores nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/settings.h"
#include "testdb.h"

#define IN(name, value) {(name), (value), sizeof(value) - 1}

static void every_default_is_valid_and_names_are_unique(void **state)
{
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_settings_init(&s, &err), 0);
	assert_int_equal(s.n, puq_settings_count());
	for (size_t i = 0; i < puq_settings_count(); i++) {
		const struct puq_setting_def *d = puq_settings_def(i);
		struct puq_setting_input one = {d->name, d->dflt, strlen(d->dflt)};
		if (puq_settings_validate(&s, &one, 1, &err) < 0)
			fail_msg("default of %s: %s", d->name, err.text);
		assert_string_equal(puq_settings_get(&s, d->name), d->dflt);
		assert_non_null(d->label);
		assert_non_null(d->help);
		assert_true(strcmp(d->group, "general") == 0 || strcmp(d->group, "cron") == 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(puq_settings_def(j)->name, d->name);
	}
	assert_null(puq_settings_def(puq_settings_count()));
	puq_settings_free(&s);
}

static void the_documented_defaults(void **state)
{
	static const struct {
		const char *name, *value;
	} want[] = {
		{"default_timeout", "10"}, {"heavy_timeout", "60"}, {"migration_enabled", "1"},
		{"migration_timeout", "300"}, {"drop_tables_on_deactivate", "0"},
		{"cron_mode", "whmcs"}, {"cron_lock_timeout", "600"},
		{"cron_interval_processVirtualMachines", "1"},
		{"cron_interval_removeOldSnapshots", "5"}, {"cron_interval_restoreBackupStatus", "1"},
		{"cron_interval_nowBackupStatus", "1"}, {"cron_interval_scheduleBackup", "5"},
		{"cron_interval_scheduleSnapshot", "5"}, {"cron_interval_collectingStatistics", "60"},
		{"dns_endpoint_allowlist", ""}, {"cron_php_binary", ""},
	};
	struct puq_settings s;
	assert_int_equal(puq_settings_init(&s, NULL), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_non_null(puq_settings_find(want[i].name, NULL));
		assert_string_equal(puq_settings_get(&s, want[i].name), want[i].value);
	}
	assert_int_equal(puq_settings_get_int(&s, "heavy_timeout"), 60);
	assert_true(puq_settings_get_bool(&s, "migration_enabled"));
	assert_false(puq_settings_get_bool(&s, "drop_tables_on_deactivate"));
	const struct puq_setting_def *d = puq_settings_find("default_timeout", NULL);
	assert_int_equal(d->min, 1);
	assert_int_equal(d->max, 300);
	puq_settings_free(&s);
}

static void every_bad_field_is_reported_and_nothing_changes(void **state)
{
	const struct puq_setting_input in[] = {
		IN("default_timeout", "0"),
		IN("heavy_timeout", "sixty"),
		IN("migration_timeout", "120"), /* valid, but not applied: others are bad */
		IN("migration_enabled", "maybe"),
		IN("cron_mode", "hourly"),
		IN("dns_endpoint_allowlist", "192.0.2.0/24\nnot-an-ip"),
		IN("cron_php_binary", "php"),
		IN("cron_interval_scheduleBackup", "1441"),
		IN("no_such_setting", "1"),
	};
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_settings_init(&s, &err), 0);

	assert_int_equal(puq_settings_validate(&s, in, sizeof(in) / sizeof(in[0]), &err),
		-PUQ_EVALIDATION);
	assert_int_equal(err.code, PUQ_EVALIDATION);
	assert_int_equal(err.nfields, 8);
	assert_string_equal(puq_error_field_message(&err, "default_timeout"),
		"must be a whole number from 1 to 300 seconds");
	assert_string_equal(puq_error_field_message(&err, "heavy_timeout"),
		"must be a whole number from 1 to 600 seconds");
	assert_string_equal(puq_error_field_message(&err, "migration_enabled"), "must be on or off");
	assert_string_equal(puq_error_field_message(&err, "cron_mode"),
		"must be one of: whmcs, standalone");
	assert_non_null(strstr(puq_error_field_message(&err, "dns_endpoint_allowlist"),
		"line 2 (not-an-ip)"));
	assert_non_null(strstr(puq_error_field_message(&err, "cron_php_binary"), "absolute path"));
	assert_string_equal(puq_error_field_message(&err, "cron_interval_scheduleBackup"),
		"must be a whole number from 0 to 1440 minutes");
	assert_non_null(puq_error_field_message(&err, "no_such_setting"));
	assert_null(puq_error_field_message(&err, "migration_timeout"));
	assert_string_equal(err.text, "8 settings are invalid, so nothing was saved");

	assert_string_equal(puq_settings_get(&s, "migration_timeout"), "300");
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "10");
	puq_settings_free(&s);
}

static void values_are_normalised(void **state)
{
	const struct puq_setting_input in[] = {
		IN("default_timeout", " 15 "),
		IN("heavy_timeout", "+600"),
		IN("migration_enabled", "Off"),
		IN("drop_tables_on_deactivate", "yes"),
		IN("cron_interval_collectingStatistics", "0"),
		IN("dns_endpoint_allowlist", "  192.0.2.0/24 \r\n\n2001:db8::/32\n198.51.100.7\n"),
		IN("cron_php_binary", " /usr/bin/php8.2 "),
	};
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_settings_init(&s, &err), 0);
	assert_int_equal(puq_settings_validate(&s, in, sizeof(in) / sizeof(in[0]), &err), 0);
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "15");
	assert_string_equal(puq_settings_get(&s, "heavy_timeout"), "600");
	assert_string_equal(puq_settings_get(&s, "migration_enabled"), "0");
	assert_string_equal(puq_settings_get(&s, "drop_tables_on_deactivate"), "1");
	assert_string_equal(puq_settings_get(&s, "cron_interval_collectingStatistics"), "0");
	assert_string_equal(puq_settings_get(&s, "dns_endpoint_allowlist"),
		"192.0.2.0/24\n2001:db8::/32\n198.51.100.7");
	assert_string_equal(puq_settings_get(&s, "cron_php_binary"), "/usr/bin/php8.2");
	puq_settings_free(&s);
}

static void edge_values(void **state)
{
	static const struct {
		const char *name, *value;
		bool ok;
	} cases[] = {
		{"default_timeout", "1", true}, {"default_timeout", "300", true},
		{"default_timeout", "301", false}, {"default_timeout", "", false},
		{"default_timeout", "-", false}, {"default_timeout", "1.5", false},
		{"default_timeout", "99999999999999999999999", false},
		{"cron_interval_nowBackupStatus", "-1", false},
		{"cron_mode", "standalone", true}, {"cron_mode", "WHMCS", false},
		{"migration_enabled", "", false},
		{"dns_endpoint_allowlist", "", true},
		{"dns_endpoint_allowlist", "10.0.0.0/8", true},
		{"dns_endpoint_allowlist", "10.0.0.0/33", false},
		{"dns_endpoint_allowlist", "2001:db8::1/129", false},
		{"dns_endpoint_allowlist", "::1", true},
		{"dns_endpoint_allowlist", "192.0.2.256", false},
		{"dns_endpoint_allowlist", "<script>alert(1)</script>", false},
		{"cron_php_binary", "/opt/php/bin/php", true},
		{"cron_php_binary", "/usr/bin/php\n* * * * * rm -rf /", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct puq_settings s;
		struct puq_error err;
		puq_error_clear(&err);
		assert_int_equal(puq_settings_init(&s, &err), 0);
		struct puq_setting_input one = {cases[i].name, cases[i].value, strlen(cases[i].value)};
		int rc = puq_settings_validate(&s, &one, 1, &err);
		if ((rc == 0) != cases[i].ok)
			fail_msg("%s = \"%s\": expected %s, got %s", cases[i].name, cases[i].value,
				cases[i].ok ? "valid" : "invalid", rc == 0 ? "valid" : err.text);
		puq_settings_free(&s);
	}
}

static void host_bits_get_a_suggestion_and_nul_is_refused(void **state)
{
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_settings_init(&s, &err), 0);
	const struct puq_setting_input cidr = IN("dns_endpoint_allowlist", "10.1.2.3/8");
	assert_int_equal(puq_settings_validate(&s, &cidr, 1, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "dns_endpoint_allowlist"),
		"did you mean 10.0.0.0/8?"));

	puq_error_clear(&err);
	const struct puq_setting_input nul = {"cron_php_binary", "/usr/bin/php\0x", 14};
	assert_int_equal(puq_settings_validate(&s, &nul, 1, &err), -PUQ_EVALIDATION);
	assert_string_equal(puq_error_field_message(&err, "cron_php_binary"),
		"must not contain a NUL byte");
	assert_string_equal(err.text, "1 setting is invalid, so nothing was saved: cron_php_binary "
		"must not contain a NUL byte");
	puq_settings_free(&s);
}

/* ---- with a database -------------------------------------------------------------------- */

static struct puq_testdb t;

static int migrated_db(void **state)
{
	if (puq_testdb_create(&t, true) < 0)
		return -1;
	struct puq_migrate_report r;
	struct puq_error err;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	int rc = puq_db_migrate(t.db, false, &r, &err);
	puq_migrate_report_free(&r);
	if (rc < 0)
		fprintf(stderr, "migrate: %s\n", err.text);
	return rc < 0 ? -1 : 0;
}

static int drop_db(void **state)
{
	puq_testdb_drop(&t);
	return 0;
}

static long long stored_rows(void)
{
	struct puq_error err;
	struct puq_db_rows *rows;
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(t.db, &err, "SELECT COUNT(*) FROM puq_proxmox_kvm_settings",
		PUQ_NOARGS, &rows), 0);
	long long n = puq_db_cell_int(rows, 0, 0, -1);
	puq_db_rows_free(rows);
	return n;
}

static void save_load_and_reset(void **state)
{
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);

	assert_int_equal(puq_settings_load(t.db, &s, &err), 0);
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "10");
	puq_settings_free(&s);
	assert_int_equal(stored_rows(), 0);

	const struct puq_setting_input in[] = {
		IN("default_timeout", "25"),
		IN("cron_mode", "standalone"),
		IN("cron_interval_processVirtualMachines", "2"),
	};
	assert_int_equal(puq_settings_save(t.db, in, 3, &s, &err), 0);
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "25");
	assert_string_equal(puq_settings_get(&s, "cron_mode"), "standalone");
	assert_string_equal(puq_settings_get(&s, "heavy_timeout"), "60"); /* untouched default */
	puq_settings_free(&s);
	assert_int_equal(stored_rows(), 3);

	/* saving again updates in place */
	const struct puq_setting_input again = IN("default_timeout", "30");
	assert_int_equal(puq_settings_save(t.db, &again, 1, &s, &err), 0);
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "30");
	puq_settings_free(&s);
	assert_int_equal(stored_rows(), 3);

	/* reset of one group keeps the other */
	assert_int_equal(puq_settings_reset(t.db, "cron", &err), 0);
	assert_int_equal(puq_settings_load(t.db, &s, &err), 0);
	assert_string_equal(puq_settings_get(&s, "cron_mode"), "whmcs");
	assert_string_equal(puq_settings_get(&s, "cron_interval_processVirtualMachines"), "1");
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "30");
	puq_settings_free(&s);
	assert_int_equal(puq_settings_reset(t.db, "nonsense", &err), -PUQ_EVALIDATION);
	puq_error_clear(&err);
	assert_int_equal(puq_settings_reset(t.db, NULL, &err), 0);
	assert_int_equal(stored_rows(), 0);
}

static void a_failed_save_stores_nothing(void **state)
{
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	const struct puq_setting_input first = IN("heavy_timeout", "90");
	assert_int_equal(puq_settings_save(t.db, &first, 1, &s, &err), 0);
	puq_settings_free(&s);

	const struct puq_setting_input in[] = {
		IN("heavy_timeout", "120"),      /* valid */
		IN("migration_timeout", "5"),    /* below 10 */
		IN("cron_mode", "standalone"),   /* valid */
	};
	s.values = NULL;
	assert_int_equal(puq_settings_save(t.db, in, 3, &s, &err), -PUQ_EVALIDATION);
	assert_null(s.values);
	assert_int_equal(err.nfields, 1);
	assert_non_null(puq_error_field_message(&err, "migration_timeout"));

	puq_error_clear(&err);
	assert_int_equal(puq_settings_load(t.db, &s, &err), 0);
	assert_string_equal(puq_settings_get(&s, "heavy_timeout"), "90");
	assert_string_equal(puq_settings_get(&s, "cron_mode"), "whmcs");
	puq_settings_free(&s);
	assert_int_equal(stored_rows(), 1);
}

static void stored_values_a_build_no_longer_accepts_read_as_defaults(void **state)
{
	assert_int_equal(puq_testdb_exec(t.db, "INSERT INTO puq_proxmox_kvm_settings (name, value) "
		"VALUES ('default_timeout', '9000'), ('retired_setting', 'x'), ('cron_mode', NULL), "
		"('heavy_timeout', '45')"), 0);
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_settings_load(t.db, &s, &err), 0);
	assert_string_equal(puq_settings_get(&s, "default_timeout"), "10");
	assert_string_equal(puq_settings_get(&s, "cron_mode"), "whmcs");
	assert_string_equal(puq_settings_get(&s, "heavy_timeout"), "45");
	assert_string_equal(puq_settings_get(&s, "retired_setting"), "");
	puq_settings_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_default_is_valid_and_names_are_unique),
		cmocka_unit_test(the_documented_defaults),
		cmocka_unit_test(every_bad_field_is_reported_and_nothing_changes),
		cmocka_unit_test(values_are_normalised),
		cmocka_unit_test(edge_values),
		cmocka_unit_test(host_bits_get_a_suggestion_and_nul_is_refused),
		cmocka_unit_test_setup_teardown(save_load_and_reset, migrated_db, drop_db),
		cmocka_unit_test_setup_teardown(a_failed_save_stores_nothing, migrated_db, drop_db),
		cmocka_unit_test_setup_teardown(stored_values_a_build_no_longer_accepts_read_as_defaults,
			migrated_db, drop_db),
	};
	return cmocka_run_group_tests_name("settings", tests, NULL, NULL);
}
