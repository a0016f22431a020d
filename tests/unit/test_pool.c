/*
 * Pools, allocation, release and the legacy import against a real MariaDB
 * (src/pool/). Every test gets its own database with the WHMCS tables and the module
 * schema, and drops it at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "puqkvm/pool.h"
#include "testdb.h"

/* ---- fixtures ------------------------------------------------------------------------ */

static int setup(void **state)
{
	struct puq_testdb *t = calloc(1, sizeof(*t));
	struct puq_error err;
	struct puq_migrate_report report;
	if (!t || puq_testdb_create(t, true) < 0) {
		free(t);
		return -1;
	}
	puq_error_clear(&err);
	puq_migrate_report_init(&report);
	int rc = puq_db_migrate(t->db, false, &report, &err);
	puq_migrate_report_free(&report);
	if (rc < 0) {
		fprintf(stderr, "migrate: %s\n", err.text);
		puq_testdb_drop(t);
		free(t);
		return -1;
	}
	/* two servers of this module, one of another module */
	rc = puq_testdb_exec(t->db,
		"INSERT INTO tblservers (id, name, ipaddress, assignedips, hostname, noc, statusaddress,"
		" nameserver1, nameserver1ip, nameserver2, nameserver2ip, nameserver3, nameserver3ip,"
		" nameserver4, nameserver4ip, nameserver5, nameserver5ip, type, username, password,"
		" accesshash, secure, active, disabled) VALUES"
		" (1, 'pve-waw1', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'puqProxmoxKVM', '', '', '', 'on', 1, 0),"
		" (2, 'pve-waw2', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'puqProxmoxKVM', '', '', '', 'on', 1, 0),"
		" (3, 'cpanel1', '', '', '', '', '', '', '', '', '', '', '', '', '', '', '', 'cpanel', '', '', '', 'on', 1, 0)");
	if (rc < 0)
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct puq_testdb *t = *state;
	puq_testdb_drop(t);
	free(t);
	return 0;
}

static struct puq_db *db_of(void **state)
{
	return ((struct puq_testdb *)*state)->db;
}

static void exec_ok(struct puq_db *db, const char *fmt, ...) PUQ_PRINTF(2, 3);

static void exec_ok(struct puq_db *db, const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(puq_testdb_exec(db, sql), 0);
}

static void add_service(struct puq_db *db, long long id, int server, const char *status)
{
	exec_ok(db,
		"INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domain,"
		" paymentmethod, billingcycle, nextinvoicedate, domainstatus, username, password, notes,"
		" subscriptionid, promoid, suspendreason, overideautosuspend, overidesuspenduntil,"
		" dedicatedip, assignedips, ns1, ns2) VALUES (%lld, 1, 1, 1, %d, '2026-01-01', '', '',"
		" 'Monthly', '2026-01-01', '%s', '', '', '', '', 0, '', 0, '2026-01-01', '', '', '', '')",
		id, server, status);
}

/* The first row's first column of a query, as a string (static buffer). */
static const char *scalar(struct puq_db *db, const char *fmt, ...) PUQ_PRINTF(2, 3);

static const char *scalar(struct puq_db *db, const char *fmt, ...)
{
	static char out[4096];
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	struct puq_db_rows *rows = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_query(db, &err, sql, PUQ_NOARGS, &rows) < 0)
		fail_msg("%s: %s", sql, err.text);
	puq_strlcpy(out, rows->nrows && puq_db_cell(rows, 0, 0) ? puq_db_cell(rows, 0, 0) : "",
		sizeof(out));
	puq_db_rows_free(rows);
	return out;
}

static long long scalar_int(struct puq_db *db, const char *sql)
{
	return atoll(scalar(db, "%s", sql));
}

static long long create_pool(struct puq_db *db, long long server, const char *type,
	const char *bridge, const char *vlan, const char *gw, const char *mask, const char *start,
	const char *stop)
{
	struct puq_pool_input in = {server, type, bridge, vlan, gw, mask, "8.8.8.8", "", start, stop};
	struct puq_error err;
	long long id = 0;
	puq_error_clear(&err);
	if (puq_pool_create(db, &in, &id, &err) != 0)
		fail_msg("create pool %s-%s: %s", start, stop, err.text);
	return id;
}

