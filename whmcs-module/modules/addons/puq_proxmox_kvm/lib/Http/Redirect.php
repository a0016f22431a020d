<?php

/* A 303 redirect, sent after a form post succeeded so a reload never posts again. */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Http;

final class Redirect extends Response
{
    public string $url;

    public function __construct(string $url)
    {
        parent::__construct(303);
        $this->url = $url;
    }
}
