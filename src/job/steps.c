/*
 * The decisions of every job kind, as pure functions of (job, scratch, event).
 *
 * A kind reads what it must know (the VM's status for a Proxmox lock, the backups or
 * snapshots it counts), then asks for one task, whose phase the executor commits before
 * sending; when the task stops, the kind decides again from the phase that finished.
 * Decisions are made from fresh reads every time a job (re)starts, so a job resumed by
 * another process - or a phase sent again after a lost answer - decides from what
 * Proxmox holds now: a snapshot already taken is not taken twice, a backup already
 * removed is success, the oldest backup is found again.
 *
 * Rotation: a scheduled backup or snapshot first removes the oldest ones while the
 * count is at the quota (FIFO); a client's is refused at the quota instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "puqkvm/job.h"

#define LIST_MAX 512

enum { ST_NONE, ST_STATUS, ST_LIST, ST_STATUS2, ST_FINAL };

void puq_job_out_init(struct puq_job_out *o)
{
	memset(o, 0, sizeof(*o));
	o->backups = o->snapshots = -1;
}

void puq_job_out_reset(struct puq_job_out *o)
{
	puq_pve_req_free(&o->req);
	puq_job_out_init(o);
}

/* ---- decisions ---- */

static void text(struct puq_job_out *o, const char *fmt, va_list ap)
{
	vsnprintf(o->text, sizeof(o->text), fmt, ap);
}

static void done(struct puq_job_out *o, const char *fmt, ...) PUQ_PRINTF(2, 3);
static void done(struct puq_job_out *o, const char *fmt, ...)
{
	va_list ap;
	puq_pve_req_free(&o->req);
	o->kind = PUQ_JOB_DO_DONE;
	va_start(ap, fmt);
	text(o, fmt, ap);
	va_end(ap);
}

static void fail(struct puq_job_out *o, bool busy, const char *fmt, ...) PUQ_PRINTF(3, 4);
static void fail(struct puq_job_out *o, bool busy, const char *fmt, ...)
{
	va_list ap;
	puq_pve_req_free(&o->req);
	o->kind = PUQ_JOB_DO_FAIL;
	o->busy = busy;
	va_start(ap, fmt);
	text(o, fmt, ap);
	va_end(ap);
}

/* A failed read: busy when Proxmox said the VM is locked. */
static void fail_read(const struct puq_job_event *ev, struct puq_job_out *o, const char *what)
{
	fail(o, ev->err.code == PUQ_EPVELOCKED, "%s: %s", what, ev->err.text);
}

/* A request builder's result: 0 (out holds the request) or a failure reported in out. */
static int built(int rc, struct puq_error *err, struct puq_job_out *o)
{
	if (rc == 0)
		return 0;
	if (rc == -PUQ_ENOMEM)
		return rc;
	fail(o, false, "cannot build the request: %s", err->nfields ? err->fields[0].message
		: err->text);
	return 0;
}

static int read_status(const struct puq_job *j, struct puq_job_scratch *sc, struct puq_job_out *o,
	int stage)
{
	struct puq_error err;
	puq_error_clear(&err);
	sc->stage = stage;
	o->kind = PUQ_JOB_DO_READ;
	return built(puq_pve_req_status(&o->req, j->node, j->vmid), &err, o);
}

static int read_backups(const struct puq_job *j, struct puq_job_scratch *sc,
	struct puq_job_out *o, int stage)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (!j->product.backup_storage[0]) {
		fail(o, false, "the product has no backups storage: set \"Backups storage\" in its "
			"module settings");
		return 0;
	}
	sc->stage = stage;
	o->kind = PUQ_JOB_DO_READ;
	return built(puq_pve_req_storage_content(&o->req, j->node, j->product.backup_storage,
		"backup", j->vmid), &err, o);
}

static int read_snapshots(const struct puq_job *j, struct puq_job_scratch *sc,
	struct puq_job_out *o, int stage)
{
	struct puq_error err;
	puq_error_clear(&err);
	sc->stage = stage;
	o->kind = PUQ_JOB_DO_READ;
	return built(puq_pve_req_snapshots(&o->req, j->node, j->vmid), &err, o);
}

