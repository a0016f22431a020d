--TEST--
rDNS names saved per held address (any text form in, fully expanded keys stored), refused field by field; list copies follow WHMCS edits through sync scopes and re-sync themselves when a page meets a stale one
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/fixture.inc';
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace');
vm_fixture_client($pdo, 2, 'Bob', 'Zed');
vm_fixture_product($pdo, 1, 'KVM S');
vm_fixture_server($pdo, 1, 'pve-waw');
vm_fixture_vm($pdo, 1, 1, 1, 1, 'Active', 'ready', 2001, 'vm1');
vm_fixture_vm($pdo, 2, 2, 1, 1, 'Active', 'creation', 0, '');
puqkvm_pool_create(['server' => 1, 'type' => 'IPv4', 'bridge' => 'vmbr0', 'vlan' => 0, 'gateway' => '192.0.2.1',
    'mask' => 24, 'dns1' => '', 'dns2' => '', 'start' => '192.0.2.10', 'stop' => '192.0.2.50']);
puqkvm_pool_create(['server' => 1, 'type' => 'IPv6', 'bridge' => 'vmbr0', 'vlan' => 0, 'gateway' => '2001:db8::1',
    'mask' => 64, 'dns1' => '', 'dns2' => '', 'start' => '2001:db8::7', 'stop' => '2001:db8::ff']);
puqkvm_pool_allocate(1, 1, 1, 1);
puqkvm_pool_allocate(2, 1, 1, 0);
$pdo->exec("UPDATE puqProxmoxKVM_vm_info SET fqdn = 'vm1.example.com' WHERE service_id = 1");
$actor = 'admin bob (ID 2)';
$rev = fn () => $pdo->query('SELECT vm_rev_dns FROM puqProxmoxKVM_vm_info WHERE service_id = 1')->fetchColumn();

echo "bad: ", vm_errors(fn () => puqkvm_vmadmin_rdns_save(1, ['192.0.2.10' => 'not a name', '192.0.2.11' => 'a.example.com',
    'nonsense' => 'b.example.com', '2001:db8::7' => 'ok.example.com'], $actor)), " stored=", var_export($rev(), true), "\n";
$r = puqkvm_vmadmin_rdns_save(1, ['192.0.2.10' => ' Web.Example.COM ', '2001:db8::7' => 'v6.example.com'], $actor);
echo "saved: ", json_encode($r), "\n";
echo "stored: ", $rev(), "\n";
$r = puqkvm_vmadmin_rdns_save(1, ['192.0.2.10' => 'web.example.com', '2001:0db8:0000:0000:0000:0000:0000:0007' => ''], $actor);
echo "default again: ", $r['changed'], " stored: ", $rev(), "\n";
echo "no change: ", puqkvm_vmadmin_rdns_save(1, ['192.0.2.10' => 'web.example.com'], $actor)['changed'], "\n";
echo "no row: ", vm_errors(fn () => puqkvm_vmadmin_rdns_save(7, [], $actor)), "\n";
foreach (vm_activity($pdo) as $line) {
    echo "activity: $line\n";
}

