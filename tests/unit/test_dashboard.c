/*
 * The dashboard counts (src/admin/dashboard.c) on a WHMCS database with services of
 * several modules and states, pools, zones and VMs in every kind of status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/dashboard.h"
#include "testdb.h"

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

static void an_empty_installation_counts_zero(void **state)
{
	struct puq_dashboard d;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dashboard_load(t.db, &d, &err), 0);
	assert_int_equal(d.ip_pools, 0);
	assert_int_equal(d.dns_zones, 0);
	assert_int_equal(d.kvm_services, 0);
	assert_int_equal(d.vms_total, 0);
}

static void counts_come_from_the_tables(void **state)
{
	/* WHMCS strict mode is off for its own tables; our session is strict, so every
	 * NOT NULL column without a default is given */
	assert_int_equal(puq_testdb_exec(t.db, "INSERT INTO tblproducts (id, type, gid, name, "
		"description, hidden, showdomainoptions, stockcontrol, proratabilling, proratadate, "
		"proratachargenextmonth, paytype, allowqty, subdomain, autosetup, servertype, servergroup, "
		"freedomain, freedomainpaymentterms, freedomaintlds, recurringcycles, autoterminatedays, "
		"configoptionsupgrade, billingcycleupgrade, overagesenabled, overagesdisklimit, "
		"overagesbwlimit, overagesdiskprice, overagesbwprice, tax, affiliateonetime, "
		"affiliatepaytype, affiliatepayamount, retired, is_featured, color, tagline, "
		"short_description, configoption1, configoption2, configoption3, configoption4, "
		"configoption5, configoption6, configoption7, configoption8, configoption9, "
		"configoption10, configoption11, configoption12, configoption13, configoption14, "
		"configoption15, configoption16, configoption17, configoption18, configoption19, "
		"configoption20, configoption21, configoption22, configoption23, configoption24) "
		"SELECT id, 'server', 1, name, '', 0, 0, 0, 0, 0, 0, 'recurring', 0, '', '', servertype, "
		"0, '', '', '', 0, 0, 0, '', '', 0, 0, 0, 0, 0, 0, '', 0, 0, 0, '', '', '', '', '', '', "
		"'', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '' FROM "
		"(SELECT 1 AS id, 'VPS S' AS name, 'puqProxmoxKVM' AS servertype UNION ALL "
		"SELECT 2, 'VPS M', 'puqProxmoxKVM' UNION ALL SELECT 3, 'cPanel', 'cpanel') p"), 0);
	assert_int_equal(puq_testdb_exec(t.db, "INSERT INTO tblhosting (userid, orderid, packageid, "
		"server, regdate, domain, paymentmethod, billingcycle, nextinvoicedate, domainstatus, "
		"username, password, notes, subscriptionid, promoid, suspendreason, overideautosuspend, "
		"overidesuspenduntil, dedicatedip, assignedips, ns1, ns2) "
		"SELECT 1, 1, pid, 1, '2026-01-01', '', 'paypal', 'Monthly', '2026-02-01', st, '', '', '', "
		"'', 0, '', 0, '2026-01-01', '', '', '', '' FROM "
		"(SELECT 1 AS pid, 'Active' AS st UNION ALL SELECT 1, 'Active' UNION ALL "
		"SELECT 2, 'Active' UNION ALL SELECT 2, 'Suspended' UNION ALL SELECT 1, 'Terminated' "
		"UNION ALL SELECT 3, 'Active' UNION ALL SELECT 1, 'Pending') h"), 0);
	assert_int_equal(puq_testdb_exec(t.db, "INSERT INTO puq_proxmox_kvm_ip_pools (server_id, type) "
		"VALUES (1, 'ipv4'), (1, 'ipv6')"), 0);
	assert_int_equal(puq_testdb_exec(t.db, "INSERT INTO puq_proxmox_kvm_dns_zones (zone, type) "
		"VALUES ('example.com', 'powerdns'), ('2.0.192.in-addr.arpa', 'powerdns'), "
		"('example.net', 'cloudflare')"), 0);
	assert_int_equal(puq_testdb_exec(t.db, "INSERT INTO puqProxmoxKVM_vm_info (service_id, "
		"vm_status) VALUES (1, 'ready'), (2, 'clone'), (3, 'set_network'), (4, 'error_terminate'), "
		"(5, 'remove')"), 0);

	struct puq_dashboard d;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dashboard_load(t.db, &d, &err), 0);
	assert_int_equal(d.ip_pools, 2);
	assert_int_equal(d.dns_zones, 3);
	assert_int_equal(d.kvm_services, 3); /* Active, on a puqProxmoxKVM product */
	assert_int_equal(d.vms_total, 5);
	assert_int_equal(d.vms_in_progress, 2);
	assert_int_equal(d.vms_failed, 1);
}

static void without_migrations_the_error_says_what_to_do(void **state)
{
	struct puq_testdb bare;
	assert_int_equal(puq_testdb_create(&bare, true), 0);
	struct puq_dashboard d;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dashboard_load(bare.db, &d, &err), -PUQ_ESCHEMA);
	assert_non_null(strstr(err.text, "migrations"));
	assert_int_equal(d.ip_pools, 0);
	puq_testdb_drop(&bare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(an_empty_installation_counts_zero, migrated_db, drop_db),
		cmocka_unit_test_setup_teardown(counts_come_from_the_tables, migrated_db, drop_db),
		cmocka_unit_test(without_migrations_the_error_says_what_to_do),
	};
	return cmocka_run_group_tests_name("dashboard", tests, NULL, NULL);
}
