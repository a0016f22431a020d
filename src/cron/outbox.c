/*
 * The outbox: e-mails and activity log entries that only WHMCS can deliver (DESIGN.md
 * principle 8), and the module's e-mail templates.
 *
 * The core writes an entry in the transaction of the change that causes it, under a
 * UNIQUE dedupe key, so a transition retried after a deadlock or run twice after a crash
 * queues one entry. The addon's cron delivers entries with localAPI (SendEmail,
 * LogActivity): it claims them with a lease, delivers, and acknowledges. Each entry
 * carries a reference into WHMCS - "PKVM-<id>", a merge field of the module's e-mails
 * and a suffix of the activity text - so when a deliverer dies between sending and
 * acknowledging, the next claim finds the delivery in WHMCS's own logs (tblemails,
 * tblactivitylog) and marks the entry sent instead of sending it again. Exactly once,
 * as long as WHMCS logs what it sent.
 */
#include <stdio.h>

#include "puqkvm/cron.h"

#define OUTBOX "puq_proxmox_kvm_outbox"

/* ---- templates ---- */

#define FOOTER "<p style=\"color:#999;font-size:11px\">Reference: {$puqkvm_ref}</p>" \
	"<p>{$signature}</p>"

static const struct puq_cron_email_template templates[] = {
	{"puqProxmoxKVM VM is ready", "Virtual Machine is ready",
		"<p>Dear {$client_name},</p><p>Your virtual machine <strong>{$service_domain}</strong> "
		"({$service_product_name}) is ready.</p><p>IP address: {$service_dedicated_ip}<br>"
		"Other addresses: {$service_assigned_ips}<br>Username: {$service_username}<br>"
		"Password: {$service_password}</p>" FOOTER},
	{"puqProxmoxKVM Reset password", "Reset password is ready",
		"<p>Dear {$client_name},</p><p>The password of <strong>{$service_domain}</strong> was "
		"reset.</p><p>Username: {$service_username}<br>Password: {$service_password}</p>" FOOTER},
	{"puqProxmoxKVM Backup restored", "Backup restored successful",
		"<p>Dear {$client_name},</p><p>A backup of <strong>{$service_domain}</strong> was "
		"restored and the virtual machine is running again.</p>" FOOTER},
	{"puqProxmoxKVM Upgrade Email", "Virtual Machine upgrade is ready",
		"<p>Dear {$client_name},</p><p>The new package of <strong>{$service_domain}</strong> "
		"({$service_product_name}) is applied and the virtual machine is running.</p>" FOOTER},
};

size_t puq_cron_email_template_count(void)
{
	return PUQ_ARRAY_LEN(templates);
}

const struct puq_cron_email_template *puq_cron_email_template(size_t i)
{
	return i < PUQ_ARRAY_LEN(templates) ? &templates[i] : NULL;
}

int puq_cron_email_templates_install(struct puq_db *db, size_t *created, struct puq_error *err)
{
	size_t n = 0;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(templates); i++) {
		struct puq_db_rows *r = NULL;
		int rc = puq_db_query(db, err,
			"SELECT id FROM tblemailtemplates WHERE name = ? AND language = ''",
			PUQ_ARGS(PUQ_TEXT(templates[i].name)), &r);
		if (rc < 0)
			return rc;
		bool exists = r->nrows > 0;
		puq_db_rows_free(r);
		if (exists)
			continue; /* an admin may have edited it: never overwrite */
		rc = puq_db_exec(db, err,
			"INSERT INTO tblemailtemplates (type, name, subject, message, attachments, fromname,"
			" fromemail, disabled, custom, language, copyto, blind_copy_to, plaintext,"
			" created_at, updated_at) VALUES ('product', ?, ?, ?, '', '', '', 0, 1, '', '', '',"
			" 0, NOW(), NOW())",
			PUQ_ARGS(PUQ_TEXT(templates[i].name), PUQ_TEXT(templates[i].subject),
				PUQ_TEXT(templates[i].message)),
			NULL);
		if (rc < 0)
			return rc;
		n++;
	}
	if (created)
		*created = n;
	return 0;
}

/* ---- queueing ---- */

void puq_outbox_reference(long long id, char out[32])
{
	snprintf(out, 32, "PKVM-%lld", id);
}

static int queue(struct puq_db *db, const char *kind, long long service_id, long long client_id,
	const char *template_name, const char *description, const char *key, struct puq_error *err)
{
	return puq_db_exec(db, err,
		"INSERT INTO " OUTBOX " (kind, service_id, client_id, dedupe_key, template, description,"
		" state) VALUES (?, ?, ?, ?, ?, ?, 'pending') ON DUPLICATE KEY UPDATE id = id",
		PUQ_ARGS(PUQ_TEXT(kind), PUQ_INT(service_id), PUQ_INT(client_id), PUQ_TEXT(key),
			PUQ_TEXT(template_name ? template_name : ""), PUQ_TEXT(description)),
		NULL);
}

int puq_outbox_email(struct puq_db *db, long long service_id, long long client_id,
	const char *template_name, const char *dedupe_key, struct puq_error *err)
{
	return queue(db, "email", service_id, client_id, template_name, NULL, dedupe_key, err);
}

int puq_outbox_activity(struct puq_db *db, long long service_id, long long client_id,
	const char *description, const char *dedupe_key, struct puq_error *err)
{
	return queue(db, "activity", service_id, client_id, NULL, description, dedupe_key, err);
}

/* ---- delivery ---- */

