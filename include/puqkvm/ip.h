/*
 * ip: IPv4 and IPv6 addresses as numbers, with no I/O and no allocation.
 *
 * An address is a family and a 128-bit unsigned value (an IPv4 address is a value below
 * 2^32). Everything the pools need is arithmetic on that value: comparison, prefixes,
 * containment, offsets and exact range sizes. Because nothing is ever enumerated, an
 * IPv6 /64 costs what an IPv4 /29 costs.
 *
 * Text forms:
 * - parsing accepts every form of RFC 4291 section 2.2 (one "::", 1-4 hex digits per
 *   group, upper or lower case, a trailing dotted-quad IPv4 part) and dotted-quad IPv4
 *   with decimal parts 0-255. Everything else is refused with a reason: zone indexes
 *   ("%eth0"), prefixes ("/64"), brackets, whitespace, IPv4 parts with leading zeros
 *   (inet_aton reads them as octal, so their meaning is ambiguous), shorthand IPv4
 *   ("10.1"), hex or octal IPv4.
 * - formatting writes IPv6 canonically (RFC 5952: lower case, no leading zeros, the
 *   longest run of two or more zero groups - the first on a tie - shortened to "::",
 *   IPv4-mapped addresses as ::ffff:a.b.c.d) or fully expanded (39 characters, the
 *   form tblhosting.assignedips and vm_rev_dns keys carry).
 *
 * Reverse DNS: the PTR name of an address (no trailing dot) and the reverse zone of a
 * pool's prefix as the addon's IP Pools page shows it: IPv4 only for /8, /16 and /24,
 * IPv6 for every multiple of 4; anything else needs classless delegation (RFC 2317),
 * which the module does not manage.
 *
 * Sizes: a range holds up to 2^128 addresses (::/0), one more than 128 bits can count,
 * so struct puq_ip_count carries that single extra value as a flag. Counts are printed
 * in decimal and usage as "pct% (used/total)", exactly, for any size.
 */
#ifndef PUQKVM_IP_H
#define PUQKVM_IP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "puqkvm/error.h"

/* A 128-bit unsigned number (gcc and clang on 64-bit targets). */
typedef unsigned __int128 puq_u128;

enum puq_ip_family {
	PUQ_IP_ANY = 0, /* as a parse filter: accept both families */
	PUQ_IP_V4 = 4,
	PUQ_IP_V6 = 6,
};

struct puq_ip {
	enum puq_ip_family family;
	puq_u128 value; /* host-order number; < 2^32 for PUQ_IP_V4 */
};

/* A number of addresses: value, or exactly 2^128 when all is set. */
struct puq_ip_count {
	puq_u128 value;
	bool all; /* 2^128, the size of ::/0; value is then 0 */
};

/* Buffer sizes, terminating NUL included. */
#define PUQ_IP_TEXT_MAX  46  /* longest canonical/expanded text (INET6_ADDRSTRLEN) */
#define PUQ_IP_PTR_MAX   73  /* 32 nibbles with dots + "ip6.arpa" */
#define PUQ_IP_COUNT_MAX 40  /* 2^128 in decimal is 39 digits */
#define PUQ_IP_USAGE_MAX 96  /* "100.00% (" count "/" count ")" */

/* The number of bits of a family's addresses: 32 or 128 (0 for anything else). */
unsigned puq_ip_bits(enum puq_ip_family family);

/* ---- text ------------------------------------------------------------------------------ */

/*
 * Parses len bytes of text (which need not be NUL-terminated) into *out. want limits
 * the family (PUQ_IP_ANY accepts both). Returns 0, or -PUQ_EPARSE with err->text
 * saying why ("IPv6 group 3 has more than 4 hex digits"); the text never quotes the
 * input, so it is safe to show and log. *out is written only on success.
 */
int puq_ip_parse(const char *text, size_t len, enum puq_ip_family want, struct puq_ip *out,
	struct puq_error *err);
/* puq_ip_parse on a NUL-terminated string. */
int puq_ip_parse_cstr(const char *text, enum puq_ip_family want, struct puq_ip *out,
	struct puq_error *err);

enum puq_ip_style {
	PUQ_IP_CANONICAL, /* RFC 5952 for IPv6; dotted quad for IPv4 */
	PUQ_IP_EXPANDED,  /* IPv6 as 8 groups of 4 hex digits; IPv4 unchanged */
};

