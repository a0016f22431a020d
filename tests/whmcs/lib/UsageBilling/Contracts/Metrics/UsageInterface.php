<?php

/* WHMCS's usage contract: one measured value. */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface UsageInterface
{
    /** @return float|int */
    public function value();
}
