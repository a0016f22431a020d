/*
 * Leases, transitions and intents: every write the engine makes to a VM row while it
 * holds it.
 *
 * Claiming is one short transaction: the due rows (due = 1, next_run_at reached, lease
 * free or expired) are selected FOR UPDATE SKIP LOCKED where the server supports it, so
 * concurrent workers skip each other's candidates instead of queueing, and each gets a
 * random token and an expiry computed with the database's clock. Servers without SKIP
 * LOCKED get the same result from a conditional UPDATE per candidate, checked by its
 * affected rows. Every later write names the token (and, for transitions, the expected
 * status); a row that no longer matches answers 0 rows and the worker drops the VM.
 *
 * Clone slots: a clone holds one slot of its node's scope and one of its storage's, a
 * slot being a row under the primary key (server, scope, slot < cap). Slots expire with
 * the worker's lease, so a crashed worker's clones free their slots too.
 */
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "engine.h"

static void token(char out[33])
{
	unsigned char b[16];
	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		for (size_t i = 0; i < sizeof(b); i++)
			b[i] = (unsigned char)rand();
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

struct claim_ctx {
	struct cron_engine *e;
	size_t max;
	long long *ids;
	char (*tokens)[33];
	size_t n;
};

static int claim_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct claim_ctx *c = arg;
	struct cron_engine *e = c->e;
	struct puq_db_rows *r = NULL;
	long long only = e->opt->service_id;
	c->n = 0;
	int rc = puq_db_query(db, err,
		"SELECT service_id FROM " PUQ_VM_TABLE " WHERE due = 1 AND next_run_at <= NOW()"
		" AND (lease_until IS NULL OR lease_until < NOW()) AND (? = 0 OR service_id = ?)"
		" ORDER BY next_run_at, service_id LIMIT ? FOR UPDATE SKIP LOCKED",
		PUQ_ARGS(PUQ_INT(only), PUQ_INT(only), PUQ_INT(c->max)), &r);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < r->nrows; i++) {
		long long id = puq_db_cell_int(r, i, 0, 0);
		token(c->tokens[c->n]);
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET lease_owner = ?, lease_token = ?,"
			" lease_until = NOW() + INTERVAL ? SECOND, rev = rev + 1 WHERE service_id = ?",
			PUQ_ARGS(PUQ_TEXT(e->worker), PUQ_TEXT(c->tokens[c->n]), PUQ_INT((long long)e->lease_s),
				PUQ_INT(id)),
			NULL);
		if (rc < 0)
			break;
		c->ids[c->n++] = id;
	}
	puq_db_rows_free(r);
	return rc;
}

int cron_claim(struct cron_engine *e, size_t max, long long *ids, char (*tokens)[33],
	size_t *n, struct puq_error *err)
{
	*n = 0;
	if (max == 0)
		return 0;
	if (e->skip_locked) {
		struct claim_ctx c = {e, max, ids, tokens, 0};
		int rc = puq_db_transaction(e->db, claim_txn, &c, err);
		*n = rc == 0 ? c.n : 0;
		return rc;
	}
	/* no SKIP LOCKED: optimistic claims, each checked by its affected rows */
	struct puq_db_rows *r = NULL;
	long long only = e->opt->service_id;
	int rc = puq_db_query(e->db, err,
		"SELECT service_id FROM " PUQ_VM_TABLE " WHERE due = 1 AND next_run_at <= NOW()"
		" AND (lease_until IS NULL OR lease_until < NOW()) AND (? = 0 OR service_id = ?)"
		" ORDER BY next_run_at, service_id LIMIT ?",
		PUQ_ARGS(PUQ_INT(only), PUQ_INT(only), PUQ_INT(max)), &r);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < r->nrows && *n < max; i++) {
		long long id = puq_db_cell_int(r, i, 0, 0);
		unsigned long long changed = 0;
		token(tokens[*n]);
		rc = puq_db_exec(e->db, err,
			"UPDATE " PUQ_VM_TABLE " SET lease_owner = ?, lease_token = ?,"
			" lease_until = NOW() + INTERVAL ? SECOND, rev = rev + 1 WHERE service_id = ?"
			" AND due = 1 AND (lease_until IS NULL OR lease_until < NOW())",
			PUQ_ARGS(PUQ_TEXT(e->worker), PUQ_TEXT(tokens[*n]), PUQ_INT((long long)e->lease_s),
				PUQ_INT(id)),
			&changed);
		if (rc < 0)
			break;
		if (changed == 1)
			ids[(*n)++] = id;
	}
	puq_db_rows_free(r);
	return rc;
}

