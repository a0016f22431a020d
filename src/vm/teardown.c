/*
 * Removing a VM: terminate, and the first step of reinstall and redeploy.
 *
 * Terminate (research product.md 7.3) is one state with logged phases: stop (a clean
 * shutdown polled up to 120 s, then a forced stop up to 60 s), delete the VM's backups
 * on every backup storage of its node (best effort), delete its DNS records, then
 * DELETE the VM with purge. Only the delete can fail the terminate: it ends in
 * error_terminate holding the addresses, since a VM that still exists must not see its
 * addresses handed to someone else. Addresses are released (by the engine, in the
 * transaction that sets remove) only after Proxmox confirmed the VM is gone - a task
 * that ended OK, or a config that no longer exists.
 *
 * Phases are not stored: after a crash the handler starts again from the top, and every
 * phase is idempotent (a stopped VM is not stopped again, deleted backups are not
 * listed, DNS removals converge, a delete intent is followed or looked up by VMID and,
 * when the VM is still there, in the node's task list: a delete that failed ends as a
 * failed delete does, one that never arrived is sent again under a new intent).
 *
 * Reinstall and redeploy stop and delete the old VM the same way, keeping the backups;
 * a reinstall then continues at set_ip with the same addresses, VMID and MAC, a
 * redeploy removes its DNS records and starts from creation.
 */
#include "steps.h"

enum {
	TD_START = 0, TD_STATUS, TD_SHUTDOWN, TD_STATUS2, TD_FORCED, TD_AFTER_STOP, TD_STORAGES,
	TD_CONTENT, TD_BACKUP_DELETED, TD_DNS, TD_DELETE, TD_DELETE_TASK, TD_CHECK, TD_LOST
};

static bool terminating(const struct puq_vm_step *s)
{
	return s->vm->state == PUQ_VM_TERMINATE;
}

/* The end of a removal: the VM is gone from Proxmox. */
static void gone(struct puq_vm_step *s, const char *how)
{
	if (terminating(s)) {
		vm_db(s, PUQ_VM_DB_TERMINATED, PUQ_VM_REMOVE);
		snprintf(s->out->text, sizeof(s->out->text), "%s", how);
	} else if (s->vm->action == PUQ_VM_ACTION_REDEPLOY) {
		vm_db(s, PUQ_VM_DB_REDEPLOYED, PUQ_VM_CREATION);
		snprintf(s->out->text, sizeof(s->out->text), "%s; addresses and VMID released", how);
	} else {
		vm_db(s, PUQ_VM_DB_REINSTALLED, PUQ_VM_SET_IP);
		snprintf(s->out->text, sizeof(s->out->text), "%s; addresses, VMID and MAC kept", how);
	}
	s->out->clear_intent = true;
}

static int send_status(struct puq_vm_step *s, int phase)
{
	int rc = puq_pve_req_status(&s->out->req, s->vm->node, s->vm->vmid);
	if (rc < 0)
		return rc;
	s->sc->phase = phase;
	vm_send(s, false, 0);
	return 0;
}

static int send_power(struct puq_vm_step *s, enum puq_pve_power what, long timeout_s, int phase,
	long budget_ms)
{
	int rc = puq_pve_req_power(&s->out->req, s->vm->node, s->vm->vmid, what, timeout_s, false);
	if (rc < 0)
		return rc;
	s->sc->phase = phase;
	vm_send(s, true, budget_ms);
	return 0;
}

/* Reads the config where the delete intent went (is the VM still there?). */
static int send_check(struct puq_vm_step *s)
{
	int rc = puq_pve_req_config_get(&s->out->req, s->vm->intent.node, s->vm->intent.vmid,
		false);
	if (rc < 0)
		return rc;
	s->sc->phase = TD_CHECK;
	vm_send(s, false, 0);
	return 0;
}

