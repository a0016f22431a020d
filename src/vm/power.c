/*
 * Power steps: start at the end of deploy and change package, the check that the VM
 * runs before it is ready, the stop a change of package needs, and the power requests
 * of a ready VM (suspend, unsuspend, the admin's Start and Stop).
 *
 * A suspended service is never started - not by a pipeline, a client or a reset - until
 * it is unsuspended: the start steps skip and say so, and a start request is dropped.
 * A change of package stops the VM only when a change needs it (CPU, RAM, removing the
 * additional disk); everything else is applied to the running VM.
 */
#include "steps.h"

static int ask_status(struct puq_vm_step *s, int phase)
{
	int rc = puq_pve_req_status(&s->out->req, s->vm->node, s->vm->vmid);
	if (rc < 0)
		return rc;
	s->sc->phase = phase;
	vm_send(s, false, 0);
	return 0;
}

static int power(struct puq_vm_step *s, enum puq_pve_power what, long timeout_s, bool force,
	int phase, long budget_ms)
{
	int rc = puq_pve_req_power(&s->out->req, s->vm->node, s->vm->vmid, what, timeout_s, force);
	if (rc < 0)
		return rc;
	s->sc->phase = phase;
	vm_send(s, true, budget_ms);
	return 0;
}

/* The status answer: "running", "stopped", ...; NULL after reporting an error. */
static const char *status_of(struct puq_vm_step *s, struct puq_pve_status *st)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (s->ev->rc < 0) {
		vm_fail_event(s, "reading the VM's status");
		return NULL;
	}
	if (puq_pve_parse_status(s->ev->data, st, &err) < 0) {
		vm_fail(s, err.code, "reading the VM's status: %s", err.text);
		return NULL;
	}
	return st->status;
}

enum { PW_STATUS = 1, PW_TASK, PW_STATUS2, PW_FORCED };

int puq_vm_step_start(struct puq_vm_step *s)
{
	enum puq_vm_state next = vm_following(s->vm->state);
	struct puq_pve_status st;
	if (s->vm->suspended) {
		vm_skip(s, next, "the service is suspended: the VM stays stopped");
		return 0;
	}
	if (s->ev->kind == PUQ_VM_EV_START)
		return ask_status(s, PW_STATUS);
	switch (s->sc->phase) {
	case PW_STATUS: {
		const char *status = status_of(s, &st);
		if (!status)
			return 0;
		if (st.lock[0]) {
			vm_wait(s, 1000, "the VM is locked (%s)", st.lock);
			return 0;
		}
		if (strcmp(status, "running") == 0) {
			vm_skip(s, next, "already running");
			return 0;
		}
		return power(s, PUQ_PVE_START, 0, false, PW_TASK, s->env->start_timeout_ms);
	}
	case PW_TASK:
		if (s->ev->rc < 0 || !s->ev->task.ok)
			vm_fail(s, s->ev->rc < 0 ? s->ev->err.code : PUQ_EPVETASK,
				"VM failed to start (%s). Will retry.", vm_event_error(s));
		else
			vm_next(s, next, "started");
		return 0;
	}
	vm_fail(s, PUQ_EINTERNAL, "start: unexpected phase %d", s->sc->phase);
	return 0;
}

int puq_vm_step_check_running(struct puq_vm_step *s)
{
	const struct puq_vm_product *p = &s->vm->product;
	bool change = s->vm->state == PUQ_VM_CP_START;
	const char *email = change ? p->email_upgrade : p->email_ready;
	if (change && s->vm->action == PUQ_VM_ACTION_RESTORE)
		email = p->email_restored; /* the chain re-applied the package after a restore */
	struct puq_pve_status st;
	if (s->vm->suspended) {
		vm_next(s, PUQ_VM_READY, "ready; the service is suspended, so the VM stays stopped");
		s->out->email = email[0] ? email : NULL;
		return 0;
	}
	if (s->ev->kind == PUQ_VM_EV_START)
		return ask_status(s, PW_STATUS);
	const char *status = status_of(s, &st);
	if (!status)
		return 0;
	if (strcmp(status, "running") != 0) {
		vm_wait(s, 1000, "waiting for the VM to run (status: %s)", status);
		s->out->budget_ms = s->env->start_timeout_ms;
		return 0;
	}
	vm_next(s, PUQ_VM_READY, "running");
	s->out->email = email[0] ? email : NULL;
	return 0;
}

