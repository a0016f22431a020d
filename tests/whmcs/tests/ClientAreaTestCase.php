<?php

/*
 * Base of the backup, snapshot, statistics and client-area tests: ProvisioningTestCase's
 * world (the Proxmox simulator, a server, pools, PowerDNS zones) plus a product with
 * backups storage, quotas and an ISO storage, a VM deployed to ready by the real cron,
 * and helpers that call the client area as the shim does (puqkvm_client_call with the
 * service's WHMCS parameters and the session's client) and run single cron tasks in
 * this process with a chosen clock.
 */

use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\PuqProxmoxKvm\ServiceServer;

require_once __DIR__ . '/ProvisioningTestCase.php';

abstract class ClientAreaTestCase extends ProvisioningTestCase
{
    /** Product settings of a VM with backups and snapshots (by setting name). */
    protected const BACKUPS = ['backup_storage' => 'pbs', 'backups' => '2', 'snapshots' => '2',
        'iso_storage' => 'local'];

    /** Orders a service of a product with $settings and deploys it to ready. */
    protected function deployed(array $settings = []): int
    {
        $product = $this->product($settings + self::BACKUPS);
        $sid = $this->order($product);
        $this->assertSame('ready', $this->cronUntilRest($sid));
        return $sid;
    }

    /** A client-area action as the shim makes it; $client is the session's client. */
    protected function call(int $sid, string $action, array $args = [], array $options = [],
        ?int $client = null): array
    {
        return puqkvm_client_call(ServiceServer::fields($sid) ?? [], $sid, $client ?? $this->clientId, $action,
            $args, $options + ['utc_offset' => 0]);
    }

    /** Runs one cron task in this process; returns its output lines. */
    protected function task(string $task, array $options = []): string
    {
        $lines = [];
        puqkvm_cron_run(['task' => $task, 'utc_offset' => 0, 'job_budget' => 10] + $options,
            static function (string $line) use (&$lines) {
                $lines[] = $line;
            }, 'decrypt');
        return implode("\n", $lines);
    }

    protected function vmid(int $sid): int
    {
        return (int) $this->vmRow($sid)->vm_id;
    }

    /** Follows the VM's job through nowBackupStatus / restoreBackupStatus until it ends. */
    protected function finishJob(int $sid): object
    {
        for ($i = 0; $i < 10 && $this->vmRow($sid)->job_kind !== ''; $i++) {
            $this->task($this->vmRow($sid)->job_kind === 'restore' ? 'restoreBackupStatus' : 'nowBackupStatus');
        }
        $row = $this->vmRow($sid);
        $this->assertSame('', $row->job_kind, 'the job ended');
        return $row;
    }

    /** The backups the simulator holds for a VM, oldest first. */
    protected function simBackups(int $vmid): array
    {
        $ch = curl_init('https://127.0.0.1:' . self::$simInfo['port']
            . "/api2/json/nodes/pve1/storage/pbs/content?content=backup&vmid=$vmid");
        curl_setopt_array($ch, [CURLOPT_RETURNTRANSFER => true, CURLOPT_SSL_VERIFYPEER => false,
            CURLOPT_SSL_VERIFYHOST => 0,
            CURLOPT_HTTPHEADER => ['Authorization: PVEAPIToken=automation@pve!ci=' . self::TOKEN_SECRET]]);
        $out = json_decode((string) curl_exec($ch), true);
        curl_close($ch);
        $list = $out['data'] ?? [];
        usort($list, static fn ($a, $b) => [$a['ctime'], $a['volid']] <=> [$b['ctime'], $b['volid']]);
        return $list;
    }

    /** Moves the simulated cluster's clock by $seconds (from its real time). */
    protected function simClock(int $seconds): void
    {
        $this->sim('POST', 'knobs', ['clockOffsetMs' => $seconds * 1000]);
    }

    /** A local epoch for "YYYY-MM-DD HH:MM" with UTC offset 0 (the tests' time zone). */
    protected static function local(string $when): int
    {
        return (int) (new DateTimeImmutable($when, new DateTimeZone('UTC')))->getTimestamp();
    }

    protected function outbox(string $template): int
    {
        return Capsule::table('puq_proxmox_kvm_outbox')->where('template', $template)->count();
    }
}
