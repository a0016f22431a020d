/*
 * One VM's steps within a run: calls the pure step (src/vm) and carries out what it
 * decided - a request (after committing its intent and taking clone slots), a task to
 * follow, a database action, a DNS operation, a wait, the move to the next state, a
 * logged phase, or an error - until the VM has to wait for something.
 *
 * Transitions are accumulated in memory and written by engine.c's cron_flush_vm at the
 * points that need them (see engine.h); the password of the service is decrypted just
 * before cloud-init and wiped after the step.
 */
#include <stdio.h>

#include "engine.h"
#include "puqkvm/killpoint.h"

/* ---- stepping ---- */

static const char *step_label(struct cron_vm *v)
{
	return puq_vm_state_label(v->step_from);
}

static void handle_next(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out)
{
	struct puq_error err;
	puq_error_clear(&err);
	bool skip = out->kind == PUQ_VM_DO_SKIP;
	double secs = cron_now() - v->step_started;
	if (out->task_slot_release)
		cron_release_slots(e, v->vm.service_id, &err);
	enum puq_vm_state from = v->vm.state;
	cron_log_step(e, v, puq_vm_state_label(from), puq_vm_state_name(out->next),
		skip ? "skip" : "success", out->text);
	/* the row changes wait for the flush; memory moves on now */
	if (!v->pending) {
		v->pending = true;
		v->pending_since = cron_now();
	}
	if (out->set_node[0])
		puq_strlcpy(v->acc_node, out->set_node, sizeof(v->acc_node));
	if (out->set_mac[0])
		puq_strlcpy(v->acc_mac, out->set_mac, sizeof(v->acc_mac));
	v->acc_clear_intent |= out->clear_intent;
	v->acc_clear_power |= out->clear_power;
	if (out->next == PUQ_VM_READY && out->email)
		v->acc_email = out->email; /* points into the product, which lives as long */
	v->vm.state = out->next;
	if (out->set_node[0] && strcmp(out->set_node, v->vm.node) != 0) {
		puq_strlcpy(v->vm.node, out->set_node, sizeof(v->vm.node));
		cron_cfg_forget(v);
	}
	if (out->set_mac[0])
		puq_strlcpy(v->vm.mac, out->set_mac, sizeof(v->vm.mac));
	if (out->clear_intent)
		memset(&v->vm.intent, 0, sizeof(v->vm.intent));
	if (out->clear_power)
		v->vm.power[0] = '\0';
	if (skip)
		cron_vm_line(e, v, "[+]  %zu. %s  skip (%s) (%s -> %s) [%.2fs]", v->seq,
			puq_vm_state_label(from), out->text, puq_vm_state_name(from),
			puq_vm_state_name(out->next), secs);
	else
		cron_vm_line(e, v, "[+]  %zu. %s  success (%s -> %s) [%.2fs]%s%s", v->seq,
			puq_vm_state_label(from), puq_vm_state_name(from), puq_vm_state_name(out->next),
			secs, out->text[0] ? " · " : "", out->text);
	/* the password is needed by cloud-init only */
	memset(v->password, 0, sizeof(v->password));
	v->vm.password = NULL;
	if (out->next == PUQ_VM_READY || puq_vm_state_resting(out->next) ||
		cron_now() - v->pending_since >= 1.0)
		if (!cron_flush_vm(e, v))
			return;
	if (v->reload)
		cron_reload(e, v);
	else
		cron_new_step(v);
}

