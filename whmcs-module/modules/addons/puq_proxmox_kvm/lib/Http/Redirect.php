<?php

/* A 303 redirect, sent after a form post succeeded so a reload never posts again. */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Http;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class Redirect extends Response
{
    public string $url;

    public function __construct(string $url)
    {
        parent::__construct(303);
        $this->url = $url;
    }
}
