/*
 * The store room against a real MariaDB (src/store/db.c, stmt.c, rows.c, txn.c,
 * config.c): statements and their parameters, binary and NULL cells, error mapping,
 * the statement cache, lost connections, and transactions, including a real deadlock
 * between two threads.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "puqkvm/store.h"
#include "testdb.h"

static int setup(void **state)
{
	static struct puq_testdb t;
	if (puq_testdb_create(&t, false) < 0)
		return -1;
	if (puq_testdb_exec(t.db,
			"CREATE TABLE items (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
			"name VARCHAR(64) NOT NULL, qty BIGINT NULL, price DOUBLE NULL, data BLOB NULL, "
			"big BIGINT UNSIGNED NULL, UNIQUE KEY name (name)) ENGINE=InnoDB") < 0 ||
		puq_testdb_exec(t.db,
			"CREATE TABLE counters (id INT NOT NULL PRIMARY KEY, v INT NOT NULL DEFAULT 0) "
			"ENGINE=InnoDB") < 0 ||
		puq_testdb_exec(t.db, "INSERT INTO counters (id, v) VALUES (1, 0), (2, 0)") < 0)
		return -1;
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	if (*state)
		puq_testdb_drop(*state);
	return 0;
}

static int clean_items(void **state)
{
	struct puq_testdb *t = *state;
	return puq_testdb_exec(t->db, "DELETE FROM items") < 0 ? -1 : 0;
}

static long long count_items(struct puq_db *db)
{
	struct puq_error err;
	struct puq_db_rows *rows;
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(db, &err, "SELECT COUNT(*) FROM items", PUQ_NOARGS, &rows), 0);
	long long n = puq_db_cell_int(rows, 0, 0, -1);
	puq_db_rows_free(rows);
	return n;
}

/* ---- statements ------------------------------------------------------------------------ */

static void parameters_of_every_type_round_trip(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	unsigned long long affected = 0;
	puq_error_clear(&err);

	assert_int_equal(puq_db_exec(t->db, &err,
		"INSERT INTO items (name, qty, price, data, big) VALUES (?, ?, ?, ?, ?)",
		PUQ_ARGS(PUQ_TEXT("žluťoučký kůň"), PUQ_INT(-42), PUQ_DOUBLE(2.5),
			PUQ_BLOB("ab", 2), PUQ_UINT(18446744073709551615ULL)), &affected), 0);
	assert_int_equal(affected, 1);
	unsigned long long id = puq_db_insert_id(t->db);
	assert_true(id > 0);

	struct puq_db_rows *rows;
	assert_int_equal(puq_db_query(t->db, &err,
		"SELECT id, name, qty, price, data, big FROM items WHERE id = ?",
		PUQ_ARGS(PUQ_UINT(id)), &rows), 0);
	assert_int_equal(rows->nrows, 1);
	assert_int_equal(rows->ncols, 6);
	assert_int_equal(puq_db_col(rows, "price"), 3);
	assert_int_equal(puq_db_col(rows, "nope"), -1);
	assert_int_equal(puq_db_cell_int(rows, 0, 0, 0), (long long)id);
	assert_string_equal(puq_db_cell(rows, 0, 1), "žluťoučký kůň");
	assert_int_equal(puq_db_cell_len(rows, 0, 1), strlen("žluťoučký kůň"));
	assert_int_equal(puq_db_cell_int(rows, 0, 2, 0), -42);
	assert_string_equal(puq_db_cell(rows, 0, 3), "2.5");
	assert_string_equal(puq_db_cell(rows, 0, 4), "ab");
	assert_string_equal(puq_db_cell(rows, 0, 5), "18446744073709551615");
	/* out of range reads as NULL, never as a crash */
	assert_null(puq_db_cell(rows, 1, 0));
	assert_null(puq_db_cell(rows, 0, 6));
	assert_int_equal(puq_db_cell_int(rows, 5, 5, 77), 77);
	puq_db_rows_free(rows);
}

