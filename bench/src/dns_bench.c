/*
 * The dns_requests benchmark (run by bench/dns_requests): syncing the records of 1,000
 * services - A, AAAA, and a PTR for each of the two addresses - to the real PowerDNS
 * of scripts/services.
 *
 * One puq_dns_create() call takes all 1,000 services, as the cron does with every VM
 * that reached the DNS step in a tick: the records are planned per zone and sent as
 * one PATCH of up to 1,000 RRsets per zone. The ratio is HTTP requests made divided by
 * the requests a client making one request per record would make (one per record);
 * goal <= 0.1. Records per second count the whole operation: storing the desired rows
 * in MariaDB, the PATCHes, and settling the rows. For contrast, the same records of
 * 100 of the services are then resynced one service per call (one PATCH per zone per
 * service), and a sample of names is checked with dig.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pdns_live.h"
#include "puqkvm/dns.h"
#include "testdb.h"

#define SERVICES 1000
#define SINGLES  100

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "dns_bench: %s: %s\n", what, why ? why : "failed");
	exit(1);
}

static void add_zone(struct puq_db *db, const struct pdns_live *p, const char *name)
{
	struct puq_dns_zone z;
	puq_dns_zone_init(&z);
	z.provider = PUQ_DNS_POWERDNS;
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE, name);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_SERVER_URL, p->api_url);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_API_KEY, p->api_key);
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_create(db, &z, NULL, &err) != 0)
		die(name, err.text);
	puq_dns_zone_free(&z);
}

int main(void)
{
	struct puq_testdb t;
	struct pdns_live p;
	if (puq_testdb_create(&t, true) != 0 || pdns_live_open(&p) != 0)
		die("setup", "database or PowerDNS not available (scripts/services start)");
	struct puq_migrate_report rep;
	puq_migrate_report_init(&rep);
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_migrate(t.db, false, &rep, &err) != 0)
		die("migrate", err.text);
	puq_migrate_report_free(&rep);

	unsigned x = (unsigned)getpid() % 200 + 20;
	char fwd[128], rev6[128], rev4[4][64];
	snprintf(fwd, sizeof(fwd), "bench%d.puqkvm.test", (int)getpid());
	snprintf(rev6, sizeof(rev6), "%x.%x.%x.%x.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", x & 15,
		(x >> 4) & 15, (x >> 8) & 15, (x >> 12) & 15);
	const char *zones[6] = {fwd, rev6, rev4[0], rev4[1], rev4[2], rev4[3]};
	for (int k = 0; k < 4; k++)
		snprintf(rev4[k], sizeof(rev4[k]), "%d.%u.10.in-addr.arpa", k, x);
	for (int z = 0; z < 6; z++) {
		pdns_live_zone_delete(&p, zones[z]);
		if (pdns_live_zone_create(&p, zones[z]) != 0)
			die("PowerDNS zone", zones[z]);
		add_zone(t.db, &p, zones[z]);
	}

	static char fqdn[SERVICES][160], v4[SERVICES][24], v6[SERVICES][48];
	static struct puq_dns_address addrs[SERVICES][2];
	static struct puq_dns_service svcs[SERVICES];
	for (int i = 0; i < SERVICES; i++) {
		snprintf(fqdn[i], sizeof(fqdn[i]), "vm%d.%s", i, fwd);
		snprintf(v4[i], sizeof(v4[i]), "10.%u.%d.%d", x, i / 250, i % 250 + 2);
		snprintf(v6[i], sizeof(v6[i]), "2001:db8:0:%x::%x", x, i + 2);
		addrs[i][0] = (struct puq_dns_address){v4[i], NULL};
		addrs[i][1] = (struct puq_dns_address){v6[i], NULL};
		svcs[i] = (struct puq_dns_service){100000 + i, fqdn[i], v4[i], v6[i], addrs[i], 2};
	}

	struct puq_dns_ctx ctx = {.db = t.db, .timeout_ms = 60000};
	struct puq_dns_report r;
	puq_dns_report_init(&r);
	double t0 = now_s();
	if (puq_dns_create(&ctx, svcs, SERVICES, &r, &err) != 0)
		die("create", err.text);
	double secs = now_s() - t0;
	size_t records = r.ok + r.failed, requests = r.requests, failed = r.failed;
	puq_dns_report_free(&r);
	if (failed)
		die("create", "some records failed");

	/* the same records, one service per call */
	puq_dns_report_init(&r);
	double t1 = now_s();
	size_t single_requests = 0, single_records = 0;
	for (int i = 0; i < SINGLES; i++) {
		struct puq_dns_report one;
		puq_dns_report_init(&one);
		if (puq_dns_resync(&ctx, &svcs[i], 1, &one, &err) != 0 || one.failed)
			die("resync", err.text);
		single_requests += one.requests;
		single_records += one.ok;
		puq_dns_report_free(&one);
	}
	double single_secs = now_s() - t1;
	puq_dns_report_free(&r);

	/* a sample, as a resolver sees it */
	int checked = 0;
	for (int i = 0; i < SERVICES; i += 333) {
		char out[256], want[64];
		snprintf(want, sizeof(want), "%.40s\n", v4[i]);
		if (pdns_live_dig(&p, fqdn[i], "A", out, sizeof(out)) != 0 || strcmp(out, want) != 0)
			die("dig", fqdn[i]);
		checked++;
	}

	for (int z = 0; z < 6; z++)
		pdns_live_zone_delete(&p, zones[z]);
	pdns_live_close(&p);
	puq_testdb_drop(&t);

	double ratio = (double)requests / (double)records;
	printf("bench: dns_requests ratio=%.4f goal=<=0.1 requests=%zu records=%zu services=%d "
	       "zones=6 seconds=%.2f records_per_s=%.0f one_service_per_call: ratio=%.2f "
	       "records_per_s=%.0f (%d services) dig_checked=%d\n",
		ratio, requests, records, SERVICES, secs, (double)records / secs,
		(double)single_requests / (double)single_records,
		(double)single_records / single_secs, SINGLES, checked);
	return 0;
}
