--TEST--
puqkvm_pve_*(): a malformed server entry throws a ValidationException naming every field
--EXTENSIONS--
puqkvm
--FILE--
<?php
try {
    puqkvm_pve_test_connection([
        'hostname' => 'pve one', 'port' => '99999', 'secure' => '',
        'username' => 'root@pam', 'password' => '', 'accesshash' => "fingerprint=AB:CD\ncolour=blue",
    ]);
} catch (PuqKvm\ValidationException $e) {
    echo get_class($e), ' ', $e->getCode(), "\n";
    foreach ($e->getErrors() as $field => $message) {
        echo "$field: $message\n";
    }
}
try {
    puqkvm_pve_nodes([]);
} catch (PuqKvm\ValidationException $e) {
    echo implode(',', array_keys($e->getErrors())), "\n";
}
?>
--EXPECT--
PuqKvm\ValidationException 101
port: must be a TCP port (1-65535), Proxmox uses 8006
hostname: 'pve one' is not a host name, address or host:port
accesshash: fingerprint: the fingerprint must be the certificate's SHA-256: 32 hex bytes such as AB:CD:...
username: enter the API token id as user@realm!tokenid (e.g. whmcs@pve!provisioning)
password: enter the API token secret (the UUID shown once when the token was made)
secure: Proxmox VE only speaks HTTPS: tick "Secure"
hostname,username,password
