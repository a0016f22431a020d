<?php

/*
 * A page of the addon: a template of templates/ with its variables, the title, the
 * navigation entry to highlight and the HTTP status (404, 403, 422 pages are pages too).
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Http;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class Page extends Response
{
    public string $template;
    /** @var array<string, mixed> */
    public array $vars;
    public string $title;
    public string $nav;

    /** @param array<string, mixed> $vars */
    public function __construct(string $template, array $vars, string $title, string $nav, int $status = 200)
    {
        parent::__construct($status);
        $this->template = $template;
        $this->vars = $vars;
        $this->title = $title;
        $this->nav = $nav;
    }
}
