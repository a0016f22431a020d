/*
 * pool: IP pools, the server's legacy address list, and allocation of addresses to
 * services.
 *
 * Sources. A service on server S draws its addresses first from S's pools (in pool id
 * order), then from S's legacy "Assigned IP Addresses" list (tblservers.assignedips,
 * one `bridge|vlan|ip|mask|gateway|dns1,dns2` line per address, in line order). Within
 * a pool the lowest free address is taken: in a fragmented pool the lowest hole.
 *
 * Holding. Every held address is a row of puq_proxmox_kvm_ip_allocations with
 * live = 1; a UNIQUE key on (family, address, live) makes it impossible for two
 * services to hold one address, anywhere in the installation (pools of different
 * servers may overlap; they then share their addresses rather than hand one out
 * twice). A released row keeps its data with live = NULL and released_at set, so the
 * table is also the history of who held which address from when to when.
 *
 * Finding a free address never walks a range or the allocations: the live addresses
 * are also kept as maximal runs of consecutive addresses (puq_proxmox_kvm_ip_runs), so
 * the lowest free address of [start, stop] is start, or the end of the run covering
 * start plus one - one indexed lookup, whether the pool is a /29 or a /64 and whether
 * it holds ten addresses or a million. Each pool row carries its live count, kept in
 * the same transactions, so usage is read, not counted.
 *
 * Claims. An allocation is one transaction: lock the service's tblhosting row, lock
 * each pool row it draws from (or the tblservers row for the legacy list), extend the
 * run, insert the allocation rows, write tblhosting.dedicatedip/assignedips. Deadlocks
 * are retried from the start by puq_db_transaction; the UNIQUE key is the last guard.
 *
 * Validation happens here, once: every function that takes admin input returns every
 * bad field at once as (field, message) pairs and writes nothing on error.
 *
 * Ownership: list results are owned by the caller and freed with the matching *_free;
 * input strings are borrowed for the duration of the call.
 */
#ifndef PUQKVM_POOL_H
#define PUQKVM_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"
#include "puqkvm/ip.h"
#include "puqkvm/store.h"

/* A Proxmox bridge name: a Linux interface name, at most 15 characters. */
#define PUQ_BRIDGE_MAX 16
/* Room for what a bridge column can hold (VARCHAR(64)), so that a value written by
 * hand is shown as stored, not cut. */
#define PUQ_BRIDGE_TEXT_MAX 65
/* Most addresses of one family a single service may hold. */
#define PUQ_POOL_MAX_PER_SERVICE 256
/* The module name WHMCS stores in tblservers.type for our servers. */
#define PUQ_POOL_SERVER_MODULE "puqProxmoxKVM"

/* ---- validation of single values (shared by pools and the legacy list) ------------- */

/* Each returns NULL when the value is valid, else the reason (a static string). */
const char *puq_pool_check_bridge(const char *bridge);
/* Parses "0".."4094" (surrounding blanks allowed) into *vlan. */
const char *puq_pool_parse_vlan(const char *text, int *vlan);
/* Parses a prefix length "1".."32" or "1".."128" (a leading "/" allowed) into *mask. */
const char *puq_pool_parse_mask(const char *text, enum puq_ip_family family, unsigned *mask);

/* ---- pools ----------------------------------------------------------------------------- */

struct puq_pool {
	long long id;
	long long server_id;
	enum puq_ip_family family;
	char bridge[PUQ_BRIDGE_TEXT_MAX];
	int vlan; /* 0 = untagged */
	struct puq_ip gateway;
	unsigned mask;
	struct puq_ip dns1, dns2; /* family PUQ_IP_ANY when not set */
	struct puq_ip start, stop;
};

/* What the Add/Edit form sends: every field as text, exactly as typed. */
struct puq_pool_input {
	long long server_id;
	const char *type; /* "IPv4" / "IPv6" (any case) */
	const char *bridge;
	const char *vlan;
	const char *gateway;
	const char *mask;
	const char *dns1; /* optional */
	const char *dns2; /* optional */
	const char *start;
	const char *stop;
};

/*
 * The checks that need no database: types, formats, families, start <= stop, both
 * inside gateway/mask's network, the gateway, network and broadcast addresses outside
 * the range. Fields: server, type, bridge, vlan, gateway, mask, dns1, dns2, start,
 * stop. On success *out holds the normalised pool (id 0).
 */
