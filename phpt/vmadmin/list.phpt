--TEST--
VM list: live columns, addresses with rDNS (IPv6 expanded), filters, every sort, keyset pages both ways, search, buttons
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace', 'Engines Ltd');
vm_fixture_client($pdo, 2, 'Bob', 'Zed');
vm_fixture_product($pdo, 1, 'KVM S');
vm_fixture_product($pdo, 2, 'KVM L');
vm_fixture_server($pdo, 1, 'pve-waw');
vm_fixture_server($pdo, 2, 'pve-ams');
$states = [1 => ['Active', 'ready'], 2 => ['Active', 'clone'], 3 => ['Suspended', 'ready'],
    4 => ['Terminated', 'remove'], 5 => ['Active', 'error_terminate'], 6 => ['Active', 'ready'],
    7 => ['Pending', 'creation']];
foreach ($states as $id => [$status, $vm]) {
    vm_fixture_vm($pdo, $id, $id % 2 ? 1 : 2, $id <= 4 ? 1 : 2, $id % 3 ? 1 : 2, $status, $vm, 2000 + $id, "vm$id");
}
puqkvm_pool_create(['server' => 1, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => 0, 'gateway' => '192.0.2.1',
    'mask' => 24, 'dns1' => '', 'dns2' => '', 'start' => '192.0.2.10', 'stop' => '192.0.2.50']);
puqkvm_pool_create(['server' => 1, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => 0, 'gateway' => '2001:db8::1',
    'mask' => 64, 'dns1' => '', 'dns2' => '', 'start' => '2001:db8::7', 'stop' => '2001:db8::ff']);
puqkvm_pool_allocate(1, 1, 1, 1);
puqkvm_pool_allocate(2, 1, 2, 0);
$pdo->exec("UPDATE puqProxmoxKVM_vm_info SET vm_rev_dns = '{\"192.0.2.10\":\"a.example.com\",\"2001:0db8:0000:0000:0000:0000:0000:0007\":\"a6.example.com\"}' WHERE service_id = 1");
echo "synced: ", puqkvm_vmlist_sync('all'), "\n";
echo "again: ", puqkvm_vmlist_sync('all'), "\n";

$p = puqkvm_vmlist_page();
echo "default: ", vm_ids($p), " next=", var_export($p['next'], true), " prev=", var_export($p['prev'], true), "\n";
$one = array_values(array_filter($p['rows'], fn ($r) => $r['service_id'] === 1))[0];
echo json_encode(array_intersect_key($one, array_flip(['client', 'product', 'server', 'vm_id', 'vm_name',
    'vm_status', 'service_status', 'ips', 'actions'])), JSON_UNESCAPED_SLASHES), "\n";
$five = array_values(array_filter($p['rows'], fn ($r) => $r['service_id'] === 5))[0];
echo json_encode($five['actions']), "\n";

echo "Active: ", vm_ids(puqkvm_vmlist_page(['service_status' => 'Active'])), "\n";
echo "ready: ", vm_ids(puqkvm_vmlist_page(['vm_status' => 'ready'])), "\n";
echo "Active+ready: ", vm_ids(puqkvm_vmlist_page(['service_status' => 'Active', 'vm_status' => 'ready'])), "\n";
echo "count Active: ", puqkvm_vmlist_count(['service_status' => 'Active']), "\n";

foreach (['id', 'client', 'product', 'server', 'vm', 'vm_status', 'service', 'ips'] as $sort) {
    echo str_pad($sort, 10), vm_ids(puqkvm_vmlist_page(['sort' => $sort, 'dir' => 'asc'])), " | ",
        vm_ids(puqkvm_vmlist_page(['sort' => $sort, 'dir' => 'desc'])), "\n";
}

// pages of 2, forwards then backwards, on a sort with ties (service status)
$q = ['sort' => 'service', 'dir' => 'asc', 'limit' => 2];
$pages = [];
$page = puqkvm_vmlist_page($q);
while (true) {
    $pages[] = vm_ids($page);
    if ($page['next'] === null) break;
    $page = puqkvm_vmlist_page($q + ['cursor' => $page['next']]);
}
echo "forward: ", implode(' / ', $pages), "\n";
$back = [];
while ($page['prev'] !== null) {
    $page = puqkvm_vmlist_page($q + ['cursor' => $page['prev']]);
    $back[] = vm_ids($page);
}
echo "backward: ", implode(' / ', $back), "\n";

foreach (['5', '2003', 'lovelace', 'ENGINES', 'KVM L', 'ams', 'vm6', '192.0.2.11', '2001:db8::7', '0.2.1',
    '2001:0db8:0000', 'nothing-here', '50%'] as $term) {
    echo "search '$term': ", vm_ids(puqkvm_vmlist_page(['search' => $term])), " (",
        puqkvm_vmlist_count(['search' => $term]), ")\n";
}
?>
--EXPECT--
synced: 7
again: 0
default: 7,6,5,4,3,2,1 next=NULL prev=NULL
{"client":"Ada Lovelace (Engines Ltd)","product":"KVM S","server":"pve-waw","vm_id":2001,"vm_name":"vm1","vm_status":"ready","service_status":"Active","ips":[{"ip":"192.0.2.10","family":4,"main":true,"rdns":"a.example.com"},{"ip":"2001:0db8:0000:0000:0000:0000:0000:0007","family":6,"main":false,"rdns":"a6.example.com"}],"actions":{"redeploy":false,"reset":true,"log":true,"record":true,"delete":false}}
{"redeploy":true,"reset":true,"log":true,"record":true,"delete":true}
Active: 6,5,2,1
ready: 6,3,1
Active+ready: 6,1
count Active: 4
id        1,2,3,4,5,6,7 | 7,6,5,4,3,2,1
client    1,3,5,7,2,4,6 | 6,4,2,7,5,3,1
product   5,6,7,1,2,3,4 | 4,3,2,1,7,6,5
server    3,6,1,2,4,5,7 | 7,5,4,2,1,6,3
vm        1,2,3,4,5,6,7 | 7,6,5,4,3,2,1
vm_status 2,7,5,1,3,6,4 | 4,6,3,1,5,7,2
service   1,2,5,6,7,3,4 | 4,3,7,6,5,2,1
ips       3,4,5,6,7,1,2 | 2,1,7,6,5,4,3
forward: 1,2 / 5,6 / 7,3 / 4
backward: 7,3 / 5,6 / 1,2
search '5': 5 (1)
search '2003': 3 (1)
search 'lovelace': 7,5,3,1 (4)
search 'ENGINES': 7,5,3,1 (4)
search 'KVM L': 7,6,5 (3)
search 'ams': 6,3 (2)
search 'vm6': 6 (1)
search '192.0.2.11': 2 (1)
search '2001:db8::7': 1 (1)
search '0.2.1': 2,1 (2)
search '2001:0db8:0000': 1 (1)
search 'nothing-here':  (0)
search '50%':  (0)
