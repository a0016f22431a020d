<?php

/* WHMCS's unit contract: how a metric's value is named. */

namespace WHMCS\UsageBilling\Contracts\Metrics;

interface UnitInterface
{
    /** @return string */
    public function name();

    /** @return string|null */
    public function suffix();
}
