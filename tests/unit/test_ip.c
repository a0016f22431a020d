/* The address core (src/ip/): parsing, formatting, arithmetic, counts, reverse DNS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "puqkvm/ip.h"

static struct puq_ip must_parse(const char *text)
{
	struct puq_ip ip;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_ip_parse_cstr(text, PUQ_IP_ANY, &ip, &err) != 0)
		fail_msg("cannot parse %s: %s", text, err.text);
	return ip;
}

static puq_u128 u128(uint64_t hi, uint64_t lo)
{
	return ((puq_u128)hi << 64) | lo;
}

/* ---- good input: every text form, with its canonical and expanded output ---------- */

struct good_case {
	const char *in;
	const char *canonical;
	const char *expanded;
};

static const struct good_case good[] = {
	/* IPv4 */
	{"0.0.0.0", "0.0.0.0", "0.0.0.0"},
	{"192.168.130.2", "192.168.130.2", "192.168.130.2"},
	{"255.255.255.255", "255.255.255.255", "255.255.255.255"},
	{"10.0.0.0", "10.0.0.0", "10.0.0.0"},
	/* IPv6: compression anywhere, all zeros, loopback */
	{"::", "::", "0000:0000:0000:0000:0000:0000:0000:0000"},
	{"::1", "::1", "0000:0000:0000:0000:0000:0000:0000:0001"},
	{"1::", "1::", "0001:0000:0000:0000:0000:0000:0000:0000"},
	{"2001:db8::7", "2001:db8::7", "2001:0db8:0000:0000:0000:0000:0000:0007"},
	{"2001:0db8:0000:0000:0000:0000:0000:0007", "2001:db8::7",
		"2001:0db8:0000:0000:0000:0000:0000:0007"},
	{"2001:DB8::A:B", "2001:db8::a:b", "2001:0db8:0000:0000:0000:0000:000a:000b"},
	{"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
	/* "::" standing for one group (RFC 4291 allows it, RFC 5952 prints the 0) */
	{"1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8", "0001:0002:0003:0004:0005:0006:0000:0008"},
	{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", "0001:0002:0003:0004:0005:0006:0007:0000"},
	{"::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8", "0000:0002:0003:0004:0005:0006:0007:0008"},
	/* leading zeros in groups */
	{"2001:0db8:0:0::01", "2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"},
	{"0:0:0:0:0:0:0:1", "::1", "0000:0000:0000:0000:0000:0000:0000:0001"},
	{"00:000:0000::01", "::1", "0000:0000:0000:0000:0000:0000:0000:0001"},
	/* RFC 5952 section 4.2.3: the longest run is shortened, the first on a tie */
	{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001:0db8:0000:0000:0001:0000:0000:0001"},
	{"2001:0:0:1:0:0:0:1", "2001:0:0:1::1", "2001:0000:0000:0001:0000:0000:0000:0001"},
	/* RFC 5952 section 4.2.2: a single zero group is not shortened */
	{"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1", "2001:0db8:0000:0001:0001:0001:0001:0001"},
	/* RFC 5952 section 2 examples of one address in many forms */
	{"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", NULL},
	{"2001:0db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", NULL},
	{"2001:db8::1:0:0:1", "2001:db8::1:0:0:1", NULL},
	{"2001:db8::0:1:0:0:1", "2001:db8::1:0:0:1", NULL},
	{"2001:0db8::1:0:0:1", "2001:db8::1:0:0:1", NULL},
	{"2001:db8:0:0:1::1", "2001:db8::1:0:0:1", NULL},
	{"2001:db8:0000:0:1::1", "2001:db8::1:0:0:1", NULL},
	{"2001:DB8:0:0:1::1", "2001:db8::1:0:0:1", NULL},
	{"2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", NULL},
	{"2001:db8:aaaa:bbbb:cccc:dddd::1", "2001:db8:aaaa:bbbb:cccc:dddd:0:1", NULL},
	/* embedded IPv4 */
	{"::ffff:192.0.2.1", "::ffff:192.0.2.1", "0000:0000:0000:0000:0000:ffff:c000:0201"},
	{"::FFFF:c000:0201", "::ffff:192.0.2.1", NULL},
	{"::192.0.2.1", "::c000:201", "0000:0000:0000:0000:0000:0000:c000:0201"},
	{"64:ff9b::192.0.2.33", "64:ff9b::c000:221", NULL},
	{"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", NULL},
	{"0:0:0:0:0:0:13.1.68.3", "::d01:4403", NULL},
};

static void parses_and_formats_every_form(void **state)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(good); i++) {
		struct puq_ip ip = must_parse(good[i].in);
		char out[PUQ_IP_TEXT_MAX];
		size_t n = puq_ip_format(&ip, PUQ_IP_CANONICAL, out);
		if (strcmp(out, good[i].canonical) != 0)
			fail_msg("%s: canonical %s, want %s", good[i].in, out, good[i].canonical);
		assert_int_equal(n, strlen(out));
		if (good[i].expanded) {
			puq_ip_format(&ip, PUQ_IP_EXPANDED, out);
			if (strcmp(out, good[i].expanded) != 0)
				fail_msg("%s: expanded %s, want %s", good[i].in, out, good[i].expanded);
		}
		/* the canonical text parses back to the same value */
		struct puq_ip again = must_parse(good[i].canonical);
		assert_int_equal(puq_ip_cmp(&ip, &again), 0);
	}
}

static void families_and_values(void **state)
{
	struct puq_ip ip = must_parse("192.168.130.2");
	assert_int_equal(ip.family, PUQ_IP_V4);
	assert_true(ip.value == 0xc0a88202u);
	ip = must_parse("2001:db8::7");
	assert_int_equal(ip.family, PUQ_IP_V6);
	assert_true(ip.value == u128(0x20010db800000000ull, 7));
	ip = must_parse("::ffff:1.2.3.4");
	assert_int_equal(ip.family, PUQ_IP_V6);
	assert_true(ip.value == u128(0, 0xffff01020304ull));
}

/* ---- bad input: refused, with a reason ------------------------------------------- */

struct bad_case {
	const char *in;
	enum puq_ip_family want;
	const char *reason; /* a substring of err.text */
};

static const struct bad_case bad[] = {
	{"", PUQ_IP_ANY, "empty"},
	{" 10.0.0.1", PUQ_IP_ANY, "whitespace at position 1"},
	{"10.0.0.1 ", PUQ_IP_ANY, "whitespace"},
	{"fe80::1%eth0", PUQ_IP_ANY, "zone index"},
	{"10.0.0.0/24", PUQ_IP_ANY, "prefix length"},
	{"2001:db8::/64", PUQ_IP_ANY, "prefix length"},
	{"[2001:db8::1]", PUQ_IP_ANY, "brackets"},
	{"10.0.0.x", PUQ_IP_ANY, "invalid character at position 8"},
	{"example.com", PUQ_IP_ANY, "invalid character"},
	{"1234:5678:9abc:def0:1234:5678:9abc:def0:1", PUQ_IP_ANY, "more than 8 groups"},
	{"0000:0000:0000:0000:0000:0000:255.255.255.255x", PUQ_IP_ANY, "too long"},
	/* IPv4 */
	{"256.0.0.1", PUQ_IP_ANY, "part 1 is greater than 255"},
	{"1.2.3.256", PUQ_IP_ANY, "part 4 is greater than 255"},
	{"1.2.3", PUQ_IP_ANY, "4 parts"},
	{"10.1", PUQ_IP_ANY, "4 parts"},
	{"10", PUQ_IP_ANY, "4 parts"},
	{"1.2.3.4.5", PUQ_IP_ANY, "more than 4 parts"},
	{"1..3.4", PUQ_IP_ANY, "part 2 is empty"},
	{".1.2.3", PUQ_IP_ANY, "part 1 is empty"},
	{"1.2.3.4.", PUQ_IP_ANY, "ends with a dot"},
	{"010.0.0.1", PUQ_IP_ANY, "leading zero"},
	{"1.2.3.00", PUQ_IP_ANY, "part 4 has a leading zero"},
	{"0x7f.0.0.1", PUQ_IP_ANY, "invalid character at position 2"},
	{"1.2.3.a", PUQ_IP_ANY, "part 4"},
	{"2001:db8::1", PUQ_IP_V4, "IPv6 address where an IPv4"},
	/* IPv6 */
	{"192.0.2.1", PUQ_IP_V6, "IPv4 address where an IPv6"},
	{"abcd", PUQ_IP_V6, "no colon"},
	{"2001:db8::1::2", PUQ_IP_ANY, "only once"},
	{":::", PUQ_IP_ANY, "group 1 is empty"},
	{":1::2", PUQ_IP_ANY, "single colon"},
	{"1::2:", PUQ_IP_ANY, "ends with a single colon"},
	{"1:2:3:4:5:6:7", PUQ_IP_ANY, "needs 8 groups"},
	{"1:2:3:4:5:6:7:8:9", PUQ_IP_ANY, "more than 8 groups"},
	{"1:2:3:4:5:6:7:8::", PUQ_IP_ANY, "at least one zero group"},
	{"::1:2:3:4:5:6:7:8", PUQ_IP_ANY, "at least one zero group"},
	{"1:2:3:4::5:6:7:8", PUQ_IP_ANY, "at least one zero group"},
	{"2001:db8:12345::1", PUQ_IP_ANY, "group 3 has more than 4 hex digits"},
	{"2001:db8:00000::1", PUQ_IP_ANY, "more than 4 hex digits"},
	{"1::2::3", PUQ_IP_ANY, "only once"},
	{"1:2", PUQ_IP_ANY, "needs 8 groups"},
	{"::ffff:1.2.3", PUQ_IP_ANY, "4 parts"},
	{"::ffff:1.2.3.256", PUQ_IP_ANY, "embedded IPv4 part 4 is greater than 255"},
	{"::ffff:1.2.3.04", PUQ_IP_ANY, "leading zero"},
	{"1.2.3.4::", PUQ_IP_ANY, "must come last"},
	{"::1.2.3.4:5", PUQ_IP_ANY, "must come last"},
	{"1:2:3:4:5:6:7:1.2.3.4", PUQ_IP_ANY, "too many groups"},
	{"1:2:3:4:5:6:7:8:1.2.3.4", PUQ_IP_ANY, "too many groups"},
	{"2001:db8::g", PUQ_IP_ANY, "invalid character"},
};

static void refuses_bad_input_with_a_reason(void **state)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(bad); i++) {
		struct puq_ip ip = {PUQ_IP_V4, 12345};
		struct puq_error err;
		puq_error_clear(&err);
		int rc = puq_ip_parse_cstr(bad[i].in, bad[i].want, &ip, &err);
		if (rc != -PUQ_EPARSE)
			fail_msg("\"%s\" was accepted (rc %d)", bad[i].in, rc);
		if (!strstr(err.text, bad[i].reason))
			fail_msg("\"%s\": reason \"%s\" does not say \"%s\"", bad[i].in, err.text,
				bad[i].reason);
		/* *out is untouched on failure */
		assert_true(ip.family == PUQ_IP_V4 && ip.value == 12345);
	}
}

