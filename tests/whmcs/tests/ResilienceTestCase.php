<?php

/*
 * Base of the crash and fault tests (ChaosTest, FaultsTest): cron workers as real
 * cron.php processes that may be armed with kill points (PUQKVM_KILLPOINT) and killed,
 * and the invariants that must hold once every VM has come to rest, checked against
 * the database, the Proxmox simulator, PowerDNS and WHMCS's own logs:
 *
 *   - every VM still ordered is ready, and its VM exists in Proxmox; every terminated
 *     one is removed, and its VM is gone; the simulator holds no other VM (no orphan);
 *   - every task-starting call that reached Proxmox carried an intent id, none carried
 *     one twice, and no service was cloned twice;
 *   - no address is held twice, every ready VM holds exactly its package's addresses,
 *     a removed one none, and each pool's count of used addresses is right;
 *   - every e-mail and activity entry the engine queued was delivered exactly once, and
 *     each VM got its "VM is ready" e-mail once;
 *   - the DNS zones hold exactly the records of the ready VMs.
 */

require_once __DIR__ . '/ProvisioningTestCase.php';

use WHMCS\Database\Capsule;

abstract class ResilienceTestCase extends ProvisioningTestCase
{
    /** @var list<array{proc: resource, err: string, spec: string, started: float}> */
    protected array $workers = [];
    protected string $logDir = '';
    /** @var list<string> PowerDNS zones this class created besides the parent's */
    private array $ownZones = [];
    /** @var list<string> worker logs kept for a failure message */
    protected array $deadLogs = [];

    protected function setUp(): void
    {
        parent::setUp();
        $this->logDir = sys_get_temp_dir() . '/puqkvm-resilience-' . getmypid() . '-' . bin2hex(random_bytes(3));
        mkdir($this->logDir);
    }

    protected function tearDown(): void
    {
        $this->stopWorkers(SIGKILL);
        foreach ($this->ownZones as $zone) {
            $this->pdns('DELETE', "/zones/$zone.");
        }
        exec('rm -rf ' . escapeshellarg($this->logDir));
        parent::tearDown();
    }

    /** Prints a line the run keeps (stderr: PHPUnit's output check sees only stdout). */
    protected static function say(string $line): void
    {
        fwrite(STDERR, "$line\n");
    }

    /* ---- the world ---- */

    /**
     * One more IPv4 pool (a /24 of its own, with its reverse zone in PowerDNS), for runs
     * with more VMs than the first pool's 191 addresses.
     */
    protected function addIpv4Pool(): string
    {
        [$a, $b] = array_map('intval', array_slice(explode('.', $this->net4), 1, 2));
        $net = sprintf('10.%d.%d', $a, ($b + 1) % 251);
        puqkvm_pool_create(['server' => $this->serverId, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => '0',
            'gateway' => "$net.1", 'mask' => '24', 'dns1' => '192.0.2.53', 'dns2' => '',
            'start' => "$net.10", 'stop' => "$net.250"]);
        $zone = puqkvm_ip_rdns_zone("$net.0", 24);
        $this->pdns('DELETE', "/zones/$zone.");
        $this->pdns('POST', '/zones', ['name' => "$zone.", 'kind' => 'Native', 'nameservers' => ['ns1.example.test.']]);
        $this->ownZones[] = $zone;
        puqkvm_dns_zone_create(['type' => 'powerdns', 'zone' => $zone,
            'server_url' => TestDbServer::env('PUQKVM_PDNS_API_URL'),
            'api_key' => TestDbServer::env('PUQKVM_PDNS_API_KEY')]);
        return $net;
    }

    /* ---- workers ---- */

    /** Starts a looping cron.php worker, armed with kill points when $spec is not "". */
    protected function startWorker(string $spec, array $args = ['--loop', '--lease=3', '--concurrency=4']): void
    {
        $n = count($this->workers) + count($this->deadLogs);
        $err = "$this->logDir/worker-$n.log";
        $env = ['PATH' => getenv('PATH') ?: '/usr/bin:/bin', 'PUQKVM_ROOT' => dirname(__DIR__, 3)];
        if ($spec !== '') {
            $env['PUQKVM_KILLPOINT'] = $spec;
        }
        $proc = proc_open($this->cronCommand($args), [0 => ['file', '/dev/null', 'r'],
            1 => ['file', $err, 'a'], 2 => ['file', $err, 'a']], $pipes, null, $env);
        $this->workers[] = ['proc' => $proc, 'err' => $err, 'spec' => $spec, 'started' => microtime(true)];
    }

