/*
 * The workers table: every cron worker records a heartbeat while it runs, so the server
 * module can tell whether a looping worker will pick a new VM up at once or whether it
 * must start one (DESIGN.md: provisioning calls wake work at once).
 */
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#include "puqkvm/cron.h"

void puq_cron_worker_id(char out[128])
{
	char host[64] = "host";
	unsigned r = 0;
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
		r = (unsigned)rand();
	snprintf(out, 128, "%.64s:%d:%08x", host, (int)getpid(), r);
}

int puq_cron_worker_beat(struct puq_db *db, const char *worker_id, const char *mode,
	struct puq_error *err)
{
	char host[64] = "";
	gethostname(host, sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	return puq_db_exec(db, err,
		"INSERT INTO puq_proxmox_kvm_workers (worker_id, host, pid, mode, started_at,"
		" heartbeat_at) VALUES (?, ?, ?, ?, NOW(), NOW())"
		" ON DUPLICATE KEY UPDATE heartbeat_at = NOW(), mode = VALUES(mode)",
		PUQ_ARGS(PUQ_TEXT(worker_id), PUQ_TEXT(host), PUQ_INT(getpid()), PUQ_TEXT(mode)), NULL);
}

int puq_cron_worker_gone(struct puq_db *db, const char *worker_id, struct puq_error *err)
{
	return puq_db_exec(db, err, "DELETE FROM puq_proxmox_kvm_workers WHERE worker_id = ?",
		PUQ_ARGS(PUQ_TEXT(worker_id)), NULL);
}

int puq_cron_workers_alive(struct puq_db *db, int within_s, long long *count,
	struct puq_error *err)
{
	struct puq_db_rows *r = NULL;
	*count = 0;
	int rc = puq_db_query(db, err,
		"SELECT COUNT(*) FROM puq_proxmox_kvm_workers WHERE mode = 'loop'"
		" AND heartbeat_at >= NOW() - INTERVAL ? SECOND",
		PUQ_ARGS(PUQ_INT(within_s)), &r);
	if (rc == 0)
		*count = puq_db_cell_int(r, 0, 0, 0);
	puq_db_rows_free(r);
	return rc;
}
