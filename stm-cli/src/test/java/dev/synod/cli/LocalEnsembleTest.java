package dev.synod.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ports of a local ensemble: every one distinct, none of them a client port the user chose. */
class LocalEnsembleTest {

    @Test
    void freePortsAreDistinct() throws Exception {
        List<Integer> ports = LocalEnsemble.freePorts(60, 0, 0);
        assertThat(ports).hasSize(60);
        assertThat(new HashSet<>(ports)).hasSize(60);
    }

    @Test
    void freePortsAvoidTheClientPortsGiven() throws Exception {
        // a band in the middle of the ports the system hands out when asked for any free one
        int first = LocalEnsemble.freePorts(1, 0, 0).get(0) - 50;
        List<Integer> ports = LocalEnsemble.freePorts(40, first, 100);
        assertThat(new HashSet<>(ports)).hasSize(40);
        assertThat(ports).noneMatch(p -> p >= first && p < first + 100);
    }
}