static void handle_db(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out)
{
	struct puq_error err;
	puq_error_clear(&err);
	long long n = 0;
	double secs = cron_now() - v->step_started;
	enum puq_vm_state from = v->vm.state;
	if (!cron_flush_vm(e, v)) /* the action expects the status the database has */
		return;
	int rc = cron_action(e, v, out, secs, &n, &err);
	if (rc == 0 && cron_action_transitions(out->db)) {
		v->committed = v->vm.state;
		v->seq++;
	}
	if (rc == -PUQ_ELEASE) {
		cron_drop(e, v);
		return;
	}
	if (!cron_action_transitions(out->db)) {
		cron_ev_result(v, PUQ_VM_EV_DB, rc, &err, NULL);
		v->ev.n = n;
		return;
	}
	if (rc < 0) {
		cron_log_step(e, v, step_label(v), puq_vm_state_name(from), "error", err.text);
		cron_vm_line(e, v, "[!]  %zu. %s  error: %s (%s) [%.2fs]", v->seq,
			step_label(v), err.text, puq_vm_state_name(from), secs);
		cron_end_run(e, v, "error", err.text);
		return;
	}
	bool failed = out->db == PUQ_VM_DB_TERMINATE_FAILED;
	cron_vm_line(e, v, "[%c]  %zu. %s  %s (%s -> %s) [%.2fs] · %s", failed ? '!' : '+',
		v->seq, puq_vm_state_label(from), failed ? "error" : "success",
		puq_vm_state_name(from), puq_vm_state_name(out->next), secs,
		out->db == PUQ_VM_DB_ALLOCATE ? v->vm.fqdn : out->text);
	if (failed) {
		cron_end_run(e, v, "error", out->text);
		return;
	}
	cron_new_step(v);
}

static void handle_request(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out,
	bool stopping)
{
	struct puq_error err;
	puq_error_clear(&err);
	enum puq_vm_event_kind kind = out->task ? PUQ_VM_EV_TASK : PUQ_VM_EV_HTTP;
	if (stopping) {
		cron_end_run(e, v, "waiting", "the worker stopped; the VM continues on the next run");
		return;
	}
	if (!v->srv || !v->srv->ok) {
		cron_ev_error(v, kind, v->srv ? v->srv->why_code : PUQ_EINVAL,
			v->srv ? v->srv->why : "no server");
		return;
	}
	if (out->task && !cron_flush_vm(e, v)) /* the VM may wait long: write its progress first */
		return;
	if (out->intent.kind[0]) {
		int rc = cron_commit_intent(e, v, out, &err);
		if (rc == -PUQ_ELEASE) {
			cron_drop(e, v);
			return;
		}
		if (rc == -PUQ_EBUSY) {
			puq_strlcpy(v->step_note, err.text, sizeof(v->step_note));
			v->sc.waited_ms += 1000;
			cron_ev_start(v);
			v->wake_at = cron_now() + 1.0;
			v->wait = CW_SLEEP;
			return;
		}
		if (rc < 0) {
			cron_ev_error(v, kind, err.code, err.text);
			return;
		}
		puq_strlcpy(out->req.intent, v->vm.intent.id, sizeof(out->req.intent));
	}
	if (out->shared && strcmp(out->req.method, "GET") == 0) {
		if (cron_shared_read(e, v, &out->req, &err) < 0)
			cron_ev_error(v, kind, err.code, err.text);
		return;
	}
	v->task_answer = out->task;
	v->task_is_intent = out->intent.kind[0] != '\0';
	v->task_deadline = (double)(out->budget_ms > 0 ? out->budget_ms : e->heavy_timeout_ms) / 1000;
	if (cron_submit(e, v, NULL, &out->req, &err) < 0) {
		v->task_answer = false;
		cron_ev_error(v, kind, err.code, err.text);
		return;
	}
	v->wait = CW_HTTP;
}

static void start_polling(struct cron_vm *v, const char *upid, double budget_s)
{
	puq_strlcpy(v->upid, upid, sizeof(v->upid));
	v->polling = true;
	v->task_started = cron_now();
	v->task_deadline = v->task_started + budget_s;
	v->wake_at = v->task_started + 0.05;
	v->wait = CW_SLEEP;
}