static struct puq_alloc_request req_auto(long long service, long long server, unsigned v4,
	unsigned v6)
{
	struct puq_alloc_request r = {service, server, v4, v6, true, NULL, 0};
	return r;
}

static void allocate_ok(struct puq_db *db, const struct puq_alloc_request *req)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pool_allocate(db, req, NULL, &err) != 0)
		fail_msg("allocate for #%lld: %s", req->service_id, err.text);
}

/* The service's live addresses, canonical, space-separated, main first. */
static const char *held(struct puq_db *db, long long service)
{
	static char out[2048];
	struct puq_address_list list;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_service_addresses(db, service, false, &list, &err), 0);
	out[0] = '\0';
	for (size_t i = 0; i < list.n; i++) {
		char text[PUQ_IP_TEXT_MAX];
		puq_ip_format(&list.items[i].ip, PUQ_IP_CANONICAL, text);
		if (i)
			strcat(out, " ");
		strcat(out, text);
	}
	puq_address_list_free(&list);
	return out;
}

/* The runs index equals what a rebuild computes from the allocation rows. */
static void assert_runs_consistent(struct puq_db *db)
{
	char before[4096];
	puq_strlcpy(before, scalar(db, "SELECT COALESCE(GROUP_CONCAT(CONCAT(family, ':', HEX(run_first),"
	                               " '-', HEX(run_last)) ORDER BY family, run_first), '')"
	                               " FROM puq_proxmox_kvm_ip_runs"),
		sizeof(before));
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_repair(db, &err), 0);
	const char *after = scalar(db, "SELECT COALESCE(GROUP_CONCAT(CONCAT(family, ':', HEX(run_first),"
	                               " '-', HEX(run_last)) ORDER BY family, run_first), '')"
	                               " FROM puq_proxmox_kvm_ip_runs");
	assert_string_equal(before, after);
}

/* ---- pools --------------------------------------------------------------------------- */

static void pool_create_list_and_usage(void **state)
{
	struct puq_db *db = db_of(state);
	long long id = create_pool(db, 1, "IPv4", "vmbr0", "0", "192.168.130.1", "24",
		"192.168.130.2", "192.168.130.254");
	long long id6 = create_pool(db, 1, "IPv6", "vmbr0", "0", "2001:db8::1", "64",
		"2001:0db8::2", "2001:db8::ffff:ffff:ffff:ffff");
	assert_true(id > 0 && id6 > id);

	struct puq_pool_list list;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_list(db, 0, &list, &err), 0);
	assert_int_equal(list.n, 2);
	assert_string_equal(list.items[0].server_name, "pve-waw1");
	assert_true(list.items[0].total.value == 253);
	assert_true(list.items[0].used.value == 0);
	char text[PUQ_IP_TEXT_MAX], usage[PUQ_IP_USAGE_MAX];
	puq_ip_format(&list.items[1].pool.start, PUQ_IP_CANONICAL, text);
	assert_string_equal(text, "2001:db8::2");
	puq_ip_usage_format(&list.items[1].used, &list.items[1].total, usage);
	assert_string_equal(usage, "0.00% (0/18446744073709551614)");
	puq_pool_list_free(&list);
	/* stored text is canonical, type lower case */
	assert_string_equal(scalar(db, "SELECT CONCAT(type, ' ', start_ip) FROM "
	                               "puq_proxmox_kvm_ip_pools WHERE id = %lld", id6),
		"ipv6 2001:db8::2");

	/* filtered by server */
	assert_int_equal(puq_pool_list(db, 2, &list, &err), 0);
	assert_int_equal(list.n, 0);
	puq_pool_list_free(&list);

	/* the servers the form offers: this module's only */
	struct puq_pool_server *servers;
	size_t nservers;
	assert_int_equal(puq_pool_servers(db, &servers, &nservers, &err), 0);
	assert_int_equal(nservers, 2);
	assert_string_equal(servers[0].name, "pve-waw1");
	assert_int_equal(servers[1].id, 2);
	PUQ_FREE(servers);

	struct puq_pool_info info;
	assert_int_equal(puq_pool_get(db, id, &info, &err), 0);
	assert_int_equal(info.pool.mask, 24);
	assert_false(info.unreadable);
	assert_int_equal(puq_pool_get(db, 999, &info, &err), -PUQ_ENOTFOUND);

	/* a row written by hand with text the engine cannot read: listed, flagged, not used */
	exec_ok(db, "INSERT INTO puq_proxmox_kvm_ip_pools (server_id, type, bridge, gateway, mask,"
	            " start_ip, stop_ip) VALUES (1, 'ipv4', 'vmbr0', 'gw?', 24, '10.0.0.2', 'x')");
	assert_int_equal(puq_pool_list(db, 1, &list, &err), 0);
	assert_int_equal(list.n, 3);
	assert_true(list.items[2].unreadable);
	assert_int_equal(list.items[2].pool.start.family, PUQ_IP_ANY);
	puq_pool_list_free(&list);
	add_service(db, 1, 1, "Active");
	struct puq_alloc_request r = req_auto(1, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 1), "192.168.130.2");
}

