<?php

/*
 * Renders the addon's Smarty templates (templates/*.tpl) with the Smarty that WHMCS
 * ships. Templates escape every value themselves with |escape (tests/whmcs lints for
 * it); compiled templates go to a directory of the addon's own under WHMCS's
 * $templates_compiledir.
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class View
{
    private \Smarty $smarty;

    public function __construct(string $compileDir)
    {
        if (!is_dir($compileDir) && !@mkdir($compileDir, 0700, true) && !is_dir($compileDir)) {
            throw new \RuntimeException("cannot create the template cache $compileDir");
        }
        $smarty = new \Smarty();
        $smarty->setTemplateDir(Module::templateDir());
        $smarty->setCompileDir($compileDir);
        $smarty->setCaching(\Smarty::CACHING_OFF);
        $this->smarty = $smarty;
    }

    /** The view with WHMCS's compile directory (configuration.php $templates_compiledir). */
    public static function create(): self
    {
        $dir = WhmcsConfig::value('templates_compiledir');
        if ($dir === '') {
            $dir = sys_get_temp_dir();
        } elseif ($dir[0] !== '/' && defined('ROOTDIR')) {
            $dir = ROOTDIR . '/' . $dir;
        }
        return new self(rtrim($dir, '/') . '/' . Module::NAME);
    }

    /** @param array<string, mixed> $vars */
    public function render(string $template, array $vars): string
    {
        if (!preg_match('/^[a-z0-9_]+\.tpl$/', $template)) {
            throw new \InvalidArgumentException("bad template name $template");
        }
        $data = $this->smarty->createData();
        foreach ($vars as $name => $value) {
            $data->assign($name, $value);
        }
        return $this->smarty->fetch($template, $data);
    }
}