static void task(struct puq_job_out *o, enum puq_job_phase phase, bool null_is_done)
{
	o->kind = PUQ_JOB_DO_TASK;
	o->phase = phase;
	o->null_is_done = null_is_done;
}

/* The task's failure as text: its exit status, or why it could not be started. */
static const char *task_error(const struct puq_job_event *ev)
{
	return ev->rc < 0 ? ev->err.text : ev->task.exitstatus;
}

static bool task_ok(const struct puq_job_event *ev)
{
	return ev->rc == 0 && ev->task.ok;
}

/* The status read: false after deciding to fail (locked, unreadable). */
static bool status_free(const struct puq_job_event *ev, struct puq_job_scratch *sc,
	struct puq_job_out *o)
{
	struct puq_pve_status st;
	struct puq_error err;
	puq_error_clear(&err);
	if (ev->rc < 0) {
		fail_read(ev, o, "reading the VM's status");
		return false;
	}
	if (puq_pve_parse_status(ev->data, &st, &err) < 0) {
		fail(o, false, "reading the VM's status: %s", err.text);
		return false;
	}
	if (st.lock[0]) {
		fail(o, true, "the VM is busy: Proxmox VE holds its lock (%s)", st.lock);
		return false;
	}
	sc->running = strcmp(st.status, "running") == 0;
	return true;
}

/* ---- backups ---- */

struct backups {
	struct puq_pve_volume_list l;
	size_t idx[LIST_MAX];
	size_t n;
};

/* The backups of the VM from a READ; false after deciding to fail. */
static bool backups_read(const struct puq_job *j, const struct puq_job_event *ev,
	struct backups *b, struct puq_job_out *o)
{
	struct puq_error err;
	puq_error_clear(&err);
	memset(&b->l, 0, sizeof(b->l));
	b->n = 0;
	if (ev->rc < 0) {
		fail_read(ev, o, "listing the backups");
		return false;
	}
	if (puq_pve_parse_volumes(ev->data, &b->l, &err) < 0) {
		fail(o, false, "listing the backups: %s", err.text);
		return false;
	}
	b->n = puq_job_backups_of(&b->l, j->vmid, b->idx, LIST_MAX);
	o->backups = (long long)b->n;
	return true;
}

static const struct puq_pve_volume *backup_named(const struct backups *b, const char *volid)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->l.items[b->idx[i]].volid, volid) == 0)
			return &b->l.items[b->idx[i]];
	return NULL;
}

static int delete_volume(const struct puq_job *j, struct puq_job_out *o, const char *volid,
	enum puq_job_phase phase)
{
	struct puq_error err;
	puq_error_clear(&err);
	task(o, phase, true);
	return built(puq_pve_req_volume_delete(&o->req, j->node, j->product.backup_storage, volid),
		&err, o);
}

static int dump(const struct puq_job *j, struct puq_job_out *o)
{
	struct puq_error err;
	puq_error_clear(&err);
	struct puq_pve_backup b = {.storage = j->product.backup_storage, .mode = "snapshot",
		.compress = "zstd", .notes = j->note[0] ? j->note : NULL};
	task(o, PUQ_JOB_PHASE_DUMP, false);
	return built(puq_pve_req_vzdump(&o->req, j->node, j->vmid, &b), &err, o);
}

static int backup_step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o)
{
	struct backups *b;
	int rc = 0;
	if (ev->kind == PUQ_JOB_EV_START)
		return read_status(j, sc, o, ST_STATUS);
	if (ev->kind == PUQ_JOB_EV_TASK) {
		if (!task_ok(ev)) {
			fail(o, false, "%s failed: %s", j->phase == PUQ_JOB_PHASE_DUMP ? "the backup"
				: "removing the oldest backup", task_error(ev));
			return 0;
		}
		if (j->phase == PUQ_JOB_PHASE_BACKUP_ROTATE)
			sc->done++;
		return read_backups(j, sc, o, j->phase == PUQ_JOB_PHASE_DUMP ? ST_FINAL : ST_LIST);
	}
	if (sc->stage == ST_STATUS)
		return status_free(ev, sc, o) ? read_backups(j, sc, o, ST_LIST) : 0;
	if (!(b = PUQ_MALLOC(sizeof(*b))))
		return -PUQ_ENOMEM;
	if (!backups_read(j, ev, b, o))
		goto out;
	if (sc->stage == ST_FINAL) {
		done(o, "backup finished (%zu of %lld)", b->n, j->product.backups);
		goto out;
	}
	if (j->product.backups <= 0) {
		fail(o, false, "backups are not part of this service");
	} else if ((long long)b->n >= j->product.backups) {
		if (strcmp(j->origin, PUQ_JOB_ORIGIN_CLIENT) == 0)
			fail(o, false, "all %lld backups are in use: remove one first", j->product.backups);
		else /* a schedule rotates: the oldest goes first */
			rc = delete_volume(j, o, b->l.items[b->idx[0]].volid, PUQ_JOB_PHASE_BACKUP_ROTATE);
	} else {
		rc = dump(j, o);
	}
out:
	puq_pve_volume_list_free(&b->l);
	PUQ_FREE(b);
	return rc;
}

