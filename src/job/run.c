/*
 * The job executor: performs what the steps decide, for one VM's job.
 *
 * A job with a UPID has its task polled; a stopped task is handed to the step. A job
 * with an intent but no UPID (the starting call's answer was lost, or the caller died)
 * is left alone while the intent is fresh - another process may still be waiting for
 * that answer - and after the recovery window the node's task list is searched: the
 * task found is adopted, and only when Proxmox has none is the phase decided again.
 * A new job first resolves the node the VM is on now (clusters move VMs).
 *
 * Requests are blocking calls on the caller's engine (one VM at a time; the cron
 * tasks loop over VMs and share the engine's connections). A refused call ends the job
 * with Proxmox's words; a call whose outcome is unknown (no answer) leaves the intent
 * for recovery, so a task is never started twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "job_internal.h"

#define STEPS_MAX 64
#define LOST_TRACK_S (6 * 3600) /* an intent unresolved this long ends the job */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

static void say(const struct puq_job_env *env, const struct puq_job *j, const char *fmt, ...)
	PUQ_PRINTF(3, 4);
static void say(const struct puq_job_env *env, const struct puq_job *j, const char *fmt, ...)
{
	if (!env->line)
		return;
	char msg[PUQ_ERROR_TEXT_MAX], line[PUQ_ERROR_TEXT_MAX + 96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "  sid %lld: %s: %s", j->service_id, puq_job_kind_label(j->kind),
		msg);
	env->line(env->line_ctx, line);
}

/* A transport failure: the call may or may not have reached Proxmox. */
static bool outcome_unknown(const struct puq_error *e)
{
	return e->http_status == 0 &&
		(e->code == PUQ_EHTTP || e->code == PUQ_ETIMEOUT || e->code == PUQ_EPROTO);
}

struct exec {
	const struct puq_job_env *env;
	struct puq_pve_conn *conn;
	struct puq_job j;
	struct puq_job_result *res;
};

static int call(struct exec *x, const struct puq_pve_req *req, json_t **data,
	struct puq_error *e)
{
	puq_error_clear(e);
	*data = NULL;
	return puq_pve_call(x->env->http, x->conn, req, data, e);
}

/* Ends the job; a lost job (another process ended it) is no error. */
static int finish(struct exec *x, const struct puq_job_out *o, struct puq_error *err)
{
	struct puq_job_result *res = x->res;
	bool handed = false;
	int rc;
	res->state = PUQ_JOB_FINISHED;
	res->ok = o->kind != PUQ_JOB_DO_FAIL;
	res->busy = o->kind == PUQ_JOB_DO_FAIL && o->busy;
	puq_strlcpy(res->message, o->text, sizeof(res->message));
	if (o->kind == PUQ_JOB_DO_HANDOFF)
		rc = job_handoff(x->env->db, &x->j, o->text, &handed, err);
	else
		rc = job_finish(x->env->db, &x->j, res->ok ? "ok" : res->busy ? "busy" : "error",
			o->text, o->backups, o->snapshots, !res->busy, err);
	if (rc == -PUQ_ELEASE) {
		res->state = PUQ_JOB_LOST;
		puq_error_clear(err);
		return 0;
	}
	if (rc == 0)
		say(x->env, &x->j, "%s%s", res->ok ? "" : res->busy ? "busy, later: " : "failed: ",
			o->text);
	return rc;
}

static int fail_now(struct exec *x, const char *text, struct puq_error *err)
{
	struct puq_job_out o;
	puq_job_out_init(&o);
	o.kind = PUQ_JOB_DO_FAIL;
	puq_strlcpy(o.text, text, sizeof(o.text));
	return finish(x, &o, err);
}

/* Where the VM is now; false after ending the job or when the answer must wait. */
static bool resolve_node(struct exec *x, struct puq_error *err, int *rc)
{
	struct puq_pve_req req;
	struct puq_error e;
	json_t *data = NULL;
	char msg[PUQ_ERROR_TEXT_MAX];
	*rc = puq_pve_req_resources(&req, "vm");
	if (*rc < 0)
		return false;
	int crc = call(x, &req, &data, &e);
	puq_pve_req_free(&req);
	if (crc < 0) {
		json_decref(data);
		if (outcome_unknown(&e)) { /* a read: simply try again later */
			x->res->state = PUQ_JOB_RUNNING;
			return false;
		}
		snprintf(msg, sizeof(msg), "finding the VM in Proxmox VE: %.400s", e.text);
		*rc = fail_now(x, msg, err);
		return false;
	}
	struct puq_pve_guest_list l = {0};
	const struct puq_pve_guest *g = NULL;
	puq_error_clear(&e);
	if (puq_pve_parse_guests(data, false, &l, &e) == 0 &&
		puq_pve_find_guest(&l, x->j.vmid, &g, &e) == 0)
		puq_strlcpy(x->j.node, g->node, sizeof(x->j.node));
	json_decref(data);
	puq_pve_guest_list_free(&l);
	if (!g) {
		snprintf(msg, sizeof(msg), "VM %lld does not exist in Proxmox VE", x->j.vmid);
		*rc = fail_now(x, msg, err);
		return false;
	}
	*rc = job_commit_node(x->env->db, &x->j, err);
	return *rc == 0;
}

