/*
 * The job slot in the database: loading a VM's job, taking the slot, committing a
 * phase's intent and its UPID, ending the job, and handing a restored VM to the engine.
 *
 * Every write after the slot was taken is conditional on the job's token and on the
 * phase and UPID the writer read, so of two advancers only one moves a job on; a write
 * that matched no row tells the caller it lost the job (PUQ_ELEASE). The product-wide
 * settings a job needs are read from the product as it is now (tblproducts), the
 * quotas from the product stored with the VM (as ordered).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "job_internal.h"

#define VM_TABLE PUQ_VM_TABLE

/* ---- the product ---- */

int puq_job_product(struct puq_db *db, long long service_id, struct puq_vm_product *out,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err,
		"SELECT v.product, p.configoption1, p.configoption2, p.configoption3, p.configoption4,"
		" p.configoption5, p.configoption6, p.configoption7, p.configoption8, p.configoption9,"
		" p.configoption10, p.configoption11, p.configoption12, p.configoption13,"
		" p.configoption14, p.configoption15, p.configoption16, p.configoption17,"
		" p.configoption18, p.configoption19, p.configoption20, p.configoption21,"
		" p.configoption22, p.configoption23, p.configoption24, p.id"
		" FROM " VM_TABLE " v LEFT JOIN tblproducts p ON p.id = v.product_id"
		" WHERE v.service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM", service_id);
	}
	struct puq_vm_product stored, live;
	const char *pj = puq_db_cell(r, 0, 0);
	json_t *j = pj ? json_loads(pj, 0, NULL) : NULL;
	struct puq_error perr;
	puq_error_clear(&perr);
	if (!j || puq_vm_product_from_json(j, &stored, &perr) < 0) {
		/* no stored product (an adopted row): the product's settings are all there is */
		const char *none[PUQ_VM_SLOTS] = {0};
		puq_error_clear(&perr);
		puq_vm_product_resolve(none, NULL, 0, &stored, &perr);
	}
	json_decref(j);
	if (puq_db_cell(r, 0, 25)) {
		const char *slots[PUQ_VM_SLOTS];
		for (int i = 0; i < PUQ_VM_SLOTS; i++)
			slots[i] = puq_db_cell(r, 0, (size_t)i + 1);
		puq_error_clear(&perr);
		/* a product whose settings no longer validate keeps the stored values */
		if (puq_vm_product_resolve(slots, NULL, 0, &live, &perr) == 0) {
			memcpy(stored.backup_storage, live.backup_storage, sizeof(live.backup_storage));
			memcpy(stored.iso_storage, live.iso_storage, sizeof(live.iso_storage));
			stored.snapshot_schedule = live.snapshot_schedule;
			stored.snapshot_lifetime_days = live.snapshot_lifetime_days;
			stored.client_start = live.client_start;
			stored.client_stop = live.client_stop;
			stored.client_charts = live.client_charts;
			stored.client_reinstall = live.client_reinstall;
			stored.client_reset_password = live.client_reset_password;
			stored.client_revdns = live.client_revdns;
			stored.client_iso = live.client_iso;
			stored.client_firewall = live.client_firewall;
		}
	}
	puq_db_rows_free(r);
	*out = stored;
	return 0;
}

/* ---- loading ---- */

int puq_job_vm_load(struct puq_db *db, long long service_id, struct puq_job_vm *out,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = puq_db_query(db, err,
		"SELECT vm_id, server_id, node, vm_backup_schedule, vm_snapshot_schedule FROM " VM_TABLE
		" WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM", service_id);
	}
	const char *v;
	out->vmid = puq_db_cell_int(r, 0, 0, 0);
	out->server_id = puq_db_cell_int(r, 0, 1, 0);
	puq_strlcpy(out->node, (v = puq_db_cell(r, 0, 2)) ? v : "", sizeof(out->node));
	puq_strlcpy(out->backup_schedule, (v = puq_db_cell(r, 0, 3)) ? v : "",
		sizeof(out->backup_schedule));
	puq_strlcpy(out->snapshot_schedule, (v = puq_db_cell(r, 0, 4)) ? v : "",
		sizeof(out->snapshot_schedule));
	puq_db_rows_free(r);
	if (out->vmid <= 0 || !out->node[0])
		return puq_error_set(err, PUQ_ESTATE, "the service has no VM yet");
	return 0;
}

static void cell_copy(char *dst, size_t size, const struct puq_db_rows *r, size_t col)
{
	const char *v = puq_db_cell(r, 0, col);
	puq_strlcpy(dst, v ? v : "", size);
}

