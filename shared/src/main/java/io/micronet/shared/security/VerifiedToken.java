package io.micronet.shared.security;

/**
 * A token whose signature, issuer, audience and times were checked: who it names, the user's token version it was
 * issued with (see {@link Revocations}), until when it holds (epoch ms).
 */
public record VerifiedToken(Caller caller, long version, long expiresAtMs) {
}
