/*
 * Fuzz target: the answers of PowerDNS (src/dns/powerdns.c): the PATCH of RRsets and
 * its 204/422/401/404/5xx answers, the zone GET of the Test button.
 *
 * The input is a scenario and a sequence of answers (format and invariants in
 * dns_harness.h and dns_harness.c).
 */
#include "dns_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return dns_fuzz_run(PUQ_DNS_POWERDNS, data, size);
}
