/*
 * Fuzz target: IPv4/IPv6 text (src/ip/).
 *
 * The input is address text as an admin types it or a provider returns it; a newline
 * splits it into two addresses, which are then also used for the arithmetic (ranges,
 * counts, usage, containment). Invariants, beyond "no crash, no leak, no UB":
 *  - the parser agrees with glibc's inet_pton exactly (both are strict: no leading
 *    zeros in IPv4 parts, 1-4 hex digits per group, one "::", IPv4 part last), and
 *    with itself across the family filters;
 *  - canonical and expanded text parse back to the same address and format again to
 *    the same text; canonical text is what inet_ntop prints (except for the
 *    deprecated IPv4-compatible form glibc still uses);
 *  - every writer stays inside its documented buffer (buffers are allocated at exactly
 *    that size) and returns the length it wrote;
 *  - a reverse zone, when there is one, is a suffix of the address's PTR name;
 *  - counts and usage agree with plain arithmetic.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "puqkvm/ip.h"

static const char *family_name(enum puq_ip_family f)
{
	return f == PUQ_IP_V4 ? "IPv4" : f == PUQ_IP_V6 ? "IPv6" : "any";
}

/* Parses with one family filter and checks the error contract. */
static int parse(const char *text, size_t len, enum puq_ip_family want,
                 struct puq_ip *out)
{
	struct puq_error err;
	fuzz_error_init(&err);
	struct puq_ip ip = {PUQ_IP_ANY, 0};
	int rc = puq_ip_parse(text, len, want, &ip, &err);
	fuzz_check_result("puq_ip_parse", rc, &err);
	if (rc == 0) {
		FUZZ_CHECK(want == PUQ_IP_ANY || ip.family == want, "asked for %s, got %s",
		           family_name(want), family_name(ip.family));
		FUZZ_CHECK(ip.family == PUQ_IP_V4 || ip.family == PUQ_IP_V6, "family %d",
		           (int)ip.family);
		FUZZ_CHECK(ip.value <= puq_ip_max(ip.family), "IPv4 value above 2^32");
		*out = ip;
	} else {
		FUZZ_CHECK(err.code == PUQ_EPARSE, "parse failed with %s",
		           puq_error_name(err.code));
	}
	return rc;
}

/* Formats into a buffer of exactly PUQ_IP_TEXT_MAX bytes and checks the result. */
static void format(const struct puq_ip *ip, enum puq_ip_style style,
                   char out[PUQ_IP_TEXT_MAX])
{
	char *buf = PUQ_MALLOC(PUQ_IP_TEXT_MAX);
	size_t n = puq_ip_format(ip, style, buf);
	FUZZ_CHECK(n < PUQ_IP_TEXT_MAX && buf[n] == '\0' && strlen(buf) == n,
	           "puq_ip_format returned %zu for text of length %zu", n, strlen(buf));
	memcpy(out, buf, n + 1);
	PUQ_FREE(buf);
}

static bool same(const struct puq_ip *a, const struct puq_ip *b)
{
	return a->family == b->family && a->value == b->value;
}

/* The address back from text the core wrote: must parse, to the same value. */
static void reparse(const char *what, const char *text, const struct puq_ip *ip)
{
	struct puq_ip again;
	FUZZ_CHECK(parse(text, strlen(text), PUQ_IP_ANY, &again) == 0,
	           "%s text '%s' does not parse", what, text);
	FUZZ_CHECK(same(&again, ip), "%s text '%s' parses to another address", what, text);
}