// WHMCS-side edits: a sync scope catches each, a page read heals what no hook reported
puqkvm_vmlist_sync('all');
$pdo->exec("UPDATE tblclients SET firstname = 'Augusta' WHERE id = 1");
echo "client sync: ", puqkvm_vmlist_sync('client', 1), "\n";
$pdo->exec("UPDATE tblproducts SET name = 'KVM XL' WHERE id = 1");
echo "product sync: ", puqkvm_vmlist_sync('product', 1), "\n";
$pdo->exec("UPDATE tblservers SET name = 'pve-fra' WHERE id = 1");
echo "server sync: ", puqkvm_vmlist_sync('server', 1), "\n";
$pdo->exec("UPDATE tblhosting SET domainstatus = 'Suspended' WHERE id = 2");
echo "order sync: ", puqkvm_vmlist_sync('order', 2), "\n";
echo "copies: ", json_encode($pdo->query('SELECT list_status, list_client, list_product, list_server FROM puqProxmoxKVM_vm_info ORDER BY service_id')->fetchAll(PDO::FETCH_NUM)), "\n";
$pdo->exec("UPDATE tblhosting SET domainstatus = 'Cancelled' WHERE id = 1");
$pdo->exec("UPDATE tblclients SET lastname = 'King' WHERE id = 1");
echo "filter before heal: ", vm_ids(puqkvm_vmlist_page(['service_status' => 'Cancelled'])), "\n";
$p = puqkvm_vmlist_page();
echo "page: resynced=", $p['resynced'], " shown=", $p['rows'][1]['service_status'], "/", $p['rows'][1]['client'], "\n";
echo "filter after heal: ", vm_ids(puqkvm_vmlist_page(['service_status' => 'Cancelled'])), "\n";
$pdo->exec("DELETE FROM tblhosting WHERE id = 2");
$p = puqkvm_vmlist_page();
echo "service gone: ", json_encode([$p['rows'][0]['service_gone'], $p['rows'][0]['service_status'], $p['rows'][0]['client']]), " resynced=", $p['resynced'], "\n";
echo "bad scope: ";
try { puqkvm_vmlist_sync('galaxy'); } catch (ValueError $e) { echo $e->getMessage(), "\n"; }
echo "bad query: ", vm_errors(fn () => puqkvm_vmlist_page(['service_status' => 'Happy', 'vm_status' => 'flying',
    'sort' => 'colour', 'dir' => 'up', 'limit' => 500, 'search' => str_repeat('x', 101)])), "\n";
echo "bad cursor: ", vm_errors(fn () => puqkvm_vmlist_page(['cursor' => 'n.id.d.x.'])), "\n";
$next = puqkvm_vmlist_page(['limit' => 1])['next'];
echo "other sort's cursor: ", vm_errors(fn () => puqkvm_vmlist_page(['sort' => 'client', 'cursor' => $next])), "\n";
?>
--EXPECT--
bad: {"rdns.192.0.2.10":"must be a host name such as vm1.example.com","rdns.192.0.2.11":"is not an address of this service","rdns.nonsense":"is not an IP address"} stored=NULL
saved: {"changed":2,"dns":{"pushed":true,"ok":0,"failed":0,"requests":0,"lines":[]}}
stored: {"192.0.2.10":"web.example.com","2001:0db8:0000:0000:0000:0000:0000:0007":"v6.example.com"}
default again: 1 stored: {"192.0.2.10":"web.example.com"}
no change: 0
no row: PuqKvm\NotFoundException: service 7 has no VM record
activity: admin bob (ID 2): rDNS changed: 192.0.2.10 -> web.example.com; 2001:0db8:0000:0000:0000:0000:0000:0007 -> v6.example.com - Service ID: 1
activity: admin bob (ID 2): rDNS changed: 2001:0db8:0000:0000:0000:0000:0000:0007 -> (default) - Service ID: 1
client sync: 1
product sync: 2
server sync: 2
order sync: 1
copies: [["Active","Augusta Lovelace","KVM XL","pve-fra"],["Suspended","Bob Zed","KVM XL","pve-fra"]]
filter before heal: 
page: resynced=1 shown=Cancelled/Augusta King
filter after heal: 1
service gone: [true,"",""] resynced=1
bad scope: puqkvm_vmlist_sync(): Argument #1 ($scope) must be service, client, product, server, order or all
bad query: {"dir":"must be asc or desc","limit":"must be 1 to 100","search":"is longer than 100 characters","service_status":"must be a WHMCS service status (Pending, Active, Suspended, Terminated, Cancelled, Fraud, Completed)","sort":"unknown column","vm_status":"unknown VM status"}
bad cursor: {"cursor":"is not a cursor of this list: reload the page"}
other sort's cursor: {"cursor":"belongs to another sort order: reload the page"}
