/*
 * Fuzz target: the legacy "Assigned IP Addresses" pipe list
 * (puq_pool_server_list_parse, src/pool/server_list.c).
 *
 * The input is the whole text of tblservers.assignedips. Invariants:
 *  - success returns one entry per non-blank line, in line order, each with values
 *    the pool rules accept (bridge, VLAN 0-4094, a mask of the address's family, a
 *    gateway and DNS servers of sensible families);
 *  - written back as canonical lines, the entries parse to the same entries;
 *  - nothing typed is silently dropped: appending a stray 'x' to any value field of an
 *    accepted line (VLAN, address, mask, gateway, DNS) makes that line an error - so a
 *    value is never cut short or read only up to a NUL;
 *  - a refusal names only lines that exist ("line N"), with terminated messages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "puqkvm/pool.h"

/* How far to take the per-line mutation check (it re-parses the text per field). */
#define MUTATE_LINES 4

struct line_span {
	size_t start, end; /* [start, end) of the line without its '\n' */
};

static size_t split_lines(const char *text, size_t len, struct line_span **out)
{
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	struct line_span *spans = PUQ_CALLOC(n, sizeof(*spans));
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= len; i++)
		if (i == len || text[i] == '\n') {
			spans[k].start = start;
			spans[k].end = i;
			k++;
			start = i + 1;
		}
	*out = spans;
	return k;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n' && s[i] != '\v' &&
		    s[i] != '\f')
			return false;
	return true;
}

/* Parses and checks the error contract; *lines owned by the caller. */
static int parse(const char *text, size_t len, struct puq_server_line **lines, size_t *n,
                 size_t nlines_in_text)
{
	struct puq_error err;
	fuzz_error_init(&err);
	/* the exact bytes: the parser takes a length, not a C string */
	char *exact = PUQ_MALLOC(len ? len : 1);
	if (len)
		memcpy(exact, text, len);
	int rc = puq_pool_server_list_parse(exact, len, lines, n, &err);
	PUQ_FREE(exact);
	fuzz_check_result("puq_pool_server_list_parse", rc, &err);
	if (rc == 0)
		return 0;
	FUZZ_CHECK(*lines == NULL && *n == 0, "a refused list returned entries");
	FUZZ_CHECK(err.code == PUQ_EVALIDATION, "refused with %s", puq_error_name(err.code));
	FUZZ_CHECK(err.nfields > 0, "refused without naming a line");
	for (size_t i = 0; i < err.nfields; i++) {
		unsigned lineno = 0;
		char extra;
		FUZZ_CHECK(sscanf(err.fields[i].field, "line %u%c", &lineno, &extra) == 1 &&
		               lineno >= 1 && lineno <= nlines_in_text,
		           "field '%s' names no line of a %zu-line text", err.fields[i].field,
		           nlines_in_text);
	}
	return rc;
}

static bool same_ip(const struct puq_ip *a, const struct puq_ip *b)
{
	return a->family == b->family && a->value == b->value;
}

static bool same_line(const struct puq_server_line *a, const struct puq_server_line *b)
{
	return strcmp(a->bridge, b->bridge) == 0 && a->vlan == b->vlan &&
	       same_ip(&a->ip, &b->ip) && a->mask == b->mask &&
	       same_ip(&a->gateway, &b->gateway) && same_ip(&a->dns1, &b->dns1) &&
	       same_ip(&a->dns2, &b->dns2);
}

static void check_entry(const struct puq_server_line *l)
{
	FUZZ_CHECK(fuzz_terminated(l->bridge, sizeof(l->bridge)) &&
	               puq_pool_check_bridge(l->bridge) == NULL,
	           "line %u: bridge accepted that the pool rules refuse", l->line);
	FUZZ_CHECK(l->vlan >= 0 && l->vlan <= 4094, "line %u: vlan %d", l->line, l->vlan);
	FUZZ_CHECK(l->ip.family == PUQ_IP_V4 || l->ip.family == PUQ_IP_V6, "line %u: family",
	           l->line);
	FUZZ_CHECK(l->mask >= 1 && l->mask <= puq_ip_bits(l->ip.family), "line %u: mask %u",
	           l->line, l->mask);
	FUZZ_CHECK(l->gateway.family == l->ip.family, "line %u: gateway of another family",
	           l->line);
	for (int i = 0; i < 2; i++) {
		enum puq_ip_family f = (i ? l->dns2 : l->dns1).family;
		FUZZ_CHECK(f == PUQ_IP_ANY || f == PUQ_IP_V4 || f == PUQ_IP_V6, "line %u: dns%d",
		           l->line, i + 1);
	}
}

