package dev.synod.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.synod.stm.spi.Versioned;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Only a completed open makes a cell "opened": a state that a refresh or a fetch gave a placeholder
 * must not let a later open skip adding its watch, nor keep a failed open's placeholder alive.
 */
class CellCacheTest {
    private final CellCache cache = new CellCache("cell-cache-test");

    @AfterEach
    void close() {
        cache.close();
    }

    private static Versioned cell(String name, long version, long stamp) {
        return new Versioned(name, new byte[] {1}, version, stamp);
    }

    @Test
    void aPlaceholderThatARefreshFilledIsNotOpenedAndGoesWhenItsOpenFails() {
        cache.reserve("c");
        assertThat(cache.advance(cell("c", 0, 10))).isTrue(); // a refresh read it meanwhile
        CellCache.State s = cache.state("c");
        assertThat(s.value()).isNotNull();
        assertThat(s.opened()).isFalse();
        assertThat(cache.release("c")).as("no longer tracked").isTrue();
        assertThat(cache.state("c")).isNull();
        assertThat(cache.isOpen("c")).isFalse();
    }

    @Test
    void aFailedOpenKeepsTheCellWhileAnotherOpenOfItRunsOrAfterOneSucceeded() {
        cache.reserve("c");
        cache.reserve("c");
        assertThat(cache.release("c")).as("the other open still runs").isFalse();
        cache.advance(cell("c", 0, 10));
        cache.opened("c");
        assertThat(cache.state("c").opened()).isTrue();

        cache.reserve("c"); // reopening, e.g. after a delete
        assertThat(cache.release("c")).as("opened before: stays").isFalse();
        assertThat(cache.state("c").opened()).isTrue();
    }
}
