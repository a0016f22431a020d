/*
 * dns_driver: the interface behind which the three DNS providers live, and the zone job
 * they work on. Internal to the dns room and its tests.
 *
 * A zone job is the list of RRset changes one zone must receive ("the A RRset at
 * vm1.example.com is {192.0.2.10}", "there is no PTR RRset at 10.2.0.192.in-addr.arpa").
 * A driver is a pair of pure functions over a job, in the manner of curl's lib/vtls:
 *
 *   next(job, calls)        builds the requests to send now from the job's state (none
 *                           when the job is finished);
 *   interpret(job, call, r) reads the answer to one of them into the job's state: a
 *                           result for some changes, or more work for next().
 *
 * Neither performs I/O; run.c sends the requests on the http engine, and the unit tests
 * feed recorded responses straight into interpret(). Each change ends OK or ERR with the
 * provider's message; a driver never leaves a change pending once next() returns none.
 */
#ifndef PUQKVM_DNS_DRIVER_H
#define PUQKVM_DNS_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/dns.h"
#include "puqkvm/http.h"

/* The desired state of one RRset in one zone. */
struct puq_dns_change {
	enum puq_dns_rtype type;
	const char *name;            /* owner name, normalised (borrowed from the plan) */
	const char *const *contents; /* the complete RRset; ncontents 0 = remove the RRset */
	size_t ncontents;
	size_t rrset; /* index of the RRset in the plan (for the caller) */
};

enum puq_dns_result_state { PUQ_DNS_PENDING = 0, PUQ_DNS_DONE_OK, PUQ_DNS_DONE_ERR };

struct puq_dns_result {
	enum puq_dns_result_state state;
	long http_status;
	char *message;  /* ERR: the provider's error (owned) */
	char *request;  /* ERR: the request, secrets masked (owned), for the module log */
	char *response; /* ERR: the response body, truncated (owned) */
};

/* Where and how a job talks to its provider. Borrowed by the job. */
struct puq_dns_endpoint {
	long timeout_ms;
	const char *cloudflare_api; /* base URL without trailing slash */
	const struct puq_http_tls *tls;
};

struct puq_dns_driver;

struct puq_dns_job {
	const struct puq_dns_zone *zone;
	const struct puq_dns_driver *driver;
	const struct puq_dns_endpoint *ep;
	struct puq_dns_change *changes; /* owned array, borrowed strings */
	size_t nchanges;
	struct puq_dns_result *results; /* nchanges, owned */
	void *state;                    /* the driver's own, freed by its end() */
	bool started;
	bool finished;
	size_t inflight; /* calls sent and not answered (run.c) */
	size_t requests; /* calls made so far */
	/* changes resolved since the runner last looked: reported as lines in this order */
	size_t *resolved;
	size_t nresolved;
	size_t nreported;
};

/* One request a driver wants sent, with what it needs to interpret the answer. */
struct puq_dns_call {
	struct puq_http_request *req; /* owned until sent */
	struct puq_dns_job *job;
	int what;      /* driver-specific step */
	size_t lo, hi; /* driver-specific range (of changes, of operations) */
	long page;     /* driver-specific (Cloudflare listing page) */
};

struct puq_dns_calls {
	struct puq_dns_call *items;
	size_t count;
	size_t cap;
};

struct puq_dns_driver {
	enum puq_dns_provider provider;
	const char *name;
	/* Prepares job->state; -PUQ_ENOMEM on failure. */
	int (*begin)(struct puq_dns_job *job);
	/* Appends the calls to send now; appends none when the job is finished. */
	int (*next)(struct puq_dns_job *job, struct puq_dns_calls *out);
	/* Reads the answer to a call made by next(). resp->status 0 = transport failure. */
	void (*interpret)(struct puq_dns_job *job, const struct puq_dns_call *call,
	                  const struct puq_http_response *resp);
	void (*end)(struct puq_dns_job *job);
	/* The Test button: one request, and its reading. */
	struct puq_http_request *(*test_request)(const struct puq_dns_zone *zone,
	                                         const struct puq_dns_endpoint *ep);
	void (*test_interpret)(const struct puq_dns_zone *zone,
	                       const struct puq_http_response *resp,
	                       struct puq_dns_test_result *res);
};

