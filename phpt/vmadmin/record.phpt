--TEST--
DB Record: the raw row with editable columns marked; edits validated field by field (nothing saved on any error); a status edit drops the lease and recomputes due; a VMID edit moves the reservation or is refused
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
vm_fixture_vm($pdo, 1, 1, 1, 1, 'Active', 'error_terminate', 2001, 'vm1');
vm_fixture_vm($pdo, 2, 1, 1, 1, 'Active', 'ready', 2002, 'vm2');
$pdo->exec("INSERT INTO puq_proxmox_kvm_vmids (vmid, service_id, server_id) VALUES (2001, 1, 1), (2002, 2, 1), (3000, 0, 1)");
$pdo->exec("UPDATE puqProxmoxKVM_vm_info SET lease_owner = 'w1', lease_token = 'tok', lease_until = NOW() + INTERVAL 1 MINUTE, due = 0 WHERE service_id = 1");
$actor = 'admin alice (ID 1)';
$row = fn () => $pdo->query("SELECT vm_id, vm_status, vm_net0_mac, vm_rev_dns, vm_backup_schedule, lease_token, due
    FROM puqProxmoxKVM_vm_info WHERE service_id = 1")->fetch(PDO::FETCH_ASSOC);

$rec = puqkvm_vmadmin_record(1);
$cols = array_column($rec['columns'], null, 'name');
echo "every column (read-only ones too): ", var_export(isset($cols['service_id'], $cols['lease_token'], $cols['list_client'], $cols['product']), true), " editable: ", implode(',', array_keys(array_filter($cols, fn ($c) => $c['editable']))), "\n";
echo "vm_status: ", json_encode($cols['vm_status']), "\n";
echo "lease_token: ", json_encode($cols['lease_token']), "\n";
echo "missing: ", vm_errors(fn () => puqkvm_vmadmin_record(9)), "\n";

echo "bad: ", vm_errors(fn () => puqkvm_vmadmin_record_save(1, [
    'vm_status' => 'flying', 'vm_net0_mac' => 'BC:24:11:00:00', 'vm_rev_dns' => '{"300.1.1.1": "a.example.com"}',
    'vm_backup_schedule' => '{"7": "25:00"}', 'vm_last_action_log' => '{broken', 'vm_id' => '-4',
    'lease_token' => 'x', 'no_such' => '1', 'vm_snapshot_last' => 'yesterday', 'vm_backup_now_utid' => 'nope',
    'fqdn' => 'not a host'], $actor)), "\n";
echo "after bad: ", json_encode($row()), "\n";
echo "rdns value: ", vm_errors(fn () => puqkvm_vmadmin_record_save(1, ['vm_rev_dns' => '{"192.0.2.1": "bad host!"}'], $actor)), "\n";
echo "rdns list: ", vm_errors(fn () => puqkvm_vmadmin_record_save(1, ['vm_rev_dns' => '["a"]'], $actor)), "\n";
echo "status empty: ", vm_errors(fn () => puqkvm_vmadmin_record_save(1, ['vm_status' => ''], $actor)), "\n";
echo "other's vmid: ", vm_errors(fn () => puqkvm_vmadmin_record_save(1, ['vm_id' => '2002'], $actor)), "\n";

echo "good: ", puqkvm_vmadmin_record_save(1, ['vm_status' => 'terminate', 'vm_net0_mac' => 'BC:24:11:00:00:01',
    'vm_rev_dns' => '{"2001:db8::7": "host.example.com"}', 'vm_backup_schedule' => '{"0": "07:00", "3": "23:59"}',
    'vm_id' => '3000', 'vm_backup_now_utid' => '', 'vm_snapshot_last' => '2026-05-01 10:00:00'], $actor), "\n";
echo "after good: ", json_encode($row()), "\n";
echo "reservations: ", json_encode($pdo->query("SELECT vmid, service_id FROM puq_proxmox_kvm_vmids ORDER BY vmid")->fetchAll(PDO::FETCH_NUM)), "\n";
echo "unchanged: '", puqkvm_vmadmin_record_save(1, ['vm_status' => 'terminate'], $actor), "'\n";
foreach (vm_activity($pdo) as $line) {
    echo "activity: $line\n";
}
?>
--EXPECT--
every column (read-only ones too): true editable: vm_id,vm_name,vm_status,vm_net0_mac,vm_rev_dns,vm_snapshots,vm_backups,vm_backup_now_utid,vm_backup_restore_utid,vm_backup_schedule,vm_last_action_log,vm_snapshot_schedule,vm_snapshot_last,node,fqdn
vm_status: {"name":"vm_status","value":"error_terminate","editable":true,"kind":"status","help":"State-machine cursor: one of the statuses the engine knows."}
lease_token: {"name":"lease_token","value":"tok","editable":false,"kind":"readonly","help":""}
missing: PuqKvm\NotFoundException: service 9 has no VM record
bad: {"fqdn":"must be a host name such as vm1.example.com","lease_token":"is not an editable column of the VM record","no_such":"is not an editable column of the VM record","vm_backup_now_utid":"must be a Proxmox task id (UPID:...)","vm_backup_schedule":"has a key that is not a weekday 0 (Sunday) to 6","vm_id":"must be a whole number of 0 or more","vm_last_action_log":"is not valid JSON","vm_net0_mac":"must be a MAC address such as BC:24:11:00:00:01","vm_rev_dns":"has a key that is not an IP address","vm_snapshot_last":"must be a date and time YYYY-MM-DD HH:MM:SS","vm_status":"unknown status: use one of the statuses of the status reference (creation .. remove)"}
after bad: {"vm_id":2001,"vm_status":"error_terminate","vm_net0_mac":"","vm_rev_dns":null,"vm_backup_schedule":null,"lease_token":"tok","due":0}
rdns value: {"vm_rev_dns":"has a value that is not a host name"}
rdns list: {"vm_rev_dns":"must be a JSON object of address to host name"}
status empty: {"vm_status":"unknown status: use one of the statuses of the status reference (creation .. remove)"}
other's vmid: {"vm_id":"VMID 2002 belongs to service 2"}
good: vm_status: error_terminate -> terminate; vm_net0_mac: '' -> BC:24:11:00:00:01; vm_rev_dns changed; vm_backup_schedule: NULL -> {"0": "07:00", "3": "23:59"}; vm_id: 2001 -> 3000; vm_snapshot_last: NULL -> 2026-05-01 10:00:00
after good: {"vm_id":3000,"vm_status":"terminate","vm_net0_mac":"BC:24:11:00:00:01","vm_rev_dns":"{\"2001:0db8:0000:0000:0000:0000:0000:0007\":\"host.example.com\"}","vm_backup_schedule":"{\"0\": \"07:00\", \"3\": \"23:59\"}","lease_token":null,"due":1}
reservations: [[2001,0],[2002,2],[3000,1]]
unchanged: ''
activity: admin alice (ID 1): DB Record edited: vm_status: error_terminate -> terminate; vm_net0_mac: '' -> BC:24:11:00:00:01; vm_rev_dns changed; vm_backup_schedule: NULL -> {"0": "07:00", "3": "23:59"}; vm_id: 2001 -> 3000; vm_snapshot_last: NULL -> 2026-05-01 10:00:00 - Service ID: 1
