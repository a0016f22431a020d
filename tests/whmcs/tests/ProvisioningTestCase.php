<?php

/*
 * Base of the provisioning tests: a WHMCS with the addon active, the Proxmox VE
 * simulator (one per test class, reset for every test), a server entry pointing at it,
 * a product of the server module, an IPv4 and an IPv6 pool in address ranges of their
 * own, and forward and reverse zones on the real PowerDNS of scripts/services, unique
 * to the test and deleted afterwards. Helpers order services, call the module's
 * functions with the $params WHMCS builds, and run cron.php as WHMCS or the system
 * crontab would: a PHP process of its own.
 */

use WHMCS\Database\Capsule;
use WhmcsHarness\Crypto;
use WhmcsHarness\ServiceParams;

abstract class ProvisioningTestCase extends HarnessTestCase
{
    protected const TOKEN_SECRET = '6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e';

    /** @var resource|null */
    protected static $sim = null;
    /** @var array<string, mixed> */
    protected static array $simInfo = [];

    protected int $serverId = 0;
    protected int $productId = 0;
    protected int $clientId = 0;
    protected string $domain = '';
    protected string $net4 = '';     /* "10.A.B" */
    protected string $net6 = '';     /* "2001:db8:XXXX:YYYY" */
    /** @var list<string> PowerDNS zones this test created */
    private array $zones = [];
    /** @var list<resource> cron processes still running */
    private array $procs = [];

    public static function setUpBeforeClass(): void
    {
        $root = getenv('PUQKVM_ROOT') ?: dirname(__DIR__, 3);
        $cmd = ['node', "$root/tests/sim/proxmox/cli.js", '--task-ms', '20', '--auth-delay-ms', '50'];
        self::$sim = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        self::$simInfo = json_decode((string) fgets($pipes[1]), true) ?: [];
        require_once dirname(__DIR__, 3) . '/whmcs-module/modules/servers/puqProxmoxKVM/puqProxmoxKVM.php';
    }

    public static function tearDownAfterClass(): void
    {
        if (self::$sim) {
            proc_terminate(self::$sim);
            proc_close(self::$sim);
            self::$sim = null;
        }
    }

    protected function setUp(): void
    {
        parent::setUp();
        $this->sim('POST', 'cluster/reset', ['knobs' => ['taskMs' => 20, 'authFailDelayMs' => 50]]);
        $this->activateAddon();
        puqkvm_settings_save(['wake_on_provision' => false]);
        $this->seed();
    }

    protected function tearDown(): void
    {
        foreach ($this->procs as $p) {
            if (is_resource($p)) {
                proc_terminate($p, 9);
                proc_close($p);
            }
        }
        foreach ($this->zones as $zone) {
            $this->pdns('DELETE', "/zones/$zone.");
        }
        parent::tearDown();
    }

    /* ---- the world ---- */

