/*
 * Shared set-up of the engine tests (see vm_fixture.h): the Proxmox simulator in a child
 * process, read through its control endpoint with the engine's own http client pinned to
 * the simulator's certificate, and a private database with a server, services and a pool.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pve_fixture.h"
#include "puqkvm/http.h"
#include "puqkvm/pool.h"
#include "vm_fixture.h"

static int decrypt_identity(void *ctx, const char *cipher, char *out, size_t size,
	struct puq_error *err)
{
	(void)ctx;
	(void)err;
	puq_strlcpy(out, cipher, size);
	return 0;
}

static void collect(void *ctx, const char *text)
{
	struct vm_fixture *f = ctx;
	puq_buf_puts(&f->out, text);
	puq_buf_putc(&f->out, '\n');
	if (getenv("PUQKVM_TEST_VERBOSE"))
		fprintf(stderr, "%s\n", text);
}

static int start_sim(struct vm_fixture *f, const char *const *args)
{
	char root[4096], cli[4200], line[2048];
	int fd[2];
	if (pve_repo_root(root, sizeof(root)) || pipe(fd))
		return -1;
	snprintf(cli, sizeof(cli), "%s/tests/sim/proxmox/cli.js", root);
	const char *argv[32] = {"node", cli};
	size_t n = 2;
	for (size_t i = 0; args && args[i] && n < 30; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	f->sim_pid = fork();
	if (f->sim_pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execvp("node", (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	FILE *fp = fdopen(fd[0], "r");
	if (!fp || !fgets(line, sizeof(line), fp))
		return -1;
	fclose(fp);
	json_t *j = json_loads(line, 0, NULL);
	f->sim_port = (int)json_integer_value(json_object_get(j, "port"));
	snprintf(f->sim_fp, sizeof(f->sim_fp), "%s", json_string_value(json_object_get(j, "fingerprint")));
	json_decref(j);
	return f->sim_port > 0 ? 0 : -1;
}

int vmf_start(struct vm_fixture *f, const char *const *sim_args)
{
	memset(f, 0, sizeof(*f));
	puq_buf_init(&f->out);
	f->hooks.decrypt = decrypt_identity;
	f->hooks.line = collect;
	f->hooks.ctx = f;
	if (start_sim(f, sim_args) < 0) {
		fprintf(stderr, "cannot start the Proxmox simulator\n");
		return -1;
	}
	if (puq_testdb_create(&f->t, true) < 0)
		return -1;
	struct puq_error err;
	struct puq_migrate_report report;
	puq_error_clear(&err);
	puq_migrate_report_init(&report);
	int rc = puq_db_migrate(f->t.db, false, &report, &err);
	puq_migrate_report_free(&report);
	if (rc < 0) {
		fprintf(stderr, "migrate: %s\n", err.text);
		return -1;
	}
	char sql[2048];
	snprintf(sql, sizeof(sql),
		"INSERT INTO tblservers (id, name, ipaddress, assignedips, hostname, noc, statusaddress,"
		" nameserver1, nameserver1ip, nameserver2, nameserver2ip, nameserver3, nameserver3ip,"
		" nameserver4, nameserver4ip, nameserver5, nameserver5ip, type, username, password,"
		" accesshash, secure, port, active, disabled) VALUES (1, 'pve-sim', '127.0.0.1', '',"
		" '127.0.0.1', '', '', '', '', '', '', '', '', '', '', '', '', 'puqProxmoxKVM',"
		" 'automation@pve!ci', '6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e', 'fingerprint=%s', 'on',"
		" %d, 1, 0)",
		f->sim_fp, f->sim_port);
	if (puq_testdb_exec(f->t.db, sql) < 0)
		return -1;
	struct puq_pool_input pool = {.server_id = 1, .type = "IPv4", .bridge = "vmbr0",
		.vlan = "0", .gateway = "192.0.2.1", .mask = "24", .dns1 = "192.0.2.53",
		.start = "192.0.2.10", .stop = "192.0.2.250"};
	long long pid;
	if (puq_pool_create(f->t.db, &pool, &pid, &err) < 0) {
		fprintf(stderr, "pool: %s\n", err.text);
		return -1;
	}
	struct puq_pool_input pool6 = {.server_id = 1, .type = "IPv6", .bridge = "vmbr0",
		.vlan = "0", .gateway = "2001:db8::1", .mask = "64", .start = "2001:db8::10",
		.stop = "2001:db8::ffff"};
	if (puq_pool_create(f->t.db, &pool6, &pid, &err) < 0) {
		fprintf(stderr, "pool6: %s\n", err.text);
		return -1;
	}
	return 0;
}

void vmf_stop(struct vm_fixture *f)
{
	puq_testdb_drop(&f->t);
	if (f->sim_pid > 0) {
		kill(f->sim_pid, SIGTERM);
		waitpid(f->sim_pid, NULL, 0);
		f->sim_pid = 0;
	}
	puq_buf_free(&f->out);
}

json_t *vmf_sim(struct vm_fixture *f, const char *method, const char *name, const char *body)
{
	char url[256];
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/__sim/%s", f->sim_port, name);
	struct puq_http_tls tls = {.pin_sha256 = f->sim_fp, .skip_hostname = true};
	struct puq_http_engine *e = puq_http_engine_new(NULL, NULL);
	struct puq_http_request *r = puq_http_request_new(method, url);
	struct puq_http_response *resp = NULL;
	json_t *out = NULL;
	if (!e || !r)
		goto done;
	r->tls = &tls;
	if (body)
		puq_http_request_body(r, "application/json", body, strlen(body));
	if (puq_http_perform(e, r, &resp, NULL) == 0 && resp->status == 200)
		out = json_loads(resp->body, 0, NULL);
	r = NULL;
done:
	puq_http_request_free(r);
	if (resp)
		puq_http_response_free(resp);
	puq_http_engine_free(e);
	return out;
}

long vmf_pve(struct vm_fixture *f, const char *method, const char *path, const char *form)
{
	char url[512];
	long status = 0;
	snprintf(url, sizeof(url), "https://127.0.0.1:%d/api2/json%s", f->sim_port, path);
	struct puq_http_tls tls = {.pin_sha256 = f->sim_fp, .skip_hostname = true};
	struct puq_http_engine *e = puq_http_engine_new(NULL, NULL);
	struct puq_http_request *r = puq_http_request_new(method, url);
	struct puq_http_response *resp = NULL;
	if (e && r) {
		r->tls = &tls;
		puq_http_request_secret_header(r, "Authorization",
			"PVEAPIToken=automation@pve!ci=6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e");
		if (form)
			puq_http_request_body(r, "application/x-www-form-urlencoded", form, strlen(form));
		if (puq_http_perform(e, r, &resp, NULL) == 0)
			status = resp->status;
		r = NULL;
	}
	puq_http_request_free(r);
	if (resp)
		puq_http_response_free(resp);
	puq_http_engine_free(e);
	return status;
}

long long vmf_calls(struct vm_fixture *f, const char *endpoint)
{
	json_t *c = vmf_sim(f, "GET", "counters", NULL);
	long long n = (long long)json_integer_value(json_object_get(json_object_get(c, "endpoints"),
		endpoint));
	json_decref(c);
	return n;
}

int vmf_service(struct vm_fixture *f, long long id)
{
	char sql[1024];
	snprintf(sql, sizeof(sql),
		"INSERT INTO tblhosting (id, userid, orderid, packageid, server, regdate, domain,"
		" paymentmethod, billingcycle, nextinvoicedate, domainstatus, username, password, notes,"
		" subscriptionid, promoid, suspendreason, overideautosuspend, overidesuspenduntil,"
		" dedicatedip, assignedips, ns1, ns2) VALUES (%lld, 7, 1, 1, 1, '2026-01-01', '', '',"
		" 'Monthly', '2026-01-01', 'Active', '', 'secret-%lld', '', '', 0, '', 0, '2026-01-01',"
		" '', '', '', '')",
		id, id);
	return puq_testdb_exec(f->t.db, sql);
}

int vmf_create(struct vm_fixture *f, long long id, const char *const *settings,
	struct puq_error *err)
{
	char slotv[PUQ_VM_SLOTS][256];
	struct puq_buf extra = PUQ_BUF_INIT;
	struct puq_vm_order o = {.service_id = id, .client_id = 7, .product_id = 1, .server_id = 1};
	memset(slotv, 0, sizeof(slotv));
	for (size_t i = 0; settings && settings[i]; i++) {
		const char *eq = strchr(settings[i], '=');
		for (size_t d = 0; eq && d < puq_vm_settings_count(); d++) {
			const struct puq_vm_setting_def *def = puq_vm_settings_def(d);
			if (strlen(def->name) != (size_t)(eq - settings[i]) ||
				strncmp(def->name, settings[i], (size_t)(eq - settings[i])) != 0)
				continue;
			if (def->slot == PUQ_VM_EXTRA_SLOT)
				puq_buf_printf(&extra, "%s\n", settings[i]);
			else
				snprintf(slotv[def->slot - 1], sizeof(slotv[0]), "%s", eq + 1);
		}
	}
	for (int i = 0; i < PUQ_VM_SLOTS; i++)
		o.slots[i] = slotv[i];
	o.slots[PUQ_VM_EXTRA_SLOT - 1] = puq_buf_cstr(&extra);
	int rc = puq_vm_queue_create(f->t.db, &o, err);
	puq_buf_free(&extra);
	return rc;
}

int vmf_tick(struct vm_fixture *f, struct puq_cron_vm_stats *stats)
{
	struct puq_cron_vm_options opt = {.concurrency = 16};
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_cron_process_vms(f->t.db, &opt, &f->hooks, stats, &err);
	if (rc < 0)
		fprintf(stderr, "tick: %s\n", err.text);
	return rc;
}

const char *vmf_status(struct vm_fixture *f, long long id, char out[64])
{
	struct puq_db_rows *r = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	out[0] = '\0';
	if (puq_db_query(f->t.db, &err, "SELECT vm_status FROM " PUQ_VM_TABLE " WHERE service_id = ?",
			PUQ_ARGS(PUQ_INT(id)), &r) == 0 && r->nrows)
		puq_strlcpy(out, puq_db_cell(r, 0, 0), 64);
	puq_db_rows_free(r);
	return out;
}

long long vmf_int(struct vm_fixture *f, const char *sql)
{
	struct puq_db_rows *r = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	long long v = -1;
	if (puq_db_query(f->t.db, &err, sql, PUQ_NOARGS, &r) == 0 && r->nrows)
		v = puq_db_cell_int(r, 0, 0, -1);
	else if (err.code)
		fprintf(stderr, "vmf_int: %s\n", err.text);
	puq_db_rows_free(r);
	return v;
}