static void put_ip(char *out, size_t size, const struct puq_ip *ip)
{
	char text[PUQ_IP_TEXT_MAX];
	if (ip->family == PUQ_IP_ANY) {
		out[0] = '\0';
		return;
	}
	puq_ip_format(ip, PUQ_IP_CANONICAL, text);
	snprintf(out, size, "%s", text);
}

/* The entries written back as a list, one canonical line each. */
static char *canonical_text(const struct puq_server_line *lines, size_t n, size_t *len)
{
	size_t cap = n * 256 + 1, used = 0;
	char *out = PUQ_MALLOC(cap);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char ip[PUQ_IP_TEXT_MAX], gw[PUQ_IP_TEXT_MAX], d1[PUQ_IP_TEXT_MAX],
		    d2[PUQ_IP_TEXT_MAX];
		put_ip(ip, sizeof(ip), &lines[i].ip);
		put_ip(gw, sizeof(gw), &lines[i].gateway);
		put_ip(d1, sizeof(d1), &lines[i].dns1);
		put_ip(d2, sizeof(d2), &lines[i].dns2);
		used += (size_t)snprintf(out + used, cap - used, "%s|%d|%s|%u|%s|%s%s%s\n",
		                         lines[i].bridge, lines[i].vlan, ip, lines[i].mask, gw,
		                         d1, d2[0] ? "," : "", d2);
	}
	*len = used;
	return out;
}

/*
 * Appends 'x' to value field k (1 = vlan ... 5 = dns) of the line [s, e) of text and
 * returns the new text, or NULL when the line has no such field.
 */
static char *with_stray(const char *text, size_t len, size_t s, size_t e, int k,
                        size_t *newlen)
{
	/* the field ends at the (k+1)-th '|' of the line, or at the line's end (without a
	 * '\r' a CRLF list leaves there) */
	size_t at = s;
	int pipes = 0;
	for (; at < e; at++)
		if (text[at] == '|' && ++pipes == k + 1)
			break;
	if (pipes < k)
		return NULL;
	if (at == e && e > s && text[e - 1] == '\r')
		at = e - 1;
	char *out = PUQ_MALLOC(len + 1);
	memcpy(out, text, at);
	out[at] = 'x';
	memcpy(out + at + 1, text + at, len - at);
	*newlen = len + 1;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct line_span *spans;
	size_t nspans = split_lines(text, size, &spans);

	struct puq_server_line *lines = NULL;
	size_t n = 0;
	if (parse(text, size, &lines, &n, nspans) != 0) {
		PUQ_FREE(spans);
		return 0;
	}

	/* one entry per non-blank line, in order */
	size_t want = 0;
	for (size_t i = 0; i < nspans; i++)
		if (!blank(text + spans[i].start, spans[i].end - spans[i].start)) {
			FUZZ_CHECK(want < n && lines[want].line == i + 1, "entry %zu is not line %zu",
			           want, i + 1);
			want++;
		}
	FUZZ_CHECK(want == n, "%zu entries for %zu non-blank lines", n, want);
	for (size_t i = 0; i < n; i++)
		check_entry(&lines[i]);

	/* canonical lines parse to the same entries */
	size_t clen;
	char *canon = canonical_text(lines, n, &clen);
	struct puq_server_line *again = NULL;
	size_t n2 = 0;
	FUZZ_CHECK(parse(canon, clen, &again, &n2, n + 1) == 0 && n2 == n,
	           "the canonical form of an accepted list is refused:\n%s", canon);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(same_line(&lines[i], &again[i]), "entry %zu changes when written back",
		           i);
	PUQ_FREE(again);
	PUQ_FREE(canon);

	/* a stray character in a value field is never ignored */
	size_t checked = 0;
	for (size_t i = 0; i < nspans && checked < MUTATE_LINES; i++) {
		if (blank(text + spans[i].start, spans[i].end - spans[i].start))
			continue;
		checked++;
		for (int k = 1; k <= 5; k++) {
			size_t mlen;
			char *mutated =
			    with_stray(text, size, spans[i].start, spans[i].end, k, &mlen);
			if (!mutated)
				continue;
			struct puq_server_line *m = NULL;
			size_t mn = 0;
			int rc = parse(mutated, mlen, &m, &mn, nspans);
			PUQ_FREE(m);
			FUZZ_CHECK(rc != 0, "line %zu: 'x' appended to field %d is ignored:\n%.*s",
			           i + 1, k + 1, (int)mlen, mutated);
			PUQ_FREE(mutated);
		}
	}
	PUQ_FREE(lines);
	PUQ_FREE(spans);
	return 0;
}
