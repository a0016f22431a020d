/*
 * Allocation benchmarks of the pool room, run by bench/alloc_growth and
 * bench/alloc_v6_size.
 *
 *   growth  - allocation latency in one fragmented IPv4 pool holding 1,000 versus
 *             1,000,000 live addresses. The pool's first half is held solid and its
 *             second half in a 2-held-1-free pattern, so the lowest hole lies after
 *             half a million held addresses: a search that walks the holdings pays for
 *             them, a lookup in the runs index does not. Goal: ratio <= 2.
 *   v6size  - allocation latency from an IPv6 /64 pool versus a /120 pool, each with
 *             the same 100 addresses held in the same pattern. Goal: ratio <= 2.
 *
 * Every scenario gets its own database (so one scenario's index never weighs on the
 * other's), seeded with set-based SQL - never through the allocation API - and then
 * times ALLOCS allocations of one address each for new services through
 * puq_pool_allocate(), each its own transaction, as the engine makes them. The output
 * is the line `bench: <name> ratio=<large/small> goal=<=2 ...` with both medians.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "puqkvm/pool.h"
#include "testdb.h"

#define ALLOCS 300 /* timed allocations per scenario (growth) */
#define SERVICE_BASE 5000000LL /* ids of the timed services */

static void die(const char *what, const struct puq_error *err)
{
	fprintf(stderr, "pool_bench: %s: %s\n", what, err ? err->text : "failed");
	exit(1);
}

