/*
 * vm: the provisioning pipelines as pure functions, the product a VM is built from, and
 * the VM's name.
 *
 * States. vm_status names the last completed step (spec, "VM status reference"); the
 * table PUQ_VM_STATES lists every state with the label of the step that leaves it. A
 * pipeline is a chain of states: deploy creation -> ... -> ready, change package
 * change_package -> ... -> ready, and the one-state handlers reinstall, terminate and
 * set_dns_records. A step is a function of (VM row, product, scratch, last event) that
 * decides one thing (struct puq_vm_out): send a Proxmox request, follow a task, run a
 * database action, run a DNS operation, wait, fail, or move to the next state. It never
 * performs I/O; the engine (cron room) does, and calls the step again with the answer.
 * Steps are idempotent: they read the VM's config before they change it and skip what
 * is already right, so a step that runs twice (after a crash) converges.
 *
 * Product. The product settings (WHMCS configoption1..N of the server module, research
 * product.md 6.2) and the service's configurable options (6.3, by plain name or legacy
 * prefix, a value of 0 applies) resolve into one struct puq_vm_product. It is stored
 * with the VM as JSON at CreateAccount, ChangePackage and Reinstall, so a pipeline runs
 * against the product as it was ordered even if the product changes later.
 *
 * Ownership: struct puq_vm_out owns its request (puq_vm_out_reset frees it); everything
 * else here is fixed-size or borrowed as stated.
 */
#ifndef PUQKVM_VM_H
#define PUQKVM_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"
#include "puqkvm/pool.h"
#include "puqkvm/pve.h"

/* ---- states ---------------------------------------------------------------------------- */

/*
 * Every vm_status, in pipeline order: id, stored name, label of the step that leaves the
 * state (what the run log and the cron output print).
 */
#define PUQ_VM_STATES(XX)                                                                \
	/* deploy */                                                                         \
	XX(CREATION, "creation", "Allocate IP addresses")                                    \
	XX(SET_IP, "set_ip", "Clone template")                                               \
	XX(CLONE, "clone", "Set DNS records")                                                \
	XX(SET_DNS, "set_dns", "Migrate to target node")                                     \
	XX(MIGRATED, "migrated", "Set CPU and RAM")                                          \
	XX(SET_CPU_RAM, "set_cpu_ram", "Set system disk size")                               \
	XX(SET_SYSTEM_DISK_SIZE, "set_system_disk_size", "Set system disk bandwidth")         \
	XX(SET_SYSTEM_DISK_BANDWIDTH, "set_system_disk_bandwidth", "Create additional disk")  \
	XX(SET_CREATED_ADDITIONAL_DISK, "set_created_additional_disk",                       \
		"Set additional disk size")                                                      \
	XX(SET_ADDITIONAL_DISK_SIZE, "set_additional_disk_size",                             \
		"Set additional disk bandwidth")                                                 \
	XX(SET_ADDITIONAL_DISK_BANDWIDTH, "set_additional_disk_bandwidth", "Set network")     \
	XX(SET_NETWORK, "set_network", "Set firewall")                                       \
	XX(SET_FIREWALL, "set_firewall", "Set cloud-init")                                   \
	XX(SET_CLOUDINIT, "set_cloudinit", "Start VM")                                       \
	XX(STARTING, "starting", "Check VM is running")                                      \
	XX(READY, "ready", "Power request")                                                  \
	/* change package */                                                                 \
	XX(CHANGE_PACKAGE, "change_package", "Update IP addresses")                          \
	XX(CP_UPDATE_IP, "cp_update_ip", "Stop VM")                                          \
	XX(CP_STOP, "cp_stop", "Set CPU and RAM")                                            \
	XX(CP_CPU_RAM, "cp_cpu_ram", "Set system disk size")                                 \
	XX(CP_SYSTEM_DISK_SIZE, "cp_system_disk_size", "Set system disk bandwidth")          \
	XX(CP_SYSTEM_DISK_BANDWIDTH, "cp_system_disk_bandwidth", "Additional disk")          \
	XX(CP_ADDITIONAL_DISK, "cp_additional_disk", "Set additional disk size")             \
	XX(CP_ADDITIONAL_DISK_SIZE, "cp_additional_disk_size", "Set additional disk bandwidth") \
	XX(CP_ADDITIONAL_DISK_BANDWIDTH, "cp_additional_disk_bandwidth", "Set network")       \
	XX(CP_NETWORK, "cp_network", "Set firewall")                                         \
	XX(CP_FIREWALL, "cp_firewall", "Start VM")                                           \
	XX(CP_START, "cp_start", "Check VM is running")                                      \
	/* one-state handlers and resting states */                                          \
	XX(REINSTALL, "reinstall", "Remove the old VM")                                      \
	XX(SET_DNS_RECORDS, "set_dns_records", "Resync DNS records")                         \
	XX(TERMINATE, "terminate", "Terminate")                                              \
	XX(ERROR_TERMINATE, "error_terminate", "")                                           \
	XX(REMOVE, "remove", "")