static void pool_validation_needs_the_database(void **state)
{
	struct puq_db *db = db_of(state);
	struct puq_error err;
	long long id;
	struct puq_pool_input in = {99, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "", "", "10.0.0.2",
		"10.0.0.100"};
	puq_error_clear(&err);
	assert_int_equal(puq_pool_create(db, &in, &id, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "server"), "does not exist"));

	in.server_id = 3; /* another module's server */
	puq_error_clear(&err);
	assert_int_equal(puq_pool_create(db, &in, &id, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "server"), "cpanel1"));

	/* an overlap on the same server, bridge and VLAN is refused... */
	in.server_id = 1;
	long long first = create_pool(db, 1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "10.0.0.2",
		"10.0.0.100");
	in.start = "10.0.0.100";
	in.stop = "10.0.0.200";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_create(db, &in, &id, &err), -PUQ_EVALIDATION);
	const char *msg = puq_error_field_message(&err, "start");
	assert_non_null(msg);
	assert_non_null(strstr(msg, "overlaps pool"));
	assert_non_null(strstr(msg, "10.0.0.2 - 10.0.0.100"));
	/* ...on another VLAN or server it is not */
	in.vlan = "10";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_create(db, &in, &id, &err), 0);
	in.vlan = "0";
	in.server_id = 2;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_create(db, &in, &id, &err), 0);
	/* an edit does not overlap with itself */
	struct puq_pool_input edit = {1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "1.1.1.1", "",
		"10.0.0.2", "10.0.0.120"};
	puq_error_clear(&err);
	assert_int_equal(puq_pool_update(db, first, &edit, &err), 0);
	assert_string_equal(scalar(db, "SELECT CONCAT(stop_ip, ' ', dns1) FROM puq_proxmox_kvm_ip_pools"
	                               " WHERE id = %lld", first),
		"10.0.0.120 1.1.1.1");
	/* nothing written on error */
	long long pools = scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools");
	struct puq_pool_input bad = edit;
	bad.gateway = "nope";
	puq_error_clear(&err);
	assert_int_equal(puq_pool_create(db, &bad, &id, &err), -PUQ_EVALIDATION);
	assert_int_equal(puq_pool_update(db, first, &bad, &err), -PUQ_EVALIDATION);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools"), pools);
	assert_string_equal(scalar(db, "SELECT gateway FROM puq_proxmox_kvm_ip_pools WHERE id = %lld",
		first), "10.0.0.1");
	assert_int_equal(puq_pool_update(db, 4242, &edit, &err), -PUQ_ENOTFOUND);
}

/* ---- allocation ---------------------------------------------------------------------- */

