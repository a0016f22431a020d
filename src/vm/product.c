/*
 * The product a VM is built from: the server module's settings (research product.md
 * 6.2) and the service's configurable options (6.3), resolved into struct
 * puq_vm_product (its JSON form stored with the VM: product_json.c).
 *
 * The settings are one table: each entry names a WHMCS configoption slot, or is a
 * "key = value" line of the advanced slot (PUQ_VM_EXTRA_SLOT), so every setting fits
 * WHMCS's 24 slots and the server module's ConfigOptions is generated from the table.
 * Resolution validates everything first and reports every bad value at once; then the
 * configurable options are applied over the settings. An option the service has wins,
 * its value 0 included (v3.3 semantics); a plain name wins over its legacy prefix.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "puqkvm/vm.h"

#define INT_DEF(n, slot_, dflt_, lo, hi, label_, help_)                                   \
	{.name = (n), .slot = (slot_), .type = PUQ_VM_SET_INT, .dflt = #dflt_, .min = (lo),     \
		.max = (hi), .label = (label_), .help = (help_)}
#define BOOL_DEF(n, slot_, on, label_, help_)                                            \
	{.name = (n), .slot = (slot_), .type = PUQ_VM_SET_BOOL, .dflt = (on) ? "on" : "",      \
		.label = (label_), .help = (help_)}
#define CHOICE_DEF(n, slot_, dflt_, choices_, label_, help_)                              \
	{.name = (n), .slot = (slot_), .type = PUQ_VM_SET_CHOICE, .dflt = (dflt_),            \
		.choices = (choices_), .label = (label_), .help = (help_)}
#define TEXT_DEF(n, slot_, dflt_, loader_, label_, help_)                                 \
	{.name = (n), .slot = (slot_), .type = PUQ_VM_SET_TEXT, .dflt = (dflt_),              \
		.loader = (loader_), .label = (label_), .help = (help_)}
#define X PUQ_VM_EXTRA_SLOT

static const struct puq_vm_setting_def defs[] = {
	TEXT_DEF("target_node", 1, "", "nodes", "Target node",
		"Node the VM runs on; empty or \"automatically\": the online node with the most "
		"free RAM. The clone is made on the template's node, then migrated."),
	INT_DEF("os_template", 2, 0, 0, 999999999, "OS template",
		"VMID of the template cloned when the service has no Operating System option."),
	CHOICE_DEF("clone_type", 3, "linked", "linked,full", "Clone type",
		"linked: fast, shares the template's disk (cannot leave local storage); full: "
		"an independent copy."),
	INT_DEF("cpu", 4, 1, 1, 512, "CPU cores", NULL),
	INT_DEF("ram", 5, 1, 1, 16384, "RAM (GB)", NULL),
	TEXT_DEF("vm_name_rule", 6, "{client_id}-{service_id}", NULL, "VM name rule",
		"Macros: {client_id} {service_id} {random_digit_X} {random_letter_X} {unixtime} "
		"{year} {month} {day} {hour} {minute} {second}."),
	INT_DEF("first_vmid", 7, 100, 100, 999999999, "First VM ID",
		"VMIDs are taken from here upward, skipping every ID used in Proxmox or WHMCS."),
	TEXT_DEF("os_username", 8, "", NULL, "OS username", "Cloud-init user; empty = random."),
	TEXT_DEF("main_domain", 9, "", NULL, "Main domain",
		"FQDN = VM name + \".\" + this; written to the service's domain and to DNS."),
	TEXT_DEF("bridge", 10, "vmbr0", NULL, "Bridge", NULL),
	INT_DEF("vlan", 11, 0, 0, 4094, "VLAN tag", "0 = untagged."),
	CHOICE_DEF("net_model", 12, "", ",virtio,e1000,rtl8139,vmxnet3", "Network model",
		"Empty = as in the template."),
	INT_DEF("net_rate", 13, 0, 0, 100000, "Network bandwidth (MB/s)", "0 = unlimited."),
	INT_DEF("ipv4_count", 14, 1, 0, PUQ_POOL_MAX_PER_SERVICE, "IPv4 addresses", NULL),
	INT_DEF("ipv6_count", 15, 0, 0, PUQ_POOL_MAX_PER_SERVICE, "IPv6 addresses", NULL),
	BOOL_DEF("auto_bridge_vlan", 16, true, "Auto bridge/VLAN",
		"Take bridge and VLAN from the pool of the allocated address."),
	BOOL_DEF("dhcp4", 17, false, "DHCP IPv4",
		"No IPv4 allocation, no anti-spoofing entries; cloud-init asks for DHCP."),
	BOOL_DEF("dhcp6", 18, false, "DHCP IPv6", "As DHCP IPv4, for IPv6."),
	TEXT_DEF("system_disk_storage", 19, "", "storages", "System disk storage",
		"Empty = as in the template. A full clone is placed there; a migration moves "
		"the disk there."),
	INT_DEF("system_disk_size", 20, 0, 0, 1048576, "System disk size (GB)",
		"0 = keep the template's size. Disks only grow."),
	TEXT_DEF("additional_disk_storage", 21, "", "storages", "Additional disk storage",
		"Empty = the system disk's storage."),
	INT_DEF("additional_disk_size", 22, 0, 0, 1048576, "Additional disk size (GB)",
		"0 = none."),

	/* advanced: "key = value" lines of slot 23 */
	INT_DEF("system_disk_mbps_rd", X, 0, 0, 100000, "System disk read MB/s", NULL),
	INT_DEF("system_disk_mbps_wr", X, 0, 0, 100000, "System disk write MB/s", NULL),
	INT_DEF("system_disk_iops_rd", X, 0, 0, 10000000, "System disk read IOPS", NULL),
	INT_DEF("system_disk_iops_wr", X, 0, 0, 10000000, "System disk write IOPS", NULL),
	INT_DEF("additional_disk_mbps_rd", X, 0, 0, 100000, "Additional disk read MB/s", NULL),
	INT_DEF("additional_disk_mbps_wr", X, 0, 0, 100000, "Additional disk write MB/s", NULL),
	INT_DEF("additional_disk_iops_rd", X, 0, 0, 10000000, "Additional disk read IOPS", NULL),
	INT_DEF("additional_disk_iops_wr", X, 0, 0, 10000000, "Additional disk write IOPS", NULL),
	BOOL_DEF("firewall_enable", X, true, "Firewall", NULL),
	CHOICE_DEF("firewall_policy_in", X, "ACCEPT", "ACCEPT,DROP,REJECT", "Input policy", NULL),
	CHOICE_DEF("firewall_policy_out", X, "ACCEPT", "ACCEPT,DROP,REJECT", "Output policy", NULL),
	CHOICE_DEF("firewall_log_in", X, "nolog", "nolog,info,notice,warning", "Log level in",
		NULL),
	CHOICE_DEF("firewall_log_out", X, "nolog", "nolog,info,notice,warning", "Log level out",
		NULL),
	BOOL_DEF("firewall_dhcp", X, true, "Firewall DHCP", NULL),
	BOOL_DEF("firewall_ndp", X, true, "Firewall NDP", NULL),
	BOOL_DEF("firewall_radv", X, false, "Firewall router advertisement", NULL),
	BOOL_DEF("firewall_macfilter", X, true, "MAC filter", NULL),
	BOOL_DEF("firewall_ipfilter", X, false, "IP filter", NULL),
	BOOL_DEF("anti_spoofing", X, true, "Anti-spoofing",
		"IPSet ipfilter-net0 with the VM's addresses (helps with DROP/DROP policies)."),
	INT_DEF("backups", X, 0, 0, 1000, "Backups", "Default quota; 0 = disabled."),
	INT_DEF("snapshots", X, 0, 0, 1000, "Snapshots", "Default quota; 0 = disabled."),
	/* backups, snapshots and the client area (src/job, src/backup, src/snapshot, src/client) */
	TEXT_DEF("backup_storage", X, "", NULL, "Backups storage",
		"A storage with content \"backup\" that every node reaches (shared, or the same "
		"name everywhere); empty = no backups. Its own pruning must not fight the quota."),
	TEXT_DEF("iso_storage", X, "", NULL, "ISOs storage",
		"A storage with content \"iso\" the client may mount images from; empty = no ISO page."),
	BOOL_DEF("snapshot_schedule", X, false, "Snapshot schedule mode",
		"On: clients set a weekly schedule, the oldest snapshot makes room (FIFO) and the "
		"lifetime is off."),
	INT_DEF("snapshot_lifetime", X, 0, 0, 10, "Snapshot lifetime (days)",
		"0 = snapshots stay until removed; 1-10: Remove Old Snapshots deletes older ones."),
	BOOL_DEF("client_start", X, true, "Client: Start", NULL),
	BOOL_DEF("client_stop", X, true, "Client: Stop and reboot", NULL),
	BOOL_DEF("client_charts", X, true, "Client: Charts", NULL),
	BOOL_DEF("client_reinstall", X, true, "Client: Reinstall", NULL),
	BOOL_DEF("client_reset_password", X, true, "Client: Reset password", NULL),
	BOOL_DEF("client_revdns", X, true, "Client: Reverse DNS", NULL),
	BOOL_DEF("client_iso", X, true, "Client: ISO mount", NULL),
	BOOL_DEF("client_firewall", X, true, "Client: Firewall", NULL),
	TEXT_DEF("email_vm_ready", X, "puqProxmoxKVM VM is ready", NULL,
		"E-mail: VM is ready", "Template name; \"none\" = no e-mail."),
	TEXT_DEF("email_reset_password", X, "puqProxmoxKVM Reset password", NULL,
		"E-mail: reset password", NULL),
	TEXT_DEF("email_backup_restored", X, "puqProxmoxKVM Backup restored", NULL,
		"E-mail: backup restored", NULL),
	TEXT_DEF("email_upgrade", X, "puqProxmoxKVM Upgrade Email", NULL, "E-mail: upgrade",
		NULL),
};
#undef X

