--TEST--
Client area: the caller is authorised before the service's server entry is looked at - another client's service, a service that does not exist and a service without a usable server entry are refused alike; the owner hears about a bad server entry only from an action that needs Proxmox
--EXTENSIONS--
puqkvm
pdo_mysql
--FILE--
<?php
require __DIR__ . '/../vmadmin/fixture.inc';
$db = vm_fixture();
$pdo = $db->pdo();
vm_fixture_client($pdo, 1, 'Ada', 'Lovelace');
vm_fixture_client($pdo, 2, 'Eve', 'Other');
vm_fixture_product($pdo, 1, 'KVM');
vm_fixture_vm($pdo, 1, 1, 1, 0, 'Active', 'ready', 2101, 'vm1');
$pdo->exec("UPDATE puqProxmoxKVM_vm_info SET node = 'pve1' WHERE service_id = 1");

$noServer = [];
echo "eve: ", vm_errors(fn () => puqkvm_client_call($noServer, 1, 2, 'overview')), "\n";
echo "missing: ", vm_errors(fn () => puqkvm_client_call($noServer, 424242, 1, 'overview')), "\n";
echo "no client: ", vm_errors(fn () => puqkvm_client_call($noServer, 1, 0, 'stop')), "\n";
echo "owner, overview: ", puqkvm_client_call($noServer, 1, 1, 'overview')['pve_error'], "\n";
echo "owner, start: ", vm_errors(fn () => puqkvm_client_call($noServer, 1, 1, 'start')), "\n";
echo "owner, a local read: ", json_encode(puqkvm_client_call($noServer, 1, 1, 'job')['running']), "\n";
?>
--EXPECT--
eve: PuqKvm\StateException: access denied: service 1 is not a service of client 2 (action overview)
missing: PuqKvm\StateException: access denied: service 424242 is not a service of client 1 (action overview)
no client: PuqKvm\StateException: access denied: service 1 is not a service of client 0 (action stop)
owner, overview: validation failed in 3 fields
owner, start: {"hostname":"enter the Proxmox VE host name or IP address","password":"enter the API token secret (the UUID shown once when the token was made)","username":"enter the API token id as user@realm!tokenid (e.g. whmcs@pve!provisioning)"}
owner, a local read: false