static int restore_step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (ev->kind == PUQ_JOB_EV_START)
		return read_backups(j, sc, o, ST_LIST);
	if (ev->kind == PUQ_JOB_EV_TASK) {
		if (j->phase == PUQ_JOB_PHASE_STOP) /* whatever the task says, the status decides */
			return read_status(j, sc, o, ST_STATUS2);
		if (!task_ok(ev)) {
			fail(o, false, "the restore failed: %s. Try the restore again, or reinstall",
				task_error(ev));
			return 0;
		}
		snprintf(o->text, sizeof(o->text), "restored from %.200s", j->arg);
		o->kind = PUQ_JOB_DO_HANDOFF;
		o->snapshots = 0; /* a restore replaces the VM: its snapshots are gone */
		return 0;
	}
	if (sc->stage == ST_LIST) {
		struct backups *b = PUQ_MALLOC(sizeof(*b));
		if (!b)
			return -PUQ_ENOMEM;
		bool found = false;
		if (backups_read(j, ev, b, o)) {
			found = backup_named(b, j->arg) != NULL;
			if (!found)
				fail(o, false, "the backup %.200s no longer exists", j->arg);
		}
		puq_pve_volume_list_free(&b->l);
		PUQ_FREE(b);
		return found ? read_status(j, sc, o, ST_STATUS) : 0;
	}
	if (!status_free(ev, sc, o))
		return 0;
	if (sc->running) {
		if (sc->stage == ST_STATUS2) {
			fail(o, false, "the VM did not stop, so it was not restored");
			return 0;
		}
		/* a clean shutdown, forced after a minute: a restore needs the VM stopped */
		task(o, PUQ_JOB_PHASE_STOP, false);
		return built(puq_pve_req_power(&o->req, j->node, j->vmid, PUQ_PVE_SHUTDOWN, 60, true),
			&err, o);
	}
	task(o, PUQ_JOB_PHASE_RESTORE, false);
	return built(puq_pve_req_restore(&o->req, j->node, j->vmid, j->arg, NULL, true, false),
		&err, o);
}

static int backup_delete_step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o)
{
	int rc = 0;
	if (ev->kind == PUQ_JOB_EV_START)
		return read_backups(j, sc, o, ST_LIST);
	if (ev->kind == PUQ_JOB_EV_TASK) {
		if (!task_ok(ev)) {
			fail(o, ev->rc < 0 && ev->err.code == PUQ_EPVELOCKED, "removing the backup failed: %s",
				task_error(ev));
			return 0;
		}
		return read_backups(j, sc, o, ST_FINAL);
	}
	struct backups *b = PUQ_MALLOC(sizeof(*b));
	if (!b)
		return -PUQ_ENOMEM;
	if (backups_read(j, ev, b, o)) {
		const struct puq_pve_volume *v = backup_named(b, j->arg);
		if (sc->stage == ST_FINAL || !v)
			done(o, "backup removed");
		else if (v->protected_)
			fail(o, false, "the backup is protected in Proxmox VE: an administrator must "
				"unprotect it first");
		else
			rc = delete_volume(j, o, v->volid, PUQ_JOB_PHASE_BACKUP_DELETE);
	}
	puq_pve_volume_list_free(&b->l);
	PUQ_FREE(b);
	return rc;
}

/* ---- snapshots ---- */

struct snaps {
	struct puq_pve_snapshot_list l;
	size_t idx[LIST_MAX];
	size_t n;
};