static void allocates_lowest_first_and_writes_tblhosting(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "192.168.130.1", "24", "192.168.130.2",
		"192.168.130.30");
	create_pool(db, 1, "IPv6", "vmbr0", "0", "2001:db8::1", "120", "2001:db8::2",
		"2001:db8::50");
	add_service(db, 5546, 1, "Active");
	struct puq_alloc_request r = req_auto(5546, 1, 2, 2);
	struct puq_address_list list;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_allocate(db, &r, &list, &err), 0);
	assert_int_equal(list.n, 4);
	assert_true(list.items[0].main);
	assert_string_equal(list.items[0].bridge, "vmbr0");
	assert_int_equal(list.items[0].mask, 24);
	puq_address_list_free(&list);
	assert_string_equal(held(db, 5546), "192.168.130.2 192.168.130.3 2001:db8::2 2001:db8::3");
	assert_string_equal(scalar(db, "SELECT dedicatedip FROM tblhosting WHERE id = 5546"),
		"192.168.130.2");
	assert_string_equal(scalar(db, "SELECT assignedips FROM tblhosting WHERE id = 5546"),
		"192.168.130.3\n2001:0db8:0000:0000:0000:0000:0000:0002\n"
		"2001:0db8:0000:0000:0000:0000:0000:0003");
	assert_string_equal(scalar(db, "SELECT GROUP_CONCAT(used ORDER BY id) FROM "
	                               "puq_proxmox_kvm_ip_pools"),
		"2,2");

	/* idempotent */
	allocate_ok(db, &r);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"), 4);

	/* the next service gets the next addresses */
	add_service(db, 5547, 1, "Active");
	r = req_auto(5547, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 5547), "192.168.130.4");

	/* an IPv6-only service: dedicatedip is the main IPv6, expanded */
	add_service(db, 5548, 1, "Active");
	r = req_auto(5548, 1, 0, 1);
	allocate_ok(db, &r);
	assert_string_equal(scalar(db, "SELECT dedicatedip FROM tblhosting WHERE id = 5548"),
		"2001:0db8:0000:0000:0000:0000:0000:0004");
	assert_string_equal(scalar(db, "SELECT assignedips FROM tblhosting WHERE id = 5548"), "");
	assert_runs_consistent(db);
}

static void lower_counts_release_the_highest_and_keep_history(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "10.1.0.1", "24", "10.1.0.10", "10.1.0.20");
	add_service(db, 10, 1, "Active");
	struct puq_alloc_request r = req_auto(10, 1, 4, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 10), "10.1.0.10 10.1.0.11 10.1.0.12 10.1.0.13");
	r.ipv4_count = 2;
	allocate_ok(db, &r);
	assert_string_equal(held(db, 10), "10.1.0.10 10.1.0.11");
	assert_string_equal(scalar(db, "SELECT GROUP_CONCAT(ip ORDER BY ip) FROM "
	                               "puq_proxmox_kvm_ip_allocations WHERE live IS NULL AND "
	                               "release_reason = 'package' AND released_at IS NOT NULL"),
		"10.1.0.12,10.1.0.13");
	assert_string_equal(scalar(db, "SELECT assignedips FROM tblhosting WHERE id = 10"),
		"10.1.0.11");
	assert_int_equal(scalar_int(db, "SELECT used FROM puq_proxmox_kvm_ip_pools"), 2);
	/* the released addresses are free again: the next claim takes the lowest */
	add_service(db, 11, 1, "Active");
	r = req_auto(11, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 11), "10.1.0.12");

	struct puq_address_list hist;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_service_addresses(db, 10, true, &hist, &err), 0);
	assert_int_equal(hist.n, 4);
	size_t released = 0;
	for (size_t i = 0; i < hist.n; i++) {
		assert_true(hist.items[i].allocated_at[0] != '\0');
		released += !hist.items[i].live && hist.items[i].released_at[0];
	}
	assert_int_equal(released, 2);
	puq_address_list_free(&hist);
	assert_runs_consistent(db);
}