static void exec_sql(struct puq_db *db, const char *sql)
{
	if (puq_testdb_exec(db, sql) < 0)
		die("seeding", NULL);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/*
 * Waits (up to a minute) until InnoDB has written out the pages the seed dirtied: a
 * bulk insert of a million rows leaves the page cleaner busy for a while, and timing
 * during that storm measures the disk, not the allocation - a long-lived table has
 * been written out. Returns the seconds waited.
 */
static double settle(struct puq_db *db)
{
	double t0 = now_ms();
	while (now_ms() - t0 < 60000.0) {
		struct puq_db_rows *rows = NULL;
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_db_query(db, &err, "SELECT variable_value FROM information_schema.global_status"
				" WHERE variable_name = 'INNODB_BUFFER_POOL_PAGES_DIRTY'", PUQ_NOARGS, &rows) < 0)
			die("reading the dirty pages", &err);
		long long dirty = puq_db_cell_int(rows, 0, 0, 0);
		puq_db_rows_free(rows);
		if (dirty < 500) /* 8 MiB: what other databases' traffic keeps dirty */
			break;
		struct timespec pause = {0, 200 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	return (now_ms() - t0) / 1000.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct scenario {
	struct puq_testdb t;
	long long pool_id;
};

static void open_scenario(struct scenario *s, const char *type, const char *gw,
	const char *mask, const char *start, const char *stop)
{
	struct puq_error err;
	struct puq_migrate_report rep;
	if (puq_testdb_create(&s->t, true) < 0)
		die("test database", NULL);
	puq_error_clear(&err);
	puq_migrate_report_init(&rep);
	if (puq_db_migrate(s->t.db, false, &rep, &err) < 0)
		die("migrate", &err);
	puq_migrate_report_free(&rep);
	exec_sql(s->t.db,
		"INSERT INTO tblservers (id, name, ipaddress, assignedips, hostname, noc, statusaddress,"
		" nameserver1, nameserver1ip, nameserver2, nameserver2ip, nameserver3, nameserver3ip,"
		" nameserver4, nameserver4ip, nameserver5, nameserver5ip, type, username, password,"
		" accesshash, secure, active, disabled) VALUES (1, 'bench', '', '', '', '', '', '', '',"
		" '', '', '', '', '', '', '', '', 'puqProxmoxKVM', '', '', '', 'on', 1, 0)");
	struct puq_pool_input in = {1, type, "vmbr0", "0", gw, mask, "", "", start, stop};
	if (puq_pool_create(s->t.db, &in, &s->pool_id, &err) < 0)
		die("pool", &err);
	/* the services the timed allocations are for */
	char sql[4096];
	snprintf(sql, sizeof(sql),
		"INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domain,"
		" paymentmethod, billingcycle, nextinvoicedate, domainstatus, username, password, notes,"
		" subscriptionid, promoid, suspendreason, overideautosuspend, overidesuspenduntil,"
		" dedicatedip, assignedips, ns1, ns2)"
		" SELECT %lld + n, 1, 1, 1, 1, '2026-01-01', '', '', 'Monthly', '2026-01-01', 'Active',"
		" '', '', '', '', 0, '', 0, '2026-01-01', '', '', '', ''"
		" FROM (SELECT a.d + 10 * b.d + 100 * c.d AS n FROM"
		" (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL"
		" SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL"
		" SELECT 8 UNION ALL SELECT 9) a,"
		" (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL"
		" SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL"
		" SELECT 8 UNION ALL SELECT 9) b,"
		" (SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL"
		" SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL"
		" SELECT 8 UNION ALL SELECT 9) c) s WHERE n < %d",
		SERVICE_BASE, ALLOCS);
	exec_sql(s->t.db, sql);
}

/*
 * Seeds `held` live addresses into the scenario's pool, offsets from its start:
 * [0, held/2) solid, then held/2 more in a free-held-held pattern. base_hex is the
 * pool start as 32 hex digits split so that SQL can add an offset to its low 64 bits
 * (the pools used here never carry into the high half). Runs are seeded to match and
 * the pool's count set: the state the module itself would have built.
 */
static void seed(struct scenario *s, int family, const char *hi_hex, unsigned long long lo_base,
	long long held)
{
	char sql[4096];
	long long solid = held / 2, pairs = (held - solid) / 2;
	const char *digits = "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3"
	                     " UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL"
	                     " SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
	/* n = 0 .. 999999 */
	char numbers[2048];
	snprintf(numbers, sizeof(numbers),
		"(SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d AS n"
		" FROM %s a, %s b, %s c, %s e, %s f, %s g)",
		digits, digits, digits, digits, digits, digits);

	/* offset of the n-th held address: solid part, then pairs each after a gap */
	char offset[256];
	snprintf(offset, sizeof(offset),
		"(CASE WHEN n < %lld THEN n ELSE %lld + 1 + ((n - %lld) DIV 2) * 3 + ((n - %lld) %% 2)"
		" END)",
		solid, solid, solid, solid);
	snprintf(sql, sizeof(sql),
		"INSERT INTO puq_proxmox_kvm_ip_allocations (family, address, ip, live, service_id,"
		" server_id, pool_id, bridge, vlan, mask, gateway, allocated_at)"
		" SELECT %d, UNHEX(CONCAT('%s', LPAD(HEX(%llu + %s), 16, '0'))), '', 1, 1000000 + n, 1,"
		" %lld, 'vmbr0', 0, 0, '', NOW() FROM %s nums WHERE n < %lld",
		family, hi_hex, lo_base, offset, s->pool_id, numbers, solid + 2 * pairs);
	exec_sql(s->t.db, sql);

	/* runs: one solid run, then one run of two per pair */
	snprintf(sql, sizeof(sql),
		"INSERT INTO puq_proxmox_kvm_ip_runs (family, run_first, run_last)"
		" SELECT %d, UNHEX(CONCAT('%s', LPAD(HEX(%llu + f), 16, '0'))),"
		" UNHEX(CONCAT('%s', LPAD(HEX(%llu + l), 16, '0'))) FROM"
		" (SELECT 0 AS f, %lld AS l FROM DUAL WHERE %lld > 0 UNION ALL"
		"  SELECT %lld + 1 + n * 3, %lld + 2 + n * 3 FROM %s nums WHERE n < %lld) r",
		family, hi_hex, lo_base, hi_hex, lo_base, solid - 1, solid, solid, solid, numbers,
		pairs);
	exec_sql(s->t.db, sql);
	snprintf(sql, sizeof(sql), "UPDATE puq_proxmox_kvm_ip_pools SET used = %lld WHERE id = %lld",
		solid + 2 * pairs, s->pool_id);
	exec_sql(s->t.db, sql);
	/* the seed is what it claims to be: held rows, one run per gap */
	struct puq_db_rows *rows = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_query(s->t.db, &err,
			"SELECT (SELECT COUNT(*) FROM puq_proxmox_kvm_ip_allocations WHERE live = 1),"
			" (SELECT COUNT(*) FROM puq_proxmox_kvm_ip_runs)",
			PUQ_NOARGS, &rows) < 0)
		die("count", &err);
	long long rows_held = puq_db_cell_int(rows, 0, 0, -1), runs = puq_db_cell_int(rows, 0, 1, -1);
	puq_db_rows_free(rows);
	if (rows_held != held || runs != (solid > 0) + pairs) {
		fprintf(stderr, "pool_bench: seeded %lld rows and %lld runs, want %lld and %lld\n",
			rows_held, runs, held, (solid > 0) + pairs);
		exit(1);
	}
	/* fresh statistics, as a long-lived table would have */
	if (puq_db_query(s->t.db, &err,
			"ANALYZE TABLE puq_proxmox_kvm_ip_allocations, puq_proxmox_kvm_ip_runs", PUQ_NOARGS,
			&rows) < 0)
		die("analyze", &err);
	puq_db_rows_free(rows);
}

/*
 * Times n allocations in each of two scenarios, alternating between them (each goes
 * first every other time), so that whatever else the machine does (fsyncs, other
 * processes) weighs on both alike. What alternation cannot even out: each scenario has
 * its own connection, and on a small virtual machine one MariaDB connection thread can
 * answer every round trip some tens of microseconds slower than the other (where the
 * scheduler put it) - opening the two in the other order turns such a ratio upside
 * down, with the same statements and the same server-side times.
 * Returns the medians in ms and the first address each scenario handed out.
 */
static void time_pair(struct scenario *a, struct scenario *b, int n, bool v6, double *med_a,
	double *med_b, char first_a[PUQ_IP_TEXT_MAX], char first_b[PUQ_IP_TEXT_MAX])
{
	double *ms[2] = {calloc((size_t)n, sizeof(double)), calloc((size_t)n, sizeof(double))};
	struct scenario *sc[2] = {a, b};
	char *first[2] = {first_a, first_b};
	if (!ms[0] || !ms[1])
		die("out of memory", NULL);
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < 2; j++) {
			int k = (i + j) % 2; /* each goes first every other time */
			struct puq_alloc_request r = {SERVICE_BASE + i, 1, v6 ? 0 : 1, v6 ? 1 : 0, true,
				NULL, 0};
			struct puq_address_list held;
			struct puq_error err;
			puq_error_clear(&err);
			double t0 = now_ms();
			if (puq_pool_allocate(sc[k]->t.db, &r, &held, &err) < 0)
				die("allocate", &err);
			ms[k][i] = now_ms() - t0;
			if (i == 0)
				puq_ip_format(&held.items[0].ip, PUQ_IP_CANONICAL, first[k]);
			puq_address_list_free(&held);
		}
	}
	for (int k = 0; k < 2; k++)
		qsort(ms[k], (size_t)n, sizeof(double), cmp_double);
	*med_a = ms[0][n / 2];
	*med_b = ms[1][n / 2];
	free(ms[0]);
	free(ms[1]);
}

