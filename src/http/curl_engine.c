/*
 * The real HTTP engine: libcurl's multi interface driving many transfers in one thread.
 *
 * puq_http_submit only queues: each request joins the FIFO of its host key (the URL's
 * scheme://host:port unless the caller groups several addresses under one key).
 * puq_http_run starts queued transfers round-robin across hosts while a host has fewer
 * than max_per_host running and the engine fewer than max_total (Proxmox answers a
 * burst of parallel clones with "cfs-lock ... got lock request timeout", so the cap is
 * ours to keep), lets curl make progress with curl_multi_poll, and calls the callback of
 * every finished transfer. Because the cap is enforced before a transfer is handed to
 * curl, a request's timeout measures the request, not its wait in our queue.
 *
 * Connections and TLS sessions live in the multi handle's cache and are reused by later
 * transfers to the same host with the same TLS trust (see tls.c for why differently
 * pinned requests never share one). Easy handles are recycled too. Callbacks run only
 * from puq_http_run, never from inside curl, and no signal is ever used (NOSIGNAL), so
 * the engine is safe inside a PHP worker. Only the status line's reason phrase and the
 * Content-Type are kept from the response headers: nothing a server sends back, and no
 * request header, ever reaches an error text.
 */
#include <stdio.h>

#include <curl/curl.h>

#include "puqkvm/buf.h"
#include "tls.h"

#define DEFAULT_TIMEOUT_MS  10000
#define DEFAULT_CONNECT_MS  5000
#define DEFAULT_PER_HOST    8
#define DEFAULT_TOTAL       256
#define SPARE_HANDLES_MAX   32
#define REASON_MAX          1024
#define HOST_KEY_MAX        300

struct host;

struct transfer {
	struct transfer *next; /* in its host's queue, or the engine's failed list */
	struct transfer *run_prev, *run_next; /* in the engine's running list */
	struct puq_http_request *req;
	puq_http_done_fn done;
	void *ctx;
	struct host *host;
	CURL *easy;
	struct curl_slist *headers;
	struct puq_http_pin *pin;
	struct puq_http_response *resp;
	struct puq_buf body;
	bool too_large;
	char errbuf[CURL_ERROR_SIZE];
};

struct host {
	struct host *next;
	char *key;
	unsigned active;
	struct transfer *head, *tail; /* waiting to start */
};

struct curl_engine {
	struct puq_http_engine base;
	CURLM *multi;
	unsigned max_per_host, max_total;
	long timeout_ms, connect_timeout_ms;
	struct host *hosts;
	struct host *cursor; /* where the next round-robin pass starts */
	size_t queued, active;
	struct transfer *running; /* handed to curl */
	struct transfer *failed_head, *failed_tail; /* failed before starting */
	size_t nfailed;
	CURL *spare[SPARE_HANDLES_MAX];
	size_t nspare;
};

static void transfer_free(struct curl_engine *e, struct transfer *t)
{
	if (t->easy) {
		if (e->nspare < SPARE_HANDLES_MAX) {
			curl_easy_reset(t->easy);
			e->spare[e->nspare++] = t->easy;
		} else {
			curl_easy_cleanup(t->easy);
		}
	}
	curl_slist_free_all(t->headers);
	puq_http_pin_release(t->pin);
	puq_buf_free(&t->body);
	puq_http_response_free(t->resp);
	puq_http_request_free(t->req);
	PUQ_FREE(t);
}

static void push_failed(struct curl_engine *e, struct transfer *t)
{
	t->next = NULL;
	if (e->failed_tail)
		e->failed_tail->next = t;
	else
		e->failed_head = t;
	e->failed_tail = t;
	e->nfailed++;
}

static struct host *host_get(struct curl_engine *e, const char *key)
{
	for (struct host *h = e->hosts; h; h = h->next)
		if (strcmp(h->key, key) == 0)
			return h;
	struct host *h = PUQ_CALLOC(1, sizeof(*h));
	if (!h || !(h->key = puq_strdup(key))) {
		PUQ_FREE(h);
		return NULL;
	}
	h->next = e->hosts;
	e->hosts = h;
	return h;
}

/* ---- curl callbacks (no Zend, no engine state beyond the transfer) ------------------- */

static size_t on_body(char *data, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;
	if (t->body.len + len > PUQ_HTTP_MAX_BODY) {
		t->too_large = true;
		return 0;
	}
	puq_buf_append(&t->body, data, len);
	return puq_buf_failed(&t->body) ? 0 : len;
}

