<?php

/*
 * WHMCS's usage-billing contract of a server module's metric provider (WHMCS 7.9+), with
 * WHMCS's documented methods: the metrics it offers, the usage of every tenant of the
 * server, and one tenant's usage.
 */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface ProviderInterface
{
    /** @return array<string, MetricInterface> keyed by metric system name */
    public function metrics();

    /** @return array<string, array<string, MetricInterface>> keyed by tenant */
    public function usage();

    /** @return array<string, MetricInterface> */
    public function tenantUsage($tenant);
}