extern const struct puq_dns_driver puq_dns_driver_powerdns;
extern const struct puq_dns_driver puq_dns_driver_cloudflare;
extern const struct puq_dns_driver puq_dns_driver_hestiacp;

const struct puq_dns_driver *puq_dns_driver_for(enum puq_dns_provider p);

/* ---- job helpers (job.c) -------------------------------------------------------------
 */

/* Sets up a job over changes (the job takes the array); -PUQ_ENOMEM on failure. */
int puq_dns_job_init(struct puq_dns_job *job, const struct puq_dns_zone *zone,
                     const struct puq_dns_endpoint *ep, struct puq_dns_change *changes,
                     size_t nchanges);
void puq_dns_job_free(struct puq_dns_job *job);

/* Marks change i OK (no-op when it already has a result). */
void puq_dns_job_ok(struct puq_dns_job *job, size_t i);
/*
 * Marks change i failed with a message (printf), the request that failed and the
 * response (both may be NULL). Secrets of the zone are scrubbed from every text.
 */
void puq_dns_job_fail(struct puq_dns_job *job, size_t i,
                      const struct puq_http_request *req,
                      const struct puq_http_response *resp, const char *fmt, ...)
    PUQ_PRINTF(5, 6);
/* As puq_dns_job_fail for every change still pending (a zone-wide failure). */
void puq_dns_job_fail_pending(struct puq_dns_job *job, const struct puq_http_request *req,
                              const struct puq_http_response *resp, const char *fmt, ...)
    PUQ_PRINTF(4, 5);
bool puq_dns_job_all_done(const struct puq_dns_job *job);

/* Appends a call for req (taking it; freed on failure). Returns the call or NULL. */
struct puq_dns_call *puq_dns_calls_push(struct puq_dns_calls *calls,
                                        struct puq_dns_job *job,
                                        struct puq_http_request *req, int what);
void puq_dns_calls_free(struct puq_dns_calls *calls);

/*
 * A queue of [lo, hi) ranges of changes (or operations): the batches still to send. A
 * refused batch goes back to the front as two halves, until the bad item stands alone.
 */
struct puq_dns_range {
	size_t lo, hi;
};

struct puq_dns_ranges {
	struct puq_dns_range *items;
	size_t count, cap;
};

/* Appends [lo, hi) cut into pieces of at most max items. -PUQ_ENOMEM on failure. */
int puq_dns_ranges_add(struct puq_dns_ranges *q, size_t lo, size_t hi, size_t max);
/* Puts [lo, mid) and [mid, hi) at the front. */
int puq_dns_ranges_split_front(struct puq_dns_ranges *q, size_t lo, size_t hi);
/* Puts [lo, hi) back at the front (a batch to send again). */
int puq_dns_ranges_push_front(struct puq_dns_ranges *q, size_t lo, size_t hi);
/* Takes the front range; false when empty. */
bool puq_dns_ranges_pop(struct puq_dns_ranges *q, struct puq_dns_range *out);
void puq_dns_ranges_free(struct puq_dns_ranges *q);

/* Copies src with every secret of zone (also URL-encoded) replaced by as many "*". */
char *puq_dns_scrub(const struct puq_dns_zone *zone, const char *src, size_t len);
/* Transport failure or status as a short text: "timeout: ...", "HTTP 502". */
void puq_dns_describe_failure(const struct puq_http_response *resp, char *out,
                              size_t outsz);

/* ---- planning (plan.c) ----------------------------------------------------------------
 */

/* A stored desired-record row (see records_store.c). */
struct puq_dns_row {
	long long id;
	long long service_id;
	enum puq_dns_rtype type;
	char *name;
	char *content;
	char *ip;
	bool present;
	bool in_scope; /* belongs to a service of this operation (others only shape RRsets) */
};

