/*
 * The step dispatcher and what every step shares.
 *
 * puq_vm_step_run finds the step leaving the VM's state in one table and runs it. The
 * helpers below are how a step states its decision (vm_next, vm_skip, vm_wait, vm_fail,
 * vm_send, ...) and how it reads the VM's config first: most steps compare the config
 * with the product and change only what differs, which is what makes them idempotent,
 * and the config also says whether a Proxmox task holds the VM (a lock pauses the VM).
 */
#include <stdarg.h>
#include <stdio.h>

#include "steps.h"

static const puq_vm_step_fn table[PUQ_VM_STATE__COUNT] = {
	[PUQ_VM_CREATION] = puq_vm_step_allocate,
	[PUQ_VM_SET_IP] = puq_vm_step_clone,
	[PUQ_VM_CLONE] = puq_vm_step_dns_create,
	[PUQ_VM_SET_DNS] = puq_vm_step_migrate,
	[PUQ_VM_MIGRATED] = puq_vm_step_cpu_ram,
	[PUQ_VM_SET_CPU_RAM] = puq_vm_step_sys_size,
	[PUQ_VM_SET_SYSTEM_DISK_SIZE] = puq_vm_step_sys_bw,
	[PUQ_VM_SET_SYSTEM_DISK_BANDWIDTH] = puq_vm_step_add_disk,
	[PUQ_VM_SET_CREATED_ADDITIONAL_DISK] = puq_vm_step_add_size,
	[PUQ_VM_SET_ADDITIONAL_DISK_SIZE] = puq_vm_step_add_bw,
	[PUQ_VM_SET_ADDITIONAL_DISK_BANDWIDTH] = puq_vm_step_network,
	[PUQ_VM_SET_NETWORK] = puq_vm_step_firewall,
	[PUQ_VM_SET_FIREWALL] = puq_vm_step_cloudinit,
	[PUQ_VM_SET_CLOUDINIT] = puq_vm_step_start,
	[PUQ_VM_STARTING] = puq_vm_step_check_running,
	[PUQ_VM_READY] = puq_vm_step_power,
	[PUQ_VM_CHANGE_PACKAGE] = puq_vm_step_cp_update_ip,
	[PUQ_VM_CP_UPDATE_IP] = puq_vm_step_cp_stop,
	[PUQ_VM_CP_STOP] = puq_vm_step_cpu_ram,
	[PUQ_VM_CP_CPU_RAM] = puq_vm_step_sys_size,
	[PUQ_VM_CP_SYSTEM_DISK_SIZE] = puq_vm_step_sys_bw,
	[PUQ_VM_CP_SYSTEM_DISK_BANDWIDTH] = puq_vm_step_add_disk,
	[PUQ_VM_CP_ADDITIONAL_DISK] = puq_vm_step_add_size,
	[PUQ_VM_CP_ADDITIONAL_DISK_SIZE] = puq_vm_step_add_bw,
	[PUQ_VM_CP_ADDITIONAL_DISK_BANDWIDTH] = puq_vm_step_network,
	[PUQ_VM_CP_NETWORK] = puq_vm_step_firewall,
	[PUQ_VM_CP_FIREWALL] = puq_vm_step_start,
	[PUQ_VM_CP_START] = puq_vm_step_check_running,
	[PUQ_VM_REINSTALL] = puq_vm_step_remove_old,
	[PUQ_VM_SET_DNS_RECORDS] = puq_vm_step_dns_resync,
	[PUQ_VM_TERMINATE] = puq_vm_step_terminate,
};

int puq_vm_step_run(struct puq_vm_step *s)
{
	enum puq_vm_state st = s->vm->state;
	puq_vm_step_fn fn = (unsigned)st < PUQ_VM_STATE__COUNT ? table[st] : NULL;
	if (!fn) {
		vm_fail(s, PUQ_ESTATE, "status '%s' has no step: the VM rests there",
			puq_vm_state_name(st));
		return 0;
	}
	return fn(s);
}

