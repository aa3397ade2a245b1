package io.micronet.gateway;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the bridge remembers of one client socket: its frame rate, the token each of its feed registrations was
 * made with (re-verified on every delivery), and the reply addresses of the commands it sent (a reply reaches it
 * once; the oldest are forgotten beyond {@code maxPending}). Synchronized: the XHR transports may reach one
 * session from more than one event loop.
 */
final class BridgeSocket {

  final FrameRate rate;
  private final int maxPending;
  private final Map<String, String> feedTokens = new HashMap<>();
  private final Set<String> pendingReplies = new LinkedHashSet<>();

  BridgeSocket(FrameRate rate, int maxPending) {
    this.rate = rate;
    this.maxPending = maxPending;
  }

  private boolean admitted;

  /** A frame of this socket passed with a valid token. */
  synchronized void admitted() {
    admitted = true;
  }

  /** Whether any frame of this socket ever passed with a valid token (a socket that never does is closed). */
  synchronized boolean admittedOnce() {
    return admitted;
  }

  synchronized void listen(String feed, String token) {
    feedTokens.put(feed, token);
  }

  synchronized void stopListening(String feed) {
    feedTokens.remove(feed);
  }

  /** The token this socket registered {@code feed} with; null when it did not. */
  synchronized String listenerToken(String feed) {
    return feedTokens.get(feed);
  }

  synchronized void expectReply(String replyAddress) {
    if (replyAddress == null) {
      return;
    }
    pendingReplies.add(replyAddress);
    Iterator<String> oldest = pendingReplies.iterator();
    while (pendingReplies.size() > maxPending && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }

  /** Whether a message to {@code address} is the reply to one of this socket's commands (then it is expected no more). */
  synchronized boolean takeReply(String address) {
    return pendingReplies.remove(address);
  }
}
