/*
 * processVirtualMachines: the loop that drives VMs through their pipelines.
 *
 * One process claims up to `concurrency` due VMs (lease.c) and keeps each in one of a
 * few waits: ready to step, a request in flight, asleep until a poll or a retry, or in
 * the next DNS batch. A ready VM is stepped (src/vm: pure functions) until it must wait:
 * database actions and transitions run at once, each a short transaction conditional on
 * the VM's lease; Proxmox requests go to the shared curl multi engine; a task's UPID is
 * committed and then polled at a tenth of the time the task has been running (50 ms to
 * 1 s), so a 2 s clone is seen done within 0.2 s and a 5 minute migration costs a few
 * hundred polls, not thousands. Reads many VMs need (cluster resources, nodes, a
 * template's config) are shared for two seconds.
 *
 * Transfer callbacks only park the answer on its VM and mark it ready: they never step a
 * VM, write the database or call a hook. That keeps the loop single-threaded in effect,
 * and lets a DNS batch run its own loop on the same engine (dnsbatch.c) without any of
 * these callbacks running re-entrantly.
 *
 * A run of a VM ends when it rests (ready, remove, error_terminate), when a step fails
 * (retried with capped exponential backoff), when Proxmox keeps it waiting longer than
 * the in-run budget (a lock, a start, a task: the next run resumes it, following the
 * stored UPID), or when the worker stops. Leases are renewed every third of their
 * lifetime while the worker waits.
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define SHARED_TTL 2.0
#define LINE_MAX_ 2048

double cron_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cron_line(struct cron_engine *e, const char *fmt, ...)
{
	if (!e->hooks || !e->hooks->line)
		return;
	char buf[LINE_MAX_];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	e->hooks->line(e->hooks->ctx, buf);
}

void cron_vm_line(struct cron_engine *e, struct cron_vm *v, const char *fmt, ...)
{
	if (!e->hooks || !e->hooks->line || e->opt->quiet)
		return;
	char buf[LINE_MAX_], out[LINE_MAX_ + 32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t lead = strspn(buf, " ");
	snprintf(out, sizeof(out), "%.*s%lld %s", (int)lead, buf, v->vm.service_id, buf + lead);
	e->hooks->line(e->hooks->ctx, out);
}

void cron_run_trim(struct puq_vm_run *run, size_t n)
{
	while (run->nsteps > n && json_array_size(run->steps) > 0) {
		json_array_remove(run->steps, json_array_size(run->steps) - 1);
		run->nsteps--;
	}
	run->nsteps = n < run->nsteps ? n : run->nsteps;
}

/* ---- events ---- */

static void ev_clear(struct cron_vm *v)
{
	json_decref(v->ev_data);
	v->ev_data = NULL;
	memset(&v->ev, 0, sizeof(v->ev));
}

static void ev_start(struct cron_vm *v)
{
	ev_clear(v);
	v->ev.kind = PUQ_VM_EV_START;
	v->wait = CW_READY;
}

static void ev_result(struct cron_vm *v, enum puq_vm_event_kind kind, int rc,
	const struct puq_error *err, json_t *data /* stolen */)
{
	ev_clear(v);
	v->ev.kind = kind;
	v->ev.rc = rc;
	if (err)
		v->ev.err = *err;
	v->ev_data = data;
	v->ev.data = data;
	v->wait = CW_READY;
}

static void ev_error(struct cron_vm *v, enum puq_vm_event_kind kind, int code, const char *text)
{
	struct puq_error err;
	puq_error_clear(&err);
	puq_error_set(&err, code, "%s", text);
	ev_result(v, kind, -code, &err, NULL);
}

/* ---- transfers ---- */

enum tag_kind { TAG_VM, TAG_SHARED };

struct tag {
	enum tag_kind kind;
	struct cron_engine *e;
	struct cron_vm *v;
	struct cron_shared *sh;
	struct cron_server *srv;
};

static void wake_poll_later(struct cron_vm *v)
{
	double now = cron_now();
	double interval = (now - v->task_started) / 10;
	if (interval < 0.05)
		interval = 0.05;
	if (interval > 1.0)
		interval = 1.0;
	v->wake_at = now + interval;
	v->wait = CW_SLEEP;
}

/* Whether req read the VM's own current config (GET .../qemu/<vmid>/config). */
static bool is_own_config(const struct cron_vm *v, const struct puq_http_request *req)
{
	char tail[128];
	snprintf(tail, sizeof(tail), "/nodes/%s/qemu/%lld/config", v->vm.node, v->vm.vmid);
	size_t n = strlen(req->url), t = strlen(tail);
	return strcmp(req->method, "GET") == 0 && n >= t && strcmp(req->url + n - t, tail) == 0;
}