static void fragmented_pool_takes_the_lowest_hole(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "172.16.0.1", "24", "172.16.0.2", "172.16.0.200");
	/* services 100..119 take .2 .. .21 */
	for (long long s = 100; s < 120; s++) {
		add_service(db, s, 1, "Active");
		struct puq_alloc_request r = req_auto(s, 1, 1, 0);
		allocate_ok(db, &r);
	}
	/* release .15, .7 and .8 (services 113, 105, 106) */
	struct puq_error err;
	size_t n;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_release_service(db, 113, PUQ_RELEASE_TERMINATE, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(puq_pool_release_service(db, 105, PUQ_RELEASE_TERMINATE, &n, &err), 0);
	assert_int_equal(puq_pool_release_service(db, 106, PUQ_RELEASE_REDEPLOY, &n, &err), 0);
	assert_string_equal(scalar(db, "SELECT dedicatedip FROM tblhosting WHERE id = 105"), "");
	assert_runs_consistent(db);
	/* the lowest hole first, not the highest address plus one */
	add_service(db, 200, 1, "Active");
	struct puq_alloc_request r = req_auto(200, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 200), "172.16.0.7");
	add_service(db, 201, 1, "Active");
	r = req_auto(201, 1, 2, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 201), "172.16.0.8 172.16.0.15");
	add_service(db, 202, 1, "Active");
	r = req_auto(202, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 202), "172.16.0.22");
	assert_runs_consistent(db);
	/* one run 172.16.0.2 - .22 */
	assert_string_equal(scalar(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_runs"), "1");
}

static void pools_first_then_the_legacy_list_then_exhausted(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "10.9.0.1", "29", "10.9.0.2", "10.9.0.3");
	exec_ok(db, "UPDATE tblservers SET assignedips = 'vmbr0|0|10.8.0.5|24|10.8.0.1|9.9.9.9\\n"
	            "vmbr0|0|10.8.0.6|24|10.8.0.1|9.9.9.9,1.1.1.1' WHERE id = 1");
	add_service(db, 1, 1, "Active");
	struct puq_alloc_request r = req_auto(1, 1, 3, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 1), "10.9.0.2 10.8.0.5 10.9.0.3"); /* main, then by address */
	assert_string_equal(scalar(db, "SELECT CONCAT(COALESCE(pool_id, 'list'), ' ', mask, ' ', "
	                               "gateway, ' ', dns1) FROM puq_proxmox_kvm_ip_allocations "
	                               "WHERE ip = '10.8.0.5'"),
		"list 24 10.8.0.1 9.9.9.9");

	/* two more than remain: refused, and nothing changes */
	add_service(db, 2, 1, "Active");
	r = req_auto(2, 1, 2, 0);
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_allocate(db, &r, NULL, &err), -PUQ_EEXHAUSTED);
	assert_non_null(strstr(err.text, "no free IPv4 address for service #2 on server pve-waw1"));
	assert_string_equal(held(db, 2), "");
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"), 3);
	assert_string_equal(scalar(db, "SELECT dedicatedip FROM tblhosting WHERE id = 2"), "");
	r.ipv4_count = 1;
	allocate_ok(db, &r);
	assert_string_equal(held(db, 2), "10.8.0.6");

	/* a bad line is reported by number, when the list is needed */
	exec_ok(db, "UPDATE tblservers SET assignedips = 'vmbr0|0|10.8.0.5|24|10.8.0.1|\\n"
	            "vmbr0|0|10.8.0.6|24|10.8.0.1|\\nvmbr0|0|10.8.0.999|24|10.8.0.1|' WHERE id = 1");
	add_service(db, 3, 1, "Active");
	r = req_auto(3, 1, 1, 0);
	puq_error_clear(&err);
	assert_int_equal(puq_pool_allocate(db, &r, NULL, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "line 3"));
	assert_non_null(strstr(err.text, "Assigned IP Addresses list of server pve-waw1"));
	/* an unknown service */
	r = req_auto(404, 1, 1, 0);
	assert_int_equal(puq_pool_allocate(db, &r, NULL, &err), -PUQ_ENOTFOUND);
	assert_runs_consistent(db);
}

static void bridge_and_vlan_rules(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "10.0.0.2", "10.0.0.9");
	create_pool(db, 1, "IPv4", "vmbr1", "20", "10.1.0.1", "24", "10.1.0.2", "10.1.0.9");
	create_pool(db, 1, "IPv6", "vmbr1", "20", "2001:db8:1::1", "64", "2001:db8:1::2",
		"2001:db8:1::9");

	/* Auto off: only the product's bridge/VLAN qualifies */
	add_service(db, 1, 1, "Active");
	struct puq_alloc_request r = {1, 1, 1, 0, false, "vmbr1", 20};
	allocate_ok(db, &r);
	assert_string_equal(held(db, 1), "10.1.0.2");
	add_service(db, 2, 1, "Active");
	struct puq_alloc_request none = {2, 1, 1, 0, false, "vmbr9", 0};
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_allocate(db, &none, NULL, &err), -PUQ_EEXHAUSTED);
	assert_non_null(strstr(err.text, "on bridge vmbr9, VLAN 0"));
	/* bad product settings */
	struct puq_alloc_request bad = {2, 1, 1, 0, false, "", 5000};
	puq_error_clear(&err);
	assert_int_equal(puq_pool_allocate(db, &bad, NULL, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "bridge"));
	assert_non_null(puq_error_field_message(&err, "vlan"));

	/* Auto on: vmbr0/0 comes first but has no IPv6, so vmbr1/20 serves both families */
	add_service(db, 3, 1, "Active");
	r = req_auto(3, 1, 1, 1);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 3), "10.1.0.3 2001:db8:1::2");
	/* Auto on, IPv4 only: the first pool's pair */
	add_service(db, 4, 1, "Active");
	r = req_auto(4, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 4), "10.0.0.2");
	/* a later top-up keeps the NIC's pair */
	r.ipv6_count = 1;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_allocate(db, &r, NULL, &err), -PUQ_EEXHAUSTED);
	assert_non_null(strstr(err.text, "on bridge vmbr0, VLAN 0"));
	assert_string_equal(held(db, 4), "10.0.0.2");
	assert_runs_consistent(db);
}

