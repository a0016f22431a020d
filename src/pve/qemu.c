/*
 * Request builders for one VM (/nodes/{node}/qemu/{vmid}/...): clone, config, resize,
 * migrate, power, status, destroy, snapshots, RRD statistics, the VNC proxy and the
 * VM firewall (options, the anti-spoofing IPSet ipfilter-net0, rules).
 *
 * Arguments Proxmox would reject are refused here with a field error before anything
 * is sent: a linked clone with a target storage, a snapshot name outside pve-configid,
 * a size that is not \+?\d+(\.\d+)?[KMGT]?, a config key that does not exist.
 */
#include <ctype.h>
#include <string.h>

#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"

#define VM "/nodes/%s/qemu/%lld"

static bool vmid_ok(long long vmid)
{
	return vmid >= 100 && vmid <= 999999999;
}

int puq_pve_req_clone(struct puq_pve_req *r, const char *node, long long vmid,
	const struct puq_pve_clone *c, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	if (!vmid_ok(c->newid))
		puq_error_field(err, "newid", "must be a VMID between 100 and 999999999");
	if (!c->full && c->storage)
		puq_error_field(err, "storage", "a target storage needs a full clone "
			"(Proxmox: parameter 'storage' not allowed for linked clones)");
	if (!c->full && c->format)
		puq_error_field(err, "format", "a disk format needs a full clone");
	if (err && err->code)
		return -err->code;
	int rc = puq_pve_req_init(r, "POST", VM "/clone", node, vmid);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	puq_pve_req_int(r, "newid", c->newid);
	if (c->name)
		puq_pve_req_str(r, "name", c->name);
	if (c->target)
		puq_pve_req_str(r, "target", c->target);
	/* default is full for a VM, linked for a template: always say which */
	puq_pve_req_bool(r, "full", c->full);
	if (c->storage)
		puq_pve_req_str(r, "storage", c->storage);
	if (c->format)
		puq_pve_req_str(r, "format", c->format);
	if (c->pool)
		puq_pve_req_str(r, "pool", c->pool);
	return rc;
}

int puq_pve_req_config_get(struct puq_pve_req *r, const char *node, long long vmid,
	bool current)
{
	int rc = puq_pve_req_init(r, "GET", VM "/config", node, vmid);
	if (current)
		puq_pve_req_bool(r, "current", true);
	return rc;
}

int puq_pve_req_config_set(struct puq_pve_req *r, const char *node, long long vmid,
	bool async, const char *digest)
{
	int rc = puq_pve_req_init(r, async ? "POST" : "PUT", VM "/config", node, vmid);
	if (async)
		r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	if (digest && *digest)
		puq_pve_req_str(r, "digest", digest);
	return rc;
}

int puq_pve_config_put(struct puq_pve_req *r, const char *key, const char *value,
	struct puq_error *err)
{
	if (!puq_pve_config_key_valid(key))
		return puq_error_field(err, key, "Proxmox VE has no VM config key '%s'", key);
	if (strcmp(key, "sshkeys") == 0)
		puq_pve_req_urlencoded(r, key, value);
	else
		puq_pve_req_str(r, key, value);
	return 0;
}

int puq_pve_config_put_int(struct puq_pve_req *r, const char *key, long long value,
	struct puq_error *err)
{
	if (!puq_pve_config_key_valid(key))
		return puq_error_field(err, key, "Proxmox VE has no VM config key '%s'", key);
	puq_pve_req_int(r, key, value);
	return 0;
}

int puq_pve_config_delete(struct puq_pve_req *r, const char *keys, struct puq_error *err)
{
	char key[PUQ_PVE_KEY_MAX + 8];
	const char *p = keys;
	p += strspn(p, ",; ");
	while (*p) {
		size_t n = strcspn(p, ",; ");
		bool ok = n < sizeof(key);
		if (ok) {
			memcpy(key, p, n);
			key[n] = '\0';
			ok = puq_pve_config_key_valid(key);
		}
		if (!ok)
			return puq_error_field(err, "delete", "Proxmox VE has no VM config key '%.*s'",
				(int)n, p);
		p += n;
		p += strspn(p, ",; ");
	}
	puq_pve_req_str(r, "delete", keys);
	return 0;
}

static bool size_ok(const char *s)
{
	if (*s == '+')
		s++;
	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return false;
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s && strchr("KMGT", *s))
		s++;
	return *s == '\0';
}

