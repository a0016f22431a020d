/*
 * The product as stored with the VM: a JSON object with one member per field of struct
 * puq_vm_product, written at CreateAccount, ChangePackage and Reinstall and read by every
 * run. Reading fills the fields an older row lacks with today's defaults, so a field
 * added in a later release never makes an existing VM unreadable.
 */
#include <stddef.h>

#include "puqkvm/vm.h"

/* One row per field: name, kind, offset. */
enum jkind { J_STR, J_LL, J_INT, J_DBL, J_BOOL };
#define F(name, kind, member) {name, kind, offsetof(struct puq_vm_product, member), \
	sizeof(((struct puq_vm_product *)0)->member)}
static const struct {
	const char *name;
	enum jkind kind;
	size_t off, size;
} jfields[] = {
	F("target_node", J_STR, target_node), F("template_vmid", J_LL, template_vmid),
	F("full_clone", J_BOOL, full_clone), F("cores", J_LL, cores), F("ram_mb", J_LL, ram_mb),
	F("name_rule", J_STR, name_rule), F("first_vmid", J_LL, first_vmid),
	F("os_username", J_STR, os_username), F("main_domain", J_STR, main_domain),
	F("bridge", J_STR, bridge), F("vlan", J_INT, vlan), F("net_model", J_STR, net_model),
	F("net_rate", J_DBL, net_rate), F("ipv4_count", J_INT, ipv4_count),
	F("ipv6_count", J_INT, ipv6_count), F("auto_bridge_vlan", J_BOOL, auto_bridge_vlan),
	F("dhcp4", J_BOOL, dhcp4), F("dhcp6", J_BOOL, dhcp6),
	F("fw_enable", J_BOOL, fw_enable), F("fw_dhcp", J_BOOL, fw_dhcp),
	F("fw_ndp", J_BOOL, fw_ndp), F("fw_radv", J_BOOL, fw_radv),
	F("fw_macfilter", J_BOOL, fw_macfilter), F("fw_ipfilter", J_BOOL, fw_ipfilter),
	F("anti_spoofing", J_BOOL, anti_spoofing), F("fw_policy_in", J_STR, fw_policy_in),
	F("fw_policy_out", J_STR, fw_policy_out), F("fw_log_in", J_STR, fw_log_in),
	F("fw_log_out", J_STR, fw_log_out),
	F("sys_storage", J_STR, sys.storage), F("sys_size_gb", J_LL, sys.size_gb),
	F("sys_mbps_rd", J_DBL, sys.mbps_rd), F("sys_mbps_wr", J_DBL, sys.mbps_wr),
	F("sys_iops_rd", J_LL, sys.iops_rd), F("sys_iops_wr", J_LL, sys.iops_wr),
	F("add_storage", J_STR, add.storage), F("add_size_gb", J_LL, add.size_gb),
	F("add_mbps_rd", J_DBL, add.mbps_rd), F("add_mbps_wr", J_DBL, add.mbps_wr),
	F("add_iops_rd", J_LL, add.iops_rd), F("add_iops_wr", J_LL, add.iops_wr),
	F("backups", J_LL, backups), F("snapshots", J_LL, snapshots),
	F("backup_storage", J_STR, backup_storage), F("iso_storage", J_STR, iso_storage),
	F("snapshot_schedule", J_BOOL, snapshot_schedule),
	F("snapshot_lifetime_days", J_LL, snapshot_lifetime_days),
	F("client_start", J_BOOL, client_start), F("client_stop", J_BOOL, client_stop),
	F("client_charts", J_BOOL, client_charts), F("client_reinstall", J_BOOL, client_reinstall),
	F("client_reset_password", J_BOOL, client_reset_password),
	F("client_revdns", J_BOOL, client_revdns), F("client_iso", J_BOOL, client_iso),
	F("client_firewall", J_BOOL, client_firewall),
	F("email_ready", J_STR, email_ready), F("email_reset", J_STR, email_reset),
	F("email_restored", J_STR, email_restored), F("email_upgrade", J_STR, email_upgrade),
};
#undef F

json_t *puq_vm_product_to_json(const struct puq_vm_product *p)
{
	json_t *o = json_object();
	const char *base = (const char *)p;
	for (size_t i = 0; o && i < PUQ_ARRAY_LEN(jfields); i++) {
		const void *m = base + jfields[i].off;
		json_t *v = NULL;
		switch (jfields[i].kind) {
		case J_STR: v = json_string((const char *)m); break;
		case J_LL: v = json_integer(*(const long long *)m); break;
		case J_INT: v = json_integer(*(const int *)m); break;
		case J_DBL: v = json_real(*(const double *)m); break;
		case J_BOOL: v = json_boolean(*(const bool *)m); break;
		}
		if (!v || json_object_set_new(o, jfields[i].name, v) < 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

int puq_vm_product_from_json(const json_t *j, struct puq_vm_product *out,
	struct puq_error *err)
{
	if (!json_is_object(j))
		return puq_error_set(err, PUQ_EPARSE, "the stored product is not a JSON object");
	/* fields missing from an older row keep the defaults */
	const char *slots[PUQ_VM_SLOTS] = {0};
	struct puq_vm_product p;
	if (puq_vm_product_resolve(slots, NULL, 0, &p, err) < 0)
		return -err->code;
	char *base = (char *)&p;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(jfields); i++) {
		const json_t *v = json_object_get(j, jfields[i].name);
		void *m = base + jfields[i].off;
		if (!v)
			continue;
		switch (jfields[i].kind) {
		case J_STR:
			if (json_is_string(v))
				puq_strlcpy((char *)m, json_string_value(v), jfields[i].size);
			break;
		case J_LL:
			if (json_is_number(v))
				*(long long *)m = (long long)json_number_value(v);
			break;
		case J_INT:
			if (json_is_number(v))
				*(int *)m = (int)json_number_value(v);
			break;
		case J_DBL:
			if (json_is_number(v))
				*(double *)m = json_number_value(v);
			break;
		case J_BOOL:
			if (json_is_boolean(v))
				*(bool *)m = json_is_true(v);
			break;
		}
	}
	*out = p;
	return 0;
}
