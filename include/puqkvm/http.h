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
 *
 * Process set-up: the real engine needs curl_global_init(CURL_GLOBAL_ALL) once per
 * process before the first engine (the extension's MINIT does it; unit tests do it in
 * their group setup) and curl_global_cleanup at exit.
 */
#ifndef PUQKVM_HTTP_H
#define PUQKVM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "puqkvm/error.h"

/*
 * How to trust the server's certificate; borrowed by requests, must outlive them.
 * Requests with different trust never share a connection or a TLS session, so a
 * connection verified under one pin is never reused by a request carrying another.
 */
struct puq_http_tls {
	const char *ca_file;    /* PEM bundle to verify against, NULL = system store */
	const char *pin_sha256; /* certificate SHA-256 as Proxmox shows it ("AB:CD:..." or
	                           plain hex); when set, a certificate with this fingerprint
	                           is accepted whatever its chain, any other is refused
	                           (ca_file is then not consulted) */
	bool skip_hostname;     /* with a pin: the name need not match (IP-addressed nodes) */
};

#define PUQ_HTTP_SHA256_LEN 32
/* "AB:CD:..." (95 characters) plus the terminator. */
#define PUQ_HTTP_FINGERPRINT_TEXT 96

/*
 * Parses a SHA-256 fingerprint: 64 hex digits, either plain or in pairs separated by
 * ':' (Proxmox's form), any case, surrounding blanks ignored. Returns 0, or -PUQ_EINVAL
 * with a message saying what is wrong (err may be NULL).
 */
int puq_http_fingerprint_parse(const char *text, unsigned char out[PUQ_HTTP_SHA256_LEN],
	struct puq_error *err);
/* Formats a fingerprint as Proxmox shows it: upper-case pairs joined by ':'. */
void puq_http_fingerprint_format(const unsigned char fp[PUQ_HTTP_SHA256_LEN],
	char out[PUQ_HTTP_FINGERPRINT_TEXT]);

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
	const char *host_key;    /* groups requests for the per-host cap; NULL = the URL's
	                            scheme://host:port. Borrowed, must outlive the request */
	void *tag;               /* free for the caller (a driver's step, a VM) */
	bool once;               /* not idempotent (a Proxmox task start): sent on a fresh
	                            connection, because libcurl silently sends a request again
	                            when a reused connection dies before the answer begins */
};

struct puq_http_response {
	long status;        /* HTTP status; 0 when no complete response arrived (see error) */
	char *body;         /* NUL-terminated, may contain NULs (use body_len) */
	size_t body_len;
	char *content_type; /* NULL if absent */
	char *reason;       /* reason phrase of the status line (Proxmox puts its error there) */
	double seconds;     /* total time */
	int error;          /* 0, or PUQ_ETIMEOUT / PUQ_EHTTP / PUQ_ETLS for transport failures */
	char error_text[256]; /* curl's or the engine's words; never a header value */
};

/* The largest body the engine accepts; a longer answer fails with PUQ_EHTTP. */
#define PUQ_HTTP_MAX_BODY (64u * 1024 * 1024)

/* ---- requests ------------------------------------------------------------------------ */

/*
 * New request (method and url copied), NULL on out-of-memory or when the method is not
 * 1-7 upper-case letters. Free with puq_http_request_free unless submitted.
 */
struct puq_http_request *puq_http_request_new(const char *method, const char *url);
void puq_http_request_free(struct puq_http_request *r);
/*
 * Adds a header (copied), replacing one of the same name (case-insensitive). Returns 0,
 * -PUQ_EINVAL when the name or value could split the header (CR, LF, ':' in the name)
 * or -PUQ_ENOMEM. Secret headers (tokens, keys) are masked in every log and error;
 * well-known credential headers (Authorization, Cookie, X-API-Key, X-Auth-Key,
 * X-Auth-Token, CSRFPreventionToken) are treated as secret whichever function adds them.
 */
int puq_http_request_header(struct puq_http_request *r, const char *name, const char *value);
int puq_http_request_secret_header(struct puq_http_request *r, const char *name,
	const char *value);
/* Sets the body (copied) and its Content-Type header. */
int puq_http_request_body(struct puq_http_request *r, const char *content_type,
	const void *body, size_t len);
/* Sets a compact JSON body (application/json). Does not steal json. */
int puq_http_request_json(struct puq_http_request *r, const json_t *json);
/*
 * The request line and headers as text, secrets replaced by "***" (for logs): secret
 * headers, a password in the URL and the values of query parameters whose names look
 * like credentials (pass, secret, token, key, hash, auth). The body is not included.
 * Caller frees with PUQ_FREE; NULL on out-of-memory.
 */
char *puq_http_request_describe(const struct puq_http_request *r);

void puq_http_response_free(struct puq_http_response *resp);
/* Takes the body out of resp (caller frees with PUQ_FREE); resp keeps an empty body. */
char *puq_http_response_steal_body(struct puq_http_response *resp, size_t *len);
/* Parses the body as JSON; NULL with PUQ_EPROTO in err if it is not. New reference. */
json_t *puq_http_response_json(const struct puq_http_response *resp, struct puq_error *err);

