<?php

/*
 * Rules of the addon's sources that a reviewer would otherwise check by eye: every
 * value a template prints goes through |escape (and nothing is printed raw with
 * nofilter), PHP files build no HTML (templates do), every PHP file refuses direct
 * access or only declares a class, and each Help link points at a heading that exists
 * in README.md.
 */

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\PuqProxmoxKvm\Controller\Help;

final class AddonSourceTest extends TestCase
{
    private const ADDON = __DIR__ . '/../../../whmcs-module/modules/addons/puq_proxmox_kvm';

    public static function setUpBeforeClass(): void
    {
        // The Help controller's class, whichever test of the run happens to come first.
        require_once self::ADDON . '/lib/autoload.php';
    }

    public function testEveryPrintedTemplateValueIsEscaped(): void
    {
        $files = glob(self::ADDON . '/templates/*.tpl');
        $this->assertNotEmpty($files);
        $printed = 0;
        foreach ($files as $file) {
            $source = (string) file_get_contents($file);
            $this->assertStringNotContainsString('nofilter', $source, basename($file));
            $this->assertStringNotContainsString('{php', $source, basename($file));
            preg_match_all('/\{\$[^}]*\}/', $source, $matches);
            foreach ($matches[0] as $tag) {
                $printed++;
                $this->assertMatchesRegularExpression('/\|escape(:[^|}]*)?\}$/', $tag, basename($file) . ": $tag");
            }
        }
        $this->assertGreaterThan(50, $printed);
    }

    public function testPhpFilesBuildNoHtml(): void
    {
        $files = array_merge(glob(self::ADDON . '/*.php'), glob(self::ADDON . '/lib/*.php'), glob(self::ADDON . '/lib/*/*.php'));
        $this->assertNotEmpty($files);
        foreach ($files as $file) {
            $tokens = token_get_all((string) file_get_contents($file));
            foreach ($tokens as $token) {
                if (is_array($token) && in_array($token[0], [T_CONSTANT_ENCAPSED_STRING, T_ENCAPSED_AND_WHITESPACE, T_INLINE_HTML], true)) {
                    $this->assertDoesNotMatchRegularExpression('#</?[a-z][a-z0-9]*(\s[^>]*)?>#i', $token[1],
                        basename($file) . ' line ' . $token[2]);
                }
            }
        }
    }

    public function testEntryFilesRefuseDirectAccess(): void
    {
        foreach (['puq_proxmox_kvm.php', 'hooks.php', 'lib/autoload.php'] as $file) {
            $this->assertStringContainsString("if (!defined('WHMCS')) {\n    die(",
                (string) file_get_contents(self::ADDON . "/$file"), $file);
        }
    }

    public function testHelpLinksPointAtReadmeHeadings(): void
    {
        $readme = (string) file_get_contents(dirname(__DIR__, 3) . '/README.md');
        preg_match_all('/^#{1,4} (.+)$/m', $readme, $m);
        $anchors = array_map([Help::class, 'anchor'], $m[1]);
        foreach (Help::SECTIONS as $section) {
            $this->assertContains(Help::anchor($section['heading']), $anchors, $section['heading']);
        }
    }
}
