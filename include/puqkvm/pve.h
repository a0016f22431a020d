/*
 * pve: the Proxmox VE API client, as pure functions.
 *
 * A request builder turns arguments into a struct puq_pve_req (method, path below
 * /api2/json, query or form body); it never touches the network. The connection
 * (struct puq_pve_conn: API addresses, TLS trust, credentials, timeouts) turns a request
 * into an http request for the engine (puq_pve_http_request, pve_conn.h); an
 * interpreter turns the answer into C values or a struct puq_error carrying the HTTP
 * status and Proxmox's own text. VM config parsing lives in pve_config.h.
 *
 * Wire rules honoured everywhere (research/apis.md 1.1, notes/proxmox-pitfalls.md):
 * every value is percent-encoded (Proxmox splits form pairs on '&' and ';' and keeps
 * only the text up to a second '='), booleans are 0/1, sshkeys are encoded once as the
 * schema's "urlencoded" format and again by the form, GET/DELETE carry parameters in
 * the query only, numbers may arrive as numeric strings.
 *
 * Ownership: a struct puq_pve_req owns its strings; release with puq_pve_req_free.
 * Interpreters fill caller structs; lists are allocated and freed by their _free.
 */
#ifndef PUQKVM_PVE_H
#define PUQKVM_PVE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"

#define PUQ_PVE_HOSTS_MAX 8
#define PUQ_PVE_NAME_MAX  64  /* node, storage, bridge names; pve ids are shorter */
#define PUQ_PVE_UPID_MAX  256

/* ---- requests ------------------------------------------------------------------------ */

enum puq_pve_timeout {
	PUQ_PVE_TIMEOUT_DEFAULT, /* reads and quick writes: Settings -> Default Timeout */
	PUQ_PVE_TIMEOUT_HEAVY,   /* task-starting calls: Settings -> Heavy Operations Timeout */
};

struct puq_pve_req {
	char method[8];
	struct puq_buf path;  /* below /api2/json, segments percent-encoded */
	struct puq_buf query; /* GET/DELETE parameters, "" when none */
	struct puq_buf form;  /* POST/PUT form body, "" when none */
	enum puq_pve_timeout timeout;
	bool sensitive;       /* the body holds a password (ticket login): never log it */
	/* A task-starting request the caller committed as an intent (DESIGN.md principle
	 * 3): its id goes out as the header X-PuqKvm-Intent (Proxmox ignores it; a crash
	 * test reads it to prove no intent was sent twice), and the request goes on a fresh
	 * connection, so libcurl never sends it again on its own. "" = none. */
	char intent[24];
};

/* Starts a request: the path is a format with only %s (a segment, percent-encoded, so a
 * UPID or a volid may be passed raw) and %lld. Returns 0 or -PUQ_ENOMEM. */
int puq_pve_req_init(struct puq_pve_req *r, const char *method, const char *path_fmt, ...)
	PUQ_PRINTF(3, 4);
void puq_pve_req_free(struct puq_pve_req *r);

/* Parameters go to the query for GET/DELETE and to the form body otherwise. */
void puq_pve_req_str(struct puq_pve_req *r, const char *key, const char *value);
void puq_pve_req_int(struct puq_pve_req *r, const char *key, long long value);
void puq_pve_req_bool(struct puq_pve_req *r, const char *key, bool value);
/* A value of schema format "urlencoded" (sshkeys): encoded here, then by the form. */
void puq_pve_req_urlencoded(struct puq_pve_req *r, const char *key, const char *value);
/* 0, or -PUQ_ENOMEM if any append failed. */
int puq_pve_req_check(const struct puq_pve_req *r, struct puq_error *err);

/* --- cluster, nodes, storage --- */
int puq_pve_req_version(struct puq_pve_req *r);
int puq_pve_req_nodes(struct puq_pve_req *r);
/* type: "vm", "storage", "node" or NULL for all. */
int puq_pve_req_resources(struct puq_pve_req *r, const char *type);
/* vmid 0: the next free id; else asks whether vmid is free. */
int puq_pve_req_nextid(struct puq_pve_req *r, long long vmid);
/* content: filter such as "images", "backup", "iso" (NULL = all); enabled storages only. */
int puq_pve_req_storages(struct puq_pve_req *r, const char *node, const char *content);
int puq_pve_req_storage_content(struct puq_pve_req *r, const char *node,
	const char *storage, const char *content, long long vmid);
/* Bridges (and OVS bridges) of a node. */
int puq_pve_req_bridges(struct puq_pve_req *r, const char *node);
int puq_pve_req_volume_delete(struct puq_pve_req *r, const char *node,
	const char *storage, const char *volid);

