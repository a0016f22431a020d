/*
 * Claiming one address (claim.c), used by allocation (allocate.c) and nothing else.
 */
#ifndef PUQKVM_POOL_CLAIM_H
#define PUQKVM_POOL_CLAIM_H

#include "internal.h"

/* Which bridge/VLAN qualify: any (set false), or exactly this pair. */
struct puq_claim_filter {
	bool set;
	char bridge[PUQ_BRIDGE_TEXT_MAX];
	int vlan;
};

/* One service's claims within one transaction attempt. */
struct puq_claim {
	long long service_id;
	long long server_id;
	enum puq_ip_family family;     /* of the next claim */
	struct puq_claim_filter filter; /* fixed by the first claim when not set */
	struct puq_address address;    /* the last claimed address */
	/* the server's legacy list, loaded on first need (owned; puq_claim_reset) */
	bool list_loaded;
	struct puq_server_line *lines;
	size_t nlines;
	char server_name[128];
};

/* Claims the lowest free address of c->family: 1 with c->address set, 0 when the
 * server has none left that passes the filter, <0 error. */
int puq_pool_claim(struct puq_db *db, struct puq_claim *c, struct puq_error *err);
/* Frees the cached list; call at the end of each transaction attempt. */
void puq_claim_reset(struct puq_claim *c);

#endif
