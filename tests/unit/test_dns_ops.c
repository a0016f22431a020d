/*
 * The DNS operations end to end on a real MariaDB (tests/unit/testdb) with the http
 * fixture engine standing in for PowerDNS: desired rows, plans, tombstones, the lines,
 * the module log, and zone CRUD in the database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/dns.h"
#include "puqkvm/dns_driver.h"
#include "testdb.h"

#define PDNS_KEY "pdns-secret-api-key-for-ops"
#define FWD_URL  "/api/v1/servers/localhost/zones/example.com."
#define REV_URL  "/api/v1/servers/localhost/zones/2.0.192.in-addr.arpa."

struct fx {
	struct puq_testdb t;
	struct puq_http_fixture *http;
	struct puq_dns_ctx ctx;
	long long fwd_zone, rev_zone;
	char lines[8192];
};

static void collect_line(void *arg, const struct puq_dns_line *line)
{
	struct fx *f = arg;
	strncat(f->lines, line->text, sizeof(f->lines) - strlen(f->lines) - 2);
	strcat(f->lines, "\n");
}

static long long add_zone(struct puq_db *db, const char *name)
{
	struct puq_dns_zone z;
	puq_dns_zone_init(&z);
	z.provider = PUQ_DNS_POWERDNS;
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE, name);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_SERVER_URL, "http://pdns.test:8081/");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_API_KEY, PDNS_KEY);
	long long id = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dns_zone_create(db, &z, &id, &err) != 0)
		fail_msg("zone %s: %s", name, err.text);
	puq_dns_zone_free(&z);
	return id;
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
	if (puq_db_migrate(f->t.db, false, &rep, &err) != 0) {
		fprintf(stderr, "migrate: %s\n", err.text);
		return -1;
	}
	puq_migrate_report_free(&rep);
	f->fwd_zone = add_zone(f->t.db, "example.com.");
	f->rev_zone = add_zone(f->t.db, "2.0.192.in-addr.arpa");
	add_zone(f->t.db, "unrelated.example"); /* matches nothing: never contacted */
	f->http = puq_http_fixture_new();
	f->ctx.db = f->t.db;
	f->ctx.http = puq_http_fixture_engine(f->http);
	f->ctx.timeout_ms = 2000;
	f->ctx.on_line = collect_line;
	f->ctx.line_ctx = f;
	puq_testdb_exec(f->t.db, "INSERT INTO tblconfiguration (setting, value) "
	                         "VALUES ('ModuleDebugMode', 'on')");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	puq_http_fixture_free(f->http);
	puq_testdb_drop(&f->t);
	free(f);
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

static const struct puq_dns_address addrs[] = {
	{"192.0.2.10", "Mail.Example.com."},
	{"192.0.2.11", NULL},
};

static const struct puq_dns_service svc = {101, "vm1.example.com", "192.0.2.10", NULL, addrs, 2};

/* The request body the fixture engine received for call i, as JSON. */
static json_t *sent(struct fx *f, size_t i)
{
	const struct puq_http_request *r = puq_http_fixture_request(f->http, i);
	json_error_t jerr;
	json_t *j = json_loadb(r->body, r->body_len, 0, &jerr);
	if (!j)
		fail_msg("request %zu: %s", i, jerr.text);
	return j;
}