    private function seed(): void
    {
        $a = random_int(1, 250);
        $b = random_int(1, 250);
        $this->net4 = "10.$a.$b";
        $this->net6 = sprintf('2001:db8:%x:%x', random_int(1, 0xfffe), random_int(1, 0xfffe));
        $this->domain = 'p' . getmypid() . bin2hex(random_bytes(3)) . '.test';

        $this->serverId = (int) Capsule::table('tblservers')->insertGetId($this->whmcsRow('tblservers', [
            'name' => 'pve-sim', 'ipaddress' => '127.0.0.1', 'hostname' => '127.0.0.1',
            'port' => self::$simInfo['port'], 'type' => 'puqProxmoxKVM', 'username' => 'automation@pve!ci',
            'password' => Crypto::encrypt(self::TOKEN_SECRET),
            'accesshash' => 'fingerprint=' . self::$simInfo['fingerprint'], 'secure' => 'on', 'active' => 1,
        ]));
        $this->clientId = (int) Capsule::table('tblclients')->insertGetId($this->whmcsRow('tblclients', [
            'firstname' => 'Ada', 'lastname' => 'Lovelace', 'email' => 'ada@example.test', 'status' => 'Active',
        ]));
        $this->productId = $this->product([]);
        puqkvm_pool_create(['server' => $this->serverId, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
            'gateway' => "$this->net4.1", 'mask' => '24', 'dns1' => '192.0.2.53', 'dns2' => '',
            'start' => "$this->net4.10", 'stop' => "$this->net4.200"]);
        puqkvm_pool_create(['server' => $this->serverId, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => '0',
            'gateway' => "$this->net6::1", 'mask' => '64', 'dns1' => '', 'dns2' => '',
            'start' => "$this->net6::10", 'stop' => "$this->net6::ffff"]);
        $rev4 = puqkvm_ip_rdns_zone("$this->net4.0", 24);
        $rev6 = puqkvm_ip_rdns_zone("$this->net6::", 64);
        foreach ([$this->domain, $rev4, $rev6] as $zone) {
            $this->pdns('POST', '/zones', ['name' => "$zone.", 'kind' => 'Native',
                'nameservers' => ['ns1.example.test.']]);
            $this->zones[] = $zone;
            puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => $zone,
                'server_url' => self::pdnsEnv('PUQKVM_PDNS_API_URL'),
                'api_key' => self::pdnsEnv('PUQKVM_PDNS_API_KEY')]);
        }
    }

    /** A product of the module; $settings by setting name (see puqkvm_vm_product_settings()). */
    protected function product(array $settings): int
    {
        $settings += ['os_template' => '9001', 'main_domain' => $this->domain, 'cpu' => '2', 'ram' => '2',
            'system_disk_size' => '20', 'ipv4_count' => '1', 'ipv6_count' => '1',
            'vm_name_rule' => 'vm{service_id}', 'auto_bridge_vlan' => 'on'];
        $row = ['type' => 'server', 'gid' => 1, 'name' => 'KVM S', 'servertype' => 'puqProxmoxKVM',
            'servergroup' => 0];
        $extra = '';
        foreach (puqkvm_vm_product_settings() as $d) {
            if (!array_key_exists($d['name'], $settings)) {
                continue;
            }
            if ((int) $d['slot'] === 23) {
                $extra .= "{$d['name']} = {$settings[$d['name']]}\n";
            } else {
                $row['configoption' . $d['slot']] = (string) $settings[$d['name']];
            }
        }
        $row['configoption23'] = $extra;
        return (int) Capsule::table('tblproducts')->insertGetId($this->whmcsRow('tblproducts', $row));
    }

    /** Moves a service to another product (an upgrade or downgrade order). */
    protected function moveToProduct(int $serviceId, int $productId): void
    {
        Capsule::table('tblhosting')->where('id', $serviceId)->update(['packageid' => $productId]);
    }

    protected function service(?int $productId = null): int
    {
        return (int) Capsule::table('tblhosting')->insertGetId($this->whmcsRow('tblhosting', [
            'userid' => $this->clientId, 'packageid' => $productId ?? $this->productId, 'server' => $this->serverId,
            'regdate' => date('Y-m-d'), 'domainstatus' => 'Active', 'billingcycle' => 'Monthly',
            'password' => Crypto::encrypt('Initial-Pass1'), 'nextinvoicedate' => date('Y-m-d'),
        ]));
    }

    protected function params(int $serviceId): array
    {
        return ServiceParams::forService($serviceId);
    }

    /** Orders a service and calls CreateAccount; asserts it answered "success" at once. */
    protected function order(?int $productId = null): int
    {
        $id = $this->service($productId);
        $t = microtime(true);
        $this->assertSame('success', puqProxmoxKVM_CreateAccount($this->params($id)));
        $this->assertLessThan(0.5, microtime(true) - $t, 'CreateAccount must only queue work');
        return $id;
    }

    protected function status(int $serviceId): string
    {
        return (string) Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $serviceId)->value('vm_status');
    }

    protected function vmRow(int $serviceId): object
    {
        return Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $serviceId)->first();
    }

    /* ---- cron ---- */

    /** The command line of cron.php in this harness root. @return list<string> */
    protected function cronCommand(array $args): array
    {
        return array_merge([PHP_BINARY, '-d', 'extension=' . self::extensionPath(),
            self::root() . '/modules/addons/puq_proxmox_kvm/cron.php'], $args);
    }

    /**
     * Runs cron.php to its end. @return array{int, string, string} exit code, stdout, stderr
     */
    protected function cron(array $args = ['--task=processVirtualMachines']): array
    {
        $proc = proc_open($this->cronCommand($args), [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            $this->cronEnv());
        $out = stream_get_contents($pipes[1]);
        $err = stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        return [proc_close($proc), (string) $out, (string) $err];
    }

    /** Starts cron.php in the background; returns the process (killed at tearDown). */
    protected function cronStart(array $args)
    {
        $proc = proc_open($this->cronCommand($args), [0 => ['file', '/dev/null', 'r'],
            1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes, null, $this->cronEnv());
        $this->procs[] = $proc;
        return $proc;
    }

    /**
     * A PHP command that loads the extension under test (this PHPUnit process loads it
     * with -d, which a child started by the module would not inherit): the "PHP binary"
     * setting of Settings > Cron points at it.
     */
    protected function phpWithExtension(): string
    {
        $wrapper = self::root() . '/php-with-puqkvm';
        file_put_contents($wrapper, "#!/bin/sh\nexec " . escapeshellarg(PHP_BINARY) . ' -d '
            . escapeshellarg('extension=' . self::extensionPath()) . " \"\$@\"\n");
        chmod($wrapper, 0755);
        return $wrapper;
    }

    private function cronEnv(): array
    {
        return ['PATH' => getenv('PATH') ?: '/usr/bin:/bin', 'PUQKVM_ROOT' => dirname(__DIR__, 3)];
    }

    /** Runs cron passes until the VM rests (ready, remove, error_terminate). */
    protected function cronUntilRest(int $serviceId, int $passes = 6): string
    {
        $log = '';
        for ($i = 0; $i < $passes; $i++) {
            [$code, $out, $err] = $this->cron();
            $log .= $out . $err;
            $st = $this->status($serviceId);
            if (in_array($st, ['ready', 'remove', 'error_terminate'], true)) {
                return $st;
            }
            // a failed or waiting run comes back after its backoff: make it due now
            Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $serviceId)
                ->update(['next_run_at' => Capsule::raw('NOW()')]);
        }
        $this->fail("service $serviceId did not come to rest (status " . $this->status($serviceId) . "):\n$log");
    }

    protected function waitFor(callable $cond, float $seconds, string $what): void
    {
        $end = microtime(true) + $seconds;
        while (microtime(true) < $end) {
            if ($cond()) {
                return;
            }
            usleep(50000);
        }
        $this->fail("timed out waiting for $what");
    }

    /* ---- the simulator and PowerDNS ---- */

    protected function sim(string $method, string $name, ?array $body = null): mixed
    {
        $ch = curl_init('https://127.0.0.1:' . self::$simInfo['port'] . "/__sim/$name");
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_SSL_VERIFYPEER => false, CURLOPT_SSL_VERIFYHOST => 0,
            CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
            CURLOPT_POSTFIELDS => $body === null ? null : json_encode($body)]);
        $out = curl_exec($ch);
        curl_close($ch);
        return json_decode((string) $out, true);
    }

    protected function simVm(int $vmid): ?array
    {
        return $this->sim('GET', "vm?vmid=$vmid");
    }

    protected function simCalls(string $endpoint): int
    {
        return (int) ($this->sim('GET', 'counters')['endpoints'][$endpoint] ?? 0);
    }

    protected function simApi(string $method, string $path, string $form = ''): int
    {
        $ch = curl_init('https://127.0.0.1:' . self::$simInfo['port'] . "/api2/json$path");
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_SSL_VERIFYPEER => false, CURLOPT_SSL_VERIFYHOST => 0,
            CURLOPT_HTTPHEADER => ['Authorization: PVEAPIToken=automation@pve!ci=' . self::TOKEN_SECRET],
            CURLOPT_POSTFIELDS => $form === '' ? null : $form]);
        curl_exec($ch);
        $code = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        return $code;
    }

    private static function pdnsEnv(string $name): string
    {
        return TestDbServer::env($name);
    }

    protected function pdns(string $method, string $path, ?array $body = null): array
    {
        $ch = curl_init(self::pdnsEnv('PUQKVM_PDNS_API_URL') . "/api/v1/servers/localhost$path");
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['X-API-Key: ' . self::pdnsEnv('PUQKVM_PDNS_API_KEY'),
                'Content-Type: application/json'],
            CURLOPT_POSTFIELDS => $body === null ? null : json_encode($body)]);
        $out = curl_exec($ch);
        $code = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        curl_close($ch);
        return [$code, (string) $out];
    }

    /** What PowerDNS answers over DNS (dig +short). */
    protected function dig(string $name, string $type): string
    {
        $port = self::pdnsEnv('PUQKVM_PDNS_DNS_PORT');
        $cmd = sprintf('dig @127.0.0.1 -p %d +short %s %s', (int) $port, escapeshellarg($type), escapeshellarg($name));
        return trim((string) shell_exec($cmd));
    }
}

/** The settings scripts/services wrote (.state/services.env), or the environment's. */
final class TestDbServer
{
    public static function env(string $name): string
    {
        $v = getenv($name);
        if (is_string($v) && $v !== '') {
            return $v;
        }
        $file = (getenv('PUQKVM_STATE_DIR') ?: dirname(__DIR__, 3) . '/.state') . '/services.env';
        foreach (is_readable($file) ? file($file, FILE_IGNORE_NEW_LINES) : [] as $line) {
            if (str_starts_with($line, "$name=")) {
                return substr($line, strlen($name) + 1);
            }
        }
        return '';
    }
}
