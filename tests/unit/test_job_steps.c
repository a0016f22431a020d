/*
 * The job steps (src/job/steps.c), pure, with Proxmox answers as they arrive: a backup
 * refused while Proxmox holds the VM's lock, refused at the quota for a client but
 * rotated (oldest first) for a schedule, its counts at the end; a restore that stops a
 * running VM first, refuses a vanished backup and hands over when done; a snapshot that
 * is found already taken after a lost answer; rotation of snapshots by age; expiry of
 * snapshots past the lifetime; and the listing helpers' order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/job.h"

static struct puq_job job(enum puq_job_kind kind, const char *origin)
{
	struct puq_job j;
	memset(&j, 0, sizeof(j));
	j.service_id = 7;
	j.vmid = 101;
	strcpy(j.node, "pve2");
	j.kind = kind;
	strcpy(j.origin, origin);
	strcpy(j.product.backup_storage, "pbs");
	j.product.backups = 2;
	j.product.snapshots = 2;
	j.now = 1736000000;
	return j;
}

/* Runs one step with ev, returns out (caller resets). */
static struct puq_job_out step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev)
{
	struct puq_job_out o;
	puq_job_out_init(&o);
	assert_int_equal(puq_job_step(j, sc, ev, &o), 0);
	return o;
}

static struct puq_job_out start(const struct puq_job *j, struct puq_job_scratch *sc)
{
	struct puq_job_event ev = {.kind = PUQ_JOB_EV_START};
	return step(j, sc, &ev);
}

static struct puq_job_out read(const struct puq_job *j, struct puq_job_scratch *sc,
	const char *json)
{
	struct puq_job_event ev = {.kind = PUQ_JOB_EV_READ};
	json_t *data = json_loads(json, 0, NULL);
	assert_non_null(data);
	ev.data = data;
	struct puq_job_out o = step(j, sc, &ev);
	json_decref(data);
	return o;
}

static struct puq_job_out task_end(const struct puq_job *j, struct puq_job_scratch *sc, bool ok,
	const char *exit)
{
	struct puq_job_event ev = {.kind = PUQ_JOB_EV_TASK};
	ev.task.ok = ok;
	strcpy(ev.task.exitstatus, exit);
	return step(j, sc, &ev);
}

static void assert_req(const struct puq_job_out *o, const char *method, const char *path)
{
	assert_string_equal(o->req.method, method);
	assert_string_equal(puq_buf_cstr(&o->req.path), path);
}

#define RUNNING "{\"status\":\"running\",\"qmpstatus\":\"running\"}"
#define STOPPED "{\"status\":\"stopped\"}"
#define LOCKED "{\"status\":\"running\",\"lock\":\"backup\"}"
/* two backups of VM 101 (listed newest first) and one of another VM */
#define TWO_BACKUPS                                                                      \
	"[{\"volid\":\"pbs:backup/vm/101/2025-01-02T00:00:00Z\",\"ctime\":200,\"vmid\":101},"  \
	"{\"volid\":\"pbs:backup/vm/999/2025-01-01T00:00:00Z\",\"ctime\":50,\"vmid\":999},"     \
	"{\"volid\":\"pbs:backup/vm/101/2025-01-01T00:00:00Z\",\"ctime\":100,\"vmid\":101}]"

static void test_backup_locked_and_quota(void **state)
{
	struct puq_job j = job(PUQ_JOB_BACKUP, PUQ_JOB_ORIGIN_CLIENT);
	struct puq_job_scratch sc;
	struct puq_job_out o = start(&j, &sc);
	assert_int_equal(o.kind, PUQ_JOB_DO_READ);
	assert_req(&o, "GET", "/nodes/pve2/qemu/101/status/current");
	puq_job_out_reset(&o);
	o = read(&j, &sc, LOCKED);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	assert_true(o.busy);
	assert_non_null(strstr(o.text, "(backup)"));
	puq_job_out_reset(&o);

	o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	assert_int_equal(o.kind, PUQ_JOB_DO_READ);
	assert_req(&o, "GET", "/nodes/pve2/storage/pbs/content");
	puq_job_out_reset(&o);
	o = read(&j, &sc, TWO_BACKUPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL); /* a client is refused at the quota */
	assert_false(o.busy);
	assert_int_equal(o.backups, 2);
	assert_non_null(strstr(o.text, "remove one first"));
	puq_job_out_reset(&o);

	j.product.backups = 3;
	o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	puq_job_out_reset(&o);
	strcpy(j.note, "a note");
	o = read(&j, &sc, TWO_BACKUPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_TASK);
	assert_int_equal(o.phase, PUQ_JOB_PHASE_DUMP);
	assert_req(&o, "POST", "/nodes/pve2/vzdump");
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "storage=pbs"));
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "notes-template=a%20note"));
	puq_job_out_reset(&o);

	/* no backups storage: the product is wrong, said so */
	j.product.backup_storage[0] = '\0';
	o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	assert_non_null(strstr(o.text, "Backups storage"));
	puq_job_out_reset(&o);
}

