<?php

/*
 * Snapshots end to end against the Proxmox simulator: take, roll back and remove within
 * the quota; the lifetime mode's removeOldSnapshots (only expired ones, never in
 * schedule mode); the schedule mode's scheduleSnapshot with its names, descriptions and
 * FIFO rotation; and the schedule refused where the product has no schedule mode.
 */

require_once __DIR__ . '/ClientAreaTestCase.php';

final class SnapshotsTest extends ClientAreaTestCase
{
    public function testTakeRollBackAndRemoveWithinTheQuota(): void
    {
        $sid = $this->deployed();
        $vmid = $this->vmid($sid);
        $this->call($sid, 'snapshot_take', ['description' => 'clean <i>install</i>']);
        $this->assertSame('ok', $this->finishJob($sid)->job_result);
        $list = $this->call($sid, 'snapshots');
        $this->assertSame([1, 2, 'lifetime'], [$list['count'], $list['quota'], $list['mode']]);
        $first = $list['items'][0];
        $this->assertMatchesRegularExpression('/^snap_\d{8}_\d{6}$/', $first['name']);
        $this->assertSame('clean <i>install</i>', $first['description']);
        $this->assertNull($first['expires_in'], 'no lifetime: kept until removed');

        $this->simClock(5);
        $this->call($sid, 'snapshot_take', ['description' => 'second']);
        $this->finishJob($sid);
        $this->simClock(10);
        $job = $this->call($sid, 'snapshot_take', ['description' => 'third']);
        $this->assertSame('error', $job['last']['result']);
        $this->assertStringContainsString('all 2 snapshots are in use', $job['last']['message']);
        $this->assertCount(2, $this->simVm($vmid)['snapshots']);

        $this->call($sid, 'snapshot_rollback', ['name' => $first['name']]);
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result, (string) $row->job_message);
        $this->assertSame(1, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback'));
        $this->assertSame('running', $this->simVm($vmid)['status'], 'a running VM runs again');

        $this->call($sid, 'snapshot_delete', ['name' => $first['name']]);
        $row = $this->finishJob($sid);
        $this->assertSame('ok', $row->job_result);
        $this->assertSame(1, (int) $row->vm_snapshots);
        $this->assertNotContains($first['name'], $this->simVm($vmid)['snapshots']);

        try {
            $this->call($sid, 'snapshot_rollback', ['name' => 'nope']);
            $this->fail('a snapshot the VM does not have was accepted');
        } catch (PuqKvm\ValidationException $e) {
            $this->assertArrayHasKey('name', $e->getErrors());
        }
    }

    public function testLifetimeRemovesOnlyExpiredSnapshots(): void
    {
        $sid = $this->deployed(['snapshot_lifetime' => '1']);
        $scheduled = $this->deployed(['snapshot_lifetime' => '1', 'snapshot_schedule' => 'on']);
        $this->simClock(-2 * 86400); // taken two days ago
        $this->call($sid, 'snapshot_take', ['description' => 'old']);
        $this->finishJob($sid);
        $this->call($scheduled, 'snapshot_take', ['description' => 'old, schedule mode']);
        $this->finishJob($scheduled);
        $this->simClock(0);
        $this->call($sid, 'snapshot_take', ['description' => 'new']);
        $this->finishJob($sid);

        $out = $this->task('removeOldSnapshots');
        $this->assertStringContainsString('1 expired snapshot removed', $out);
        $list = $this->call($sid, 'snapshots');
        $this->assertSame(['new'], array_column($list['items'], 'description'));
        $this->assertGreaterThan(86000, $list['items'][0]['expires_in']);
        $this->assertCount(1, $this->simVm($this->vmid($scheduled))['snapshots'], 'schedule mode keeps them');
        // nothing more to remove: the next run changes nothing
        $this->task('removeOldSnapshots');
        $this->assertSame(1, $this->simCalls('DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}'));
    }

    public function testScheduleModeNamesByDateAndRotatesFifo(): void
    {
        $sid = $this->deployed(['snapshot_schedule' => 'on']);
        $vmid = $this->vmid($sid);
        // Mondays at 02:00
        $this->call($sid, 'snapshot_schedule', ['schedule' => ['1' => '02:00']],
            ['now' => self::local('2025-01-06 00:00')]);
        foreach (['2025-01-06', '2025-01-13', '2025-01-20'] as $i => $day) {
            $this->simClock(60 * $i);
            $this->task('scheduleSnapshot', ['now' => self::local("$day 02:03")]);
            $row = $this->finishJob($sid);
            $this->assertSame('ok', $row->job_result, (string) $row->job_message);
            $this->assertSame("$day 02:00:00", $row->vm_snapshot_last);
            $this->task('scheduleSnapshot', ['now' => self::local("$day 02:30")]); // once per slot
        }
        $list = $this->call($sid, 'snapshots');
        $this->assertSame(['sched_20250120_0200', 'sched_20250113_0200'], array_column($list['items'], 'name'));
        $this->assertSame(['Scheduler: 2025-01-20', 'Scheduler: 2025-01-13'],
            array_column($list['items'], 'description'));
        $this->assertSame(3, $this->simCalls('POST /nodes/{node}/qemu/{vmid}/snapshot'));
        $this->assertSame(1, $this->simCalls('DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}'),
            'the oldest made room');
        $this->assertCount(2, $this->simVm($vmid)['snapshots']);
        $this->assertSame('schedule', $list['mode']);
    }

    public function testAScheduleNeedsTheScheduleMode(): void
    {
        $sid = $this->deployed();
        try {
            $this->call($sid, 'snapshot_schedule', ['schedule' => ['1' => '02:00']]);
            $this->fail('a snapshot schedule was saved in lifetime mode');
        } catch (PuqKvm\StateException $e) {
            $this->assertSame(880, $e->getCode());
        }
        $this->assertNull($this->vmRow($sid)->vm_snapshot_schedule);
    }
}
