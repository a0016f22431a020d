/*
 * The provisioning engine's benchmarks (run by bench/ready_latency and
 * bench/deploy_concurrency), against the Proxmox VE simulator and the MariaDB of
 * scripts/services:
 *
 *   ready_latency: a looping worker is running; a service is ordered (CreateAccount's
 *     queueing call) and the time until its VM is ready is divided by the sum of the
 *     simulated task durations of a deploy (clone 2 s, resize 1 s, start 1 s; every
 *     other call answers at once). It measures what the engine adds to what Proxmox
 *     takes: noticing the order, polling tasks, the steps between. Goal: <= 1.2.
 *
 *   deploy_concurrency: deploys per second of 1,000 VMs by 8 workers driving up to 125
 *     VMs each, divided by deploys per second of 40 VMs driven one at a time, with every
 *     simulator answer delayed 20 ms and no clone cap binding. Printed beside it: the
 *     simulator's request rate and the database's transaction rate during the run, the
 *     two bounds of the first figure. Goal: >= 25.
 *
 *   cron_rss: the peak memory (maximum resident set) of a PHP process running the cron's
 *     processVirtualMachines over 10,000 due VMs, divided by the same over 100 VMs. A
 *     worker holds at most "VMs per worker" of them at a time, so the figure should not
 *     grow with the backlog. The VMs wait in set_dns_records (a DNS resync and back to
 *     ready: the engine's whole path - claim, load, run log, DNS batch, transition,
 *     release - without Proxmox). Goal: <= 1.5.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "puqkvm/cron.h"
#include "puqkvm/pool.h"
#include "puqkvm/settings.h"
#include "puqkvm/vm_store.h"
#include "vm_fixture.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "engine_bench: %s: %s\n", what, why ? why : "failed");
	exit(1);
}

static const char *const product[] = {"os_template=9001", "main_domain=bench.test", "cpu=2",
	"ram=2", "system_disk_size=20", "ipv4_count=1", "ipv6_count=0", "vm_name_rule=b{service_id}",
	NULL};

static void settings(struct vm_fixture *f, const char *const *kv, size_t n)
{
	struct puq_setting_input in[8];
	struct puq_settings s;
	struct puq_error err;
	puq_error_clear(&err);
	for (size_t i = 0; i < n; i++)
		in[i] = (struct puq_setting_input){kv[2 * i], kv[2 * i + 1], strlen(kv[2 * i + 1])};
	if (puq_settings_save(f->t.db, in, n, &s, &err) < 0)
		die("settings", err.text);
	puq_settings_free(&s);
}

static void order(struct vm_fixture *f, long long id)
{
	struct puq_error err;
	puq_error_clear(&err);
	if (vmf_service(f, id) < 0 || vmf_create(f, id, product, &err) < 0)
		die("order", err.text);
}

/* One worker process: claims due VMs until none is left. Writes its commit count to fd. */
static void worker(struct vm_fixture *f, unsigned concurrency, bool loop, int fd)
{
	struct puq_db *db = puq_testdb_connect(&f->t);
	if (!db)
		_exit(2);
	struct puq_cron_vm_options opt = {.concurrency = concurrency, .loop = loop,
		.idle_poll_s = 0.1, .quiet = true};
	struct puq_cron_vm_stats stats;
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_cron_process_vms(db, &opt, &f->hooks, &stats, &err);
	if (rc < 0)
		fprintf(stderr, "worker: %s\n", err.text);
	if (fd >= 0) {
		char buf[96];
		struct puq_db_stats ds;
		puq_db_stats(db, &ds);
		int n = snprintf(buf, sizeof(buf), "%zu %llu\n", stats.commits, ds.executions);
		if (write(fd, buf, (size_t)n) < 0)
			_exit(3);
	}
	puq_db_close(db);
	_exit(rc < 0 ? 1 : 0);
}

static long long count_ready(struct vm_fixture *f)
{
	return vmf_int(f, "SELECT COUNT(*) FROM puqProxmoxKVM_vm_info WHERE vm_status = 'ready'");
}

