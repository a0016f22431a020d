/*
 * The Proxmox VE client end to end against the simulator (tests/sim/proxmox), through
 * the real libcurl engine over TLS: a whole VM life cycle, then every fault the
 * simulator injects (wrong certificate, bad token, 500s, no answer, lost answer,
 * latency, a dead API address, task failures, pre-5.2 error bodies, parameter errors).
 *
 * The simulator runs as a child process (node tests/sim/proxmox/cli.js); each test
 * resets it through its control endpoint and reads its counters to prove which calls
 * were made - for a refused certificate: none at all.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "pve_fixture.h"
#include "puqkvm/pve.h"
#include "puqkvm/pve_config.h"
#include "puqkvm/pve_conn.h"

static pid_t sim_pid;
static char sim_port[16];
static char sim_fp[100];
static struct puq_http_engine *engine;
static struct puq_error err;

static const char *token_id = "automation@pve!ci";
static const char *token_secret = "6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e";

static int start_sim(void **state)
{
	char root[4096], cli[4200], line[2048];
	int fd[2];
	if (pve_repo_root(root, sizeof(root)) || pipe(fd))
		return -1;
	snprintf(cli, sizeof(cli), "%s/tests/sim/proxmox/cli.js", root);
	sim_pid = fork();
	if (sim_pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execlp("node", "node", cli, "--task-ms", "20", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	if (!f || !fgets(line, sizeof(line), f))
		return -1;
	fclose(f);
	json_t *j = json_loads(line, 0, NULL);
	snprintf(sim_port, sizeof(sim_port), "%lld", (long long)json_integer_value(json_object_get(j, "port")));
	snprintf(sim_fp, sizeof(sim_fp), "%s", json_string_value(json_object_get(j, "fingerprint")));
	json_decref(j);
	struct puq_http_options opt = {.default_timeout_ms = 10000};
	engine = puq_http_engine_new(&opt, NULL);
	return engine ? 0 : -1;
}

static int stop_sim(void **state)
{
	puq_http_engine_free(engine);
	if (sim_pid > 0) {
		kill(sim_pid, SIGTERM);
		waitpid(sim_pid, NULL, 0);
	}
	return 0;
}

/* A connection to the simulator; accesshash adds to the pin. */
static void conn(struct puq_pve_conn *c, const char *accesshash, const char *user,
	const char *secret)
{
	char ah[512];
	snprintf(ah, sizeof(ah), "fingerprint=%s\n%s", sim_fp, accesshash ? accesshash : "");
	struct puq_pve_server s = {.hostname = "127.0.0.1", .port = sim_port,
		.username = user ? user : token_id, .password = secret ? secret : token_secret,
		.accesshash = ah, .secure = true};
	puq_error_clear(&err);
	assert_int_equal(puq_pve_conn_from_server(c, &s, &err), 0);
}

/* POST body as JSON to the simulator's control endpoint; returns the answer (new ref). */
static json_t *control(const char *path, const char *body)
{
	char url[256];
	struct puq_http_response *resp = NULL;
	struct puq_http_tls tls = {.pin_sha256 = sim_fp, .skip_hostname = true};
	snprintf(url, sizeof(url), "https://127.0.0.1:%s%s", sim_port, path);
	struct puq_http_request *r = puq_http_request_new(body ? "POST" : "GET", url);
	r->tls = &tls;
	if (body)
		puq_http_request_body(r, "application/json", body, strlen(body));
	assert_int_equal(puq_http_perform(engine, r, &resp, NULL), 0);
	assert_int_equal(resp->status, 200);
	json_t *j = json_loadb(resp->body, resp->body_len, 0, NULL);
	puq_http_response_free(resp);
	return j;
}

static int reset(void **state)
{
	json_decref(control("/__sim/cluster/reset", "{\"knobs\":{\"taskMs\":20,\"authFailDelayMs\":150}}"));
	puq_error_clear(&err);
	return 0;
}

static long long counter(const char *key)
{
	json_t *c = control("/__sim/counters", NULL);
	long long n = json_integer_value(json_object_get(json_object_get(c, "endpoints"), key));
	json_decref(c);
	return n;
}