int puq_job_load(struct puq_db *db, long long service_id, struct puq_job *out,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	memset(out, 0, sizeof(*out));
	int rc = puq_db_query(db, err,
		"SELECT service_id, client_id, product_id, server_id, vm_id, node, job_kind, job_phase,"
		" job_token, job_arg, job_note, job_origin, job_node, job_upid,"
		" DATE_FORMAT(job_slot, '%Y-%m-%d %H:%i:%s'), UNIX_TIMESTAMP(job_started_at),"
		" TIMESTAMPDIFF(SECOND, job_started_at, NOW()), UNIX_TIMESTAMP()"
		" FROM " VM_TABLE " WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM", service_id);
	}
	out->service_id = puq_db_cell_int(r, 0, 0, 0);
	out->client_id = puq_db_cell_int(r, 0, 1, 0);
	out->product_id = puq_db_cell_int(r, 0, 2, 0);
	out->server_id = puq_db_cell_int(r, 0, 3, 0);
	out->vmid = puq_db_cell_int(r, 0, 4, 0);
	cell_copy(out->node, sizeof(out->node), r, 5);
	out->kind = puq_job_kind_parse(puq_db_cell(r, 0, 6));
	out->phase = puq_job_phase_parse(puq_db_cell(r, 0, 7));
	cell_copy(out->token, sizeof(out->token), r, 8);
	cell_copy(out->arg, sizeof(out->arg), r, 9);
	cell_copy(out->note, sizeof(out->note), r, 10);
	cell_copy(out->origin, sizeof(out->origin), r, 11);
	if (puq_db_cell(r, 0, 12) && *puq_db_cell(r, 0, 12)) /* where the job found the VM */
		cell_copy(out->node, sizeof(out->node), r, 12);
	cell_copy(out->upid, sizeof(out->upid), r, 13);
	out->slot = puq_local_parse(puq_db_cell(r, 0, 14));
	out->intent_at = puq_db_cell_int(r, 0, 15, 0);
	out->intent_age_s = puq_db_cell_int(r, 0, 16, 0);
	out->now = puq_db_cell_int(r, 0, 17, 0);
	puq_db_rows_free(r);
	if (out->kind == PUQ_JOB_NONE)
		return 0;
	return puq_job_product(db, service_id, &out->product, err);
}

/* ---- taking the slot ---- */

static void token_new(char out[33])
{
	unsigned char b[16];
	ssize_t got = getrandom(b, sizeof(b), 0);
	for (size_t i = got > 0 ? (size_t)got : 0; i < sizeof(b); i++)
		b[i] = (unsigned char)rand(); /* never seen: getrandom does not fail for 16 bytes */
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Why the slot could not be taken, as a sentence for the client. */
static int why_busy(struct puq_db *db, long long service_id, struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	int rc = puq_db_query(db, err,
		"SELECT vm_status, job_kind, due, vm_id,"
		" lease_token IS NOT NULL AND lease_until >= NOW() FROM " VM_TABLE
		" WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM", service_id);
	}
	const char *status = puq_db_cell(r, 0, 0);
	enum puq_job_kind running = puq_job_kind_parse(puq_db_cell(r, 0, 1));
	if (running != PUQ_JOB_NONE)
		rc = puq_error_set(err, PUQ_EBUSY, "another task runs on this VM (%s): try again "
			"when it has finished", puq_job_kind_label(running));
	else if (puq_db_cell_int(r, 0, 3, 0) <= 0)
		rc = puq_error_set(err, PUQ_ESTATE, "the service has no VM yet");
	else if (status && strcmp(status, "ready") != 0)
		rc = puq_error_set(err, PUQ_EBUSY, "the VM is busy (%s): try again when it is ready",
			status);
	else
		rc = puq_error_set(err, PUQ_EBUSY, "the VM is busy with a queued request: try again "
			"in a minute");
	puq_db_rows_free(r);
	return rc;
}

int puq_job_begin(struct puq_db *db, const struct puq_job_new *n, char token[33],
	struct puq_error *err)
{
	char slot[20] = "";
	unsigned long long changed = 0;
	if (n->slot > 0)
		puq_local_format(n->slot, slot);
	token_new(token);
	int rc = puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET job_kind = ?, job_phase = '', job_token = ?, job_arg = ?,"
		" job_note = ?, job_origin = ?, job_node = '', job_upid = '', job_slot = ?,"
		" job_created_at = NOW(), job_started_at = NULL WHERE service_id = ? AND job_kind = ''"
		" AND vm_status = 'ready' AND due = 0 AND vm_id > 0"
		" AND (lease_token IS NULL OR lease_until < NOW())",
		PUQ_ARGS(PUQ_TEXT(puq_job_kind_name(n->kind)), PUQ_TEXT(token), PUQ_TEXT(n->arg ? n->arg : ""),
			PUQ_TEXT(n->note ? n->note : ""), PUQ_TEXT(n->origin), PUQ_TEXT(slot[0] ? slot : NULL),
			PUQ_INT(n->service_id)),
		&changed);
	if (rc < 0)
		return rc;
	return changed == 1 ? 0 : why_busy(db, n->service_id, err);
}

