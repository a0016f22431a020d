/*
 * The run log: what each run of a VM did, step by step.
 *
 * A run is one worker's claim of a VM for its current action. Steps are inserted as they
 * happen (inside the transaction of the transition they record, when there is one), so
 * a page polling the log watches a running deploy advance. Closing a run writes its
 * result, the compact JSON the original module kept in vm_last_action_log, the last
 * error for the red banner, and trims the VM's history to the last 50 runs.
 */
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "puqkvm/vm_store.h"

static double wall(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void iso(double t, char out[32])
{
	time_t s = (time_t)t;
	struct tm tm;
	gmtime_r(&s, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

int puq_vm_run_begin(struct puq_db *db, long long service_id, enum puq_vm_action action,
	const char *worker, struct puq_vm_run *run, struct puq_error *err)
{
	memset(run, 0, sizeof(*run));
	run->service_id = service_id;
	run->action = action;
	run->started = wall();
	run->steps = json_array();
	if (!run->steps)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	int rc = puq_db_exec(db, err,
		"INSERT INTO " PUQ_VM_RUNS_TABLE " (service_id, action, result, worker, started_at)"
		" VALUES (?, ?, 'running', ?, NOW(3))",
		PUQ_ARGS(PUQ_INT(service_id), PUQ_TEXT(puq_vm_action_name(action)),
			PUQ_TEXT(worker ? worker : "")),
		NULL);
	if (rc < 0) {
		puq_vm_run_free(run);
		return rc;
	}
	run->id = (long long)puq_db_insert_id(db);
	return 0;
}

int puq_vm_run_step(struct puq_db *db, struct puq_vm_run *run, const char *label,
	const char *from, const char *to, const char *result, const char *message,
	double seconds, struct puq_error *err)
{
	long long ms = (long long)(seconds * 1000 + 0.5);
	if (ms < 0)
		ms = 0;
	int rc = puq_db_exec(db, err,
		"INSERT INTO " PUQ_VM_STEPS_TABLE " (run_id, service_id, seq, label, from_status,"
		" to_status, result, message, duration_ms, created_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3))",
		PUQ_ARGS(PUQ_INT(run->id), PUQ_INT(run->service_id), PUQ_INT(run->nsteps + 1),
			PUQ_TEXT(label), PUQ_TEXT(from), PUQ_TEXT(to), PUQ_TEXT(result),
			PUQ_TEXT(message ? message : ""), PUQ_INT(ms)),
		NULL);
	if (rc < 0)
		return rc;
	char t[32];
	iso(wall(), t);
	json_array_append_new(run->steps, json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:s}", "label", label,
		"from", from, "to", to, "result", result, "message", message ? message : "",
		"duration", ms / 1000.0, "time", t));
	run->nsteps++;
	if (strncmp(result, "error", 5) == 0)
		run->failed = true;
	return 0;
}

void puq_vm_run_free(struct puq_vm_run *run)
{
	json_decref(run->steps);
	run->steps = NULL;
}

int puq_vm_run_end(struct puq_db *db, struct puq_vm_run *run, const char *result,
	const char *message, struct puq_error *err)
{
	char start[32], end[32];
	double now = wall();
	iso(run->started, start);
	iso(now, end);
	bool error = strcmp(result, "error") == 0;
	json_t *compact = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O}", "action",
		puq_vm_action_name(run->action), "result", result, "message", message ? message : "",
		"start", start, "end", end, "steps", run->steps);
	if (compact && error) {
		json_object_set_new(compact, "last_error_action",
			json_string(puq_vm_action_name(run->action)));
		json_object_set_new(compact, "last_error_message", json_string(message ? message : ""));
	}
	char *text = compact ? json_dumps(compact, JSON_COMPACT) : NULL;
	json_decref(compact);
	int rc = puq_db_exec(db, err,
		"UPDATE " PUQ_VM_RUNS_TABLE " SET result = ?, message = ?, finished_at = NOW(3)"
		" WHERE id = ?",
		PUQ_ARGS(PUQ_TEXT(result), PUQ_TEXT(message ? message : ""), PUQ_INT(run->id)), NULL);
	if (rc == 0 && text && error)
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_last_action_log = ?, last_error_action = ?,"
			" last_error_message = ?, rev = rev + 1 WHERE service_id = ?",
			PUQ_ARGS(PUQ_TEXT(text), PUQ_TEXT(puq_vm_action_name(run->action)),
				PUQ_TEXT(message ? message : ""), PUQ_INT(run->service_id)),
			NULL);
	else if (rc == 0 && text)
		rc = puq_db_exec(db, err,
			"UPDATE " PUQ_VM_TABLE " SET vm_last_action_log = ?, rev = rev + 1"
			" WHERE service_id = ?",
			PUQ_ARGS(PUQ_TEXT(text), PUQ_INT(run->service_id)), NULL);
	free(text);
	/* keep the last PUQ_VM_RUNS_KEPT runs */
	struct puq_db_rows *r = NULL;
	if (rc == 0)
		rc = puq_db_query(db, err,
			"SELECT id FROM " PUQ_VM_RUNS_TABLE " WHERE service_id = ? ORDER BY id DESC"
			" LIMIT 1 OFFSET ?",
			PUQ_ARGS(PUQ_INT(run->service_id), PUQ_INT(PUQ_VM_RUNS_KEPT)), &r);
	if (rc == 0 && r->nrows) {
		long long cutoff = puq_db_cell_int(r, 0, 0, 0);
		rc = puq_db_exec(db, err,
			"DELETE FROM " PUQ_VM_STEPS_TABLE " WHERE service_id = ? AND run_id <= ?",
			PUQ_ARGS(PUQ_INT(run->service_id), PUQ_INT(cutoff)), NULL);
		if (rc == 0)
			rc = puq_db_exec(db, err,
				"DELETE FROM " PUQ_VM_RUNS_TABLE " WHERE service_id = ? AND id <= ?",
				PUQ_ARGS(PUQ_INT(run->service_id), PUQ_INT(cutoff)), NULL);
	}
	puq_db_rows_free(r);
	puq_vm_run_free(run);
	return rc;
}