static void cfg_forget(struct cron_vm *v)
{
	json_decref(v->cfg_cache);
	v->cfg_cache = NULL;
}

/* Parks an answer on its VM (or its shared read's waiters). No DB, no hooks, no submits. */
static void on_done(void *ctx, struct puq_http_request *req, struct puq_http_response *resp)
{
	struct tag *t = ctx;
	struct puq_error err;
	json_t *data = NULL;
	puq_error_clear(&err);
	int rc = puq_pve_http_result(&t->srv->conn, resp, &data, &err);
	if (rc < 0 && (resp->status == 0 || resp->status == 595 || resp->status == 596))
		puq_pve_conn_failover(&t->srv->conn, resp->status, 1);
	if (t->kind == TAG_SHARED) {
		struct cron_shared *sh = t->sh;
		sh->done = true;
		sh->fetched = cron_now();
		sh->rc = rc;
		sh->err = err;
		sh->data = data;
		for (size_t i = 0; i < sh->nwait; i++)
			ev_result(sh->waiters[i], PUQ_VM_EV_HTTP, rc, &err, json_incref(data));
		sh->nwait = 0;
		PUQ_FREE(t);
		return;
	}
	struct cron_vm *v = t->v;
	PUQ_FREE(t);
	if (v->polling) {
		struct puq_pve_task task;
		memset(&task, 0, sizeof(task));
		if (rc == 0)
			rc = puq_pve_parse_task(data, &task, &err);
		json_decref(data);
		if (rc < 0) {
			v->polling = false;
			ev_result(v, PUQ_VM_EV_TASK, rc, &err, NULL);
		} else if (task.running) {
			if (cron_now() >= v->task_deadline) {
				v->polling = false;
				ev_clear(v);
				v->ev.kind = PUQ_VM_EV_TASK;
				v->ev.n = -1; /* the in-run budget is spent: the next run follows the UPID */
				v->wait = CW_READY;
			} else {
				wake_poll_later(v);
			}
		} else {
			v->polling = false;
			ev_result(v, PUQ_VM_EV_TASK, 0, NULL, NULL);
			v->ev.task = task;
		}
		return;
	}
	if (v->task_answer) {
		v->task_answer = false;
		if (rc == 0)
			rc = puq_pve_parse_upid_answer(data, v->upid, &err);
		json_decref(data);
		if (rc < 0) {
			ev_result(v, PUQ_VM_EV_TASK, rc, &err, NULL);
			return;
		}
		/* the UPID is committed (and polling starts) from the loop, not from here */
		ev_clear(v);
		v->ev.kind = PUQ_VM_EV_TASK;
		v->ev.n = -2;
		v->wait = CW_READY;
		return;
	}
	if (rc == 0 && is_own_config(v, req)) {
		json_decref(v->cfg_cache);
		v->cfg_cache = json_incref(data);
	}
	ev_result(v, PUQ_VM_EV_HTTP, rc, &err, data);
}

