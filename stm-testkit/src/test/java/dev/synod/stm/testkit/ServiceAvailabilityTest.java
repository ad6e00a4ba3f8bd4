package dev.synod.stm.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.synod.stm.testkit.ServiceAvailability.Decision;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

class ServiceAvailabilityTest {
    @Test
    void reachableServiceRunsWhateverCiSays() {
        assertThat(ServiceAvailability.decide(null, true)).isEqualTo(Decision.RUN);
        assertThat(ServiceAvailability.decide("true", true)).isEqualTo(Decision.RUN);
        assertThat(ServiceAvailability.decide("false", true)).isEqualTo(Decision.RUN);
    }

    @Test
    void unreachableServiceIsSkippedOutsideCi() {
        assertThat(ServiceAvailability.decide(null, false)).isEqualTo(Decision.SKIP);
        assertThat(ServiceAvailability.decide("", false)).isEqualTo(Decision.SKIP);
        assertThat(ServiceAvailability.decide("false", false)).isEqualTo(Decision.SKIP);
        assertThat(ServiceAvailability.decide("1", false)).isEqualTo(Decision.SKIP);
    }

    @Test
    void unreachableServiceFailsInCi() {
        assertThat(ServiceAvailability.decide("true", false)).isEqualTo(Decision.FAIL);
        assertThat(ServiceAvailability.decide("TRUE", false)).isEqualTo(Decision.FAIL);
        assertThat(ServiceAvailability.decide(" true ", false)).isEqualTo(Decision.FAIL);
    }

    @Test
    void skipAbortsWithAMessageNamingTheServiceAndAddress() {
        assertThatThrownBy(() -> ServiceAvailability.apply(Decision.SKIP, "Redis", "127.0.0.1", 6399))
                .isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("Redis")
                .hasMessageContaining("127.0.0.1:6399");
    }

    @Test
    void failThrowsAnAssertionErrorNamingTheServiceAndAddress() {
        assertThatThrownBy(() -> ServiceAvailability.apply(Decision.FAIL, "PostgreSQL", "127.0.0.1", 5999))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("PostgreSQL")
                .hasMessageContaining("127.0.0.1:5999")
                .hasMessageContaining("CI=true");
    }

    @Test
    void runDoesNothing() {
        assertThatCode(() -> ServiceAvailability.apply(Decision.RUN, "Redis", "127.0.0.1", 6379))
                .doesNotThrowAnyException();
    }

    @Test
    void reachabilityProbeTellsAnOpenPortFromAClosedOne() throws IOException {
        int closedPort;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(ServiceAvailability.reachable("127.0.0.1", server.getLocalPort()))
                    .isTrue();
            closedPort = server.getLocalPort();
        }
        assertThat(ServiceAvailability.reachable("127.0.0.1", closedPort)).isFalse();
    }

    @Test
    void aPortOutsideTheRangeOrANullHostIsRefusedNamingIt() {
        assertThatThrownBy(() -> ServiceAvailability.reachable("127.0.0.1", 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65536");
        assertThatThrownBy(() -> ServiceAvailability.require("Redis", "127.0.0.1", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> ServiceAvailability.reachable(null, 6379))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("host");
    }
}
