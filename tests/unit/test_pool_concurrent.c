/*
 * Allocation under concurrency (src/pool/): 8 processes, each on its own connection,
 * claim and release addresses from the same pools at the same moment. Afterwards no
 * address is held twice, every count is exact, the runs index and the pools' counts
 * agree with the rows, and no process saw a deadlock its transaction did not resolve.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "puqkvm/pool.h"
#include "testdb.h"

#define WORKERS 8

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
	if (rc < 0 ||
		puq_testdb_exec(t->db,
			"INSERT INTO tblservers (id, name, ipaddress, assignedips, hostname, noc,"
			" statusaddress, nameserver1, nameserver1ip, nameserver2, nameserver2ip,"
			" nameserver3, nameserver3ip, nameserver4, nameserver4ip, nameserver5,"
			" nameserver5ip, type, username, password, accesshash, secure, active, disabled)"
			" VALUES (1, 'pve-waw1', '', '', '', '', '', '', '', '', '', '', '', '', '', '',"
			" '', 'puqProxmoxKVM', '', '', '', 'on', 1, 0)") < 0) {
		fprintf(stderr, "setup: %s\n", err.text);
		puq_testdb_drop(t);
		free(t);
		return -1;
	}
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

static void exec_ok(struct puq_db *db, const char *fmt, ...) PUQ_PRINTF(2, 3);

static void exec_ok(struct puq_db *db, const char *fmt, ...)
{
	char sql[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	assert_int_equal(puq_testdb_exec(db, sql), 0);
}

static long long scalar_int(struct puq_db *db, const char *sql)
{
	struct puq_db_rows *rows = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_query(db, &err, sql, PUQ_NOARGS, &rows) < 0)
		fail_msg("%s: %s", sql, err.text);
	long long v = puq_db_cell_int(rows, 0, 0, -1);
	puq_db_rows_free(rows);
	return v;
}

static void add_services(struct puq_db *db, long long first, long long last)
{
	for (long long id = first; id <= last; id++)
		exec_ok(db,
			"INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domain,"
			" paymentmethod, billingcycle, nextinvoicedate, domainstatus, username, password,"
			" notes, subscriptionid, promoid, suspendreason, overideautosuspend,"
			" overidesuspenduntil, dedicatedip, assignedips, ns1, ns2) VALUES (%lld, 1, 1, 1, 1,"
			" '2026-01-01', '', '', 'Monthly', '2026-01-01', 'Active', '', '', '', '', 0, '', 0,"
			" '2026-01-01', '', '', '', '')",
			id);
}

static void add_pool(struct puq_db *db, const char *type, const char *gw, const char *mask,
	const char *start, const char *stop)
{
	struct puq_pool_input in = {1, type, "vmbr0", "0", gw, mask, "", "", start, stop};
	struct puq_error err;
	long long id;
	puq_error_clear(&err);
	if (puq_pool_create(db, &in, &id, &err) != 0)
		fail_msg("pool: %s", err.text);
}

/* Per worker: what it saw. Written to a pipe as one line. */
struct tally {
	int ok, exhausted, other;
	unsigned long long retries; /* transactions re-run after a deadlock or lock timeout */
	char last_error[200];
};

typedef void (*work_fn)(struct puq_db *db, int worker, struct tally *t);

static void record(struct tally *t, int rc, const struct puq_error *err)
{
	if (rc == 0)
		t->ok++;
	else if (rc == -PUQ_EEXHAUSTED)
		t->exhausted++;
	else {
		t->other++;
		snprintf(t->last_error, sizeof(t->last_error), "%d %.180s", rc, err->text);
	}
}

