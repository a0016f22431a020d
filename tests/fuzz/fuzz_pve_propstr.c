/*
 * Fuzz target: Proxmox VE property strings (src/pve/propstr.c) - drive strings, NIC
 * strings, volume ids and sizes, as they arrive in a VM config.
 *
 * The input is one value, run through every reader. Invariants:
 *  - a volume id splits into storage ':' volname, which put back together is the input;
 *  - a drive string the parser accepts still parses after its limits are rewritten,
 *    with the same volume and options and exactly the new limits, and rewriting it
 *    again with the same limits changes nothing;
 *  - a NIC string the parser accepts, when formatted, parses back to the same NIC
 *    (a limited rate stays limited: it never becomes 0, which Proxmox reads as
 *    unlimited), and formatting is stable;
 *  - a size is a number of bytes that exists (never past 2^63);
 *  - every error is terminated, not empty, and names the drive key where it is a
 *    field error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "puqkvm/pve_config.h"

/* Limit sets to rewrite drives with: none, some, all, with fractions Proxmox keeps. */
static const struct puq_pve_disk_limits limit_sets[] = {
    {0, 0, 0, 0},
    {12.5, 0, 500, 0},
    {0.001, 1000000, 1, 999999999},
};

static void check_volid(const char *value)
{
	struct puq_pve_volid v;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_volid_parse(value, &v, &err);
	fuzz_check_result("puq_pve_volid_parse", rc, &err);
	FUZZ_CHECK(fuzz_terminated(v.storage, sizeof(v.storage)) &&
	               fuzz_terminated(v.volname, sizeof(v.volname)) &&
	               fuzz_terminated(v.format, sizeof(v.format)),
	           "volid fields not terminated");
	if (rc)
		return;
	FUZZ_CHECK(v.storage[0] && v.volname[0], "volid '%s' with an empty part", value);
	char joined[sizeof(v.storage) + sizeof(v.volname) + 1];
	snprintf(joined, sizeof(joined), "%s:%s", v.storage, v.volname);
	FUZZ_CHECK(strcmp(joined, value) == 0, "volid '%s' splits into '%s'", value, joined);
	static const char *const known[] = {"",     "raw", "qcow2", "vmdk",
	                                    "qcow", "qed", "cloop"};
	bool ok = false;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(known); i++)
		ok |= strcmp(v.format, known[i]) == 0;
	FUZZ_CHECK(ok, "volid format '%s'", v.format);
}

static bool same_disk(const struct puq_pve_disk *a, const struct puq_pve_disk *b)
{
	return strcmp(a->file, b->file) == 0 && strcmp(a->format, b->format) == 0 &&
	       a->size == b->size && a->cdrom == b->cdrom && a->cloudinit == b->cloudinit;
}

static int parse_disk(const char *value, struct puq_pve_disk *d)
{
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_disk_parse("scsi0", value, d, &err);
	fuzz_check_result("puq_pve_disk_parse", rc, &err);
	FUZZ_CHECK(fuzz_terminated(d->key, sizeof(d->key)) &&
	               fuzz_terminated(d->file, sizeof(d->file)) &&
	               fuzz_terminated(d->format, sizeof(d->format)),
	           "drive fields not terminated");
	if (rc) {
		FUZZ_CHECK(puq_error_field_message(&err, "scsi0") != NULL,
		           "a bad drive string does not name its key");
		return rc;
	}
	FUZZ_CHECK(d->file[0] && d->format[0], "accepted drive without a volume or format");
	FUZZ_CHECK(strcmp(d->key, "scsi0") == 0, "drive key '%s'", d->key);
	FUZZ_CHECK(d->mbps_rd >= 0 && d->mbps_wr >= 0 && isfinite(d->mbps_rd) &&
	               isfinite(d->mbps_wr),
	           "drive limits %g %g", d->mbps_rd, d->mbps_wr);
	return 0;
}

static char *with_limits(const char *value, const struct puq_pve_disk_limits *lim)
{
	struct puq_buf out = PUQ_BUF_INIT;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_disk_with_limits(value, lim, &out, &err);
	fuzz_check_result("puq_pve_disk_with_limits", rc, &err);
	if (rc) {
		FUZZ_CHECK(value[0] == '\0', "limits refused for '%s': %s", value, err.text);
		puq_buf_free(&out);
		return NULL;
	}
	char *text = puq_buf_steal(&out);
	FUZZ_CHECK(text != NULL, "no rewritten drive string");
	return text;
}

/* Empty options of a property string, counted the way Proxmox splits it ("a,,b" has
 * one; a trailing comma ends the string). */
static size_t empty_options(const char *s)
{
	size_t n = 0;
	while (*s) {
		size_t len = strcspn(s, ",");
		n += len == 0;
		s += len + (s[len] == ',');
	}
	return n;
}

