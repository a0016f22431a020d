/*
 * Performing Proxmox VE requests through the http engine: URL, credentials, timeouts,
 * TLS trust, failover between API addresses, ticket login, task polling.
 *
 * Credentials only ever travel in secret headers (masked in every log by the engine);
 * the TLS trust comes from the connection, so a pinned fingerprint is checked in the
 * handshake before the Authorization header is sent. Failover moves to the next
 * address only when an address gave no answer at all (or pveproxy answered 595/596,
 * meaning it could not reach the node): an HTTP answer from Proxmox is final, and a
 * request that may have executed is not repeated on another address unless no answer
 * arrived - Proxmox's task-starting calls are made idempotent by the caller (the
 * pipelines look the result up by VMID), not here.
 */
#include <string.h>
#include <time.h>

#include "puqkvm/pve_conn.h"

int puq_pve_http_request(const struct puq_pve_conn *c, const struct puq_pve_req *r,
	struct puq_http_request **out, struct puq_error *err)
{
	struct puq_buf url = PUQ_BUF_INIT;
	struct puq_http_request *h = NULL;
	int rc;
	*out = NULL;

	if ((rc = puq_pve_req_check(r, err)))
		return rc;
	if (!c->nhosts)
		return puq_error_set(err, PUQ_EINVAL, "no Proxmox VE address configured");
	puq_pve_conn_base_url(c, &url);
	puq_buf_puts(&url, puq_buf_cstr(&r->path));
	if (r->query.len) {
		puq_buf_putc(&url, '?');
		puq_buf_puts(&url, puq_buf_cstr(&r->query));
	}
	if (puq_buf_failed(&url) || !(h = puq_http_request_new(r->method, puq_buf_cstr(&url)))) {
		puq_buf_free(&url);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	puq_buf_free(&url);

	bool write = strcmp(r->method, "GET") != 0;
	rc = 0;
	if (c->auth == PUQ_PVE_AUTH_TICKET && c->ticket) {
		struct puq_buf cookie = PUQ_BUF_INIT;
		puq_buf_printf(&cookie, "PVEAuthCookie=%s", c->ticket);
		rc = puq_buf_failed(&cookie) ? -PUQ_ENOMEM
									  : puq_http_request_secret_header(h, "Cookie",
											puq_buf_cstr(&cookie));
		if (cookie.data)
			memset(cookie.data, 0, cookie.cap);
		puq_buf_free(&cookie);
		if (rc == 0 && write && c->csrf)
			rc = puq_http_request_secret_header(h, "CSRFPreventionToken", c->csrf);
	} else if (c->auth == PUQ_PVE_AUTH_TOKEN && c->user && c->secret) {
		struct puq_buf auth = PUQ_BUF_INIT;
		puq_buf_printf(&auth, "PVEAPIToken=%s=%s", c->user, c->secret);
		rc = puq_buf_failed(&auth) ? -PUQ_ENOMEM
									: puq_http_request_secret_header(h, "Authorization",
										  puq_buf_cstr(&auth));
		if (auth.data)
			memset(auth.data, 0, auth.cap);
		puq_buf_free(&auth);
	}
	if (rc == 0)
		rc = puq_http_request_header(h, "Accept", "application/json");
	if (rc == 0 && r->intent[0])
		rc = puq_http_request_header(h, "X-PuqKvm-Intent", r->intent);
	/* POST/PUT always carry a (possibly empty) form; GET/DELETE never a body (501) */
	bool has_body = strcmp(r->method, "POST") == 0 || strcmp(r->method, "PUT") == 0;
	if (rc == 0 && has_body)
		rc = puq_http_request_body(h, "application/x-www-form-urlencoded",
			puq_buf_cstr(&r->form), r->form.len);
	if (rc) {
		puq_http_request_free(h);
		return puq_error_set(err, -rc, "cannot build the Proxmox VE request (header or body)");
	}
	h->timeout_ms = r->timeout == PUQ_PVE_TIMEOUT_HEAVY ? c->heavy_timeout_ms : c->timeout_ms;
	h->connect_timeout_ms = c->connect_timeout_ms;
	h->tls = &c->tls;
	h->once = r->intent[0] != '\0';
	*out = h;
	return 0;
}

int puq_pve_http_result(const struct puq_pve_conn *c, const struct puq_http_response *resp,
	json_t **data, struct puq_error *err)
{
	int rc;
	*data = NULL;
	if (resp->error || resp->status == 0) {
		const struct puq_pve_host *h = &c->hosts[c->current % (c->nhosts ? c->nhosts : 1)];
		int code = resp->error ? resp->error : PUQ_EHTTP;
		rc = puq_error_set(err, code, "Proxmox VE at %s:%u did not answer: %s", h->name,
			h->port, resp->error_text[0] ? resp->error_text : puq_error_message(code));
	} else {
		rc = puq_pve_result(resp->status, resp->reason, resp->body, resp->body_len, data, err);
	}
	if (rc)
		puq_pve_conn_scrub(c, err);
	return rc;
}

int puq_pve_login(struct puq_http_engine *e, struct puq_pve_conn *c, struct puq_error *err)
{
	struct puq_pve_req r;
	struct puq_pve_ticket t;
	json_t *data = NULL;
	enum puq_pve_auth saved = c->auth;

	puq_pve_req_ticket(&r, c->user, c->secret);
	/* the login itself carries no credentials header */
	c->auth = PUQ_PVE_AUTH_TICKET;
	char *old = c->ticket;
	c->ticket = NULL;
	int rc = puq_pve_call(e, c, &r, &data, err);
	c->ticket = old;
	c->auth = saved;
	puq_pve_req_free(&r);
	if (rc == 0)
		rc = puq_pve_parse_ticket(data, &t, err);
	json_decref(data);
	if (rc)
		return rc;
	PUQ_FREE(c->ticket);
	PUQ_FREE(c->csrf);
	c->ticket = puq_strdup(t.ticket);
	c->csrf = puq_strdup(t.csrf);
	memset(&t, 0, sizeof(t));
	if (!c->ticket || !c->csrf)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	return 0;
}

int puq_pve_call(struct puq_http_engine *e, struct puq_pve_conn *c,
	const struct puq_pve_req *r, json_t **data, struct puq_error *err)
{
	*data = NULL;
	bool login = strcmp(puq_buf_cstr(&r->path), "/access/ticket") == 0;
	bool relogged = false;
	if (c->auth == PUQ_PVE_AUTH_TICKET && !c->ticket && !login) {
		int rc = puq_pve_login(e, c, err);
		if (rc)
			return rc;
		relogged = true;
	}
	for (size_t tried = 1;; tried++) {
		struct puq_http_request *h;
		struct puq_http_response *resp = NULL;
		int rc = puq_pve_http_request(c, r, &h, err);
		if (rc)
			return rc;
		rc = puq_http_perform(e, h, &resp, err);
		if (rc) {
			puq_pve_conn_scrub(c, err);
			return rc;
		}
		long status = resp->error ? 0 : resp->status;
		if (puq_pve_conn_failover(c, status, tried)) {
			puq_http_response_free(resp);
			continue;
		}
		rc = puq_pve_http_result(c, resp, data, err);
		puq_http_response_free(resp);
		/* a ticket lives 2 h: an expired one is renewed once by logging in again */
		if (rc == -PUQ_EAUTH && c->auth == PUQ_PVE_AUTH_TICKET && !login && !relogged) {
			relogged = true;
			if ((rc = puq_pve_login(e, c, err)) == 0) {
				tried = 0;
				continue;
			}
		}
		return rc;
	}
}

int puq_pve_wait_task(struct puq_http_engine *e, struct puq_pve_conn *c, const char *upid,
	long timeout_ms, long poll_ms, struct puq_pve_task *task, struct puq_error *err)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct puq_pve_req r;
		json_t *data = NULL;
		int rc = puq_pve_req_task_status(&r, upid, err);
		if (rc == 0)
			rc = puq_pve_call(e, c, &r, &data, err);
		puq_pve_req_free(&r);
		if (rc == 0)
			rc = puq_pve_parse_task(data, task, err);
		json_decref(data);
		if (rc || !task->running)
			return rc;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (elapsed >= timeout_ms)
			return puq_error_set(err, PUQ_ETIMEOUT, "Proxmox VE task still running after %ld ms",
				elapsed);
		struct timespec pause = {poll_ms / 1000, (poll_ms % 1000) * 1000000};
		nanosleep(&pause, NULL);
	}
}
