/*
 * Kill points (include/puqkvm/killpoint.h): the crash tests' way to stop a worker dead
 * at a chosen place.
 *
 * The spec is parsed into a small table of (name, the pass that kills, passes so far).
 * Until the first pass the state is "unknown" and the pass reads the environment; after
 * that an unarmed process never comes here again. The kill itself writes one line with
 * write(2) - nothing buffered that a crash would lose or a flush could reorder - and
 * sends SIGKILL to the process, which no handler can intercept: the database sees a
 * dropped connection with an open transaction, Proxmox a client that went away, just as
 * after a power cut of the worker.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "puqkvm/common.h"
#include "puqkvm/killpoint.h"

#define KP_MAX      16
#define KP_NAME_MAX 32

struct kp {
	char name[KP_NAME_MAX];
	unsigned long at;     /* the pass that kills (1 = the first) */
	unsigned long passes;
};

int puq_killpoint_state = -1;
static struct kp points[KP_MAX];
static size_t npoints;

static void say(const char *text)
{
	size_t n = strlen(text);
	while (n > 0) {
		ssize_t w = write(STDERR_FILENO, text, n);
		if (w <= 0)
			return;
		text += w;
		n -= (size_t)w;
	}
}

/* One "name[:N]" entry of length len into *out; false when malformed. */
static bool parse_entry(const char *s, size_t len, struct kp *out)
{
	size_t name_len = 0;
	while (name_len < len && s[name_len] != ':') {
		char c = s[name_len];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
			return false;
		name_len++;
	}
	if (name_len == 0 || name_len >= KP_NAME_MAX)
		return false;
	memset(out, 0, sizeof(*out));
	memcpy(out->name, s, name_len);
	out->at = 1;
	if (name_len < len) {
		const char *num = s + name_len + 1;
		size_t digits = len - name_len - 1;
		if (digits == 0 || digits > 9)
			return false;
		unsigned long at = 0;
		for (size_t i = 0; i < digits; i++) {
			if (num[i] < '0' || num[i] > '9')
				return false;
			at = at * 10 + (unsigned long)(num[i] - '0');
		}
		if (at == 0)
			return false;
		out->at = at;
	}
	return true;
}

int puq_killpoint_arm(const char *spec)
{
	struct kp parsed[KP_MAX];
	size_t n = 0;
	npoints = 0;
	puq_killpoint_state = 0;
	if (!spec)
		spec = getenv("PUQKVM_KILLPOINT");
	if (!spec || !*spec)
		return 0;
	for (const char *p = spec;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (n == KP_MAX || !parse_entry(p, len, &parsed[n])) {
			say("puqkvm: PUQKVM_KILLPOINT ignored: expected name[:N][,name[:N]...] with "
				"names of a-z, 0-9 and _, N from 1, at most 16 entries\n");
			return -1;
		}
		n++;
		if (!end)
			break;
		p = end + 1;
	}
	memcpy(points, parsed, n * sizeof(*parsed));
	npoints = n;
	puq_killpoint_state = 1;
	return 0;
}

void puq_killpoint_pass(const char *name)
{
	if (puq_killpoint_state < 0)
		puq_killpoint_arm(NULL);
	for (size_t i = 0; puq_killpoint_state > 0 && i < npoints; i++) {
		if (strcmp(points[i].name, name) != 0 || ++points[i].passes != points[i].at)
			continue;
		char line[96];
		snprintf(line, sizeof(line), "puqkvm: killpoint %s hit %lu\n", name, points[i].at);
		say(line);
		kill(getpid(), SIGKILL);
		_exit(128 + SIGKILL); /* not reached: SIGKILL cannot be caught */
	}
}
