--TEST--
puqkvm_pve_*(): remote failures throw ProxmoxException/HttpException with the status and Proxmox's text
--EXTENSIONS--
puqkvm
--FILE--
<?php
require __DIR__ . '/sim.inc';
$sim = pve_sim_start();
$s = $sim['server'];
try {
    puqkvm_pve_bridges($s, 'pve9');
} catch (PuqKvm\ProxmoxException $e) {
    echo get_class($e), ' ', $e->getCode(), ' ', $e->getHttpStatus(), "\n", $e->getMessage(), "\n";
}
try {
    puqkvm_pve_storages($s, 'bad_node!');
} catch (PuqKvm\ProxmoxException $e) {
    echo $e->getCode(), ' ', $e->getHttpStatus(), ' ', $e->getMessage(), "\n";
}
$bad = $s;
$bad['password'] = 'secret-that-must-not-leak';
try {
    puqkvm_pve_nodes($bad);
} catch (PuqKvm\HttpException $e) {
    echo get_class($e), ' ', $e->getCode(), ' ', $e->getHttpStatus(), "\n";
    var_dump(str_contains($e->getMessage() . $e->getTraceAsString(), 'must-not-leak'));
}
?>
--EXPECT--
PuqKvm\ProxmoxException 500 500
Proxmox VE: HTTP 500 hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or service not known
503 400 Proxmox VE: HTTP 400 Parameter verification failed. node: value does not look like a valid node name
PuqKvm\HttpException 405 401
bool(false)
