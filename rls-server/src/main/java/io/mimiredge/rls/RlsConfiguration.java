package io.mimiredge.rls;

import io.dropwizard.core.Configuration;

/** The RLS configuration file, validated at start. */
public class RlsConfiguration extends Configuration {}