static long long total_calls(void)
{
	json_t *c = control("/__sim/counters", NULL);
	long long n = json_integer_value(json_object_get(c, "total"));
	json_decref(c);
	return n;
}

/* Performs r (freed here) and returns the code; *data set on success. */
static int call(struct puq_pve_conn *c, struct puq_pve_req *r, json_t **data)
{
	json_t *tmp = NULL;
	puq_error_clear(&err);
	int rc = puq_pve_call(engine, c, r, data ? data : &tmp, &err);
	puq_pve_req_free(r);
	json_decref(tmp);
	return rc;
}

/* Runs a task-starting request and waits for the task. */
static void run_task(struct puq_pve_conn *c, struct puq_pve_req *r, struct puq_pve_task *t,
	char upid[PUQ_PVE_UPID_MAX])
{
	json_t *data;
	assert_int_equal(call(c, r, &data), 0);
	assert_int_equal(puq_pve_parse_upid_answer(data, upid, &err), 0);
	json_decref(data);
	assert_int_equal(puq_pve_wait_task(engine, c, upid, 10000, 10, t, &err), 0);
}

static void life_cycle(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_req r;
	struct puq_pve_task t;
	char upid[PUQ_PVE_UPID_MAX];
	json_t *data;
	long long vmid;
	conn(&c, NULL, NULL, NULL);

	puq_pve_req_nextid(&r, 0);
	assert_int_equal(call(&c, &r, &data), 0);
	assert_int_equal(puq_pve_parse_nextid(data, &vmid, &err), 0); /* "100", a string */
	json_decref(data);
	assert_int_equal(vmid, 100);

	/* clone the template on shared storage straight to pve2 */
	struct puq_pve_clone cl = {.newid = vmid, .name = "web01", .target = "pve2", .full = false};
	puq_pve_req_clone(&r, "pve1", 9001, &cl, &err);
	run_task(&c, &r, &t, upid);
	assert_true(t.ok);
	struct puq_pve_upid u;
	puq_pve_upid_parse(upid, &u, NULL);
	assert_string_equal(u.id, "9001"); /* the source, not the new VM */

	/* the cluster says where the VM is */
	puq_pve_req_resources(&r, "vm");
	assert_int_equal(call(&c, &r, &data), 0);
	struct puq_pve_guest_list g;
	const struct puq_pve_guest *found;
	assert_int_equal(puq_pve_parse_guests(data, false, &g, &err), 0);
	json_decref(data);
	assert_int_equal(puq_pve_find_guest(&g, vmid, &found, &err), 0);
	assert_string_equal(found->node, "pve2");
	puq_pve_guest_list_free(&g);

	puq_pve_req_config_get(&r, "pve2", vmid, false);
	assert_int_equal(call(&c, &r, &data), 0);
	struct puq_pve_disk disk;
	assert_int_equal(puq_pve_config_system_disk(data, &disk, &err), 0);
	assert_string_equal(disk.key, "scsi0");
	struct puq_pve_net net;
	assert_int_equal(puq_pve_net_parse(json_string_value(json_object_get(data, "net0")), &net, &err), 0);
	const char *digest = json_string_value(json_object_get(data, "digest"));

	/* CPU/RAM, the network with the clone's MAC, cloud-init with SSH keys */
	puq_pve_req_config_set(&r, "pve2", vmid, true, digest);
	json_decref(data);
	assert_int_equal(puq_pve_config_put_int(&r, "cores", 2, &err), 0);
	assert_int_equal(puq_pve_config_put_int(&r, "memory", 4096, &err), 0);
	struct puq_pve_net want = net;
	puq_strlcpy(want.bridge, "vmbr1", sizeof(want.bridge));
	want.tag = 20;
	want.rate = 12.5;
	want.firewall = 1;
	struct puq_buf nb = PUQ_BUF_INIT;
	assert_int_equal(puq_pve_net_format(&want, &nb, &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "net0", puq_buf_cstr(&nb), &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "ipconfig0", "ip=192.0.2.10/24,gw=192.0.2.1", &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "nameserver", "192.0.2.53 2001:db8::53", &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "ciuser", "admin", &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "cipassword", "S3cr=t;&pw", &err), 0);
	assert_int_equal(puq_pve_config_put(&r, "sshkeys", "ssh-ed25519 AAAAC3Nza+/= me@host\n", &err), 0);
	run_task(&c, &r, &t, upid);
	assert_true(t.ok);

	puq_pve_req_config_get(&r, "pve2", vmid, false);
	assert_int_equal(call(&c, &r, &data), 0);
	assert_string_equal(json_string_value(json_object_get(data, "net0")), puq_buf_cstr(&nb));
	assert_string_equal(json_string_value(json_object_get(data, "memory")), "4096");
	assert_string_equal(json_string_value(json_object_get(data, "cipassword")), "**********");
	assert_string_equal(json_string_value(json_object_get(data, "sshkeys")),
		"ssh-ed25519%20AAAAC3Nza%2B%2F%3D%20me%40host%0A");
	json_decref(data);
	puq_buf_free(&nb);

	/* disk limits rewritten on the system disk, then a grow */
	struct puq_pve_disk_limits lim = {.mbps_rd = 100, .mbps_wr = 50, .iops_rd = 500, .iops_wr = 300};
	struct puq_buf db = PUQ_BUF_INIT;
	char tmp[32];
	puq_pve_req_config_get(&r, "pve2", vmid, false);
	assert_int_equal(call(&c, &r, &data), 0);
	assert_int_equal(puq_pve_disk_with_limits(puq_pve_config_value(data, disk.key, tmp, sizeof(tmp)),
						 &lim, &db, &err),
		0);
	json_decref(data);
	puq_pve_req_config_set(&r, "pve2", vmid, false, NULL);
	assert_int_equal(puq_pve_config_put(&r, disk.key, puq_buf_cstr(&db), &err), 0);
	assert_int_equal(call(&c, &r, NULL), 0);
	puq_buf_free(&db);

	assert_int_equal(puq_pve_req_resize(&r, "pve2", vmid, disk.key, "+5G", &err), 0);
	run_task(&c, &r, &t, upid);
	assert_true(t.ok);

	puq_pve_req_power(&r, "pve2", vmid, PUQ_PVE_START, 0, false);
	run_task(&c, &r, &t, upid);
	assert_true(t.ok);
	puq_pve_req_status(&r, "pve2", vmid);
	assert_int_equal(call(&c, &r, &data), 0);
	struct puq_pve_status st;
	assert_int_equal(puq_pve_parse_status(data, &st, &err), 0);
	json_decref(data);
	assert_string_equal(st.status, "running");

	/* a running VM cannot be destroyed */
	puq_pve_req_destroy(&r, "pve2", vmid, true, true);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EPVE);
	assert_non_null(strstr(err.text, "is running - destroy failed"));

	puq_pve_req_power(&r, "pve2", vmid, PUQ_PVE_SHUTDOWN, 30, true);
	run_task(&c, &r, &t, upid);
	assert_true(t.ok);
	puq_pve_req_destroy(&r, "pve2", vmid, true, true);
	run_task(&c, &r, &t, upid);
	assert_true(t.ok);
	puq_pve_req_config_get(&r, "pve2", vmid, false);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EPVENOTFOUND);
	assert_int_equal(err.http_status, 500);

	/* the calls made, exactly */
	assert_int_equal(counter("POST /nodes/{node}/qemu/{vmid}/clone"), 1);
	assert_int_equal(counter("PUT /nodes/{node}/qemu/{vmid}/resize"), 1);
	assert_int_equal(counter("DELETE /nodes/{node}/qemu/{vmid}"), 2);
	puq_pve_conn_free(&c);
}