/* glibc as the second opinion on what is an address. */
static void differential(const char *text, size_t len, int rc, const struct puq_ip *ip)
{
	if (memchr(text, '\0', len))
		return; /* inet_pton reads a C string: it would see a shorter input */
	unsigned char b4[4], b6[16];
	bool v4 = inet_pton(AF_INET, text, b4) == 1;
	bool v6 = inet_pton(AF_INET6, text, b6) == 1;
	FUZZ_CHECK((rc == 0) == (v4 || v6), "'%s': puq_ip_parse %s, inet_pton %s", text,
	           rc == 0 ? "accepts" : "refuses", v4 || v6 ? "accepts" : "refuses");
	if (rc != 0)
		return;
	unsigned char mine[16];
	puq_ip_to_bytes(ip, mine);
	if (ip->family == PUQ_IP_V4)
		FUZZ_CHECK(v4 && memcmp(mine + 12, b4, 4) == 0, "'%s': IPv4 value differs", text);
	else
		FUZZ_CHECK(v6 && memcmp(mine, b6, 16) == 0, "'%s': IPv6 value differs", text);
}

static void check_text_forms(const struct puq_ip *ip)
{
	char canon[PUQ_IP_TEXT_MAX], again[PUQ_IP_TEXT_MAX], expanded[PUQ_IP_TEXT_MAX];
	format(ip, PUQ_IP_CANONICAL, canon);
	reparse("canonical", canon, ip);
	struct puq_ip back;
	parse(canon, strlen(canon), PUQ_IP_ANY, &back);
	format(&back, PUQ_IP_CANONICAL, again);
	FUZZ_CHECK(strcmp(canon, again) == 0, "canonical form not stable: '%s' then '%s'",
	           canon, again);

	format(ip, PUQ_IP_EXPANDED, expanded);
	reparse("expanded", expanded, ip);
	if (ip->family == PUQ_IP_V6) {
		FUZZ_CHECK(strlen(expanded) == 39, "expanded IPv6 '%s' is not 39 characters",
		           expanded);
		for (const char *c = canon; *c; c++)
			FUZZ_CHECK(*c < 'A' || *c > 'Z', "canonical '%s' has upper case", canon);
		/* glibc prints 2^16 <= value < 2^32 as the deprecated "::a.b.c.d" */
		if (ip->value >> 32 != 0 || ip->value < 0x10000) {
			unsigned char b[16];
			char ntop[INET6_ADDRSTRLEN];
			puq_ip_to_bytes(ip, b);
			FUZZ_CHECK(inet_ntop(AF_INET6, b, ntop, sizeof(ntop)) != NULL, "inet_ntop");
			FUZZ_CHECK(strcmp(ntop, canon) == 0, "canonical '%s', inet_ntop '%s'", canon,
			           ntop);
		}
	} else {
		FUZZ_CHECK(strcmp(canon, expanded) == 0, "IPv4 forms differ: '%s' '%s'", canon,
		           expanded);
	}

	unsigned char bytes[16];
	struct puq_ip from;
	puq_ip_to_bytes(ip, bytes);
	FUZZ_CHECK(puq_ip_from_bytes(ip->family, bytes, &from) == 0 && same(&from, ip),
	           "binary form does not round-trip");
}

