--TEST--
Admin actions re-check their rule in the transaction and queue one activity entry each: redeploy, reset, delete record (with and without release), release of one address
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace');
vm_fixture_product($pdo, 1, 'KVM S');
vm_fixture_server($pdo, 1, 'pve-waw');
foreach ([1 => 'ready', 2 => 'clone', 3 => 'error_terminate', 4 => 'remove', 5 => 'terminate'] as $id => $st) {
    vm_fixture_vm($pdo, $id, 1, 1, 1, 'Active', $st, 2000 + $id, "vm$id");
}
puqkvm_pool_create(['server' => 1, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => 0, 'gateway' => '192.0.2.1',
    'mask' => 24, 'dns1' => '', 'dns2' => '', 'start' => '192.0.2.10', 'stop' => '192.0.2.50']);
puqkvm_pool_allocate(3, 1, 2, 0);
puqkvm_pool_allocate(2, 1, 1, 0);
$pdo->exec("INSERT INTO puq_proxmox_kvm_vmids (vmid, service_id, server_id) VALUES (2003, 3, 1)");
$status = fn (int $id) => $pdo->query("SELECT vm_status FROM puqProxmoxKVM_vm_info WHERE service_id = $id")->fetchColumn();
$actor = 'admin alice (ID 1)';

echo "redeploy ready: ", vm_errors(fn () => puqkvm_vmadmin_redeploy(1, $actor)), " -> ", $status(1), "\n";
echo "redeploy clone: ", vm_errors(fn () => puqkvm_vmadmin_redeploy(2, $actor)), " -> ", $status(2), "\n";
echo "redeploy terminate: ", vm_errors(fn () => puqkvm_vmadmin_redeploy(5, $actor)), " -> ", $status(5), "\n";
echo "redeploy missing: ", vm_errors(fn () => puqkvm_vmadmin_redeploy(99, $actor)), "\n";
echo "redeploy no actor: ", vm_errors(fn () => puqkvm_vmadmin_redeploy(2, '')), "\n";

echo "reset bad: ", vm_errors(fn () => puqkvm_vmadmin_reset(1, 'clone', $actor)), " -> ", $status(1), "\n";
echo "reset unknown: ", vm_errors(fn () => puqkvm_vmadmin_reset(1, 'flying', $actor)), "\n";
echo "reset ok: ", vm_errors(fn () => puqkvm_vmadmin_reset(1, 'set_dns_records', $actor)), " -> ", $status(1), "\n";
$pdo->exec("UPDATE puqProxmoxKVM_vm_info SET lease_owner = 'w1', lease_token = 'abc', lease_until = NOW() + INTERVAL 1 MINUTE WHERE service_id = 5");
echo "reset terminate->remove: ", vm_errors(fn () => puqkvm_vmadmin_reset(5, 'remove', $actor)), " -> ", $status(5),
    " lease=", var_export($pdo->query('SELECT lease_token FROM puqProxmoxKVM_vm_info WHERE service_id = 5')->fetchColumn(), true), "\n";

echo "delete ready: ", vm_errors(fn () => puqkvm_vmadmin_delete_record(1, false, $actor)), "\n";
echo "delete clone (with release): ", vm_errors(fn () => puqkvm_vmadmin_delete_record(2, true, $actor)), "\n";
echo "held by 2: ", count(puqkvm_pool_addresses(2)), "\n";
echo "delete error_terminate, keep: ", puqkvm_vmadmin_delete_record(3, false, $actor), " held=",
    count(puqkvm_pool_addresses(3)), " row=", var_export($status(3), true), "\n";
echo "vmid 2003 now: ", $pdo->query('SELECT service_id FROM puq_proxmox_kvm_vmids WHERE vmid = 2003')->fetchColumn(), "\n";
echo "tblhosting untouched: ", $pdo->query('SELECT CONCAT(domainstatus, "/", dedicatedip) FROM tblhosting WHERE id = 3')->fetchColumn(), "\n";
echo "delete remove, release: ", puqkvm_vmadmin_delete_record(4, true, $actor), "\n";
echo "delete again: ", vm_errors(fn () => puqkvm_vmadmin_delete_record(4, false, $actor)), "\n";

$alloc = puqkvm_pool_addresses(3)[0];
puqkvm_vmadmin_release_address($alloc['id'], $actor);
echo "released one: held=", count(puqkvm_pool_addresses(3)), "\n";
echo "release again: ", vm_errors(fn () => puqkvm_vmadmin_release_address($alloc['id'], $actor)), "\n";

foreach (vm_activity($pdo) as $line) {
    echo "activity: $line\n";
}
echo "clients: ", implode(',', $pdo->query("SELECT DISTINCT client_id FROM puq_proxmox_kvm_outbox")->fetchAll(PDO::FETCH_COLUMN)), "\n";
?>
--EXPECT--
redeploy ready: PuqKvm\StateException: Redeploy is only for a VM that is not ready; the VM of service 1 is ready (use Reinstall to rebuild a working VM) -> ready
redeploy clone: no exception -> reinstall
redeploy terminate: PuqKvm\StateException: Redeploy is not possible while the VM is terminate -> terminate
redeploy missing: PuqKvm\NotFoundException: service 99 has no VM record
redeploy no actor: {"actor":"the admin doing this must be named"}
reset bad: {"status":"must be one of ready, creation, set_ip, change_package, set_dns_records, terminate, remove"} -> ready
reset unknown: {"status":"must be one of ready, creation, set_ip, change_package, set_dns_records, terminate, remove"}
reset ok: no exception -> set_dns_records
reset terminate->remove: no exception -> remove lease=NULL
delete ready: PuqKvm\StateException: Delete Record is only for a VM in error_terminate or remove; the VM of service 1 is set_dns_records: reset it first
delete clone (with release): PuqKvm\StateException: Delete Record is only for a VM in error_terminate or remove; the VM of service 2 is reinstall: reset it first
held by 2: 1
delete error_terminate, keep: 0 held=2 row=false
vmid 2003 now: 0
tblhosting untouched: Active/192.0.2.10
delete remove, release: 0
delete again: PuqKvm\NotFoundException: service 4 has no VM record
released one: held=1
release again: PuqKvm\NotFoundException: address 1 is not held any more
activity: admin alice (ID 1): VM redeploy requested (status was clone) - Service ID: 2
activity: admin alice (ID 1): VM status reset from ready to set_dns_records - Service ID: 1
activity: admin alice (ID 1): VM status reset from terminate to remove - Service ID: 5
activity: admin alice (ID 1): VM record deleted (status error_terminate) - Service ID: 3
activity: admin alice (ID 1): VM record deleted (status remove), 0 address(es) released - Service ID: 4
activity: admin alice (ID 1): IP address 192.0.2.10 released - Service ID: 3
clients: 1
