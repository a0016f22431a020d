/*
 * Validation of what an admin types for a pool: the checks that need no database.
 *
 * Each field is checked on its own first (so one bad field never hides another), then
 * the fields are checked against each other only where the parts they depend on are
 * valid: the gateway against the type, the range against the gateway's network. The
 * result is every problem at once, by field, and a normalised struct puq_pool when
 * there is none. The single-value checks are shared with the legacy list parser.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "puqkvm/pool.h"

/*
 * Trims blanks around text into buf; returns buf, or NULL when the trimmed text does
 * not fit. Such a value is longer than any valid one, and a cut one could read as
 * valid ("24", blanks, junk cut to "24" and blanks), so callers refuse it.
 */
static const char *trimmed(const char *text, char *buf, size_t size)
{
	if (!text)
		text = "";
	while (*text && isspace((unsigned char)*text))
		text++;
	size_t n = strlen(text);
	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (n >= size)
		return NULL;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return buf;
}

const char *puq_pool_check_bridge(const char *bridge)
{
	size_t n = bridge ? strlen(bridge) : 0;
	if (n == 0)
		return "enter the Proxmox bridge, e.g. vmbr0";
	if (n > PUQ_BRIDGE_MAX - 1)
		return "a bridge name has at most 15 characters";
	/* Proxmox's pve-bridge-id: letters, digits, '-', '_' and '.'. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)bridge[i];
		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return "a bridge name uses only letters, digits, '-', '_' and '.'";
	}
	if (strcmp(bridge, ".") == 0 || strcmp(bridge, "..") == 0)
		return "not a valid bridge name";
	return NULL;
}

/* A whole number in [lo, hi] with no sign, blanks around it allowed. */
static bool parse_uint(const char *text, unsigned long lo, unsigned long hi,
	unsigned long *out)
{
	char buf[24];
	const char *s = trimmed(text, buf, sizeof(buf));
	unsigned long v = 0;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > hi)
			return false;
	}
	if (v < lo)
		return false;
	*out = v;
	return true;
}

const char *puq_pool_parse_vlan(const char *text, int *vlan)
{
	unsigned long v;
	if (!parse_uint(text, 0, 4094, &v))
		return "the VLAN tag must be a whole number 0-4094 (0 = untagged)";
	*vlan = (int)v;
	return NULL;
}

const char *puq_pool_parse_mask(const char *text, enum puq_ip_family family, unsigned *mask)
{
	unsigned long v;
	/* parse_uint trims (once: trimming a cut value again would hide the cut) */
	const char *s = text ? text : "";
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '/')
		s++;
	if (family == PUQ_IP_V4) {
		if (!parse_uint(s, 1, 32, &v))
			return "the mask must be a prefix length 1-32 for IPv4";
	} else {
		if (!parse_uint(s, 1, 128, &v))
			return "the mask must be a prefix length 1-128 for IPv6";
	}
	*mask = (unsigned)v;
	return NULL;
}

static const char *family_name(enum puq_ip_family f)
{
	return f == PUQ_IP_V4 ? "IPv4" : "IPv6";
}

/* Parses an address field; on failure records the reason and returns false. */
static bool address_field(struct puq_error *err, const char *field, const char *text,
	enum puq_ip_family want, bool optional, struct puq_ip *out)
{
	char buf[64];
	const char *s = trimmed(text, buf, sizeof(buf));
	struct puq_error why;

	if (!s) {
		puq_error_field(err, field, "too long to be an IP address");
		return false;
	}
	if (!*s) {
		if (optional) {
			out->family = PUQ_IP_ANY;
			out->value = 0;
			return true;
		}
		puq_error_field(err, field, "enter an %s address",
			want == PUQ_IP_ANY ? "IP" : family_name(want));
		return false;
	}
	puq_error_clear(&why);
	if (puq_ip_parse_cstr(s, want, out, &why) != 0) {
		puq_error_field(err, field, "%s", why.text);
		return false;
	}
	return true;
}

int puq_pool_validate(const struct puq_pool_input *in, struct puq_pool *out,
	struct puq_error *err)
{
	struct puq_pool p;
	char buf[64];
	size_t before = err ? err->nfields : 0;
	bool ok_type = true, ok_mask = false, ok_gw = false, ok_start = false, ok_stop = false;
	struct puq_error local;

