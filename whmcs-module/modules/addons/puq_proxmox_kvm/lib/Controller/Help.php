<?php

/*
 * Help: where the documentation lives (the README sections of the puqkvm project)
 * and where to look when something goes wrong.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm\Controller;

use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Request;
use WHMCS\Module\Addon\PuqProxmoxKvm\Http\Response;
use WHMCS\Module\Addon\PuqProxmoxKvm\Module;

// a class whose parent is not loaded yet is declared at run time: requested directly, it
// would be a fatal error naming the server's paths
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

final class Help extends Controller
{
    /** README headings this page links to, with what each one answers. */
    public const SECTIONS = [
        [
            'heading' => 'What puqkvm is',
            'about' => 'The engine, the addon and the server module, and how they fit together.',
        ],
        [
            'heading' => 'Installing into WHMCS',
            'about' => 'Building the extension, enabling it in php.ini, copying the modules and activating the addon.',
        ],
        [
            'heading' => 'Addon settings',
            'about' => 'Every setting of Settings > General and Settings > Cron, with defaults and ranges.',
        ],
        [
            'heading' => 'Trying it locally',
            'about' => 'scripts/demo and scripts/test: a local WHMCS harness with this addon, on any Debian 12 machine.',
        ],
        [
            'heading' => 'Troubleshooting',
            'about' => 'The notices this addon shows, the module log, and what to do about each.',
        ],
    ];

    public function get(Request $request): Response
    {
        $sections = [];
        foreach (self::SECTIONS as $section) {
            $sections[] = $section + ['url' => Module::DOCS_URL . '#' . self::anchor($section['heading'])];
        }
        return $this->page('help.tpl', [
            'sections' => $sections,
            'docs_url' => Module::DOCS_URL,
            'extension_version' => function_exists('puqkvm_version') ? puqkvm_version() : '',
        ], 'Help', 'help');
    }

    /** The anchor a Markdown renderer (GitHub's) gives a heading. */
    public static function anchor(string $heading): string
    {
        $slug = strtolower(trim($heading));
        $slug = preg_replace('/[^a-z0-9 _-]/', '', $slug);
        return str_replace(' ', '-', $slug);
    }
}
