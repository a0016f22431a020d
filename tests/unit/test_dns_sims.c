/*
 * The DNS operations against the Cloudflare and HestiaCP simulators (tests/sim/), run as
 * processes, with the real curl engine and a real MariaDB: records written as the
 * providers store them, foreign records untouched, and the fault cases - a provider
 * timing out or resetting connections, refused credentials, a refused batch, the rate
 * limit, one bad record inside a batch - each showing the operation completing for
 * everything else, the failure logged per record in tblmodulelog without secrets, and a
 * later resync converging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/dns.h"
#include "sim_process.h"
#include "testdb.h"

#define CF_TOKEN    "cf-sim-token-9f8e7d6c5b4a"
#define HE_PASSWORD "hestia-admin-password"

struct fx {
	struct puq_testdb t;
	struct sim_process cf, he;
	char cf_api[128];
	char cf_fwd[40], cf_rev[40];
	long long cf_fwd_zone, he_fwd_zone;
	struct puq_dns_ctx ctx;
};

static long long add_zone(struct fx *f, enum puq_dns_provider p, const char *name,
	const char *zone_id, const char *secret)
{
	struct puq_dns_zone z;
	puq_dns_zone_init(&z);
	z.provider = p;
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE, name);
	if (p == PUQ_DNS_CLOUDFLARE) {
		puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE_ID, zone_id);
		puq_dns_zone_set(&z, PUQ_DNS_ZF_API_TOKEN, secret);
	} else {
		char url[160];
		puq_dns_zone_set(&z, PUQ_DNS_ZF_SERVER_URL, sim_process_url(&f->he, "", url, sizeof(url)));
		puq_dns_zone_set(&z, PUQ_DNS_ZF_ADMIN_USER, "admin");
		puq_dns_zone_set(&z, PUQ_DNS_ZF_ADMIN_PASSWORD, secret);
		puq_dns_zone_set(&z, PUQ_DNS_ZF_USER, "client1");
	}
	long long id = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_create(f->t.db, &z, &id, &err) != 0)
		fail_msg("zone %s: %s", name, err.text);
	puq_dns_zone_free(&z);
	return id;
}

static void control(struct sim_process *sp, const char *method, const char *name,
	const char *body)
{
	json_t *j = sim_process_control(sp, method, name, body);
	if (!j)
		fail_msg("control %s %s failed", method, name);
	json_decref(j);
}

static void cf_zone(struct fx *f, const char *name, char id[40])
{
	char body[200];
	snprintf(body, sizeof(body), "{\"name\":\"%s\"}", name);
	json_t *j = sim_process_control(&f->cf, "POST", "cf/zones", body);
	assert_non_null(j);
	snprintf(id, 40, "%s", json_string_value(json_object_get(j, "id")));
	json_decref(j);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (puq_testdb_create(&f->t, true) != 0)
		return -1;
	struct puq_migrate_report rep;
	puq_migrate_report_init(&rep);
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_migrate(f->t.db, false, &rep, &err) != 0)
		return -1;
	puq_migrate_report_free(&rep);
	puq_testdb_exec(f->t.db, "INSERT INTO tblconfiguration (setting, value) "
	                         "VALUES ('ModuleDebugMode', 'on')");
	if (sim_process_start(&f->cf, "tests/sim/cloudflare/server.js", NULL) != 0 ||
		sim_process_start(&f->he, "tests/sim/hestia/server.js", NULL) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	sim_process_stop(&f->cf);
	sim_process_stop(&f->he);
	puq_testdb_drop(&f->t);
	free(f);
	return 0;
}

/* Every test starts from fresh simulators and zones. */
static int fresh(void **state)
{
	struct fx *f = *state;
	control(&f->cf, "POST", "reset", NULL);
	control(&f->he, "POST", "reset", NULL);
	control(&f->cf, "POST", "cf/reset", NULL);
	control(&f->he, "POST", "hestia/reset", NULL);
	puq_testdb_exec(f->t.db, "DELETE FROM puq_proxmox_kvm_dns_zones");
	puq_testdb_exec(f->t.db, "DELETE FROM puq_proxmox_kvm_dns_records");
	puq_testdb_exec(f->t.db, "DELETE FROM tblmodulelog");
	cf_zone(f, "example.com", f->cf_fwd);
	cf_zone(f, "2.0.192.in-addr.arpa", f->cf_rev);
	control(&f->cf, "POST", "cf/tokens", "{\"token\":\"" CF_TOKEN "\"}");
	control(&f->he, "POST", "hestia/users", "{\"user\":\"client1\"}");
	control(&f->he, "POST", "hestia/domains", "{\"user\":\"client1\",\"domain\":\"example.net\"}");
	control(&f->he, "POST", "hestia/domains",
		"{\"user\":\"client1\",\"domain\":\"3.0.192.in-addr.arpa\"}");
	f->cf_fwd_zone = add_zone(f, PUQ_DNS_CLOUDFLARE, "example.com", f->cf_fwd, CF_TOKEN);
	add_zone(f, PUQ_DNS_CLOUDFLARE, "2.0.192.in-addr.arpa", f->cf_rev, CF_TOKEN);
	f->he_fwd_zone = add_zone(f, PUQ_DNS_HESTIACP, "example.net", NULL, HE_PASSWORD);
	add_zone(f, PUQ_DNS_HESTIACP, "3.0.192.in-addr.arpa", NULL, HE_PASSWORD);
	sim_process_url(&f->cf, "/client/v4", f->cf_api, sizeof(f->cf_api));
	f->ctx.db = f->t.db;
	f->ctx.timeout_ms = 3000;
	f->ctx.cloudflare_api = f->cf_api;
	return 0;
}

