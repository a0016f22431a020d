/*
 * DNS steps of several VMs, batched: every VM that asked for a DNS operation since the
 * last batch is handed to one puq_dns_* call per operation, so one PowerDNS PATCH or
 * Cloudflare batch carries the records of many VMs.
 *
 * The DNS operation runs its own loop on the run's shared curl engine. That is safe
 * because the engine's own completion callbacks only park answers on their VMs (they
 * never step a VM, submit a request or touch the database): transfers of other VMs that
 * finish meanwhile wait, parked, until the batch returns, and nothing runs re-entrantly.
 *
 * Result lines are attributed to their VM by record name (its FQDN, the PTR names of its
 * addresses) and printed under it; each VM's step gets its own counts. A batch the DNS
 * room refuses as a whole (bad input of one VM) is retried VM by VM, so one bad rDNS
 * name never holds back the others.
 */
#include <stdio.h>

#include "engine.h"

struct svc_data {
	struct cron_vm *v;
	char v4[PUQ_IP_TEXT_MAX], v6[PUQ_IP_TEXT_MAX];
	char (*ips)[PUQ_IP_TEXT_MAX];
	struct puq_dns_address *addrs;
	char (*ptrs)[PUQ_IP_PTR_MAX];
	size_t n;
};

struct batch {
	struct cron_engine *e;
	struct svc_data *d;
	size_t n;
};

static void fill(struct svc_data *d, struct cron_vm *v)
{
	const struct puq_vm *vm = &v->vm;
	d->v = v;
	d->n = vm->addrs.n;
	d->ips = PUQ_CALLOC(d->n ? d->n : 1, sizeof(*d->ips));
	d->addrs = PUQ_CALLOC(d->n ? d->n : 1, sizeof(*d->addrs));
	d->ptrs = PUQ_CALLOC(d->n ? d->n : 1, sizeof(*d->ptrs));
	const struct puq_address *m4 = puq_vm_main_address(vm, PUQ_IP_V4);
	const struct puq_address *m6 = puq_vm_main_address(vm, PUQ_IP_V6);
	if (m4)
		puq_ip_format(&m4->ip, PUQ_IP_CANONICAL, d->v4);
	if (m6)
		puq_ip_format(&m6->ip, PUQ_IP_CANONICAL, d->v6);
	for (size_t i = 0; d->ips && d->addrs && d->ptrs && i < d->n; i++) {
		char key[PUQ_IP_TEXT_MAX];
		puq_ip_format(&vm->addrs.items[i].ip, PUQ_IP_CANONICAL, d->ips[i]);
		puq_ip_format(&vm->addrs.items[i].ip, PUQ_IP_EXPANDED, key);
		puq_ip_ptr_name(&vm->addrs.items[i].ip, d->ptrs[i]);
		d->addrs[i].ip = d->ips[i];
		d->addrs[i].rdns = vm->rev_dns ? json_string_value(json_object_get(vm->rev_dns, key))
									   : NULL;
	}
}

static void unfill(struct svc_data *d)
{
	PUQ_FREE(d->ips);
	PUQ_FREE(d->addrs);
	PUQ_FREE(d->ptrs);
}

static struct puq_dns_service service_of(const struct svc_data *d)
{
	const struct puq_vm *vm = &d->v->vm;
	struct puq_dns_service s = {
		.service_id = vm->service_id,
		/* a name without a domain has no forward record */
		.fqdn = strchr(vm->fqdn, '.') ? vm->fqdn : NULL,
		.main_ipv4 = d->v4[0] ? d->v4 : NULL,
		.main_ipv6 = d->v6[0] ? d->v6 : NULL,
		.addresses = d->addrs,
		.naddresses = d->ips ? d->n : 0,
	};
	return s;
}

/* The VM a result line is about. */
static struct svc_data *owner(struct batch *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++) {
		struct svc_data *d = &b->d[i];
		if (strcasecmp(d->v->vm.fqdn, name) == 0)
			return d;
		for (size_t k = 0; d->ptrs && k < d->n; k++)
			if (strcasecmp(d->ptrs[k], name) == 0)
				return d;
	}
	return b->n == 1 ? &b->d[0] : NULL;
}

static void on_line(void *arg, const struct puq_dns_line *line)
{
	struct batch *b = arg;
	struct svc_data *d = owner(b, line->name ? line->name : "");
	if (d) {
		if (line->ok)
			d->v->dns_ok++;
		else
			d->v->dns_failed++;
		cron_vm_line(b->e, d->v, "    %s", line->text);
	} else {
		cron_line(b->e, "    %s", line->text);
	}
}