static int submit(struct cron_engine *e, struct cron_vm *v, struct cron_shared *sh,
	const struct puq_pve_req *r, struct puq_error *err)
{
	struct puq_http_request *h = NULL;
	int rc = puq_pve_http_request(&v->srv->conn, r, &h, err);
	if (rc < 0)
		return rc;
	struct tag *t = PUQ_CALLOC(1, sizeof(*t));
	if (!t) {
		puq_http_request_free(h);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	if (!sh && strcmp(r->method, "GET") != 0)
		cfg_forget(v); /* a write: the cached config is stale from here on */
	t->kind = sh ? TAG_SHARED : TAG_VM;
	t->e = e;
	t->v = v;
	t->sh = sh;
	t->srv = v->srv;
	h->tag = t;
	e->stats->requests++;
	rc = puq_http_submit(e->http, h, on_done, t);
	if (rc < 0) {
		PUQ_FREE(t);
		return puq_error_set(err, -rc, "cannot queue the request");
	}
	return 0;
}

/* ---- shared reads ---- */

static void shared_key(const struct cron_vm *v, const struct puq_pve_req *r, char *out, size_t n)
{
	snprintf(out, n, "%lld %s %s?%s", v->srv->id, r->method, puq_buf_cstr(&r->path),
		puq_buf_cstr(&r->query));
}

static int shared_read(struct cron_engine *e, struct cron_vm *v, const struct puq_pve_req *r,
	struct puq_error *err)
{
	char key[600];
	double now = cron_now();
	shared_key(v, r, key, sizeof(key));
	struct cron_shared *sh = e->shared;
	for (; sh; sh = sh->next)
		if (strcmp(sh->key, key) == 0 && (!sh->done || now - sh->fetched < SHARED_TTL))
			break;
	if (sh && sh->done) {
		ev_result(v, PUQ_VM_EV_HTTP, sh->rc, &sh->err, json_incref(sh->data));
		return 0;
	}
	if (!sh) {
		sh = PUQ_CALLOC(1, sizeof(*sh));
		if (!sh)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		puq_strlcpy(sh->key, key, sizeof(sh->key));
		if (submit(e, v, sh, r, err) < 0) {
			PUQ_FREE(sh);
			return -err->code;
		}
		sh->next = e->shared;
		e->shared = sh;
	}
	if (sh->nwait == sh->capwait) {
		size_t cap = sh->capwait ? sh->capwait * 2 : 8;
		struct cron_vm **w = PUQ_REALLOC(sh->waiters, cap * sizeof(*w));
		if (!w)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		sh->waiters = w;
		sh->capwait = cap;
	}
	sh->waiters[sh->nwait++] = v;
	v->wait = CW_HTTP;
	return 0;
}

static void shared_prune(struct cron_engine *e, bool all)
{
	double now = cron_now();
	for (struct cron_shared **p = &e->shared; *p;) {
		struct cron_shared *sh = *p;
		if (sh->done && sh->nwait == 0 && (all || now - sh->fetched >= SHARED_TTL)) {
			*p = sh->next;
			json_decref(sh->data);
			PUQ_FREE(sh->waiters);
			PUQ_FREE(sh);
		} else {
			p = &sh->next;
		}
	}
}

/* ---- runs ---- */

static bool flush(struct cron_engine *e, struct cron_vm *v);

static const char *action_title(enum puq_vm_action a)
{
	switch (a) {
	case PUQ_VM_ACTION_DEPLOY: return "Deploy";
	case PUQ_VM_ACTION_CHANGE_PACKAGE: return "ChangePackage";
	case PUQ_VM_ACTION_TERMINATE: return "Terminate";
	case PUQ_VM_ACTION_REINSTALL: return "Reinstall";
	case PUQ_VM_ACTION_REDEPLOY: return "Redeploy";
	case PUQ_VM_ACTION_SET_DNS_RECORDS: return "SetDNSRecords";
	case PUQ_VM_ACTION_POWER: return "Power";
	case PUQ_VM_ACTION_RESTORE: return "RestoreBackup";
	default: return "Run";
	}
}

static void vm_dispose(struct cron_vm *v)
{
	cfg_forget(v);
	json_decref(v->queued);
	v->queued = NULL;
	memset(v->password, 0, sizeof(v->password));
	v->vm.password = NULL;
	ev_clear(v);
	puq_vm_scratch_reset(&v->sc);
	puq_vm_free(&v->vm);
	if (v->run_open)
		puq_vm_run_free(&v->run);
	v->run_open = false;
	v->wait = CW_DONE;
}

/* The VM was taken away (reset, terminate, another worker): write nothing more to it. */
static void drop(struct cron_engine *e, struct cron_vm *v)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (v->run_open)
		puq_db_exec(e->db, &err,
			"UPDATE " PUQ_VM_RUNS_TABLE " SET result = 'waiting', message = ?,"
			" finished_at = NOW(3) WHERE id = ?",
			PUQ_ARGS(PUQ_TEXT("the VM was taken over (reset, terminate or another worker)"),
				PUQ_INT(v->run.id)),
			NULL);
	cron_vm_line(e, v, "--- service %lld: taken over (reset, terminate or another worker): "
		"dropped ---", v->vm.service_id);
	e->stats->lost++;
	vm_dispose(v);
}

static void end_run(struct cron_engine *e, struct cron_vm *v, const char *result,
	const char *message)
{
	struct puq_error err;
	puq_error_clear(&err);
	bool error = strcmp(result, "error") == 0;
	if (!flush(e, v))
		return;
	int rc = cron_release(e, v, result, message, &err);
	if (rc == -PUQ_ELEASE) {
		drop(e, v);
		return;
	}
	if (rc < 0)
		cron_line(e, "[!] %lld could not release the VM: %s (the lease expires on its own)",
			v->vm.service_id, err.text);
	e->stats->processed++;
	if (error)
		e->stats->errors++;
	const char *title = action_title(v->vm.action);
	if (strcmp(result, "success") == 0)
		cron_vm_line(e, v, "--- %s complete: service=%lld vm=%lld status=%s ---", title,
			v->vm.service_id, v->vm.vmid, puq_vm_state_name(v->vm.state));
	else if (error) {
		if (e->opt->quiet && e->hooks && e->hooks->line)
			cron_line(e, "[!] %lld %s failed at [%s]: %s", v->vm.service_id, title,
				puq_vm_state_name(v->vm.state), message ? message : "");
		cron_vm_line(e, v, "--- %s failed: waiting at [%s]: %s ---", title,
			puq_vm_state_name(v->vm.state), message ? message : "");
	} else
		cron_vm_line(e, v, "--- %s paused: waiting at [%s] ---", title,
			puq_vm_state_name(v->vm.state));
	vm_dispose(v);
}

