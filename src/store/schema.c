/*
 * The module's tables, as data. src/store/migrate.c creates what is missing from this
 * list; nothing else in the project issues DDL.
 *
 * How to add or extend a table (each room keeps to its own section below):
 *   - a new table: declare a `static const struct puq_schema_table` in your section and
 *     add its address to `tables[]` at the bottom, after the tables it refers to;
 *   - a new column: append it to the table's PUQ_COLUMNS (existing databases get it
 *     through ALTER TABLE ... ADD COLUMN, placed after the column before it). A NOT NULL
 *     column needs a DEFAULT so rows already in the table get a value; TEXT/BLOB
 *     columns are NULL (MySQL refuses a literal DEFAULT on them);
 *   - a new index: append PUQ_KEY/PUQ_UNIQUE to the table's PUQ_INDEXES. A UNIQUE key
 *     fails to apply where duplicate rows exist, with a message saying so;
 *   - never rename or drop a column or an index here: the engine only adds. Changing a
 *     type, renaming or moving data is a data step (`steps[]`), a function that must
 *     be safe to run twice;
 *   - bump PUQ_SCHEMA_VERSION in include/puqkvm/store.h.
 * tests/unit/test_migrate.c lints this list (puq_schema_lint), so a mistake shows up as
 * a failing unit test and not on a customer's database.
 *
 * Names follow the original module (spec: `puq_proxmox_kvm_*` addon tables,
 * `puqProxmoxKVM_vm_info`), so an existing installation's tables are adopted in place.
 * Character set and collation are not written here: new tables take the WHMCS
 * database's (tblhosting's) at migration time.
 */
#include "puqkvm/schema.h"

/* ---- foundation (store, settings, cron) ------------------------------------------------ */

/* The schema version, its fingerprint and every data step that has run. */
const struct puq_schema_table puq_schema_meta_table = {
	.name = PUQ_SCHEMA_META_TABLE,
	.owner = "foundation",
	.columns = PUQ_COLUMNS(
		{"name", "VARCHAR(64) NOT NULL"},
		{"value", "TEXT NULL"},
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("name")),
};

/* Addon settings (src/settings): one row per setting that differs from its default. */
static const struct puq_schema_table settings_table = {
	.name = "puq_proxmox_kvm_settings",
	.owner = "foundation",
	.columns = PUQ_COLUMNS(
		{"name", "VARCHAR(64) NOT NULL"},
		{"value", "TEXT NULL"},
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("name")),
};

/*
 * Cron task state and its lease (the cron room extends this). The interval of each
 * task is a setting (cron_interval_<task>), not a column: one source of truth.
 * Lease times are written with the database's clock (NOW()), never the PHP host's.
 */
static const struct puq_schema_table cron_tasks_table = {
	.name = "puq_proxmox_kvm_cron_tasks",
	.owner = "cron",
	.columns = PUQ_COLUMNS(
		{"task", "VARCHAR(64) NOT NULL"},
		{"last_run_at", "DATETIME NULL DEFAULT NULL"},
		{"last_finished_at", "DATETIME NULL DEFAULT NULL"},
		{"last_status", "VARCHAR(16) NOT NULL DEFAULT 'never'"},
		{"last_message", "TEXT NULL"},
		{"lock_owner", "VARCHAR(128) NULL DEFAULT NULL"},
		{"lock_token", "CHAR(32) NULL DEFAULT NULL"},
		{"lock_expires_at", "DATETIME NULL DEFAULT NULL"},
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("task")),
};

/* ---- pool (IP pools room: base definition, extended there) ----------------------------- */

static const struct puq_schema_table ip_pools_table = {
	.name = "puq_proxmox_kvm_ip_pools",
	.owner = "pool",
	.columns = PUQ_COLUMNS(
		{"id", "INT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"server_id", "INT NOT NULL DEFAULT 0"}, /* tblservers.id */
		{"type", "VARCHAR(4) NOT NULL DEFAULT 'ipv4'"}, /* ipv4 | ipv6 */
		{"bridge", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"vlan", "SMALLINT UNSIGNED NOT NULL DEFAULT 0"},
		{"gateway", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"mask", "TINYINT UNSIGNED NOT NULL DEFAULT 0"}, /* prefix length */
		{"dns1", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"dns2", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"start_ip", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"stop_ip", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"created_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"},
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"},
		/* the range as 16-byte big-endian numbers (NULL until backfilled from the text) */
		{"start_bin", "BINARY(16) NULL DEFAULT NULL"},
		{"stop_bin", "BINARY(16) NULL DEFAULT NULL"},
		{"used", "BIGINT UNSIGNED NOT NULL DEFAULT 0"}), /* live allocations from it */
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"), PUQ_KEY("server_type", "server_id, type"),
		PUQ_KEY("server_net", "server_id, type, bridge, vlan, start_bin")),
};

