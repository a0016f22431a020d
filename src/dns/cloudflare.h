/*
 * What the two halves of the Cloudflare driver share: cloudflare.c (requests, the
 * envelope, the look-up phase, the driver table, the Test button) and cloudflare_batch.c
 * (turning looked-up records into operations and sending them as batches). Internal to
 * the dns room.
 */
#ifndef PUQKVM_DNS_CLOUDFLARE_H
#define PUQKVM_DNS_CLOUDFLARE_H

#include "puqkvm/dns_driver.h"

#define CF_LOOKUP_NAMES 8    /* up to this many names: look each up, else list the zone */
#define CF_PER_PAGE     5000 /* listing page size (research/apis.md §2.5: 5..5000) */
#define CF_BATCH_OPS    200  /* operations per batch call (Free plan limit) */
#define CF_COMMENT      "managed by puqkvm (WHMCS Proxmox KVM)"

enum { CF_LOOKUP = 1, CF_BATCH, CF_TEST };

struct cf_record {
	char *id;
	char *content;
	size_t change; /* the change whose RRset it belongs to */
	bool keep;
};

enum cf_op_kind { CF_DELETE, CF_PATCH, CF_POST };

struct cf_op {
	enum cf_op_kind kind;
	size_t change;
	const char *id;      /* DELETE/PATCH: borrowed from a cf_record */
	const char *content; /* PATCH/POST: borrowed from the change */
};

struct cf_query {
	char *query; /* "name=..." or "type=..." */
	long page;
};

/* A change's (type, name), sorted, to find the RRset a listed record belongs to. */
struct cf_key {
	int type;
	const char *name;
	size_t change;
};

struct cf_state {
	int phase; /* CF_LOOKUP, then CF_BATCH */
	bool stopped;
	struct cf_query *queries; /* look-ups still to send */
	size_t nqueries;
	struct cf_key *order; /* changes sorted by (type, name) */
	struct cf_record *records;
	size_t nrecords, caprecords;
	struct cf_op *ops;
	size_t nops;
	size_t *op_first, *op_count; /* per change */
	size_t *active;              /* changes with operations, in order */
	size_t nactive;
	struct puq_dns_ranges batches; /* ranges over active[] */
};

/* A request to <api>/zones/<zone id><path> with the bearer token (secret). */
struct puq_http_request *puq_dns_cf_request(const struct puq_dns_zone *zone,
                                            const struct puq_dns_endpoint *ep,
                                            const char *method, const char *path);
/* Contents compared as Cloudflare stores them: host names without case or final dot,
 * addresses by value. */
bool puq_dns_cf_same_content(enum puq_dns_rtype type, const char *a, const char *b);
/* The first error of the envelope as "Cloudflare error <code>: <message>"; the code. */
int puq_dns_cf_envelope_error(const json_t *j, const struct puq_http_response *resp,
                              char *out, size_t outsz);
/* A failure of the whole zone (auth, rate limit, routing, outage) into out, or false. */
bool puq_dns_cf_zone_failure(const struct puq_http_response *resp, int code,
                             const char *text_in, char *out, size_t outsz);

/* cloudflare_batch.c */
int puq_dns_cf_plan(struct puq_dns_job *job);
int puq_dns_cf_batch_call(struct puq_dns_job *job, struct puq_dns_calls *out,
                          const struct puq_dns_range *r);
void puq_dns_cf_batch_answer(struct puq_dns_job *job, const struct puq_dns_call *call,
                             const struct puq_http_response *resp);

#endif
