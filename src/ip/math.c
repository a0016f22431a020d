/*
 * Address arithmetic: prefixes, containment, offsets, exact counts and usage.
 *
 * All of it works on the 128-bit value of an address, so the cost never depends on
 * how many addresses a range holds. The one number that does not fit 128 bits - the
 * size of ::/0, 2^128 - is carried by struct puq_ip_count's flag. The usage percentage
 * is computed by long division on the exact counts (no floating point), so a /64 with
 * five addresses in use prints the same digits on every machine.
 */
#include <stdio.h>

#include "puqkvm/ip.h"

#define U128_MAX (~(puq_u128)0)

unsigned puq_ip_bits(enum puq_ip_family family)
{
	return family == PUQ_IP_V4 ? 32 : family == PUQ_IP_V6 ? 128 : 0;
}

puq_u128 puq_ip_max(enum puq_ip_family family)
{
	return family == PUQ_IP_V4 ? (puq_u128)0xffffffffu : U128_MAX;
}

bool puq_ip_prefix_valid(enum puq_ip_family family, int prefix)
{
	unsigned bits = puq_ip_bits(family);
	return bits && prefix >= 0 && (unsigned)prefix <= bits;
}

puq_u128 puq_ip_mask(enum puq_ip_family family, unsigned prefix)
{
	unsigned bits = puq_ip_bits(family);
	if (prefix == 0 || bits == 0)
		return 0;
	if (prefix > bits)
		prefix = bits;
	/* The host bits are the low (bits - prefix) bits; a shift by 128 is undefined. */
	unsigned host = bits - prefix;
	puq_u128 hostmask = host == 128 ? U128_MAX : (((puq_u128)1 << host) - 1);
	return puq_ip_max(family) & ~hostmask;
}

int puq_ip_cmp(const struct puq_ip *a, const struct puq_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return a->value < b->value ? -1 : a->value > b->value ? 1 : 0;
}

struct puq_ip puq_ip_network(const struct puq_ip *ip, unsigned prefix)
{
	struct puq_ip net = {ip->family, ip->value & puq_ip_mask(ip->family, prefix)};
	return net;
}

struct puq_ip puq_ip_last(const struct puq_ip *ip, unsigned prefix)
{
	puq_u128 mask = puq_ip_mask(ip->family, prefix);
	struct puq_ip last = {ip->family, (ip->value & mask) | (puq_ip_max(ip->family) & ~mask)};
	return last;
}

bool puq_ip_contains(const struct puq_ip *net, unsigned prefix, const struct puq_ip *ip)
{
	if (net->family != ip->family)
		return false;
	puq_u128 mask = puq_ip_mask(net->family, prefix);
	return (net->value & mask) == (ip->value & mask);
}

int puq_ip_add(const struct puq_ip *ip, puq_u128 n, struct puq_ip *out)
{
	puq_u128 max = puq_ip_max(ip->family);
	if (ip->value > max || n > max - ip->value)
		return puq_error_set(NULL, PUQ_EINVAL, NULL);
	out->family = ip->family;
	out->value = ip->value + n;
	return 0;
}

struct puq_ip_count puq_ip_count_of(puq_u128 value)
{
	struct puq_ip_count c = {value, false};
	return c;
}

struct puq_ip_count puq_ip_count_range(const struct puq_ip *first, const struct puq_ip *last)
{
	struct puq_ip_count c = {0, false};
	if (first->family != last->family || first->value > last->value)
		return c;
	puq_u128 span = last->value - first->value; /* one less than the count */
	if (span == U128_MAX)
		c.all = true;
	else
		c.value = span + 1;
	return c;
}

struct puq_ip_count puq_ip_count_prefix(enum puq_ip_family family, unsigned prefix)
{
	struct puq_ip_count c = {0, false};
	unsigned bits = puq_ip_bits(family);
	if (!bits || prefix > bits)
		return c;
	unsigned host = bits - prefix;
	if (host == 128)
		c.all = true;
	else
		c.value = (puq_u128)1 << host;
	return c;
}

