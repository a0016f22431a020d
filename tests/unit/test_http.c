/*
 * Tests of the http room without a network: building and describing requests (secrets
 * masked), the lenient JSON readers, fingerprints, the generic response verdict, and
 * the fixture engine the drivers' tests run on. The libcurl engine against a live
 * simulator is tested in test_http_engine.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "puqkvm/http.h"

static bool contains(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* ---- requests ------------------------------------------------------------------------ */

static void request_methods_and_headers(void **state)
{
	assert_null(puq_http_request_new("get", "http://h/"));
	assert_null(puq_http_request_new("", "http://h/"));
	assert_null(puq_http_request_new("VERYLONGM", "http://h/"));
	assert_null(puq_http_request_new("GET", NULL));

	struct puq_http_request *r = puq_http_request_new("PATCH", "https://h/x");
	assert_non_null(r);
	assert_string_equal(r->method, "PATCH");
	assert_int_equal(puq_http_request_header(r, "Accept", "text/plain"), 0);
	assert_int_equal(puq_http_request_header(r, "accept", "application/json"), 0);
	assert_int_equal(r->nheaders, 1); /* replaced, case-insensitively */
	assert_string_equal(r->headers[0].value, "application/json");
	assert_int_equal(puq_http_request_header(r, "X-Empty", ""), 0);

	/* a value from a setting can never smuggle in a second header */
	assert_int_equal(puq_http_request_header(r, "X-A", "1\r\nX-Injected: 1"), -PUQ_EINVAL);
	assert_int_equal(puq_http_request_header(r, "X-A\n", "1"), -PUQ_EINVAL);
	assert_int_equal(puq_http_request_header(r, "X:A", "1"), -PUQ_EINVAL);
	assert_int_equal(puq_http_request_header(r, "", "1"), -PUQ_EINVAL);
	assert_int_equal(r->nheaders, 2);

	/* well-known credential headers are secret however they were added */
	assert_int_equal(puq_http_request_header(r, "Authorization", "PVEAPIToken=a@pam!t=S1"), 0);
	assert_true(r->headers[2].secret);
	assert_int_equal(puq_http_request_secret_header(r, "X-Custom-Secret", "S2"), 0);
	assert_true(r->headers[3].secret);
	/* replacing a secret header with a plain call keeps it secret */
	assert_int_equal(puq_http_request_header(r, "x-custom-secret", "S3"), 0);
	assert_true(r->headers[3].secret);
	puq_http_request_free(r);
}

static void request_bodies(void **state)
{
	struct puq_http_request *r = puq_http_request_new("POST", "http://h/");
	assert_int_equal(puq_http_request_body(r, "application/x-www-form-urlencoded", "a=1", 3), 0);
	assert_int_equal(r->body_len, 3);
	assert_string_equal(r->body, "a=1");
	assert_string_equal(r->headers[0].name, "Content-Type");

	json_t *j = json_pack("{s:i, s:[s,s], s:b}", "cores", 2, "tags", "a", "b", "on", 1);
	assert_int_equal(puq_http_request_json(r, j), 0);
	json_decref(j);
	assert_string_equal(r->body, "{\"cores\":2,\"tags\":[\"a\",\"b\"],\"on\":true}");
	assert_int_equal(r->body_len, strlen(r->body));
	assert_int_equal(r->nheaders, 1); /* Content-Type replaced, not repeated */
	assert_string_equal(r->headers[0].value, "application/json");

	/* binary bodies keep their length */
	assert_int_equal(puq_http_request_body(r, NULL, "a\0b", 3), 0);
	assert_int_equal(r->body_len, 3);
	assert_int_equal(r->body[1], '\0');
	assert_int_equal(puq_http_request_body(r, NULL, NULL, 1), -PUQ_EINVAL);
	puq_http_request_free(r);
}

