--TEST--
puqkvm_pool_server_list_check(): the server's Assigned IP Addresses lines, bad lines named by number
--EXTENSIONS--
puqkvm
--FILE--
<?php
$good = "vmbr0|10|192.168.10.2|24|192.168.10.1|8.8.8.8,1.1.1.1\r\n\nvmbr3|0|10.0.25.2|24|10.0.25.1|10.0.10.10\n";
foreach (puqkvm_pool_server_list_check($good) as $line) {
    echo json_encode($line), "\n";
}
try {
    puqkvm_pool_server_list_check("vmbr0|0|10.0.0.5|24|10.0.0.1|\nvmbr0|4095|10.0.0.6|24|10.0.0.1|\nvmbr0|0|10.0.0.5|24|10.0.0.1|");
} catch (PuqKvm\ValidationException $e) {
    echo get_class($e), ' ', $e->getCode(), "\n";
    print_r($e->getErrors());
}
var_dump(puqkvm_pool_server_list_check(''));
?>
--EXPECT--
{"line":1,"bridge":"vmbr0","vlan":10,"ip":"192.168.10.2","mask":24,"gateway":"192.168.10.1","dns1":"8.8.8.8","dns2":"1.1.1.1"}
{"line":3,"bridge":"vmbr3","vlan":0,"ip":"10.0.25.2","mask":24,"gateway":"10.0.25.1","dns1":"10.0.10.10","dns2":""}
PuqKvm\ValidationException 101
Array
(
    [line 2] => vlan: the VLAN tag must be a whole number 0-4094 (0 = untagged)
    [line 3] => the same address as line 1
)
array(0) {
}
