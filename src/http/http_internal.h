/*
 * What the files of src/http/ share and nobody else sees.
 *
 * An engine is a small vtable, so the protocol drivers call puq_http_submit/run without
 * knowing whether libcurl (curl_engine.c) or recorded answers (fixture.c) serve them.
 * request.c builds requests and responses, tls.c holds the certificate pinning that runs
 * inside OpenSSL's handshake, json.c the lenient JSON readers, engine.c the dispatch and
 * the blocking convenience call.
 */
#ifndef PUQKVM_HTTP_INTERNAL_H
#define PUQKVM_HTTP_INTERNAL_H

#include "puqkvm/http.h"

struct puq_http_engine_ops {
	int (*submit)(struct puq_http_engine *e, struct puq_http_request *req,
		puq_http_done_fn done, void *ctx);
	long (*run)(struct puq_http_engine *e, long wait_ms);
	size_t (*pending)(const struct puq_http_engine *e);
	void (*free)(struct puq_http_engine *e);
};

/* The first member of every engine. */
struct puq_http_engine {
	const struct puq_http_engine_ops *ops;
};

/* A zeroed response (PUQ_CALLOC), NULL on out-of-memory. */
struct puq_http_response *puq_http_response_new(void);

/* Marks resp as a transport failure: status 0, code, and the text (copied, truncated). */
void puq_http_response_fail(struct puq_http_response *resp, int code, const char *fmt, ...)
	PUQ_PRINTF(3, 4);

/* The standard reason phrase of an HTTP status ("Not Found"), "" when unknown. */
const char *puq_http_status_phrase(long status);

/*
 * The default host key of a URL, "scheme://host:port" in lower case, written to out.
 * Returns false when the URL has no scheme or host.
 */
bool puq_http_url_origin(const char *url, char *out, size_t outsz);

#endif