static void nulls_are_distinct_from_empty_strings(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	const char *no_name = NULL;
	puq_error_clear(&err);

	assert_int_equal(puq_db_exec(t->db, &err,
		"INSERT INTO items (name, qty, data) VALUES (?, ?, ?)",
		PUQ_ARGS(PUQ_TEXT(""), PUQ_NULL, PUQ_TEXT(no_name)), NULL), 0);
	struct puq_db_rows *rows;
	assert_int_equal(puq_db_query(t->db, &err, "SELECT name, qty, data FROM items",
		PUQ_NOARGS, &rows), 0);
	assert_int_equal(rows->nrows, 1);
	assert_non_null(puq_db_cell(rows, 0, 0));
	assert_string_equal(puq_db_cell(rows, 0, 0), "");
	assert_null(puq_db_cell(rows, 0, 1));
	assert_null(puq_db_cell(rows, 0, 2));
	assert_int_equal(puq_db_cell_int(rows, 0, 1, -5), -5);
	puq_db_rows_free(rows);
}

static void binary_cells_of_any_size_arrive_whole(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	puq_error_clear(&err);

	/* every byte value, NULs included, and longer than any first fetch buffer */
	size_t n = 60000;
	unsigned char *blob = malloc(n);
	assert_non_null(blob);
	for (size_t i = 0; i < n; i++)
		blob[i] = (unsigned char)(i * 7 + (i >> 8));
	blob[0] = 0;
	blob[n - 1] = 0;

	assert_int_equal(puq_db_exec(t->db, &err, "INSERT INTO items (name, data) VALUES (?, ?), (?, ?)",
		PUQ_ARGS(PUQ_TEXT("big"), PUQ_BLOB(blob, n), PUQ_TEXT("small"), PUQ_BLOB("\0x\0", 3)),
		NULL), 0);
	struct puq_db_rows *rows;
	assert_int_equal(puq_db_query(t->db, &err,
		"SELECT name, data, LENGTH(data) FROM items ORDER BY name", PUQ_NOARGS, &rows), 0);
	assert_int_equal(rows->nrows, 2);
	assert_string_equal(puq_db_cell(rows, 0, 0), "big");
	assert_int_equal(puq_db_cell_len(rows, 0, 1), n);
	assert_memory_equal(puq_db_cell(rows, 0, 1), blob, n);
	assert_int_equal(puq_db_cell_int(rows, 0, 2, 0), (long long)n);
	/* the row after a long cell is fetched with the grown buffer */
	assert_string_equal(puq_db_cell(rows, 1, 0), "small");
	assert_int_equal(puq_db_cell_len(rows, 1, 1), 3);
	assert_memory_equal(puq_db_cell(rows, 1, 1), "\0x\0", 3);
	puq_db_rows_free(rows);
	free(blob);
}

static void empty_results_have_columns_and_no_rows(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	struct puq_db_rows *rows;
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(t->db, &err, "SELECT id, name FROM items WHERE id = ?",
		PUQ_ARGS(PUQ_INT(-1)), &rows), 0);
	assert_int_equal(rows->nrows, 0);
	assert_int_equal(rows->ncols, 2);
	assert_string_equal(rows->names[1], "name");
	assert_null(puq_db_cell(rows, 0, 0));
	puq_db_rows_free(rows);
}

/* ---- errors ----------------------------------------------------------------------------- */

static void duplicate_key_is_its_own_error(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_db_exec(t->db, &err, "INSERT INTO items (name) VALUES (?)",
		PUQ_ARGS(PUQ_TEXT("once")), NULL), 0);
	assert_int_equal(puq_db_exec(t->db, &err, "INSERT INTO items (name) VALUES (?)",
		PUQ_ARGS(PUQ_TEXT("once")), NULL), -PUQ_EDUPLICATE);
	assert_int_equal(err.code, PUQ_EDUPLICATE);
	assert_non_null(strstr(err.text, "1062"));
	assert_int_equal(count_items(t->db), 1);
}

static void other_errors_are_mapped(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	struct puq_db_rows *rows = (struct puq_db_rows *)1;

	puq_error_clear(&err);
	assert_int_equal(puq_db_query(t->db, &err, "SELEKT 1", PUQ_NOARGS, &rows), -PUQ_EDB);
	assert_null(rows);
	assert_non_null(strstr(err.text, "1064"));

	puq_error_clear(&err);
	assert_int_equal(puq_db_exec(t->db, &err, "UPDATE no_such_table SET x = 1", PUQ_NOARGS,
		NULL), -PUQ_ESCHEMA);
	assert_non_null(strstr(err.text, "run the migrations"));

	puq_error_clear(&err);
	assert_int_equal(puq_db_exec(t->db, &err, "UPDATE items SET name = ? WHERE id = ?",
		PUQ_ARGS(PUQ_TEXT("x")), NULL), -PUQ_EINTERNAL);
	assert_non_null(strstr(err.text, "expects 2 parameters but 1"));

	/* strict session: too long a value is refused, not cut */
	puq_error_clear(&err);
	char longname[100];
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(puq_db_exec(t->db, &err, "INSERT INTO items (name) VALUES (?)",
		PUQ_ARGS(PUQ_TEXT(longname)), NULL), -PUQ_EDB);
	assert_non_null(strstr(err.text, "1406"));
	assert_int_equal(count_items(t->db), 0);
}