/*
 * The intent has no UPID: the task of the phase in Proxmox's list, adopted; or nothing
 * (*start: decide the phase again). false when the job must wait.
 */
static bool recover(struct exec *x, bool *start, struct puq_error *err, int *rc)
{
	long after = x->env->recover_after_s > 0 ? x->env->recover_after_s : 120;
	struct puq_pve_req req;
	struct puq_error e;
	json_t *data = NULL;
	*start = false;
	*rc = 0;
	if (x->j.intent_age_s < after) {
		x->res->state = PUQ_JOB_RUNNING; /* someone may still be waiting for the answer */
		return false;
	}
	/* Proxmox's clock may differ from the database's: look a minute further back */
	*rc = puq_pve_req_tasks(&req, x->j.node, x->j.vmid, puq_job_phase_task_type(x->j.phase),
		x->j.intent_at > 60 ? x->j.intent_at - 60 : 0, 0, 0);
	if (*rc < 0)
		return false;
	int crc = call(x, &req, &data, &e);
	puq_pve_req_free(&req);
	struct puq_pve_task_list l = {0};
	if (crc == 0)
		crc = puq_pve_parse_tasks(data, &l, &e);
	json_decref(data);
	if (crc < 0) {
		puq_pve_task_list_free(&l);
		if (x->j.intent_age_s > LOST_TRACK_S) {
			*rc = fail_now(x, "lost track of the task in Proxmox VE", err);
			return false;
		}
		x->res->state = PUQ_JOB_RUNNING;
		return false;
	}
	if (l.n > 0) { /* newest first: the task the lost answer would have named */
		say(x->env, &x->j, "found its task after a lost answer: %s", l.items[0].upid);
		*rc = job_commit_upid(x->env->db, &x->j, l.items[0].upid, err);
		puq_pve_task_list_free(&l);
		return *rc == 0;
	}
	puq_pve_task_list_free(&l);
	*start = true; /* Proxmox never started it: the phase is decided and sent again */
	return true;
}

/* Polls the task; true with ev filled when it stopped. */
static bool poll_task(struct exec *x, struct puq_job_event *ev, double deadline)
{
	for (;;) {
		struct puq_pve_req req;
		struct puq_error e;
		json_t *data = NULL;
		puq_error_clear(&e);
		if (puq_pve_req_task_status(&req, x->j.upid, &e) < 0) {
			ev->kind = PUQ_JOB_EV_TASK;
			ev->rc = -e.code;
			ev->err = e;
			return true;
		}
		int crc = call(x, &req, &data, &e);
		puq_pve_req_free(&req);
		struct puq_pve_task t;
		memset(&t, 0, sizeof(t));
		if (crc == 0)
			crc = puq_pve_parse_task(data, &t, &e);
		json_decref(data);
		if (crc < 0 && !outcome_unknown(&e)) {
			/* Proxmox no longer knows the task (a node restarted): it did not finish */
			ev->kind = PUQ_JOB_EV_TASK;
			ev->rc = crc;
			ev->err = e;
			return true;
		}
		if (crc == 0 && !t.running) {
			ev->kind = PUQ_JOB_EV_TASK;
			ev->rc = 0;
			ev->task = t;
			return true;
		}
		double left = deadline - now_s();
		if (left <= 0) {
			x->res->state = PUQ_JOB_RUNNING;
			return false;
		}
		long poll = x->env->poll_ms > 0 ? x->env->poll_ms : 1000;
		sleep_ms(left * 1000 < poll ? (long)(left * 1000) + 1 : poll);
	}
}

