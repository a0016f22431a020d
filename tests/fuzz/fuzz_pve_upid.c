/*
 * Fuzz target: Proxmox VE task ids (UPID) - puq_pve_upid_parse, the answer of a
 * task-starting call (puq_pve_parse_upid_answer) and the task requests built from a
 * UPID (src/pve/task.c, endpoints.c).
 *
 * The input is the UPID text. Invariants:
 *  - a parsed UPID, encoded again the way pve-common does (upper-case hex, pid and
 *    start time 8 digits, pstart 8 or 9), is the input (hex case aside) and parses to
 *    the same fields;
 *  - the answer reader accepts exactly what the parser accepts (and the plain "OK" of
 *    vzdump on the wrong node never), and the UPID it keeps is the input, whole;
 *  - the status and log requests go to /nodes/<the UPID's node>/tasks/<the UPID>,
 *    each percent-encoded so the path decodes to exactly those two segments;
 *  - errors are terminated, not empty, and quote at most a bounded part of the input.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "puqkvm/pve.h"

static int parse(const char *text, struct puq_pve_upid *u)
{
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_upid_parse(text, u, &err);
	fuzz_check_result("puq_pve_upid_parse", rc, &err);
	FUZZ_CHECK(fuzz_terminated(u->node, sizeof(u->node)) &&
	               fuzz_terminated(u->type, sizeof(u->type)) &&
	               fuzz_terminated(u->id, sizeof(u->id)) &&
	               fuzz_terminated(u->user, sizeof(u->user)),
	           "UPID fields not terminated");
	if (rc)
		FUZZ_CHECK(err.code == PUQ_EPROTO && strlen(err.text) < 200,
		           "UPID refusal: %s (%zu characters)", puq_error_name(err.code),
		           strlen(err.text));
	return rc;
}

static bool same_upid(const struct puq_pve_upid *a, const struct puq_pve_upid *b)
{
	return strcmp(a->node, b->node) == 0 && a->pid == b->pid && a->pstart == b->pstart &&
	       a->starttime == b->starttime && strcmp(a->type, b->type) == 0 &&
	       strcmp(a->id, b->id) == 0 && strcmp(a->user, b->user) == 0;
}

/* Width of the pstart field of the input (the fourth ':'-separated field). */
static size_t pstart_width(const char *text)
{
	const char *p = text;
	for (int i = 0; i < 3 && p; i++) {
		p = strchr(p, ':');
		if (p)
			p++;
	}
	return p ? strcspn(p, ":") : 0;
}

/* Decodes %XX; NULL when the text is not cleanly encoded (a raw '/' or '%'). */
static char *decode_segment(const char *s, size_t len)
{
	char *out = PUQ_MALLOC(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%') {
			FUZZ_CHECK(i + 2 < len && isxdigit((unsigned char)s[i + 1]) &&
			               isxdigit((unsigned char)s[i + 2]),
			           "bad percent escape in a path");
			char hex[3] = {s[i + 1], s[i + 2], '\0'};
			out[o++] = (char)strtol(hex, NULL, 16);
			i += 2;
		} else {
			FUZZ_CHECK(isalnum((unsigned char)s[i]) || strchr("-_.~", s[i]),
			           "unencoded '%c' in a path segment", s[i]);
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static void check_request(const char *upid, const struct puq_pve_upid *u, bool log)
{
	struct puq_pve_req r;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = log ? puq_pve_req_task_log(&r, upid, 0, 0, &err)
	             : puq_pve_req_task_status(&r, upid, &err);
	fuzz_check_result(log ? "puq_pve_req_task_log" : "puq_pve_req_task_status", rc, &err);
	FUZZ_CHECK(rc == 0, "a parsed UPID makes no request");
	const char *path = puq_buf_cstr(&r.path);
	const char *tail = log ? "/log" : "/status";
	FUZZ_CHECK(strncmp(path, "/nodes/", 7) == 0, "task path '%s'", path);
	const char *node = path + 7;
	const char *slash = strchr(node, '/');
	FUZZ_CHECK(slash && strncmp(slash, "/tasks/", 7) == 0, "task path '%s'", path);
	const char *seg = slash + 7;
	size_t tl = strlen(tail), sl = strlen(seg);
	FUZZ_CHECK(sl > tl && strcmp(seg + sl - tl, tail) == 0, "task path '%s'", path);
	char *n = decode_segment(node, (size_t)(slash - node));
	char *t = decode_segment(seg, sl - tl);
	FUZZ_CHECK(strcmp(n, u->node) == 0 && strcmp(t, upid) == 0,
	           "task path '%s' decodes to node '%s', UPID '%s'", path, n, t);
	PUQ_FREE(n);
	PUQ_FREE(t);
	if (log)
		FUZZ_CHECK(strcmp(puq_buf_cstr(&r.query), "start=0&limit=50") == 0,
		           "log query '%s'", puq_buf_cstr(&r.query));
	puq_pve_req_free(&r);
}

static void check_answer(const char *text, bool parsed)
{
	json_t *s = json_string(text);
	if (!s)
		return; /* not UTF-8: jansson refuses it, Proxmox never sends it */
	char *upid = PUQ_MALLOC(PUQ_PVE_UPID_MAX);
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_parse_upid_answer(s, upid, &err);
	fuzz_check_result("puq_pve_parse_upid_answer", rc, &err);
	FUZZ_CHECK(fuzz_terminated(upid, PUQ_PVE_UPID_MAX), "answer UPID not terminated");
	if (rc == 0) {
		FUZZ_CHECK(parsed, "answer '%s' accepted, but it does not parse", text);
		FUZZ_CHECK(strcmp(upid, text) == 0, "the UPID kept is not the answer: '%s'",
		           upid);
	} else {
		FUZZ_CHECK(!parsed || strlen(text) >= PUQ_PVE_UPID_MAX,
		           "a UPID that parses is refused as an answer: %s", err.text);
		FUZZ_CHECK(upid[0] == '\0', "a refused answer left a UPID");
	}
	json_decref(s);
	PUQ_FREE(upid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct puq_pve_upid u;
	bool parsed = parse(text, &u) == 0;
	if (parsed) {
		char again[PUQ_PVE_UPID_MAX * 2];
		snprintf(again, sizeof(again), "UPID:%s:%08lX:%08llX:%08llX:%s:%s:%s:", u.node,
		         u.pid, u.pstart, (unsigned long long)u.starttime, u.type, u.id, u.user);
		struct puq_pve_upid back;
		FUZZ_CHECK(parse(again, &back) == 0 && same_upid(&u, &back),
		           "UPID '%s' encoded again as '%s' reads differently", text, again);
		if (pstart_width(text) == pstart_width(again))
			FUZZ_CHECK(strcasecmp(text, again) == 0, "UPID '%s' reads as '%s'", text,
			           again);
		check_request(text, &u, false);
		check_request(text, &u, true);
	}
	if (!memchr(data, '\0', size))
		check_answer(text, parsed);
	PUQ_FREE(text);
	return 0;
}
