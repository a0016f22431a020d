/*
 * The admin service tab's parts that touch the VM row: the reverse-DNS table (saved
 * with WHMCS's Save Changes, then pushed to the DNS zones) and the live information
 * box, interpreted from Proxmox's answers without I/O (the glue fetches them).
 */
#include <stdio.h>

#include "internal.h"
#include "puqkvm/pve_config.h"

/* ---- rDNS names ---------------------------------------------------------------------------- */

struct rdns_ctx {
	long long service_id;
	const struct puq_vmadmin_rdns *names;
	size_t n;
	const char *actor;
	size_t changed;
};

/* Appends "a, b" style text while it fits (the activity entry stays one line). */
static void note(char *buf, size_t size, const char *fmt, const char *a, const char *b)
{
	size_t len = strlen(buf);
	if (len + 8 < size)
		snprintf(buf + len, size - len, fmt, a, b);
}

static int rdns_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct rdns_ctx *c = arg;
	char status[64];
	long long client = 0;
	c->changed = 0;
	int rc = vmadmin_lock(db, c->service_id, status, &client, err);
	if (rc < 0)
		return rc;
	if (strcmp(status, "-") == 0)
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM record",
			c->service_id);
	struct puq_db_rows *held = NULL, *row = NULL;
	rc = puq_db_query(db, err,
		"SELECT ip FROM " ALLOC_TABLE " WHERE service_id = ? AND live = 1",
		PUQ_ARGS(PUQ_INT(c->service_id)), &held);
	if (rc == 0)
		rc = puq_db_query(db, err, "SELECT vm_rev_dns FROM " PUQ_VM_TABLE " WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(c->service_id)), &row);
	if (rc < 0) {
		puq_db_rows_free(held);
		return rc;
	}
	const char *old = puq_db_cell(row, 0, 0);
	json_t *map = old && *old ? json_loads(old, 0, NULL) : NULL;
	if (!json_is_object(map)) {
		json_decref(map);
		map = json_object();
	}
	char summary[1024] = "";
	for (size_t i = 0; map && i < c->n; i++) {
		const struct puq_vmadmin_rdns *e = &c->names[i];
		struct puq_ip ip;
		struct puq_error perr;
		puq_error_clear(&perr);
		char field[PUQ_FIELD_NAME_MAX], key[PUQ_IP_TEXT_MAX], host[PUQ_DNS_NAME_MAX] = "";
		snprintf(field, sizeof(field), "rdns.%s", e->ip ? e->ip : "");
		if (!e->ip || puq_ip_parse_cstr(e->ip, PUQ_IP_ANY, &ip, &perr) < 0) {
			puq_error_field(err, field, "is not an IP address");
			continue;
		}
		puq_ip_format(&ip, PUQ_IP_EXPANDED, key);
		bool mine = false;
		for (size_t k = 0; k < held->nrows && !mine; k++)
			mine = puq_db_cell(held, k, 0) && strcmp(puq_db_cell(held, k, 0), key) == 0;
		if (!mine) {
			puq_error_field(err, field, "is not an address of this service");
			continue;
		}
		const char *typed = e->host ? e->host : "";
		while (*typed == ' ' || *typed == '\t')
			typed++;
		if (*typed && puq_dns_hostname_normalize(typed, host, &perr) < 0) {
			puq_error_field(err, field, "must be a host name such as vm1.example.com");
			continue;
		}
		const char *prev = json_string_value(json_object_get(map, key));
		if (strcmp(prev ? prev : "", host) == 0)
			continue;
		c->changed++;
		note(summary, sizeof(summary), summary[0] ? "; %s -> %s" : "%s -> %s", key,
			host[0] ? host : "(default)");
		if (host[0])
			json_object_set_new(map, key, json_string(host));
		else
			json_object_del(map, key);
	}
	puq_db_rows_free(held);
	puq_db_rows_free(row);
	if (!map)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	if (err->code || c->changed == 0) {
		json_decref(map);
		return err->code ? -err->code : 0;
	}
	char *text = json_dumps(map, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(map);
	if (!text)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET vm_rev_dns = ?, rev = rev + 1 WHERE service_id = ?",
		PUQ_ARGS(PUQ_TEXT(text), PUQ_INT(c->service_id)), NULL);
	free(text);
	if (rc < 0)
		return rc;
	char what[1100];
	snprintf(what, sizeof(what), "rDNS changed: %s", summary);
	return vmadmin_audit(db, c->service_id, client, c->actor, what, err);
}

int puq_vmadmin_rdns_save(struct puq_db *db, long long service_id,
	const struct puq_vmadmin_rdns *names, size_t n, const char *actor, size_t *changed,
	struct puq_error *err)
{
	if (vmadmin_check_actor(actor, err) < 0)
		return -err->code;
	struct rdns_ctx c = {.service_id = service_id, .names = names, .n = n, .actor = actor};
	int rc = puq_db_transaction(db, rdns_txn, &c, err);
	if (changed)
		*changed = rc == 0 ? c.changed : 0;
	return rc;
}