/* Whether WHMCS already logged the delivery of entry id (a dead deliverer's work). */
static bool delivered(struct puq_db *db, long long id, const char *kind, long long client_id,
	const char *since)
{
	char ref[32], like[48];
	puq_outbox_reference(id, ref);
	struct puq_db_rows *r = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	int rc;
	if (strcmp(kind, "email") == 0) {
		snprintf(like, sizeof(like), "%%%s<%%", ref); /* "...PKVM-12</p>" */
		rc = puq_db_query(db, &err,
			"SELECT 1 FROM tblemails WHERE userid = ? AND date >= ? - INTERVAL 5 SECOND"
			" AND message LIKE ? LIMIT 1",
			PUQ_ARGS(PUQ_INT(client_id), PUQ_TEXT(since), PUQ_TEXT(like)), &r);
	} else {
		snprintf(like, sizeof(like), "%%[%s]", ref);
		rc = puq_db_query(db, &err,
			"SELECT 1 FROM tblactivitylog WHERE date >= ? - INTERVAL 5 SECOND"
			" AND description LIKE ? LIMIT 1",
			PUQ_ARGS(PUQ_TEXT(since), PUQ_TEXT(like)), &r);
	}
	bool found = rc == 0 && r->nrows > 0;
	puq_db_rows_free(r);
	return found;
}

int puq_outbox_claim(struct puq_db *db, const char *worker, int limit, int lease_s,
	json_t **out, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	*out = NULL;
	if (limit <= 0 || limit > 500)
		limit = 50;
	if (lease_s <= 0)
		lease_s = 120;
	int rc = puq_db_query(db, err,
		"SELECT id, kind, service_id, client_id, template, description, state,"
		" DATE_FORMAT(claimed_at, '%Y-%m-%d %H:%i:%s') FROM " OUTBOX
		" WHERE state = 'pending' OR (state = 'claimed' AND lease_until < NOW())"
		" ORDER BY id LIMIT ?",
		PUQ_ARGS(PUQ_INT(limit)), &r);
	if (rc < 0)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; list && i < r->nrows; i++) {
		long long id = puq_db_cell_int(r, i, 0, 0);
		const char *kind = puq_db_cell(r, i, 1);
		long long client = puq_db_cell_int(r, i, 3, 0);
		const char *state = puq_db_cell(r, i, 6);
		const char *since = puq_db_cell(r, i, 7);
		unsigned long long changed = 0;
		rc = puq_db_exec(db, err,
			"UPDATE " OUTBOX " SET state = 'claimed', lease_owner = ?,"
			" lease_until = NOW() + INTERVAL ? SECOND, attempts = attempts + 1,"
			" claimed_at = COALESCE(claimed_at, NOW()) WHERE id = ? AND (state = 'pending' OR"
			" (state = 'claimed' AND lease_until < NOW()))",
			PUQ_ARGS(PUQ_TEXT(worker), PUQ_INT(lease_s), PUQ_INT(id)), &changed);
		if (rc < 0)
			break;
		if (!changed)
			continue; /* another deliverer was faster */
		if (strcmp(state, "claimed") == 0 && since && delivered(db, id, kind, client, since)) {
			rc = puq_db_exec(db, err,
				"UPDATE " OUTBOX " SET state = 'sent', sent_at = NOW(), lease_owner = NULL,"
				" lease_until = NULL, last_error = 'found in the WHMCS log after a restart'"
				" WHERE id = ?",
				PUQ_ARGS(PUQ_INT(id)), NULL);
			if (rc < 0)
				break;
			continue;
		}
		char ref[32];
		puq_outbox_reference(id, ref);
		const char *desc = puq_db_cell(r, i, 5);
		char *text = NULL;
		if (desc) {
			size_t n = strlen(desc) + strlen(ref) + 4;
			text = PUQ_MALLOC(n);
			if (text)
				snprintf(text, n, "%s [%s]", desc, ref);
		}
		json_array_append_new(list, json_pack("{s:I,s:s,s:I,s:I,s:s,s:s?,s:s}", "id",
			(json_int_t)id, "kind", kind, "service_id",
			(json_int_t)puq_db_cell_int(r, i, 2, 0), "client_id", (json_int_t)client,
			"template", puq_db_cell(r, i, 4) ? puq_db_cell(r, i, 4) : "", "description", text,
			"reference", ref));
		PUQ_FREE(text);
	}
	puq_db_rows_free(r);
	if (rc < 0) {
		json_decref(list);
		return rc;
	}
	if (!list)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = list;
	return 0;
}

int puq_outbox_ack(struct puq_db *db, long long id, const char *worker, bool ok,
	const char *error, struct puq_error *err)
{
	unsigned long long changed = 0;
	int rc = puq_db_exec(db, err,
		ok ? "UPDATE " OUTBOX " SET state = 'sent', sent_at = NOW(), lease_owner = NULL,"
			 " lease_until = NULL, last_error = ? WHERE id = ? AND lease_owner = ?"
		   : "UPDATE " OUTBOX " SET state = IF(attempts >= 10, 'failed', 'pending'),"
			 " lease_owner = NULL, lease_until = NULL, claimed_at = NULL,"
			 " last_error = ? WHERE id = ? AND lease_owner = ?",
		PUQ_ARGS(PUQ_TEXT(ok ? NULL : (error ? error : "")), PUQ_INT(id), PUQ_TEXT(worker)),
		&changed);
	if (rc == 0 && changed == 0)
		return puq_error_set(err, PUQ_ELEASE, "outbox entry %lld is not claimed by %s", id, worker);
	return rc;
}
