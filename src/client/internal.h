/*
 * Private to the client room: one authorised call as the action handlers see it, the
 * handlers (overview.c, guest.c, firewall.c, access.c) and the Proxmox helpers they
 * share.
 */
#ifndef PUQKVM_CLIENT_INTERNAL_H
#define PUQKVM_CLIENT_INTERNAL_H

#include <stdio.h>
#include <string.h>

#include "puqkvm/client.h"
#include "puqkvm/vm_store.h"

struct client_call {
	const struct puq_job_env *env;
	const struct puq_client_req *q;
	struct puq_vm_product product; /* quotas as ordered, permissions as the product has now */
	char vm_status[32];
	char username[64];             /* tblhosting.username: the OS user */
	bool job_running;
	bool suspended;
	bool active;                   /* tblhosting.domainstatus = Active */
};

typedef int (*client_handler_fn)(struct client_call *c, json_t **out, struct puq_error *err);

/* Whether the product lets the client use a permission flag (NULL = always). */
bool client_allowed(const struct puq_vm_product *p, const char *flag);

/* ---- Proxmox helpers ---- */
/* The service's VM: vmid, the node it is on now (from /cluster/resources; -PUQ_ESTATE
 * when Proxmox does not know it) and the server's connection. guest (may be NULL)
 * receives a copy of the resource entry. */
int client_locate(struct client_call *c, long long *vmid, char node[PUQ_PVE_NAME_MAX],
	struct puq_pve_conn **conn, json_t **guest, struct puq_error *err);
/* One call; *data on success (new reference). */
int client_pve(struct client_call *c, struct puq_pve_conn *conn, struct puq_pve_req *req,
	json_t **data, struct puq_error *err);
/* A string / integer member of the request's args ("" / dflt when absent). */
const char *client_arg_str(const struct client_call *c, const char *key);
bool client_arg_int(const struct client_call *c, const char *key, long long *out);

/* ---- handlers ---- */
int client_overview(struct client_call *c, json_t **out, struct puq_error *err);
int client_job(struct client_call *c, json_t **out, struct puq_error *err);
int client_power(struct client_call *c, json_t **out, struct puq_error *err);
int client_charts(struct client_call *c, json_t **out, struct puq_error *err);
int client_rdns(struct client_call *c, json_t **out, struct puq_error *err);
int client_rdns_save(struct client_call *c, json_t **out, struct puq_error *err);
int client_iso(struct client_call *c, json_t **out, struct puq_error *err);
int client_iso_mount(struct client_call *c, json_t **out, struct puq_error *err);
int client_reset_password(struct client_call *c, json_t **out, struct puq_error *err);
int client_reinstall_options(struct client_call *c, json_t **out, struct puq_error *err);
int client_reinstall(struct client_call *c, json_t **out, struct puq_error *err);
int client_firewall(struct client_call *c, json_t **out, struct puq_error *err);
int client_firewall_policy(struct client_call *c, json_t **out, struct puq_error *err);
int client_firewall_rule_add(struct client_call *c, json_t **out, struct puq_error *err);
int client_firewall_rule_delete(struct client_call *c, json_t **out, struct puq_error *err);
int client_firewall_rule_move(struct client_call *c, json_t **out, struct puq_error *err);

#endif
