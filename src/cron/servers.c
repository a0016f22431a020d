/*
 * The Proxmox connections of a processVirtualMachines run, one per WHMCS server entry,
 * made on first use and kept for the run.
 *
 * The server's password (the API token secret) is stored encrypted by WHMCS; the
 * caller's decrypt hook turns it into the secret, which lives only in the connection and
 * is wiped with it. A server that cannot be used (deleted, malformed, undecryptable) is
 * remembered with the reason, and every VM on it fails its steps with that reason.
 */
#include <stdio.h>

#include "engine.h"

static void unusable(struct cron_server *s, int code, const char *fmt, const char *detail)
{
	char d[400];
	s->ok = false;
	s->why_code = code;
	puq_strlcpy(d, detail ? detail : "", sizeof(d));
	snprintf(s->why, sizeof(s->why), fmt, d);
}

static void open_server(struct cron_engine *e, struct cron_server *s)
{
	struct puq_db_rows *r = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_db_query(e->db, &err,
			"SELECT hostname, ipaddress, port, username, password, accesshash, secure"
			" FROM tblservers WHERE id = ?",
			PUQ_ARGS(PUQ_INT(s->id)), &r) < 0) {
		unusable(s, err.code, "reading the server entry: %s", err.text);
		return;
	}
	if (r->nrows == 0) {
		puq_db_rows_free(r);
		unusable(s, PUQ_ENOTFOUND, "the WHMCS server entry of this service no longer exists%s",
			"");
		return;
	}
	char secret[1024] = "";
	const char *cipher = puq_db_cell(r, 0, 4);
	if (cipher && *cipher) {
		if (!e->hooks || !e->hooks->decrypt) {
			unusable(s, PUQ_EINVAL, "cannot decrypt the server's password here%s", "");
		} else if (e->hooks->decrypt(e->hooks->ctx, cipher, secret, sizeof(secret), &err) < 0) {
			unusable(s, err.code ? err.code : PUQ_EINVAL, "cannot decrypt the server's password: %s",
				err.text);
		}
	}
	if (s->why[0]) {
		puq_db_rows_free(r);
		memset(secret, 0, sizeof(secret));
		return;
	}
	const char *secure = puq_db_cell(r, 0, 6);
	struct puq_pve_server srv = {.hostname = puq_db_cell(r, 0, 0), .ip = puq_db_cell(r, 0, 1),
		.port = puq_db_cell(r, 0, 2), .username = puq_db_cell(r, 0, 3), .password = secret,
		.accesshash = puq_db_cell(r, 0, 5), .secure = !secure || strcmp(secure, "on") == 0};
	puq_pve_conn_init(&s->conn);
	int rc = puq_pve_conn_from_server(&s->conn, &srv, &err);
	memset(secret, 0, sizeof(secret));
	puq_db_rows_free(r);
	if (rc < 0) {
		const char *detail = err.nfields ? err.fields[0].message : err.text;
		unusable(s, err.code, "the server entry is not usable: %s", detail);
		return;
	}
	s->conn.timeout_ms = e->default_timeout_ms;
	s->conn.heavy_timeout_ms = e->heavy_timeout_ms;
	if (s->conn.auth == PUQ_PVE_AUTH_TICKET && puq_pve_login(e->http, &s->conn, &err) < 0) {
		unusable(s, err.code, "logging in to Proxmox VE: %s", err.text);
		return;
	}
	s->ok = true;
}

struct cron_server *cron_server(struct cron_engine *e, long long server_id)
{
	for (size_t i = 0; i < e->nservers; i++)
		if (e->servers[i].id == server_id)
			return &e->servers[i];
	if (e->nservers == e->capservers) {
		/* servers are referenced by VMs: never move them, so grow by a fixed block */
		if (e->capservers)
			return NULL;
		e->capservers = 256;
		e->servers = PUQ_CALLOC(e->capservers, sizeof(*e->servers));
		if (!e->servers) {
			e->capservers = 0;
			return NULL;
		}
	}
	struct cron_server *s = &e->servers[e->nservers++];
	memset(s, 0, sizeof(*s));
	s->id = server_id;
	puq_pve_conn_init(&s->conn);
	if (server_id <= 0)
		unusable(s, PUQ_EINVAL, "the service has no server: assign a Proxmox server%s", "");
	else
		open_server(e, s);
	return s;
}

void cron_servers_free(struct cron_engine *e)
{
	for (size_t i = 0; i < e->nservers; i++)
		puq_pve_conn_free(&e->servers[i].conn);
	PUQ_FREE(e->servers);
	e->servers = NULL;
	e->nservers = e->capservers = 0;
}
