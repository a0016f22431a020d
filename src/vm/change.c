/*
 * The address and DNS steps outside the deploy chain: a change of package brings the
 * service's addresses to the new counts (claiming or releasing, in the engine's
 * transaction) and refreshes its DNS records, and "Set DNS records" resyncs them all.
 * DNS never fails a step: its outcome is counted in the step's note, the details are in
 * the DNS lines and the module log.
 */
#include "steps.h"

int puq_vm_step_cp_update_ip(struct puq_vm_step *s)
{
	const struct puq_vm_event *ev = s->ev;
	if (ev->kind == PUQ_VM_EV_START) {
		vm_db(s, PUQ_VM_DB_REALLOCATE, PUQ_VM_STATE_UNKNOWN);
		return 0;
	}
	if (ev->kind == PUQ_VM_EV_DB) {
		if (ev->rc < 0) {
			vm_fail(s, ev->err.code, "updating the addresses: %s", ev->err.text);
			return 0;
		}
		s->sc->n = ev->n;
		vm_dns(s, PUQ_VM_DNS_REFRESH);
		return 0;
	}
	vm_next(s, PUQ_VM_CP_UPDATE_IP, "%zu address(es); DNS: %zu record set(s) written, %zu failed",
		s->vm->addrs.n, ev->dns_ok, ev->dns_failed);
	return 0;
}

int puq_vm_step_dns_resync(struct puq_vm_step *s)
{
	if (s->ev->kind != PUQ_VM_EV_DNS) {
		vm_dns(s, PUQ_VM_DNS_RESYNC);
		return 0;
	}
	vm_next(s, PUQ_VM_READY, "DNS resync: %zu record set(s) written, %zu failed", s->ev->dns_ok,
		s->ev->dns_failed);
	return 0;
}
