package io.micronet.shared.service;

import io.micronet.shared.security.Tokens;

/**
 * A service instance's own identity for calling other services: a short-lived service token signed with the
 * cluster's key, minted on first use and again once half its life has passed (so a call never carries one about
 * to expire). Lives in the calling instance, used on its event loop only.
 */
public final class ServiceIdentity {

  static final long LIFETIME_SECONDS = 300;

  private final Tokens tokens;
  private final String instanceId;
  private String token;
  private long renewAtMs;

  public ServiceIdentity(Tokens tokens, String instanceId) {
    this.tokens = tokens;
    this.instanceId = instanceId;
  }

  public String token() {
    long now = System.currentTimeMillis();
    if (token == null || now >= renewAtMs) {
      token = tokens.issueForService(instanceId, LIFETIME_SECONDS);
      renewAtMs = now + LIFETIME_SECONDS * 1000 / 2;
    }
    return token;
  }
}
