package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;

/** What an instance answered, ready to be written to the HTTP response. */
public record UpstreamReply(int status, Buffer body, String contentType, String instanceId) {

  UpstreamReply from(String instance) {
    return new UpstreamReply(status, body, contentType, instance);
  }
}