enum puq_vm_state vm_following(enum puq_vm_state s)
{
	switch (s) {
	case PUQ_VM_STARTING:
	case PUQ_VM_CP_START:
	case PUQ_VM_SET_DNS_RECORDS:
		return PUQ_VM_READY;
	default:
		return s + 1 < PUQ_VM_STATE__COUNT ? s + 1 : PUQ_VM_STATE_UNKNOWN;
	}
}

/* ---- decisions ---- */

static void set_text(struct puq_vm_out *o, const char *fmt, va_list ap)
{
	if (fmt)
		vsnprintf(o->text, sizeof(o->text), fmt, ap);
	else
		o->text[0] = '\0';
}

void vm_next(struct puq_vm_step *s, enum puq_vm_state next, const char *fmt, ...)
{
	va_list ap;
	s->out->kind = PUQ_VM_DO_NEXT;
	s->out->next = next;
	va_start(ap, fmt);
	set_text(s->out, fmt, ap);
	va_end(ap);
}

void vm_skip(struct puq_vm_step *s, enum puq_vm_state next, const char *fmt, ...)
{
	va_list ap;
	s->out->kind = PUQ_VM_DO_SKIP;
	s->out->next = next;
	va_start(ap, fmt);
	set_text(s->out, fmt, ap);
	va_end(ap);
}

void vm_wait(struct puq_vm_step *s, long ms, const char *fmt, ...)
{
	va_list ap;
	s->out->kind = PUQ_VM_DO_WAIT;
	s->out->wait_ms = ms;
	s->sc->waited_ms += (double)ms;
	va_start(ap, fmt);
	set_text(s->out, fmt, ap);
	va_end(ap);
}

void vm_fail(struct puq_vm_step *s, int code, const char *fmt, ...)
{
	va_list ap;
	puq_pve_req_free(&s->out->req);
	s->out->kind = PUQ_VM_DO_ERROR;
	s->out->code = code ? code : PUQ_EINTERNAL;
	va_start(ap, fmt);
	set_text(s->out, fmt, ap);
	va_end(ap);
}

void vm_log(struct puq_vm_step *s, const char *label, const char *fmt, ...)
{
	va_list ap;
	s->out->kind = PUQ_VM_DO_LOG;
	puq_strlcpy(s->out->label, label, sizeof(s->out->label));
	va_start(ap, fmt);
	set_text(s->out, fmt, ap);
	va_end(ap);
}

const char *vm_event_error(const struct puq_vm_step *s)
{
	const struct puq_vm_event *ev = s->ev;
	if (ev->kind == PUQ_VM_EV_TASK && ev->rc == 0)
		return ev->task.exitstatus[0] ? ev->task.exitstatus : "the task failed";
	return ev->err.text[0] ? ev->err.text : puq_error_message(ev->err.code);
}

bool vm_outcome_unknown(const struct puq_vm_event *ev)
{
	return ev->rc < 0 && (ev->err.code == PUQ_ETIMEOUT || ev->err.code == PUQ_EHTTP);
}

void vm_fail_event(struct puq_vm_step *s, const char *what)
{
	int code = s->ev->kind == PUQ_VM_EV_TASK && s->ev->rc == 0 ? PUQ_EPVETASK
		: s->ev->err.code ? s->ev->err.code : PUQ_EPVE;
	vm_fail(s, code, "%s: %s", what, vm_event_error(s));
}

void vm_db(struct puq_vm_step *s, enum puq_vm_db_op op, enum puq_vm_state next)
{
	s->out->kind = PUQ_VM_DO_DB;
	s->out->db = op;
	s->out->next = next;
}

void vm_dns(struct puq_vm_step *s, enum puq_vm_dns_op op)
{
	s->out->kind = PUQ_VM_DO_DNS;
	s->out->dns = op;
}

void vm_poll(struct puq_vm_step *s, const char *upid, long budget_ms)
{
	s->out->kind = PUQ_VM_DO_POLL;
	puq_strlcpy(s->out->upid, upid, sizeof(s->out->upid));
	s->out->budget_ms = budget_ms;
}