/* A ready VM with a power request (suspend, unsuspend, Start, Stop). */
int puq_vm_step_power(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	struct puq_pve_status st;
	bool stop = strcmp(vm->power, "stop") == 0;
	s->out->clear_power = true;
	if (!vm->power[0]) {
		vm_skip(s, PUQ_VM_READY, "no power request");
		return 0;
	}
	if (!stop && vm->suspended) {
		vm_skip(s, PUQ_VM_READY, "start refused: the service is suspended");
		return 0;
	}
	if (vm->vmid <= 0 || !vm->node[0]) {
		vm_skip(s, PUQ_VM_READY, "the service has no VM");
		return 0;
	}
	if (s->ev->kind == PUQ_VM_EV_START)
		return ask_status(s, PW_STATUS);
	switch (s->sc->phase) {
	case PW_STATUS: {
		const char *status = status_of(s, &st);
		if (!status)
			return 0;
		bool running = strcmp(status, "running") == 0;
		if (stop && !running) {
			vm_skip(s, PUQ_VM_READY, "already stopped");
			return 0;
		}
		if (!stop && running) {
			vm_skip(s, PUQ_VM_READY, "already running");
			return 0;
		}
		if (stop) /* a clean shutdown, forced after a minute */
			return power(s, PUQ_PVE_SHUTDOWN, 60, true, PW_TASK, s->env->stop_timeout_ms);
		return power(s, PUQ_PVE_START, 0, false, PW_TASK, s->env->start_timeout_ms);
	}
	case PW_TASK:
		if (s->ev->rc < 0 || !s->ev->task.ok) {
			vm_fail_event(s, stop ? "stopping the VM" : "starting the VM");
			s->out->clear_power = false;
		} else {
			vm_next(s, PUQ_VM_READY, stop ? "stopped" : "started");
		}
		return 0;
	}
	vm_fail(s, PUQ_EINTERNAL, "power: unexpected phase %d", s->sc->phase);
	return 0;
}

/* ---- change package: stop only when needed ---- */

int puq_vm_step_cp_stop(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_product *p = &vm->product;
	enum puq_vm_state next = vm_following(vm->state);
	struct puq_pve_status st;
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_NOW) {
		long long cores = 1, mem = 512;
		puq_pve_get_int(s->sc->config, "cores", &cores);
		puq_pve_config_memory(s->sc->config, &mem, NULL);
		struct puq_pve_disk sys, add;
		bool drop_disk = false;
		if (p->add.size_gb == 0 && puq_pve_config_system_disk(s->sc->config, &sys, NULL) == 0)
			drop_disk = vm_additional_disk(s, &sys, &add);
		if (cores == p->cores && mem == p->ram_mb && !drop_disk) {
			vm_skip(s, next, "no change needs the VM stopped");
			return 0;
		}
		snprintf(s->sc->text, sizeof(s->sc->text), "%s", drop_disk && cores == p->cores &&
			mem == p->ram_mb ? "to remove the additional disk" : "to change CPU/RAM");
		return ask_status(s, PW_STATUS);
	}
	switch (s->sc->phase) {
	case PW_STATUS:
	case PW_STATUS2: {
		const char *status = status_of(s, &st);
		if (!status)
			return 0;
		if (strcmp(status, "running") != 0) {
			vm_next(s, next, s->sc->phase == PW_STATUS ? "already stopped" : "stopped %s",
				s->sc->text);
			return 0;
		}
		if (s->sc->phase == PW_STATUS)
			return power(s, PUQ_PVE_SHUTDOWN, 60, true, PW_TASK, s->env->stop_timeout_ms);
		return power(s, PUQ_PVE_STOP, 0, false, PW_FORCED, s->env->force_stop_timeout_ms);
	}
	case PW_TASK:
		if (s->ev->rc < 0) {
			vm_fail_event(s, "stopping the VM");
			return 0;
		}
		return ask_status(s, PW_STATUS2);
	case PW_FORCED:
		if (s->ev->rc < 0 || !s->ev->task.ok)
			vm_fail_event(s, "force-stopping the VM");
		else
			vm_next(s, next, "stopped (forced) %s", s->sc->text);
		return 0;
	}
	vm_fail(s, PUQ_EINTERNAL, "stop: unexpected phase %d", s->sc->phase);
	return 0;
}