/* Keeps the reason phrase of the last status line ("HTTP/1.1 400 Parameter ..."). */
static size_t on_header(char *data, size_t size, size_t n, void *userp)
{
	struct transfer *t = userp;
	size_t len = size * n;
	if (len < 12 || memcmp(data, "HTTP/", 5) != 0)
		return len;
	const char *p = memchr(data, ' ', len);
	if (!p)
		return len;
	const char *end = data + len;
	while (p < end && *p == ' ')
		p++;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	while (p < end && *p == ' ')
		p++;
	size_t rlen = (size_t)(end - p);
	while (rlen && (p[rlen - 1] == '\r' || p[rlen - 1] == '\n' || p[rlen - 1] == ' '))
		rlen--;
	if (rlen > REASON_MAX)
		rlen = REASON_MAX;
	PUQ_FREE(t->resp->reason);
	t->resp->reason = puq_strndup(p, rlen);
	return len;
}

/* ---- starting a transfer ------------------------------------------------------------- */

static CURL *easy_get(struct curl_engine *e)
{
	return e->nspare ? e->spare[--e->nspare] : curl_easy_init();
}

static int set_method(CURL *h, const struct puq_http_request *req)
{
	const char *body = req->body ? req->body : "";
	bool has_body = req->body_len > 0;
	if (strcmp(req->method, "GET") == 0 && !has_body)
		return curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	if (strcmp(req->method, "HEAD") == 0 && !has_body)
		return curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	if (strcmp(req->method, "POST") != 0 &&
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method) != CURLE_OK)
		return -1;
	/* POST, PUT and PATCH always carry a Content-Length, even when empty */
	if (has_body || strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0 ||
		strcmp(req->method, "PATCH") == 0) {
		if (curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len) ||
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body))
			return -1;
	}
	return 0;
}

static int build_headers(struct transfer *t)
{
	struct puq_buf line = PUQ_BUF_INIT;
	/* curl would add "Expect: 100-continue" to large bodies; API servers gain nothing */
	struct curl_slist *list = curl_slist_append(NULL, "Expect:");
	for (size_t i = 0; list && i < t->req->nheaders; i++) {
		const struct puq_http_header *hd = &t->req->headers[i];
		puq_buf_reset(&line);
		/* "Name;" is curl's way to send a header with an empty value */
		puq_buf_printf(&line, hd->value[0] ? "%s: %s" : "%s;", hd->name, hd->value);
		struct curl_slist *next =
			puq_buf_failed(&line) ? NULL : curl_slist_append(list, puq_buf_cstr(&line));
		if (!next) {
			curl_slist_free_all(list);
			list = NULL;
		} else {
			list = next;
		}
	}
	puq_buf_free(&line);
	t->headers = list;
	return list ? 0 : -PUQ_ENOMEM;
}

static int configure(struct curl_engine *e, struct transfer *t, char *why, size_t whysz)
{
	const struct puq_http_request *req = t->req;
	CURL *h = t->easy;
	long timeout = req->timeout_ms > 0 ? req->timeout_ms : e->timeout_ms;
	long connect = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
	                                           : e->connect_timeout_ms;
	if (connect > timeout)
		connect = timeout;
	if (build_headers(t) < 0) {
		snprintf(why, whysz, "out of memory");
		return -PUQ_ENOMEM;
	}
	CURLcode rc = CURLE_OK;
	rc |= curl_easy_setopt(h, CURLOPT_URL, req->url);
	rc |= curl_easy_setopt(h, CURLOPT_PRIVATE, t);
	rc |= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	rc |= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->errbuf);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	rc |= curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
	rc |= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	rc |= curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
	rc |= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	rc |= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect);
	rc |= curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	rc |= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	rc |= curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	/* Handles are reused, so the option is set for every transfer, on or off. */
	rc |= curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, req->once ? 1L : 0L);
	rc |= curl_easy_setopt(h, CURLOPT_USERAGENT, "puqkvm/" PUQKVM_VERSION);
	rc |= curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	rc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	rc |= curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (rc != CURLE_OK || set_method(h, req) != 0) {
		snprintf(why, whysz, "libcurl refused the transfer options");
		return -PUQ_EHTTP;
	}
	return puq_http_tls_setup(h, req->tls, &t->pin, why, whysz);
}

/* Hands t to curl; on failure t goes to the failed list with the reason. */
static void start(struct curl_engine *e, struct transfer *t)
{
	char why[200] = "";
	int rc;
	t->easy = easy_get(e);
	if (!t->easy) {
		puq_http_response_fail(t->resp, PUQ_ENOMEM, "cannot create a libcurl handle");
		push_failed(e, t);
		return;
	}
	rc = configure(e, t, why, sizeof(why));
	if (rc == 0 && curl_multi_add_handle(e->multi, t->easy) != CURLM_OK) {
		rc = -PUQ_EHTTP;
		snprintf(why, sizeof(why), "libcurl refused the transfer");
	}
	if (rc < 0) {
		puq_http_response_fail(t->resp, rc == -PUQ_ENOMEM ? PUQ_EHTTP : -rc, "%s", why);
		push_failed(e, t);
		return;
	}
	t->run_next = e->running;
	if (e->running)
		e->running->run_prev = t;
	e->running = t;
	t->host->active++;
	e->active++;
}

