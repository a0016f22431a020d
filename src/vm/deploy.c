/*
 * The first deploy steps: addresses, the clone, DNS, and the post-clone migration.
 *
 * The clone and the migration start Proxmox tasks, so they follow DESIGN.md principle
 * 3: the intent (VMID, node, target) goes out with the request and the engine commits
 * it before sending; the UPID is committed when Proxmox answers. On the next run a step
 * that finds its own intent follows the UPID, or - when the worker died before the UPID
 * was stored - looks the result up by VMID: the clone's VM exists (the request reached
 * Proxmox) or it does not; then the node's task list (recover.c) tells a clone that
 * failed from one that never arrived, and only the latter is sent again at once.
 *
 * VMIDs: the engine reserves the lowest free VMID from First VM ID under a UNIQUE key;
 * the step then asks Proxmox whether that VMID is free there too. A VMID used outside
 * the module is remembered as such and the next one is reserved; a VM with the
 * reserved VMID and this VM's name is this VM (cloned before an admin reset) and is
 * adopted instead of cloned again.
 */
#include "steps.h"

enum { CL_START, CL_RESERVED, CL_CHECKED, CL_RESOURCES, CL_TEMPLATE, CL_TASK, CL_VERIFY,
	CL_REJECTED, CL_CLEARED, CL_LOST };

int puq_vm_step_allocate(struct puq_vm_step *s)
{
	/* the engine allocates and moves to set_ip in one transaction */
	vm_db(s, PUQ_VM_DB_ALLOCATE, PUQ_VM_SET_IP);
	return 0;
}

/* Asks for the VM's config where the intent says it is (recovery and verification). */
static int verify(struct puq_vm_step *s, const char *node, long long vmid)
{
	int rc = puq_pve_req_config_get(&s->out->req, node, vmid, false);
	if (rc < 0)
		return rc;
	puq_strlcpy(s->sc->text, node, sizeof(s->sc->text));
	s->sc->phase = CL_VERIFY;
	vm_send(s, false, 0);
	return 0;
}

static int ask_resources(struct puq_vm_step *s, int phase)
{
	int rc = puq_pve_req_resources(&s->out->req, "vm");
	if (rc < 0)
		return rc;
	s->sc->phase = phase;
	s->out->shared = true;
	vm_send(s, false, 0);
	return 0;
}

static int start_clone(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_product *p = &vm->product;
	struct puq_pve_disk disk;
	if (vm_system_disk(s, &disk) < 0)
		return 0;
	const char *node = s->sc->text;
	bool to_storage = p->full_clone && p->sys.storage[0];
	struct puq_pve_clone c = {.newid = vm->vmid, .name = vm->name, .full = p->full_clone,
		.storage = to_storage ? p->sys.storage : NULL};
	struct puq_error err;
	puq_error_clear(&err);
	json_decref(s->sc->config);
	s->sc->config = NULL;
	int rc = puq_pve_req_clone(&s->out->req, node, p->template_vmid, &c, &err);
	if (rc < 0)
		return vm_build_failed(s, rc, &err);
	struct puq_vm_intent *in = &s->out->intent;
	puq_strlcpy(in->kind, "clone", sizeof(in->kind));
	in->vmid = vm->vmid;
	puq_strlcpy(in->node, node, sizeof(in->node));
	puq_strlcpy(s->out->slot_node, node, sizeof(s->out->slot_node));
	puq_strlcpy(s->out->slot_storage, to_storage ? p->sys.storage : disk.vol.storage,
		sizeof(s->out->slot_storage));
	s->sc->phase = CL_TASK;
	vm_send(s, true, s->env->heavy_timeout_ms);
	return 0;
}

