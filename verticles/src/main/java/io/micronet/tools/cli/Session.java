package io.micronet.tools.cli;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Calls that need a signed-in caller. The token is the one given, else a cached one of this URL and user, else a
 * fresh login ({@code POST /api/auth/login}) kept in the {@link TokenCache} for its lifetime. A cached token the
 * platform refuses (401: revoked, key changed) costs one new login, never more. 401 and 403 become
 * {@link ExitCodes#AUTH_FAILED} and {@link ExitCodes#FORBIDDEN} with a sentence naming who is signed in.
 */
final class Session {

  private final Gateway gateway;
  private final Credentials credentials;
  private final TokenCache cache;
  private final PrintStream err;
  private TokenCache.Entry current;
  private boolean fromCache;

  Session(Gateway gateway, Credentials credentials, TokenCache cache, PrintStream err) {
    this.gateway = gateway;
    this.credentials = credentials;
    this.cache = cache;
    this.err = err;
  }

  /** A call as the signed-in caller; any answer but 401/403 is returned as it is. */
  Reply call(String method, String pathAndQuery, JsonObject body) {
    Reply reply = gateway.send(method, pathAndQuery, body, signIn().token());
    if (reply.status() == 401 && fromCache) {
      // the cached token is no longer good (revoked, the platform's key changed): one fresh login
      cache.remove(gateway.base(), credentials.user());
      current = login();
      reply = gateway.send(method, pathAndQuery, body, current.token());
    }
    if (reply.status() == 401) {
      throw new CliFailure(ExitCodes.AUTH_FAILED, "the platform refused " + whose() + ": " + reply.error().getString("message", "401"));
    }
    if (reply.status() == 403) {
      throw new CliFailure(ExitCodes.FORBIDDEN, "this needs a manager; you are signed in as " + current.username()
        + " (" + current.role() + ")");
    }
    return reply;
  }

  /** The token to present on a connection of its own (the ChatOps WebSocket), signing in when needed. */
  String token() {
    return signIn().token();
  }

  /** Who is signed in, for the prompt and messages: from the login's reply or the given token's claims. */
  TokenCache.Entry who() {
    return signIn();
  }

  /** Whether the current token came from the cache (a refusal of it is worth one fresh login, as in {@link #call}). */
  boolean tokenFromCache() {
    return fromCache;
  }

  /**
   * The platform refused the current token ({@code why}: 401 on connect, 4401 mid-session): a fresh login, kept in
   * the cache; a token given as such cannot be renewed ({@link ExitCodes#AUTH_FAILED}).
   */
  String renew(String why) {
    if (credentials.token() != null) {
      throw new CliFailure(ExitCodes.AUTH_FAILED, "the platform refused " + whose() + ": " + why);
    }
    cache.remove(gateway.base(), credentials.user());
    current = login();
    return current.token();
  }

  private String whose() {
    return credentials.token() != null ? "the token from " + credentials.tokenFrom() : "the token of " + credentials.user();
  }

  private TokenCache.Entry signIn() {
    if (current != null) {
      return current;
    }
    if (credentials.token() != null) {
      current = fromClaims(credentials.token());
      return current;
    }
    Optional<TokenCache.Entry> cached = cache.read(gateway.base(), credentials.user());
    fromCache = cached.isPresent();
    current = cached.orElseGet(this::login);
    return current;
  }

  private TokenCache.Entry login() {
    fromCache = false;
    String user = credentials.user();
    String password = credentials.password() == null ? null : credentials.password().get();
    if (password == null) {
      throw new CliFailure(ExitCodes.AUTH_FAILED, "no password for " + user + " at " + gateway.base()
        + ": pipe it to --password-stdin, set MICRONET_PASSWORD, or set MICRONET_TOKEN (in a terminal you are asked)");
    }
    Reply reply = gateway.send("POST", "/api/auth/login", new JsonObject().put("username", user).put("password", password), null);
    if (reply.status() == 401 || reply.status() == 422) {
      throw new CliFailure(ExitCodes.AUTH_FAILED, "login as " + user + " at " + gateway.base() + " failed: "
        + reply.error().getString("message", "refused"));
    }
    if (!reply.ok()) {
      throw PlatformErrors.of(reply);
    }
    JsonObject body = reply.object();
    JsonObject who = body.getJsonObject("user", new JsonObject());
    long expiresIn = body.getLong("expiresIn", 0L);
    TokenCache.Entry entry = new TokenCache.Entry(body.getString("token"), who.getString("username", user),
      who.getString("role", "unknown role"), 0);
    try {
      cache.write(gateway.base(), user, entry.token(), entry.username(), entry.role(), expiresIn);
    } catch (IOException | RuntimeException e) {
      err.println("micronet: note: the token could not be kept in " + cache.dir() + " (" + e.getMessage()
        + "); the next command logs in again");
    }
    return entry;
  }

  /** Who a given token names, for messages only: its claims are read, not verified (the platform does that). */
  static TokenCache.Entry fromClaims(String token) {
    String username = "the token's subject";
    String role = "unknown role";
    try {
      String[] parts = token.split("\\.");
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      username = claims.getString("username", claims.getString("sub", username));
      role = claims.getString("role", role);
    } catch (RuntimeException e) {
      // not a JWT we can read: the platform will say so
    }
    return new TokenCache.Entry(token, username, role, 0);
  }
}
