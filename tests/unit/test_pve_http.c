/*
 * The Proxmox client on the http engine (src/pve/http.c) against the fixture engine:
 * the exact requests it sends (URL, credentials as secret headers, body, timeouts, TLS),
 * recorded answers for each endpoint family, failover between addresses, ticket login.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "puqkvm/pve.h"
#include "puqkvm/pve_conn.h"

static struct puq_error err;
static struct puq_http_fixture *fx;
static struct puq_pve_conn conn;

static const char *SECRET = "6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e";

static int setup(void **state)
{
	puq_error_clear(&err);
	fx = puq_http_fixture_new();
	struct puq_pve_server s = {.hostname = "pve1.example.net", .ip = "192.0.2.2",
		.username = "whmcs@pve!prov", .password = SECRET,
		.accesshash = "fingerprint=3b1f8e4a009c2d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6",
		.secure = true};
	return fx && puq_pve_conn_from_server(&conn, &s, &err) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	puq_pve_conn_free(&conn);
	puq_http_fixture_free(fx);
	return 0;
}

static const char *header(const struct puq_http_request *r, const char *name, bool *secret)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0) {
			if (secret)
				*secret = r->headers[i].secret;
			return r->headers[i].value;
		}
	return NULL;
}

static int call(struct puq_pve_req *r, json_t **data)
{
	json_t *tmp = NULL;
	puq_error_clear(&err);
	int rc = puq_pve_call(puq_http_fixture_engine(fx), &conn, r, data ? data : &tmp, &err);
	puq_pve_req_free(r);
	json_decref(tmp);
	return rc;
}

static void token_request_shape(void **state)
{
	struct puq_pve_req r;
	json_t *data;
	puq_http_fixture_add_file(fx, "POST",
		"https://pve1.example.net:8006/api2/json/nodes/pve1/qemu/9000/clone", 200,
		"application/json;charset=UTF-8", "pve/clone_upid.json");
	struct puq_pve_clone c = {.newid = 101, .name = "web01"};
	puq_pve_req_clone(&r, "pve1", 9000, &c, &err);
	assert_int_equal(call(&r, &data), 0);
	char upid[PUQ_PVE_UPID_MAX];
	assert_int_equal(puq_pve_parse_upid_answer(data, upid, &err), 0);
	json_decref(data);

	const struct puq_http_request *h = puq_http_fixture_request(fx, 0);
	assert_string_equal(h->method, "POST");
	bool secret = false;
	const char *auth = header(h, "Authorization", &secret);
	assert_non_null(auth);
	assert_true(secret);
	assert_int_equal(strncmp(auth, "PVEAPIToken=whmcs@pve!prov=", 27), 0);
	assert_string_equal(h->body, "newid=101&name=web01&full=0");
	assert_string_equal(header(h, "Content-Type", NULL), "application/x-www-form-urlencoded");
	assert_int_equal(h->timeout_ms, 60000); /* task-starting: the heavy timeout */
	assert_non_null(h->tls);
	assert_non_null(strstr(h->tls->pin_sha256, "3B:1F:8E"));
	assert_true(h->tls->skip_hostname);
	char *desc = puq_http_request_describe(h);
	assert_null(strstr(desc, SECRET));
	PUQ_FREE(desc);
}