struct holder_ctx {
	struct puq_db *other;
	int other_rc;
};

/* Holds the lock on counter 1 while the other connection tries to take it. */
static int holder(struct puq_db *db, void *p, struct puq_error *err)
{
	struct holder_ctx *c = p;
	struct puq_error other_err;
	int rc = puq_db_exec(db, err, "UPDATE counters SET v = v + 1 WHERE id = 1", PUQ_NOARGS, NULL);
	puq_error_clear(&other_err);
	c->other_rc = puq_db_exec(c->other, &other_err,
		"UPDATE counters SET v = v + 10 WHERE id = 1", PUQ_NOARGS, NULL);
	return rc;
}

static void lock_wait_timeout_is_a_deadlock_error(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_db_config cfg = t->cfg;
	struct puq_error err;
	struct puq_db *other;
	cfg.lock_wait_timeout = 1;
	puq_error_clear(&err);
	assert_int_equal(puq_db_open(&other, &cfg, &err), 0);

	struct holder_ctx c = {other, 0};
	assert_int_equal(puq_db_transaction(t->db, holder, &c, &err), 0);
	assert_int_equal(c.other_rc, -PUQ_EDEADLOCK);
	puq_db_close(other);
}

static void connect_failure_names_the_target_not_the_password(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_db_config cfg = t->cfg;
	struct puq_error err;
	struct puq_db *db = NULL;
	puq_strlcpy(cfg.password, "Sup3r-Secret-Pw", sizeof(cfg.password));
	puq_error_clear(&err);
	assert_int_equal(puq_db_open(&db, &cfg, &err), -PUQ_EDBCONNECT);
	assert_null(db);
	assert_non_null(strstr(err.text, t->name));
	assert_non_null(strstr(err.text, "1045"));
	assert_null(strstr(err.text, "Sup3r-Secret-Pw"));
}

/* ---- the statement cache ---------------------------------------------------------------- */

static void statements_are_prepared_once(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	struct puq_db_stats before, after;
	puq_error_clear(&err);

	puq_db_stats(t->db, &before);
	for (int i = 0; i < 10; i++) {
		char name[16];
		snprintf(name, sizeof(name), "n%d", i);
		/* a statement text no other test uses, so the first run is a cache miss */
		assert_int_equal(puq_db_exec(t->db, &err, "INSERT INTO items (name) VALUES (?) /* once */",
			PUQ_ARGS(PUQ_TEXT(name)), NULL), 0);
	}
	puq_db_stats(t->db, &after);
	assert_int_equal(after.prepares - before.prepares, 1);
	assert_int_equal(after.cache_hits - before.cache_hits, 9);
	assert_int_equal(after.executions - before.executions, 10);

	/* more distinct statements than the cache holds: the oldest is evicted, and
	 * preparing it again works */
	puq_db_stats(t->db, &before);
	for (int i = 0; i < 100; i++) {
		char sql[64];
		struct puq_db_rows *rows;
		snprintf(sql, sizeof(sql), "SELECT %d + ?", i);
		assert_int_equal(puq_db_query(t->db, &err, sql, PUQ_ARGS(PUQ_INT(1)), &rows), 0);
		assert_int_equal(puq_db_cell_int(rows, 0, 0, -1), i + 1);
		puq_db_rows_free(rows);
	}
	assert_int_equal(puq_db_exec(t->db, &err, "INSERT INTO items (name) VALUES (?)",
		PUQ_ARGS(PUQ_TEXT("after eviction")), NULL), 0);
	puq_db_stats(t->db, &after);
	assert_int_equal(after.prepares - before.prepares, 101);
	assert_int_equal(count_items(t->db), 11);
}

/* ---- lost connections ------------------------------------------------------------------- */

