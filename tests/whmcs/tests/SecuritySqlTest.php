<?php

/*
 * SQL metacharacters, NUL bytes and multibyte text through every text field the core
 * writes: each value is either stored and read back byte for byte, or refused with a
 * field-level validation error that names the field and stores nothing - never an SQL
 * error, never a value that comes back changed (truncated at a NUL or at a character
 * the database cannot hold, unescaped, half-written).
 *
 * Exhaustive by construction: every text column of every module table is listed in
 * COLUMNS, either with the probe that writes it (and after the probes have run, the
 * column must hold the probe's value verbatim) or with the reason no input reaches it.
 * A new text column fails the suite until it is classified.
 *
 * The VM list's search is checked too: "%" and "_" are letters there, not wildcards.
 */

use PuqKvm\Test\Security\Snapshot;
use WHMCS\Database\Capsule;

require_once __DIR__ . '/ClientAreaTestCase.php';
require_once __DIR__ . '/security/Snapshot.php';

final class SecuritySqlTest extends ClientAreaTestCase
{
    /** ASCII metacharacters and multibyte text a field must keep (where it takes free text). */
    private const META = "it's \"quoted\" \\back\\slash 100% _under_ ;-- DROP TABLE tblclients; é中Ω";

    /** The same for a secret, which may hold no blank. */
    private const META_SECRET = "it's\"quoted\"\\back\\slash100%_under_;--DROPTABLEtblclients;é中Ω";

    /** Values a field may refuse, but must never store changed. */
    private const HOSTILE = [
        'quote' => "o'brien", 'double quote' => 'say "hi"', 'backslash' => 'back\\slash', 'percent' => '100%',
        'underscore' => 'a_b', 'comment' => 'x;-- y', 'NUL' => "nul\0byte", 'multibyte' => 'é中Ω',
        '4-byte UTF-8' => "emoji \u{1F600} clef \u{1D11E}", 'injection' => "'); DROP TABLE tblclients; --",
    ];