/* States in which the VM's own pipeline writes (or removes) its records next: pushing
 * now would race it, and it reads the new names anyway. */
static bool pipeline_owns_dns(enum puq_vm_state s)
{
	switch (s) {
	case PUQ_VM_CREATION:
	case PUQ_VM_SET_IP:
	case PUQ_VM_CLONE:
	case PUQ_VM_REINSTALL:
	case PUQ_VM_TERMINATE:
	case PUQ_VM_ERROR_TERMINATE:
	case PUQ_VM_REMOVE:
	case PUQ_VM_STATE_UNKNOWN:
		return true;
	default:
		return false;
	}
}

int puq_vmadmin_dns_push(const struct puq_dns_ctx *ctx, long long service_id,
	struct puq_dns_report *report, struct puq_error *err)
{
	struct puq_vm vm;
	int rc = puq_vm_load(ctx->db, service_id, &vm, NULL, err);
	if (rc < 0)
		return rc;
	/* no FQDN yet: the VM has no records to bring in step */
	if (pipeline_owns_dns(vm.state) || vm.addrs.n == 0 || !vm.fqdn[0]) {
		puq_vm_free(&vm);
		return 0;
	}
	size_t n = vm.addrs.n;
	char(*ips)[PUQ_IP_TEXT_MAX] = PUQ_CALLOC(n, sizeof(*ips));
	struct puq_dns_address *addrs = PUQ_CALLOC(n, sizeof(*addrs));
	char v4[PUQ_IP_TEXT_MAX] = "", v6[PUQ_IP_TEXT_MAX] = "";
	if (!ips || !addrs) {
		PUQ_FREE(ips);
		PUQ_FREE(addrs);
		puq_vm_free(&vm);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	const struct puq_address *m4 = puq_vm_main_address(&vm, PUQ_IP_V4);
	const struct puq_address *m6 = puq_vm_main_address(&vm, PUQ_IP_V6);
	if (m4)
		puq_ip_format(&m4->ip, PUQ_IP_CANONICAL, v4);
	if (m6)
		puq_ip_format(&m6->ip, PUQ_IP_CANONICAL, v6);
	for (size_t i = 0; i < n; i++) {
		char key[PUQ_IP_TEXT_MAX];
		puq_ip_format(&vm.addrs.items[i].ip, PUQ_IP_CANONICAL, ips[i]);
		puq_ip_format(&vm.addrs.items[i].ip, PUQ_IP_EXPANDED, key);
		addrs[i].ip = ips[i];
		addrs[i].rdns = vm.rev_dns ? json_string_value(json_object_get(vm.rev_dns, key)) : NULL;
	}
	struct puq_dns_service svc = {.service_id = service_id, .fqdn = vm.fqdn,
		.main_ipv4 = v4, .main_ipv6 = v6, .addresses = addrs, .naddresses = n};
	rc = puq_dns_resync(ctx, &svc, 1, report, err);
	PUQ_FREE(ips);
	PUQ_FREE(addrs);
	puq_vm_free(&vm);
	return rc;
}

/* ---- live information ----------------------------------------------------------------------- */

static const char *level_of(double pct)
{
	return pct > 80 ? "red" : pct >= 50 ? "yellow" : "green";
}

static void uptime_text(long long s, char out[48])
{
	if (s <= 0) {
		puq_strlcpy(out, "", 48);
		return;
	}
	long long d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
	if (d)
		snprintf(out, 48, "%lldd %02lld:%02lld:%02lld", d, h, m, sec);
	else
		snprintf(out, 48, "%02lld:%02lld:%02lld", h, m, sec);
}

static void size_text(unsigned long long bytes, char out[32])
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < PUQ_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (v == (double)(long long)v)
		snprintf(out, 32, "%lld %s", (long long)v, units[u]);
	else
		snprintf(out, 32, "%.1f %s", v, units[u]);
}

static json_t *limits(double mbps_rd, double mbps_wr, long long iops_rd, long long iops_wr)
{
	return json_pack("{s:f,s:f,s:I,s:I}", "mbps_rd", mbps_rd, "mbps_wr", mbps_wr, "iops_rd",
		(json_int_t)iops_rd, "iops_wr", (json_int_t)iops_wr);
}

static json_t *disks_of(const struct puq_vm *vm, const json_t *config)
{
	json_t *list = json_array();
	if (!config || !list)
		return list;
	struct puq_pve_disk sys, disks[32];
	struct puq_error e;
	puq_error_clear(&e);
	bool have_sys = puq_pve_config_system_disk(config, &sys, &e) == 0;
	size_t n = puq_pve_config_disks(config, disks, PUQ_ARRAY_LEN(disks));
	bool first_additional = true;
	for (size_t i = 0; i < n && i < PUQ_ARRAY_LEN(disks); i++) {
		const struct puq_pve_disk *d = &disks[i];
		bool is_sys = have_sys && strcmp(d->key, sys.key) == 0;
		const struct puq_vm_disk_spec *spec = is_sys ? &vm->product.sys
			: first_additional ? &vm->product.add : NULL;
		if (!is_sys && first_additional)
			first_additional = false;
		char st[32];
		size_text(d->size, st);
		json_t *o = json_pack("{s:s,s:s,s:s,s:I,s:s,s:o,s:o}", "key", d->key, "role",
			is_sys ? "system" : "additional", "volid", d->file, "size", (json_int_t)d->size,
			"size_text", st, "limits", limits(d->mbps_rd, d->mbps_wr, d->iops_rd, d->iops_wr),
			"package", spec ? limits(spec->mbps_rd, spec->mbps_wr, spec->iops_rd, spec->iops_wr)
							: json_null());
		if (o)
			json_object_set_new(o, "package_gb",
				spec ? json_integer((json_int_t)spec->size_gb) : json_null());
		json_array_append_new(list, o);
	}
	return list;
}