int puq_pve_req_resize(struct puq_pve_req *r, const char *node, long long vmid,
	const char *disk, const char *size, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	if (!puq_pve_disk_key(disk))
		puq_error_field(err, "disk", "'%s' is not a drive key (scsiN, virtioN, sataN, ideN)",
			disk);
	if (!size_ok(size))
		puq_error_field(err, "size", "'%s' is not a size like 40G or +10G", size);
	if (err && err->code)
		return -err->code;
	int rc = puq_pve_req_init(r, "PUT", VM "/resize", node, vmid);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	puq_pve_req_str(r, "disk", disk);
	puq_pve_req_str(r, "size", size);
	return rc;
}

int puq_pve_req_migrate(struct puq_pve_req *r, const char *node, long long vmid,
	const char *target, const char *targetstorage, bool with_local_disks)
{
	int rc = puq_pve_req_init(r, "POST", VM "/migrate", node, vmid);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	puq_pve_req_str(r, "target", target);
	puq_pve_req_bool(r, "online", false);
	if (with_local_disks)
		puq_pve_req_bool(r, "with-local-disks", true);
	if (targetstorage)
		puq_pve_req_str(r, "targetstorage", targetstorage);
	return rc;
}

int puq_pve_req_power(struct puq_pve_req *r, const char *node, long long vmid,
	enum puq_pve_power action, long timeout_s, bool force_stop)
{
	static const char *const paths[] = {
		[PUQ_PVE_START] = VM "/status/start",
		[PUQ_PVE_STOP] = VM "/status/stop",
		[PUQ_PVE_SHUTDOWN] = VM "/status/shutdown",
		[PUQ_PVE_REBOOT] = VM "/status/reboot",
	};
	if ((unsigned)action >= PUQ_ARRAY_LEN(paths))
		return -PUQ_EINVAL;
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	int rc = puq_pve_req_init(r, "POST", paths[action], node, vmid);
#pragma GCC diagnostic pop
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	if (timeout_s > 0 && action != PUQ_PVE_STOP)
		puq_pve_req_int(r, "timeout", timeout_s);
	if (force_stop && action == PUQ_PVE_SHUTDOWN)
		puq_pve_req_bool(r, "forceStop", true);
	return rc;
}

int puq_pve_req_status(struct puq_pve_req *r, const char *node, long long vmid)
{
	return puq_pve_req_init(r, "GET", VM "/status/current", node, vmid);
}

int puq_pve_req_destroy(struct puq_pve_req *r, const char *node, long long vmid,
	bool purge, bool destroy_unreferenced_disks)
{
	int rc = puq_pve_req_init(r, "DELETE", VM, node, vmid);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	if (purge)
		puq_pve_req_bool(r, "purge", true);
	if (destroy_unreferenced_disks)
		puq_pve_req_bool(r, "destroy-unreferenced-disks", true);
	return rc;
}

/* pve-configid: ^[a-z][a-z0-9_-]+$ (case-insensitive), at most 40, not reserved. */
static int snapname_check(const char *name, struct puq_error *err)
{
	size_t n = strlen(name);
	bool ok = n >= 2 && n <= 40 && isalpha((unsigned char)name[0]);
	for (size_t i = 1; ok && i < n; i++)
		ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '-';
	if (!ok)
		return puq_error_field(err, "snapname",
			"'%s' must start with a letter, then letters, digits, '-' or '_' (2-40)", name);
	if (strcmp(name, "current") == 0 || strcmp(name, "pending") == 0)
		return puq_error_field(err, "snapname", "'%s' is reserved by Proxmox VE", name);
	return 0;
}

int puq_pve_req_snapshots(struct puq_pve_req *r, const char *node, long long vmid)
{
	return puq_pve_req_init(r, "GET", VM "/snapshot", node, vmid);
}

int puq_pve_req_snapshot_create(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *description, bool vmstate, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	int rc = snapname_check(name, err);
	if (rc)
		return rc;
	rc = puq_pve_req_init(r, "POST", VM "/snapshot", node, vmid);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	puq_pve_req_str(r, "snapname", name);
	if (description)
		puq_pve_req_str(r, "description", description);
	if (vmstate)
		puq_pve_req_bool(r, "vmstate", true);
	return rc;
}

int puq_pve_req_snapshot_delete(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	int rc = snapname_check(name, err);
	if (rc)
		return rc;
	rc = puq_pve_req_init(r, "DELETE", VM "/snapshot/%s", node, vmid, name);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	return rc;
}

int puq_pve_req_snapshot_rollback(struct puq_pve_req *r, const char *node,
	long long vmid, const char *name, bool start, struct puq_error *err)
{
	memset(r, 0, sizeof(*r));
	int rc = snapname_check(name, err);
	if (rc)
		return rc;
	rc = puq_pve_req_init(r, "POST", VM "/snapshot/%s/rollback", node, vmid, name);
	r->timeout = PUQ_PVE_TIMEOUT_HEAVY;
	if (start)
		puq_pve_req_bool(r, "start", true);
	return rc;
}

