package io.micronet.shared.validation;

import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;

/** The contract's paging parameters of every list: {@code ?page=} (from 0) {@code &size=} (1 to 100, default 20). */
public record PageParams(int page, int size) {

  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;
  public static final int MAX_PAGE = 1_000_000;

  /** Reads them from the request; an invalid one is named in {@code errors} (and its default used meanwhile). */
  public static PageParams read(ServiceRequest request, JsonObject errors) {
    return new PageParams(Inputs.intParam(request, "page", 0, 0, MAX_PAGE, errors),
      Inputs.intParam(request, "size", DEFAULT_SIZE, 1, MAX_SIZE, errors));
  }
}