int cron_renew(struct cron_engine *e, struct puq_error *err)
{
	int rc = puq_db_exec(e->db, err,
		"UPDATE " PUQ_VM_TABLE " SET lease_until = NOW() + INTERVAL ? SECOND"
		" WHERE lease_owner = ?",
		PUQ_ARGS(PUQ_INT((long long)e->lease_s), PUQ_TEXT(e->worker)), NULL);
	if (rc == 0)
		rc = puq_db_exec(e->db, err,
			"UPDATE " CRON_SLOTS_TABLE " SET expires_at = NOW() + INTERVAL ? SECOND"
			" WHERE worker = ?",
			PUQ_ARGS(PUQ_INT((long long)e->lease_s), PUQ_TEXT(e->worker)), NULL);
	return rc;
}

/* ---- transitions ---- */

struct flush_ctx {
	struct cron_engine *e;
	struct cron_vm *v;
	size_t nsteps;
};

static int flush_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct flush_ctx *t = arg;
	struct cron_vm *v = t->v;
	int rc;
	cron_run_trim(&v->run, t->nsteps);
	if (v->pending) {
		unsigned long long changed = 0;
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_status = ?, node = IF(? = '', node, ?),"
			" vm_net0_mac = IF(? = '', vm_net0_mac, ?),"
			" task_kind = IF(? = 1, '', task_kind), task_vmid = IF(? = 1, 0, task_vmid),"
			" task_node = IF(? = 1, '', task_node), task_target = IF(? = 1, '', task_target),"
			" task_upid = IF(? = 1, '', task_upid),"
			" task_started_at = IF(? = 1, NULL, task_started_at),"
			" power_request = IF(? = 1, '', power_request), rev = rev + 1,"
			" due = " PUQ_VM_DUE_EXPR
			" WHERE service_id = ? AND lease_token = ? AND vm_status = ?",
			PUQ_ARGS(PUQ_TEXT(puq_vm_state_name(v->vm.state)), PUQ_TEXT(v->acc_node),
				PUQ_TEXT(v->acc_node), PUQ_TEXT(v->acc_mac), PUQ_TEXT(v->acc_mac),
				PUQ_INT(v->acc_clear_intent), PUQ_INT(v->acc_clear_intent),
				PUQ_INT(v->acc_clear_intent), PUQ_INT(v->acc_clear_intent),
				PUQ_INT(v->acc_clear_intent), PUQ_INT(v->acc_clear_intent),
				PUQ_INT(v->acc_clear_power), PUQ_INT(v->vm.service_id),
				PUQ_TEXT(v->meta.lease_token), PUQ_TEXT(puq_vm_state_name(v->committed))),
			&changed);
		if (rc < 0)
			return rc;
		if (changed == 0)
			return puq_error_set(err, PUQ_ELEASE, NULL);
	}
	size_t i;
	json_t *st;
	json_array_foreach(v->queued, i, st)
	{
		rc = puq_vm_run_step(db, &v->run, json_string_value(json_object_get(st, "label")),
			json_string_value(json_object_get(st, "from")),
			json_string_value(json_object_get(st, "to")),
			json_string_value(json_object_get(st, "result")),
			json_string_value(json_object_get(st, "message")),
			json_real_value(json_object_get(st, "seconds")), err);
		if (rc < 0)
			return rc;
	}
	if (v->pending && v->vm.state == PUQ_VM_READY && v->acc_email) {
		char key[200];
		snprintf(key, sizeof(key), "email:%s:%lld:%lld", v->acc_email, v->vm.service_id,
			v->meta.action_seq);
		if ((rc = puq_outbox_email(db, v->vm.service_id, v->vm.client_id, v->acc_email, key,
				 err)) < 0)
			return rc;
	}
	if (v->pending && v->vm.state == PUQ_VM_READY && v->meta.pending_product) {
		/* a change of package ordered during the deploy starts now */
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET product = pending_product, pending_product = NULL,"
			" vm_status = 'change_package', action = 'change_package',"
			" action_seq = action_seq + 1, rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			" WHERE service_id = ? AND lease_token = ?",
			PUQ_ARGS(PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token)), NULL);
		if (rc == 0)
			v->reload = true;
	}
	return 0;
}