static long long count(struct puq_db *db, const char *sql)
{
	struct puq_db_rows *rows = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_query(db, &err, sql, PUQ_NOARGS, &rows) != 0)
		fail_msg("%s: %s", sql, err.text);
	long long n = puq_db_cell_int(rows, 0, 0, -1);
	puq_db_rows_free(rows);
	return n;
}

/* The simulator's records of a Cloudflare zone as one sorted "type name content" text. */
static void cf_records(struct fx *f, const char *zone_id, char *out, size_t outsz)
{
	char name[120];
	snprintf(name, sizeof(name), "cf/records?zone_id=%s", zone_id);
	json_t *j = sim_process_control(&f->cf, "GET", name, NULL);
	assert_non_null(j);
	out[0] = '\0';
	char lines[64][160];
	size_t n = 0, i;
	json_t *r;
	json_array_foreach(j, i, r)
	{
		if (n < 64)
			snprintf(lines[n++], sizeof(lines[0]), "%s %s %s",
				json_string_value(json_object_get(r, "type")),
				json_string_value(json_object_get(r, "name")),
				json_string_value(json_object_get(r, "content")));
	}
	qsort(lines, n, sizeof(lines[0]), (int (*)(const void *, const void *))strcmp);
	for (i = 0; i < n; i++) {
		strncat(out, lines[i], outsz - strlen(out) - 2);
		strcat(out, "\n");
	}
	json_decref(j);
}

/* The records of a HestiaCP zone as sorted "RECORD TYPE VALUE" lines, without the template. */
static void he_records(struct fx *f, const char *domain, char *out, size_t outsz)
{
	char name[160];
	snprintf(name, sizeof(name), "hestia/records?user=client1&domain=%s", domain);
	json_t *j = sim_process_control(&f->he, "GET", name, NULL);
	assert_non_null(j);
	out[0] = '\0';
	char lines[64][160];
	size_t n = 0;
	const char *key;
	json_t *r;
	json_object_foreach(j, key, r)
	{
		const char *type = json_string_value(json_object_get(r, "TYPE"));
		const char *rec = json_string_value(json_object_get(r, "RECORD"));
		if (strcmp(type, "PTR") != 0 && !(strcmp(type, "A") == 0 && strncmp(rec, "vm", 2) == 0) &&
			strcmp(type, "AAAA") != 0)
			continue; /* the domain template's records */
		if (n < 64)
			snprintf(lines[n++], sizeof(lines[0]), "%s %s %s", rec, type,
				json_string_value(json_object_get(r, "VALUE")));
	}
	qsort(lines, n, sizeof(lines[0]), (int (*)(const void *, const void *))strcmp);
	for (size_t i = 0; i < n; i++) {
		strncat(out, lines[i], outsz - strlen(out) - 2);
		strcat(out, "\n");
	}
	json_decref(j);
}