static int ready_latency(void)
{
	struct vm_fixture f;
	static const char *const args[] = {"--task-ms", "0", NULL};
	if (vmf_start(&f, args) < 0)
		die("setup", "simulator or database");
	json_t *k = vmf_sim(&f, "POST", "knobs",
		"{\"taskMs\": 0, \"taskMsByType\": {\"qmclone\": 2000, \"resize\": 1000, \"qmstart\": 1000}}");
	json_decref(k);
	const double tasks = 4.0;
	pid_t w = fork();
	if (w == 0) {
		f.hooks.line = NULL;
		worker(&f, 8, true, -1);
	}
	usleep(500000); /* the worker is looping */
	double best = 1e9, sum = 0;
	const int rounds = 3;
	for (int i = 0; i < rounds; i++) {
		long long id = 9000 + i;
		double t0 = now_s();
		order(&f, id);
		char st[64];
		while (strcmp(vmf_status(&f, id, st), "ready") != 0) {
			if (now_s() - t0 > 60)
				die("ready_latency", "the VM did not become ready within 60 s");
			usleep(5000);
		}
		double secs = now_s() - t0;
		sum += secs;
		if (secs < best)
			best = secs;
		printf("  round %d: ordered -> ready in %.3f s (tasks %.1f s)\n", i + 1, secs, tasks);
	}
	kill(w, SIGTERM);
	waitpid(w, NULL, 0);
	double mean = sum / rounds;
	printf("bench: ready_latency ratio=%.3f goal=<=1.2 ordered->ready %.3f s mean over %d "
		"deploys / %.1f s of simulated tasks (clone 2 s, resize 1 s, start 1 s); best %.3f s\n",
		mean / tasks, mean, rounds, tasks, best);
	vmf_stop(&f);
	return mean / tasks <= 1.2 ? 0 : 1;
}

/* Deploys n VMs (ids from base) with `workers` processes of `concurrency`; returns secs. */
static unsigned long long statements;

static double deploy(struct vm_fixture *f, long long base, int n, int workers,
	unsigned concurrency, size_t *commits, long long *sim_requests)
{
	for (int i = 0; i < n; i++)
		order(f, base + i);
	json_t *c0 = vmf_sim(f, "GET", "counters", NULL);
	long long req0 = (long long)json_integer_value(json_object_get(c0, "total"));
	json_decref(c0);
	int fds[2];
	if (pipe(fds) < 0)
		die("pipe", NULL);
	double t0 = now_s();
	pid_t pids[16];
	for (int w = 0; w < workers; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(fds[0]);
			f->hooks.line = NULL;
			worker(f, concurrency, false, fds[1]);
		}
	}
	close(fds[1]);
	for (int w = 0; w < workers; w++)
		waitpid(pids[w], NULL, 0);
	double secs = now_s() - t0;
	char buf[4096];
	ssize_t len = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	buf[len > 0 ? len : 0] = '\0';
	*commits = 0;
	statements = 0;
	for (char *p = buf; *p;) {
		*commits += strtoull(p, &p, 10);
		statements += strtoull(p, &p, 10);
		while (*p == '\n' || *p == ' ')
			p++;
	}
	json_t *c1 = vmf_sim(f, "GET", "counters", NULL);
	*sim_requests = (long long)json_integer_value(json_object_get(c1, "total")) - req0;
	json_decref(c1);
	return secs;
}

static int deploy_concurrency(void)
{
	struct vm_fixture f;
	static const char *const args[] = {"--task-ms", "20", NULL};
	if (vmf_start(&f, args) < 0)
		die("setup", "simulator or database");
	json_t *k = vmf_sim(&f, "POST", "knobs", "{\"latencyMs\": 20, \"cloneCap\": 100000}");
	json_decref(k);
	/* room for 1,040 addresses, and no clone cap of ours binding either */
	struct puq_pool_input pool = {.server_id = 1, .type = "IPv4", .bridge = "vmbr0",
		.vlan = "0", .gateway = "10.20.0.1", .mask = "20", .start = "10.20.0.10",
		.stop = "10.20.15.250"};
	struct puq_error err;
	long long pid;
	puq_error_clear(&err);
	if (puq_pool_create(f.t.db, &pool, &pid, &err) < 0)
		die("pool", err.text);
	static const char *const kv[] = {"clone_cap", "1000", "pve_connections", "64",
		"cron_concurrency", "250"};
	settings(&f, kv, 3);

	size_t c1 = 0, cn = 0;
	long long r1 = 0, rn = 0;
	const int small = 40, big = 1000, workers = 8;
	double s1 = deploy(&f, 100000, small, 1, 1, &c1, &r1);
	if (count_ready(&f) != small)
		die("deploy_concurrency", "not every VM of the sequential run is ready");
	double sn = deploy(&f, 200000, big, workers, big / workers, &cn, &rn);
	long long ready = count_ready(&f) - small;
	if (ready != big) {
		fprintf(stderr, "%lld of %d ready\n", ready, big);
		die("deploy_concurrency", "not every VM of the concurrent run is ready");
	}
	double tp1 = small / s1, tpn = big / sn;
	long long clones = vmf_calls(&f, "POST /nodes/{node}/qemu/{vmid}/clone");
	printf("bench: deploy_concurrency ratio=%.1f goal=>=25 %.1f VMs/s (%d VMs, %d workers x %d) "
		"/ %.2f VMs/s (%d VMs one at a time); bounds during the concurrent run: simulator "
		"%.0f requests/s served, database %.0f transactions/s committed\n",
		tpn / tp1, tpn, big, workers, big / workers, tp1, small, rn / sn, cn / sn);
	printf("  sequential: %.2f s, %.0f requests/s, %.0f transactions/s; concurrent: %.2f s, "
		"%lld requests (%.1f per VM), %llu SQL statements (%.1f per VM); clones sent: %lld "
		"for %d VMs; simulator latency 20 ms\n",
		s1, r1 / s1, c1 / s1, sn, rn, (double)rn / big, statements, (double)statements / big,
		clones, small + big);
	vmf_stop(&f);
	return tpn / tp1 >= 25 ? 0 : 1;
}

