/*
 * Transactions: BEGIN, the caller's function, COMMIT, and starting over when the server
 * chose this transaction as a deadlock victim, a lock wait timed out, or the connection
 * died before COMMIT (the server rolled it back, so nothing of it happened).
 *
 * Attempts are bounded (PUQ_TXN_ATTEMPTS) and spaced by an exponential backoff with
 * jitter, so two workers that deadlocked on each other do not collide again in step.
 * The jitter comes from the clock's nanoseconds: nothing to seed, nothing shared.
 *
 * The one case never retried is a connection lost during COMMIT: the transaction may
 * have committed, and running the function again could apply it twice.
 */
#include <time.h>

#include "store_internal.h"

#define PUQ_TXN_ATTEMPTS   6
#define PUQ_TXN_BACKOFF_US 10000UL /* first wait, doubled per attempt: 10 ms .. 160 ms */

static void backoff(int attempt)
{
	unsigned long base = PUQ_TXN_BACKOFF_US << (attempt - 1);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned long us = base / 2 + (unsigned long)(now.tv_nsec / 1000) % base;
	struct timespec wait = {.tv_sec = (time_t)(us / 1000000), .tv_nsec = (long)(us % 1000000) * 1000};
	while (nanosleep(&wait, &wait) != 0)
		;
}

static int begin(struct puq_db *db, struct puq_error *err)
{
	int rc = puq_db_simple(db, err, "START TRANSACTION");
	if (rc == -PUQ_EDBLOST) { /* a stale connection; START TRANSACTION is harmless to resend */
		puq_error_clear(err);
		rc = puq_db_simple(db, err, "START TRANSACTION");
	}
	return rc;
}

static void rollback(struct puq_db *db)
{
	if (!db->mysql)
		return; /* dropped with the connection; the server rolled back */
	struct puq_error scratch;
	puq_error_clear(&scratch);
	puq_db_simple(db, &scratch, "ROLLBACK"); /* a failure drops the connection: same result */
}

int puq_db_transaction(struct puq_db *db, puq_db_txn_fn fn, void *ctx, struct puq_error *err)
{
	if (db->txn_depth > 0) {
		db->txn_depth++;
		int rc = fn(db, ctx, err);
		db->txn_depth--;
		return rc;
	}

	for (int attempt = 1;; attempt++) {
		int rc = begin(db, err);
		if (rc < 0)
			return rc;
		db->txn_depth = 1;
		db->txn_broken = false;

		bool committing = false;
		rc = fn(db, ctx, err);
		if (rc == 0 && db->txn_broken) /* fn ignored a lost connection */
			rc = puq_error_set(err, PUQ_EDBLOST,
				"the connection to the database was lost inside a transaction");
		if (rc == 0) {
			committing = true;
			rc = puq_db_simple(db, err, "COMMIT");
		}
		if (rc == 0) {
			db->txn_depth = 0;
			return 0;
		}

		bool lost = rc == -PUQ_EDBLOST || db->txn_broken || !db->mysql;
		if (!lost)
			rollback(db);
		db->txn_depth = 0;
		db->txn_broken = false;

		if (committing && lost)
			return puq_error_set(err, PUQ_EDBLOST,
				"the connection to the database was lost during COMMIT: the transaction may "
				"or may not have been applied");
		if ((rc == -PUQ_EDEADLOCK || lost) && attempt < PUQ_TXN_ATTEMPTS) {
			db->stats.txn_retries++;
			backoff(attempt);
			puq_error_clear(err);
			continue;
		}
		if (rc == -PUQ_EDEADLOCK)
			puq_error_prefix(err, "gave up after %d attempts", attempt);
		return rc;
	}
}

bool puq_db_in_transaction(const struct puq_db *db)
{
	return db->txn_depth > 0;
}

void puq_db_rollback_if_open(struct puq_db *db)
{
	if (!db)
		return;
	if (db->busy)
		puq_db_drop_connection(db); /* interrupted mid-statement: the protocol state is unknown */
	else if (db->txn_depth > 0)
		rollback(db);
	db->txn_depth = 0;
	db->txn_broken = false;
}
