/*
 * The Proxmox connections of a cron task that works on jobs or statistics: one per
 * WHMCS server entry, opened on first use and kept for the run.
 *
 * The server's password (the API token secret) is stored encrypted by WHMCS; the
 * caller's decrypt hook turns it into the secret, which lives only in the connection
 * and is wiped with it. A server that cannot be used is remembered with the reason, so
 * every VM on it fails with that reason without trying again.
 */
#include <stdio.h>
#include <string.h>

#include "puqkvm/job.h"

struct entry {
	long long id;
	bool ok;
	struct puq_pve_conn conn;
	char why[PUQ_ERROR_TEXT_MAX];
};

struct puq_job_servers {
	struct puq_db *db;
	struct puq_http_engine *http;
	int (*decrypt)(void *ctx, const char *cipher, char *out, size_t out_size,
		struct puq_error *err);
	void *decrypt_ctx;
	long timeout_ms, heavy_timeout_ms;
	struct entry *items;
	size_t n, cap;
};

struct puq_job_servers *puq_job_servers_new(struct puq_db *db, struct puq_http_engine *http,
	int (*decrypt)(void *ctx, const char *cipher, char *out, size_t out_size,
		struct puq_error *err),
	void *decrypt_ctx, long timeout_ms, long heavy_timeout_ms)
{
	struct puq_job_servers *s = PUQ_CALLOC(1, sizeof(*s));
	if (!s)
		return NULL;
	s->db = db;
	s->http = http;
	s->decrypt = decrypt;
	s->decrypt_ctx = decrypt_ctx;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
	s->heavy_timeout_ms = heavy_timeout_ms > 0 ? heavy_timeout_ms : 60000;
	return s;
}

void puq_job_servers_free(struct puq_job_servers *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		puq_pve_conn_free(&s->items[i].conn);
	PUQ_FREE(s->items);
	PUQ_FREE(s);
}

static void open_entry(struct puq_job_servers *s, struct entry *e)
{
	struct puq_db_rows *r = NULL;
	struct puq_error err;
	char secret[1024] = "";
	puq_error_clear(&err);
	if (puq_db_query(s->db, &err,
			"SELECT hostname, ipaddress, port, username, password, accesshash, secure"
			" FROM tblservers WHERE id = ?",
			PUQ_ARGS(PUQ_INT(e->id)), &r) < 0) {
		snprintf(e->why, sizeof(e->why), "reading the server entry: %.400s", err.text);
		return;
	}
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		snprintf(e->why, sizeof(e->why), "the WHMCS server entry %lld no longer exists", e->id);
		return;
	}
	const char *cipher = puq_db_cell(r, 0, 4);
	if (cipher && *cipher) {
		if (!s->decrypt)
			snprintf(e->why, sizeof(e->why), "cannot decrypt the server's password here");
		else if (s->decrypt(s->decrypt_ctx, cipher, secret, sizeof(secret), &err) < 0)
			snprintf(e->why, sizeof(e->why), "cannot decrypt the server's password: %.400s",
				err.text);
	}
	if (!e->why[0]) {
		const char *secure = puq_db_cell(r, 0, 6);
		struct puq_pve_server srv = {.hostname = puq_db_cell(r, 0, 0),
			.ip = puq_db_cell(r, 0, 1), .port = puq_db_cell(r, 0, 2),
			.username = puq_db_cell(r, 0, 3), .password = secret,
			.accesshash = puq_db_cell(r, 0, 5), .secure = !secure || strcmp(secure, "on") == 0};
		puq_error_clear(&err);
		if (puq_pve_conn_from_server(&e->conn, &srv, &err) < 0) {
			snprintf(e->why, sizeof(e->why), "the server entry is not usable: %.400s",
				err.nfields ? err.fields[0].message : err.text);
		} else {
			e->conn.timeout_ms = s->timeout_ms;
			e->conn.heavy_timeout_ms = s->heavy_timeout_ms;
			puq_error_clear(&err);
			if (e->conn.auth == PUQ_PVE_AUTH_TICKET && puq_pve_login(s->http, &e->conn, &err) < 0)
				snprintf(e->why, sizeof(e->why), "logging in to Proxmox VE: %.400s", err.text);
			else
				e->ok = true;
		}
	}
	memset(secret, 0, sizeof(secret));
	puq_db_rows_free(r);
}

struct puq_pve_conn *puq_job_servers_conn(void *ctx, long long server_id, struct puq_error *err)
{
	struct puq_job_servers *s = ctx;
	struct entry *e = NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->items[i].id == server_id)
			e = &s->items[i];
	if (!e) {
		/* entries may move when the array grows: callers use a connection only until
		 * their next call here (one job, one VM's statistics) */
		if (s->n == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 8;
			struct entry *items = PUQ_REALLOC(s->items, cap * sizeof(*items));
			if (!items) {
				puq_error_set(err, PUQ_ENOMEM, NULL);
				return NULL;
			}
			s->items = items;
			s->cap = cap;
		}
		e = &s->items[s->n++];
		memset(e, 0, sizeof(*e));
		e->id = server_id;
		puq_pve_conn_init(&e->conn);
		if (server_id <= 0)
			snprintf(e->why, sizeof(e->why), "the service has no server: assign a Proxmox server");
		else
			open_entry(s, e);
	}
	if (!e->ok) {
		puq_error_set(err, PUQ_EINVAL, "%s", e->why);
		return NULL;
	}
	return &e->conn;
}
