package io.micronet.chatops;

import io.micronet.shared.events.Feeds;
import io.micronet.shared.messaging.ActionDispatcher;
import io.micronet.shared.messaging.Envelope;
import io.micronet.shared.messaging.ErrorCode;
import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.micronet.shared.messaging.ServiceResponse;
import io.micronet.shared.security.Caller;
import io.micronet.shared.service.ServiceClient;
import io.micronet.shared.service.ServiceIdentity;
import io.micronet.shared.service.ServiceVerticle;
import io.micronet.shared.validation.PageParams;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Clock;
import java.util.Set;

import static io.micronet.shared.security.Access.ANY_ROLE;

/**
 * Wiring only: the history table, a client of the services the commands call, the actions {@code command} and
 * {@code history} (REST and the gateway's WebSocket reach them), and the public address {@code micronet.chatops} the
 * dashboard's bridge sends to — there the token in the message's header is verified here, like any action's.
 */
public class ChatopsVerticle extends ServiceVerticle {

  public static final String SERVICE = "chatops";
  static final Set<String> CALLED = Set.of("monitor", "metrics", "node", "products", "orders", "alerts");

  private ServiceClient client;
  private ChatService chat;
  private MessageConsumer<Object> publicAddress;

  @Override
  protected String serviceName() {
    return SERVICE;
  }

  @Override
  protected Future<ActionDispatcher> createActions() {
    JsonObject settings = micronetConfig.section("services").getJsonObject(SERVICE, new JsonObject());
    ChatHistory history = new ChatHistory(pool());
    long retentionMs = settings.getLong("historyRetentionDays", 90L) * 86_400_000L;
    purgePeriodically("ChatOps history", () -> history.deleteOlderThan(System.currentTimeMillis() - retentionMs));
    client = new ServiceClient(vertx, discovery(), micronetConfig, BackendRegistries.getDefaultNow(), instanceId(), CALLED,
      new ServiceIdentity(verifier().tokens(), instanceId()));
    chat = new ChatService(new PlatformCalls(vertx, client, discovery(), micronetConfig.definitions()), history, Clock.systemUTC(),
      settings.getInteger("maxCommandChars", ChatHistory.MAX_COMMAND), settings.getInteger("broadcastMaxChars", 500));
    publicAddress = vertx.eventBus().consumer(Feeds.CHATOPS, this::fromBridge);
    return history.migrate(vertx).compose(v -> client.start()).compose(v -> publicAddress.completion())
      .map(v -> actions()
        .onBehalf("command", ANY_ROLE, this::command)
        .on("history", ANY_ROLE, this::history));
  }

  /** {@code command {command}}: the reply, with the status of its error when it failed. */
  private Future<ServiceResponse> command(ServiceRequest request, String token) {
    Object command = request.bodyObject().getValue("command");
    if (!(command instanceof String text)) {
      throw ServiceException.invalid(new JsonObject().put("command", "must be the command as text, e.g. \"status\""));
    }
    return chat.run(request.caller(), token, text, request).map(reply -> new ServiceResponse(reply.status(), reply.toJson()));
  }

  /** {@code history ?page&size}: a client's own commands, a manager's everyone's, newest first. */
  private Future<ServiceResponse> history(ServiceRequest request) {
    PageParams paging = PageParams.required(request);
    return chat.historyPage(request.caller(), paging.page(), paging.size()).map(page -> ServiceResponse.ok(page.toJson(item -> item)));
  }

  /** A command from the bridge: {@code {command}} with the user's token; always a reply, never a failure. */
  private void fromBridge(Message<Object> message) {
    String token = Envelope.bearerToken(message.headers().get(Envelope.AUTHORIZATION));
    ServiceRequest request = ServiceRequest.from(message, null);
    verifier().verify(token).onComplete(verified -> {
      if (verified.failed()) {
        message.reply(ChatReply.failed(verified.cause() instanceof ServiceException known ? known
          : new ServiceException(ErrorCode.UNAUTHORIZED, "the token is invalid or expired")).toJson());
        return;
      }
      Caller caller = verified.result();
      if (!caller.isUser()) {
        message.reply(ChatReply.failed(ErrorCode.FORBIDDEN, "ChatOps commands are for signed-in users").toJson());
        return;
      }
      Object text = message.body() instanceof JsonObject body ? body.getValue("command") : null;
      if (!(text instanceof String command)) {
        message.reply(ChatReply.failed(ErrorCode.BAD_REQUEST, "send {\"command\": \"<text>\"}, e.g. {\"command\": \"help\"}").toJson());
        return;
      }
      chat.run(caller, token, command, withCaller(request, caller)).onComplete(ar -> message.reply(ar.succeeded() ? ar.result().toJson()
        : ChatReply.failed(ErrorCode.INTERNAL_ERROR, "the command failed unexpectedly").toJson()));
    });
  }

  private static ServiceRequest withCaller(ServiceRequest request, Caller caller) {
    return new ServiceRequest(request.action(), request.requestId(), caller, null, request.params(), request.query(), null,
      null, 0);
  }

  @Override
  protected Future<?> closeResources() {
    Future<Void> unregistered = publicAddress == null ? Future.succeededFuture() : publicAddress.unregister();
    return unregistered.eventually(() -> client == null ? Future.succeededFuture() : client.stop());
  }
}
