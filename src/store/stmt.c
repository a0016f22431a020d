/*
 * Prepared statements: the per-connection cache, parameter binding, execution and the
 * materialisation of results into struct puq_db_rows.
 *
 * The cache is a fixed table of PUQ_DB_STMT_CACHE slots found through a small chained
 * hash of the SQL text; when it is full the least recently used statement is closed.
 * Every result column is fetched as a string (Connector/C converts numbers and dates),
 * first into a small per-column buffer and, when a cell is longer, again with
 * mysql_stmt_fetch_column into a grown one, so a cell of any size and content (BLOBs
 * with NUL bytes included) arrives whole. Cells are packed into one block with a
 * NUL after each, and struct puq_db_rows points into it.
 */
#include <stdio.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "store_internal.h"

#define FIRST_CELL_BUFFER 64
#define NO_CELL ((size_t)-1)

/* ---- the cache ------------------------------------------------------------------------ */

static uint32_t hash_sql(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static int cache_find(struct puq_db *db, const char *sql, size_t len, uint32_t hash)
{
	for (int i = db->buckets[hash & (PUQ_DB_STMT_BUCKETS - 1)]; i >= 0; i = db->cache[i].next) {
		const struct puq_db_stmt *e = &db->cache[i];
		if (e->hash == hash && e->sql_len == len && memcmp(e->sql, sql, len) == 0)
			return i;
	}
	return -1;
}

static void cache_release(struct puq_db *db, int slot)
{
	struct puq_db_stmt *e = &db->cache[slot];
	int *link = &db->buckets[e->hash & (PUQ_DB_STMT_BUCKETS - 1)];
	while (*link != slot)
		link = &db->cache[*link].next;
	*link = e->next;
	mysql_stmt_close(e->stmt);
	PUQ_FREE(e->sql);
	memset(e, 0, sizeof(*e));
	e->next = -1;
}

void puq_db_cache_clear(struct puq_db *db)
{
	for (int i = 0; i < PUQ_DB_STMT_CACHE; i++)
		if (db->cache[i].sql)
			cache_release(db, i);
	for (size_t b = 0; b < PUQ_DB_STMT_BUCKETS; b++)
		db->buckets[b] = -1;
}

/* A free slot, making one by closing the least recently used statement. */
static int cache_slot(struct puq_db *db)
{
	int lru = 0;
	for (int i = 0; i < PUQ_DB_STMT_CACHE; i++) {
		if (!db->cache[i].sql)
			return i;
		if (db->cache[i].last_used < db->cache[lru].last_used)
			lru = i;
	}
	cache_release(db, lru);
	return lru;
}

static int prepare(struct puq_db *db, struct puq_error *err, const char *sql, size_t len,
	MYSQL_STMT **out)
{
	MYSQL_STMT *st = mysql_stmt_init(db->mysql);
	if (!st)
		return puq_error_set(err, PUQ_ENOMEM, "cannot allocate a prepared statement");
	if (mysql_stmt_prepare(st, sql, (unsigned long)len) != 0) {
		int rc = puq_db_error(db, err, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
		mysql_stmt_close(st);
		return rc;
	}
	db->stats.prepares++;
	*out = st;
	return 0;
}

/* The statement for sql, from the cache or freshly prepared (and cached unless NOCACHE). */
static int get_stmt(struct puq_db *db, struct puq_error *err, const char *sql, size_t len,
	unsigned flags, MYSQL_STMT **out)
{
	if (flags & PUQ_RUN_NOCACHE)
		return prepare(db, err, sql, len, out);

	uint32_t hash = hash_sql(sql, len);
	int slot = cache_find(db, sql, len, hash);
	if (slot >= 0) {
		db->cache[slot].last_used = ++db->clock;
		db->stats.cache_hits++;
		*out = db->cache[slot].stmt;
		return 0;
	}

	int rc = prepare(db, err, sql, len, out);
	if (rc < 0 && db->last_errno == ER_MAX_PREPARED_STMT_COUNT_REACHED) {
		/* The server-wide cap is shared with every other worker: give ours back. */
		puq_db_cache_clear(db);
		puq_error_clear(err);
		rc = prepare(db, err, sql, len, out);
	}
	if (rc < 0)
		return rc;

	char *key = puq_strndup(sql, len);
	if (!key) {
		mysql_stmt_close(*out);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	slot = cache_slot(db);
	struct puq_db_stmt *e = &db->cache[slot];
	e->sql = key;
	e->sql_len = len;
	e->hash = hash;
	e->stmt = *out;
	e->last_used = ++db->clock;
	e->next = db->buckets[hash & (PUQ_DB_STMT_BUCKETS - 1)];
	db->buckets[hash & (PUQ_DB_STMT_BUCKETS - 1)] = slot;
	return 0;
}

/* Forgets a cached statement (after an error that leaves it unusable). */
static void cache_forget(struct puq_db *db, const char *sql, size_t len)
{
	int slot = cache_find(db, sql, len, hash_sql(sql, len));
	if (slot >= 0)
		cache_release(db, slot);
}

/* ---- parameters ----------------------------------------------------------------------- */

static int bind_params(struct puq_db *db, struct puq_error *err, MYSQL_STMT *st,
	const char *sql, const struct puq_db_value *params, size_t n)
{
	unsigned long want = mysql_stmt_param_count(st);
	if (want != n)
		return puq_error_set(err, PUQ_EINTERNAL,
			"statement expects %lu parameters but %zu were given: \"%.80s\"", want, n, sql);
	if (n == 0)
		return 0;

	MYSQL_BIND stack[16];
	MYSQL_BIND *b = n <= PUQ_ARRAY_LEN(stack) ? stack : PUQ_CALLOC(n, sizeof(*b));
	if (!b)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	memset(b, 0, n * sizeof(*b));
	static const my_bool yes = 1;

	for (size_t i = 0; i < n; i++) {
		const struct puq_db_value *v = &params[i];
		switch (v->type) {
		case PUQ_DB_NULL:
			b[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case PUQ_DB_INT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&v->i;
			break;
		case PUQ_DB_UINT:
			b[i].buffer_type = MYSQL_TYPE_LONGLONG;
			b[i].buffer = (void *)&v->u;
			b[i].is_unsigned = yes;
			break;
		case PUQ_DB_DOUBLE:
			b[i].buffer_type = MYSQL_TYPE_DOUBLE;
			b[i].buffer = (void *)&v->d;
			break;
		case PUQ_DB_TEXT:
		case PUQ_DB_BLOB:
			b[i].buffer_type = v->type == PUQ_DB_TEXT ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b[i].buffer = (void *)(v->s ? v->s : "");
			b[i].buffer_length = (unsigned long)(v->s ? v->len : 0);
			break;
		}
	}
	int rc = 0;
	if (mysql_stmt_bind_param(st, b))
		rc = puq_db_error(db, err, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
	if (b != stack)
		PUQ_FREE(b);
	return rc;
}

/* ---- results -------------------------------------------------------------------------- */

struct fetch_state {
	unsigned ncols;
	MYSQL_BIND *binds;
	char **bufs;
	unsigned long *bufsize;
	unsigned long *lengths;
	my_bool *nulls;
	size_t *offsets; /* per cell: where it starts in the arena, NO_CELL for SQL NULL */
	size_t *lens;    /* per cell: its length */
	size_t ncells, capcells;
	struct puq_buf arena;
};

static void fetch_state_free(struct fetch_state *f)
{
	if (f->bufs)
		for (unsigned c = 0; c < f->ncols; c++)
			PUQ_FREE(f->bufs[c]);
	PUQ_FREE(f->bufs);
	PUQ_FREE(f->binds);
	PUQ_FREE(f->bufsize);
	PUQ_FREE(f->lengths);
	PUQ_FREE(f->nulls);
	PUQ_FREE(f->offsets);
	PUQ_FREE(f->lens);
	puq_buf_free(&f->arena);
}

static bool fetch_state_init(struct fetch_state *f, unsigned ncols)
{
	memset(f, 0, sizeof(*f));
	f->ncols = ncols;
	puq_buf_init(&f->arena);
	f->binds = PUQ_CALLOC(ncols, sizeof(*f->binds));
	f->bufs = PUQ_CALLOC(ncols, sizeof(*f->bufs));
	f->bufsize = PUQ_CALLOC(ncols, sizeof(*f->bufsize));
	f->lengths = PUQ_CALLOC(ncols, sizeof(*f->lengths));
	f->nulls = PUQ_CALLOC(ncols, sizeof(*f->nulls));
	if (!f->binds || !f->bufs || !f->bufsize || !f->lengths || !f->nulls)
		return false;
	for (unsigned c = 0; c < ncols; c++) {
		if (!(f->bufs[c] = PUQ_MALLOC(FIRST_CELL_BUFFER)))
			return false;
		f->bufsize[c] = FIRST_CELL_BUFFER;
		f->binds[c].buffer_type = MYSQL_TYPE_STRING;
		f->binds[c].buffer = f->bufs[c];
		f->binds[c].buffer_length = FIRST_CELL_BUFFER;
		f->binds[c].length = &f->lengths[c];
		f->binds[c].is_null = &f->nulls[c];
	}
	return true;
}

static bool push_cell(struct fetch_state *f, size_t offset, size_t len)
{
	if (f->ncells == f->capcells) {
		size_t cap = f->capcells ? f->capcells * 2 : 64;
		size_t *offsets = PUQ_REALLOC(f->offsets, cap * sizeof(size_t));
		if (!offsets)
			return false;
		f->offsets = offsets;
		size_t *lens = PUQ_REALLOC(f->lens, cap * sizeof(size_t));
		if (!lens)
			return false;
		f->lens = lens;
		f->capcells = cap;
	}
	f->offsets[f->ncells] = offset;
	f->lens[f->ncells] = len;
	f->ncells++;
	return true;
}

/* Copies the current row into the arena, fetching long cells again into a bigger buffer. */
static int take_row(struct puq_db *db, struct puq_error *err, MYSQL_STMT *st,
	struct fetch_state *f, const char *sql)
{
	bool rebind = false;
	for (unsigned c = 0; c < f->ncols; c++) {
		if (f->nulls[c]) {
			if (!push_cell(f, NO_CELL, 0))
				return puq_error_set(err, PUQ_ENOMEM, NULL);
			continue;
		}
		unsigned long len = f->lengths[c];
		if (len > f->bufsize[c]) {
			char *grown = PUQ_REALLOC(f->bufs[c], len);
			if (!grown)
				return puq_error_set(err, PUQ_ENOMEM, "a result cell of %lu bytes", len);
			f->bufs[c] = grown;
			f->bufsize[c] = len;
			f->binds[c].buffer = grown;
			f->binds[c].buffer_length = len;
			if (mysql_stmt_fetch_column(st, &f->binds[c], c, 0) != 0)
				return puq_db_error(db, err, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
			rebind = true;
		}
		if (!push_cell(f, f->arena.len, len))
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		puq_buf_append(&f->arena, f->bufs[c], len);
		puq_buf_putc(&f->arena, '\0');
	}
	if (puq_buf_failed(&f->arena))
		return puq_error_set(err, PUQ_ENOMEM, "cannot hold the result of \"%.80s\"", sql);
	/* the grown buffers take effect for the following rows */
	if (rebind && mysql_stmt_bind_result(st, f->binds))
		return puq_db_error(db, err, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
	return 0;
}

/* Moves what fetching gathered into rows. */
static int finish_rows(struct puq_error *err, struct fetch_state *f, MYSQL_RES *meta,
	struct puq_db_rows *rows)
{
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	rows->ncols = f->ncols;
	rows->names = PUQ_CALLOC(f->ncols, sizeof(char *));
	if (!rows->names)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	for (unsigned c = 0; c < f->ncols; c++)
		if (!(rows->names[c] = puq_strdup(fields[c].name)))
			return puq_error_set(err, PUQ_ENOMEM, NULL);
	if (f->ncells == 0)
		return 0;
	rows->cells = PUQ_CALLOC(f->ncells, sizeof(char *));
	if (!rows->cells)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	rows->storage = puq_buf_steal(&f->arena);
	for (size_t i = 0; i < f->ncells; i++)
		rows->cells[i] = f->offsets[i] == NO_CELL ? NULL : rows->storage + f->offsets[i];
	rows->lens = f->lens;
	f->lens = NULL;
	rows->nrows = f->ncells / f->ncols;
	return 0;
}

static int fetch_rows(struct puq_db *db, struct puq_error *err, MYSQL_STMT *st,
	const char *sql, struct puq_db_rows **out)
{
	struct puq_db_rows *rows = PUQ_CALLOC(1, sizeof(*rows));
	if (!rows)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	if (!meta) { /* a statement without a result set */
		*out = rows;
		return 0;
	}

	struct fetch_state f;
	int rc = 0;
	if (!fetch_state_init(&f, mysql_num_fields(meta)))
		rc = puq_error_set(err, PUQ_ENOMEM, NULL);
	else if (mysql_stmt_bind_result(st, f.binds) || mysql_stmt_store_result(st))
		rc = puq_db_error(db, err, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
	while (rc == 0) {
		int r = mysql_stmt_fetch(st);
		if (r == MYSQL_NO_DATA)
			break;
		if (r == 1) {
			rc = puq_db_error(db, err, mysql_stmt_errno(st), mysql_stmt_error(st), sql);
			break;
		}
		rc = take_row(db, err, st, &f, sql); /* r is 0 or MYSQL_DATA_TRUNCATED */
	}
	if (rc == 0)
		rc = finish_rows(err, &f, meta, rows);
	mysql_stmt_free_result(st);
	mysql_free_result(meta);
	fetch_state_free(&f);
	if (rc < 0) {
		puq_db_rows_free(rows);
		return rc;
	}
	*out = rows;
	return 0;
}

/* ---- running a statement -------------------------------------------------------------- */

/*
 * One attempt. *sent tells whether the statement may have reached the server's
 * executor (so running it again could apply it twice).
 */
static int run_once(struct puq_db *db, struct puq_error *err, const char *sql, size_t len,
	const struct puq_db_value *params, size_t nparams, struct puq_db_rows **out,
	unsigned long long *affected, unsigned flags, bool *sent)
{
	MYSQL_STMT *st;
	*sent = false;
	int rc = get_stmt(db, err, sql, len, flags, &st);
	if (rc < 0)
		return rc;
	rc = bind_params(db, err, st, sql, params, nparams);
	if (rc == 0) {
		*sent = true;
		db->stats.executions++;
		if (mysql_stmt_execute(st) != 0) {
			unsigned e = mysql_stmt_errno(st);
			rc = puq_db_error(db, err, e, mysql_stmt_error(st), sql);
			/* 2006: the request could not be written, so the server never ran it */
			if (e == CR_SERVER_GONE_ERROR)
				*sent = false;
		}
	}
	if (rc == 0) {
		if (affected)
			*affected = (unsigned long long)mysql_stmt_affected_rows(st);
		if (out) {
			rc = fetch_rows(db, err, st, sql, out);
		} else if (mysql_stmt_field_count(st) > 0) {
			mysql_stmt_store_result(st); /* discard rows nobody asked for */
			mysql_stmt_free_result(st);
		}
	}
	if (flags & PUQ_RUN_NOCACHE)
		mysql_stmt_close(st);
	else if (rc < 0 && db->last_errno == ER_NEED_REPREPARE)
		cache_forget(db, sql, len);
	return rc;
}

int puq_db_run(struct puq_db *db, struct puq_error *err, const char *sql,
	const struct puq_db_value *params, size_t nparams, struct puq_db_rows **out,
	unsigned long long *affected, unsigned flags)
{
	size_t len = strlen(sql);
	if (out)
		*out = NULL;
	if (affected)
		*affected = 0;

	for (int attempt = 0;; attempt++) {
		int rc = puq_db_ensure(db, err);
		if (rc < 0)
			return rc;
		bool sent;
		db->busy = true;
		db->last_errno = 0;
		rc = run_once(db, err, sql, len, params, nparams, out, affected, flags, &sent);
		db->busy = false;
		if (rc == 0) {
			db->last_activity = time(NULL);
			return 0;
		}
		if (db->last_errno == ER_NEED_REPREPARE && attempt == 0) {
			/* a migration in another process changed a table under a cached statement */
			puq_error_clear(err);
			continue;
		}
		if (rc != -PUQ_EDBLOST)
			return rc;

		puq_db_drop_connection(db);
		if (db->txn_depth > 0 || attempt > 0)
			return rc;
		if (sent && !(flags & PUQ_RUN_QUERY)) {
			puq_error_prefix(err, "the outcome is unknown (the statement may have been "
				"applied), the connection has been re-opened");
			return rc;
		}
		puq_error_clear(err); /* safe to send again on a new connection */
	}
}

int puq_db_exec(struct puq_db *db, struct puq_error *err, const char *sql,
	const struct puq_db_value *params, size_t nparams, unsigned long long *affected)
{
	return puq_db_run(db, err, sql, params, nparams, NULL, affected, 0);
}

int puq_db_query(struct puq_db *db, struct puq_error *err, const char *sql,
	const struct puq_db_value *params, size_t nparams, struct puq_db_rows **out)
{
	return puq_db_run(db, err, sql, params, nparams, out, NULL, PUQ_RUN_QUERY);
}