int cron_flush(struct cron_engine *e, struct cron_vm *v, struct puq_error *err)
{
	if (!v->pending && json_array_size(v->queued) == 0)
		return 0;
	struct flush_ctx t = {e, v, v->run.nsteps};
	v->reload = false;
	int rc = puq_db_transaction(e->db, flush_txn, &t, err);
	if (rc < 0) {
		cron_run_trim(&v->run, t.nsteps); /* the step rows were rolled back */
		return rc;
	}
	if (v->pending) {
		e->stats->commits++;
		v->committed = v->vm.state;
	}
	e->stats->steps += json_array_size(v->queued);
	json_array_clear(v->queued);
	v->pending = false;
	v->acc_node[0] = v->acc_mac[0] = '\0';
	v->acc_clear_intent = v->acc_clear_power = false;
	v->acc_email = NULL;
	return 0;
}

/* ---- intents and clone slots ---- */

static int take_slot(struct cron_engine *e, struct cron_vm *v, const char *scope,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	long long server = v->vm.server_id, sid = v->vm.service_id;
	int rc = puq_db_query(e->db, err,
		"SELECT slot FROM " CRON_SLOTS_TABLE " WHERE server_id = ? AND scope = ?"
		" AND service_id = ?",
		PUQ_ARGS(PUQ_INT(server), PUQ_TEXT(scope), PUQ_INT(sid)), &r);
	if (rc < 0)
		return rc;
	bool held = r->nrows > 0;
	puq_db_rows_free(r);
	if (held)
		return puq_db_exec(e->db, err,
			"UPDATE " CRON_SLOTS_TABLE " SET worker = ?, expires_at = NOW() + INTERVAL ? SECOND"
			" WHERE server_id = ? AND scope = ? AND service_id = ?",
			PUQ_ARGS(PUQ_TEXT(e->worker), PUQ_INT((long long)e->lease_s), PUQ_INT(server),
				PUQ_TEXT(scope), PUQ_INT(sid)),
			NULL);
	rc = puq_db_exec(e->db, err,
		"DELETE FROM " CRON_SLOTS_TABLE " WHERE server_id = ? AND scope = ? AND expires_at < NOW()",
		PUQ_ARGS(PUQ_INT(server), PUQ_TEXT(scope)), NULL);
	/* the lowest slot number nobody holds, found in one read: a full scope costs two
	 * statements, not one failed INSERT per slot */
	for (int attempt = 0; rc == 0 && attempt < 3; attempt++) {
		rc = puq_db_query(e->db, err,
			"SELECT slot FROM " CRON_SLOTS_TABLE " WHERE server_id = ? AND scope = ? ORDER BY slot",
			PUQ_ARGS(PUQ_INT(server), PUQ_TEXT(scope)), &r);
		if (rc < 0)
			break;
		long free_slot = 0;
		for (size_t i = 0; i < r->nrows && puq_db_cell_int(r, i, 0, -1) == free_slot; i++)
			free_slot++;
		puq_db_rows_free(r);
		if (free_slot >= e->clone_cap)
			break;
		rc = puq_db_exec(e->db, err,
			"INSERT INTO " CRON_SLOTS_TABLE " (server_id, scope, slot, service_id, worker,"
			" expires_at) VALUES (?, ?, ?, ?, ?, NOW() + INTERVAL ? SECOND)",
			PUQ_ARGS(PUQ_INT(server), PUQ_TEXT(scope), PUQ_INT(free_slot), PUQ_INT(sid),
				PUQ_TEXT(e->worker), PUQ_INT((long long)e->lease_s)),
			NULL);
		if (rc == 0)
			return 0;
		if (rc == -PUQ_EDUPLICATE) { /* another worker took that slot a moment ago */
			puq_error_clear(err);
			rc = 0;
		}
	}
	if (rc < 0)
		return rc;
	return puq_error_set(err, PUQ_EBUSY, "%ld clone(s) already run on %s: waiting for a slot",
		e->clone_cap, scope);
}