static void unlink_running(struct curl_engine *e, struct transfer *t)
{
	if (t->run_prev)
		t->run_prev->run_next = t->run_next;
	else
		e->running = t->run_next;
	if (t->run_next)
		t->run_next->run_prev = t->run_prev;
	t->run_prev = t->run_next = NULL;
	curl_multi_remove_handle(e->multi, t->easy);
	t->host->active--;
	e->active--;
}

static void start_queued(struct curl_engine *e)
{
	bool progress = true;
	while (progress && e->queued && e->active < e->max_total) {
		progress = false;
		struct host *h = e->cursor ? e->cursor : e->hosts;
		for (struct host *first = h; h;) {
			if (e->active >= e->max_total)
				return;
			if (h->head && h->active < e->max_per_host) {
				struct transfer *t = h->head;
				h->head = t->next;
				if (!h->head)
					h->tail = NULL;
				t->next = NULL;
				e->queued--;
				start(e, t);
				progress = true;
			}
			h = h->next ? h->next : e->hosts;
			e->cursor = h;
			if (h == first)
				break;
		}
	}
}

/* ---- finishing ----------------------------------------------------------------------- */

static bool is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

static void finish(struct transfer *t, CURLcode rc)
{
	struct puq_http_response *resp = t->resp;
	double secs = 0;
	curl_easy_getinfo(t->easy, CURLINFO_TOTAL_TIME, &secs);
	resp->seconds = secs;
	const char *text = t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc);
	char mismatch[sizeof(resp->error_text)];

	if (rc == CURLE_OK) {
		long status = 0;
		char *ctype = NULL;
		curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ctype);
		if (puq_buf_failed(&t->body)) {
			puq_http_response_fail(resp, PUQ_EHTTP, "out of memory reading the answer");
			return;
		}
		resp->status = status;
		resp->content_type = ctype ? puq_strdup(ctype) : NULL;
		resp->body_len = t->body.len;
		resp->body = t->body.data ? puq_buf_steal(&t->body) : puq_strdup("");
		return;
	}
	if (rc == CURLE_WRITE_ERROR && t->too_large)
		puq_http_response_fail(resp, PUQ_EHTTP, "the answer is larger than %u bytes",
			PUQ_HTTP_MAX_BODY);
	else if (rc == CURLE_WRITE_ERROR && puq_buf_failed(&t->body))
		puq_http_response_fail(resp, PUQ_EHTTP, "out of memory reading the answer");
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		puq_http_response_fail(resp, PUQ_ETIMEOUT, "%s", text);
	else if (puq_http_pin_mismatch(t->pin, mismatch, sizeof(mismatch)))
		puq_http_response_fail(resp, PUQ_ETLS, "%s", mismatch);
	else if (is_tls_error(rc))
		puq_http_response_fail(resp, PUQ_ETLS, "%s", text);
	else
		puq_http_response_fail(resp, PUQ_EHTTP, "%s", text);
}

static void complete(struct curl_engine *e, struct transfer *t)
{
	t->done(t->ctx, t->req, t->resp);
	transfer_free(e, t);
}

/* Delivers failures that never reached curl; returns how many. */
static size_t deliver_failed(struct curl_engine *e)
{
	size_t n = 0;
	while (e->failed_head) {
		struct transfer *t = e->failed_head;
		e->failed_head = t->next;
		if (!e->failed_head)
			e->failed_tail = NULL;
		e->nfailed--;
		complete(e, t);
		n++;
	}
	return n;
}

static size_t drain(struct curl_engine *e)
{
	size_t n = 0;
	int left;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(e->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		struct transfer *t = NULL;
		CURLcode rc = msg->data.result;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
		finish(t, rc);
		unlink_running(e, t);
		complete(e, t);
		n++;
	}
	return n;
}

/* ---- the engine ---------------------------------------------------------------------- */