static int run_op(struct batch *b, enum puq_vm_dns_op op, struct puq_error *err)
{
	struct cron_engine *e = b->e;
	struct puq_dns_ctx ctx = {.db = e->db, .http = e->http, .timeout_ms = e->heavy_timeout_ms,
		.cloudflare_api = e->opt->cloudflare_api, .on_line = on_line, .line_ctx = b};
	struct puq_dns_report report;
	puq_dns_report_init(&report);
	int rc;
	if (op == PUQ_VM_DNS_DELETE) {
		long long *ids = PUQ_CALLOC(b->n, sizeof(*ids));
		if (!ids)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		for (size_t i = 0; i < b->n; i++)
			ids[i] = b->d[i].v->vm.service_id;
		rc = puq_dns_delete(&ctx, ids, b->n, &report, err);
		PUQ_FREE(ids);
	} else {
		struct puq_dns_service *svcs = PUQ_CALLOC(b->n, sizeof(*svcs));
		if (!svcs)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		for (size_t i = 0; i < b->n; i++)
			svcs[i] = service_of(&b->d[i]);
		rc = op == PUQ_VM_DNS_CREATE ? puq_dns_create(&ctx, svcs, b->n, &report, err)
			: op == PUQ_VM_DNS_REFRESH ? puq_dns_refresh(&ctx, svcs, b->n, &report, err)
									   : puq_dns_resync(&ctx, svcs, b->n, &report, err);
		PUQ_FREE(svcs);
	}
	e->stats->requests += report.requests;
	puq_dns_report_free(&report);
	return rc;
}

void cron_dns_batch(struct cron_engine *e)
{
	static const enum puq_vm_dns_op ops[] = {PUQ_VM_DNS_CREATE, PUQ_VM_DNS_REFRESH,
		PUQ_VM_DNS_DELETE, PUQ_VM_DNS_RESYNC};
	for (size_t o = 0; o < PUQ_ARRAY_LEN(ops); o++) {
		size_t n = 0;
		for (size_t i = 0; i < e->nvms; i++)
			if (e->vms[i]->wait == CW_DNS && e->vms[i]->dns_op == ops[o])
				n++;
		if (!n)
			continue;
		struct batch b = {e, PUQ_CALLOC(n, sizeof(struct svc_data)), 0};
		if (!b.d)
			return;
		for (size_t i = 0; i < e->nvms; i++)
			if (e->vms[i]->wait == CW_DNS && e->vms[i]->dns_op == ops[o]) {
				e->vms[i]->dns_ok = e->vms[i]->dns_failed = 0;
				fill(&b.d[b.n++], e->vms[i]);
			}
		struct puq_error err;
		puq_error_clear(&err);
		int rc = run_op(&b, ops[o], &err);
		if (rc == -PUQ_EVALIDATION && b.n > 1) {
			/* one VM's input is bad: the others must not wait for it */
			for (size_t i = 0; i < b.n; i++) {
				struct batch one = {e, &b.d[i], 1};
				struct puq_error e1;
				puq_error_clear(&e1);
				int r1 = run_op(&one, ops[o], &e1);
				b.d[i].v->dns_rc = r1;
				puq_strlcpy(b.d[i].v->dns_error, e1.text, sizeof(b.d[i].v->dns_error));
			}
		} else {
			for (size_t i = 0; i < b.n; i++) {
				b.d[i].v->dns_rc = rc;
				puq_strlcpy(b.d[i].v->dns_error, err.text, sizeof(b.d[i].v->dns_error));
			}
		}
		for (size_t i = 0; i < b.n; i++) {
			struct cron_vm *v = b.d[i].v;
			if (v->dns_rc < 0) {
				/* DNS never blocks provisioning: the step goes on and says why */
				cron_vm_line(e, v, "    DNS %s not run: %s", ops[o] == PUQ_VM_DNS_DELETE ?
					"removal" : "update", v->dns_error);
				v->dns_failed++;
			}
			memset(&v->ev, 0, sizeof(v->ev));
			v->ev.kind = PUQ_VM_EV_DNS;
			v->ev.rc = 0;
			v->ev.dns_ok = v->dns_ok;
			v->ev.dns_failed = v->dns_failed;
			v->wait = CW_READY;
			unfill(&b.d[i]);
		}
		PUQ_FREE(b.d);
	}
}
