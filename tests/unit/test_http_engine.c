/*
 * Tests of the libcurl engine against live simulators (tests/sim/echo.js, one plain and
 * one TLS, started as child processes). Every claim the engine makes is checked from
 * the server's side through the simulator's counters: concurrency and the per-host and
 * total caps (peak requests in flight), connection reuse (connections that served a
 * request), timeouts, lost answers and resets, TLS through a CA file and through a
 * pinned fingerprint, a wrong pin refused before any request reaches the server (its
 * request counter stays put, even with a verified connection to the same server in the
 * engine's cache), and error texts that never carry a secret header.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "puqkvm/http.h"
#include "sim_process.h"

static struct sim_process plain, secure;

#define SECRET "S3CR3T-token-value"

struct result {
	bool done;
	long status;
	int error;
	char text[300];
	char reason[128];
	char ctype[128];
	char *body;
	size_t body_len;
};

struct batch {
	int ndone;
	int order[400];
	struct result r[400];
	struct puq_http_engine *engine; /* for chained requests */
	int chain_left;
	char chain_url[128];
};

static void batch_free(struct batch *b)
{
	for (size_t i = 0; i < sizeof(b->r) / sizeof(b->r[0]); i++)
		PUQ_FREE(b->r[i].body);
}

static void on_done(void *ctx, struct puq_http_request *req, struct puq_http_response *resp)
{
	struct batch *b = ctx;
	int i = (int)(intptr_t)req->tag;
	struct result *r = &b->r[i];
	r->done = true;
	r->status = resp->status;
	r->error = resp->error;
	snprintf(r->text, sizeof(r->text), "%s", resp->error_text);
	snprintf(r->reason, sizeof(r->reason), "%s", resp->reason ? resp->reason : "");
	snprintf(r->ctype, sizeof(r->ctype), "%s", resp->content_type ? resp->content_type : "");
	r->body = puq_http_response_steal_body(resp, &r->body_len);
	b->order[b->ndone++] = i;
	if (b->engine && b->chain_left > 0) {
		b->chain_left--;
		struct puq_http_request *next = puq_http_request_new("GET", b->chain_url);
		next->tag = (void *)(intptr_t)(i + 1);
		puq_http_submit(b->engine, next, on_done, b);
	}
}

static struct puq_http_request *req_new(const char *method, const struct sim_process *sp,
	const char *path, int tag)
{
	char url[256];
	struct puq_http_request *r = puq_http_request_new(method, sim_process_url(sp, path, url, sizeof(url)));
	assert_non_null(r);
	r->tag = (void *)(intptr_t)tag;
	return r;
}

static void run_all(struct puq_http_engine *e)
{
	while (puq_http_run(e, 1000) > 0)
		;
}

static struct puq_http_engine *engine(unsigned per_host, unsigned total, long timeout_ms)
{
	struct puq_http_options opt = {.max_per_host = per_host, .max_total = total,
		.default_timeout_ms = timeout_ms};
	struct puq_error err;
	struct puq_http_engine *e = puq_http_engine_new(&opt, &err);
	assert_non_null(e);
	return e;
}

static void control(struct sim_process *sp, const char *method, const char *name, const char *body)
{
	json_t *j = sim_process_control(sp, method, name, body);
	assert_non_null(j);
	json_decref(j);
}

/* Server-side counters can trail the client's view by a moment (a refused handshake). */
static long long stat_eventually(struct sim_process *sp, const char *path, long long want)
{
	long long v = -1;
	for (int i = 0; i < 200; i++) {
		v = sim_process_stat(sp, path);
		if (v == want)
			break;
		usleep(10000);
	}
	return v;
}

static int setup_group(void **state)
{
	if (curl_global_init(CURL_GLOBAL_ALL) != CURLE_OK)
		return -1;
	static const char *const tls_args[] = {"--tls", NULL};
	if (sim_process_start(&plain, "tests/sim/echo.js", NULL) != 0)
		return -1;
	if (sim_process_start(&secure, "tests/sim/echo.js", tls_args) != 0)
		return -1;
	return 0;
}

static int teardown_group(void **state)
{
	sim_process_stop(&plain);
	sim_process_stop(&secure);
	curl_global_cleanup();
	return 0;
}