static void check_reverse(const struct puq_ip *ip)
{
	char *ptr = PUQ_MALLOC(PUQ_IP_PTR_MAX);
	size_t n = puq_ip_ptr_name(ip, ptr);
	FUZZ_CHECK(n < PUQ_IP_PTR_MAX && strlen(ptr) == n, "PTR name length %zu", n);
	const char *suffix = ip->family == PUQ_IP_V4 ? ".in-addr.arpa" : ".ip6.arpa";
	FUZZ_CHECK(n > strlen(suffix) && strcmp(ptr + n - strlen(suffix), suffix) == 0,
	           "PTR name '%s'", ptr);

	char *zone = PUQ_MALLOC(PUQ_IP_PTR_MAX);
	int bits = (int)puq_ip_bits(ip->family);
	for (int prefix = -1; prefix <= bits + 1; prefix++) {
		struct puq_error err;
		fuzz_error_init(&err);
		int rc = puq_ip_rdns_zone(ip, prefix, zone, &err);
		FUZZ_CHECK(fuzz_terminated(zone, PUQ_IP_PTR_MAX), "zone not terminated");
		if (prefix < 0 || prefix > bits) {
			FUZZ_CHECK(rc == -PUQ_EINVAL && zone[0] == '\0', "prefix %d accepted",
			           prefix);
			fuzz_check_result("puq_ip_rdns_zone", rc, &err);
			continue;
		}
		bool label = ip->family == PUQ_IP_V4 ? prefix == 8 || prefix == 16 || prefix == 24
		                                     : prefix % 4 == 0;
		FUZZ_CHECK(rc == (label ? 1 : 0), "prefix %d: rc %d", prefix, rc);
		if (rc == 0) {
			FUZZ_CHECK(zone[0] == '\0', "classless prefix %d gave a zone", prefix);
			continue;
		}
		size_t zl = strlen(zone);
		FUZZ_CHECK(zl <= n && strcmp(ptr + n - zl, zone) == 0 &&
		               (zl == n || ptr[n - zl - 1] == '.'),
		           "zone '%s' of /%d does not contain PTR name '%s'", zone, prefix, ptr);
	}
	PUQ_FREE(zone);
	PUQ_FREE(ptr);
}

static void check_count_text(const struct puq_ip_count *c)
{
	char *buf = PUQ_MALLOC(PUQ_IP_COUNT_MAX);
	size_t n = puq_ip_count_format(c, buf);
	FUZZ_CHECK(n < PUQ_IP_COUNT_MAX && strlen(buf) == n, "count text length %zu", n);
	puq_u128 back;
	if (c->all) {
		FUZZ_CHECK(puq_u128_parse(buf, n, &back) < 0, "2^128 parsed as a u128");
	} else {
		FUZZ_CHECK(puq_u128_parse(buf, n, &back) == 0 && back == c->value,
		           "count '%s' does not parse back", buf);
	}
	PUQ_FREE(buf);
}

static long double as_ld(const struct puq_ip_count *c)
{
	return c->all ? ldexpl(1.0L, 128) : (long double)c->value;
}

/* Two addresses of one family: a <= b. */
static void check_pair(const struct puq_ip *a, const struct puq_ip *b)
{
	struct puq_ip_count range = puq_ip_count_range(a, b);
	puq_u128 span = b->value - a->value;
	FUZZ_CHECK(range.all ? span == ~(puq_u128)0 : range.value == span + 1,
	           "count_range is not last - first + 1");
	check_count_text(&range);

	struct puq_ip sum;
	FUZZ_CHECK(puq_ip_add(a, span, &sum) == 0 && same(&sum, b), "a + (b - a) != b");
	if (b->value == puq_ip_max(b->family))
		FUZZ_CHECK(puq_ip_add(b, 1, &sum) < 0, "adding past the family's end accepted");

	unsigned bits = puq_ip_bits(a->family);
	for (unsigned p = 0; p <= bits; p++) {
		struct puq_ip net = puq_ip_network(a, p), last = puq_ip_last(a, p);
		FUZZ_CHECK(net.value <= a->value && a->value <= last.value,
		           "/%u does not hold its own address", p);
		FUZZ_CHECK(puq_ip_contains(&net, p, a), "network of /%u misses the address", p);
		unsigned host = bits - p;
		bool shared = host >= 128 || (a->value >> host) == (b->value >> host);
		FUZZ_CHECK(puq_ip_contains(&net, p, b) == shared, "containment of /%u wrong", p);
		struct puq_ip_count size = puq_ip_count_prefix(a->family, p),
		                    span_net = puq_ip_count_range(&net, &last);
		FUZZ_CHECK(puq_ip_count_cmp(&size, &span_net) == 0, "/%u size", p);
	}

	/* usage of a->value out of b->value, and of a range out of a whole family */
	struct puq_ip_count used = puq_ip_count_of(a->value),
	                    total = puq_ip_count_of(b->value);
	struct puq_ip_count all = puq_ip_count_prefix(a->family, 0);
	const struct puq_ip_count *pairs[][2] = {
	    {&used, &total}, {&range, &all}, {&used, &range}};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(pairs); i++) {
		const struct puq_ip_count *u = pairs[i][0], *t = pairs[i][1];
		unsigned bp = puq_ip_usage_basis_points(u, t);
		FUZZ_CHECK(bp <= 10000, "usage %u basis points", bp);
		long double tv = as_ld(t), uv = as_ld(u);
		if (tv == 0) {
			FUZZ_CHECK(bp == 0, "usage of an empty total is %u", bp);
		} else if (uv >= tv && puq_ip_count_cmp(u, t) >= 0) {
			FUZZ_CHECK(bp == 10000, "full usage is %u", bp);
		} else if (puq_ip_count_cmp(u, t) < 0) {
			long double exact = 10000.0L * uv / tv;
			/* an admin reads 0.00% as empty and 100.00% as full: neither is shown
			 * for a range that is neither */
			long double shown = uv == 0 ? 0 : exact < 1 ? 1 : exact > 9999 ? 9999 : exact;
			FUZZ_CHECK(fabsl((long double)bp - shown) <= 0.5L + 1e-9L,
			           "usage %u basis points for %Lg/%Lg (exact %Lf)", bp, uv, tv,
			           exact);
		}
		char *text = PUQ_MALLOC(PUQ_IP_USAGE_MAX);
		size_t n = puq_ip_usage_format(u, t, text);
		FUZZ_CHECK(n < PUQ_IP_USAGE_MAX && strlen(text) == n, "usage text length %zu", n);
		PUQ_FREE(text);
	}
}

