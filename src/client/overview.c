/*
 * The client area's overview (live status, resources, addresses), the page's poll of
 * the running job, power buttons and charts.
 *
 * The overview reads three Proxmox answers (the VM's cluster resource entry, its
 * current status and its config) and lets the VM Management room's live summary
 * interpret them, so the admin tab and the client see the same figures. When Proxmox
 * cannot be reached the page still shows what the database knows, with the error.
 * Power requests go to Proxmox at once (the client watches the status change); they are
 * refused while the VM is not ready, a job runs, or (start) the service is suspended.
 */
#include "internal.h"
#include "puqkvm/vmadmin.h"

/* ---- overview ---- */

static json_t *addresses_of(const struct puq_vm *vm)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < vm->addrs.n; i++) {
		const struct puq_address *x = &vm->addrs.items[i];
		char ip[PUQ_IP_TEXT_MAX], key[PUQ_IP_TEXT_MAX], gw[PUQ_IP_TEXT_MAX] = "",
			d1[PUQ_IP_TEXT_MAX] = "", d2[PUQ_IP_TEXT_MAX] = "";
		puq_ip_format(&x->ip, PUQ_IP_CANONICAL, ip);
		puq_ip_format(&x->ip, PUQ_IP_EXPANDED, key);
		if (x->gateway.family)
			puq_ip_format(&x->gateway, PUQ_IP_CANONICAL, gw);
		if (x->dns1.family)
			puq_ip_format(&x->dns1, PUQ_IP_CANONICAL, d1);
		if (x->dns2.family)
			puq_ip_format(&x->dns2, PUQ_IP_CANONICAL, d2);
		const char *rdns = vm->rev_dns ? json_string_value(json_object_get(vm->rev_dns, key)) : NULL;
		json_array_append_new(a, json_pack("{s:s,s:s,s:i,s:b,s:i,s:s,s:s,s:s,s:s}", "ip", ip,
			"key", key, "family", x->ip.family == PUQ_IP_V6 ? 6 : 4, "main", x->main, "mask",
			(int)x->mask, "gateway", gw, "dns1", d1, "dns2", d2, "rdns", rdns ? rdns : vm->fqdn));
	}
	return a;
}

static json_t *permissions_of(const struct puq_vm_product *p)
{
	static const char *const flags[] = {"start", "stop", "charts", "reinstall",
		"reset_password", "revdns", "iso", "firewall", "backups", "snapshots",
		"snapshot_schedule"};
	json_t *o = json_object();
	for (size_t i = 0; o && i < PUQ_ARRAY_LEN(flags); i++)
		json_object_set_new(o, flags[i], json_boolean(client_allowed(p, flags[i])));
	return o;
}

/* Reads status/current and the config; fills *status, *config or the error. */
static void live(struct client_call *c, json_t **guest, json_t **status, json_t **config,
	char why[PUQ_ERROR_TEXT_MAX])
{
	struct puq_pve_conn *conn = NULL;
	struct puq_pve_req req;
	struct puq_error e;
	long long vmid = 0;
	char node[PUQ_PVE_NAME_MAX];
	puq_error_clear(&e);
	if (client_locate(c, &vmid, node, &conn, guest, &e) < 0 ||
		puq_pve_req_status(&req, node, vmid) < 0 || client_pve(c, conn, &req, status, &e) < 0 ||
		puq_pve_req_config_get(&req, node, vmid, true) < 0 ||
		client_pve(c, conn, &req, config, &e) < 0) {
		snprintf(why, PUQ_ERROR_TEXT_MAX, "%s", e.text[0] ? e.text : "Proxmox VE did not answer");
	}
}

int client_overview(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_vm vm;
	json_t *guest = NULL, *status = NULL, *config = NULL, *summary = NULL, *job = NULL;
	char why[PUQ_ERROR_TEXT_MAX] = "";
	if (c->job_running) { /* the page's poll moves a finished task's job on */
		struct puq_job_result res;
		if (puq_job_advance(c->env, c->q->service_id, 0, &res, err) < 0)
			return -err->code;
	}
	int rc = puq_vm_load(c->env->db, c->q->service_id, &vm, NULL, err);
	if (rc < 0)
		return rc;
	if (vm.vmid > 0)
		live(c, &guest, &status, &config, why);
	else
		snprintf(why, sizeof(why), "the VM is being created");
	rc = puq_vmadmin_live_summary(&vm, guest, status, config, &summary, err);
	if (rc == 0)
		rc = puq_job_describe(c->env->db, c->q->service_id, &job, err);
	if (rc == 0) {
		*out = json_pack("{s:o,s:s,s:s,s:s,s:s,s:o,s:o,s:b,s:b,s:o}", "vm", summary, "pve_error",
			why, "local_status", puq_vm_state_name(vm.state), "domain", vm.fqdn, "username",
			c->username, "addresses", addresses_of(&vm), "permissions", permissions_of(&c->product),
			"busy", vm.state != PUQ_VM_READY || json_is_true(json_object_get(job, "running")),
			"suspended", vm.suspended, "job", job);
		summary = job = NULL;
	}
	json_decref(summary);
	json_decref(job);
	json_decref(guest);
	json_decref(status);
	json_decref(config);
	puq_vm_free(&vm);
	return rc;
}

