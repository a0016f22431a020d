/*
 * The runner: drives zone jobs on the http engine until every change has a result.
 *
 * Jobs are grouped into lanes, one per provider endpoint (a PowerDNS or HestiaCP
 * server, the Cloudflare API): lanes run at once on one curl multi engine, the jobs of
 * a lane one after another. A provider writes one zone at a time anyway - PowerDNS on
 * SQLite answers a second concurrent PATCH with "database is locked" (seen on 4.7),
 * HestiaCP rewrites zone files, Cloudflare counts every call against one rate limit -
 * so parallel writes to one endpoint would only produce failures.
 *
 * Inside a job the driver decides the order: next() is asked for work only when none
 * of the job's calls is in flight, so a driver sees the answers to everything it sent
 * before it plans again (look-ups before batches, HestiaCP commands one at a time). A
 * call that cannot even be submitted fails the job's remaining changes with the reason,
 * as a transport failure would. Results are handed to the caller between transfers,
 * never from inside the engine's completion callback, so the caller may print or call
 * into PHP.
 */
#include <stdio.h>

#include "puqkvm/dns_driver.h"
#include "puqkvm/killpoint.h"

struct run {
	struct puq_http_engine *http;
	struct puq_dns_job *jobs;
	size_t njobs;
	char (*lanes)[1100];
	bool *passed; /* job j has handed its lane to the next job */
	long requests;
};

static void advance(struct run *run, size_t j);

/* The endpoint a zone's requests go to. */
static void lane_of(const struct puq_dns_zone *z, char *out, size_t outsz)
{
	const char *where =
	    z->provider == PUQ_DNS_CLOUDFLARE ? "api" : z->f[PUQ_DNS_ZF_SERVER_URL];
	snprintf(out, outsz, "%d %s", (int)z->provider, where ? where : "");
}

static void start(struct run *run, size_t j);

/* Job j is done with its lane: the lane's next job starts. */
static void pass_lane(struct run *run, size_t j)
{
	if (run->passed[j])
		return;
	run->passed[j] = true;
	for (size_t k = j + 1; k < run->njobs; k++)
		if (!run->jobs[k].started && strcmp(run->lanes[k], run->lanes[j]) == 0) {
			start(run, k);
			return;
		}
}

/* Starts job j: its driver's state, then its first calls. */
static void start(struct run *run, size_t j)
{
	struct puq_dns_job *job = &run->jobs[j];
	job->started = true;
	if (!job->driver) {
		puq_dns_job_fail_pending(job, NULL, NULL, "unknown DNS provider");
		job->finished = true;
	} else if (job->driver->begin(job) < 0) {
		puq_dns_job_fail_pending(job, NULL, NULL, "out of memory");
		job->finished = true;
	} else if (job->nchanges == 0) {
		job->finished = true;
	} else {
		advance(run, j);
		return;
	}
	pass_lane(run, j);
}

static void finish(struct run *run, size_t j, const char *why)
{
	struct puq_dns_job *job = &run->jobs[j];
	if (!job->finished) {
		if (!puq_dns_job_all_done(job))
			puq_dns_job_fail_pending(job, NULL, NULL, "%s", why);
		job->finished = true;
	}
	if (job->inflight == 0) /* else once its last answer is in */
		pass_lane(run, j);
}

static void on_done(void *ctx, struct puq_http_request *req,
                    struct puq_http_response *resp)
{
	struct run *run = ctx;
	struct puq_dns_call *call = req->tag;
	struct puq_dns_job *job = call->job;
	size_t j = (size_t)(job - run->jobs);
	call->req = req; /* borrowed: the engine frees it when this returns */
	if (!job->finished)
		job->driver->interpret(job, call, resp);
	PUQ_FREE(call);
	if (job->inflight > 0)
		job->inflight--;
	if (job->inflight > 0)
		return;
	if (!job->finished)
		advance(run, j);
	else
		pass_lane(run, j);
}

static void advance(struct run *run, size_t j)
{
	struct puq_dns_job *job = &run->jobs[j];
	struct puq_dns_calls calls = {0};
	if (job->driver->next(job, &calls) < 0) {
		puq_dns_calls_free(&calls);
		finish(run, j, "out of memory while building the request");
		return;
	}
	if (calls.count == 0) {
		puq_dns_calls_free(&calls);
		/* a driver must not stop with changes unresolved; if it does, say so */
		finish(run, j, "the driver stopped without a result (internal error)");
		return;
	}
	for (size_t i = 0; i < calls.count; i++) {
		struct puq_dns_call *heap = PUQ_MALLOC(sizeof(*heap));
		struct puq_http_request *req = calls.items[i].req;
		calls.items[i].req = NULL;
		if (!heap || job->finished) {
			puq_http_request_free(req);
			PUQ_FREE(heap);
			finish(run, j, "out of memory while sending the request");
			continue;
		}
		*heap = calls.items[i];
		heap->req = NULL;
		req->tag = heap;
		job->inflight++;
		job->requests++;
		run->requests++;
		/* the engine owns req from here on, also when this fails */
		if (puq_http_submit(run->http, req, on_done, run) < 0) {
			job->inflight--;
			PUQ_FREE(heap);
			finish(run, j, "the request could not be queued");
		}
	}
	puq_dns_calls_free(&calls);
}

static void flush(struct puq_dns_job *jobs, size_t njobs, puq_dns_resolved_fn resolved,
                  void *ctx)
{
	for (size_t j = 0; j < njobs; j++)
		while (jobs[j].nreported < jobs[j].nresolved) {
			size_t change = jobs[j].resolved[jobs[j].nreported++];
			if (resolved)
				resolved(ctx, &jobs[j], change);
			puq_killpoint("dns_batch"); /* crash tests: a batch partly applied */
		}
}

long puq_dns_run(struct puq_http_engine *http, struct puq_dns_job *jobs, size_t njobs,
                 puq_dns_resolved_fn resolved, void *ctx)
{
	struct run run = {http, jobs, njobs, NULL, NULL, 0};
	run.lanes = PUQ_CALLOC(njobs ? njobs : 1, sizeof(*run.lanes));
	run.passed = PUQ_CALLOC(njobs ? njobs : 1, sizeof(bool));
	if (!run.lanes || !run.passed) {
		PUQ_FREE(run.lanes);
		PUQ_FREE(run.passed);
		for (size_t j = 0; j < njobs; j++)
			puq_dns_job_fail_pending(&jobs[j], NULL, NULL, "out of memory");
		flush(jobs, njobs, resolved, ctx);
		return -PUQ_ENOMEM;
	}
	for (size_t j = 0; j < njobs; j++)
		lane_of(jobs[j].zone, run.lanes[j], sizeof(run.lanes[j]));
	/* the first job of every lane */
	for (size_t j = 0; j < njobs; j++) {
		bool first = true;
		for (size_t k = 0; k < j && first; k++)
			first = strcmp(run.lanes[k], run.lanes[j]) != 0;
		if (first)
			start(&run, j);
	}
	flush(jobs, njobs, resolved, ctx);
	while (puq_http_pending(http) > 0) {
		puq_http_run(http, 200);
		flush(jobs, njobs, resolved, ctx);
	}
	/* belt and braces: nothing may stay pending once the engine is idle */
	for (size_t j = 0; j < njobs; j++)
		if (!puq_dns_job_all_done(&jobs[j]))
			puq_dns_job_fail_pending(&jobs[j], NULL, NULL,
			                         "no answer was received (internal error)");
	flush(jobs, njobs, resolved, ctx);
	PUQ_FREE(run.lanes);
	PUQ_FREE(run.passed);
	return run.requests;
}