/* Queues a step's row of the run log; written with the next flush. */
static void log_step(struct cron_engine *e, struct cron_vm *v, const char *label,
	const char *to, const char *result, const char *message)
{
	(void)e;
	v->seq++;
	json_array_append_new(v->queued, json_pack("{s:s,s:s,s:s,s:s,s:s,s:f}", "label", label,
		"from", puq_vm_state_name(v->vm.state), "to", to, "result", result, "message",
		message ? message : "", "seconds", cron_now() - v->step_started));
}

/* Writes the VM's progress; false when the VM was taken away (dropped) meanwhile. */
static bool flush(struct cron_engine *e, struct cron_vm *v)
{
	struct puq_error err;
	puq_error_clear(&err);
	int rc = cron_flush(e, v, &err);
	if (rc == -PUQ_ELEASE) {
		drop(e, v);
		return false;
	}
	if (rc < 0) {
		cron_line(e, "[!] %lld could not write its progress: %s", v->vm.service_id, err.text);
		vm_dispose(v); /* the lease expires; the next run repeats the idempotent steps */
		return false;
	}
	return true;
}

static void new_step(struct cron_vm *v)
{
	puq_vm_scratch_reset(&v->sc);
	if (v->cfg_cache)
		v->sc.preload = json_incref(v->cfg_cache);
	v->step_from = v->vm.state;
	v->step_started = cron_now();
	v->step_note[0] = '\0';
	ev_start(v);
}

static bool needs_product(enum puq_vm_state s)
{
	return (s >= PUQ_VM_CREATION && s <= PUQ_VM_STARTING) || puq_vm_state_in_change_package(s);
}

static void start_vm(struct cron_engine *e, long long id, const char *token)
{
	struct cron_vm *v = PUQ_CALLOC(1, sizeof(*v));
	struct puq_error err;
	puq_error_clear(&err);
	if (!v)
		return;
	e->vms[e->nvms++] = v;
	v->queued = json_array();
	int rc = puq_vm_load(e->db, id, &v->vm, &v->meta, &err);
	v->vm.service_id = id;
	v->committed = v->vm.state;
	puq_strlcpy(v->meta.lease_token, token, sizeof(v->meta.lease_token));
	const char *why = NULL;
	char buf[PUQ_ERROR_TEXT_MAX + 64];
	if (rc < 0) {
		snprintf(buf, sizeof(buf), "cannot load the VM: %s", err.text);
		why = buf;
	} else if (v->vm.state == PUQ_VM_STATE_UNKNOWN) {
		why = "the VM's status is not one of the module's: reset it";
	} else if (needs_product(v->vm.state) && v->vm.product.first_vmid == 0) {
		why = "the VM has no stored product (a row of an earlier module): run Change Package "
			  "or Redeploy so the product is stored";
	}
	if (puq_vm_run_begin(e->db, id, v->vm.action ? v->vm.action : PUQ_VM_ACTION_POWER,
			e->worker, &v->run, &err) == 0)
		v->run_open = true;
	v->srv = cron_server(e, v->vm.server_id);
	if (!why && !v->srv)
		why = "too many Proxmox servers in one run";
	if ((v->vm.state == PUQ_VM_TERMINATE || v->vm.state == PUQ_VM_REINSTALL) &&
		!v->vm.node[0] && !strcmp(v->vm.intent.kind, "clone") && v->vm.intent.node[0]) {
		/* a clone was sent before the terminate: the VM may exist there */
		puq_strlcpy(v->vm.node, v->vm.intent.node, sizeof(v->vm.node));
		if (v->vm.vmid <= 0)
			v->vm.vmid = v->vm.intent.vmid;
	}
	cron_vm_line(e, v, "--- %s: service=%lld vm=%lld status=%s ---", action_title(v->vm.action),
		id, v->vm.vmid, puq_vm_state_name(v->vm.state));
	new_step(v);
	if (why) {
		log_step(e, v, puq_vm_state_label(v->vm.state), puq_vm_state_name(v->vm.state), "error",
			why);
		cron_vm_line(e, v, "[!]  %zu. %s  error: %s", v->seq, puq_vm_state_label(v->vm.state), why);
		end_run(e, v, "error", why);
	}
}

