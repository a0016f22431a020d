<?php

/*
 * Several cron workers on one database, through real cron.php processes: two and four
 * workers deploying at once (no clone sent twice, by the simulator's counters), a worker
 * killed with SIGKILL in the middle of a clone (its lease expires and another worker
 * finishes the VM without cloning again), an admin's Reset while a worker holds the VM
 * (the reset wins, the worker drops the VM), a looping worker that stops cleanly on
 * SIGTERM, and Proxmox answering with faults and slow tasks.
 */

require_once __DIR__ . '/ProvisioningTestCase.php';

use WHMCS\Database\Capsule;

final class CronWorkersTest extends ProvisioningTestCase
{
    /** @dataProvider workers */
    public function testConcurrentWorkersShareTheVms(int $workers, int $vms): void
    {
        // clones that overlap, as on a real cluster
        $this->sim('POST', 'knobs', ['taskMsByType' => ['qmclone' => 300]]);
        $ids = [];
        for ($i = 0; $i < $vms; $i++) {
            $ids[] = $this->order();
        }
        $procs = [];
        for ($w = 0; $w < $workers; $w++) {
            $procs[] = proc_open($this->cronCommand(['--task=processVirtualMachines', '--concurrency=3']),
                [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes[$w]);
        }
        foreach ($procs as $w => $p) {
            $out = stream_get_contents($pipes[$w][1]) . stream_get_contents($pipes[$w][2]);
            $this->assertSame(0, proc_close($p), $out);
        }
        foreach ($ids as $id) {
            if ($this->status($id) !== 'ready') {
                $this->cronUntilRest($id); // one that waited for a clone slot comes back
            }
            $this->assertSame('ready', $this->status($id));
        }
        $this->assertSame($vms, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/clone'),
            'one clone per VM, never two');
        $vmids = Capsule::table('puqProxmoxKVM_vm_info')->whereIn('service_id', $ids)->pluck('vm_id')->all();
        $this->assertCount($vms, array_unique($vmids));
        $this->assertGreaterThanOrEqual(2, Capsule::table('puq_proxmox_kvm_vm_runs')->distinct()
            ->count('worker'), 'the workers shared the VMs');
        $this->assertSame(0, Capsule::table('puq_proxmox_kvm_vm_steps')->where('result', 'error')->count());
        $this->assertSame($vms * 2, Capsule::table('puq_proxmox_kvm_ip_allocations')->where('live', 1)->count());
        $this->assertSame(0, Capsule::table('puq_proxmox_kvm_clone_slots')->count());
    }

    public static function workers(): array
    {
        return ['two workers' => [2, 8], 'four workers' => [4, 12]];
    }

    public function testWorkerKilledMidCloneIsRescuedWithoutASecondClone(): void
    {
        $this->sim('POST', 'knobs', ['taskMsByType' => ['qmclone' => 3000]]);
        $id = $this->order();
        $p = $this->cronStart(['--loop', '--lease=3']);
        $this->waitFor(fn () => (string) $this->vmRow($id)->task_upid !== '', 10, 'the clone to start');
        $status = proc_get_status($p);
        posix_kill($status['pid'], SIGKILL);
        proc_close($p);
        $row = $this->vmRow($id);
        $this->assertSame('set_ip', $row->vm_status);
        $this->assertNotNull($row->lease_owner, 'the dead worker still holds the VM');
        // another worker takes over once the lease expired, and follows the clone's UPID
        $this->waitFor(fn () => Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $id)
            ->whereRaw('lease_until < NOW()')->exists(), 10, 'the lease to expire');
        $this->assertSame('ready', $this->cronUntilRest($id));
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/clone'));
    }