int puq_pool_validate(const struct puq_pool_input *in, struct puq_pool *out,
	struct puq_error *err);

/* A pool as the IP Pools page lists it. */
struct puq_pool_info {
	struct puq_pool pool;
	char server_name[128];
	struct puq_ip_count total; /* addresses in [start, stop] */
	struct puq_ip_count used;  /* live allocations drawn from this pool */
	/* The stored gateway or range cannot be read (a row adopted from an earlier module,
	 * or written by hand): its addresses are left unset, nothing is allocated from it,
	 * and the page offers to edit or delete it. */
	bool unreadable;
};

struct puq_pool_list {
	size_t n;
	struct puq_pool_info *items;
};
void puq_pool_list_free(struct puq_pool_list *list);

/*
 * Create and edit validate everything (puq_pool_validate, plus: the server exists and
 * uses this module; no overlap with another pool of the same server, bridge, VLAN and
 * family; an edit does not change the type while the pool holds addresses). Editing
 * never touches addresses already held: their rows keep the settings they were
 * allocated with. *id receives the new pool's id.
 */
int puq_pool_create(struct puq_db *db, const struct puq_pool_input *in, long long *id,
	struct puq_error *err);
int puq_pool_update(struct puq_db *db, long long id, const struct puq_pool_input *in,
	struct puq_error *err);
/* Refused with -PUQ_EINUSE, naming how many addresses and which services, while the
 * pool still holds live allocations. Released history rows keep the pool id. */
int puq_pool_delete(struct puq_db *db, long long id, struct puq_error *err);
int puq_pool_get(struct puq_db *db, long long id, struct puq_pool_info *out,
	struct puq_error *err);
/* Every pool, in id order, with server name and usage; server_id 0 = all servers. */
int puq_pool_list(struct puq_db *db, long long server_id, struct puq_pool_list *out,
	struct puq_error *err);

/* A WHMCS server entry that uses this module (what the pool form offers). */
struct puq_pool_server {
	long long id;
	char name[128];
};

/* The servers of this module, by name; *out owned by the caller (PUQ_FREE). */
int puq_pool_servers(struct puq_db *db, struct puq_pool_server **out, size_t *n,
	struct puq_error *err);

/* ---- the server's legacy "Assigned IP Addresses" list -------------------------------- */

struct puq_server_line {
	unsigned line; /* 1-based line number in the text */
	char bridge[PUQ_BRIDGE_TEXT_MAX];
	int vlan;
	struct puq_ip ip;
	unsigned mask;
	struct puq_ip gateway;
	struct puq_ip dns1, dns2; /* family PUQ_IP_ANY when not given */
};

/*
 * Parses the pipe list: one `bridge|vlan|ip|mask|gateway|dns1,dns2` entry per line
 * (blank lines ignored, CRLF accepted, the DNS field may be empty, hold one server or
 * be left out). Every bad line is reported as a field "line N" with its reason, and
 * then nothing is returned. On success *lines (owned, PUQ_FREE) holds *n entries.
 */
int puq_pool_server_list_parse(const char *text, size_t len, struct puq_server_line **lines,
	size_t *n, struct puq_error *err);

/* ---- allocation -------------------------------------------------------------------------- */

/* One address a service holds or held. */
struct puq_address {
	long long id; /* allocation row */
	long long service_id;
	long long server_id;
	long long pool_id; /* 0: from the server's legacy list */
	struct puq_ip ip;
	char bridge[PUQ_BRIDGE_TEXT_MAX];
	int vlan;
	unsigned mask;
	struct puq_ip gateway, dns1, dns2; /* as they were when allocated */
	bool main;  /* tblhosting.dedicatedip */
	bool live;  /* still held */
	char allocated_at[20]; /* "YYYY-MM-DD HH:MM:SS", database clock */
	char released_at[20];  /* "" while held */
	char release_reason[16];
	char service_status[16]; /* tblhosting.domainstatus ("" when the service is gone);
	                            filled by puq_pool_stale_holdings only */
};

struct puq_address_list {
	size_t n;
	struct puq_address *items;
};
void puq_address_list_free(struct puq_address_list *list);

/*
 * The explicit inputs of an allocation; the provisioning engine resolves them from the
 * product. With auto_bridge_vlan the bridge and VLAN come from the pool or line of the
 * first address (then every further address of the service must share them: one NIC);
 * without it only pools and lines on bridge/vlan qualify.
 */