int puq_vm_runs(struct puq_db *db, long long service_id, int limit, json_t **out,
	struct puq_error *err)
{
	struct puq_db_rows *runs = NULL, *steps = NULL, *last = NULL;
	*out = NULL;
	if (limit <= 0 || limit > PUQ_VM_RUNS_KEPT)
		limit = PUQ_VM_RUNS_KEPT;
	int rc = puq_db_query(db, err,
		"SELECT id, action, result, message, DATE_FORMAT(started_at, '%Y-%m-%d %H:%i:%s'),"
		" DATE_FORMAT(finished_at, '%Y-%m-%d %H:%i:%s'),"
		" TIMESTAMPDIFF(MICROSECOND, started_at, COALESCE(finished_at, NOW(3))) / 1000000"
		" FROM " PUQ_VM_RUNS_TABLE " WHERE service_id = ? ORDER BY id DESC LIMIT ?",
		PUQ_ARGS(PUQ_INT(service_id), PUQ_INT(limit)), &runs);
	if (rc == 0)
		rc = puq_db_query(db, err,
			"SELECT run_id, seq, label, from_status, to_status, result, message, duration_ms,"
			" DATE_FORMAT(created_at, '%Y-%m-%d %H:%i:%s') FROM " PUQ_VM_STEPS_TABLE
			" WHERE service_id = ? ORDER BY run_id DESC, seq",
			PUQ_ARGS(PUQ_INT(service_id)), &steps);
	if (rc == 0)
		rc = puq_db_query(db, err,
			"SELECT last_error_action, last_error_message FROM " PUQ_VM_TABLE
			" WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(service_id)), &last);
	if (rc < 0) {
		puq_db_rows_free(runs);
		puq_db_rows_free(steps);
		return rc;
	}
	json_t *list = json_array();
	size_t s = 0;
	for (size_t i = 0; list && i < runs->nrows; i++) {
		long long id = puq_db_cell_int(runs, i, 0, 0);
		json_t *st = json_array();
		/* steps are ordered by run id descending, like the runs */
		while (s < steps->nrows && puq_db_cell_int(steps, s, 0, 0) > id)
			s++;
		for (; st && s < steps->nrows && puq_db_cell_int(steps, s, 0, 0) == id; s++)
			json_array_append_new(st, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:f,s:s?}", "seq",
				(json_int_t)puq_db_cell_int(steps, s, 1, 0), "label", puq_db_cell(steps, s, 2),
				"from", puq_db_cell(steps, s, 3), "to", puq_db_cell(steps, s, 4), "result",
				puq_db_cell(steps, s, 5), "message", puq_db_cell(steps, s, 6) ?
				puq_db_cell(steps, s, 6) : "", "duration",
				puq_db_cell_int(steps, s, 7, 0) / 1000.0, "time", puq_db_cell(steps, s, 8)));
		const char *dur = puq_db_cell(runs, i, 6);
		json_array_append_new(list, json_pack("{s:I,s:s,s:s,s:s,s:s?,s:s?,s:f,s:o}", "id",
			(json_int_t)id, "action", puq_db_cell(runs, i, 1), "result", puq_db_cell(runs, i, 2),
			"message", puq_db_cell(runs, i, 3) ? puq_db_cell(runs, i, 3) : "", "started_at",
			puq_db_cell(runs, i, 4), "finished_at", puq_db_cell(runs, i, 5), "duration",
			dur ? atof(dur) : 0.0, "steps", st ? st : json_array()));
	}
	const char *ea = last->nrows ? puq_db_cell(last, 0, 0) : NULL;
	const char *em = last->nrows ? puq_db_cell(last, 0, 1) : NULL;
	json_t *o = json_pack("{s:o,s:{s:s,s:s}}", "runs", list ? list : json_array(), "last_error",
		"action", ea ? ea : "", "message", em ? em : "");
	puq_db_rows_free(runs);
	puq_db_rows_free(steps);
	puq_db_rows_free(last);
	if (!o)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = o;
	return 0;
}
