<?php

/* WHMCS's metric contract: a named quantity of a type, in units, with its usage. */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface MetricInterface
{
    public const TYPE_SNAPSHOT = 'snapshot';
    public const TYPE_PERIOD_DAY = 'day';
    public const TYPE_PERIOD_MONTH = 'month';

    /** @return UsageInterface|null */
    public function usage();

    /** @return static a copy with the usage */
    public function withUsage(UsageInterface $usage = null);

    /** @return UnitInterface|null */
    public function units();

    /** @return string */
    public function systemName();

    /** @return string */
    public function displayName();

    /** @return string one of the TYPE_* constants */
    public function type();
}
