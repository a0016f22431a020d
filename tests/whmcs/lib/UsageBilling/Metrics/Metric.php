<?php

/* WHMCS's metric value class, with the constructor and accessors WHMCS documents. */

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;
use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

class Metric implements MetricInterface
{
    public function __construct(
        private string $systemName,
        private ?string $displayName = null,
        private ?string $type = null,
        private ?UnitInterface $units = null,
        private ?UsageInterface $usage = null
    ) {
    }

    public function usage()
    {
        return $this->usage;
    }

    public function withUsage(UsageInterface $usage = null)
    {
        $copy = clone $this;
        $copy->usage = $usage;
        return $copy;
    }

    public function units()
    {
        return $this->units;
    }

    public function systemName()
    {
        return $this->systemName;
    }

    public function displayName()
    {
        return $this->displayName ?? $this->systemName;
    }

    public function type()
    {
        return $this->type ?? self::TYPE_SNAPSHOT;
    }
}
