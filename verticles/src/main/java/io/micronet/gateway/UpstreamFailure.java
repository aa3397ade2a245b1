package io.micronet.gateway;

/** An instance answered with a server error: the breaker counts it, the caller still gets the answer. */
public class UpstreamFailure extends RuntimeException {

  private final UpstreamReply reply;

  public UpstreamFailure(UpstreamReply reply) {
    super("upstream answered " + reply.status(), null, false, false);
    this.reply = reply;
  }

  public UpstreamReply reply() {
    return reply;
  }
}
