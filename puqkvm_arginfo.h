/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 2d7c8f4cc90e9b1cdc955eb0768454ecf42c25d6 */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_version, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_versions, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_errors arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_db_configure, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, config, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_migrate, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, dryRun, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_schema_status arginfo_puqkvm_versions

#define arginfo_puqkvm_drop_tables arginfo_puqkvm_versions

#define arginfo_puqkvm_settings_get arginfo_puqkvm_versions

#define arginfo_puqkvm_settings_definitions arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_settings_save, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, values, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_settings_reset, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, group, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dashboard arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_tls_fingerprint, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, fingerprint, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_ip_normalize, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, ip, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, expanded, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_ip_ptr_name, 0, 1, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, ip, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_ip_rdns_zone, 0, 2, IS_STRING, 1)
	ZEND_ARG_TYPE_INFO(0, ip, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, prefix, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_list, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, serverId, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_pool_servers arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_get, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, id, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_create, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, pool, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_update, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, id, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, pool, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_delete, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, id, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_allocate, 0, 4, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, serverId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, ipv4Count, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, ipv6Count, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, autoBridgeVlan, _IS_BOOL, 0, "true")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, bridge, IS_STRING, 0, "\"\"")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, vlan, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_release_service, 0, 2, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, reason, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_release_allocation, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, allocationId, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_addresses, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, history, _IS_BOOL, 0, "false")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_pool_stale_holdings arginfo_puqkvm_versions

#define arginfo_puqkvm_pool_import_legacy arginfo_puqkvm_migrate

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_repair, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pool_server_list_check, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, assignedIps, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dns_zone_list arginfo_puqkvm_versions

#define arginfo_puqkvm_dns_zone_get arginfo_puqkvm_pool_get

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_dns_zone_create, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, zone, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_dns_zone_update, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, id, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, zone, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dns_zone_delete arginfo_puqkvm_pool_delete

#define arginfo_puqkvm_dns_zone_test arginfo_puqkvm_pool_get

#define arginfo_puqkvm_dns_zone_fields arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_dns_create, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, services, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, onLine, IS_CALLABLE, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dns_refresh arginfo_puqkvm_dns_create

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_dns_delete, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceIds, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, onLine, IS_CALLABLE, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dns_resync arginfo_puqkvm_dns_create

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_dns_zones_for, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dns_legacy_map arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_dns_endpoint_allowed, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, clientIp, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_dns_import_legacy arginfo_puqkvm_migrate

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pve_test_connection, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, server, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_pve_nodes arginfo_puqkvm_pve_test_connection

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pve_templates, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, server, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, node, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pve_storages, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, server, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, node, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, content, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_pve_bridges, 0, 2, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, server, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, node, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_vm_product_settings arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_product_check, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, params, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_create, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, params, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_change_package, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, params, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_terminate, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_suspend, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, suspended, _IS_BOOL, 0, "true")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_power, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, action, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_reinstall, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, templateVmid, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, passwordEncrypted, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_vm_redeploy arginfo_puqkvm_vm_terminate

#define arginfo_puqkvm_vm_set_dns_records arginfo_puqkvm_vm_terminate

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_reset, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, status, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_get, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vm_runs, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, limit, IS_LONG, 0, "50")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_cron_run, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, onLine, IS_CALLABLE, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, decrypt, IS_CALLABLE, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, onTick, IS_CALLABLE, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_cron_tasks arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_cron_workers_alive, 0, 0, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, withinSeconds, IS_LONG, 0, "15")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_cron_worker_id arginfo_puqkvm_version

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_outbox_claim, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, worker, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, limit, IS_LONG, 0, "50")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_outbox_ack, 0, 3, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, id, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, worker, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, ok, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, error, IS_STRING, 0, "\"\"")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_email_templates_install, 0, 0, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmlist_page, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, query, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmlist_count, 0, 0, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, query, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_vmlist_options arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmlist_sync, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, scope, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, id, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_rules, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, vmStatus, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_redeploy, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_reset, 0, 3, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, status, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_delete_record, 0, 3, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, releaseAddresses, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_release_address, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, allocationId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_vmadmin_record arginfo_puqkvm_vm_get

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_record_save, 0, 3, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, values, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_attach, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, params, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, vmid, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_vmadmin_rdns_save, 0, 3, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, names, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, actor, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_vmadmin_live arginfo_puqkvm_vm_product_check

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_client_call, 0, 4, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, server, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, serviceId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, clientId, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, action, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, args, IS_ARRAY, 0, "[]")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