    /**
     * Every text column of the module's tables: "probe:<name>" when a probe below writes
     * input into it (checked to hold the probe's value afterwards), "checked:<name>" when
     * the probe's field refuses the metacharacters (the refusal is asserted), or why no
     * input reaches it.
     */
    private const COLUMNS = [
        'puq_proxmox_kvm_settings.name' => 'a setting name from the engine\'s definitions (an unknown name is refused)',
        'puq_proxmox_kvm_settings.value' => 'probe:setting cron_php_binary',
        'puq_proxmox_kvm_meta.name' => 'written by migrations only',
        'puq_proxmox_kvm_meta.value' => 'written by migrations only',
        'puq_proxmox_kvm_cron_tasks.task' => 'task names from the engine\'s table',
        'puq_proxmox_kvm_cron_tasks.last_status' => 'engine enum',
        'puq_proxmox_kvm_cron_tasks.last_message' => 'engine text (counts and errors)',
        'puq_proxmox_kvm_cron_tasks.lock_owner' => 'worker id made by the engine',
        'puq_proxmox_kvm_cron_tasks.lock_token' => 'random hex',
        'puq_proxmox_kvm_ip_pools.type' => 'checked:pool',
        'puq_proxmox_kvm_ip_pools.bridge' => 'checked:pool',
        'puq_proxmox_kvm_ip_pools.gateway' => 'checked:pool',
        'puq_proxmox_kvm_ip_pools.dns1' => 'checked:pool',
        'puq_proxmox_kvm_ip_pools.dns2' => 'checked:pool',
        'puq_proxmox_kvm_ip_pools.start_ip' => 'checked:pool',
        'puq_proxmox_kvm_ip_pools.stop_ip' => 'checked:pool',
        'puq_proxmox_kvm_ip_allocations.ip' => 'formatted by the engine from a parsed address',
        'puq_proxmox_kvm_ip_allocations.bridge' => 'copied from the pool (checked:pool)',
        'puq_proxmox_kvm_ip_allocations.gateway' => 'copied from the pool (checked:pool)',
        'puq_proxmox_kvm_ip_allocations.dns1' => 'copied from the pool (checked:pool)',
        'puq_proxmox_kvm_ip_allocations.dns2' => 'copied from the pool (checked:pool)',
        'puq_proxmox_kvm_ip_allocations.release_reason' => 'engine enum',
        'puq_proxmox_kvm_dns_zones.zone' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.type' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.account_id' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.zone_id' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.api_token' => 'probe:zone api_token',
        'puq_proxmox_kvm_dns_zones.server_url' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.admin_user' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.admin_password' => 'probe:zone admin_password',
        'puq_proxmox_kvm_dns_zones.user' => 'checked:zone',
        'puq_proxmox_kvm_dns_zones.api_key' => 'probe:zone api_key',
        'puq_proxmox_kvm_dns_records.type' => 'engine enum',
        'puq_proxmox_kvm_dns_records.name' => 'host names the engine built from checked names',
        'puq_proxmox_kvm_dns_records.content' => 'addresses and checked host names (checked:rdns)',
        'puq_proxmox_kvm_dns_records.ip' => 'formatted by the engine',
        'puq_proxmox_kvm_dns_records.state' => 'engine enum',
        'puq_proxmox_kvm_dns_records.last_error' => 'provider errors, written by the engine',
        'puqProxmoxKVM_vm_info.vm_name' => 'checked:record',
        'puqProxmoxKVM_vm_info.vm_status' => 'checked:record',
        'puqProxmoxKVM_vm_info.vm_net0_mac' => 'checked:record',
        'puqProxmoxKVM_vm_info.vm_rev_dns' => 'checked:rdns',
        'puqProxmoxKVM_vm_info.vm_backup_now_utid' => 'checked:record',
        'puqProxmoxKVM_vm_info.vm_backup_restore_utid' => 'checked:record',
        'puqProxmoxKVM_vm_info.vm_backup_schedule' => 'checked:record',
        'puqProxmoxKVM_vm_info.vm_last_action_log' => 'probe:record vm_last_action_log',
        'puqProxmoxKVM_vm_info.vm_snapshot_schedule' => 'checked:record',
        'puqProxmoxKVM_vm_info.node' => 'checked:record',
        'puqProxmoxKVM_vm_info.fqdn' => 'checked:record',
        'puqProxmoxKVM_vm_info.os_username' => 'checked:product',
        'puqProxmoxKVM_vm_info.product' => 'probe:product email template',
        'puqProxmoxKVM_vm_info.pending_product' => 'the same product JSON as product, while a change waits',
        'puqProxmoxKVM_vm_info.action' => 'engine enum',
        'puqProxmoxKVM_vm_info.last_error_action' => 'engine enum',
        'puqProxmoxKVM_vm_info.last_error_message' => 'engine text, written by the engine',
        'puqProxmoxKVM_vm_info.lease_owner' => 'worker id made by the engine',
        'puqProxmoxKVM_vm_info.lease_token' => 'random hex',
        'puqProxmoxKVM_vm_info.task_kind' => 'engine enum',
        'puqProxmoxKVM_vm_info.task_node' => 'node names Proxmox reported',
        'puqProxmoxKVM_vm_info.task_target' => 'node names Proxmox reported',
        'puqProxmoxKVM_vm_info.task_upid' => 'UPIDs Proxmox returned',
        'puqProxmoxKVM_vm_info.power_request' => 'engine enum',
        'puqProxmoxKVM_vm_info.list_status' => 'probe:whmcs names',
        'puqProxmoxKVM_vm_info.list_client' => 'probe:whmcs names',
        'puqProxmoxKVM_vm_info.list_product' => 'probe:whmcs names',
        'puqProxmoxKVM_vm_info.list_server' => 'probe:whmcs names',
        'puqProxmoxKVM_vm_info.job_kind' => 'engine enum',
        'puqProxmoxKVM_vm_info.job_phase' => 'engine enum',
        'puqProxmoxKVM_vm_info.job_token' => 'random hex',
        'puqProxmoxKVM_vm_info.job_arg' => 'checked:client backup volid (and client snapshot name)',
        'puqProxmoxKVM_vm_info.job_note' => 'probe:client backup note',
        'puqProxmoxKVM_vm_info.job_origin' => 'engine enum',
        'puqProxmoxKVM_vm_info.job_node' => 'node names Proxmox reported',
        'puqProxmoxKVM_vm_info.job_upid' => 'UPIDs Proxmox returned',
        'puqProxmoxKVM_vm_info.job_result' => 'engine enum',
        'puqProxmoxKVM_vm_info.job_message' => 'engine text, written by the engine',
        'puq_proxmox_kvm_vm_runs.action' => 'engine enum',
        'puq_proxmox_kvm_vm_runs.result' => 'engine enum',
        'puq_proxmox_kvm_vm_runs.message' => 'engine text, written by the engine',
        'puq_proxmox_kvm_vm_runs.worker' => 'worker id made by the engine',
        'puq_proxmox_kvm_vm_steps.label' => 'engine step names',
        'puq_proxmox_kvm_vm_steps.from_status' => 'engine enum',
        'puq_proxmox_kvm_vm_steps.to_status' => 'engine enum',
        'puq_proxmox_kvm_vm_steps.result' => 'engine enum',
        'puq_proxmox_kvm_vm_steps.message' => 'engine text, written by the engine',
        'puq_proxmox_kvm_clone_slots.scope' => 'node and storage names Proxmox reported',
        'puq_proxmox_kvm_clone_slots.worker' => 'worker id made by the engine',
        'puq_proxmox_kvm_outbox.kind' => 'engine enum',
        'puq_proxmox_kvm_outbox.dedupe_key' => 'made by the engine from ids',
        'puq_proxmox_kvm_outbox.template' => 'probe:product email template',
        'puq_proxmox_kvm_outbox.description' => 'probe:admin name in the activity log',
        'puq_proxmox_kvm_outbox.state' => 'engine enum',
        'puq_proxmox_kvm_outbox.lease_owner' => 'worker id made by the engine',
        'puq_proxmox_kvm_outbox.last_error' => 'localAPI answers, written by the shim',
        'puq_proxmox_kvm_workers.worker_id' => 'worker id made by the engine',
        'puq_proxmox_kvm_workers.host' => 'the host name of the machine',
        'puq_proxmox_kvm_workers.mode' => 'engine enum',
    ];

