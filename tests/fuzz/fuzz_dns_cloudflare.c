/*
 * Fuzz target: the answers of Cloudflare (src/dns/cloudflare*.c): record look-ups by
 * name or by listing with pagination, the batch endpoint and its envelopes and error
 * codes, the zone GET of the Test button.
 *
 * The input is a scenario and a sequence of answers (format and invariants in
 * dns_harness.h and dns_harness.c).
 */
#include "dns_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return dns_fuzz_run(PUQ_DNS_CLOUDFLARE, data, size);
}