struct intent_ctx {
	struct cron_engine *e;
	struct cron_vm *v;
	const struct puq_vm_out *out;
};

static int intent_txn(struct puq_db *db, void *arg, struct puq_error *err)
{
	struct intent_ctx *c = arg;
	const struct puq_vm_out *o = c->out;
	const struct puq_vm_intent *in = &o->intent;
	char scope[128];
	int rc = 0;
	if (o->slot_node[0]) {
		snprintf(scope, sizeof(scope), "node:%s", o->slot_node);
		rc = take_slot(c->e, c->v, scope, err);
	}
	if (rc == 0 && o->slot_storage[0]) {
		snprintf(scope, sizeof(scope), "storage:%s", o->slot_storage);
		rc = take_slot(c->e, c->v, scope, err);
	}
	if (rc < 0)
		return rc;
	unsigned long long changed = 0;
	rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET task_kind = ?, task_vmid = ?, task_node = ?,"
		" task_target = ?, task_upid = '', task_started_at = NOW(), rev = rev + 1"
		" WHERE service_id = ? AND lease_token = ? AND vm_status = ?",
		PUQ_ARGS(PUQ_TEXT(in->kind), PUQ_INT(in->vmid), PUQ_TEXT(in->node), PUQ_TEXT(in->target),
			PUQ_INT(c->v->vm.service_id), PUQ_TEXT(c->v->meta.lease_token),
			PUQ_TEXT(puq_vm_state_name(c->v->vm.state))),
		&changed);
	if (rc == 0 && changed == 0)
		return puq_error_set(err, PUQ_ELEASE, NULL);
	return rc;
}

int cron_commit_intent(struct cron_engine *e, struct cron_vm *v, const struct puq_vm_out *out,
	struct puq_error *err)
{
	struct intent_ctx c = {e, v, out};
	int rc = puq_db_transaction(e->db, intent_txn, &c, err);
	if (rc == 0) {
		v->vm.intent = out->intent;
		v->vm.intent.upid[0] = '\0';
		v->vm.intent.at = (long long)time(NULL);
		/* a new id for every commit: the one request of this intent carries it */
		char t[33];
		token(t);
		puq_strlcpy(v->vm.intent.id, t, sizeof(v->vm.intent.id));
		e->stats->commits++;
	}
	return rc;
}

int cron_commit_upid(struct cron_engine *e, struct cron_vm *v, const char *upid,
	struct puq_error *err)
{
	unsigned long long changed = 0;
	int rc = puq_db_exec(e->db, err,
		"UPDATE " PUQ_VM_TABLE " SET task_upid = ?, rev = rev + 1"
		" WHERE service_id = ? AND lease_token = ?",
		PUQ_ARGS(PUQ_TEXT(upid), PUQ_INT(v->vm.service_id), PUQ_TEXT(v->meta.lease_token)),
		&changed);
	if (rc == 0 && changed == 0)
		return puq_error_set(err, PUQ_ELEASE, NULL);
	if (rc == 0) {
		puq_strlcpy(v->vm.intent.upid, upid, sizeof(v->vm.intent.upid));
		e->stats->commits++;
	}
	return rc;
}