size_t puq_vm_settings_count(void)
{
	return PUQ_ARRAY_LEN(defs);
}

const struct puq_vm_setting_def *puq_vm_settings_def(size_t i)
{
	return i < PUQ_ARRAY_LEN(defs) ? &defs[i] : NULL;
}

/* ---- values ---------------------------------------------------------------------------- */

/* The value of every setting as text, before typing. */
struct raw {
	const char *v[PUQ_ARRAY_LEN(defs)];
	char extra[PUQ_ARRAY_LEN(defs)][PUQ_VM_TEXT_MAX];
};

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

static int def_index(const char *name, size_t len)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(defs); i++)
		if (strlen(defs[i].name) == len && strncasecmp(defs[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

/* Splits the advanced text into the extra values; unknown keys are field errors. */
static void parse_extra(const char *text, struct raw *raw, struct puq_error *err)
{
	char field[PUQ_FIELD_NAME_MAX];
	unsigned lineno = 0;
	for (const char *p = text; p && *p;) {
		const char *end = p + strcspn(p, "\n");
		const char *line = p;
		size_t len = (size_t)(end - p);
		p = *end ? end + 1 : end;
		lineno++;
		trim(&line, &len);
		if (!len || line[0] == '#')
			continue;
		const char *eq = memchr(line, '=', len);
		snprintf(field, sizeof(field), "configoption%d", PUQ_VM_EXTRA_SLOT);
		if (!eq) {
			puq_error_field(err, field, "line %u: write key = value", lineno);
			continue;
		}
		const char *key = line, *val = eq + 1;
		size_t klen = (size_t)(eq - line), vlen = len - klen - 1;
		trim(&key, &klen);
		trim(&val, &vlen);
		int i = def_index(key, klen);
		if (i < 0 || defs[i].slot != PUQ_VM_EXTRA_SLOT) {
			puq_error_field(err, field, "line %u: unknown setting '%.*s'", lineno,
				(int)(klen > 40 ? 40 : klen), key);
			continue;
		}
		if (vlen >= sizeof(raw->extra[i])) {
			snprintf(field, sizeof(field), "configoption%d.%s", PUQ_VM_EXTRA_SLOT, defs[i].name);
			puq_error_field(err, field, "is longer than %zu characters", sizeof(raw->extra[i]) - 1);
			continue;
		}
		memcpy(raw->extra[i], val, vlen);
		raw->extra[i][vlen] = '\0';
		raw->v[i] = raw->extra[i];
	}
}

static bool parse_ll(const char *s, long long *out)
{
	char *end;
	errno = 0;
	while (isspace((unsigned char)*s))
		s++;
	long long v = strtoll(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || end == s || *end)
		return false;
	*out = v;
	return true;
}

static bool parse_bool(const char *s, bool *out)
{
	static const char *const on[] = {"on", "1", "yes", "true"};
	static const char *const off[] = {"", "0", "off", "no", "false"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(on); i++)
		if (strcasecmp(s, on[i]) == 0)
			return *out = true, true;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(off); i++)
		if (strcasecmp(s, off[i]) == 0)
			return *out = false, true;
	return false;
}

static bool choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = choices;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == n && strncasecmp(p, v, n) == 0)
			return true;
		if (!c)
			return false;
		p = c + 1;
	}
}