static bool snaps_read(const struct puq_job_event *ev, struct snaps *s, struct puq_job_out *o)
{
	struct puq_error err;
	puq_error_clear(&err);
	memset(&s->l, 0, sizeof(s->l));
	s->n = 0;
	if (ev->rc < 0) {
		fail_read(ev, o, "listing the snapshots");
		return false;
	}
	if (puq_pve_parse_snapshots(ev->data, &s->l, &err) < 0) {
		fail(o, false, "listing the snapshots: %s", err.text);
		return false;
	}
	s->n = puq_job_snapshots_sorted(&s->l, s->idx, LIST_MAX);
	o->snapshots = (long long)s->n;
	return true;
}

static const struct puq_pve_snapshot *snap_named(const struct snaps *s, const char *name)
{
	for (size_t i = 0; i < s->l.n; i++)
		if (strcmp(s->l.items[i].name, name) == 0)
			return &s->l.items[i];
	return NULL;
}

static int snap_delete(const struct puq_job *j, struct puq_job_out *o, const char *name,
	enum puq_job_phase phase)
{
	struct puq_error err;
	puq_error_clear(&err);
	task(o, phase, false);
	return built(puq_pve_req_snapshot_delete(&o->req, j->node, j->vmid, name, &err), &err, o);
}

/* Runs fn with the snapshot listing of a READ, freeing it after. */
typedef int (*snaps_fn)(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct snaps *s, struct puq_job_out *o);
static int with_snaps(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o, snaps_fn fn)
{
	struct snaps *s = PUQ_MALLOC(sizeof(*s));
	int rc = 0;
	if (!s)
		return -PUQ_ENOMEM;
	if (snaps_read(ev, s, o))
		rc = fn(j, sc, s, o);
	puq_pve_snapshot_list_free(&s->l);
	PUQ_FREE(s);
	return rc;
}

static int snapshot_decide(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct snaps *s, struct puq_job_out *o)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (snap_named(s, j->arg)) {
		done(o, "snapshot %s taken (%zu of %lld)", j->arg, s->n, j->product.snapshots);
		return 0;
	}
	if (sc->stage == ST_FINAL) {
		fail(o, false, "the snapshot %s is missing after its task ended", j->arg);
		return 0;
	}
	if (j->product.snapshots <= 0) {
		fail(o, false, "snapshots are not part of this service");
		return 0;
	}
	if ((long long)s->n >= j->product.snapshots) {
		if (strcmp(j->origin, PUQ_JOB_ORIGIN_CLIENT) == 0) {
			fail(o, false, "all %lld snapshots are in use: remove one first",
				j->product.snapshots);
			return 0;
		}
		return snap_delete(j, o, s->l.items[s->idx[0]].name, PUQ_JOB_PHASE_SNAP_ROTATE);
	}
	task(o, PUQ_JOB_PHASE_SNAP, false);
	return built(puq_pve_req_snapshot_create(&o->req, j->node, j->vmid, j->arg,
		j->note[0] ? j->note : NULL, false, &err), &err, o);
}

static int snapshot_step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o)
{
	if (ev->kind == PUQ_JOB_EV_START)
		return read_status(j, sc, o, ST_STATUS);
	if (ev->kind == PUQ_JOB_EV_TASK) {
		if (!task_ok(ev)) {
			fail(o, ev->rc < 0 && ev->err.code == PUQ_EPVELOCKED, "%s failed: %s",
				j->phase == PUQ_JOB_PHASE_SNAP ? "the snapshot" : "removing the oldest snapshot",
				task_error(ev));
			return 0;
		}
		if (j->phase == PUQ_JOB_PHASE_SNAP_ROTATE)
			sc->done++;
		return read_snapshots(j, sc, o, j->phase == PUQ_JOB_PHASE_SNAP ? ST_FINAL : ST_LIST);
	}
	if (sc->stage == ST_STATUS)
		return status_free(ev, sc, o) ? read_snapshots(j, sc, o, ST_LIST) : 0;
	return with_snaps(j, sc, ev, o, snapshot_decide);
}

