/*
 * A Node.js simulator (tests/sim/) as a child process of a C unit test.
 *
 * sim_process_start spawns `node <script> --exit-with-stdin [args]` with the repository
 * as working directory and reads the one JSON line the simulator prints when it
 * listens ({"listening": port, "control": "/__sim", "fingerprint": ..., "cert": ...}).
 * The child's stdin is a pipe we hold: if the test crashes, the pipe closes and the
 * simulator exits on its own, so no test leaves a server behind. sim_process_control
 * talks to the /__sim control API with plain libcurl, independent of the engine under
 * test. The repository root is $PUQKVM_ROOT, or found by walking up from the working
 * directory to the folder holding tests/sim.
 */
#ifndef PUQKVM_TEST_SIM_PROCESS_H
#define PUQKVM_TEST_SIM_PROCESS_H

#include <stdbool.h>
#include <sys/types.h>

#include <jansson.h>

struct sim_process {
	pid_t pid;
	int stdin_fd;
	int port;
	bool tls;
	char base[96];         /* "http://127.0.0.1:PORT" or https:// */
	char fingerprint[100]; /* "AB:CD:..." for TLS simulators, else "" */
	char cert[1024];       /* its certificate file (also its CA), else "" */
};

/* Starts script (relative to the repository root) with extra args (NULL-terminated,
 * may be NULL). Returns 0, or -1 with a message on stderr. */
int sim_process_start(struct sim_process *sp, const char *script, const char *const *args);
/* Stops it (SIGTERM, then waits); safe to call twice. */
void sim_process_stop(struct sim_process *sp);
/*
 * Calls the control API: method "GET"/"POST"/"DELETE", name "stats", "faults", ...,
 * body a JSON text or NULL. Returns the parsed answer (new reference) or NULL.
 */
json_t *sim_process_control(struct sim_process *sp, const char *method, const char *name,
	const char *body);
/* Reads one integer from GET stats, by path ("requests.total"); -1 if missing. */
long long sim_process_stat(struct sim_process *sp, const char *path);
/* "<base><path>" into out. */
const char *sim_process_url(const struct sim_process *sp, const char *path, char *out,
	size_t outsz);
/* The repository root (static storage), or NULL. */
const char *sim_process_repo_root(void);

#endif
