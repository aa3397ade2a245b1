package io.micronet.tools.cli;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;

/**
 * The signed-in caller's ChatOps over {@code /ws/chatops}: opens the socket with the {@link Session}'s token (a
 * refused cached token costs one fresh login, as for REST), sends a command and parses its reply. A socket found
 * closed is opened again once for the next command; a close with 4401 (the token expired or was revoked) signs in
 * again and sends the refused command once more. A command whose reply a lost connection took is not sent again: it
 * may have run.
 */
final class ChatClient implements AutoCloseable {

  static final Duration CONNECT_TIMEOUT = Gateway.CONNECT_TIMEOUT;
  static final Duration REPLY_TIMEOUT = Gateway.REQUEST_TIMEOUT;

  private final URI uri;
  private final Session session;
  private final PrintStream err;
  private final Duration replyTimeout;
  private ChatConnection connection;

  ChatClient(String gatewayBase, Session session, PrintStream err, Duration replyTimeout) {
    this.uri = ChatConnection.uri(gatewayBase);
    this.session = session;
    this.err = err;
    this.replyTimeout = replyTimeout;
  }

  URI uri() {
    return uri;
  }

  /** Opens the socket now (the prompt connects before its first line, so that a wrong password shows at once). */
  void connect() {
    if (connection != null && connection.isOpen()) {
      return;
    }
    if (connection != null) {
      connection.close();
      connection = null;
    }
    String token = session.token();
    boolean renewed = false;
    while (connection == null) {
      try {
        connection = ChatConnection.open(uri, token, CONNECT_TIMEOUT);
      } catch (ChatConnection.Refused refused) {
        if (refused.status() == 401 && session.tokenFromCache() && !renewed) {
          token = session.renew("401 on " + ChatConnection.PATH);
          renewed = true;
        } else {
          throw refusal(refused.status());
        }
      }
    }
  }

  private CliFailure refusal(int status) {
    return switch (status) {
      case 401 -> new CliFailure(ExitCodes.AUTH_FAILED, "the platform refused the token of " + session.who().username()
        + " for " + uri + " (401)");
      case 403 -> new CliFailure(ExitCodes.FORBIDDEN, "the gateway refused " + uri + " (403)");
      case 404 -> new CliFailure(ExitCodes.PLATFORM_ERROR, "the gateway has no " + ChatConnection.PATH
        + " (404): the MicroNet there is older than this command (upgrade it)");
      default -> new CliFailure(ExitCodes.PLATFORM_ERROR, "the gateway answered the WebSocket upgrade to " + uri + " with HTTP "
        + status);
    };
  }

  /** One command's reply; a connection that cannot be had, or is lost with the command, is a {@link CliFailure}. */
  ChatReply ask(String command) {
    boolean reconnected = false;
    boolean signedInAgain = false;
    while (true) {
      boolean hadOne = connection != null;
      if (hadOne && !connection.isOpen()) {
        if (reconnected) {
          throw new CliFailure(ExitCodes.UNREACHABLE, "the connection to " + uri + " closed again");
        }
        reconnected = true;
      }
      connect();
      try {
        return ChatReply.parse(connection.ask(command, replyTimeout));
      } catch (ChatConnection.Closed closed) {
        if (closed.code() == ChatConnection.TOKEN_EXPIRED) {
          connection.close();
          connection = null;
          if (signedInAgain) {
            throw new CliFailure(ExitCodes.AUTH_FAILED, "the platform ended the session again right after signing in ("
              + closed.getMessage() + ")");
          }
          err.println("micronet: the session expired (its token expired or was revoked): signing in again");
          session.renew("the session expired (" + closed.getMessage() + ")");
          signedInAgain = true;
        } else if (closed.afterSending()) {
          throw new CliFailure(ExitCodes.UNREACHABLE, "the connection closed before the reply came (" + closed.getMessage()
            + "): the command may have run; the next command reconnects");
        } else if (reconnected) {
          throw new CliFailure(ExitCodes.UNREACHABLE, "the connection to " + uri + " closed again (" + closed.getMessage() + ")");
        } else {
          reconnected = true;
          err.println("micronet: the connection had closed (" + closed.getMessage() + "): reconnecting");
        }
      }
    }
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }
}
