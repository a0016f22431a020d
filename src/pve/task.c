/*
 * Proxmox VE tasks: UPID parsing, the answer of task-starting calls, task status and
 * the task log.
 *
 * Most writes answer at once with a UPID and do the work in a forked worker; errors
 * after the fork (a VM that does not exist for start/stop/resize, a disk shrink, a
 * failed clone) show only in the task's exitstatus. So "OK" (or "WARNINGS: n") is the
 * only success, and a task-starting answer that is not a UPID is an error: vzdump on a
 * node that does not hold the VM answers the plain string "OK" and backs up nothing.
 *
 * UPID:<node>:<pid %08X>:<pstart %08X or 9 digits>:<starttime %08X>:<type>:<id>:<user>:
 * (pve-common Tools.pm upid_encode / UPID.pm). A clone's id is the source VMID.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "puqkvm/pve.h"

/* Copies the field ending at the next ':' into dst; returns the position after ':'. */
static const char *field(const char *p, char *dst, size_t size, size_t *len)
{
	const char *end = strchr(p, ':');
	if (!end)
		return NULL;
	*len = (size_t)(end - p);
	if (dst) {
		if (*len >= size)
			return NULL;
		memcpy(dst, p, *len);
		dst[*len] = '\0';
	}
	return end + 1;
}

static bool hex_field(const char *s, size_t len, size_t min, size_t max,
	unsigned long long *out)
{
	if (len < min || len > max)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	*out = strtoull(s, NULL, 16);
	return true;
}

static bool plain(const char *s, bool allow_empty)
{
	if (!*s)
		return allow_empty;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || *s == '/' || *s == ':')
			return false;
	return true;
}

int puq_pve_upid_parse(const char *upid, struct puq_pve_upid *out, struct puq_error *err)
{
	char hex[3][16];
	size_t len;
	unsigned long long v[3];
	const char *p = upid;
	memset(out, 0, sizeof(*out));

	if (!upid || strncmp(upid, "UPID:", 5) != 0)
		goto bad;
	p += 5;
	if (!(p = field(p, out->node, sizeof(out->node), &len)) || !len)
		goto bad;
	for (size_t i = 0; i < len; i++) {
		char c = out->node[i];
		if (!isalnum((unsigned char)c) && !(c == '-' && i && i + 1 < len))
			goto bad;
	}
	for (int i = 0; i < 3; i++) {
		if (!(p = field(p, hex[i], sizeof(hex[i]), &len)) ||
			!hex_field(hex[i], len, 8, i == 1 ? 9 : 8, &v[i]))
			goto bad;
	}
	out->pid = (unsigned long)v[0];
	out->pstart = v[1];
	out->starttime = (long long)v[2];
	if (!(p = field(p, out->type, sizeof(out->type), &len)) || !plain(out->type, false))
		goto bad;
	if (!(p = field(p, out->id, sizeof(out->id), &len)) || !plain(out->id, true))
		goto bad;
	if (!(p = field(p, out->user, sizeof(out->user), &len)) || !plain(out->user, false))
		goto bad;
	if (*p != '\0')
		goto bad;
	return 0;
bad:
	return puq_error_set(err, PUQ_EPROTO, "not a Proxmox VE task id (UPID): '%.120s'",
		upid ? upid : "(null)");
}

int puq_pve_parse_upid_answer(const json_t *data, char upid[PUQ_PVE_UPID_MAX],
	struct puq_error *err)
{
	struct puq_pve_upid u;
	const char *s = json_string_value(data);
	upid[0] = '\0';
	if (!s)
		return puq_error_set(err, PUQ_EPROTO,
			"Proxmox VE started no task (answer was %s, not a UPID)",
			json_is_null(data) ? "null" : "not a string");
	if (strcmp(s, "OK") == 0)
		return puq_error_set(err, PUQ_EPVE,
			"Proxmox VE answered \"OK\" instead of a task: the VM is not on the node the "
			"request was sent to (resolve its node from /cluster/resources)");
	struct puq_error perr;
	puq_error_clear(&perr);
	if (puq_pve_upid_parse(s, &u, &perr))
		return puq_error_set(err, PUQ_EPROTO, "%s", perr.text);
	/* a cut UPID would name no task: polling it could never succeed */
	if (strlen(s) >= PUQ_PVE_UPID_MAX)
		return puq_error_set(err, PUQ_EPROTO,
			"Proxmox VE task id is longer than %d characters: '%.120s...'",
			PUQ_PVE_UPID_MAX - 1, s);
	puq_strlcpy(upid, s, PUQ_PVE_UPID_MAX);
	return 0;
}

int puq_pve_parse_task(const json_t *data, struct puq_pve_task *task, struct puq_error *err)
{
	memset(task, 0, sizeof(*task));
	const char *status = puq_pve_get_str(data, "status");
	if (!status)
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE task status without 'status'");
	if (strcmp(status, "running") == 0) {
		task->running = true;
		return 0;
	}
	const char *exit = puq_pve_get_str(data, "exitstatus");
	puq_strlcpy(task->exitstatus, exit ? exit : "unexpected status",
		sizeof(task->exitstatus));
	/* pve-common upid_status_is_error: only OK and WARNINGS count as success */
	task->ok = exit && (strcmp(exit, "OK") == 0 || strncmp(exit, "WARNINGS", 8) == 0);
	return 0;
}

int puq_pve_task_error(const struct puq_pve_task *task, const char *what,
	struct puq_error *err)
{
	if (task->running || task->ok)
		return 0;
	return puq_error_set(err, PUQ_EPVETASK, "Proxmox VE task %s failed: %s",
		what ? what : "", task->exitstatus);
}

int puq_pve_parse_task_log(const json_t *data, struct puq_buf *buf, struct puq_error *err)
{
	size_t i;
	json_t *line;
	if (!json_is_array(data))
		return puq_error_set(err, PUQ_EPROTO, "Proxmox VE task log is not a list");
	json_array_foreach(data, i, line)
	{
		const char *t = puq_pve_get_str(line, "t");
		if (!t)
			continue;
		if (buf->len)
			puq_buf_putc(buf, '\n');
		puq_buf_puts(buf, t);
	}
	return puq_buf_failed(buf) ? puq_error_set(err, PUQ_ENOMEM, NULL) : 0;
}
