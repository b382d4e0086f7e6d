package dev.connectnative.testkit;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that runs a {@link DevAgent} around a test class (static field) or around
 * each test (instance field), pre-loaded with services and intentions.
 *
 * <pre>{@code
 * @RegisterExtension
 * static DevAgentExtension agent = DevAgentExtension.builder()
 *     .service("echo", 9090)
 *     .intention("web", "echo", IntentionAction.ALLOW)
 *     .build();
 *
 * @Test
 * void dials(DevAgent devAgent) { ... devAgent.address() ... }
 * }</pre>
 *
 * <p>Test methods and constructors may take a {@link DevAgent} parameter. The agent is closed after
 * the scope it was started for, even when tests fail.
 */
public final class DevAgentExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        BeforeEachCallback,
        AfterEachCallback,
        ParameterResolver {
  private final Consumer<DevAgent.Builder> options;
  private final List<Consumer<DevAgent>> setup;
  private volatile DevAgent agent;
  private boolean startedForClass;

  private DevAgentExtension(Builder builder) {
    this.options = builder.options;
    this.setup = List.copyOf(builder.setup);
  }

  /**
   * Starts configuring the extension.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the running agent.
   *
   * @return the agent
   * @throws IllegalStateException outside the scope the agent runs in
   */
  public DevAgent agent() {
    DevAgent current = agent;
    if (current == null) {
      throw new IllegalStateException("the dev agent is not running outside of a test");
    }
    return current;
  }

  /**
   * Returns the agent's {@code 127.0.0.1:<port>} address.
   *
   * @return the address
   * @throws IllegalStateException outside the scope the agent runs in
   */
  public String address() {
    return agent().address();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
    startedForClass = true;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (startedForClass) {
      stop();
      startedForClass = false;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (agent == null) {
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!startedForClass) {
      stop();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == DevAgent.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (agent == null) {
      start();
    }
    return agent;
  }

  private synchronized void start() {
    if (agent != null) {
      return;
    }
    DevAgent.Builder builder = DevAgent.builder();
    options.accept(builder);
    DevAgent started = builder.start();
    try {
      setup.forEach(s -> s.accept(started));
    } catch (RuntimeException e) {
      started.close();
      throw e;
    }
    agent = started;
  }

  private synchronized void stop() {
    DevAgent current = agent;
    agent = null;
    if (current != null) {
      current.close();
    }
  }

  /** Configures a {@link DevAgentExtension}. Not thread-safe. */
  public static final class Builder {
    private Consumer<DevAgent.Builder> options = b -> {};
    private boolean optionsSet;
    private final List<Consumer<DevAgent>> setup = new ArrayList<>();

    private Builder() {}

    /**
     * Adjusts the agent's settings (datacenter, ACLs, leaf TTL, ...). If unset, the {@link
     * DevAgent.Builder} defaults.
     *
     * @param options called with the agent builder before it starts
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder agentOptions(Consumer<DevAgent.Builder> options) {
      requireNonNull(options, "options");
      if (optionsSet) {
        throw new IllegalStateException("agentOptions is already set");
      }
      this.options = options;
      this.optionsSet = true;
      return this;
    }

    /**
     * Registers a Connect-native service (ID = name) once the agent starts; may be called more than
     * once.
     *
     * @param name the service name
     * @param port the port
     * @return this builder
     */
    public Builder service(String name, int port) {
      requireNonNull(name, "name");
      setup.add(a -> a.registerService(name, port));
      return this;
    }

    /**
     * Registers a service once the agent starts; may be called more than once.
     *
     * @param registration the service
     * @return this builder
     */
    public Builder service(ServiceRegistration registration) {
      requireNonNull(registration, "registration");
      setup.add(a -> a.registerService(registration));
      return this;
    }

    /**
     * Creates an intention once the agent starts; may be called more than once.
     *
     * @param source the source service, or {@code *}
     * @param destination the destination service, or {@code *}
     * @param action allow or deny
     * @return this builder
     */
    public Builder intention(String source, String destination, IntentionAction action) {
      requireNonNull(source, "source");
      requireNonNull(destination, "destination");
      requireNonNull(action, "action");
      setup.add(a -> a.upsertIntentionExact(source, destination, action));
      return this;
    }

    /**
     * Builds the extension.
     *
     * @return the extension
     */
    public DevAgentExtension build() {
      return new DevAgentExtension(this);
    }
  }
}