enum puq_vm_state {
#define PUQ_XX_ST(id, name, label) PUQ_VM_##id,
	PUQ_VM_STATES(PUQ_XX_ST)
#undef PUQ_XX_ST
	PUQ_VM_STATE__COUNT,
	PUQ_VM_STATE_UNKNOWN = -1
};

const char *puq_vm_state_name(enum puq_vm_state s);
/* The label of the step leaving s ("" for resting states). */
const char *puq_vm_state_label(enum puq_vm_state s);
/* PUQ_VM_STATE_UNKNOWN for a name that is no state. */
enum puq_vm_state puq_vm_state_parse(const char *name);
/* ready, remove, error_terminate: cron leaves the VM alone (unless a power request waits). */
bool puq_vm_state_resting(enum puq_vm_state s);
/* The states an admin may reset a VM to (spec, Reset VM Status). */
bool puq_vm_state_resettable(enum puq_vm_state s);
/* The states of the change-package chain (change_package .. cp_start). */
bool puq_vm_state_in_change_package(enum puq_vm_state s);

/* What a VM is doing; the run log names runs after it. */
#define PUQ_VM_ACTIONS(XX)                                                               \
	XX(NONE, "")                                                                         \
	XX(DEPLOY, "deploy")                                                                 \
	XX(CHANGE_PACKAGE, "change_package")                                                 \
	XX(TERMINATE, "terminate")                                                           \
	XX(REINSTALL, "reinstall")                                                           \
	XX(REDEPLOY, "redeploy")                                                             \
	XX(SET_DNS_RECORDS, "set_dns_records")                                               \
	XX(POWER, "power")                                                                   \
	/* a backup restored (src/backup) re-applies the package through the change-package \
	 * chain from cp_update_ip and ends with the "Backup restored" e-mail */             \
	XX(RESTORE, "restore")

enum puq_vm_action {
#define PUQ_XX_ACT(id, name) PUQ_VM_ACTION_##id,
	PUQ_VM_ACTIONS(PUQ_XX_ACT)
#undef PUQ_XX_ACT
};
const char *puq_vm_action_name(enum puq_vm_action a);
enum puq_vm_action puq_vm_action_parse(const char *name);

/* ---- the product --------------------------------------------------------------------- */

#define PUQ_VM_NAME_MAX 64     /* a DNS label: 63 characters */
#define PUQ_VM_TEXT_MAX 192

struct puq_vm_disk_spec {
	char storage[PUQ_PVE_NAME_MAX]; /* "" = system disk: as in the template; additional
	                                   disk: the system disk's storage */
	long long size_gb;              /* 0 = keep (system) / none (additional) */
	double mbps_rd, mbps_wr;        /* 0 = unlimited */
	long long iops_rd, iops_wr;
};