static void parse_is_length_bounded(void **state)
{
	struct puq_ip ip;
	struct puq_error err;
	/* "10.0.0.1" followed by garbage the length excludes */
	assert_int_equal(puq_ip_parse("10.0.0.1zzz", 8, PUQ_IP_ANY, &ip, &err), 0);
	assert_true(ip.value == 0x0a000001u);
	assert_int_equal(puq_ip_parse("2001:db8::1", 0, PUQ_IP_ANY, &ip, &err), -PUQ_EPARSE);
	assert_int_equal(puq_ip_parse_cstr(NULL, PUQ_IP_ANY, &ip, &err), -PUQ_EPARSE);
}

/* ---- binary form ------------------------------------------------------------------- */

static void bytes_round_trip_in_numeric_order(void **state)
{
	unsigned char a[16], b[16];
	struct puq_ip x = must_parse("10.0.0.255"), y = must_parse("10.0.1.0"), back;
	puq_ip_to_bytes(&x, a);
	puq_ip_to_bytes(&y, b);
	assert_true(memcmp(a, b, 16) < 0);
	for (int i = 0; i < 12; i++)
		assert_int_equal(a[i], 0);
	assert_int_equal(a[12], 10);
	assert_int_equal(a[15], 255);
	assert_int_equal(puq_ip_from_bytes(PUQ_IP_V4, a, &back), 0);
	assert_int_equal(puq_ip_cmp(&back, &x), 0);

	struct puq_ip v6 = must_parse("2001:db8::1:ff");
	puq_ip_to_bytes(&v6, a);
	assert_int_equal(a[0], 0x20);
	assert_int_equal(a[1], 0x01);
	assert_int_equal(a[13], 0x01);
	assert_int_equal(a[15], 0xff);
	assert_int_equal(puq_ip_from_bytes(PUQ_IP_V6, a, &back), 0);
	assert_int_equal(puq_ip_cmp(&back, &v6), 0);
	/* an IPv6 value cannot be read back as IPv4 */
	assert_int_equal(puq_ip_from_bytes(PUQ_IP_V4, a, &back), -PUQ_EINVAL);
}

