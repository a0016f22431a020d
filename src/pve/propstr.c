/*
 * Proxmox VE property strings: volume ids, drive strings, network strings and sizes.
 *
 * A property string is "key=value" pairs joined by ',', where one default key may
 * appear bare first (the drive's volume, the NIC's model). Proxmox re-prints them
 * canonically: default key first, then the rest sorted (pve-common JSONSchema
 * print_property_string); the NIC's "<model>=<MAC>" is the model key aliased to carry
 * the MAC. Values never contain ','.
 *
 * Volume formats come from the file extension of the volume name's last path
 * component only: "local:qcow2/101/vm-101-disk-0" is a raw volume in a directory that
 * happens to be called qcow2, "nfs.a:101/vm-101-disk-1.qcow2" is qcow2, and LVM/ZFS
 * volumes ("local-lvm:vm-101-disk-0") have no extension at all.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "puqkvm/pve_config.h"

/* One pair of a property string; key is "" for a bare default value. */
struct pair {
	const char *key, *val;
	size_t klen, vlen;
	const char *raw; /* the whole "key=value" text */
	size_t rawlen;
};

/* Next pair starting at *p; false at the end. */
static bool next_pair(const char **p, struct pair *pr)
{
	const char *s = *p;
	if (!*s)
		return false;
	size_t len = strcspn(s, ",");
	pr->raw = s;
	pr->rawlen = len;
	const char *eq = memchr(s, '=', len);
	if (eq) {
		pr->key = s;
		pr->klen = (size_t)(eq - s);
		pr->val = eq + 1;
		pr->vlen = len - pr->klen - 1;
	} else {
		pr->key = "";
		pr->klen = 0;
		pr->val = s;
		pr->vlen = len;
	}
	*p = s + len + (s[len] == ',');
	return true;
}

static bool is(const struct pair *pr, const char *key)
{
	return pr->klen == strlen(key) && strncmp(pr->key, key, pr->klen) == 0;
}

static bool copy_val(const struct pair *pr, char *dst, size_t size)
{
	if (pr->vlen >= size)
		return false;
	memcpy(dst, pr->val, pr->vlen);
	dst[pr->vlen] = '\0';
	return true;
}

static bool val_ll(const struct pair *pr, long long *out)
{
	char tmp[32];
	char *end;
	if (!copy_val(pr, tmp, sizeof(tmp)) || !tmp[0])
		return false;
	errno = 0;
	*out = strtoll(tmp, &end, 10);
	return !errno && !*end;
}

/* Room for any double written the way put_decimal writes it: DBL_MAX has 309 integer
 * digits, the smallest subnormal needs 326 decimals. */
#define DECIMAL_TEXT_MAX 400

static bool val_double(const struct pair *pr, double *out)
{
	char tmp[DECIMAL_TEXT_MAX];
	char *end;
	if (!copy_val(pr, tmp, sizeof(tmp)) || !tmp[0])
		return false;
	errno = 0;
	*out = strtod(tmp, &end);
	return !errno && !*end && isfinite(*out) && *out >= 0;
}

static const char *const formats[] = {"raw", "qcow2", "vmdk", "qcow", "qed", "cloop"};

int puq_pve_volid_parse(const char *volid, struct puq_pve_volid *out,
	struct puq_error *err)
{
	memset(out, 0, sizeof(*out));
	const char *colon = strchr(volid, ':');
	if (!colon || colon == volid || !colon[1])
		return puq_error_set(err, PUQ_EPARSE, "'%.100s' is not a volume id (storage:name)",
			volid);
	size_t slen = (size_t)(colon - volid);
	if (slen >= sizeof(out->storage) || strlen(colon + 1) >= sizeof(out->volname))
		return puq_error_set(err, PUQ_EPARSE, "volume id '%.100s' is too long", volid);
	memcpy(out->storage, volid, slen);
	puq_strlcpy(out->volname, colon + 1, sizeof(out->volname));

