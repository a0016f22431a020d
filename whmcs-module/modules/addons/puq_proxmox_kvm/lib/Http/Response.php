<?php

/*
 * What a controller answers: a page to render inside the addon layout (Page), a JSON
 * document for the pages' AJAX calls (Json) or a redirect after a successful form post
 * (Redirect). Controllers return these and never print; AdminApp turns them into output,
 * which keeps every controller testable without a web server.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Http;

abstract class Response
{
    public int $status;

    protected function __construct(int $status)
    {
        $this->status = $status;
    }
}
