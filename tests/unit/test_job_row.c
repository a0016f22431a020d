/*
 * The job slot in the database (src/job/row.c, src/job/run.c's writes): the slot taken
 * only while nothing holds the VM (another job, the engine's status, a due request, a
 * live lease) and each refusal saying why; of two advancers committing the same phase
 * only one wins, so only one sends the task; a UPID commits only onto its own intent;
 * the end clears the slot, records the outcome and the schedule slot; a restore hands
 * the VM to the engine's change-package chain only while it rests in ready.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/job/job_internal.h"
#include "testdb.h"

static struct puq_testdb t;

static int migrated_db(void **state)
{
	if (puq_testdb_create(&t, true) < 0)
		return -1;
	struct puq_migrate_report r;
	struct puq_error err;
	puq_migrate_report_init(&r);
	puq_error_clear(&err);
	int rc = puq_db_migrate(t.db, false, &r, &err);
	puq_migrate_report_free(&r);
	if (rc < 0)
		fprintf(stderr, "migrate: %s\n", err.text);
	return rc < 0 ? -1 : 0;
}

static int drop_db(void **state)
{
	puq_testdb_drop(&t);
	return 0;
}

static void vm_row(long long sid)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "DELETE FROM puqProxmoxKVM_vm_info WHERE service_id = %lld", sid);
	assert_int_equal(puq_testdb_exec(t.db, sql), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO puqProxmoxKVM_vm_info (service_id, vm_id, vm_status, node,"
		" server_id, product) VALUES (%lld, 101, 'ready', 'pve1', 1, '{\"backups\":2}')", sid);
	assert_int_equal(puq_testdb_exec(t.db, sql), 0);
}

static void set(long long sid, const char *assignment)
{
	char sql[512];
	snprintf(sql, sizeof(sql), "UPDATE puqProxmoxKVM_vm_info SET %s WHERE service_id = %lld",
		assignment, sid);
	assert_int_equal(puq_testdb_exec(t.db, sql), 0);
}

static int begin(long long sid, struct puq_error *err)
{
	char token[33];
	struct puq_job_new n = {.service_id = sid, .kind = PUQ_JOB_BACKUP, .note = "n",
		.origin = PUQ_JOB_ORIGIN_CLIENT};
	puq_error_clear(err);
	return puq_job_begin(t.db, &n, token, err);
}

static void the_slot_is_taken_only_when_free(void **state)
{
	struct puq_error err;
	vm_row(1);
	set(1, "lease_owner = 'w', lease_token = 'x', lease_until = NOW() + INTERVAL 1 MINUTE");
	assert_int_equal(begin(1, &err), -PUQ_EBUSY);
	assert_non_null(strstr(err.text, "queued request"));
	set(1, "lease_until = NOW() - INTERVAL 1 SECOND"); /* an expired lease holds nothing */
	set(1, "due = 1");
	assert_int_equal(begin(1, &err), -PUQ_EBUSY);
	set(1, "due = 0, vm_status = 'change_package'");
	assert_int_equal(begin(1, &err), -PUQ_EBUSY);
	assert_non_null(strstr(err.text, "change_package"));
	set(1, "vm_status = 'ready', vm_id = 0");
	assert_int_equal(begin(1, &err), -PUQ_ESTATE);
	set(1, "vm_id = 101");
	assert_int_equal(begin(1, &err), 0);
	/* the second click finds the slot taken */
	assert_int_equal(begin(1, &err), -PUQ_EBUSY);
	assert_non_null(strstr(err.text, "(Backup)"));
	puq_error_clear(&err);
	assert_int_equal(begin(404, &err), -PUQ_ENOTFOUND);
}