int client_job(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_job_result res;
	int rc = puq_job_advance(c->env, c->q->service_id, 0, &res, err);
	if (rc == 0)
		rc = puq_job_describe(c->env->db, c->q->service_id, out, err);
	return rc;
}

/* ---- power ---- */

int client_power(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_pve_conn *conn = NULL;
	struct puq_pve_req req;
	long long vmid = 0;
	char node[PUQ_PVE_NAME_MAX], upid[PUQ_PVE_UPID_MAX];
	json_t *data = NULL;
	const char *action = c->q->action;
	enum puq_pve_power what = strcmp(action, "start") == 0 ? PUQ_PVE_START
		: strcmp(action, "reboot") == 0 ? PUQ_PVE_REBOOT : PUQ_PVE_SHUTDOWN;
	int rc = client_locate(c, &vmid, node, &conn, NULL, err);
	if (rc < 0)
		return rc;
	/* a clean shutdown, which Proxmox turns into a stop after a minute */
	rc = puq_pve_req_power(&req, node, vmid, what, what == PUQ_PVE_SHUTDOWN ? 60 : 0,
		what == PUQ_PVE_SHUTDOWN);
	if (rc < 0)
		return puq_error_set(err, -rc, NULL);
	if ((rc = client_pve(c, conn, &req, &data, err)) < 0)
		return rc;
	rc = puq_pve_parse_upid_answer(data, upid, err);
	json_decref(data);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:s,s:s}", "action", action, "upid", upid);
	return 0;
}

/* ---- charts ---- */

static json_t *num(bool have, double v)
{
	return have ? json_real(v) : json_null();
}

json_t *puq_client_chart(const struct puq_pve_rrd *rrd, const char *timeframe)
{
	json_t *pts = json_array();
	for (size_t i = 0; pts && i < rrd->n; i++) {
		const struct puq_pve_rrd_point *p = &rrd->items[i];
		bool cpu = p->have & PUQ_RRD_CPU, mem = (p->have & PUQ_RRD_MEM) && p->maxmem > 0;
		bool disk = p->have & PUQ_RRD_DISK, net = p->have & PUQ_RRD_NET;
		json_array_append_new(pts, json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o}", "t",
			(json_int_t)p->time, "cpu", num(cpu, p->cpu * 100.0), "mem",
			num(mem, mem ? 100.0 * p->mem / p->maxmem : 0), "diskread",
			num(disk, p->diskread / 1048576.0), "diskwrite", num(disk, p->diskwrite / 1048576.0),
			"netin", num(net, p->netin / 1048576.0), "netout", num(net, p->netout / 1048576.0)));
	}
	if (!pts)
		return NULL;
	return json_pack("{s:s,s:I,s:o}", "timeframe", timeframe, "step", (json_int_t)rrd->step,
		"points", pts);
}

int client_charts(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_pve_conn *conn = NULL;
	struct puq_pve_req req;
	struct puq_pve_rrd rrd = {0};
	long long vmid = 0;
	char node[PUQ_PVE_NAME_MAX];
	json_t *data = NULL;
	const char *tf = client_arg_str(c, "timeframe");
	if (!*tf)
		tf = "hour";
	int rc = puq_pve_req_rrddata(&req, "-", 100, tf, "AVERAGE", err);
	puq_pve_req_free(&req);
	if (rc < 0) /* a bad timeframe: a field error before anything is read */
		return rc;
	if ((rc = client_locate(c, &vmid, node, &conn, NULL, err)) < 0)
		return rc;
	if ((rc = puq_pve_req_rrddata(&req, node, vmid, tf, "AVERAGE", err)) < 0)
		return rc;
	if ((rc = client_pve(c, conn, &req, &data, err)) < 0)
		return rc;
	rc = puq_pve_parse_rrd(data, &rrd, err);
	json_decref(data);
	if (rc < 0)
		return rc;
	*out = puq_client_chart(&rrd, tf);
	puq_pve_rrd_free(&rrd);
	return *out ? 0 : puq_error_set(err, PUQ_ENOMEM, NULL);
}