static void create_refresh_delete(void **state)
{
	struct fx *f = *state;
	struct puq_dns_report rep;
	struct puq_error err;

	/* create: one PATCH per matching zone */
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	puq_error_clear(&err);
	f->lines[0] = '\0';
	assert_int_equal(puq_dns_create(&f->ctx, &svc, 1, &rep, &err), 0);
	assert_int_equal(rep.ok, 3);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.requests, 2);
	assert_int_equal(puq_http_fixture_unused(f->http), 0);
	assert_non_null(strstr(f->lines,
		"fwd OK [powerdns] example.com \xe2\x86\x90 vm1.example.com \xe2\x86\x92 192.0.2.10\n"));
	assert_non_null(strstr(f->lines, "rev OK [powerdns] 2.0.192.in-addr.arpa \xe2\x86\x90 "
	                                 "10.2.0.192.in-addr.arpa \xe2\x86\x92 mail.example.com\n"));
	assert_non_null(strstr(f->lines, "11.2.0.192.in-addr.arpa \xe2\x86\x92 vm1.example.com"));
	assert_string_equal(puq_buf_cstr(&rep.lines), f->lines);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "service_id = 101 AND state = 'present' AND synced_at IS "
	                                "NOT NULL AND last_error IS NULL"),
		3);
	json_t *rev = sent(f, 1);
	assert_int_equal(json_array_size(json_object_get(rev, "rrsets")), 2);
	json_decref(rev);
	puq_dns_report_free(&rep);

	/* refresh without .11: its PTR is removed; unchanged RRsets are replaced as well */
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	struct puq_dns_service svc2 = svc;
	svc2.naddresses = 1;
	puq_dns_report_init(&rep);
	f->lines[0] = '\0';
	assert_int_equal(puq_dns_refresh(&f->ctx, &svc2, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	assert_non_null(strstr(f->lines, "rev-del OK [powerdns] 2.0.192.in-addr.arpa \xe2\x86\x90 "
	                                 "11.2.0.192.in-addr.arpa (PTR)"));
	rev = sent(f, 3);
	char *text = json_dumps(rev, JSON_SORT_KEYS);
	assert_non_null(strstr(text, "\"changetype\": \"DELETE\", \"name\": \"11.2.0.192.in-addr.arpa.\""));
	free(text);
	json_decref(rev);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "service_id = 101"),
		2); /* the tombstone is gone once confirmed */
	puq_dns_report_free(&rep);

	/* delete: every RRset of the service goes */
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	long long id = 101;
	puq_dns_report_init(&rep);
	f->lines[0] = '\0';
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	assert_int_equal(rep.ok, 2);
	assert_non_null(strstr(f->lines, "fwd-del OK [powerdns] example.com \xe2\x86\x90 vm1.example.com (A)"));
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records"), 0);
	puq_dns_report_free(&rep);
	assert_int_equal(puq_http_fixture_unused(f->http), 0);
	/* the secret went only into the header */
	for (size_t i = 0; i < puq_http_fixture_count(f->http); i++) {
		const struct puq_http_request *r = puq_http_fixture_request(f->http, i);
		assert_null(strstr(r->url, PDNS_KEY));
		assert_null(r->body ? strstr(r->body, PDNS_KEY) : NULL);
	}
	/* no failure: nothing in the module log */
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog"), 0);
}

/* A refused zone does not stop the others; the failure is logged and a resync converges. */
static void failure_isolated_then_resync(void **state)
{
	struct fx *f = *state;
	struct puq_dns_report rep;
	struct puq_error err;
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add_file(f->http, "PATCH", REV_URL, 401, "application/json",
		"dns/powerdns/patch_401.json");
	puq_dns_report_init(&rep);
	puq_error_clear(&err);
	f->lines[0] = '\0';
	assert_int_equal(puq_dns_create(&f->ctx, &svc, 1, &rep, &err), 0); /* not an error */
	assert_int_equal(rep.ok, 1);
	assert_int_equal(rep.failed, 2);
	assert_non_null(strstr(f->lines, "rev ERR [powerdns] 2.0.192.in-addr.arpa \xe2\x86\x90 "
	                                 "10.2.0.192.in-addr.arpa \xe2\x86\x92 mail.example.com: "
	                                 "PowerDNS refused the API key (HTTP 401)"));
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "type = 'PTR' AND last_error LIKE '%refused the API key%'"),
		2);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "type = 'A' AND synced_at IS NOT NULL"),
		1);
	/* module log: one row per failed RRset plus the summary, module puq_proxmox_kvm */
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE module = "
	                                "'puq_proxmox_kvm' AND action = 'DNS create: rev ERR'"),
		2);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE action = "
	                                "'DNS create: summary' AND response LIKE '1 OK, 2 ERR%'"),
		1);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE CONCAT(request, "
	                                "response, arrdata) LIKE '%" PDNS_KEY "%'"),
		0);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM tblmodulelog WHERE request LIKE "
	                                "'PATCH http://pdns.test:8081%'"),
		2);

	/* the provider is back: a resync converges */
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_resync(&f->ctx, &svc, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.ok, 3);
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "last_error IS NOT NULL"),
		0);

	/* a removal that fails stays as a tombstone and is retried by the next operation */
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add_reply(f->http, &(struct puq_http_fixture_reply){.method = "PATCH",
		.url = REV_URL, .error = PUQ_ETIMEOUT});
	long long id = 101;
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 2);
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "state = 'absent'"),
		2);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	assert_int_equal(rep.ok, 2);
	assert_int_equal(rep.requests, 1); /* only the reverse zone still had work */
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records"), 0);
	assert_int_equal(puq_http_fixture_unused(f->http), 0);
}

/*
 * A service terminated while its provider was down has no operation of its own left:
 * the next resync of any service takes its pending removals along.
 */