	const char *base = strrchr(out->volname, '/');
	base = base ? base + 1 : out->volname;
	const char *dot = strrchr(base, '.');
	if (dot)
		for (size_t i = 0; i < PUQ_ARRAY_LEN(formats); i++)
			if (strcmp(dot + 1, formats[i]) == 0)
				puq_strlcpy(out->format, formats[i], sizeof(out->format));
	return 0;
}

int puq_pve_size_parse(const char *text, unsigned long long *bytes, struct puq_error *err)
{
	char *end;
	errno = 0;
	double v = strtod(text, &end);
	double mul = 1;
	if (end == text || errno || v < 0 || !isfinite(v))
		goto bad;
	switch (*end) {
	case 'K': mul = 1024.0; break;
	case 'M': mul = 1024.0 * 1024; break;
	case 'G': mul = 1024.0 * 1024 * 1024; break;
	case 'T': mul = 1024.0 * 1024 * 1024 * 1024; break;
	case '\0': break;
	default: goto bad;
	}
	if (*end && end[1])
		goto bad;
	/* llround's range ends at 2^63 (8 EiB): past it the result would be garbage */
	if (v * mul >= 9223372036854775808.0)
		return puq_error_set(err, PUQ_EPARSE, "'%.40s' is larger than 8 EiB", text);
	*bytes = (unsigned long long)llround(v * mul);
	return 0;
bad:
	return puq_error_set(err, PUQ_EPARSE, "'%.40s' is not a size such as 32G", text);
}

int puq_pve_disk_parse(const char *key, const char *value, struct puq_pve_disk *out,
	struct puq_error *err)
{
	struct pair pr;
	const char *p = value;
	char tmp[64];
	memset(out, 0, sizeof(*out));
	puq_strlcpy(out->key, key, sizeof(out->key));

	while (next_pair(&p, &pr)) {
		bool ok = true;
		if (pr.klen == 0 || is(&pr, "file"))
			ok = copy_val(&pr, out->file, sizeof(out->file));
		else if (is(&pr, "media"))
			out->cdrom = pr.vlen == 5 && strncmp(pr.val, "cdrom", 5) == 0;
		else if (is(&pr, "format"))
			ok = copy_val(&pr, out->format, sizeof(out->format));
		else if (is(&pr, "size"))
			ok = copy_val(&pr, tmp, sizeof(tmp)) && puq_pve_size_parse(tmp, &out->size, NULL) == 0;
		else if (is(&pr, "mbps_rd"))
			ok = val_double(&pr, &out->mbps_rd);
		else if (is(&pr, "mbps_wr"))
			ok = val_double(&pr, &out->mbps_wr);
		else if (is(&pr, "iops_rd"))
			ok = val_ll(&pr, &out->iops_rd);
		else if (is(&pr, "iops_wr"))
			ok = val_ll(&pr, &out->iops_wr);
		if (!ok)
			return puq_error_field(err, key, "malformed option '%.*s' in '%.120s'",
				(int)pr.klen, pr.key, value);
	}
	if (!out->file[0])
		return puq_error_field(err, key, "drive '%.120s' names no volume", value);
	/* "local-lvm:vm-101-cloudinit", "local:101/vm-101-cloudinit.qcow2" */
	out->cloudinit = strstr(out->file, "cloudinit") != NULL;
	if (strchr(out->file, ':') && out->file[0] != '/')
		puq_pve_volid_parse(out->file, &out->vol, NULL);
	if (!out->format[0])
		puq_strlcpy(out->format, out->vol.format[0] ? out->vol.format : "raw",
			sizeof(out->format));
	return 0;
}

/*
 * A decimal without exponent or trailing zeros ("12.5", "100"), as Proxmox prints:
 * three decimals, or as many as a smaller limit needs to stay above 0, which Proxmox
 * reads as unlimited. Any finite double fits, and val_double reads it back.
 */
