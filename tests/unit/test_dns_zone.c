/*
 * DNS zones as values (src/dns/zone.c): the provider fields, field-level validation,
 * normalisation and the write-only secrets (__KEEP__).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/dns.h"

static void set(struct puq_dns_zone *z, enum puq_dns_zone_field f, const char *v)
{
	assert_int_equal(puq_dns_zone_set(z, f, v), 0);
}

static struct puq_dns_zone cloudflare_input(void)
{
	struct puq_dns_zone z;
	puq_dns_zone_init(&z);
	z.provider = PUQ_DNS_CLOUDFLARE;
	set(&z, PUQ_DNS_ZF_ZONE, " Example.COM. ");
	set(&z, PUQ_DNS_ZF_ACCOUNT_ID, "0123456789ABCDEF0123456789abcdef");
	set(&z, PUQ_DNS_ZF_ZONE_ID, "023e105f4ecef8ad9ca31a8372d0c353");
	set(&z, PUQ_DNS_ZF_API_TOKEN, "cf-token-with-dns-edit-123456");
	return z;
}

static void cloudflare_is_normalised(void **state)
{
	(void)state;
	struct puq_dns_zone in = cloudflare_input(), out;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), 0);
	assert_int_equal(out.provider, PUQ_DNS_CLOUDFLARE);
	assert_string_equal(out.f[PUQ_DNS_ZF_ZONE], "example.com");
	assert_string_equal(out.f[PUQ_DNS_ZF_ACCOUNT_ID], "0123456789abcdef0123456789abcdef");
	assert_string_equal(out.f[PUQ_DNS_ZF_API_TOKEN], "cf-token-with-dns-edit-123456");
	assert_null(out.f[PUQ_DNS_ZF_SERVER_URL]);
	puq_dns_zone_free(&in);
	puq_dns_zone_free(&out);
}

static void hestia_url_gets_its_slash(void **state)
{
	(void)state;
	struct puq_dns_zone in, out;
	puq_dns_zone_init(&in);
	in.provider = PUQ_DNS_HESTIACP;
	set(&in, PUQ_DNS_ZF_ZONE, "2.0.192.in-addr.arpa");
	set(&in, PUQ_DNS_ZF_SERVER_URL, "HTTPS://Hestia.Example.com:8083");
	set(&in, PUQ_DNS_ZF_ADMIN_USER, "admin");
	set(&in, PUQ_DNS_ZF_ADMIN_PASSWORD, "s3cret pass"); /* blanks are refused */
	set(&in, PUQ_DNS_ZF_USER, "client1");
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "admin_password"));
	assert_null(puq_error_field_message(&err, "server_url"));
	puq_dns_zone_free(&out);

	set(&in, PUQ_DNS_ZF_ADMIN_PASSWORD, "s3cret-pass");
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), 0);
	assert_string_equal(out.f[PUQ_DNS_ZF_SERVER_URL], "https://hestia.example.com:8083/");
	puq_dns_zone_free(&out);

	/* already slashed (or several): exactly one */
	set(&in, PUQ_DNS_ZF_SERVER_URL, "https://hestia.example.com:8083//");
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), 0);
	assert_string_equal(out.f[PUQ_DNS_ZF_SERVER_URL], "https://hestia.example.com:8083/");
	puq_dns_zone_free(&out);
	puq_dns_zone_free(&in);
}

static void powerdns_zone_dot_and_url(void **state)
{
	(void)state;
	struct puq_dns_zone in, out;
	puq_dns_zone_init(&in);
	in.provider = PUQ_DNS_POWERDNS;
	set(&in, PUQ_DNS_ZF_ZONE, "8.b.d.0.1.0.0.2.ip6.arpa.");
	set(&in, PUQ_DNS_ZF_SERVER_URL, "https://pdns.example.com:8081/");
	set(&in, PUQ_DNS_ZF_API_KEY, "pdns-key");
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, NULL), 0);
	assert_string_equal(out.f[PUQ_DNS_ZF_ZONE], "8.b.d.0.1.0.0.2.ip6.arpa");
	assert_string_equal(out.f[PUQ_DNS_ZF_SERVER_URL], "https://pdns.example.com:8081");
	puq_dns_zone_free(&out);
	puq_dns_zone_free(&in);
}