static void kill_connection(struct puq_testdb *t, struct puq_db *victim)
{
	struct puq_error err;
	struct puq_db_rows *rows;
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(victim, &err, "SELECT CONNECTION_ID()", PUQ_NOARGS, &rows), 0);
	long long id = puq_db_cell_int(rows, 0, 0, 0);
	puq_db_rows_free(rows);
	struct puq_db *killer = puq_testdb_connect(t);
	assert_non_null(killer);
	assert_int_equal(puq_db_exec(killer, &err, "KILL CONNECTION ?", PUQ_ARGS(PUQ_INT(id)), NULL), 0);
	puq_db_close(killer);
}

static void a_query_survives_a_killed_connection(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	struct puq_db_rows *rows;
	struct puq_db_stats before, after;
	struct puq_db *db = puq_testdb_connect(t);
	assert_non_null(db);
	puq_error_clear(&err);

	puq_db_stats(db, &before);
	kill_connection(t, db);
	assert_int_equal(puq_db_query(db, &err, "SELECT COUNT(*) FROM counters", PUQ_NOARGS, &rows), 0);
	assert_int_equal(puq_db_cell_int(rows, 0, 0, -1), 2);
	puq_db_rows_free(rows);
	puq_db_stats(db, &after);
	assert_int_equal(after.reconnects - before.reconnects, 1);

	/* a write on a killed connection: sent again only if it cannot have run; either way
	 * the connection is usable afterwards and the row exists at most once */
	kill_connection(t, db);
	puq_error_clear(&err);
	int rc = puq_db_exec(db, &err, "INSERT INTO items (name) VALUES (?)",
		PUQ_ARGS(PUQ_TEXT("after kill")), NULL);
	assert_true(rc == 0 || rc == -PUQ_EDBLOST);
	if (rc == -PUQ_EDBLOST)
		assert_non_null(strstr(err.text, "outcome is unknown"));
	long long n = count_items(db);
	if (rc == 0)
		assert_int_equal(n, 1);
	else
		assert_true(n <= 1);
	puq_db_close(db);
}

struct kill_ctx {
	struct puq_testdb *t;
	int attempts;
};

static int insert_kill_insert(struct puq_db *db, void *p, struct puq_error *err)
{
	struct kill_ctx *c = p;
	c->attempts++;
	int rc = puq_db_exec(db, err, "INSERT INTO items (name) VALUES ('first')", PUQ_NOARGS, NULL);
	if (rc == 0 && c->attempts == 1)
		kill_connection(c->t, db);
	if (rc == 0)
		rc = puq_db_exec(db, err, "INSERT INTO items (name) VALUES ('second')", PUQ_NOARGS, NULL);
	return rc;
}

static void a_transaction_whose_connection_died_starts_over(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	struct puq_db *db = puq_testdb_connect(t);
	assert_non_null(db);
	struct kill_ctx c = {t, 0};
	puq_error_clear(&err);

	assert_int_equal(puq_db_transaction(db, insert_kill_insert, &c, &err), 0);
	assert_int_equal(c.attempts, 2);
	assert_false(puq_db_in_transaction(db));
	/* the first attempt's row went with the killed connection */
	assert_int_equal(count_items(t->db), 2);
	puq_db_close(db);
}

/* ---- transactions ----------------------------------------------------------------------- */

static int insert_then_fail(struct puq_db *db, void *p, struct puq_error *err)
{
	int rc = puq_db_exec(db, err, "INSERT INTO items (name) VALUES ('doomed')", PUQ_NOARGS, NULL);
	assert_int_equal(rc, 0);
	assert_true(puq_db_in_transaction(db));
	return puq_error_set(err, PUQ_ECONFLICT, "changed my mind");
}

static int insert_one(struct puq_db *db, void *p, struct puq_error *err)
{
	return puq_db_exec(db, err, "INSERT INTO items (name) VALUES (?)", PUQ_ARGS(PUQ_TEXT(p)), NULL);
}

static int nested(struct puq_db *db, void *p, struct puq_error *err)
{
	int rc = insert_one(db, "outer", err);
	if (rc == 0)
		rc = puq_db_transaction(db, insert_one, "inner", err);
	return rc;
}

static void a_failing_transaction_leaves_nothing(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	puq_error_clear(&err);
	assert_int_equal(puq_db_transaction(t->db, insert_then_fail, NULL, &err), -PUQ_ECONFLICT);
	assert_string_equal(err.text, "changed my mind");
	assert_false(puq_db_in_transaction(t->db));
	assert_int_equal(count_items(t->db), 0);

	puq_error_clear(&err);
	assert_int_equal(puq_db_transaction(t->db, nested, NULL, &err), 0);
	assert_int_equal(count_items(t->db), 2);
}

