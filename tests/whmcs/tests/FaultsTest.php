<?php

/*
 * Faults (issue 9 §3), end to end through cron.php workers:
 *
 *   - Proxmox answering 5% of requests with HTTP 500, leaving 2% unanswered (the client
 *     times out) and failing 2% of its tasks: every VM ends ready, removed, or in an
 *     explicit error state with its log, and the invariants of ResilienceTestCase hold;
 *   - every DNS provider down (PowerDNS unreachable, the Cloudflare and HestiaCP
 *     simulators failing): deploys and a terminate finish regardless, and once the
 *     providers are back one "Set DNS records" makes every zone converge - the records
 *     written during the outage appear, the terminated VM's disappear - checked with
 *     dig against PowerDNS and in the simulators' state.
 *
 * scripts/test runs a few dozen VMs; PUQKVM_FAULTS_VMS=N makes the first test bigger
 * (scripts/chaos --faults).
 */

require_once __DIR__ . '/ResilienceTestCase.php';

use WHMCS\Database\Capsule;

final class FaultsTest extends ResilienceTestCase
{
    /** @var list<resource> DNS simulators of this test */
    private array $dnsSims = [];
    private string $cloudflareApi = '';

    protected function tearDown(): void
    {
        foreach ($this->dnsSims as $p) {
            proc_terminate($p);
            proc_close($p);
        }
        parent::tearDown();
    }

    protected function cronCommand(array $args): array
    {
        $cmd = parent::cronCommand($args);
        if ($this->cloudflareApi !== '') { /* a system INI setting, as on a test install */
            array_splice($cmd, 1, 0, ['-d', "puqkvm.cloudflare_api=$this->cloudflareApi"]);
        }
        return $cmd;
    }

    public function testProxmoxFaultsEndEveryVmReadyOrInAnExplicitErrorState(): void
    {
        $n = (int) (getenv('PUQKVM_FAULTS_VMS') ?: 24);
        $seed = random_int(1, 2 ** 31 - 1);
        mt_srand($seed);
        self::say("faults: seed=$seed vms=$n");
        // a timed-out request costs its timeout: short ones keep the test short
        puqkvm_settings_save(['default_timeout' => 2, 'heavy_timeout' => 4]);
        $this->sim('POST', 'knobs', ['error500Rate' => 0.05, 'timeoutRate' => 0.02, 'taskFailRate' => 0.02,
            'taskMsByType' => ['qmclone' => 100]]);
        if ($n > 150) {
            $this->addIpv4Pool();
        }
        $ids = [];
        for ($i = 0; $i < $n; $i++) {
            $ids[] = $this->order();
        }
        $terminate = array_slice($ids, 0, intdiv($n, 3));
        $terminated = [];
        $this->startWorker('');
        $this->startWorker('');
        $t0 = microtime(true);
        $limit = max(90, $n * 3);
        while (true) {
            foreach ($terminate as $id) {
                if (!isset($terminated[$id]) && $this->status($id) === 'ready') {
                    $this->assertSame('success', puqProxmoxKVM_TerminateAccount($this->params($id)));
                    $terminated[$id] = true;
                }
            }
            foreach ($this->reapWorkers() as $end) {
                $this->fail("a worker ended by itself (exit {$end['code']}): " . substr($end['log'], -2000));
            }
            $this->hurryBackoff();
            $rest = Capsule::table('puqProxmoxKVM_vm_info')->whereIn('service_id', $ids)
                ->pluck('vm_status', 'service_id')->all();
            $done = true;
            foreach ($ids as $id) {
                $want = isset($terminated[$id]) ? ['remove', 'error_terminate']
                    : (in_array($id, $terminate, true) ? [] : ['ready']);
                $done = $done && in_array($rest[$id], $want, true);
            }
            if ($done || microtime(true) - $t0 > $limit) {
                break;
            }
            usleep(100000);
        }
        $this->stopWorkers();
        $this->sim('POST', 'knobs', ['error500Rate' => 0, 'timeoutRate' => 0, 'taskFailRate' => 0]);
        Capsule::table('puq_proxmox_kvm_outbox')->where('state', 'claimed')
            ->update(['lease_until' => Capsule::raw('NOW() - INTERVAL 1 SECOND')]);
        $this->cron(['--task=processVirtualMachines', '--service=' . $ids[count($ids) - 1]]);

        // what did not come to rest waits in an explicit error state, with its log
        $rows = Capsule::table('puqProxmoxKVM_vm_info')->whereIn('service_id', $ids)->get()->keyBy('service_id');
        $unsettled = [];
        foreach ($ids as $id) {
            $st = $rows[$id]->vm_status;
            if (!in_array($st, ['ready', 'remove', 'error_terminate'], true)) {
                $this->assertNotSame('', (string) $rows[$id]->last_error_message, "service $id ($st) says why");
                $this->assertGreaterThan(0, (int) $rows[$id]->attempts, "service $id is retried");
                $unsettled[] = $id;
            }
        }
        $gone = array_map('intval', array_keys($terminated));
        $live = array_values(array_diff($ids, $gone));
        $dnsFailed = $this->dnsFailures();
        $readyOne = current(array_filter($live, static fn ($id) => $rows[$id]->vm_status === 'ready'));
        if ($dnsFailed > 0 && $readyOne) {
            $this->setDnsRecords($readyOne);
        }
        $errorRuns = Capsule::table('puq_proxmox_kvm_vm_runs')->whereIn('service_id', $ids)->where('result', 'error')->count();
        $this->assertGreaterThan(0, $errorRuns, 'the faults happened');
        $figures = $this->assertWorldConsistent($live, $gone,
            array_merge($unsettled, array_keys(array_filter($rows->all(), static fn ($r) => $r->vm_status === 'error_terminate'))));
        self::say(sprintf('faults: seed=%d vms=%d in %.1f s; runs that failed and were retried %d; not settled %d; %s',
            $seed, $n, microtime(true) - $t0, $errorRuns, count($unsettled),
            implode(' ', array_map(static fn ($k, $v) => "$k=$v", array_keys($figures), $figures))));
    }

