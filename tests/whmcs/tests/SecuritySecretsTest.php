<?php

/*
 * No secret leaves the server. Every secret the module holds gets a distinctive canary
 * value - the Proxmox API token secrets of a working and of a refused server entry, a
 * Cloudflare API token, a HestiaCP password, PowerDNS API keys (a refused one and the
 * real one of scripts/services), the database password (the real one, and a wrong one
 * WHMCS could be configured with), the client's service password - and then the module
 * is made to talk about them as much as it can: deploys whose Proxmox calls are refused,
 * DNS syncs to providers that refuse or do not answer, the Test buttons, Test Connection,
 * the product loaders, every admin page and JSON endpoint over HTTP, the service tab,
 * the client area's page and every read it offers, exceptions with their stack traces
 * (arguments included), a cron run against a database that refuses the password.
 *
 * Collected and searched for each canary (and for its first 12 characters, which is
 * what a stack trace keeps of a string argument): every HTML page and JSON answer, the
 * cron runs' stdout and stderr, PHP's error log of the web server and of cron, every row
 * of every table (the module log, the activity log, run logs, the outbox, ...) except
 * the columns a secret is stored in, and the files in tests/artifacts. The one place a
 * secret is meant to be is the e-mail that gives the client their VM's password.
 */

use PuqKvm\Test\Security\EndpointScan;
use PuqKvm\Test\Security\HttpFront;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\Router;
use WhmcsHarness\AdminSession;
use WhmcsHarness\ClientSession;
use WhmcsHarness\Crypto;
use WhmcsHarness\Environment;
use WhmcsHarness\ServiceParams;

require_once __DIR__ . '/ClientAreaTestCase.php';
require_once __DIR__ . '/security/EndpointScan.php';
require_once __DIR__ . '/security/HttpFront.php';

final class SecuritySecretsTest extends ClientAreaTestCase
{
    private const PVE_REFUSED = 'CanaryPveRefused-5f1b9c2e77aa4d1b';
    private const CF_TOKEN = 'CanaryCfToken-9d2c41e8b7';
    private const HE_PASSWORD = 'CanaryHePassword-3a7e95d0';
    private const PD_KEY = 'CanaryPdKey-b64c12f7e0';
    private const DB_PASSWORD_WRONG = 'CanaryDbWrong-41c0d9aa';
    private const SERVICE_PASSWORD = 'CanarySvcPass-8e21f0';

    /** Columns that are where a secret is kept (encrypted by WHMCS, or the zone's own). */
    private const STORED = ['tblservers.password', 'tblhosting.password', 'puq_proxmox_kvm_dns_zones.api_token',
        'puq_proxmox_kvm_dns_zones.admin_password', 'puq_proxmox_kvm_dns_zones.api_key'];

    /** Where a secret is meant to go: the client's own password, in the e-mail WHMCS sent them. */
    private const MEANT_FOR = ['service password' => ['table tblemails']];

    private string $work = '';
    /** @var array<string, string> what was collected: where => text */
    private array $seen = [];
    /** @var list<int> */
    private array $services = [];

    protected function setUp(): void
    {
        parent::setUp();
        Environment::setSetting('ModuleDebugMode', 'on');
        $this->work = self::root() . '/secrets-' . bin2hex(random_bytes(4));
        mkdir($this->work);
    }

    protected function tearDown(): void
    {
        exec('rm -rf ' . escapeshellarg($this->work));
        parent::tearDown();
    }

    /** @return array<string, string> name => canary */
    private function canaries(): array
    {
        return ['Proxmox token secret' => self::TOKEN_SECRET, 'refused Proxmox token secret' => self::PVE_REFUSED,
            'Cloudflare API token' => self::CF_TOKEN, 'HestiaCP password' => self::HE_PASSWORD,
            'refused PowerDNS API key' => self::PD_KEY, 'PowerDNS API key' => TestDbServer::env('PUQKVM_PDNS_API_KEY'),
            'database password' => TestDbServer::env('PUQKVM_DB_PASS'), 'wrong database password' => self::DB_PASSWORD_WRONG,
            'service password' => self::SERVICE_PASSWORD];
    }