int puq_vm_step_clone(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_product *p = &vm->product;
	struct puq_vm_scratch *sc = s->sc;
	const struct puq_vm_event *ev = s->ev;
	int rc;

	if (ev->kind == PUQ_VM_EV_START)
		sc->phase = CL_START;
	switch (sc->phase) {
	case CL_START:
		if (strcmp(vm->intent.kind, "clone") == 0) {
			if (vm->intent.upid[0]) {
				sc->phase = CL_TASK;
				vm_poll(s, vm->intent.upid, s->env->heavy_timeout_ms);
				return 0;
			}
			/* the worker died between intent and UPID: did the clone reach Proxmox? */
			return verify(s, vm->intent.node, vm->intent.vmid);
		}
		if (p->template_vmid <= 0) {
			vm_fail(s, PUQ_EINVAL, "no OS template: choose one in the product's settings "
				"(OS template) or give the service an Operating System option");
			return 0;
		}
		if (vm->vmid <= 0) {
			sc->phase = CL_RESERVED;
			vm_db(s, PUQ_VM_DB_RESERVE_VMID, PUQ_VM_STATE_UNKNOWN);
			return 0;
		}
		/* a VMID is reserved */
		/* fall through */
	case CL_RESERVED:
		if (ev->kind == PUQ_VM_EV_DB && ev->rc < 0) {
			vm_fail(s, ev->err.code, "reserving a VMID: %s", ev->err.text);
			return 0;
		}
		if ((rc = puq_pve_req_nextid(&s->out->req, vm->vmid)) < 0)
			return rc;
		sc->phase = CL_CHECKED;
		vm_send(s, false, 0);
		return 0;
	case CL_CHECKED:
		if (ev->rc < 0 && !strstr(ev->err.text, "already exists")) {
			vm_fail_event(s, "checking the VMID with Proxmox");
			return 0;
		}
		sc->flag = ev->rc < 0; /* taken: by this VM (earlier clone) or by someone else */
		return ask_resources(s, CL_RESOURCES);
	case CL_RESOURCES: {
		if (ev->rc < 0) {
			vm_fail_event(s, "listing the cluster's VMs");
			return 0;
		}
		struct puq_pve_guest_list guests = {0};
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_pve_parse_guests(ev->data, false, &guests, &err) < 0) {
			vm_fail(s, err.code, "listing the cluster's VMs: %s", err.text);
			return 0;
		}
		const struct puq_pve_guest *g = NULL;
		if (sc->flag) {
			bool ours = puq_pve_find_guest(&guests, vm->vmid, &g, NULL) == 0 &&
				strcmp(g->name, vm->name) == 0 && !g->template_;
			char node[PUQ_PVE_NAME_MAX];
			if (ours)
				puq_strlcpy(node, g->node, sizeof(node));
			puq_pve_guest_list_free(&guests);
			if (ours)
				return verify(s, node, vm->vmid);
			sc->phase = CL_REJECTED;
			vm_db(s, PUQ_VM_DB_REJECT_VMID, PUQ_VM_STATE_UNKNOWN);
			s->out->db_arg = vm->vmid;
			return 0;
		}
		if (puq_pve_find_guest(&guests, p->template_vmid, &g, NULL) < 0) {
			puq_pve_guest_list_free(&guests);
			vm_fail(s, PUQ_EPVENOTFOUND, "the OS template %lld does not exist on the cluster",
				p->template_vmid);
			return 0;
		}
		if (!g->template_) {
			puq_pve_guest_list_free(&guests);
			vm_fail(s, PUQ_EINVAL, "VM %lld is not a template: convert it to a template or "
				"choose another OS template", p->template_vmid);
			return 0;
		}
		puq_strlcpy(sc->text, g->node, sizeof(sc->text));
		puq_pve_guest_list_free(&guests);
		if ((rc = puq_pve_req_config_get(&s->out->req, sc->text, p->template_vmid, false)) < 0)
			return rc;
		sc->phase = CL_TEMPLATE;
		s->out->shared = true;
		vm_send(s, false, 0);
		return 0;
	}
	case CL_TEMPLATE:
		if (ev->rc < 0) {
			vm_fail_event(s, "reading the template's config");
			return 0;
		}
		sc->config = json_incref((json_t *)ev->data);
		return start_clone(s);
	case CL_TASK:
		if (ev->rc < 0) {
			vm_fail_event(s, "cloning the template");
			if (!vm_outcome_unknown(ev)) { /* Proxmox refused it: nothing was cloned */
				s->out->clear_intent = true;
				s->out->task_slot_release = true;
			} /* else no answer: the intent tells the next run where to look */
			return 0;
		}
		if (!ev->task.ok) {
			/* a failed clone is cloned again on the next run (new intent) */
			vm_fail(s, PUQ_EPVETASK, "the clone failed: %s", vm_event_error(s));
			s->out->clear_intent = true;
			s->out->task_slot_release = true;
			return 0;
		}
		return verify(s, vm->intent.node[0] ? vm->intent.node : sc->text, vm->vmid);
	case CL_VERIFY: {
		if (ev->rc < 0) {
			if (ev->err.code == PUQ_EPVENOTFOUND && strcmp(vm->intent.kind, "clone") == 0 &&
				!vm->intent.upid[0])
				/* no VM: the clone never arrived, or its task failed */
				return vm_lost_ask(s, CL_LOST);
			vm_fail_event(s, "reading the clone's config");
			return 0;
		}
		const char *lock = puq_pve_config_lock(ev->data);
		if (lock) {
			vm_wait(s, 1000, "the new VM is locked (%s)", lock);
			return 0;
		}
		vm_next(s, PUQ_VM_CLONE, "VM %lld cloned from template %lld on %s", vm->vmid,
			p->template_vmid, sc->text);
		puq_strlcpy(s->out->set_node, sc->text, sizeof(s->out->set_node));
		s->out->clear_intent = true;
		s->out->task_slot_release = true;
		return 0;
	}
	case CL_REJECTED:
		if (ev->rc < 0) {
			vm_fail(s, ev->err.code, "%s", ev->err.text);
			return 0;
		}
		sc->phase = CL_RESERVED;
		vm_db(s, PUQ_VM_DB_RESERVE_VMID, PUQ_VM_STATE_UNKNOWN);
		return 0;
	case CL_CLEARED:
		if (ev->rc < 0) {
			vm_fail(s, ev->err.code, "%s", ev->err.text);
			return 0;
		}
		vm_wait(s, 0, "the clone never reached Proxmox: cloning again");
		return 0;
	case CL_LOST: {
		char upid[PUQ_PVE_UPID_MAX], status[128];
		switch (vm_lost_read(s, upid, status, sizeof(status))) {
		case VM_LOST_ERROR:
			vm_fail_event(s, "looking for the clone in the node's task list");
			return 0;
		case VM_LOST_FAILED:
			/* the intent is over; the next run clones again under a new one */
			vm_fail(s, PUQ_EPVETASK, "the clone reached Proxmox and failed (%s): %s", upid,
				status);
			s->out->clear_intent = true;
			s->out->task_slot_release = true;
			return 0;
		default: /* not in the list: it never arrived, clone now (a new intent) */
			sc->phase = CL_CLEARED;
			vm_db(s, PUQ_VM_DB_CLEAR_INTENT, PUQ_VM_STATE_UNKNOWN);
			return 0;
		}
	}
	}
	vm_fail(s, PUQ_EINTERNAL, "clone: unexpected phase %d", sc->phase);
	return 0;
}

