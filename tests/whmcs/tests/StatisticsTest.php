<?php

/*
 * collectingStatistics against the Proxmox simulator (a running VM receives 1234.5 and
 * sends 234.1 bytes per second in every RRD sample): each interval counted once across
 * repeated runs, missed runs made good from coarser frames on PVE 9 and PVE 8, a VM
 * Proxmox does not know skipped with its watermark kept, rows older than 35 days
 * purged, and the server module's metric provider reporting the month in GB.
 */

use WHMCS\Database\Capsule;

require_once __DIR__ . '/ClientAreaTestCase.php';

final class StatisticsTest extends ClientAreaTestCase
{
    private const IN = 1234.5;
    private const OUT = 234.1;

    /** [bytes in, bytes out] stored for a service. */
    private function totals(int $sid): array
    {
        $row = Capsule::table('puqProxmoxKVM_statistics')->where('service_id', $sid)
            ->selectRaw('COALESCE(SUM(netin), 0) AS i, COALESCE(SUM(netout), 0) AS o')->first();
        return [(int) $row->i, (int) $row->o];
    }

    private function watermark(int $sid): int
    {
        return (int) $this->vmRow($sid)->stats_watermark;
    }

    /** The stored totals equal the rates over [start, watermark), up to rounding per hour. */
    private function assertCounted(int $sid, int $start): void
    {
        $seconds = $this->watermark($sid) - $start;
        [$in, $out] = $this->totals($sid);
        $hours = Capsule::table('puqProxmoxKVM_statistics')->where('service_id', $sid)->count();
        $this->assertEqualsWithDelta(self::IN * $seconds, $in, $hours, "bytes in over $seconds s");
        $this->assertEqualsWithDelta(self::OUT * $seconds, $out, $hours, "bytes out over $seconds s");
    }

    public function testEachIntervalIsCountedOnceAcrossRuns(): void
    {
        $sid = $this->deployed();
        $this->task('collectingStatistics');
        $first = $this->watermark($sid);
        $this->assertSame(0, $first % 60, 'the watermark is a sample boundary');
        // the first run counts the finest frame: 60 one-minute samples, the newest still open
        $start = $first - 59 * 60;
        $this->assertCounted($sid, $start);

        $this->task('collectingStatistics');
        $this->simClock(600);
        $this->task('collectingStatistics');
        $this->assertGreaterThanOrEqual($first + 600, $this->watermark($sid));
        $this->assertCounted($sid, $start);
    }

    /** @dataProvider versions */
    public function testMissedRunsAreMadeGoodFromCoarserFrames(int $version, int $firstSeconds): void
    {
        $this->sim('POST', 'cluster/reset', ['knobs' => ['taskMs' => 20, 'authFailDelayMs' => 50,
            'version' => $version]]);
        $sid = $this->deployed();
        $this->task('collectingStatistics');
        $start = $this->watermark($sid) - $firstSeconds;
        $this->assertCounted($sid, $start);
        // five hours without a run: older than the "hour" frame holds
        $this->simClock(5 * 3600);
        $before = $this->simCalls('GET /nodes/{node}/qemu/{vmid}/rrddata');
        $this->task('collectingStatistics');
        $this->assertSame(2, $this->simCalls('GET /nodes/{node}/qemu/{vmid}/rrddata') - $before,
            'the hour frame, then the day frame');
        $this->assertCounted($sid, $start);
        $this->assertGreaterThanOrEqual(6, Capsule::table('puqProxmoxKVM_statistics')->where('service_id', $sid)->count(),
            'one row per hour');
    }

    public static function versions(): array
    {
        // PVE 9 keeps 60 one-minute samples in "hour", PVE 8 70
        return ['PVE 9' => [9, 59 * 60], 'PVE 8' => [8, 69 * 60]];
    }

    public function testAVmProxmoxDoesNotKnowIsSkipped(): void
    {
        $sid = $this->deployed();
        Capsule::table('puqProxmoxKVM_vm_info')->where('service_id', $sid)->update(['vm_id' => 99999]);
        $out = $this->task('collectingStatistics');
        $this->assertSame(0, $this->watermark($sid), $out);
        $this->assertSame([0, 0], $this->totals($sid));
        $this->assertSame('ok', array_column(puqkvm_cron_tasks(), null, 'name')['collectingStatistics']['last_status']);
    }

    public function testOldRowsArePurged(): void
    {
        $sid = $this->deployed();
        $table = Capsule::table('puqProxmoxKVM_statistics');
        $table->insert(['service_id' => $sid, 'vm_id' => 1, 'hour' => gmdate('Y-m-d H:00:00', time() - 40 * 86400),
            'netin' => 5, 'netout' => 5]);
        $table->insert(['service_id' => $sid, 'vm_id' => 1, 'hour' => gmdate('Y-m-d H:00:00', time() - 30 * 86400),
            'netin' => 7, 'netout' => 7]);
        $out = $this->task('collectingStatistics');
        $this->assertStringContainsString('purged 1 hourly rows older than 35 days', $out);
        $this->assertSame(0, Capsule::table('puqProxmoxKVM_statistics')->where('netin', 5)->count());
        $this->assertSame(1, Capsule::table('puqProxmoxKVM_statistics')->where('netin', 7)->count());
    }

    public function testTheMetricProviderReportsTheMonthInGigabytes(): void
    {
        $sid = $this->deployed();
        $this->task('collectingStatistics');
        $domain = (string) Capsule::table('tblhosting')->where('id', $sid)->value('domain');
        Capsule::table('puqProxmoxKVM_statistics')->where('service_id', $sid)
            ->update(['netin' => 3 * 1073741824, 'netout' => 1073741824]);
        // the month of WHMCS's time zone (rows of a month's first hour may belong to the last)
        $monthStart = gmdate('Y-m-d H:i:s', mktime(0, 0, 0, (int) date('n'), 1, (int) date('Y')));
        $rows = Capsule::table('puqProxmoxKVM_statistics')->where('service_id', $sid)
            ->where('hour', '>=', $monthStart)->count();

        $provider = puqProxmoxKVM_MetricProvider($this->params($sid));
        $this->assertInstanceOf(\WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface::class, $provider);
        $metrics = $provider->metrics();
        $this->assertSame('Bandwidth Usage In (GB)', $metrics['bandwidth_in']->displayName());
        $this->assertSame('Bandwidth Usage Out (GB)', $metrics['bandwidth_out']->displayName());
        $this->assertSame('month', $metrics['bandwidth_in']->type());
        $usage = $provider->usage();
        $this->assertArrayHasKey($domain, $usage);
        $this->assertEqualsWithDelta(3.0 * $rows, $usage[$domain]['bandwidth_in']->usage()->value(), 0.001);
        $this->assertEqualsWithDelta(1.0 * $rows, $usage[$domain]['bandwidth_out']->usage()->value(), 0.001);
        $tenant = $provider->tenantUsage($domain);
        $this->assertEqualsWithDelta(3.0 * $rows, $tenant['bandwidth_in']->usage()->value(), 0.001);
        $this->assertEquals(0, $provider->tenantUsage('nobody.example')['bandwidth_in']->usage()->value());
    }
}
