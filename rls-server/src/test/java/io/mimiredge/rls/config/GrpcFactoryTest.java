package io.mimiredge.rls.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationParsingException;
import io.dropwizard.configuration.ConfigurationValidationException;
import io.dropwizard.configuration.DefaultConfigurationFactoryFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GrpcFactoryTest {
  /** Made the way a Dropwizard application makes its own (strict about unknown keys). */
  private final ConfigurationFactory<GrpcFactory> factory =
      new DefaultConfigurationFactoryFactory<GrpcFactory>()
          .create(GrpcFactory.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw");

  private GrpcFactory parse(String yaml) throws IOException, ConfigurationException {
    return factory.build(
        path -> new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "rls.yml");
  }

  @Test
  void defaults() throws Exception {
    GrpcFactory c = parse("{}");

    assertThat(c.getPort()).isEqualTo(9091);
    assertThat(c.getBindHost()).isEqualTo("0.0.0.0");
    assertThat(c.getShutdownGrace()).isEqualTo(Duration.seconds(10));
    assertThat(c.getMessageOverhead()).isEqualTo(DataSize.mebibytes(2));
    assertThat(c.getRatelimit().getDomain()).isEqualTo("mimir_remote_write");
    assertThat(c.getRatelimit().getDescriptorKey()).isEqualTo("tenant");
    assertThat(c.isDecideOnEventLoop()).isTrue();
  }

  @Test
  void bindsEverySetting() throws Exception {
    GrpcFactory c =
        parse(
            """
            port: 19091
            bindHost: 127.0.0.1
            messageOverhead: 256KiB
            shutdownGrace: 2s
            decideOnEventLoop: false
            ratelimit:
              domain: edge
              descriptorKey: org_id
            """);

    assertThat(c.getPort()).isEqualTo(19091);
    assertThat(c.getBindHost()).isEqualTo("127.0.0.1");
    assertThat(c.getMessageOverhead()).isEqualTo(DataSize.kibibytes(256));
    assertThat(c.getShutdownGrace()).isEqualTo(Duration.seconds(2));
    assertThat(c.isDecideOnEventLoop()).isFalse();
    assertThat(c.getRatelimit().getDomain()).isEqualTo("edge");
    assertThat(c.getRatelimit().getDescriptorKey()).isEqualTo("org_id");
  }

  @Test
  void refusesBadValues() {
    assertThatThrownBy(() -> parse("port: 70000"))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> parse("ratelimit: {domain: ''}"))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("ratelimit.domain");
    assertThatThrownBy(() -> parse("shutdownGrace: 1h"))
        .isInstanceOf(ConfigurationValidationException.class)
        .hasMessageContaining("shutdownGrace");
  }

  @Test
  void refusesAnUnknownKey() {
    assertThatThrownBy(() -> parse("prot: 9091"))
        .isInstanceOf(ConfigurationParsingException.class)
        .hasMessageContaining("prot");
  }
}