static void resync_finishes_other_services_removals(void **state)
{
	struct fx *f = *state;
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_create(&f->ctx, &svc, 1, &rep, &err), 0);
	puq_dns_report_free(&rep);
	/* the terminate's removal meets a provider that is down */
	puq_http_fixture_add_reply(f->http, &(struct puq_http_fixture_reply){.method = "PATCH",
		.url = FWD_URL, .error = PUQ_ETIMEOUT});
	puq_http_fixture_add_reply(f->http, &(struct puq_http_fixture_reply){.method = "PATCH",
		.url = REV_URL, .error = PUQ_ETIMEOUT});
	long long id = 101;
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 3);
	puq_dns_report_free(&rep);
	/* back up: another service's "Set DNS records" also removes 101's records */
	static const struct puq_dns_address other_addrs[] = {{"192.0.2.20", NULL}};
	static const struct puq_dns_service other = {102, "vm2.example.com", "192.0.2.20", NULL,
		other_addrs, 1};
	size_t before = puq_http_fixture_count(f->http);
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	f->lines[0] = '\0';
	assert_int_equal(puq_dns_resync(&f->ctx, &other, 1, &rep, &err), 0);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(rep.ok, 5); /* vm2's A and PTR, vm1's A and two PTRs removed */
	assert_int_equal(rep.requests, 2);
	puq_dns_report_free(&rep);
	assert_non_null(strstr(f->lines, "fwd-del OK [powerdns] example.com \xe2\x86\x90 vm1.example.com (A)"));
	json_t *fwd = sent(f, before);
	char *text = json_dumps(fwd, JSON_SORT_KEYS);
	assert_non_null(strstr(text, "\"changetype\": \"DELETE\", \"name\": \"vm1.example.com.\""));
	assert_non_null(strstr(text, "\"name\": \"vm2.example.com.\""));
	free(text);
	json_decref(fwd);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "service_id = 101"),
		0);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "service_id = 102 AND state = 'present' AND synced_at IS NOT NULL"),
		2);
	assert_int_equal(puq_http_fixture_unused(f->http), 0);
	/* the next test starts from no rows */
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	id = 102;
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records"), 0);
}

/* A removal never takes away what another service still wants at that name. */
static void shared_name_is_kept(void **state)
{
	struct fx *f = *state;
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	const struct puq_dns_address a1[] = {{"192.0.2.20", "shared.example.com"}};
	const struct puq_dns_address a2[] = {{"192.0.2.21", NULL}};
	const struct puq_dns_service two[] = {
		{201, "shared.example.com", "192.0.2.20", NULL, a1, 1},
		{202, "shared.example.com", "192.0.2.21", NULL, a2, 1},
	};
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_create(&f->ctx, two, 2, &rep, &err), 0);
	puq_dns_report_free(&rep);
	json_t *fwd = sent(f, puq_http_fixture_count(f->http) - 2);
	json_t *rr = json_array_get(json_object_get(fwd, "rrsets"), 0);
	assert_int_equal(json_array_size(json_object_get(rr, "records")), 2); /* merged */
	json_decref(fwd);

	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	long long id = 201;
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	puq_dns_report_free(&rep);
	fwd = sent(f, puq_http_fixture_count(f->http) - 2);
	rr = json_array_get(json_object_get(fwd, "rrsets"), 0);
	assert_string_equal(puq_json_str(rr, "changetype"), "REPLACE");
	json_t *rec = json_array_get(json_object_get(rr, "records"), 0);
	assert_string_equal(puq_json_str(rec, "content"), "192.0.2.21");
	json_decref(fwd);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "service_id = 202 AND state = 'present'"),
		2);
	id = 202;
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_delete(&f->ctx, &id, 1, &rep, &err), 0);
	puq_dns_report_free(&rep);
}

static void bad_input_changes_nothing(void **state)
{
	struct fx *f = *state;
	const struct puq_dns_address bad[] = {{"192.0.2.300", NULL}, {"192.0.2.5", "not a host"}};
	const struct puq_dns_service s = {301, "vm3.example.com", "2001:db8::1", NULL, bad, 2};
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	size_t before = puq_http_fixture_count(f->http);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_create(&f->ctx, &s, 1, &rep, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "main_ipv4"));
	assert_non_null(puq_error_field_message(&err, "addresses.192.0.2.300"));
	puq_dns_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_records WHERE "
	                                "service_id = 301"),
		0);
	assert_int_equal(puq_http_fixture_count(f->http), before);
}