/* --- access --- */
/* Ticket login for setups without API tokens; the body is marked sensitive. */
int puq_pve_req_ticket(struct puq_pve_req *r, const char *username, const char *password);
/* The caller's effective privileges per ACL path (path NULL = all paths). */
int puq_pve_req_permissions(struct puq_pve_req *r, const char *path);

/* --- qemu --- */
struct puq_pve_clone {
	long long newid;
	const char *name;    /* DNS name of the new VM, or NULL */
	const char *target;  /* node to place the clone on (shared storage only), or NULL */
	const char *storage; /* full clone: target storage, or NULL */
	const char *format;  /* full clone: raw|qcow2|vmdk, or NULL */
	const char *pool;    /* or NULL */
	bool full;           /* full copy; false = linked clone of a template */
};
int puq_pve_req_clone(struct puq_pve_req *r, const char *node, long long vmid,
	const struct puq_pve_clone *c, struct puq_error *err);
int puq_pve_req_config_get(struct puq_pve_req *r, const char *node, long long vmid,
	bool current);
/* Config write: POST (async, UPID) or PUT (sync); add keys with puq_pve_config_*. */
int puq_pve_req_config_set(struct puq_pve_req *r, const char *node, long long vmid,
	bool async, const char *digest);
/*
 * Adds one config key. The key must be one Proxmox knows for a VM, indexed keys within
 * their real limits (net0-31, scsi0-30, virtio0-15, sata0-5, ide0-3, ...): an unknown
 * key is refused here with a field error instead of being sent (PVE 9 rejects it).
 */
int puq_pve_config_put(struct puq_pve_req *r, const char *key, const char *value,
	struct puq_error *err);
int puq_pve_config_put_int(struct puq_pve_req *r, const char *key, long long value,
	struct puq_error *err);
/* The key list to delete, comma separated; each key checked as above. */
int puq_pve_config_delete(struct puq_pve_req *r, const char *keys, struct puq_error *err);
/* size: "+10G" (grow by) or "40G" (absolute); a shrink fails inside the task. */
int puq_pve_req_resize(struct puq_pve_req *r, const char *node, long long vmid,
	const char *disk, const char *size, struct puq_error *err);
/* Offline migration; targetstorage NULL keeps storage ids, else a storage or map. */
int puq_pve_req_migrate(struct puq_pve_req *r, const char *node, long long vmid,
	const char *target, const char *targetstorage, bool with_local_disks);

enum puq_pve_power {
	PUQ_PVE_START,
	PUQ_PVE_STOP,
	PUQ_PVE_SHUTDOWN,
	PUQ_PVE_REBOOT,
};
/* timeout_s 0 = Proxmox's default; force_stop: shutdown hard-stops after the timeout. */
int puq_pve_req_power(struct puq_pve_req *r, const char *node, long long vmid,
	enum puq_pve_power action, long timeout_s, bool force_stop);
int puq_pve_req_status(struct puq_pve_req *r, const char *node, long long vmid);
int puq_pve_req_destroy(struct puq_pve_req *r, const char *node, long long vmid,
	bool purge, bool destroy_unreferenced_disks);

int puq_pve_req_snapshots(struct puq_pve_req *r, const char *node, long long vmid);
int puq_pve_req_snapshot_create(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *description, bool vmstate, struct puq_error *err);
int puq_pve_req_snapshot_delete(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, struct puq_error *err);
int puq_pve_req_snapshot_rollback(struct puq_pve_req *r, const char *node,
	long long vmid, const char *name, bool start, struct puq_error *err);

struct puq_pve_backup {
	const char *storage;  /* required by notes */
	const char *mode;     /* snapshot|suspend|stop, NULL = snapshot */
	const char *compress; /* 0|1|gzip|lzo|zstd, NULL = zstd */
	const char *notes;    /* notes-template, or NULL */
	bool protect;         /* keep from pruning */
};
int puq_pve_req_vzdump(struct puq_pve_req *r, const char *node, long long vmid,
	const struct puq_pve_backup *b);
/* Restore archive over vmid (force: replace the existing, stopped VM). */
int puq_pve_req_restore(struct puq_pve_req *r, const char *node, long long vmid,
	const char *archive, const char *storage, bool force, bool unique);

int puq_pve_req_rrddata(struct puq_pve_req *r, const char *node, long long vmid,
	const char *timeframe, const char *cf, struct puq_error *err);
int puq_pve_req_vncproxy(struct puq_pve_req *r, const char *node, long long vmid);

