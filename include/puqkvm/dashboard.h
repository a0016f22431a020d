/*
 * admin/dashboard: the counts on the addon's Home page (spec: Dashboard Cards), read
 * in one round trip. The engine issue adds its own counts here (VMs needing attention).
 */
#ifndef PUQKVM_DASHBOARD_H
#define PUQKVM_DASHBOARD_H

#include "puqkvm/error.h"
#include "puqkvm/store.h"

struct puq_dashboard {
	long long ip_pools;      /* rows of puq_proxmox_kvm_ip_pools */
	long long dns_zones;     /* rows of puq_proxmox_kvm_dns_zones */
	long long kvm_services;  /* Active WHMCS services of products using puqProxmoxKVM */
	long long vms_total;     /* rows of puqProxmoxKVM_vm_info */
	long long vms_in_progress; /* VMs inside a pipeline (not ready, removed or failed) */
	long long vms_failed;    /* VMs whose terminate failed (error_terminate) */
	long long vms_attention; /* VMs failing for longer than "Needs attention after" */
};

/* Fills d; on error d is zeroed. */
int puq_dashboard_load(struct puq_db *db, struct puq_dashboard *d, struct puq_error *err);

#endif