struct puq_vm_product {
	/* VM */
	char target_node[PUQ_PVE_NAME_MAX]; /* "" = automatically (most free RAM) */
	long long template_vmid;            /* the OS template, 0 = none chosen */
	bool full_clone;
	long long cores;
	long long ram_mb;
	char name_rule[PUQ_VM_TEXT_MAX];
	long long first_vmid;
	char os_username[64];               /* "" = random */
	char main_domain[PUQ_VM_TEXT_MAX];  /* without a leading dot */
	/* network */
	char bridge[PUQ_BRIDGE_TEXT_MAX];
	int vlan;
	char net_model[16];                 /* "" = as in the template */
	double net_rate;                    /* MB/s, 0 = unlimited */
	int ipv4_count, ipv6_count;
	bool auto_bridge_vlan;
	bool dhcp4, dhcp6;
	/* firewall */
	bool fw_enable, fw_dhcp, fw_ndp, fw_radv, fw_macfilter, fw_ipfilter, anti_spoofing;
	char fw_policy_in[8], fw_policy_out[8]; /* ACCEPT DROP REJECT */
	char fw_log_in[8], fw_log_out[8];       /* nolog info notice warning */
	/* storage */
	struct puq_vm_disk_spec sys, add;
	/* quotas (backups issue) */
	long long backups, snapshots;
	/* backups, snapshots and the client area (src/job, src/backup, src/snapshot,
	 * src/client): product-wide settings, read live from the product by those rooms */
	char backup_storage[PUQ_PVE_NAME_MAX]; /* "" = no backups */
	char iso_storage[PUQ_PVE_NAME_MAX];    /* "" = no ISO page */
	bool snapshot_schedule;                /* weekly schedule with FIFO rotation */
	long long snapshot_lifetime_days;      /* 0 = snapshots stay until removed */
	bool client_start, client_stop, client_charts, client_reinstall, client_reset_password,
		client_revdns, client_iso, client_firewall; /* client area permissions */
	/* e-mail templates, "" = none */
	char email_ready[96], email_reset[96], email_restored[96], email_upgrade[96];
};

/*
 * The product settings as WHMCS config options: each has a configoption slot (1..22), or
 * is a "key = value" line of slot PUQ_VM_EXTRA_SLOT (the product's advanced settings),
 * so every §6.2 setting fits WHMCS's 24 slots. ConfigOptions is generated from this table.
 */
#define PUQ_VM_SLOTS      24
#define PUQ_VM_EXTRA_SLOT 23

enum puq_vm_setting_type { PUQ_VM_SET_INT, PUQ_VM_SET_BOOL, PUQ_VM_SET_CHOICE, PUQ_VM_SET_TEXT };

struct puq_vm_setting_def {
	const char *name;     /* the key in the advanced text and in PHP arrays */
	int slot;             /* 1..22, or PUQ_VM_EXTRA_SLOT */
	enum puq_vm_setting_type type;
	const char *dflt;
	long long min, max;   /* INT */
	const char *choices;  /* CHOICE: values separated by ',' */
	const char *loader;   /* "nodes", "templates", "storages" or NULL: the admin picks from
	                         a live list of the server */
	const char *label;
	const char *help;
};
size_t puq_vm_settings_count(void);
const struct puq_vm_setting_def *puq_vm_settings_def(size_t i);

/* A configurable option as WHMCS passes it: name => value (both cut at '|'). Borrowed. */
struct puq_vm_option {
	const char *name;
	const char *value;
};

/*
 * Resolves the product: slots[i] is configoption(i+1) (NULL or "" = the default),
 * options the service's configurable options, which win over the settings, a 0
 * included. Every bad setting or option is a field error ("configoption4",
 * "configoption23.firewall_policy_in", "option.RAM"); nothing is produced then.
 */
int puq_vm_product_resolve(const char *const slots[PUQ_VM_SLOTS],
	const struct puq_vm_option *options, size_t noptions, struct puq_vm_product *out,
	struct puq_error *err);
/* The product as stored with the VM (a JSON object; new reference) and back. */
json_t *puq_vm_product_to_json(const struct puq_vm_product *p);
int puq_vm_product_from_json(const json_t *j, struct puq_vm_product *out,
	struct puq_error *err);

/* ---- the name ------------------------------------------------------------------------ */

/* What a name rule may use; rnd is the random source (tests pass a fixed one). */
struct puq_vm_name_input {
	long long client_id, service_id;
	time_t now;
	unsigned (*rnd)(void *ctx);
	void *rnd_ctx;
};

/*
 * Expands a VM name rule: {client_id} {service_id} {random_digit_X} {random_letter_X}
 * {unixtime} {year} {month} {day} {hour} {minute} {second} (UTC). The result must be a
 * DNS label (letters, digits, '-', at most 63, not starting or ending with '-'); upper
 * case is lowered. Returns 0 or -PUQ_EVALIDATION naming the unknown macro or the problem.
 */
int puq_vm_name_expand(const char *rule, const struct puq_vm_name_input *in,
	char out[PUQ_VM_NAME_MAX], struct puq_error *err);
/* A random lower-case OS user name "u" + 7 letters/digits (the product leaves it empty). */
void puq_vm_random_username(unsigned (*rnd)(void *ctx), void *rnd_ctx, char out[16]);