#define arginfo_puqkvm_client_actions arginfo_puqkvm_versions

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_puqkvm_stats_usage, 0, 0, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, serverId, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, serviceId, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, since, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

#define arginfo_class_PuqKvm_ValidationException_getErrors arginfo_puqkvm_versions

#define arginfo_class_PuqKvm_HttpException_getHttpStatus arginfo_puqkvm_email_templates_install


ZEND_FUNCTION(puqkvm_version);
ZEND_FUNCTION(puqkvm_versions);
ZEND_FUNCTION(puqkvm_errors);
ZEND_FUNCTION(puqkvm_db_configure);
ZEND_FUNCTION(puqkvm_migrate);
ZEND_FUNCTION(puqkvm_schema_status);
ZEND_FUNCTION(puqkvm_drop_tables);
ZEND_FUNCTION(puqkvm_settings_get);
ZEND_FUNCTION(puqkvm_settings_definitions);
ZEND_FUNCTION(puqkvm_settings_save);
ZEND_FUNCTION(puqkvm_settings_reset);
ZEND_FUNCTION(puqkvm_dashboard);
ZEND_FUNCTION(puqkvm_tls_fingerprint);
ZEND_FUNCTION(puqkvm_ip_normalize);
ZEND_FUNCTION(puqkvm_ip_ptr_name);
ZEND_FUNCTION(puqkvm_ip_rdns_zone);
ZEND_FUNCTION(puqkvm_pool_list);
ZEND_FUNCTION(puqkvm_pool_servers);
ZEND_FUNCTION(puqkvm_pool_get);
ZEND_FUNCTION(puqkvm_pool_create);
ZEND_FUNCTION(puqkvm_pool_update);
ZEND_FUNCTION(puqkvm_pool_delete);
ZEND_FUNCTION(puqkvm_pool_allocate);
ZEND_FUNCTION(puqkvm_pool_release_service);
ZEND_FUNCTION(puqkvm_pool_release_allocation);
ZEND_FUNCTION(puqkvm_pool_addresses);
ZEND_FUNCTION(puqkvm_pool_stale_holdings);
ZEND_FUNCTION(puqkvm_pool_import_legacy);
ZEND_FUNCTION(puqkvm_pool_repair);
ZEND_FUNCTION(puqkvm_pool_server_list_check);
ZEND_FUNCTION(puqkvm_dns_zone_list);
ZEND_FUNCTION(puqkvm_dns_zone_get);
ZEND_FUNCTION(puqkvm_dns_zone_create);
ZEND_FUNCTION(puqkvm_dns_zone_update);
ZEND_FUNCTION(puqkvm_dns_zone_delete);
ZEND_FUNCTION(puqkvm_dns_zone_test);
ZEND_FUNCTION(puqkvm_dns_zone_fields);
ZEND_FUNCTION(puqkvm_dns_create);
ZEND_FUNCTION(puqkvm_dns_refresh);
ZEND_FUNCTION(puqkvm_dns_delete);
ZEND_FUNCTION(puqkvm_dns_resync);
ZEND_FUNCTION(puqkvm_dns_zones_for);
ZEND_FUNCTION(puqkvm_dns_legacy_map);
ZEND_FUNCTION(puqkvm_dns_endpoint_allowed);
ZEND_FUNCTION(puqkvm_dns_import_legacy);
ZEND_FUNCTION(puqkvm_pve_test_connection);
ZEND_FUNCTION(puqkvm_pve_nodes);
ZEND_FUNCTION(puqkvm_pve_templates);
ZEND_FUNCTION(puqkvm_pve_storages);
ZEND_FUNCTION(puqkvm_pve_bridges);
ZEND_FUNCTION(puqkvm_vm_product_settings);
ZEND_FUNCTION(puqkvm_vm_product_check);
ZEND_FUNCTION(puqkvm_vm_create);
ZEND_FUNCTION(puqkvm_vm_change_package);
ZEND_FUNCTION(puqkvm_vm_terminate);
ZEND_FUNCTION(puqkvm_vm_suspend);
ZEND_FUNCTION(puqkvm_vm_power);
ZEND_FUNCTION(puqkvm_vm_reinstall);
ZEND_FUNCTION(puqkvm_vm_redeploy);
ZEND_FUNCTION(puqkvm_vm_set_dns_records);
ZEND_FUNCTION(puqkvm_vm_reset);
ZEND_FUNCTION(puqkvm_vm_get);
ZEND_FUNCTION(puqkvm_vm_runs);
ZEND_FUNCTION(puqkvm_cron_run);
ZEND_FUNCTION(puqkvm_cron_tasks);
ZEND_FUNCTION(puqkvm_cron_workers_alive);
ZEND_FUNCTION(puqkvm_cron_worker_id);
ZEND_FUNCTION(puqkvm_outbox_claim);
ZEND_FUNCTION(puqkvm_outbox_ack);
ZEND_FUNCTION(puqkvm_email_templates_install);
ZEND_FUNCTION(puqkvm_vmlist_page);
ZEND_FUNCTION(puqkvm_vmlist_count);
ZEND_FUNCTION(puqkvm_vmlist_options);
ZEND_FUNCTION(puqkvm_vmlist_sync);
ZEND_FUNCTION(puqkvm_vmadmin_rules);
ZEND_FUNCTION(puqkvm_vmadmin_redeploy);
ZEND_FUNCTION(puqkvm_vmadmin_reset);
ZEND_FUNCTION(puqkvm_vmadmin_delete_record);
ZEND_FUNCTION(puqkvm_vmadmin_release_address);
ZEND_FUNCTION(puqkvm_vmadmin_record);
ZEND_FUNCTION(puqkvm_vmadmin_record_save);
ZEND_FUNCTION(puqkvm_vmadmin_attach);
ZEND_FUNCTION(puqkvm_vmadmin_rdns_save);
ZEND_FUNCTION(puqkvm_vmadmin_live);
ZEND_FUNCTION(puqkvm_client_call);
ZEND_FUNCTION(puqkvm_client_actions);
ZEND_FUNCTION(puqkvm_stats_usage);
ZEND_METHOD(PuqKvm_ValidationException, getErrors);
ZEND_METHOD(PuqKvm_HttpException, getHttpStatus);