static void put_decimal(struct puq_buf *out, double v)
{
	char tmp[DECIMAL_TEXT_MAX];
	int prec = v > 0 && v < 0.0005 ? (int)ceil(-log10(v)) + 2 : 3;
	int n = snprintf(tmp, sizeof(tmp), "%.*f", prec, v);
	if (n < 0 || (size_t)n >= sizeof(tmp)) { /* not a finite double */
		puq_buf_puts(out, "0");
		return;
	}
	while (n > 0 && tmp[n - 1] == '0')
		tmp[--n] = '\0';
	if (n > 0 && tmp[n - 1] == '.')
		tmp[--n] = '\0';
	puq_buf_puts(out, tmp);
}

static void put_limit(struct puq_buf *out, bool first, const char *key, double v,
	bool integer)
{
	puq_buf_printf(out, "%s%s=", first ? "" : ",", key);
	if (integer)
		puq_buf_printf(out, "%lld", (long long)v);
	else
		put_decimal(out, v);
}

int puq_pve_disk_with_limits(const char *value, const struct puq_pve_disk_limits *lim,
	struct puq_buf *out, struct puq_error *err)
{
	static const char *const keys[] = {"mbps_rd", "mbps_wr", "iops_rd", "iops_wr"};
	const double vals[] = {lim->mbps_rd, lim->mbps_wr, (double)lim->iops_rd,
		(double)lim->iops_wr};
	bool done[4] = {false, false, false, false};
	struct pair pr;
	const char *p = value;
	bool first = true; /* nothing written yet: the next option needs no comma */
	bool kept = false; /* an option other than the limits was kept */

	for (int i = 0; i < 4; i++)
		if (vals[i] < 0 || !isfinite(vals[i]))
			return puq_error_field(err, keys[i], "must be 0 (unlimited) or more");
	while (next_pair(&p, &pr)) {
		int which = -1;
		for (int i = 0; i < 4; i++)
			if (is(&pr, keys[i]))
				which = i;
		if (which < 0) {
			if (!first)
				puq_buf_putc(out, ',');
			puq_buf_append(out, pr.raw, pr.rawlen);
			first = false;
			kept = true;
			continue;
		}
		/* replace in place; 0 drops the option (unlimited) */
		done[which] = true;
		if (vals[which] > 0) {
			put_limit(out, first, keys[which], vals[which], which >= 2);
			first = false;
		}
	}
	if (!kept)
		return puq_error_set(err, PUQ_EPARSE, "empty drive string");
	for (int i = 0; i < 4; i++)
		if (!done[i] && vals[i] > 0)
			put_limit(out, false, keys[i], vals[i], i >= 2);
	return puq_buf_failed(out) ? puq_error_set(err, PUQ_ENOMEM, NULL) : 0;
}

static const char *const nic_models[] = {"e1000", "e1000-82540em", "e1000-82544gc",
	"e1000-82545em", "e1000e", "i82551", "i82557b", "i82559er", "ne2k_isa", "ne2k_pci",
	"pcnet", "rtl8139", "virtio", "vmxnet3"};

static bool nic_model(const char *s, size_t len)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(nic_models); i++)
		if (strlen(nic_models[i]) == len && strncmp(s, nic_models[i], len) == 0)
			return true;
	return false;
}

static bool mac_ok(const char *m)
{
	if (strlen(m) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? m[i] != ':' : !isxdigit((unsigned char)m[i]))
			return false;
	return true;
}