/* ---- prefixes, containment, arithmetic ---------------------------------------------- */

static void prefix_boundaries_v4(void **state)
{
	struct puq_ip ip = must_parse("192.168.130.77");
	char out[PUQ_IP_TEXT_MAX];
	struct {
		unsigned prefix;
		const char *network, *last;
	} cases[] = {
		{0, "0.0.0.0", "255.255.255.255"},
		{1, "128.0.0.0", "255.255.255.255"},
		{8, "192.0.0.0", "192.255.255.255"},
		{22, "192.168.128.0", "192.168.131.255"},
		{24, "192.168.130.0", "192.168.130.255"},
		{31, "192.168.130.76", "192.168.130.77"},
		{32, "192.168.130.77", "192.168.130.77"},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(cases); i++) {
		struct puq_ip net = puq_ip_network(&ip, cases[i].prefix);
		struct puq_ip last = puq_ip_last(&ip, cases[i].prefix);
		puq_ip_format(&net, PUQ_IP_CANONICAL, out);
		assert_string_equal(out, cases[i].network);
		puq_ip_format(&last, PUQ_IP_CANONICAL, out);
		assert_string_equal(out, cases[i].last);
		assert_true(puq_ip_contains(&net, cases[i].prefix, &ip));
	}
	assert_true(puq_ip_mask(PUQ_IP_V4, 24) == 0xffffff00u);
	assert_true(puq_ip_mask(PUQ_IP_V4, 32) == 0xffffffffu);
	assert_true(puq_ip_mask(PUQ_IP_V4, 0) == 0);
	assert_true(puq_ip_prefix_valid(PUQ_IP_V4, 0));
	assert_true(puq_ip_prefix_valid(PUQ_IP_V4, 32));
	assert_false(puq_ip_prefix_valid(PUQ_IP_V4, 33));
	assert_false(puq_ip_prefix_valid(PUQ_IP_V4, -1));
}

