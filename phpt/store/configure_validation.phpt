--TEST--
puqkvm_db_configure() reports every bad WHMCS database setting at once
--EXTENSIONS--
puqkvm
--FILE--
<?php
try {
    puqkvm_db_configure([
        'db_host' => 'db.example.net:http',
        'db_port' => 'x',
        'db_username' => '',
        'db_password' => 'whatever',
        'db_tls_ca' => ['not', 'a', 'string'],
        'cc_encryption_hash' => 'ignored, not a database setting',
    ]);
} catch (PuqKvm\ValidationException $e) {
    echo $e->getCode(), "\n";
    $errors = $e->getErrors();
    ksort($errors);
    foreach ($errors as $field => $message) {
        echo "$field: $message\n";
    }
}
// a complete set is accepted; nothing connects yet
puqkvm_db_configure(['db_host' => '127.0.0.1:1', 'db_username' => 'u', 'db_name' => 'd']);
echo "accepted\n";
?>
--EXPECT--
101
db_host: is not host, host:port, host:/socket/path or [IPv6]:port
db_name: is required
db_port: must be a port number from 1 to 65535
db_tls_ca: must be a string or a number
db_username: is required
accepted
