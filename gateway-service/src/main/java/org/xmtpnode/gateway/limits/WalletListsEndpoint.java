package org.xmtpnode.gateway.limits;

import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.crypto.Ethereum;
import reactor.core.publisher.Mono;

/**
 * The admin API of the wallet allow and deny lists, on the management port only
 * ({@code /actuator/wallets}), never on the public one. Allowed wallets skip the rate limits; denied
 * wallets are refused with 403 / code 7. Lists live in Redis, shared by every gateway replica.
 */
@Component
@Endpoint(id = "wallets")
public class WalletListsEndpoint {

    private final ReactiveStringRedisTemplate redis;

    public WalletListsEndpoint(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Both lists, allow first (a record keeps its order in the JSON; a map would not). */
    public record Lists(List<String> allow, List<String> deny) {}

    @ReadOperation
    public Mono<Lists> lists() {
        return Mono.zip(members(RateLimiter.ALLOW_SET), members(RateLimiter.DENY_SET))
                .map(t -> new Lists(t.getT1(), t.getT2()));
    }

    /**
     * @param list   {@code allow} or {@code deny}
     * @param wallet an Ethereum address, any case
     * @param action {@code add} or {@code remove}
     */
    @WriteOperation
    public Mono<Lists> change(String list, String wallet, String action) {
        String set = switch (list) {
            case "allow" -> RateLimiter.ALLOW_SET;
            case "deny" -> RateLimiter.DENY_SET;
            default -> throw ApiException.invalid("list must be allow or deny");
        };
        if (!Ethereum.isAddress(wallet)) {
            throw ApiException.invalid("wallet must be an Ethereum address");
        }
        String address = Ethereum.checksum(wallet);
        Mono<Long> op = switch (action) {
            case "add" -> redis.opsForSet().add(set, address);
            case "remove" -> redis.opsForSet().remove(set, address);
            default -> throw ApiException.invalid("action must be add or remove");
        };
        return op.then(lists());
    }

    private Mono<List<String>> members(String set) {
        return redis.opsForSet().members(set).sort().collectList();
    }
}
