/*
 * The connection: opening it through Connector/C, setting the session up, noticing that
 * it is gone and re-opening it, and mapping server errors to the core's codes.
 *
 * The session is set up by MYSQL_INIT_COMMAND, which Connector/C runs inside every
 * mysql_real_connect: a re-opened connection can never miss it. Its only variable part
 * is the lock wait timeout, an unsigned formatted here, so no outside text reaches SQL.
 *
 * A connection is dropped (closed, its cached statements freed) whenever the client
 * reports it lost, and re-opened lazily by the next statement, unless a transaction was
 * open on it: then the transaction is gone with it and only puq_db_transaction() may
 * start over (see txn.c). Statements that cannot safely be sent twice are protected by
 * a ping after a long idle time instead (PUQ_DB_IDLE_PING_SECONDS).
 */
#include <stdio.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "store_internal.h"

/*
 * Strict for our own writes (a value too long is an error, not a silent truncation),
 * but without NO_ZERO_DATE / NO_ZERO_IN_DATE, which WHMCS's tables violate by design,
 * and without the server's ANSI_QUOTES / NO_BACKSLASH_ESCAPES, whatever it was set to.
 */
#define PUQ_DB_SQL_MODE "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"

/* Long enough for the slowest legitimate statement (a migration's ALTER TABLE on a big
 * adopted table), short enough that a dead server does not hang a worker for ever:
 * blocking reads do not count against PHP's max_execution_time. */
#define PUQ_DB_IO_TIMEOUT 300

static void set_tls_options(MYSQL *m, const struct puq_db_config *c)
{
	if (c->tls_ca[0])
		mysql_options(m, MYSQL_OPT_SSL_CA, c->tls_ca);
	if (c->tls_ca_path[0])
		mysql_options(m, MYSQL_OPT_SSL_CAPATH, c->tls_ca_path);
	if (c->tls_cert[0])
		mysql_options(m, MYSQL_OPT_SSL_CERT, c->tls_cert);
	if (c->tls_key[0])
		mysql_options(m, MYSQL_OPT_SSL_KEY, c->tls_key);
	if (c->tls_cipher[0])
		mysql_options(m, MYSQL_OPT_SSL_CIPHER, c->tls_cipher);
	bool want_tls = c->tls_ca[0] || c->tls_ca_path[0] || c->tls_cert[0];
	if (!want_tls)
		return;
#if defined(MARIADB_PACKAGE_VERSION_ID)
	my_bool on = 1, verify = c->tls_verify_cert ? 1 : 0;
	mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
	mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
#else
	unsigned mode = c->tls_verify_cert ? SSL_MODE_VERIFY_IDENTITY : SSL_MODE_REQUIRED;
	mysql_options(m, MYSQL_OPT_SSL_MODE, &mode);
#endif
}

static void describe_target(const struct puq_db_config *c, char *out, size_t size)
{
	if (c->socket[0])
		snprintf(out, size, "%s (socket %s)", c->database, c->socket);
	else if (c->port)
		snprintf(out, size, "%s on %s:%u", c->database, c->host, c->port);
	else
		snprintf(out, size, "%s on %s", c->database, c->host);
}

int puq_db_connect(struct puq_db *db, struct puq_error *err)
{
	const struct puq_db_config *c = &db->cfg;
	MYSQL *m = mysql_init(NULL);
	if (!m)
		return puq_error_set(err, PUQ_ENOMEM, "cannot allocate a database connection");

	unsigned connect_timeout = c->connect_timeout ? c->connect_timeout : 10;
	unsigned io_timeout = PUQ_DB_IO_TIMEOUT;
	unsigned lock_wait = c->lock_wait_timeout ? c->lock_wait_timeout : 10;
	unsigned int no_local_infile = 0;
	char init[192];
	snprintf(init, sizeof(init),
		"SET SESSION sql_mode = '" PUQ_DB_SQL_MODE "', SESSION innodb_lock_wait_timeout = %u",
		lock_wait);

	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, c->charset[0] ? c->charset : "utf8mb4");
	mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
	mysql_options(m, MYSQL_INIT_COMMAND, init);
	set_tls_options(m, c);

	if (!mysql_real_connect(m, c->host, c->user, c->password, c->database, c->port,
			c->socket[0] ? c->socket : NULL, 0)) {
		char target[400];
		describe_target(c, target, sizeof(target));
		int rc = puq_error_set(err, PUQ_EDBCONNECT,
			"cannot connect to the database %s as %s: %s (MySQL error %u); check the "
			"db_* settings in WHMCS's configuration.php", target, c->user, mysql_error(m),
			mysql_errno(m));
		mysql_close(m);
		return rc;
	}

	db->mysql = m;
	const char *info = mysql_get_server_info(m);
	puq_strlcpy(db->server_version, info ? info : "", sizeof(db->server_version));
	db->server_num = mysql_get_server_version(m);
	db->is_mariadb = strstr(db->server_version, "MariaDB") != NULL;
	db->last_activity = time(NULL);
	return 0;
}