    /**
     * Collects the workers that ended: for each, the kill point it hit (null: killed
     * from outside or ended by itself) and how it ended.
     * @return list<array{point: ?string, signal: int, code: int, log: string}>
     */
    protected function reapWorkers(): array
    {
        $ended = [];
        foreach ($this->workers as $i => $w) {
            $st = proc_get_status($w['proc']);
            if ($st['running']) {
                continue;
            }
            proc_close($w['proc']);
            $log = (string) @file_get_contents($w['err']);
            $point = preg_match('/^puqkvm: killpoint ([a-z_0-9]+) hit \d+$/m', $log, $m) ? $m[1] : null;
            $ended[] = ['point' => $point, 'signal' => $st['signaled'] ? $st['termsig'] : 0,
                'code' => $st['exitcode'], 'log' => $log];
            $this->deadLogs[] = $w['err'];
            unset($this->workers[$i]);
        }
        $this->workers = array_values($this->workers);
        return $ended;
    }

    /** Kills one worker from outside (a crash at a random moment). */
    protected function killWorker(int $i): void
    {
        $st = proc_get_status($this->workers[$i]['proc']);
        if ($st['running']) {
            posix_kill($st['pid'], SIGKILL);
        }
    }

    /** Stops every worker (SIGTERM: they finish their steps; SIGKILL: at once) and waits. */
    protected function stopWorkers(int $signal = SIGTERM): void
    {
        foreach ($this->workers as $w) {
            $st = proc_get_status($w['proc']);
            if ($st['running']) {
                posix_kill($st['pid'], $signal);
            }
        }
        $end = microtime(true) + 30;
        foreach ($this->workers as $w) {
            while (proc_get_status($w['proc'])['running'] && microtime(true) < $end) {
                usleep(20000);
            }
            if (proc_get_status($w['proc'])['running']) {
                posix_kill(proc_get_status($w['proc'])['pid'], SIGKILL);
            }
            proc_close($w['proc']);
        }
        $this->workers = [];
    }

    /** A VM that failed waits out its backoff; the test's clock moves on instead. */
    protected function hurryBackoff(): void
    {
        Capsule::table('puqProxmoxKVM_vm_info')->where('due', 1)->where('next_run_at', '>', Capsule::raw('NOW()'))
            ->update(['next_run_at' => Capsule::raw('NOW()')]);
    }

    /* ---- DNS ---- */

    /** RRset writes and removals the providers failed, as the run log counts them. */
    protected function dnsFailures(): int
    {
        $n = 0;
        foreach (Capsule::table('puq_proxmox_kvm_vm_steps')->where('message', 'like', '%failed')
            ->where('label', 'like', '%DNS%')->pluck('message') as $m) {
            $n += preg_match('/(\d+) failed$/', (string) $m, $x) ? (int) $x[1] : 0;
        }
        return $n;
    }

    /**
     * The admin's "Set DNS records" on one VM, run to its end: its records, and every
     * record a provider failed before (of any service, terminated ones included).
     */
    protected function setDnsRecords(int $serviceId): void
    {
        $this->assertSame('success', puqProxmoxKVM_SetDnsRecords($this->params($serviceId)));
        $this->assertSame('ready', $this->cronUntilRest($serviceId));
    }

