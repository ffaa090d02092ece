package io.mimiredge.rls.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UiServletTest {
  @Test
  void filesAreServedAsThemselves() {
    assertThat(UiServlet.route("/assets/index-abc123.js")).isEqualTo("/assets/index-abc123.js");
    assertThat(UiServlet.route("/favicon.ico")).isEqualTo("/favicon.ico");
  }

  @Test
  void appRoutesGetTheIndex() {
    assertThat(UiServlet.route("/")).isEqualTo("/index.html");
    assertThat(UiServlet.route("/tenants")).isEqualTo("/index.html");
    assertThat(UiServlet.route("/tenants/")).isEqualTo("/index.html");
    assertThat(UiServlet.route("/health")).isEqualTo("/index.html");
  }

  @Test
  void tenantPagesAreRoutesWhateverTheIdHolds() {
    assertThat(UiServlet.route("/tenants/team.a")).isEqualTo("/index.html");
    assertThat(UiServlet.route("/tenants/a..b")).isEqualTo("/index.html");
    assertThat(UiServlet.route("/tenants/x|y")).isEqualTo("/index.html");
  }

  @Test
  void filesOutsideTheUiAreNeverLookedUp() {
    assertThat(UiServlet.route("/../rls.yml")).isNull();
    assertThat(UiServlet.route("/assets/../../x.class")).isNull();
    assertThat(UiServlet.route("/assets//x.js")).isNull();
    assertThat(UiServlet.route("/.env.js")).isNull();
    assertThat(UiServlet.route("/assets/x\\y.js")).isNull();
  }

  @Test
  void rootMustBeAClasspathFolder() {
    assertThatThrownBy(() -> new UiServlet("ui/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e.g. /ui");
  }
}
