package io.mimiredge.rls.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.mimiredge.api.rollout.Phase;
import io.mimiredge.api.rollout.SplitBy;
import io.mimiredge.rls.admin.FakeTime;
import io.mimiredge.rls.admin.rollout.LiveRollout;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.List;
import org.junit.jupiter.api.Test;

class RlsAdminFactoryTest {
  private final ObjectMapper yaml = Jackson.newObjectMapper(new YAMLFactory());
  private final Validator validator = Validators.newValidator();
  private final FakeTime time = new FakeTime();

  private RlsAdminFactory read(String text) throws Exception {
    return yaml.readValue(text, RlsAdminFactory.class);
  }

  private List<String> problems(RlsAdminFactory c) {
    return validator.validate(c).stream()
        .map(v -> v.getPropertyPath() + " " + v.getMessage())
        .sorted()
        .toList();
  }

  @Test
  void defaults() throws Exception {
    RlsAdminFactory c = read("{}");
    assertThat(problems(c)).isEmpty();
    assertThat(c.getToken()).isNull();
    assertThat(c.getDenialBufferSize()).isEqualTo(1000);
    assertThat(c.getMaxTrackedTenants()).isEqualTo(10_000);
    assertThat(c.getTopTenants()).isEqualTo(10);
    LiveRollout r = c.buildLiveRollout(time);
    assertThat(r.get().phase()).isEqualTo(Phase.DIRECT);
    assertThat(r.get().phase().percent()).isZero();
    assertThat(c.buildDenialLog(time).capacity()).isEqualTo(1000);
    assertThat(c.buildTrafficStats(time::nanos, time).maxTenants()).isEqualTo(10_000);
  }

  @Test
  void bindsEverySetting() throws Exception {
    RlsAdminFactory c =
        read(
            """
            token: 0123456789abcdef0123
            denialBufferSize: 50
            maxTrackedTenants: 200
            topTenants: 5
            rollout:
              phase: canary
              percent: 25
              splitBy: request
            """);
    assertThat(problems(c)).isEmpty();
    assertThat(c.getToken()).isEqualTo("0123456789abcdef0123");
    LiveRollout r = c.buildLiveRollout(time);
    assertThat(r.get().phase().kind()).isEqualTo(Phase.Kind.CANARY);
    assertThat(r.get().splitBy()).isEqualTo(SplitBy.REQUEST);
    assertThat(r.fraction().getAsDouble()).isEqualTo(0.25);
    assertThat(c.buildDenialLog(time).capacity()).isEqualTo(50);
  }

  @Test
  void fullWithoutPercentMeansAHundred() throws Exception {
    RlsAdminFactory c = read("rollout: {phase: full}");
    assertThat(problems(c)).isEmpty();
    assertThat(c.buildLiveRollout(time).get().phase().percent()).isEqualTo(100);
  }

  @Test
  void refusesBadSettingsWithMessages() throws Exception {
    RlsAdminFactory c =
        read(
            """
            token: short
            denialBufferSize: 0
            maxTrackedTenants: -1
            rollout: {phase: canary}
            """);
    assertThat(problems(c))
        .containsExactly(
            "denialBufferSize must be greater than or equal to 1",
            "maxTrackedTenants must be greater than or equal to 1",
            "rollout.validCombination is not a valid rollout: direct and mirror take percent 0,"
                + " canary 1-100, full 100",
            "token must be at least 16 characters: use a long random secret, e.g. openssl rand"
                + " -hex 32");
  }

  @Test
  void toStringNeverShowsTheToken() throws Exception {
    RlsAdminFactory c = read("token: 0123456789abcdef-secret");
    assertThat(c.toString()).doesNotContain("secret").contains("token=set");
    assertThat(validator.validate(c)).extracting(ConstraintViolation::getMessage).isEmpty();
  }
}