/* Every bad field is reported at once, each under its own key. */
static void every_field_reported(void **state)
{
	(void)state;
	struct puq_dns_zone in, out;
	puq_dns_zone_init(&in);
	in.provider = PUQ_DNS_HESTIACP;
	set(&in, PUQ_DNS_ZF_ZONE, "bad..zone");
	set(&in, PUQ_DNS_ZF_SERVER_URL, "ftp://hestia.example.com");
	set(&in, PUQ_DNS_ZF_ADMIN_USER, "ad min");
	set(&in, PUQ_DNS_ZF_USER, "");
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), -PUQ_EVALIDATION);
	assert_int_equal(err.code, PUQ_EVALIDATION);
	const char *expect[] = {"zone", "server_url", "admin_user", "admin_password", "user"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(expect); i++)
		if (!puq_error_field_message(&err, expect[i]))
			fail_msg("no error for %s", expect[i]);
	assert_int_equal(err.nfields, PUQ_ARRAY_LEN(expect));
	assert_string_equal(puq_error_field_message(&err, "user"), "User is required");
	puq_dns_zone_free(&out);
	puq_dns_zone_free(&in);
}

static void urls_refused(void **state)
{
	(void)state;
	const char *bad[] = {"pdns.example.com:8081", "https://", "https://user:pw@pdns.example.com",
		"https://pdns.example.com/?api-key=x", "https://pdns example.com", "javascript:alert(1)"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(bad); i++) {
		struct puq_dns_zone in, out;
		puq_dns_zone_init(&in);
		in.provider = PUQ_DNS_POWERDNS;
		set(&in, PUQ_DNS_ZF_ZONE, "example.com");
		set(&in, PUQ_DNS_ZF_SERVER_URL, bad[i]);
		set(&in, PUQ_DNS_ZF_API_KEY, "k");
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_dns_zone_validate(&in, NULL, &out, &err) != -PUQ_EVALIDATION ||
			!puq_error_field_message(&err, "server_url"))
			fail_msg("%s accepted", bad[i]);
		puq_dns_zone_free(&out);
		puq_dns_zone_free(&in);
	}
}

static void cloudflare_ids_checked(void **state)
{
	(void)state;
	struct puq_dns_zone in = cloudflare_input(), out;
	set(&in, PUQ_DNS_ZF_ZONE_ID, "example.com"); /* the zone name is not its id */
	set(&in, PUQ_DNS_ZF_ACCOUNT_ID, "");         /* optional */
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "zone_id"));
	assert_null(puq_error_field_message(&err, "account_id"));
	assert_int_equal(err.nfields, 1);
	puq_dns_zone_free(&out);
	puq_dns_zone_free(&in);
}

static void unknown_type(void **state)
{
	(void)state;
	struct puq_dns_zone in = cloudflare_input(), out;
	in.provider = (enum puq_dns_provider)42;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "type"));
	in.provider = PUQ_DNS_NONE; /* not given on create */
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &out, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "type"));
	assert_int_equal(puq_dns_provider_parse("HestiaCP"), PUQ_DNS_HESTIACP);
	assert_int_equal(puq_dns_provider_parse("powerdns"), PUQ_DNS_POWERDNS);
	assert_int_equal(puq_dns_provider_parse("bind"), PUQ_DNS_NONE);
	puq_dns_zone_free(&out);
	puq_dns_zone_free(&in);
}