static void test_scheduled_backup_rotates_oldest_first(void **state)
{
	struct puq_job j = job(PUQ_JOB_BACKUP, PUQ_JOB_ORIGIN_SCHEDULE);
	struct puq_job_scratch sc;
	struct puq_job_out o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	puq_job_out_reset(&o);
	o = read(&j, &sc, TWO_BACKUPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_TASK);
	assert_int_equal(o.phase, PUQ_JOB_PHASE_BACKUP_ROTATE);
	assert_true(o.null_is_done);
	assert_req(&o, "DELETE",
		"/nodes/pve2/storage/pbs/content/pbs%3Abackup%2Fvm%2F101%2F2025-01-01T00%3A00%3A00Z");
	puq_job_out_reset(&o);
	/* the removal ended: count again, then dump */
	j.phase = PUQ_JOB_PHASE_BACKUP_ROTATE;
	o = task_end(&j, &sc, true, "OK");
	assert_int_equal(o.kind, PUQ_JOB_DO_READ);
	puq_job_out_reset(&o);
	o = read(&j, &sc, "[{\"volid\":\"pbs:backup/vm/101/b\",\"ctime\":200,\"vmid\":101}]");
	assert_int_equal(o.phase, PUQ_JOB_PHASE_DUMP);
	puq_job_out_reset(&o);
	j.phase = PUQ_JOB_PHASE_DUMP;
	o = task_end(&j, &sc, true, "OK");
	assert_int_equal(o.kind, PUQ_JOB_DO_READ);
	puq_job_out_reset(&o);
	o = read(&j, &sc, TWO_BACKUPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_DONE);
	assert_int_equal(o.backups, 2);
	puq_job_out_reset(&o);
	/* a failed dump ends the job with Proxmox's words */
	o = task_end(&j, &sc, false, "job failed with err -5 - Input/output error");
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	assert_non_null(strstr(o.text, "Input/output error"));
	puq_job_out_reset(&o);
}

static void test_restore(void **state)
{
	struct puq_job j = job(PUQ_JOB_RESTORE, PUQ_JOB_ORIGIN_CLIENT);
	struct puq_job_scratch sc;
	strcpy(j.arg, "pbs:backup/vm/101/gone");
	struct puq_job_out o = start(&j, &sc);
	assert_req(&o, "GET", "/nodes/pve2/storage/pbs/content");
	puq_job_out_reset(&o);
	o = read(&j, &sc, TWO_BACKUPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	assert_non_null(strstr(o.text, "no longer exists"));
	puq_job_out_reset(&o);

	strcpy(j.arg, "pbs:backup/vm/101/2025-01-01T00:00:00Z");
	o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, TWO_BACKUPS);
	assert_req(&o, "GET", "/nodes/pve2/qemu/101/status/current");
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	assert_int_equal(o.phase, PUQ_JOB_PHASE_STOP);
	assert_req(&o, "POST", "/nodes/pve2/qemu/101/status/shutdown");
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "forceStop=1"));
	puq_job_out_reset(&o);
	j.phase = PUQ_JOB_PHASE_STOP;
	o = task_end(&j, &sc, true, "OK");
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL); /* still running after the stop */
	puq_job_out_reset(&o);
	o = task_end(&j, &sc, false, "interrupted");
	puq_job_out_reset(&o);
	o = read(&j, &sc, STOPPED); /* the status decides, not the stop task's result */
	assert_int_equal(o.phase, PUQ_JOB_PHASE_RESTORE);
	assert_req(&o, "POST", "/nodes/pve2/qemu");
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "force=1"));
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "archive=pbs%3Abackup"));
	puq_job_out_reset(&o);
	j.phase = PUQ_JOB_PHASE_RESTORE;
	o = task_end(&j, &sc, true, "OK");
	assert_int_equal(o.kind, PUQ_JOB_DO_HANDOFF);
	assert_int_equal(o.snapshots, 0);
	puq_job_out_reset(&o);
	o = task_end(&j, &sc, false, "unable to restore VM 101 - no space");
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	assert_non_null(strstr(o.text, "no space"));
	puq_job_out_reset(&o);
}

#define SNAPS                                                                            \
	"[{\"name\":\"sb\",\"snaptime\":300},{\"name\":\"sa\",\"snaptime\":100},"             \
	"{\"name\":\"current\",\"description\":\"You are here!\"}]"