    public function testNoSecretInAnyPageAnswerLogTableOrOutput(): void
    {
        $this->world();
        $this->cronRuns();
        $this->exceptions();
        $this->moduleFunctions();
        $this->overHttp();
        $this->wrongDatabasePassword();
        $this->tables();
        $this->artifacts();

        $this->assertGreaterThan(60, count($this->seen), 'pages, answers, logs and outputs were collected');
        $this->assertNotSame(0, Capsule::table('tblmodulelog')->count(), 'the module log has entries to search');
        $all = implode("\n", $this->seen);
        foreach (['Proxmox VE: HTTP 401', 'PowerDNS refused the API key (HTTP 401)', 'Cloudflare API unreachable',
            'HestiaCP connection failed', 'Access denied for user'] as $failure) {
            $this->assertStringContainsString($failure, $all, 'every provider failed and said so');
        }
        foreach ($this->canaries() as $name => $canary) {
            $this->assertGreaterThanOrEqual(12, strlen($canary), $name);
            foreach ([$canary, substr($canary, 0, 12)] as $needle) {
                foreach ($this->seen as $where => $text) {
                    if (in_array($where, self::MEANT_FOR[$name] ?? [], true)) {
                        continue;
                    }
                    $this->assertStringNotContainsString($needle, $text, "the $name appears in $where");
                }
            }
        }
    }

    /* ---- the world: a working and a refused server, failing DNS zones, their VMs ---- */

    private function world(): void
    {
        $this->services[] = $this->deployed();
        $refused = (int) Capsule::table('tblservers')->insertGetId($this->whmcsRow('tblservers', [
            'name' => 'pve-refused', 'ipaddress' => '127.0.0.1', 'hostname' => '127.0.0.1',
            'port' => self::$simInfo['port'], 'type' => 'puqProxmoxKVM', 'username' => 'automation@pve!ci',
            'password' => Crypto::encrypt(self::PVE_REFUSED), 'accesshash' => 'fingerprint=' . self::$simInfo['fingerprint'],
            'secure' => 'on', 'active' => 1]));
        $zones = ['cloudflare' => ['zone_id' => '023e105f4ecef8ad9ca31a8372d0c353', 'account_id' => '',
            'api_token' => self::CF_TOKEN],
            'hestiacp' => ['server_url' => 'https://127.0.0.1:1', 'admin_user' => 'admin',
                'admin_password' => self::HE_PASSWORD, 'user' => 'client1'],
            'powerdns' => ['server_url' => TestDbServer::env('PUQKVM_PDNS_API_URL'), 'api_key' => self::PD_KEY]];
        foreach ($zones as $type => $fields) {
            $domain = substr($type, 0, 2) . getmypid() . bin2hex(random_bytes(3)) . '.test';
            puqkvm_dns_zone_create(['type' => $type, 'zone' => $domain] + $fields);
            // a VM named in that zone: its records go to the provider that fails
            $this->services[] = $this->order($this->product(['main_domain' => $domain] + self::BACKUPS));
        }
        // a VM on the server whose token Proxmox refuses (with addresses of its own)
        puqkvm_pool_create(['server' => $refused, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
            'gateway' => '198.51.100.1', 'mask' => '24', 'dns1' => '', 'dns2' => '', 'start' => '198.51.100.10',
            'stop' => '198.51.100.20']);
        $sid = $this->service($this->product(['ipv6_count' => '0']));
        Capsule::table('tblhosting')->where('id', $sid)->update(['server' => $refused]);
        $this->assertSame('success', puqProxmoxKVM_CreateAccount($this->params($sid)));
        $this->services[] = $sid;
        Capsule::table('tblhosting')->whereIn('id', $this->services)
            ->update(['password' => Crypto::encrypt(self::SERVICE_PASSWORD)]);
    }

    /* ---- cron.php as the system crontab runs it, with PHP's error log ---- */

    private function cronRuns(): void
    {
        for ($i = 0; $i < 4; $i++) {
            $this->cronRun(['--task=processVirtualMachines'], "cron run $i");
            Capsule::table('puqProxmoxKVM_vm_info')->whereIn('service_id', $this->services)
                ->update(['next_run_at' => Capsule::raw('NOW()')]);
        }
        $this->cronRun([], 'cron run of every task');
    }