static void delete_refused_while_held(void **state)
{
	struct puq_db *db = db_of(state);
	long long id = create_pool(db, 1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "10.0.0.2",
		"10.0.0.9");
	add_service(db, 7, 1, "Active");
	add_service(db, 8, 1, "Active");
	struct puq_alloc_request r = req_auto(7, 1, 2, 0);
	allocate_ok(db, &r);
	r = req_auto(8, 1, 1, 0);
	allocate_ok(db, &r);
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_delete(db, id, &err), -PUQ_EINUSE);
	assert_non_null(strstr(err.text, "still holds 3 addresses of 2 services (#7, #8)"));
	size_t n;
	assert_int_equal(puq_pool_release_service(db, 7, PUQ_RELEASE_TERMINATE, &n, &err), 0);
	assert_int_equal(puq_pool_release_service(db, 8, PUQ_RELEASE_TERMINATE, &n, &err), 0);
	puq_error_clear(&err);
	assert_int_equal(puq_pool_delete(db, id, &err), 0);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools"), 0);
	/* history survives the pool */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"), 3);
	assert_int_equal(puq_pool_delete(db, id, &err), -PUQ_ENOTFOUND);
}

static void stale_holdings_are_listed_and_released_by_an_admin(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "10.0.0.2", "10.0.0.9");
	for (long long s = 1; s <= 4; s++) {
		add_service(db, s, 1, "Active");
		struct puq_alloc_request r = req_auto(s, 1, 1, 0);
		allocate_ok(db, &r);
	}
	exec_ok(db, "UPDATE tblhosting SET domainstatus = 'Terminated' WHERE id = 2");
	exec_ok(db, "UPDATE tblhosting SET domainstatus = 'Cancelled' WHERE id = 3");
	exec_ok(db, "DELETE FROM tblhosting WHERE id = 4");
	struct puq_address_list list;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_pool_stale_holdings(db, &list, &err), 0);
	assert_int_equal(list.n, 3);
	assert_int_equal(list.items[0].service_id, 2);
	assert_string_equal(list.items[0].service_status, "Terminated");
	assert_string_equal(list.items[1].service_status, "Cancelled");
	assert_string_equal(list.items[2].service_status, "");
	long long alloc = list.items[0].id;
	puq_address_list_free(&list);
	/* nothing was freed silently */
	assert_string_equal(held(db, 2), "10.0.0.3");

	assert_int_equal(puq_pool_release_allocation(db, alloc, PUQ_RELEASE_ADMIN, &err), 0);
	assert_int_equal(puq_pool_release_allocation(db, alloc, PUQ_RELEASE_ADMIN, &err),
		-PUQ_ENOTFOUND);
	assert_int_equal(puq_pool_release_allocation(db, 424242, PUQ_RELEASE_ADMIN, &err),
		-PUQ_ENOTFOUND);
	assert_string_equal(held(db, 2), "");
	assert_string_equal(scalar(db, "SELECT release_reason FROM puq_proxmox_kvm_ip_allocations "
	                               "WHERE id = %lld", alloc),
		"admin");
	assert_int_equal(puq_pool_stale_holdings(db, &list, &err), 0);
	assert_int_equal(list.n, 2);
	/* the deleted service's holding can be released as well */
	assert_int_equal(puq_pool_release_allocation(db, list.items[1].id, PUQ_RELEASE_ADMIN, &err),
		0);
	puq_address_list_free(&list);
	assert_runs_consistent(db);
}