/* ---- the executor's writes ---- */

static int lost(struct puq_error *err)
{
	return puq_error_set(err, PUQ_ELEASE, "the job was moved on by another process");
}

int job_commit_node(struct puq_db *db, const struct puq_job *j, struct puq_error *err)
{
	return puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET job_node = ? WHERE service_id = ? AND job_token = ?",
		PUQ_ARGS(PUQ_TEXT(j->node), PUQ_INT(j->service_id), PUQ_TEXT(j->token)), NULL);
}

int job_commit_intent(struct puq_db *db, struct puq_job *j, enum puq_job_phase phase,
	struct puq_error *err)
{
	unsigned long long changed = 0;
	int rc = puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET job_phase = ?, job_upid = '', job_node = ?,"
		" job_started_at = NOW() WHERE service_id = ? AND job_token = ? AND job_phase = ?"
		" AND job_upid = ?",
		PUQ_ARGS(PUQ_TEXT(puq_job_phase_name(phase)), PUQ_TEXT(j->node), PUQ_INT(j->service_id),
			PUQ_TEXT(j->token), PUQ_TEXT(puq_job_phase_name(j->phase)), PUQ_TEXT(j->upid)),
		&changed);
	if (rc < 0)
		return rc;
	if (changed != 1)
		return lost(err);
	j->phase = phase;
	j->upid[0] = '\0';
	j->intent_age_s = 0;
	return 0;
}

int job_commit_upid(struct puq_db *db, struct puq_job *j, const char *upid,
	struct puq_error *err)
{
	unsigned long long changed = 0;
	/* the original module's columns show a running backup's and restore's UPID */
	int mirror = j->phase == PUQ_JOB_PHASE_DUMP ? 1 : j->phase == PUQ_JOB_PHASE_RESTORE ? 2 : 0;
	int rc = puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET job_upid = ?,"
		" vm_backup_now_utid = IF(? = 1, ?, vm_backup_now_utid),"
		" vm_backup_restore_utid = IF(? = 2, ?, vm_backup_restore_utid)"
		" WHERE service_id = ? AND job_token = ? AND job_phase = ? AND job_upid = ''",
		PUQ_ARGS(PUQ_TEXT(upid), PUQ_INT(mirror), PUQ_TEXT(upid), PUQ_INT(mirror), PUQ_TEXT(upid),
			PUQ_INT(j->service_id), PUQ_TEXT(j->token), PUQ_TEXT(puq_job_phase_name(j->phase))),
		&changed);
	if (rc < 0)
		return rc;
	if (changed != 1)
		return lost(err);
	puq_strlcpy(j->upid, upid, sizeof(j->upid));
	return 0;
}

#define CLEAR_JOB                                                                        \
	"job_kind = '', job_phase = '', job_token = NULL, job_arg = '', job_note = '',"      \
	" job_origin = '', job_node = '', job_upid = '', job_slot = NULL,"                   \
	" job_created_at = NULL, job_started_at = NULL, vm_backup_now_utid = NULL,"          \
	" vm_backup_restore_utid = NULL, job_finished_at = NOW()"

/* The message stored for the client area: "<Kind>: <text>". */
static void last_message(const struct puq_job *j, const char *text, char out[PUQ_ERROR_TEXT_MAX])
{
	snprintf(out, PUQ_ERROR_TEXT_MAX, "%s: %.480s", puq_job_kind_label(j->kind), text);
}

int job_finish(struct puq_db *db, const struct puq_job *j, const char *result,
	const char *text, long long backups, long long snapshots, bool slot_done,
	struct puq_error *err)
{
	char msg[PUQ_ERROR_TEXT_MAX], slot[20] = "";
	unsigned long long changed = 0;
	last_message(j, text, msg);
	if (slot_done && j->slot > 0)
		puq_local_format(j->slot, slot);
	bool backup_slot = slot[0] && j->kind == PUQ_JOB_BACKUP;
	bool snapshot_slot = slot[0] && j->kind == PUQ_JOB_SNAPSHOT;
	int rc = puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET " CLEAR_JOB ", job_result = ?, job_message = ?,"
		" vm_backups = IF(? >= 0, ?, vm_backups), vm_snapshots = IF(? >= 0, ?, vm_snapshots),"
		" backup_schedule_last = IF(?, ?, backup_schedule_last),"
		" vm_snapshot_last = IF(?, ?, vm_snapshot_last)"
		" WHERE service_id = ? AND job_token = ?",
		PUQ_ARGS(PUQ_TEXT(result), PUQ_TEXT(msg), PUQ_INT(backups), PUQ_INT(backups),
			PUQ_INT(snapshots), PUQ_INT(snapshots), PUQ_INT(backup_slot),
			PUQ_TEXT(backup_slot ? slot : NULL), PUQ_INT(snapshot_slot),
			PUQ_TEXT(snapshot_slot ? slot : NULL), PUQ_INT(j->service_id), PUQ_TEXT(j->token)),
		&changed);
	if (rc < 0)
		return rc;
	return changed == 1 ? 0 : lost(err);
}

