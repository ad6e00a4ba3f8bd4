package dev.synod.stm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.synod.stm.Codec;
import dev.synod.stm.spi.StateContainer;
import dev.synod.stm.spi.VersionedStateContainer;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The kits can fail: each deliberately broken container is caught by exactly the tests that
 * protect the property it breaks. (The broken kits are nested classes, which surefire does not run
 * on their own.)
 */
class KitCatchesBrokenContainersTest {

    @Test
    void containerThatNeverDeletesFailsTheDeleteAndStrayVersionTests() {
        assertThat(failedTests(NeverDeletes.class))
                .containsExactlyInAnyOrder(
                        "deleteAtRemovesOnlyThatVersion",
                        "nullArgumentsAreRejected",
                        "containersWithDifferentNamesDoNotSeeEachOther",
                        "destroyRemovesEverythingAndIsIdempotent",
                        "anotherHandleWithTheSameNameSeesTheSameVersions",
                        "concurrentUseFromSeveralThreadsLosesNothing",
                        "largeValuesRoundTrip",
                        "refOverTheContainerCommitsExactlyAndLeavesNoStrayVersions",
                        "abortedCommitDeletesItsStagedVersion",
                        "readerRacingAHistoryTrimSeesANewerValue");
    }

    @Test
    void containerThatIgnoresItsNameFailsTheIsolationTest() {
        assertThat(failedTests(IgnoresName.class)).containsExactly("containersWithDifferentNamesDoNotSeeEachOther");
    }

    @Test
    void containerThatCapsValuesAtFiveMegabytesFailsTheLargeValueTest() {
        assertThat(failedTests(CapsValues.class)).containsExactly("largeValuesRoundTrip");
    }

    @Test
    void atomContainerReturningNullWhenEmptyFailsTheMissingValueTests() {
        assertThat(failedTests(AtomReturnsNull.class))
                .containsExactlyInAnyOrder(
                        "getBeforeAnySetThrowsNoSuchRef",
                        "destroyRemovesTheValueAndIsIdempotent",
                        "containersWithDifferentNamesDoNotSeeEachOther",
                        "nullValueIsRejected",
                        "aNullValueIsRejectedByAFencedWriteToo");
    }

    @Test
    void atomContainerThatSaysItFencesButDoesNotFailsTheFencingTests() {
        assertThat(failedTests(ClaimsToFence.class))
                .containsExactlyInAnyOrder(
                        "aFencedWriteBelowTheStoredTokenIsRefusedAndStoresNothing",
                        "aFencedWriteCreatesTheValueAndAnotherHandleSeesItsToken",
                        "tokensRangeOverAllLongs",
                        "concurrentFencedWritesLeaveTheValueOfTheHighestToken");
    }

    @Test
    void atomContainerThatChecksTheTokenThenWritesFailsTheConcurrentFencingTest() {
        assertThat(failedTests(ChecksThenWrites.class))
                .containsExactly("concurrentFencedWritesLeaveTheValueOfTheHighestToken");
    }

    private static Set<String> failedTests(Class<?> kit) {
        Set<String> failed = new TreeSet<>();
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents().failed().stream()
                .map(Event::getTestDescriptor)
                .forEach(d -> failed.add(d.getDisplayName().replace("()", "")));
        return failed;
    }

    private abstract static class StringKit extends VersionedStateContainerCompatibilityKit<String> {
        @Override
        protected String value(int i) {
            return "value-" + i;
        }

        @Override
        protected String valueOfSize(int bytes, int i) {
            return i + "-" + "x".repeat(bytes);
        }
    }

    static class NeverDeletes extends StringKit {
        @Override
        protected VersionedStateContainer<String> newContainer(String name) {
            return new MapVersionedStateContainer<>(name, Codec.json(String.class)) {
                @Override
                public void deleteAt(String version) {}

                @Override
                public void destroy() {}
            };
        }
    }

    static class IgnoresName extends StringKit {
        @Override
        protected VersionedStateContainer<String> newContainer(String name) {
            String shared = name.endsWith("-other") ? name.substring(0, name.length() - "-other".length()) : name;
            return new MapVersionedStateContainer<>(shared, Codec.json(String.class));
        }
    }

    static class CapsValues extends StringKit {
        @Override
        protected VersionedStateContainer<String> newContainer(String name) {
            return new MapVersionedStateContainer<>(name, Codec.json(String.class)) {
                @Override
                public void setAt(String value, String version) {
                    if (value.length() > 5 * 1024 * 1024) {
                        throw new IllegalArgumentException("too big");
                    }
                    super.setAt(value, version);
                }
            };
        }
    }

    static class ClaimsToFence extends AtomStringKit {
        @Override
        protected StateContainer<String> newContainer(String name) {
            return new MapStateContainer<>(name, Codec.json(String.class)) {
                @Override
                public boolean set(String value, long token) {
                    set(value);
                    return true;
                }
            };
        }
    }

    /** Compares the token, then writes, in two steps: a higher token can be overwritten. */
    static class ChecksThenWrites extends AtomStringKit {
        @Override
        protected StateContainer<String> newContainer(String name) {
            return new MapStateContainer<>(name, Codec.json(String.class)) {
                @Override
                public boolean set(String value, long token) {
                    java.util.Objects.requireNonNull(value, "value");
                    Stored old = STORE.get(this.name);
                    if (old != null && old.token() != null && old.token() > token) {
                        return false;
                    }
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    STORE.put(this.name, new Stored(codec.encode(value), token));
                    return true;
                }
            };
        }
    }

    private abstract static class AtomStringKit extends StateContainerCompatibilityKit<String> {
        @Override
        protected String value(int i) {
            return "value-" + i;
        }

        @Override
        protected String valueOfSize(int bytes, int i) {
            return i + "-" + "x".repeat(bytes);
        }
    }

    static class AtomReturnsNull extends AtomStringKit {
        @Override
        protected StateContainer<String> newContainer(String name) {
            return new MapStateContainer<>(name, Codec.json(String.class)) {
                @Override
                public String get() {
                    Stored stored = STORE.get(this.name);
                    return stored == null ? null : codec.decode(stored.bytes());
                }
            };
        }
    }
}