static void get_and_delete_carry_no_body(void **state)
{
	struct puq_pve_req r;
	puq_http_fixture_add_file(fx, "GET", "/api2/json/nodes/pve1/storage/pbs/content?content=backup&vmid=100",
		200, "application/json", "pve/backups.json");
	puq_http_fixture_add(fx, "DELETE", "/api2/json/nodes/pve1/qemu/100?purge=1&destroy-unreferenced-disks=1",
		200, "application/json",
		"{\"data\":\"UPID:pve1:0012A3F9:0A1B2C42:6650E1A8:qmdestroy:100:whmcs@pve!prov:\"}");
	json_t *data;
	puq_pve_req_storage_content(&r, "pve1", "pbs", "backup", 100);
	assert_int_equal(call(&r, &data), 0);
	struct puq_pve_volume_list v;
	assert_int_equal(puq_pve_parse_volumes(data, &v, &err), 0);
	assert_int_equal(v.n, 2);
	puq_pve_volume_list_free(&v);
	json_decref(data);
	puq_pve_req_destroy(&r, "pve1", 100, true, true);
	assert_int_equal(call(&r, NULL), 0);
	const struct puq_http_request *g = puq_http_fixture_request(fx, 0);
	const struct puq_http_request *d = puq_http_fixture_request(fx, 1);
	assert_true(g->body == NULL || g->body_len == 0);
	assert_true(d->body == NULL || d->body_len == 0);
	assert_int_equal(g->timeout_ms, 10000);
	assert_int_equal(puq_http_fixture_unused(fx), 0);
}

/* The first address gives no answer: the second one is asked; an HTTP error is final. */
static void failover_only_without_answer(void **state)
{
	struct puq_pve_req r;
	struct puq_http_fixture_reply dead = {.method = "GET",
		.url = "https://pve1.example.net:8006/api2/json/nodes", .error = PUQ_ETIMEOUT};
	puq_http_fixture_add_reply(fx, &dead);
	puq_http_fixture_add_file(fx, "GET", "https://192.0.2.2:8006/api2/json/nodes", 200,
		"application/json", "pve/nodes.json");
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&r, NULL), 0);
	assert_int_equal(conn.current, 1);
	assert_int_equal(puq_http_fixture_count(fx), 2);

	/* a 500 from Proxmox is not a reason to ask another node */
	puq_http_fixture_add(fx, "GET", "https://192.0.2.2:8006/api2/json/nodes/pve1/qemu/999/config",
		500, "application/json", "{\"data\":null}");
	puq_pve_req_config_get(&r, "pve1", 999, false);
	assert_int_equal(call(&r, NULL), -PUQ_EPVE);
	assert_int_equal(puq_http_fixture_count(fx), 3);
}

static void ticket_login_then_csrf_on_writes(void **state)
{
	struct puq_pve_conn t;
	struct puq_pve_req r;
	struct puq_pve_server s = {.hostname = "pve1.example.net", .username = "root@pam",
		.password = "pw&=;x", .accesshash = "auth=ticket", .secure = true};
	assert_int_equal(puq_pve_conn_from_server(&t, &s, &err), 0);
	puq_http_fixture_add_file(fx, "POST", "/api2/json/access/ticket", 200, "application/json",
		"pve/ticket.json");
	puq_http_fixture_add(fx, "PUT", "/api2/json/nodes/pve1/qemu/100/config", 200,
		"application/json", "{\"data\":null}");
	puq_pve_req_config_set(&r, "pve1", 100, false, NULL);
	puq_pve_config_put_int(&r, "cores", 2, &err);
	json_t *data = NULL;
	assert_int_equal(puq_pve_call(puq_http_fixture_engine(fx), &t, &r, &data, &err), 0);
	puq_pve_req_free(&r);
	json_decref(data);

	const struct puq_http_request *login = puq_http_fixture_request(fx, 0);
	assert_string_equal(login->body, "username=root%40pam&password=pw%26%3D%3Bx");
	assert_null(header(login, "Authorization", NULL));
	const struct puq_http_request *w = puq_http_fixture_request(fx, 1);
	bool secret = false;
	assert_int_equal(strncmp(header(w, "Cookie", &secret), "PVEAuthCookie=PVE:root@pam:", 27), 0);
	assert_true(secret);
	assert_non_null(header(w, "CSRFPreventionToken", NULL));
	puq_pve_conn_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(token_request_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(get_and_delete_carry_no_body, setup, teardown),
		cmocka_unit_test_setup_teardown(failover_only_without_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(ticket_login_then_csrf_on_writes, setup, teardown),
	};
	return cmocka_run_group_tests_name("pve_http", tests, NULL, NULL);
}