void puq_db_drop_connection(struct puq_db *db)
{
	/* Closing first detaches the cached statements from the connection, so freeing them
	 * afterwards sends nothing over a socket that may already be dead. */
	if (db->mysql) {
		mysql_close(db->mysql);
		db->mysql = NULL;
	}
	puq_db_cache_clear(db);
	db->busy = false;
	if (db->txn_depth > 0)
		db->txn_broken = true;
}

int puq_db_open(struct puq_db **out, const struct puq_db_config *cfg, struct puq_error *err)
{
	struct puq_db *db = PUQ_CALLOC(1, sizeof(*db));
	if (!db)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	db->cfg = *cfg;
	for (size_t i = 0; i < PUQ_DB_STMT_BUCKETS; i++)
		db->buckets[i] = -1;
	int rc = puq_db_connect(db, err);
	if (rc < 0) {
		puq_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

void puq_db_close(struct puq_db *db)
{
	if (!db)
		return;
	puq_db_drop_connection(db);
	puq_db_config_wipe(&db->cfg);
	PUQ_FREE(db);
}

bool puq_db_errno_lost(unsigned errnum)
{
	switch (errnum) {
	case CR_SERVER_GONE_ERROR:  /* 2006: could not send */
	case CR_SERVER_LOST:        /* 2013: lost while waiting for the answer */
	case CR_COMMANDS_OUT_OF_SYNC: /* 2014: protocol state unknown, start afresh */
	case 2055:                  /* CR_SERVER_LOST_EXTENDED */
	case 1927:                  /* ER_CONNECTION_KILLED (MariaDB) */
	case ER_SERVER_SHUTDOWN:    /* 1053 */
	case 4031:                  /* ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8) */
		return true;
	default:
		return false;
	}
}

int puq_db_error(struct puq_db *db, struct puq_error *err, unsigned errnum,
	const char *message, const char *what)
{
	int code;
	const char *advice = "";

	switch (errnum) {
	case ER_DUP_ENTRY:                 /* 1062 */
	case ER_DUP_ENTRY_WITH_KEY_NAME:   /* 1586 */
	case ER_DUP_KEY:                   /* 1022 */
		code = PUQ_EDUPLICATE;
		break;
	case ER_LOCK_DEADLOCK:             /* 1213 */
	case ER_LOCK_WAIT_TIMEOUT:         /* 1205 */
		code = PUQ_EDEADLOCK;
		break;
	case ER_NO_SUCH_TABLE:             /* 1146 */
	case ER_BAD_FIELD_ERROR:           /* 1054 */
		code = PUQ_ESCHEMA;
		advice = "; the module tables are not up to date: run the migrations (activate or "
			"upgrade the puq_proxmox_kvm addon)";
		break;
	default:
		code = puq_db_errno_lost(errnum) ? PUQ_EDBLOST : PUQ_EDB;
	}
	db->last_errno = errnum;
	return puq_error_set(err, code, "%s (MySQL error %u in \"%.80s\")%s", message, errnum,
		what ? what : "", advice);
}

int puq_db_ensure(struct puq_db *db, struct puq_error *err)
{
	if (!db->mysql) {
		if (db->txn_depth > 0)
			return puq_error_set(err, PUQ_EDBLOST,
				"the connection to the database was lost inside a transaction");
		int rc = puq_db_connect(db, err);
		if (rc == 0)
			db->stats.reconnects++;
		return rc;
	}
	if (db->txn_depth == 0 && time(NULL) - db->last_activity >= PUQ_DB_IDLE_PING_SECONDS) {
		if (mysql_ping(db->mysql) != 0) {
			puq_db_drop_connection(db);
			int rc = puq_db_connect(db, err);
			if (rc == 0)
				db->stats.reconnects++;
			return rc;
		}
		db->last_activity = time(NULL);
	}
	return 0;
}

int puq_db_ping(struct puq_db *db, struct puq_error *err)
{
	if (db->mysql && mysql_ping(db->mysql) == 0) {
		db->last_activity = time(NULL);
		return 0;
	}
	if (db->mysql)
		puq_db_drop_connection(db);
	return puq_db_ensure(db, err);
}

int puq_db_simple(struct puq_db *db, struct puq_error *err, const char *sql)
{
	int rc = puq_db_ensure(db, err);
	if (rc < 0)
		return rc;
	db->busy = true;
	if (mysql_real_query(db->mysql, sql, strlen(sql)) != 0) {
		unsigned e = mysql_errno(db->mysql);
		rc = puq_db_error(db, err, e, mysql_error(db->mysql), sql);
		db->busy = false;
		if (puq_db_errno_lost(e))
			puq_db_drop_connection(db);
		return rc;
	}
	db->busy = false;
	db->last_activity = time(NULL);
	return 0;
}

bool puq_db_supports_skip_locked(const struct puq_db *db)
{
	return db->is_mariadb ? db->server_num >= 100600 : db->server_num >= 80001;
}

const char *puq_db_server_version(const struct puq_db *db)
{
	return db->server_version;
}

const struct puq_db_config *puq_db_config(const struct puq_db *db)
{
	return &db->cfg;
}

void puq_db_stats(const struct puq_db *db, struct puq_db_stats *out)
{
	*out = db->stats;
}

unsigned long long puq_db_insert_id(struct puq_db *db)
{
	return db->mysql ? (unsigned long long)mysql_insert_id(db->mysql) : 0;
}