/* Errors inside tasks: start of a missing VM is a UPID whose task fails. */
static void errors_inside_tasks(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_req r;
	struct puq_pve_task t;
	char upid[PUQ_PVE_UPID_MAX];
	conn(&c, NULL, NULL, NULL);
	puq_pve_req_power(&r, "pve1", 777, PUQ_PVE_START, 0, false);
	run_task(&c, &r, &t, upid);
	assert_false(t.ok);
	assert_int_equal(puq_pve_task_error(&t, "start", &err), -PUQ_EPVETASK);
	assert_non_null(strstr(err.text, "777.conf' does not exist"));

	/* vzdump on a node without the VM: "OK", no task */
	struct puq_pve_backup b = {.storage = "pbs"};
	json_t *data;
	puq_pve_req_vzdump(&r, "pve2", 9000, &b);
	assert_int_equal(call(&c, &r, &data), 0);
	assert_int_equal(puq_pve_parse_upid_answer(data, upid, &err), -PUQ_EPVE);
	json_decref(data);

	/* a task failing in the worker (knob) */
	json_decref(control("/__sim/knobs", "{\"taskFailRate\":1}"));
	puq_pve_req_power(&r, "pve1", 9000, PUQ_PVE_STOP, 0, false);
	run_task(&c, &r, &t, upid);
	assert_false(t.ok);
	assert_non_null(strstr(t.exitstatus, "simulated worker failure"));
	puq_pve_conn_free(&c);
}

