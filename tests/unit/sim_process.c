/*
 * Runs a tests/sim/ simulator as a child process for C tests (see sim_process.h).
 * posix_spawnp starts node with pipes on stdin and stdout; the announcement line is
 * read with poll() and a deadline, so a simulator that fails to start fails the test
 * within seconds instead of hanging it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "sim_process.h"

extern char **environ;

const char *sim_process_repo_root(void)
{
	static char root[1024];
	if (root[0])
		return root;
	const char *env = getenv("PUQKVM_ROOT");
	if (env && *env) {
		snprintf(root, sizeof(root), "%s", env);
		return root;
	}
	char dir[1024], probe[1100];
	struct stat st;
	if (!getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		snprintf(probe, sizeof(probe), "%s/tests/sim/lib/base.js", dir);
		if (stat(probe, &st) == 0) {
			snprintf(root, sizeof(root), "%s", dir);
			return root;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return NULL;
		*slash = '\0';
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads the first line of fd within timeout_ms into buf. */
static int read_line(int fd, char *buf, size_t bufsz, int timeout_ms)
{
	size_t len = 0;
	long long deadline = now_ms() + timeout_ms;
	while (len + 1 < bufsz) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int rc = poll(&p, 1, (int)left);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc <= 0)
			return -1;
		ssize_t n = read(fd, buf + len, 1);
		if (n <= 0)
			return -1;
		if (buf[len] == '\n') {
			buf[len] = '\0';
			return 0;
		}
		len++;
	}
	return -1;
}

int sim_process_start(struct sim_process *sp, const char *script, const char *const *args)
{
	memset(sp, 0, sizeof(*sp));
	sp->pid = -1;
	sp->stdin_fd = -1;
	const char *root = sim_process_repo_root();
	if (!root) {
		fprintf(stderr, "sim_process: repository root not found (set PUQKVM_ROOT)\n");
		return -1;
	}
	char path[1200];
	snprintf(path, sizeof(path), "%s/%s", root, script);

	const char *argv[24] = {"node", path, "--exit-with-stdin"};
	size_t argc = 3;
	for (size_t i = 0; args && args[i] && argc + 1 < sizeof(argv) / sizeof(argv[0]); i++)
		argv[argc++] = args[i];
	argv[argc] = NULL;

	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addchdir_np(&fa, root);
	int rc = posix_spawnp(&sp->pid, "node", &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	if (rc != 0) {
		fprintf(stderr, "sim_process: cannot run node: %s\n", strerror(rc));
		close(in[1]);
		close(out[0]);
		sp->pid = -1;
		return -1;
	}
	sp->stdin_fd = in[1];

	char line[4096];
	json_error_t jerr;
	json_t *info = NULL;
	if (read_line(out[0], line, sizeof(line), 15000) == 0)
		info = json_loads(line, 0, &jerr);
	close(out[0]);
	json_t *port = json_object_get(info, "listening");
	if (!json_is_integer(port)) {
		fprintf(stderr, "sim_process: %s did not announce its port\n", script);
		json_decref(info);
		sim_process_stop(sp);
		return -1;
	}
	sp->port = (int)json_integer_value(port);
	sp->tls = json_is_true(json_object_get(info, "tls"));
	snprintf(sp->base, sizeof(sp->base), "%s://127.0.0.1:%d", sp->tls ? "https" : "http",
		sp->port);
	const char *fp = json_string_value(json_object_get(info, "fingerprint"));
	const char *cert = json_string_value(json_object_get(info, "cert"));
	snprintf(sp->fingerprint, sizeof(sp->fingerprint), "%s", fp ? fp : "");
	snprintf(sp->cert, sizeof(sp->cert), "%s", cert ? cert : "");
	json_decref(info);
	return 0;
}

void sim_process_stop(struct sim_process *sp)
{
	if (sp->stdin_fd >= 0) {
		close(sp->stdin_fd);
		sp->stdin_fd = -1;
	}
	if (sp->pid > 0) {
		kill(sp->pid, SIGTERM);
		int status;
		while (waitpid(sp->pid, &status, 0) < 0 && errno == EINTR)
			;
		sp->pid = -1;
	}
}

const char *sim_process_url(const struct sim_process *sp, const char *path, char *out,
	size_t outsz)
{
	snprintf(out, outsz, "%s%s", sp->base, path);
	return out;
}

static size_t collect(char *data, size_t size, size_t n, void *userp)
{
	char **buf = userp;
	size_t old = *buf ? strlen(*buf) : 0, add = size * n;
	char *grown = realloc(*buf, old + add + 1);
	if (!grown)
		return 0;
	memcpy(grown + old, data, add);
	grown[old + add] = '\0';
	*buf = grown;
	return add;
}

json_t *sim_process_control(struct sim_process *sp, const char *method, const char *name,
	const char *body)
{
	char url[256];
	snprintf(url, sizeof(url), "%s/__sim/%s", sp->base, name);
	CURL *h = curl_easy_init();
	if (!h)
		return NULL;
	char *text = NULL;
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &text);
	if (body)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	if (sp->tls)
		curl_easy_setopt(h, CURLOPT_CAINFO, sp->cert);
	CURLcode rc = curl_easy_perform(h);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	json_t *j = NULL;
	if (rc == CURLE_OK && text) {
		json_error_t jerr;
		j = json_loads(text, JSON_DECODE_ANY, &jerr);
	}
	free(text);
	return j;
}

long long sim_process_stat(struct sim_process *sp, const char *path)
{
	json_t *stats = sim_process_control(sp, "GET", "stats", NULL);
	json_t *v = stats;
	char key[64];
	const char *p = path;
	while (v && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		v = json_object_get(v, key);
		p += n + (p[n] == '.');
	}
	long long out = json_is_integer(v) ? json_integer_value(v) : -1;
	json_decref(stats);
	return out;
}
