/*
 * The names of job kinds and phases (the X-macro tables of job.h), the two listings
 * every kind reads (a VM's backups in a storage and a VM's snapshots, oldest first), and
 * the checks and formats of the texts clients see and type.
 */
#include <stdio.h>
#include <string.h>

#include "puqkvm/job.h"

static const struct {
	const char *name, *label;
} kinds[] = {
#define PUQ_XX_JK(id, name, label) {name, label},
	PUQ_JOB_KINDS(PUQ_XX_JK)
#undef PUQ_XX_JK
};

static const struct {
	const char *name, *type;
} phases[] = {
#define PUQ_XX_JP(id, name, type) {name, type},
	PUQ_JOB_PHASES(PUQ_XX_JP)
#undef PUQ_XX_JP
};

const char *puq_job_kind_name(enum puq_job_kind k)
{
	return (unsigned)k < PUQ_JOB_KIND__COUNT ? kinds[k].name : "";
}

const char *puq_job_kind_label(enum puq_job_kind k)
{
	return (unsigned)k < PUQ_JOB_KIND__COUNT ? kinds[k].label : "";
}

enum puq_job_kind puq_job_kind_parse(const char *name)
{
	for (size_t i = 1; name && *name && i < PUQ_JOB_KIND__COUNT; i++)
		if (strcmp(kinds[i].name, name) == 0)
			return (enum puq_job_kind)i;
	return PUQ_JOB_NONE;
}

bool puq_job_kind_is_restore(enum puq_job_kind k)
{
	return k == PUQ_JOB_RESTORE;
}

const char *puq_job_phase_name(enum puq_job_phase p)
{
	return (unsigned)p < PUQ_JOB_PHASE__COUNT ? phases[p].name : "";
}

const char *puq_job_phase_task_type(enum puq_job_phase p)
{
	return (unsigned)p < PUQ_JOB_PHASE__COUNT ? phases[p].type : "";
}

enum puq_job_phase puq_job_phase_parse(const char *name)
{
	for (size_t i = 1; name && *name && i < PUQ_JOB_PHASE__COUNT; i++)
		if (strcmp(phases[i].name, name) == 0)
			return (enum puq_job_phase)i;
	return PUQ_JOB_PHASE_NONE;
}

/* ---- listings ---- */

/*
 * Listings hold tens of entries: an insertion sort keeps the comparison's context on
 * the stack (qsort has none, and a static one would race in a threaded PHP).
 */
static bool volume_before(const struct puq_pve_volume *x, const struct puq_pve_volume *y)
{
	if (x->ctime != y->ctime)
		return x->ctime < y->ctime;
	return strcmp(x->volid, y->volid) < 0; /* the same second: by name, which holds the time */
}

size_t puq_job_backups_of(const struct puq_pve_volume_list *l, long long vmid, size_t *idx,
	size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n && n < max; i++) {
		if (l->items[i].vmid != vmid)
			continue;
		size_t k = n++;
		while (k > 0 && volume_before(&l->items[i], &l->items[idx[k - 1]])) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = i;
	}
	return n;
}

static bool snapshot_before(const struct puq_pve_snapshot *x, const struct puq_pve_snapshot *y)
{
	if (x->snaptime != y->snaptime)
		return x->snaptime < y->snaptime;
	return strcmp(x->name, y->name) < 0;
}

size_t puq_job_snapshots_sorted(const struct puq_pve_snapshot_list *l, size_t *idx, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n && n < max; i++) {
		size_t k = n++;
		while (k > 0 && snapshot_before(&l->items[i], &l->items[idx[k - 1]])) {
			idx[k] = idx[k - 1];
			k--;
		}
		idx[k] = i;
	}
	return n;
}

/* ---- texts ---- */

void puq_job_size_text(unsigned long long bytes, char out[24])
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	size_t u = 0;
	while (v >= 1024 && u + 1 < PUQ_ARRAY_LEN(units)) {
		v /= 1024;
		u++;
	}
	if (u == 0 || v >= 100 || v == (double)(long long)v)
		snprintf(out, 24, "%.0f %s", v, units[u]);
	else
		snprintf(out, 24, "%.1f %s", v, units[u]);
}

int puq_job_text_check(const char *in, size_t max, const char *field, char out[PUQ_JOB_ARG_MAX],
	struct puq_error *err)
{
	const unsigned char *s = (const unsigned char *)(in ? in : "");
	size_t len = strlen((const char *)s), chars = 0;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f)
			return puq_error_field(err, field, "may not hold line breaks or control characters");
		if ((s[i] & 0xc0) != 0x80)
			chars++;
	}
	if (chars > max || len >= PUQ_JOB_ARG_MAX)
		return puq_error_field(err, field, "is longer than %zu characters", max);
	memcpy(out, s, len);
	out[len] = '\0';
	return 0;
}