static void prefix_boundaries_v6_every_length(void **state)
{
	struct puq_ip all_ones = must_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	for (unsigned p = 0; p <= 128; p++) {
		puq_u128 mask = puq_ip_mask(PUQ_IP_V6, p);
		/* p leading one bits, exactly */
		unsigned ones = 0;
		for (int bit = 127; bit >= 0 && ((mask >> bit) & 1); bit--)
			ones++;
		assert_int_equal(ones, p);
		/* and nothing below them */
		assert_true(p == 128 || (mask << p) == 0);
		struct puq_ip net = puq_ip_network(&all_ones, p);
		struct puq_ip last = puq_ip_last(&all_ones, p);
		assert_true(net.value == mask);
		assert_true(last.value == all_ones.value);
		struct puq_ip_count c = puq_ip_count_prefix(PUQ_IP_V6, p);
		if (p == 0) {
			assert_true(c.all);
		} else {
			assert_false(c.all);
			assert_true(c.value == (puq_u128)1 << (128 - p));
		}
		/* the range [network, last] has exactly the prefix's count */
		struct puq_ip_count r = puq_ip_count_range(&net, &last);
		assert_int_equal(puq_ip_count_cmp(&r, &c), 0);
	}
	assert_true(puq_ip_prefix_valid(PUQ_IP_V6, 128));
	assert_false(puq_ip_prefix_valid(PUQ_IP_V6, 129));
}

static void containment(void **state)
{
	struct puq_ip net = must_parse("2001:db8::"), in = must_parse("2001:db8::ffff:1"),
				  out = must_parse("2001:db9::1"), v4 = must_parse("32.1.13.184");
	assert_true(puq_ip_contains(&net, 32, &in));
	assert_true(puq_ip_contains(&net, 64, &in));
	assert_false(puq_ip_contains(&net, 112, &in));
	assert_false(puq_ip_contains(&net, 32, &out));
	assert_true(puq_ip_contains(&net, 0, &out));
	assert_false(puq_ip_contains(&net, 0, &v4)); /* families never mix */
}

