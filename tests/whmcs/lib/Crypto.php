<?php

/*
 * encrypt()/decrypt(): WHMCS encrypts stored secrets (tblservers.password,
 * tblhosting.password) with a key derived from configuration.php's $cc_encryption_hash
 * and stores base64 text. The harness keeps that shape with AES-256-CBC under
 * SHA-256($cc_encryption_hash) and a random IV per value, so a module that stores a raw
 * secret where WHMCS expects ciphertext (or the reverse) fails here as it would there.
 */

namespace WhmcsHarness;

final class Crypto
{
    private const CIPHER = 'aes-256-cbc';

    public static function encrypt(string $plain): string
    {
        $iv = random_bytes(16);
        $data = openssl_encrypt($plain, self::CIPHER, self::key(), OPENSSL_RAW_DATA, $iv);
        if ($data === false) {
            throw new \RuntimeException('encrypt failed');
        }
        return base64_encode($iv . $data);
    }

    public static function decrypt(string $cipherText): string
    {
        $raw = base64_decode($cipherText, true);
        if ($raw === false || strlen($raw) < 32) {
            return '';
        }
        $plain = openssl_decrypt(substr($raw, 16), self::CIPHER, self::key(), OPENSSL_RAW_DATA,
            substr($raw, 0, 16));
        return $plain === false ? '' : $plain;
    }

    private static function key(): string
    {
        $hash = (string) (Environment::configuration()['cc_encryption_hash'] ?? '');
        if ($hash === '') {
            throw new \LogicException('no $cc_encryption_hash: boot a harness root first');
        }
        return hash('sha256', $hash, true);
    }
}
