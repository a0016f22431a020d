/*
 * Test databases for cmocka tests (see testdb.h).
 *
 * The connection settings come from the environment scripts/test exports
 * (PUQKVM_DB_HOST, _PORT, _USER, _PASS) or, when a test binary is run by hand, from
 * .state/services.env, found relative to this file. The WHMCS schema is loaded on a
 * connection of its own, because the file sets that session's sql_mode to WHMCS's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testdb.h"

static bool is_root(const char *dir)
{
	char probe[600];
	snprintf(probe, sizeof(probe), "%s/tests/whmcs/schema.sql", dir);
	return access(probe, R_OK) == 0;
}

/* Walks up from start until a directory holding the project is found. */
static bool find_root_from(const char *start, char *out, size_t size)
{
	char dir[512];
	puq_strlcpy(dir, start, sizeof(dir));
	for (;;) {
		if (is_root(dir)) {
			puq_strlcpy(out, dir, size);
			return true;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir)
			return false;
		*slash = '\0';
	}
}

/* The project root: $PUQKVM_ROOT, else found above the working directory or the binary. */
static void project_path(char *out, size_t size, const char *rel)
{
	char root[512] = ".";
	const char *env = getenv("PUQKVM_ROOT");
	char here[512];
	ssize_t n;
	if (env && *env) {
		puq_strlcpy(root, env, sizeof(root));
	} else if (getcwd(here, sizeof(here)) && find_root_from(here, root, sizeof(root))) {
		/* found from the working directory */
	} else if ((n = readlink("/proc/self/exe", here, sizeof(here) - 1)) > 0) {
		here[n] = '\0';
		find_root_from(here, root, sizeof(root));
	}
	snprintf(out, size, "%s/%s", root, rel);
}

/* The value of key from the environment, else from .state/services.env. */
static void setting(const char *key, char *out, size_t size, const char *dflt)
{
	const char *v = getenv(key);
	if (v && *v) {
		puq_strlcpy(out, v, size);
		return;
	}
	puq_strlcpy(out, dflt, size);
	char path[600];
	project_path(path, sizeof(path), ".state/services.env");
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char line[512];
	size_t klen = strlen(key);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) == 0 && line[klen] == '=') {
			char *val = line + klen + 1;
			val[strcspn(val, "\r\n")] = '\0';
			puq_strlcpy(out, val, size);
			break;
		}
	}
	fclose(f);
}

static void base_config(struct puq_db_config *cfg)
{
	char port[16];
	memset(cfg, 0, sizeof(*cfg));
	setting("PUQKVM_DB_HOST", cfg->host, sizeof(cfg->host), "127.0.0.1");
	setting("PUQKVM_DB_PORT", port, sizeof(port), "33061");
	setting("PUQKVM_DB_USER", cfg->user, sizeof(cfg->user), "puqkvm");
	setting("PUQKVM_DB_PASS", cfg->password, sizeof(cfg->password), "");
	cfg->port = (unsigned)atoi(port);
	cfg->lock_wait_timeout = 5;
}

int puq_testdb_exec(struct puq_db *db, const char *sql)
{
	struct puq_error err;
	puq_error_clear(&err);
	int rc = puq_db_exec(db, &err, sql, PUQ_NOARGS, NULL);
	if (rc < 0)
		fprintf(stderr, "testdb: %s: %s\n", sql, err.text);
	return rc;
}

/* Loads tests/whmcs/schema.sql, statement by statement. */
static int load_whmcs(const struct puq_testdb *t)
{
	char path[600];
	project_path(path, sizeof(path), "tests/whmcs/schema.sql");
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "testdb: cannot read %s\n", path);
		return -1;
	}
	struct puq_db *db = puq_testdb_connect(t);
	if (!db) {
		fclose(f);
		return -1;
	}
	struct puq_buf stmt = PUQ_BUF_INIT;
	char line[1024];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "--", 2) == 0)
			continue;
		puq_buf_puts(&stmt, line);
		size_t n = strcspn(line, "\r\n");
		if (n > 0 && line[n - 1] == ';') { /* a statement ends with ; at the end of a line */
			rc = puq_testdb_exec(db, puq_buf_cstr(&stmt));
			puq_buf_reset(&stmt);
		}
	}
	puq_buf_free(&stmt);
	fclose(f);
	puq_db_close(db);
	return rc;
}

int puq_testdb_create(struct puq_testdb *t, bool whmcs_tables)
{
	struct puq_error err;
	struct puq_db *admin;
	memset(t, 0, sizeof(*t));
	base_config(&t->cfg);

	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	srand((unsigned)(now.tv_nsec ^ getpid()));
	snprintf(t->name, sizeof(t->name), "puqkvm_t_%d_%06x", (int)getpid(), rand() & 0xffffff);

	puq_error_clear(&err);
	if (puq_db_open(&admin, &t->cfg, &err) < 0) {
		fprintf(stderr, "testdb: %s (is scripts/services running?)\n", err.text);
		return -1;
	}
	char sql[160];
	/* WHMCS's own database defaults, so that collation handling is exercised */
	snprintf(sql, sizeof(sql), "CREATE DATABASE `%s` CHARACTER SET utf8 COLLATE utf8_unicode_ci",
		t->name);
	int rc = puq_testdb_exec(admin, sql);
	puq_db_close(admin);
	if (rc < 0)
		return -1;

	puq_strlcpy(t->cfg.database, t->name, sizeof(t->cfg.database));
	if (whmcs_tables && load_whmcs(t) < 0) {
		puq_testdb_drop(t);
		return -1;
	}
	t->db = puq_testdb_connect(t);
	if (!t->db) {
		puq_testdb_drop(t);
		return -1;
	}
	return 0;
}

struct puq_db *puq_testdb_connect(const struct puq_testdb *t)
{
	struct puq_error err;
	struct puq_db *db;
	puq_error_clear(&err);
	if (puq_db_open(&db, &t->cfg, &err) < 0) {
		fprintf(stderr, "testdb: %s\n", err.text);
		return NULL;
	}
	return db;
}

void puq_testdb_drop(struct puq_testdb *t)
{
	if (!t->name[0])
		return;
	puq_db_close(t->db);
	t->db = NULL;
	struct puq_db_config cfg = t->cfg;
	cfg.database[0] = '\0';
	struct puq_error err;
	struct puq_db *admin;
	puq_error_clear(&err);
	if (puq_db_open(&admin, &cfg, &err) == 0) {
		char sql[160];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS `%s`", t->name);
		puq_testdb_exec(admin, sql);
		puq_db_close(admin);
	} else {
		fprintf(stderr, "testdb: cannot drop %s: %s\n", t->name, err.text);
	}
	t->name[0] = '\0';
}