static void reload(struct cron_engine *e, struct cron_vm *v)
{
	struct puq_vm fresh;
	struct puq_vm_meta meta;
	struct puq_error err;
	puq_error_clear(&err);
	v->reload = false;
	if (puq_vm_load(e->db, v->vm.service_id, &fresh, &meta, &err) < 0 ||
		strcmp(meta.lease_token, v->meta.lease_token) != 0) {
		if (fresh.service_id)
			puq_vm_free(&fresh);
		drop(e, v);
		return;
	}
	puq_vm_free(&v->vm);
	cfg_forget(v);
	v->vm = fresh;
	v->meta = meta;
	v->committed = fresh.state;
	cron_vm_line(e, v, "--- %s: service=%lld vm=%lld status=%s (queued during the run) ---",
		action_title(v->vm.action), v->vm.service_id, v->vm.vmid,
		puq_vm_state_name(v->vm.state));
	new_step(v);
}

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
	log_step(e, v, puq_vm_state_label(from), puq_vm_state_name(out->next),
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
		cfg_forget(v);
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
		if (!flush(e, v))
			return;
	if (v->reload)
		reload(e, v);
	else
		new_step(v);
}

static void handle_db(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out)
{
	struct puq_error err;
	puq_error_clear(&err);
	long long n = 0;
	double secs = cron_now() - v->step_started;
	enum puq_vm_state from = v->vm.state;
	if (!flush(e, v)) /* the action expects the status the database has */
		return;
	int rc = cron_action(e, v, out, secs, &n, &err);
	if (rc == 0 && cron_action_transitions(out->db)) {
		v->committed = v->vm.state;
		v->seq++;
	}
	if (rc == -PUQ_ELEASE) {
		drop(e, v);
		return;
	}
	if (!cron_action_transitions(out->db)) {
		ev_result(v, PUQ_VM_EV_DB, rc, &err, NULL);
		v->ev.n = n;
		return;
	}
	if (rc < 0) {
		log_step(e, v, step_label(v), puq_vm_state_name(from), "error", err.text);
		cron_vm_line(e, v, "[!]  %zu. %s  error: %s (%s) [%.2fs]", v->seq,
			step_label(v), err.text, puq_vm_state_name(from), secs);
		end_run(e, v, "error", err.text);
		return;
	}
	bool failed = out->db == PUQ_VM_DB_TERMINATE_FAILED;
	cron_vm_line(e, v, "[%c]  %zu. %s  %s (%s -> %s) [%.2fs] · %s", failed ? '!' : '+',
		v->seq, puq_vm_state_label(from), failed ? "error" : "success",
		puq_vm_state_name(from), puq_vm_state_name(out->next), secs,
		out->db == PUQ_VM_DB_ALLOCATE ? v->vm.fqdn : out->text);
	if (failed) {
		end_run(e, v, "error", out->text);
		return;
	}
	new_step(v);
}

static void handle_request(struct cron_engine *e, struct cron_vm *v, struct puq_vm_out *out,
	bool stopping)
{
	struct puq_error err;
	puq_error_clear(&err);
	enum puq_vm_event_kind kind = out->task ? PUQ_VM_EV_TASK : PUQ_VM_EV_HTTP;
	if (stopping) {
		end_run(e, v, "waiting", "the worker stopped; the VM continues on the next run");
		return;
	}
	if (!v->srv || !v->srv->ok) {
		ev_error(v, kind, v->srv ? v->srv->why_code : PUQ_EINVAL,
			v->srv ? v->srv->why : "no server");
		return;
	}
	if (out->task && !flush(e, v)) /* the VM may wait long: write its progress first */
		return;
	if (out->intent.kind[0]) {
		int rc = cron_commit_intent(e, v, out, &err);
		if (rc == -PUQ_ELEASE) {
			drop(e, v);
			return;
		}
		if (rc == -PUQ_EBUSY) {
			puq_strlcpy(v->step_note, err.text, sizeof(v->step_note));
			v->sc.waited_ms += 1000;
			ev_start(v);
			v->wake_at = cron_now() + 1.0;
			v->wait = CW_SLEEP;
			return;
		}
		if (rc < 0) {
			ev_error(v, kind, err.code, err.text);
			return;
		}
	}
	if (out->shared && strcmp(out->req.method, "GET") == 0) {
		if (shared_read(e, v, &out->req, &err) < 0)
			ev_error(v, kind, err.code, err.text);
		return;
	}
	v->task_answer = out->task;
	v->task_is_intent = out->intent.kind[0] != '\0';
	v->task_deadline = (double)(out->budget_ms > 0 ? out->budget_ms : e->heavy_timeout_ms) / 1000;
	if (submit(e, v, NULL, &out->req, &err) < 0) {
		v->task_answer = false;
		ev_error(v, kind, err.code, err.text);
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
	cfg_forget(v); /* something else holds the VM: read again after the wait */
	if (stopping || v->sc.waited_ms > budget) {
		log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "waiting", out->text);
		cron_vm_line(e, v, "[~]  %zu. %s  waiting: %s", v->seq, step_label(v), out->text);
		end_run(e, v, "waiting", out->text);
		return;
	}
	ev_start(v);
	if (out->wait_ms <= 0)
		return; /* again at once */
	if (!flush(e, v))
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
			drop(e, v);
			return;
		}
	}
	double secs = cron_now() - v->step_started;
	char msg[PUQ_ERROR_TEXT_MAX + 8];
	snprintf(msg, sizeof(msg), "error: %s", out->text);
	log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "error", out->text);
	cron_vm_line(e, v, "[!]  %zu. %s  %s (%s) [%.2fs]", v->seq, step_label(v), msg,
		puq_vm_state_name(v->vm.state), secs);
	end_run(e, v, "error", out->text);
}