static void describe_masks_secrets(void **state)
{
	struct puq_http_request *r = puq_http_request_new("GET",
		"https://admin:hunter2@pve.example:8006/api2/json/nodes?full=1&password=pw1"
		"&api_token=tk1&Hash=h1&limit=5#frag");
	puq_http_request_header(r, "Authorization", "PVEAPIToken=root@pam!puq=sec-1");
	puq_http_request_secret_header(r, "X-Private", "sec-2");
	puq_http_request_header(r, "X-Auth-Key", "sec-3");
	puq_http_request_header(r, "Cookie", "PVEAuthCookie=sec-4");
	puq_http_request_header(r, "Accept", "application/json");
	char *d = puq_http_request_describe(r);
	assert_non_null(d);
	assert_string_equal(d,
		"GET https://admin:***@pve.example:8006/api2/json/nodes?full=1&password=***"
		"&api_token=***&Hash=***&limit=5#frag\n"
		"Authorization: ***\n"
		"X-Private: ***\n"
		"X-Auth-Key: ***\n"
		"Cookie: ***\n"
		"Accept: application/json");
	static const char *const secrets[] = {"hunter2", "pw1", "tk1", "h1&", "sec-"};
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		assert_false(contains(d, secrets[i]));
	PUQ_FREE(d);
	puq_http_request_free(r);

	r = puq_http_request_new("DELETE", "http://user@h/x");
	d = puq_http_request_describe(r);
	assert_string_equal(d, "DELETE http://user@h/x");
	PUQ_FREE(d);
	puq_http_request_free(r);
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_lenient_numbers(void **state)
{
	static const struct {
		const char *json;
		bool ok;
		long long want;
	} ints[] = {
		{"100", true, 100},
		{"\"100\"", true, 100},
		{"\"-5\"", true, -5},
		{"-9223372036854775808", true, INT64_MIN},
		{"2.0", true, 2},
		{"2.5", false, 0},
		{"\"2.5\"", false, 0},
		{"\"12abc\"", false, 0},
		{"\"\"", false, 0},
		{"\" 1\"", false, 0},
		{"\"+1\"", false, 0},
		{"\"-\"", false, 0},
		{"\"99999999999999999999\"", false, 0},
		{"1e300", false, 0},
		{"true", false, 0},
		{"null", false, 0},
		{"[1]", false, 0},
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		json_t *v = json_loads(ints[i].json, JSON_DECODE_ANY, NULL);
		assert_non_null(v);
		long long out = 0;
		bool ok = puq_json_as_int(v, &out);
		if (ok != ints[i].ok)
			fail_msg("puq_json_as_int(%s) = %d", ints[i].json, ok);
		if (ok)
			assert_int_equal(out, ints[i].want);
		json_decref(v);
	}

	static const struct {
		const char *json;
		bool ok;
		double want;
	} nums[] = {
		{"1.5", true, 1.5},        {"\"1.5\"", true, 1.5}, {"\"-0.25\"", true, -0.25},
		{"\"1e3\"", true, 1000},   {"7", true, 7},         {"\".5\"", true, 0.5},
		{"\"nan\"", false, 0},     {"\"inf\"", false, 0},  {"\"1e999\"", false, 0},
		{"\"0x10\"", false, 0},    {"\"1.5x\"", false, 0}, {"\"\"", false, 0},
		{"false", false, 0},
	};
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		json_t *v = json_loads(nums[i].json, JSON_DECODE_ANY, NULL);
		double out = 0;
		bool ok = puq_json_as_number(v, &out);
		if (ok != nums[i].ok)
			fail_msg("puq_json_as_number(%s) = %d", nums[i].json, ok);
		if (ok)
			assert_true(out == nums[i].want);
		json_decref(v);
	}
}

