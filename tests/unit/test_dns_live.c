/*
 * The DNS operations against the real PowerDNS of scripts/services, checked the way a
 * resolver sees them (dig against its DNS port): create, refresh, delete, foreign
 * records left alone, a broken or unreachable zone next to a working one, and the Test
 * button. Every run uses zones of its own (names from the pid), deleted at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "pdns_live.h"
#include "puqkvm/dns.h"
#include "testdb.h"

struct live {
	struct puq_testdb t;
	struct pdns_live p;
	char fwd[128], rev4[128], rev6[128];
	char v4[3][32], v6[32], v6ptr[256], ptr4[3][160];
	struct puq_dns_ctx ctx;
};

static long long add_zone(struct live *l, const char *name, const char *url, const char *key)
{
	struct puq_dns_zone z;
	puq_dns_zone_init(&z);
	z.provider = PUQ_DNS_POWERDNS;
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE, name);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_SERVER_URL, url);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_API_KEY, key);
	long long id = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_create(l->t.db, &z, &id, &err) != 0)
		fail_msg("zone %s: %s", name, err.text);
	puq_dns_zone_free(&z);
	return id;
}

static int setup(void **state)
{
	struct live *l = calloc(1, sizeof(*l));
	if (puq_testdb_create(&l->t, true) != 0 || pdns_live_open(&l->p) != 0)
		return -1;
	struct puq_migrate_report rep;
	puq_migrate_report_init(&rep);
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_migrate(l->t.db, false, &rep, &err) != 0)
		return -1;
	puq_migrate_report_free(&rep);

	unsigned x = (unsigned)getpid() % 250 + 1, y = (unsigned)(getpid() / 250) % 250 + 1;
	snprintf(l->fwd, sizeof(l->fwd), "live%d.puqkvm.test", (int)getpid());
	snprintf(l->rev4, sizeof(l->rev4), "%u.%u.10.in-addr.arpa", y, x);
	/* 2001:db8:0:<x>::/64: the /64 reverse zone (16 nibbles) */
	snprintf(l->rev6, sizeof(l->rev6), "%x.%x.%x.%x.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa", x & 15,
		(x >> 4) & 15, (x >> 8) & 15, (x >> 12) & 15);
	for (int i = 0; i < 3; i++) {
		snprintf(l->v4[i], sizeof(l->v4[i]), "10.%u.%u.%d", x, y, 10 + i);
		snprintf(l->ptr4[i], sizeof(l->ptr4[i]), "%d.%s", 10 + i, l->rev4);
	}
	snprintf(l->v6, sizeof(l->v6), "2001:db8:0:%x::10", x);
	snprintf(l->v6ptr, sizeof(l->v6ptr), "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.%s", l->rev6);
	pdns_live_zone_delete(&l->p, l->fwd); /* leftovers of a crashed run with this pid */
	pdns_live_zone_delete(&l->p, l->rev4);
	pdns_live_zone_delete(&l->p, l->rev6);
	if (pdns_live_zone_create(&l->p, l->fwd) || pdns_live_zone_create(&l->p, l->rev4) ||
		pdns_live_zone_create(&l->p, l->rev6))
		return -1;
	add_zone(l, l->fwd, l->p.api_url, l->p.api_key);
	add_zone(l, l->rev4, l->p.api_url, l->p.api_key);
	add_zone(l, l->rev6, l->p.api_url, l->p.api_key);
	l->ctx.db = l->t.db;
	l->ctx.timeout_ms = 5000;
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct live *l = *state;
	pdns_live_zone_delete(&l->p, l->fwd);
	pdns_live_zone_delete(&l->p, l->rev4);
	pdns_live_zone_delete(&l->p, l->rev6);
	pdns_live_close(&l->p);
	puq_testdb_drop(&l->t);
	free(l);
	return 0;
}

static void expect_dig(struct live *l, const char *name, const char *type, const char *want)
{
	char out[512];
	assert_int_equal(pdns_live_dig(&l->p, name, type, out, sizeof(out)), 0);
	if (strcmp(out, want) != 0)
		fail_msg("dig %s %s: got \"%s\", expected \"%s\"", name, type, out, want);
}