/* An RRset the operation reconciles, built from rows. */
struct puq_dns_rrset {
	enum puq_dns_rtype type;
	const char *name;      /* borrowed from a row */
	const char **contents; /* owned array of borrowed strings; 0 = remove */
	size_t ncontents;
	size_t nzones;    /* matching zones */
	size_t nok, nerr; /* zone results */
	char *error;      /* first error message (owned) */
};

struct puq_dns_plan {
	struct puq_dns_rrset *rrsets;
	size_t nrrsets;
	size_t *row_rrset;        /* per row: its RRset */
	struct puq_dns_job *jobs; /* one per zone with changes */
	size_t njobs;
};

/*
 * Groups rows into RRsets (present contents of every row at the same name and type,
 * removal when none is present) and gives each RRset that has an in-scope row to every
 * matching zone. zones and rows must outlive the plan.
 */
int puq_dns_plan_build(struct puq_dns_plan *plan, const struct puq_dns_zones *zones,
                       const struct puq_dns_row *rows, size_t nrows,
                       const struct puq_dns_endpoint *ep, struct puq_error *err);
/* Folds the job results into the RRsets (nok, nerr, error). */
void puq_dns_plan_collect(struct puq_dns_plan *plan);
void puq_dns_plan_free(struct puq_dns_plan *plan);

/* ---- desired-record rows in the database (records_store.c)
 * ------------------------------ */

struct puq_dns_rowset {
	struct puq_dns_row *rows;
	size_t count;
};

void puq_dns_rowset_free(struct puq_dns_rowset *rs);

/*
 * Makes recs the desired records of service_id, in one transaction: rows for them are
 * inserted or set present with the new content, every other row of the service becomes
 * an absent tombstone. With recs NULL every row of the service becomes absent.
 */
int puq_dns_rows_store(struct puq_db *db, long long service_id,
                       const struct puq_dns_records *recs, struct puq_error *err);
/*
 * Loads the rows of the services (in_scope) and the rows of other services at the same
 * names (not in scope: they shape RRsets but are never changed).
 */
int puq_dns_rows_load(struct puq_db *db, const long long *service_ids, size_t n,
                      struct puq_dns_rowset *out, struct puq_error *err);
/*
 * Records the outcome: in-scope rows whose RRset every matching zone accepted are
 * marked synced (present) or deleted (absent); the others keep the first error.
 */
int puq_dns_rows_settle(struct puq_db *db, const struct puq_dns_rowset *rs,
                        const struct puq_dns_plan *plan, struct puq_error *err);
/*
 * Up to limit services with rows no zone has confirmed yet - removals (absent rows, a
 * terminated service's records that a provider outage kept in place) and writes that
 * failed - lowest first. *ids is allocated (PUQ_FREE it), *n its length.
 */
int puq_dns_rows_pending(struct puq_db *db, size_t limit, long long **ids, size_t *n,
                         struct puq_error *err);

/* ---- WHMCS module log (modlog.c) ------------------------------------------------------
 */

/* Whether WHMCS records module calls (tblconfiguration ModuleDebugMode = "on"). */
bool puq_dns_modlog_enabled(struct puq_db *db);
/* One tblmodulelog row as logModuleCall writes it (module puq_proxmox_kvm). */
int puq_dns_modlog_write(struct puq_db *db, const char *action, const char *request,
                         const char *response, const char *data, struct puq_error *err);

/* ---- running jobs (run.c)
 * ---------------------------------------------------------------- */

typedef void (*puq_dns_resolved_fn)(void *ctx, struct puq_dns_job *job, size_t change);

/*
 * Runs every job to completion on http (all zones at once, each job's calls in the
 * order its driver asks), calling resolved() for each change as it gets its result,
 * between transfers. Returns the number of requests made, or a negative code when the
 * engine could not be used (every pending change is then failed with that reason).
 */
long puq_dns_run(struct puq_http_engine *http, struct puq_dns_job *jobs, size_t njobs,
                 puq_dns_resolved_fn resolved, void *ctx);

#endif