int puq_pve_req_rrddata(struct puq_pve_req *r, const char *node, long long vmid,
	const char *timeframe, const char *cf, struct puq_error *err)
{
	static const char *const frames[] = {"hour", "day", "week", "month", "year"};
	bool ok = false;
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < PUQ_ARRAY_LEN(frames); i++)
		ok = ok || strcmp(timeframe, frames[i]) == 0;
	if (!ok)
		puq_error_field(err, "timeframe", "must be hour, day, week, month or year");
	if (cf && strcmp(cf, "AVERAGE") != 0 && strcmp(cf, "MAX") != 0)
		puq_error_field(err, "cf", "must be AVERAGE or MAX");
	if (err && err->code)
		return -err->code;
	int rc = puq_pve_req_init(r, "GET", VM "/rrddata", node, vmid);
	puq_pve_req_str(r, "timeframe", timeframe);
	puq_pve_req_str(r, "cf", cf ? cf : "AVERAGE");
	return rc;
}

int puq_pve_req_vncproxy(struct puq_pve_req *r, const char *node, long long vmid)
{
	int rc = puq_pve_req_init(r, "POST", VM "/vncproxy", node, vmid);
	puq_pve_req_bool(r, "websocket", true);
	return rc;
}

/* ---- firewall ---- */

int puq_pve_req_fw_options_get(struct puq_pve_req *r, const char *node, long long vmid)
{
	return puq_pve_req_init(r, "GET", VM "/firewall/options", node, vmid);
}

int puq_pve_req_fw_options_set(struct puq_pve_req *r, const char *node, long long vmid)
{
	return puq_pve_req_init(r, "PUT", VM "/firewall/options", node, vmid);
}

int puq_pve_req_ipsets(struct puq_pve_req *r, const char *node, long long vmid)
{
	return puq_pve_req_init(r, "GET", VM "/firewall/ipset", node, vmid);
}

int puq_pve_req_ipset_create(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *comment)
{
	int rc = puq_pve_req_init(r, "POST", VM "/firewall/ipset", node, vmid);
	puq_pve_req_str(r, "name", name);
	if (comment)
		puq_pve_req_str(r, "comment", comment);
	return rc;
}

int puq_pve_req_ipset_entries(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name)
{
	return puq_pve_req_init(r, "GET", VM "/firewall/ipset/%s", node, vmid, name);
}

int puq_pve_req_ipset_add(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *cidr, const char *comment)
{
	int rc = puq_pve_req_init(r, "POST", VM "/firewall/ipset/%s", node, vmid, name);
	puq_pve_req_str(r, "cidr", cidr);
	if (comment)
		puq_pve_req_str(r, "comment", comment);
	return rc;
}

int puq_pve_req_ipset_remove(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *cidr)
{
	return puq_pve_req_init(r, "DELETE", VM "/firewall/ipset/%s/%s", node, vmid, name, cidr);
}

int puq_pve_req_ipset_delete(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, bool force)
{
	int rc = puq_pve_req_init(r, "DELETE", VM "/firewall/ipset/%s", node, vmid, name);
	if (force)
		puq_pve_req_bool(r, "force", true);
	return rc;
}

int puq_pve_req_fw_rules(struct puq_pve_req *r, const char *node, long long vmid)
{
	return puq_pve_req_init(r, "GET", VM "/firewall/rules", node, vmid);
}

int puq_pve_req_fw_rule_add(struct puq_pve_req *r, const char *node, long long vmid,
	const struct puq_pve_fw_rule *rule)
{
	int rc = puq_pve_req_init(r, "POST", VM "/firewall/rules", node, vmid);
	puq_pve_req_str(r, "type", rule->type);
	puq_pve_req_str(r, "action", rule->action);
	/* Proxmox creates a rule disabled unless enable=1 is sent */
	puq_pve_req_int(r, "enable", rule->enable ? 1 : 0);
	const struct {
		const char *key, *value;
	} opt[] = {{"source", rule->source}, {"dest", rule->dest}, {"proto", rule->proto},
		{"dport", rule->dport}, {"sport", rule->sport}, {"iface", rule->iface},
		{"macro", rule->macro}, {"comment", rule->comment}};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(opt); i++)
		if (opt[i].value)
			puq_pve_req_str(r, opt[i].key, opt[i].value);
	return rc;
}

int puq_pve_req_fw_rule_delete(struct puq_pve_req *r, const char *node, long long vmid,
	unsigned pos)
{
	return puq_pve_req_init(r, "DELETE", VM "/firewall/rules/%lld", node, vmid,
		(long long)pos);
}