struct deadlock_ctx {
	struct puq_db *db;
	pthread_barrier_t *barrier;
	int first, second;
	int attempts;
	int rc;
	char text[PUQ_ERROR_TEXT_MAX];
};

static int cross_update(struct puq_db *db, void *p, struct puq_error *err)
{
	struct deadlock_ctx *c = p;
	char sql[80];
	c->attempts++;
	snprintf(sql, sizeof(sql), "UPDATE counters SET v = v + 1 WHERE id = %d", c->first);
	int rc = puq_db_exec(db, err, sql, PUQ_NOARGS, NULL);
	if (rc < 0)
		return rc;
	if (c->attempts == 1) /* both hold their first row before either asks for the second */
		pthread_barrier_wait(c->barrier);
	snprintf(sql, sizeof(sql), "UPDATE counters SET v = v + 1 WHERE id = %d", c->second);
	return puq_db_exec(db, err, sql, PUQ_NOARGS, NULL);
}

static void *deadlock_thread(void *p)
{
	struct deadlock_ctx *c = p;
	struct puq_error err;
	puq_error_clear(&err);
	c->rc = puq_db_transaction(c->db, cross_update, c, &err);
	puq_strlcpy(c->text, err.text, sizeof(c->text));
	return NULL;
}

static void a_real_deadlock_is_retried(void **state)
{
	struct puq_testdb *t = *state;
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, 2);
	struct deadlock_ctx a = {puq_testdb_connect(t), &barrier, 1, 2, 0, -1, ""};
	struct deadlock_ctx b = {puq_testdb_connect(t), &barrier, 2, 1, 0, -1, ""};
	assert_non_null(a.db);
	assert_non_null(b.db);
	assert_int_equal(puq_testdb_exec(t->db, "UPDATE counters SET v = 0"), 0);

	pthread_t ta, tb;
	pthread_create(&ta, NULL, deadlock_thread, &a);
	pthread_create(&tb, NULL, deadlock_thread, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&barrier);

	assert_int_equal(a.rc, 0);
	assert_int_equal(b.rc, 0);
	/* one of them was the victim and ran its function a second time */
	assert_int_equal(a.attempts + b.attempts, 3);
	struct puq_db_stats sa, sb;
	puq_db_stats(a.db, &sa);
	puq_db_stats(b.db, &sb);
	assert_int_equal(sa.txn_retries + sb.txn_retries, 1);

	struct puq_error err;
	struct puq_db_rows *rows;
	puq_error_clear(&err);
	assert_int_equal(puq_db_query(t->db, &err, "SELECT v FROM counters ORDER BY id", PUQ_NOARGS,
		&rows), 0);
	assert_int_equal(puq_db_cell_int(rows, 0, 0, -1), 2);
	assert_int_equal(puq_db_cell_int(rows, 1, 0, -1), 2);
	puq_db_rows_free(rows);
	puq_db_close(a.db);
	puq_db_close(b.db);
}

static jmp_buf abort_request;

static int insert_then_abort(struct puq_db *db, void *p, struct puq_error *err)
{
	if (insert_one(db, "aborted", err) == 0)
		longjmp(abort_request, 1); /* what a PHP fatal error or timeout does to C code */
	return -1;
}

static void an_aborted_request_is_rolled_back(void **state)
{
	struct puq_testdb *t = *state;
	struct puq_error err;
	struct puq_db *db = puq_testdb_connect(t);
	assert_non_null(db);
	puq_error_clear(&err);

	if (setjmp(abort_request) == 0) {
		puq_db_transaction(db, insert_then_abort, NULL, &err);
		fail_msg("the transaction function should not have returned");
	}
	assert_true(puq_db_in_transaction(db));
	puq_db_rollback_if_open(db);
	assert_false(puq_db_in_transaction(db));
	assert_int_equal(count_items(db), 0);
	assert_int_equal(count_items(t->db), 0);
	/* and a no-op when nothing is open */
	puq_db_rollback_if_open(db);
	assert_int_equal(puq_db_exec(db, &err, "INSERT INTO items (name) VALUES ('later')",
		PUQ_NOARGS, NULL), 0);
	assert_int_equal(count_items(t->db), 1);
	puq_db_close(db);
}

/* ---- configuration ---------------------------------------------------------------------- */

