/*
 * The engine front door (include/puqkvm/http.h): every call goes through the engine's
 * vtable, so drivers run unchanged on libcurl (curl_engine.c) or on recorded answers
 * (fixture.c). puq_http_perform, the blocking one-request form for admin pages and
 * tests, is written once here on top of submit and run.
 */
#include "http_internal.h"

int puq_http_submit(struct puq_http_engine *e, struct puq_http_request *req,
	puq_http_done_fn done, void *ctx)
{
	if (!e || !req || !done) {
		puq_http_request_free(req);
		return -PUQ_EINVAL;
	}
	return e->ops->submit(e, req, done, ctx);
}

long puq_http_run(struct puq_http_engine *e, long wait_ms)
{
	return e ? e->ops->run(e, wait_ms) : 0;
}

size_t puq_http_pending(const struct puq_http_engine *e)
{
	return e ? e->ops->pending(e) : 0;
}

void puq_http_engine_free(struct puq_http_engine *e)
{
	if (e && e->ops->free)
		e->ops->free(e);
}

struct perform_slot {
	bool done;
	struct puq_http_response *resp;
};

static void perform_done(void *ctx, struct puq_http_request *req,
	struct puq_http_response *resp)
{
	(void)req;
	struct perform_slot *slot = ctx;
	slot->done = true;
	/* hand the response over: the engine frees only what is left in *resp */
	slot->resp = puq_http_response_new();
	if (slot->resp) {
		*slot->resp = *resp;
		memset(resp, 0, sizeof(*resp));
	}
}

int puq_http_perform(struct puq_http_engine *e, struct puq_http_request *req,
	struct puq_http_response **out, struct puq_error *err)
{
	struct perform_slot slot = {false, NULL};
	*out = NULL;
	int rc = puq_http_submit(e, req, perform_done, &slot);
	if (rc < 0)
		return puq_error_set(err, rc, NULL);
	/* other requests may be pending on a shared engine; ours is what we wait for */
	while (!slot.done)
		if (puq_http_run(e, 1000) == 0 && !slot.done)
			return puq_error_set(err, PUQ_EINTERNAL, "the engine dropped the request");
	if (!slot.resp)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	*out = slot.resp;
	return 0;
}