static int reset_sims(void **state)
{
	control(&plain, "POST", "reset", NULL);
	control(&secure, "POST", "reset", NULL);
	control(&plain, "POST", "counter-reset", NULL);
	return 0;
}

/* ---- requests and responses over the wire -------------------------------------------- */

static void methods_bodies_and_headers(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 0);
	struct batch b = {0};
	struct puq_http_request *get = req_new("GET", &plain, "/echo?x=1&x=2", 0);
	puq_http_request_header(get, "X-Test", "yes");
	puq_http_request_header(get, "X-Empty", "");
	struct puq_http_request *post = req_new("POST", &plain, "/echo", 1);
	char big[3000];
	memset(big, 'a', sizeof(big));
	memcpy(big, "k=", 2);
	puq_http_request_body(post, "application/x-www-form-urlencoded", big, sizeof(big));
	struct puq_http_request *put = req_new("PUT", &plain, "/echo", 2);
	json_t *j = json_pack("{s:i}", "cores", 4);
	puq_http_request_json(put, j);
	json_decref(j);
	struct puq_http_request *patch = req_new("PATCH", &plain, "/echo", 3);
	struct puq_http_request *del = req_new("DELETE", &plain, "/echo?purge=1", 4);
	struct puq_http_request *head = req_new("HEAD", &plain, "/echo", 5);
	struct puq_http_request *reqs[] = {get, post, put, patch, del, head};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(puq_http_submit(e, reqs[i], on_done, &b), 0);
	assert_int_equal(puq_http_pending(e), 6);
	run_all(e);
	assert_int_equal(b.ndone, 6);
	assert_int_equal(puq_http_pending(e), 0);

	json_t *echo[5];
	for (int i = 0; i < 5; i++) {
		assert_int_equal(b.r[i].status, 200);
		assert_string_equal(b.r[i].reason, "OK");
		assert_string_equal(b.r[i].ctype, "application/json;charset=UTF-8");
		echo[i] = json_loadb(b.r[i].body, b.r[i].body_len, 0, NULL);
		assert_non_null(echo[i]);
	}
	json_t *h0 = json_object_get(echo[0], "headers");
	assert_string_equal(json_string_value(json_object_get(echo[0], "method")), "GET");
	assert_string_equal(json_string_value(json_object_get(h0, "x-test")), "yes");
	assert_string_equal(json_string_value(json_object_get(h0, "x-empty")), "");
	assert_true(strncmp(json_string_value(json_object_get(h0, "user-agent")), "puqkvm/", 7) == 0);
	assert_int_equal(json_array_size(json_object_get(json_object_get(echo[0], "query"), "x")), 2);

	json_t *h1 = json_object_get(echo[1], "headers");
	assert_null(json_object_get(h1, "expect")); /* no 100-continue round trip */
	assert_int_equal(strlen(json_string_value(json_object_get(json_object_get(echo[1], "body"), "k"))),
		sizeof(big) - 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(echo[2], "body"), "cores")), 4);
	assert_string_equal(json_string_value(json_object_get(echo[2], "method")), "PUT");
	/* an empty PATCH still says how long its body is */
	assert_string_equal(json_string_value(json_object_get(json_object_get(echo[3], "headers"),
		"content-length")), "0");
	assert_string_equal(json_string_value(json_object_get(echo[4], "method")), "DELETE");
	assert_int_equal(b.r[5].status, 200);
	assert_int_equal(b.r[5].body_len, 0); /* HEAD: no body */
	for (int i = 0; i < 5; i++)
		json_decref(echo[i]);
	batch_free(&b);
	puq_http_engine_free(e);
}

