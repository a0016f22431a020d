/*
 * Kill points (src/base/killpoint.c): each case runs in a child process, which is armed
 * with a spec and passes kill points; the parent reads how the child ended. A kill
 * point must end the child by SIGKILL exactly at its N-th pass and say so on stderr,
 * leave it alone otherwise, and ignore a malformed spec with one line of warning.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "puqkvm/killpoint.h"

struct outcome {
	bool killed;       /* ended by SIGKILL */
	int exit_code;     /* when it exited */
	int passes;        /* passes made before the end (written to a pipe one byte each) */
	char stderr_text[256];
};

/* Runs passes of the names in `script` (one letter per pass: a, b) in a child armed by
 * arming (a spec, or NULL with env set to PUQKVM_KILLPOINT's value). */
static struct outcome run_child(const char *spec, const char *env, const char *script)
{
	int out[2], errp[2];
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(errp), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(out[0]);
		close(errp[0]);
		dup2(errp[1], STDERR_FILENO);
		if (env)
			setenv("PUQKVM_KILLPOINT", env, 1);
		else
			unsetenv("PUQKVM_KILLPOINT");
		if (spec)
			puq_killpoint_arm(spec);
		else
			puq_killpoint_state = -1; /* as a fresh process: read the variable */
		for (const char *s = script; *s; s++) {
			puq_killpoint(*s == 'a' ? "clone_accepted" : "pool_claim");
			if (write(out[1], "x", 1) != 1)
				_exit(3);
		}
		_exit(0);
	}
	close(out[1]);
	close(errp[1]);
	struct outcome o;
	memset(&o, 0, sizeof(o));
	char buf[64];
	ssize_t n;
	while ((n = read(out[0], buf, sizeof(buf))) > 0)
		o.passes += (int)n;
	size_t got = 0;
	while (got < sizeof(o.stderr_text) - 1 &&
		(n = read(errp[0], o.stderr_text + got, sizeof(o.stderr_text) - 1 - got)) > 0)
		got += (size_t)n;
	close(out[0]);
	close(errp[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	o.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return o;
}

static void test_unset_never_kills(void **state)
{
	struct outcome o = run_child(NULL, NULL, "aabbab");
	assert_false(o.killed);
	assert_int_equal(o.exit_code, 0);
	assert_int_equal(o.passes, 6);
	assert_string_equal(o.stderr_text, "");
}

static void test_first_pass_kills_by_default(void **state)
{
	struct outcome o = run_child(NULL, "pool_claim", "aabba");
	assert_true(o.killed);
	assert_int_equal(o.passes, 2); /* the two clone passes, then the first pool_claim */
	assert_string_equal(o.stderr_text, "puqkvm: killpoint pool_claim hit 1\n");
}

static void test_nth_pass_and_several_points(void **state)
{
	/* whichever point reaches its count first ends the process */
	struct outcome o = run_child("clone_accepted:3,pool_claim:2", NULL, "abaab");
	assert_true(o.killed);
	assert_int_equal(o.passes, 3); /* a, b, a passed; the third a kills before pool_claim:2 */
	assert_string_equal(o.stderr_text, "puqkvm: killpoint clone_accepted hit 3\n");
	o = run_child("clone_accepted:9", NULL, "aaaa");
	assert_false(o.killed);
	assert_int_equal(o.passes, 4);
}

static void test_malformed_spec_arms_nothing(void **state)
{
	static const char *bad[] = {"Clone", "clone:", "clone:0", "clone:x", ",", "a,,b",
		"clone:1234567890", "a-b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct outcome o = run_child(NULL, bad[i], "aab");
		assert_false(o.killed);
		assert_int_equal(o.passes, 3);
		assert_non_null(strstr(o.stderr_text, "PUQKVM_KILLPOINT ignored"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unset_never_kills),
		cmocka_unit_test(test_first_pass_kills_by_default),
		cmocka_unit_test(test_nth_pass_and_several_points),
		cmocka_unit_test(test_malformed_spec_arms_nothing),
	};
	return cmocka_run_group_tests_name("killpoint", tests, NULL, NULL);
}
