package dev.connectnative.examples.jetty;

import static java.util.Objects.requireNonNull;

import dev.connectnative.ServiceIdentity;
import dev.connectnative.servlet.ConnectFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Answers every GET with who called: {@code <service> answers GET <path> from <caller's SPIFFE
 * id>}. The caller comes from {@link ConnectFilter#caller}, i.e. from the client certificate
 * verified in the TLS handshake, never from a header the client could forge.
 */
public final class CallerServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final String service;

  /**
   * Creates the servlet of {@code service}.
   *
   * @param service the name of the service it runs in
   */
  public CallerServlet(String service) {
    this.service = requireNonNull(service, "service");
  }

  /**
   * Returns the body the servlet answers with.
   *
   * @param service the service answering
   * @param path the request path
   * @param caller the caller's verified identity
   * @return the body
   */
  public static String reply(String service, String path, ServiceIdentity caller) {
    return service + " answers GET " + path + " from " + caller;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    ServiceIdentity caller = ConnectFilter.caller(request).orElseThrow();
    response.setContentType("text/plain;charset=utf-8");
    response.getWriter().print(reply(service, request.getRequestURI(), caller));
  }
}