static void handle_wait(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out,
	bool stopping)
{
	/* a lock is waited for up to the Heavy Operations Timeout, a start up to its own */
	double budget = (double)(out->budget_ms > 0 ? out->budget_ms : e->env.lock_wait_ms);
	puq_strlcpy(v->step_note, out->text, sizeof(v->step_note));
	cron_cfg_forget(v); /* something else holds the VM: read again after the wait */
	if (stopping || v->sc.waited_ms > budget) {
		cron_log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "waiting", out->text);
		cron_vm_line(e, v, "[~]  %zu. %s  waiting: %s", v->seq, step_label(v), out->text);
		cron_end_run(e, v, "waiting", out->text);
		return;
	}
	cron_ev_start(v);
	if (out->wait_ms <= 0)
		return; /* again at once */
	if (!cron_flush_vm(e, v))
		return;
	v->wake_at = cron_now() + out->wait_ms / 1000.0;
	v->wait = CW_SLEEP;
}

static void handle_error(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (out->task_slot_release)
		cron_release_slots(e, v->vm.service_id, &err);
	if (out->clear_intent) {
		struct puq_vm_out clear;
		puq_vm_out_init(&clear);
		clear.db = PUQ_VM_DB_CLEAR_INTENT;
		if (cron_action(e, v, &clear, 0, NULL, &err) == -PUQ_ELEASE) {
			cron_drop(e, v);
			return;
		}
	}
	double secs = cron_now() - v->step_started;
	char msg[PUQ_ERROR_TEXT_MAX + 8];
	snprintf(msg, sizeof(msg), "error: %s", out->text);
	cron_log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "error", out->text);
	cron_vm_line(e, v, "[!]  %zu. %s  %s (%s) [%.2fs]", v->seq, step_label(v), msg,
		puq_vm_state_name(v->vm.state), secs);
	cron_end_run(e, v, "error", out->text);
}

/* The crash tests' moment: Proxmox accepted the task, its UPID is not stored yet. */
static void kill_point_accepted(const char *kind)
{
	if (strcmp(kind, "clone") == 0)
		puq_killpoint("clone_accepted");
	else if (strcmp(kind, "delete") == 0)
		puq_killpoint("delete_accepted");
	else if (strcmp(kind, "migrate") == 0)
		puq_killpoint("migrate_accepted");
}

/* Flags set by callbacks, acted upon here (where the database may be used). */
static bool before_step(struct cron_engine *e, struct cron_vm *v)
{
	if (v->ev.kind == PUQ_VM_EV_TASK && v->ev.n == CRON_TASK_BUDGET_SPENT) {
		char msg[PUQ_ERROR_TEXT_MAX];
		snprintf(msg, sizeof(msg), "the Proxmox task is still running after %.0f s: the next "
			"run follows it", cron_now() - v->task_started);
		cron_log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "waiting", msg);
		cron_vm_line(e, v, "[~]  %zu. %s  waiting: %s", v->seq, step_label(v), msg);
		cron_end_run(e, v, "waiting", msg);
		return false;
	}
	if (v->ev.kind == PUQ_VM_EV_TASK && v->ev.n == CRON_TASK_UNKNOWN) {
		char msg[PUQ_ERROR_TEXT_MAX + 64];
		snprintf(msg, sizeof(msg), "following the Proxmox task: %s (the next run follows it "
			"again)", v->ev.err.text);
		cron_log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "error", msg);
		cron_vm_line(e, v, "[!]  %zu. %s  error: %s (%s) [%.2fs]", v->seq, step_label(v), msg,
			puq_vm_state_name(v->vm.state), cron_now() - v->step_started);
		cron_end_run(e, v, "error", msg);
		return false;
	}
	if (v->ev.kind == PUQ_VM_EV_TASK && v->ev.n == CRON_TASK_ACCEPTED) {
		struct puq_error err;
		puq_error_clear(&err);
		if (v->task_is_intent) {
			kill_point_accepted(v->vm.intent.kind);
			int rc = cron_commit_upid(e, v, v->upid, &err);
			if (rc == -PUQ_ELEASE) {
				cron_drop(e, v);
				return false;
			}
			if (rc < 0) {
				/* the task runs: the intent (without UPID) lets the next run find it */
				cron_end_run(e, v, "error", err.text);
				return false;
			}
		}
		cron_ev_clear(v);
		start_polling(v, v->upid, v->task_deadline);
		return false;
	}
	if (v->vm.state == PUQ_VM_SET_FIREWALL && !v->vm.password && v->meta.password_enc[0] &&
		e->hooks && e->hooks->decrypt) {
		struct puq_error err;
		puq_error_clear(&err);
		if (e->hooks->decrypt(e->hooks->ctx, v->meta.password_enc, v->password,
				sizeof(v->password), &err) == 0)
			v->vm.password = v->password;
		else
			cron_vm_line(e, v, "    the service password cannot be decrypted (%s): cloud-init "
				"gets no password", err.text);
	}
	return true;
}

