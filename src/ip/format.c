/*
 * Text out of struct puq_ip: canonical and expanded address forms, the 16-byte binary
 * form stored in the database, PTR names and the reverse zone of a prefix.
 *
 * Canonical IPv6 follows RFC 5952 section 4: lower-case hex without leading zeros, the
 * longest run of at least two zero groups replaced by "::" (the first run on a tie),
 * and - section 5 - IPv4-mapped addresses (::ffff:0:0/96) with their last 32 bits as
 * a dotted quad, the one embedded form every resolver and Proxmox print the same way.
 *
 * Reverse names come from the nibbles (IPv6) or octets (IPv4) of the value, least
 * significant first. A reverse zone exists only for a prefix that ends on a label
 * boundary: 8, 16 or 24 bits for IPv4 (the addon's rule; /32 and /0 are refused as
 * well), any multiple of 4 for IPv6.
 */
#include <stdio.h>

#include "puqkvm/ip.h"

static const char hexdigits[] = "0123456789abcdef";

static size_t format_v4(uint32_t v, char *out)
{
	return (size_t)snprintf(out, PUQ_IP_TEXT_MAX, "%u.%u.%u.%u", (v >> 24) & 0xff,
		(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

static unsigned group_of(puq_u128 value, unsigned k)
{
	return (unsigned)(value >> (16 * (7 - k))) & 0xffff;
}

static size_t put_group(char *out, size_t n, unsigned g, bool pad)
{
	bool started = pad;
	for (int shift = 12; shift >= 0; shift -= 4) {
		unsigned nib = (g >> shift) & 0xf;
		if (nib || started || shift == 0) {
			out[n++] = hexdigits[nib];
			started = true;
		}
	}
	return n;
}

static size_t format_v6(puq_u128 value, enum puq_ip_style style, char *out)
{
	size_t n = 0;

	if (style == PUQ_IP_EXPANDED) {
		for (unsigned k = 0; k < 8; k++) {
			if (k)
				out[n++] = ':';
			n = put_group(out, n, group_of(value, k), true);
		}
		out[n] = '\0';
		return n;
	}

	/* ::ffff:a.b.c.d */
	if ((value >> 32) == 0xffff) {
		n = (size_t)snprintf(out, PUQ_IP_TEXT_MAX, "::ffff:");
		return n + format_v4((uint32_t)value, out + n);
	}

	/* The longest run of zero groups, first on a tie, if at least two long. */
	int best = -1, bestlen = 0;
	for (int k = 0; k < 8;) {
		if (group_of(value, (unsigned)k) != 0) {
			k++;
			continue;
		}
		int start = k;
		while (k < 8 && group_of(value, (unsigned)k) == 0)
			k++;
		if (k - start > bestlen) {
			best = start;
			bestlen = k - start;
		}
	}
	if (bestlen < 2)
		best = -1;

	for (int k = 0; k < 8; k++) {
		if (k == best) {
			out[n++] = ':';
			out[n++] = ':';
			k += bestlen - 1;
			continue;
		}
		if (k && !(best >= 0 && k == best + bestlen))
			out[n++] = ':';
		n = put_group(out, n, group_of(value, (unsigned)k), false);
	}
	out[n] = '\0';
	return n;
}

size_t puq_ip_format(const struct puq_ip *ip, enum puq_ip_style style,
	char out[PUQ_IP_TEXT_MAX])
{
	if (ip->family == PUQ_IP_V4)
		return format_v4((uint32_t)ip->value, out);
	return format_v6(ip->value, style, out);
}

void puq_ip_to_bytes(const struct puq_ip *ip, unsigned char out[16])
{
	for (int i = 15; i >= 0; i--)
		out[i] = (unsigned char)(ip->value >> (8 * (15 - i)));
}

int puq_ip_from_bytes(enum puq_ip_family family, const unsigned char in[16],
	struct puq_ip *out)
{
	puq_u128 value = 0;
	for (int i = 0; i < 16; i++)
		value = (value << 8) | in[i];
	if ((family != PUQ_IP_V4 && family != PUQ_IP_V6) || value > puq_ip_max(family))
		return puq_error_set(NULL, PUQ_EINVAL, NULL);
	out->family = family;
	out->value = value;
	return 0;
}

/* The reversed labels of the top `labels` octets or nibbles, dot-separated, then the
 * arpa suffix. labels 0 gives the bare suffix. */
static size_t reverse_name(const struct puq_ip *ip, unsigned labels, char *out)
{
	size_t n = 0;

	if (ip->family == PUQ_IP_V4) {
		for (unsigned k = labels; k-- > 0;) {
			unsigned octet = (unsigned)(ip->value >> (8 * (3 - k))) & 0xff;
			n += (size_t)snprintf(out + n, PUQ_IP_PTR_MAX - n, "%u.", octet);
		}
		memcpy(out + n, "in-addr.arpa", sizeof("in-addr.arpa"));
		return n + sizeof("in-addr.arpa") - 1;
	}
	for (unsigned k = labels; k-- > 0;) {
		out[n++] = hexdigits[(unsigned)(ip->value >> (4 * (31 - k))) & 0xf];
		out[n++] = '.';
	}
	memcpy(out + n, "ip6.arpa", sizeof("ip6.arpa"));
	return n + sizeof("ip6.arpa") - 1;
}

size_t puq_ip_ptr_name(const struct puq_ip *ip, char out[PUQ_IP_PTR_MAX])
{
	return reverse_name(ip, ip->family == PUQ_IP_V4 ? 4 : 32, out);
}

int puq_ip_rdns_zone(const struct puq_ip *ip, int prefix, char out[PUQ_IP_PTR_MAX],
	struct puq_error *err)
{
	out[0] = '\0';
	if (!puq_ip_prefix_valid(ip->family, prefix))
		return puq_error_set(err, PUQ_EINVAL, "the prefix length must be 0-%u for %s",
			puq_ip_bits(ip->family), ip->family == PUQ_IP_V4 ? "IPv4" : "IPv6");

	struct puq_ip net = puq_ip_network(ip, (unsigned)prefix);
	if (ip->family == PUQ_IP_V4) {
		if (prefix != 8 && prefix != 16 && prefix != 24)
			return 0;
		reverse_name(&net, (unsigned)prefix / 8, out);
		return 1;
	}
	if (prefix % 4 != 0)
		return 0;
	reverse_name(&net, (unsigned)prefix / 4, out);
	return 1;
}
