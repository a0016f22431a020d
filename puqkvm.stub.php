<?php

/**
 * The PHP API of the puqkvm extension: the single source of truth from which
 * puqkvm_arginfo.h is generated (scripts/build runs gen_stub.php).
 *
 * Functions are global and prefixed puqkvm_; classes live in the PuqKvm namespace.
 * Bad arguments raise \ValueError; runtime failures throw a PuqKvm\Exception subclass
 * whose code is the core's error number.
 *
 * Sections belong to the core rooms they expose; keep each addition inside its section.
 *
 * @generate-class-entries
 */

namespace {
    /* ---- base ------------------------------------------------------------------- */

    /** The extension's own version, e.g. "0.1.0". */
    function puqkvm_version(): string {}

    /**
     * Versions of the extension, its schema and the libraries it is linked against,
     * read from the libraries themselves at run time.
     * @return array<string, string|int>
     */
    function puqkvm_versions(): array {}

    /**
     * The core's error table: number => [name, category, message].
     * @return array<int, array{name: string, category: string, message: string}>
     */
    function puqkvm_errors(): array {}

    /* ---- store ------------------------------------------------------------------ */

    /**
     * Sets the database connection from WHMCS's configuration.php values: db_host
     * ("host", "host:port", "host:/socket", "/socket", "[v6]:port"), db_port,
     * db_username, db_password, db_name, db_charset or mysql_charset, db_tls_ca,
     * db_tls_ca_path, db_tls_cert, db_tls_key, db_tls_cipher, db_tls_verify_cert; other
     * keys are ignored. Connects lazily, on the first call that needs the database; a
     * different configuration closes the previous connection.
     * @param array $config name => string|int|bool|null
     * @throws PuqKvm\ValidationException naming each bad key
     */
    function puqkvm_db_configure(#[\SensitiveParameter] array $config): void {}

    /**
     * Brings the module tables to this build's schema (serialised across processes,
     * safe to repeat, adopts same-named tables and keeps their rows). With $dryRun
     * nothing changes and "changes" lists what would.
     * @return array{from: int, to: int, dry_run: bool, changes: list<string>}
     * @throws PuqKvm\SchemaException when the migration fails or the schema is newer
     */
    function puqkvm_migrate(bool $dryRun = false): array {}

    /**
     * The stored schema version, the one this build needs, and whether they match
     * ("message" says what to do when not).
     * @return array{current: int, required: int, ok: bool, message: string}
     */
    function puqkvm_schema_status(): array {}

    /**
     * Drops every module table (never a WHMCS table): the addon's deactivation with
     * "Delete all database tables" on.
     * @return list<string> the tables dropped
     */
    function puqkvm_drop_tables(): array {}

    /* ---- settings --------------------------------------------------------------- */

    /**
     * Every setting, stored or default: int settings as int, on/off as bool, the rest
     * as string.
     * @return array<string, int|bool|string>
     */
    function puqkvm_settings_get(): array {}

    /**
     * The settings' definitions in display order, for rendering the forms.
     * Each entry: name, group, section, type (int, bool, choice, text), default, min, max,
     * unit, choices (value => label), max_length, multiline, label, help.
     * @return list<array<string,mixed>>
     */
    function puqkvm_settings_definitions(): array {}

    /**
     * Validates every submitted value and saves them in one transaction; returns all
     * settings as puqkvm_settings_get() does.
     * @param array $values name => string|int|float|bool|null
     * @return array<string, int|bool|string>
     * @throws PuqKvm\ValidationException with every bad field; nothing is saved
     */
    function puqkvm_settings_save(array $values): array {}

    /**
     * Forgets the saved values of a group ("general", "cron") or of every setting
     * (null), so they read as defaults; returns all settings.
     * @return array<string, int|bool|string>
     */
    function puqkvm_settings_reset(?string $group = null): array {}

    /* ---- admin (page-level queries) ---------------------------------------------- */

    /**
     * The dashboard counts: ip_pools, dns_zones, kvm_services (Active services of
     * puqProxmoxKVM products), vms_total, vms_in_progress, vms_failed, vms_attention (VMs
     * failing for longer than the "Needs attention after" setting).
     * @return array<string, int>
     */
    function puqkvm_dashboard(): array {}

    /* ---- http / bench ------------------------------------------------------------ */

    /**
     * A SHA-256 certificate fingerprint in the form Proxmox shows it (32 upper-case hex
     * pairs joined by ':'), from that form or 64 plain hex digits, any case, blanks
     * around ignored. The engine pins exactly this value.
     * @throws \ValueError with the reason when it is not a SHA-256 fingerprint
     */
    function puqkvm_tls_fingerprint(string $fingerprint): string {}

    /* ---- ip ---------------------------------------------------------------------- */

    /**
     * The address in its one text form: IPv6 canonical (RFC 5952, "2001:db8::7") or,
     * with $expanded, as 8 groups of 4 hex digits (the form tblhosting.assignedips
     * carries); IPv4 as a dotted quad either way. Accepts every RFC 4291 text form.
     * @throws \ValueError with the reason when $ip is not an address
     */
    function puqkvm_ip_normalize(string $ip, bool $expanded = false): string {}

    /**
     * The PTR name of the address without a trailing dot: "2.130.168.192.in-addr.arpa",
     * or 32 nibbles + ".ip6.arpa".
     * @throws \ValueError with the reason when $ip is not an address
     */
    function puqkvm_ip_ptr_name(string $ip): string {}

    /**
     * The reverse zone of the prefix $ip/$prefix (host bits ignored), without a trailing
     * dot, or null when the prefix needs classless delegation: IPv4 has zones only for
     * /8, /16 and /24, IPv6 for every multiple of 4.
     * @throws \ValueError when $ip is not an address or $prefix is out of range
     */
    function puqkvm_ip_rdns_zone(string $ip, int $prefix): ?string {}

    /* ---- pool -------------------------------------------------------------------- */

    /**
     * Every IP pool (of one server when $serverId > 0), in id order: id, server_id,
     * server_name, type ("IPv4"/"IPv6"), bridge, vlan, gateway, mask, dns1, dns2, start,
     * stop (addresses canonical), total and used (decimal strings: a /64 holds 2^64),
     * usage ("21.52% (17/79)"), usage_percent (float, for the bar), rdns_zone (null
     * when the prefix needs classless delegation) and unreadable (true for a stored row
     * whose addresses cannot be read: never used, shown so that it can be corrected).
     * @return list<array<string, mixed>>
     */
    function puqkvm_pool_list(int $serverId = 0): array {}

    /**
     * The WHMCS servers that use this module (id, name), by name: the pool form's choices.
     * @return list<array{id: int, name: string}>
     */
    function puqkvm_pool_servers(): array {}

    /**
     * One pool, as puqkvm_pool_list() gives it.
     * @return array<string, mixed>
     * @throws \PuqKvm\NotFoundException
     */
    function puqkvm_pool_get(int $id): array {}

    /**
     * Creates a pool from the Add form: server, type, bridge, vlan, gateway, mask, dns1,
     * dns2, start, stop. Returns the new id.
     * @param array $pool
     * @throws \PuqKvm\ValidationException with every bad field (nothing is saved)
     */
    function puqkvm_pool_create(array $pool): int {}

    /**
     * Saves the Edit form. Addresses already held keep the settings they were given.
     * @param array $pool
     * @throws \PuqKvm\ValidationException|\PuqKvm\NotFoundException
     */
    function puqkvm_pool_update(int $id, array $pool): void {}

    /**
     * Deletes a pool that holds no live address.
     * @throws \PuqKvm\ConflictException naming how many addresses and which services
     */
    function puqkvm_pool_delete(int $id): void {}

    /**
     * Brings the service's addresses to $ipv4Count and $ipv6Count (claiming the lowest
     * free ones from the server's pools, then its Assigned IP Addresses list; releasing
     * the surplus) and writes tblhosting.dedicatedip/assignedips, in one transaction.
     * Without $autoBridgeVlan only pools and lines on $bridge/$vlan qualify. Returns the
     * service's addresses, main first (keys as puqkvm_pool_addresses()).
     * @return list<array<string, mixed>>
     * @throws \PuqKvm\ConflictException when the server has no free address left
     */
    function puqkvm_pool_allocate(int $serviceId, int $serverId, int $ipv4Count, int $ipv6Count,
        bool $autoBridgeVlan = true, string $bridge = "", int $vlan = 0): array {}

    /**
     * Releases every address of the service; $reason is "terminate" (Proxmox confirmed
     * the VM gone), "redeploy", "package" or "admin". Returns how many were released.
     */
    function puqkvm_pool_release_service(int $serviceId, string $reason): int {}

    /**
     * The admin's release of one held address (an allocation id from
     * puqkvm_pool_stale_holdings()).
     * @throws \PuqKvm\NotFoundException when it is not held any more
     */
    function puqkvm_pool_release_allocation(int $allocationId): void {}

    /**
     * The service's addresses (with $history also the released ones, oldest first):
     * id, service_id, server_id, pool_id (null = legacy list), family, ip, ip_expanded,
     * bridge, vlan, mask, gateway, dns1, dns2, main, live, allocated_at, released_at,
     * release_reason.
     * @return list<array<string, mixed>>
     */
    function puqkvm_pool_addresses(int $serviceId, bool $history = false): array {}

    /**
     * Addresses still held by services WHMCS shows as Terminated or Cancelled, or that
     * were deleted (service_status ""): terminated outside the module.
     * @return list<array<string, mixed>>
     */
    function puqkvm_pool_stale_holdings(): array {}

    /**
     * Imports the legacy PUQ Customization pools (when the module has none) and records
     * the addresses services already hold. Returns dry_run, skipped, source, pools,
     * allocations, rejected and log (one line per decision).
     * @return array<string, mixed>
     */
    function puqkvm_pool_import_legacy(bool $dryRun = false): array {}

    /** Recomputes the pools' counts and the free-address index from the allocations. */
    function puqkvm_pool_repair(): void {}

    /**
     * Checks a server's Assigned IP Addresses text and returns its entries.
     * @return list<array<string, mixed>>
     * @throws \PuqKvm\ValidationException with one field per bad line ("line 3")
     */
    function puqkvm_pool_server_list_check(string $assignedIps): array {}

    /* ---- dns --------------------------------------------------------------------- */

    /**
     * Every DNS zone, in id order: id, type ("cloudflare"|"hestiacp"|"powerdns"),
     * type_label, zone (no trailing dot) and every form field (account_id, zone_id,
     * api_token, server_url, admin_user, admin_password, user, api_key; null when the
     * provider does not use it). Secrets are always "__KEEP__", never the stored value.
     * @return list<array<string, mixed>>
     */
    function puqkvm_dns_zone_list(): array {}

    /**
     * One zone, as puqkvm_dns_zone_list() gives it.
     * @return array<string, mixed>
     * @throws \PuqKvm\NotFoundException
     */
    function puqkvm_dns_zone_get(int $id): array {}

    /**
     * Creates a zone from the Add form: type and the provider's fields. Returns its id.
     * @param array $zone
     * @throws \PuqKvm\ValidationException with every bad field (nothing is saved)
     */
    function puqkvm_dns_zone_create(#[\SensitiveParameter] array $zone): int {}

    /**
     * Saves the Edit form. A secret given as "__KEEP__", "" or not at all keeps the
     * stored one; any other value replaces it. A field not given keeps its value.
     * @param array $zone
     * @throws \PuqKvm\ValidationException|\PuqKvm\NotFoundException
     */
    function puqkvm_dns_zone_update(int $id, #[\SensitiveParameter] array $zone): void {}

    /** @throws \PuqKvm\NotFoundException */
    function puqkvm_dns_zone_delete(int $id): void {}

    /**
     * The Test button: a live check with the Default Timeout. Cloudflare and PowerDNS
     * fetch the zone's metadata, HestiaCP lists the user's DNS domains.
     * @return array{ok: bool, message: string, http_status: int}
     * @throws \PuqKvm\NotFoundException
     */
    function puqkvm_dns_zone_test(int $id): array {}

    /**
     * The form of each provider: [type => [label, fields => list of {name, label,
     * secret, required}]], in form order.
     * @return array<string, array<string, mixed>>
     */
    function puqkvm_dns_zone_fields(): array {}

    /**
     * Deploy: stores the services' desired records and syncs them to every matching
     * zone. Each service: ['service_id' => int, 'fqdn' => string, 'main_ipv4' => ?string,
     * 'main_ipv6' => ?string, 'addresses' => [ip => rDNS host name or null]]. $onLine
     * gets each result line as it arrives: fn(string $line, array $detail). Provider
     * failures never throw; they are in "failed", the lines and the module log.
     * @param array $services
     * @return array{operation: string, services: int, ok: int, failed: int, requests: int, lines: list<string>}
     * @throws \PuqKvm\ValidationException for bad input (nothing is stored)
     */
    function puqkvm_dns_create(array $services, ?callable $onLine = null): array {}

    /**
     * Change package: as puqkvm_dns_create(); records of released addresses go.
     * @param array $services
     * @return array{operation: string, services: int, ok: int, failed: int, requests: int, lines: list<string>}
     */
    function puqkvm_dns_refresh(array $services, ?callable $onLine = null): array {}

    /**
     * Terminate: removes every record of the services from every matching zone.
     * @param array $serviceIds
     * @return array{operation: string, services: int, ok: int, failed: int, requests: int, lines: list<string>}
     */
    function puqkvm_dns_delete(array $serviceIds, ?callable $onLine = null): array {}

    /**
     * "Set DNS records": a full resync, retrying removals earlier runs could not finish.
     * @param array $services
     * @return array{operation: string, services: int, ok: int, failed: int, requests: int, lines: list<string>}
     */
    function puqkvm_dns_resync(array $services, ?callable $onLine = null): array {}

    /**
     * The zones a record name goes to (forward name or PTR name), as the list gives them.
     * @return list<array<string, mixed>>
     */
    function puqkvm_dns_zones_for(string $name): array {}

    /**
     * The legacy dns.php mapping: [{forward, ip, reverse}] for every address with a PTR.
     * @return list<array{forward: string, ip: string, reverse: string}>
     */
    function puqkvm_dns_legacy_map(): array {}

    /** Whether the dns.php allowlist setting admits $clientIp (an empty list admits none). */
    function puqkvm_dns_endpoint_allowed(string $clientIp): bool {}

    /**
     * Imports the zones of the legacy PUQ Customization addon when the module has none.
     * @return array{dry_run: bool, skipped: bool, source: string, zones: int, rejected: int, log: string}
     */
    function puqkvm_dns_import_legacy(bool $dryRun = false): array {}

    /* ---- pve --------------------------------------------------------------------- */

    /*
     * The Proxmox VE server entry is an array of the WHMCS server fields, under their
     * tblservers names (hostname, ip, port, secure, username, password, accesshash) or
     * the module-parameter names (serverhostname, serverip, ...): username is the API
     * token id user@realm!tokenid, password its secret (decrypted by WHMCS), accesshash
     * optional "key=value" lines: fingerprint=<SHA-256 as Proxmox shows it>,
     * ca_file=<PEM path>, hosts=<more API addresses>, verify_hostname=1, auth=ticket.
     * Calls use the Default Timeout of Settings > General (10 s before the addon ran).
     */

    /**
     * The server module's Test Connection: reachability over verified TLS, the token's
     * authentication, its privileges (each missing one named with what it is needed
     * for) and the nodes. ok is true only when all steps pass.
     * @param array $server WHMCS server fields, see above
     * Keys: ok, message, address, version, http_status, steps (list of step, ok,
     * message), missing_privileges (list of privilege, path, needed_for), nodes (names).
     * @return array<string, mixed>
     * @throws \PuqKvm\ValidationException when a server field is malformed
     */
    function puqkvm_pve_test_connection(#[\SensitiveParameter] array $server): array {}

    /**
     * The cluster's nodes: node, online, maxcpu, maxmem, mem, cpu, ssl_fingerprint.
     * @param array $server WHMCS server fields, see above
     * @return list<array<string, mixed>>
     * @throws \PuqKvm\ValidationException|\PuqKvm\HttpException
     */
    function puqkvm_pve_nodes(#[\SensitiveParameter] array $server): array {}

    /**
     * The VM templates of the cluster (or of one node): vmid, name, node.
     * @param array $server WHMCS server fields, see above
     * @return list<array{vmid: int, name: string, node: string}>
     * @throws \PuqKvm\ValidationException|\PuqKvm\HttpException
     */
    function puqkvm_pve_templates(#[\SensitiveParameter] array $server, ?string $node = null): array {}

    /**
     * The enabled storages of a node, optionally only those holding $content ("images",
     * "backup", "iso"): storage, type, content, shared, active, total, used, avail.
     * @param array $server WHMCS server fields, see above
     * @return list<array<string, mixed>>
     * @throws \PuqKvm\ValidationException|\PuqKvm\HttpException
     */
    function puqkvm_pve_storages(#[\SensitiveParameter] array $server, string $node, ?string $content = null): array {}

    /**
     * The bridges (Linux and OVS) of a node: bridge, type, active, comments.
     * @param array $server WHMCS server fields, see above
     * @return list<array{bridge: string, type: string, active: bool, comments: string}>
     * @throws \PuqKvm\ValidationException|\PuqKvm\HttpException
     */
    function puqkvm_pve_bridges(#[\SensitiveParameter] array $server, string $node): array {}

    /* ---- vm / cron --------------------------------------------------------------- */

    /*
     * The provisioning calls take WHMCS's server-module $params: serviceid, userid, pid,
     * serverid, configoption1..24 (the product settings, see
     * puqkvm_vm_product_settings()) and configoptions (the service's configurable
     * options, name => value, plain or legacy names); plus password_encrypted, the
     * service password as WHMCS's encrypt() returns it, when the shim sets a new one.
     * They only write the database and return at once: the cron does the work.
     */

    /**
     * The product settings, in display order: name, slot (the configoption number; 23 is
     * the "key = value" advanced text), type (int, bool, choice, text), default, min, max,
     * choices, loader (nodes, templates, storages or null), label, help.
     * @return list<array<string, mixed>>
     */
    function puqkvm_vm_product_settings(): array {}

    /**
     * Resolves and validates a product: the settings and configurable options of $params
     * as the engine will use them.
     * @param array $params WHMCS module parameters
     * @return array<string, mixed>
     * @throws PuqKvm\ValidationException naming each bad setting or option
     */
    function puqkvm_vm_product_check(array $params): array {}

    /**
     * CreateAccount: the VM row in creation and tblhosting.username/password; the cron
     * deploys it.
     * @param array $params WHMCS module parameters (+ password_encrypted)
     * @throws PuqKvm\ValidationException|PuqKvm\ConflictException
     */
    function puqkvm_vm_create(#[\SensitiveParameter] array $params): void {}

    /**
     * ChangePackage: starts at once when the VM is ready, else waits for ready. Returns
     * true when it waits.
     * @param array $params WHMCS module parameters
     */
    function puqkvm_vm_change_package(array $params): bool {}

    /** TerminateAccount: the cron stops, deletes backups, DNS and the VM, then releases. */
    function puqkvm_vm_terminate(int $serviceId): void {}

    /** SuspendAccount (stop; never started until unsuspended) / UnsuspendAccount (start). */
    function puqkvm_vm_suspend(int $serviceId, bool $suspended = true): void {}

    /**
     * The Start / Stop buttons ("start" or "stop").
     * @throws PuqKvm\StateException for a start while the service is suspended
     */
    function puqkvm_vm_power(int $serviceId, string $action): void {}

    /** Reinstall: same VMID, addresses and MAC; a new template and password when given. */
    function puqkvm_vm_reinstall(int $serviceId, int $templateVmid = 0, #[\SensitiveParameter] ?string $passwordEncrypted = null): void {}

    /** Redeploy: deletes the VM, releases addresses and VMID, deploys from creation. */
    function puqkvm_vm_redeploy(int $serviceId): void {}

    /** Set DNS records: a full resync of a ready VM's records. */
    function puqkvm_vm_set_dns_records(int $serviceId): void {}

    /**
     * The admin's Reset to ready, creation, set_ip, change_package, set_dns_records,
     * terminate or remove: clears the lease (a worker holding the VM drops it) and the
     * error counters.
     */
    function puqkvm_vm_reset(int $serviceId, string $status): void {}

    /**
     * The VM row: every column (product, pending_product, vm_rev_dns and
     * vm_last_action_log decoded).
     * @return array<string, mixed>
     * @throws PuqKvm\NotFoundException
     */
    function puqkvm_vm_get(int $serviceId): array {}

    /**
     * The run log: runs (newest first: id, action, result, message, started_at,
     * finished_at, duration, steps: [seq, label, from, to, result, message, duration,
     * time]) and last_error {action, message}.
     * @return array<string, mixed>
     */
    function puqkvm_vm_runs(int $serviceId, int $limit = 50): array {}

    /**
     * Runs the cron tasks: every due one, or options task (one, ignoring its interval),
     * force (ignore intervals), no_lock, loop (keep polling for due VMs), deadline
     * (seconds), lease (seconds), idle_poll, service_id, concurrency, worker_id, quiet.
     * $onLine gets each output line as it happens; $decrypt decrypts what WHMCS
     * encrypted (pass "decrypt" inside WHMCS); $onTick is called about once a second
     * while VMs are processed (deliver the outbox there).
     * @param array $options
     * @return array{tasks_run: int, processed: int, errors: int, busy: int, stopped: bool}
     */
    function puqkvm_cron_run(array $options = [], ?callable $onLine = null, ?callable $decrypt = null, ?callable $onTick = null): array {}

    /**
     * The cron tasks: name, label, interval, available, singleton, due, last_run_at,
     * last_finished_at, last_status, last_message, locked_by, lock_expires_at.
     * @return list<array<string, mixed>>
     */
    function puqkvm_cron_tasks(): array {}

    /** Looping cron workers whose heartbeat is younger than $withinSeconds. */
    function puqkvm_cron_workers_alive(int $withinSeconds = 15): int {}

    /** A new worker id "<host>:<pid>:<random>". */
    function puqkvm_cron_worker_id(): string {}

    /**
     * Claims undelivered e-mails and activity entries for $worker: id, kind (email |
     * activity), service_id, client_id, template, description (with its reference),
     * reference. Entries a dead deliverer already sent (found in tblemails /
     * tblactivitylog) are marked sent and not returned.
     * @return list<array<string, mixed>>
     */
    function puqkvm_outbox_claim(string $worker, int $limit = 50): array {}

    /** Acknowledges a claimed entry: delivered ($ok) or failed (retried later). */
    function puqkvm_outbox_ack(int $id, string $worker, bool $ok, string $error = ""): void {}

    /** Creates the module's e-mail templates that do not exist; returns how many. */
    function puqkvm_email_templates_install(): int {}

    /* ---- vm admin ---------------------------------------------------------------- */

    /*
     * The VM Management page and the admin service tab. Every action takes $actor, the
     * admin as the activity log names them ("admin alice (ID 1)"); the action and its
     * activity entry are written in one transaction, and its rule is checked there.
     */

    /**
     * One page of the VM list. $query: search, service_status (a WHMCS status),
     * vm_status, sort (id, client, product, server, vm, vm_status, service, ips), dir
     * (asc, desc), cursor (a page's next or prev), limit (1..100, 25). Rows: service_id,
     * client_id, client, product_id, product, server_id, server, vm_id, vm_name,
     * vm_status, service_status, action, needs_attention, service_gone, ips (ip, family,
     * main, rdns), actions (redeploy, reset, log, record, delete: which buttons show).
     * @return array{rows: list<array<string, mixed>>, next: ?string, prev: ?string, resynced: int}
     * @throws PuqKvm\ValidationException naming each bad key
     */
    function puqkvm_vmlist_page(array $query = []): array {}

    /** How many VMs match the filters and search of $query (as puqkvm_vmlist_page). */
    function puqkvm_vmlist_count(array $query = []): int {}

    /**
     * The list's choices: service_statuses, vm_statuses, resettable (the Reset targets),
     * sorts, page_max.
     * @return array<string, mixed>
     */
    function puqkvm_vmlist_options(): array {}

    /**
     * Re-syncs the list's copies of WHMCS fields for one service, client, product,
     * server or order ($scope), or for "all"; returns how many rows changed.
     */
    function puqkvm_vmlist_sync(string $scope, int $id = 0): int {}

    /**
     * Which action buttons show for a VM status: redeploy, reset, log, record, delete.
     * @return array<string, bool>
     */
    function puqkvm_vmadmin_rules(string $vmStatus): array {}

    /**
     * Redeploy: only when the VM is not ready.
     * @throws PuqKvm\StateException|PuqKvm\NotFoundException
     */
    function puqkvm_vmadmin_redeploy(int $serviceId, string $actor): void {}

    /**
     * Reset to ready, creation, set_ip, change_package, set_dns_records, terminate or remove.
     * @throws PuqKvm\ValidationException|PuqKvm\NotFoundException
     */
    function puqkvm_vmadmin_reset(int $serviceId, string $status, string $actor): void {}

    /**
     * Delete Record (error_terminate or remove only): the module's row, nothing in
     * Proxmox or tblhosting; with $releaseAddresses the addresses it holds are released
     * too. Returns how many were.
     * @throws PuqKvm\StateException|PuqKvm\NotFoundException
     */
    function puqkvm_vmadmin_delete_record(int $serviceId, bool $releaseAddresses, string $actor): int {}

    /**
     * Releases one held address (an allocation id) with its activity entry.
     * @throws PuqKvm\NotFoundException when it is not held any more
     */
    function puqkvm_vmadmin_release_address(int $allocationId, string $actor): void {}

    /**
     * The raw VM row: service_id and columns (name, value, editable, kind, help).
     * @return array<string, mixed>
     * @throws PuqKvm\NotFoundException
     */
    function puqkvm_vmadmin_record(int $serviceId): array {}

    /**
     * Saves DB Record edits (column => string or null). Returns what changed
     * ("vm_status: a -> b; ..."), "" for nothing.
     * @param array $values
     * @throws PuqKvm\ValidationException with every bad column (nothing is saved)
     */
    function puqkvm_vmadmin_record_save(int $serviceId, array $values, string $actor): string {}

    /**
     * Attaches an existing Proxmox VM to a service. $params: serviceid, userid, pid,
     * serverid, product_json (the product as puqkvm_vm_product_check() returns it,
     * JSON-encoded; used when the service has no VM row yet) and the server entry under
     * the tblservers names (hostname, ip, port, secure, username, password, accesshash) -
     * not WHMCS's module parameters, whose username and password are the service's.
     * @param array $params
     * @return array{vmid: int, node: string, name: string}
     * @throws PuqKvm\NotFoundException when Proxmox has no such VM
     * @throws PuqKvm\ConflictException when it belongs to another service or is a template
     */
    function puqkvm_vmadmin_attach(#[\SensitiveParameter] array $params, int $vmid, string $actor): array {}

    /**
     * Saves rDNS names (address => host name, "" = the default) and pushes the
     * service's records to its DNS zones. dns: pushed, ok, failed, requests, lines.
     * @param array $names
     * @return array{changed: int, dns: array<string, mixed>}
     * @throws PuqKvm\ValidationException naming each bad "rdns.<ip>"
     */
    function puqkvm_vmadmin_rdns_save(int $serviceId, array $names, string $actor): array {}

    /**
     * The service tab's live information (see puq_vmadmin_live_summary) plus api {ok,
     * message}: Proxmox's failure is reported there, not thrown.
     * @param array $params serviceid and the server entry under the tblservers names
     * @return array<string, mixed>
     * @throws PuqKvm\NotFoundException when the service has no VM row
     */
    function puqkvm_vmadmin_live(#[\SensitiveParameter] array $params): array {}

    /* ---- client area / backups --------------------------------------------------- */

    /**
     * One client-area action for the logged-in client: authorised in the core (the
     * service must be the client's, the product must allow the action, a change needs
     * the service active and the VM ready), then performed. Actions: overview, job,
     * start, stop, reboot, rdns, rdns_save, backups, backup_now, backup_restore,
     * backup_delete, backup_schedule, snapshots, snapshot_take, snapshot_rollback,
     * snapshot_delete, snapshot_schedule, reinstall_options, reinstall, reset_password,
     * charts, iso, iso_mount, iso_unmount, firewall, firewall_policy, firewall_rule_add,
     * firewall_rule_delete, firewall_rule_move (see puqkvm/client.h for their fields).
     * Options: now (UTC epoch), utc_offset (seconds; default PHP's time zone), password
     * and password_encrypted (reset_password, reinstall: the new password as the guest
     * gets it and as WHMCS's encrypt() made it).
     * @param array $server the service's server entry (WHMCS module parameters)
     * @param array $args the request's fields
     * @param array $options
     * @return array<string, mixed>
     * @throws PuqKvm\StateException code 880 (access denied) for another client's service
     *         or an action the product does not allow; other codes when not possible now
     * @throws PuqKvm\ValidationException naming each bad field
     */
    function puqkvm_client_call(#[\SensitiveParameter] array $server, int $serviceId, int $clientId, string $action, array $args = [], #[\SensitiveParameter] array $options = []): array {}

    /**
     * The client-area actions: name => [write (changes something: needs the CSRF
     * token), permission (the product's flag, or null)].
     * @return array<string, array{write: bool, permission: ?string}>
     */
    function puqkvm_client_actions(): array {}

    /**
     * Traffic counted by collectingStatistics since $since (UTC epoch): per service of
     * $serverId (0 = all) or only $serviceId: service_id, domain, username, in, out (bytes).
     * @return list<array{service_id: int, domain: string, username: string, in: int, out: int}>
     */
    function puqkvm_stats_usage(int $serverId = 0, int $serviceId = 0, int $since = 0): array {}
}

namespace PuqKvm {
    /** Base of every exception the extension throws; the code is the core error number. */
    class Exception extends \RuntimeException
    {
    }

    /** Bad input: nothing was changed. getErrors() maps each field to its message. */
    class ValidationException extends Exception
    {
        /** @var array<string, string> */
        protected array $errors = [];

        /** @return array<string, string> */
        public function getErrors(): array {}
    }

    class NotFoundException extends Exception
    {
    }

    class ConflictException extends Exception
    {
    }

    class StateException extends Exception
    {
    }

    class DatabaseException extends Exception
    {
    }

    /** The database schema does not match this build: run the migrations (addon upgrade). */
    class SchemaException extends Exception
    {
    }

    /** A remote endpoint failed; getHttpStatus() is the remote status (0 if none). */
    class HttpException extends Exception
    {
        protected int $httpStatus = 0;

        public function getHttpStatus(): int {}
    }

    class ProxmoxException extends HttpException
    {
    }

    class DnsException extends HttpException
    {
    }

    class InternalException extends Exception
    {
    }
}