static void add_stops_at_the_family_end(void **state)
{
	struct puq_ip ip = must_parse("255.255.255.254"), out;
	char text[PUQ_IP_TEXT_MAX];
	assert_int_equal(puq_ip_add(&ip, 1, &out), 0);
	puq_ip_format(&out, PUQ_IP_CANONICAL, text);
	assert_string_equal(text, "255.255.255.255");
	assert_int_equal(puq_ip_add(&ip, 2, &out), -PUQ_EINVAL);

	ip = must_parse("2001:db8::ffff:ffff:ffff:ffff");
	assert_int_equal(puq_ip_add(&ip, 1, &out), 0);
	puq_ip_format(&out, PUQ_IP_CANONICAL, text);
	assert_string_equal(text, "2001:db8:0:1::");
	ip = must_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
	assert_int_equal(puq_ip_add(&ip, 1, &out), 0);
	assert_int_equal(puq_ip_add(&ip, 2, &out), -PUQ_EINVAL);
	/* 32-bit wrap is not a thing in IPv6 */
	ip = must_parse("::ffff:ffff");
	assert_int_equal(puq_ip_add(&ip, 1, &out), 0);
	puq_ip_format(&out, PUQ_IP_CANONICAL, text);
	assert_string_equal(text, "::1:0:0");
}

static void compare_orders_families_then_values(void **state)
{
	struct puq_ip a = must_parse("255.255.255.255"), b = must_parse("::"),
				  c = must_parse("::1");
	assert_true(puq_ip_cmp(&a, &b) < 0);
	assert_true(puq_ip_cmp(&b, &c) < 0);
	assert_true(puq_ip_cmp(&c, &b) > 0);
	assert_int_equal(puq_ip_cmp(&c, &c), 0);
}

/* ---- counts and usage ----------------------------------------------------------------- */

static void counts_are_exact(void **state)
{
	char out[PUQ_IP_COUNT_MAX];
	struct puq_ip a = must_parse("2001:db8::"), b = must_parse("2001:db8::ffff:ffff:ffff:ffff");
	struct puq_ip_count c = puq_ip_count_range(&a, &b);
	puq_ip_count_format(&c, out);
	assert_string_equal(out, "18446744073709551616"); /* 2^64 */

	struct puq_ip lo = must_parse("::"), hi = must_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	c = puq_ip_count_range(&lo, &hi);
	assert_true(c.all);
	puq_ip_count_format(&c, out);
	assert_string_equal(out, "340282366920938463463374607431768211456");
	c = puq_ip_count_prefix(PUQ_IP_V6, 1);
	puq_ip_count_format(&c, out);
	assert_string_equal(out, "170141183460469231731687303715884105728");

	struct puq_ip v1 = must_parse("192.168.130.2"), v2 = must_parse("192.168.130.80");
	c = puq_ip_count_range(&v1, &v2);
	assert_true(c.value == 79);
	c = puq_ip_count_range(&v2, &v1); /* reversed: empty */
	assert_true(c.value == 0 && !c.all);
	c = puq_ip_count_prefix(PUQ_IP_V4, 0);
	puq_ip_count_format(&c, out);
	assert_string_equal(out, "4294967296");
	c = puq_ip_count_of(0);
	puq_ip_count_format(&c, out);
	assert_string_equal(out, "0");
}

static void u128_decimal_round_trip(void **state)
{
	const char *cases[] = {"0", "1", "18446744073709551615", "18446744073709551616",
		"340282366920938463463374607431768211455"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(cases); i++) {
		puq_u128 v;
		char out[PUQ_IP_COUNT_MAX];
		assert_int_equal(puq_u128_parse(cases[i], strlen(cases[i]), &v), 0);
		puq_u128_format(v, out);
		assert_string_equal(out, cases[i]);
	}
	puq_u128 v;
	const char *big = "340282366920938463463374607431768211456";
	assert_int_equal(puq_u128_parse(big, strlen(big), &v), -PUQ_EPARSE);
	assert_int_equal(puq_u128_parse("12a", 3, &v), -PUQ_EPARSE);
	assert_int_equal(puq_u128_parse("", 0, &v), -PUQ_EPARSE);
	assert_int_equal(puq_u128_parse("-1", 2, &v), -PUQ_EPARSE);
}