static void reason_phrase_and_large_bodies(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 0);
	struct batch b = {0};
	puq_http_submit(e, req_new("GET", &plain,
		"/status/400?reason=Parameter%20verification%20failed.", 0), on_done, &b);
	puq_http_submit(e, req_new("GET", &plain,
		"/status/500?reason=VM%20is%20locked%20(clone)", 1), on_done, &b);
	puq_http_submit(e, req_new("GET", &plain, "/bytes/1000000", 2), on_done, &b);
	run_all(e);
	assert_int_equal(b.r[0].status, 400);
	assert_int_equal(b.r[0].error, 0);
	assert_string_equal(b.r[0].reason, "Parameter verification failed.");
	assert_non_null(strstr(b.r[0].body, "\"message\":\"Parameter verification failed.\\n\""));
	assert_int_equal(b.r[1].status, 500);
	assert_string_equal(b.r[1].reason, "VM is locked (clone)");
	assert_int_equal(b.r[2].status, 200);
	assert_int_equal(b.r[2].body_len, 1000000);
	assert_int_equal(b.r[2].body[999999], 'x');
	assert_int_equal(b.r[2].body[1000000], '\0');
	batch_free(&b);

	/* the blocking form */
	struct puq_http_response *resp = NULL;
	struct puq_error err;
	char url[128];
	assert_int_equal(puq_http_perform(e, puq_http_request_new("GET",
		sim_process_url(&plain, "/counter", url, sizeof(url))), &resp, &err), 0);
	assert_int_equal(resp->status, 200);
	assert_string_equal(resp->body, "{\"data\":0}");
	puq_http_response_free(resp);
	puq_http_engine_free(e);
}

/* ---- concurrency, caps and reuse ----------------------------------------------------- */

static void many_requests_at_once(void **state)
{
	enum { N = 256 };
	struct puq_http_engine *e = engine(64, 256, 20000);
	struct batch *b = calloc(1, sizeof(*b));
	control(&plain, "POST", "latency", "{\"fixed_ms\":300}");
	for (int i = 0; i < N; i++)
		assert_int_equal(puq_http_submit(e, req_new("GET", &plain, "/echo", i), on_done, b), 0);
	run_all(e);
	assert_int_equal(b->ndone, N);
	for (int i = 0; i < N; i++)
		assert_int_equal(b->r[i].status, 200);
	long long peak = sim_process_stat(&plain, "inflight.max");
	assert_true(peak >= 32 && peak <= 64);
	assert_int_equal(sim_process_stat(&plain, "requests.total"), N);
	/* the 256 requests travelled on at most 64 connections */
	assert_true(sim_process_stat(&plain, "connections.served") <= 64);
	batch_free(b);
	free(b);
	puq_http_engine_free(e);
}

static void per_host_cap(void **state)
{
	struct puq_http_engine *e = engine(4, 0, 20000);
	struct batch b = {0};
	control(&plain, "POST", "latency", "{\"fixed_ms\":150}");
	for (int i = 0; i < 24; i++)
		puq_http_submit(e, req_new("GET", &plain, "/echo", i), on_done, &b);
	run_all(e);
	assert_int_equal(b.ndone, 24);
	assert_int_equal(sim_process_stat(&plain, "inflight.max"), 4);
	assert_int_equal(sim_process_stat(&plain, "requests.total"), 24);
	batch_free(&b);
	puq_http_engine_free(e);
}

static void host_key_groups_addresses(void **state)
{
	char url[128];
	control(&plain, "POST", "latency", "{\"fixed_ms\":150}");
	for (int keyed = 1; keyed >= 0; keyed--) {
		control(&plain, "POST", "reset", NULL);
		control(&plain, "POST", "latency", "{\"fixed_ms\":150}");
		struct puq_http_engine *e = engine(3, 0, 20000);
		struct batch b = {0};
		for (int i = 0; i < 18; i++) {
			/* two addresses of one "cluster": 127.0.0.1 and [::ffff:127.0.0.1] */
			snprintf(url, sizeof(url), i % 2 ? "http://127.0.0.1:%d/echo"
			                                 : "http://[::ffff:127.0.0.1]:%d/echo", plain.port);
			struct puq_http_request *r = puq_http_request_new("GET", url);
			r->tag = (void *)(intptr_t)i;
			r->host_key = keyed ? "cluster-a" : NULL;
			puq_http_submit(e, r, on_done, &b);
		}
		run_all(e);
		assert_int_equal(b.ndone, 18);
		for (int i = 0; i < 18; i++)
			assert_int_equal(b.r[i].status, 200);
		long long peak = sim_process_stat(&plain, "inflight.max");
		if (keyed)
			assert_int_equal(peak, 3); /* one cap for both addresses */
		else
			assert_int_equal(peak, 6); /* a cap per origin */
		batch_free(&b);
		puq_http_engine_free(e);
	}
}

