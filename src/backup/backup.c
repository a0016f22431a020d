/*
 * The client area's backups: the list read from the product's backups storage, Backup
 * now, Restore, Remove, and the weekly schedule.
 *
 * Starting one is taking the VM's job slot and sending its first task at once (the
 * client sees it running); the status poll and nowBackupStatus / restoreBackupStatus
 * follow it to its end. A volume named by a client is accepted only when the storage
 * lists it as a backup of this VM, so no request can touch another VM's backup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "puqkvm/backup.h"
#include "puqkvm/vm_store.h"

static bool enabled(const struct puq_vm_product *p)
{
	return p->backups > 0 && p->backup_storage[0];
}

/* The storage's backup listing (*out: parsed volumes). */
static int listing(const struct puq_job_env *env, const struct puq_job_vm *b,
	const struct puq_vm_product *p, struct puq_pve_volume_list *out, struct puq_error *err)
{
	struct puq_pve_req req;
	json_t *data = NULL;
	memset(out, 0, sizeof(*out));
	struct puq_pve_conn *conn = env->conn_for(env->conn_ctx, b->server_id, err);
	if (!conn)
		return -err->code;
	int rc = puq_pve_req_storage_content(&req, b->node, p->backup_storage, "backup", b->vmid);
	if (rc < 0)
		return puq_error_set(err, -rc, NULL);
	rc = puq_pve_call(env->http, conn, &req, &data, err);
	puq_pve_req_free(&req);
	if (rc == 0)
		rc = puq_pve_parse_volumes(data, out, err);
	json_decref(data);
	return rc;
}

static json_t *local_text(long long utc, int offset, bool seconds)
{
	char t[20];
	puq_local_format(utc + offset, t);
	if (!seconds && strlen(t) == 19)
		t[16] = '\0';
	return json_string(t);
}

