<?php

/*
 * The legacy endpoint modules/servers/puqProxmoxKVM/lib/dns/dns.php, requested over
 * HTTP the way an external DNS script requests it: PHP's built-in server serves the
 * harness root (which gets the init.php a WHMCS root has), so the file boots WHMCS from
 * above itself as it does in a real installation. Checked: an empty allowlist denies
 * everyone, a list without the client denies it, a matching address or prefix gets the
 * {forward, ip, reverse} array; the .htaccess shipped next to it denies by default.
 */

use WhmcsHarness\Environment;

final class DnsLegacyEndpointTest extends HarnessTestCase
{
    /** @var resource|null */
    private $server = null;
    private int $port = 0;

    protected function setUp(): void
    {
        parent::setUp();
        $this->activateAddon();
        // the WHMCS root's init.php: what WHMCS's own does for a module, the harness way
        file_put_contents(self::root() . '/init.php', "<?php\nrequire_once "
            . var_export(dirname(__DIR__) . '/bootstrap.php', true) . ";\n");
        $this->port = 20000 + getmypid() % 20000;
        $cmd = [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), '-S', "127.0.0.1:{$this->port}",
            '-t', self::root()];
        $env = ['PUQKVM_WHMCS_ROOT' => self::root(), 'PATH' => getenv('PATH') ?: '/usr/bin:/bin'];
        $this->server = proc_open($cmd, [1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
            $pipes, null, $env);
        for ($i = 0; $i < 100; $i++) {
            $s = @fsockopen('127.0.0.1', $this->port);
            if ($s) {
                fclose($s);
                break;
            }
            usleep(50000);
        }
    }

    protected function tearDown(): void
    {
        if ($this->server) {
            proc_terminate($this->server);
            proc_close($this->server);
        }
        @unlink(self::root() . '/init.php');
        parent::tearDown();
    }

    /** @return array{int, mixed} */
    private function fetch(): array
    {
        $ch = curl_init("http://127.0.0.1:{$this->port}/modules/servers/puqProxmoxKVM/lib/dns/dns.php");
        curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_TIMEOUT => 20]);
        $body = (string) curl_exec($ch);
        $status = curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
        $type = (string) curl_getinfo($ch, CURLINFO_CONTENT_TYPE);
        curl_close($ch);
        $this->assertStringStartsWith('application/json', $type, $body);
        return [$status, json_decode($body, true)];
    }

    private function allow(string $list): void
    {
        puqkvm_settings_save(['dns_endpoint_allowlist' => $list]);
    }

    public function testTheAllowlistDecidesAndTheMappingComesFromTheDesiredRecords(): void
    {
        puqkvm_dns_create([
            ['service_id' => 11, 'fqdn' => 'vlan-1-4779.vps.uuq.pl', 'main_ipv4' => '192.168.0.2',
                'addresses' => ['192.168.0.2' => 'mail.uuq.pl', '2001:db8::2' => null]],
            ['service_id' => 12, 'fqdn' => 'vps-1-4780.vps.uuq.pl', 'main_ipv4' => '192.168.0.3',
                'addresses' => ['192.168.0.3' => 'test.vps.uuq.pl']],
        ]);
        [$status, $body] = $this->fetch();
        $this->assertSame(403, $status); // empty list: nobody
        $this->assertStringContainsString('allowlist', $body['error']);
        $this->allow("10.0.0.0/8\n192.0.2.7");
        [$status] = $this->fetch();
        $this->assertSame(403, $status);
        $this->allow("10.0.0.0/8\n127.0.0.0/8");
        [$status, $body] = $this->fetch();
        $this->assertSame(200, $status);
        $this->assertSame([
            ['forward' => 'vlan-1-4779.vps.uuq.pl', 'ip' => '192.168.0.2', 'reverse' => 'mail.uuq.pl'],
            ['forward' => 'vlan-1-4779.vps.uuq.pl', 'ip' => '2001:db8::2', 'reverse' => 'vlan-1-4779.vps.uuq.pl'],
            ['forward' => 'vps-1-4780.vps.uuq.pl', 'ip' => '192.168.0.3', 'reverse' => 'test.vps.uuq.pl'],
        ], $body);
        // a terminated service's addresses leave the mapping
        puqkvm_dns_delete([11]);
        [, $body] = $this->fetch();
        $this->assertSame(['192.168.0.3'], array_column($body, 'ip'));
    }

    public function testTheShippedHtaccessDeniesEveryone(): void
    {
        $htaccess = (string) file_get_contents(dirname(__DIR__, 3)
            . '/whmcs-module/modules/servers/puqProxmoxKVM/lib/dns/.htaccess');
        $this->assertMatchesRegularExpression('/^\s*Require all denied$/m', $htaccess);
        $this->assertMatchesRegularExpression('/^\s*Deny from all$/m', $htaccess);
        $this->assertDoesNotMatchRegularExpression('/^\s*(Require ip|Allow from)/m', $htaccess);
    }
}