static void total_cap(void **state)
{
	struct puq_http_engine *e = engine(8, 2, 20000);
	struct batch b = {0};
	control(&plain, "POST", "latency", "{\"fixed_ms\":100}");
	for (int i = 0; i < 10; i++)
		puq_http_submit(e, req_new("GET", &plain, "/echo", i), on_done, &b);
	run_all(e);
	assert_int_equal(b.ndone, 10);
	assert_int_equal(sim_process_stat(&plain, "inflight.max"), 2);
	batch_free(&b);
	puq_http_engine_free(e);
}

static void connections_are_reused(void **state)
{
	struct puq_http_engine *e = engine(1, 0, 0);
	struct batch b = {0};
	for (int i = 0; i < 20; i++)
		puq_http_submit(e, req_new("GET", &plain, "/echo", i), on_done, &b);
	run_all(e);
	assert_int_equal(b.ndone, 20);
	/* one at a time, in submission order, all on one keep-alive connection */
	for (int i = 0; i < 20; i++)
		assert_int_equal(b.order[i], i);
	for (int i = 0; i < 5; i++) {
		struct puq_http_response *resp = NULL;
		struct puq_error err;
		assert_int_equal(puq_http_perform(e, req_new("POST", &plain, "/counter", 0), &resp, &err), 0);
		assert_int_equal(resp->status, 200);
		puq_http_response_free(resp);
	}
	assert_int_equal(sim_process_stat(&plain, "requests.total"), 25);
	assert_int_equal(sim_process_stat(&plain, "connections.served"), 1);

	/* TLS connections too: the handshake happens once */
	struct puq_http_tls tls = {.ca_file = secure.cert};
	for (int i = 0; i < 5; i++) {
		struct puq_http_request *r = req_new("GET", &secure, "/echo", 0);
		r->tls = &tls;
		struct puq_http_response *resp = NULL;
		struct puq_error err;
		assert_int_equal(puq_http_perform(e, r, &resp, &err), 0);
		assert_int_equal(resp->status, 200);
		puq_http_response_free(resp);
	}
	assert_int_equal(sim_process_stat(&secure, "connections.served"), 1);
	batch_free(&b);
	puq_http_engine_free(e);
}

static void chained_requests_from_callbacks(void **state)
{
	struct puq_http_engine *e = engine(2, 0, 0);
	struct batch b = {.engine = e, .chain_left = 9};
	sim_process_url(&plain, "/echo", b.chain_url, sizeof(b.chain_url));
	puq_http_submit(e, req_new("GET", &plain, "/echo", 0), on_done, &b);
	run_all(e);
	assert_int_equal(b.ndone, 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(b.order[i], i);
		assert_int_equal(b.r[i].status, 200);
	}
	batch_free(&b);
	puq_http_engine_free(e);
}

/* ---- failures ------------------------------------------------------------------------ */

/*
 * A request marked once is never sent twice: libcurl re-sends a request whose reused
 * connection died before the answer began, which for a Proxmox clone would start a
 * second task. The "lost" fault runs the handler and then drops the connection.
 */
static void once_requests_are_never_resent(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 2000);
	struct puq_http_response *resp = NULL;
	struct puq_error err;

	/* warm a keep-alive connection, so the next request would reuse it */
	assert_int_equal(puq_http_perform(e, req_new("GET", &plain, "/echo", 0), &resp, &err), 0);
	puq_http_response_free(resp);
	control(&plain, "POST", "faults", "[{\"kind\":\"lost\",\"route\":\"POST /counter\"}]");

	struct puq_http_request *r = req_new("POST", &plain, "/counter", 0);
	r->once = true;
	assert_int_equal(puq_http_perform(e, r, &resp, &err), 0);
	assert_int_equal(resp->status, 0);
	assert_int_equal(resp->error, PUQ_EHTTP);
	puq_http_response_free(resp);
	assert_int_equal(stat_eventually(&plain, "requests.total", 2), 2);
	assert_int_equal(sim_process_stat(&plain, "connections.served"), 2);
	puq_http_engine_free(e);
}

