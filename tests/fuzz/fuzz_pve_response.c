/*
 * Fuzz target: Proxmox VE answers - the envelope and error reading of puq_pve_result,
 * then every interpreter of src/pve/ (lists, status, tasks, tickets, privileges) on the
 * "data" it hands out.
 *
 * The input is an HTTP answer as text: a first line "<status> <reason phrase>", then
 * the body (the seeds are the recorded answers of tests/fixtures/pve/). Invariants:
 *  - only a 200 whose body is a JSON object passes, with data; anything else is an
 *    error with the status recorded, a code of the Proxmox/HTTP families and a text
 *    that is terminated, not empty and bounded;
 *  - every interpreter either succeeds or says why; a list never holds more entries
 *    than the answer had, and every fixed-size string in every entry is terminated;
 *  - the privilege check gives the same total and the same first entries whatever room
 *    the caller gives it;
 *  - nothing leaks (every list is freed through its own _free).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_conn.h"

#define TERMINATED(s) fuzz_terminated((s), sizeof(s))

static void check_list_size(const char *what, size_t n, const json_t *data)
{
	FUZZ_CHECK(n <= json_array_size(data), "%s: %zu entries from %zu", what, n,
	           json_array_size(data));
}

static void check_lists(const json_t *data)
{
	struct puq_error err;

	struct puq_pve_node_list nodes;
	fuzz_error_init(&err);
	int rc = puq_pve_parse_nodes(data, &nodes, &err);
	fuzz_check_result("puq_pve_parse_nodes", rc, &err);
	if (rc == 0) {
		check_list_size("nodes", nodes.n, data);
		for (size_t i = 0; i < nodes.n; i++)
			FUZZ_CHECK(TERMINATED(nodes.items[i].name) &&
			               TERMINATED(nodes.items[i].ssl_fingerprint),
			           "node strings");
	}
	puq_pve_node_list_free(&nodes);

	for (int templates = 0; templates < 2; templates++) {
		struct puq_pve_guest_list guests;
		fuzz_error_init(&err);
		rc = puq_pve_parse_guests(data, templates, &guests, &err);
		fuzz_check_result("puq_pve_parse_guests", rc, &err);
		if (rc == 0) {
			check_list_size("guests", guests.n, data);
			for (size_t i = 0; i < guests.n; i++) {
				const struct puq_pve_guest *g = &guests.items[i], *found;
				FUZZ_CHECK(TERMINATED(g->node) && TERMINATED(g->name) &&
				               TERMINATED(g->status) && TERMINATED(g->lock),
				           "guest strings");
				FUZZ_CHECK(!templates || g->template_,
				           "a non-template in the template list");
				fuzz_error_init(&err);
				FUZZ_CHECK(puq_pve_find_guest(&guests, g->vmid, &found, &err) == 0 &&
				               found->vmid == g->vmid,
				           "guest %lld not found in its own list", g->vmid);
			}
		}
		puq_pve_guest_list_free(&guests);
	}

	struct puq_pve_storage_list storages;
	fuzz_error_init(&err);
	rc = puq_pve_parse_storages(data, &storages, &err);
	fuzz_check_result("puq_pve_parse_storages", rc, &err);
	if (rc == 0) {
		check_list_size("storages", storages.n, data);
		for (size_t i = 0; i < storages.n; i++) {
			const struct puq_pve_storage *s = &storages.items[i];
			FUZZ_CHECK(TERMINATED(s->name) && TERMINATED(s->type) &&
			               TERMINATED(s->content),
			           "storage strings");
			puq_pve_storage_has_content(s, "images");
			puq_pve_storage_has_content(s, "");
		}
	}
	puq_pve_storage_list_free(&storages);

	struct puq_pve_bridge_list bridges;
	fuzz_error_init(&err);
	rc = puq_pve_parse_bridges(data, &bridges, &err);
	fuzz_check_result("puq_pve_parse_bridges", rc, &err);
	if (rc == 0) {
		check_list_size("bridges", bridges.n, data);
		for (size_t i = 0; i < bridges.n; i++)
			FUZZ_CHECK(TERMINATED(bridges.items[i].name) &&
			               TERMINATED(bridges.items[i].type) &&
			               TERMINATED(bridges.items[i].comments),
			           "bridge strings");
	}
	puq_pve_bridge_list_free(&bridges);

	struct puq_pve_volume_list volumes;
	fuzz_error_init(&err);
	rc = puq_pve_parse_volumes(data, &volumes, &err);
	fuzz_check_result("puq_pve_parse_volumes", rc, &err);
	if (rc == 0) {
		check_list_size("volumes", volumes.n, data);
		for (size_t i = 0; i < volumes.n; i++)
			FUZZ_CHECK(TERMINATED(volumes.items[i].volid) &&
			               TERMINATED(volumes.items[i].format) &&
			               TERMINATED(volumes.items[i].notes),
			           "volume strings");
	}
	puq_pve_volume_list_free(&volumes);

	struct puq_pve_snapshot_list snaps;
	fuzz_error_init(&err);
	rc = puq_pve_parse_snapshots(data, &snaps, &err);
	fuzz_check_result("puq_pve_parse_snapshots", rc, &err);
	if (rc == 0) {
		check_list_size("snapshots", snaps.n, data);
		for (size_t i = 0; i < snaps.n; i++)
			FUZZ_CHECK(TERMINATED(snaps.items[i].name) &&
			               TERMINATED(snaps.items[i].parent) &&
			               TERMINATED(snaps.items[i].description) &&
			               strcmp(snaps.items[i].name, "current") != 0,
			           "snapshot strings");
	}
	puq_pve_snapshot_list_free(&snaps);

	struct puq_pve_cidr_list cidrs;
	fuzz_error_init(&err);
	rc = puq_pve_parse_ipset(data, &cidrs, &err);
	fuzz_check_result("puq_pve_parse_ipset", rc, &err);
	if (rc == 0) {
		check_list_size("ipset", cidrs.n, data);
		for (size_t i = 0; i < cidrs.n; i++)
			FUZZ_CHECK(TERMINATED(cidrs.items[i]), "ipset entry");
	}
	puq_pve_cidr_list_free(&cidrs);
}

static void check_objects(const json_t *data)
{
	struct puq_error err;

	struct puq_pve_status st;
	fuzz_error_init(&err);
	int rc = puq_pve_parse_status(data, &st, &err);
	fuzz_check_result("puq_pve_parse_status", rc, &err);
	FUZZ_CHECK(TERMINATED(st.status) && TERMINATED(st.qmpstatus) && TERMINATED(st.lock),
	           "status strings");

	struct puq_pve_vnc vnc;
	fuzz_error_init(&err);
	rc = puq_pve_parse_vnc(data, &vnc, &err);
	fuzz_check_result("puq_pve_parse_vnc", rc, &err);
	FUZZ_CHECK(TERMINATED(vnc.ticket) && TERMINATED(vnc.password) &&
	               TERMINATED(vnc.upid) && TERMINATED(vnc.user),
	           "vnc strings");

	struct puq_pve_ticket t;
	fuzz_error_init(&err);
	rc = puq_pve_parse_ticket(data, &t, &err);
	fuzz_check_result("puq_pve_parse_ticket", rc, &err);
	FUZZ_CHECK(TERMINATED(t.username) && TERMINATED(t.ticket) && TERMINATED(t.csrf),
	           "ticket strings");
	if (rc == 0)
		FUZZ_CHECK(strcmp(t.ticket, puq_pve_get_str(data, "ticket")) == 0 &&
		               strcmp(t.csrf, puq_pve_get_str(data, "CSRFPreventionToken")) == 0,
		           "a ticket was kept cut");

	long long vmid = 0;
	fuzz_error_init(&err);
	rc = puq_pve_parse_nextid(data, &vmid, &err);
	fuzz_check_result("puq_pve_parse_nextid", rc, &err);
	if (rc == 0)
		FUZZ_CHECK(vmid >= 100, "next id %lld", vmid);

	struct puq_pve_task task;
	fuzz_error_init(&err);
	rc = puq_pve_parse_task(data, &task, &err);
	fuzz_check_result("puq_pve_parse_task", rc, &err);
	FUZZ_CHECK(TERMINATED(task.exitstatus), "exit status");
	if (rc == 0) {
		FUZZ_CHECK(!(task.running && task.ok), "a task both running and done");
		fuzz_error_init(&err);
		int trc = puq_pve_task_error(&task, "clone", &err);
		fuzz_check_result("puq_pve_task_error", trc, &err);
		FUZZ_CHECK((trc == 0) == (task.running || task.ok), "task error for a good task");
		if (trc)
			FUZZ_CHECK(err.code == PUQ_EPVETASK, "task error %s",
			           puq_error_name(err.code));
	}

	struct puq_buf log = PUQ_BUF_INIT;
	fuzz_error_init(&err);
	rc = puq_pve_parse_task_log(data, &log, &err);
	fuzz_check_result("puq_pve_parse_task_log", rc, &err);
	puq_buf_free(&log);

	char *upid = PUQ_MALLOC(PUQ_PVE_UPID_MAX);
	fuzz_error_init(&err);
	rc = puq_pve_parse_upid_answer(data, upid, &err);
	fuzz_check_result("puq_pve_parse_upid_answer", rc, &err);
	FUZZ_CHECK(fuzz_terminated(upid, PUQ_PVE_UPID_MAX), "UPID not terminated");
	PUQ_FREE(upid);

	/* privileges: the same verdict in a small room and a large one */
	struct puq_pve_missing small[3], large[64];
	size_t ns = puq_pve_check_privileges(data, small, PUQ_ARRAY_LEN(small));
	size_t nl = puq_pve_check_privileges(data, large, PUQ_ARRAY_LEN(large));
	FUZZ_CHECK(ns == nl, "missing privileges: %zu in a small room, %zu in a large one",
	           ns, nl);
	for (size_t i = 0; i < ns && i < PUQ_ARRAY_LEN(small); i++)
		FUZZ_CHECK(strcmp(small[i].priv, large[i].priv) == 0 &&
		               strcmp(small[i].path, large[i].path) == 0 &&
		               TERMINATED(small[i].what),
		           "missing privilege %zu differs with the room", i);
	for (size_t i = 0; i < nl && i < PUQ_ARRAY_LEN(large); i++)
		FUZZ_CHECK(TERMINATED(large[i].priv) && TERMINATED(large[i].path) &&
		               TERMINATED(large[i].what) && large[i].priv[0],
		           "missing privilege %zu", i);
}

