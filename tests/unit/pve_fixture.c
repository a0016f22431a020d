/* Loads tests/fixtures/pve/<name> for the pve unit tests; see pve_fixture.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pve_fixture.h"
#include "puqkvm/pve.h"

int pve_repo_root(char *out, size_t size)
{
	const char *env = getenv("PUQKVM_ROOT");
	char probe[PATH_MAX + 64];
	if (env && *env) {
		snprintf(out, size, "%s", env);
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", out, size - 1);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	for (char *slash; (slash = strrchr(out, '/')) && slash != out;) {
		*slash = '\0';
		snprintf(probe, sizeof(probe), "%s/tests/fixtures/pve", out);
		if (access(probe, R_OK) == 0)
			return 0;
	}
	return -1;
}

char *pve_fixture_text(const char *name, size_t *len)
{
	char root[PATH_MAX], path[PATH_MAX + 128];
	if (pve_repo_root(root, sizeof(root)))
		return NULL;
	snprintf(path, sizeof(path), "%s/tests/fixtures/pve/%s", root, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)size + 1);
	if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[size] = '\0';
		if (len)
			*len = (size_t)size;
	}
	return buf;
}

json_t *pve_fixture_data(const char *name)
{
	size_t len;
	char *text = pve_fixture_text(name, &len);
	json_t *data = NULL;
	if (text) {
		if (puq_pve_result(200, "OK", text, len, &data, NULL) != 0)
			data = NULL;
		free(text);
	}
	return data;
}