static void timeouts(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 400);
	struct batch b = {0};
	control(&plain, "POST", "latency", "{\"route\":\"GET /echo\",\"fixed_ms\":5000}");
	control(&plain, "POST", "faults", "{\"kind\":\"timeout\",\"route\":\"GET /counter\"}");
	struct puq_http_request *slow = req_new("GET", &plain, "/echo", 0);
	slow->timeout_ms = 300;
	puq_http_submit(e, slow, on_done, &b);
	puq_http_submit(e, req_new("GET", &plain, "/counter", 1), on_done, &b); /* engine default */
	puq_http_submit(e, req_new("POST", &plain, "/counter", 2), on_done, &b);
	run_all(e);
	assert_int_equal(b.r[0].status, 0);
	assert_int_equal(b.r[0].error, PUQ_ETIMEOUT);
	assert_non_null(strstr(b.r[0].text, "timed out"));
	assert_int_equal(b.r[1].error, PUQ_ETIMEOUT);
	assert_int_equal(b.r[2].status, 200); /* unaffected by its neighbours */
	assert_int_equal(b.order[0], 2);
	batch_free(&b);
	puq_http_engine_free(e);
}

static void transport_failures(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 2000);
	struct batch b = {0};
	control(&plain, "POST", "faults",
		"[{\"kind\":\"lost\",\"route\":\"POST /counter\"},{\"kind\":\"reset\",\"route\":\"GET /echo\"}]");
	puq_http_submit(e, req_new("POST", &plain, "/counter", 0), on_done, &b);
	puq_http_submit(e, req_new("GET", &plain, "/echo", 1), on_done, &b);
	struct puq_http_request *refused = puq_http_request_new("GET", "http://127.0.0.1:1/x");
	refused->tag = (void *)2;
	puq_http_submit(e, refused, on_done, &b);
	struct puq_http_request *nourl = puq_http_request_new("GET", "not a url");
	nourl->tag = (void *)3;
	puq_http_submit(e, nourl, on_done, &b);
	struct puq_http_request *ftp = puq_http_request_new("GET", "ftp://127.0.0.1/x");
	ftp->tag = (void *)4;
	puq_http_submit(e, ftp, on_done, &b);
	run_all(e);
	assert_int_equal(b.ndone, 5);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(b.r[i].status, 0);
		assert_int_equal(b.r[i].error, PUQ_EHTTP);
		assert_true(b.r[i].text[0] != '\0');
	}
	/* executed, but the answer was lost: the side effect happened */
	json_t *c = sim_process_control(&plain, "GET", "stats", NULL);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "faults"), "lost")), 1);
	json_decref(c);
	assert_non_null(strstr(b.r[3].text, "absolute http(s) URL"));
	batch_free(&b);

	struct puq_http_response *resp = NULL;
	struct puq_error err;
	assert_int_equal(puq_http_perform(e, req_new("GET", &plain, "/counter", 0), &resp, &err), 0);
	assert_string_equal(resp->body, "{\"data\":1}");
	puq_http_response_free(resp);
	puq_http_engine_free(e);
}

/* ---- TLS ----------------------------------------------------------------------------- */

static long tls_get(struct puq_http_engine *e, const char *url_or_null, const struct puq_http_tls *tls,
	struct puq_http_response **out)
{
	char url[160];
	struct puq_http_request *r = puq_http_request_new("GET",
		url_or_null ? url_or_null : sim_process_url(&secure, "/echo", url, sizeof(url)));
	puq_http_request_secret_header(r, "Authorization", "PVEAPIToken=root@pam!puq=" SECRET);
	r->tls = tls;
	struct puq_error err;
	assert_int_equal(puq_http_perform(e, r, out, &err), 0);
	return (*out)->status;
}

static void tls_with_ca_file(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 5000);
	struct puq_http_response *resp;
	struct puq_http_tls ca = {.ca_file = secure.cert};
	assert_int_equal(tls_get(e, NULL, &ca, &resp), 200);
	puq_http_response_free(resp);
	/* the system store does not know the simulator's certificate */
	assert_int_equal(tls_get(e, NULL, NULL, &resp), 0);
	assert_int_equal(resp->error, PUQ_ETLS);
	puq_http_response_free(resp);
	assert_int_equal(sim_process_stat(&secure, "requests.total"), 1);
	puq_http_engine_free(e);
}

