package io.mimiredge.rls;

import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.mimiredge.rls.inspect.InspectCommand;

/** The RLS: {@code server [rls.yml]} runs the service, {@code inspect} explains a captured body. */
public class RlsApplication extends Application<RlsConfiguration> {

  public static void main(String[] args) throws Exception {
    new RlsApplication().run(args);
  }

  @Override
  public String getName() {
    return "rls-server";
  }

  @Override
  public void initialize(Bootstrap<RlsConfiguration> bootstrap) {
    bootstrap.addCommand(new InspectCommand());
  }

  @Override
  public void run(RlsConfiguration configuration, Environment environment) {
    // Wiring only; the service's parts are added here as they land.
  }
}