/* Runs fn in WORKERS processes started together; sums their tallies. */
static struct tally run_workers(const struct puq_testdb *tdb, work_fn fn)
{
	int pipes[WORKERS][2];
	pid_t pids[WORKERS];
	int go[2];
	assert_int_equal(pipe(go), 0);
	for (int w = 0; w < WORKERS; w++) {
		assert_int_equal(pipe(pipes[w]), 0);
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0) {
			struct tally t = {0, 0, 0, 0, ""};
			struct puq_db *db = puq_testdb_connect(tdb);
			close(go[1]);
			char c;
			/* every worker connects first, then all start at once */
			if (read(go[0], &c, 1) < 0)
				_exit(2);
			if (!db) {
				t.other = 1;
				snprintf(t.last_error, sizeof(t.last_error), "no connection");
			} else {
				fn(db, w, &t);
				struct puq_db_stats st;
				puq_db_stats(db, &st);
				t.retries = st.txn_retries;
				puq_db_close(db);
			}
			dprintf(pipes[w][1], "%d %d %d %llu %.150s\n", t.ok, t.exhausted, t.other,
				t.retries, t.last_error);
			_exit(0);
		}
		close(pipes[w][1]);
	}
	close(go[0]);
	usleep(200000);
	close(go[1]); /* EOF releases every worker */

	struct tally sum = {0, 0, 0, 0, ""};
	for (int w = 0; w < WORKERS; w++) {
		char buf[512] = "";
		ssize_t n = read(pipes[w][0], buf, sizeof(buf) - 1);
		close(pipes[w][0]);
		int status = 0;
		waitpid(pids[w], &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_true(n > 0);
		struct tally t = {0, 0, 0, 0, ""};
		char *rest = NULL;
		t.ok = (int)strtol(buf, &rest, 10);
		t.exhausted = (int)strtol(rest, &rest, 10);
		t.other = (int)strtol(rest, &rest, 10);
		t.retries = strtoull(rest, &rest, 10);
		sum.ok += t.ok;
		sum.exhausted += t.exhausted;
		sum.other += t.other;
		sum.retries += t.retries;
		if (t.other)
			snprintf(sum.last_error, sizeof(sum.last_error), "%.150s", rest);
	}
	return sum;
}

static void assert_consistent(struct puq_db *db)
{
	/* no address held twice */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM (SELECT 1 FROM "
	                                "puq_proxmox_kvm_ip_allocations WHERE live = 1 GROUP BY"
	                                " family, address HAVING COUNT(*) > 1) d"),
		0);
	/* pool counts match the rows */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_pools p WHERE used"
	                                " <> (SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations a"
	                                " WHERE a.pool_id = p.id AND a.live = 1)"),
		0);
	/* tblhosting agrees: every main address is the service's dedicatedip */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations a JOIN"
	                                " tblhosting h ON h.id = a.service_id WHERE a.live = 1 AND"
	                                " a.is_main = 1 AND h.dedicatedip <> a.ip"),
		0);
	/* the runs index equals a rebuild */
	struct puq_db_rows *rows = NULL;
	struct puq_error err;
	const char *sql = "SELECT COALESCE(GROUP_CONCAT(CONCAT(family, HEX(run_first), '-',"
	                  " HEX(run_last)) ORDER BY family, run_first SEPARATOR ' '), '') FROM"
	                  " puq_proxmox_kvm_ip_runs";
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(db, &err, sql, PUQ_NOARGS, &rows), 0);
	char *before = puq_strdup(puq_db_cell(rows, 0, 0));
	puq_db_rows_free(rows);
	assert_int_equal(puq_pool_repair(db, &err), 0);
	assert_int_equal(puq_db_query(db, &err, sql, PUQ_NOARGS, &rows), 0);
	assert_string_equal(before, puq_db_cell(rows, 0, 0));
	puq_db_rows_free(rows);
	PUQ_FREE(before);
}

/* ---- 1: distinct services, both families, with releases in between ------------------- */

static void distinct_services(struct puq_db *db, int w, struct tally *t)
{
	for (int k = 0; k < 25; k++) {
		long long service = 1000 + w * 100 + k;
		struct puq_alloc_request r = {service, 1, 1, 1, true, NULL, 0};
		struct puq_error err;
		puq_error_clear(&err);
		record(t, puq_pool_allocate(db, &r, NULL, &err), &err);
		if (k % 5 == 4) { /* give one back: holes appear while others claim */
			size_t n;
			puq_error_clear(&err);
			int rc = puq_pool_release_service(db, service - 2, PUQ_RELEASE_TERMINATE, &n, &err);
			if (rc < 0)
				record(t, rc, &err);
		}
	}
}

static void eight_processes_never_share_an_address(void **state)
{
	struct puq_testdb *tdb = *state;
	struct puq_db *db = tdb->db;
	add_pool(db, "IPv4", "10.20.0.1", "16", "10.20.0.2", "10.20.255.254");
	add_pool(db, "IPv6", "2001:db8::1", "64", "2001:db8::2", "2001:db8::ffff:ffff:ffff:ffff");
	for (int w = 0; w < WORKERS; w++)
		add_services(db, 1000 + w * 100, 1000 + w * 100 + 24);

	struct tally t = run_workers(tdb, distinct_services);
	print_message("%d processes: %d allocations, %d refused as exhausted, %llu transactions "
	              "retried after a deadlock\n", WORKERS, t.ok, t.exhausted, t.retries);
	if (t.other)
		fail_msg("%d unexpected failures, e.g. %s", t.other, t.last_error);
	assert_int_equal(t.ok, WORKERS * 25);
	assert_int_equal(t.exhausted, 0);

	/* each worker released 5 services: 20 hold 1+1 addresses each */
	long long services = WORKERS * 20;
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"
	                                " WHERE live = 1 AND family = 4"),
		services);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"
	                                " WHERE live = 1 AND family = 6"),
		services);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"
	                                " WHERE live IS NULL"),
		WORKERS * 5 * 2);
	/* lowest first: every live IPv4 lies within the first 200 addresses */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations WHERE"
	                                " live = 1 AND family = 4 AND address > UNHEX('0000000000000000000000000A1400C9')"),
		0);
	assert_consistent(db);
}

