/*
 * Recorded Proxmox VE answers for the pve unit tests (tests/fixtures/pve/).
 * The repository root comes from $PUQKVM_ROOT (scripts/test sets it) or is found by
 * walking up from the test binary until tests/fixtures/pve exists.
 */
#ifndef PUQKVM_TEST_PVE_FIXTURE_H
#define PUQKVM_TEST_PVE_FIXTURE_H

#include <stddef.h>

#include <jansson.h>

/* The repository root into out; 0 or -1. */
int pve_repo_root(char *out, size_t size);
/* The file's bytes (malloc'd, NUL-terminated; caller frees) or NULL. */
char *pve_fixture_text(const char *name, size_t *len);
/* The fixture's "data" member run through puq_pve_result as a 200 answer. New ref. */
json_t *pve_fixture_data(const char *name);

#endif