static void check_first(const char *got, const char *want, const char *scenario)
{
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "pool_bench: %s: first allocation got %s, want the lowest hole %s\n",
			scenario, got, want);
		exit(1);
	}
}

static int growth(void)
{
	struct scenario small, large;
	char first[PUQ_IP_TEXT_MAX];
	double t0 = now_ms();

	/* 10.0.0.0/8; offsets from 10.0.0.2 */
	open_scenario(&small, "IPv4", "10.0.0.1", "8", "10.0.0.2", "10.255.255.254");
	seed(&small, 4, "0000000000000000", 0x0A000002ULL, 1000);
	open_scenario(&large, "IPv4", "10.0.0.1", "8", "10.0.0.2", "10.255.255.254");
	seed(&large, 4, "0000000000000000", 0x0A000002ULL, 1000000);
	double seed_s = (now_ms() - t0) / 1000.0;
	double settle_s = settle(large.t.db);

	double m_small, m_large;
	char first_large[PUQ_IP_TEXT_MAX];
	time_pair(&small, &large, ALLOCS, false, &m_small, &m_large, first, first_large);
	/* 500 solid, then the first hole: offset 500 -> 0x0A0001F6 = 10.0.1.246 */
	check_first(first, "10.0.1.246", "1,000 held");
	/* 500000 solid, then the first hole: offset 500000 -> 0x0A07A122 = 10.7.161.34 */
	check_first(first_large, "10.7.161.34", "1,000,000 held");

	printf("bench: alloc_growth ratio=%.2f goal=<=2 median_1k_ms=%.3f median_1m_ms=%.3f "
	       "allocations=%d seed_s=%.1f settle_s=%.1f (allocation latency, one fragmented "
	       "IPv4 pool, 1,000,000 vs 1,000 addresses held)\n",
		m_large / m_small, m_small, m_large, ALLOCS, seed_s, settle_s);
	puq_testdb_drop(&small.t);
	puq_testdb_drop(&large.t);
	return m_large / m_small <= 2.0 ? 0 : 3;
}

