/*
 * The fixture engine: recorded answers instead of a network, for driver unit tests.
 *
 * A test adds replies (method + URL or URL suffix, status, reason phrase, body - inline
 * or from a file under tests/fixtures/ - or a transport failure) and hands the
 * fixture's engine to the driver. Each submitted request takes the first unused reply
 * that matches it and is kept, in order, so the test can assert exactly which calls
 * were made, with which headers and bodies. Completions are delivered by puq_http_run
 * in submission order, like the real engine, so a driver cannot rely on a callback
 * running inside submit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_internal.h"

struct reply {
	char method[8];
	char *url;
	long status;
	char *reason;
	char *content_type;
	char *body;
	size_t body_len;
	int error;
	char *error_text;
	double seconds;
	bool used;
};

struct queued {
	struct puq_http_request *req;
	struct reply *reply; /* NULL = unmatched */
	puq_http_done_fn done;
	void *ctx;
};

struct puq_http_fixture {
	struct puq_http_engine base;
	struct reply **replies;
	size_t nreplies;
	struct puq_http_request **log;
	size_t nlog;
	struct queued *queue;
	size_t qhead, qlen, qcap;
};

/* ---- reading fixture files ----------------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct stat st;
	char *data = NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
		(data = PUQ_MALLOC((size_t)st.st_size + 1)) != NULL) {
		*len = fread(data, 1, (size_t)st.st_size, f);
		if (ferror(f)) {
			PUQ_FREE(data);
			data = NULL;
		} else {
			data[*len] = '\0';
		}
	}
	fclose(f);
	return data;
}

/* See puq_http_fixture_add_file for the lookup rules. */
static char *read_fixture(const char *path, size_t *len)
{
	static const char prefix[] = "tests/fixtures/";
	char full[4096];
	if (path[0] == '/')
		return read_file(path, len);
	if (strncmp(path, prefix, sizeof(prefix) - 1) == 0)
		path += sizeof(prefix) - 1;
	const char *root = getenv("PUQKVM_ROOT");
	if (root && *root) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s%s", root, prefix, path) >= sizeof(full))
			return NULL;
		return read_file(full, len);
	}
	char dir[3072];
	if (!getcwd(dir, sizeof(dir)))
		return NULL;
	for (;;) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s%s", strcmp(dir, "/") ? dir : "",
				prefix, path) < sizeof(full)) {
			char *data = read_file(full, len);
			if (data || errno != ENOENT)
				return data;
		}
		char *slash = strrchr(dir, '/');
		if (!slash || slash == dir) {
			if (strcmp(dir, "/") == 0)
				return NULL;
			strcpy(dir, "/");
		} else {
			*slash = '\0';
		}
	}
}

/* ---- replies ------------------------------------------------------------------------- */

static void reply_free(struct reply *r)
{
	if (!r)
		return;
	PUQ_FREE(r->url);
	PUQ_FREE(r->reason);
	PUQ_FREE(r->content_type);
	PUQ_FREE(r->body);
	PUQ_FREE(r->error_text);
	PUQ_FREE(r);
}

int puq_http_fixture_add_reply(struct puq_http_fixture *fx,
	const struct puq_http_fixture_reply *spec)
{
	if (!fx || !spec || !spec->method || !spec->url ||
		strlen(spec->method) >= sizeof(((struct reply *)0)->method))
		return -PUQ_EINVAL;
	struct reply *r = PUQ_CALLOC(1, sizeof(*r));
	if (!r)
		return -PUQ_ENOMEM;
	strcpy(r->method, spec->method);
	r->status = spec->error ? 0 : spec->status;
	r->error = spec->error < 0 ? -spec->error : spec->error;
	r->seconds = spec->seconds;
	bool oom = !(r->url = puq_strdup(spec->url));
	const char *reason = spec->reason ? spec->reason : puq_http_status_phrase(spec->status);
	if (!r->error)
		oom = oom || !(r->reason = puq_strdup(reason));
	if (spec->content_type)
		oom = oom || !(r->content_type = puq_strdup(spec->content_type));
	if (r->error)
		oom = oom || !(r->error_text = puq_strdup(spec->error_text
		                                              ? spec->error_text
		                                              : puq_error_message(r->error)));
	if (oom) {
		reply_free(r);
		return -PUQ_ENOMEM;
	}
	if (spec->body_file) {
		errno = 0;
		r->body = read_fixture(spec->body_file, &r->body_len);
		if (!r->body) {
			int rc = errno == ENOMEM ? -PUQ_ENOMEM : -PUQ_ENOTFOUND;
			reply_free(r);
			return rc;
		}
	} else if (spec->body) {
		r->body_len = spec->body_len ? spec->body_len : strlen(spec->body);
		if (!(r->body = puq_strndup(spec->body, r->body_len))) {
			reply_free(r);
			return -PUQ_ENOMEM;
		}
	}
	struct reply **list = PUQ_REALLOC(fx->replies, (fx->nreplies + 1) * sizeof(*list));
	if (!list) {
		reply_free(r);
		return -PUQ_ENOMEM;
	}
	fx->replies = list;
	list[fx->nreplies++] = r;
	return 0;
}

int puq_http_fixture_add(struct puq_http_fixture *fx, const char *method, const char *url,
	long status, const char *content_type, const char *body)
{
	struct puq_http_fixture_reply spec = {
		.method = method, .url = url, .status = status,
		.content_type = content_type, .body = body,
	};
	return puq_http_fixture_add_reply(fx, &spec);
}