static void config_set_all(struct puq_db_config *cfg, struct puq_error *err, const char *host,
	const char *port)
{
	memset(cfg, 0, sizeof(*cfg));
	puq_error_clear(err);
	assert_int_equal(puq_db_config_set(cfg, "db_host", host, err), 0);
	if (port)
		assert_int_equal(puq_db_config_set(cfg, "db_port", port, err), 0);
	assert_int_equal(puq_db_config_set(cfg, "db_username", "whmcs", err), 0);
	assert_int_equal(puq_db_config_set(cfg, "db_name", "whmcs", err), 0);
}

static void whmcs_host_forms_are_understood(void **state)
{
	static const struct {
		const char *host, *port, *want_host, *want_socket;
		unsigned want_port;
	} cases[] = {
		{"db.example.net", NULL, "db.example.net", "", 0},
		{"127.0.0.1:3307", NULL, "127.0.0.1", "", 3307},
		{"127.0.0.1:3307", "3308", "127.0.0.1", "", 3308}, /* db_port wins */
		{"localhost:/run/mysqld/mysqld.sock", NULL, "localhost", "/run/mysqld/mysqld.sock", 0},
		{"/tmp/mysql.sock", NULL, "localhost", "/tmp/mysql.sock", 0},
		{"[2001:db8::1]:3306", NULL, "2001:db8::1", "", 3306},
		{"2001:db8::1", NULL, "2001:db8::1", "", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct puq_db_config cfg;
		struct puq_error err;
		config_set_all(&cfg, &err, cases[i].host, cases[i].port);
		assert_int_equal(puq_db_config_finish(&cfg, &err), 0);
		assert_string_equal(cfg.host, cases[i].want_host);
		assert_string_equal(cfg.socket, cases[i].want_socket);
		assert_int_equal(cfg.port, cases[i].want_port);
	}
}

static void bad_config_reports_every_field(void **state)
{
	struct puq_db_config cfg;
	struct puq_error err;
	char huge[400];
	memset(huge, 'p', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	puq_error_clear(&err);

	assert_int_equal(puq_db_config_set(&cfg, "db_port", "http", &err), -PUQ_EVALIDATION);
	assert_int_equal(puq_db_config_set(&cfg, "db_password", huge, &err), -PUQ_EVALIDATION);
	assert_int_equal(puq_db_config_set(&cfg, "cc_encryption_hash", "x", &err), 1);
	assert_int_equal(puq_db_config_set(&cfg, "db_host", "db:port", &err), 0);
	assert_int_equal(puq_db_config_finish(&cfg, &err), -PUQ_EVALIDATION);
	assert_non_null(puq_error_field_message(&err, "db_port"));
	assert_non_null(puq_error_field_message(&err, "db_password"));
	assert_non_null(puq_error_field_message(&err, "db_host"));
	assert_non_null(puq_error_field_message(&err, "db_username"));
	assert_non_null(puq_error_field_message(&err, "db_name"));
	assert_null(strstr(err.text, huge));

	puq_db_config_wipe(&cfg);
	assert_int_equal(cfg.password[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(parameters_of_every_type_round_trip, clean_items),
		cmocka_unit_test_setup(nulls_are_distinct_from_empty_strings, clean_items),
		cmocka_unit_test_setup(binary_cells_of_any_size_arrive_whole, clean_items),
		cmocka_unit_test_setup(empty_results_have_columns_and_no_rows, clean_items),
		cmocka_unit_test_setup(duplicate_key_is_its_own_error, clean_items),
		cmocka_unit_test_setup(other_errors_are_mapped, clean_items),
		cmocka_unit_test(lock_wait_timeout_is_a_deadlock_error),
		cmocka_unit_test(connect_failure_names_the_target_not_the_password),
		cmocka_unit_test_setup(statements_are_prepared_once, clean_items),
		cmocka_unit_test_setup(a_query_survives_a_killed_connection, clean_items),
		cmocka_unit_test_setup(a_transaction_whose_connection_died_starts_over, clean_items),
		cmocka_unit_test_setup(a_failing_transaction_leaves_nothing, clean_items),
		cmocka_unit_test(a_real_deadlock_is_retried),
		cmocka_unit_test_setup(an_aborted_request_is_rolled_back, clean_items),
		cmocka_unit_test(whmcs_host_forms_are_understood),
		cmocka_unit_test(bad_config_reports_every_field),
	};
	return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
