/*
 * What the two files of the dns glue room share (glue/dns.c: zones, Test, matching,
 * legacy; glue/dns_ops.c: the operations).
 */
#ifndef PUQKVM_GLUE_DNS_H
#define PUQKVM_GLUE_DNS_H

#include "glue.h"
#include "puqkvm/dns.h"

/* The Cloudflare API base: the puqkvm.cloudflare_api INI value. */
const char *php_puqkvm_dns_cloudflare_api(void);
/* A timeout setting (default_timeout, heavy_timeout) in milliseconds; dflt_s seconds
 * when the settings cannot be read. */
long php_puqkvm_dns_timeout_ms(struct puq_db *db, const char *name, long dflt_s);

#endif
