package io.micronet.users;

import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.security.Caller;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Consumer;

import static net.logstash.logback.argument.StructuredArguments.kv;

/**
 * The first start on an empty users table creates the {@code manager} account, with the configured
 * password ({@code MICRONET_ADMIN_PASSWORD}) or a random one that is handed to {@code showOnce} (the console)
 * and nowhere else. Instances starting together race on the unique username: one creates, the others see
 * the duplicate and leave it at that, so only the winner shows a password.
 */
final class ManagerAccount {

  static final String USERNAME = "manager";
  static final String EMAIL = "manager@micronet.local";
  private static final Logger LOG = LoggerFactory.getLogger(ManagerAccount.class);

  private final UserRepository repository;
  private final PasswordHasher hasher;
  private final Clock clock;

  ManagerAccount(UserRepository repository, PasswordHasher hasher, Clock clock) {
    this.repository = repository;
    this.hasher = hasher;
    this.clock = clock;
  }

  /** True when this call created the account. */
  Future<Boolean> ensure(String configuredPassword, Consumer<String> showOnce) {
    if (configuredPassword != null && (configuredPassword.length() < UserValidator.PASSWORD_MIN
      || configuredPassword.length() > UserValidator.PASSWORD_MAX)) {
      return Future.failedFuture(new IllegalArgumentException("security.adminPassword / MICRONET_ADMIN_PASSWORD must be "
        + UserValidator.PASSWORD_MIN + " to " + UserValidator.PASSWORD_MAX + " characters"));
    }
    return repository.count().compose(users -> {
      if (users == 0) {
        return create(configuredPassword != null ? configuredPassword : randomPassword(), configuredPassword == null, showOnce);
      }
      if (configuredPassword != null) {
        // a changed variable does not change an existing password: say so rather than fail logins silently
        LOG.warn("MICRONET_ADMIN_PASSWORD is set but the users table already holds accounts: it is ignored; "
          + "change the manager's password with PUT /api/users/{id}");
      }
      return Future.succeededFuture(false);
    });
  }

  private Future<Boolean> create(String password, boolean generated, Consumer<String> showOnce) {
    long now = clock.millis();
    return hasher.hash(password)
      .compose(hash -> repository.insert(new User(UUID.randomUUID().toString(), USERNAME, EMAIL, "Manager",
        Caller.MANAGER, hash, now, now, 0)))
      .map(created -> {
        LOG.info("manager account created", kv("generatedPassword", generated));
        if (generated) {
          showOnce.accept(password);
        }
        return true;
      })
      .recover(e -> e instanceof ServiceException known && known.code() == ErrorCode.CONFLICT
        ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /**
   * Shows a generated password on the console, framed, once: on standard error, never through the logger,
   * because standard output is the JSON log stream that log shippers collect and keep.
   */
  static void printToConsole(String password) {
    PrintStream console = System.err;
    String rule = "=".repeat(72);
    console.println(String.join(System.lineSeparator(), "", rule,
      "  MicroNet created the manager account on this first start.",
      "    username: " + USERNAME,
      "    password: " + password,
      "  This password is shown only this once and is not logged: keep it now.",
      "  (Set MICRONET_ADMIN_PASSWORD before the first start to choose it instead.)",
      rule, ""));
    console.flush();
  }

  private static String randomPassword() {
    byte[] random = new byte[18];
    new SecureRandom().nextBytes(random);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
  }
}
