--TEST--
puqkvm_ip_* functions refuse bad input with a ValueError that gives the reason
--EXTENSIONS--
puqkvm
--FILE--
<?php
$bad = ['', '10.0.0.256', '010.0.0.1', '10.1', 'fe80::1%eth0', '2001:db8::/64',
        '2001:db8::1::2', '2001:db8:12345::1', '1:2:3:4:5:6:7:8:9', " 10.0.0.1", 'host.example'];
foreach ($bad as $ip) {
    foreach (['puqkvm_ip_normalize', 'puqkvm_ip_ptr_name'] as $fn) {
        try {
            $fn($ip);
            echo "$fn accepted ", json_encode($ip), "\n";
        } catch (ValueError $e) {
            if ($fn === 'puqkvm_ip_normalize') {
                echo $e->getMessage(), "\n";
            }
        }
    }
}
foreach ([['10.0.0.1', 33], ['10.0.0.1', -1], ['2001:db8::', 129]] as [$ip, $p]) {
    try {
        puqkvm_ip_rdns_zone($ip, $p);
    } catch (ValueError $e) {
        echo $e->getMessage(), "\n";
    }
}
try {
    puqkvm_ip_rdns_zone('2001:db8::/32', 32);
} catch (ValueError $e) {
    echo $e->getMessage(), "\n";
}
?>
--EXPECT--
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: empty address
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: IPv4 part 4 is greater than 255
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: IPv4 part 1 has a leading zero (ambiguous: octal or decimal)
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: IPv4 address needs 4 parts separated by dots, found 2
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: a zone index (%...) is not part of an address
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: a prefix length is not part of an address; enter the address alone
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: "::" may appear only once
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: IPv6 group 3 has more than 4 hex digits
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: IPv6 address has more than 8 groups
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: contains whitespace at position 1
puqkvm_ip_normalize(): Argument #1 ($ip) is not a valid IP address: invalid character at position 1
puqkvm_ip_rdns_zone(): Argument #2 ($prefix) must be between 0 and 32 for an IPv4 address
puqkvm_ip_rdns_zone(): Argument #2 ($prefix) must be between 0 and 32 for an IPv4 address
puqkvm_ip_rdns_zone(): Argument #2 ($prefix) must be between 0 and 128 for an IPv6 address
puqkvm_ip_rdns_zone(): Argument #1 ($ip) is not a valid IP address: a prefix length is not part of an address; enter the address alone