/* --- firewall --- */
int puq_pve_req_fw_options_get(struct puq_pve_req *r, const char *node, long long vmid);
/* Options are added with puq_pve_req_bool/str (enable, ipfilter, policy_in, ...). */
int puq_pve_req_fw_options_set(struct puq_pve_req *r, const char *node, long long vmid);
int puq_pve_req_ipsets(struct puq_pve_req *r, const char *node, long long vmid);
int puq_pve_req_ipset_create(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *comment);
int puq_pve_req_ipset_entries(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name);
int puq_pve_req_ipset_add(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *cidr, const char *comment);
int puq_pve_req_ipset_remove(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, const char *cidr);
/* Deletes the set; force removes its entries too. */
int puq_pve_req_ipset_delete(struct puq_pve_req *r, const char *node, long long vmid,
	const char *name, bool force);
int puq_pve_req_fw_rules(struct puq_pve_req *r, const char *node, long long vmid);
struct puq_pve_fw_rule {
	const char *type;   /* in|out|group */
	const char *action; /* ACCEPT|DROP|REJECT or a security group */
	const char *source, *dest, *proto, *dport, *sport, *iface, *macro, *comment;
	bool enable;        /* Proxmox creates rules disabled unless told */
};
int puq_pve_req_fw_rule_add(struct puq_pve_req *r, const char *node, long long vmid,
	const struct puq_pve_fw_rule *rule);
int puq_pve_req_fw_rule_delete(struct puq_pve_req *r, const char *node, long long vmid,
	unsigned pos);

/* --- tasks --- */
/* The node is read from the UPID (task calls must go to the node that ran it). */
int puq_pve_req_task_status(struct puq_pve_req *r, const char *upid, struct puq_error *err);
int puq_pve_req_task_log(struct puq_pve_req *r, const char *upid, unsigned start,
	unsigned limit, struct puq_error *err);

/* ---- answers --------------------------------------------------------------------------- */

/*
 * Interprets an answer: on 200 sets *data to a new reference to the envelope's "data"
 * (JSON null when absent) and returns 0. Otherwise fills err: http_status, the text
 * (body "message" trimmed, else the reason phrase) followed by every "errors" entry as
 * "key: value", and a code:
 *   401 -> PUQ_EAUTH; 403 -> PUQ_EPVEPERM; 400 -> PUQ_EPVEPARAM;
 *   "... does not exist" (500) -> PUQ_EPVENOTFOUND;
 *   "VM is locked (...)", "can't lock file", "got lock request timeout" -> PUQ_EPVELOCKED;
 *   595/596 (pveproxy could not reach the node) -> PUQ_EHTTP; other -> PUQ_EPVE.
 * A 200 body that is not a {"data": ...} object is PUQ_EPROTO.
 */
int puq_pve_result(long status, const char *reason, const char *body, size_t body_len,
	json_t **data, struct puq_error *err);

/* Accepts a JSON integer, an integral real or a numeric string (Perl scalars). */
bool puq_pve_json_int(const json_t *v, long long *out);
bool puq_pve_json_number(const json_t *v, double *out);
/* Member helpers on objects; string values are borrowed. */
bool puq_pve_get_int(const json_t *obj, const char *key, long long *out);
bool puq_pve_get_number(const json_t *obj, const char *key, double *out);
const char *puq_pve_get_str(const json_t *obj, const char *key);
/* 1/0, "1"/"0", true/false; dflt when absent. */
bool puq_pve_get_bool(const json_t *obj, const char *key, bool dflt);

/* GET /cluster/nextid: "100" or 100. */
int puq_pve_parse_nextid(const json_t *data, long long *vmid, struct puq_error *err);

struct puq_pve_node {
	char name[PUQ_PVE_NAME_MAX];
	bool online;
	char ssl_fingerprint[100];
	long long maxcpu, maxmem, mem;
	double cpu;
};
struct puq_pve_node_list {
	struct puq_pve_node *items;
	size_t n;
};
int puq_pve_parse_nodes(const json_t *data, struct puq_pve_node_list *out,
	struct puq_error *err);
void puq_pve_node_list_free(struct puq_pve_node_list *l);

/* A guest from /cluster/resources (type qemu); templates have template = true. */
struct puq_pve_guest {
	long long vmid;
	char node[PUQ_PVE_NAME_MAX];
	char name[128];
	char status[16];
	char lock[24]; /* "" when unlocked */
	bool template_;
};
struct puq_pve_guest_list {
	struct puq_pve_guest *items;
	size_t n;
};
/* Keeps qemu guests only; with templates_only, only templates. */
int puq_pve_parse_guests(const json_t *data, bool templates_only,
	struct puq_pve_guest_list *out, struct puq_error *err);