static void check_disk(const char *value)
{
	struct puq_pve_disk d;
	if (parse_disk(value, &d) != 0)
		return;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(limit_sets); i++) {
		const struct puq_pve_disk_limits *lim = &limit_sets[i];
		char *once = with_limits(value, lim);
		FUZZ_CHECK(once, "an accepted drive string cannot take limits");
		struct puq_pve_disk after;
		FUZZ_CHECK(parse_disk(once, &after) == 0, "'%s' with limits, '%s', is refused",
		           value, once);
		FUZZ_CHECK(same_disk(&d, &after), "limits changed the drive: '%s' -> '%s'", value,
		           once);
		/* options are never glued together or split into empty ones */
		FUZZ_CHECK(empty_options(once) <= empty_options(value),
		           "'%s' -> '%s' has more empty options", value, once);
		FUZZ_CHECK(after.mbps_rd == lim->mbps_rd && after.mbps_wr == lim->mbps_wr &&
		               after.iops_rd == lim->iops_rd && after.iops_wr == lim->iops_wr,
		           "'%s' -> '%s' does not carry the limits", value, once);
		char *twice = with_limits(once, lim);
		FUZZ_CHECK(twice && strcmp(once, twice) == 0,
		           "rewriting is not stable: '%s' '%s'", once, twice ? twice : "(null)");
		PUQ_FREE(twice);
		PUQ_FREE(once);
	}
}

static bool same_net(const struct puq_pve_net *a, const struct puq_pve_net *b)
{
	return strcmp(a->model, b->model) == 0 && strcasecmp(a->mac, b->mac) == 0 &&
	       strcmp(a->bridge, b->bridge) == 0 && a->tag == b->tag &&
	       fabs(a->rate - b->rate) <= 0.0005 + 1e-12 * a->rate &&
	       a->firewall == b->firewall && a->link_down == b->link_down &&
	       a->mtu == b->mtu && a->queues == b->queues &&
	       strcmp(a->trunks, b->trunks) == 0;
}

static char *format_net(const struct puq_pve_net *n)
{
	struct puq_buf out = PUQ_BUF_INIT;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_net_format(n, &out, &err);
	fuzz_check_result("puq_pve_net_format", rc, &err);
	if (rc) {
		FUZZ_CHECK(err.nfields == 1, "a refused NIC names no field");
		puq_buf_free(&out);
		return NULL;
	}
	return puq_buf_steal(&out);
}

static int parse_net(const char *value, struct puq_pve_net *n)
{
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_net_parse(value, n, &err);
	fuzz_check_result("puq_pve_net_parse", rc, &err);
	FUZZ_CHECK(fuzz_terminated(n->model, sizeof(n->model)) &&
	               fuzz_terminated(n->mac, sizeof(n->mac)) &&
	               fuzz_terminated(n->bridge, sizeof(n->bridge)) &&
	               fuzz_terminated(n->trunks, sizeof(n->trunks)),
	           "NIC fields not terminated");
	if (rc == 0)
		FUZZ_CHECK(n->model[0] && n->rate >= 0 && isfinite(n->rate), "accepted NIC");
	return rc;
}

static void check_net(const char *value)
{
	struct puq_pve_net n;
	if (parse_net(value, &n) != 0)
		return;
	char *text = format_net(&n);
	if (!text)
		return; /* values Proxmox stores but the module never writes (a bridge with '=')
		         */
	struct puq_pve_net back;
	FUZZ_CHECK(parse_net(text, &back) == 0, "'%s' formats as '%s', which is refused",
	           value, text);
	FUZZ_CHECK(same_net(&n, &back), "'%s' formats as '%s', which reads differently",
	           value, text);
	FUZZ_CHECK((n.rate > 0) == (back.rate > 0), "'%s': rate %g written as '%s'", value,
	           n.rate, text);
	char *again = format_net(&back);
	FUZZ_CHECK(again && strcmp(text, again) == 0, "NIC format not stable: '%s' '%s'",
	           text, again ? again : "(null)");
	PUQ_FREE(again);
	PUQ_FREE(text);
}

static void check_size(const char *value)
{
	unsigned long long bytes = 0;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_size_parse(value, &bytes, &err);
	fuzz_check_result("puq_pve_size_parse", rc, &err);
	if (rc)
		return;
	/* the number the text means, in long double: the parse must not have wrapped */
	char *end;
	long double v = strtold(value, &end);
	long double mul = *end == 'K'   ? 1024.0L
	                  : *end == 'M' ? 1048576.0L
	                  : *end == 'G' ? 1073741824.0L
	                  : *end == 'T' ? 1099511627776.0L
	                                : 1.0L;
	long double want = v * mul;
	FUZZ_CHECK(want < 9223372036854775808.0L,
	           "size '%s' (%Lg bytes) accepted as %llu bytes", value, want, bytes);
	FUZZ_CHECK(fabsl((long double)bytes - want) <= 1.0L + want * 1e-15L,
	           "size '%s' is %Lg bytes, parsed as %llu", value, want, bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *value = fuzz_cstr(data, size);
	check_volid(value);
	check_disk(value);
	check_net(value);
	check_size(value);
	PUQ_FREE(value);
	return 0;
}
