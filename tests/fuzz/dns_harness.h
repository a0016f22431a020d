/*
 * The DNS driver harness of the fuzz targets: one zone job of a provider, driven the
 * way src/dns/run.c drives it, with every answer taken from the fuzz input.
 *
 * Input format (text, so seeds are readable and recorded fixtures drop straight in):
 *
 *     <scenario>[r]            which RRset changes the job reconciles (a table below,
 *                              taken modulo its size); 'r' answers each round's calls
 *                              last to first (a real engine completes in any order)
 *     <status>[ <reason>]      the first answer: status line ...
 *     <body>                   ... and body
 *     @@                       a line "@@" separates answers
 *     <status>[ <reason>]
 *     <body>
 *
 * Status 0 (or a status line that is not a number) is a transport failure with the
 * reason as curl's words. Once the answers run out every further call fails to connect,
 * so every input ends. The first answer is also given to the provider's Test button
 * reader.
 */
#ifndef PUQKVM_FUZZ_DNS_HARNESS_H
#define PUQKVM_FUZZ_DNS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "puqkvm/dns.h"

/* Runs one input against provider p's driver; aborts on a broken invariant. */
int dns_fuzz_run(enum puq_dns_provider p, const uint8_t *data, size_t size);

#endif