static void json_members(void **state)
{
	json_t *o = json_loads("{\"vmid\":\"105\",\"cpulimit\":\"1.5\",\"name\":\"web\","
	                       "\"t1\":true,\"t2\":1,\"t3\":\"1\",\"t4\":\"true\",\"f1\":0,"
	                       "\"f2\":\"0\",\"odd\":\"yes\",\"n\":null}",
		0, NULL);
	long long i = 0;
	double d = 0;
	assert_true(puq_json_int(o, "vmid", &i));
	assert_int_equal(i, 105);
	assert_false(puq_json_int(o, "missing", &i));
	assert_false(puq_json_int(o, "name", &i));
	assert_true(puq_json_number(o, "cpulimit", &d));
	assert_true(d == 1.5);
	assert_string_equal(puq_json_str(o, "name"), "web");
	assert_null(puq_json_str(o, "vmid_missing"));
	assert_null(puq_json_str(o, "t1"));
	assert_null(puq_json_str(NULL, "name"));
	assert_true(puq_json_bool(o, "t1", false));
	assert_true(puq_json_bool(o, "t2", false));
	assert_true(puq_json_bool(o, "t3", false));
	assert_true(puq_json_bool(o, "t4", false));
	assert_false(puq_json_bool(o, "f1", true));
	assert_false(puq_json_bool(o, "f2", true));
	assert_true(puq_json_bool(o, "odd", true)); /* unrecognised: the default */
	assert_false(puq_json_bool(o, "odd", false));
	assert_true(puq_json_bool(o, "n", true));
	assert_false(puq_json_bool(o, "missing", false));
	json_t *arr = json_array();
	assert_false(puq_json_int(arr, "x", &i)); /* not an object */
	json_decref(arr);
	json_decref(o);
}

/* ---- fingerprints -------------------------------------------------------------------- */

static void fingerprints(void **state)
{
	static const char colon[] = "5D:8C:5C:44:4B:52:B4:4D:DE:27:EE:3F:5B:49:0A:93:2F:75:8E:"
	                            "3E:1E:75:BE:5F:CC:5B:62:AD:21:B4:A2:BA";
	unsigned char a[PUQ_HTTP_SHA256_LEN], b[PUQ_HTTP_SHA256_LEN];
	char text[PUQ_HTTP_FINGERPRINT_TEXT];
	struct puq_error err;

	assert_int_equal(puq_http_fingerprint_parse(colon, a, &err), 0);
	puq_http_fingerprint_format(a, text);
	assert_string_equal(text, colon);
	assert_int_equal(puq_http_fingerprint_parse(
		"  5d8c5c444b52b44dde27ee3f5b490a932f758e3e1e75be5fcc5b62ad21b4a2ba\n", b, &err), 0);
	assert_memory_equal(a, b, sizeof(a));

	assert_int_equal(puq_http_fingerprint_parse("AB:CD", a, &err), -PUQ_EINVAL);
	assert_true(contains(err.text, "64 hex digits"));
	char bad[sizeof(colon)];
	memcpy(bad, colon, sizeof(colon));
	bad[4] = 'G';
	assert_int_equal(puq_http_fingerprint_parse(bad, a, &err), -PUQ_EINVAL);
	assert_true(contains(err.text, "not a hex digit at position 5"));
	memcpy(bad, colon, sizeof(colon));
	bad[5] = '-';
	assert_int_equal(puq_http_fingerprint_parse(bad, a, &err), -PUQ_EINVAL);
	assert_true(contains(err.text, "separated by ':'"));
	assert_int_equal(puq_http_fingerprint_parse(NULL, a, NULL), -PUQ_EINVAL);
}

/* ---- responses ----------------------------------------------------------------------- */