/* A Proxmox identifier (node, storage): letters, digits, '-', '_', '.'. */
static bool ident_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n >= max || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.", s[i]))
			return false;
	return true;
}

static bool username_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32 || !(islower((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && !strchr("_-", s[i]))
			return false;
	return true;
}

static bool domain_ok(const char *s)
{
	size_t n = strlen(s), label = 0;
	if (n == 0 || n > 180)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)c) || (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return label > 0 && s[n - 1] != '-';
}

static void field_name(const struct puq_vm_setting_def *d, char out[PUQ_FIELD_NAME_MAX])
{
	if (d->slot == PUQ_VM_EXTRA_SLOT)
		snprintf(out, PUQ_FIELD_NAME_MAX, "configoption%d.%s", d->slot, d->name);
	else
		snprintf(out, PUQ_FIELD_NAME_MAX, "configoption%d", d->slot);
}

/* Checks one text setting's own rule; NULL when fine, else the reason (maybe in msg). */
static const char *text_rule(const struct puq_vm_setting_def *d, const char *v, char *msg,
	size_t msgsize)
{
	if (strcmp(d->name, "target_node") == 0)
		return !*v || strcasecmp(v, "automatically") == 0 || ident_ok(v, PUQ_PVE_NAME_MAX) ? NULL
			: "must be a node name or \"automatically\"";
	if (strstr(d->name, "_storage"))
		return !*v || strcasecmp(v, "auto") == 0 || ident_ok(v, PUQ_PVE_NAME_MAX) ? NULL
			: "must be a storage name (or empty)";
	if (strcmp(d->name, "os_username") == 0)
		return !*v || username_ok(v) ? NULL
			: "must be a Linux user name: lower-case letters, digits, '_' or '-', at most 32";
	if (strcmp(d->name, "main_domain") == 0) {
		const char *s = v[0] == '.' ? v + 1 : v;
		return !*s || domain_ok(s) ? NULL : "must be a domain name such as example.com";
	}
	if (strcmp(d->name, "bridge") == 0)
		return puq_pool_check_bridge(v);
	if (strcmp(d->name, "vm_name_rule") == 0) {
		struct puq_vm_name_input in = {.client_id = 1, .service_id = 1, .now = 0};
		char name[PUQ_VM_NAME_MAX];
		struct puq_error e;
		puq_error_clear(&e);
		if (puq_vm_name_expand(v, &in, name, &e) == 0)
			return NULL;
		const char *why = e.nfields ? e.fields[0].message : e.text;
		snprintf(msg, msgsize, "%.200s", why);
		return msg;
	}
	if (strncmp(d->name, "email_", 6) == 0)
		return strlen(v) < 96 ? NULL : "is too long";
	return strlen(v) < PUQ_VM_TEXT_MAX ? NULL : "is too long";
}

