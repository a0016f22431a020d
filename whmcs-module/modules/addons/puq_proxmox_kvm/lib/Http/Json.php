<?php

/*
 * A JSON answer to an AJAX call. Errors carry {"error": message} and, for validation,
 * {"errors": {field: message}}, with the matching status (403, 404, 405, 422, 503).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Http;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class Json extends Response
{
    /** @var array<string, mixed> */
    public array $data;

    /** @param array<string, mixed> $data */
    public function __construct(array $data, int $status = 200)
    {
        parent::__construct($status);
        $this->data = $data;
    }
}