static void response_json_and_check(void **state)
{
	struct puq_error err;
	struct puq_http_response resp = {.status = 200, .body = "{\"data\":[1]}", .body_len = 12};
	json_t *j = puq_http_response_json(&resp, &err);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "data")), 1);
	json_decref(j);

	struct puq_http_response html = {.status = 502, .body = "<html>", .body_len = 6,
		.content_type = "text/html"};
	assert_null(puq_http_response_json(&html, &err));
	assert_int_equal(err.code, PUQ_EPROTO);
	assert_true(contains(err.text, "HTTP 502, 6 bytes, text/html"));

	struct puq_http_request *req = puq_http_request_new("POST",
		"https://u:pw@pve1:8006/api2/json/nodes/pve1/qemu/100/clone?token=abc#x");
	assert_int_equal(puq_http_response_check(req, &resp, &err), 0);

	struct puq_http_response failed = {.status = 0, .error = PUQ_ETIMEOUT};
	snprintf(failed.error_text, sizeof(failed.error_text), "Operation timed out after 300 ms");
	assert_int_equal(puq_http_response_check(req, &failed, &err), -PUQ_ETIMEOUT);
	assert_string_equal(err.text, "POST https://pve1:8006/api2/json/nodes/pve1/qemu/100/clone: "
	                              "Operation timed out after 300 ms");
	assert_int_equal(err.http_status, 0);

	struct puq_http_response bad = {.status = 400, .reason = "Parameter verification failed."};
	assert_int_equal(puq_http_response_check(req, &bad, &err), -PUQ_EHTTPSTATUS);
	assert_string_equal(err.text, "POST https://pve1:8006/api2/json/nodes/pve1/qemu/100/clone: "
	                              "HTTP 400 Parameter verification failed.");
	assert_int_equal(err.http_status, 400);
	struct puq_http_response moved = {.status = 301};
	assert_int_equal(puq_http_response_check(req, &moved, &err), -PUQ_EHTTPSTATUS);
	assert_int_equal(err.http_status, 301);
	struct puq_http_response nf = {.status = 404};
	assert_int_equal(puq_http_response_check(NULL, &nf, &err), -PUQ_EHTTPSTATUS);
	assert_string_equal(err.text, "HTTP 404 Not Found");
	puq_http_request_free(req);

	req = puq_http_request_new("GET", "http://[::1]:8080/p?q");
	assert_int_equal(puq_http_response_check(req, &nf, &err), -PUQ_EHTTPSTATUS);
	assert_string_equal(err.text, "GET http://[::1]:8080/p: HTTP 404 Not Found");
	puq_http_request_free(req);

	struct puq_http_response steal = {0};
	steal.body = puq_strdup("abc");
	steal.body_len = 3;
	size_t len = 0;
	char *body = puq_http_response_steal_body(&steal, &len);
	assert_string_equal(body, "abc");
	assert_int_equal(len, 3);
	assert_null(steal.body);
	PUQ_FREE(body);
}

/* ---- fixture engine ------------------------------------------------------------------ */

struct seen {
	int calls;
	long status[8];
	int error[8];
	char body[8][300];
	char reason[8][64];
	struct puq_http_engine *engine; /* for follow-up requests */
};

static void record(void *ctx, struct puq_http_request *req, struct puq_http_response *resp)
{
	struct seen *s = ctx;
	int i = s->calls++;
	if (i >= 8)
		return;
	s->status[i] = resp->status;
	s->error[i] = resp->error;
	snprintf(s->body[i], sizeof(s->body[i]), "%s",
		resp->error ? resp->error_text : (resp->body ? resp->body : "(null)"));
	snprintf(s->reason[i], sizeof(s->reason[i]), "%s", resp->reason ? resp->reason : "");
	/* a driver's next step: the first answer triggers a follow-up request */
	if (i == 0 && s->engine) {
		struct puq_http_request *next =
			puq_http_request_new("GET", "https://pve1:8006/api2/json/cluster/nextid");
		puq_http_submit(s->engine, next, record, s);
	}
}