void puq_pve_guest_list_free(struct puq_pve_guest_list *l);
/* The node currently holding vmid (clusters move VMs): 0 and node, or PUQ_EPVENOTFOUND. */
int puq_pve_find_guest(const struct puq_pve_guest_list *l, long long vmid,
	const struct puq_pve_guest **out, struct puq_error *err);

struct puq_pve_storage {
	char name[PUQ_PVE_NAME_MAX];
	char type[24];      /* lvmthin, dir, nfs, pbs, ... */
	char content[128];  /* "images,rootdir" */
	bool shared, active, enabled;
	long long total, used, avail;
};
struct puq_pve_storage_list {
	struct puq_pve_storage *items;
	size_t n;
};
int puq_pve_parse_storages(const json_t *data, struct puq_pve_storage_list *out,
	struct puq_error *err);
void puq_pve_storage_list_free(struct puq_pve_storage_list *l);
/* Whether a storage offers a content type ("images", "backup", "iso"). */
bool puq_pve_storage_has_content(const struct puq_pve_storage *s, const char *content);

struct puq_pve_bridge {
	char name[PUQ_PVE_NAME_MAX];
	char type[16]; /* bridge | OVSBridge */
	bool active;
	char comments[128];
};
struct puq_pve_bridge_list {
	struct puq_pve_bridge *items;
	size_t n;
};
int puq_pve_parse_bridges(const json_t *data, struct puq_pve_bridge_list *out,
	struct puq_error *err);
void puq_pve_bridge_list_free(struct puq_pve_bridge_list *l);

/* One volume of GET .../storage/{s}/content (backups, ISOs, images). */
struct puq_pve_volume {
	char volid[256];
	char format[16];
	long long size, ctime, vmid; /* vmid 0 when not a guest volume */
	char notes[256];
	bool protected_;
};
struct puq_pve_volume_list {
	struct puq_pve_volume *items;
	size_t n;
};
int puq_pve_parse_volumes(const json_t *data, struct puq_pve_volume_list *out,
	struct puq_error *err);
void puq_pve_volume_list_free(struct puq_pve_volume_list *l);

struct puq_pve_status {
	char status[16];    /* running | stopped */
	char qmpstatus[16]; /* running, stopped, paused, prelaunch, ... ("" if absent) */
	char lock[24];
	long long uptime, mem, maxmem, maxdisk;
	double cpu;
	bool template_;
};
int puq_pve_parse_status(const json_t *data, struct puq_pve_status *out,
	struct puq_error *err);

struct puq_pve_snapshot {
	char name[48];
	char parent[48];
	char description[256];
	long long snaptime;
	bool vmstate;
};
struct puq_pve_snapshot_list {
	struct puq_pve_snapshot *items; /* without the pseudo entry "current" */
	size_t n;
};
int puq_pve_parse_snapshots(const json_t *data, struct puq_pve_snapshot_list *out,
	struct puq_error *err);
void puq_pve_snapshot_list_free(struct puq_pve_snapshot_list *l);

struct puq_pve_vnc {
	long long port;
	char ticket[512];
	char password[64];
	char upid[PUQ_PVE_UPID_MAX];
	char user[128];
};
int puq_pve_parse_vnc(const json_t *data, struct puq_pve_vnc *out, struct puq_error *err);

/* Entries of an IPSet: "192.0.2.10" or "2001:db8::/64" (nomatch entries prefixed '!'). */
struct puq_pve_cidr_list {
	char (*items)[64];
	size_t n;
};
int puq_pve_parse_ipset(const json_t *data, struct puq_pve_cidr_list *out,
	struct puq_error *err);
void puq_pve_cidr_list_free(struct puq_pve_cidr_list *l);

struct puq_pve_ticket {
	char username[128];
	char ticket[1024];
	char csrf[256];
};
int puq_pve_parse_ticket(const json_t *data, struct puq_pve_ticket *out,
	struct puq_error *err);

/* ---- tasks (UPID) ----------------------------------------------------------------------- */

/* UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: */
struct puq_pve_upid {
	char node[PUQ_PVE_NAME_MAX];
	unsigned long pid;
	unsigned long long pstart;
	long long starttime;
	char type[32];
	char id[64];    /* a VMID, "" or e.g. "100@local" */
	char user[128]; /* user@realm or user@realm!tokenid */
};
int puq_pve_upid_parse(const char *upid, struct puq_pve_upid *out, struct puq_error *err);

/*
 * The answer of a task-starting call: a UPID string. vzdump on a node that does not hold
 * the VM answers "OK" instead (nothing was backed up): that, a null, or anything not a
 * UPID is an error naming what came back. The UPID is copied to upid.
 */