/* One round of v6size: both pools, the /64's connection opened first or second. */
static void v6_half(bool s64_first, double *m120, double *m64)
{
	struct scenario s120, s64;
	struct scenario *order[2] = {s64_first ? &s64 : &s120, s64_first ? &s120 : &s64};
	char first120[PUQ_IP_TEXT_MAX], first64[PUQ_IP_TEXT_MAX];
	for (int i = 0; i < 2; i++) {
		bool is64 = order[i] == &s64;
		open_scenario(order[i], "IPv6", "2001:db8::1", is64 ? "64" : "120", "2001:db8::2",
			is64 ? "2001:db8::ffff:ffff:ffff:ffff" : "2001:db8::ff");
		seed(order[i], 6, "20010db800000000", 2, 100);
	}
	/* the /120 holds 254 addresses, 100 of them seeded: time 150 in each */
	time_pair(&s120, &s64, 150, true, m120, m64, first120, first64);
	/* 50 solid (offsets 0-49), then the first hole: offset 50 -> 2001:db8::34 */
	check_first(first120, "2001:db8::34", "/120");
	check_first(first64, "2001:db8::34", "/64");
	puq_testdb_drop(&s120.t);
	puq_testdb_drop(&s64.t);
}

/*
 * Measured in four rounds on fresh connections, opened in alternating order, and each
 * pool's best round taken (as timeit takes the best of its repeats): a connection
 * thread that answers slower per round trip (time_pair) lands on either pool by chance,
 * and the best round of each is the one it did not land on.
 */
#define V6_ROUNDS 4
static int v6size(void)
{
	double m120 = 0, m64 = 0;
	char rounds[256] = "";
	for (int r = 0; r < V6_ROUNDS; r++) {
		double a120, a64;
		v6_half(r % 2 == 1, &a120, &a64);
		if (r == 0 || a120 < m120)
			m120 = a120;
		if (r == 0 || a64 < m64)
			m64 = a64;
		size_t used = strlen(rounds);
		snprintf(rounds + used, sizeof(rounds) - used, "%s%.3f/%.3f", r ? "," : "", a64, a120);
	}
	printf("bench: alloc_v6_size ratio=%.2f goal=<=2 median_120_ms=%.3f median_64_ms=%.3f "
	       "rounds_64/120=%s (allocation latency, IPv6 /64 pool vs /120 pool, 100 addresses "
	       "held in each; best of %d rounds)\n",
		m64 / m120, m120, m64, rounds, V6_ROUNDS);
	return m64 / m120 <= 2.0 ? 0 : 3;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "growth") == 0)
		return growth();
	if (argc == 2 && strcmp(argv[1], "v6size") == 0)
		return v6size();
	fprintf(stderr, "usage: pool_bench growth|v6size\n");
	return 2;
}
