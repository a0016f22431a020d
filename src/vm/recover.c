/*
 * What became of a task-starting request whose answer was lost: an intent committed
 * without a UPID (the worker died, or the connection did, between Proxmox accepting the
 * request and the UPID being stored).
 *
 * The VM itself answers most of the question - a clone's config exists as soon as
 * Proxmox accepted the clone (qemu-server creates and locks it before the worker
 * forks), a migrated VM sits on its target, a deleted one is gone. What it cannot tell
 * is a request that reached Proxmox whose task then failed from one that never arrived:
 * both leave the VM as it was. Sending the request again would be right in the second
 * case only, so before a step sends anything new it reads the node's task list: a task
 * of the intent's type, on its id (a clone is listed under its source template, the
 * others under the VM), started by this engine's Proxmox user within a window around
 * the intent's commit (Proxmox's clock may differ from the database's by some seconds).
 *
 * Found running, the step follows it; found failed, the intent is over - the step
 * reacts as to the task's failure, and any new request is a new intent; found
 * nowhere, the request never reached Proxmox and a new intent may send it. A clone is
 * listed under its template, so other VMs' clones of the same template are in the
 * window too: only a failure can be attributed (a running or finished clone of this VM
 * would have left its config), and a failed clone of another VM read as this one's
 * costs a retry after the backoff instead of at once - both end in one new intent.
 */
#include "steps.h"

/* Seconds before and after the intent's commit a matching task may have started. */
#define WINDOW_BEFORE_S 60
#define WINDOW_AFTER_S  600

static const char *task_type(const char *kind)
{
	if (strcmp(kind, "clone") == 0)
		return "qmclone";
	if (strcmp(kind, "migrate") == 0)
		return "qmigrate";
	return "qmdestroy";
}

/* The task list's id of the intent's task: the source of a clone, else the VM. */
static long long task_id(const struct puq_vm *vm)
{
	return strcmp(vm->intent.kind, "clone") == 0 ? vm->product.template_vmid : vm->intent.vmid;
}

int vm_lost_ask(struct puq_vm_step *s, int phase)
{
	const struct puq_vm_intent *in = &s->vm->intent;
	bool dated = in->at > WINDOW_BEFORE_S;
	/* newest first: a busy node's window fits the limit */
	int rc = puq_pve_req_tasks(&s->out->req, in->node, task_id(s->vm), task_type(in->kind),
		dated ? in->at - WINDOW_BEFORE_S : 0, dated ? in->at + WINDOW_AFTER_S : 0, 500);
	if (rc < 0)
		return rc;
	s->sc->phase = phase;
	vm_send(s, false, 0);
	return 0;
}

enum vm_lost vm_lost_read(struct puq_vm_step *s, char upid[PUQ_PVE_UPID_MAX],
	char *status, size_t status_size)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_event *ev = s->ev;
	upid[0] = '\0';
	if (status_size)
		status[0] = '\0';
	if (ev->rc < 0) {
		/* a token that may not read the list cannot tell: as before the list existed */
		if (ev->err.code == PUQ_EPVEPERM || ev->err.code == PUQ_EPVEPARAM)
			return VM_LOST_UNKNOWN;
		return VM_LOST_ERROR;
	}
	struct puq_pve_task_list l = {0};
	if (puq_pve_parse_tasks(ev->data, &l, NULL) < 0) {
		puq_pve_task_list_free(&l);
		return VM_LOST_ERROR;
	}
	bool clone = strcmp(vm->intent.kind, "clone") == 0;
	char id[32];
	snprintf(id, sizeof(id), "%lld", task_id(vm));
	const struct puq_pve_task_entry *running = NULL, *ok = NULL, *failed = NULL;
	for (size_t i = 0; i < l.n; i++) { /* newest first: the first of each kind wins */
		const struct puq_pve_task_entry *t = &l.items[i];
		if (strcmp(t->type, task_type(vm->intent.kind)) != 0 || strcmp(t->id, id) != 0)
			continue;
		if (vm->api_user && *vm->api_user && strcmp(t->user, vm->api_user) != 0)
			continue;
		if (vm->intent.at > WINDOW_BEFORE_S && (t->starttime < vm->intent.at - WINDOW_BEFORE_S ||
				t->starttime > vm->intent.at + WINDOW_AFTER_S))
			continue;
		if (t->running && !running)
			running = t;
		else if (!t->running && t->ok && !ok)
			ok = t;
		else if (!t->running && !t->ok && !failed)
			failed = t;
	}
	enum vm_lost res = VM_LOST_NONE;
	const struct puq_pve_task_entry *pick = NULL;
	if (clone) {
		if (failed) { /* see the top of the file: only a failure can be attributed */
			res = VM_LOST_FAILED;
			pick = failed;
		}
	} else if (running) {
		res = VM_LOST_RUNNING;
		pick = running;
	} else if (ok) {
		res = VM_LOST_OK;
		pick = ok;
	} else if (failed) {
		res = VM_LOST_FAILED;
		pick = failed;
	}
	if (pick) {
		puq_strlcpy(upid, pick->upid, PUQ_PVE_UPID_MAX);
		if (status_size)
			puq_strlcpy(status, pick->status, status_size);
	}
	puq_pve_task_list_free(&l);
	return res;
}