/* __KEEP__ and "" keep the stored secret; a new value replaces it; masking hides it. */
static void secrets_are_write_only(void **state)
{
	(void)state;
	struct puq_dns_zone in = cloudflare_input(), stored, out;
	assert_int_equal(puq_dns_zone_validate(&in, NULL, &stored, NULL), 0);
	stored.id = 7;

	const char *keep[] = {PUQ_DNS_KEEP, "", "   ", NULL};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(keep); i++) {
		set(&in, PUQ_DNS_ZF_API_TOKEN, keep[i]);
		assert_int_equal(puq_dns_zone_validate(&in, &stored, &out, NULL), 0);
		assert_string_equal(out.f[PUQ_DNS_ZF_API_TOKEN], "cf-token-with-dns-edit-123456");
		assert_int_equal(out.id, 7);
		puq_dns_zone_free(&out);
	}
	set(&in, PUQ_DNS_ZF_API_TOKEN, "a-new-token");
	assert_int_equal(puq_dns_zone_validate(&in, &stored, &out, NULL), 0);
	assert_string_equal(out.f[PUQ_DNS_ZF_API_TOKEN], "a-new-token");

	assert_int_equal(puq_dns_zone_mask(&out), 0);
	assert_string_equal(out.f[PUQ_DNS_ZF_API_TOKEN], PUQ_DNS_KEEP);
	assert_string_equal(out.f[PUQ_DNS_ZF_ZONE_ID], "023e105f4ecef8ad9ca31a8372d0c353");
	puq_dns_zone_free(&out);

	/* switching the provider: the old provider's secret is not carried over */
	struct puq_dns_zone sw;
	puq_dns_zone_init(&sw);
	sw.provider = PUQ_DNS_POWERDNS;
	set(&sw, PUQ_DNS_ZF_SERVER_URL, "http://127.0.0.1:8081");
	set(&sw, PUQ_DNS_ZF_API_KEY, PUQ_DNS_KEEP);
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_dns_zone_validate(&sw, &stored, &out, &err), -PUQ_EVALIDATION);
	assert_string_equal(puq_error_field_message(&err, "api_key"), "API Key is required");
	assert_null(puq_error_field_message(&err, "zone")); /* kept from the stored zone */
	puq_dns_zone_free(&out);

	/* a secret is never part of an error text */
	set(&sw, PUQ_DNS_ZF_API_KEY, "bad key with blanks");
	puq_error_clear(&err);
	puq_dns_zone_validate(&sw, &stored, &out, &err);
	assert_null(strstr(puq_error_field_message(&err, "api_key"), "bad key"));
	puq_dns_zone_free(&out);
	puq_dns_zone_free(&sw);
	puq_dns_zone_free(&stored);
	puq_dns_zone_free(&in);
}

static void field_table(void **state)
{
	(void)state;
	assert_int_equal(puq_dns_zone_field_by_key("api_token"), PUQ_DNS_ZF_API_TOKEN);
	assert_int_equal(puq_dns_zone_field_by_key("nope"), -1);
	assert_true(puq_dns_zone_field_secret(PUQ_DNS_ZF_ADMIN_PASSWORD));
	assert_false(puq_dns_zone_field_secret(PUQ_DNS_ZF_ADMIN_USER));
	assert_true(puq_dns_zone_field_used(PUQ_DNS_HESTIACP, PUQ_DNS_ZF_USER));
	assert_false(puq_dns_zone_field_used(PUQ_DNS_POWERDNS, PUQ_DNS_ZF_USER));
	assert_string_equal(puq_dns_zone_field_label(PUQ_DNS_ZF_API_KEY), "API Key");
	assert_string_equal(puq_dns_provider_label(PUQ_DNS_HESTIACP), "HestiaCP");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cloudflare_is_normalised),
		cmocka_unit_test(hestia_url_gets_its_slash),
		cmocka_unit_test(powerdns_zone_dot_and_url),
		cmocka_unit_test(every_field_reported),
		cmocka_unit_test(urls_refused),
		cmocka_unit_test(cloudflare_ids_checked),
		cmocka_unit_test(unknown_type),
		cmocka_unit_test(secrets_are_write_only),
		cmocka_unit_test(field_table),
	};
	return cmocka_run_group_tests_name("dns_zone", tests, NULL, NULL);
}
