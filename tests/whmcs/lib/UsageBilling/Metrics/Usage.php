<?php

/* WHMCS's usage value class. */

namespace WHMCS\UsageBilling\Metrics;

use WHMCS\UsageBilling\Contracts\Metrics\UsageInterface;

class Usage implements UsageInterface
{
    public function __construct(private float|int $value)
    {
    }

    public function value()
    {
        return $this->value;
    }
}