static void only_one_advancer_commits_a_phase(void **state)
{
	struct puq_error err;
	struct puq_job a, b;
	vm_row(2);
	assert_int_equal(begin(2, &err), 0);
	assert_int_equal(puq_job_load(t.db, 2, &a, &err), 0);
	assert_int_equal(puq_job_load(t.db, 2, &b, &err), 0);
	assert_int_equal(a.kind, PUQ_JOB_BACKUP);
	assert_int_equal(a.product.backups, 2);
	/* both decided to dump; one commits the intent, the other lost the job */
	assert_int_equal(job_commit_intent(t.db, &a, PUQ_JOB_PHASE_DUMP, &err), 0);
	assert_int_equal(job_commit_intent(t.db, &b, PUQ_JOB_PHASE_DUMP, &err), -PUQ_ELEASE);
	puq_error_clear(&err);
	/* the UPID goes only onto the intent it answers, once */
	assert_int_equal(job_commit_upid(t.db, &a, "UPID:pve1:1:2:3:vzdump:101:u:", &err), 0);
	assert_int_equal(job_commit_upid(t.db, &b, "UPID:pve1:9:9:9:vzdump:101:u:", &err),
		-PUQ_ELEASE);
	puq_error_clear(&err);
	struct puq_db_rows *r = NULL;
	assert_int_equal(puq_db_query(t.db, &err,
		"SELECT job_upid, vm_backup_now_utid, job_phase FROM puqProxmoxKVM_vm_info"
		" WHERE service_id = 2", PUQ_NOARGS, &r), 0);
	assert_string_equal(puq_db_cell(r, 0, 0), "UPID:pve1:1:2:3:vzdump:101:u:");
	assert_string_equal(puq_db_cell(r, 0, 1), "UPID:pve1:1:2:3:vzdump:101:u:");
	assert_string_equal(puq_db_cell(r, 0, 2), "dump");
	puq_db_rows_free(r);
	/* the end clears the slot and keeps the outcome */
	a.slot = puq_local_parse("2025-01-04 23:50:00");
	assert_int_equal(job_finish(t.db, &a, "ok", "backup finished", 1, -1, true, &err), 0);
	assert_int_equal(job_finish(t.db, &a, "ok", "again", 1, -1, true, &err), -PUQ_ELEASE);
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(t.db, &err,
		"SELECT job_kind, job_token, job_result, job_message, vm_backups,"
		" DATE_FORMAT(backup_schedule_last, '%Y-%m-%d %H:%i'), vm_backup_now_utid"
		" FROM puqProxmoxKVM_vm_info WHERE service_id = 2", PUQ_NOARGS, &r), 0);
	assert_string_equal(puq_db_cell(r, 0, 0), "");
	assert_null(puq_db_cell(r, 0, 1));
	assert_string_equal(puq_db_cell(r, 0, 2), "ok");
	assert_string_equal(puq_db_cell(r, 0, 3), "Backup: backup finished");
	assert_string_equal(puq_db_cell(r, 0, 4), "1");
	assert_string_equal(puq_db_cell(r, 0, 5), "2025-01-04 23:50");
	assert_null(puq_db_cell(r, 0, 6));
	puq_db_rows_free(r);
}

static void a_restore_hands_over_only_from_ready(void **state)
{
	struct puq_error err;
	struct puq_job j;
	bool handed = false;
	struct puq_db_rows *r = NULL;
	vm_row(3);
	char token[33];
	struct puq_job_new n = {.service_id = 3, .kind = PUQ_JOB_RESTORE, .arg = "pbs:backup/x",
		.origin = PUQ_JOB_ORIGIN_CLIENT};
	puq_error_clear(&err);
	assert_int_equal(puq_job_begin(t.db, &n, token, &err), 0);
	assert_int_equal(puq_job_load(t.db, 3, &j, &err), 0);
	assert_int_equal(job_handoff(t.db, &j, "restored from pbs:backup/x", &handed, &err), 0);
	assert_true(handed);
	assert_int_equal(puq_db_query(t.db, &err,
		"SELECT vm_status, action, due, job_kind, job_message FROM puqProxmoxKVM_vm_info"
		" WHERE service_id = 3", PUQ_NOARGS, &r), 0);
	assert_string_equal(puq_db_cell(r, 0, 0), "cp_update_ip");
	assert_string_equal(puq_db_cell(r, 0, 1), "restore");
	assert_string_equal(puq_db_cell(r, 0, 2), "1");
	assert_string_equal(puq_db_cell(r, 0, 3), "");
	assert_non_null(strstr(puq_db_cell(r, 0, 4), "re-applied"));
	puq_db_rows_free(r);

	/* a terminate came in meanwhile: the restore happened, the VM is not handed over */
	vm_row(4);
	n.service_id = 4;
	assert_int_equal(puq_job_begin(t.db, &n, token, &err), 0);
	assert_int_equal(puq_job_load(t.db, 4, &j, &err), 0);
	set(4, "vm_status = 'terminate'");
	assert_int_equal(job_handoff(t.db, &j, "restored", &handed, &err), 0);
	assert_false(handed);
	assert_int_equal(puq_db_query(t.db, &err,
		"SELECT vm_status, job_kind FROM puqProxmoxKVM_vm_info WHERE service_id = 4",
		PUQ_NOARGS, &r), 0);
	assert_string_equal(puq_db_cell(r, 0, 0), "terminate");
	assert_string_equal(puq_db_cell(r, 0, 1), "");
	puq_db_rows_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_slot_is_taken_only_when_free),
		cmocka_unit_test(only_one_advancer_commits_a_phase),
		cmocka_unit_test(a_restore_hands_over_only_from_ready),
	};
	return cmocka_run_group_tests_name("job_row", tests, migrated_db, drop_db);
}
