/* The Proxmox VE connection: WHMCS server entries, Access Hash, failover (src/pve/conn.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/pve_conn.h"

static struct puq_error err;

static int setup(void **state)
{
	puq_error_clear(&err);
	return 0;
}

static const char *fp_colon =
	"3B:1F:8E:4A:00:9C:2D:5E:6F:70:81:92:A3:B4:C5:D6:E7:F8:09:1A:2B:3C:4D:5E:6F:70:81:92:A3:B4:C5:D6";

static void server_entry_with_accesshash(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_server s = {.hostname = "pve1.example.net", .ip = "192.0.2.2", .port = "",
		.username = "whmcs@pve!provisioning", .password = "6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e",
		.accesshash = "# cluster pve-waw\r\nfingerprint = 3b1f8e4a009c2d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6\n"
					  "hosts=192.0.2.3, [2001:db8::4]:8443;verify_hostname=0\n",
		.secure = true};
	assert_int_equal(puq_pve_conn_from_server(&c, &s, &err), 0);
	assert_int_equal(c.nhosts, 4);
	assert_string_equal(c.hosts[0].name, "pve1.example.net");
	assert_int_equal(c.hosts[0].port, 8006);
	assert_string_equal(c.hosts[1].name, "192.0.2.2");
	assert_string_equal(c.hosts[3].name, "2001:db8::4");
	assert_int_equal(c.hosts[3].port, 8443);
	assert_string_equal(c.pin_sha256, fp_colon);
	assert_int_equal(c.verify_hostname, 0);
	assert_true(c.tls.skip_hostname);
	assert_string_equal(c.tls.pin_sha256, fp_colon);
	assert_int_equal(c.auth, PUQ_PVE_AUTH_TOKEN);
	assert_int_equal(c.timeout_ms, 10000);
	assert_int_equal(c.heavy_timeout_ms, 60000);

	struct puq_buf url = PUQ_BUF_INIT;
	puq_pve_conn_base_url(&c, &url);
	assert_string_equal(puq_buf_cstr(&url), "https://pve1.example.net:8006/api2/json");
	/* an answer from Proxmox is final; a dead address moves on, once around */
	assert_false(puq_pve_conn_failover(&c, 500, 1));
	assert_true(puq_pve_conn_failover(&c, 0, 1));
	assert_true(puq_pve_conn_failover(&c, 595, 2));
	assert_true(puq_pve_conn_failover(&c, 0, 3));
	puq_buf_reset(&url);
	puq_pve_conn_base_url(&c, &url);
	assert_string_equal(puq_buf_cstr(&url), "https://[2001:db8::4]:8443/api2/json");
	assert_false(puq_pve_conn_failover(&c, 0, 4));
	puq_buf_free(&url);

	/* the secret never survives in an error text */
	puq_error_set(&err, PUQ_EPVE, "echo: PVEAPIToken=whmcs@pve!provisioning=%s", s.password);
	puq_pve_conn_scrub(&c, &err);
	assert_null(strstr(err.text, "6f0c4d1e"));
	assert_non_null(strstr(err.text, "provisioning=***"));
	puq_pve_conn_free(&c);
}

static void every_bad_field_reported(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_server s = {.hostname = "bad host", .ip = "", .port = "70000",
		.username = "root@pam", .password = "", .accesshash = "fingerprint=AB:CD\nfoo=1",
		.secure = false};
	assert_int_equal(puq_pve_conn_from_server(&c, &s, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "hostname"));
	assert_non_null(puq_error_field_message(&err, "port"));
	assert_non_null(strstr(puq_error_field_message(&err, "username"), "user@realm!tokenid"));
	assert_non_null(puq_error_field_message(&err, "password"));
	assert_non_null(strstr(puq_error_field_message(&err, "accesshash"), "SHA-256"));
	assert_non_null(puq_error_field_message(&err, "secure"));
	assert_int_equal(c.nhosts, 0);
	assert_null(c.secret);

	/* ticket auth: plain user@realm */
	puq_error_clear(&err);
	struct puq_pve_server t = {.hostname = "10.0.0.5:8007", .username = "root@pam",
		.password = "pw", .accesshash = "auth=ticket", .secure = true};
	assert_int_equal(puq_pve_conn_from_server(&c, &t, &err), 0);
	assert_int_equal(c.auth, PUQ_PVE_AUTH_TICKET);
	assert_int_equal(c.hosts[0].port, 8007);
	assert_false(puq_pve_conn_failover(&c, 0, 1)); /* a single address has no failover */
	puq_pve_conn_free(&c);

	const char *bad_users[] = {"root@pam", "@pve!x", "u@p!x", "u@pve!", "u s@pve!tok",
		"u@pve!1tok"};
	for (size_t i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++) {
		struct puq_pve_server u = {.hostname = "h", .username = bad_users[i], .password = "x",
			.secure = true};
		puq_error_clear(&err);
		assert_int_equal(puq_pve_conn_from_server(&c, &u, &err), -PUQ_EVALIDATION);
		assert_non_null(puq_error_field_message(&err, "username"));
	}
}

static void fingerprints(void **state)
{
	char out[96];
	assert_int_equal(puq_pve_fingerprint_normalize(fp_colon, out, &err), 0);
	assert_string_equal(out, fp_colon);
	assert_int_equal(puq_pve_fingerprint_normalize(
						 "3b1f8e4a009c2d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6", out,
						 &err),
		0);
	assert_string_equal(out, fp_colon);
	/* SHA-1 length, junk, one digit too many */
	assert_int_equal(puq_pve_fingerprint_normalize("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
												   "67:89:AB:CD:EF:01",
						 out, &err),
		-PUQ_EINVAL);
	assert_int_equal(puq_pve_fingerprint_normalize("zz", out, &err), -PUQ_EINVAL);
	assert_int_equal(puq_pve_fingerprint_normalize(
						 "3b1f8e4a009c2d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6a", out,
						 &err),
		-PUQ_EINVAL);
}

static void hosts(void **state)
{
	struct puq_pve_conn c;
	puq_pve_conn_init(&c);
	assert_int_equal(puq_pve_conn_add_host(&c, "https://pve.example.net:8006/", 0, &err), 0);
	assert_string_equal(c.hosts[0].name, "pve.example.net");
	assert_int_equal(puq_pve_conn_add_host(&c, "pve.example.net", 8006, &err), 0);
	assert_int_equal(c.nhosts, 1); /* duplicates collapse */
	assert_int_equal(puq_pve_conn_add_host(&c, "2001:db8::1", 0, &err), 0);
	assert_string_equal(c.hosts[1].name, "2001:db8::1");
	assert_int_equal(c.hosts[1].port, 8006);
	assert_int_equal(puq_pve_conn_add_host(&c, "[2001:db8::1", 0, &err), -PUQ_EINVAL);
	assert_int_equal(puq_pve_conn_add_host(&c, "host:0", 0, &err), -PUQ_EINVAL);
	assert_int_equal(puq_pve_conn_add_host(&c, "ho$t", 0, &err), -PUQ_EINVAL);
	puq_pve_conn_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(server_entry_with_accesshash, setup),
		cmocka_unit_test_setup(every_bad_field_reported, setup),
		cmocka_unit_test_setup(fingerprints, setup),
		cmocka_unit_test_setup(hosts, setup),
	};
	return cmocka_run_group_tests_name("pve_conn", tests, NULL, NULL);
}
