<?php

/*
 * The provisioning functions and module buttons: each hands WHMCS's $params to the
 * engine, which only writes the database, and returns within milliseconds; the cron
 * does the Proxmox work (research/product.md 3: "provisioning functions return at
 * once"). What only PHP can do happens here: the service password is encrypted with
 * WHMCS's encrypt() before the engine stores it (the engine never sees WHMCS's key), and
 * a worker is started for the service when no looping worker would pick it up at once.
 */

namespace WHMCS\Module\Server\PuqProxmoxKVM;

use WHMCS\Module\Addon\PuqProxmoxKvm\Guard;

final class Provisioning
{
    /** @param array<string, mixed> $params */
    public static function create(array $params): string
    {
        Guard::connect();
        $password = (string) ($params['password'] ?? '');
        if ($password === '') {
            $password = self::randomPassword();
        }
        $params['password_encrypted'] = encrypt($password);
        puqkvm_vm_create($params);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** @param array<string, mixed> $params */
    public static function changePackage(array $params): string
    {
        Guard::connect();
        puqkvm_vm_change_package($params);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** @param array<string, mixed> $params */
    public static function terminate(array $params): string
    {
        Guard::connect();
        puqkvm_vm_terminate((int) $params['serviceid']);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** @param array<string, mixed> $params */
    public static function suspend(array $params, bool $suspended): string
    {
        Guard::connect();
        puqkvm_vm_suspend((int) $params['serviceid'], $suspended);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** @param array<string, mixed> $params */
    public static function power(array $params, string $action): string
    {
        Guard::connect();
        puqkvm_vm_power((int) $params['serviceid'], $action);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /**
     * Reinstall with the service's Operating System option (or the product's template)
     * and a new password, e-mailed when the VM is ready.
     *
     * @param array<string, mixed> $params
     */
    public static function reinstall(array $params, int $templateVmid = 0): string
    {
        Guard::connect();
        $password = self::randomPassword();
        if ($templateVmid === 0) {
            $product = puqkvm_vm_product_check($params);
            $templateVmid = (int) $product['template_vmid'];
        }
        puqkvm_vm_reinstall((int) $params['serviceid'], $templateVmid, encrypt($password));
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** @param array<string, mixed> $params */
    public static function redeploy(array $params): string
    {
        Guard::connect();
        puqkvm_vm_redeploy((int) $params['serviceid']);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** @param array<string, mixed> $params */
    public static function setDnsRecords(array $params): string
    {
        Guard::connect();
        puqkvm_vm_set_dns_records((int) $params['serviceid']);
        Wake::service((int) $params['serviceid']);
        return 'success';
    }

    /** 10 characters from an alphabet without look-alikes (as the original module's). */
    public static function randomPassword(int $length = 10): string
    {
        $alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
        $out = '';
        for ($i = 0; $i < $length; $i++) {
            $out .= $alphabet[random_int(0, strlen($alphabet) - 1)];
        }
        return $out;
    }
}