static void test_snapshots(void **state)
{
	struct puq_job j = job(PUQ_JOB_SNAPSHOT, PUQ_JOB_ORIGIN_SCHEDULE);
	struct puq_job_scratch sc;
	strcpy(j.arg, "sb");
	struct puq_job_out o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	assert_req(&o, "GET", "/nodes/pve2/qemu/101/snapshot");
	puq_job_out_reset(&o);
	o = read(&j, &sc, SNAPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_DONE); /* taken before the answer was lost */
	assert_int_equal(o.snapshots, 2);
	puq_job_out_reset(&o);

	strcpy(j.arg, "sched_20250106_0200");
	o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	puq_job_out_reset(&o);
	o = read(&j, &sc, SNAPS);
	assert_int_equal(o.phase, PUQ_JOB_PHASE_SNAP_ROTATE);
	assert_req(&o, "DELETE", "/nodes/pve2/qemu/101/snapshot/sa"); /* the oldest */
	puq_job_out_reset(&o);
	j.phase = PUQ_JOB_PHASE_SNAP_ROTATE;
	o = task_end(&j, &sc, true, "OK");
	puq_job_out_reset(&o);
	strcpy(j.note, "Scheduler: 2025-01-06");
	o = read(&j, &sc, "[{\"name\":\"sb\",\"snaptime\":300}]");
	assert_int_equal(o.phase, PUQ_JOB_PHASE_SNAP);
	assert_req(&o, "POST", "/nodes/pve2/qemu/101/snapshot");
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "snapname=sched_20250106_0200"));
	assert_non_null(strstr(puq_buf_cstr(&o.req.form), "description=Scheduler%3A%202025-01-06"));
	puq_job_out_reset(&o);

	/* a client at the quota is refused */
	strcpy(j.origin, PUQ_JOB_ORIGIN_CLIENT);
	strcpy(j.arg, "snap_x");
	o = start(&j, &sc);
	puq_job_out_reset(&o);
	o = read(&j, &sc, RUNNING);
	puq_job_out_reset(&o);
	o = read(&j, &sc, SNAPS);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	puq_job_out_reset(&o);
}

static void test_expiry(void **state)
{
	struct puq_job j = job(PUQ_JOB_SNAPSHOT_EXPIRE, PUQ_JOB_ORIGIN_LIFETIME);
	struct puq_job_scratch sc;
	j.product.snapshot_lifetime_days = 1;
	char list[256];
	snprintf(list, sizeof(list), "[{\"name\":\"fresh\",\"snaptime\":%lld},"
		"{\"name\":\"old2\",\"snaptime\":%lld},{\"name\":\"old1\",\"snaptime\":%lld}]",
		j.now - 3600, j.now - 2 * 86400, j.now - 3 * 86400);
	struct puq_job_out o = start(&j, &sc);
	assert_int_equal(o.kind, PUQ_JOB_DO_READ);
	puq_job_out_reset(&o);
	o = read(&j, &sc, list);
	assert_req(&o, "DELETE", "/nodes/pve2/qemu/101/snapshot/old1");
	puq_job_out_reset(&o);
	j.phase = PUQ_JOB_PHASE_SNAP_DELETE;
	o = task_end(&j, &sc, true, "OK");
	puq_job_out_reset(&o);
	snprintf(list, sizeof(list), "[{\"name\":\"fresh\",\"snaptime\":%lld}]", j.now - 3600);
	o = read(&j, &sc, list);
	assert_int_equal(o.kind, PUQ_JOB_DO_DONE);
	assert_string_equal(o.text, "1 expired snapshot removed");
	puq_job_out_reset(&o);
}

static void test_no_node_and_listing_order(void **state)
{
	struct puq_job j = job(PUQ_JOB_BACKUP, PUQ_JOB_ORIGIN_CLIENT);
	struct puq_job_scratch sc;
	j.node[0] = '\0';
	struct puq_job_out o = start(&j, &sc);
	assert_int_equal(o.kind, PUQ_JOB_DO_FAIL);
	puq_job_out_reset(&o);

	struct puq_pve_volume_list l = {0};
	json_t *data = json_loads(TWO_BACKUPS, 0, NULL);
	assert_int_equal(puq_pve_parse_volumes(data, &l, NULL), 0);
	size_t idx[4];
	assert_int_equal(puq_job_backups_of(&l, 101, idx, 4), 2);
	assert_int_equal(l.items[idx[0]].ctime, 100);
	assert_int_equal(l.items[idx[1]].ctime, 200);
	puq_pve_volume_list_free(&l);
	json_decref(data);
	assert_int_equal(puq_job_kind_parse("snapshot_expire"), PUQ_JOB_SNAPSHOT_EXPIRE);
	assert_int_equal(puq_job_kind_parse("nonsense"), PUQ_JOB_NONE);
	assert_string_equal(puq_job_phase_task_type(PUQ_JOB_PHASE_RESTORE), "qmrestore");
	char size[24];
	puq_job_size_text(1234567890ULL, size);
	assert_string_equal(size, "1.1 GiB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_locked_and_quota),
		cmocka_unit_test(test_scheduled_backup_rotates_oldest_first),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_snapshots),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_no_node_and_listing_order),
	};
	return cmocka_run_group_tests_name("job_steps", tests, NULL, NULL);
}
