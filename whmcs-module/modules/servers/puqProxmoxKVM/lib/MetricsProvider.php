<?php

/*
 * WHMCS usage billing (Products > Module Settings > Metric Billing): "Bandwidth Usage
 * In (GB)" and "Bandwidth Usage Out (GB)", monthly, from the hourly rows the
 * collectingStatistics cron fills. Tenants are the services' domains (the FQDN WHMCS
 * shows for the service). A month is the calendar month of WHMCS's time zone; gigabytes
 * are 2^30 bytes, as Proxmox counts.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;
use WHMCS\UsageBilling\Metrics\Metric;
use WHMCS\UsageBilling\Metrics\Units\GigaBytes;
use WHMCS\UsageBilling\Metrics\Usage;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class MetricsProvider implements ProviderInterface
{
    private const GB = 1073741824;

    /** @param array<string, mixed> $params the server's module parameters */
    public function __construct(private array $params)
    {
    }

    public function metrics()
    {
        return [
            'bandwidth_in' => new Metric('bandwidth_in', 'Bandwidth Usage In (GB)',
                MetricInterface::TYPE_PERIOD_MONTH, new GigaBytes()),
            'bandwidth_out' => new Metric('bandwidth_out', 'Bandwidth Usage Out (GB)',
                MetricInterface::TYPE_PERIOD_MONTH, new GigaBytes()),
        ];
    }

    public function usage()
    {
        $out = [];
        foreach ($this->rows(0) as $row) {
            if ($row['domain'] !== '') {
                $out[$row['domain']] = $this->wrap($row);
            }
        }
        return $out;
    }

    public function tenantUsage($tenant)
    {
        foreach ($this->rows(0) as $row) {
            if ($row['domain'] === (string) $tenant) {
                return $this->wrap($row);
            }
        }
        return $this->wrap(['in' => 0, 'out' => 0]);
    }

    /** @return list<array<string, mixed>> this month's traffic of the server's services */
    private function rows(int $serviceId): array
    {
        if (ModuleCall::extensionProblem() !== null) {
            return [];
        }
        Guard::connect();
        $monthStart = mktime(0, 0, 0, (int) date('n'), 1, (int) date('Y'));
        return puqkvm_stats_usage((int) ($this->params['serverid'] ?? 0), $serviceId, (int) $monthStart);
    }

    /** @return array<string, MetricInterface> */
    private function wrap(array $row): array
    {
        $m = $this->metrics();
        return [
            'bandwidth_in' => $m['bandwidth_in']->withUsage(new Usage(round($row['in'] / self::GB, 3))),
            'bandwidth_out' => $m['bandwidth_out']->withUsage(new Usage(round($row['out'] / self::GB, 3))),
        ];
    }
}
