/*
 * The network steps: net0 (model, MAC, bridge, VLAN, rate, firewall flag), the VM
 * firewall with its anti-spoofing IPSet, and cloud-init.
 *
 * net0 keeps its MAC: the one stored with the VM (a reinstall gets the same MAC, so the
 * provider's switches and the guest see the same NIC), else the one Proxmox gave the
 * clone. Bridge and VLAN come from the pool of the main address with "Auto bridge/VLAN",
 * else from the product.
 *
 * The firewall step sets the options and then reconciles the IPSet ipfilter-net0 with
 * the VM's addresses: missing entries are added, stale ones removed, so a change of
 * package that released addresses leaves none behind (the legacy module only ever
 * added). DHCP families get no entries. Cloud-init gets the user, the password (read
 * by the engine from the service and held only while this step runs; the request is
 * marked sensitive so it is never logged) and the main addresses with their gateways.
 */
#include "steps.h"

/* ---- net0 ---- */

int puq_vm_step_network(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_product *p = &vm->product;
	enum puq_vm_state next = vm_following(vm->state);
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_HAVE) {
		if (s->ev->rc < 0) {
			vm_fail_event(s, "setting the network");
			return 0;
		}
		vm_next(s, next, "net0=%s", s->sc->text);
		puq_strlcpy(s->out->set_mac, s->sc->mac, sizeof(s->out->set_mac));
		return 0;
	}
	struct puq_pve_net cur, want;
	struct puq_error err;
	puq_error_clear(&err);
	char tmp[64];
	const char *value = puq_pve_config_value(s->sc->config, "net0", tmp, sizeof(tmp));
	memset(&cur, 0, sizeof(cur));
	cur.firewall = cur.link_down = -1;
	if (value && puq_pve_net_parse(value, &cur, &err) < 0) {
		vm_fail(s, err.code, "cannot read net0: %s", err.text);
		return 0;
	}
	want = cur;
	if (p->net_model[0])
		puq_strlcpy(want.model, p->net_model, sizeof(want.model));
	else if (!want.model[0])
		puq_strlcpy(want.model, "virtio", sizeof(want.model));
	if (vm->mac[0])
		puq_strlcpy(want.mac, vm->mac, sizeof(want.mac));
	const struct puq_address *main = puq_vm_main_address(vm, PUQ_IP_V4);
	if (!main)
		main = puq_vm_main_address(vm, PUQ_IP_V6);
	if (p->auto_bridge_vlan && main && main->bridge[0]) {
		puq_strlcpy(want.bridge, main->bridge, sizeof(want.bridge));
		want.tag = main->vlan;
	} else {
		puq_strlcpy(want.bridge, p->bridge, sizeof(want.bridge));
		want.tag = p->vlan;
	}
	want.rate = p->net_rate;
	want.firewall = 1;
	struct puq_buf a = PUQ_BUF_INIT, b = PUQ_BUF_INIT;
	int ra = value ? puq_pve_net_format(&cur, &a, &err) : 0;
	int rb = puq_pve_net_format(&want, &b, &err);
	if (ra < 0 || rb < 0) {
		puq_buf_free(&a);
		puq_buf_free(&b);
		return vm_build_failed(s, ra < 0 ? ra : rb, &err);
	}
	if (value && strcmp(puq_buf_cstr(&a), puq_buf_cstr(&b)) == 0) {
		vm_skip(s, next, "no change (net0=%s)", puq_buf_cstr(&a));
		puq_strlcpy(s->out->set_mac, cur.mac, sizeof(s->out->set_mac));
		puq_buf_free(&a);
		puq_buf_free(&b);
		return 0;
	}
	puq_strlcpy(s->sc->text, puq_buf_cstr(&b), sizeof(s->sc->text));
	puq_strlcpy(s->sc->mac, want.mac, sizeof(s->sc->mac));
	rc = puq_pve_req_config_set(&s->out->req, vm->node, vm->vmid, false,
		puq_pve_get_str(s->sc->config, "digest"));
	if (rc == 0)
		rc = puq_pve_config_put(&s->out->req, "net0", puq_buf_cstr(&b), &err);
	puq_buf_free(&a);
	puq_buf_free(&b);
	if (rc < 0)
		return vm_build_failed(s, rc, &err);
	vm_send(s, false, 0);
	return 0;
}