struct puq_alloc_request {
	long long service_id;
	long long server_id;
	unsigned ipv4_count;
	unsigned ipv6_count;
	bool auto_bridge_vlan;
	const char *bridge; /* used when !auto_bridge_vlan */
	int vlan;
};

/*
 * Brings the service's holdings to exactly ipv4_count and ipv6_count addresses:
 * missing ones are claimed (pools of the server first, then its legacy list, lowest
 * free address first), surplus ones - a package that lowered the counts - are released
 * (the highest addresses first, the main address last). Idempotent: calling it again
 * with the same counts changes nothing. In the same transaction tblhosting.dedicatedip
 * becomes the main IPv4 (the main IPv6 for an IPv6-only service) and assignedips the
 * other addresses, one per line, IPv6 expanded.
 *
 * Failures change nothing: -PUQ_EEXHAUSTED names the server and family that ran out,
 * -PUQ_EVALIDATION reports bad request fields or lines of the legacy list, and
 * -PUQ_ENOTFOUND a service that does not exist. *held (may be NULL) receives the
 * service's live addresses after the call, main first, then by family and address.
 */
int puq_pool_allocate(struct puq_db *db, const struct puq_alloc_request *req,
	struct puq_address_list *held, struct puq_error *err);

enum puq_release_reason {
	PUQ_RELEASE_TERMINATE, /* Proxmox confirmed the VM is gone */
	PUQ_RELEASE_REDEPLOY,
	PUQ_RELEASE_PACKAGE,   /* the counts were lowered */
	PUQ_RELEASE_ADMIN,     /* an explicit admin action */
};
const char *puq_release_reason_name(enum puq_release_reason reason);

/* Releases every address the service holds; *released (may be NULL) gets the count. */
int puq_pool_release_service(struct puq_db *db, long long service_id,
	enum puq_release_reason reason, size_t *released, struct puq_error *err);
/* Releases one allocation row (the admin's release action); -PUQ_ENOTFOUND when it is
 * not live. */
int puq_pool_release_allocation(struct puq_db *db, long long allocation_id,
	enum puq_release_reason reason, struct puq_error *err);

/* The service's addresses: live ones, or with history every row, oldest first. */
int puq_pool_service_addresses(struct puq_db *db, long long service_id, bool history,
	struct puq_address_list *out, struct puq_error *err);

/*
 * Live holdings of services WHMCS shows as Terminated or Cancelled, or that no longer
 * exist: terminated outside the module. They are never freed silently; the IP Pools
 * page lists them with a release action.
 */
int puq_pool_stale_holdings(struct puq_db *db, struct puq_address_list *out,
	struct puq_error *err);

/* ---- legacy import ------------------------------------------------------------------- */

struct puq_pool_import_report {
	bool dry_run;
	bool skipped;         /* the pool tables already held data: nothing was imported */
	char source[96];      /* the legacy table read, "" when none exists */
	size_t pools;         /* pools imported (or that would be) */
	size_t allocations;   /* live addresses of services found inside imported pools */
	size_t rejected;      /* legacy rows that failed validation (listed in log) */
	struct puq_buf log;   /* one line per decision */
};
void puq_pool_import_report_init(struct puq_pool_import_report *r);
void puq_pool_import_report_free(struct puq_pool_import_report *r);

/*
 * Imports the pools of the legacy "PUQ Customization" addon when the module's pool
 * tables are empty (README "Legacy import" documents the mapping column by column),
 * then the allocations: every address in tblhosting.dedicatedip/assignedips of a
 * live service on the pool's server that lies inside an imported pool. One
 * transaction; running it again imports nothing (the tables are no longer empty).
 * With dry_run nothing is written and the report says what would be.
 */
int puq_pool_import_legacy(struct puq_db *db, bool dry_run,
	struct puq_pool_import_report *report, struct puq_error *err);

/* ---- maintenance ----------------------------------------------------------------------- */

/*
 * Recomputes what is derived from the tables: binary ranges of pool rows that lack
 * them (adopted tables), every pool's live count, and the runs index. Safe to run at
 * any time; the schema migration runs it as a data step.
 */
int puq_pool_repair(struct puq_db *db, struct puq_error *err);
/* The data step registered in src/store/schema.c (the same work as puq_pool_repair). */
int puq_pool_schema_backfill(struct puq_db *db, struct puq_error *err);

#endif