	/* Field errors must be collected somewhere even when the caller passed NULL. */
	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}
	memset(&p, 0, sizeof(p));

	if (in->server_id <= 0)
		puq_error_field(err, "server", "select the Proxmox server");
	p.server_id = in->server_id;

	const char *type = trimmed(in->type, buf, sizeof(buf));
	if (type && (strcasecmp(type, "IPv4") == 0 || strcmp(type, "4") == 0)) {
		p.family = PUQ_IP_V4;
	} else if (type && (strcasecmp(type, "IPv6") == 0 || strcmp(type, "6") == 0)) {
		p.family = PUQ_IP_V6;
	} else {
		puq_error_field(err, "type", "choose IPv4 or IPv6");
		ok_type = false;
	}

	const char *bridge = trimmed(in->bridge, buf, sizeof(buf));
	const char *why = bridge ? puq_pool_check_bridge(bridge)
	                         : "a bridge name has at most 15 characters";
	if (why)
		puq_error_field(err, "bridge", "%s", why);
	else
		puq_strlcpy(p.bridge, bridge, sizeof(p.bridge));

	why = puq_pool_parse_vlan(in->vlan, &p.vlan);
	if (why)
		puq_error_field(err, "vlan", "%s", why);

	/* Without a valid type, addresses are still checked as addresses of either family. */
	enum puq_ip_family want = ok_type ? p.family : PUQ_IP_ANY;

	if (ok_type) {
		why = puq_pool_parse_mask(in->mask, p.family, &p.mask);
		if (why)
			puq_error_field(err, "mask", "%s", why);
		else
			ok_mask = true;
	}
	ok_gw = address_field(err, "gateway", in->gateway, want, false, &p.gateway);
	address_field(err, "dns1", in->dns1, PUQ_IP_ANY, true, &p.dns1);
	address_field(err, "dns2", in->dns2, PUQ_IP_ANY, true, &p.dns2);
	ok_start = address_field(err, "start", in->start, want, false, &p.start);
	ok_stop = address_field(err, "stop", in->stop, want, false, &p.stop);

	if (ok_start && ok_stop && p.start.family == p.stop.family &&
		puq_ip_cmp(&p.start, &p.stop) > 0)
		puq_error_field(err, "stop", "the last address must not be lower than the first");

	if (ok_type && ok_mask && ok_gw) {
		unsigned bits = puq_ip_bits(p.family);
		struct puq_ip net = puq_ip_network(&p.gateway, p.mask);
		struct puq_ip last = puq_ip_last(&p.gateway, p.mask);
		char nettext[PUQ_IP_TEXT_MAX];
		puq_ip_format(&net, PUQ_IP_CANONICAL, nettext);
		/* Network and (IPv4) broadcast addresses exist only below /31 (/127). */
		bool has_net = p.mask + 1 < bits;
		bool has_bcast = p.family == PUQ_IP_V4 && has_net;

		if (has_net && puq_ip_cmp(&p.gateway, &net) == 0)
			puq_error_field(err, "gateway", "%s is the network address of /%u; enter "
			                "the router's address", nettext, p.mask);
		else if (has_bcast && puq_ip_cmp(&p.gateway, &last) == 0)
			puq_error_field(err, "gateway", "the gateway cannot be the broadcast address");

		const char *ends[2] = {"start", "stop"};
		struct puq_ip *addr[2] = {&p.start, &p.stop};
		bool ok[2] = {ok_start, ok_stop};
		for (int i = 0; i < 2; i++) {
			if (!ok[i])
				continue;
			if (!puq_ip_contains(&net, p.mask, addr[i]))
				puq_error_field(err, ends[i], "outside the gateway's network %s/%u",
					nettext, p.mask);
			else if (has_net && puq_ip_cmp(addr[i], &net) == 0)
				puq_error_field(err, ends[i], "%s is the network address, which cannot "
				                "be assigned", nettext);
			else if (has_bcast && puq_ip_cmp(addr[i], &last) == 0)
				puq_error_field(err, ends[i],
					"the broadcast address cannot be assigned");
		}
		if (ok_start && ok_stop && puq_ip_cmp(&p.start, &p.stop) <= 0 &&
			puq_ip_cmp(&p.gateway, &p.start) >= 0 && puq_ip_cmp(&p.gateway, &p.stop) <= 0)
			puq_error_field(err, "start", "the range contains the gateway; start it "
			                "after or end it before the gateway");
	}

	if (err->nfields > before)
		return -PUQ_EVALIDATION;
	if (out)
		*out = p;
	return 0;
}