static int engine_submit(struct puq_http_engine *base, struct puq_http_request *req,
	puq_http_done_fn done, void *ctx)
{
	struct curl_engine *e = (struct curl_engine *)base;
	struct transfer *t = PUQ_CALLOC(1, sizeof(*t));
	struct puq_http_response *resp = t ? puq_http_response_new() : NULL;
	if (!resp) {
		PUQ_FREE(t);
		puq_http_request_free(req);
		return -PUQ_ENOMEM;
	}
	t->req = req;
	t->done = done;
	t->ctx = ctx;
	t->resp = resp;

	char origin[HOST_KEY_MAX];
	const char *key = req->host_key;
	if (!key) {
		if (!puq_http_url_origin(req->url, origin, sizeof(origin))) {
			puq_http_response_fail(resp, PUQ_EHTTP,
				"not an absolute http(s) URL (scheme://host/path expected)");
			push_failed(e, t);
			return 0;
		}
		key = origin;
	}
	t->host = host_get(e, key);
	if (!t->host) {
		t->req = NULL;
		transfer_free(e, t);
		puq_http_request_free(req);
		return -PUQ_ENOMEM;
	}
	if (t->host->tail)
		t->host->tail->next = t;
	else
		t->host->head = t;
	t->host->tail = t;
	e->queued++;
	return 0;
}

static size_t engine_pending(const struct puq_http_engine *base)
{
	const struct curl_engine *e = (const struct curl_engine *)base;
	return e->queued + e->active + e->nfailed;
}

static long engine_run(struct puq_http_engine *base, long wait_ms)
{
	struct curl_engine *e = (struct curl_engine *)base;
	int running = 0;
	size_t done = deliver_failed(e);
	start_queued(e);
	curl_multi_perform(e->multi, &running);
	done += drain(e);
	done += deliver_failed(e);
	if (done == 0 && e->active > 0 && wait_ms > 0) {
		curl_multi_poll(e->multi, NULL, 0, (int)(wait_ms > 1000000 ? 1000000 : wait_ms),
			NULL);
		curl_multi_perform(e->multi, &running);
		drain(e);
		deliver_failed(e);
	}
	/* let requests submitted by callbacks, or freed slots, start connecting now */
	start_queued(e);
	if (e->active)
		curl_multi_perform(e->multi, &running);
	return (long)engine_pending(base);
}

static void drop_all(struct curl_engine *e)
{
	for (struct host *h = e->hosts; h; h = h->next) {
		while (h->head) {
			struct transfer *t = h->head;
			h->head = t->next;
			transfer_free(e, t);
		}
		h->tail = NULL;
	}
	while (e->failed_head) {
		struct transfer *t = e->failed_head;
		e->failed_head = t->next;
		transfer_free(e, t);
	}
	e->failed_tail = NULL;
	while (e->running) {
		struct transfer *t = e->running;
		unlink_running(e, t);
		transfer_free(e, t);
	}
	e->queued = e->nfailed = 0;
}

static void engine_free(struct puq_http_engine *base)
{
	struct curl_engine *e = (struct curl_engine *)base;
	drop_all(e);
	while (e->hosts) {
		struct host *h = e->hosts;
		e->hosts = h->next;
		PUQ_FREE(h->key);
		PUQ_FREE(h);
	}
	for (size_t i = 0; i < e->nspare; i++)
		curl_easy_cleanup(e->spare[i]);
	curl_multi_cleanup(e->multi);
	PUQ_FREE(e);
}

static const struct puq_http_engine_ops curl_ops = {
	.submit = engine_submit,
	.run = engine_run,
	.pending = engine_pending,
	.free = engine_free,
};

struct puq_http_engine *puq_http_engine_new(const struct puq_http_options *opt,
	struct puq_error *err)
{
	static const struct puq_http_options defaults;
	if (!opt)
		opt = &defaults;
	struct curl_engine *e = PUQ_CALLOC(1, sizeof(*e));
	if (!e) {
		puq_error_set(err, PUQ_ENOMEM, NULL);
		return NULL;
	}
	e->base.ops = &curl_ops;
	e->timeout_ms = opt->default_timeout_ms > 0 ? opt->default_timeout_ms : DEFAULT_TIMEOUT_MS;
	e->connect_timeout_ms =
		opt->connect_timeout_ms > 0 ? opt->connect_timeout_ms : DEFAULT_CONNECT_MS;
	e->max_per_host = opt->max_per_host ? opt->max_per_host : DEFAULT_PER_HOST;
	e->max_total = opt->max_total ? opt->max_total : DEFAULT_TOTAL;
	if (e->max_per_host > e->max_total)
		e->max_per_host = e->max_total;
	e->multi = curl_multi_init();
	if (!e->multi) {
		PUQ_FREE(e);
		puq_error_set(err, PUQ_EHTTP, "cannot create a libcurl multi handle: was "
		                              "curl_global_init called?");
		return NULL;
	}
	/* keep an idle connection for every transfer we may run at once */
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->max_total);
	curl_multi_setopt(e->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)e->max_total);
	return &e->base;
}
