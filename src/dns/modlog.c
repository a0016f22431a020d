/*
 * WHMCS's module log (tblmodulelog), written the way logModuleCall() writes it.
 *
 * The DNS operations run in the cron, outside any PHP request, so the core writes the
 * rows itself: module "puq_proxmox_kvm", an action, the request, the response and the
 * processed data as text. Like logModuleCall(), nothing is written unless the admin
 * turned on module debug logging (Utilities > Logs > Module Log), which WHMCS keeps as
 * tblconfiguration ModuleDebugMode = "on". Texts reach this file already scrubbed of
 * secrets (job.c); they are cut to a size a log viewer can show.
 */
#include "puqkvm/dns_driver.h"

#define LOG_TEXT_MAX 65536

bool puq_dns_modlog_enabled(struct puq_db *db)
{
	struct puq_db_rows *rows = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_query(
	        db, &err,
	        "SELECT `value` FROM `tblconfiguration` WHERE `setting` = 'ModuleDebugMode'",
	        PUQ_NOARGS, &rows) < 0)
		return false; /* no WHMCS tables (a bare test database): nothing to log to */
	const char *v = rows->nrows ? puq_db_cell(rows, 0, 0) : NULL;
	bool on = v && strcmp(v, "on") == 0;
	puq_db_rows_free(rows);
	return on;
}

static struct puq_db_value text(const char *s)
{
	if (!s)
		s = "";
	size_t len = strlen(s);
	return PUQ_TEXTN(s, len > LOG_TEXT_MAX ? LOG_TEXT_MAX : len);
}

int puq_dns_modlog_write(struct puq_db *db, const char *action, const char *request,
                         const char *response, const char *data, struct puq_error *err)
{
	return puq_db_exec(
	    db, err,
	    "INSERT INTO `tblmodulelog` (`date`, `module`, `action`, `request`, `response`, "
	    "`arrdata`) VALUES (NOW(), ?, ?, ?, ?, ?)",
	    PUQ_ARGS(PUQ_TEXT(PUQ_DNS_LOG_MODULE), text(action), text(request),
	             text(response), text(data)),
	    NULL);
}
