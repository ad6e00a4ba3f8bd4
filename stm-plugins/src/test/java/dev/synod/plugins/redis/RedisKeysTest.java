package dev.synod.plugins.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The fencing token's key shares its value's cluster slot, and tokens order as strings. */
class RedisKeysTest {
    @Test
    void theFenceKeySharesTheSlotOfItsValue() {
        for (String key : List.of("synod:value:a", "{app}:value:a/b", "x{y}z:value:c", "a{:value:d")) {
            String fence = RedisKeys.fenceKey(key);
            assertThat(fence).isNotEqualTo(key);
            assertThat(JedisClusterCRC16.getSlot(fence)).as(key).isEqualTo(JedisClusterCRC16.getSlot(key));
        }
        assertThat(RedisKeys.fenceKey("synod:value:a")).isEqualTo("{synod:value:a}:fence");
        assertThat(RedisKeys.fenceKey("{app}:value:a")).isEqualTo("{app}:value:a:fence");
    }

    @Test
    void aPrefixWhoseBracesKeepTheTokenOutOfTheSlotIsRefused() {
        assertThatThrownBy(() -> RedisKeys.fenceKey("a}b:value:x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a}b:value:x");
        assertThatThrownBy(() -> RedisKeys.fenceKey("a{}b:value:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensOrderAsTheirStrings() {
        List<Long> tokens = new ArrayList<>(
                List.of(Long.MIN_VALUE, -1_000_000_000_000L, -1L, 0L, 1L, 0xFFFF_FFFFL, 1L << 32, Long.MAX_VALUE));
        for (int i = 1; i < tokens.size(); i++) {
            String lower = RedisKeys.orderedToken(tokens.get(i - 1));
            String higher = RedisKeys.orderedToken(tokens.get(i));
            assertThat(lower).hasSize(16);
            assertThat(lower.compareTo(higher))
                    .as("%s < %s", tokens.get(i - 1), tokens.get(i))
                    .isNegative();
        }
    }
}
