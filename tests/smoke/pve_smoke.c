/*
 * The opt-in smoke test against a real Proxmox VE cluster (scripts/pve-smoke builds and
 * runs it). It drives the engine's own client (src/pve over src/http) through what a
 * deploy does - check the token, clone the template, configure, grow the disk, start,
 * stop, destroy - and prints one line per step, so a provider can check a cluster and a
 * token before going live. Whatever fails, the VM it created is stopped and destroyed.
 *
 * Settings come from the environment (see scripts/pve-smoke --help): PVE_URL, PVE_TOKEN,
 * PVE_NODE, PVE_TEMPLATE, and optionally PVE_FINGERPRINT, PVE_CA_FILE, PVE_STORAGE,
 * PVE_BRIDGE, PVE_VMID, PVE_TIMEOUT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"
#include "puqkvm/pve_conn.h"

static struct puq_http_engine *engine;
static struct puq_pve_conn conn;
static struct puq_error err;
static int failures;
static long task_timeout_ms = 600000;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void report(bool ok, double t0, const char *step, const char *detail)
{
	printf("[%s] %-22s %6.1fs  %s\n", ok ? " ok " : "FAIL", step, now() - t0, detail);
	fflush(stdout);
	if (!ok)
		failures++;
}

static const char *env(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

/* Performs r (freed) and returns 0 or the error code (text in err). */
static int call(struct puq_pve_req *r, json_t **data)
{
	json_t *tmp = NULL;
	puq_error_clear(&err);
	int rc = puq_pve_call(engine, &conn, r, data ? data : &tmp, &err);
	puq_pve_req_free(r);
	json_decref(tmp);
	return rc;
}

/* A task-starting call, then the task; 0 when it ended OK. *started tells whether
 * Proxmox accepted the call (a task ran, so its effects may need undoing). */
static int task_started(struct puq_pve_req *r, char upid[PUQ_PVE_UPID_MAX], bool *started)
{
	json_t *data = NULL;
	struct puq_pve_task t;
	int rc = call(r, &data);
	if (rc == 0)
		rc = puq_pve_parse_upid_answer(data, upid, &err);
	json_decref(data);
	if (started)
		*started = rc == 0;
	if (rc == 0)
		rc = puq_pve_wait_task(engine, &conn, upid, task_timeout_ms, 1000, &t, &err);
	if (rc == 0)
		rc = puq_pve_task_error(&t, "", &err);
	return rc;
}

static int task(struct puq_pve_req *r, char upid[PUQ_PVE_UPID_MAX])
{
	return task_started(r, upid, NULL);
}

static bool cleanup_needed;
static long long vmid;
static const char *node;

static void cleanup(void)
{
	struct puq_pve_req r;
	char upid[PUQ_PVE_UPID_MAX];
	double t0 = now();
	if (!cleanup_needed)
		return;
	puq_pve_req_power(&r, node, vmid, PUQ_PVE_STOP, 0, false);
	task(&r, upid);
	puq_pve_req_destroy(&r, node, vmid, true, true);
	int rc = task(&r, upid);
	char line[PUQ_ERROR_TEXT_MAX + 64];
	if (rc)
		snprintf(line, sizeof(line), "VM %lld: %s", vmid, err.text);
	else
		snprintf(line, sizeof(line), "VM %lld removed", vmid);
	report(rc == 0, t0, "destroy", line);
	cleanup_needed = rc != 0;
}