/* What comes after the stop: backups (terminate) or the delete. */
static int after_stop(struct puq_vm_step *s)
{
	if (!terminating(s)) {
		s->sc->phase = s->vm->action == PUQ_VM_ACTION_REDEPLOY ? TD_DNS : TD_DELETE;
		return -1; /* go on at once */
	}
	int rc = puq_pve_req_storages(&s->out->req, s->vm->node, "backup");
	if (rc < 0)
		return rc;
	s->sc->phase = TD_STORAGES;
	vm_send(s, false, 0);
	return 0;
}

/* Lists the next backup storage's volumes of this VM, or starts deleting them. */
static int next_storage(struct puq_vm_step *s)
{
	struct puq_vm_scratch *sc = s->sc;
	if (sc->index < json_array_size(sc->list)) {
		const char *st = json_string_value(json_array_get(sc->list, sc->index));
		int rc = puq_pve_req_storage_content(&s->out->req, s->vm->node, st, "backup",
			s->vm->vmid);
		if (rc < 0)
			return rc;
		sc->phase = TD_CONTENT;
		vm_send(s, false, 0);
		return 0;
	}
	sc->index = 0;
	return 1;
}

/* Deletes the next collected backup (sc->config = [[storage, volid], ...]). */
static int next_backup(struct puq_vm_step *s)
{
	struct puq_vm_scratch *sc = s->sc;
	if (sc->index < json_array_size(sc->config)) {
		json_t *e = json_array_get(sc->config, sc->index);
		int rc = puq_pve_req_volume_delete(&s->out->req, s->vm->node,
			json_string_value(json_array_get(e, 0)), json_string_value(json_array_get(e, 1)));
		if (rc < 0)
			return rc;
		sc->phase = TD_BACKUP_DELETED;
		vm_send(s, true, s->env->heavy_timeout_ms);
		return 0;
	}
	size_t total = json_array_size(sc->config);
	vm_log(s, "Delete backups", "%zu backup(s) deleted%s", total - (size_t)sc->tries,
		sc->tries ? ", some could not be (see the log)" : "");
	sc->phase = TD_DNS;
	return 0;
}

static int send_delete(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	int rc = puq_pve_req_destroy(&s->out->req, vm->node, vm->vmid, true, true);
	if (rc < 0)
		return rc;
	struct puq_vm_intent *in = &s->out->intent;
	puq_strlcpy(in->kind, "delete", sizeof(in->kind));
	in->vmid = vm->vmid;
	puq_strlcpy(in->node, vm->node, sizeof(in->node));
	s->sc->phase = TD_DELETE_TASK;
	vm_send(s, true, s->env->heavy_timeout_ms);
	return 0;
}

/* The delete failed for good (why: Proxmox's words). */
static void delete_failed(struct puq_vm_step *s, const char *why)
{
	if (terminating(s)) {
		vm_db(s, PUQ_VM_DB_TERMINATE_FAILED, PUQ_VM_ERROR_TERMINATE);
		snprintf(s->out->text, sizeof(s->out->text), "deleting VM %lld failed: %s",
			s->vm->vmid, why);
	} else {
		vm_fail(s, s->ev->rc < 0 && s->ev->err.code ? s->ev->err.code : PUQ_EPVETASK,
			"deleting the old VM: %s", why);
	}
	s->out->clear_intent = true;
}