    private int $sid = 0;

    protected function setUp(): void
    {
        parent::setUp();
        // room for a backup and a snapshot per probe value; the ready e-mail's template name
        // is free text of the product (it travels in the VM's product JSON to the outbox)
        $this->sid = $this->deployed(['backups' => '20', 'snapshots' => '20', 'client_firewall' => 'on',
            'email_vm_ready' => self::META]);
    }

    public function testEveryTextColumnOfTheModuleIsClassified(): void
    {
        $columns = [];
        foreach (Capsule::select("SELECT table_name AS t, column_name AS c FROM information_schema.columns
            WHERE table_schema = DATABASE() AND (table_name LIKE 'puq\\_proxmox\\_kvm%' OR table_name LIKE 'puqProxmoxKVM%')
            AND data_type IN ('char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext')") as $row) {
            $columns[] = "$row->t.$row->c";
        }
        $this->assertGreaterThan(80, count($columns));
        $this->assertSame([], array_values(array_diff($columns, array_keys(self::COLUMNS))),
            'text columns without a line in SecuritySqlTest::COLUMNS: say which probe writes them or why none does');
        $this->assertSame([], array_values(array_diff(array_keys(self::COLUMNS), $columns)),
            'COLUMNS lists columns the schema no longer has');
        // every probe named there exists, and every probe is named for a column it writes
        $probes = array_merge(array_keys(self::probeNames()), ['whmcs names', 'product email template']);
        foreach (self::COLUMNS as $column => $how) {
            if (preg_match('/^(probe|checked):([^(]+?)( \(.*)?$/', $how, $m)) {
                $known = array_filter($probes, static fn ($p) => $p === $m[2] || str_starts_with($p, $m[2] . ' ')
                    || str_starts_with($p, $m[2]));
                $this->assertNotEmpty($known, "$column names the probe \"$m[2]\", which does not exist");
            }
        }
    }

    /**
     * The probes: name => [field, writer(value), reader(), keeps]. A field that takes free
     * text must keep its "keeps" value (metacharacters and multibyte text) verbatim; every
     * field must keep or refuse each HOSTILE value. A reader answers the stored value, or
     * the list (backups, snapshots, rules) it must be one of.
     *
     * @return array<string, array{string, callable(string): void, callable(): mixed, ?string}>
     */
    private function probes(): array
    {
        $zone = function (string $type, string $field) {
            return [$field, function (string $v) use ($type, $field) {
                $base = ['cloudflare' => ['zone' => 'cf.example.test', 'zone_id' => '023e105f4ecef8ad9ca31a8372d0c353',
                    'account_id' => '', 'api_token' => 'tok'], 'hestiacp' => ['zone' => 'he.example.test',
                    'server_url' => 'https://hestia.example.test:8083', 'admin_user' => 'admin',
                    'admin_password' => 'pw', 'user' => 'client1'], 'powerdns' => ['zone' => 'pd.example.test',
                    'server_url' => 'https://pdns.example.test:8081', 'api_key' => 'key']][$type];
                $id = $this->zoneId($type);
                $values = ['type' => $type, $field => $v] + $base;
                $id === null ? puqkvm_dns_zone_create($values) : puqkvm_dns_zone_update($id, $values);
            }, fn () => $this->zoneColumn($type, $field), self::META_SECRET];
        };
        $record = fn (string $field) => [$field,
            fn (string $v) => puqkvm_vmadmin_record_save($this->sid, [$field => $v], 'admin'),
            fn () => $this->vmColumn($field), null];
        $client = fn (string $action, string $key, array $args, callable $read, ?string $keeps) => [$key,
            function (string $v) use ($action, $key, $args) {
                $this->call($this->sid, $action, $args + [$key => $v]);
                $this->finishJob($this->sid);
            }, $read, $keeps];
        return [
            'setting cron_php_binary' => ['cron_php_binary', static fn (string $v) => puqkvm_settings_save(
                ['cron_php_binary' => "/opt/$v"]), static fn () => self::strip('/opt/',
                puqkvm_settings_get()['cron_php_binary']), self::META],
            'setting dns_endpoint_allowlist' => ['dns_endpoint_allowlist', static fn (string $v) => puqkvm_settings_save(
                ['dns_endpoint_allowlist' => $v]), static fn () => puqkvm_settings_get()['dns_endpoint_allowlist'], null],
            'pool' => ['bridge', function (string $v) {
                puqkvm_pool_create(['server' => $this->serverId, 'type' => 'IPv4', 'bridge' => $v, 'vlan' => '0',
                    'gateway' => '198.51.100.1', 'mask' => '24', 'dns1' => '', 'dns2' => '', 'start' => '198.51.100.10',
                    'stop' => '198.51.100.20']);
            }, fn () => $this->poolBridge(), null],
            'zone name' => ['zone', static fn (string $v) => puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => $v,
                'server_url' => 'https://pdns.example.test:8081', 'api_key' => 'k']), static fn () => null, null],
            'zone server_url' => array_replace($zone('powerdns', 'server_url'), [3 => null]),
            'zone api_key' => $zone('powerdns', 'api_key'),
            'zone api_token' => $zone('cloudflare', 'api_token'),
            'zone zone_id' => array_replace($zone('cloudflare', 'zone_id'), [3 => null]),
            'zone admin_user' => array_replace($zone('hestiacp', 'admin_user'), [3 => null]),
            'zone admin_password' => $zone('hestiacp', 'admin_password'),
            'zone user' => array_replace($zone('hestiacp', 'user'), [3 => null]),
            'record vm_name' => $record('vm_name'),
            'record node' => $record('node'),
            'record fqdn' => $record('fqdn'),
            'record vm_net0_mac' => $record('vm_net0_mac'),
            'record vm_last_action_log' => ['vm_last_action_log', fn (string $v) => puqkvm_vmadmin_record_save(
                $this->sid, ['vm_last_action_log' => json_encode(['note' => $v])], 'admin'),
                fn () => json_decode((string) $this->vmColumn('vm_last_action_log'), true)['note'] ?? null, self::META],
            'rdns' => ['rdns', fn (string $v) => puqkvm_vmadmin_rdns_save($this->sid, [$this->mainIp() => $v], 'admin'),
                fn () => json_decode((string) $this->vmColumn('vm_rev_dns'), true)[$this->mainIp()] ?? null, null],
            'admin name in the activity log' => ['actor', fn (string $v) => puqkvm_vmadmin_reset($this->sid, 'ready', $v),
                static fn () => (string) Capsule::table('puq_proxmox_kvm_outbox')->where('kind', 'activity')
                    ->orderByDesc('id')->value('description'), self::META],
            'client backup note' => $client('backup_now', 'note', [], fn () => array_column($this->call($this->sid,
                'backups')['items'], 'notes'), self::META),
            'client snapshot description' => $client('snapshot_take', 'description', [],
                fn () => array_column($this->call($this->sid, 'snapshots')['items'], 'description'), self::META),
            'client firewall comment' => ['comment', function (string $v) {
                $this->call($this->sid, 'firewall_rule_add', ['rule' => ['type' => 'in', 'action' => 'ACCEPT',
                    'proto' => 'tcp', 'dport' => '22', 'comment' => $v]]);
            }, fn () => array_column($this->call($this->sid, 'firewall')['rules'], 'comment'), self::META],
            'client backup volid' => $client('backup_delete', 'volid', [], fn () => $this->vmColumn('job_arg'), null),
            'client snapshot name' => $client('snapshot_delete', 'name', [], fn () => $this->vmColumn('job_arg'), null),
            'client rdns' => ['rdns', fn (string $v) => $this->call($this->sid, 'rdns_save',
                ['names' => [$this->mainIp() => $v]]), fn () => json_decode((string) $this->vmColumn('vm_rev_dns'),
                true)[$this->mainIp()] ?? null, null],
        ];
    }

    /**
     * @dataProvider probeNames
     */
    public function testAProbeKeepsOrRefusesEveryValue(string $probe): void
    {
        [$field, $write, $read, $keeps] = $this->probes()[$probe];
        $values = self::HOSTILE + ($keeps !== null ? ['metacharacters' => $keeps] : []);
        if ($probe === 'admin name in the activity log') {
            // the shim passes the name WHMCS keeps in tbladmins: text, never a NUL or 4-byte character
            $values = array_diff_key($values, ['NUL' => 1, '4-byte UTF-8' => 1]);
        }
        foreach ($values as $what => $value) {
            $before = Snapshot::take();
            try {
                $write($value);
            } catch (\PuqKvm\ValidationException $e) {
                $this->assertNotEmpty(array_filter(array_keys($e->getErrors()),
                    static fn ($k) => str_contains($k, $field)), "$probe, $what: the refusal names the field: "
                    . json_encode($e->getErrors()));
                $this->assertNotSame('metacharacters', $what, "$probe refuses free text: "
                    . json_encode($e->getErrors()));
                $this->assertSame('', Snapshot::take()->diff($before), "$probe, $what: refused but stored");
                continue;
            } catch (\Throwable $e) {
                $this->fail("$probe, $what: " . get_class($e) . ': ' . $e->getMessage());
            }
            $back = $read();
            if (is_array($back)) {
                // a list (backups, snapshots, rules): the value is one of its entries, whole
                $this->assertContains(bin2hex($value), array_map('bin2hex', $back), "$probe, $what: not kept verbatim");
            } elseif ($probe === 'admin name in the activity log') {
                $this->assertStringContainsString($value, (string) $back, "$probe, $what");
            } elseif ($probe !== 'zone name') {
                $this->assertIsString($back, "$probe, $what: nothing to read back");
                $this->assertSame(bin2hex($value), bin2hex($back), "$probe, $what: not kept verbatim");
            }
        }
    }

    public function testTheProductsTextTravelsVerbatimToTheVmAndTheOutbox(): void
    {
        $product = json_decode((string) $this->vmColumn('product'), true);
        $this->assertSame(self::META, $product['email_ready']);
        $this->assertSame(1, Capsule::table('puq_proxmox_kvm_outbox')->where('template', self::META)->count(),
            'the ready e-mail is queued under the template name as the product has it');
    }

    public function testWhmcsNamesAreCopiedVerbatimAndTheSearchTakesThemLiterally(): void
    {
        $service = Capsule::table('tblhosting')->where('id', $this->sid)->first();
        Capsule::table('tblclients')->where('id', $service->userid)->update(['firstname' => self::META,
            'lastname' => 'O\'Neil', 'companyname' => '50% off_']);
        Capsule::table('tblproducts')->where('id', $service->packageid)->update(['name' => self::META]);
        Capsule::table('tblservers')->where('id', $service->server)->update(['name' => self::META]);
        // a second VM whose names hold none of the metacharacters
        $plain = (int) Capsule::table('tblclients')->insertGetId($this->whmcsRow('tblclients', ['firstname' => 'Plain',
            'lastname' => 'Client', 'email' => 'plain@example.test', 'status' => 'Active']));
        $plainServer = (int) Capsule::table('tblservers')->insertGetId($this->whmcsRow('tblservers', [
            'name' => 'pve-plain', 'type' => 'puqProxmoxKVM', 'active' => 1]));
        $other = $this->service($this->product([]));
        Capsule::table('tblhosting')->where('id', $other)->update(['userid' => $plain, 'server' => $plainServer]);
        Capsule::table('puqProxmoxKVM_vm_info')->insert(['service_id' => $other, 'client_id' => $plain,
            'product_id' => 0, 'server_id' => $plainServer, 'vm_id' => 4343, 'vm_name' => 'plainvm',
            'vm_status' => 'ready']);
        puqkvm_vmlist_sync('all');
        $row = $this->vmRow($this->sid);
        $this->assertSame(self::META . " O'Neil (50% off_)", $row->list_client);
        $this->assertSame(self::META, $row->list_product);
        $this->assertSame(self::META, $row->list_server);

        $found = fn (string $search) => array_column(puqkvm_vmlist_page(['search' => $search, 'limit' => 100])['rows'],
            'service_id');
        $this->assertSame([$this->sid], $found("it's \"quoted\""));
        $this->assertSame([$this->sid], $found('\\back\\slash'));
        $this->assertSame([$this->sid], $found(';-- DROP TABLE'));
        $this->assertSame([$this->sid], $found('é中Ω'));
        // "%" and "_" are letters: they match only names that hold them
        $this->assertSame([$this->sid], $found('%'));
        $this->assertSame([$this->sid], $found('_'));
        $this->assertSame([$this->sid], $found('0% off_'));
        $this->assertSame([], $found('p%n'), '"%" is not a wildcard');
        $this->assertSame([], $found('pl_invm'), '"_" is not a wildcard');
        $this->assertSame([$other], $found('plainvm'));
        $this->assertSame(1, puqkvm_vmlist_count(['search' => '%']));
        $this->assertTrue(Capsule::table('tblclients')->exists(), 'the injection text is only text');
    }

    /** @return array<string, array{string}> */
    public static function probeNames(): array
    {
        $names = ['setting cron_php_binary', 'setting dns_endpoint_allowlist', 'pool', 'zone name', 'zone server_url',
            'zone api_key', 'zone api_token', 'zone zone_id', 'zone admin_user', 'zone admin_password', 'zone user',
            'record vm_name', 'record node', 'record fqdn', 'record vm_net0_mac', 'record vm_last_action_log', 'rdns',
            'admin name in the activity log', 'client backup note', 'client snapshot description',
            'client firewall comment', 'client backup volid', 'client snapshot name', 'client rdns'];
        return array_combine($names, array_map(static fn ($n) => [$n], $names));
    }

    private static function strip(string $prefix, string $value): string
    {
        return str_starts_with($value, $prefix) ? substr($value, strlen($prefix)) : $value;
    }

    private function zoneId(string $type): ?int
    {
        $id = Capsule::table('puq_proxmox_kvm_dns_zones')->where('type', $type)->value('id');
        return $id === null ? null : (int) $id;
    }

    private function zoneColumn(string $type, string $field): ?string
    {
        $v = Capsule::table('puq_proxmox_kvm_dns_zones')->where('type', $type)->value($field);
        return $v === null ? null : (string) $v;
    }

    private function vmColumn(string $column): ?string
    {
        $v = Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $this->sid)->value($column);
        return $v === null ? null : (string) $v;
    }

    /** The probe pool's bridge as stored; the pool is then removed for the next value. */
    private function poolBridge(): ?string
    {
        $v = Capsule::table('puq_proxmox_kvm_ip_pools')->where('start_ip', '198.51.100.10')->value('bridge');
        Capsule::table('puq_proxmox_kvm_ip_pools')->where('start_ip', '198.51.100.10')->delete();
        return $v === null ? null : (string) $v;
    }

    private function mainIp(): string
    {
        return (string) Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $this->sid)
            ->where('family', 4)->whereNotNull('live')->value('ip');
    }
}