int main(void)
{
	const char *url = getenv("PVE_URL"), *token = getenv("PVE_TOKEN");
	const char *template_ = getenv("PVE_TEMPLATE");
	node = getenv("PVE_NODE");
	if (!url || !token || !node || !template_) {
		fprintf(stderr, "pve-smoke: set PVE_URL, PVE_TOKEN, PVE_NODE and PVE_TEMPLATE "
						"(scripts/pve-smoke --help)\n");
		return 2;
	}
	task_timeout_ms = atol(env("PVE_TIMEOUT", "600")) * 1000;
	curl_global_init(CURL_GLOBAL_ALL);

	/* the connection, as the server module builds it from a WHMCS server entry */
	char token_id[512], accesshash[1024] = "";
	const char *eq = strrchr(token, '=');
	if (!eq || (size_t)(eq - token) >= sizeof(token_id)) {
		fprintf(stderr, "pve-smoke: PVE_TOKEN must be user@realm!tokenid=secret\n");
		return 2;
	}
	memcpy(token_id, token, (size_t)(eq - token));
	token_id[eq - token] = '\0';
	size_t n = 0;
	if (getenv("PVE_FINGERPRINT"))
		n += (size_t)snprintf(accesshash + n, sizeof(accesshash) - n, "fingerprint=%s\n",
			getenv("PVE_FINGERPRINT"));
	if (getenv("PVE_CA_FILE") && n < sizeof(accesshash))
		snprintf(accesshash + n, sizeof(accesshash) - n, "ca_file=%s\n", getenv("PVE_CA_FILE"));
	char host[300] = "";
	const char *h = strncmp(url, "https://", 8) == 0 ? url + 8 : url;
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(h, "/"), h);
	struct puq_pve_server srv = {.hostname = host, .username = token_id, .password = eq + 1,
		.accesshash = accesshash, .secure = true};
	double t0 = now();
	puq_error_clear(&err);
	if (puq_pve_conn_from_server(&conn, &srv, &err)) {
		report(false, t0, "settings", err.text);
		for (size_t i = 0; i < err.nfields; i++)
			printf("         %s: %s\n", err.fields[i].field, err.fields[i].message);
		return 1;
	}
	conn.timeout_ms = 30000;
	conn.heavy_timeout_ms = 120000;
	struct puq_http_options opt = {.default_timeout_ms = 30000};
	engine = puq_http_engine_new(&opt, &err);
	if (!engine) {
		report(false, t0, "engine", err.text);
		return 1;
	}

	struct puq_pve_req r;
	json_t *data = NULL;
	char line[PUQ_ERROR_TEXT_MAX + 256];
	char upid[PUQ_PVE_UPID_MAX];

	/* 1. reachability, TLS and the token */
	puq_pve_req_version(&r);
	int rc = call(&r, &data);
	snprintf(line, sizeof(line), "%s", err.text);
	if (!rc)
		snprintf(line, sizeof(line), "Proxmox VE %s at %s, token %s",
			puq_pve_get_str(data, "version") ? puq_pve_get_str(data, "version") : "?", host,
			conn.user);
	json_decref(data);
	report(rc == 0, t0, "connect", line);
	if (rc)
		goto out;

	/* 2. privileges */
	t0 = now();
	puq_pve_req_permissions(&r, NULL);
	if ((rc = call(&r, &data)) == 0) {
		struct puq_pve_missing miss[32];
		size_t missing = puq_pve_check_privileges(data, miss, 32);
		snprintf(line, sizeof(line), missing ? "%zu missing:" : "every privilege the module uses",
			missing);
		report(missing == 0, t0, "privileges", line);
		for (size_t i = 0; i < missing && i < 32; i++)
			printf("         %s on %s (%s)\n", miss[i].priv, miss[i].path, miss[i].what);
	} else {
		report(false, t0, "privileges", err.text);
	}
	json_decref(data);

	/* 3. the template and a free VMID */
	t0 = now();
	long long tmpl = atoll(template_);
	puq_pve_req_resources(&r, "vm");
	struct puq_pve_guest_list guests = {0};
	const struct puq_pve_guest *g = NULL;
	if ((rc = call(&r, &data)) == 0 && (rc = puq_pve_parse_guests(data, false, &guests, &err)) == 0)
		rc = puq_pve_find_guest(&guests, tmpl, &g, &err);
	json_decref(data);
	if (rc == 0 && (!g->template_ || strcmp(g->node, node) != 0)) {
		snprintf(line, sizeof(line), "VM %lld on node %s is %s", tmpl, g->node,
			g->template_ ? "a template, but on another node than PVE_NODE" : "not a template");
		report(false, t0, "template", line);
		puq_pve_guest_list_free(&guests);
		goto out;
	}
	if (rc)
		snprintf(line, sizeof(line), "%s", err.text);
	else
		snprintf(line, sizeof(line), "%lld (%s) on %s", tmpl, g->name, g->node);
	report(rc == 0, t0, "template", line);
	puq_pve_guest_list_free(&guests);
	if (rc)
		goto out;

	t0 = now();
	vmid = atoll(env("PVE_VMID", "0"));
	puq_pve_req_nextid(&r, vmid);
	if ((rc = call(&r, &data)) == 0)
		rc = puq_pve_parse_nextid(data, &vmid, &err);
	json_decref(data);
	if (rc)
		snprintf(line, sizeof(line), "%s", err.text);
	else
		snprintf(line, sizeof(line), "VMID %lld is free", vmid);
	report(rc == 0, t0, "nextid", line);
	if (rc)
		goto out;

	/* 4. clone: full onto PVE_STORAGE when given, else linked */
	t0 = now();
	const char *storage = getenv("PVE_STORAGE");
	struct puq_pve_clone cl = {.newid = vmid, .name = "puqkvm-smoke", .storage = storage,
		.full = storage != NULL};
	if ((rc = puq_pve_req_clone(&r, node, tmpl, &cl, &err)) == 0)
		rc = task_started(&r, upid, &cleanup_needed);
	snprintf(line, sizeof(line), "%s clone -> VM %lld%s%s", storage ? "full" : "linked", vmid,
		rc ? ": " : "", rc ? err.text : "");
	report(rc == 0, t0, "clone", line);
	if (rc)
		goto out;

	/* 5. configure: CPU/RAM, the NIC with the clone's MAC, cloud-init user */
	t0 = now();
	puq_pve_req_config_get(&r, node, vmid, false);
	struct puq_pve_disk disk;
	struct puq_pve_net net;
	struct puq_buf nb = PUQ_BUF_INIT;
	if ((rc = call(&r, &data)) == 0)
		rc = puq_pve_config_system_disk(data, &disk, &err);
	const char *net0 = json_string_value(json_object_get(data, "net0"));
	bool have_net = rc == 0 && net0 && puq_pve_net_parse(net0, &net, &err) == 0;
	if (have_net) {
		puq_strlcpy(net.bridge, env("PVE_BRIDGE", net.bridge[0] ? net.bridge : "vmbr0"),
			sizeof(net.bridge));
		rc = puq_pve_net_format(&net, &nb, &err);
	}
	json_decref(data);
	if (rc == 0) {
		puq_pve_req_config_set(&r, node, vmid, true, NULL);
		puq_pve_config_put_int(&r, "cores", 1, &err);
		puq_pve_config_put_int(&r, "memory", 1024, &err);
		puq_pve_config_put(&r, "ciuser", "puqkvm", &err);
		if (have_net)
			puq_pve_config_put(&r, "net0", puq_buf_cstr(&nb), &err);
		rc = task(&r, upid);
	}
	if (rc)
		snprintf(line, sizeof(line), "%s", err.text);
	else
		snprintf(line, sizeof(line), "1 core, 1024 MiB, net0=%s", puq_buf_cstr(&nb));
	report(rc == 0, t0, "configure", line);
	puq_buf_free(&nb);
	if (rc)
		goto out;

	/* 6. grow the system disk */
	t0 = now();
	if ((rc = puq_pve_req_resize(&r, node, vmid, disk.key, "+1G", &err)) == 0)
		rc = task(&r, upid);
	snprintf(line, sizeof(line), "%s +1G%s%s", disk.key, rc ? ": " : "", rc ? err.text : "");
	report(rc == 0, t0, "resize", line);
	if (rc)
		goto out;

	/* 7. start, check, stop */
	t0 = now();
	puq_pve_req_power(&r, node, vmid, PUQ_PVE_START, 0, false);
	if ((rc = task(&r, upid)) == 0) {
		struct puq_pve_status st;
		puq_pve_req_status(&r, node, vmid);
		if ((rc = call(&r, &data)) == 0 && (rc = puq_pve_parse_status(data, &st, &err)) == 0 &&
			strcmp(st.status, "running") != 0)
			rc = puq_error_set(&err, PUQ_ESTATE, "status is %s after start", st.status);
		json_decref(data);
	}
	report(rc == 0, t0, "start", rc ? err.text : "running");
	if (rc)
		goto out;
	t0 = now();
	puq_pve_req_power(&r, node, vmid, PUQ_PVE_STOP, 0, false);
	rc = task(&r, upid);
	report(rc == 0, t0, "stop", rc ? err.text : "stopped");

out:
	cleanup();
	printf("%s: %d step%s failed%s\n", failures ? "FAILED" : "PASSED", failures,
		failures == 1 ? "" : "s",
		cleanup_needed ? " - remove the smoke VM by hand" : "");
	puq_http_engine_free(engine);
	puq_pve_conn_free(&conn);
	curl_global_cleanup();
	return failures ? 1 : 0;
}
