/*
 * The transfers of processVirtualMachines: Proxmox requests of the VMs on the shared curl
 * multi engine, the answers parked on their VMs, task polls, and the reads several VMs
 * share (cluster resources, nodes, a template's config: one request answers every VM
 * that asks within two seconds).
 *
 * The completion callback only parks an answer and marks its VM ready: it never steps a
 * VM, writes the database or calls a hook. That keeps the loop (engine.c) single-threaded
 * in effect and lets a DNS batch run its own loop on the same engine (dnsbatch.c)
 * without any callback running re-entrantly. It also keeps the VM's config as read,
 * until the VM sends something that writes (a step can then reuse it).
 */
#include <stdio.h>

#include "engine.h"

#define SHARED_TTL 2.0

/* ---- events ---- */

void cron_ev_clear(struct cron_vm *v)
{
	json_decref(v->ev_data);
	v->ev_data = NULL;
	memset(&v->ev, 0, sizeof(v->ev));
}

void cron_ev_start(struct cron_vm *v)
{
	cron_ev_clear(v);
	v->ev.kind = PUQ_VM_EV_START;
	v->wait = CW_READY;
}

void cron_ev_result(struct cron_vm *v, enum puq_vm_event_kind kind, int rc,
	const struct puq_error *err, json_t *data /* stolen */)
{
	cron_ev_clear(v);
	v->ev.kind = kind;
	v->ev.rc = rc;
	if (err)
		v->ev.err = *err;
	v->ev_data = data;
	v->ev.data = data;
	v->wait = CW_READY;
}

void cron_ev_error(struct cron_vm *v, enum puq_vm_event_kind kind, int code, const char *text)
{
	struct puq_error err;
	puq_error_clear(&err);
	puq_error_set(&err, code, "%s", text);
	cron_ev_result(v, kind, -code, &err, NULL);
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

void cron_cfg_forget(struct cron_vm *v)
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
			cron_ev_result(sh->waiters[i], PUQ_VM_EV_HTTP, rc, &err, json_incref(data));
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
			cron_ev_result(v, PUQ_VM_EV_TASK, rc, &err, NULL);
			/* while an intent is open the task followed is its task (by UPID, or
			 * found in the node's task list): not being able to read its status
			 * does not make it fail - its outcome is unknown, and the intent, kept,
			 * lets the next run follow it again */
			if (v->vm.intent.kind[0])
				v->ev.n = CRON_TASK_UNKNOWN;
		} else if (task.running) {
			if (cron_now() >= v->task_deadline) {
				v->polling = false;
				cron_ev_clear(v);
				v->ev.kind = PUQ_VM_EV_TASK;
				v->ev.n = CRON_TASK_BUDGET_SPENT;
				v->wait = CW_READY;
			} else {
				wake_poll_later(v);
			}
		} else {
			v->polling = false;
			cron_ev_result(v, PUQ_VM_EV_TASK, 0, NULL, NULL);
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
			cron_ev_result(v, PUQ_VM_EV_TASK, rc, &err, NULL);
			return;
		}
		/* the UPID is committed (and polling starts) from the loop, not from here */
		cron_ev_clear(v);
		v->ev.kind = PUQ_VM_EV_TASK;
		v->ev.n = CRON_TASK_ACCEPTED;
		v->wait = CW_READY;
		return;
	}
	if (rc == 0 && is_own_config(v, req)) {
		json_decref(v->cfg_cache);
		v->cfg_cache = json_incref(data);
	}
	cron_ev_result(v, PUQ_VM_EV_HTTP, rc, &err, data);
}

int cron_submit(struct cron_engine *e, struct cron_vm *v, struct cron_shared *sh,
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
		cron_cfg_forget(v); /* a write: the cached config is stale from here on */
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

int cron_shared_read(struct cron_engine *e, struct cron_vm *v, const struct puq_pve_req *r,
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
		cron_ev_result(v, PUQ_VM_EV_HTTP, sh->rc, &sh->err, json_incref(sh->data));
		return 0;
	}
	if (!sh) {
		sh = PUQ_CALLOC(1, sizeof(*sh));
		if (!sh)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		puq_strlcpy(sh->key, key, sizeof(sh->key));
		if (cron_submit(e, v, sh, r, err) < 0) {
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

void cron_shared_prune(struct cron_engine *e, bool all)
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