/*
 * Every address a service holds (live = 1) or held (live NULL, released_at set): the
 * UNIQUE key on (family, address, live) lets one live holder exist per address while
 * any number of history rows share it. pool_id NULL = the server's legacy list.
 */
static const struct puq_schema_table ip_allocations_table = {
	.name = "puq_proxmox_kvm_ip_allocations",
	.owner = "pool",
	.columns = PUQ_COLUMNS(
		{"id", "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"family", "TINYINT UNSIGNED NOT NULL DEFAULT 4"}, /* 4 | 6 */
		{"address", "BINARY(16) NOT NULL DEFAULT ''"},
		{"ip", "VARCHAR(45) NOT NULL DEFAULT ''"}, /* IPv6 fully expanded */
		{"live", "TINYINT UNSIGNED NULL DEFAULT NULL"},
		{"service_id", "INT NOT NULL DEFAULT 0"}, /* tblhosting.id */
		{"server_id", "INT NOT NULL DEFAULT 0"},  /* tblservers.id */
		{"pool_id", "INT UNSIGNED NULL DEFAULT NULL"},
		{"bridge", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"vlan", "SMALLINT UNSIGNED NOT NULL DEFAULT 0"},
		{"mask", "TINYINT UNSIGNED NOT NULL DEFAULT 0"},
		{"gateway", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"dns1", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"dns2", "VARCHAR(45) NOT NULL DEFAULT ''"},
		{"is_main", "TINYINT UNSIGNED NOT NULL DEFAULT 0"},
		{"allocated_at", "DATETIME NULL DEFAULT NULL"},
		{"released_at", "DATETIME NULL DEFAULT NULL"},
		{"release_reason", "VARCHAR(16) NULL DEFAULT NULL"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"),
		PUQ_UNIQUE("live_address", "family, address, live"),
		PUQ_KEY("service", "service_id, live"), PUQ_KEY("pool", "pool_id, live")),
};

/*
 * The live addresses as maximal runs of consecutive values, derived from the
 * allocations in the same transactions: the next free address is one lookup here.
 */
static const struct puq_schema_table ip_runs_table = {
	.name = "puq_proxmox_kvm_ip_runs",
	.owner = "pool",
	.columns = PUQ_COLUMNS(
		{"family", "TINYINT UNSIGNED NOT NULL"},
		{"run_first", "BINARY(16) NOT NULL"},
		{"run_last", "BINARY(16) NOT NULL DEFAULT ''"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("family, run_first")),
};

/* Data step (src/pool/backfill.c): binary ranges and counts of adopted pool rows, and
 * the runs index, computed from what the tables hold. */
int puq_pool_schema_backfill(struct puq_db *db, struct puq_error *err);

/* ---- dns (DNS room: base definition, extended there) ----------------------------------- */

/*
 * One row per configured zone; a column per field of the zone form (src/dns/zone.c), the
 * fields a provider does not use are NULL. Secrets (api_token, admin_password, api_key)
 * are stored as entered: they never leave the server (the DNS room masks them).
 */
static const struct puq_schema_table dns_zones_table = {
	.name = "puq_proxmox_kvm_dns_zones",
	.owner = "dns",
	.columns = PUQ_COLUMNS(
		{"id", "INT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"zone", "VARCHAR(253) NOT NULL DEFAULT ''"}, /* without the trailing dot */
		{"type", "VARCHAR(16) NOT NULL DEFAULT ''"}, /* cloudflare | hestiacp | powerdns */
		{"account_id", "VARCHAR(64) NULL DEFAULT NULL"},   /* Cloudflare */
		{"zone_id", "VARCHAR(64) NULL DEFAULT NULL"},      /* Cloudflare */
		{"api_token", "TEXT NULL"},                        /* Cloudflare, secret */
		{"server_url", "VARCHAR(1000) NULL DEFAULT NULL"}, /* HestiaCP, PowerDNS */
		{"admin_user", "VARCHAR(64) NULL DEFAULT NULL"},   /* HestiaCP */
		{"admin_password", "TEXT NULL"},                   /* HestiaCP, secret */
		{"user", "VARCHAR(64) NULL DEFAULT NULL"},         /* HestiaCP: owner of the zone */
		{"api_key", "TEXT NULL"},                          /* PowerDNS, secret */
		{"created_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"},
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"), PUQ_KEY("zone", "zone")),
};

/*
 * The desired DNS records of each service (src/dns/records_store.c): one row per
 * (service, type, name). "absent" rows are removals not yet confirmed by every zone.
 */
static const struct puq_schema_table dns_records_table = {
	.name = "puq_proxmox_kvm_dns_records",
	.owner = "dns",
	.columns = PUQ_COLUMNS(
		{"id", "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"service_id", "INT NOT NULL DEFAULT 0"}, /* tblhosting.id */
		{"type", "VARCHAR(8) NOT NULL DEFAULT ''"}, /* A | AAAA | PTR */
		{"name", "VARCHAR(255) NOT NULL DEFAULT ''"}, /* owner name, no trailing dot */
		{"content", "VARCHAR(255) NOT NULL DEFAULT ''"}, /* address or host name */
		{"ip", "VARCHAR(45) NOT NULL DEFAULT ''"}, /* the address the record is about */
		{"state", "VARCHAR(8) NOT NULL DEFAULT 'present'"}, /* present | absent */
		{"last_error", "TEXT NULL"},
		{"synced_at", "DATETIME NULL DEFAULT NULL"},
		{"created_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"},
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"),
		PUQ_UNIQUE("service_type_name", "service_id, type, name"),
		PUQ_KEY("name_type", "name, type")),
};

/* The legacy zone import, run once as a data step (src/dns/import.c). */
int puq_dns_schema_import(struct puq_db *db, struct puq_error *err);

/* ---- vm (engine room: base definition, extended there) --------------------------------- */

/*
 * One row per WHMCS service: the columns of the original module (research/product.md
 * 9.1, names exact), then the engine's (src/vm, src/cron): the resolved product, the
 * current action, the task intent and its UPID, the lease, retry bookkeeping, suspension
 * and power requests. `due` and `next_run_at` are what the claim query reads (index
 * due_next); `rev` changes with every update, so a conditional UPDATE that matched its
 * row always reports one changed row.
 */
static const struct puq_schema_table vm_info_table = {
	.name = "puqProxmoxKVM_vm_info",
	.owner = "vm",
	.columns = PUQ_COLUMNS(
		{"service_id", "INT NOT NULL"}, /* tblhosting.id */
		{"vm_id", "INT UNSIGNED NOT NULL DEFAULT 0"},
		{"vm_name", "VARCHAR(255) NOT NULL DEFAULT ''"},
		{"vm_status", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"vm_net0_mac", "VARCHAR(17) NOT NULL DEFAULT ''"},
		{"vm_rev_dns", "TEXT NULL"},
		{"vm_snapshots", "INT NOT NULL DEFAULT 0"},
		{"vm_backups", "INT NOT NULL DEFAULT 0"},
		{"vm_backup_now_utid", "VARCHAR(255) NULL DEFAULT NULL"},
		{"vm_backup_restore_utid", "VARCHAR(255) NULL DEFAULT NULL"},
		{"vm_backup_schedule", "TEXT NULL"},
		{"vm_last_action_log", "MEDIUMTEXT NULL"},
		{"vm_snapshot_schedule", "TEXT NULL"},
		{"vm_snapshot_last", "DATETIME NULL DEFAULT NULL"},
		/* the engine */
		{"client_id", "INT NOT NULL DEFAULT 0"},  /* tblclients.id */
		{"product_id", "INT NOT NULL DEFAULT 0"}, /* tblproducts.id */
		{"server_id", "INT NOT NULL DEFAULT 0"},  /* tblservers.id */
		{"node", "VARCHAR(64) NOT NULL DEFAULT ''"}, /* where the VM is now */
		{"fqdn", "VARCHAR(255) NOT NULL DEFAULT ''"},
		{"os_username", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"product", "MEDIUMTEXT NULL"},         /* the resolved product, JSON */
		{"pending_product", "MEDIUMTEXT NULL"}, /* a change of package waiting for ready */
		{"action", "VARCHAR(24) NOT NULL DEFAULT ''"},
		{"action_seq", "INT UNSIGNED NOT NULL DEFAULT 0"}, /* one per queued action */
		{"due", "TINYINT UNSIGNED NOT NULL DEFAULT 0"},
		{"next_run_at", "DATETIME NULL DEFAULT NULL"},
		{"attempts", "INT UNSIGNED NOT NULL DEFAULT 0"},
		{"failing_since", "DATETIME NULL DEFAULT NULL"},
		{"needs_attention", "TINYINT UNSIGNED NOT NULL DEFAULT 0"},
		{"last_error_action", "VARCHAR(24) NOT NULL DEFAULT ''"},
		{"last_error_message", "TEXT NULL"},
		{"lease_owner", "VARCHAR(128) NULL DEFAULT NULL"},
		{"lease_token", "CHAR(32) NULL DEFAULT NULL"},
		{"lease_until", "DATETIME NULL DEFAULT NULL"}, /* the database's clock */
		{"task_kind", "VARCHAR(16) NOT NULL DEFAULT ''"}, /* clone | migrate | delete */
		{"task_vmid", "INT UNSIGNED NOT NULL DEFAULT 0"},
		{"task_node", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"task_target", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"task_upid", "VARCHAR(255) NOT NULL DEFAULT ''"},
		{"task_started_at", "DATETIME NULL DEFAULT NULL"},
		{"suspended", "TINYINT UNSIGNED NOT NULL DEFAULT 0"},
		{"power_request", "VARCHAR(8) NOT NULL DEFAULT ''"}, /* start | stop */
		{"rev", "BIGINT UNSIGNED NOT NULL DEFAULT 0"},
		{"created_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"},
		/* VM Management list (src/vmlist): copies of the WHMCS fields the list sorts,
		 * filters and searches by, and the main address as a sort key, kept in step
		 * by puq_vmlist_sync. Every index below ends in the primary key (InnoDB
		 * appends it), so each sort and filter is a keyset range scan. */
		{"list_status", "VARCHAR(20) NOT NULL DEFAULT ''"},   /* tblhosting.domainstatus */
		{"list_client", "VARCHAR(190) NOT NULL DEFAULT ''"},  /* first last (company) */
		{"list_product", "VARCHAR(190) NOT NULL DEFAULT ''"}, /* tblproducts.name */
		{"list_server", "VARCHAR(190) NOT NULL DEFAULT ''"},  /* tblservers.name */
		{"list_ip", "VARBINARY(17) NOT NULL DEFAULT ''"},     /* family byte + address */
		/* backups, snapshots and statistics (src/job, src/backup, src/snapshot, src/stats):
		 * the one job a VM runs besides the engine's work - its kind, the phase whose task
		 * was committed (the intent) and the task's UPID, the schedule slot it serves -,
		 * the last job's outcome for the client area, the slot the backup schedule last
		 * ran, and the traffic statistics' watermark (epoch seconds counted up to) */
		{"job_kind", "VARCHAR(16) NOT NULL DEFAULT ''"},
		{"job_phase", "VARCHAR(16) NOT NULL DEFAULT ''"},
		{"job_token", "CHAR(32) NULL DEFAULT NULL"},
		{"job_arg", "VARCHAR(255) NOT NULL DEFAULT ''"},
		{"job_note", "VARCHAR(255) NOT NULL DEFAULT ''"},
		{"job_origin", "VARCHAR(16) NOT NULL DEFAULT ''"},
		{"job_node", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"job_upid", "VARCHAR(255) NOT NULL DEFAULT ''"},
		{"job_slot", "DATETIME NULL DEFAULT NULL"},
		{"job_created_at", "DATETIME NULL DEFAULT NULL"},
		{"job_started_at", "DATETIME NULL DEFAULT NULL"},
		{"job_result", "VARCHAR(16) NOT NULL DEFAULT ''"},
		{"job_message", "TEXT NULL"},
		{"job_finished_at", "DATETIME NULL DEFAULT NULL"},
		{"backup_schedule_last", "DATETIME NULL DEFAULT NULL"},
		{"stats_watermark", "BIGINT NOT NULL DEFAULT 0"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("service_id"), PUQ_KEY("vm_status", "vm_status"),
		PUQ_KEY("due_next", "due, next_run_at"), PUQ_KEY("lease_owner", "lease_owner"),
		PUQ_KEY("vm_id", "vm_id"), PUQ_KEY("list_status", "list_status"),
		PUQ_KEY("list_status_vm", "list_status, vm_status"),
		PUQ_KEY("list_client", "list_client"), PUQ_KEY("list_product", "list_product"),
		PUQ_KEY("list_server", "list_server"), PUQ_KEY("list_ip", "list_ip"),
		PUQ_KEY("job_kind", "job_kind")),
};

/* The run log (src/vm/runlog.c): a run per claim of a VM, a row per step. */
static const struct puq_schema_table vm_runs_table = {
	.name = "puq_proxmox_kvm_vm_runs",
	.owner = "vm",
	.columns = PUQ_COLUMNS(
		{"id", "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"service_id", "INT NOT NULL DEFAULT 0"},
		{"action", "VARCHAR(24) NOT NULL DEFAULT ''"},
		{"result", "VARCHAR(16) NOT NULL DEFAULT 'running'"}, /* running success waiting error */
		{"message", "TEXT NULL"},
		{"worker", "VARCHAR(128) NOT NULL DEFAULT ''"},
		{"started_at", "DATETIME(3) NULL DEFAULT NULL"},
		{"finished_at", "DATETIME(3) NULL DEFAULT NULL"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"), PUQ_KEY("service", "service_id, id")),
};

static const struct puq_schema_table vm_steps_table = {
	.name = "puq_proxmox_kvm_vm_steps",
	.owner = "vm",
	.columns = PUQ_COLUMNS(
		{"id", "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"run_id", "BIGINT UNSIGNED NOT NULL DEFAULT 0"},
		{"service_id", "INT NOT NULL DEFAULT 0"},
		{"seq", "SMALLINT UNSIGNED NOT NULL DEFAULT 0"},
		{"label", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"from_status", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"to_status", "VARCHAR(64) NOT NULL DEFAULT ''"},
		{"result", "VARCHAR(16) NOT NULL DEFAULT ''"}, /* success waiting error skip */
		{"message", "TEXT NULL"},
		{"duration_ms", "INT UNSIGNED NOT NULL DEFAULT 0"},
		{"created_at", "DATETIME(3) NULL DEFAULT NULL"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"), PUQ_KEY("run", "run_id, seq"),
		PUQ_KEY("service", "service_id, run_id")),
};

/*
 * Reserved VMIDs: one row per VMID a service holds (service_id 0: used in Proxmox by a
 * VM outside the module, remembered so it is skipped). The primary key is what makes a
 * VMID unique across workers before the clone is sent.
 */
static const struct puq_schema_table vmids_table = {
	.name = "puq_proxmox_kvm_vmids",
	.owner = "vm",
	.columns = PUQ_COLUMNS(
		{"vmid", "INT UNSIGNED NOT NULL"},
		{"service_id", "INT NOT NULL DEFAULT 0"},
		{"server_id", "INT NOT NULL DEFAULT 0"},
		{"reserved_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("vmid"), PUQ_KEY("service", "service_id")),
};

/*
 * The per-node and per-storage cap on clones running at once: a clone holds one slot of
 * its node's scope and one of its storage's (slot < cap), released when the clone ends
 * and expiring with the worker's lease.
 */
static const struct puq_schema_table clone_slots_table = {
	.name = "puq_proxmox_kvm_clone_slots",
	.owner = "cron",
	.columns = PUQ_COLUMNS(
		{"server_id", "INT NOT NULL DEFAULT 0"},
		{"scope", "VARCHAR(96) NOT NULL DEFAULT ''"}, /* node:<name> | storage:<name> */
		{"slot", "SMALLINT UNSIGNED NOT NULL DEFAULT 0"},
		{"service_id", "INT NOT NULL DEFAULT 0"},
		{"worker", "VARCHAR(128) NOT NULL DEFAULT ''"},
		{"expires_at", "DATETIME NULL DEFAULT NULL"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("server_id, scope, slot"),
		PUQ_KEY("service", "service_id"), PUQ_KEY("worker", "worker")),
};

/*
 * Effects only WHMCS can perform (DESIGN.md principle 8): e-mails and activity log
 * entries, written by the core in the transaction of the transition that causes them
 * (dedupe_key UNIQUE) and delivered once by the addon's cron (src/cron/outbox.c).
 */
static const struct puq_schema_table outbox_table = {
	.name = "puq_proxmox_kvm_outbox",
	.owner = "cron",
	.columns = PUQ_COLUMNS(
		{"id", "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"kind", "VARCHAR(16) NOT NULL DEFAULT ''"}, /* email | activity */
		{"service_id", "INT NOT NULL DEFAULT 0"},
		{"client_id", "INT NOT NULL DEFAULT 0"},
		{"dedupe_key", "VARCHAR(191) NOT NULL DEFAULT ''"},
		{"template", "VARCHAR(191) NOT NULL DEFAULT ''"}, /* email: the template name */
		{"description", "TEXT NULL"},                     /* activity: the entry */
		{"state", "VARCHAR(12) NOT NULL DEFAULT 'pending'"}, /* pending claimed sent failed */
		{"attempts", "INT UNSIGNED NOT NULL DEFAULT 0"},
		{"lease_owner", "VARCHAR(128) NULL DEFAULT NULL"},
		{"lease_until", "DATETIME NULL DEFAULT NULL"},
		{"claimed_at", "DATETIME NULL DEFAULT NULL"},
		{"sent_at", "DATETIME NULL DEFAULT NULL"},
		{"last_error", "TEXT NULL"},
		{"created_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"), PUQ_UNIQUE("dedupe", "dedupe_key"),
		PUQ_KEY("state", "state, lease_until")),
};

/* Cron workers alive (a heartbeat), so provisioning calls know whether one will pick
 * new work up at once or a worker must be started. */
static const struct puq_schema_table workers_table = {
	.name = "puq_proxmox_kvm_workers",
	.owner = "cron",
	.columns = PUQ_COLUMNS(
		{"worker_id", "VARCHAR(128) NOT NULL"},
		{"host", "VARCHAR(128) NOT NULL DEFAULT ''"},
		{"pid", "INT NOT NULL DEFAULT 0"},
		{"mode", "VARCHAR(8) NOT NULL DEFAULT ''"}, /* loop | once */
		{"started_at", "DATETIME NULL DEFAULT NULL"},
		{"heartbeat_at", "DATETIME NULL DEFAULT NULL"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("worker_id"), PUQ_KEY("heartbeat", "heartbeat_at")),
};

/* Data step (src/vm/backfill.c): adopted rows get `due` and their VMIDs reserved. */
int puq_vm_schema_backfill(struct puq_db *db, struct puq_error *err);
/* Data step (src/vmlist/sync.c): the VM Management list's copies of adopted rows. */
int puq_vmlist_schema_backfill(struct puq_db *db, struct puq_error *err);

/* ---- statistics (src/stats) ------------------------------------------------------------- */

/*
 * Network traffic per VM and hour (research product.md 9.2), filled by
 * collectingStatistics from Proxmox's RRD data and read by the metric provider. `hour`
 * is the start of the hour in UTC; the bytes of an RRD interval are added to the hours
 * it covers. Rows older than 35 days are purged.
 */
static const struct puq_schema_table statistics_table = {
	.name = "puqProxmoxKVM_statistics",
	.owner = "stats",
	.columns = PUQ_COLUMNS(
		{"id", "BIGINT UNSIGNED NOT NULL AUTO_INCREMENT"},
		{"service_id", "INT NOT NULL DEFAULT 0"}, /* tblhosting.id */
		{"vm_id", "INT UNSIGNED NOT NULL DEFAULT 0"},
		{"hour", "DATETIME NOT NULL DEFAULT '2000-01-01 00:00:00'"},
		{"netin", "BIGINT UNSIGNED NOT NULL DEFAULT 0"},  /* bytes received by the VM */
		{"netout", "BIGINT UNSIGNED NOT NULL DEFAULT 0"}, /* bytes sent by the VM */
		{"updated_at", "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"}),
	.indexes = PUQ_INDEXES(PUQ_PRIMARY("id"), PUQ_UNIQUE("service_hour", "service_id, hour"),
		PUQ_KEY("hour", "hour")),
};

/* ---- the list -------------------------------------------------------------------------- */

static const struct puq_schema_table *const tables[] = {
	&puq_schema_meta_table,
	&settings_table,
	&cron_tasks_table,
	&ip_pools_table,
	&ip_allocations_table,
	&ip_runs_table,
	&dns_zones_table,
	&dns_records_table,
	&vm_info_table,
	&vm_runs_table,
	&vm_steps_table,
	&vmids_table,
	&clone_slots_table,
	&outbox_table,
	&workers_table,
	&statistics_table,
	NULL,
};

/* Data steps, run once each in this order after the tables are in place. */
static const struct puq_schema_step steps[] = {
	{"pool_backfill_v1", puq_pool_schema_backfill}, /* pool: adopted rows, counts, runs */
	{"dns_import_legacy_v1", puq_dns_schema_import}, /* dns: PUQ Customization's zones */
	{"vm_backfill_v1", puq_vm_schema_backfill},      /* vm: due flags, reserved VMIDs */
	{"vmlist_backfill_v1", puq_vmlist_schema_backfill}, /* vmlist: the list's copies */
	{NULL, NULL},
};

const struct puq_schema puq_schema_module = {
	.version = PUQ_SCHEMA_VERSION,
	.tables = tables,
	.steps = steps,
};