    /**
     * What became of the services whose VMs Proxmox and the module disagree on: each
     * one's row, its runs with their steps, and the task-starting calls for its VMIDs.
     * @param array<int, string> $expected @param array<int, string> $actual
     */
    private function explainVms(array $expected, array $actual, \Illuminate\Support\Collection $rows): string
    {
        $services = [];
        foreach (array_merge(array_diff_assoc($expected, $actual), array_diff_assoc($actual, $expected)) as $name) {
            $services[(int) substr($name, 2)] = true;
        }
        $starts = $this->sim('GET', 'starts');
        $out = '';
        foreach (array_keys($services) as $id) {
            $row = $rows[$id] ?? null;
            $out .= "\nservice $id: " . ($row === null ? 'no row' : "status $row->vm_status vmid $row->vm_id"
                . " last error: $row->last_error_message");
            foreach (array_reverse(puqkvm_vm_runs($id, 20)['runs']) as $run) {
                $out .= "\n  run $run[action] $run[result] $run[message]";
                foreach ($run['steps'] as $st) {
                    $out .= "\n    $st[label] $st[result] $st[from]->$st[to] " . ($st['message'] ?? '');
                }
            }
            $vmids = array_merge(array_keys($expected, "vm$id", true), array_keys($actual, "vm$id", true));
            foreach ($starts as $st) {
                if (in_array((int) ($st['newid'] ?? $st['vmid']), $vmids, true)
                    || in_array((int) $st['vmid'], $vmids, true)) {
                    $out .= "\n  start $st[method] $st[path] vmid=$st[vmid] newid=" . ($st['newid'] ?? '')
                        . " status=$st[status] intent=$st[intent] upid=$st[upid] error=" . json_encode($st['error']);
                }
            }
        }
        $log = $this->sim('GET', 'log?limit=10000');
        foreach (($log['entries'] ?? $log) as $e) {
            $hit = false;
            foreach (array_merge(array_keys($expected), array_keys($actual)) as $vmid) {
                if (!isset($services[(int) substr(($expected[$vmid] ?? $actual[$vmid]), 2)])) {
                    continue;
                }
                $hit = $hit || preg_match("~/$vmid(/|\$)~", (string) $e['path']) || str_contains((string) $e['body'], "newid=$vmid")
                    || (($e['query']['vmid'] ?? '') === (string) $vmid);
            }
            if ($hit) {
                $out .= "\n  log $e[time] $e[method] $e[path] " . json_encode($e['query']) . ' body=' . substr((string) $e['body'], 0, 80)
                    . " fault=$e[fault] status=$e[status] intent=" . ($e['headers']['x-puqkvm-intent'] ?? '');
            }
        }
        return $out;
    }

    /* ---- the invariants ---- */