static struct puq_dns_report run(struct fx *f, int op, const struct puq_dns_service *s)
{
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	puq_dns_report_init(&rep);
	int rc;
	switch (op) {
	case 'c':
		rc = puq_dns_create(&f->ctx, s, 1, &rep, &err);
		break;
	case 'r':
		rc = puq_dns_resync(&f->ctx, s, 1, &rep, &err);
		break;
	default:
		rc = puq_dns_delete(&f->ctx, &s->service_id, 1, &rep, &err);
	}
	if (rc != 0) /* provider trouble never fails an operation */
		fail_msg("operation failed: %s", err.text);
	if (rep.failed) /* shown with the test's output, for when an expectation fails */
		print_message("%s", puq_buf_cstr(&rep.lines));
	return rep;
}

static const struct puq_dns_address cf_addrs[] = {{"192.0.2.10", "mail.example.com"},
	{"2001:db8::10", NULL}};
static const struct puq_dns_service cf_svc = {701, "vm1.example.com", "192.0.2.10", "2001:db8::10",
	cf_addrs, 2};
static const struct puq_dns_address he_addrs[] = {{"192.0.3.20", NULL}};
static const struct puq_dns_service he_svc = {702, "vm2.example.net", "192.0.3.20", NULL,
	he_addrs, 1};

static void cloudflare_roundtrip(void **state)
{
	struct fx *f = *state;
	char body[400], recs[4096];
	/* foreign: a TXT at the module's name and an A at another name */
	snprintf(body, sizeof(body), "{\"zone_id\":\"%s\",\"type\":\"TXT\",\"name\":\"vm1\","
	                             "\"content\":\"\\\"keep\\\"\",\"ttl\":1}", f->cf_fwd);
	control(&f->cf, "POST", "cf/records", body);
	snprintf(body, sizeof(body), "{\"zone_id\":\"%s\",\"type\":\"A\",\"name\":\"other\","
	                             "\"content\":\"198.51.100.1\",\"ttl\":1}", f->cf_fwd);
	control(&f->cf, "POST", "cf/records", body);

	struct puq_dns_report rep = run(f, 'c', &cf_svc);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.ok, 3); /* A, AAAA, PTR 10 (the IPv6 PTR has no zone) */
	puq_dns_report_free(&rep);
	cf_records(f, f->cf_fwd, recs, sizeof(recs));
	assert_string_equal(recs, "A other.example.com 198.51.100.1\n"
	                          "A vm1.example.com 192.0.2.10\n"
	                          "AAAA vm1.example.com 2001:db8::10\n"
	                          "TXT vm1.example.com \"keep\"\n");
	cf_records(f, f->cf_rev, recs, sizeof(recs));
	assert_string_equal(recs, "PTR 10.2.0.192.in-addr.arpa mail.example.com\n");

	/* the main IPv4 changes (.10 released): the A is patched in place, never missing */
	const struct puq_dns_address a2[] = {{"192.0.2.11", NULL}, {"2001:db8::10", NULL}};
	struct puq_dns_service moved = cf_svc;
	moved.main_ipv4 = "192.0.2.11";
	moved.addresses = a2;
	control(&f->cf, "POST", "reset", NULL); /* counters and log; the records stay */
	rep = run(f, 'r', &moved);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	json_t *log = sim_process_control(&f->cf, "GET", "log", NULL);
	size_t i;
	json_t *e;
	int batches = 0;
	json_array_foreach(log, i, e)
	{
		const char *path = json_string_value(json_object_get(e, "path"));
		if (strstr(path, "/dns_records/batch")) {
			batches++;
			const char *b = json_string_value(json_object_get(e, "body"));
			if (strstr(path, f->cf_fwd)) { /* the A changes in place: nothing removed first */
				assert_null(strstr(b, "\"deletes\""));
				assert_non_null(strstr(b, "\"patches\""));
			}
		}
	}
	json_decref(log);
	assert_int_equal(batches, 2); /* forward and reverse zone, one batch each */
	cf_records(f, f->cf_rev, recs, sizeof(recs));
	assert_string_equal(recs, "PTR 11.2.0.192.in-addr.arpa vm1.example.com\n");

	rep = run(f, 'd', &moved);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	cf_records(f, f->cf_fwd, recs, sizeof(recs));
	assert_string_equal(recs, "A other.example.com 198.51.100.1\nTXT vm1.example.com \"keep\"\n");
	cf_records(f, f->cf_rev, recs, sizeof(recs));
	assert_string_equal(recs, "");
}