    public function testAdminResetWinsOverTheWorkerHoldingTheVm(): void
    {
        $this->sim('POST', 'knobs', ['taskMsByType' => ['qmclone' => 2000]]);
        $id = $this->order();
        $p = $this->cronStart(['--loop']);
        $this->waitFor(fn () => (string) $this->vmRow($id)->task_upid !== '', 10, 'the clone to start');
        $this->assertNotNull($this->vmRow($id)->lease_owner);
        puqkvm_vm_reset($id, 'creation');
        $row = $this->vmRow($id);
        $this->assertSame('creation', $row->vm_status);
        $this->assertNull($row->lease_owner);
        // the looping worker drops its old hold and deploys the VM again from creation,
        // adopting the clone that was already made instead of sending another
        $this->waitFor(fn () => $this->status($id) === 'ready', 20, 'the VM to be ready');
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/clone'));
        // the old hold follows the clone's task until it ends, which may be after the
        // new deploy finished: then it finds the VM taken over and drops it
        $takenOver = fn () => Capsule::table('puq_proxmox_kvm_vm_runs')->where('service_id', $id)
            ->where('message', 'like', '%taken over%')->count();
        $this->waitFor(fn () => $takenOver() > 0, 10, 'the old hold to be dropped');
        $this->assertSame(1, $takenOver());
        $this->assertSame('ready', $this->status($id));
        // SIGTERM: the worker finishes its steps and exits cleanly
        $status = proc_get_status($p);
        posix_kill($status['pid'], SIGTERM);
        $this->waitFor(fn () => !proc_get_status($p)['running'], 10, 'the worker to stop');
        $this->assertSame(0, Capsule::table('puq_proxmox_kvm_workers')->count(), 'the heartbeat row is gone');
    }

    public function testProxmoxFaultsAreRetriedUntilReady(): void
    {
        $id = $this->order();
        // one answer in four is a 500: steps fail, the VM is retried with backoff
        $this->sim('POST', 'knobs', ['error500Rate' => 0.25]);
        $this->assertSame('ready', $this->cronUntilRest($id, 40));
        $this->sim('POST', 'knobs', ['error500Rate' => 0]);
        $errors = Capsule::table('puq_proxmox_kvm_vm_steps')->where('service_id', $id)->where('result', 'error')->count();
        $this->assertGreaterThan(0, $errors, 'faults happened');
        $row = $this->vmRow($id);
        $this->assertSame(0, (int) $row->attempts, 'the counters reset on success');
        $this->assertNull($row->failing_since);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/clone'),
            'a clone request never goes out twice, faults or not');
    }

    public function testSlowTasksAreFollowedWithinOneRun(): void
    {
        $this->sim('POST', 'knobs', ['taskMs' => 800]);
        $id = $this->order();
        $t = microtime(true);
        [$code, $out] = $this->cron();
        $this->assertSame(0, $code, $out);
        $this->assertSame('ready', $this->status($id), $out);
        // clone, resize and start each take 0.8 s: polled at a tenth of their age, not per minute
        $this->assertLessThan(6, microtime(true) - $t);
        $this->assertSame(1, Capsule::table('puq_proxmox_kvm_vm_runs')->where('service_id', $id)->count());
    }

    public function testLockedVmWaitsAndEndsTheRunWaiting(): void
    {
        $id = $this->order();
        $this->assertSame('ready', $this->cronUntilRest($id));
        $vmid = (int) $this->vmRow($id)->vm_id;
        // a backup holds the VM's lock for a long time; the change must wait, not fail
        $this->sim('POST', 'knobs', ['taskMsByType' => ['vzdump' => 600000]]);
        $this->assertSame(200, $this->simApi('POST', '/nodes/pve1/vzdump', "vmid=$vmid&storage=pbs"));
        $bigger = $this->product(['cpu' => '3']);
        $this->moveToProduct($id, $bigger);
        $this->assertSame('success', puqProxmoxKVM_ChangePackage($this->params($id)));
        puqkvm_settings_save(['heavy_timeout' => 2]);
        $run = puqkvm_cron_run(['task' => 'processVirtualMachines'], null, 'decrypt');
        $this->assertSame(0, $run['errors']);
        $this->assertSame('cp_update_ip', $this->status($id));
        $runs = puqkvm_vm_runs($id, 1)['runs'];
        $this->assertSame('waiting', $runs[0]['result']);
        $this->assertStringContainsString('locked (backup)', $runs[0]['message']);
    }
}
