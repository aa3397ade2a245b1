package io.micronet.gateway;

import java.util.List;

/**
 * What the gateway's edge filters need, read from the conf once: the client's address (trusted proxies), its
 * token bucket, the body limit, the browser origins allowed to call the API, and whether the metrics have a
 * management port of their own.
 */
record EdgeSettings(ClientAddress clientAddress, RateLimiter rateLimiter, long bodyLimit, List<String> corsOrigins,
                    boolean metricsOnManagementPort) {
}