static void fixture_matching_and_recording(void **state)
{
	struct puq_http_fixture *fx = puq_http_fixture_new();
	struct puq_http_engine *e = puq_http_fixture_engine(fx);
	assert_int_equal(puq_http_fixture_add(fx, "GET", "/api2/json/version", 200,
		"application/json", "{\"data\":{\"version\":\"9.0.3\"}}"), 0);
	assert_int_equal(puq_http_fixture_add(fx, "GET", "/api2/json/version", 500, NULL, "second"), 0);
	assert_int_equal(puq_http_fixture_add(fx, "POST",
		"https://pve1:8006/api2/json/nodes/pve1/qemu/100/clone", 200, "application/json",
		"{\"data\":\"UPID:pve1:0000A1B2:00C3D4E5:6700AABB:qmclone:100:root@pam!puq:\"}"), 0);
	assert_int_equal(puq_http_fixture_add(fx, "GET", "/never/used", 200, NULL, ""), 0);

	struct seen s = {0};
	struct puq_http_request *r1 = puq_http_request_new("GET", "https://pve1:8006/api2/json/version");
	puq_http_request_secret_header(r1, "Authorization", "PVEAPIToken=root@pam!puq=secret");
	struct puq_http_request *r2 = puq_http_request_new("POST",
		"https://pve1:8006/api2/json/nodes/pve1/qemu/100/clone");
	puq_http_request_body(r2, "application/x-www-form-urlencoded", "newid=101", 9);
	struct puq_http_request *r3 = puq_http_request_new("GET", "https://pve1:8006/api2/json/version");
	struct puq_http_request *r4 = puq_http_request_new("GET", "https://pve1:8006/api2/json/version");
	assert_int_equal(puq_http_submit(e, r1, record, &s), 0);
	assert_int_equal(puq_http_submit(e, r2, record, &s), 0);
	assert_int_equal(puq_http_submit(e, r3, record, &s), 0);
	assert_int_equal(puq_http_submit(e, r4, record, &s), 0);
	assert_int_equal(s.calls, 0); /* nothing answers inside submit */
	assert_int_equal(puq_http_pending(e), 4);
	assert_int_equal(puq_http_run(e, 0), 0);
	assert_int_equal(s.calls, 4);

	assert_int_equal(s.status[0], 200);
	assert_string_equal(s.reason[0], "OK");
	assert_true(contains(s.body[0], "9.0.3"));
	assert_int_equal(s.status[1], 200);
	assert_true(contains(s.body[1], "UPID:pve1"));
	assert_int_equal(s.status[2], 500); /* each reply is used once, in order */
	assert_string_equal(s.reason[2], "Internal Server Error");
	assert_int_equal(s.status[3], 0); /* none left: an unmatched request */
	assert_int_equal(s.error[3], PUQ_EHTTP);
	assert_string_equal(s.body[3], "no recorded answer for GET https://pve1:8006/api2/json/version");

	assert_int_equal(puq_http_fixture_count(fx), 4);
	const struct puq_http_request *got = puq_http_fixture_request(fx, 1);
	assert_string_equal(got->method, "POST");
	assert_string_equal(got->body, "newid=101");
	assert_string_equal(puq_http_fixture_request(fx, 0)->headers[0].value,
		"PVEAPIToken=root@pam!puq=secret");
	assert_null(puq_http_fixture_request(fx, 4));
	assert_int_equal(puq_http_fixture_unused(fx), 1);

	puq_http_engine_free(e); /* the fixture owns its engine: a no-op */
	puq_http_fixture_free(fx);
}

