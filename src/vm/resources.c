/*
 * The resource steps shared by deploy and change package: CPU and RAM, the system and
 * additional disks' sizes and I/O limits, and creating (or, in a change of package,
 * deleting) the additional disk.
 *
 * Each step reads the config first and changes only what differs from the product, so
 * an unchanged value logs "skip (no change)" and sends nothing. Disks only grow: a
 * smaller size is skipped and logged (system_disk_shrink_rejected), never sent - Proxmox
 * would accept the call and fail inside the task. Config writes carry the config's
 * digest, so a concurrent edit is refused by Proxmox instead of overwritten.
 */
#include <math.h>

#include "steps.h"

/* PUT config with the digest of the config just read; keys follow. */
static int config_put_start(struct puq_vm_step *s)
{
	const char *digest = puq_pve_get_str(s->sc->config, "digest");
	return puq_pve_req_config_set(&s->out->req, s->vm->node, s->vm->vmid, false, digest);
}

static long long config_ll(const json_t *config, const char *key, long long dflt)
{
	long long v;
	return puq_pve_get_int(config, key, &v) ? v : dflt;
}

int puq_vm_step_cpu_ram(struct puq_vm_step *s)
{
	const struct puq_vm_product *p = &s->vm->product;
	enum puq_vm_state next = vm_following(s->vm->state);
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_NOW) {
		long long cores = config_ll(s->sc->config, "cores", 1), mem = 0;
		if (puq_pve_config_memory(s->sc->config, &mem, NULL) < 0)
			mem = 512; /* Proxmox's default when the key is absent */
		if (cores == p->cores && mem == p->ram_mb) {
			vm_skip(s, next, "no change (%lld cores, %lld MiB)", cores, mem);
			return 0;
		}
		struct puq_error err;
		puq_error_clear(&err);
		if ((rc = config_put_start(s)) < 0 ||
			(rc = puq_pve_config_put_int(&s->out->req, "cores", p->cores, &err)) < 0 ||
			(rc = puq_pve_config_put_int(&s->out->req, "memory", p->ram_mb, &err)) < 0)
			return vm_build_failed(s, rc, &err);
		snprintf(s->sc->text, sizeof(s->sc->text), "%lld -> %lld cores, %lld -> %lld MiB",
			cores, p->cores, mem, p->ram_mb);
		vm_send(s, false, 0);
		return 0;
	}
	if (s->ev->rc < 0)
		vm_fail_event(s, "setting CPU and RAM");
	else
		vm_next(s, next, "%s", s->sc->text);
	return 0;
}

/* ---- sizes ---- */

static int disk_size_step(struct puq_vm_step *s, bool additional)
{
	const struct puq_vm_disk_spec *want = additional ? &s->vm->product.add : &s->vm->product.sys;
	enum puq_vm_state next = vm_following(s->vm->state);
	const char *what = additional ? "additional disk" : "system disk";
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_HAVE) {
		if (s->ev->rc < 0 || !s->ev->task.ok)
			vm_fail_event(s, additional ? "growing the additional disk" : "growing the system disk");
		else
			vm_next(s, next, "%s", s->sc->text);
		return 0;
	}
	struct puq_pve_disk sys, disk;
	if (vm_system_disk(s, &sys) < 0)
		return 0;
	if (additional && !vm_additional_disk(s, &sys, &disk)) {
		vm_skip(s, next, "the VM has no additional disk");
		return 0;
	}
	if (!additional)
		disk = sys;
	char cur[32], dst[32];
	unsigned long long bytes = (unsigned long long)want->size_gb << 30;
	vm_size_text(disk.size, cur);
	vm_size_text(bytes, dst);
	if (want->size_gb == 0) {
		vm_skip(s, next, "%s %s keeps its size (%s)", what, disk.key, cur);
		return 0;
	}
	if (disk.size == bytes) {
		vm_skip(s, next, "no change (%s %s is %s)", what, disk.key, cur);
		return 0;
	}
	if (disk.size > bytes) {
		vm_skip(s, next, "shrink not allowed by Proxmox: %s %s is %s, the package wants %s "
			"(%s_shrink_rejected)", what, disk.key, cur, dst,
			additional ? "additional_disk" : "system_disk");
		return 0;
	}
	struct puq_error err;
	puq_error_clear(&err);
	if ((rc = puq_pve_req_resize(&s->out->req, s->vm->node, s->vm->vmid, disk.key, dst, &err)) < 0)
		return vm_build_failed(s, rc, &err);
	snprintf(s->sc->text, sizeof(s->sc->text), "%s %s grown from %s to %s", what, disk.key, cur,
		dst);
	vm_send(s, true, s->env->heavy_timeout_ms);
	return 0;
}

