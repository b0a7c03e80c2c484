package org.xmtpnode.opsconsole;

import java.net.URI;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.xmtpnode.gateway.ops.console.OpsConsole;

/**
 * The ops console's pages, {@code /ops/} and {@code /ops/api/state?since=<seq>}, in the management
 * server's own context: served on the management port only, never on the public one. This class lies
 * outside the gateway's component scan ({@code org.xmtpnode.gateway}) on purpose, as Spring Boot requires
 * of a management context configuration: it is loaded only into the management context, through
 * {@code META-INF/spring/…ManagementContextConfiguration.imports}.
 */
@ManagementContextConfiguration(value = ManagementContextType.CHILD, proxyBeanMethods = false)
@ConditionalOnBean(OpsConsole.class)
public class OpsConsoleRoutes {

    @Bean
    RouterFunction<ServerResponse> opsConsolePages(OpsConsole console) {
        Resource page = new ClassPathResource("ops/index.html");
        return RouterFunctions.route()
                .GET(
                        "/ops",
                        request -> ServerResponse.permanentRedirect(URI.create("/ops/"))
                                .build())
                .GET(
                        "/ops/",
                        request -> ServerResponse.ok()
                                .contentType(MediaType.TEXT_HTML)
                                .header("Cache-Control", "no-cache")
                                .bodyValue(page))
                .GET("/ops/api/state", request -> {
                    long since = request.queryParam("since")
                            .filter(s -> s.matches("[0-9]{1,18}"))
                            .map(Long::parseLong)
                            .orElse(0L);
                    return ServerResponse.ok()
                            .contentType(MediaType.APPLICATION_JSON)
                            .header("Cache-Control", "no-store")
                            .bodyValue(console.state(since));
                })
                .build();
    }
}