    /**
     * Checks every invariant of the top of this file. $live: services still ordered
     * (must be ready); $gone: services terminated (must be removed); $failedOk: services
     * allowed to end in an explicit error state instead (error_terminate, or a deploy
     * that keeps failing), each with its run log. Returns figures for the run's summary.
     * @param list<int> $live @param list<int> $gone @param list<int> $failedOk
     * @return array<string, int>
     */
    protected function assertWorldConsistent(array $live, array $gone, array $failedOk = []): array
    {
        $rows = Capsule::table('puqProxmoxKVM_vm_info')->get()->keyBy('service_id');
        $ready = [];
        foreach ($live as $id) {
            $row = $rows[$id] ?? null;
            $this->assertNotNull($row, "service $id has no VM row");
            if (in_array($id, $failedOk, true) && $row->vm_status !== 'ready') {
                $this->assertNotSame('', (string) $row->last_error_message, "service $id: an error state says why");
                $this->assertNotEmpty(puqkvm_vm_runs($id, 1)['runs'], "service $id: its run log");
                continue;
            }
            $this->assertSame('ready', $row->vm_status, "service $id: " . $row->last_error_message);
            $ready[$id] = $row;
        }
        $errorTerminate = [];
        foreach ($gone as $id) {
            $row = $rows[$id];
            if (in_array($id, $failedOk, true) && $row->vm_status === 'error_terminate') {
                $this->assertNotSame('', (string) $row->last_error_message);
                $errorTerminate[$id] = $row;
                continue;
            }
            $this->assertSame('remove', $row->vm_status, "service $id: " . $row->last_error_message);
            $this->assertSame(0, (int) $row->vm_id);
        }

        // Proxmox: the ready VMs (and those a failed terminate kept), nothing else
        $simVms = [];
        foreach ($this->sim('GET', 'vms') as $vm) {
            if (!$vm['template']) {
                $simVms[(int) $vm['vmid']] = $vm;
            }
        }
        $expected = [];
        foreach ($ready + $errorTerminate as $id => $row) {
            $expected[(int) $row->vm_id] = "vm$id";
        }
        foreach ($failedOk as $id) {
            $row = $rows[$id];
            if ($row->vm_status !== 'ready' && !isset($errorTerminate[$id]) && (int) $row->vm_id > 0
                && isset($simVms[(int) $row->vm_id])) {
                $expected[(int) $row->vm_id] = "vm$id"; /* a deploy that stopped part way */
            }
        }
        ksort($expected);
        $actual = array_map(static fn ($v) => $v['name'], $simVms);
        ksort($actual);
        $this->assertSame($expected, $actual, 'Proxmox holds exactly the VMs of the services (no orphan)'
            . ($expected === $actual ? '' : $this->explainVms($expected, $actual, $rows)));

        // task-starting calls: each with an intent id, none twice, no service cloned twice
        $starts = $this->sim('GET', 'starts');
        $intents = [];
        $clones = [];
        foreach ($starts as $s) {
            $this->assertNotNull($s['intent'], 'a task-starting call without its intent: ' . json_encode($s));
            $intents[$s['intent']][] = $s;
            if (str_ends_with($s['path'], '/clone') && $s['status'] === 200) {
                $clones[$s['newid']][] = $s;
            }
        }
        $twice = array_filter($intents, static fn ($l) => count($l) > 1);
        $this->assertSame([], $twice, 'an intent sent twice');
        $accepted = 0;
        foreach ($clones as $list) {
            $accepted += count($list);
        }

        // addresses: held once, by ready VMs only, in the package's numbers
        $dup = Capsule::select('SELECT ip, COUNT(*) AS n FROM puq_proxmox_kvm_ip_allocations WHERE live = 1
            GROUP BY ip HAVING n > 1');
        $this->assertSame([], $dup, 'an address held twice');
        $held = Capsule::table('puq_proxmox_kvm_ip_allocations')->where('live', 1)
            ->selectRaw('service_id, family, COUNT(*) AS n')->groupBy('service_id', 'family')->get();
        $byService = [];
        foreach ($held as $h) {
            $byService[(int) $h->service_id][(int) $h->family] = (int) $h->n;
        }
        foreach ($ready as $id => $row) {
            $this->assertSame([4 => 1, 6 => 1], $this->families($byService[$id] ?? []), "service $id's addresses");
            unset($byService[$id]);
        }
        foreach ($errorTerminate as $id => $row) {
            unset($byService[$id]); /* a VM that still exists keeps its addresses */
        }
        foreach ($failedOk as $id) {
            unset($byService[$id]);
        }
        $this->assertSame([], $byService, 'addresses held by services that are not ready (leaked)');
        foreach (Capsule::table('puq_proxmox_kvm_ip_pools')->get() as $pool) {
            $live = Capsule::table('puq_proxmox_kvm_ip_allocations')->where('pool_id', $pool->id)->where('live', 1)->count();
            $this->assertSame($live, (int) $pool->used, "pool $pool->id's count of used addresses");
        }

        // e-mails and activity entries: every one delivered, none twice
        $outbox = Capsule::table('puq_proxmox_kvm_outbox')->get();
        $emails = Capsule::table('tblemails')->pluck('message')->all();
        $refs = [];
        foreach ($emails as $message) {
            if (preg_match_all('/PKVM-(\d+)\b/', (string) $message, $m)) {
                foreach ($m[1] as $ref) {
                    $refs[(int) $ref] = ($refs[(int) $ref] ?? 0) + 1;
                }
            }
        }
        $readyMails = [];
        foreach ($outbox as $o) {
            $this->assertSame('sent', $o->state, "outbox entry $o->id ($o->kind, service $o->service_id)");
            if ($o->kind === 'email') {
                $this->assertSame(1, $refs[(int) $o->id] ?? 0, "e-mail PKVM-$o->id sent once");
                if (str_contains($o->template, 'VM is ready')) {
                    $readyMails[(int) $o->service_id] = ($readyMails[(int) $o->service_id] ?? 0) + 1;
                }
            }
        }
        $this->assertSame(count($outbox->where('kind', 'email')), array_sum($refs), 'no e-mail outside the outbox');
        foreach ($ready as $id => $row) {
            $this->assertSame(1, $readyMails[$id] ?? 0, "service $id's \"VM is ready\" e-mail");
        }
        $logged = [];
        foreach (Capsule::table('tblactivitylog')->pluck('description')->all() as $d) {
            if (preg_match('/\[PKVM-(\d+)\]$/', (string) $d, $m)) {
                $logged[(int) $m[1]][] = $d;
            }
        }
        foreach ($outbox->where('kind', 'activity') as $o) {
            $this->assertSame(["$o->description [PKVM-$o->id]"], $logged[(int) $o->id] ?? [],
                "activity entry PKVM-$o->id logged once");
        }

        // DNS: the zones hold the ready VMs' records, and nothing of the removed ones
        $this->assertDnsMatches($ready);

        return ['ready' => count($ready), 'removed' => count($gone) - count($errorTerminate),
            'error_terminate' => count($errorTerminate), 'intents' => count($intents),
            'clones' => $accepted, 'emails' => array_sum($refs)];
    }

    /** @param array<int, int> $f the count per family (4, 6) @return array<int, int> */
    private function families(array $f): array
    {
        ksort($f);
        return $f;
    }

    /** The A/AAAA rrsets of the forward zone and the PTRs of the reverse zones. @param array<int, object> $ready */
    protected function assertDnsMatches(array $ready): void
    {
        $want = [];
        foreach ($ready as $id => $row) {
            foreach (Capsule::table('puq_proxmox_kvm_ip_allocations')->where('service_id', $id)->where('live', 1)->get() as $a) {
                $ip = (string) $a->ip;
                $want[] = strtolower("$row->fqdn.") . (str_contains($ip, ':') ? ' AAAA ' : ' A ') . inet_ntop(inet_pton($ip));
                $want[] = $this->ptrName($ip) . ' PTR ' . strtolower("$row->fqdn.");
            }
        }
        $have = [];
        $zones = Capsule::table('puq_proxmox_kvm_dns_zones')->where('type', 'powerdns')->pluck('zone')->all();
        foreach ($zones as $zone) {
            [$code, $body] = $this->pdns('GET', "/zones/$zone.");
            $this->assertSame(200, $code, "zone $zone in PowerDNS");
            foreach (json_decode($body, true)['rrsets'] as $rr) {
                if (!in_array($rr['type'], ['A', 'AAAA', 'PTR'], true)) {
                    continue;
                }
                foreach ($rr['records'] as $r) {
                    $content = $rr['type'] === 'PTR' ? strtolower($r['content']) : inet_ntop(inet_pton($r['content']));
                    $have[] = strtolower($rr['name']) . " {$rr['type']} $content";
                }
            }
        }
        $missing = array_values(array_diff($want, $have));
        $extra = array_values(array_diff($have, $want));
        $logs = '';
        foreach (array_unique(array_merge($missing, $extra)) as $line) {
            if (preg_match('/\bvm(\d+)\./', $line, $m)) {
                $logs .= $this->runLog((int) $m[1]);
            }
        }
        $this->assertSame([[], []], [$missing, $extra], 'the DNS zones hold exactly the ready VMs\' records '
            . "(missing, then extra)\n" . $logs);
        $this->assertSame(count($want), count($have), 'each record once');
    }

    /** A service's run log as text, for failure messages. */
    protected function runLog(int $serviceId): string
    {
        $out = "--- service $serviceId\n";
        foreach (array_reverse(puqkvm_vm_runs($serviceId, 50)['runs']) as $run) {
            $out .= "  run {$run['id']} {$run['action']} {$run['result']} {$run['started_at']}: {$run['message']}\n";
            foreach ($run['steps'] as $st) {
                $out .= "    {$st['seq']}. {$st['label']} {$st['from']} -> {$st['to']} {$st['result']} {$st['message']}\n";
            }
        }
        return $out;
    }

    private function ptrName(string $ip): string
    {
        $bin = inet_pton($ip);
        if (strlen($bin) === 4) {
            return implode('.', array_reverse(explode('.', inet_ntop($bin)))) . '.in-addr.arpa.';
        }
        return implode('.', array_reverse(str_split(bin2hex($bin)))) . '.ip6.arpa.';
    }
}
