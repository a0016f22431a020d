/*
 * The runner: drives zone jobs on the http engine until every change has a result.
 *
 * All zones progress at once on one curl multi engine; inside a zone, the driver
 * decides the order: next() is asked for work only when none of the job's calls is in
 * flight, so a driver sees the answers to everything it sent before it plans again
 * (look-ups before batches, HestiaCP commands one at a time). A call that cannot even
 * be submitted fails the job's remaining changes with the reason, like a transport
 * failure would. Results are handed to the caller between transfers, never from
 * inside the engine's completion callback, so the caller may print or call into PHP.
 */
#include <stdio.h>

#include "puqkvm/dns_driver.h"

struct run {
	struct puq_http_engine *http;
	long requests;
};

static void advance(struct run *run, struct puq_dns_job *job);

static void finish(struct puq_dns_job *job, const char *why)
{
	if (!puq_dns_job_all_done(job))
		puq_dns_job_fail_pending(job, NULL, NULL, "%s", why);
	job->finished = true;
}

static void on_done(void *ctx, struct puq_http_request *req, struct puq_http_response *resp)
{
	struct run *run = ctx;
	struct puq_dns_call *call = req->tag;
	struct puq_dns_job *job = call->job;
	call->req = req; /* borrowed: the engine frees it when this returns */
	if (!job->finished)
		job->driver->interpret(job, call, resp);
	PUQ_FREE(call);
	if (job->inflight > 0)
		job->inflight--;
	if (job->inflight == 0 && !job->finished)
		advance(run, job);
}

static void advance(struct run *run, struct puq_dns_job *job)
{
	struct puq_dns_calls calls = {0};
	if (job->driver->next(job, &calls) < 0) {
		puq_dns_calls_free(&calls);
		finish(job, "out of memory while building the request");
		return;
	}
	if (calls.count == 0) {
		/* a driver must not stop with changes unresolved; if it does, say so */
		finish(job, "the driver stopped without a result (internal error)");
		puq_dns_calls_free(&calls);
		return;
	}
	for (size_t i = 0; i < calls.count; i++) {
		struct puq_dns_call *heap = PUQ_MALLOC(sizeof(*heap));
		struct puq_http_request *req = calls.items[i].req;
		calls.items[i].req = NULL;
		if (!heap) {
			puq_http_request_free(req);
			finish(job, "out of memory while sending the request");
			continue;
		}
		*heap = calls.items[i];
		heap->req = NULL;
		req->tag = heap;
		job->inflight++;
		job->requests++;
		run->requests++;
		/* the engine owns req from here on, also when this fails */
		int rc = puq_http_submit(run->http, req, on_done, run);
		if (rc < 0) {
			job->inflight--;
			PUQ_FREE(heap);
			finish(job, "the request could not be queued");
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
		}
}

long puq_dns_run(struct puq_http_engine *http, struct puq_dns_job *jobs, size_t njobs,
	puq_dns_resolved_fn resolved, void *ctx)
{
	struct run run = {http, 0};
	for (size_t j = 0; j < njobs; j++) {
		struct puq_dns_job *job = &jobs[j];
		if (!job->driver) {
			finish(job, "unknown DNS provider");
			continue;
		}
		if (job->driver->begin(job) < 0) {
			job->started = true;
			finish(job, "out of memory");
			continue;
		}
		job->started = true;
		if (job->nchanges == 0)
			job->finished = true;
		else
			advance(&run, job);
	}
	flush(jobs, njobs, resolved, ctx);
	while (puq_http_pending(http) > 0) {
		puq_http_run(http, 200);
		flush(jobs, njobs, resolved, ctx);
	}
	/* belt and braces: nothing may stay pending once the engine is idle */
	for (size_t j = 0; j < njobs; j++)
		if (!puq_dns_job_all_done(&jobs[j]))
			finish(&jobs[j], "no answer was received (internal error)");
	flush(jobs, njobs, resolved, ctx);
	return run.requests;
}