void vm_send(struct puq_vm_step *s, bool task, long budget_ms)
{
	s->out->kind = PUQ_VM_DO_REQUEST;
	s->out->task = task;
	s->out->budget_ms = budget_ms;
}

int vm_build_failed(struct puq_vm_step *s, int rc, struct puq_error *err)
{
	if (rc == -PUQ_ENOMEM)
		return rc;
	const char *why = err && err->nfields ? err->fields[0].message : err ? err->text : "";
	vm_fail(s, PUQ_EINVAL, "cannot build the Proxmox VE request: %s%s%s",
		err && err->nfields ? err->fields[0].field : "", err && err->nfields ? ": " : "", why);
	return 0;
}

/* ---- the config ---- */

bool vm_event_is(const struct puq_vm_step *s, enum puq_vm_event_kind k)
{
	return s->ev && s->ev->kind == k;
}

int vm_need_config(struct puq_vm_step *s)
{
	struct puq_vm_scratch *sc = s->sc;
	const struct puq_vm *vm = s->vm;
	if (sc->config && !(vm_event_is(s, PUQ_VM_EV_HTTP) && sc->phase == -1))
		return VM_CFG_HAVE;
	if (!sc->config && sc->preload && vm_event_is(s, PUQ_VM_EV_START)) {
		/* the config an earlier step read, and nothing has written since */
		sc->config = sc->preload;
		sc->preload = NULL;
		if (!puq_pve_config_lock(sc->config))
			return VM_CFG_NOW;
		json_decref(sc->config);
		sc->config = NULL;
	}
	if (sc->phase == -1 && vm_event_is(s, PUQ_VM_EV_HTTP)) {
		sc->phase = 0;
		if (s->ev->rc < 0) {
			vm_fail_event(s, "reading the VM's config");
			return VM_CFG_SENT;
		}
		json_t *cfg = (json_t *)s->ev->data;
		const char *lock = puq_pve_config_lock(cfg);
		if (lock) {
			vm_wait(s, 1000, "the VM is locked (%s): waiting for the Proxmox task", lock);
			return VM_CFG_SENT;
		}
		sc->config = json_incref(cfg);
		return VM_CFG_NOW;
	}
	if (vm->vmid <= 0 || !vm->node[0]) {
		vm_fail(s, PUQ_ESTATE, "the VM has no Proxmox VMID or node yet: reset it to creation");
		return VM_CFG_SENT;
	}
	int rc = puq_pve_req_config_get(&s->out->req, vm->node, vm->vmid, false);
	if (rc < 0)
		return rc;
	sc->phase = -1;
	vm_send(s, false, 0);
	return VM_CFG_SENT;
}

int vm_system_disk(struct puq_vm_step *s, struct puq_pve_disk *out)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pve_config_system_disk(s->sc->config, out, &err) < 0) {
		vm_fail(s, err.code, "cannot find the system disk: %s", err.text);
		return -1;
	}
	return 0;
}

bool vm_additional_disk(struct puq_vm_step *s, const struct puq_pve_disk *sys,
	struct puq_pve_disk *out)
{
	struct puq_pve_disk disks[16];
	size_t n = puq_pve_config_disks(s->sc->config, disks, PUQ_ARRAY_LEN(disks));
	for (size_t i = 0; i < n && i < PUQ_ARRAY_LEN(disks); i++)
		if (strcmp(disks[i].key, sys->key) != 0) {
			*out = disks[i];
			return true;
		}
	return false;
}

void vm_size_text(unsigned long long bytes, char out[32])
{
	static const char units[] = "KMGT";
	if (bytes == 0) {
		snprintf(out, 32, "0");
		return;
	}
	int u = -1;
	while (u < 3 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, 32, "%llu", bytes);
	else
		snprintf(out, 32, "%llu%c", bytes, units[u]);
}