static void create_refresh_delete_in_dns(void **state)
{
	struct live *l = *state;
	char vm[200], foreign[200], want[300];
	snprintf(vm, sizeof(vm), "vm1.%s", l->fwd);
	snprintf(foreign, sizeof(foreign), "foreign.%s", l->fwd);
	/* records the module does not own: another name in its zones */
	assert_int_equal(pdns_live_rrset(&l->p, l->fwd, foreign, "A", "198.51.100.7"), 0);
	char foreign_ptr[160];
	snprintf(foreign_ptr, sizeof(foreign_ptr), "200.%s", l->rev4);
	assert_int_equal(pdns_live_rrset(&l->p, l->rev4, foreign_ptr, "PTR", "other.example.org."), 0);

	struct puq_dns_address a[] = {{l->v4[0], "mail.example.com"}, {l->v4[1], NULL},
		{l->v6, NULL}};
	struct puq_dns_service s = {501, vm, l->v4[0], l->v6, a, 3};
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_create(&l->ctx, &s, 1, &rep, &err), 0);
	if (rep.failed)
		print_message("%s", puq_buf_cstr(&rep.lines));
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.ok, 5);
	assert_int_equal(rep.requests, 3); /* one PATCH per zone */
	puq_dns_report_free(&rep);
	snprintf(want, sizeof(want), "%s\n", l->v4[0]);
	expect_dig(l, vm, "A", want);
	snprintf(want, sizeof(want), "%s\n", l->v6);
	expect_dig(l, vm, "AAAA", want);
	expect_dig(l, l->ptr4[0], "PTR", "mail.example.com.\n");
	snprintf(want, sizeof(want), "%s.\n", vm);
	expect_dig(l, l->ptr4[1], "PTR", want);
	expect_dig(l, l->v6ptr, "PTR", want);

	/* change package: main IPv4 moves to .12, .11 is released */
	struct puq_dns_address b[] = {{l->v4[0], "mail.example.com"}, {l->v4[2], NULL}, {l->v6, NULL}};
	struct puq_dns_service s2 = {501, vm, l->v4[2], l->v6, b, 3};
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_refresh(&l->ctx, &s2, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	snprintf(want, sizeof(want), "%s\n", l->v4[2]);
	expect_dig(l, vm, "A", want);
	expect_dig(l, l->ptr4[1], "PTR", "");
	snprintf(want, sizeof(want), "%s.\n", vm);
	expect_dig(l, l->ptr4[2], "PTR", want);

	/* terminate */
	long long id = 501;
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&l->ctx, &id, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	expect_dig(l, vm, "A", "");
	expect_dig(l, vm, "AAAA", "");
	expect_dig(l, l->ptr4[0], "PTR", "");
	expect_dig(l, l->ptr4[2], "PTR", "");
	expect_dig(l, l->v6ptr, "PTR", "");
	/* what the module does not own is untouched */
	expect_dig(l, foreign, "A", "198.51.100.7\n");
	expect_dig(l, foreign_ptr, "PTR", "other.example.org.\n");
}

/* A zone with a wrong key and a zone whose server is down fail alone. */
static void broken_zones_do_not_block(void **state)
{
	struct live *l = *state;
	char url[300];
	snprintf(url, sizeof(url), "%s/api/v1", l->p.api_url); /* same server, other row */
	long long bad = add_zone(l, l->fwd, url, "wrong-key");
	long long down = add_zone(l, l->fwd, "http://127.0.0.1:9", "any-key");
	char vm[160], want[200];
	snprintf(vm, sizeof(vm), "vm2.%s", l->fwd);
	struct puq_dns_service s = {502, vm, l->v4[1], NULL, NULL, 0};
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_create(&l->ctx, &s, 1, &rep, &err), 0);
	assert_int_equal(rep.ok, 2);     /* A in the good zone, PTR */
	assert_int_equal(rep.failed, 2); /* A in the zone with the wrong key, A in the down one */
	const char *lines = puq_buf_cstr(&rep.lines);
	assert_non_null(strstr(lines, "refused the API key (HTTP 401)"));
	assert_non_null(strstr(lines, "PowerDNS API unreachable: connection failed"));
	assert_null(strstr(lines, "wrong-key"));
	puq_dns_report_free(&rep);
	snprintf(want, sizeof(want), "%s\n", l->v4[1]);
	expect_dig(l, vm, "A", want);

	/* Test button: the real server's answers */
	struct puq_dns_zone z;
	struct puq_dns_test_result res;
	assert_int_equal(puq_dns_zone_get(l->t.db, bad, &z, &err), 0);
	assert_int_equal(puq_dns_zone_test(&l->ctx, &z, &res, &err), 0);
	assert_false(res.ok);
	assert_int_equal(res.http_status, 401);
	puq_dns_zone_free(&z);
	assert_int_equal(puq_dns_zone_get(l->t.db, down, &z, &err), 0);
	assert_int_equal(puq_dns_zone_test(&l->ctx, &z, &res, &err), 0);
	assert_false(res.ok);
	assert_non_null(strstr(res.message, "unreachable"));
	puq_dns_zone_free(&z);
	assert_int_equal(puq_dns_zone_get(l->t.db, 1, &z, &err), 0);
	assert_int_equal(puq_dns_zone_test(&l->ctx, &z, &res, &err), 0);
	assert_true(res.ok);
	assert_non_null(strstr(res.message, "found (Native"));
	puq_dns_zone_free(&z);

	/* once the zones are fixed (here: removed), a resync converges and cleans up */
	assert_int_equal(puq_dns_zone_delete(l->t.db, bad, &err), 0);
	assert_int_equal(puq_dns_zone_delete(l->t.db, down, &err), 0);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_resync(&l->ctx, &s, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	long long id = 502;
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&l->ctx, &id, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	expect_dig(l, vm, "A", "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_refresh_delete_in_dns),
		cmocka_unit_test(broken_zones_do_not_block),
	};
	return cmocka_run_group_tests_name("dns_live", tests, setup, teardown);
}