/* Types and checks every value; fills typed[] (ints) and flags. */
static void check_values(const struct raw *raw, long long ints[], bool bools[],
	struct puq_error *err)
{
	char field[PUQ_FIELD_NAME_MAX];
	for (size_t i = 0; i < PUQ_ARRAY_LEN(defs); i++) {
		const struct puq_vm_setting_def *d = &defs[i];
		const char *v = raw->v[i];
		field_name(d, field);
		switch (d->type) {
		case PUQ_VM_SET_INT:
			if (!parse_ll(v, &ints[i]))
				puq_error_field(err, field, "must be a whole number");
			else if (ints[i] < d->min || ints[i] > d->max)
				puq_error_field(err, field, "must be between %lld and %lld", d->min, d->max);
			break;
		case PUQ_VM_SET_BOOL:
			if (!parse_bool(v, &bools[i]))
				puq_error_field(err, field, "must be on or off");
			break;
		case PUQ_VM_SET_CHOICE:
			if (!choice_ok(d->choices, v))
				puq_error_field(err, field, "must be one of: %s", d->choices);
			break;
		case PUQ_VM_SET_TEXT: {
			char msg[PUQ_FIELD_MESSAGE_MAX];
			const char *why = text_rule(d, v, msg, sizeof(msg));
			if (why)
				puq_error_field(err, field, "%s", why);
			break;
		}
		}
	}
}