/* Writes the text of ip into out (PUQ_IP_TEXT_MAX bytes) and returns its length. */
size_t puq_ip_format(const struct puq_ip *ip, enum puq_ip_style style,
	char out[PUQ_IP_TEXT_MAX]);

/* ---- binary form (the database's binary(16) columns) ----------------------------------- */

/*
 * The 16-byte big-endian form of the value. Both families use the whole 16 bytes
 * (IPv4 in the last four), so byte order is numeric order and a binary(16) index
 * sorts addresses numerically; the family lives in its own column.
 */
void puq_ip_to_bytes(const struct puq_ip *ip, unsigned char out[16]);
/* The inverse; -PUQ_EINVAL if the bytes do not fit the family. */
int puq_ip_from_bytes(enum puq_ip_family family, const unsigned char in[16],
	struct puq_ip *out);

/* ---- arithmetic ------------------------------------------------------------------------ */

/* Orders by family (IPv4 first), then numerically: <0, 0, >0. */
int puq_ip_cmp(const struct puq_ip *a, const struct puq_ip *b);
/* The largest value of the family (2^32-1 or 2^128-1). */
puq_u128 puq_ip_max(enum puq_ip_family family);
/* The netmask of prefix as a value of the family; prefix must be 0..bits. */
puq_u128 puq_ip_mask(enum puq_ip_family family, unsigned prefix);
/* true when prefix is 0..bits of the family. */
bool puq_ip_prefix_valid(enum puq_ip_family family, int prefix);

/* The first (network) and last (IPv4 broadcast) address of ip's prefix. */
struct puq_ip puq_ip_network(const struct puq_ip *ip, unsigned prefix);
struct puq_ip puq_ip_last(const struct puq_ip *ip, unsigned prefix);
/* true when ip is inside net/prefix (the families must match). */
bool puq_ip_contains(const struct puq_ip *net, unsigned prefix, const struct puq_ip *ip);

/* *out = ip + n; -PUQ_EINVAL (and *out untouched) if that passes the family's end. */
int puq_ip_add(const struct puq_ip *ip, puq_u128 n, struct puq_ip *out);

/* Addresses in [first, last] (first <= last, same family) and in a prefix. */
struct puq_ip_count puq_ip_count_range(const struct puq_ip *first, const struct puq_ip *last);
struct puq_ip_count puq_ip_count_prefix(enum puq_ip_family family, unsigned prefix);
struct puq_ip_count puq_ip_count_of(puq_u128 value);
/* <0, 0, >0 */
int puq_ip_count_cmp(const struct puq_ip_count *a, const struct puq_ip_count *b);

/* Decimal text of a count; returns its length. */
size_t puq_ip_count_format(const struct puq_ip_count *count, char out[PUQ_IP_COUNT_MAX]);
/* Decimal text of a 128-bit number; returns its length. */
size_t puq_u128_format(puq_u128 value, char out[PUQ_IP_COUNT_MAX]);
/* Parses a decimal number below 2^128; -PUQ_EPARSE on anything else. */
int puq_u128_parse(const char *text, size_t len, puq_u128 *out);

/*
 * used/total in hundredths of a percent (0..10000), rounded half up, except that a
 * non-empty range never shows 0 and a range with room left never shows 100: an admin
 * reads "0.00%" as empty and "100.00%" as full. total 0 gives 0. used > total is
 * clamped to total.
 */
unsigned puq_ip_usage_basis_points(const struct puq_ip_count *used,
	const struct puq_ip_count *total);
/* "21.52% (17/79)"; returns the length. */
size_t puq_ip_usage_format(const struct puq_ip_count *used, const struct puq_ip_count *total,
	char out[PUQ_IP_USAGE_MAX]);

/* ---- reverse DNS ----------------------------------------------------------------------- */

/*
 * The PTR name of ip, without a trailing dot: "2.130.168.192.in-addr.arpa" or 32
 * nibbles + ".ip6.arpa". Returns its length.
 */
size_t puq_ip_ptr_name(const struct puq_ip *ip, char out[PUQ_IP_PTR_MAX]);

/*
 * The reverse zone of the prefix that contains ip (the address is masked first), no
 * trailing dot. Returns 1 with the zone in out; 0 when the prefix needs classless
 * delegation (IPv4 other than /8, /16, /24; IPv6 not a multiple of 4), out = "";
 * -PUQ_EINVAL when prefix is outside 0..bits, with err->text saying so.
 */
int puq_ip_rdns_zone(const struct puq_ip *ip, int prefix, char out[PUQ_IP_PTR_MAX],
	struct puq_error *err);

#endif
