<?php

/*
 * Backups end to end against the Proxmox simulator, through the client area's calls and
 * the real cron tasks: Backup now followed by its UPID to the end, the quota, removing
 * (only this VM's backups), restoring (stopped first, re-applied by the engine, the
 * "Backup restored" e-mail), the weekly schedule at its edges (before and after the
 * minute, midnight, the week's end, a VM busy at the time), rotation oldest first, a
 * lost answer found again in Proxmox's task list, and no backup while something else
 * holds the VM.
 */

use WHMCS\Database\Capsule;

require_once __DIR__ . '/ClientAreaTestCase.php';

final class BackupsTest extends ClientAreaTestCase
{
    public function testBackupNowIsFollowedToItsEnd(): void
    {
        $sid = $this->deployed();
        $list = $this->call($sid, 'backups');
        $this->assertTrue($list['enabled']);
        $this->assertSame([0, 2, 'pbs'], [$list['count'], $list['quota'], $list['storage']]);

        $job = $this->call($sid, 'backup_now', ['note' => 'before <b>upgrade</b>']);
        $this->assertSame('backup', $job['kind']);
        $row = $this->vmRow($sid);
        $this->assertStringStartsWith('UPID:', $row->job_upid);
        $this->assertSame($row->job_upid, $row->vm_backup_now_utid, 'the original column shows the UPID');
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'));

        $out = $this->task('nowBackupStatus');
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, $out);
        $this->assertNull($row->vm_backup_now_utid);
        $this->assertSame(1, (int) $row->vm_backups);
        $list = $this->call($sid, 'backups');
        $this->assertSame(1, $list['count']);
        $this->assertSame('before <b>upgrade</b>', $list['items'][0]['notes']);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'), 'no second vzdump');
    }

    public function testQuotaRefusesABackupNowAtTheLimit(): void
    {
        $sid = $this->deployed(['backups' => '1']);
        $this->call($sid, 'backup_now', ['note' => 'one']);
        $this->finishJob($sid);
        $job = $this->call($sid, 'backup_now', ['note' => 'two']);
        $row = $this->finishJob($sid);
        $this->assertSame('error', $row->job_result);
        $this->assertStringContainsString('all 1 backups are in use', $row->job_message);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'));
        $this->assertCount(1, $this->simBackups($this->vmid($sid)));
        // the answer to the client says so at once
        $this->assertFalse($job['running']);
        $this->assertSame('error', $job['last']['result']);
        $this->assertStringContainsString('remove one first', $job['last']['message']);
    }

    public function testRemoveTakesOnlyThisVmsBackups(): void
    {
        $sid = $this->deployed();
        $other = $this->deployed();
        $this->call($other, 'backup_now');
        $this->finishJob($other);
        $foreign = $this->simBackups($this->vmid($other))[0]['volid'];
        try {
            $this->call($sid, 'backup_delete', ['volid' => $foreign]);
            $this->fail('another VM\'s backup was accepted');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('volid', $e->getErrors());
        }
        $this->call($sid, 'backup_now');
        $this->finishJob($sid);
        $mine = $this->simBackups($this->vmid($sid))[0]['volid'];
        $this->call($sid, 'backup_delete', ['volid' => $mine]);
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, (string) $row->job_message);
        $this->assertSame([], $this->simBackups($this->vmid($sid)));
        $this->assertCount(1, $this->simBackups($this->vmid($other)), 'the other VM keeps its backup');
        $this->assertSame(0, (int) $row->vm_backups);
    }

    public function testRestoreStopsRestoresReappliesAndMails(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $this->call($sid, 'backup_now', ['note' => 'good state']);
        $this->finishJob($sid);
        $volid = $this->simBackups($vmid)[0]['volid'];
        // the client changes the VM after the backup: a snapshot that the restore removes
        $this->call($sid, 'snapshot_take', ['description' => 'after']);
        $this->finishJob($sid);
        $this->assertCount(1, $this->simVm($vmid)['snapshots']);
        $this->assertSame('running', $this->simVm($vmid)['status']);

        $this->call($sid, 'backup_restore', ['volid' => $volid]);
        $this->assertSame('stop', $this->vmRow($sid)->job_phase, 'a running VM is stopped first');
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, (string) $row->job_message);
        $this->assertSame('cp_update_ip', $row->vm_status, 'the engine re-applies the package');
        $this->assertSame('restore', $row->action);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu'), 'one restore call');
        $this->assertSame([], $this->simVm($vmid)['snapshots']);

        $this->assertSame('ready', $this->cronUntilRest($sid));
        $this->assertSame('running', $this->simVm($vmid)['status'], 'started again');
        $this->assertSame(1, $this->outbox('puqProxmoxKVM Backup restored'));
        $this->assertSame(0, $this->outbox('puqProxmoxKVM Upgrade Email'));
        $run = puqkvm_vm_runs($sid, 1)['runs'][0];
        $this->assertSame(['restore', 'success'], [$run['action'], $run['result']]);
    }

    public function testScheduleAtItsEdges(): void
    {
        $sid = $this->deployed();
        // Saturday 23:50 and Sunday 00:30 (weekday 6 and 0)
        $saved = $this->call($sid, 'backup_schedule', ['schedule' => ['6' => '23:50', '0' => '00:30']],
            ['now' => self::local('2025-01-04 12:00')]);
        $this->assertTrue($saved['saved']);
        $this->assertSame('{"0":"00:30","6":"23:50"}', $this->vmRow($sid)->vm_backup_schedule);

        $this->task('scheduleBackup', ['now' => self::local('2025-01-04 23:49')]);
        $this->assertSame(0, $this->simCalls('POST /nodes/{node}/vzdump'), 'a minute early: nothing');

        // the cron missed Saturday 23:50 and runs after midnight: the slot still runs, once
        $this->task('scheduleBackup', ['now' => self::local('2025-01-05 00:10')]);
        $this->finishJob($sid);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'));
        $this->assertSame('2025-01-04 23:50:00', $this->vmRow($sid)->backup_schedule_last);
        $this->assertStringContainsString('Scheduled backup 2025-01-04 23:50',
            $this->simBackups($this->vmid($sid))[0]['notes']);
        $this->task('scheduleBackup', ['now' => self::local('2025-01-05 00:20')]);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'), 'a slot runs once');

        // Sunday 00:30, across the week's end
        $this->task('scheduleBackup', ['now' => self::local('2025-01-05 00:30')]);
        $this->finishJob($sid);
        $this->assertSame(2, $this->simCalls('POST /nodes/{node}/vzdump'));
        $this->assertSame('2025-01-05 00:30:00', $this->vmRow($sid)->backup_schedule_last);

        // next Saturday the VM is busy (a backup an admin started by hand)
        $vm = $this->vmRow($sid);
        $this->sim('POST', 'knobs', ['taskMsByType' => ['vzdump' => 60000]]);
        $this->assertSame(200, $this->simApi('POST', "/nodes/{$vm->node}/vzdump",
            "vmid={$vm->vm_id}&storage=local"));
        $out = $this->task('scheduleBackup', ['now' => self::local('2025-01-11 23:51')]);
        $row = $this->vmRow($sid);
        $this->assertSame('busy', $row->job_result, $out);
        $this->assertStringContainsString('busy', (string) $row->job_message);
        $this->assertSame('2025-01-05 00:30:00', $row->backup_schedule_last, 'the slot is kept');
        $this->assertSame(3, $this->simCalls('POST /nodes/{node}/vzdump'), 'none of ours was sent');
        // the manual backup ends; the next run takes the slot, a few minutes late
        $this->sim('POST', 'knobs', ['taskMsByType' => new stdClass()]);
        $this->simClock(120);
        $this->task('scheduleBackup', ['now' => self::local('2025-01-11 23:56')]);
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, (string) $row->job_message);
        $this->assertSame('2025-01-11 23:50:00', $row->backup_schedule_last);

        // a slot older than the grace is skipped for the next one
        $this->task('scheduleBackup', ['now' => self::local('2025-01-12 13:00')]);
        $this->assertSame('2025-01-11 23:50:00', $this->vmRow($sid)->backup_schedule_last);
    }

    public function testScheduledBackupRotatesTheOldestOut(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $this->call($sid, 'backup_now', ['note' => 'first']);
        $this->finishJob($sid);
        $this->simClock(3600);
        $this->call($sid, 'backup_now', ['note' => 'second']);
        $this->finishJob($sid);
        $this->simClock(7200);
        $this->call($sid, 'backup_schedule', ['schedule' => ['3' => '04:00']], ['now' => self::local('2025-01-08 03:00')]);
        $this->task('scheduleBackup', ['now' => self::local('2025-01-08 04:01')]);
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, (string) $row->job_message);
        $notes = array_column($this->simBackups($vmid), 'notes');
        $this->assertSame(['second', 'Scheduled backup 2025-01-08 04:00'], $notes, 'FIFO: the oldest went');
        $this->assertSame(1, $this->simCalls('DELETE /nodes/{node}/storage/{storage}/content/{volume}'));
        $this->assertSame(2, (int) $row->vm_backups);
    }

    public function testALostAnswerIsFoundInTheTaskListNotSentAgain(): void
    {
        $sid = $this->deployed();
        $vm = $this->vmRow($sid);
        // our vzdump reached Proxmox but its answer never came back (a crash, a timeout)
        $this->sim('POST', 'knobs', ['taskMsByType' => ['vzdump' => 60000]]);
        $this->assertSame(200, $this->simApi('POST', "/nodes/{$vm->node}/vzdump",
            "vmid={$vm->vm_id}&storage=pbs"));
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)->update([
            'job_kind' => 'backup', 'job_phase' => 'dump', 'job_token' => str_repeat('a', 32),
            'job_origin' => 'client', 'job_node' => $vm->node, 'job_upid' => '',
            'job_created_at' => Capsule::raw('NOW() - INTERVAL 10 MINUTE'),
            'job_started_at' => Capsule::raw('NOW() - INTERVAL 10 MINUTE')]);
        // the task ends a couple of minutes later
        $this->sim('POST', 'knobs', ['taskMsByType' => new stdClass()]);
        $this->simClock(120);
        $out = $this->task('nowBackupStatus');
        $this->assertStringContainsString('found its task after a lost answer', $out);
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, $out);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'), 'the backup was not sent twice');
        $this->assertCount(1, $this->simBackups((int) $vm->vm_id));
    }

    public function testAnIntentProxmoxNeverSawIsSentOnce(): void
    {
        $sid = $this->deployed();
        $vm = $this->vmRow($sid);
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)->update([
            'job_kind' => 'backup', 'job_phase' => 'dump', 'job_token' => str_repeat('b', 32),
            'job_origin' => 'client', 'job_node' => $vm->node, 'job_upid' => '',
            'job_created_at' => Capsule::raw('NOW() - INTERVAL 10 MINUTE'),
            'job_started_at' => Capsule::raw('NOW() - INTERVAL 10 MINUTE')]);
        $this->task('nowBackupStatus');
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, (string) $row->job_message);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/vzdump'));
        $this->assertSame(1, $this->simCalls('GET /nodes/{node}/tasks'), 'the task list was asked first');
    }

    public function testNoBackupStartsWhileSomethingHoldsTheVm(): void
    {
        $sid = $this->deployed();
        $table = Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid);
        // a worker's lease
        $table->update(['lease_owner' => 'w', 'lease_token' => str_repeat('c', 32),
            'lease_until' => Capsule::raw('NOW() + INTERVAL 1 MINUTE')]);
        $this->assertRefused($sid, 'busy with a queued request');
        // the engine's work
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)
            ->update(['lease_token' => null, 'lease_owner' => null, 'lease_until' => null, 'vm_status' => 'cp_cpu_ram']);
        $this->assertRefused($sid, 'the VM is busy (cp_cpu_ram)');
        // another job
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)
            ->update(['vm_status' => 'ready', 'job_kind' => 'snapshot', 'job_token' => str_repeat('d', 32)]);
        $this->assertRefused($sid, 'another task runs on this VM (Snapshot)');
        $this->assertSame(0, $this->simCalls('POST /nodes/{node}/vzdump'));
    }

    private function assertRefused(int $sid, string $why): void
    {
        try {
            $this->call($sid, 'backup_now');
            $this->fail('the backup started');
        } catch (PuqKvm\StateException $e) {
            $this->assertStringContainsString($why, $e->getMessage());
        }
    }
}
