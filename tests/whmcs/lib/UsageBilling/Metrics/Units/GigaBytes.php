<?php

/* WHMCS's gigabytes unit. */

namespace WHMCS\UsageBilling\Metrics\Units;

use WHMCS\UsageBilling\Contracts\Metrics\UnitInterface;

class GigaBytes implements UnitInterface
{
    public function __construct(private string $name = 'Gigabytes', private ?string $suffix = 'GB')
    {
    }

    public function name()
    {
        return $this->name;
    }

    public function suffix()
    {
        return $this->suffix;
    }
}
