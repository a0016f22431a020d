/*
 * killpoint: named places in the engine where a crash test may have the process killed.
 *
 * The crash-safety proof (tests/whmcs/tests/ChaosTest.php, scripts/chaos) kills cron
 * workers with SIGKILL at the moments that matter most - a clone Proxmox accepted whose
 * UPID is not committed yet, an allocation half done inside its transaction, a DNS batch
 * with some records written, a terminate between the delete and the release - and then
 * checks that nothing was done twice and nothing leaked. Random moments alone would hit
 * those windows rarely; a kill point hits them on purpose.
 *
 *   PUQKVM_KILLPOINT=name[:N][,name[:N]...]
 *
 * arms the process: the N-th time (default 1st) the code passes puq_killpoint("name"),
 * it writes "puqkvm: killpoint <name> hit <N>" to stderr and raises SIGKILL on itself -
 * no exit handler, no flush, no rollback of its own, exactly like a crash. The variable
 * is read once, at the first kill point passed; an unset variable costs one predictable
 * branch per kill point from then on, so they stay compiled into every build. A
 * malformed value is reported once on stderr and arms nothing.
 *
 * The points (README, "Crash safety"):
 *   clone_accepted     Proxmox answered a clone's UPID; the UPID is not committed yet
 *   delete_accepted    the same for a terminate's (or reinstall's) delete
 *   migrate_accepted   the same for a migration
 *   pool_claim         an address row inserted, its transaction not committed
 *   dns_batch          a DNS batch with some records applied and not all reported
 *   terminate_release  a terminate's addresses released, its transaction not committed
 *
 * Counting is per process and not thread-safe: a cron worker is one thread.
 */
#ifndef PUQKVM_KILLPOINT_H
#define PUQKVM_KILLPOINT_H

/* -1 until the variable is read, 0 when nothing is armed, 1 when something is. */
extern int puq_killpoint_state;

/* Counts a pass of name and kills the process when its turn has come. */
void puq_killpoint_pass(const char *name);

#define puq_killpoint(name)                                                              \
	do {                                                                                 \
		if (puq_killpoint_state != 0)                                                    \
			puq_killpoint_pass(name);                                                    \
	} while (0)

/*
 * Arms the process with spec (the variable's syntax), replacing what was armed; NULL
 * reads PUQKVM_KILLPOINT. Returns 0, or -1 for a malformed spec (nothing armed, the
 * reason written to stderr). For tests and the first pass; counts start at zero.
 */
int puq_killpoint_arm(const char *spec);

#endif