    public function testDnsProvidersDownDeploysFinishAndRecordsConvergeAfterASync(): void
    {
        [$cf, $cfPort] = $this->startDnsSim('cloudflare');
        [$he, $hePort] = $this->startDnsSim('hestia');
        $this->cloudflareApi = "http://127.0.0.1:$cfPort/client/v4";
        $rev4 = puqkvm_ip_rdns_zone("$this->net4.0", 24);
        $rev6 = puqkvm_ip_rdns_zone("$this->net6::", 64);
        // the forward zone at all three providers, each reverse zone at two
        $cfToken = 'cf-faults-token-' . bin2hex(random_bytes(4));
        $this->dnsSim($cfPort, 'POST', 'cf/tokens', ['token' => $cfToken]);
        $cfZones = [];
        foreach ([$this->domain, $rev6] as $zone) {
            $cfZones[$zone] = $this->dnsSim($cfPort, 'POST', 'cf/zones', ['name' => $zone])['id'];
            puqkvm_dns_zone_create(['type' => 'cloudflare', 'zone' => $zone, 'account_id' => '',
                'zone_id' => $cfZones[$zone], 'api_token' => $cfToken]);
        }
        $this->dnsSim($hePort, 'POST', 'hestia/users', ['user' => 'client1']);
        foreach ([$this->domain, $rev4] as $zone) {
            $this->dnsSim($hePort, 'POST', 'hestia/domains', ['user' => 'client1', 'domain' => $zone]);
            puqkvm_dns_zone_create(['type' => 'hestiacp', 'zone' => $zone, 'server_url' => "http://127.0.0.1:$hePort",
                'admin_user' => 'admin', 'admin_password' => 'hestia-admin-password', 'user' => 'client1']);
        }

        // A is deployed while everything works
        $a = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($a));
        $aIp = $this->mainIp($a, 4);
        $this->assertSame($aIp, $this->dig($this->fqdn($a), 'A'));

        // then every provider fails: PowerDNS unreachable, the simulators answer 500 or nothing
        $pdnsUrl = (string) Capsule::table('puq_proxmox_kvm_dns_zones')->where('type', 'powerdns')->value('server_url');
        Capsule::table('puq_proxmox_kvm_dns_zones')->where('type', 'powerdns')->update(['server_url' => 'http://127.0.0.1:9']);
        $this->dnsSim($cfPort, 'POST', 'faults', ['kind' => 'status', 'status' => 500, 'probability' => 1,
            'json' => ['success' => false, 'errors' => [['code' => 10000, 'message' => 'Internal error']],
                'messages' => [], 'result' => null]]);
        $this->dnsSim($hePort, 'POST', 'faults', ['kind' => 'reset', 'probability' => 1]);
        $b = $this->order();
        $c = $this->order();
        $this->assertSame('success', puqProxmoxKVM_TerminateAccount($this->params($a)));
        foreach ([$b, $c, $a] as $id) {
            $this->assertContains($this->cronUntilRest($id), ['ready', 'remove']);
        }
        $this->assertSame('ready', $this->status($b));
        $this->assertSame('ready', $this->status($c));
        $this->assertSame('remove', $this->status($a));
        $this->assertGreaterThan(0, $this->dnsFailures(), 'the DNS steps failed and said so');
        $this->assertSame('', $this->dig($this->fqdn($b), 'A'), 'nothing reached PowerDNS');
        $this->assertSame($aIp, $this->dig("vm$a.$this->domain", 'A'), 'the removal could not either');