static void usage_is_exact_for_every_size(void **state)
{
	struct {
		struct puq_ip_count used, total;
		const char *text;
	} cases[] = {
		{{17, false}, {79, false}, "21.52% (17/79)"},
		{{0, false}, {79, false}, "0.00% (0/79)"},
		{{79, false}, {79, false}, "100.00% (79/79)"},
		{{1, false}, {2, false}, "50.00% (1/2)"},
		{{1, false}, {3, false}, "33.33% (1/3)"},
		{{2, false}, {3, false}, "66.67% (2/3)"},
		{{1, false}, {8, false}, "12.50% (1/8)"},
		{{1, false}, {80000, false}, "0.01% (1/80000)"}, /* 0.00125% rounds to 0.00: shown 0.01 */
		{{1, false}, {20001, false}, "0.01% (1/20001)"}, /* 0.004999..% */
		{{79999, false}, {80000, false}, "99.99% (79999/80000)"}, /* 99.99875% is not full */
		{{5, false}, {(puq_u128)1 << 64, false}, "0.01% (5/18446744073709551616)"},
		{{(puq_u128)1 << 63, false}, {(puq_u128)1 << 64, false},
			"50.00% (9223372036854775808/18446744073709551616)"},
		{{(puq_u128)1 << 127, false}, {0, true},
			"50.00% (170141183460469231731687303715884105728/"
			"340282366920938463463374607431768211456)"},
		{{((puq_u128)1 << 127) + ((puq_u128)1 << 125), false}, {0, true},
			"62.50% (212676479325586539664609129644855132160/"
			"340282366920938463463374607431768211456)"},
		{{0, false}, {0, false}, "0.00% (0/0)"},
	};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(cases); i++) {
		char out[PUQ_IP_USAGE_MAX];
		puq_ip_usage_format(&cases[i].used, &cases[i].total, out);
		if (strcmp(out, cases[i].text) != 0)
			fail_msg("case %zu: %s, want %s", i, out, cases[i].text);
	}
	struct puq_ip_count u = {3, false}, t = {2, false};
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 10000);
	/* the rounding boundary: 1/16 = 6.25% exactly; 1/160000 = 0.000625% */
	u.value = 1;
	t.value = 16;
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 625);
	u.value = 1;
	t.value = 40000; /* 0.0025% rounds half up to 0.00, shown 0.01 */
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 1);
	u.value = 3;
	t.value = 40000; /* 0.0075% -> 0.01 */
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 1);
	u.value = 5;
	t.value = 1000; /* 0.5% */
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 50);
	u.value = 1;
	t.value = 20000; /* 0.005% -> rounds half up to 0.01 */
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 1);
	u.value = 3;
	t.value = 20000; /* 0.015% -> 0.02 */
	assert_int_equal(puq_ip_usage_basis_points(&u, &t), 2);
}

/* ---- reverse DNS ------------------------------------------------------------------- */

