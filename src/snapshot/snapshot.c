/*
 * The client area's snapshots: the list read from Proxmox, Take, Roll back, Remove, and
 * the weekly schedule of the schedule mode.
 *
 * Starting one takes the VM's job slot and sends its first task at once; the status
 * poll and nowBackupStatus follow it. A snapshot named by a client is accepted only when
 * the VM has it. In lifetime mode each snapshot shows the time left before
 * removeOldSnapshots removes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "puqkvm/snapshot.h"
#include "puqkvm/vm_store.h"

static bool enabled(const struct puq_vm_product *p)
{
	return p->snapshots > 0;
}

static int listing(const struct puq_job_env *env, const struct puq_job_vm *b,
	struct puq_pve_snapshot_list *out, struct puq_error *err)
{
	struct puq_pve_req req;
	json_t *data = NULL;
	memset(out, 0, sizeof(*out));
	struct puq_pve_conn *conn = env->conn_for(env->conn_ctx, b->server_id, err);
	if (!conn)
		return -err->code;
	int rc = puq_pve_req_snapshots(&req, b->node, b->vmid);
	if (rc < 0)
		return puq_error_set(err, -rc, NULL);
	rc = puq_pve_call(env->http, conn, &req, &data, err);
	puq_pve_req_free(&req);
	if (rc == 0)
		rc = puq_pve_parse_snapshots(data, out, err);
	json_decref(data);
	return rc;
}

static json_t *local_text(long long local)
{
	char t[20];
	puq_local_format(local, t);
	if (strlen(t) == 19)
		t[16] = '\0';
	return json_string(t);
}

int puq_snapshot_list(const struct puq_job_env *env, long long service_id, long long now,
	int utc_offset_s, json_t **out, struct puq_error *err)
{
	struct puq_job_vm b;
	struct puq_vm_product p;
	struct puq_pve_snapshot_list l = {0};
	size_t idx[512], n = 0;
	*out = NULL;
	int rc = puq_job_vm_load(env->db, service_id, &b, err);
	if (rc == 0)
		rc = puq_job_product(env->db, service_id, &p, err);
	if (rc < 0)
		return rc;
	if (enabled(&p)) {
		if ((rc = listing(env, &b, &l, err)) < 0)
			return rc;
		n = puq_job_snapshots_sorted(&l, idx, PUQ_ARRAY_LEN(idx));
		puq_db_exec(env->db, NULL,
			"UPDATE " PUQ_VM_TABLE " SET vm_snapshots = ? WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT((long long)n), PUQ_INT(service_id)), NULL);
	}
	bool lifetime = !p.snapshot_schedule && p.snapshot_lifetime_days > 0;
	json_t *items = json_array();
	for (size_t i = n; items && i-- > 0;) {
		const struct puq_pve_snapshot *s = &l.items[idx[i]];
		long long left = s->snaptime + p.snapshot_lifetime_days * 86400LL - now;
		json_array_append_new(items, json_pack("{s:s,s:s,s:o,s:I,s:o}", "name", s->name,
			"description", s->description, "date", local_text(s->snaptime + utc_offset_s),
			"snaptime", (json_int_t)s->snaptime, "expires_in",
			lifetime ? json_integer(left > 0 ? left : 0) : json_null()));
	}
	puq_pve_snapshot_list_free(&l);
	struct puq_schedule s;
	puq_schedule_parse(b.snapshot_schedule, &s, NULL);
	long long next = enabled(&p) && p.snapshot_schedule
		? puq_schedule_next(&s, now + utc_offset_s) : 0;
	json_t *job = NULL;
	if ((rc = puq_job_describe(env->db, service_id, &job, err)) < 0) {
		json_decref(items);
		return rc;
	}
	json_t *o = json_pack("{s:b,s:I,s:I,s:s,s:I,s:o,s:o,s:o,s:o}", "enabled", enabled(&p),
		"quota", (json_int_t)p.snapshots, "count", (json_int_t)n, "mode",
		p.snapshot_schedule ? "schedule" : "lifetime", "lifetime_days",
		(json_int_t)p.snapshot_lifetime_days, "items", items ? items : json_array(), "schedule",
		puq_schedule_to_json(&s), "next_run", next ? local_text(next) : json_string(""), "job",
		job);
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}

/* A snapshot name Proxmox accepts (pve-configid), from the UTC time. */
static void name_of(const char *prefix, long long t, char out[PUQ_JOB_ARG_MAX])
{
	time_t tt = (time_t)t;
	struct tm tm;
	char stamp[24] = "0";
	if (gmtime_r(&tt, &tm))
		strftime(stamp, sizeof(stamp), "%Y%m%d_%H%M%S", &tm);
	snprintf(out, PUQ_JOB_ARG_MAX, "%s_%s", prefix, stamp);
}

