package org.xmtpnode.runtime;

import java.time.Clock;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xmtpnode.runtime.web.ReactiveErrorHandler;
import org.xmtpnode.runtime.web.ServletErrorAdvice;

/**
 * What every node service gets by depending on node-runtime: the one {@link Clock} everything that reads
 * the time takes (tests substitute a fixed one), and the error rendering of its web stack.
 */
@AutoConfiguration
public class NodeRuntimeAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class ServletErrors {
        @Bean
        ServletErrorAdvice servletErrorAdvice() {
            return new ServletErrorAdvice();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ReactiveErrors {
        @Bean
        ReactiveErrorHandler reactiveErrorHandler() {
            return new ReactiveErrorHandler();
        }
    }
}