void cron_drive(struct cron_engine *e, struct cron_vm *v, bool stopping)
{
	for (int guard = 0; v->wait == CW_READY && guard < 1000; guard++) {
		if (v->reload) {
			cron_reload(e, v);
			continue;
		}
		if (!before_step(e, v))
			return;
		enum puq_vm_state st = v->vm.state;
		if (puq_vm_state_resting(st) && !(st == PUQ_VM_READY && v->vm.power[0])) {
			cron_end_run(e, v, "success", puq_vm_state_name(st));
			return;
		}
		struct puq_vm_out out;
		puq_vm_out_init(&out);
		v->vm.api_user = v->srv ? v->srv->conn.user : NULL; /* whose tasks are ours */
		struct puq_vm_step s = {&v->vm, &e->env, &v->sc, &v->ev, &out};
		int rc = puq_vm_step_run(&s);
		if (rc < 0) {
			puq_vm_out_reset(&out);
			out.kind = PUQ_VM_DO_ERROR;
			snprintf(out.text, sizeof(out.text), "%s", puq_error_message(-rc));
		}
		cron_ev_clear(v);
		switch (out.kind) {
		case PUQ_VM_DO_REQUEST: handle_request(e, v, &out, stopping); break;
		case PUQ_VM_DO_POLL:
			if (stopping)
				cron_end_run(e, v, "waiting", "the worker stopped; the next run follows the task");
			else if (cron_flush_vm(e, v))
				start_polling(v, out.upid, (double)(out.budget_ms > 0 ? out.budget_ms
					: e->heavy_timeout_ms) / 1000);
			break;
		case PUQ_VM_DO_DB: handle_db(e, v, &out); break;
		case PUQ_VM_DO_DNS:
			if (!cron_flush_vm(e, v))
				break;
			v->dns_op = out.dns;
			v->wait = CW_DNS;
			break;
		case PUQ_VM_DO_WAIT: handle_wait(e, v, &out, stopping); break;
		case PUQ_VM_DO_NEXT:
		case PUQ_VM_DO_SKIP: handle_next(e, v, &out); break;
		case PUQ_VM_DO_LOG:
			cron_log_step(e, v, out.label, puq_vm_state_name(v->vm.state), "success", out.text);
			cron_vm_line(e, v, "[+]  %zu. %s  success · %s", v->seq, out.label, out.text);
			v->step_started = cron_now();
			cron_ev_start(v);
			break;
		case PUQ_VM_DO_ERROR: handle_error(e, v, &out); break;
		}
		puq_vm_out_reset(&out);
	}
}

void cron_wake(struct cron_engine *e, struct cron_vm *v, bool stopping)
{
	if (!v->polling) {
		v->wait = CW_READY; /* ev is already START (or the step's own) */
		return;
	}
	if (stopping) {
		cron_end_run(e, v, "waiting", "the worker stopped; the next run follows the task");
		return;
	}
	struct puq_pve_req r;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pve_req_task_status(&r, v->upid, &err) < 0 || cron_submit(e, v, NULL, &r, &err) < 0) {
		v->polling = false;
		cron_ev_error(v, PUQ_VM_EV_TASK, err.code ? err.code : PUQ_EINVAL, err.text);
	} else {
		v->wait = CW_HTTP;
	}
	puq_pve_req_free(&r);
}