static int idx(const char *name)
{
	return def_index(name, strlen(name));
}

static void copy(char *dst, size_t size, const char *src)
{
	puq_strlcpy(dst, src ? src : "", size);
}

static void upper(char *s)
{
	for (; *s; s++)
		*s = (char)toupper((unsigned char)*s);
}

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* ---- configurable options ---------------------------------------------------------------- */

enum opt_target {
	OPT_CORES, OPT_RAM, OPT_SYS_SIZE, OPT_ADD_SIZE, OPT_SYS_MBPS_RD, OPT_SYS_MBPS_WR,
	OPT_SYS_IOPS_RD, OPT_SYS_IOPS_WR, OPT_ADD_MBPS_RD, OPT_ADD_MBPS_WR, OPT_ADD_IOPS_RD,
	OPT_ADD_IOPS_WR, OPT_NET_RATE, OPT_IPV4, OPT_IPV6, OPT_BACKUPS, OPT_SNAPSHOTS, OPT_OS,
};

static const struct {
	const char *plain;
	const char *legacy; /* the legacy prefix before '|', or NULL */
	enum opt_target target;
	long long max;
} option_map[] = {
	{"CPU Cores", "CPU", OPT_CORES, 512},
	{"RAM", "RAM", OPT_RAM, 16384},
	{"System Disk", NULL, OPT_SYS_SIZE, 1048576},
	{"Additional Disk", NULL, OPT_ADD_SIZE, 1048576},
	{"System Disk Read Bandwidth", NULL, OPT_SYS_MBPS_RD, 100000},
	{"System Disk Write Bandwidth", NULL, OPT_SYS_MBPS_WR, 100000},
	{"System Disk Read IOPS", NULL, OPT_SYS_IOPS_RD, 10000000},
	{"System Disk Write IOPS", NULL, OPT_SYS_IOPS_WR, 10000000},
	{"Additional Disk Read Bandwidth", NULL, OPT_ADD_MBPS_RD, 100000},
	{"Additional Disk Write Bandwidth", NULL, OPT_ADD_MBPS_WR, 100000},
	{"Additional Disk Read IOPS", NULL, OPT_ADD_IOPS_RD, 10000000},
	{"Additional Disk Write IOPS", NULL, OPT_ADD_IOPS_WR, 10000000},
	{"Network Bandwidth", NULL, OPT_NET_RATE, 100000},
	{"IPv4 Addresses", "ipv4", OPT_IPV4, PUQ_POOL_MAX_PER_SERVICE},
	{"IPv6 Addresses", "ipv6", OPT_IPV6, PUQ_POOL_MAX_PER_SERVICE},
	{"Backups", "B", OPT_BACKUPS, 1000},
	{"Snapshots", "S", OPT_SNAPSHOTS, 1000},
	{"Operating System", "OS", OPT_OS, 999999999},
};

