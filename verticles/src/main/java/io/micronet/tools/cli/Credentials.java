package io.micronet.tools.cli;

import java.util.function.Supplier;

/**
 * Who the CLI signs in as, resolved from flags and environment ({@link ManagerCli}): either a token given as such
 * ({@code --token}, {@code MICRONET_TOKEN}), or a user whose password is asked for only when no cached token of
 * theirs is fresh.
 *
 * @param token     a token given outright, or null
 * @param tokenFrom where it came from, for messages ("--token", "MICRONET_TOKEN")
 * @param user      the user to log in as when no token is given
 * @param password  the password, read only when a login is needed; null when there is no way to get one
 */
record Credentials(String token, String tokenFrom, String user, Supplier<String> password) {
}