int puq_vm_step_dns_create(struct puq_vm_step *s)
{
	if (s->ev->kind != PUQ_VM_EV_DNS) {
		vm_dns(s, PUQ_VM_DNS_CREATE);
		return 0;
	}
	/* DNS never blocks provisioning: failures are logged per record and resynced later */
	vm_next(s, PUQ_VM_SET_DNS, "DNS: %zu record set(s) written, %zu failed", s->ev->dns_ok,
		s->ev->dns_failed);
	return 0;
}

/* ---- migration ---- */

enum { MG_START, MG_NODES, MG_CONFIG, MG_STORAGES, MG_TASK, MG_WHERE, MG_CLEARED, MG_LOST };

static int migrate_decide(struct puq_vm_step *s);

int puq_vm_step_migrate(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	struct puq_vm_scratch *sc = s->sc;
	const struct puq_vm_event *ev = s->ev;
	int rc;
	if (ev->kind == PUQ_VM_EV_START)
		sc->phase = MG_START;
	switch (sc->phase) {
	case MG_START:
		if (strcmp(vm->intent.kind, "migrate") == 0) {
			puq_strlcpy(sc->text, vm->intent.target, sizeof(sc->text));
			if (vm->intent.upid[0]) {
				sc->phase = MG_TASK;
				vm_poll(s, vm->intent.upid, s->env->migration_timeout_ms);
				return 0;
			}
			return ask_resources(s, MG_WHERE);
		}
		if (!s->env->migration_enabled) {
			vm_skip(s, PUQ_VM_MIGRATED, "post-clone migration is off: the VM stays on %s",
				vm->node);
			return 0;
		}
		if (vm->product.target_node[0]) {
			puq_strlcpy(sc->text, vm->product.target_node, sizeof(sc->text));
			return migrate_decide(s);
		}
		if ((rc = puq_pve_req_nodes(&s->out->req)) < 0)
			return rc;
		sc->phase = MG_NODES;
		s->out->shared = true;
		vm_send(s, false, 0);
		return 0;
	case MG_NODES: {
		if (ev->rc < 0) {
			vm_fail_event(s, "listing the nodes");
			return 0;
		}
		struct puq_pve_node_list nodes = {0};
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_pve_parse_nodes(ev->data, &nodes, &err) < 0) {
			vm_fail(s, err.code, "listing the nodes: %s", err.text);
			return 0;
		}
		long long best = -1;
		for (size_t i = 0; i < nodes.n; i++) {
			long long free_mem = nodes.items[i].maxmem - nodes.items[i].mem;
			/* the most free RAM; a tie keeps the VM where it is */
			if (nodes.items[i].online && (free_mem > best ||
					(free_mem == best && strcmp(nodes.items[i].name, vm->node) == 0))) {
				best = free_mem;
				puq_strlcpy(sc->text, nodes.items[i].name, sizeof(sc->text));
			}
		}
		puq_pve_node_list_free(&nodes);
		if (best < 0) {
			vm_skip(s, PUQ_VM_MIGRATED, "no node is online to migrate to: the VM stays on %s",
				vm->node);
			return 0;
		}
		return migrate_decide(s);
	}
	case MG_CONFIG:
		if (ev->rc < 0) {
			vm_fail_event(s, "reading the VM's config");
			return 0;
		}
		if (puq_pve_config_lock(ev->data)) {
			vm_wait(s, 1000, "the VM is locked (%s)", puq_pve_config_lock(ev->data));
			return 0;
		}
		sc->config = json_incref((json_t *)ev->data);
		if ((rc = puq_pve_req_storages(&s->out->req, vm->node, NULL)) < 0)
			return rc;
		sc->phase = MG_STORAGES;
		s->out->shared = true;
		vm_send(s, false, 0);
		return 0;
	case MG_STORAGES: {
		if (ev->rc < 0) {
			vm_fail_event(s, "listing the node's storages");
			return 0;
		}
		struct puq_pve_disk disk;
		if (vm_system_disk(s, &disk) < 0)
			return 0;
		struct puq_pve_storage_list st = {0};
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_pve_parse_storages(ev->data, &st, &err) < 0) {
			vm_fail(s, err.code, "listing the node's storages: %s", err.text);
			return 0;
		}
		bool shared = false;
		for (size_t i = 0; i < st.n; i++)
			if (strcmp(st.items[i].name, disk.vol.storage) == 0)
				shared = st.items[i].shared;
		puq_pve_storage_list_free(&st);
		/* a linked clone's disk depends on the template's base volume, which stays behind
		 * on local storage (notes/proxmox-pitfalls.md) */
		bool linked = strncmp(disk.vol.volname, "base-", 5) == 0 && strchr(disk.vol.volname, '/');
		if (linked && !shared) {
			vm_skip(s, PUQ_VM_MIGRATED, "a linked clone on local storage '%s' cannot leave %s: "
				"the VM stays there (use full clones or shared storage to place VMs on %s)",
				disk.vol.storage, vm->node, sc->text);
			return 0;
		}
		const char *ts = vm->product.sys.storage[0] ? vm->product.sys.storage : NULL;
		if ((rc = puq_pve_req_migrate(&s->out->req, vm->node, vm->vmid, sc->text, ts, !shared)) < 0)
			return rc;
		struct puq_vm_intent *in = &s->out->intent;
		puq_strlcpy(in->kind, "migrate", sizeof(in->kind));
		in->vmid = vm->vmid;
		puq_strlcpy(in->node, vm->node, sizeof(in->node));
		puq_strlcpy(in->target, sc->text, sizeof(in->target));
		sc->phase = MG_TASK;
		vm_send(s, true, s->env->migration_timeout_ms);
		return 0;
	}
	case MG_TASK:
		if (vm_outcome_unknown(ev)) {
			/* no answer: the migration may run; the intent tells the next run */
			vm_fail_event(s, "migrating the VM");
			return 0;
		}
		s->out->clear_intent = true;
		if (ev->rc < 0 || !ev->task.ok) {
			/* a failed migration leaves the VM where it is, and the deploy goes on */
			vm_next(s, PUQ_VM_MIGRATED, "migration to %s failed (%s): the VM stays on %s",
				sc->text, vm_event_error(s), vm->node);
			return 0;
		}
		vm_next(s, PUQ_VM_MIGRATED, "migrated from %s to %s", vm->node, sc->text);
		puq_strlcpy(s->out->set_node, sc->text, sizeof(s->out->set_node));
		return 0;
	case MG_WHERE: {
		if (ev->rc < 0) {
			vm_fail_event(s, "listing the cluster's VMs");
			return 0;
		}
		struct puq_pve_guest_list guests = {0};
		const struct puq_pve_guest *g = NULL;
		if (puq_pve_parse_guests(ev->data, false, &guests, NULL) < 0 ||
			puq_pve_find_guest(&guests, vm->vmid, &g, NULL) < 0) {
			puq_pve_guest_list_free(&guests);
			vm_fail(s, PUQ_EPVENOTFOUND, "VM %lld is not on the cluster any more", vm->vmid);
			return 0;
		}
		char node[PUQ_PVE_NAME_MAX], lock[24];
		puq_strlcpy(node, g->node, sizeof(node));
		puq_strlcpy(lock, g->lock, sizeof(lock));
		puq_pve_guest_list_free(&guests);
		if (strcmp(node, vm->intent.target) == 0) {
			vm_next(s, PUQ_VM_MIGRATED, "migrated to %s (found after a restart)", node);
			puq_strlcpy(s->out->set_node, node, sizeof(s->out->set_node));
			s->out->clear_intent = true;
			return 0;
		}
		if (lock[0]) {
			vm_wait(s, 1000, "the VM is locked (%s): a migration may be running", lock);
			return 0;
		}
		/* still on its node: the migration failed, or never arrived (recover.c) */
		return vm_lost_ask(s, MG_LOST);
	}
	case MG_CLEARED:
		vm_wait(s, 0, "the migration did not start: deciding again");
		return 0;
	case MG_LOST: {
		char upid[PUQ_PVE_UPID_MAX], status[128];
		switch (vm_lost_read(s, upid, status, sizeof(status))) {
		case VM_LOST_ERROR:
			vm_fail_event(s, "looking for the migration in the node's task list");
			return 0;
		case VM_LOST_RUNNING:
			sc->phase = MG_TASK;
			vm_poll(s, upid, s->env->migration_timeout_ms);
			return 0;
		case VM_LOST_OK:
			vm_next(s, PUQ_VM_MIGRATED, "migrated to %s (found in the task list after a "
				"restart)", sc->text);
			puq_strlcpy(s->out->set_node, sc->text, sizeof(s->out->set_node));
			s->out->clear_intent = true;
			return 0;
		case VM_LOST_FAILED: /* as when the task is followed: the VM stays, the deploy goes on */
			vm_next(s, PUQ_VM_MIGRATED, "migration to %s failed (%s): the VM stays on %s",
				sc->text, status, vm->node);
			s->out->clear_intent = true;
			return 0;
		default: /* it never started: forget it and decide again */
			sc->phase = MG_CLEARED;
			vm_db(s, PUQ_VM_DB_CLEAR_INTENT, PUQ_VM_STATE_UNKNOWN);
			return 0;
		}
	}
	}
	vm_fail(s, PUQ_EINTERNAL, "migrate: unexpected phase %d", sc->phase);
	return 0;
}

/* The target is in sc->text: skip, or read the config to see whether the disk can move. */
static int migrate_decide(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	if (strcmp(s->sc->text, vm->node) == 0) {
		vm_skip(s, PUQ_VM_MIGRATED, "the VM is on its target node %s", vm->node);
		return 0;
	}
	int rc = puq_pve_req_config_get(&s->out->req, vm->node, vm->vmid, false);
	if (rc < 0)
		return rc;
	s->sc->phase = MG_CONFIG;
	vm_send(s, false, 0);
	return 0;
}