int puq_pve_parse_upid_answer(const json_t *data, char upid[PUQ_PVE_UPID_MAX],
	struct puq_error *err);

struct puq_pve_task {
	bool running;
	bool ok;          /* stopped with exitstatus OK or WARNINGS: n */
	char exitstatus[PUQ_ERROR_TEXT_MAX / 2];
};
/* A failed task is not an error here: callers read task->ok and task->exitstatus. */
int puq_pve_parse_task(const json_t *data, struct puq_pve_task *task, struct puq_error *err);
/* Fills err with PUQ_EPVETASK and the task's exitstatus when the task failed. */
int puq_pve_task_error(const struct puq_pve_task *task, const char *what,
	struct puq_error *err);
/* The last lines of a task log ([{n,t}...]) joined with '\n' into buf. */
int puq_pve_parse_task_log(const json_t *data, struct puq_buf *buf, struct puq_error *err);

/* ---- guest jobs and the client area (src/pve/guest_extra.c) ------------------------------ */

/*
 * The node's task list, newest first: only tasks of vmid (0 = any) whose type is
 * typefilter (NULL = any) started from since to until (epoch, 0 = open), running ones
 * included, at most limit of them (0 = 50). Finds a task whose starting call's answer
 * was lost.
 */
int puq_pve_req_tasks(struct puq_pve_req *r, const char *node, long long vmid,
	const char *typefilter, long long since, long long until, int limit);
struct puq_pve_task_entry {
	char upid[PUQ_PVE_UPID_MAX];
	char type[32];
	char id[64];
	long long starttime;
	bool running;
	bool ok;          /* stopped with OK or WARNINGS: n */
	char status[128]; /* the exit status of a stopped task ("" while running) */
	char user[128];   /* who started it: user@realm or user@realm!tokenid */
};
struct puq_pve_task_list {
	struct puq_pve_task_entry *items;
	size_t n;
};
int puq_pve_parse_tasks(const json_t *data, struct puq_pve_task_list *out,
	struct puq_error *err);
void puq_pve_task_list_free(struct puq_pve_task_list *l);

/* Moves the firewall rule at pos to moveto (positions as GET .../rules numbers them). */
int puq_pve_req_fw_rule_move(struct puq_pve_req *r, const char *node, long long vmid,
	unsigned pos, unsigned moveto, const char *digest);

/* A firewall rule as GET .../firewall/rules answers it (strings "" when absent). */
struct puq_pve_fw_rule_entry {
	unsigned pos;
	char type[8], action[32], proto[16], macro[32], iface[16];
	char source[128], dest[128], sport[64], dport[64], comment[256];
	bool enable;
};
struct puq_pve_fw_rule_list {
	struct puq_pve_fw_rule_entry *items;
	size_t n;
	char digest[64]; /* the firewall config's digest, "" when absent */
};
int puq_pve_parse_fw_rules(const json_t *data, struct puq_pve_fw_rule_list *out,
	struct puq_error *err);
void puq_pve_fw_rule_list_free(struct puq_pve_fw_rule_list *l);

/*
 * Sets a guest user's password through the QEMU guest agent (the agent must run in the
 * VM). The body carries the password: the request is marked sensitive.
 */
int puq_pve_req_agent_set_password(struct puq_pve_req *r, const char *node, long long vmid,
	const char *username, const char *password, struct puq_error *err);

/* One sample of GET .../rrddata; `have` says which values the sample carries. */
enum {
	PUQ_RRD_CPU = 1 << 0,
	PUQ_RRD_MEM = 1 << 1,
	PUQ_RRD_NET = 1 << 2,  /* netin and netout */
	PUQ_RRD_DISK = 1 << 3, /* diskread and diskwrite */
};
struct puq_pve_rrd_point {
	long long time;       /* start of the sample's interval, epoch seconds */
	unsigned have;
	double cpu, maxcpu;   /* cpu: share of maxcpu cores, 0..1 */
	double mem, maxmem;   /* bytes */
	double netin, netout; /* bytes per second, averaged over the interval */
	double diskread, diskwrite;
};
struct puq_pve_rrd {
	struct puq_pve_rrd_point *items; /* sorted by time */
	size_t n;
	long long step;                  /* seconds between samples (0 with fewer than 2) */
};
/* Parses the samples; a sample without "time" is an error, one without values is kept. */
int puq_pve_parse_rrd(const json_t *data, struct puq_pve_rrd *out, struct puq_error *err);
void puq_pve_rrd_free(struct puq_pve_rrd *r);

#endif
