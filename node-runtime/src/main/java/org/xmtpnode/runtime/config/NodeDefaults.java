package org.xmtpnode.runtime.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The operational defaults every node service shares, at the lowest precedence (a service's own
 * {@code application.yml}, the environment and the command line all override them): graceful shutdown,
 * the probes, and only health, info and metrics exposed.
 */
public class NodeDefaults implements EnvironmentPostProcessor {

    static final Map<String, Object> DEFAULTS = Map.of(
            "server.shutdown", "graceful",
            "spring.lifecycle.timeout-per-shutdown-phase", "20s",
            "management.endpoints.web.exposure.include", "health,info,prometheus",
            "management.endpoint.health.probes.enabled", "true",
            "management.endpoint.health.show-details", "never",
            "management.metrics.tags.service", "${spring.application.name}");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource("xmtpNodeDefaults", DEFAULTS));
    }
}
