/*
 * pve_conn: how to reach one Proxmox VE cluster, and what the API token may do.
 *
 * A connection holds one or more API addresses of the cluster (any node answers for the
 * whole cluster), the TLS trust (a CA file or the certificate's SHA-256 fingerprint as
 * Proxmox shows it), the credentials (an API token, or user + password for ticket auth)
 * and the two timeouts of Settings -> General. Requests go to the current address; a
 * transport failure (no answer, TLS refused, 595/596 from pveproxy) moves to the next
 * one, so a cluster stays reachable while one node is down.
 *
 * The WHMCS server entry maps onto it (puq_pve_conn_from_server): hostname and ip give
 * the first addresses, port (default 8006), username is the token id
 * "user@realm!tokenid", password the token secret. The Access Hash carries the optional
 * settings, one "key=value" per line (or separated by ';'):
 *     fingerprint=AB:CD:...:EF    pin the certificate's SHA-256 (Proxmox's format)
 *     ca_file=/etc/pve-root-ca.pem trust this CA bundle
 *     hosts=10.0.0.12,10.0.0.13    extra API addresses (host or host:port)
 *     verify_hostname=1           with a pin: also check the certificate's host name
 *                                 (by default the pin alone identifies the server)
 *     auth=ticket                 username is user@realm, password its password
 *
 * Ownership: the connection owns copies of every string; free with puq_pve_conn_free.
 * Secrets are never written into an error text.
 */
#ifndef PUQKVM_PVE_CONN_H
#define PUQKVM_PVE_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/error.h"
#include "puqkvm/http.h"
#include "puqkvm/pve.h"

enum puq_pve_auth {
	PUQ_PVE_AUTH_TOKEN,  /* Authorization: PVEAPIToken=user@realm!id=secret */
	PUQ_PVE_AUTH_TICKET, /* POST /access/ticket, then cookie + CSRF header on writes */
};

struct puq_pve_host {
	char name[256]; /* host name or address (IPv6 without brackets) */
	unsigned port;
};

struct puq_pve_conn {
	struct puq_pve_host hosts[PUQ_PVE_HOSTS_MAX];
	size_t nhosts;
	size_t current;        /* index of the address in use */
	enum puq_pve_auth auth;
	char *user;            /* token id (user@realm!tokenid) or user@realm */
	char *secret;          /* token secret or password */
	char *ticket, *csrf;   /* ticket auth, after login */
	char *ca_file;
	char *pin_sha256;      /* "AB:CD:..." upper case, or NULL */
	int verify_hostname;   /* -1 default, 0 or 1 as set in the Access Hash */
	struct puq_http_tls tls; /* points into ca_file / pin_sha256, for the engine */
	long timeout_ms;       /* Default Timeout */
	long heavy_timeout_ms; /* Heavy Operations Timeout */
	long connect_timeout_ms;
};

/* The fields of a WHMCS server entry, borrowed. */
struct puq_pve_server {
	const char *hostname, *ip, *port, *username, *password, *accesshash;
	bool secure;
};

void puq_pve_conn_init(struct puq_pve_conn *c);
void puq_pve_conn_free(struct puq_pve_conn *c);

/*
 * Fills c from a server entry, validating every field at once (field names: hostname,
 * port, username, password, accesshash). Timeouts start at 10 s / 60 s.
 */
int puq_pve_conn_from_server(struct puq_pve_conn *c, const struct puq_pve_server *s,
	struct puq_error *err);
/* Adds an API address ("host", "host:port", "[v6]:port"); PUQ_EINVAL when malformed. */
int puq_pve_conn_add_host(struct puq_pve_conn *c, const char *hostport, unsigned dflt_port,
	struct puq_error *err);
/* "AB:CD:..." or plain hex, 32 bytes; normalised to upper-case colon form in out[96]. */
int puq_pve_fingerprint_normalize(const char *in, char out[96], struct puq_error *err);

/* The base URL of the current address: "https://host:port/api2/json". */
int puq_pve_conn_base_url(const struct puq_pve_conn *c, struct puq_buf *out);
/*
 * After a transport failure on the current address (status 0, or 595/596): moves to the
 * next address and returns true while untried addresses remain for this call
 * (tried = how many addresses this call has used so far, starting at 1).
 */
bool puq_pve_conn_failover(struct puq_pve_conn *c, long status, size_t tried);
/* Replaces every occurrence of the secret, ticket and CSRF token in err->text by "***". */
void puq_pve_conn_scrub(const struct puq_pve_conn *c, struct puq_error *err);

/* ---- performing requests (through the http engine) ------------------------------------ */

/*
 * The http request for r on the current address: URL, credentials (token header, or
 * ticket cookie plus CSRF header on writes, as secret headers), form body, timeout
 * (Default or Heavy), TLS trust. The caller submits it (ownership passes) or frees it.
 */
int puq_pve_http_request(const struct puq_pve_conn *c, const struct puq_pve_req *r,
	struct puq_http_request **out, struct puq_error *err);
/*
 * Interprets an engine response for c: transport failures (no answer, timeout, TLS
 * refused) become PUQ_EHTTP / PUQ_ETIMEOUT / PUQ_ETLS naming the address, answers go
 * through puq_pve_result; secrets are scrubbed from the text.
 */
int puq_pve_http_result(const struct puq_pve_conn *c, const struct puq_http_response *resp,
	json_t **data, struct puq_error *err);
/*
 * One blocking call (admin pages, the connection test, the smoke test): logs in first
 * when c uses ticket auth and holds no ticket, performs r, fails over to the next API
 * address when one does not answer, and interprets the answer. *data is a new reference
 * on success.
 */
int puq_pve_call(struct puq_http_engine *e, struct puq_pve_conn *c,
	const struct puq_pve_req *r, json_t **data, struct puq_error *err);
/* Ticket login (POST /access/ticket); stores ticket and CSRF token in c. */
int puq_pve_login(struct puq_http_engine *e, struct puq_pve_conn *c, struct puq_error *err);
/*
 * Polls a task every poll_ms until it stops or timeout_ms passes (PUQ_ETIMEOUT). Blocks
 * the caller: for the smoke test and tools, never inside a WHMCS request (the pipelines
 * poll through the engine). A failed task is not an error here: read task->ok.
 */
int puq_pve_wait_task(struct puq_http_engine *e, struct puq_pve_conn *c, const char *upid,
	long timeout_ms, long poll_ms, struct puq_pve_task *task, struct puq_error *err);

/* ---- privileges ----------------------------------------------------------------------- */

/* One thing the module does and what the token needs for it. */
struct puq_pve_need {
	const char *what;  /* "clone VMs from templates" */
	const char *path;  /* ACL path checked, e.g. "/vms" */
	const char *privs; /* privileges, all needed: "VM.Clone,VM.Allocate" */
};
/* The module's operations (research/apis.md 1.7); NULL-terminated. */
const struct puq_pve_need *puq_pve_needs(void);

/* A privilege the token is missing, and what breaks without it. */
struct puq_pve_missing {
	char priv[40];
	char path[64];
	char what[96];
};
/*
 * Compares GET /access/permissions (object: ACL path -> {privilege: 1}) with
 * puq_pve_needs(). A privilege granted on a parent path counts (propagation is resolved
 * by Proxmox in that answer; "/" covers everything). Writes up to max entries and
 * returns how many are missing in total.
 */
size_t puq_pve_check_privileges(const json_t *permissions, struct puq_pve_missing *out,
	size_t max);

#endif