int puq_http_fixture_add_file(struct puq_http_fixture *fx, const char *method,
	const char *url, long status, const char *content_type, const char *path)
{
	if (!path)
		return -PUQ_EINVAL;
	struct puq_http_fixture_reply spec = {
		.method = method, .url = url, .status = status,
		.content_type = content_type, .body_file = path,
	};
	return puq_http_fixture_add_reply(fx, &spec);
}

static bool reply_matches(const struct reply *r, const struct puq_http_request *req)
{
	if (r->used || strcmp(r->method, req->method) != 0)
		return false;
	size_t have = strlen(req->url), want = strlen(r->url);
	return want <= have && strcmp(req->url + have - want, r->url) == 0;
}

/* ---- the engine ---------------------------------------------------------------------- */

static int fixture_submit(struct puq_http_engine *base, struct puq_http_request *req,
	puq_http_done_fn done, void *ctx)
{
	struct puq_http_fixture *fx = (struct puq_http_fixture *)base;
	struct puq_http_request **log = PUQ_REALLOC(fx->log, (fx->nlog + 1) * sizeof(*log));
	if (!log) {
		puq_http_request_free(req);
		return -PUQ_ENOMEM;
	}
	fx->log = log;
	if (fx->qhead + fx->qlen == fx->qcap) {
		if (fx->qhead) {
			memmove(fx->queue, fx->queue + fx->qhead, fx->qlen * sizeof(*fx->queue));
			fx->qhead = 0;
		} else {
			size_t cap = fx->qcap ? fx->qcap * 2 : 8;
			struct queued *q = PUQ_REALLOC(fx->queue, cap * sizeof(*q));
			if (!q) {
				puq_http_request_free(req);
				return -PUQ_ENOMEM;
			}
			fx->queue = q;
			fx->qcap = cap;
		}
	}
	struct reply *match = NULL;
	for (size_t i = 0; i < fx->nreplies && !match; i++)
		if (reply_matches(fx->replies[i], req))
			match = fx->replies[i];
	if (match)
		match->used = true;
	fx->log[fx->nlog++] = req;
	fx->queue[fx->qhead + fx->qlen++] = (struct queued){req, match, done, ctx};
	return 0;
}

static void fill_response(struct puq_http_response *resp, const struct queued *q)
{
	const struct reply *r = q->reply;
	if (!r) {
		char *line = puq_http_request_describe(q->req);
		if (line)
			line[strcspn(line, "\n")] = '\0';
		puq_http_response_fail(resp, PUQ_EHTTP, "no recorded answer for %s",
			line ? line : q->req->method);
		PUQ_FREE(line);
		return;
	}
	resp->seconds = r->seconds;
	if (r->error) {
		puq_http_response_fail(resp, r->error, "%s", r->error_text);
		return;
	}
	resp->status = r->status;
	resp->reason = puq_strdup(r->reason);
	resp->content_type = puq_strdup(r->content_type);
	resp->body = r->body ? puq_strndup(r->body, r->body_len) : puq_strdup("");
	resp->body_len = r->body ? r->body_len : 0;
	if (!resp->reason || (r->content_type && !resp->content_type) || !resp->body)
		puq_http_response_fail(resp, PUQ_EHTTP, "out of memory copying the answer");
}

static long fixture_run(struct puq_http_engine *base, long wait_ms)
{
	(void)wait_ms;
	struct puq_http_fixture *fx = (struct puq_http_fixture *)base;
	while (fx->qlen) {
		struct queued q = fx->queue[fx->qhead++];
		fx->qlen--;
		if (!fx->qlen)
			fx->qhead = 0;
		struct puq_http_response *resp = puq_http_response_new();
		if (!resp)
			continue; /* out of memory: the request stays recorded, unanswered */
		fill_response(resp, &q);
		q.done(q.ctx, q.req, resp);
		puq_http_response_free(resp);
	}
	return 0;
}

static size_t fixture_pending(const struct puq_http_engine *base)
{
	return ((const struct puq_http_fixture *)base)->qlen;
}

static const struct puq_http_engine_ops fixture_ops = {
	.submit = fixture_submit,
	.run = fixture_run,
	.pending = fixture_pending,
	.free = NULL, /* the fixture owns its engine */
};

struct puq_http_fixture *puq_http_fixture_new(void)
{
	struct puq_http_fixture *fx = PUQ_CALLOC(1, sizeof(*fx));
	if (fx)
		fx->base.ops = &fixture_ops;
	return fx;
}

void puq_http_fixture_free(struct puq_http_fixture *fx)
{
	if (!fx)
		return;
	for (size_t i = 0; i < fx->nreplies; i++)
		reply_free(fx->replies[i]);
	for (size_t i = 0; i < fx->nlog; i++)
		puq_http_request_free(fx->log[i]);
	PUQ_FREE(fx->replies);
	PUQ_FREE(fx->log);
	PUQ_FREE(fx->queue);
	PUQ_FREE(fx);
}

struct puq_http_engine *puq_http_fixture_engine(struct puq_http_fixture *fx)
{
	return fx ? &fx->base : NULL;
}

size_t puq_http_fixture_count(const struct puq_http_fixture *fx)
{
	return fx ? fx->nlog : 0;
}

const struct puq_http_request *puq_http_fixture_request(const struct puq_http_fixture *fx,
	size_t i)
{
	return fx && i < fx->nlog ? fx->log[i] : NULL;
}

size_t puq_http_fixture_unused(const struct puq_http_fixture *fx)
{
	size_t n = 0;
	for (size_t i = 0; fx && i < fx->nreplies; i++)
		n += !fx->replies[i]->used;
	return n;
}