/* ---- the VM as a step sees it ---------------------------------------------------------- */

/*
 * A task-starting request the VM committed to (DESIGN.md principle 3). Each commit is a
 * new intent with a new id, sent along with its one request (struct puq_pve_req.intent);
 * a request is never sent again under the same id.
 */
struct puq_vm_intent {
	char kind[16];                  /* "clone", "migrate", "delete"; "" = none */
	long long vmid;
	char node[PUQ_PVE_NAME_MAX];    /* where the request goes */
	char target[PUQ_PVE_NAME_MAX];  /* migrate: the target node */
	char upid[PUQ_PVE_UPID_MAX];    /* "" until Proxmox answered */
	long long at;                   /* when it was committed (epoch s, the database's
	                                   clock), 0 = unknown */
	char id[24];                    /* the commit's id; "" after a reload */
};

struct puq_vm {
	long long service_id, client_id, product_id, server_id;
	long long vmid;                 /* 0 until reserved */
	char name[PUQ_VM_NAME_MAX];
	char fqdn[PUQ_VM_TEXT_MAX + PUQ_VM_NAME_MAX];
	enum puq_vm_state state;
	enum puq_vm_action action;
	char node[PUQ_PVE_NAME_MAX];    /* where the VM is ("" before the clone) */
	char mac[18];                   /* net0's MAC, kept across reinstall */
	bool suspended;
	char power[8];                  /* "start", "stop" or "" */
	struct puq_vm_product product;
	struct puq_vm_intent intent;
	/* filled by the engine: live addresses (main first), rDNS names, the OS user and
	 * the password (plain text, only while the step that needs it runs) */
	struct puq_address_list addrs;
	json_t *rev_dns;                /* {"ip": "host"} or NULL; borrowed */
	char username[64];
	const char *password;
	const char *api_user;           /* who the engine is at Proxmox (user@realm or
	                                   user@realm!tokenid), NULL = unknown; borrowed */
};

/* The main address of a family (NULL when none). */
const struct puq_address *puq_vm_main_address(const struct puq_vm *vm, enum puq_ip_family f);

/* ---- steps --------------------------------------------------------------------------- */

/* What the engine tells a step: the answer to what the step asked for last. */
enum puq_vm_event_kind {
	PUQ_VM_EV_START, /* the step runs for the first time (or again after a wait) */
	PUQ_VM_EV_HTTP,  /* a Proxmox answer: rc 0 with data, or rc < 0 with err */
	PUQ_VM_EV_TASK,  /* a followed task stopped: task */
	PUQ_VM_EV_DB,    /* a database action ran: rc, err, n (a number it produced) */
	PUQ_VM_EV_DNS,   /* a DNS operation ran: dns_ok, dns_failed */
};

struct puq_vm_event {
	enum puq_vm_event_kind kind;
	int rc;
	struct puq_error err;
	const json_t *data; /* HTTP: borrowed for the call */
	struct puq_pve_task task;
	long long n;
	size_t dns_ok, dns_failed;
};

/* Database actions a step asks for; the engine runs each in one transaction. */
enum puq_vm_db_op {
	PUQ_VM_DB_NONE,
	PUQ_VM_DB_ALLOCATE,        /* name, addresses, tblhosting fields; then next state */
	PUQ_VM_DB_REALLOCATE,      /* bring addresses to the product's (new) counts */
	PUQ_VM_DB_RESERVE_VMID,    /* the lowest free VMID from First VM ID: event n */
	PUQ_VM_DB_REJECT_VMID,     /* vmid is used outside the module: remember, unset */
	PUQ_VM_DB_CLEAR_INTENT,
	PUQ_VM_DB_TERMINATED,      /* release everything, tblhosting cleared, remove */
	PUQ_VM_DB_TERMINATE_FAILED,/* error_terminate, addresses kept */
	PUQ_VM_DB_REINSTALLED,     /* old VM gone: back to set_ip (addresses, VMID kept) */
	PUQ_VM_DB_REDEPLOYED,      /* old VM gone: addresses and VMID released, creation */
};

/* DNS operations a step asks for (research product.md 8: when each runs). */
enum puq_vm_dns_op { PUQ_VM_DNS_CREATE, PUQ_VM_DNS_REFRESH, PUQ_VM_DNS_DELETE, PUQ_VM_DNS_RESYNC };