static int rollback_decide(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct snaps *s, struct puq_job_out *o)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (!snap_named(s, j->arg)) {
		fail(o, false, "the snapshot %s no longer exists", j->arg);
		return 0;
	}
	/* Proxmox stops the VM, reverts it, and starts it again when it was running */
	task(o, PUQ_JOB_PHASE_ROLLBACK, false);
	return built(puq_pve_req_snapshot_rollback(&o->req, j->node, j->vmid, j->arg, sc->running,
		&err), &err, o);
}

static int rollback_step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o)
{
	if (ev->kind == PUQ_JOB_EV_START)
		return read_status(j, sc, o, ST_STATUS);
	if (ev->kind == PUQ_JOB_EV_TASK) {
		if (task_ok(ev))
			done(o, "rolled back to %s", j->arg);
		else
			fail(o, ev->rc < 0 && ev->err.code == PUQ_EPVELOCKED, "the rollback failed: %s",
				task_error(ev));
		return 0;
	}
	if (sc->stage == ST_STATUS)
		return status_free(ev, sc, o) ? read_snapshots(j, sc, o, ST_LIST) : 0;
	return with_snaps(j, sc, ev, o, rollback_decide);
}

static int snapshot_delete_decide(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct snaps *s, struct puq_job_out *o)
{
	(void)sc;
	if (!snap_named(s, j->arg)) {
		done(o, "snapshot %s removed", j->arg);
		return 0;
	}
	return snap_delete(j, o, j->arg, PUQ_JOB_PHASE_SNAP_DELETE);
}

/* The oldest snapshot past the lifetime, or NULL. */
static const struct puq_pve_snapshot *expired(const struct puq_job *j, const struct snaps *s)
{
	long long limit = j->now - j->product.snapshot_lifetime_days * 86400LL;
	for (size_t i = 0; i < s->n; i++) {
		const struct puq_pve_snapshot *p = &s->l.items[s->idx[i]];
		if (p->snaptime > 0 && p->snaptime < limit)
			return p;
	}
	return NULL;
}

static int expire_decide(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct snaps *s, struct puq_job_out *o)
{
	const struct puq_pve_snapshot *p =
		j->product.snapshot_lifetime_days > 0 ? expired(j, s) : NULL;
	if (!p) {
		done(o, "%zu expired snapshot%s removed", sc->done, sc->done == 1 ? "" : "s");
		return 0;
	}
	return snap_delete(j, o, p->name, PUQ_JOB_PHASE_SNAP_DELETE);
}

static int snapshot_delete_step(const struct puq_job *j, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *o)
{
	snaps_fn decide = j->kind == PUQ_JOB_SNAPSHOT_EXPIRE ? expire_decide : snapshot_delete_decide;
	if (ev->kind == PUQ_JOB_EV_START)
		return read_snapshots(j, sc, o, ST_LIST);
	if (ev->kind == PUQ_JOB_EV_TASK) {
		if (!task_ok(ev)) {
			fail(o, ev->rc < 0 && ev->err.code == PUQ_EPVELOCKED,
				"removing the snapshot failed: %s", task_error(ev));
			return 0;
		}
		sc->done++;
		return read_snapshots(j, sc, o, ST_LIST);
	}
	return with_snaps(j, sc, ev, o, decide);
}

/* ---- dispatch ---- */

int puq_job_step(const struct puq_job *job, struct puq_job_scratch *sc,
	const struct puq_job_event *ev, struct puq_job_out *out)
{
	if (ev->kind == PUQ_JOB_EV_START)
		memset(sc, 0, sizeof(*sc));
	if (job->vmid <= 0 || !job->node[0]) {
		fail(out, false, "the service has no VM in Proxmox VE");
		return 0;
	}
	switch (job->kind) {
	case PUQ_JOB_BACKUP: return backup_step(job, sc, ev, out);
	case PUQ_JOB_RESTORE: return restore_step(job, sc, ev, out);
	case PUQ_JOB_BACKUP_DELETE: return backup_delete_step(job, sc, ev, out);
	case PUQ_JOB_SNAPSHOT: return snapshot_step(job, sc, ev, out);
	case PUQ_JOB_ROLLBACK: return rollback_step(job, sc, ev, out);
	case PUQ_JOB_SNAPSHOT_DELETE:
	case PUQ_JOB_SNAPSHOT_EXPIRE: return snapshot_delete_step(job, sc, ev, out);
	default:
		fail(out, false, "unknown job kind");
		return 0;
	}
}