int puq_ip_count_cmp(const struct puq_ip_count *a, const struct puq_ip_count *b)
{
	if (a->all || b->all)
		return (int)a->all - (int)b->all;
	return a->value < b->value ? -1 : a->value > b->value ? 1 : 0;
}

size_t puq_u128_format(puq_u128 value, char out[PUQ_IP_COUNT_MAX])
{
	char rev[PUQ_IP_COUNT_MAX];
	size_t n = 0;
	do {
		rev[n++] = (char)('0' + (unsigned)(value % 10));
		value /= 10;
	} while (value);
	for (size_t i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = '\0';
	return n;
}

size_t puq_ip_count_format(const struct puq_ip_count *count, char out[PUQ_IP_COUNT_MAX])
{
	static const char two128[] = "340282366920938463463374607431768211456";
	if (count->all) {
		memcpy(out, two128, sizeof(two128));
		return sizeof(two128) - 1;
	}
	return puq_u128_format(count->value, out);
}

int puq_u128_parse(const char *text, size_t len, puq_u128 *out)
{
	puq_u128 value = 0;
	if (len == 0 || len > PUQ_IP_COUNT_MAX - 1)
		return puq_error_set(NULL, PUQ_EPARSE, NULL);
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return puq_error_set(NULL, PUQ_EPARSE, NULL);
		unsigned d = (unsigned)(text[i] - '0');
		if (value > (U128_MAX - d) / 10)
			return puq_error_set(NULL, PUQ_EPARSE, NULL);
		value = value * 10 + d;
	}
	*out = value;
	return 0;
}

/*
 * floor(10 * r / total) and the new remainder, for r < total, without forming 10 * r
 * (which can pass 2^128). total is given as "total - 1" so that 2^128 fits.
 */
static unsigned next_digit(puq_u128 *r, puq_u128 total_minus_1)
{
	unsigned digit = 0;
	puq_u128 acc = 0; /* 10 * r mod total, built by ten modular additions */
	for (int i = 0; i < 10; i++) {
		/* acc + r >= total  <=>  acc >= total - r  <=>  acc > (total - 1) - r */
		puq_u128 room = total_minus_1 - *r; /* total - r - 1, no overflow since r < total */
		if (acc > room) {
			acc -= room + 1;
			digit++;
		} else {
			acc += *r;
		}
	}
	*r = acc;
	return digit;
}

unsigned puq_ip_usage_basis_points(const struct puq_ip_count *used,
	const struct puq_ip_count *total)
{
	if (!total->all && total->value == 0)
		return 0;
	if (puq_ip_count_cmp(used, total) >= 0)
		return 10000;
	if (!used->all && used->value == 0)
		return 0;

	/* used < total here, so used fits 128 bits. Five decimal digits of used/total,
	 * the fifth for rounding. */
	puq_u128 total_minus_1 = total->all ? U128_MAX : total->value - 1;
	puq_u128 r = used->value;
	unsigned bp = 0;
	for (int i = 0; i < 4; i++)
		bp = bp * 10 + next_digit(&r, total_minus_1);
	if (next_digit(&r, total_minus_1) >= 5)
		bp++;
	if (bp == 0)
		bp = 1;
	if (bp >= 10000)
		bp = 9999;
	return bp;
}

size_t puq_ip_usage_format(const struct puq_ip_count *used, const struct puq_ip_count *total,
	char out[PUQ_IP_USAGE_MAX])
{
	char u[PUQ_IP_COUNT_MAX], t[PUQ_IP_COUNT_MAX];
	unsigned bp = puq_ip_usage_basis_points(used, total);
	puq_ip_count_format(used, u);
	puq_ip_count_format(total, t);
	int n = snprintf(out, PUQ_IP_USAGE_MAX, "%u.%02u%% (%s/%s)", bp / 100, bp % 100, u, t);
	return n < 0 ? 0 : (size_t)n;
}