/* ---- firewall ---- */

#define IPSET "ipfilter-net0"

enum { FW_OPTIONS = 1, FW_SETS, FW_CREATED, FW_ENTRIES, FW_PLAN };

/* The address of an IPSet entry in canonical form ("" when it is no single address). */
static void entry_address(const char *cidr, char out[PUQ_IP_TEXT_MAX])
{
	char buf[64];
	struct puq_ip ip;
	out[0] = '\0';
	if (cidr[0] == '!')
		return;
	puq_strlcpy(buf, cidr, sizeof(buf));
	char *slash = strchr(buf, '/');
	if (slash) {
		if (strcmp(slash, "/32") != 0 && strcmp(slash, "/128") != 0)
			return;
		*slash = '\0';
	}
	if (puq_ip_parse_cstr(buf, PUQ_IP_ANY, &ip, NULL) == 0)
		puq_ip_format(&ip, PUQ_IP_CANONICAL, out);
}

/* The addresses the IPSet must hold, canonical. */
static json_t *wanted_entries(const struct puq_vm *vm)
{
	json_t *want = json_array();
	for (size_t i = 0; want && i < vm->addrs.n; i++) {
		const struct puq_address *a = &vm->addrs.items[i];
		if ((a->ip.family == PUQ_IP_V4 && vm->product.dhcp4) ||
			(a->ip.family == PUQ_IP_V6 && vm->product.dhcp6))
			continue;
		char text[PUQ_IP_TEXT_MAX];
		puq_ip_format(&a->ip, PUQ_IP_CANONICAL, text);
		json_array_append_new(want, json_string(text));
	}
	return want;
}

static bool in_array(const json_t *arr, const char *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (strcmp(json_string_value(v), s) == 0)
			return true;
	return false;
}

/* Sends the plan's next change, or finishes. sc->list = [["add"|"del", cidr], ...]. */
static int plan_next(struct puq_vm_step *s)
{
	struct puq_vm_scratch *sc = s->sc;
	const struct puq_vm *vm = s->vm;
	if (sc->index >= json_array_size(sc->list)) {
		size_t add = 0, del = 0, i;
		json_t *op;
		json_array_foreach(sc->list, i, op)
			strcmp(json_string_value(json_array_get(op, 0)), "add") == 0 ? add++ : del++;
		vm_next(s, vm_following(vm->state), "options set; " IPSET ": %zu entr%s, +%zu -%zu",
			(size_t)sc->n, sc->n == 1 ? "y" : "ies", add, del);
		return 0;
	}
	json_t *op = json_array_get(sc->list, sc->index);
	const char *what = json_string_value(json_array_get(op, 0));
	const char *cidr = json_string_value(json_array_get(op, 1));
	int rc = strcmp(what, "add") == 0
		? puq_pve_req_ipset_add(&s->out->req, vm->node, vm->vmid, IPSET, cidr, NULL)
		: puq_pve_req_ipset_remove(&s->out->req, vm->node, vm->vmid, IPSET, cidr);
	if (rc < 0)
		return rc;
	sc->phase = FW_PLAN;
	vm_send(s, false, 0);
	return 0;
}