/* ---- 2: the same services from every process: exactly the counts, no more ------------- */

static void same_services(struct puq_db *db, int w, struct tally *t)
{
	for (long long service = 1; service <= 20; service++) {
		/* workers walk the services in different orders */
		long long s = w % 2 ? service : 21 - service;
		struct puq_alloc_request r = {s, 1, 2, 1, true, NULL, 0};
		struct puq_error err;
		puq_error_clear(&err);
		record(t, puq_pool_allocate(db, &r, NULL, &err), &err);
	}
}

static void concurrent_calls_for_one_service_are_idempotent(void **state)
{
	struct puq_testdb *tdb = *state;
	struct puq_db *db = tdb->db;
	add_pool(db, "IPv4", "10.30.0.1", "24", "10.30.0.2", "10.30.0.254");
	add_pool(db, "IPv6", "2001:db8:30::1", "120", "2001:db8:30::2", "2001:db8:30::ff");
	add_services(db, 1, 20);

	struct tally t = run_workers(tdb, same_services);
	print_message("%d processes: %d allocations, %d refused as exhausted, %llu transactions "
	              "retried after a deadlock\n", WORKERS, t.ok, t.exhausted, t.retries);
	if (t.other)
		fail_msg("%d unexpected failures, e.g. %s", t.other, t.last_error);
	assert_int_equal(t.ok, WORKERS * 20);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"), 60);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM (SELECT service_id FROM"
	                                " puq_proxmox_kvm_ip_allocations WHERE live = 1 GROUP BY"
	                                " service_id HAVING SUM(family = 4) = 2 AND SUM(family = 6)"
	                                " = 1 AND SUM(is_main) = 1) d"),
		20);
	/* 40 IPv4 and 20 IPv6 addresses, the lowest of each pool */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations WHERE"
	                                " family = 4 AND address > UNHEX('0000000000000000000000000A1E0029')"),
		0);
	assert_consistent(db);
}

/* ---- 3: more demand than supply: exactly the supply is handed out ---------------------- */

static void scarce(struct puq_db *db, int w, struct tally *t)
{
	for (int k = 0; k < 10; k++) {
		struct puq_alloc_request r = {3000 + w * 10 + k, 1, 1, 0, true, NULL, 0};
		struct puq_error err;
		puq_error_clear(&err);
		record(t, puq_pool_allocate(db, &r, NULL, &err), &err);
	}
}

static void an_exhausted_pool_hands_out_exactly_its_size(void **state)
{
	struct puq_testdb *tdb = *state;
	struct puq_db *db = tdb->db;
	add_pool(db, "IPv4", "10.40.0.1", "24", "10.40.0.11", "10.40.0.60"); /* 50 addresses */
	for (int w = 0; w < WORKERS; w++)
		add_services(db, 3000 + w * 10, 3000 + w * 10 + 9);

	struct tally t = run_workers(tdb, scarce);
	print_message("%d processes: %d allocations, %d refused as exhausted, %llu transactions "
	              "retried after a deadlock\n", WORKERS, t.ok, t.exhausted, t.retries);
	if (t.other)
		fail_msg("%d unexpected failures, e.g. %s", t.other, t.last_error);
	assert_int_equal(t.ok, 50);
	assert_int_equal(t.exhausted, WORKERS * 10 - 50);
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations"), 50);
	assert_int_equal(scalar_int(db, "SELECT used FROM puq_proxmox_kvm_ip_pools"), 50);
	/* a refused service got nothing, not a half allocation */
	assert_int_equal(scalar_int(db, "SELECT COUNT(*) FROM tblhosting WHERE dedicatedip <> ''"), 50);
	assert_consistent(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(eight_processes_never_share_an_address, setup, teardown),
		cmocka_unit_test_setup_teardown(concurrent_calls_for_one_service_are_idempotent, setup,
			teardown),
		cmocka_unit_test_setup_teardown(an_exhausted_pool_hands_out_exactly_its_size, setup,
			teardown),
	};
	return cmocka_run_group_tests_name("pool_concurrent", tests, NULL, NULL);
}