static const zend_function_entry ext_functions[] = {
	ZEND_FE(puqkvm_version, arginfo_puqkvm_version)
	ZEND_FE(puqkvm_versions, arginfo_puqkvm_versions)
	ZEND_FE(puqkvm_errors, arginfo_puqkvm_errors)
	ZEND_FE(puqkvm_db_configure, arginfo_puqkvm_db_configure)
	ZEND_FE(puqkvm_migrate, arginfo_puqkvm_migrate)
	ZEND_FE(puqkvm_schema_status, arginfo_puqkvm_schema_status)
	ZEND_FE(puqkvm_drop_tables, arginfo_puqkvm_drop_tables)
	ZEND_FE(puqkvm_settings_get, arginfo_puqkvm_settings_get)
	ZEND_FE(puqkvm_settings_definitions, arginfo_puqkvm_settings_definitions)
	ZEND_FE(puqkvm_settings_save, arginfo_puqkvm_settings_save)
	ZEND_FE(puqkvm_settings_reset, arginfo_puqkvm_settings_reset)
	ZEND_FE(puqkvm_dashboard, arginfo_puqkvm_dashboard)
	ZEND_FE(puqkvm_tls_fingerprint, arginfo_puqkvm_tls_fingerprint)
	ZEND_FE(puqkvm_ip_normalize, arginfo_puqkvm_ip_normalize)
	ZEND_FE(puqkvm_ip_ptr_name, arginfo_puqkvm_ip_ptr_name)
	ZEND_FE(puqkvm_ip_rdns_zone, arginfo_puqkvm_ip_rdns_zone)
	ZEND_FE(puqkvm_pool_list, arginfo_puqkvm_pool_list)
	ZEND_FE(puqkvm_pool_servers, arginfo_puqkvm_pool_servers)
	ZEND_FE(puqkvm_pool_get, arginfo_puqkvm_pool_get)
	ZEND_FE(puqkvm_pool_create, arginfo_puqkvm_pool_create)
	ZEND_FE(puqkvm_pool_update, arginfo_puqkvm_pool_update)
	ZEND_FE(puqkvm_pool_delete, arginfo_puqkvm_pool_delete)
	ZEND_FE(puqkvm_pool_allocate, arginfo_puqkvm_pool_allocate)
	ZEND_FE(puqkvm_pool_release_service, arginfo_puqkvm_pool_release_service)
	ZEND_FE(puqkvm_pool_release_allocation, arginfo_puqkvm_pool_release_allocation)
	ZEND_FE(puqkvm_pool_addresses, arginfo_puqkvm_pool_addresses)
	ZEND_FE(puqkvm_pool_stale_holdings, arginfo_puqkvm_pool_stale_holdings)
	ZEND_FE(puqkvm_pool_import_legacy, arginfo_puqkvm_pool_import_legacy)
	ZEND_FE(puqkvm_pool_repair, arginfo_puqkvm_pool_repair)
	ZEND_FE(puqkvm_pool_server_list_check, arginfo_puqkvm_pool_server_list_check)
	ZEND_FE(puqkvm_dns_zone_list, arginfo_puqkvm_dns_zone_list)
	ZEND_FE(puqkvm_dns_zone_get, arginfo_puqkvm_dns_zone_get)
	ZEND_FE(puqkvm_dns_zone_create, arginfo_puqkvm_dns_zone_create)
	ZEND_FE(puqkvm_dns_zone_update, arginfo_puqkvm_dns_zone_update)
	ZEND_FE(puqkvm_dns_zone_delete, arginfo_puqkvm_dns_zone_delete)
	ZEND_FE(puqkvm_dns_zone_test, arginfo_puqkvm_dns_zone_test)
	ZEND_FE(puqkvm_dns_zone_fields, arginfo_puqkvm_dns_zone_fields)
	ZEND_FE(puqkvm_dns_create, arginfo_puqkvm_dns_create)
	ZEND_FE(puqkvm_dns_refresh, arginfo_puqkvm_dns_refresh)
	ZEND_FE(puqkvm_dns_delete, arginfo_puqkvm_dns_delete)
	ZEND_FE(puqkvm_dns_resync, arginfo_puqkvm_dns_resync)
	ZEND_FE(puqkvm_dns_zones_for, arginfo_puqkvm_dns_zones_for)
	ZEND_FE(puqkvm_dns_legacy_map, arginfo_puqkvm_dns_legacy_map)
	ZEND_FE(puqkvm_dns_endpoint_allowed, arginfo_puqkvm_dns_endpoint_allowed)
	ZEND_FE(puqkvm_dns_import_legacy, arginfo_puqkvm_dns_import_legacy)
	ZEND_FE(puqkvm_pve_test_connection, arginfo_puqkvm_pve_test_connection)
	ZEND_FE(puqkvm_pve_nodes, arginfo_puqkvm_pve_nodes)
	ZEND_FE(puqkvm_pve_templates, arginfo_puqkvm_pve_templates)
	ZEND_FE(puqkvm_pve_storages, arginfo_puqkvm_pve_storages)
	ZEND_FE(puqkvm_pve_bridges, arginfo_puqkvm_pve_bridges)
	ZEND_FE(puqkvm_vm_product_settings, arginfo_puqkvm_vm_product_settings)
	ZEND_FE(puqkvm_vm_product_check, arginfo_puqkvm_vm_product_check)
	ZEND_FE(puqkvm_vm_create, arginfo_puqkvm_vm_create)
	ZEND_FE(puqkvm_vm_change_package, arginfo_puqkvm_vm_change_package)
	ZEND_FE(puqkvm_vm_terminate, arginfo_puqkvm_vm_terminate)
	ZEND_FE(puqkvm_vm_suspend, arginfo_puqkvm_vm_suspend)
	ZEND_FE(puqkvm_vm_power, arginfo_puqkvm_vm_power)
	ZEND_FE(puqkvm_vm_reinstall, arginfo_puqkvm_vm_reinstall)
	ZEND_FE(puqkvm_vm_redeploy, arginfo_puqkvm_vm_redeploy)
	ZEND_FE(puqkvm_vm_set_dns_records, arginfo_puqkvm_vm_set_dns_records)
	ZEND_FE(puqkvm_vm_reset, arginfo_puqkvm_vm_reset)
	ZEND_FE(puqkvm_vm_get, arginfo_puqkvm_vm_get)
	ZEND_FE(puqkvm_vm_runs, arginfo_puqkvm_vm_runs)
	ZEND_FE(puqkvm_cron_run, arginfo_puqkvm_cron_run)
	ZEND_FE(puqkvm_cron_tasks, arginfo_puqkvm_cron_tasks)
	ZEND_FE(puqkvm_cron_workers_alive, arginfo_puqkvm_cron_workers_alive)
	ZEND_FE(puqkvm_cron_worker_id, arginfo_puqkvm_cron_worker_id)
	ZEND_FE(puqkvm_outbox_claim, arginfo_puqkvm_outbox_claim)
	ZEND_FE(puqkvm_outbox_ack, arginfo_puqkvm_outbox_ack)
	ZEND_FE(puqkvm_email_templates_install, arginfo_puqkvm_email_templates_install)
	ZEND_FE(puqkvm_vmlist_page, arginfo_puqkvm_vmlist_page)
	ZEND_FE(puqkvm_vmlist_count, arginfo_puqkvm_vmlist_count)
	ZEND_FE(puqkvm_vmlist_options, arginfo_puqkvm_vmlist_options)
	ZEND_FE(puqkvm_vmlist_sync, arginfo_puqkvm_vmlist_sync)
	ZEND_FE(puqkvm_vmadmin_rules, arginfo_puqkvm_vmadmin_rules)
	ZEND_FE(puqkvm_vmadmin_redeploy, arginfo_puqkvm_vmadmin_redeploy)
	ZEND_FE(puqkvm_vmadmin_reset, arginfo_puqkvm_vmadmin_reset)
	ZEND_FE(puqkvm_vmadmin_delete_record, arginfo_puqkvm_vmadmin_delete_record)
	ZEND_FE(puqkvm_vmadmin_release_address, arginfo_puqkvm_vmadmin_release_address)
	ZEND_FE(puqkvm_vmadmin_record, arginfo_puqkvm_vmadmin_record)
	ZEND_FE(puqkvm_vmadmin_record_save, arginfo_puqkvm_vmadmin_record_save)
	ZEND_FE(puqkvm_vmadmin_attach, arginfo_puqkvm_vmadmin_attach)
	ZEND_FE(puqkvm_vmadmin_rdns_save, arginfo_puqkvm_vmadmin_rdns_save)
	ZEND_FE(puqkvm_vmadmin_live, arginfo_puqkvm_vmadmin_live)
	ZEND_FE(puqkvm_client_call, arginfo_puqkvm_client_call)
	ZEND_FE(puqkvm_client_actions, arginfo_puqkvm_client_actions)
	ZEND_FE(puqkvm_stats_usage, arginfo_puqkvm_stats_usage)
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_Exception_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_ValidationException_methods[] = {
	ZEND_ME(PuqKvm_ValidationException, getErrors, arginfo_class_PuqKvm_ValidationException_getErrors, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_NotFoundException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_ConflictException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_StateException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_DatabaseException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_SchemaException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_HttpException_methods[] = {
	ZEND_ME(PuqKvm_HttpException, getHttpStatus, arginfo_class_PuqKvm_HttpException_getHttpStatus, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_ProxmoxException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_DnsException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_PuqKvm_InternalException_methods[] = {
	ZEND_FE_END
};

static void register_puqkvm_symbols(int module_number)
{

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_db_configure", sizeof("puqkvm_db_configure") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_dns_zone_create", sizeof("puqkvm_dns_zone_create") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_dns_zone_update", sizeof("puqkvm_dns_zone_update") - 1), 1, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_pve_test_connection", sizeof("puqkvm_pve_test_connection") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_pve_nodes", sizeof("puqkvm_pve_nodes") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_pve_templates", sizeof("puqkvm_pve_templates") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_pve_storages", sizeof("puqkvm_pve_storages") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_pve_bridges", sizeof("puqkvm_pve_bridges") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_vm_create", sizeof("puqkvm_vm_create") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_vm_reinstall", sizeof("puqkvm_vm_reinstall") - 1), 2, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_vmadmin_attach", sizeof("puqkvm_vmadmin_attach") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_vmadmin_live", sizeof("puqkvm_vmadmin_live") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_client_call", sizeof("puqkvm_client_call") - 1), 0, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);

	zend_add_parameter_attribute(zend_hash_str_find_ptr(CG(function_table), "puqkvm_client_call", sizeof("puqkvm_client_call") - 1), 5, ZSTR_KNOWN(ZEND_STR_SENSITIVEPARAMETER), 0);
}

static zend_class_entry *register_class_PuqKvm_Exception(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "Exception", class_PuqKvm_Exception_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_ValidationException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "ValidationException", class_PuqKvm_ValidationException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	zval property_errors_default_value;
	ZVAL_EMPTY_ARRAY(&property_errors_default_value);
	zend_string *property_errors_name = zend_string_init("errors", sizeof("errors") - 1, 1);
	zend_declare_typed_property(class_entry, property_errors_name, &property_errors_default_value, ZEND_ACC_PROTECTED, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY));
	zend_string_release(property_errors_name);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_NotFoundException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "NotFoundException", class_PuqKvm_NotFoundException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_ConflictException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "ConflictException", class_PuqKvm_ConflictException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_StateException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "StateException", class_PuqKvm_StateException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_DatabaseException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "DatabaseException", class_PuqKvm_DatabaseException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_SchemaException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "SchemaException", class_PuqKvm_SchemaException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_HttpException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "HttpException", class_PuqKvm_HttpException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	zval property_httpStatus_default_value;
	ZVAL_LONG(&property_httpStatus_default_value, 0);
	zend_string *property_httpStatus_name = zend_string_init("httpStatus", sizeof("httpStatus") - 1, 1);
	zend_declare_typed_property(class_entry, property_httpStatus_name, &property_httpStatus_default_value, ZEND_ACC_PROTECTED, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_httpStatus_name);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_ProxmoxException(zend_class_entry *class_entry_PuqKvm_HttpException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "ProxmoxException", class_PuqKvm_ProxmoxException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_HttpException);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_DnsException(zend_class_entry *class_entry_PuqKvm_HttpException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "DnsException", class_PuqKvm_DnsException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_HttpException);

	return class_entry;
}

static zend_class_entry *register_class_PuqKvm_InternalException(zend_class_entry *class_entry_PuqKvm_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "PuqKvm", "InternalException", class_PuqKvm_InternalException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_PuqKvm_Exception);

	return class_entry;
}