static bool known_code(int code)
{
	static const int codes[] = {PUQ_EAUTH,        PUQ_EPVEPERM,   PUQ_EPVEPARAM,
	                            PUQ_EPVENOTFOUND, PUQ_EPVELOCKED, PUQ_EHTTP,
	                            PUQ_EPVE,         PUQ_EPROTO};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(codes); i++)
		if (codes[i] == code)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t head = nl ? (size_t)(nl - (const char *)data) : size;
	char *line = fuzz_cstr(data, head);
	char *end;
	long status = strtol(line, &end, 10);
	if (end == line || status < 0 || status > 999) {
		PUQ_FREE(line);
		return 0;
	}
	char *reason = end + (*end == ' ');
	/* the body as its exact bytes (puq_pve_result takes a length) */
	size_t blen = nl ? size - head - 1 : 0;
	char *body = blen ? PUQ_MALLOC(blen) : NULL;
	if (blen)
		memcpy(body, nl + 1, blen);

	json_t *out = NULL;
	struct puq_error err;
	fuzz_error_init(&err);
	int rc = puq_pve_result(status, reason, body, blen, &out, &err);
	fuzz_check_result("puq_pve_result", rc, &err);
	json_t *again = NULL;
	FUZZ_CHECK(puq_pve_result(status, reason, body, blen, &again, NULL) == rc,
	           "the verdict depends on whether an error is asked for");
	json_decref(again);

	json_error_t jerr;
	json_t *root = blen ? json_loadb(body, blen, 0, &jerr) : NULL;
	bool passes = status == 200 && json_is_object(root);
	FUZZ_CHECK((rc == 0) == passes, "HTTP %ld answer %s", status,
	           rc == 0 ? "accepted" : "refused");
	if (rc == 0) {
		FUZZ_CHECK(out != NULL, "accepted answer without data");
		const json_t *want = json_object_get(root, "data");
		FUZZ_CHECK(want ? out == want || json_equal(out, want) : json_is_null(out),
		           "data is not the envelope's");
		check_lists(out);
		check_objects(out);
	} else {
		FUZZ_CHECK(out == NULL, "refused answer with data");
		FUZZ_CHECK(err.http_status == status, "status %d recorded for %ld",
		           err.http_status, status);
		FUZZ_CHECK(known_code(err.code), "code %s", puq_error_name(err.code));
	}
	json_decref(root);
	json_decref(out);
	PUQ_FREE(body);
	PUQ_FREE(line);
	return 0;
}