static void hestia_roundtrip(void **state)
{
	struct fx *f = *state;
	char recs[4096];
	struct puq_dns_report rep = run(f, 'c', &he_svc);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.ok, 2);
	puq_dns_report_free(&rep);
	he_records(f, "example.net", recs, sizeof(recs));
	assert_string_equal(recs, "vm2 A 192.0.3.20\n");
	he_records(f, "3.0.192.in-addr.arpa", recs, sizeof(recs));
	assert_string_equal(recs, "20 PTR vm2.example.net.\n");

	/* resync with nothing changed: listed, compared, no command sent */
	control(&f->he, "POST", "reset", NULL);
	rep = run(f, 'r', &he_svc);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	assert_int_equal(sim_process_stat(&f->he, "requests.total"), 2); /* two listings */

	rep = run(f, 'd', &he_svc);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	he_records(f, "example.net", recs, sizeof(recs));
	assert_string_equal(recs, "");
	he_records(f, "3.0.192.in-addr.arpa", recs, sizeof(recs));
	assert_string_equal(recs, "");
}

/* One service in all four zones; faults in one provider leave the other untouched. */
static const struct puq_dns_address both_addrs[] = {{"192.0.2.30", NULL}, {"192.0.3.30", NULL}};
static const struct puq_dns_service both = {703, "vm3.example.com", "192.0.2.30", NULL,
	both_addrs, 2};

static void down_and_back(void **state)
{
	struct fx *f = *state;
	/* Cloudflare times out, HestiaCP resets every connection */
	control(&f->cf, "POST", "faults", "{\"kind\":\"timeout\"}");
	control(&f->he, "POST", "faults", "{\"kind\":\"reset\"}");
	f->ctx.timeout_ms = 500;
	struct puq_dns_report rep = run(f, 'c', &both);
	assert_int_equal(rep.ok, 0);
	assert_int_equal(rep.failed, 3); /* A + PTR .30 on Cloudflare, PTR on HestiaCP */
	assert_non_null(strstr(puq_buf_cstr(&rep.lines), "Cloudflare API unreachable: timed out"));
	assert_non_null(strstr(puq_buf_cstr(&rep.lines), "HestiaCP connection failed"));
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE action LIKE "
	                                "'DNS create: % ERR'"),
		3);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE CONCAT(request, "
	                                "response, arrdata) LIKE '%" CF_TOKEN "%' OR CONCAT(request, "
	                                "response, arrdata) LIKE '%" HE_PASSWORD "%'"),
		0);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "last_error IS NOT NULL"),
		3);

	control(&f->cf, "DELETE", "faults", NULL);
	control(&f->he, "DELETE", "faults", NULL);
	f->ctx.timeout_ms = 3000;
	rep = run(f, 'r', &both);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.ok, 3);
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "last_error IS NULL AND synced_at IS NOT NULL"),
		3);
}

/* Wrong credentials on one zone; the rest of the operation goes through. */
static void refused_credentials(void **state)
{
	struct fx *f = *state;
	add_zone(f, PUQ_DNS_HESTIACP, "example.com", NULL, "wrong-password");
	struct puq_dns_report rep = run(f, 'c', &both);
	assert_int_equal(rep.failed, 1); /* the A in the HestiaCP copy of example.com */
	assert_int_equal(rep.ok, 3);
	assert_non_null(strstr(puq_buf_cstr(&rep.lines),
		"fwd ERR [hestiacp] example.com \xe2\x86\x90 vm3.example.com \xe2\x86\x92 192.0.2.30: "
		"HestiaCP: Error: authentication failed (HTTP 401)"));
	assert_null(strstr(puq_buf_cstr(&rep.lines), "wrong-password"));
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE request LIKE "
	                                "'%password=***%' AND request NOT LIKE '%wrong-password%'"),
		1);
}

