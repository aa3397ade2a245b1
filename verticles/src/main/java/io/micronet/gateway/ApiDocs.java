package io.micronet.gateway;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API documentation the gateway serves: the OpenAPI document ({@code openapi.json}) and the
 * {@code /docs} page rendering it with swagger-ui (both on the classpath). Loading reads the classpath:
 * call it off the event loop.
 */
record ApiDocs(Buffer openApi, Buffer page) {

  static final String OPENAPI_RESOURCE = "/openapi.json";
  static final String PAGE_RESOURCE = "/docs.html";

  static ApiDocs load() {
    return new ApiDocs(resource(OPENAPI_RESOURCE), resource(PAGE_RESOURCE));
  }

  static Buffer resource(String name) {
    try (InputStream in = ApiDocs.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }
}
