/*
 * The statement cache of the store room, run by bench/stmt_cache.
 *
 * Times the settings page's point lookup (SELECT ... WHERE name = ?) on a migrated
 * database two ways on one connection: through puq_db_query(), which finds the prepared
 * statement in the connection's cache after the first call (one round trip: execute),
 * and through the uncached path the migration engine uses for one-off DDL (three round
 * trips: prepare, execute, close). The output is
 *   bench: stmt_cache ratio=<cached/uncached median> goal=<=0.7 ...
 * so a change that breaks the cache (or makes it slower than preparing) shows up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "puqkvm/settings.h"
#include "store_internal.h"
#include "testdb.h"

#define RUNS 2000

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static const char lookup[] = "SELECT value FROM puq_proxmox_kvm_settings WHERE name = ?";

static double median_us(struct puq_db *db, unsigned flags)
{
	static double samples[RUNS];
	for (int i = 0; i < RUNS; i++) {
		struct puq_error err;
		struct puq_db_rows *rows;
		puq_error_clear(&err);
		double t0 = now_us();
		if (puq_db_run(db, &err, lookup, PUQ_ARGS(PUQ_TEXT("default_timeout")), &rows, NULL,
				PUQ_RUN_QUERY | flags) < 0) {
			fprintf(stderr, "stmt_cache: %s\n", err.text);
			exit(1);
		}
		samples[i] = now_us() - t0;
		puq_db_rows_free(rows);
	}
	qsort(samples, RUNS, sizeof(samples[0]), cmp_double);
	return samples[RUNS / 2];
}

int main(void)
{
	struct puq_testdb t;
	struct puq_error err;
	struct puq_migrate_report r;
	struct puq_settings s;
	struct puq_setting_input in = {"default_timeout", "25", 2};
	if (puq_testdb_create(&t, true) < 0)
		return 1;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	if (puq_db_migrate(t.db, false, &r, &err) < 0 || puq_settings_save(t.db, &in, 1, &s, &err) < 0) {
		fprintf(stderr, "stmt_cache: %s\n", err.text);
		puq_testdb_drop(&t);
		return 1;
	}
	puq_migrate_report_free(&r);
	puq_settings_free(&s);

	median_us(t.db, 0); /* warm up both paths and the server's buffer pool */
	median_us(t.db, PUQ_RUN_NOCACHE);
	struct puq_db_stats before, after;
	puq_db_stats(t.db, &before);
	double cached = median_us(t.db, 0);
	puq_db_stats(t.db, &after);
	double uncached = median_us(t.db, PUQ_RUN_NOCACHE);

	printf("bench: stmt_cache ratio=%.2f goal=<=0.7 cached %.1f us/query vs prepared every "
		"time %.1f us/query (median of %d)\n", cached / uncached, cached, uncached, RUNS);
	printf("  cached run: %llu prepares, %llu cache hits for %d queries\n",
		after.prepares - before.prepares, after.cache_hits - before.cache_hits, RUNS);
	puq_testdb_drop(&t);
	return 0;
}