static void ptr_names(void **state)
{
	char out[PUQ_IP_PTR_MAX];
	struct puq_ip ip = must_parse("192.168.130.2");
	assert_int_equal(puq_ip_ptr_name(&ip, out), strlen("2.130.168.192.in-addr.arpa"));
	assert_string_equal(out, "2.130.168.192.in-addr.arpa");
	ip = must_parse("2001:db8::10");
	puq_ip_ptr_name(&ip, out);
	assert_string_equal(out,
		"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	ip = must_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	size_t n = puq_ip_ptr_name(&ip, out);
	assert_int_equal(n, PUQ_IP_PTR_MAX - 1);
	ip = must_parse("0.0.0.0");
	puq_ip_ptr_name(&ip, out);
	assert_string_equal(out, "0.0.0.0.in-addr.arpa");
}

static void rdns_zone_spec_examples(void **state)
{
	char out[PUQ_IP_PTR_MAX];
	struct puq_error err;
	/* the addon manual's two examples */
	struct puq_ip gw4 = must_parse("192.168.130.1");
	assert_int_equal(puq_ip_rdns_zone(&gw4, 24, out, &err), 1);
	assert_string_equal(out, "130.168.192.in-addr.arpa");
	struct puq_ip gw6 = must_parse("2001:db8::1");
	assert_int_equal(puq_ip_rdns_zone(&gw6, 120, out, &err), 1);
	assert_string_equal(out,
		"0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
	/* and the PowerDNS zone of the DNS Zones page: 2001:db8::/32 */
	assert_int_equal(puq_ip_rdns_zone(&gw6, 32, out, &err), 1);
	assert_string_equal(out, "8.b.d.0.1.0.0.2.ip6.arpa");
}

static void rdns_zone_every_prefix(void **state)
{
	char out[PUQ_IP_PTR_MAX];
	struct puq_error err;
	struct puq_ip v4 = must_parse("10.20.30.40");
	for (int p = 0; p <= 32; p++) {
		int rc = puq_ip_rdns_zone(&v4, p, out, &err);
		if (p == 8 || p == 16 || p == 24) {
			assert_int_equal(rc, 1);
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(out, "");
		}
	}
	assert_int_equal(puq_ip_rdns_zone(&v4, 8, out, &err), 1);
	assert_string_equal(out, "10.in-addr.arpa");
	assert_int_equal(puq_ip_rdns_zone(&v4, 16, out, &err), 1);
	assert_string_equal(out, "20.10.in-addr.arpa");
	assert_int_equal(puq_ip_rdns_zone(&v4, 33, out, &err), -PUQ_EINVAL);
	assert_non_null(strstr(err.text, "0-32"));
	assert_int_equal(puq_ip_rdns_zone(&v4, -1, out, &err), -PUQ_EINVAL);

	struct puq_ip v6 = must_parse("2001:db8:abcd:1234:5678:9abc:def0:1234");
	for (int p = 0; p <= 128; p++) {
		int rc = puq_ip_rdns_zone(&v6, p, out, &err);
		if (p % 4) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, "");
			continue;
		}
		assert_int_equal(rc, 1);
		/* p/4 nibble labels, then ip6.arpa */
		size_t labels = 0;
		for (const char *c = out; *c; c++)
			labels += *c == '.';
		assert_int_equal(labels, (size_t)p / 4 + 1);
		assert_non_null(strstr(out, "ip6.arpa"));
	}
	assert_int_equal(puq_ip_rdns_zone(&v6, 0, out, &err), 1);
	assert_string_equal(out, "ip6.arpa");
	assert_int_equal(puq_ip_rdns_zone(&v6, 4, out, &err), 1);
	assert_string_equal(out, "2.ip6.arpa");
	assert_int_equal(puq_ip_rdns_zone(&v6, 64, out, &err), 1);
	assert_string_equal(out, "4.3.2.1.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa");
	/* /128 is the PTR name itself */
	char ptr[PUQ_IP_PTR_MAX];
	puq_ip_ptr_name(&v6, ptr);
	assert_int_equal(puq_ip_rdns_zone(&v6, 128, out, &err), 1);
	assert_string_equal(out, ptr);
	assert_int_equal(puq_ip_rdns_zone(&v6, 129, out, &err), -PUQ_EINVAL);
	assert_non_null(strstr(err.text, "0-128"));
	/* the zone is that of the prefix, whatever host bits the address has */
	struct puq_ip host = must_parse("192.168.130.254");
	assert_int_equal(puq_ip_rdns_zone(&host, 24, out, &err), 1);
	assert_string_equal(out, "130.168.192.in-addr.arpa");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_and_formats_every_form),
		cmocka_unit_test(families_and_values),
		cmocka_unit_test(refuses_bad_input_with_a_reason),
		cmocka_unit_test(parse_is_length_bounded),
		cmocka_unit_test(bytes_round_trip_in_numeric_order),
		cmocka_unit_test(prefix_boundaries_v4),
		cmocka_unit_test(prefix_boundaries_v6_every_length),
		cmocka_unit_test(containment),
		cmocka_unit_test(add_stops_at_the_family_end),
		cmocka_unit_test(compare_orders_families_then_values),
		cmocka_unit_test(counts_are_exact),
		cmocka_unit_test(u128_decimal_round_trip),
		cmocka_unit_test(usage_is_exact_for_every_size),
		cmocka_unit_test(ptr_names),
		cmocka_unit_test(rdns_zone_spec_examples),
		cmocka_unit_test(rdns_zone_every_prefix),
	};
	return cmocka_run_group_tests_name("ip", tests, NULL, NULL);
}