int puq_vm_step_firewall(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_product *p = &vm->product;
	struct puq_vm_scratch *sc = s->sc;
	const struct puq_vm_event *ev = s->ev;
	int rc;
	if (ev->kind == PUQ_VM_EV_START)
		sc->phase = 0;
	switch (sc->phase) {
	case 0: {
		struct puq_pve_req *r = &s->out->req;
		if ((rc = puq_pve_req_fw_options_set(r, vm->node, vm->vmid)) < 0)
			return rc;
		puq_pve_req_bool(r, "enable", p->fw_enable);
		puq_pve_req_bool(r, "dhcp", p->fw_dhcp);
		puq_pve_req_bool(r, "ndp", p->fw_ndp);
		puq_pve_req_bool(r, "radv", p->fw_radv);
		puq_pve_req_bool(r, "macfilter", p->fw_macfilter);
		puq_pve_req_bool(r, "ipfilter", p->fw_ipfilter);
		puq_pve_req_str(r, "policy_in", p->fw_policy_in);
		puq_pve_req_str(r, "policy_out", p->fw_policy_out);
		puq_pve_req_str(r, "log_level_in", p->fw_log_in);
		puq_pve_req_str(r, "log_level_out", p->fw_log_out);
		sc->phase = FW_OPTIONS;
		vm_send(s, false, 0);
		return 0;
	}
	case FW_OPTIONS:
		if (ev->rc < 0) {
			vm_fail_event(s, "setting the firewall options");
			return 0;
		}
		sc->list = wanted_entries(vm);
		if (!sc->list)
			return -PUQ_ENOMEM;
		if (!p->anti_spoofing || json_array_size(sc->list) == 0) {
			vm_next(s, vm_following(vm->state), "options set; no anti-spoofing entries (%s)",
				!p->anti_spoofing ? "anti-spoofing is off" : "no static addresses");
			return 0;
		}
		if ((rc = puq_pve_req_ipsets(&s->out->req, vm->node, vm->vmid)) < 0)
			return rc;
		sc->phase = FW_SETS;
		vm_send(s, false, 0);
		return 0;
	case FW_SETS: {
		if (ev->rc < 0) {
			vm_fail_event(s, "listing the IPSets");
			return 0;
		}
		bool found = false;
		size_t i;
		json_t *e;
		json_array_foreach(ev->data, i, e) if (puq_pve_get_str(e, "name") &&
			strcmp(puq_pve_get_str(e, "name"), IPSET) == 0) found = true;
		rc = found ? puq_pve_req_ipset_entries(&s->out->req, vm->node, vm->vmid, IPSET)
				   : puq_pve_req_ipset_create(&s->out->req, vm->node, vm->vmid, IPSET,
						 "anti-spoofing: the VM's addresses (puqkvm)");
		if (rc < 0)
			return rc;
		sc->phase = found ? FW_ENTRIES : FW_CREATED;
		vm_send(s, false, 0);
		return 0;
	}
	case FW_CREATED:
		if (ev->rc < 0 && !strstr(ev->err.text, "already exist")) {
			vm_fail_event(s, "creating the IPSet " IPSET);
			return 0;
		}
		if ((rc = puq_pve_req_ipset_entries(&s->out->req, vm->node, vm->vmid, IPSET)) < 0)
			return rc;
		sc->phase = FW_ENTRIES;
		vm_send(s, false, 0);
		return 0;
	case FW_ENTRIES: {
		if (ev->rc < 0) {
			vm_fail_event(s, "reading the IPSet " IPSET);
			return 0;
		}
		struct puq_pve_cidr_list have = {0};
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_pve_parse_ipset(ev->data, &have, &err) < 0) {
			vm_fail(s, err.code, "reading the IPSet: %s", err.text);
			return 0;
		}
		json_t *want = sc->list, *plan = json_array(), *present = json_array();
		for (size_t i = 0; plan && present && i < have.n; i++) {
			char addr[PUQ_IP_TEXT_MAX];
			entry_address(have.items[i], addr);
			if (addr[0] && in_array(want, addr))
				json_array_append_new(present, json_string(addr));
			else
				json_array_append_new(plan, json_pack("[ss]", "del", have.items[i]));
		}
		size_t i;
		json_t *w;
		json_array_foreach(want, i, w) if (plan && present && !in_array(present,
			json_string_value(w))) json_array_append_new(plan,
			json_pack("[ss]", "add", json_string_value(w)));
		puq_pve_cidr_list_free(&have);
		sc->n = (long long)json_array_size(want);
		json_decref(present);
		json_decref(sc->list);
		sc->list = plan;
		if (!plan)
			return -PUQ_ENOMEM;
		sc->index = 0;
		return plan_next(s);
	}
	case FW_PLAN:
		if (ev->rc < 0) {
			vm_fail_event(s, "updating the IPSet " IPSET);
			return 0;
		}
		sc->index++;
		return plan_next(s);
	}
	vm_fail(s, PUQ_EINTERNAL, "firewall: unexpected phase %d", sc->phase);
	return 0;
}

