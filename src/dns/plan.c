/*
 * Planning: from stored desired-record rows and the configured zones to zone jobs.
 *
 * Rows at the same name and type form one RRset: its content is what every present row
 * there wants (normally one service's one record; two services claiming a name are
 * merged rather than fighting), and an RRset with no present row is to be removed. An
 * RRset goes to every zone that matches its name; an RRset matching no zone needs
 * nothing and counts as done. Only RRsets with a row of the operation's own services
 * are planned; rows of other services are loaded just to shape those RRsets, so a
 * removal never takes away a record another service still wants.
 */
#include <stdio.h>

#include "puqkvm/dns_driver.h"

struct keyed {
	const struct puq_dns_row *row;
	size_t index;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct puq_dns_row *x = ((const struct keyed *)a)->row;
	const struct puq_dns_row *y = ((const struct keyed *)b)->row;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	int d = strcmp(x->name, y->name);
	if (d)
		return d;
	size_t i = ((const struct keyed *)a)->index, j = ((const struct keyed *)b)->index;
	return i < j ? -1 : i > j;
}

void puq_dns_plan_free(struct puq_dns_plan *plan)
{
	for (size_t i = 0; plan->rrsets && i < plan->nrrsets; i++) {
		PUQ_FREE(plan->rrsets[i].contents);
		PUQ_FREE(plan->rrsets[i].error);
	}
	PUQ_FREE(plan->rrsets);
	PUQ_FREE(plan->row_rrset);
	for (size_t j = 0; plan->jobs && j < plan->njobs; j++)
		puq_dns_job_free(&plan->jobs[j]);
	PUQ_FREE(plan->jobs);
	memset(plan, 0, sizeof(*plan));
}

static int group_rows(struct puq_dns_plan *plan, const struct puq_dns_row *rows,
                      size_t nrows, bool **in_scope)
{
	struct keyed *sorted = PUQ_CALLOC(nrows ? nrows : 1, sizeof(*sorted));
	plan->row_rrset = PUQ_CALLOC(nrows ? nrows : 1, sizeof(size_t));
	plan->rrsets = PUQ_CALLOC(nrows ? nrows : 1, sizeof(*plan->rrsets));
	*in_scope = PUQ_CALLOC(nrows ? nrows : 1, sizeof(bool));
	if (!sorted || !plan->row_rrset || !plan->rrsets || !*in_scope) {
		PUQ_FREE(sorted);
		return -PUQ_ENOMEM;
	}
	for (size_t i = 0; i < nrows; i++)
		sorted[i] = (struct keyed){&rows[i], i};
	qsort(sorted, nrows, sizeof(*sorted), cmp_rows);

	for (size_t i = 0; i < nrows;) {
		size_t end = i;
		while (end < nrows && sorted[end].row->type == sorted[i].row->type &&
		       strcmp(sorted[end].row->name, sorted[i].row->name) == 0)
			end++;
		struct puq_dns_rrset *rr = &plan->rrsets[plan->nrrsets];
		rr->type = sorted[i].row->type;
		rr->name = sorted[i].row->name;
		rr->contents = PUQ_CALLOC(end - i, sizeof(char *));
		if (!rr->contents) {
			PUQ_FREE(sorted);
			return -PUQ_ENOMEM;
		}
		for (size_t k = i; k < end; k++) {
			const struct puq_dns_row *row = sorted[k].row;
			plan->row_rrset[sorted[k].index] = plan->nrrsets;
			if (row->in_scope)
				(*in_scope)[plan->nrrsets] = true;
			if (!row->present)
				continue;
			bool dup = false;
			for (size_t c = 0; c < rr->ncontents && !dup; c++)
				dup = strcmp(rr->contents[c], row->content) == 0;
			if (!dup)
				rr->contents[rr->ncontents++] = row->content;
		}
		plan->nrrsets++;
		i = end;
	}
	PUQ_FREE(sorted);
	return 0;
}

int puq_dns_plan_build(struct puq_dns_plan *plan, const struct puq_dns_zones *zones,
                       const struct puq_dns_row *rows, size_t nrows,
                       const struct puq_dns_endpoint *ep, struct puq_error *err)
{
	memset(plan, 0, sizeof(*plan));
	bool *in_scope = NULL;
	size_t *counts = NULL;
	if (group_rows(plan, rows, nrows, &in_scope) < 0)
		goto oom;

	/* first count each zone's changes, then fill them */
	counts = PUQ_CALLOC(zones->count ? zones->count : 1, sizeof(size_t));
	if (!counts)
		goto oom;
	for (size_t r = 0; r < plan->nrrsets; r++) {
		if (!in_scope[r])
			continue;
		for (size_t z = 0; z < zones->count; z++)
			if (puq_dns_zone_matches(zones->items[z].f[PUQ_DNS_ZF_ZONE],
			                         plan->rrsets[r].name)) {
				counts[z]++;
				plan->rrsets[r].nzones++;
			}
	}
	size_t njobs = 0;
	for (size_t z = 0; z < zones->count; z++)
		njobs += counts[z] > 0;
	plan->jobs = PUQ_CALLOC(njobs ? njobs : 1, sizeof(*plan->jobs));
	if (!plan->jobs)
		goto oom;
	for (size_t z = 0; z < zones->count; z++) {
		if (!counts[z])
			continue;
		const struct puq_dns_zone *zone = &zones->items[z];
		struct puq_dns_change *changes = PUQ_CALLOC(counts[z], sizeof(*changes));
		if (!changes)
			goto oom;
		size_t n = 0;
		for (size_t r = 0; r < plan->nrrsets; r++) {
			const struct puq_dns_rrset *rr = &plan->rrsets[r];
			if (!in_scope[r] || !puq_dns_zone_matches(zone->f[PUQ_DNS_ZF_ZONE], rr->name))
				continue;
			changes[n++] = (struct puq_dns_change){
			    rr->type, rr->name, (const char *const *)rr->contents, rr->ncontents, r};
		}
		if (puq_dns_job_init(&plan->jobs[plan->njobs], zone, ep, changes, n) < 0) {
			PUQ_FREE(changes);
			goto oom;
		}
		plan->njobs++;
	}
	PUQ_FREE(counts);
	PUQ_FREE(in_scope);
	return 0;

oom:
	PUQ_FREE(counts);
	PUQ_FREE(in_scope);
	puq_dns_plan_free(plan);
	return puq_error_set(err, PUQ_ENOMEM, NULL);
}

void puq_dns_plan_collect(struct puq_dns_plan *plan)
{
	for (size_t j = 0; j < plan->njobs; j++) {
		const struct puq_dns_job *job = &plan->jobs[j];
		for (size_t c = 0; c < job->nchanges; c++) {
			struct puq_dns_rrset *rr = &plan->rrsets[job->changes[c].rrset];
			const struct puq_dns_result *res = &job->results[c];
			if (res->state == PUQ_DNS_DONE_OK) {
				rr->nok++;
			} else {
				rr->nerr++;
				if (!rr->error) {
					char text[700];
					snprintf(text, sizeof(text), "[%s] %s: %s",
					         puq_dns_provider_name(job->zone->provider),
					         job->zone->f[PUQ_DNS_ZF_ZONE],
					         res->message ? res->message : "no result");
					rr->error = puq_strdup(text);
				}
			}
		}
	}
}