/* One address: all three filters, glibc, text forms and reverse names. */
static int check_one(const uint8_t *bytes, size_t len, struct puq_ip *out)
{
	/* the parser gets the exact bytes (no terminator to hide an over-read), glibc a
	 * C string */
	char *text = PUQ_MALLOC(len ? len : 1);
	if (len)
		memcpy(text, bytes, len);
	char *cstr = fuzz_cstr(bytes, len);
	struct puq_ip any = {PUQ_IP_ANY, 0}, v4 = any, v6 = any;
	int rc = parse(text, len, PUQ_IP_ANY, &any);
	int rc4 = parse(text, len, PUQ_IP_V4, &v4);
	int rc6 = parse(text, len, PUQ_IP_V6, &v6);
	FUZZ_CHECK((rc == 0) == (rc4 == 0 || rc6 == 0) && !(rc4 == 0 && rc6 == 0),
	           "family filters disagree (any %d, v4 %d, v6 %d)", rc, rc4, rc6);
	if (rc == 0)
		FUZZ_CHECK(same(&any, rc4 == 0 ? &v4 : &v6), "filters give different values");
	differential(cstr, len, rc, &any);
	PUQ_FREE(cstr);
	PUQ_FREE(text);
	if (rc != 0)
		return rc;
	check_text_forms(&any);
	check_reverse(&any);
	*out = any;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the exact bytes, no terminator: the parser takes a length */
	char *all = PUQ_MALLOC(size ? size : 1);
	if (size)
		memcpy(all, data, size);
	const char *nl = memchr(all, '\n', size);
	size_t alen = nl ? (size_t)(nl - all) : size;

	struct puq_ip a, b;
	int rca = check_one(data, alen, &a);
	if (nl) {
		int rcb = check_one(data + alen + 1, size - alen - 1, &b);
		if (rca == 0 && rcb == 0 && a.family == b.family) {
			if (puq_ip_cmp(&a, &b) > 0) {
				struct puq_ip t = a;
				a = b;
				b = t;
			}
			check_pair(&a, &b);
		}
		/* the whole text holds a newline: never an address */
		struct puq_ip whole;
		FUZZ_CHECK(parse(all, size, PUQ_IP_ANY, &whole) < 0,
		           "text with a newline parsed");
	}
	PUQ_FREE(all);
	return 0;
}