    private function cronRun(array $args, string $what): void
    {
        $log = "$this->work/cron-error.log";
        $cmd = array_merge([PHP_BINARY, '-d', 'extension=' . self::extensionPath(),
            '-d', 'puqkvm.cloudflare_api=https://127.0.0.1:1/client/v4', '-d', 'log_errors=1', '-d', "error_log=$log",
            '-d', 'zend.exception_ignore_args=0', self::root() . '/modules/addons/puq_proxmox_kvm/cron.php'], $args);
        $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['PATH' => getenv('PATH') ?: '/usr/bin:/bin', 'PUQKVM_ROOT' => dirname(__DIR__, 3)]);
        $this->seen["$what: stdout"] = (string) stream_get_contents($pipes[1]);
        $this->seen["$what: stderr"] = (string) stream_get_contents($pipes[2]);
        fclose($pipes[1]);
        fclose($pipes[2]);
        proc_close($proc);
        $this->seen["$what: PHP error log"] = is_file($log) ? (string) file_get_contents($log) : '';
    }

    /* ---- exceptions with their traces, arguments included ---- */

    private function exceptions(): void
    {
        $previous = ini_set('zend.exception_ignore_args', '0');
        $server = ['hostname' => '127.0.0.1', 'port' => '1', 'username' => 'automation@pve!ci',
            'password' => self::PVE_REFUSED, 'secure' => true];
        $calls = [
            'puqkvm_pve_test_connection' => static fn () => puqkvm_pve_test_connection($server),
            'puqkvm_pve_nodes' => static fn () => puqkvm_pve_nodes($server),
            'puqkvm_dns_zone_create' => static fn () => puqkvm_dns_zone_create(['type' => 'powerdns',
                'zone' => 'not a zone', 'server_url' => 'nope', 'api_key' => self::PD_KEY . ' blank']),
            'puqkvm_client_call' => fn () => puqkvm_client_call(['password' => self::PVE_REFUSED] + $server,
                $this->services[0], $this->clientId, 'overview'),
            'puqkvm_db_configure' => static function () {
                puqkvm_db_configure(['db_host' => '127.0.0.1', 'db_port' => TestDbServer::env('PUQKVM_DB_PORT'),
                    'db_username' => TestDbServer::env('PUQKVM_DB_USER'), 'db_password' => self::DB_PASSWORD_WRONG,
                    'db_name' => 'x']);
                return puqkvm_settings_get(); // the connection is made here, and refused
            },
        ];
        foreach ($calls as $name => $call) {
            try {
                $result = $call();
                $this->seen["$name answer"] = json_encode($result);
            } catch (\Throwable $e) {
                $this->seen["$name exception"] = get_class($e) . ': ' . $e->getMessage() . "\n" . $e->getTraceAsString()
                    . "\n" . json_encode($e instanceof \PuqKvm\ValidationException ? $e->getErrors() : []);
            }
        }
        // the extension's own connection again, as it was before puqkvm_db_configure above
        $this->testDb->configure();
        ini_set('zend.exception_ignore_args', (string) $previous);
    }

    /* ---- what WHMCS calls: Test Connection, the product loaders, the tab ---- */

    private function moduleFunctions(): void
    {
        $previous = ini_set('zend.exception_ignore_args', '0');
        $refused = ServiceParams::forService(end($this->services));
        foreach (['TestConnection', 'LoaderNodes', 'LoaderTemplates', 'LoaderStorages', 'AdminServicesTabFields',
            'ClientArea', 'Start', 'Reinstall'] as $function) {
            foreach (['working' => $this->params($this->services[0]), 'refused' => $refused] as $server => $params) {
                $where = "puqProxmoxKVM_$function ($server server)";
                try {
                    $this->seen[$where] = json_encode(("puqProxmoxKVM_$function")($params), JSON_PARTIAL_OUTPUT_ON_ERROR);
                } catch (\Throwable $e) {
                    // the loaders throw for WHMCS to show the message beside the setting
                    $this->seen[$where] = get_class($e) . ': ' . $e->getMessage() . "\n" . $e->getTraceAsString();
                }
            }
        }
        ini_set('zend.exception_ignore_args', (string) $previous);
    }

    /* ---- every admin page and JSON answer, the service pages, the client area ---- */

    private function overHttp(): void
    {
        AdminSession::createAdmin('admin', 'sec-admin-pass');
        ClientSession::setPassword($this->clientId, 'sec-client-pass');
        $log = "$this->work/server.log";
        $front = new HttpFront(self::root(), self::extensionPath(), true,
            ['puqkvm.cloudflare_api' => 'https://127.0.0.1:1/client/v4', 'log_errors' => '1', 'error_log' => $log,
                'zend.exception_ignore_args' => '0'], $log);
        try {
            $admin = $front->visitor();
            $token = $admin->loginAdmin('admin', 'admin', 'sec-admin-pass');
            $addon = '/admin/addonmodules.php?module=' . self::MODULE;
            foreach (EndpointScan::addon(Router::ROUTES)['endpoints'] as $e) {
                if ($e['method'] !== 'GET') {
                    continue;
                }
                foreach ($this->services as $sid) {
                    $query = ['action' => $e['action'], 'op' => $e['op'], 'id' => $sid, 'ip' => '192.0.2.1',
                        'mask' => '24', 'limit' => '100'];
                    foreach (['page' => [], 'JSON' => ['ajax' => '1']] as $style => $extra) {
                        $url = "$addon&" . http_build_query($query + $extra);
                        $this->seen["GET $url"] = $admin->get($url)['body'];
                    }
                    if ($e['op'] === '') {
                        break; // a page without an op does not depend on the service
                    }
                }
            }
            // the Test button of every zone, as the page's script and as a plain form
            foreach (Capsule::table('puq_proxmox_kvm_dns_zones')->pluck('id') as $zone) {
                $answer = $admin->post("$addon&action=dns_zones&ajax=1", ['op' => 'test', 'id' => $zone, 'token' => $token]);
                $this->seen["Test of zone $zone"] = $answer['body'];
                $admin->post("$addon&action=dns_zones", ['op' => 'test', 'id' => $zone, 'token' => $token]);
                $this->seen["DNS Zones after the Test of zone $zone"] = $admin->get("$addon&action=dns_zones")['body'];
            }
            foreach ($this->services as $sid) {
                $this->seen["service page $sid"] = $admin->get("/admin/clientsservices.php?id=$sid")['body'];
            }
            $client = $front->visitor();
            $client->loginClient('ada@example.test', 'sec-client-pass', $this->services[0]);
            foreach ($this->services as $sid) {
                $page = "/clientarea.php?action=productdetails&id=$sid";
                $this->seen["client area $sid"] = $client->get($page)['body'];
                foreach (puqkvm_client_actions() as $action => $a) {
                    if (!$a['write']) {
                        $this->seen["client area $sid $action"] = $client->get("$page&modop=custom&a=ClientApi&do=$action"
                            . '&args=' . rawurlencode('{"timeframe":"day"}'))['body'];
                    }
                }
            }
        } finally {
            $front->stop();
        }
        $this->seen['web server log'] = is_file($log) ? (string) file_get_contents($log) : '';
        $this->seen['localAPI calls but e-mails'] = implode("\n", array_filter(
            file(self::root() . '/harness/localapi.jsonl') ?: [],
            static fn ($line) => !str_contains($line, '"command":"SendEmail"')));
    }

    /* ---- WHMCS configured with a database password the server refuses ---- */

    private function wrongDatabasePassword(): void
    {
        $config = $this->testDb->config();
        Environment::install(self::root(), ['db_password' => self::DB_PASSWORD_WRONG] + $config);
        try {
            $this->cronRun(['--task=processVirtualMachines'], 'cron run with a wrong database password');
        } finally {
            Environment::install(self::root(), $config);
        }
        // WHMCS's own bootstrap is what meets the refusal first, and what it prints is searched too
        $this->assertStringContainsString('Access denied',
            $this->seen['cron run with a wrong database password: PHP error log']);
    }

    /* ---- every row of every table, but where secrets are kept ---- */

    private function tables(): void
    {
        foreach (Capsule::select('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()')
            as $table) {
            $rows = [];
            foreach (Capsule::select("SELECT * FROM `$table->t`") as $row) {
                $row = (array) $row;
                foreach (self::STORED as $stored) {
                    [$t, $column] = explode('.', $stored);
                    if ($t === $table->t) {
                        unset($row[$column]);
                    }
                }
                $rows[] = implode("\t", array_map(static fn ($v) => (string) $v, $row));
            }
            $this->seen["table $table->t"] = implode("\n", $rows);
        }
        $this->assertGreaterThan(0, Capsule::table('puq_proxmox_kvm_vm_runs')->where('result', 'error')->count(),
            'a run failed and was logged');
    }

    private function artifacts(): void
    {
        foreach (glob(dirname(__DIR__, 2) . '/artifacts/*') ?: [] as $file) {
            $this->seen['artifact ' . basename($file)] = (string) file_get_contents($file);
        }
    }
}
