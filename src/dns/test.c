/*
 * The Test button: one live request per zone that proves the provider is reachable, the
 * credentials are accepted and the zone is the one configured.
 *
 * Cloudflare and PowerDNS fetch the zone's metadata, HestiaCP lists the user's DNS
 * domains (the spec's checks). The request and its reading are the driver's pure
 * test_request/test_interpret; this file only performs it. The outcome, good or bad, is
 * a result for the admin's toast - the provider's own words, with every secret of the
 * zone scrubbed - never an exception.
 */
#include <stdio.h>

#include "puqkvm/dns_driver.h"

int puq_dns_zone_test(const struct puq_dns_ctx *ctx, const struct puq_dns_zone *zone,
                      struct puq_dns_test_result *res, struct puq_error *err)
{
	memset(res, 0, sizeof(*res));
	const struct puq_dns_driver *driver = puq_dns_driver_for(zone->provider);
	if (!driver) {
		snprintf(res->message, sizeof(res->message),
		         "the zone has no known provider type");
		return 0;
	}
	long timeout = ctx && ctx->timeout_ms > 0 ? ctx->timeout_ms : 10000;
	struct puq_dns_endpoint ep = {timeout,
	                              ctx && ctx->cloudflare_api ? ctx->cloudflare_api
	                                                         : PUQ_DNS_CLOUDFLARE_API,
	                              ctx ? ctx->tls : NULL};
	struct puq_http_request *req = driver->test_request(zone, &ep);
	if (!req)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	req->timeout_ms = timeout;

	struct puq_http_engine *http = ctx ? ctx->http : NULL, *own = NULL;
	if (!http) {
		struct puq_http_options opt = {.default_timeout_ms = timeout,
		                               .connect_timeout_ms = timeout};
		http = own = puq_http_engine_new(&opt, err);
		if (!http) {
			puq_http_request_free(req);
			return err && err->code ? -err->code : -PUQ_EHTTP;
		}
	}
	struct puq_http_response *resp = NULL;
	int rc = puq_http_perform(http, req, &resp, err);
	if (rc == 0 && resp) {
		driver->test_interpret(zone, resp, res);
		char *clean = puq_dns_scrub(zone, res->message, strlen(res->message));
		if (clean) {
			snprintf(res->message, sizeof(res->message), "%s", clean);
			PUQ_FREE(clean);
		}
	}
	puq_http_response_free(resp);
	puq_http_engine_free(own);
	return rc;
}