static json_t *network_of(const struct puq_vm *vm, const json_t *config)
{
	json_t *list = json_array();
	for (int i = 0; list && config && i < 32; i++) {
		char key[16], tmp[64];
		snprintf(key, sizeof(key), "net%d", i);
		const char *v = puq_pve_config_value(config, key, tmp, sizeof(tmp));
		struct puq_pve_net net;
		struct puq_error e;
		puq_error_clear(&e);
		if (!v || puq_pve_net_parse(v, &net, &e) < 0)
			continue;
		json_t *pkg = i == 0 ? json_pack("{s:s,s:i,s:f}", "bridge", vm->product.bridge, "vlan",
			vm->product.vlan, "rate", vm->product.net_rate) : json_null();
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:I,s:f,s:o}", "key", key,
			"model", net.model, "mac", net.mac, "bridge", net.bridge, "tag", (json_int_t)net.tag,
			"rate", net.rate, "package", pkg));
	}
	return list;
}

/* The ISO in a cd-rom drive ("" when none or only the cloud-init drive). */
static void iso_of(const json_t *config, char out[256])
{
	out[0] = '\0';
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)config, key, val)
	{
		if (!puq_pve_disk_key(key) || !json_is_string(val))
			continue;
		struct puq_pve_disk d;
		struct puq_error e;
		puq_error_clear(&e);
		if (puq_pve_disk_parse(key, json_string_value(val), &d, &e) == 0 && d.cdrom &&
			!d.cloudinit && strcmp(d.file, "none") != 0 && d.file[0]) {
			puq_strlcpy(out, d.file, 256);
			return;
		}
	}
}

int puq_vmadmin_live_summary(const struct puq_vm *vm, const json_t *guest,
	const json_t *status, const json_t *config, json_t **out, struct puq_error *err)
{
	*out = NULL;
	const json_t *now = status ? status : guest;
	long long uptime = 0, cores = 0, mem = 0, maxmem = 0;
	double cpu = 0;
	if (now) {
		puq_pve_get_int(now, "uptime", &uptime);
		puq_pve_get_number(now, "cpu", &cpu);
		puq_pve_get_int(now, "mem", &mem);
		puq_pve_get_int(now, "maxmem", &maxmem);
		if (!puq_pve_get_int(now, "cpus", &cores))
			puq_pve_get_int(now, "maxcpu", &cores);
	}
	const char *st = now ? puq_pve_get_str(now, "status") : NULL;
	const char *qmp = status ? puq_pve_get_str(status, "qmpstatus") : NULL;
	const char *lock = status ? puq_pve_get_str(status, "lock") : NULL;
	if (!lock && guest)
		lock = puq_pve_get_str(guest, "lock");
	if (!lock && config)
		lock = puq_pve_config_lock(config);
	const char *node = guest ? puq_pve_get_str(guest, "node") : NULL;
	const char *name = guest ? puq_pve_get_str(guest, "name") : NULL;
	double usage = cpu * 100.0;
	double mem_pct = maxmem > 0 ? 100.0 * (double)mem / (double)maxmem : 0;
	char up[48], iso[256] = "";
	uptime_text(uptime, up);
	if (config)
		iso_of(config, iso);
	json_t *o = json_pack("{s:b,s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:s,s:s}", "found", guest != NULL,
		"vmid", (json_int_t)vm->vmid, "name", name ? name : vm->name, "node",
		node ? node : vm->node, "status", st ? st : "", "qmpstatus", qmp ? qmp : "", "uptime",
		(json_int_t)uptime, "uptime_text", up, "lock", lock ? lock : "", "local_status",
		puq_vm_state_name(vm->state));
	if (o) {
		json_object_set_new(o, "cpu", json_pack("{s:I,s:f,s:s,s:I}", "cores", (json_int_t)cores,
			"usage", usage, "level", level_of(usage), "package_cores",
			(json_int_t)vm->product.cores));
		json_object_set_new(o, "memory", json_pack("{s:I,s:I,s:f,s:s,s:I}", "used",
			(json_int_t)mem, "total", (json_int_t)maxmem, "percent", mem_pct, "level",
			level_of(mem_pct), "package_mb", (json_int_t)vm->product.ram_mb));
		json_object_set_new(o, "disks", disks_of(vm, config));
		json_object_set_new(o, "network", network_of(vm, config));
		json_object_set_new(o, "iso", json_string(iso));
	}
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}