enum puq_vm_do {
	PUQ_VM_DO_REQUEST, /* send out.req; answer: EV_HTTP (EV_TASK when out.task) */
	PUQ_VM_DO_POLL,    /* follow the task out.upid; answer: EV_TASK */
	PUQ_VM_DO_DB,      /* run out.db; answer: EV_DB (or the run moves on for transitions) */
	PUQ_VM_DO_DNS,     /* run out.dns for this VM (batched with others); answer: EV_DNS */
	PUQ_VM_DO_WAIT,    /* call again with EV_START after out.wait_ms (out.text: why) */
	PUQ_VM_DO_NEXT,    /* the step is done: move to out.next (out.text: a note) */
	PUQ_VM_DO_SKIP,    /* nothing to change: move to out.next, logged "skip (...)" */
	PUQ_VM_DO_ERROR,   /* the step failed: out.code, out.text; retried later */
	PUQ_VM_DO_LOG,     /* a phase of a one-state handler is done: log out.label and
	                      out.text, then call again with EV_START (scratch kept) */
};

/* What a step decided. */
struct puq_vm_out {
	enum puq_vm_do kind;
	struct puq_pve_req req;      /* REQUEST */
	bool task;                   /* REQUEST answers a UPID the engine follows */
	bool shared;                 /* REQUEST is a read several VMs may share (cached briefly) */
	long budget_ms;              /* REQUEST(task)/POLL/WAIT: longest wait in this run,
	                                0 = the default (Heavy Operations Timeout) */
	struct puq_vm_intent intent; /* REQUEST: committed before sending when kind[0] */
	char slot_node[PUQ_PVE_NAME_MAX], slot_storage[PUQ_PVE_NAME_MAX]; /* clone caps */
	char upid[PUQ_PVE_UPID_MAX]; /* POLL */
	enum puq_vm_db_op db;        /* DB */
	long long db_arg;            /* DB: the VMID for REJECT_VMID */
	enum puq_vm_dns_op dns;      /* DNS */
	enum puq_vm_state next;      /* NEXT / SKIP / transitions of DB */
	long wait_ms;                /* WAIT */
	int code;                    /* ERROR: a PUQ_E* */
	char text[PUQ_ERROR_TEXT_MAX];
	char label[48];              /* LOG: the phase's label */
	/* row changes that go with NEXT */
	char set_node[PUQ_PVE_NAME_MAX];
	char set_mac[18];
	bool clear_intent;
	bool clear_power;
	const char *email;           /* NEXT: an e-mail template to send (outbox), or NULL */
	bool task_slot_release;      /* NEXT/ERROR after a clone: free its cap slots */
};

void puq_vm_out_init(struct puq_vm_out *o);
/* Frees the request and resets o. */
void puq_vm_out_reset(struct puq_vm_out *o);

/* What a step may remember between its calls within one run (reset for each step). */
struct puq_vm_scratch {
	int phase;
	int tries;
	size_t index;
	long long n;
	double waited_ms;   /* time spent waiting in this step (lock, stop, start) */
	bool flag;
	json_t *config;     /* the VM config read by this step (owned) */
	json_t *preload;    /* the VM config the engine still holds from an earlier step,
	                       unchanged since it was read (owned; taken by vm_need_config) */
	json_t *list;       /* another answer kept by the step (owned) */
	char text[256];
	char mac[18];
};
void puq_vm_scratch_reset(struct puq_vm_scratch *s);

/* The settings a step reads (Settings > General and fixed engine limits). */
struct puq_vm_env {
	bool migration_enabled;
	long migration_timeout_ms;
	long heavy_timeout_ms;
	long start_timeout_ms;     /* 60 s */
	long stop_timeout_ms;      /* terminate: 120 s graceful */
	long force_stop_timeout_ms;/* terminate: 60 s forced */
	long lock_wait_ms;         /* how long a locked VM is waited for in one run */
};
void puq_vm_env_defaults(struct puq_vm_env *env);

struct puq_vm_step {
	const struct puq_vm *vm;
	const struct puq_vm_env *env;
	struct puq_vm_scratch *sc;
	const struct puq_vm_event *ev;
	struct puq_vm_out *out;
};

/*
 * Runs the step that leaves vm->state once: fills out (initialised by the caller).
 * Returns 0, or a negative code when out could not be built (out of memory).
 */
int puq_vm_step_run(struct puq_vm_step *s);

#endif