struct handoff_ctx {
	const struct puq_job *j;
	const char *text;
	bool handed;
};

static int handoff_txn(struct puq_db *db, void *vctx, struct puq_error *err)
{
	struct handoff_ctx *c = vctx;
	char msg[PUQ_ERROR_TEXT_MAX], full[PUQ_ERROR_TEXT_MAX];
	unsigned long long changed = 0;
	snprintf(full, sizeof(full), "%.300s; the package is re-applied and the VM started", c->text);
	last_message(c->j, full, msg);
	c->handed = false;
	/* the engine's change-package chain from cp_update_ip: resources (shrinks skipped),
	 * network with the kept MAC, firewall, start, then the "Backup restored" e-mail */
	int rc = puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET " CLEAR_JOB ", job_result = 'ok', job_message = ?,"
		" vm_snapshots = 0, vm_status = 'cp_update_ip', action = 'restore',"
		" action_seq = action_seq + 1, attempts = 0, failing_since = NULL,"
		" needs_attention = 0, next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR
		" WHERE service_id = ? AND job_token = ? AND vm_status = 'ready'",
		PUQ_ARGS(PUQ_TEXT(msg), PUQ_INT(c->j->service_id), PUQ_TEXT(c->j->token)), &changed);
	if (rc < 0)
		return rc;
	if (changed == 1) {
		c->handed = true;
		return 0;
	}
	/* the VM left ready meanwhile (a terminate, a reset): the restore still happened,
	 * and whatever the VM does now decides what comes next */
	snprintf(full, sizeof(full), "%.300s; the VM was busy with other work, so the package "
		"was not re-applied", c->text);
	last_message(c->j, full, msg);
	rc = puq_db_exec(db, err,
		"UPDATE " VM_TABLE " SET " CLEAR_JOB ", job_result = 'ok', job_message = ?,"
		" vm_snapshots = 0 WHERE service_id = ? AND job_token = ?",
		PUQ_ARGS(PUQ_TEXT(msg), PUQ_INT(c->j->service_id), PUQ_TEXT(c->j->token)), &changed);
	if (rc < 0)
		return rc;
	return changed == 1 ? 0 : lost(err);
}

int job_handoff(struct puq_db *db, const struct puq_job *j, const char *text, bool *handed,
	struct puq_error *err)
{
	struct handoff_ctx c = {.j = j, .text = text};
	int rc = puq_db_transaction(db, handoff_txn, &c, err);
	if (handed)
		*handed = c.handed;
	return rc;
}

/* ---- display ---- */

int puq_job_describe(struct puq_db *db, long long service_id, json_t **out,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	*out = NULL;
	int rc = puq_db_query(db, err,
		"SELECT job_kind, job_phase, job_origin, job_arg, job_note,"
		" DATE_FORMAT(job_created_at, '%Y-%m-%d %H:%i:%s'), job_result, job_message,"
		" DATE_FORMAT(job_finished_at, '%Y-%m-%d %H:%i:%s'), job_upid"
		" FROM " VM_TABLE " WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		return puq_error_set(err, PUQ_ENOTFOUND, "service %lld has no VM", service_id);
	}
	enum puq_job_kind k = puq_job_kind_parse(puq_db_cell(r, 0, 0));
	const char *s[10];
	for (size_t i = 0; i < 10; i++)
		s[i] = puq_db_cell(r, 0, i) ? puq_db_cell(r, 0, i) : "";
	json_t *last = s[6][0] ? json_pack("{s:s,s:s,s:s}", "result", s[6], "message", s[7],
		"finished_at", s[8]) : json_null();
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:o}", "kind", s[0], "label",
		puq_job_kind_label(k), "phase", s[1], "origin", s[2], "arg", s[3], "note", s[4],
		"running", k != PUQ_JOB_NONE, "started_at", s[5], "last", last ? last : json_null());
	puq_db_rows_free(r);
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}