static void zone_crud(void **state)
{
	struct fx *f = *state;
	struct puq_dns_zone z, got;
	struct puq_error err;
	puq_dns_zone_init(&z);
	z.provider = PUQ_DNS_POWERDNS;
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE, "example.com");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_SERVER_URL, "http://pdns.test:8081");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_API_KEY, "x");
	puq_error_clear(&err);
	/* the same zone on the same server twice is refused */
	assert_int_equal(puq_dns_zone_create(f->t.db, &z, NULL, &err), -PUQ_EVALIDATION);
	assert_non_null(strstr(puq_error_field_message(&err, "zone"), "already configured"));
	/* another provider with the same name is fine (primary + secondary) */
	puq_dns_zone_free(&z);
	puq_dns_zone_init(&z);
	z.provider = PUQ_DNS_HESTIACP;
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ZONE, "example.com");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_SERVER_URL, "https://hestia.test:8083");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ADMIN_USER, "admin");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ADMIN_PASSWORD, "hestia-pass");
	puq_dns_zone_set(&z, PUQ_DNS_ZF_USER, "client1");
	long long id = 0;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_create(f->t.db, &z, &id, &err), 0);
	assert_int_equal(puq_dns_zone_get(f->t.db, id, &got, &err), 0);
	assert_string_equal(got.f[PUQ_DNS_ZF_SERVER_URL], "https://hestia.test:8083/");
	assert_string_equal(got.f[PUQ_DNS_ZF_ADMIN_PASSWORD], "hestia-pass");
	puq_dns_zone_free(&got);

	/* edit with the mask: the password stays; a bad field changes nothing */
	puq_dns_zone_set(&z, PUQ_DNS_ZF_ADMIN_PASSWORD, PUQ_DNS_KEEP);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_USER, "client2");
	assert_int_equal(puq_dns_zone_update(f->t.db, id, &z, &err), 0);
	puq_dns_zone_set(&z, PUQ_DNS_ZF_USER, "bad user!");
	assert_int_equal(puq_dns_zone_update(f->t.db, id, &z, &err), -PUQ_EVALIDATION);
	assert_int_equal(puq_dns_zone_get(f->t.db, id, &got, &err), 0);
	assert_string_equal(got.f[PUQ_DNS_ZF_ADMIN_PASSWORD], "hestia-pass");
	assert_string_equal(got.f[PUQ_DNS_ZF_USER], "client2");
	puq_dns_zone_free(&got);

	assert_int_equal(puq_dns_zone_delete(f->t.db, id, &err), 0);
	assert_int_equal(puq_dns_zone_delete(f->t.db, id, &err), -PUQ_ENOTFOUND);
	assert_int_equal(puq_dns_zone_get(f->t.db, id, &got, &err), -PUQ_ENOTFOUND);
	puq_dns_zone_free(&z);
}