static int removal(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	struct puq_vm_scratch *sc = s->sc;
	const struct puq_vm_event *ev = s->ev;
	struct puq_pve_status st;
	struct puq_error err;
	int rc;
	puq_error_clear(&err);

	switch (sc->phase) {
	case TD_START:
		if (strcmp(vm->intent.kind, "delete") == 0) {
			if (vm->intent.upid[0]) {
				sc->phase = TD_DELETE_TASK;
				vm_poll(s, vm->intent.upid, s->env->heavy_timeout_ms);
				return 0;
			}
			/* died between intent and UPID: is the VM still there? */
			return send_check(s);
		}
		if (vm->vmid <= 0 || !vm->node[0]) {
			sc->flag = true; /* nothing on Proxmox */
			sc->phase = terminating(s) || vm->action == PUQ_VM_ACTION_REDEPLOY ? TD_DNS : TD_DELETE;
			return -1;
		}
		return send_status(s, TD_STATUS);
	case TD_CHECK:
		if (ev->rc < 0 && ev->err.code == PUQ_EPVENOTFOUND) {
			gone(s, "the VM is gone (deleted before a restart)");
			return 0;
		}
		if (ev->rc < 0) {
			vm_fail_event(s, "looking up the VM");
			return 0;
		}
		if (puq_pve_config_lock(ev->data)) {
			sc->phase = TD_START;
			vm_wait(s, 1000, "the VM is locked (%s)", puq_pve_config_lock(ev->data));
			return 0;
		}
		if (sc->n == 0) /* the VM is there: did the delete fail, or never arrive? */
			return vm_lost_ask(s, TD_LOST);
		return send_status(s, TD_STATUS);
	case TD_LOST: {
		char upid[PUQ_PVE_UPID_MAX], status[128];
		switch (vm_lost_read(s, upid, status, sizeof(status))) {
		case VM_LOST_ERROR:
			vm_fail_event(s, "looking for the delete in the node's task list");
			return 0;
		case VM_LOST_RUNNING:
			sc->phase = TD_DELETE_TASK;
			vm_poll(s, upid, s->env->heavy_timeout_ms);
			return 0;
		case VM_LOST_FAILED: /* as if this run had followed it: the task's exit status */
			delete_failed(s, status);
			return 0;
		case VM_LOST_OK: /* it finished since the config was read: look once more */
			sc->n = 1;
			return send_check(s);
		default: /* it never arrived: stop the VM and delete it (a new intent) */
			return send_status(s, TD_STATUS);
		}
	}
	case TD_STATUS:
		if (ev->rc < 0 && ev->err.code == PUQ_EPVENOTFOUND) {
			sc->flag = true;
			vm_log(s, "Stop VM", "the VM does not exist on Proxmox");
			sc->phase = terminating(s) || vm->action == PUQ_VM_ACTION_REDEPLOY ? TD_DNS : TD_DELETE;
			return 0;
		}
		if (ev->rc < 0) {
			vm_fail_event(s, "reading the VM's status");
			return 0;
		}
		if (puq_pve_parse_status(ev->data, &st, &err) < 0) {
			vm_fail(s, err.code, "reading the VM's status: %s", err.text);
			return 0;
		}
		if (st.lock[0]) {
			sc->phase = TD_START;
			vm_wait(s, 2000, "the VM is locked (%s): waiting for the Proxmox task", st.lock);
			return 0;
		}
		if (strcmp(st.status, "running") != 0) {
			vm_log(s, "Stop VM", "already stopped");
			sc->phase = TD_AFTER_STOP;
			return 0;
		}
		if (!terminating(s)) /* the disks are wiped anyway: no need to wait for a shutdown */
			return send_power(s, PUQ_PVE_STOP, 0, TD_FORCED, s->env->force_stop_timeout_ms);
		return send_power(s, PUQ_PVE_SHUTDOWN, s->env->stop_timeout_ms / 1000, TD_SHUTDOWN,
			s->env->stop_timeout_ms + 10000);
	case TD_SHUTDOWN:
		return send_status(s, TD_STATUS2);
	case TD_STATUS2:
		if (ev->rc == 0 && puq_pve_parse_status(ev->data, &st, &err) == 0 &&
			strcmp(st.status, "running") != 0) {
			vm_log(s, "Stop VM", "shut down cleanly");
			sc->phase = TD_AFTER_STOP;
			return 0;
		}
		return send_power(s, PUQ_PVE_STOP, 0, TD_FORCED, s->env->force_stop_timeout_ms);
	case TD_FORCED:
		/* still running? the purging delete reaps it, or fails and says so */
		vm_log(s, "Stop VM", ev->rc == 0 && ev->task.ok ? "stopped (forced)"
			: "the forced stop did not finish; deleting anyway");
		sc->phase = TD_AFTER_STOP;
		return 0;
	case TD_AFTER_STOP:
		return after_stop(s);
	case TD_STORAGES: {
		sc->list = json_array();
		sc->config = json_array();
		if (!sc->list || !sc->config)
			return -PUQ_ENOMEM;
		struct puq_pve_storage_list l = {0};
		if (ev->rc < 0 || puq_pve_parse_storages(ev->data, &l, &err) < 0) {
			vm_log(s, "Delete backups", "skipped: cannot list the backup storages (%s)",
				ev->rc < 0 ? vm_event_error(s) : err.text);
			sc->phase = TD_DNS;
			return 0;
		}
		for (size_t i = 0; i < l.n; i++)
			json_array_append_new(sc->list, json_string(l.items[i].name));
		puq_pve_storage_list_free(&l);
		sc->index = 0;
		rc = next_storage(s);
		return rc > 0 ? next_backup(s) : rc;
	}
	case TD_CONTENT: {
		const char *storage = json_string_value(json_array_get(sc->list, sc->index));
		struct puq_pve_volume_list vols = {0};
		if (ev->rc == 0 && puq_pve_parse_volumes(ev->data, &vols, &err) == 0)
			for (size_t i = 0; i < vols.n; i++)
				if (vols.items[i].vmid == vm->vmid)
					json_array_append_new(sc->config, json_pack("[ss]", storage, vols.items[i].volid));
		puq_pve_volume_list_free(&vols);
		sc->index++;
		rc = next_storage(s);
		return rc > 0 ? next_backup(s) : rc;
	}
	case TD_BACKUP_DELETED:
		if (ev->rc < 0 || !ev->task.ok)
			sc->tries++; /* best effort: the terminate goes on */
		sc->index++;
		return next_backup(s);
	case TD_DNS:
		if (ev->kind != PUQ_VM_EV_DNS) {
			vm_dns(s, PUQ_VM_DNS_DELETE);
			return 0;
		}
		vm_log(s, "Delete DNS records", "%zu record set(s) removed, %zu failed", ev->dns_ok,
			ev->dns_failed);
		sc->phase = TD_DELETE;
		return 0;
	case TD_DELETE:
		if (sc->flag) {
			gone(s, "no VM on Proxmox");
			return 0;
		}
		return send_delete(s);
	case TD_DELETE_TASK:
		if (ev->rc < 0) {
			if (ev->err.code == PUQ_EPVENOTFOUND) {
				gone(s, "the VM was already gone");
				return 0;
			}
			if (vm_outcome_unknown(ev)) {
				/* no answer: the outcome is unknown, the intent tells the next run */
				vm_fail_event(s, "deleting the VM");
				return 0;
			}
			delete_failed(s, vm_event_error(s));
			return 0;
		}
		if (!ev->task.ok) {
			delete_failed(s, vm_event_error(s));
			return 0;
		}
		gone(s, "VM deleted with its disks");
		return 0;
	}
	vm_fail(s, PUQ_EINTERNAL, "removal: unexpected phase %d", sc->phase);
	return 0;
}

/* Runs the phase machine; a phase that returns -1 continues at once with the next one. */
static int run(struct puq_vm_step *s)
{
	for (int guard = 0; guard < 16; guard++) {
		int rc = removal(s);
		if (rc != -1)
			return rc;
		/* the phase moved on without output: treat the next phase as freshly started */
		static const struct puq_vm_event start = {.kind = PUQ_VM_EV_START};
		s->ev = &start;
	}
	vm_fail(s, PUQ_EINTERNAL, "removal: no progress");
	return 0;
}

int puq_vm_step_terminate(struct puq_vm_step *s)
{
	return run(s);
}

int puq_vm_step_remove_old(struct puq_vm_step *s)
{
	return run(s);
}
