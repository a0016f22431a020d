/*
 * The real PowerDNS that scripts/services runs, for integration tests and benchmarks:
 * its API settings, zones created and deleted through its API, and answers read back
 * over DNS with dig, as a resolver would see them.
 */
#ifndef PUQKVM_TEST_PDNS_LIVE_H
#define PUQKVM_TEST_PDNS_LIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/http.h"

struct pdns_live {
	char api_url[256]; /* http://127.0.0.1:18081 */
	char api_key[256];
	char dns_port[16];
	struct puq_http_engine *http;
};

/* Reads PUQKVM_PDNS_* (environment, else .state/services.env). 0, or -1 with a reason. */
int pdns_live_open(struct pdns_live *p);
void pdns_live_close(struct pdns_live *p);
/* Creates a Native zone (name without trailing dot); 0 or -1. */
int pdns_live_zone_create(struct pdns_live *p, const char *zone);
int pdns_live_zone_delete(struct pdns_live *p, const char *zone);
/* PATCHes one rrset straight into PowerDNS (a record the module does not own). */
int pdns_live_rrset(struct pdns_live *p, const char *zone, const char *name, const char *type,
	const char *content);
/* `dig +short` answer for name/type into out (newlines kept, "" when none). */
int pdns_live_dig(const struct pdns_live *p, const char *name, const char *type, char *out,
	size_t outsz);

#endif