        // the providers are back: one "Set DNS records" converges every zone
        Capsule::table('puq_proxmox_kvm_dns_zones')->where('type', 'powerdns')->update(['server_url' => $pdnsUrl]);
        $this->dnsSim($cfPort, 'DELETE', 'faults');
        $this->dnsSim($hePort, 'DELETE', 'faults');
        $this->setDnsRecords($b);

        $this->assertSame('', $this->dig("vm$a.$this->domain", 'A'), "the terminated VM's name is gone");
        $expect = ['fwd' => [], 'v4' => [], 'v6' => []];
        foreach ([$b, $c] as $id) {
            $fqdn = $this->fqdn($id);
            $v4 = $this->mainIp($id, 4);
            $v6 = $this->mainIp($id, 6);
            $this->assertSame($v4, $this->dig($fqdn, 'A'));
            $this->assertSame($v6, $this->dig($fqdn, 'AAAA'));
            $this->assertSame("$fqdn.", $this->digReverse($v4));
            $this->assertSame("$fqdn.", $this->digReverse($v6));
            $expect['fwd'][] = "$fqdn A $v4";
            $expect['fwd'][] = "$fqdn AAAA $v6";
            $expect['v4'][] = $v4;
            $expect['v6'][] = $v6;
        }
        sort($expect['fwd']);
        // Cloudflare: the forward zone and the IPv6 reverse zone
        $cfFwd = [];
        foreach ($this->dnsSim($cfPort, 'GET', "cf/records?zone_id={$cfZones[$this->domain]}") as $r) {
            $cfFwd[] = "{$r['name']} {$r['type']} {$r['content']}";
        }
        sort($cfFwd);
        $this->assertSame($expect['fwd'], $cfFwd);
        $cfPtr = array_map(static fn ($r) => $r['content'],
            $this->dnsSim($cfPort, 'GET', "cf/records?zone_id={$cfZones[$rev6]}"));
        sort($cfPtr);
        $this->assertSame([$this->fqdn(min($b, $c)), $this->fqdn(max($b, $c))], $cfPtr);
        // HestiaCP: the forward zone's module records and the IPv4 reverse zone
        $heFwd = [];
        foreach ($this->dnsSim($hePort, 'GET', "hestia/records?user=client1&domain=$this->domain") as $r) {
            if (preg_match('/^vm\d+$/', $r['RECORD'])) {
                $heFwd[] = "{$r['RECORD']}.$this->domain {$r['TYPE']} {$r['VALUE']}";
            }
        }
        sort($heFwd);
        $this->assertSame($expect['fwd'], $heFwd);
        $hePtr = [];
        foreach ($this->dnsSim($hePort, 'GET', "hestia/records?user=client1&domain=$rev4") as $r) {
            if ($r['TYPE'] === 'PTR') {
                $hePtr[] = rtrim($r['VALUE'], '.');
            }
        }
        sort($hePtr);
        $this->assertSame([$this->fqdn(min($b, $c)), $this->fqdn(max($b, $c))], $hePtr);
        $this->assertSame(0, Capsule::table('puq_proxmox_kvm_dns_records')->whereNotNull('last_error')->count(),
            'nothing left to retry');
    }

    /* ---- helpers ---- */

    private function fqdn(int $id): string
    {
        return (string) $this->vmRow($id)->fqdn;
    }

    private function mainIp(int $id, int $family): string
    {
        $ip = (string) Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $id)
            ->where('family', $family)->where('live', 1)->orderByDesc('is_main')->orderBy('id')->value('ip');
        return $ip === '' ? '' : inet_ntop(inet_pton($ip));
    }

    private function digReverse(string $ip): string
    {
        $port = TestDbServer::env('PUQKVM_PDNS_DNS_PORT');
        return trim((string) shell_exec(sprintf('dig @127.0.0.1 -p %d +short -x %s', (int) $port, escapeshellarg($ip))));
    }

    /** Starts tests/sim/<name>/server.js; returns the process and its port. @return array{resource, int} */
    private function startDnsSim(string $name): array
    {
        $root = getenv('PUQKVM_ROOT') ?: dirname(__DIR__, 3);
        $p = proc_open(['node', "$root/tests/sim/$name/server.js"], [1 => ['pipe', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
        $info = json_decode((string) fgets($pipes[1]), true);
        $this->assertIsArray($info, "the $name simulator started");
        $this->dnsSims[] = $p;
        return [$p, (int) $info['listening']];
    }

    private function dnsSim(int $port, string $method, string $name, ?array $body = null): mixed
    {
        $ch = curl_init("http://127.0.0.1:$port/__sim/$name");
        curl_setopt_array($ch, [CURLOPT_CUSTOMREQUEST => $method, CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HTTPHEADER => ['Content-Type: application/json'],
            CURLOPT_POSTFIELDS => $body === null ? null : json_encode($body)]);
        $out = curl_exec($ch);
        curl_close($ch);
        return json_decode((string) $out, true);
    }
}
