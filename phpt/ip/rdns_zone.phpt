--TEST--
puqkvm_ip_rdns_zone(): the addon's two examples, octet- and nibble-aligned prefixes, null otherwise
--EXTENSIONS--
puqkvm
--FILE--
<?php
// The IP Pools page examples: 192.168.130.1/24 and 2001:db8::1/120.
var_dump(puqkvm_ip_rdns_zone('192.168.130.1', 24));
var_dump(puqkvm_ip_rdns_zone('2001:db8::1', 120));
foreach ([0, 8, 16, 22, 24, 28, 32] as $p) {
    echo "10.20.30.40/$p => ", puqkvm_ip_rdns_zone('10.20.30.40', $p) ?? 'classless delegation required', "\n";
}
foreach ([0, 4, 30, 32, 48, 63, 64, 126, 128] as $p) {
    echo "2001:db8:abcd:12::1/$p => ", puqkvm_ip_rdns_zone('2001:db8:abcd:12::1', $p) ?? 'classless delegation required', "\n";
}
?>
--EXPECT--
string(24) "130.168.192.in-addr.arpa"
string(68) "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
10.20.30.40/0 => classless delegation required
10.20.30.40/8 => 10.in-addr.arpa
10.20.30.40/16 => 20.10.in-addr.arpa
10.20.30.40/22 => classless delegation required
10.20.30.40/24 => 30.20.10.in-addr.arpa
10.20.30.40/28 => classless delegation required
10.20.30.40/32 => classless delegation required
2001:db8:abcd:12::1/0 => ip6.arpa
2001:db8:abcd:12::1/4 => 2.ip6.arpa
2001:db8:abcd:12::1/30 => classless delegation required
2001:db8:abcd:12::1/32 => 8.b.d.0.1.0.0.2.ip6.arpa
2001:db8:abcd:12::1/48 => d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa
2001:db8:abcd:12::1/63 => classless delegation required
2001:db8:abcd:12::1/64 => 2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa
2001:db8:abcd:12::1/126 => classless delegation required
2001:db8:abcd:12::1/128 => 1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.2.1.0.0.d.c.b.a.8.b.d.0.1.0.0.2.ip6.arpa