static void tls_with_pin(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 5000);
	struct puq_http_response *resp;
	struct puq_http_tls pin = {.pin_sha256 = secure.fingerprint};
	assert_int_equal(tls_get(e, NULL, &pin, &resp), 200);
	puq_http_response_free(resp);

	/* the same pin as plain lower-case hex */
	char hex[80] = "";
	for (const char *c = secure.fingerprint; *c; c++)
		if (*c != ':')
			strncat(hex, (char[]){(char)(*c | 0x20), 0}, 1);
	struct puq_http_tls pin_hex = {.pin_sha256 = hex};
	assert_int_equal(tls_get(e, NULL, &pin_hex, &resp), 200);
	puq_http_response_free(resp);

	/* an address the certificate does not name: refused unless asked to skip the name */
	char url[160];
	snprintf(url, sizeof(url), "https://[::ffff:127.0.0.1]:%d/echo", secure.port);
	assert_int_equal(tls_get(e, url, &pin, &resp), 0);
	assert_int_equal(resp->error, PUQ_ETLS);
	puq_http_response_free(resp);
	struct puq_http_tls pin_noname = {.pin_sha256 = secure.fingerprint, .skip_hostname = true};
	assert_int_equal(tls_get(e, url, &pin_noname, &resp), 200);
	puq_http_response_free(resp);

	/* the credential did reach the right server */
	json_t *log = sim_process_control(&secure, "GET", "log", NULL);
	assert_int_equal(json_array_size(log), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(json_array_get(log, 0),
		"headers"), "authorization")), "PVEAPIToken=root@pam!puq=" SECRET);
	json_decref(log);
	puq_http_engine_free(e);
}

static void wrong_pin_refused_before_any_request(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 5000);
	struct puq_http_response *resp;
	/* a verified, idle keep-alive connection to the same server sits in the cache */
	struct puq_http_tls good = {.pin_sha256 = secure.fingerprint};
	assert_int_equal(tls_get(e, NULL, &good, &resp), 200);
	puq_http_response_free(resp);
	assert_int_equal(sim_process_stat(&secure, "requests.total"), 1);

	static const char wrong_fp[] = "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:"
	                               "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF";
	struct puq_http_tls wrong = {.pin_sha256 = wrong_fp};
	struct puq_http_tls wrong_with_ca = {.pin_sha256 = wrong_fp, .ca_file = secure.cert};
	const struct puq_http_tls *refused[] = {&wrong, &wrong_with_ca, NULL};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(tls_get(e, NULL, refused[i], &resp), 0);
		assert_int_equal(resp->error, PUQ_ETLS);
		if (refused[i]) {
			char want[300];
			snprintf(want, sizeof(want), "the server's certificate SHA-256 is %s, "
			                             "not the pinned %s", secure.fingerprint, wrong_fp);
			assert_string_equal(resp->error_text, want);
		}
		assert_null(strstr(resp->error_text, SECRET));
		puq_http_response_free(resp);
	}
	/* not one request byte reached the server; it saw the refused handshakes */
	assert_int_equal(sim_process_stat(&secure, "requests.total"), 1);
	assert_int_equal(stat_eventually(&secure, "tls.failures", 3), 3);

	/* a pin that is not a fingerprint never leaves the engine */
	struct puq_http_tls junk = {.pin_sha256 = "AB:CD"};
	assert_int_equal(tls_get(e, NULL, &junk, &resp), 0);
	assert_int_equal(resp->error, PUQ_ETLS);
	assert_non_null(strstr(resp->error_text, "the pinned fingerprint is not usable"));
	puq_http_response_free(resp);
	assert_int_equal(sim_process_stat(&secure, "requests.total"), 1);
	puq_http_engine_free(e);
}

