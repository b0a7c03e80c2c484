package org.xmtpnode.runtime.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * This node ({@code xmtp.node.*}), shared by the services of a node.
 *
 * @param id the node's id: stamped on the envelopes it originates, names its consumer groups, its
 *     registry record, its cache keys and its metric tags (1-64 characters of A-Z a-z 0-9 . _ -)
 */
@ConfigurationProperties("xmtp.node")
@Validated
public record NodeProperties(
        @DefaultValue("node-1") @NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9._-]+")
        String id) {}