static void fixture_files_errors_and_followups(void **state)
{
	struct puq_http_fixture *fx = puq_http_fixture_new();
	struct puq_http_engine *e = puq_http_fixture_engine(fx);
	assert_int_equal(puq_http_fixture_add_file(fx, "GET", "/api2/json/nodes", 200,
		"application/json;charset=UTF-8", "http/nodes.json"), 0);
	assert_int_equal(puq_http_fixture_add_file(fx, "GET", "/x", 200, NULL,
		"http/does-not-exist.json"), -PUQ_ENOTFOUND);
	assert_int_equal(puq_http_fixture_add_reply(fx, &(struct puq_http_fixture_reply){
		.method = "GET", .url = "/api2/json/cluster/nextid", .status = 400,
		.reason = "Parameter verification failed.", .content_type = "application/json",
		.body = "{\"data\":null,\"errors\":{\"vmid\":\"VM 100 already exists\"}}",
		.seconds = 0.25}), 0);
	assert_int_equal(puq_http_fixture_add_reply(fx, &(struct puq_http_fixture_reply){
		.method = "GET", .url = "/api2/json/cluster/status", .error = PUQ_ETIMEOUT,
		.error_text = "Operation timed out after 10000 milliseconds"}), 0);
	assert_int_equal(puq_http_fixture_add_reply(fx, &(struct puq_http_fixture_reply){
		.method = "GET", .url = NULL}), -PUQ_EINVAL);

	/* the file is found from the repository root or any folder inside it */
	struct puq_http_response *resp = NULL;
	struct puq_error err;
	struct seen s = {.engine = e};
	assert_int_equal(puq_http_submit(e,
		puq_http_request_new("GET", "https://pve1:8006/api2/json/nodes"), record, &s), 0);
	assert_int_equal(puq_http_run(e, 1000), 0);
	/* the callback's follow-up was answered in the same run */
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.status[0], 200);
	assert_true(contains(s.body[0], "\"node\":\"pve1\""));
	assert_int_equal(s.status[1], 400);
	assert_string_equal(s.reason[1], "Parameter verification failed.");

	assert_int_equal(puq_http_perform(e,
		puq_http_request_new("GET", "https://pve1:8006/api2/json/cluster/status"), &resp, &err), 0);
	assert_int_equal(resp->status, 0);
	assert_int_equal(resp->error, PUQ_ETIMEOUT);
	assert_string_equal(resp->error_text, "Operation timed out after 10000 milliseconds");
	puq_http_response_free(resp);

	/* the recorded body keeps Proxmox's number-as-string quirk */
	const struct puq_http_request *req0 = puq_http_fixture_request(fx, 0);
	assert_string_equal(req0->url, "https://pve1:8006/api2/json/nodes");
	assert_int_equal(puq_http_fixture_unused(fx), 0);
	puq_http_fixture_free(fx);

	/* submit's own failures free the request and never call back */
	assert_int_equal(puq_http_submit(NULL, puq_http_request_new("GET", "http://h/"), record, &s),
		-PUQ_EINVAL);
}

static void fixture_file_body_is_parsed(void **state)
{
	struct puq_http_fixture *fx = puq_http_fixture_new();
	assert_int_equal(puq_http_fixture_add_file(fx, "GET", "/api2/json/nodes", 200,
		"application/json", "tests/fixtures/http/nodes.json"), 0);
	struct puq_http_response *resp = NULL;
	struct puq_error err;
	assert_int_equal(puq_http_perform(puq_http_fixture_engine(fx),
		puq_http_request_new("GET", "https://10.0.0.1:8006/api2/json/nodes"), &resp, &err), 0);
	json_t *j = puq_http_response_json(resp, &err);
	assert_non_null(j);
	json_t *node = json_array_get(json_object_get(j, "data"), 0);
	long long mem = 0, maxcpu = 0;
	assert_true(puq_json_int(node, "mem", &mem)); /* a string in the answer */
	assert_int_equal(mem, 8388608000LL);
	assert_true(puq_json_int(node, "maxcpu", &maxcpu));
	assert_int_equal(maxcpu, 16);
	unsigned char fp[PUQ_HTTP_SHA256_LEN];
	assert_int_equal(puq_http_fingerprint_parse(puq_json_str(node, "ssl_fingerprint"), fp, &err), 0);
	json_decref(j);
	puq_http_response_free(resp);
	puq_http_fixture_free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_methods_and_headers),
		cmocka_unit_test(request_bodies),
		cmocka_unit_test(describe_masks_secrets),
		cmocka_unit_test(json_lenient_numbers),
		cmocka_unit_test(json_members),
		cmocka_unit_test(fingerprints),
		cmocka_unit_test(response_json_and_check),
		cmocka_unit_test(fixture_matching_and_recording),
		cmocka_unit_test(fixture_files_errors_and_followups),
		cmocka_unit_test(fixture_file_body_is_parsed),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