/* A batch refused once (422) is split and everything lands; a bad record stays alone. */
static void refused_batch_and_bad_record(void **state)
{
	struct fx *f = *state;
	char body[400], recs[4096];
	snprintf(body, sizeof(body),
		"{\"kind\":\"status\",\"status\":422,\"times\":1,\"route\":\"POST "
		"/client/v4/zones/:zone_id/dns_records/batch\",\"json\":{\"success\":false,\"errors\":"
		"[{\"code\":1004,\"message\":\"DNS Validation Error\"}],\"messages\":[],\"result\":null}}");
	control(&f->cf, "POST", "faults", body);
	/* a CNAME someone else put at vm4: the module's A there must be refused (81054) */
	snprintf(body, sizeof(body), "{\"zone_id\":\"%s\",\"type\":\"CNAME\",\"name\":\"vm4\","
	                             "\"content\":\"elsewhere.example.org\",\"ttl\":1}", f->cf_fwd);
	control(&f->cf, "POST", "cf/records", body);
	const struct puq_dns_address a[] = {{"192.0.2.40", NULL}};
	const struct puq_dns_service s4 = {704, "vm4.example.com", "192.0.2.40", "2001:db8::40", a, 1};
	struct puq_dns_report rep = run(f, 'c', &s4);
	/* A refused, AAAA refused too (a CNAME owns the name), the PTR written */
	assert_int_equal(rep.failed, 2);
	assert_int_equal(rep.ok, 1);
	assert_non_null(strstr(puq_buf_cstr(&rep.lines), "Cloudflare error 81054"));
	puq_dns_report_free(&rep);
	cf_records(f, f->cf_rev, recs, sizeof(recs));
	assert_string_equal(recs, "PTR 40.2.0.192.in-addr.arpa vm4.example.com\n");
	cf_records(f, f->cf_fwd, recs, sizeof(recs));
	assert_string_equal(recs, "CNAME vm4.example.com elsewhere.example.org\n");
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE action = "
	                                "'DNS create: fwd ERR' AND response LIKE '%81054%'"),
		2);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE action = "
	                                "'DNS create: summary'"),
		1);
}

/* Past the rate limit every call is refused; a later resync converges. */
static void rate_limited(void **state)
{
	struct fx *f = *state;
	control(&f->cf, "POST", "cf/ratelimit", "{\"limit\":1,\"window_s\":300,\"block_s\":300}");
	struct puq_dns_report rep = run(f, 'c', &both);
	assert_true(rep.failed >= 1);
	assert_non_null(strstr(puq_buf_cstr(&rep.lines), "Cloudflare rate limit reached (HTTP 429)"));
	assert_non_null(strstr(puq_buf_cstr(&rep.lines), "rev OK [hestiacp]"));
	puq_dns_report_free(&rep);
	control(&f->cf, "POST", "cf/ratelimit", "{\"limit\":1200,\"window_s\":300,\"block_s\":300}");
	rep = run(f, 'r', &both);
	assert_int_equal(rep.failed, 0);
	puq_dns_report_free(&rep);
	char recs[4096];
	cf_records(f, f->cf_fwd, recs, sizeof(recs));
	assert_string_equal(recs, "A vm3.example.com 192.0.2.30\n");
}

static void test_buttons(void **state)
{
	struct fx *f = *state;
	struct puq_dns_zone z;
	struct puq_dns_test_result res;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_get(f->t.db, f->cf_fwd_zone, &z, &err), 0);
	assert_int_equal(puq_dns_zone_test(&f->ctx, &z, &res, &err), 0);
	assert_true(res.ok);
	assert_string_equal(res.message, "zone example.com found (active)");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_API_TOKEN, "a-token-the-simulator-never-issued");
	assert_int_equal(puq_dns_zone_test(&f->ctx, &z, &res, &err), 0);
	assert_false(res.ok);
	assert_string_equal(res.message, "Cloudflare error 9106: Authentication failed (HTTP 400)");
	puq_dns_zone_free(&z);

	assert_int_equal(puq_dns_zone_get(f->t.db, f->he_fwd_zone, &z, &err), 0);
	assert_int_equal(puq_dns_zone_test(&f->ctx, &z, &res, &err), 0);
	assert_true(res.ok);
	assert_non_null(strstr(res.message, "zone example.net found"));
	puq_dns_zone_set(&z, PUQ_DNS_ZF_USER, "nobody");
	assert_int_equal(puq_dns_zone_test(&f->ctx, &z, &res, &err), 0);
	assert_false(res.ok);
	assert_string_equal(res.message, "HestiaCP: Error: user nobody doesn't exist");
	puq_dns_zone_free(&z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(cloudflare_roundtrip, fresh),
		cmocka_unit_test_setup(hestia_roundtrip, fresh),
		cmocka_unit_test_setup(down_and_back, fresh),
		cmocka_unit_test_setup(refused_credentials, fresh),
		cmocka_unit_test_setup(refused_batch_and_bad_record, fresh),
		cmocka_unit_test_setup(rate_limited, fresh),
		cmocka_unit_test_setup(test_buttons, fresh),
	};
	return cmocka_run_group_tests_name("dns_sims", tests, setup, teardown);
}
