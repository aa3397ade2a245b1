package io.micronet.tools.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One ChatOps reply as the server sends it on {@code /ws/chatops}: {@code {"ok", "text", "data", "error"?}} (CONTRACT.md
 * "Event bus"). A frame that is not such an object is no ChatOps server's ({@link ExitCodes#UNREACHABLE}).
 *
 * @param ok    whether the command did what it says
 * @param text  the sentence(s) for people
 * @param data  the same for programs: an object, a list, a value, or null
 * @param error the contract's {@code {code, message, details}} when not ok; an empty object otherwise
 * @param raw   the frame as received, for {@code --json}
 */
record ChatReply(boolean ok, String text, Object data, JsonObject error, String raw) {

  /** The destructive commands that run only with {@code --yes}; without it the server replies what would happen. */
  private static final Pattern CONFIRMABLE = Pattern.compile("^\\s*(stop|scale|fail)(\\s|$)", Pattern.CASE_INSENSITIVE);
  private static final Pattern YES = Pattern.compile("(^|\\s)--yes(\\s|$)");

  static ChatReply parse(String frame) {
    JsonObject json;
    try {
      json = new JsonObject(frame);
    } catch (DecodeException | ClassCastException e) {
      throw notChatOps(frame);
    }
    if (!(json.getValue("ok") instanceof Boolean ok)) {
      throw notChatOps(frame);
    }
    Object text = json.getValue("text");
    JsonObject error = json.getValue("error") instanceof JsonObject e ? e : new JsonObject();
    String said = text instanceof String s ? s : error.getString("message", "");
    return new ChatReply(ok, said, json.getValue("data"), error, frame);
  }

  private static CliFailure notChatOps(String frame) {
    String start = frame.length() > 80 ? frame.substring(0, 80) + "…" : frame;
    return new CliFailure(ExitCodes.UNREACHABLE, "the server's reply is not ChatOps JSON (" + ChatView.printable(start)
      + "): is this a MicroNet gateway?");
  }

  /**
   * The command to send to go ahead when this reply asks for a confirmation, else null. The server may name it
   * ({@code data.confirm: "<command> --yes"}) or flag it ({@code data.confirm: true}, {@code data.needsConfirmation}); a
   * server that does neither still says so in words: an ok reply to a stop / scale / fail sent without {@code --yes}
   * whose text mentions {@code --yes}.
   */
  String confirmation(String sent) {
    if (!ok || sent == null || YES.matcher(sent).find()) {
      return null;
    }
    if (data instanceof JsonObject d) {
      Object confirm = d.getValue("confirm");
      if (confirm instanceof String command && YES.matcher(command).find()) {
        return command;
      }
      if (Boolean.TRUE.equals(confirm) || Boolean.TRUE.equals(d.getValue("needsConfirmation"))
        || Boolean.TRUE.equals(d.getValue("confirmationRequired"))) {
        return sent.strip() + " --yes";
      }
      if (Boolean.FALSE.equals(confirm) || Boolean.FALSE.equals(d.getValue("needsConfirmation"))) {
        return null;
      }
    }
    return CONFIRMABLE.matcher(sent).find() && text.contains("--yes") ? sent.strip() + " --yes" : null;
  }

  /** What a one-shot {@code chat "cmd"} exits with: 0 when ok, else by the error's code (403 → forbidden, 401 → auth). */
  int exitCode() {
    if (ok) {
      return ExitCodes.OK;
    }
    String code = error.getString("code", "").toUpperCase(Locale.ROOT);
    return switch (code) {
      case "FORBIDDEN" -> ExitCodes.FORBIDDEN;
      case "UNAUTHORIZED" -> ExitCodes.AUTH_FAILED;
      default -> ExitCodes.PLATFORM_ERROR;
    };
  }
}