int puq_pve_net_parse(const char *value, struct puq_pve_net *out, struct puq_error *err)
{
	struct pair pr;
	const char *p = value;
	long long n;
	memset(out, 0, sizeof(*out));
	out->firewall = out->link_down = -1;

	while (next_pair(&p, &pr)) {
		bool ok = true;
		if (pr.klen && nic_model(pr.key, pr.klen)) {
			/* "<model>=<MAC>" */
			memcpy(out->model, pr.key, pr.klen);
			out->model[pr.klen] = '\0';
			ok = copy_val(&pr, out->mac, sizeof(out->mac)) && mac_ok(out->mac);
		} else if (pr.klen == 0 || is(&pr, "model")) {
			ok = nic_model(pr.val, pr.vlen) && copy_val(&pr, out->model, sizeof(out->model));
		} else if (is(&pr, "macaddr")) {
			ok = copy_val(&pr, out->mac, sizeof(out->mac)) && mac_ok(out->mac);
		} else if (is(&pr, "bridge")) {
			ok = copy_val(&pr, out->bridge, sizeof(out->bridge));
		} else if (is(&pr, "tag")) {
			ok = val_ll(&pr, &n) && n >= 1 && n <= 4094;
			out->tag = (long)n;
		} else if (is(&pr, "rate")) {
			ok = val_double(&pr, &out->rate);
		} else if (is(&pr, "firewall") || is(&pr, "link_down")) {
			ok = val_ll(&pr, &n) && (n == 0 || n == 1);
			*(is(&pr, "firewall") ? &out->firewall : &out->link_down) = (int)n;
		} else if (is(&pr, "mtu")) {
			ok = val_ll(&pr, &n) && n >= 1 && n <= 65520;
			out->mtu = (long)n;
		} else if (is(&pr, "queues")) {
			ok = val_ll(&pr, &n) && n >= 0 && n <= 64;
			out->queues = (long)n;
		} else if (is(&pr, "trunks")) {
			ok = copy_val(&pr, out->trunks, sizeof(out->trunks));
		}
		if (!ok)
			return puq_error_set(err, PUQ_EPARSE, "malformed network option '%.*s' in '%.120s'",
				(int)(pr.klen ? pr.klen : pr.vlen), pr.klen ? pr.key : pr.val, value);
	}
	if (!out->model[0])
		return puq_error_set(err, PUQ_EPARSE, "network device '%.120s' has no model", value);
	return 0;
}

int puq_pve_net_format(const struct puq_pve_net *net, struct puq_buf *out,
	struct puq_error *err)
{
	if (!nic_model(net->model, strlen(net->model)))
		return puq_error_field(err, "model", "'%s' is not a Proxmox NIC model", net->model);
	if (net->mac[0] && !mac_ok(net->mac))
		return puq_error_field(err, "mac", "'%s' is not a MAC address", net->mac);
	if (net->tag < 0 || net->tag > 4094)
		return puq_error_field(err, "tag", "VLAN tag must be 1-4094 (0 = untagged)");
	if (net->rate < 0 || !isfinite(net->rate))
		return puq_error_field(err, "rate", "must be 0 (unlimited) or more MB/s");
	for (const char *c = net->bridge; *c; c++)
		if (*c == ',' || *c == '=' || isspace((unsigned char)*c))
			return puq_error_field(err, "bridge", "'%s' is not a bridge name", net->bridge);

	/* the model carries the MAC; the rest sorted like Proxmox prints them */
	puq_buf_puts(out, net->model);
	if (net->mac[0])
		puq_buf_printf(out, "=%s", net->mac);
	if (net->bridge[0])
		puq_buf_printf(out, ",bridge=%s", net->bridge);
	if (net->firewall >= 0)
		puq_buf_printf(out, ",firewall=%d", net->firewall);
	if (net->link_down >= 0)
		puq_buf_printf(out, ",link_down=%d", net->link_down);
	if (net->mtu > 0)
		puq_buf_printf(out, ",mtu=%ld", net->mtu);
	if (net->queues > 0)
		puq_buf_printf(out, ",queues=%ld", net->queues);
	if (net->rate > 0) {
		puq_buf_puts(out, ",rate=");
		put_decimal(out, net->rate);
	}
	if (net->tag > 0)
		puq_buf_printf(out, ",tag=%ld", net->tag);
	if (net->trunks[0])
		puq_buf_printf(out, ",trunks=%s", net->trunks);
	return puq_buf_failed(out) ? puq_error_set(err, PUQ_ENOMEM, NULL) : 0;
}
