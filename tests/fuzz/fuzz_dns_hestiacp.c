/*
 * Fuzz target: the answers of HestiaCP (src/dns/hestia.c): the record listing, one
 * add/delete command at a time with its exit code, the domain listing of the Test
 * button.
 *
 * The input is a scenario and a sequence of answers (format and invariants in
 * dns_harness.h and dns_harness.c).
 */
#include "dns_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return dns_fuzz_run(PUQ_DNS_HESTIACP, data, size);
}