int puq_vm_step_sys_size(struct puq_vm_step *s)
{
	return disk_size_step(s, false);
}

int puq_vm_step_add_size(struct puq_vm_step *s)
{
	return disk_size_step(s, true);
}

/* ---- I/O limits ---- */

static bool limits_equal(const struct puq_pve_disk *d, const struct puq_vm_disk_spec *w)
{
	return fabs(d->mbps_rd - w->mbps_rd) < 1e-9 && fabs(d->mbps_wr - w->mbps_wr) < 1e-9 &&
		d->iops_rd == w->iops_rd && d->iops_wr == w->iops_wr;
}

static int disk_bw_step(struct puq_vm_step *s, bool additional)
{
	const struct puq_vm_disk_spec *want = additional ? &s->vm->product.add : &s->vm->product.sys;
	enum puq_vm_state next = vm_following(s->vm->state);
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_HAVE) {
		if (s->ev->rc < 0)
			vm_fail_event(s, "setting the disk's I/O limits");
		else
			vm_next(s, next, "%s", s->sc->text);
		return 0;
	}
	struct puq_pve_disk sys, disk;
	if (vm_system_disk(s, &sys) < 0)
		return 0;
	if (additional && !vm_additional_disk(s, &sys, &disk)) {
		vm_skip(s, next, "the VM has no additional disk");
		return 0;
	}
	if (!additional)
		disk = sys;
	if (limits_equal(&disk, want)) {
		vm_skip(s, next, "no change (%s: %.0f/%.0f MB/s, %lld/%lld IOPS)", disk.key,
			want->mbps_rd, want->mbps_wr, want->iops_rd, want->iops_wr);
		return 0;
	}
	char tmp[64];
	const char *value = puq_pve_config_value(s->sc->config, disk.key, tmp, sizeof(tmp));
	struct puq_pve_disk_limits lim = {want->mbps_rd, want->mbps_wr, want->iops_rd, want->iops_wr};
	struct puq_buf b = PUQ_BUF_INIT;
	struct puq_error err;
	puq_error_clear(&err);
	if ((rc = puq_pve_disk_with_limits(value, &lim, &b, &err)) < 0 ||
		(rc = config_put_start(s)) < 0 ||
		(rc = puq_pve_config_put(&s->out->req, disk.key, puq_buf_cstr(&b), &err)) < 0) {
		puq_buf_free(&b);
		return vm_build_failed(s, rc, &err);
	}
	puq_buf_free(&b);
	snprintf(s->sc->text, sizeof(s->sc->text), "%s: %.0f/%.0f MB/s, %lld/%lld IOPS (read/write)",
		disk.key, want->mbps_rd, want->mbps_wr, want->iops_rd, want->iops_wr);
	vm_send(s, false, 0);
	return 0;
}

int puq_vm_step_sys_bw(struct puq_vm_step *s)
{
	return disk_bw_step(s, false);
}

int puq_vm_step_add_bw(struct puq_vm_step *s)
{
	return disk_bw_step(s, true);
}

/* ---- creating or deleting the additional disk ---- */

enum { AD_DECIDE = 0, AD_CREATED, AD_SNAPSHOTS, AD_SNAP_DELETED, AD_DELETED };

static int delete_next_snapshot(struct puq_vm_step *s)
{
	struct puq_vm_scratch *sc = s->sc;
	if (sc->index < json_array_size(sc->list)) {
		const char *name = json_string_value(json_array_get(sc->list, sc->index));
		struct puq_error err;
		puq_error_clear(&err);
		int rc = puq_pve_req_snapshot_delete(&s->out->req, s->vm->node, s->vm->vmid, name, &err);
		if (rc < 0)
			return vm_build_failed(s, rc, &err);
		sc->phase = AD_SNAP_DELETED;
		vm_send(s, true, s->env->heavy_timeout_ms);
		return 0;
	}
	/* every snapshot is gone: drop the disk and purge its volume */
	struct puq_error err;
	puq_error_clear(&err);
	int rc = config_put_start(s);
	if (rc == 0)
		rc = puq_pve_config_delete(&s->out->req, sc->text, &err);
	if (rc < 0)
		return vm_build_failed(s, rc, &err);
	puq_pve_req_bool(&s->out->req, "force", true);
	sc->phase = AD_DELETED;
	vm_send(s, false, 0);
	return 0;
}