int puq_snapshot_start(const struct puq_job_env *env, long long service_id,
	enum puq_job_kind kind, const char *arg, long long now, json_t **out,
	struct puq_error *err)
{
	struct puq_job_vm b;
	struct puq_vm_product p;
	char name[PUQ_JOB_ARG_MAX] = "", note[PUQ_JOB_ARG_MAX] = "", token[33];
	*out = NULL;
	if (kind != PUQ_JOB_SNAPSHOT && kind != PUQ_JOB_ROLLBACK && kind != PUQ_JOB_SNAPSHOT_DELETE)
		return puq_error_set(err, PUQ_EINVAL, "not a snapshot operation");
	int rc = puq_job_vm_load(env->db, service_id, &b, err);
	if (rc == 0)
		rc = puq_job_product(env->db, service_id, &p, err);
	if (rc < 0)
		return rc;
	if (!enabled(&p))
		return puq_error_set(err, PUQ_ESTATE, "snapshots are not part of this service");
	if (kind == PUQ_JOB_SNAPSHOT) {
		if ((rc = puq_job_text_check(arg, PUQ_SNAPSHOT_DESCRIPTION_MAX, "description", note,
				 err)) < 0)
			return rc;
		name_of("snap", now, name);
	} else {
		struct puq_pve_snapshot_list l = {0};
		bool found = false;
		if (!arg || !*arg || strlen(arg) >= sizeof(name))
			return puq_error_field(err, "name", "choose a snapshot of this VM");
		if ((rc = listing(env, &b, &l, err)) < 0)
			return rc;
		for (size_t i = 0; i < l.n && !found; i++)
			found = strcmp(l.items[i].name, arg) == 0;
		puq_pve_snapshot_list_free(&l);
		if (!found)
			return puq_error_field(err, "name", "is not a snapshot of this VM");
		puq_strlcpy(name, arg, sizeof(name));
	}
	struct puq_job_new n = {.service_id = service_id, .kind = kind, .arg = name, .note = note,
		.origin = PUQ_JOB_ORIGIN_CLIENT};
	if ((rc = puq_job_begin(env->db, &n, token, err)) < 0)
		return rc;
	struct puq_job_result res;
	if ((rc = puq_job_advance(env, service_id, 0, &res, err)) < 0)
		return rc;
	return puq_job_describe(env->db, service_id, out, err);
}

int puq_snapshot_schedule_save(struct puq_db *db, long long service_id, const json_t *grid,
	long long now_local, struct puq_error *err)
{
	struct puq_schedule s;
	struct puq_vm_product p;
	int rc = puq_schedule_from_json(grid, &s, err);
	if (rc < 0)
		return rc;
	if ((rc = puq_job_product(db, service_id, &p, err)) < 0)
		return rc;
	if ((!enabled(&p) || !p.snapshot_schedule) && !puq_schedule_empty(&s))
		return puq_error_set(err, PUQ_ESTATE, "scheduled snapshots are not part of this service");
	json_t *j = puq_schedule_to_json(&s);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	char last[20] = "";
	long long past = puq_schedule_due(&s, now_local, 0, now_local);
	if (past > 0)
		puq_local_format(past, last);
	rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET vm_snapshot_schedule = ?,"
		" vm_snapshot_last = IF(? = '', vm_snapshot_last,"
		" GREATEST(COALESCE(vm_snapshot_last, ?), ?)) WHERE service_id = ?",
		PUQ_ARGS(PUQ_TEXT(puq_schedule_empty(&s) ? NULL : text), PUQ_TEXT(last), PUQ_TEXT(last),
			PUQ_TEXT(last), PUQ_INT(service_id)),
		NULL);
	free(text);
	return rc;
}
