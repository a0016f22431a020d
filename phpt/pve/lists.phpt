--TEST--
puqkvm_pve_nodes/templates/storages/bridges(): the lists the product settings offer
--EXTENSIONS--
puqkvm
--FILE--
<?php
require __DIR__ . '/sim.inc';
$sim = pve_sim_start();
$s = $sim['server'];
$nodes = puqkvm_pve_nodes($s);
echo implode(',', array_column($nodes, 'node')), ' online=', (int)$nodes[0]['online'], "\n";
var_dump($nodes[0]['ssl_fingerprint'] === $sim['fingerprint']);
foreach (puqkvm_pve_templates($s) as $t) {
    echo "{$t['vmid']} {$t['name']} {$t['node']}\n";
}
var_dump(puqkvm_pve_templates($s, 'pve2'));
foreach (puqkvm_pve_storages($s, 'pve1', 'images') as $st) {
    printf("%s %s shared=%d %s\n", $st['storage'], $st['type'], $st['shared'], $st['content']);
}
echo implode(',', array_column(puqkvm_pve_storages($s, 'pve1', 'backup'), 'storage')), "\n";
foreach (puqkvm_pve_bridges($s, 'pve1') as $b) {
    echo "{$b['bridge']} {$b['type']} active=", (int)$b['active'], "\n";
}
?>
--EXPECT--
pve1,pve2,pve3 online=1
bool(true)
9000 debian-12 pve1
9001 ubuntu-24-04 pve1
array(0) {
}
local-lvm lvmthin shared=0 images,rootdir
ceph-vm rbd shared=1 images
local,nfs-backup,pbs
vmbr0 bridge active=1
vmbr1 bridge active=1