static void legacy_map_and_allowlist(void **state)
{
	struct fx *f = *state;
	struct puq_dns_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	puq_http_fixture_add(f->http, "PATCH", FWD_URL, 204, NULL, NULL);
	puq_http_fixture_add(f->http, "PATCH", REV_URL, 204, NULL, NULL);
	puq_dns_report_init(&rep);
	assert_int_equal(puq_dns_create(&f->ctx, &svc, 1, &rep, &err), 0);
	puq_dns_report_free(&rep);
	json_t *map = NULL;
	assert_int_equal(puq_dns_legacy_map(f->t.db, &map, &err), 0);
	char *text = json_dumps(map, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(text,
		"[{\"forward\":\"vm1.example.com\",\"ip\":\"192.0.2.10\",\"reverse\":\"mail.example.com\"},"
		"{\"forward\":\"vm1.example.com\",\"ip\":\"192.0.2.11\",\"reverse\":\"vm1.example.com\"}]");
	free(text);
	json_decref(map);

	assert_false(puq_dns_allowlist_allows("", "127.0.0.1"));
	assert_false(puq_dns_allowlist_allows(NULL, "127.0.0.1"));
	assert_true(puq_dns_allowlist_allows("10.0.0.0/8\n127.0.0.1", "127.0.0.1"));
	assert_true(puq_dns_allowlist_allows("192.0.2.0/24, 2001:db8::/32", "2001:db8::5"));
	assert_true(puq_dns_allowlist_allows("127.0.0.1", "::ffff:127.0.0.1"));
	assert_false(puq_dns_allowlist_allows("192.0.2.0/24", "192.0.3.1"));
	assert_false(puq_dns_allowlist_allows("192.0.2.0/24", "not-an-ip"));
	assert_false(puq_dns_allowlist_allows("10.0.0.0/33\nexample.com", "10.0.0.1"));
}

/* The legacy table of PUQ Customization: dry run, import, second run, rejected rows. */
static void legacy_import(void **state)
{
	struct fx *f = *state;
	struct puq_dns_import_report rep;
	struct puq_error err;

	/* the module has zones already (setup): nothing is imported */
	puq_testdb_exec(f->t.db, "CREATE TABLE puq_customization_module_puq_proxmox_kvm_dns_zones ("
	                         "id INT PRIMARY KEY, name VARCHAR(255), type VARCHAR(32), "
	                         "server VARCHAR(255), `key` VARCHAR(255), config TEXT)");
	puq_testdb_exec(f->t.db,
		"INSERT INTO puq_customization_module_puq_proxmox_kvm_dns_zones VALUES "
		"(1, 'legacy.example.', 'PowerDNS', 'http://pdns.legacy:8081', 'legacy-pdns-key', NULL),"
		"(2, 'legacy.example', 'cloudflare', NULL, 'legacy-cf-token', "
		"'{\"zone_id\":\"023E105F4ECEF8AD9CA31A8372D0C353\",\"account_id\":\"\"}'),"
		"(3, '2.0.192.in-addr.arpa', 'hestia', NULL, NULL, '{\"url\":\"https://h.legacy:8083\","
		"\"admin\":\"admin\",\"password\":\"legacy-hestia-pass\",\"user\":\"client1\"}'),"
		"(4, 'bad..zone', 'bind', NULL, 'secret-of-bad-row', NULL)");
	puq_dns_import_report_init(&rep);
	puq_error_clear(&err);
	assert_int_equal(puq_dns_import_legacy(f->t.db, false, &rep, &err), 0);
	assert_true(rep.skipped);
	assert_int_equal(rep.zones, 0);
	puq_dns_import_report_free(&rep);

	puq_testdb_exec(f->t.db, "DELETE FROM puq_proxmox_kvm_dns_zones");
	puq_dns_import_report_init(&rep);
	assert_int_equal(puq_dns_import_legacy(f->t.db, true, &rep, &err), 0);
	assert_true(rep.dry_run);
	assert_int_equal(rep.zones, 3);
	assert_int_equal(rep.rejected, 1);
	const char *log = puq_buf_cstr(&rep.log);
	assert_non_null(strstr(log, "row 4 (bad..zone): not imported:"));
	assert_non_null(strstr(log, "type: Type must be"));
	assert_null(strstr(log, "secret-of-bad-row"));
	assert_null(strstr(log, "legacy-hestia-pass"));
	puq_dns_import_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones"), 0);

	puq_dns_import_report_init(&rep);
	assert_int_equal(puq_dns_import_legacy(f->t.db, false, &rep, &err), 0);
	assert_int_equal(rep.zones, 3);
	assert_string_equal(rep.source, "puq_customization_module_puq_proxmox_kvm_dns_zones");
	puq_dns_import_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones WHERE "
	                                "zone = 'legacy.example' AND type = 'powerdns' AND "
	                                "api_key = 'legacy-pdns-key' AND server_url = "
	                                "'http://pdns.legacy:8081'"),
		1);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones WHERE "
	                                "type = 'cloudflare' AND api_token = 'legacy-cf-token' AND "
	                                "zone_id = '023e105f4ecef8ad9ca31a8372d0c353'"),
		1);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones WHERE "
	                                "type = 'hestiacp' AND server_url = 'https://h.legacy:8083/' "
	                                "AND admin_password = 'legacy-hestia-pass' AND user = 'client1'"),
		1);

	/* idempotent */
	puq_dns_import_report_init(&rep);
	assert_int_equal(puq_dns_import_legacy(f->t.db, false, &rep, &err), 0);
	assert_true(rep.skipped);
	puq_dns_import_report_free(&rep);
	assert_int_equal(count(f->t.db, "SELECT COUNT(*) FROM puq_proxmox_kvm_dns_zones"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_refresh_delete),
		cmocka_unit_test(failure_isolated_then_resync),
		cmocka_unit_test(resync_finishes_other_services_removals),
		cmocka_unit_test(shared_name_is_kept),
		cmocka_unit_test(bad_input_changes_nothing),
		cmocka_unit_test(zone_crud),
		cmocka_unit_test(legacy_map_and_allowlist),
		cmocka_unit_test(legacy_import), /* last: it replaces the zones */
	};
	return cmocka_run_group_tests_name("dns_ops", tests, setup, teardown);
}