/* A wrong pin refuses the handshake: not one request reaches the server. */
static void tls_pin_checked_before_credentials(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_req r;
	struct puq_pve_server s = {.hostname = "127.0.0.1", .port = sim_port, .username = token_id,
		.password = token_secret, .secure = true,
		.accesshash = "fingerprint=00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF"};
	assert_int_equal(puq_pve_conn_from_server(&c, &s, &err), 0);
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_ETLS);
	assert_null(strstr(err.text, token_secret));
	puq_pve_conn_free(&c);

	/* no pin, no CA: the self-signed certificate is refused as well */
	s.accesshash = "";
	puq_error_clear(&err);
	assert_int_equal(puq_pve_conn_from_server(&c, &s, &err), 0);
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_ETLS);
	puq_pve_conn_free(&c);
	assert_int_equal(total_calls(), 0);
}

static void auth_and_permissions(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_req r;
	json_t *data;
	conn(&c, NULL, NULL, "00000000-0000-0000-0000-000000000000");
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EAUTH);
	assert_int_equal(err.http_status, 401);
	assert_null(strstr(err.text, "00000000-0000"));
	puq_pve_conn_free(&c);

	/* an auditor token reads, but may not clone; the check names what is missing */
	conn(&c, NULL, "audit@pve!ro", "0b8d2f4e-1c3a-4e5f-9a7b-6c5d4e3f2a1b");
	struct puq_pve_clone cl = {.newid = 150, .full = true};
	puq_pve_req_clone(&r, "pve1", 9001, &cl, &err);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EPVEPERM);
	assert_int_equal(err.http_status, 403);
	assert_non_null(strstr(err.text, "VM.Clone"));
	puq_pve_req_permissions(&r, NULL);
	assert_int_equal(call(&c, &r, &data), 0);
	struct puq_pve_missing miss[32];
	size_t n = puq_pve_check_privileges(data, miss, 32);
	json_decref(data);
	assert_int_equal(n, 16);
	puq_pve_conn_free(&c);

	/* ticket auth: login, then a write carrying the CSRF token */
	conn(&c, "auth=ticket", "root@pam", "proxmox-root-pass");
	puq_pve_req_config_set(&r, "pve1", 9000, false, NULL);
	puq_pve_config_put(&r, "description", "golden image", &err);
	assert_int_equal(call(&c, &r, NULL), 0);
	assert_non_null(c.ticket);
	assert_int_equal(counter("POST /access/ticket"), 1);
	/* an expired ticket (2 h) is renewed once by logging in again */
	c.ticket[strlen(c.ticket) - 2] ^= 1;
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), 0);
	assert_int_equal(counter("POST /access/ticket"), 2);
	puq_pve_conn_free(&c);

	/* a wrong password: one failed login, no loop */
	conn(&c, "auth=ticket", "root@pam", "wrong-password");
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EAUTH);
	assert_int_equal(counter("POST /access/ticket"), 3);
	puq_pve_conn_free(&c);
}

