<?php

/*
 * The system crontab line of standalone cron mode:
 *   * * * * * /usr/bin/php -q /path/to/whmcs/modules/addons/puq_proxmox_kvm/cron.php
 * The PHP binary is the "PHP binary" setting when set; otherwise the command-line PHP
 * that belongs to the PHP running WHMCS (PHP_BINARY is php-fpm or php-cgi under a web
 * server, so the CLI binary in the same PHP_BINDIR is used), or plain "php".
 */

namespace WHMCS\Module\Addon\PuqProxmoxKvm;

final class CronLine
{
    public static function build(string $phpBinary): string
    {
        $php = trim($phpBinary) !== '' ? trim($phpBinary) : self::defaultPhp();
        return '* * * * * ' . self::shellWord($php) . ' -q ' . self::shellWord(Module::cronScript());
    }

    public static function defaultPhp(): string
    {
        if (PHP_SAPI === 'cli' && PHP_BINARY !== '') {
            return PHP_BINARY;
        }
        $cli = PHP_BINDIR . '/php';
        return is_file($cli) ? $cli : 'php';
    }

    /** Quotes a word for the shell when it holds anything but safe path characters. */
    private static function shellWord(string $word): string
    {
        return preg_match('#^[A-Za-z0-9_./+-]+$#', $word) ? $word : escapeshellarg($word);
    }
}