int puq_backup_list(const struct puq_job_env *env, long long service_id, long long now,
	int utc_offset_s, json_t **out, struct puq_error *err)
{
	struct puq_job_vm b;
	struct puq_vm_product p;
	struct puq_pve_volume_list l = {0};
	size_t idx[512], n = 0;
	*out = NULL;
	int rc = puq_job_vm_load(env->db, service_id, &b, err);
	if (rc == 0)
		rc = puq_job_product(env->db, service_id, &p, err);
	if (rc < 0)
		return rc;
	if (enabled(&p)) {
		if ((rc = listing(env, &b, &p, &l, err)) < 0)
			return rc;
		n = puq_job_backups_of(&l, b.vmid, idx, PUQ_ARRAY_LEN(idx));
		puq_db_exec(env->db, NULL, "UPDATE " PUQ_VM_TABLE " SET vm_backups = ? WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT((long long)n), PUQ_INT(service_id)), NULL);
	}
	json_t *items = json_array();
	for (size_t i = n; items && i-- > 0;) {
		const struct puq_pve_volume *v = &l.items[idx[i]];
		char size[24];
		puq_job_size_text(v->size > 0 ? (unsigned long long)v->size : 0, size);
		json_array_append_new(items, json_pack("{s:s,s:o,s:I,s:I,s:s,s:s,s:b}", "volid", v->volid,
			"date", local_text(v->ctime, utc_offset_s, false), "ctime", (json_int_t)v->ctime,
			"size", (json_int_t)v->size, "size_text", size, "notes", v->notes, "protected",
			v->protected_));
	}
	puq_pve_volume_list_free(&l);
	struct puq_schedule s;
	puq_schedule_parse(b.backup_schedule, &s, NULL);
	long long next = enabled(&p) ? puq_schedule_next(&s, now + utc_offset_s) : 0;
	json_t *job = NULL;
	if ((rc = puq_job_describe(env->db, service_id, &job, err)) < 0) {
		json_decref(items);
		return rc;
	}
	json_t *o = json_pack("{s:b,s:s,s:I,s:I,s:o,s:o,s:o,s:o}", "enabled", enabled(&p), "storage",
		p.backup_storage, "quota", (json_int_t)p.backups, "count", (json_int_t)n, "items",
		items ? items : json_array(), "schedule", puq_schedule_to_json(&s), "next_run",
		next ? local_text(next - utc_offset_s, utc_offset_s, false) : json_string(""), "job", job);
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}

int puq_backup_start(const struct puq_job_env *env, long long service_id,
	enum puq_job_kind kind, const char *arg, json_t **out, struct puq_error *err)
{
	struct puq_job_vm b;
	struct puq_vm_product p;
	char note[PUQ_JOB_ARG_MAX] = "", volid[PUQ_JOB_ARG_MAX] = "", token[33];
	*out = NULL;
	if (kind != PUQ_JOB_BACKUP && kind != PUQ_JOB_RESTORE && kind != PUQ_JOB_BACKUP_DELETE)
		return puq_error_set(err, PUQ_EINVAL, "not a backup operation");
	int rc = puq_job_vm_load(env->db, service_id, &b, err);
	if (rc == 0)
		rc = puq_job_product(env->db, service_id, &p, err);
	if (rc < 0)
		return rc;
	if (!enabled(&p))
		return puq_error_set(err, PUQ_ESTATE, "backups are not part of this service");
	if (kind == PUQ_JOB_BACKUP) {
		if ((rc = puq_job_text_check(arg, PUQ_BACKUP_NOTE_MAX, "note", note, err)) < 0)
			return rc;
	} else {
		struct puq_pve_volume_list l = {0};
		size_t idx[512];
		bool mine = false;
		if (!arg || !*arg || strlen(arg) >= sizeof(volid))
			return puq_error_field(err, "volid", "choose a backup of this VM");
		if ((rc = listing(env, &b, &p, &l, err)) < 0)
			return rc;
		size_t n = puq_job_backups_of(&l, b.vmid, idx, PUQ_ARRAY_LEN(idx));
		for (size_t i = 0; i < n && !mine; i++)
			mine = strcmp(l.items[idx[i]].volid, arg) == 0;
		puq_pve_volume_list_free(&l);
		if (!mine)
			return puq_error_field(err, "volid", "is not a backup of this VM");
		puq_strlcpy(volid, arg, sizeof(volid));
	}
	struct puq_job_new n = {.service_id = service_id, .kind = kind, .arg = volid, .note = note,
		.origin = PUQ_JOB_ORIGIN_CLIENT};
	if ((rc = puq_job_begin(env->db, &n, token, err)) < 0)
		return rc;
	struct puq_job_result res;
	if ((rc = puq_job_advance(env, service_id, 0, &res, err)) < 0)
		return rc;
	return puq_job_describe(env->db, service_id, out, err);
}

int puq_backup_schedule_save(struct puq_db *db, long long service_id, const json_t *grid,
	long long now_local, struct puq_error *err)
{
	struct puq_schedule s;
	struct puq_vm_product p;
	int rc = puq_schedule_from_json(grid, &s, err);
	if (rc < 0)
		return rc;
	if ((rc = puq_job_product(db, service_id, &p, err)) < 0)
		return rc;
	if (!enabled(&p) && !puq_schedule_empty(&s))
		return puq_error_set(err, PUQ_ESTATE, "backups are not part of this service");
	json_t *j = puq_schedule_to_json(&s);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!text)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	/* slots already past when the schedule is saved are not caught up: the first backup
	 * is the next slot */
	char last[20] = "";
	long long past = puq_schedule_due(&s, now_local, 0, now_local);
	if (past > 0)
		puq_local_format(past, last);
	rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_TABLE " SET vm_backup_schedule = ?,"
		" backup_schedule_last = IF(? = '', backup_schedule_last,"
		" GREATEST(COALESCE(backup_schedule_last, ?), ?)) WHERE service_id = ?",
		PUQ_ARGS(PUQ_TEXT(puq_schedule_empty(&s) ? NULL : text), PUQ_TEXT(last), PUQ_TEXT(last),
			PUQ_TEXT(last), PUQ_INT(service_id)),
		NULL);
	free(text);
	return rc;
}
