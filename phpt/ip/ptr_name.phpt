--TEST--
puqkvm_ip_ptr_name(): in-addr.arpa for IPv4, 32 nibbles under ip6.arpa for IPv6, any text form
--EXTENSIONS--
puqkvm
--FILE--
<?php
foreach (['192.168.130.2', '2001:db8::10', '2001:0db8:0000:0000:0000:0000:0000:0010',
          '::ffff:10.0.0.1'] as $ip) {
    echo puqkvm_ip_ptr_name($ip), "\n";
}
var_dump(puqkvm_ip_ptr_name('2001:db8::10') === puqkvm_ip_ptr_name('2001:DB8:0::0:10'));
?>
--EXPECT--
2.130.168.192.in-addr.arpa
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa
0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa
1.0.0.0.0.0.a.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa
bool(true)