static void secrets_never_in_error_texts(void **state)
{
	struct puq_http_engine *e = engine(0, 0, 300);
	struct batch b = {0};
	control(&plain, "POST", "faults",
		"[{\"kind\":\"timeout\",\"route\":\"GET /echo\"},{\"kind\":\"lost\",\"route\":\"POST /counter\"}]");
	static const struct puq_http_tls wrong = {.pin_sha256 =
		"0011223344556677889900112233445566778899001122334455667788990011"};
	struct puq_http_request *reqs[] = {
		req_new("GET", &plain, "/echo?password=" SECRET, 0),
		req_new("POST", &plain, "/counter", 1),
		req_new("GET", &plain, "/status/500?reason=Internal%20failure", 2),
		req_new("GET", &secure, "/echo", 3),
		puq_http_request_new("GET", "http://127.0.0.1:1/?token=" SECRET),
	};
	reqs[3]->tls = &wrong;
	reqs[4]->tag = (void *)4;
	for (size_t i = 0; i < 5; i++) {
		puq_http_request_secret_header(reqs[i], "Authorization", "PVEAPIToken=u@pve!t=" SECRET);
		puq_http_request_header(reqs[i], "X-API-Key", SECRET);
	}
	/* keep copies of what a driver would log or throw */
	char described[5][512];
	struct puq_http_request *copies[5];
	for (size_t i = 0; i < 5; i++) {
		char *d = puq_http_request_describe(reqs[i]);
		snprintf(described[i], sizeof(described[i]), "%s", d);
		PUQ_FREE(d);
		copies[i] = puq_http_request_new(reqs[i]->method, reqs[i]->url);
		puq_http_submit(e, reqs[i], on_done, &b);
	}
	run_all(e);
	assert_int_equal(b.ndone, 5);
	for (size_t i = 0; i < 5; i++) {
		struct puq_error err;
		struct puq_http_response resp = {.status = b.r[i].status, .error = b.r[i].error,
			.reason = b.r[i].reason};
		snprintf(resp.error_text, sizeof(resp.error_text), "%s", b.r[i].text);
		assert_true(puq_http_response_check(copies[i], &resp, &err) < 0);
		assert_null(strstr(err.text, SECRET));
		assert_null(strstr(b.r[i].text, SECRET));
		assert_null(strstr(described[i], SECRET));
		puq_http_request_free(copies[i]);
	}
	assert_int_equal(b.r[0].error, PUQ_ETIMEOUT);
	assert_int_equal(b.r[1].error, PUQ_EHTTP);
	assert_int_equal(b.r[2].status, 500);
	assert_int_equal(b.r[3].error, PUQ_ETLS);
	assert_int_equal(b.r[4].error, PUQ_EHTTP);
	batch_free(&b);
	puq_http_engine_free(e);
}

static void free_with_requests_in_flight(void **state)
{
	struct puq_http_engine *e = engine(2, 0, 10000);
	struct batch b = {0};
	control(&plain, "POST", "faults", "{\"kind\":\"timeout\",\"route\":\"GET /echo\"}");
	for (int i = 0; i < 10; i++)
		puq_http_submit(e, req_new("GET", &plain, "/echo", i), on_done, &b);
	struct puq_http_request *bad = puq_http_request_new("GET", "no-scheme");
	bad->tag = (void *)10;
	puq_http_submit(e, bad, on_done, &b);
	/* start the first two and let them reach the server */
	for (int i = 0; i < 20 && sim_process_stat(&plain, "inflight.now") < 2; i++)
		puq_http_run(e, 50);
	assert_int_equal(puq_http_pending(e), 10);
	assert_int_equal(sim_process_stat(&plain, "inflight.now"), 2);
	puq_http_engine_free(e); /* dropped without callbacks, nothing leaks */
	assert_int_equal(b.ndone, 1); /* only the malformed URL had been delivered */
	assert_int_equal(stat_eventually(&plain, "inflight.now", 0), 0);
	batch_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(methods_bodies_and_headers, reset_sims),
		cmocka_unit_test_setup(reason_phrase_and_large_bodies, reset_sims),
		cmocka_unit_test_setup(many_requests_at_once, reset_sims),
		cmocka_unit_test_setup(per_host_cap, reset_sims),
		cmocka_unit_test_setup(host_key_groups_addresses, reset_sims),
		cmocka_unit_test_setup(total_cap, reset_sims),
		cmocka_unit_test_setup(connections_are_reused, reset_sims),
		cmocka_unit_test_setup(chained_requests_from_callbacks, reset_sims),
		cmocka_unit_test_setup(timeouts, reset_sims),
		cmocka_unit_test_setup(transport_failures, reset_sims),
		cmocka_unit_test_setup(tls_with_ca_file, reset_sims),
		cmocka_unit_test_setup(tls_with_pin, reset_sims),
		cmocka_unit_test_setup(wrong_pin_refused_before_any_request, reset_sims),
		cmocka_unit_test_setup(secrets_never_in_error_texts, reset_sims),
		cmocka_unit_test_setup(free_with_requests_in_flight, reset_sims),
		cmocka_unit_test_setup(once_requests_are_never_resent, reset_sims),
	};
	return cmocka_run_group_tests_name("http_engine", tests, setup_group, teardown_group);
}
