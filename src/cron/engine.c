/*
 * processVirtualMachines: the loop that drives VMs through their pipelines.
 *
 * One process claims up to `concurrency` due VMs (lease.c) and keeps each in one of a
 * few waits: ready to step, a request in flight, asleep until a poll or a retry, or in
 * the next DNS batch. A ready VM is stepped (step.c, over src/vm's pure steps) until it
 * must wait; its requests go to the shared curl multi engine (transfer.c); a task's UPID
 * is committed and then polled at a tenth of the time the task has been running (50 ms
 * to 1 s), so a 2 s clone is seen done within 0.2 s and a 5 minute migration costs a
 * few hundred polls, not thousands. This file holds the loop and the life of a run:
 * claiming and loading a VM, writing its progress (cron_flush_vm), ending the run.
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

/* ---- runs ---- */

bool cron_flush_vm(struct cron_engine *e, struct cron_vm *v);

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

void cron_vm_dispose(struct cron_vm *v)
{
	cron_cfg_forget(v);
	json_decref(v->queued);
	v->queued = NULL;
	memset(v->password, 0, sizeof(v->password));
	v->vm.password = NULL;
	cron_ev_clear(v);
	puq_vm_scratch_reset(&v->sc);
	puq_vm_free(&v->vm);
	if (v->run_open)
		puq_vm_run_free(&v->run);
	v->run_open = false;
	v->wait = CW_DONE;
}

/* The VM was taken away (reset, terminate, another worker): write nothing more to it. */
void cron_drop(struct cron_engine *e, struct cron_vm *v)
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
	cron_vm_dispose(v);
}

void cron_end_run(struct cron_engine *e, struct cron_vm *v, const char *result,
	const char *message)
{
	struct puq_error err;
	puq_error_clear(&err);
	bool error = strcmp(result, "error") == 0;
	if (!cron_flush_vm(e, v))
		return;
	int rc = cron_release(e, v, result, message, &err);
	if (rc == -PUQ_ELEASE) {
		cron_drop(e, v);
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
	cron_vm_dispose(v);
}

/* Queues a step's row of the run log; written with the next flush. */
void cron_log_step(struct cron_engine *e, struct cron_vm *v, const char *label,
	const char *to, const char *result, const char *message)
{
	(void)e;
	v->seq++;
	json_array_append_new(v->queued, json_pack("{s:s,s:s,s:s,s:s,s:s,s:f}", "label", label,
		"from", puq_vm_state_name(v->vm.state), "to", to, "result", result, "message",
		message ? message : "", "seconds", cron_now() - v->step_started));
}

/* Writes the VM's progress; false when the VM was taken away (dropped) meanwhile. */
bool cron_flush_vm(struct cron_engine *e, struct cron_vm *v)
{
	struct puq_error err;
	puq_error_clear(&err);
	int rc = cron_flush(e, v, &err);
	if (rc == -PUQ_ELEASE) {
		cron_drop(e, v);
		return false;
	}
	if (rc < 0) {
		cron_line(e, "[!] %lld could not write its progress: %s", v->vm.service_id, err.text);
		cron_vm_dispose(v); /* the lease expires; the next run repeats the idempotent steps */
		return false;
	}
	return true;
}

void cron_new_step(struct cron_vm *v)
{
	puq_vm_scratch_reset(&v->sc);
	if (v->cfg_cache)
		v->sc.preload = json_incref(v->cfg_cache);
	v->step_from = v->vm.state;
	v->step_started = cron_now();
	v->step_note[0] = '\0';
	cron_ev_start(v);
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
	cron_new_step(v);
	if (why) {
		cron_log_step(e, v, puq_vm_state_label(v->vm.state), puq_vm_state_name(v->vm.state), "error",
			why);
		cron_vm_line(e, v, "[!]  %zu. %s  error: %s", v->seq, puq_vm_state_label(v->vm.state), why);
		cron_end_run(e, v, "error", why);
	}
}

void cron_reload(struct cron_engine *e, struct cron_vm *v)
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
		cron_drop(e, v);
		return;
	}
	puq_vm_free(&v->vm);
	cron_cfg_forget(v);
	v->vm = fresh;
	v->meta = meta;
	v->committed = fresh.state;
	cron_vm_line(e, v, "--- %s: service=%lld vm=%lld status=%s (queued during the run) ---",
		action_title(v->vm.action), v->vm.service_id, v->vm.vmid,
		puq_vm_state_name(v->vm.state));
	cron_new_step(v);
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
				cron_wake(e, v, stopping);
			if (v->wait == CW_READY)
				cron_drive(e, v, stopping);
		}
		bool dns = false;
		for (size_t i = 0; i < e->nvms; i++)
			dns |= e->vms[i]->wait == CW_DNS;
		if (dns)
			cron_dns_batch(e);
		if (stopping)
			for (size_t i = 0; i < e->nvms; i++)
				if (e->vms[i]->wait == CW_SLEEP)
					cron_end_run(e, e->vms[i], "waiting",
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
		cron_shared_prune(e, false);
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
		cron_vm_dispose(e->vms[i]);
		PUQ_FREE(e->vms[i]);
	}
	cron_shared_prune(e, true);
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