static void runs_index_heals_a_missed_address(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "10.0.0.2", "10.0.0.9");
	add_service(db, 1, 1, "Active");
	/* a live row written behind the module's back: 10.0.0.2, not in the runs */
	exec_ok(db, "INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id,"
	            " server_id, bridge, vlan, mask, gateway, allocated_at) VALUES (4,"
	            " UNHEX('0000000000000000000000000A000002'), '10.0.0.2', 1, 99, 1, 'vmbr0', 0,"
	            " 24, '10.0.0.1', NOW())");
	struct puq_alloc_request r = req_auto(1, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 1), "10.0.0.3");
	assert_runs_consistent(db);

	/* 10.0.0.4 held with its own run next to [.2, .3]: runs that were never joined */
	exec_ok(db, "INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id,"
	            " server_id, bridge, vlan, mask, gateway, allocated_at) VALUES (4,"
	            " UNHEX('0000000000000000000000000A000004'), '10.0.0.4', 1, 98, 1, 'vmbr0', 0,"
	            " 24, '10.0.0.1', NOW())");
	exec_ok(db, "INSERT INTO puq_proxmox_kvm_ip_runs VALUES (4,"
	            " UNHEX('0000000000000000000000000A000004'), UNHEX('0000000000000000000000000A000004'))");
	add_service(db, 2, 1, "Active");
	r = req_auto(2, 1, 1, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 2), "10.0.0.5");
	assert_string_equal(scalar(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_runs"), "1");
	assert_runs_consistent(db);
}

static void random_operations_keep_the_runs_exact(void **state)
{
	struct puq_db *db = db_of(state);
	create_pool(db, 1, "IPv4", "vmbr0", "0", "10.0.0.1", "24", "10.0.0.2", "10.0.0.60");
	create_pool(db, 1, "IPv6", "vmbr0", "0", "2001:db8::1", "64", "2001:db8::2",
		"2001:db8::ffff:ffff:ffff:ffff");
	srand(7);
	for (long long s = 1; s <= 30; s++)
		add_service(db, s, 1, "Active");
	for (int step = 0; step < 150; step++) {
		long long s = 1 + rand() % 30;
		int op = rand() % 3;
		if (op == 0) {
			size_t n;
			struct puq_error err;
			puq_error_clear(&err);
			assert_int_equal(puq_pool_release_service(db, s, PUQ_RELEASE_REDEPLOY, &n, &err), 0);
		} else {
			struct puq_alloc_request r = req_auto(s, 1, (unsigned)(rand() % 3),
				(unsigned)(rand() % 3));
			allocate_ok(db, &r);
		}
	}
	assert_runs_consistent(db);
	/* counts agree with the rows */
	assert_string_equal(scalar(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools p WHERE used <>"
	                               " (SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations a"
	                               " WHERE a.pool_id = p.id AND a.live = 1)"),
		"0");
	/* no address held twice (the UNIQUE key guarantees it; this checks the test's premise) */
	assert_string_equal(scalar(db, "SELECT COUNT(*) FROM (SELECT address FROM "
	                               "puq_proxmox_kvm_ip_allocations WHERE live = 1 GROUP BY family,"
	                               " address HAVING COUNT(*) > 1) d"),
		"0");
}

/* ---- legacy import ------------------------------------------------------------------- */

static void legacy_import_dry_run_then_real_then_idempotent(void **state)
{
	struct puq_db *db = db_of(state);
	exec_ok(db, "CREATE TABLE puq_customization_module_puq_proxmox_kvm_ip_pools (id INT"
	            " PRIMARY KEY, server INT, type VARCHAR(8), bridge VARCHAR(32), vlan INT,"
	            " gateway VARCHAR(64), mask VARCHAR(20), dns1 VARCHAR(64), dns2 VARCHAR(64),"
	            " address_start VARCHAR(64), address_stop VARCHAR(64))");
	exec_ok(db, "INSERT INTO puq_customization_module_puq_proxmox_kvm_ip_pools VALUES"
	            " (1, 1, 'IPv4', 'vmbr0', 0, '192.168.130.1', '255.255.255.0', '8.8.8.8', '',"
	            " '192.168.130.2', '192.168.130.30'),"
	            " (2, 1, 'IPv6', 'vmbr0', 0, '2001:db8::1', '120', '', '', '2001:db8::2',"
	            " '2001:db8::50'),"
	            " (3, 1, 'IPv4', 'vmbr0', 0, 'x', '24', '', '', '10.0.0.2', '10.0.0.1')");
	add_service(db, 50, 1, "Active");
	add_service(db, 51, 1, "Suspended");
	add_service(db, 52, 1, "Terminated");
	add_service(db, 53, 1, "Active");
	exec_ok(db, "UPDATE tblhosting SET dedicatedip = '192.168.130.5', assignedips ="
	            " '192.168.130.6\\n2001:0db8:0000:0000:0000:0000:0000:0007' WHERE id = 50");
	exec_ok(db, "UPDATE tblhosting SET dedicatedip = '192.168.130.9' WHERE id = 51");
	exec_ok(db, "UPDATE tblhosting SET dedicatedip = '192.168.130.10' WHERE id = 52");
	/* 53 claims an address 50 holds, and one outside every pool */
	exec_ok(db, "UPDATE tblhosting SET dedicatedip = '192.168.130.5', assignedips = '203.0.113.9'"
	            " WHERE id = 53");

	struct puq_pool_import_report rep;
	struct puq_error err;
	puq_pool_import_report_init(&rep);
	puq_error_clear(&err);
	assert_int_equal(puq_pool_import_legacy(db, true, &rep, &err), 0);
	assert_true(rep.dry_run);
	assert_string_equal(rep.source, "puq_customization_module_puq_proxmox_kvm_ip_pools");
	assert_int_equal(rep.pools, 2);
	assert_int_equal(rep.rejected, 1);
	assert_int_equal(rep.allocations, 4);
	assert_non_null(strstr(puq_buf_cstr(&rep.log), "row 3 (server 1): not imported"));
	assert_non_null(strstr(puq_buf_cstr(&rep.log), "services #50 and #53"));
	puq_pool_import_report_free(&rep);
	/* the dry run wrote nothing */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools"), 0);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"), 0);

	puq_pool_import_report_init(&rep);
	assert_int_equal(puq_pool_import_legacy(db, false, &rep, &err), 0);
	assert_int_equal(rep.pools, 2);
	assert_int_equal(rep.allocations, 4);
	puq_pool_import_report_free(&rep);
	assert_string_equal(held(db, 50), "192.168.130.5 192.168.130.6 2001:db8::7");
	assert_string_equal(held(db, 51), "192.168.130.9");
	assert_string_equal(held(db, 52), "");
	assert_string_equal(held(db, 53), "");
	assert_string_equal(scalar(db, "SELECT GROUP_CONCAT(CONCAT(mask, ':', used) ORDER BY id)"
	                               " FROM puq_proxmox_kvm_ip_pools"),
		"24:3,120:1");
	assert_runs_consistent(db);

	/* a new service gets the lowest free address, around the imported ones */
	add_service(db, 60, 1, "Active");
	struct puq_alloc_request r = req_auto(60, 1, 4, 0);
	allocate_ok(db, &r);
	assert_string_equal(held(db, 60), "192.168.130.2 192.168.130.3 192.168.130.4 192.168.130.7");

	/* again: nothing more */
	puq_pool_import_report_init(&rep);
	assert_int_equal(puq_pool_import_legacy(db, false, &rep, &err), 0);
	assert_true(rep.skipped);
	assert_int_equal(rep.pools, 0);
	assert_int_equal(rep.allocations, 0);
	puq_pool_import_report_free(&rep);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pool_create_list_and_usage, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_validation_needs_the_database, setup, teardown),
		cmocka_unit_test_setup_teardown(allocates_lowest_first_and_writes_tblhosting, setup,
			teardown),
		cmocka_unit_test_setup_teardown(lower_counts_release_the_highest_and_keep_history,
			setup, teardown),
		cmocka_unit_test_setup_teardown(fragmented_pool_takes_the_lowest_hole, setup, teardown),
		cmocka_unit_test_setup_teardown(pools_first_then_the_legacy_list_then_exhausted, setup,
			teardown),
		cmocka_unit_test_setup_teardown(bridge_and_vlan_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(delete_refused_while_held, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_holdings_are_listed_and_released_by_an_admin,
			setup, teardown),
		cmocka_unit_test_setup_teardown(runs_index_heals_a_missed_address, setup, teardown),
		cmocka_unit_test_setup_teardown(random_operations_keep_the_runs_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(legacy_import_dry_run_then_real_then_idempotent, setup,
			teardown),
	};
	return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