/* The part of a WHMCS name or value before '|', trimmed, into out. */
static void short_name(const char *s, char *out, size_t size)
{
	size_t len = strcspn(s, "|");
	const char *p = s;
	trim(&p, &len);
	if (len >= size)
		len = size - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

static void apply_option(struct puq_vm_product *p, enum opt_target t, long long v)
{
	switch (t) {
	case OPT_CORES: p->cores = v; break;
	case OPT_RAM: p->ram_mb = v * 1024; break;
	case OPT_SYS_SIZE: p->sys.size_gb = v; break;
	case OPT_ADD_SIZE: p->add.size_gb = v; break;
	case OPT_SYS_MBPS_RD: p->sys.mbps_rd = (double)v; break;
	case OPT_SYS_MBPS_WR: p->sys.mbps_wr = (double)v; break;
	case OPT_SYS_IOPS_RD: p->sys.iops_rd = v; break;
	case OPT_SYS_IOPS_WR: p->sys.iops_wr = v; break;
	case OPT_ADD_MBPS_RD: p->add.mbps_rd = (double)v; break;
	case OPT_ADD_MBPS_WR: p->add.mbps_wr = (double)v; break;
	case OPT_ADD_IOPS_RD: p->add.iops_rd = v; break;
	case OPT_ADD_IOPS_WR: p->add.iops_wr = v; break;
	case OPT_NET_RATE: p->net_rate = (double)v; break;
	case OPT_IPV4: p->ipv4_count = (int)v; break;
	case OPT_IPV6: p->ipv6_count = (int)v; break;
	case OPT_BACKUPS: p->backups = v; break;
	case OPT_SNAPSHOTS: p->snapshots = v; break;
	case OPT_OS: p->template_vmid = v; break;
	}
}

/* Applies the options: legacy names first, so that plain names win. */
static void apply_options(struct puq_vm_product *p, const struct puq_vm_option *options,
	size_t n, struct puq_error *err)
{
	char name[128], value[64], field[PUQ_FIELD_NAME_MAX];
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			if (!options[i].name || !options[i].value)
				continue;
			short_name(options[i].name, name, sizeof(name));
			short_name(options[i].value, value, sizeof(value));
			for (size_t m = 0; m < PUQ_ARRAY_LEN(option_map); m++) {
				const char *want = pass == 0 ? option_map[m].legacy : option_map[m].plain;
				if (!want || strcasecmp(want, name) != 0)
					continue;
				/* a legacy name equal to the plain one ("RAM") is taken in the plain pass */
				if (pass == 0 && strcasecmp(option_map[m].legacy, option_map[m].plain) == 0)
					continue;
				if (!*value)
					break; /* assigned but empty: the setting stays */
				long long v;
				snprintf(field, sizeof(field), "option.%.40s", name);
				if (!parse_ll(value, &v))
					puq_error_field(err, field, "'%.40s' is not a whole number", value);
				else if (v < 0 || v > option_map[m].max)
					puq_error_field(err, field, "must be between 0 and %lld", option_map[m].max);
				else if (m == 0 && v == 0)
					puq_error_field(err, field, "a VM needs at least one core");
				else if (option_map[m].target == OPT_RAM && v == 0)
					puq_error_field(err, field, "a VM needs at least 1 GB of RAM");
				else
					apply_option(p, option_map[m].target, v);
				break;
			}
		}
}

int puq_vm_product_resolve(const char *const slots[PUQ_VM_SLOTS],
	const struct puq_vm_option *options, size_t noptions, struct puq_vm_product *out,
	struct puq_error *err)
{
	struct raw raw; /* about 9 KB */
	long long ints[PUQ_ARRAY_LEN(defs)] = {0};
	bool bools[PUQ_ARRAY_LEN(defs)] = {0};
	struct puq_error local;
	if (!err) {
		puq_error_clear(&local);
		err = &local;
	}
	memset(&raw, 0, sizeof(raw));
	for (size_t i = 0; i < PUQ_ARRAY_LEN(defs); i++) {
		const char *s = defs[i].slot != PUQ_VM_EXTRA_SLOT ? slots[defs[i].slot - 1] : NULL;
		/* a slot never saved ("") reads as the default, except on/off boxes, which WHMCS
		 * stores as "" when unticked */
		raw.v[i] = s && (*s || defs[i].type == PUQ_VM_SET_BOOL) ? s : defs[i].dflt;
	}
	parse_extra(slots[PUQ_VM_EXTRA_SLOT - 1], &raw, err);
	check_values(&raw, ints, bools, err);
	if (err->code) {
		/* report the options' problems too, in the same answer */
		struct puq_vm_product scratch;
		memset(&scratch, 0, sizeof(scratch));
		apply_options(&scratch, options, noptions, err);
		return -err->code;
	}

