<?php

/*
 * The main job (issue 9 §1): scripts/demo --no-serve --no-setup end to end, as a user
 * runs it - the simulator started, the world created, a VM ordered and deployed by cron
 * ticks - on a database, zones, networks and a folder of this test's own, so a demo
 * someone is looking at is left alone. The VM must be ready and PowerDNS must answer
 * for its name and both addresses, in the demo's report and to dig run here.
 */

require_once __DIR__ . '/ProvisioningTestCase.php';

use PHPUnit\Framework\TestCase;
use PuqKvm\Test\TestDb;

final class DemoTest extends TestCase
{
    private string $dir = '';
    private string $db = '';
    /** @var list<string> */
    private array $zones = [];

    protected function tearDown(): void
    {
        foreach ($this->zones as $zone) {
            $this->pdns('DELETE', "/zones/$zone.");
        }
        if ($this->db !== '') {
            TestDb::attach($this->db, false)->drop();
        }
        if ($this->dir !== '') {
            exec('rm -rf ' . escapeshellarg($this->dir));
        }
    }

    public function testTheDemoDeploysAVmThatPowerDnsAnswersFor(): void
    {
        $root = getenv('PUQKVM_ROOT') ?: dirname(__DIR__, 3);
        $tag = getmypid() . bin2hex(random_bytes(2));
        $this->dir = sys_get_temp_dir() . "/puqkvm-demo-test-$tag";
        $this->db = "puqkvm_t_demo$tag";
        $domain = "demo$tag.test";
        $net4 = sprintf('10.%d.%d', random_int(1, 250), random_int(1, 250));
        $net6 = sprintf('2001:db8:%x:%x', random_int(1, 0xfffe), random_int(1, 0xfffe));
        $this->zones = [$domain, implode('.', array_reverse(explode('.', $net4))) . '.in-addr.arpa'];
        $env = ['PATH' => getenv('PATH') ?: '/usr/bin:/bin', 'HOME' => getenv('HOME') ?: '/root',
            'PUQKVM_DEMO_DIR' => $this->dir, 'PUQKVM_DEMO_DB' => $this->db, 'PUQKVM_DEMO_DOMAIN' => $domain,
            'PUQKVM_DEMO_NET4' => $net4, 'PUQKVM_DEMO_NET6' => $net6];
        foreach (['PUQKVM_STATE_DIR'] as $name) {
            if (getenv($name) !== false) {
                $env[$name] = getenv($name);
            }
        }

        $t = microtime(true);
        $proc = proc_open(["$root/scripts/demo", '--no-setup', '--no-serve', '--sim-port=0'],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['redirect', 1]], $pipes, $root, $env);
        $out = (string) stream_get_contents($pipes[1]);
        fclose($pipes[1]);
        $code = proc_close($proc);
        $seconds = microtime(true) - $t;
        $this->zones[] = $this->reverse6($out);
        $this->assertSame(0, $code, $out);
        $this->assertLessThan(180, $seconds, 'under three minutes');

        // the deploy ran in the cron ticks, with live output, to ready
        $this->assertStringContainsString('CreateAccount answered "success"', $out);
        $this->assertMatchesRegularExpression('/--- Deploy complete: service=\d+ vm=\d+ status=ready ---/', $out);
        $this->assertMatchesRegularExpression('/VM of service #\d+: web\d+ \(VMID \d+ on pve\d\), status ready/', $out);
        $this->assertMatchesRegularExpression('/15\. Check VM is running +success +starting -> ready/', $out);
        $this->assertSame(1, preg_match("/IPv4 ($net4\\.\\d+)\\/24 gateway $net4\\.1/", $out, $v4), $out);
        $this->assertSame(1, preg_match('/IPv6 (' . preg_quote($net6, '/') . '::[0-9a-f]+)\/64/', $out, $v6), $out);
        $this->assertSame(1, preg_match("/domain (web\\d+\\.$domain),/", $out, $fqdn), $out);

        // PowerDNS answers, in the report and here
        $answers = [[$fqdn[1] . "' A", $v4[1]], [$fqdn[1] . "' AAAA", $v6[1]],
            ["-x '$v4[1]'", "$fqdn[1]."], ["-x '$v6[1]'", "$fqdn[1]."]];
        foreach ($answers as [$query, $answer]) {
            $this->assertMatchesRegularExpression('/' . preg_quote($query, '/') . "\n +" . preg_quote($answer, '/')
                . "\n/", $out);
        }
        $port = (int) $this->env('PUQKVM_PDNS_DNS_PORT');
        $dig = static fn (string $args) => trim((string) shell_exec("dig @127.0.0.1 -p $port +short $args"));
        $this->assertSame($v4[1], $dig(escapeshellarg($fqdn[1]) . ' A'));
        $this->assertSame($v6[1], $dig(escapeshellarg($fqdn[1]) . ' AAAA'));
        $this->assertSame("$fqdn[1].", $dig('-x ' . escapeshellarg($v4[1])));
        $this->assertSame("$fqdn[1].", $dig('-x ' . escapeshellarg($v6[1])));
        // --no-serve: nothing is left running
        $this->assertFileDoesNotExist("$this->dir/sim.pid");
        $this->assertStringContainsString('puqkvm demo done', $out);
    }

    /** The IPv6 reverse zone the demo created, from its output. */
    private function reverse6(string $out): string
    {
        return preg_match('/DNS zone #\d+ (\S+\.ip6\.arpa) /', $out, $m) ? $m[1] : 'none.invalid';
    }

    private function env(string $name): string
    {
        return TestDbServer::env($name);
    }

    private function pdns(string $method, string $path): void
    {
        $ch = curl_init($this->env('PUQKVM_PDNS_API_URL') . "/api/v1/servers/localhost$path");
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['X-API-Key: ' . $this->env('PUQKVM_PDNS_API_KEY')]]);
        curl_exec($ch);
        curl_close($ch);
    }
}
