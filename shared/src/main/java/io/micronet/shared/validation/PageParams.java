package io.micronet.shared.validation;

import io.micronet.shared.messaging.ServiceException;
import io.micronet.shared.messaging.ServiceRequest;
import io.vertx.core.json.JsonObject;

/**
 * The contract's paging parameters of every list: {@code ?page=} (from 0) {@code &size=} (1 to 100, default 20).
 * A list reaches its first {@value #MAX_ROWS} rows and no further ({@code (page + 1) × size ≤ MAX_ROWS}, so
 * {@code page} is at most 9,999): an offset costs the database every row it skips, and a deep page is cheap to
 * ask for and dear to answer. Beyond, 422 naming {@code page}: narrow the filter instead.
 */
public record PageParams(int page, int size) {

  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;
  /** The deepest row a list shows: page × size (the offset) plus size. */
  public static final int MAX_ROWS = 10_000;
  /** The largest page number at all (with size 1). */
  public static final int MAX_PAGE = MAX_ROWS - 1;

  /** Reads them from the request; an invalid one is named in {@code errors} (and its default used meanwhile). */
  public static PageParams read(ServiceRequest request, JsonObject errors) {
    int page = Inputs.intParam(request, "page", 0, 0, MAX_PAGE, errors);
    int size = Inputs.intParam(request, "size", DEFAULT_SIZE, 1, MAX_SIZE, errors);
    if (!errors.containsKey("page") && !errors.containsKey("size") && (long) (page + 1) * size > MAX_ROWS) {
      errors.put("page", "lists show their first " + MAX_ROWS + " rows: with size " + size + " the last page is "
        + (MAX_ROWS / size - 1) + "; narrow the filter to see further");
      page = 0;
    }
    return new PageParams(page, size);
  }

  /** For a list whose only parameters are these: them, or the contract's 422 naming each bad one. */
  public static PageParams required(ServiceRequest request) {
    JsonObject errors = new JsonObject();
    PageParams paging = read(request, errors);
    if (!errors.isEmpty()) {
      throw ServiceException.invalidQuery(errors);
    }
    return paging;
  }
}