	struct puq_vm_product p;
	memset(&p, 0, sizeof(p));
	const char *tn = raw.v[idx("target_node")];
	copy(p.target_node, sizeof(p.target_node), strcasecmp(tn, "automatically") == 0 ? "" : tn);
	p.template_vmid = ints[idx("os_template")];
	p.full_clone = strcasecmp(raw.v[idx("clone_type")], "full") == 0;
	p.cores = ints[idx("cpu")];
	p.ram_mb = ints[idx("ram")] * 1024;
	copy(p.name_rule, sizeof(p.name_rule), raw.v[idx("vm_name_rule")]);
	p.first_vmid = ints[idx("first_vmid")];
	copy(p.os_username, sizeof(p.os_username), raw.v[idx("os_username")]);
	const char *dom = raw.v[idx("main_domain")];
	copy(p.main_domain, sizeof(p.main_domain), dom[0] == '.' ? dom + 1 : dom);
	lower(p.main_domain);
	copy(p.bridge, sizeof(p.bridge), raw.v[idx("bridge")]);
	p.vlan = (int)ints[idx("vlan")];
	copy(p.net_model, sizeof(p.net_model), raw.v[idx("net_model")]);
	lower(p.net_model);
	p.net_rate = (double)ints[idx("net_rate")];
	p.ipv4_count = (int)ints[idx("ipv4_count")];
	p.ipv6_count = (int)ints[idx("ipv6_count")];
	p.auto_bridge_vlan = bools[idx("auto_bridge_vlan")];
	p.dhcp4 = bools[idx("dhcp4")];
	p.dhcp6 = bools[idx("dhcp6")];
	p.fw_enable = bools[idx("firewall_enable")];
	p.fw_dhcp = bools[idx("firewall_dhcp")];
	p.fw_ndp = bools[idx("firewall_ndp")];
	p.fw_radv = bools[idx("firewall_radv")];
	p.fw_macfilter = bools[idx("firewall_macfilter")];
	p.fw_ipfilter = bools[idx("firewall_ipfilter")];
	p.anti_spoofing = bools[idx("anti_spoofing")];
	copy(p.fw_policy_in, sizeof(p.fw_policy_in), raw.v[idx("firewall_policy_in")]);
	copy(p.fw_policy_out, sizeof(p.fw_policy_out), raw.v[idx("firewall_policy_out")]);
	upper(p.fw_policy_in);
	upper(p.fw_policy_out);
	copy(p.fw_log_in, sizeof(p.fw_log_in), raw.v[idx("firewall_log_in")]);
	copy(p.fw_log_out, sizeof(p.fw_log_out), raw.v[idx("firewall_log_out")]);
	lower(p.fw_log_in);
	lower(p.fw_log_out);
	const char *ss = raw.v[idx("system_disk_storage")];
	copy(p.sys.storage, sizeof(p.sys.storage), strcasecmp(ss, "auto") == 0 ? "" : ss);
	p.sys.size_gb = ints[idx("system_disk_size")];
	p.sys.mbps_rd = (double)ints[idx("system_disk_mbps_rd")];
	p.sys.mbps_wr = (double)ints[idx("system_disk_mbps_wr")];
	p.sys.iops_rd = ints[idx("system_disk_iops_rd")];
	p.sys.iops_wr = ints[idx("system_disk_iops_wr")];
	const char *as = raw.v[idx("additional_disk_storage")];
	copy(p.add.storage, sizeof(p.add.storage), strcasecmp(as, "auto") == 0 ? "" : as);
	p.add.size_gb = ints[idx("additional_disk_size")];
	p.add.mbps_rd = (double)ints[idx("additional_disk_mbps_rd")];
	p.add.mbps_wr = (double)ints[idx("additional_disk_mbps_wr")];
	p.add.iops_rd = ints[idx("additional_disk_iops_rd")];
	p.add.iops_wr = ints[idx("additional_disk_iops_wr")];
	p.backups = ints[idx("backups")];
	p.snapshots = ints[idx("snapshots")];
	copy(p.backup_storage, sizeof(p.backup_storage), raw.v[idx("backup_storage")]);
	copy(p.iso_storage, sizeof(p.iso_storage), raw.v[idx("iso_storage")]);
	p.snapshot_schedule = bools[idx("snapshot_schedule")];
	p.snapshot_lifetime_days = ints[idx("snapshot_lifetime")];
	p.client_start = bools[idx("client_start")];
	p.client_stop = bools[idx("client_stop")];
	p.client_charts = bools[idx("client_charts")];
	p.client_reinstall = bools[idx("client_reinstall")];
	p.client_reset_password = bools[idx("client_reset_password")];
	p.client_revdns = bools[idx("client_revdns")];
	p.client_iso = bools[idx("client_iso")];
	p.client_firewall = bools[idx("client_firewall")];
	static const char *const emails[] = {"email_vm_ready", "email_reset_password",
		"email_backup_restored", "email_upgrade"};
	char *email_dst[] = {p.email_ready, p.email_reset, p.email_restored, p.email_upgrade};
	for (size_t i = 0; i < 4; i++) {
		const char *v = raw.v[idx(emails[i])];
		copy(email_dst[i], 96, strcasecmp(v, "none") == 0 ? "" : v);
	}

	apply_options(&p, options, noptions, err);
	if (err->code)
		return -err->code;
	*out = p;
	return 0;
}
