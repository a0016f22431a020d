/*
 * Glue of the admin pages' queries: the dashboard counts. Pages call these through the
 * addon's JSON endpoints or when rendering; the SQL lives in the core (src/admin/).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "glue.h"
#include "puqkvm/dashboard.h"

PHP_FUNCTION(puqkvm_dashboard)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_dashboard d;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_dashboard_load(db, &d, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	add_assoc_long(return_value, "ip_pools", (zend_long)d.ip_pools);
	add_assoc_long(return_value, "dns_zones", (zend_long)d.dns_zones);
	add_assoc_long(return_value, "kvm_services", (zend_long)d.kvm_services);
	add_assoc_long(return_value, "vms_total", (zend_long)d.vms_total);
	add_assoc_long(return_value, "vms_in_progress", (zend_long)d.vms_in_progress);
	add_assoc_long(return_value, "vms_failed", (zend_long)d.vms_failed);
	add_assoc_long(return_value, "vms_attention", (zend_long)d.vms_attention);
}
