--TEST--
puqkvm_dashboard() counts pools, zones and Active services of puqProxmoxKVM products
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../../tests/lib/testdb.php';
$db = PuqKvm\Test\TestDb::create(whmcs: true, migrate: true);
$pdo = $db->pdo();
$pdo->exec("SET SESSION sql_mode = ''"); // as WHMCS writes its own tables
$pdo->exec("INSERT INTO tblproducts (id, name, servertype) VALUES (1, 'VPS', 'puqProxmoxKVM'), (2, 'Web', 'cpanel')");
$pdo->exec("INSERT INTO tblhosting (packageid, domainstatus) VALUES
    (1, 'Active'), (1, 'Active'), (1, 'Suspended'), (1, 'Terminated'), (2, 'Active')");
$pdo->exec("INSERT INTO puq_proxmox_kvm_ip_pools (server_id, type) VALUES (1, 'ipv4')");
$pdo->exec("INSERT INTO puqProxmoxKVM_vm_info (service_id, vm_status) VALUES (1, 'ready'), (2, 'clone')");
var_dump(puqkvm_dashboard());
?>
--EXPECT--
array(7) {
  ["ip_pools"]=>
  int(1)
  ["dns_zones"]=>
  int(0)
  ["kvm_services"]=>
  int(2)
  ["vms_total"]=>
  int(2)
  ["vms_in_progress"]=>
  int(1)
  ["vms_failed"]=>
  int(0)
  ["vms_attention"]=>
  int(0)
}