static void faults(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_req r;
	conn(&c, NULL, NULL, NULL);

	json_decref(control("/__sim/knobs", "{\"error500Rate\":1}"));
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EPVE);
	assert_int_equal(err.http_status, 500);
	assert_non_null(strstr(err.text, "simulated internal error"));

	/* no answer at all: the client's timeout ends it */
	json_decref(control("/__sim/knobs", "{\"error500Rate\":0,\"timeoutRate\":1}"));
	c.timeout_ms = 300;
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_ETIMEOUT);
	assert_non_null(strstr(err.text, "did not answer"));

	/* latency beyond the timeout */
	json_decref(control("/__sim/knobs", "{\"timeoutRate\":0,\"latencyMs\":600}"));
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_ETIMEOUT);
	c.timeout_ms = 10000;
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), 0);

	/* executed, but the answer is lost: an error for the client, a call for the server */
	json_decref(control("/__sim/knobs", "{\"latencyMs\":0,\"lostAnswerRate\":1}"));
	long long before = counter("POST /nodes/{node}/qemu/{vmid}/status/start");
	puq_pve_req_power(&r, "pve1", 9000, PUQ_PVE_START, 0, false);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EHTTP);
	/* libcurl re-sends a request once when a reused connection dies before any answer
	 * byte, so a lost answer may mean two executions: task-starting steps must find
	 * their result by VMID, never trust "no answer" to mean "not done" */
	long long after = counter("POST /nodes/{node}/qemu/{vmid}/status/start");
	assert_true(after >= before + 1 && after <= before + 2);

	/* a connection reset before anything was done */
	json_decref(control("/__sim/knobs", "{\"lostAnswerRate\":0,\"resetRate\":1}"));
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EHTTP);
	assert_non_null(strstr(err.text, "did not answer"));

	/* before pve-http-server 5.2.0 the text is only in the reason phrase */
	json_decref(control("/__sim/knobs", "{\"resetRate\":0,\"messageField\":false}"));
	puq_pve_req_config_get(&r, "pve3", 4242, false);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EPVENOTFOUND);
	assert_non_null(strstr(err.text, "qemu-server/4242.conf' does not exist"));

	/* a parameter Proxmox refuses: its own 400 with the errors map */
	puq_pve_req_config_set(&r, "pve1", 9000, false, NULL);
	puq_pve_req_str(&r, "net0", "virtio,bridge=vmbr0,tag=5000");
	assert_int_equal(call(&c, &r, NULL), -PUQ_EPVEPARAM);
	assert_non_null(strstr(err.text, "net0.tag: value must have a maximum value of 4094"));
	puq_pve_conn_free(&c);
}

/* A dead first API address: the next one answers. */
static void failover(void **state)
{
	struct puq_pve_conn c;
	struct puq_pve_req r;
	char ah[512];
	snprintf(ah, sizeof(ah), "fingerprint=%s\nhosts=127.0.0.1:%s", sim_fp, sim_port);
	struct puq_pve_server s = {.hostname = "127.0.0.1", .port = "1", .username = token_id,
		.password = token_secret, .accesshash = ah, .secure = true};
	assert_int_equal(puq_pve_conn_from_server(&c, &s, &err), 0);
	assert_int_equal(c.nhosts, 2);
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), 0);
	assert_int_equal(c.current, 1);
	puq_pve_conn_free(&c);

	/* every address dead: the error names the last one tried */
	struct puq_pve_server dead = {.hostname = "127.0.0.1", .port = "1", .username = token_id,
		.password = token_secret, .accesshash = "hosts=127.0.0.1:2", .secure = true};
	assert_int_equal(puq_pve_conn_from_server(&c, &dead, &err), 0);
	puq_pve_req_nodes(&r);
	assert_int_equal(call(&c, &r, NULL), -PUQ_EHTTP);
	assert_non_null(strstr(err.text, "127.0.0.1:2"));
	puq_pve_conn_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(life_cycle, reset),
		cmocka_unit_test_setup(errors_inside_tasks, reset),
		cmocka_unit_test_setup(tls_pin_checked_before_credentials, reset),
		cmocka_unit_test_setup(auth_and_permissions, reset),
		cmocka_unit_test_setup(faults, reset),
		cmocka_unit_test_setup(failover, reset),
	};
	return cmocka_run_group_tests_name("pve_sim", tests, start_sim, stop_sim);
}