int cron_release_slots(struct cron_engine *e, long long service_id, struct puq_error *err)
{
	return puq_db_exec(e->db, err, "DELETE FROM " CRON_SLOTS_TABLE " WHERE service_id = ?",
		PUQ_ARGS(PUQ_INT(service_id)), NULL);
}

/* ---- the end of a run ---- */

static void attention_log(struct cron_engine *e, struct cron_vm *v, const char *message)
{
	char req[160];
	struct puq_error err;
	puq_error_clear(&err);
	snprintf(req, sizeof(req), "service %lld, VM %lld, action %s, status %s", v->vm.service_id,
		v->vm.vmid, puq_vm_action_name(v->vm.action), puq_vm_state_name(v->vm.state));
	/* written whatever the debug setting: a VM failing for hours must not go unnoticed */
	puq_db_exec(e->db, &err,
		"INSERT INTO tblmodulelog (date, module, action, request, response, arrdata)"
		" VALUES (NOW(), ?, 'needs attention', ?, ?, '')",
		PUQ_ARGS(PUQ_TEXT(PUQ_VM_LOG_MODULE), PUQ_TEXT(req), PUQ_TEXT(message ? message : "")),
		NULL);
}

int cron_release(struct cron_engine *e, struct cron_vm *v, const char *result,
	const char *message, struct puq_error *err)
{
	int rc;
	long long sid = v->vm.service_id;
	const char *tok = v->meta.lease_token;
	bool error = strcmp(result, "error") == 0;
	if (error)
		rc = puq_db_exec(e->db, err,
			"UPDATE " PUQ_VM_TABLE " SET lease_owner = NULL, lease_token = NULL,"
			" lease_until = NULL, attempts = attempts + 1,"
			" failing_since = COALESCE(failing_since, NOW()),"
			" next_run_at = NOW() + INTERVAL LEAST(600, 10 * POW(2, LEAST(attempts - 1, 6)))"
			" SECOND, rev = rev + 1, due = " PUQ_VM_DUE_EXPR
			" WHERE service_id = ? AND lease_token = ?",
			PUQ_ARGS(PUQ_INT(sid), PUQ_TEXT(tok)), NULL);
	else
		rc = puq_db_exec(e->db, err,
			strcmp(result, "waiting") == 0
				? "UPDATE " PUQ_VM_TABLE " SET lease_owner = NULL, lease_token = NULL,"
				  " lease_until = NULL, next_run_at = NOW() + INTERVAL 10 SECOND, rev = rev + 1,"
				  " due = " PUQ_VM_DUE_EXPR " WHERE service_id = ? AND lease_token = ?"
				: "UPDATE " PUQ_VM_TABLE " SET lease_owner = NULL, lease_token = NULL,"
				  " lease_until = NULL, attempts = 0, failing_since = NULL, needs_attention = 0,"
				  " next_run_at = NOW(), rev = rev + 1, due = " PUQ_VM_DUE_EXPR
				  " WHERE service_id = ? AND lease_token = ?",
			PUQ_ARGS(PUQ_INT(sid), PUQ_TEXT(tok)), NULL);
	if (rc == 0 && error && v->vm.state != PUQ_VM_ERROR_TERMINATE) {
		unsigned long long flipped = 0;
		rc = puq_db_exec(e->db, err,
			"UPDATE " PUQ_VM_TABLE " SET needs_attention = 1, rev = rev + 1 WHERE service_id = ?"
			" AND needs_attention = 0 AND failing_since <= NOW() - INTERVAL ? SECOND",
			PUQ_ARGS(PUQ_INT(sid), PUQ_INT(e->attention_after_s)), &flipped);
		if (rc == 0 && flipped)
			attention_log(e, v, message);
	}
	if (rc == 0)
		rc = cron_release_slots(e, sid, err);
	if (rc == 0 && v->run_open) {
		v->run_open = false;
		rc = puq_vm_run_end(e->db, &v->run, result, message, err);
	}
	return rc;
}
