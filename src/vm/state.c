/*
 * The states and actions of the pipelines as tables (names, labels, which states rest),
 * and the small values every step shares: the step output, its scratch memory and the
 * engine settings a step reads.
 *
 * The order of PUQ_VM_STATES is the pipeline order, so "the next state" of a chain is
 * the following entry; the step functions themselves live in deploy.c, change.c and
 * teardown.c and are dispatched by puq_vm_step_run (steps.c).
 */
#include <string.h>

#include "puqkvm/vm.h"

static const char *const state_names[] = {
#define PUQ_XX_ST(id, name, label) name,
	PUQ_VM_STATES(PUQ_XX_ST)
#undef PUQ_XX_ST
};

static const char *const state_labels[] = {
#define PUQ_XX_ST(id, name, label) label,
	PUQ_VM_STATES(PUQ_XX_ST)
#undef PUQ_XX_ST
};

static const char *const action_names[] = {
#define PUQ_XX_ACT(id, name) name,
	PUQ_VM_ACTIONS(PUQ_XX_ACT)
#undef PUQ_XX_ACT
};

const char *puq_vm_state_name(enum puq_vm_state s)
{
	return (unsigned)s < PUQ_VM_STATE__COUNT ? state_names[s] : "";
}

const char *puq_vm_state_label(enum puq_vm_state s)
{
	return (unsigned)s < PUQ_VM_STATE__COUNT ? state_labels[s] : "";
}

enum puq_vm_state puq_vm_state_parse(const char *name)
{
	for (int i = 0; name && i < PUQ_VM_STATE__COUNT; i++)
		if (strcmp(state_names[i], name) == 0)
			return (enum puq_vm_state)i;
	return PUQ_VM_STATE_UNKNOWN;
}

bool puq_vm_state_resting(enum puq_vm_state s)
{
	return s == PUQ_VM_READY || s == PUQ_VM_REMOVE || s == PUQ_VM_ERROR_TERMINATE;
}

bool puq_vm_state_resettable(enum puq_vm_state s)
{
	switch (s) {
	case PUQ_VM_READY:
	case PUQ_VM_CREATION:
	case PUQ_VM_SET_IP:
	case PUQ_VM_CHANGE_PACKAGE:
	case PUQ_VM_SET_DNS_RECORDS:
	case PUQ_VM_TERMINATE:
	case PUQ_VM_REMOVE:
		return true;
	default:
		return false;
	}
}

bool puq_vm_state_in_change_package(enum puq_vm_state s)
{
	return s >= PUQ_VM_CHANGE_PACKAGE && s <= PUQ_VM_CP_START;
}

const char *puq_vm_action_name(enum puq_vm_action a)
{
	return (unsigned)a < PUQ_ARRAY_LEN(action_names) ? action_names[a] : "";
}

enum puq_vm_action puq_vm_action_parse(const char *name)
{
	for (size_t i = 1; name && i < PUQ_ARRAY_LEN(action_names); i++)
		if (strcmp(action_names[i], name) == 0)
			return (enum puq_vm_action)i;
	return PUQ_VM_ACTION_NONE;
}

void puq_vm_out_init(struct puq_vm_out *o)
{
	memset(o, 0, sizeof(*o));
	o->next = PUQ_VM_STATE_UNKNOWN;
}

void puq_vm_out_reset(struct puq_vm_out *o)
{
	puq_pve_req_free(&o->req);
	puq_vm_out_init(o);
}

void puq_vm_scratch_reset(struct puq_vm_scratch *s)
{
	json_decref(s->config);
	json_decref(s->list);
	json_decref(s->preload);
	memset(s, 0, sizeof(*s));
}

void puq_vm_env_defaults(struct puq_vm_env *env)
{
	env->migration_enabled = true;
	env->migration_timeout_ms = 300000;
	env->heavy_timeout_ms = 60000;
	env->start_timeout_ms = 60000;
	env->stop_timeout_ms = 120000;
	env->force_stop_timeout_ms = 60000;
	env->lock_wait_ms = 60000;
}

const struct puq_address *puq_vm_main_address(const struct puq_vm *vm, enum puq_ip_family f)
{
	const struct puq_address *first = NULL;
	for (size_t i = 0; i < vm->addrs.n; i++) {
		const struct puq_address *a = &vm->addrs.items[i];
		if (a->ip.family != f)
			continue;
		if (a->main)
			return a;
		if (!first)
			first = a;
	}
	return first;
}
