package io.micronet.shared.security;

/** A token whose signature, issuer, audience and times were checked: who it names, when it was issued, until when it holds. */
public record VerifiedToken(Caller caller, long issuedAtMs, long expiresAtMs) {
}
