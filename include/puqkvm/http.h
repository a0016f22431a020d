/*
 * http: the one place in the core that performs network I/O.
 *
 * Protocol code (Proxmox, PowerDNS, Cloudflare, HestiaCP) never talks to the network: it
 * builds struct puq_http_request values and interprets struct puq_http_response values.
 * An engine performs them. The real engine runs libcurl's multi interface (many
 * transfers at once in one thread, connections reused, a cap on concurrent connections
 * per host, curl_multi_poll, CURLOPT_NOSIGNAL); the fixture engine answers from recorded
 * responses, so drivers are unit-tested without a network.
 *
 * TLS is always verified. A self-signed server is trusted through a CA file or a pinned
 * SHA-256 fingerprint of its certificate, checked inside the handshake, before any
 * request byte (and so any credential) is sent.
 *
 * Ownership: an engine takes ownership of a submitted request; the completion callback
 * borrows the request and the response, which the engine frees when it returns (steal
 * the body with puq_http_response_steal_body to keep it).
 */
#ifndef PUQKVM_HTTP_H
#define PUQKVM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/error.h"

/* How to trust the server's certificate; borrowed by requests, must outlive them. */
struct puq_http_tls {
	const char *ca_file;    /* PEM bundle to verify against, NULL = system store */
	const char *pin_sha256; /* certificate SHA-256 as Proxmox shows it ("AB:CD:..." or
	                           plain hex); when set, a certificate with this fingerprint
	                           is accepted whatever its chain, any other is refused */
	bool skip_hostname;     /* with a pin: the name need not match (IP-addressed nodes) */
};

struct puq_http_header {
	char *name;
	char *value;
	bool secret; /* never logged or included in an error text */
};

struct puq_http_request {
	char method[8];
	char *url;
	struct puq_http_header *headers;
	size_t nheaders;
	char *body;
	size_t body_len;
	long timeout_ms;         /* whole transfer; 0 = engine default */
	long connect_timeout_ms; /* 0 = engine default */
	const struct puq_http_tls *tls; /* NULL = verify against the system store */
	const char *host_key;    /* groups requests for the per-host cap; NULL = URL's host */
	void *tag;               /* free for the caller (a driver's step, a VM) */
};

struct puq_http_response {
	long status;        /* HTTP status; 0 when no response arrived (see error) */
	char *body;         /* NUL-terminated, may contain NULs (use body_len) */
	size_t body_len;
	char *content_type; /* NULL if absent */
	char *reason;       /* reason phrase of the status line (Proxmox puts its error there) */
	double seconds;     /* total time */
	int error;          /* 0, or PUQ_ETIMEOUT / PUQ_EHTTP / PUQ_ETLS for transport failures */
	char error_text[256];
};

/* ---- requests ------------------------------------------------------------------------ */

/* New request, NULL on out-of-memory. Free with puq_http_request_free unless submitted. */
struct puq_http_request *puq_http_request_new(const char *method, const char *url);
void puq_http_request_free(struct puq_http_request *r);
/* Adds a header (copied). Secret headers (tokens, keys) are masked in every log and error. */
int puq_http_request_header(struct puq_http_request *r, const char *name, const char *value);
int puq_http_request_secret_header(struct puq_http_request *r, const char *name,
	const char *value);
/* Sets the body (copied) and its Content-Type header. */
int puq_http_request_body(struct puq_http_request *r, const char *content_type,
	const void *body, size_t len);
/* Sets a compact JSON body (application/json). Does not steal json. */
int puq_http_request_json(struct puq_http_request *r, const json_t *json);
/* The request line and headers as text, secrets replaced by "***" (for logs). */
char *puq_http_request_describe(const struct puq_http_request *r);

void puq_http_response_free(struct puq_http_response *resp);
/* Takes the body out of resp (caller frees with PUQ_FREE); resp keeps an empty body. */
char *puq_http_response_steal_body(struct puq_http_response *resp, size_t *len);
/* Parses the body as JSON; NULL with PUQ_EPROTO in err if it is not. New reference. */
json_t *puq_http_response_json(const struct puq_http_response *resp, struct puq_error *err);

/* ---- JSON helpers (lenient where providers are: numbers may arrive as strings) --------- */

/* Integer member as a number or a numeric string; false if absent or not numeric. */
bool puq_json_int(const json_t *obj, const char *key, long long *out);
/* Number member (number or numeric string). */
bool puq_json_number(const json_t *obj, const char *key, double *out);
/* String member, or NULL; borrowed from obj. */
const char *puq_json_str(const json_t *obj, const char *key);
/* Boolean member: true/false, 1/0, "1"/"0"; false if absent. */
bool puq_json_bool(const json_t *obj, const char *key, bool dflt);

/* ---- engines ------------------------------------------------------------------------- */

typedef void (*puq_http_done_fn)(void *ctx, struct puq_http_request *req,
	struct puq_http_response *resp);

struct puq_http_options {
	long default_timeout_ms;   /* 0 = 10000 */
	long connect_timeout_ms;   /* 0 = 5000 */
	unsigned max_per_host;     /* concurrent connections per host, 0 = 8 */
	unsigned max_total;        /* concurrent connections overall, 0 = 256 */
};

struct puq_http_engine;

/* The libcurl multi engine. */
struct puq_http_engine *puq_http_engine_new(const struct puq_http_options *opt,
	struct puq_error *err);
void puq_http_engine_free(struct puq_http_engine *e);

/*
 * Queues req (ownership passes to the engine, also on failure). done is called from
 * puq_http_run once the transfer finished or failed; it may submit further requests.
 */
int puq_http_submit(struct puq_http_engine *e, struct puq_http_request *req,
	puq_http_done_fn done, void *ctx);
/*
 * Drives transfers, waiting at most wait_ms for activity, and calls the callbacks of
 * every transfer that finished. Returns the number of requests still in flight or queued.
 */
long puq_http_run(struct puq_http_engine *e, long wait_ms);
/* Requests in flight or queued. */
size_t puq_http_pending(const struct puq_http_engine *e);

/*
 * Convenience for one blocking request (admin pages, tests): submits req, runs the
 * engine until it completes and hands the response to the caller (*out, free with
 * puq_http_response_free). Transport failures still return 0 with resp->error set.
 */
int puq_http_perform(struct puq_http_engine *e, struct puq_http_request *req,
	struct puq_http_response **out, struct puq_error *err);

/* ---- fixtures (tests) ---------------------------------------------------------------- */

struct puq_http_fixture;

/*
 * An engine answering from recorded responses. A response is matched by method and by
 * the URL (exact, or ending with the given path+query); each match is used once, in the
 * order added. An unmatched request gets status 0 with error PUQ_EHTTP and is recorded.
 */
struct puq_http_fixture *puq_http_fixture_new(void);
void puq_http_fixture_free(struct puq_http_fixture *fx);
struct puq_http_engine *puq_http_fixture_engine(struct puq_http_fixture *fx);
int puq_http_fixture_add(struct puq_http_fixture *fx, const char *method, const char *url,
	long status, const char *content_type, const char *body);
/* Like puq_http_fixture_add with the body read from a file (tests/fixtures/...). */
int puq_http_fixture_add_file(struct puq_http_fixture *fx, const char *method,
	const char *url, long status, const char *content_type, const char *path);
/* Requests received so far, in order (borrowed). */
size_t puq_http_fixture_count(const struct puq_http_fixture *fx);
const struct puq_http_request *puq_http_fixture_request(const struct puq_http_fixture *fx,
	size_t i);
/* Responses added but never used. */
size_t puq_http_fixture_unused(const struct puq_http_fixture *fx);

#endif