int puq_vm_step_add_disk(struct puq_vm_step *s)
{
	const struct puq_vm *vm = s->vm;
	const struct puq_vm_disk_spec *want = &vm->product.add;
	struct puq_vm_scratch *sc = s->sc;
	enum puq_vm_state next = vm_following(vm->state);
	bool change = puq_vm_state_in_change_package(vm->state);
	int rc = vm_need_config(s);
	if (rc < 0 || rc == VM_CFG_SENT)
		return rc < 0 ? rc : 0;
	if (rc == VM_CFG_NOW) {
		struct puq_pve_disk sys, add;
		if (vm_system_disk(s, &sys) < 0)
			return 0;
		bool have = vm_additional_disk(s, &sys, &add);
		if (want->size_gb == 0) {
			if (!have) {
				vm_skip(s, next, "the package has no additional disk");
				return 0;
			}
			if (!change) {
				vm_skip(s, next, "the package has no additional disk; the template's %s is kept",
					add.key);
				return 0;
			}
			/* Additional Disk 0 removes the disk: snapshots first, then key and volume */
			puq_strlcpy(sc->text, add.key, sizeof(sc->text));
			if ((rc = puq_pve_req_snapshots(&s->out->req, vm->node, vm->vmid)) < 0)
				return rc;
			sc->phase = AD_SNAPSHOTS;
			vm_send(s, false, 0);
			return 0;
		}
		if (have) {
			vm_skip(s, next, "exists (%s)", add.key);
			return 0;
		}
		char bus[8], key[PUQ_PVE_KEY_MAX];
		size_t blen = strcspn(sys.key, "0123456789");
		snprintf(bus, sizeof(bus), "%.*s", (int)(blen < 7 ? blen : 7), sys.key);
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_pve_config_free_slot(sc->config, bus, key, &err) < 0) {
			vm_fail(s, err.code, "no free %s slot for the additional disk: %s", bus, err.text);
			return 0;
		}
		const char *storage = want->storage[0] ? want->storage : sys.vol.storage;
		const char *fmt = strcmp(sys.format, "qcow2") == 0 || strcmp(sys.format, "vmdk") == 0
			? sys.format : "raw";
		char value[160];
		snprintf(value, sizeof(value), "%s:%lld,format=%s", storage, want->size_gb, fmt);
		if ((rc = config_put_start(s)) < 0 ||
			(rc = puq_pve_config_put(&s->out->req, key, value, &err)) < 0)
			return vm_build_failed(s, rc, &err);
		snprintf(sc->text, sizeof(sc->text), "created %s: %lld GB on %s (%s)", key,
			want->size_gb, storage, fmt);
		sc->phase = AD_CREATED;
		vm_send(s, false, 0);
		return 0;
	}
	switch (sc->phase) {
	case AD_CREATED:
		if (s->ev->rc < 0)
			vm_fail_event(s, "creating the additional disk");
		else
			vm_next(s, next, "%s", sc->text);
		return 0;
	case AD_SNAPSHOTS: {
		if (s->ev->rc < 0) {
			vm_fail_event(s, "listing the snapshots");
			return 0;
		}
		struct puq_pve_snapshot_list snaps = {0};
		struct puq_error err;
		puq_error_clear(&err);
		if (puq_pve_parse_snapshots(s->ev->data, &snaps, &err) < 0) {
			vm_fail(s, err.code, "listing the snapshots: %s", err.text);
			return 0;
		}
		sc->list = json_array();
		for (size_t i = 0; sc->list && i < snaps.n; i++)
			json_array_append_new(sc->list, json_string(snaps.items[i].name));
		puq_pve_snapshot_list_free(&snaps);
		if (!sc->list)
			return -PUQ_ENOMEM;
		sc->index = 0;
		return delete_next_snapshot(s);
	}
	case AD_SNAP_DELETED:
		if (s->ev->rc < 0 || !s->ev->task.ok) {
			vm_fail_event(s, "deleting a snapshot before removing the additional disk");
			return 0;
		}
		sc->index++;
		return delete_next_snapshot(s);
	case AD_DELETED:
		if (s->ev->rc < 0)
			vm_fail_event(s, "removing the additional disk");
		else
			vm_next(s, next, "additional disk %s deleted with %zu snapshot(s) "
				"(additional_disk_deleted)", sc->text, json_array_size(sc->list));
		return 0;
	}
	vm_fail(s, PUQ_EINTERNAL, "additional disk: unexpected phase %d", sc->phase);
	return 0;
}