/*
 * The generic verdict on a response: 0 for a 2xx answer; a transport failure gives
 * resp->error with "<METHOD> <scheme://host:port/path>: <error_text>"; an HTTP status
 * outside 2xx (redirects are not followed) gives PUQ_EHTTPSTATUS with err->http_status
 * set and the reason phrase in the text. The query string is never quoted (it may carry
 * credentials). Returns -code.
 * Drivers with richer error bodies (Proxmox, Cloudflare) build their own text instead.
 */
int puq_http_response_check(const struct puq_http_request *req,
	const struct puq_http_response *resp, struct puq_error *err);

/* ---- JSON helpers (lenient where providers are: numbers may arrive as strings) --------- */

/* Integer member as a number or a numeric string; false if absent or not numeric. */
bool puq_json_int(const json_t *obj, const char *key, long long *out);
/* Number member (number or numeric string). */
bool puq_json_number(const json_t *obj, const char *key, double *out);
/* String member, or NULL; borrowed from obj. */
const char *puq_json_str(const json_t *obj, const char *key);
/* Boolean member: true/false, 1/0, "1"/"0"; dflt if absent or anything else. */
bool puq_json_bool(const json_t *obj, const char *key, bool dflt);
/* The same rules for a value rather than an object member (array items, data). */
bool puq_json_as_int(const json_t *v, long long *out);
bool puq_json_as_number(const json_t *v, double *out);

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

/*
 * The libcurl multi engine (opt may be NULL for the defaults). Requests are queued per
 * host key and started while that host has fewer than max_per_host transfers running
 * and the engine fewer than max_total; a request's timeout counts from its start, not
 * from its time in the queue. Connections are kept alive and reused. HTTP/1.1 only
 * (Proxmox speaks nothing else, and a connection cap means something there), no
 * redirects followed, http and https only. An engine belongs to one thread at a time.
 */
struct puq_http_engine *puq_http_engine_new(const struct puq_http_options *opt,
	struct puq_error *err);
/*
 * Frees the engine; queued and running requests are dropped without their callbacks.
 * A fixture engine belongs to its fixture: freeing it here does nothing. Never call it
 * from a completion callback.
 */
void puq_http_engine_free(struct puq_http_engine *e);

/*
 * Queues req (ownership passes to the engine, also on failure). done is called from
 * puq_http_run once the transfer finished or failed; it may submit further requests.
 * Returns 0, or -PUQ_EINVAL (NULL request or callback) / -PUQ_ENOMEM, in which case req
 * is freed and done is never called. Everything else - a malformed URL or pin, a
 * refused connection - arrives through done as a response with error set.
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
 * Completions are delivered by puq_http_run, in submission order, as the real engine
 * would; requests submitted from a callback are answered in the same run.
 */
struct puq_http_fixture *puq_http_fixture_new(void);
/* Frees the fixture, its engine, the recorded requests and unused responses. */
void puq_http_fixture_free(struct puq_http_fixture *fx);
/* The fixture's engine (borrowed; lives as long as the fixture). */
struct puq_http_engine *puq_http_fixture_engine(struct puq_http_fixture *fx);
/* Adds a response; the reason phrase is the standard one for status. 0 or -PUQ_ENOMEM. */
int puq_http_fixture_add(struct puq_http_fixture *fx, const char *method, const char *url,
	long status, const char *content_type, const char *body);
/*
 * Like puq_http_fixture_add with the body read from a file. A relative path is looked
 * up under tests/fixtures/ of the source tree: $PUQKVM_ROOT/tests/fixtures/<path> when
 * that variable is set, else the nearest tests/fixtures/<path> found walking up from
 * the working directory (so "pve/nodes.json" works from the repository or any folder
 * inside it). Returns 0, -PUQ_ENOTFOUND when the file cannot be read, or -PUQ_ENOMEM.
 */
int puq_http_fixture_add_file(struct puq_http_fixture *fx, const char *method,
	const char *url, long status, const char *content_type, const char *path);

/* Everything a recorded answer can say; only method and url are required. */
struct puq_http_fixture_reply {
	const char *method;
	const char *url;          /* exact URL, or the path+query it must end with */
	long status;              /* ignored when error is set */
	const char *reason;       /* NULL = the standard phrase for status */
	const char *content_type; /* NULL = none */
	const char *body;         /* NULL = empty, unless body_file is set */
	size_t body_len;          /* 0 = strlen(body) */
	const char *body_file;    /* read as puq_http_fixture_add_file does */
	int error;                /* PUQ_ETIMEOUT/PUQ_EHTTP/PUQ_ETLS: a transport failure */
	const char *error_text;   /* with error; NULL = the error table's message */
	double seconds;           /* reported as the transfer time */
};
/* Adds one reply (copied). 0, -PUQ_EINVAL, -PUQ_ENOTFOUND (body_file) or -PUQ_ENOMEM. */
int puq_http_fixture_add_reply(struct puq_http_fixture *fx,
	const struct puq_http_fixture_reply *reply);
/* Requests received so far, in order (borrowed). */
size_t puq_http_fixture_count(const struct puq_http_fixture *fx);
const struct puq_http_request *puq_http_fixture_request(const struct puq_http_fixture *fx,
	size_t i);
/* Responses added but never used. */
size_t puq_http_fixture_unused(const struct puq_http_fixture *fx);

#endif