/* Peak RSS (KiB) of a PHP cron run over n VMs in a fresh database; *secs its run time. */
static long cron_rss(int n, double *secs, long long *processed)
{
	struct puq_testdb t;
	struct puq_error err;
	struct puq_migrate_report rep;
	if (puq_testdb_create(&t, true) < 0)
		die("cron_rss", "database");
	puq_error_clear(&err);
	puq_migrate_report_init(&rep);
	if (puq_db_migrate(t.db, false, &rep, &err) < 0)
		die("migrate", err.text);
	puq_migrate_report_free(&rep);
	char sql[1024];
	snprintf(sql, sizeof(sql),
		"INSERT INTO puqProxmoxKVM_vm_info (service_id, vm_name, fqdn, vm_status, action,"
		" action_seq, due, next_run_at, product, os_username) SELECT seq, CONCAT('vm', seq),"
		" CONCAT('vm', seq, '.rss.test'), 'set_dns_records', 'set_dns_records', 1, 1, NOW(),"
		" '{}', 'user' FROM seq_1_to_%d", n);
	if (puq_testdb_exec(t.db, sql) < 0)
		die("cron_rss", "seeding the VMs");
	char root[4096], script[4200], ext[4200];
	snprintf(root, sizeof(root), "%s", getenv("PUQKVM_ROOT") ? getenv("PUQKVM_ROOT") : ".");
	snprintf(script, sizeof(script), "%s/bench/lib/cron_rss.php", root);
	snprintf(ext, sizeof(ext), "extension=%s", getenv("PUQKVM_EXT") ? getenv("PUQKVM_EXT")
		: "build/release/puqkvm.so");
	int fds[2];
	if (pipe(fds) < 0)
		die("pipe", NULL);
	double t0 = now_s();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		setenv("PUQKVM_BENCH_DB", t.cfg.database, 1);
		execlp("php", "php", "-d", ext, script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char out[256] = "";
	ssize_t len = read(fds[0], out, sizeof(out) - 1);
	close(fds[0]);
	out[len > 0 ? len : 0] = '\0';
	int status = 0;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("cron_rss", "the PHP cron run failed");
	*secs = now_s() - t0;
	*processed = atoll(out);
	long long ready = 0;
	struct puq_db_rows *r = NULL;
	if (puq_db_query(t.db, &err, "SELECT COUNT(*) FROM puqProxmoxKVM_vm_info WHERE vm_status = 'ready'",
			PUQ_NOARGS, &r) == 0)
		ready = puq_db_cell_int(r, 0, 0, 0);
	puq_db_rows_free(r);
	puq_testdb_drop(&t);
	if (ready != n)
		die("cron_rss", "not every VM was processed");
	return ru.ru_maxrss;
}

static int cron_rss_bench(void)
{
	double s_small, s_big;
	long long p_small, p_big;
	long small = cron_rss(100, &s_small, &p_small);
	long big = cron_rss(10000, &s_big, &p_big);
	double ratio = (double)big / (double)small;
	printf("bench: cron_rss ratio=%.2f goal=<=1.5 peak RSS %ld KiB with 10,000 due VMs / %ld KiB "
		"with 100 (PHP cron process, processVirtualMachines)\n", ratio, big, small);
	printf("  100 VMs: %lld runs in %.2f s; 10,000 VMs: %lld runs in %.2f s (%.0f VMs/s)\n",
		p_small, s_small, p_big, s_big, p_big / s_big);
	return ratio <= 1.5 ? 0 : 1;
}

int main(int argc, char **argv)
{
	curl_global_init(CURL_GLOBAL_ALL);
	int rc = 2;
	if (argc > 1 && strcmp(argv[1], "ready_latency") == 0)
		rc = ready_latency();
	else if (argc > 1 && strcmp(argv[1], "deploy_concurrency") == 0)
		rc = deploy_concurrency();
	else if (argc > 1 && strcmp(argv[1], "cron_rss") == 0)
		rc = cron_rss_bench();
	else
		fprintf(stderr, "usage: engine_bench ready_latency|deploy_concurrency|cron_rss\n");
	curl_global_cleanup();
	return rc;
}