/* Flags set by callbacks, acted upon here (where the database may be used). */
static bool before_step(struct cron_engine *e, struct cron_vm *v)
{
	if (v->ev.kind == PUQ_VM_EV_TASK && v->ev.n == -1) {
		char msg[PUQ_ERROR_TEXT_MAX];
		snprintf(msg, sizeof(msg), "the Proxmox task is still running after %.0f s: the next "
			"run follows it", cron_now() - v->task_started);
		log_step(e, v, step_label(v), puq_vm_state_name(v->vm.state), "waiting", msg);
		cron_vm_line(e, v, "[~]  %zu. %s  waiting: %s", v->seq, step_label(v), msg);
		end_run(e, v, "waiting", msg);
		return false;
	}
	if (v->ev.kind == PUQ_VM_EV_TASK && v->ev.n == -2) {
		struct puq_error err;
		puq_error_clear(&err);
		if (v->task_is_intent) {
			int rc = cron_commit_upid(e, v, v->upid, &err);
			if (rc == -PUQ_ELEASE) {
				drop(e, v);
				return false;
			}
			if (rc < 0) {
				/* the task runs: the intent (without UPID) lets the next run find it */
				end_run(e, v, "error", err.text);
				return false;
			}
		}
		ev_clear(v);
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

static void drive(struct cron_engine *e, struct cron_vm *v, bool stopping)
{
	for (int guard = 0; v->wait == CW_READY && guard < 1000; guard++) {
		if (v->reload) {
			reload(e, v);
			continue;
		}
		if (!before_step(e, v))
			return;
		enum puq_vm_state st = v->vm.state;
		if (puq_vm_state_resting(st) && !(st == PUQ_VM_READY && v->vm.power[0])) {
			end_run(e, v, "success", puq_vm_state_name(st));
			return;
		}
		struct puq_vm_out out;
		puq_vm_out_init(&out);
		struct puq_vm_step s = {&v->vm, &e->env, &v->sc, &v->ev, &out};
		int rc = puq_vm_step_run(&s);
		if (rc < 0) {
			puq_vm_out_reset(&out);
			out.kind = PUQ_VM_DO_ERROR;
			snprintf(out.text, sizeof(out.text), "%s", puq_error_message(-rc));
		}
		ev_clear(v);
		switch (out.kind) {
		case PUQ_VM_DO_REQUEST: handle_request(e, v, &out, stopping); break;
		case PUQ_VM_DO_POLL:
			if (stopping)
				end_run(e, v, "waiting", "the worker stopped; the next run follows the task");
			else if (flush(e, v))
				start_polling(v, out.upid, (double)(out.budget_ms > 0 ? out.budget_ms
					: e->heavy_timeout_ms) / 1000);
			break;
		case PUQ_VM_DO_DB: handle_db(e, v, &out); break;
		case PUQ_VM_DO_DNS:
			if (!flush(e, v))
				break;
			v->dns_op = out.dns;
			v->wait = CW_DNS;
			break;
		case PUQ_VM_DO_WAIT: handle_wait(e, v, &out, stopping); break;
		case PUQ_VM_DO_NEXT:
		case PUQ_VM_DO_SKIP: handle_next(e, v, &out); break;
		case PUQ_VM_DO_LOG:
			log_step(e, v, out.label, puq_vm_state_name(v->vm.state), "success", out.text);
			cron_vm_line(e, v, "[+]  %zu. %s  success · %s", v->seq, out.label, out.text);
			v->step_started = cron_now();
			ev_start(v);
			break;
		case PUQ_VM_DO_ERROR: handle_error(e, v, &out); break;
		}
		puq_vm_out_reset(&out);
	}
}

static void wake(struct cron_engine *e, struct cron_vm *v, bool stopping)
{
	if (!v->polling) {
		v->wait = CW_READY; /* ev is already START (or the step's own) */
		return;
	}
	if (stopping) {
		end_run(e, v, "waiting", "the worker stopped; the next run follows the task");
		return;
	}
	struct puq_pve_req r;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_pve_req_task_status(&r, v->upid, &err) < 0 || submit(e, v, NULL, &r, &err) < 0) {
		v->polling = false;
		ev_error(v, PUQ_VM_EV_TASK, err.code ? err.code : PUQ_EINVAL, err.text);
	} else {
		v->wait = CW_HTTP;
	}
	puq_pve_req_free(&r);
}

/* ---- the loop ---- */

static int setup(struct cron_engine *e, struct puq_error *err)
{
	struct puq_settings s;
	int rc = puq_settings_load(e->db, &s, err);
	if (rc < 0)
		return rc;
	puq_vm_env_defaults(&e->env);
	e->heavy_timeout_ms = (long)puq_settings_get_int(&s, "heavy_timeout") * 1000;
	e->default_timeout_ms = (long)puq_settings_get_int(&s, "default_timeout") * 1000;
	e->env.heavy_timeout_ms = e->heavy_timeout_ms;
	e->env.lock_wait_ms = e->heavy_timeout_ms;
	e->env.migration_enabled = puq_settings_get_bool(&s, "migration_enabled");
	e->env.migration_timeout_ms = (long)puq_settings_get_int(&s, "migration_timeout") * 1000;
	e->concurrency = e->opt->concurrency ? e->opt->concurrency
		: (unsigned)puq_settings_get_int(&s, "cron_concurrency");
	e->pve_connections = (unsigned)puq_settings_get_int(&s, "pve_connections");
	e->clone_cap = (long)puq_settings_get_int(&s, "clone_cap");
	e->attention_after_s = (long)puq_settings_get_int(&s, "attention_after");
	puq_settings_free(&s);
	if (e->concurrency == 0)
		e->concurrency = 64;
	e->lease_s = e->opt->lease_s > 0 ? e->opt->lease_s : 60;
	e->skip_locked = puq_db_supports_skip_locked(e->db);
	if (e->opt->worker_id && *e->opt->worker_id)
		puq_strlcpy(e->worker, e->opt->worker_id, sizeof(e->worker));
	else
		puq_cron_worker_id(e->worker);
	e->vms = PUQ_CALLOC(e->concurrency, sizeof(*e->vms));
	if (!e->vms)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	if (e->opt->http) {
		e->http = e->opt->http;
	} else {
		struct puq_http_options ho = {.default_timeout_ms = e->heavy_timeout_ms,
			.max_per_host = e->pve_connections,
			.max_total = e->pve_connections * 8 > 256 ? e->pve_connections * 8 : 256};
		e->http = puq_http_engine_new(&ho, err);
		if (!e->http)
			return -err->code;
		e->own_http = true;
	}
	return 0;
}

int puq_cron_process_vms(struct puq_db *db, const struct puq_cron_vm_options *opt,
	const struct puq_cron_hooks *hooks, struct puq_cron_vm_stats *stats,
	struct puq_error *err)
{
	static const struct puq_cron_vm_options none = {0};
	struct puq_cron_vm_stats local;
	struct cron_engine eng;
	struct cron_engine *e = &eng;
	memset(e, 0, sizeof(*e));
	memset(&local, 0, sizeof(local));
	e->db = db;
	e->opt = opt ? opt : &none;
	e->hooks = hooks;
	e->stats = stats ? stats : &local;
	memset(e->stats, 0, sizeof(*e->stats));
	int rc = setup(e, err);
	if (rc < 0) {
		PUQ_FREE(e->vms);
		return rc;
	}
	const char *mode = e->opt->loop ? "loop" : "once";
	struct puq_error ignore;
	puq_error_clear(&ignore);
	puq_cron_worker_beat(db, e->worker, mode, &ignore);

	double start = cron_now();
	double deadline = e->opt->deadline_s > 0 ? start + e->opt->deadline_s : 0;
	double idle = e->opt->idle_poll_s > 0 ? e->opt->idle_poll_s : 0.25;
	double next_claim = start, last_renew = start, last_beat = start, last_tick = start;
	bool claim_again = true; /* once mode: something finished since the last empty claim */
	long long *ids = PUQ_CALLOC(e->concurrency, sizeof(*ids));
	char (*tokens)[33] = PUQ_CALLOC(e->concurrency, sizeof(*tokens));
	if (!ids || !tokens) {
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
		goto out;
	}

	for (;;) {
		double t = cron_now();
		bool stopping = (e->opt->stop && *e->opt->stop) || (deadline && t >= deadline);
		if (!stopping && e->nvms < e->concurrency && t >= next_claim &&
			(e->opt->loop || claim_again)) {
			size_t n = 0;
			struct puq_error cerr;
			puq_error_clear(&cerr);
			if (cron_claim(e, e->concurrency - e->nvms, ids, tokens, &n, &cerr) < 0) {
				cron_line(e, "[!] claiming VMs failed: %s", cerr.text);
				n = 0;
			}
			for (size_t i = 0; i < n; i++)
				start_vm(e, ids[i], tokens[i]);
			if (n == 0) {
				claim_again = false;
				next_claim = t + idle;
			}
		}
		for (size_t i = 0; i < e->nvms; i++) {
			struct cron_vm *v = e->vms[i];
			if (v->wait == CW_SLEEP && v->wake_at <= t)
				wake(e, v, stopping);
			if (v->wait == CW_READY)
				drive(e, v, stopping);
		}
		bool dns = false;
		for (size_t i = 0; i < e->nvms; i++)
			dns |= e->vms[i]->wait == CW_DNS;
		if (dns)
			cron_dns_batch(e);
		if (stopping)
			for (size_t i = 0; i < e->nvms; i++)
				if (e->vms[i]->wait == CW_SLEEP)
					end_run(e, e->vms[i], "waiting",
						"the worker stopped; the VM continues on the next run");
		/* forget finished VMs */
		size_t k = 0;
		for (size_t i = 0; i < e->nvms; i++) {
			if (e->vms[i]->wait == CW_DONE) {
				PUQ_FREE(e->vms[i]);
				claim_again = true;
				next_claim = t;
			} else {
				e->vms[k++] = e->vms[i];
			}
		}
		e->nvms = k;
		shared_prune(e, false);
		if (t - last_renew >= e->lease_s / 3) {
			struct puq_error rerr;
			puq_error_clear(&rerr);
			if (cron_renew(e, &rerr) < 0)
				cron_line(e, "[!] renewing the leases failed: %s", rerr.text);
			last_renew = t;
		}
		if (hooks && hooks->tick && t - last_tick >= 1) {
			hooks->tick(hooks->ctx);
			last_tick = t;
		}
		if (t - last_beat >= 5) {
			puq_cron_worker_beat(db, e->worker, mode, &ignore);
			last_beat = t;
		}
		if (e->nvms == 0 && (stopping || (!e->opt->loop && !claim_again)))
			break;
		/* how long until something is due */
		double until = dns ? 0 : 0.2;
		bool ready = false;
		for (size_t i = 0; i < e->nvms; i++) {
			struct cron_vm *v = e->vms[i];
			if (v->wait == CW_READY || v->wait == CW_DNS)
				ready = true;
			else if (v->wait == CW_SLEEP && v->wake_at - t < until)
				until = v->wake_at - t;
		}
		if (!stopping && e->nvms < e->concurrency && (e->opt->loop || claim_again) &&
			next_claim - t < until)
			until = next_claim - t;
		if (ready || until < 0)
			until = 0;
		if (puq_http_pending(e->http) > 0)
			puq_http_run(e->http, (long)(until * 1000));
		else if (until > 0)
			usleep((useconds_t)(until * 1e6));
	}
	rc = 0;
out:
	/* nothing is in flight here (the loop ends with no VM held) */
	for (size_t i = 0; i < e->nvms; i++) {
		vm_dispose(e->vms[i]);
		PUQ_FREE(e->vms[i]);
	}
	shared_prune(e, true);
	for (struct cron_shared *sh = e->shared, *next; sh; sh = next) {
		next = sh->next;
		json_decref(sh->data);
		PUQ_FREE(sh->waiters);
		PUQ_FREE(sh);
	}
	if (e->own_http)
		puq_http_engine_free(e->http);
	cron_servers_free(e);
	puq_cron_worker_gone(db, e->worker, &ignore);
	PUQ_FREE(ids);
	PUQ_FREE(tokens);
	PUQ_FREE(e->vms);
	return rc;
}