/* ---- cloud-init ---- */

static void add_dns(struct puq_buf *b, const struct puq_ip *ip)
{
	char text[PUQ_IP_TEXT_MAX];
	if (ip->family == PUQ_IP_ANY)
		return;
	puq_ip_format(ip, PUQ_IP_CANONICAL, text);
	if (strstr(puq_buf_cstr(b), text))
		return;
	if (b->len)
		puq_buf_putc(b, ' ');
	puq_buf_puts(b, text);
}

int puq_vm_step_cloudinit(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_product *p = &vm->product;
	enum puq_vm_state next = vm_following(vm->state);
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_HAVE) {
		if (s->ev->rc < 0)
			vm_fail_event(s, "writing cloud-init");
		else
			vm_next(s, next, "%s", s->sc->text);
		return 0;
	}
	const struct puq_address *v4 = puq_vm_main_address(vm, PUQ_IP_V4);
	const struct puq_address *v6 = puq_vm_main_address(vm, PUQ_IP_V6);
	struct puq_buf ipc = PUQ_BUF_INIT, ns = PUQ_BUF_INIT;
	char a[PUQ_IP_TEXT_MAX], g[PUQ_IP_TEXT_MAX];
	if (p->dhcp4)
		puq_buf_puts(&ipc, "ip=dhcp");
	else if (v4) {
		puq_ip_format(&v4->ip, PUQ_IP_CANONICAL, a);
		puq_buf_printf(&ipc, "ip=%s/%u", a, v4->mask);
		if (v4->gateway.family == PUQ_IP_V4) {
			puq_ip_format(&v4->gateway, PUQ_IP_CANONICAL, g);
			puq_buf_printf(&ipc, ",gw=%s", g);
		}
		add_dns(&ns, &v4->dns1);
		add_dns(&ns, &v4->dns2);
	}
	if (p->dhcp6)
		puq_buf_printf(&ipc, "%sip6=dhcp", ipc.len ? "," : "");
	else if (v6) {
		puq_ip_format(&v6->ip, PUQ_IP_CANONICAL, a);
		puq_buf_printf(&ipc, "%sip6=%s/%u", ipc.len ? "," : "", a, v6->mask);
		if (v6->gateway.family == PUQ_IP_V6) {
			puq_ip_format(&v6->gateway, PUQ_IP_CANONICAL, g);
			puq_buf_printf(&ipc, ",gw6=%s", g);
		}
		add_dns(&ns, &v6->dns1);
		add_dns(&ns, &v6->dns2);
	}
	struct puq_error err;
	puq_error_clear(&err);
	rc = puq_pve_req_config_set(&s->out->req, vm->node, vm->vmid, false,
		puq_pve_get_str(s->sc->config, "digest"));
	s->out->req.sensitive = true; /* the password is in the body */
	if (rc == 0 && vm->username[0])
		rc = puq_pve_config_put(&s->out->req, "ciuser", vm->username, &err);
	if (rc == 0 && vm->password && vm->password[0])
		rc = puq_pve_config_put(&s->out->req, "cipassword", vm->password, &err);
	if (rc == 0 && ipc.len)
		rc = puq_pve_config_put(&s->out->req, "ipconfig0", puq_buf_cstr(&ipc), &err);
	if (rc == 0 && ns.len)
		rc = puq_pve_config_put(&s->out->req, "nameserver", puq_buf_cstr(&ns), &err);
	if (rc == 0 && p->main_domain[0])
		rc = puq_pve_config_put(&s->out->req, "searchdomain", p->main_domain, &err);
	if (rc == 0 && puq_buf_failed(&ipc))
		rc = -PUQ_ENOMEM;
	snprintf(s->sc->text, sizeof(s->sc->text), "user %s%s; %s", vm->username[0] ? vm->username : "-",
		vm->password && vm->password[0] ? " with password" : "",
		ipc.len ? puq_buf_cstr(&ipc) : "no address");
	puq_buf_free(&ipc);
	puq_buf_free(&ns);
	if (rc < 0)
		return vm_build_failed(s, rc, &err);
	vm_send(s, false, 0);
	return 0;
}