/* Starts the task of out; *polling: follow its UPID next. false when the job must wait. */
static bool start_task(struct exec *x, struct puq_job_out *o, struct puq_job_event *ev,
	bool *polling, struct puq_error *err, int *rc)
{
	struct puq_error e;
	json_t *data = NULL;
	*polling = false;
	*rc = job_commit_intent(x->env->db, &x->j, o->phase, err);
	if (*rc == -PUQ_ELEASE) {
		x->res->state = PUQ_JOB_LOST;
		puq_error_clear(err);
		*rc = 0;
		return false;
	}
	if (*rc < 0)
		return false;
	int crc = call(x, &o->req, &data, &e);
	memset(ev, 0, sizeof(*ev));
	ev->kind = PUQ_JOB_EV_TASK;
	if (crc < 0) {
		json_decref(data);
		if (outcome_unknown(&e)) {
			x->res->state = PUQ_JOB_RUNNING; /* the intent is recovered later */
			return false;
		}
		ev->rc = crc; /* refused: the step says why the job ends */
		ev->err = e;
		return true;
	}
	if (json_is_null(data) && o->null_is_done) {
		ev->task.ok = true;
		puq_strlcpy(ev->task.exitstatus, "OK", sizeof(ev->task.exitstatus));
		return true;
	}
	char upid[PUQ_PVE_UPID_MAX];
	puq_error_clear(&e);
	crc = puq_pve_parse_upid_answer(data, upid, &e);
	json_decref(data);
	if (crc < 0) {
		ev->rc = crc;
		ev->err = e;
		return true;
	}
	*rc = job_commit_upid(x->env->db, &x->j, upid, err);
	if (*rc == -PUQ_ELEASE) {
		x->res->state = PUQ_JOB_LOST;
		puq_error_clear(err);
		*rc = 0;
		return false;
	}
	*polling = *rc == 0;
	return *rc == 0;
}

int puq_job_advance(const struct puq_job_env *env, long long service_id, long budget_ms,
	struct puq_job_result *res, struct puq_error *err)
{
	struct exec x = {.env = env, .res = res};
	struct puq_job_scratch sc;
	struct puq_job_event ev;
	struct puq_error e;
	double deadline = now_s() + (double)budget_ms / 1000.0;
	memset(res, 0, sizeof(*res));
	memset(&sc, 0, sizeof(sc));
	int rc = puq_job_load(env->db, service_id, &x.j, err);
	if (rc < 0 || x.j.kind == PUQ_JOB_NONE)
		return rc;
	res->kind = x.j.kind;
	res->state = PUQ_JOB_RUNNING;
	puq_error_clear(&e);
	if (!(x.conn = env->conn_for(env->conn_ctx, x.j.server_id, &e))) {
		char msg[PUQ_ERROR_TEXT_MAX];
		snprintf(msg, sizeof(msg), "the Proxmox VE server cannot be used: %.400s", e.text);
		return fail_now(&x, msg, err);
	}
	for (int guard = 0; guard < STEPS_MAX; guard++) {
		memset(&ev, 0, sizeof(ev));
		if (x.j.upid[0]) {
			if (!poll_task(&x, &ev, deadline))
				return 0;
		} else if (x.j.phase != PUQ_JOB_PHASE_NONE) {
			bool start;
			if (!recover(&x, &start, err, &rc))
				return rc;
			if (!start)
				continue; /* the adopted task is polled next */
			ev.kind = PUQ_JOB_EV_START;
		} else {
			if (!resolve_node(&x, err, &rc))
				return rc;
			ev.kind = PUQ_JOB_EV_START;
		}
		/* decide until a task is followed or the job ends */
		json_t *held = NULL; /* the READ answer ev.data borrows */
		for (int reads = 0;; reads++) {
			struct puq_job_out o;
			puq_job_out_init(&o);
			rc = puq_job_step(&x.j, &sc, &ev, &o);
			json_decref(held);
			held = NULL;
			ev.data = NULL;
			if (rc < 0) {
				puq_job_out_reset(&o);
				return puq_error_set(err, -rc, NULL);
			}
			if (o.kind == PUQ_JOB_DO_READ) {
				memset(&ev, 0, sizeof(ev));
				ev.kind = PUQ_JOB_EV_READ;
				if (reads < STEPS_MAX)
					ev.rc = call(&x, &o.req, &held, &ev.err);
				puq_job_out_reset(&o);
				if (reads >= STEPS_MAX)
					return fail_now(&x, "the job made no progress", err);
				if (ev.rc < 0 && outcome_unknown(&ev.err)) {
					json_decref(held);
					return 0; /* a read: the job goes on at the next advance */
				}
				ev.data = held;
				continue;
			}
			if (o.kind != PUQ_JOB_DO_TASK) {
				rc = finish(&x, &o, err);
				puq_job_out_reset(&o);
				return rc;
			}
			bool polling = false;
			bool go = start_task(&x, &o, &ev, &polling, err, &rc);
			puq_job_out_reset(&o);
			if (!go)
				return rc;
			if (polling)
				break; /* the outer loop follows the task */
			/* the call answered at once (refused, or done): decide from that */
		}
	}
	return fail_now(&x, "the job made no progress", err);
}
